#!/usr/bin/env bash
# The 1M-row stream through the Rust and Python client libraries, beside the direct driver and
# the raw gRPC load program; bench/run.sh calls it once graphrpc is up. Writes
# bench/results/clients.md (bench/clients.py says what is measured).
#   Environment: GRPC_ADDR (http://host:port of a graphrpc without an access file), BOLT_URI and
#   LOADGEN_NEO4J_PASSWORD (the database, for the direct driver), LOADGEN (the load program),
#   GRAPHRPC_PID (optional: graphrpc's peak RSS), BENCH_STREAM_ROWS (1000000),
#   BENCH_CLIENT_RUNS (2), BENCH_CLIENT_SECONDS (5: each load-program run).
set -euo pipefail
cd "$(dirname "$0")/.."
project=$PWD
: "${GRPC_ADDR:?the address of graphrpc}" "${BOLT_URI:?the database}" "${LOADGEN:?the load program}"
echo "bench: building the Rust client's stream program (release)" >&2
cargo build --release --locked --quiet -p graphrpc-client --example stream_bench
deploy/local/pydeps.sh clients/python/requirements.lock "$project/.local/py-client"
RUST_STREAM_BENCH="$project/target/release/examples/stream_bench" \
  CLIENT_PYLIB="$project/.local/py-client" "${PYTHON:-python3}" bench/clients.py
