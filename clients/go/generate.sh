#!/usr/bin/env bash
# Regenerates the Go client's gRPC code (graphrpc/v1/) from proto/ with buf and the generators
# pinned in tools/go.mod (installed into the ignored .local/go-bin).
#   clients/go/generate.sh           rewrite clients/go/graphrpc/v1
#   clients/go/generate.sh DIR       write DIR/clients/go/graphrpc/v1 instead (test.sh diffs it)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/../.." && pwd)
bin="$project/.local/go-bin"
(cd "$here/tools" && GOBIN="$bin" GOFLAGS=-mod=readonly go install tool)
cd "$project"
if [ "$#" -gt 0 ]; then
  PATH="$bin:$PATH" deploy/local/buf.sh generate --template clients/go/buf.gen.yaml -o "$1"
else
  rm -rf clients/go/graphrpc/v1
  PATH="$bin:$PATH" deploy/local/buf.sh generate --template clients/go/buf.gen.yaml
fi
