#!/usr/bin/env bash
# The client libraries' suites: one real graphrpc binary (debug build) in front of the test
# database that tests/run.sh started, with an access file of three tokens and the demo
# catalog; then every `clients/<language>/test.sh` runs against it, in name order.
#
# What each client suite gets (environment):
#   GRAPHRPC_TEST_ADDR            host:port of the server (plaintext h2c)
#   GRAPHRPC_TEST_ENDPOINT        http://host:port
#   GRAPHRPC_TEST_TOKEN_WRITER    bearer token of principal "writer" (role writer, raw Cypher)
#   GRAPHRPC_TEST_TOKEN_READER    bearer token of principal "reader" (role reader, raw Cypher)
#   GRAPHRPC_TEST_TOKEN_ADMIN     bearer token of principal "admin"  (role admin, raw Cypher)
#   GRAPHRPC_TEST_CONFORMANCE     the folder of the shared conformance vectors
#   GRAPHRPC_BIN                  the graphrpc binary (for suites that need their own server)
#   plus the GRAPHRPC_TEST_NEO4J_* settings of the database itself.
# A call without a token is UNAUTHENTICATED on this server.
#
#   tests/clients.sh            every client
#   tests/clients.sh go python  only these
set -euo pipefail
cd "$(dirname "$0")/.."
project=$PWD
python="${PYTHON:-python3}"
: "${GRAPHRPC_TEST_NEO4J_URI:?run from tests/run.sh (or export the GRAPHRPC_TEST_NEO4J_* settings)}"

bin="${GRAPHRPC_BIN:-$project/target/debug/graphrpc}"
[ -x "$bin" ] || cargo build --locked --bin graphrpc
export GRAPHRPC_BIN="$bin"

free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
work=$(mktemp -d)
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop_server EXIT

token() { "$python" -c 'import secrets; print(secrets.token_hex(24))'; }
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
export GRAPHRPC_TEST_TOKEN_WRITER; GRAPHRPC_TEST_TOKEN_WRITER=$(token)
export GRAPHRPC_TEST_TOKEN_READER; GRAPHRPC_TEST_TOKEN_READER=$(token)
export GRAPHRPC_TEST_TOKEN_ADMIN; GRAPHRPC_TEST_TOKEN_ADMIN=$(token)
cat >"$work/access.yaml" <<EOF
tokens:
  - principal: writer
    sha256: $(sha "$GRAPHRPC_TEST_TOKEN_WRITER")
    role: writer
    raw_cypher: true
  - principal: reader
    sha256: $(sha "$GRAPHRPC_TEST_TOKEN_READER")
    role: reader
    raw_cypher: true
  - principal: admin
    sha256: $(sha "$GRAPHRPC_TEST_TOKEN_ADMIN")
    role: admin
    raw_cypher: true
EOF

port=$(free_port)
admin_port=$(free_port)
export GRAPHRPC_TEST_ADDR="127.0.0.1:$port"
export GRAPHRPC_TEST_ENDPOINT="http://$GRAPHRPC_TEST_ADDR"
export GRAPHRPC_TEST_CONFORMANCE="$project/clients/conformance"

NEO4J_URI="$GRAPHRPC_TEST_NEO4J_URI" NEO4J_USERNAME="$GRAPHRPC_TEST_NEO4J_USERNAME" \
NEO4J_PASSWORD="$GRAPHRPC_TEST_NEO4J_PASSWORD" NEO4J_DATABASE="$GRAPHRPC_TEST_NEO4J_DATABASE" \
GRAPHRPC_LOG="${GRAPHRPC_CLIENTS_SERVER_LOG:-warn}" \
  "$bin" serve --listen "$GRAPHRPC_TEST_ADDR" --admin-listen "127.0.0.1:$admin_port" \
  --access-file "$work/access.yaml" --catalog-file deploy/local/catalog.yaml \
  >"$work/server.log" 2>&1 &
server_pid=$!

# Ready when /readyz answers 200: the listener is up and the database answers.
for _ in $(seq 1 300); do
  if "$python" -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:$admin_port/readyz', timeout=1).status == 200 else 1)" 2>/dev/null; then
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; echo "clients: graphrpc exited" >&2; exit 1; }
  sleep 0.1
done
"$python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$admin_port/readyz', timeout=2)" \
  || { cat "$work/server.log" >&2; echo "clients: graphrpc never became ready" >&2; exit 1; }

if [ "$#" -gt 0 ]; then
  languages=("$@")
else
  languages=()
  for suite in clients/*/test.sh; do
    [ -e "$suite" ] || continue
    languages+=("$(basename "$(dirname "$suite")")")
  done
fi
if [ "${#languages[@]}" -eq 0 ]; then
  echo "clients: no client suites yet (clients/<language>/test.sh)"
  exit 0
fi

failed=()
for language in "${languages[@]}"; do
  echo "== client: $language"
  start=$SECONDS
  if (cd "clients/$language" && bash ./test.sh); then
    echo "== client: $language passed in $((SECONDS - start)) s"
  else
    echo "== client: $language FAILED after $((SECONDS - start)) s"
    failed+=("$language")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "clients: failed: ${failed[*]}; the server's log:" >&2
  tail -n 50 "$work/server.log" >&2
  exit 1
fi
