#!/usr/bin/env bash
# Checks the shared conformance vectors themselves against the real server (run by
# tests/clients.sh like a client suite): check.py, an independent grpcio client that learns
# the API by reflection, runs every vector. Its Python packages come from the interop
# suite's pinned requirements (deploy/local/pydeps.sh).
set -euo pipefail
project=$(cd ../.. && pwd)
"$project/deploy/local/pydeps.sh" >/dev/null
PYTHONPATH="$project/.local/pylib" "${PYTHON:-python3}" check.py
