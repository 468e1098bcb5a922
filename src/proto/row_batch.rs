//! `graphrpc.v1.RowBatch`, written by hand instead of generated (build.rs maps the message
//! here): besides the decoded `rows` a client reads, a batch built by the server can carry
//! rows already in protobuf's wire form, transcoded straight from the database's PackStream
//! bytes (`conversions::record`). Sending those is a copy, not a walk over a value tree
//! per row; on the wire both forms are the same message.

use prost::{
    bytes::{Buf, BufMut},
    encoding::{message, skip_field, DecodeContext, WireType},
    DecodeError,
};

use super::v1::Row;

#[derive(Clone, Default, PartialEq)]
pub struct RowBatch {
    /// The rows, in result order (a decoded batch has all of them here).
    pub rows: Vec<Row>,
    /// Rows after `rows`, already encoded: each one field 1 of RowBatch (tag, length, Row).
    encoded: Vec<u8>,
    /// How many rows `encoded` holds.
    encoded_rows: usize,
}

impl RowBatch {
    /// A batch of rows encoded beforehand: `encoded` is a sequence of RowBatch field 1
    /// entries, `rows` of them (`conversions::record::EncodedRows` writes such bytes).
    pub fn encoded(encoded: Vec<u8>, rows: usize) -> Self {
        RowBatch {
            rows: Vec::new(),
            encoded,
            encoded_rows: rows,
        }
    }

    /// Rows in the batch, in either form.
    pub fn len(&self) -> usize {
        self.rows.len() + self.encoded_rows
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl From<Vec<Row>> for RowBatch {
    fn from(rows: Vec<Row>) -> Self {
        RowBatch {
            rows,
            ..RowBatch::default()
        }
    }
}

impl std::fmt::Debug for RowBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowBatch")
            .field("rows", &self.rows)
            .field("encoded_rows", &self.encoded_rows)
            .finish()
    }
}

impl prost::Message for RowBatch {
    fn encode_raw(&self, buf: &mut impl BufMut) {
        for row in &self.rows {
            message::encode(1, row, buf);
        }
        buf.put_slice(&self.encoded);
    }

    fn merge_field(
        &mut self,
        tag: u32,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        if tag == 1 {
            message::merge_repeated(wire_type, &mut self.rows, buf, ctx).map_err(|mut e| {
                e.push("RowBatch", "rows");
                e
            })
        } else {
            skip_field(wire_type, tag, buf, ctx)
        }
    }

    fn encoded_len(&self) -> usize {
        message::encoded_len_repeated(1, &self.rows) + self.encoded.len()
    }

    fn clear(&mut self) {
        self.rows.clear();
        self.encoded.clear();
        self.encoded_rows = 0;
    }
}
