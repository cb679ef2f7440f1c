#!/bin/bash
# bench-learn.sh — the cost of recording: wall time of a workload under `denybox learn` vs `denybox
# run` (same boundary, same base profile), with hyperfine; writes docs/bench/learn.txt and .json.
#
#   scripts/bench-learn.sh        # needs build/denybox, build/tests/integration/learn-payload,
#                                 # hyperfine, busybox(-static), python3 at /usr/bin/python3
#
# Workloads: the static C workload of tests/integration/learn.sh (few syscalls: the launch
# dominates), and the seeds' Python harness (~850 syscalls: the recording dominates).
# Environment: BENCH_RUNS (30), DENYBOX (default build/denybox).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
runs=${BENCH_RUNS:-30}
src=${DENYBOX:-$repo/build/denybox}
payload=${BENCH_LEARN_PAYLOAD:-$(dirname "$src")/tests/integration/learn-payload} # beside the binary in its build dir
for need in hyperfine busybox; do
        command -v $need >/dev/null || { echo "bench-learn: $need is missing" >&2; exit 1; }
done
[ -x "$src" ] && [ -x "$payload" ] && [ -x /usr/bin/python3 ] || { echo "bench-learn: build first (bash scripts/build.sh build); python3 needed" >&2; exit 1; }

w=$(mktemp -d /tmp/denybox-bench-learn.XXXXXX)
trap 'rm -rf "$w"' EXIT
chmod 0755 "$w"
cp "$src" "$w/denybox"
mkdir -p "$w/r"/{bin,etc,in,out,tmp,proc,dev,app} "$w/in" "$w/out" "$w/app"
cp "$(command -v busybox)" "$w/r/bin/busybox"
ln -s busybox "$w/r/bin/sh"
cp "$payload" "$w/r/bin/learn-payload"
echo "nonroot:x:65532:65532::/:/bin/sh" >"$w/r/etc/passwd"
cp tests/integration/lib/seed_harness.py "$w/app/main.py"
chmod -R a+rX "$w" && chmod 0777 "$w/out"
D=$w/denybox
C="--rootfs $w/r -- /bin/learn-payload"
P="-v /usr:/usr:ro -v $w/app:/app:ro -v $w/in:/in:ro -v $w/out:/out:rw -- /usr/bin/python3 /app/main.py"

mkdir -p docs/bench
hyperfine --style basic --warmup 3 --runs "$runs" --export-json docs/bench/learn.json \
        -n "run static-C" "$D run $C" \
        -n "learn static-C" "$D learn -o $w/c.json $C" \
        -n "run python-harness" "$D run $P" \
        -n "learn python-harness" "$D learn -o $w/p.json $P" >/dev/null 2>&1
python3 - docs/bench/learn.json "$($D learn -o "$w/c.json" $C 2>&1 >/dev/null | grep -o '[0-9]* notifications')" \
        "$($D learn -o "$w/p.json" $P 2>&1 >/dev/null | grep -o '[0-9]* notifications')" <<'PY' | tee docs/bench/learn.txt
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
print("denybox learn vs run: median wall time (hyperfine, %d runs each)" % len(r["run static-C"]["times"]))
for w, n in (("static-C", sys.argv[2]), ("python-harness", sys.argv[3])):
    a, b = r["run " + w]["median"] * 1e3, r["learn " + w]["median"] * 1e3
    print("  %-15s run %7.2f ms   learn %7.2f ms   ratio %.2fx   (%s)" % (w, a, b, b / a, n))
PY
