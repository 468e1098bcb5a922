#!/usr/bin/env bash
# The 1M-row stream through the Java client (not part of make test): starts a graphrpc of its
# own (GRAPHRPC_BIN, default the release build) in front of the database given by the
# GRAPHRPC_TEST_NEO4J_* settings, and prints rows/s and client and server memory per run.
#   GRAPHRPC_TEST_NEO4J_URI=bolt://127.0.0.1:7687 ... clients/java/bench.sh
set -euo pipefail
cd "$(dirname "$0")"
export GRAPHRPC_BIN="${GRAPHRPC_BIN:-$PWD/../../target/release/graphrpc}"
[ -x "$GRAPHRPC_BIN" ] || (cd ../.. && cargo build --release --locked --bin graphrpc)
: "${GRAPHRPC_TEST_NEO4J_URI:?the database: set the GRAPHRPC_TEST_NEO4J_* settings}"
# A 64 MiB heap: the stream must fit in it whatever its length.
mvn -B -q test -DargLine=-Xmx64m -Dgraphrpc.excludedGroups=none -Dgroups=bench -Dsurefire.failIfNoSpecifiedTests=false
