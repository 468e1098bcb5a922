#!/usr/bin/env bash
# Installs Python packages into one of the project's ignored .local/ folders, once per
# version of their requirements file. Use the folder with PYTHONPATH.
#   pydeps.sh                      the grpcio tools: tests/interop/requirements.txt -> .local/pylib
#   pydeps.sh REQUIREMENTS FOLDER  any other set
set -euo pipefail
project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
python="${PYTHON:-python3}"
requirements="${1:-$project/tests/interop/requirements.txt}"
target="${2:-$project/.local/pylib}"
stamp="$target/.installed-from"
wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  exit 0
fi
echo "pydeps: installing $(grep -cv '^\s*\(#\|$\)' "$requirements") packages into ${target#"$project"/}" >&2
rm -rf "$target"
"$python" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
  --target "$target" -r "$requirements"
echo "$wanted" >"$stamp"
