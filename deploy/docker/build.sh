#!/usr/bin/env bash
# Builds graphrpc's image with every pulled image pinned by digest (deploy/docker/pins.env)
# and the OCI labels filled in. Usage: deploy/docker/build.sh IMAGE_REF [extra docker args]
# Refuses to build while a digest is missing or malformed. DOCKER overrides the docker
# command (e.g. DOCKER=podman, or DOCKER=echo to print the command).
set -euo pipefail
project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# GRAPHRPC_PINS: another pins file (the tests use one).
pins="${GRAPHRPC_PINS:-$project/deploy/docker/pins.env}"
docker="${DOCKER:-docker}"
[ $# -ge 1 ] || { echo "usage: deploy/docker/build.sh IMAGE_REF [docker build args]" >&2; exit 2; }
ref=$1; shift

# pins.env is KEY=VALUE lines only; read it as data, not as a shell script.
declare -A pin
while IFS='=' read -r key value; do
  [[ -z "$key" || "$key" == \#* ]] && continue
  pin[$key]=$value
done < "$pins"

missing=()
for name in FRONTEND_IMAGE BUILD_IMAGE RUNTIME_IMAGE; do
  digest=${pin[${name}_DIGEST]:-}
  if [[ ! "$digest" =~ ^sha256:[0-9a-f]{64}$ ]]; then
    missing+=("${name}_DIGEST (${pin[$name]:-?}): '${digest}'")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "build.sh: refusing to build with unpinned images; fill these in $pins" >&2
  echo "(sha256:<64 hex>, e.g. from 'crane digest REF'):" >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 1
fi

version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$project/Cargo.toml" | head -n1)
revision=$(git -C "$project" rev-parse HEAD 2>/dev/null || echo unknown)
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
exec "$docker" build -f "$project/deploy/docker/Dockerfile" -t "$ref" \
  --build-arg "BUILDKIT_SYNTAX=${pin[FRONTEND_IMAGE]}@${pin[FRONTEND_IMAGE_DIGEST]}" \
  --build-arg "BUILD_IMAGE=${pin[BUILD_IMAGE]}" \
  --build-arg "BUILD_IMAGE_DIGEST=${pin[BUILD_IMAGE_DIGEST]}" \
  --build-arg "RUNTIME_IMAGE=${pin[RUNTIME_IMAGE]}" \
  --build-arg "RUNTIME_IMAGE_DIGEST=${pin[RUNTIME_IMAGE_DIGEST]}" \
  --build-arg "VERSION=$version" \
  --build-arg "REVISION=$revision" \
  --build-arg "CREATED=$created" \
  "$@" "$project"
