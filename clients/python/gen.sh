#!/usr/bin/env bash
# Regenerates the committed protobuf and gRPC code (src/graphrpc/v1/*_pb2*.py[i]) from
# proto/ with buf and grpcio-tools, both pinned:
#   clients/python/gen.sh          into src/ (then commit)
#   clients/python/gen.sh DIR      into DIR/clients/python/src instead (test.sh's freshness check)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$(cd "$here/../.." && pwd)
"$project/deploy/local/pydeps.sh" "$here/requirements.lock" "$project/.local/py-client"
out="${1:-$project}"
cd "$project"
# With a buf.yaml the workspace is the project; before it, proto/ is the module.
input=proto
[ -f buf.yaml ] && input=.
if [ "$out" = "$project" ]; then
  rm -f clients/python/src/graphrpc/v1/*_pb2.py clients/python/src/graphrpc/v1/*_pb2.pyi \
    clients/python/src/graphrpc/v1/*_pb2_grpc.py
fi
PYTHONPATH="$project/.local/py-client" deploy/local/buf.sh generate "$input" \
  --template clients/python/buf.gen.yaml -o "$out"
