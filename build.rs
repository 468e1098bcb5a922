//! Generates the gRPC code and the reflection descriptor set from proto/ with protox, a
//! protobuf compiler in pure Rust, so that `cargo build` needs no system `protoc`.

use std::{env, path::PathBuf};

use prost::Message;

const PROTOS: &[&str] = &[
    "graphrpc/v1/value.proto",
    "graphrpc/v1/common.proto",
    "graphrpc/v1/catalog.proto",
    "graphrpc/v1/query.proto",
    "graphrpc/v1/transaction.proto",
    "graphrpc/v1/errors.proto",
];

/// Served by reflection beside graphrpc's own protos, so that grpcurl can decode the
/// google.rpc.ErrorInfo / BadRequest details of a failed call. Their Rust types come from
/// tonic-types, so no code is generated for them.
const REFLECTION_ONLY: &[&str] = &["google/rpc/status.proto", "google/rpc/error_details.proto"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);

    let descriptors = protox::Compiler::new(["proto"])?
        .include_imports(true)
        .include_source_info(true)
        .open_files(PROTOS)?
        .file_descriptor_set();

    // Server reflection serves this set, comments included, so `grpcurl describe` explains
    // every field without the .proto files at hand.
    let served = protox::Compiler::new(["proto"])?
        .include_imports(true)
        .include_source_info(true)
        .open_files(PROTOS.iter().chain(REFLECTION_ONLY))?
        .file_descriptor_set();
    std::fs::write(
        out_dir.join("graphrpc_descriptor.bin"),
        served.encode_to_vec(),
    )?;

    tonic_prost_build::configure()
        // Bolt byte arrays move into responses without a copy.
        .bytes(".graphrpc.v1.Value")
        // Undecodable requests are INVALID_ARGUMENT, not INTERNAL (src/transport/codec.rs).
        .codec_path("crate::transport::codec::GraphCodec")
        // Written by hand (src/proto/row_batch.rs): it can also carry rows encoded beforehand.
        .extern_path(".graphrpc.v1.RowBatch", "crate::proto::v1::RowBatch")
        .build_client(true)
        .build_server(true)
        .compile_fds(descriptors)?;
    Ok(())
}
