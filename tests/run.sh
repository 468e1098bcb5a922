#!/usr/bin/env bash
# `make test`: everything the tests need is installed and started here, from the
# project's own files, then every suite runs.
#   1. lint: the layout check (tests/layout.py), cargo fmt --check, cargo clippy --all-targets -D warnings; the proto contract:
#      buf lint, buf breaking against the committed v1 baseline (proto/baseline/v1.binpb)
#   2. a test database of its own (ArcadeDB with Bolt, on free ports), seeded with the
#      demo graph; stopped on exit however the run ends
#   3. cargo test: unit tests, in-process integration tests, process-level tests (on the
#      Bolt version negotiated, 5.4); then the value, pool and Bolt tests pinned to Bolt 4.4
#   4. the interop suite: Python grpcio through reflection, and the real grpcurl
#      (deploy/local/grpcurl.sh), against the graphrpc binary
#   5. the client libraries (tests/clients.sh: one graphrpc, every clients/*/test.sh); the
#      committed generated code of the Go, TypeScript, Python clients is what buf.gen.yaml
#      makes now (tests/generated.sh)
#   6. the Helm chart: lint, render, Kubernetes schema validation (tests/helm/run.sh)
#   7. the docs: every shell command of README.md, docs/, the chart README, NOTES.txt and the
#      text `make run` prints, run against a real graphrpc (tests/docs/run.sh); links checked
#      first, with the linters
#   (and a second-long smoke run of the benchmark's load program, so it cannot rot)
# A database that cannot start fails the run; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
project=$PWD
python="${PYTHON:-python3}"

echo "== proto contract: buf lint, buf breaking against proto/baseline/v1.binpb"
deploy/local/buf.sh lint
deploy/local/buf.sh breaking --against proto/baseline/v1.binpb

echo "== lint"
# No import circle between src/'s top-level modules, no file over 700 lines of non-test code.
"$python" tests/layout.py
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== docs: relative links, anchors, SUMMARY.md"
"$python" tests/docs/doctest.py links
book=$(mktemp -d)
deploy/local/mdbook.sh build docs --dest-dir "$book" 2>&1 | grep -v ' INFO ' || true
[ -f "$book/index.html" ] || { echo "mdbook did not build the book" >&2; exit 1; }
rm -rf "$book"

echo "== building the tests"
cargo build --tests --examples --locked

echo "== installing the interop suite's Python packages into .local/pylib, grpcurl into .local/grpcurl"
deploy/local/pydeps.sh
deploy/local/grpcurl.sh --install >/dev/null

echo "== starting a test database"
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
export GRAPHDB_HOME="$project/.local/test-graphdb-$$"
export GRAPHDB_BOLT_PORT; GRAPHDB_BOLT_PORT=$(free_port)
export GRAPHDB_HTTP_PORT; GRAPHDB_HTTP_PORT=$(free_port)
export GRAPHDB_PASSWORD="graphrpc-test"
export GRAPHDB_NAME="graph"
cleanup() {
  deploy/local/graphdb.sh stop || true
  rm -rf "$GRAPHDB_HOME"
}
trap cleanup EXIT
deploy/local/graphdb.sh start
deploy/local/graphdb.sh seed

export GRAPHRPC_TEST_NEO4J_URI="bolt://127.0.0.1:$GRAPHDB_BOLT_PORT"
export GRAPHRPC_TEST_NEO4J_USERNAME="root"
export GRAPHRPC_TEST_NEO4J_PASSWORD="$GRAPHDB_PASSWORD"
export GRAPHRPC_TEST_NEO4J_DATABASE="$GRAPHDB_NAME"
# The settings graphrpc reads must come from the tests, not from this shell.
unset NEO4J_URI NEO4J_USERNAME NEO4J_PASSWORD NEO4J_PASSWORD_FILE NEO4J_DATABASE || true

echo "== cargo test"
cargo test --locked -- --nocapture 2>&1 | grep -v '^graphdb: ' || exit "${PIPESTATUS[0]}"

# The suites above ran on the Bolt version negotiated with the database (5.4 here). The value
# round trips, the pool and the Bolt tests run once more with the version pinned to 4.4, the
# fallback an older database gets (legacy date-time structs, no element ids, no LOGON).
echo "== cargo test on Bolt 4.4: values, pool, bolt (GRAPHRPC_BOLT_VERSION=4.4)"
GRAPHRPC_BOLT_VERSION=4.4 cargo test --locked --test api -- --nocapture values:: pool:: bolt:: 2>&1 \
  | grep -v '^graphdb: ' || exit "${PIPESTATUS[0]}"

echo "== benchmark load program smoke run"
bench/smoke.sh

echo "== interop: Python grpcio and grpcurl through server reflection"
GRAPHRPC_BIN="$project/target/debug/graphrpc" PYTHONPATH="$project/.local/pylib" \
  "$python" -m pytest -q -p no:cacheprovider tests/interop

echo "== client libraries against the real server (clients/*/test.sh)"
GRAPHRPC_BIN="$project/target/debug/graphrpc" tests/clients.sh

echo "== generated client code is fresh (buf generate with buf.gen.yaml into a temp dir)"
tests/generated.sh

echo "== Helm chart and container image"
tests/helm/run.sh

echo "== docs: every documented command, against a real graphrpc"
GRAPHRPC_BIN="$project/target/debug/graphrpc" tests/docs/run.sh
