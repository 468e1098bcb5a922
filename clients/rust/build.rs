//! Generates the client stubs from the contract in ../../proto with protox (pure Rust, no
//! system protoc).

const PROTOS: &[&str] = &[
    "graphrpc/v1/value.proto",
    "graphrpc/v1/common.proto",
    "graphrpc/v1/catalog.proto",
    "graphrpc/v1/query.proto",
    "graphrpc/v1/transaction.proto",
    "graphrpc/v1/errors.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=../../proto/graphrpc");
    let descriptors = protox::Compiler::new(["../../proto"])?
        .include_imports(true)
        .open_files(PROTOS)?
        .file_descriptor_set();
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(false)
        .compile_fds(descriptors)?;
    Ok(())
}
