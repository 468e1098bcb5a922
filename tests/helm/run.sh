#!/usr/bin/env bash
# The Helm chart suite: lints and renders deploy/helm/graphrpc with Helm's Go SDK (through
# helm-python-sdk) and validates every manifest against Kubernetes' schemas. Needs only
# Python 3.11+ and pip; its packages go into the ignored .local/helm-pylib, installed again
# only when requirements.txt changes.
set -euo pipefail
project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
python="${PYTHON:-python3}"
requirements="$project/tests/helm/requirements.txt"
target="$project/.local/helm-pylib"
stamp="$target/.installed-from"
wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "helm tests: installing $(grep -cv '^\s*\(#\|$\)' "$requirements") packages into .local/helm-pylib" >&2
  rm -rf "$target"
  "$python" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    --target "$target" -r "$requirements"
  echo "$wanted" >"$stamp"
fi
cd "$project"
PYTHONPATH="$target" exec "$python" -m pytest -q -p no:cacheprovider tests/helm "$@"
