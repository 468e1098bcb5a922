#!/usr/bin/env bash
# Installs the Python packages of the grpcio tools (tests/interop/requirements.txt) into the
# project's ignored .local/pylib, once per version of that file. Use with PYTHONPATH=.local/pylib.
set -euo pipefail
project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
python="${PYTHON:-python3}"
requirements="$project/tests/interop/requirements.txt"
target="$project/.local/pylib"
stamp="$target/.installed-from"
wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  exit 0
fi
echo "pydeps: installing $(grep -cv '^\s*#' "$requirements") packages into .local/pylib" >&2
rm -rf "$target"
"$python" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
  --target "$target" -r "$requirements"
echo "$wanted" >"$stamp"
