#!/usr/bin/env bash
# The doc tests (part of `make test`): every shell block of README.md, docs/, the chart README
# and the chart's rendered NOTES.txt runs against a real graphrpc, or says why it cannot
# (the markers: docs/contributing-docs.md). Set up here, as `make run` would:
#   - the demo graph, loaded again so outputs shown in the docs are the ones a reader gets;
#   - graphrpc (GRAPHRPC_BIN, default target/debug/graphrpc) serving the demo catalog, open on
#     loopback, as `make run` does; the documented ports (50051, 9464, ...) are mapped to free
#     ones, and target/release/graphrpc to the binary under test;
#   - grpcurl (pinned) on PATH, the Python packages of grpcall.py in .local/pylib.
# Uses the database of `make test` (GRAPHDB_* settings); run alone, it starts its own.
set -euo pipefail
cd "$(dirname "$0")/../.."
project=$PWD
python="${PYTHON:-python3}"
bin="${GRAPHRPC_BIN:-$project/target/debug/graphrpc}"
[ -x "$bin" ] || { echo "doctest: no graphrpc binary at $bin (cargo build first)" >&2; exit 1; }
export GRAPHRPC_BIN="$bin"

free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
work=$(mktemp -d)
own_db=""
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  [ -n "$own_db" ] && deploy/local/graphdb.sh stop || true
  [ -n "$own_db" ] && rm -rf "$GRAPHDB_HOME" || true
  rm -rf "$work"
}
trap cleanup EXIT

"$python" tests/docs/doctest.py links
"$python" tests/docs/doctest.py self-test

if [ -z "${GRAPHDB_BOLT_PORT:-}" ]; then
  own_db=1
  export GRAPHDB_HOME="$project/.local/doctest-graphdb-$$" GRAPHDB_PASSWORD="graphrpc-test" GRAPHDB_NAME="graph"
  export GRAPHDB_BOLT_PORT GRAPHDB_HTTP_PORT
  GRAPHDB_BOLT_PORT=$(free_port)
  GRAPHDB_HTTP_PORT=$(free_port)
  deploy/local/graphdb.sh start
fi
export GRAPHDB_HOME GRAPHDB_BOLT_PORT GRAPHDB_HTTP_PORT GRAPHDB_PASSWORD GRAPHDB_NAME
deploy/local/graphdb.sh seed 2>&1 | grep -v '^graphdb: ' || true
deploy/local/pydeps.sh

# grpcurl: the project's pinned one, on PATH as a reader puts it there
grpcurl_bin=$(deploy/local/grpcurl.sh --install)
export PATH="$(dirname "$grpcurl_bin"):$PATH"

# The documented ports and the free ones that stand in for them.
ports=""
for p in 50051 50052 50053 9464 9465 9466; do
  ports="$ports${ports:+,}$p=$(free_port)"
done
ports="$ports,7687=$GRAPHDB_BOLT_PORT,2480=$GRAPHDB_HTTP_PORT"
export DOCTEST_PORTS="$ports"
port_of() { tr ',' '\n' <<<"$DOCTEST_PORTS" | sed -n "s/^$1=//p"; }

# What `make run` serves.
unset NEO4J_URI NEO4J_USERNAME NEO4J_PASSWORD NEO4J_PASSWORD_FILE NEO4J_DATABASE GRAPHRPC_ACCESS_FILE || true
(
  set -a && eval "$(deploy/local/graphdb.sh env)" && set +a
  exec "$bin" serve --listen "127.0.0.1:$(port_of 50051)" --admin-listen "127.0.0.1:$(port_of 9464)" \
    --catalog-file deploy/local/catalog.yaml
) >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$(port_of 9464)/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$(port_of 9464)/readyz" >/dev/null || { echo "doctest: graphrpc not ready" >&2; cat "$work/server.log"; exit 1; }

# The chart's NOTES.txt as `helm install` prints it, for three values sets: open (the
# default with access.open), a token in the access file, TLS with client certificates required.
if [ $# -eq 0 ]; then
  "$project/deploy/local/pydeps.sh" "$project/tests/helm/requirements.txt" "$project/.local/helm-pylib"
  DOCTEST_NOTES_TOKEN=$(head -c 32 /dev/urandom | base64 | tr -d '/+=')
  export DOCTEST_NOTES_TOKEN DOCTEST_NOTES_DIR="$work"
  PYTHONPATH="$project/.local/helm-pylib:$project/tests/helm" "$python" -c '
import hashlib, os, pathlib
from chart import render, with_password
out = pathlib.Path(os.environ["DOCTEST_NOTES_DIR"])
digest = hashlib.sha256(os.environ["DOCTEST_NOTES_TOKEN"].encode()).hexdigest()
variants = {
    "open": with_password(),
    "token": with_password(access={"tokens": [{"principal": "notes", "sha256": digest, "role": "reader", "raw_cypher": True}]}),
    "mtls": with_password(tls={"enabled": True, "existingSecret": "graphrpc-tls",
                               "clientAuth": {"enabled": True, "existingSecret": "graphrpc-tls"}}),
}
for name, values in variants.items():
    (out / f"NOTES-{name}.txt").write_text(render(values).notes())'
fi

started=$(date +%s)
"$python" tests/docs/doctest.py run "$@"
echo "doctest: took $(($(date +%s) - started)) s"
