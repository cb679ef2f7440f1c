#!/bin/bash
# bench-scale.sh DENYBOX ROOTFS OUT.tsv N... — N sandboxes alive at once, for each N given.
#
# Each sandbox: `denybox run --rootfs ROOTFS -- /block` (a static payload that writes one byte to
# its stdout, then pause()s), started in the background one after the other, every stdout a FIFO
# the script reads; "up" when N bytes have come through.  Measured per N:
#   setup_ms_per   wall time from the first start until all N payloads have written, / N
#   pss_kib_per    PSS (/proc/PID/smaps_rollup) of the launcher + the sandbox's init, summed, / N
#   payload_kib    the payload's PSS, / N (the user's, not denybox's: reported apart)
#   kernel_kib_per growth of Slab + KernelStack + PageTables (/proc/meminfo), / N
#   teardown_ms    SIGTERM to every launcher until all are gone
#   leftover       processes (launchers, payloads), mounts of ROOTFS, the launchers' cgroups
#                  (denybox-PID, denybox-launcher-PID) left after teardown (must be 0 0 0)
# Root only.  Part of scripts/bench; runs alone too.
set -euo pipefail
D=$1 R=$2 out=$3
shift 3
[ -x "$R/block" ] || { echo "bench-scale: no $R/block" >&2; exit 1; }
meminfo_kib() { awk '/^(Slab|KernelStack|PageTables):/ { s += $2 } END { print s }' /proc/meminfo; }
ours_cgroups() { # PID...: denybox-PID and denybox-launcher-PID cgroups of these launchers still there
        find /sys/fs/cgroup -maxdepth 6 -type d -name 'denybox-*' 2>/dev/null | sed 's/.*-//' | grep -cxFf <(printf '%s\n' "$@") || true
}
payloads() { pgrep -x block 2>/dev/null | wc -l || true; }
now_ms() { date +%s%3N; }
pss_sum() { # FILE...: the summed PSS (KiB) of the pids listed in the files
        cat "$@" | sed 's|.*|/proc/&/smaps_rollup|' | { xargs -r cat 2>/dev/null || true; } | awk '/^Pss:/ { s += $2 } END { print s + 0 }'
}

[ "$(payloads)" = 0 ] || { echo "bench-scale: a process named 'block' already runs" >&2; exit 1; }
printf 'n\tsetup_ms_per\tpss_kib_per\tpayload_kib_per\tkernel_kib_per\tteardown_ms\tleft_processes\tleft_mounts\tleft_cgroups\n' >"$out"
for n in "$@"; do
        ulimit -n 65536 2>/dev/null || true
        sync
        echo 2 >/proc/sys/vm/drop_caches 2>/dev/null || true # slab caches back to a baseline
        k0=$(meminfo_kib)
        pids=()
        fifo=$(mktemp -u /tmp/denybox-scale.XXXXXX)
        mkfifo "$fifo"
        exec 9<>"$fifo"
        t0=$(now_ms)
        for ((i = 0; i < n; i++)); do
                "$D" run --rootfs "$R" -- /block </dev/null >"$fifo" 2>/dev/null &
                pids+=($!)
        done
        got=$(timeout 600 head -c "$n" <&9 | wc -c) || true
        t1=$(now_ms)
        exec 9>&-
        rm -f "$fifo"
        [ "$got" = "$n" ] || echo "bench-scale: only $got of $n sandboxes came up" >&2
        sleep 1 # settle: relay threads parked, lazy allocations done
        k1=$(meminfo_kib)
        # one process table: the launchers, their children (each sandbox's init, pid 1 inside) and
        # those children's children (the payloads)
        ps -e -o pid=,ppid= >"$fifo.ps"
        printf '%s\n' "${pids[@]}" >"$fifo.l"
        awk 'NR == FNR { l[$1] = 1; next } ($2 in l) { print $1 }' "$fifo.l" "$fifo.ps" >"$fifo.i"
        awk 'NR == FNR { l[$1] = 1; next } ($2 in l) { print $1 }' "$fifo.i" "$fifo.ps" >"$fifo.p"
        sum=$(pss_sum "$fifo.l" "$fifo.i")
        psum=$(pss_sum "$fifo.p")
        rm -f "$fifo".*
        t2=$(now_ms)
        kill -TERM "${pids[@]}" 2>/dev/null || true
        wait "${pids[@]}" 2>/dev/null || true
        while [ "$(payloads)" -gt 0 ]; do sleep 0.05; done
        t3=$(now_ms)
        sleep 0.5
        left_p=$(payloads)
        for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && left_p=$((left_p + 1)); done
        left_m=$(grep -c -F " $R" /proc/self/mountinfo || true)
        left_c=$(ours_cgroups "${pids[@]}")
        awk -v n="$n" -v s=$((t1 - t0)) -v p=$sum -v q=$psum -v k=$((k1 - k0)) -v td=$((t3 - t2)) \
                -v lp="$left_p" -v lm="$left_m" -v lc="$left_c" \
                'BEGIN { printf "%d\t%.2f\t%.0f\t%.0f\t%.0f\t%d\t%d\t%d\t%d\n", n, s / n, p / n, q / n, k / n, td, lp, lm, lc }' >>"$out"
        echo "bench-scale: N=$n done" >&2
done
