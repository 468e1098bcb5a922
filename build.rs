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
];

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
    std::fs::write(
        out_dir.join("graphrpc_descriptor.bin"),
        descriptors.encode_to_vec(),
    )?;

    tonic_prost_build::configure()
        // Bolt byte arrays move into responses without a copy.
        .bytes(".graphrpc.v1.Value")
        // Undecodable requests are INVALID_ARGUMENT, not INTERNAL (src/transport/codec.rs).
        .codec_path("crate::transport::codec::GraphCodec")
        .build_client(true)
        .build_server(true)
        .compile_fds(descriptors)?;
    Ok(())
}
