//! The protobuf codec of graphrpc's own services: prost's, except that a request that
//! cannot be decoded is the caller's error, INVALID_ARGUMENT saying what is wrong, rather
//! than the INTERNAL tonic reports. Protobuf decoding stops at 100 levels of nesting, so a
//! parameter nested deeper (a 100 000-deep list, say) is refused here, cleanly, before any
//! recursion in graphrpc.

use tonic::{
    codec::{BufferSettings, Codec, DecodeBuf, Decoder},
    Code, Status,
};
use tonic_prost::ProstCodec;

use crate::errors::invalid_argument;

#[derive(Debug, Clone)]
pub struct GraphCodec<T, U>(ProstCodec<T, U>);

impl<T, U> Default for GraphCodec<T, U> {
    fn default() -> Self {
        GraphCodec(ProstCodec::default())
    }
}

impl<T, U> Codec for GraphCodec<T, U>
where
    T: prost::Message + Send + 'static,
    U: prost::Message + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = <ProstCodec<T, U> as Codec>::Encoder;
    type Decoder = GraphDecoder<<ProstCodec<T, U> as Codec>::Decoder>;

    fn encoder(&mut self) -> Self::Encoder {
        self.0.encoder()
    }

    fn decoder(&mut self) -> Self::Decoder {
        GraphDecoder(self.0.decoder())
    }
}

pub struct GraphDecoder<D>(D);

impl<D: Decoder<Error = Status>> Decoder for GraphDecoder<D> {
    type Item = D::Item;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Self::Item>, Status> {
        self.0.decode(src).map_err(caller_error)
    }

    fn buffer_settings(&self) -> BufferSettings {
        self.0.buffer_settings()
    }
}

fn caller_error(status: Status) -> Status {
    if status.code() != Code::Internal {
        return status;
    }
    if status.message().contains("recursion limit") {
        invalid_argument(
            "params",
            "a value nests deeper than protobuf's limit of 100 levels; flatten it",
        )
    } else {
        invalid_argument(
            "request",
            format!("is not a valid protobuf message: {}", status.message()),
        )
    }
}
