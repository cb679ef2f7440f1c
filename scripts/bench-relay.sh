#!/bin/bash
# bench-relay.sh [DENYBOX] — the cost of relayed stdio (issue 10): 1 GiB written to stdout by a
# payload (busybox dd, 1 MiB writes) read through a pipe, under `denybox run` (the payload's
# stdout is denybox's pipe, spliced to the caller's) and directly (the same dd, the caller's pipe
# as its stdout).  Prints a small Markdown table: median of BENCH_RELAY_REPS (5) runs each, and
# the ratio.  Part of scripts/bench; runs alone too.  Needs busybox (busybox-static).
set -euo pipefail
cd "$(dirname "$0")/.."
D=${1:-${DENYBOX:-build/denybox}}
reps=${BENCH_RELAY_REPS:-5}
bb=$(command -v busybox) || { echo "bench-relay: busybox is missing" >&2; exit 1; }
work=$(mktemp -d /tmp/denybox-relay.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
mkdir -p "$work/r"/{bin,proc,dev,tmp,in,out}
cp "$bb" "$work/r/bin/busybox"
ln -s busybox "$work/r/bin/dd"
chmod -R a+rX "$work/r"

# ms CMD...: wall milliseconds of CMD (its stdout piped into a reader that discards 1 MiB reads)
ms() {
        local t0 t1
        t0=$(date +%s%N)
        "$@" 2>/dev/null | "$bb" dd of=/dev/null bs=1M 2>/dev/null
        t1=$(date +%s%N)
        echo $(((t1 - t0) / 1000000))
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

dd_args=(if=/dev/zero bs=1M count=1024)
for ((i = 0; i < reps; i++)); do
        ms "$bb" dd "${dd_args[@]}" >>"$work/direct"
        ms "$D" run --rootfs "$work/r" -- /bin/dd "${dd_args[@]}" >>"$work/relayed"
done
direct=$(median <"$work/direct")
relayed=$(median <"$work/relayed")
ratio=$(awk -v a="$relayed" -v b="$direct" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
echo "| 1 GiB on stdout into a pipe (busybox dd bs=1M, median of $reps) | ms | MB/s |"
echo "|---|---|---|"
echo "| direct (the caller's pipe is the payload's stdout) | $direct | $(awk -v t="$direct" 'BEGIN { printf "%.0f", 1073.741824 / (t / 1000) }') |"
echo "| \`denybox run\` (relayed: denybox's pipe, spliced to the caller's) | $relayed | $(awk -v t="$relayed" 'BEGIN { printf "%.0f", 1073.741824 / (t / 1000) }') |"
echo
echo "Ratio relayed / direct: **${ratio}x** (includes denybox's launch, a few ms)."
