#!/bin/bash
# test.sh — install what is missing, build, and run the whole suite: the check unit suites and the
# integration tests (as root and as an unprivileged user), then the same suite again on an
# ASan+UBSan build (the probe payload is never sanitized).  With CI=true a test that would skip
# fails instead (DENYBOX_TEST_MUST_WORK=1) and warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${CI:-}" = true ]; then
        export DENYBOX_TEST_MUST_WORK=1
fi
bash scripts/install-deps.sh

status=0
bash scripts/build.sh build
meson test -C build --print-errorlogs --num-processes 2 || status=1

bash scripts/build.sh build-asan -Dstatic=false -Db_sanitize=address,undefined -Db_lundef=false
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        meson test -C build-asan --print-errorlogs --num-processes 2 || status=1

# Two builds of HEAD in two directories must be byte-identical (CI always; locally on request:
# it costs two more builds).
if [ "${CI:-}" = true ] || [ "${DENYBOX_TEST_REPRODUCIBLE:-0}" = 1 ]; then
        bash scripts/reproducible.sh || status=1
fi

# One closing line over both runs (static build, then ASan+UBSan build).
# A skip (a clone without ../shared, say) is neither: counted apart (under CI=true a skip fails).
passed=$(cat build/meson-logs/testlog.json build-asan/meson-logs/testlog.json | jq -r .result | grep -c '^OK$' || true)
skipped=$(cat build/meson-logs/testlog.json build-asan/meson-logs/testlog.json | jq -r .result | grep -c '^SKIP$' || true)
total=$(cat build/meson-logs/testlog.json build-asan/meson-logs/testlog.json | jq -r .result | grep -c . || true)
echo "tests: $passed passed, $((total - passed - skipped)) failed, $skipped skipped"
exit $status
