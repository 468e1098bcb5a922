#!/usr/bin/env bash
# Measures a 1M-row stream through the Go client (not part of make test): starts a
# graphrpc of its own (open mode, release build if there is one) in front of the database
# of the GRAPHRPC_TEST_NEO4J_* settings, runs main.go, and prints rows/s with the client's
# and the server's memory (VmRSS before, VmHWM after).
#   GRAPHRPC_TEST_NEO4J_URI=... bash clients/go/examples/stream1m/run.sh [rows]
set -euo pipefail
cd "$(dirname "$0")/../.."
project=$(cd ../.. && pwd)
bin="${GRAPHRPC_BIN:-$project/target/release/graphrpc}"
[ -x "$bin" ] || bin="$project/target/debug/graphrpc"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
admin=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
NEO4J_URI="$GRAPHRPC_TEST_NEO4J_URI" NEO4J_USERNAME="$GRAPHRPC_TEST_NEO4J_USERNAME" \
NEO4J_PASSWORD="$GRAPHRPC_TEST_NEO4J_PASSWORD" NEO4J_DATABASE="$GRAPHRPC_TEST_NEO4J_DATABASE" \
GRAPHRPC_LOG=warn "$bin" serve --listen "127.0.0.1:$port" --admin-listen "127.0.0.1:$admin" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$admin/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
go build -o "$project/.local/stream1m" ./examples/stream1m
echo "server: $bin, VmRSS before: $(grep VmRSS "/proc/$server/status" | awk '{print $2, $3}')"
ROWS="${1:-1000000}" GRAPHRPC_ENDPOINT="http://127.0.0.1:$port" "$project/.local/stream1m"
echo "server VmHWM after: $(grep VmHWM "/proc/$server/status" | awk '{print $2, $3}')"
