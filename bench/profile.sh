#!/usr/bin/env bash
# Per-layer cost of graphrpc over the floor, from callgrind instruction counts (stable on a
# noisy shared machine, unlike timings). Called by bench/run.sh with the servers' binaries
# and the database's address in the environment; usable alone:
#
#   PROFILE_GRAPHRPC=target/release/graphrpc PROFILE_FLOOR=bench/loadgen/target/release/floor \
#   BOLT_URI=bolt://127.0.0.1:7687 GRAPHDB_PASSWORD=PW GRAPHDB_NAME=graph \
#   LOADGEN=bench/loadgen/target/release/loadgen bench/profile.sh OUT_DIR
#
# For each server and workload (RETURN 1, the point lookup): start it under callgrind (one
# worker thread, default configuration, log line to a file), warm up with 200 calls, zero
# the counters, send PROFILE_CALLS calls one at a time with h2load, dump the counters.
# bench/layers.py turns the dumps into OUT_DIR/layers.md (instructions per call by layer).
# PROFILE_WORKLOADS and PROFILE_SERVERS narrow the runs (an A/B of one change needs only
# graphrpc's RETURN 1 beside a floor dump already made).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: bench/profile.sh OUT_DIR}
mkdir -p "$out"
calls="${PROFILE_CALLS:-1000}"
python="${PYTHON:-python3}"
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

if ! command -v valgrind >/dev/null; then
  echo "profile: valgrind is missing (bench/run.sh installs it)" >&2; exit 1
fi

h2() { # PORT FRAME N
  h2load -n "$3" -c 1 -m 1 -t 1 -d "$2" -H 'content-type: application/grpc' -H 'te: trailers' \
    "http://127.0.0.1:$1/graphrpc.v1.GraphQueryService/Run" >/dev/null
}

for workload in ${PROFILE_WORKLOADS:-return1 point}; do
  frame="$out/$workload-request.bin"
  "$LOADGEN" frame --workload "$workload" --id 4242 >"$frame"
  for server in ${PROFILE_SERVERS:-graphrpc floor}; do
    port=$(free_port)
    dump="$out/callgrind.$server.$workload"
    rm -f "$dump" "$dump".*
    if [ "$server" = floor ]; then
      cmd=("$PROFILE_FLOOR" --listen "127.0.0.1:$port")
    else
      cmd=("$PROFILE_GRAPHRPC" serve --admin-listen 127.0.0.1:0 --listen "127.0.0.1:$port")
    fi
    NEO4J_PASSWORD="$GRAPHDB_PASSWORD" valgrind --tool=callgrind --callgrind-out-file="$dump" \
      "${cmd[@]}" --neo4j-uri "$BOLT_URI" --neo4j-username root --neo4j-database "$GRAPHDB_NAME" \
      --worker-threads 1 >"$out/$server-$workload.log" 2>&1 &
    pid=$!
    up=0
    for _ in $(seq 1 300); do
      if h2 "$port" "$frame" 1 2>/dev/null && nghttp -v -d "$frame" -H ':method: POST' \
        -H 'content-type: application/grpc' -H 'te: trailers' \
        "http://127.0.0.1:$port/graphrpc.v1.GraphQueryService/Run" 2>&1 | grep -aq 'grpc-status: 0'; then
        up=1; break
      fi
      sleep 0.5
    done
    if [ "$up" != 1 ]; then
      echo "profile: $server did not answer under valgrind; its log:" >&2
      tail -n 20 "$out/$server-$workload.log" >&2; kill "$pid" 2>/dev/null || true; exit 1
    fi
    h2 "$port" "$frame" 200
    callgrind_control --zero "$pid" >/dev/null
    h2 "$port" "$frame" "$calls"
    callgrind_control --dump "$pid" >/dev/null
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "profile: $server $workload: $calls calls profiled" >&2
  done
done
"$python" bench/layers.py "$out" "$calls"
