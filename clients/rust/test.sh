#!/usr/bin/env bash
# The Rust client's suite (run by tests/clients.sh, against the real server it starts):
# every conformance vector, the scenario, the examples of docs/clients/rust.md (doctests)
# and of docs/clients/cli.md (`graphrpc query`, the binary tests/clients.sh gives).
set -euo pipefail
cd "$(dirname "$0")/../.."
# The docs' examples read the server and token the way a user's program would.
export GRAPHRPC_ENDPOINT="$GRAPHRPC_TEST_ENDPOINT" GRAPHRPC_TOKEN="$GRAPHRPC_TEST_TOKEN_WRITER"
cargo build --locked --bin graphrpc
cargo test --locked -p graphrpc-client -- --test-threads 2 --nocapture
