//! Code generated from proto/ by build.rs.

#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod v1 {
    tonic::include_proto!("graphrpc.v1");

    pub use super::row_batch::RowBatch;
}

mod row_batch;

/// The encoded descriptors of graphrpc's protos and their imports, comments included,
/// served by server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/graphrpc_descriptor.bin"));
