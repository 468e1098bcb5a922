#!/usr/bin/env bash
# Kept for habit: every client's generated code now comes from the top-level buf.gen.yaml in
# one run (Go, TypeScript and Python together); this is deploy/local/generate.sh, which
# documents its argument. tests/generated.sh checks the committed trees are fresh.
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/deploy/local/generate.sh" "$@"
