#!/bin/bash
# build.sh [BUILDDIR [MESON OPTIONS...]] — configure (once) and build.  Default: build/, static.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
extra=()
[ "${CI:-}" = true ] && extra+=(--werror)
if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "${extra[@]}" "$@" >/dev/null
fi
ninja -C "$dir" >/dev/null
