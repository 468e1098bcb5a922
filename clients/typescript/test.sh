#!/usr/bin/env bash
# The TypeScript client's suite, run by tests/clients.sh (which documents the environment):
#   1. npm ci: the pinned packages of package-lock.json into node_modules
#   2. (src/gen is checked fresh by tests/generated.sh, for all clients, in make test)
#   3. tsc --strict: the type check and the build into dist/ in one run; then the linters,
#      ESLint (typescript-eslint, type-aware rules) and Prettier --check
#   4. node --test: unit tests, then the server tests, the example and the docs' examples
#      (they fail, never skip, when the server is not there)
set -euo pipefail
cd "$(dirname "$0")"
: "${GRAPHRPC_TEST_ENDPOINT:?run from tests/clients.sh}"

echo "typescript: npm ci"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# src/gen is checked fresh by tests/generated.sh (the top-level buf.gen.yaml), in make test.
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT

echo "typescript: tsc --strict (type check and build), eslint, prettier"
rm -rf dist
npx tsc -p tsconfig.json
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }

echo "typescript: the packed package installs into a fresh project and runs a query"
rm -f graphrpc-client-*.tgz
npm pack --loglevel=error >/dev/null
fresh_project="$fresh/project"
mkdir -p "$fresh_project"
(
  cd "$fresh_project"
  echo '{"name": "fresh", "version": "1.0.0", "private": true, "type": "module"}' >package.json
  npm install --prefer-offline --no-audit --no-fund --loglevel=error "$OLDPWD"/graphrpc-client-0.1.0.tgz
  GRAPHRPC_TOKEN="$GRAPHRPC_TEST_TOKEN_READER" node --input-type=module -e '
    import { Client } from "@graphrpc/client";
    const client = Client.connect({ endpoint: process.env.GRAPHRPC_TEST_ENDPOINT, token: process.env.GRAPHRPC_TOKEN });
    const result = await client.run("RETURN $x AS x", { x: 41n });
    if (result.rows[0]?.get("x") !== 41n) throw new Error("unexpected result");
    client.close();
    console.log("typescript: installed package ok");
  '
)
rm -f graphrpc-client-*.tgz

echo "typescript: node --test"
node --test --test-concurrency=1 dist/test/
