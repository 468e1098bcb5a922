#!/usr/bin/env bash
# The Rust client's suite (run by tests/clients.sh, against the real server it starts):
# every conformance vector, the scenario, the docs' examples, and the `graphrpc query` CLI.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo test --locked -p graphrpc-client -- --test-threads 2 --nocapture
