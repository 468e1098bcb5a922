#!/usr/bin/env bash
# The Helm chart suite: lints and renders deploy/helm/graphrpc with Helm's Go SDK (through
# helm-python-sdk) and validates every manifest against Kubernetes' schemas. Needs only
# Python 3.11+ and pip; its packages go into the ignored .local/helm-pylib, installed again
# only when requirements.txt changes.
set -euo pipefail
project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
python="${PYTHON:-python3}"
target="$project/.local/helm-pylib"
"$project/deploy/local/pydeps.sh" "$project/tests/helm/requirements.txt" "$target"
cd "$project"
PYTHONPATH="$target" exec "$python" -m pytest -q -p no:cacheprovider tests/helm "$@"
