#!/usr/bin/env bash
# The committed generated code of the Go, TypeScript and Python clients is exactly what
# `buf generate` with the top-level buf.gen.yaml makes from proto/ now: a proto change
# committed without regenerating (deploy/local/generate.sh) fails here. Files that buf would
# no longer write fail too.
set -euo pipefail
cd "$(dirname "$0")/.."
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
deploy/local/generate.sh "$fresh"
stale=0
# tree, and the committed files of it that generation owns
check() {
  local tree=$1 pattern=$2
  local listing_fresh listing_committed
  listing_fresh=$(cd "$fresh/$tree" && find . -type f -name "$pattern" | sort)
  listing_committed=$(cd "$tree" && find . -type f -name "$pattern" | sort)
  if [ "$listing_fresh" != "$listing_committed" ]; then
    echo "generated: $tree: the files differ from what buf generates:" >&2
    diff <(echo "$listing_fresh") <(echo "$listing_committed") >&2 || true
    stale=1
  fi
  for f in $listing_fresh; do
    if ! cmp -s "$fresh/$tree/$f" "$tree/$f"; then
      echo "generated: $tree/${f#./} is stale:" >&2
      diff -u "$tree/$f" "$fresh/$tree/$f" | head -20 >&2 || true
      stale=1
    fi
  done
  echo "generated: $tree: $(echo "$listing_fresh" | wc -l) files checked"
}
check clients/go/graphrpc/v1 '*'
check clients/typescript/src/gen '*'
check clients/python/src/graphrpc/v1 '*_pb2*.py*'
if [ "$stale" = 1 ]; then
  echo "generated: run deploy/local/generate.sh and commit the result" >&2
  exit 1
fi
