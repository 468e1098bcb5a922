#!/usr/bin/env bash
# `make bench`: graphrpc against the floor (bench/floor: the same gRPC service over the same
# driver with no features), the direct driver and the seed's Flask pattern, side by side in one
# run, on one database and one machine. See "Performance" in README.md.
#
#   1. installs what is missing: wrk and h2load (apt-get, Debian packages wrk and
#      nghttp2-client), the Python packages (Flask, gunicorn, the neo4j driver, matplotlib)
#      into .local/bench-pylib with deploy/local/pydeps.sh
#   2. starts a database of its own (own GRAPHDB_HOME, free ports) and loads the benchmark
#      graph (bench/load_graph.py: 10 000 Person, 50 000 KNOWS, fixed seed, indexed id)
#   3. builds graphrpc, the floor and the load program (release) and starts graphrpc (default
#      configuration: the per-call log line is written, to bench/results/raw), the floor, the Flask app with
#      a module-level driver and its per-request-driver variant (gunicorn, 2 gthread workers
#      with 8 threads each)
#   4. runs every workload at concurrency 1 and 32 against every system (bench/bench.py),
#      then graphrpc and the floor alternated with h2load (the vs-floor targets), then the
#      h2load cross-check
#   5. profiles graphrpc and the floor under callgrind (bench/profile.sh: instructions per
#      call by layer), then writes bench/results/latest.md and bench/results/chart.png and prints the table
# Everything it started is stopped on exit, however the run ends.
#
# Settings (environment): BENCH_DURATION (per measured run, default 10s), BENCH_WARMUP (2s),
# BENCH_POOL_SIZE (graphrpc's and the direct driver's pool, 16), BENCH_WORKLOADS,
# BENCH_CONCURRENCIES, BENCH_SYSTEMS (subsets, for a quick look), BENCH_AB_ROUNDS (3) and
# BENCH_AB_DURATION (5s) of the alternated graphrpc/floor runs, BENCH_AB_STREAM_DURATION
# (10s) of the alternated 1M-row stream runs (graphrpc, floor, direct), BENCH_KEEP_DB=1 (keep the
# database's files afterwards), BENCH_GRAPHRPC_THREADS (graphrpc's worker threads, 1; 0: one
# per core).
set -euo pipefail
cd "$(dirname "$0")/.."
project=$PWD
python="${PYTHON:-python3}"
say() { echo "bench: $*" >&2; }

export BENCH_DURATION="${BENCH_DURATION:-10s}"
export BENCH_POOL_SIZE="${BENCH_POOL_SIZE:-16}"

# ---- 1. tools ---------------------------------------------------------------------------
if ! command -v wrk >/dev/null || ! command -v h2load >/dev/null || ! command -v valgrind >/dev/null; then
  say "installing wrk, nghttp2-client (h2load) and valgrind (callgrind) with apt-get"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq wrk nghttp2-client valgrind >/dev/null
fi
pylib="$project/.local/bench-pylib"
deploy/local/pydeps.sh bench/requirements.txt "$pylib"

# ---- 2. the database --------------------------------------------------------------------
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
export GRAPHDB_HOME="$project/.local/bench-graphdb-$$"
export GRAPHDB_BOLT_PORT; GRAPHDB_BOLT_PORT=$(free_port)
export GRAPHDB_HTTP_PORT; GRAPHDB_HTTP_PORT=$(free_port)
export GRAPHDB_PASSWORD="graphrpc-bench"
export GRAPHDB_NAME="graph"
grpc_port=$(free_port); floor_port=$(free_port); mem_port=$(free_port); flask_port=$(free_port); flask_pr_port=$(free_port)

pids=()
cleanup() {
  local code=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  deploy/local/graphdb.sh stop || true
  [ "${BENCH_KEEP_DB:-0}" = 1 ] || rm -rf "$GRAPHDB_HOME"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

deploy/local/graphdb.sh start
"$python" bench/load_graph.py

# ---- 3. build and start the systems -----------------------------------------------------
say "building graphrpc, the floor and the load program (release)"
cargo build --release --locked --quiet
# The floor is a member of the load program's workspace (one lock, one target directory).
(cd bench/loadgen && cargo build --release --locked --quiet --workspace)
loadgen="$project/bench/loadgen/target/release/loadgen"
floor="$project/bench/loadgen/target/release/floor"
bolt_uri="bolt://127.0.0.1:$GRAPHDB_BOLT_PORT"
logs="$project/bench/results/raw"
rm -rf "$logs"; mkdir -p "$logs"

# graphrpc exactly as an operator would run it: default configuration, the per-call log line
# included (to a file, as a container's log would go to a pipe). One worker thread: the
# database and the load program keep the machine's two cores busy too, and on them one thread
# costs less CPU per call than two (README, Performance). The floor gets the same.
threads="${BENCH_GRAPHRPC_THREADS:-1}"
NEO4J_PASSWORD="$GRAPHDB_PASSWORD" target/release/graphrpc serve --admin-listen 127.0.0.1:0 \
  --listen "127.0.0.1:$grpc_port" --neo4j-uri "$bolt_uri" --neo4j-username root \
  --neo4j-database "$GRAPHDB_NAME" --pool-size "$BENCH_POOL_SIZE" \
  --worker-threads "$threads" \
  >"$logs/graphrpc.log" 2>&1 &
graphrpc_pid=$!; pids+=("$graphrpc_pid")
NEO4J_PASSWORD="$GRAPHDB_PASSWORD" "$floor" --listen "127.0.0.1:$floor_port" \
  --neo4j-uri "$bolt_uri" --neo4j-username root --neo4j-database "$GRAPHDB_NAME" \
  --pool-size "$BENCH_POOL_SIZE" --worker-threads "$threads" >"$logs/floor.log" 2>&1 &
floor_pid=$!; pids+=("$floor_pid")
# A second graphrpc for the memory of 1 000 idle calls: the default call limit (512) would
# refuse half of them, so this one allows 1 100; nothing else differs.
NEO4J_PASSWORD="$GRAPHDB_PASSWORD" target/release/graphrpc serve --admin-listen 127.0.0.1:0 \
  --listen "127.0.0.1:$mem_port" --neo4j-uri "$bolt_uri" --neo4j-username root \
  --neo4j-database "$GRAPHDB_NAME" --pool-size "$BENCH_POOL_SIZE" \
  --worker-threads "$threads" --max-concurrent-calls 1100 \
  >"$logs/graphrpc-mem.log" 2>&1 &
mem_pid=$!; pids+=("$mem_pid")

start_gunicorn() { # MODULE PORT
  (cd bench/flask && NEO4J_URI="$bolt_uri" NEO4J_USERNAME=root NEO4J_PASSWORD="$GRAPHDB_PASSWORD" \
    NEO4J_DATABASE="$GRAPHDB_NAME" PYTHONPATH="$pylib" exec "$python" -m gunicorn \
    --workers 2 --worker-class gthread --threads 8 --bind "127.0.0.1:$2" \
    --log-level warning "$1:app") >"$logs/gunicorn-$1.log" 2>&1 &
}
start_gunicorn app "$flask_port"; flask_pid=$!; pids+=("$flask_pid")
start_gunicorn app_per_request "$flask_pr_port"; flask_pr_pid=$!; pids+=("$flask_pr_pid")

wait_for() { # WHAT COMMAND...
  local what=$1; shift
  for _ in $(seq 1 150); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  say "$what did not come up; its logs:"; tail -n 20 "$logs"/*.log >&2; exit 1
}
wait_for graphrpc "$loadgen" grpc --addr "http://127.0.0.1:$grpc_port" --workload return1 --duration 200ms
wait_for "the floor" "$loadgen" grpc --addr "http://127.0.0.1:$floor_port" --workload return1 --duration 200ms
wait_for "the Flask app" curl -fsS "http://127.0.0.1:$flask_port/return1"
wait_for "the per-request Flask app" curl -fsS "http://127.0.0.1:$flask_pr_port/return1"
# The h2load requests must be real, successful gRPC calls: check their grpc-status once.
for workload in point return1; do
  "$loadgen" frame --workload "$workload" --id 4242 >"$logs/$workload-request.bin"
  for port in "$grpc_port" "$floor_port"; do
    if ! nghttp -v -d "$logs/$workload-request.bin" -H ':method: POST' \
      -H 'content-type: application/grpc' -H 'te: trailers' \
      "http://127.0.0.1:$port/graphrpc.v1.GraphQueryService/Run" 2>&1 \
      | grep -aq 'grpc-status: 0'; then
      say "the framed $workload RunRequest for h2load is not answered with grpc-status 0 on :$port"
      exit 1
    fi
  done
done
# Let graphrpc settle (start-up, first health probe) before reading its idle RSS.
sleep 2
say "graphrpc pid $graphrpc_pid on :$grpc_port; floor pid $floor_pid on :$floor_port; Flask pids $flask_pid, $flask_pr_pid; database on :$GRAPHDB_BOLT_PORT"

# ---- 4. the workloads -------------------------------------------------------------------
LOADGEN="$loadgen" GRPC_ADDR="http://127.0.0.1:$grpc_port" BOLT_URI="$bolt_uri" \
  FLOOR_ADDR="http://127.0.0.1:$floor_port" FLOOR_PID="$floor_pid" \
  MEM_ADDR="http://127.0.0.1:$mem_port" MEM_PID="$mem_pid" \
  FLASK_URL="http://127.0.0.1:$flask_port" FLASK_PR_URL="http://127.0.0.1:$flask_pr_port" \
  GRAPHRPC_PID="$graphrpc_pid" FLASK_PID="$flask_pid" FLASK_PR_PID="$flask_pr_pid" \
  DB_PID="$(cat "$GRAPHDB_HOME/server.pid")" BENCH_RAW="$logs" \
  "$python" bench/bench.py

GRPC_ADDR="http://127.0.0.1:$grpc_port" BOLT_URI="$bolt_uri" LOADGEN="$loadgen" GRAPHRPC_PID="$graphrpc_pid" LOADGEN_NEO4J_PASSWORD="$GRAPHDB_PASSWORD" bench/clients.sh  # the 1M-row stream through the client libraries: bench/results/clients.md

# Per-layer cost from callgrind instruction counts (bench/profile.sh; BENCH_PROFILE=0 skips).
if [ "${BENCH_PROFILE:-1}" = 1 ]; then
  PROFILE_GRAPHRPC="$project/target/release/graphrpc" PROFILE_FLOOR="$floor" LOADGEN="$loadgen" \
    BOLT_URI="$bolt_uri" bench/profile.sh "$logs" >&2
fi

# ---- 5. the report ----------------------------------------------------------------------
PYTHONPATH="$pylib" "$python" bench/report.py "$logs" bench/results
