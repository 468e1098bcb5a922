#!/usr/bin/env bash
# The TypeScript client's suite, run by tests/clients.sh (which documents the environment):
#   1. npm ci: the pinned packages of package-lock.json into node_modules
#   2. src/gen is fresh: buf (deploy/local/buf.sh) with the local protoc-gen-es regenerates
#      it into a temp dir, which must not differ
#   3. tsc --strict: the type check and the build into dist/ in one run; then the linters,
#      ESLint (typescript-eslint, type-aware rules) and Prettier --check
#   4. node --test: unit tests, then the server tests, the example and the docs' examples
#      (they fail, never skip, when the server is not there)
set -euo pipefail
cd "$(dirname "$0")"
: "${GRAPHRPC_TEST_ENDPOINT:?run from tests/clients.sh}"

echo "typescript: npm ci"
npm ci --no-audit --no-fund --loglevel=error

echo "typescript: checking that src/gen is fresh"
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
./generate.sh "$fresh"
if ! diff -r "$fresh/clients/typescript/src/gen" src/gen; then
  echo "typescript: src/gen is stale; run clients/typescript/generate.sh and commit" >&2
  exit 1
fi

echo "typescript: tsc --strict (type check and build), eslint, prettier"
rm -rf dist
npx tsc -p tsconfig.json
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }

echo "typescript: node --test"
node --test --test-concurrency=1 dist/test/
