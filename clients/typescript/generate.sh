#!/usr/bin/env bash
# Regenerates src/gen from proto/ with protoc-gen-es from this package's node_modules (run
# `npm ci` first), driven by buf (deploy/local/buf.sh). With an argument, writes the tree
# under that folder instead (test.sh uses it to check that src/gen is fresh).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$(cd "$here/../.." && pwd)
cd "$project"
if [ "$#" -gt 0 ]; then
  "$project/deploy/local/buf.sh" generate --template clients/typescript/buf.gen.yaml --output "$1"
else
  rm -rf clients/typescript/src/gen
  "$project/deploy/local/buf.sh" generate --template clients/typescript/buf.gen.yaml
fi
