#!/usr/bin/env bash
# The Go client's suite, run by tests/clients.sh from this folder with the server's
# settings in the environment (GRAPHRPC_TEST_ENDPOINT, GRAPHRPC_TEST_TOKEN_*, ...):
#   1. (the committed generated code is checked fresh by tests/generated.sh, for all clients)
#   2. gofmt -l (must print nothing) and go vet
#   3. go test against the real server; the example programs and the docs' examples run too
set -euo pipefail
cd "$(dirname "$0")"
export GOFLAGS="${GOFLAGS:-} -mod=readonly"

# graphrpc/v1/ is checked fresh by tests/generated.sh (the top-level buf.gen.yaml), in make test.
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT

echo "go: gofmt and go vet"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
  echo "go: not gofmt'ed: $unformatted" >&2
  exit 1
fi
go vet ./...

echo "go: go test against $GRAPHRPC_TEST_ENDPOINT"
go test -count=1 -timeout 5m -run "${GRAPHRPC_GO_TEST_RUN:-.}" -v ./... 2>&1 | tee "$fresh/gotest.log" | grep -v "^=== RUN\|^    --- PASS\|^--- PASS" || exit "${PIPESTATUS[0]}"
echo "go: $(grep -c -- "--- PASS" "$fresh/gotest.log") tests and subtests passed (conformance: $(grep -c -- "--- PASS: TestConformance[A-Za-z]*/" "$fresh/gotest.log") vectors)"

# The scenario, as a user builds it: a module of its own that requires this one (the
# install steps of docs/clients/go.md, word for word), then its output must be the
# expected one.
echo "go: the scenario example, built as a user's module"
app="$fresh/app"
mkdir -p "$app"
cp examples/scenario/main.go "$app/"
GRAPHRPC_CLIENT="$PWD"
(
  cd "$app"
  export GOFLAGS="${GOFLAGS% -mod=readonly}"
  # docs: install
  go mod init example.com/app
  go mod edit -require=github.com/graphrpc/graphrpc/clients/go@v0.0.0 \
    -replace=github.com/graphrpc/graphrpc/clients/go="$GRAPHRPC_CLIENT"
  go mod tidy
  # docs: end
  GRAPHRPC_ENDPOINT="$GRAPHRPC_TEST_ENDPOINT" GRAPHRPC_TOKEN="$GRAPHRPC_TEST_TOKEN_WRITER" go run . >"$fresh/scenario.out"
)
if ! diff -u examples/scenario/expected.txt "$fresh/scenario.out"; then
  echo "go: the scenario's output differs from examples/scenario/expected.txt" >&2
  exit 1
fi
echo "go: scenario passed"

echo "go: the examples of docs/clients/go.md"
GRAPHRPC_ENDPOINT="$GRAPHRPC_TEST_ENDPOINT" GRAPHRPC_TOKEN="$GRAPHRPC_TEST_TOKEN_WRITER" go run ./examples/docs >/dev/null
echo "go: docs examples passed"
