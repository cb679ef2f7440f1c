#!/bin/bash
# reproducible.sh [REV] — build denybox twice from the same commit (default HEAD) in two
# different directories, one after the other, and compare the binaries byte for byte (and the
# embedded probe).  Exit 0 identical, 1 different.  Anyone can so rebuild the commit a bundle's
# denybox_build_id names and match its denybox_sha256.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=$(git rev-parse "${1:-HEAD}")
work=$(mktemp -d /tmp/denybox-repro.XXXXXX)
trap 'rm -rf "$work"' EXIT
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct "$rev")
export SOURCE_DATE_EPOCH
for dir in first-tree second-build-tree; do
        git clone -q --no-checkout . "$work/$dir/denybox"
        git -C "$work/$dir/denybox" checkout -q "$rev"
        (cd "$work/$dir/denybox" && meson setup build -Dtests=disabled >/dev/null && nice ninja -C build denybox >/dev/null)
done
a=$work/first-tree/denybox/build b=$work/second-build-tree/denybox/build
status=0
for f in denybox probes/denybox-probe; do
        if cmp -s "$a/$f" "$b/$f"; then
                echo "reproducible: $f identical ($(sha256sum <"$a/$f" | cut -d' ' -f1))"
        else
                echo "reproducible: $f DIFFERS between two builds of $rev:"
                cmp "$a/$f" "$b/$f" | head -3 || true
                status=1
        fi
done
exit $status
