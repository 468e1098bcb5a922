#!/usr/bin/env bash
# Runs buf (lint, breaking, generate) from the pinned PyPI package buf-bin, installed once
# into the ignored .local/buf-pylib. Use it like buf itself: deploy/local/buf.sh lint
set -euo pipefail
project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
target="$project/.local/buf-pylib"
"$project/deploy/local/pydeps.sh" "$project/deploy/local/buf-requirements.txt" "$target"
exec "$target/bin/buf" "$@"
