#!/usr/bin/env bash
# The Python client's suite, run by tests/clients.sh (which starts the server and sets
# GRAPHRPC_TEST_*): pinned packages, ruff, mypy --strict, the
# package's install, then pytest against the real server (failing when it is not there).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$(cd "$here/../.." && pwd)
python="${PYTHON:-python3}"
deps="$project/.local/py-client"
cd "$here"

echo "python: packages (requirements.lock) into ${deps#"$project"/}"
"$project/deploy/local/pydeps.sh" "$here/requirements.lock" "$deps"
export PYTHONPATH="$here/src:$deps"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# src/graphrpc/v1/*_pb2* is checked fresh by tests/generated.sh (top-level buf.gen.yaml).

echo "python: ruff, mypy --strict"
"$python" -m ruff check --no-cache .
"$python" -m ruff format --no-cache --check .
"$python" -m mypy --no-incremental

echo "python: the package installs with its declared dependencies"
# From a copy: setuptools builds in the source tree.
mkdir "$work/package"
cp -r pyproject.toml README.md src "$work/package/"
"$python" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
  --target "$work/site" "$work/package"
PYTHONPATH="$work/site" "$python" -c 'import graphrpc, graphrpc.aio, graphrpc.v1.query_pb2_grpc'

echo "python: pytest against ${GRAPHRPC_TEST_ENDPOINT:?run through tests/clients.sh python}"
PYTHONPATH="$PYTHONPATH:$here/tests" "$python" -m pytest -q -p no:cacheprovider tests
