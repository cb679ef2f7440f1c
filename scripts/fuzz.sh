#!/bin/bash
# fuzz.sh [SECONDS] — fuzz the seccomp profile parser+compiler with libFuzzer (clang, ASan+UBSan)
# for a set time (default 600 s), starting from the committed corpus and the profile fixtures.
# New interesting inputs are kept in build-fuzz/corpus; a crash leaves crash-* files and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600}
DENYBOX_WITH_FUZZ=1 bash scripts/install-deps.sh
if [ ! -f build-fuzz/build.ninja ]; then
        CC=clang meson setup build-fuzz -Dfuzz=enabled -Dstatic=false -Db_sanitize=address,undefined \
                -Db_lundef=false >/dev/null
fi
ninja -C build-fuzz tests/fuzz-profile >/dev/null
mkdir -p build-fuzz/corpus
exec build-fuzz/tests/fuzz-profile -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix=build-fuzz/ build-fuzz/corpus tests/fuzz/corpus \
        tests/fixtures/profiles/real tests/fixtures/profiles/edge tests/fixtures/profiles/bad
