#!/usr/bin/env bash
# A one-second smoke run of the benchmark's load program, so that it cannot rot: both modes
# (gRPC through a graphrpc it starts itself, and neo4rs directly), two small workloads each,
# against the test database. Exits non-zero if anything fails (the load program exits
# non-zero when a request failed or none completed).
#
# Needs GRAPHRPC_TEST_NEO4J_URI, GRAPHRPC_TEST_NEO4J_PASSWORD and GRAPHRPC_TEST_NEO4J_DATABASE
# (set by tests/run.sh); GRAPHRPC_TEST_NEO4J_USERNAME defaults to root. Uses
# target/debug/graphrpc (GRAPHRPC_BIN to override), building it when missing, and builds the
# load program in debug (bench/loadgen/target).
set -euo pipefail
cd "$(dirname "$0")/.."
project=$PWD
python="${PYTHON:-python3}"
: "${GRAPHRPC_TEST_NEO4J_URI:?set by tests/run.sh}"
: "${GRAPHRPC_TEST_NEO4J_PASSWORD:?set by tests/run.sh}"
: "${GRAPHRPC_TEST_NEO4J_DATABASE:?set by tests/run.sh}"
user="${GRAPHRPC_TEST_NEO4J_USERNAME:-root}"
bin="${GRAPHRPC_BIN:-$project/target/debug/graphrpc}"

[ -x "$bin" ] || cargo build --locked --quiet --bin graphrpc
(cd bench/loadgen && cargo build --locked --quiet)
loadgen="$project/bench/loadgen/target/debug/loadgen"

port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
log=$(mktemp)
NEO4J_PASSWORD="$GRAPHRPC_TEST_NEO4J_PASSWORD" "$bin" serve --listen "127.0.0.1:$port" --admin-listen 127.0.0.1:0 \
  --neo4j-uri "$GRAPHRPC_TEST_NEO4J_URI" --neo4j-username "$user" \
  --neo4j-database "$GRAPHRPC_TEST_NEO4J_DATABASE" --pool-size 4 --log warn >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT

addr="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  "$loadgen" grpc --addr "$addr" --workload return1 --duration 100ms >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "smoke: graphrpc exited:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.2
done

export LOADGEN_NEO4J_PASSWORD="$GRAPHRPC_TEST_NEO4J_PASSWORD"
direct=(direct --uri "$GRAPHRPC_TEST_NEO4J_URI" --user "$user"
        --database "$GRAPHRPC_TEST_NEO4J_DATABASE" --pool-size 4)
# The test database holds the demo graph, not the benchmark graph: point lookups may find
# nothing (--allow-empty); the stream is cut to 5 000 rows and must arrive complete.
for mode in grpc direct; do
  if [ "$mode" = grpc ]; then args=(grpc --addr "$addr"); else args=("${direct[@]}"); fi
  for workload in return1 point stream; do
    "$loadgen" "${args[@]}" --workload "$workload" --concurrency 4 --duration 300ms \
      --stream-rows 5000 --allow-empty >/dev/null \
      || { echo "smoke: $mode $workload failed" >&2; cat "$log" >&2; exit 1; }
  done
done
# The frame h2load sends must decode as a RunRequest: at least check its length prefix.
"$loadgen" frame --workload point | "$python" -c '
import sys; b = sys.stdin.buffer.read()
assert b[0] == 0 and int.from_bytes(b[1:5], "big") == len(b) - 5, "bad gRPC frame"'
echo "smoke: the load program ran against graphrpc and the driver directly" >&2
