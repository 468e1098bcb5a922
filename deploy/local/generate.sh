#!/usr/bin/env bash
# Regenerates every client's code from proto/ with the top-level buf.gen.yaml (one buf
# generate, local plugins only), after installing the pinned plugins:
#   deploy/local/generate.sh        rewrite the committed trees (then commit them)
#   deploy/local/generate.sh DIR    write DIR/clients/... instead (tests/generated.sh diffs it)
# Plugins: Go's from clients/go/tools/go.mod into .local/go-bin; protoc-gen-es from
# clients/typescript/package-lock.json (npm ci when node_modules lacks it or is older than the
# lock); grpcio-tools from clients/python/requirements.lock into .local/py-client.
set -euo pipefail
project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$project"
gobin="$project/.local/go-bin"
(cd clients/go/tools && GOBIN="$gobin" GOFLAGS=-mod=readonly go install tool)
es=clients/typescript/node_modules/.bin/protoc-gen-es
if [ ! -x "$es" ] || [ clients/typescript/package-lock.json -nt clients/typescript/node_modules/.package-lock.json ]; then
  (cd clients/typescript && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
deploy/local/pydeps.sh clients/python/requirements.lock "$project/.local/py-client"
generate() {
  PATH="$gobin:$PATH" PYTHONPATH="$project/.local/py-client" \
    deploy/local/buf.sh generate --template buf.gen.yaml "$@"
}
if [ "$#" -gt 0 ]; then
  generate -o "$1"
else
  rm -rf clients/go/graphrpc/v1 clients/typescript/src/gen
  rm -f clients/python/src/graphrpc/v1/*_pb2.py clients/python/src/graphrpc/v1/*_pb2.pyi \
    clients/python/src/graphrpc/v1/*_pb2_grpc.py
  generate
fi
