#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench-profile.py OUT.tsv LAUNCHES NAME CMD [NAME CMD ...]

Where a launch's CPU goes, by kernel entry point: for each launcher, `perf record -e cpu-clock -a
-g` over LAUNCHES launches (stdin, stdout and stderr /dev/null), then every sample of the launcher's
own processes and the payload's (by comm: the launcher's first word, and "true") is put in one
bucket: the system call it was taken in (the frame under do_syscall_64: "openat", "seccomp",
"clone3", ...; the seccomp filters run at syscall entry; the exec-once wait), "page faults", "task
start" (ret_from_fork), "interrupts", "user space", or "kernel, other".  OUT.tsv: bucket, then ms per launch for each launcher, in the order given.

Sampling, not counting: this host has no hardware counters, so the clock is sampled (10 kHz on
every CPU); a bucket under ~0.01 ms is noise.  The total is comparable with perf stat's task-clock
of the same launches.
"""
import collections
import os
import re
import subprocess
import sys
import tempfile

FREQ = 10000
SYS = re.compile(r"^(?:__x64_sys_|__ia32_sys_|__arm64_sys_|__do_sys_|__se_sys_|__sys_|ksys_|do_)(\w+)$")


def bucket(stack):
    """stack: innermost frame first, as (symbol, is_kernel)."""
    if not any(k for _, k in stack):
        return "user space"
    outer = [s for s, _ in reversed(stack)]
    for i, s in enumerate(outer):
        if s.startswith("asm_exc_page_fault"):
            return "page faults"
        if s.startswith("ret_from_fork"):
            return "task start (ret_from_fork)"
        if s.startswith(("asm_sysvec", "asm_common_interrupt")):
            return "interrupts"
        if s == "do_syscall_64":
            for inner in outer[i + 1:]:
                if inner in ("x64_sys_call", "syscall_trace_enter", "__secure_computing"):
                    continue
                if inner.startswith("seccomp_do_user_notification"):
                    return "exec-once: the notified execve waits"
                if inner.startswith(("__seccomp_filter", "populate_seccomp_data", "bpf_prog_")):
                    return "seccomp filters run at syscall entry"
                if inner == "vm_mmap_pgoff":
                    return "mmap"
                m = SYS.match(inner)
                if m:
                    return {"mmap_pgoff": "mmap", "sys_poll": "poll"}.get(m.group(1), m.group(1))
                if inner.startswith(("syscall_exit", "exit_to_user_mode")):
                    return "syscall exit work"
                return "syscall, unattributed"
            return "syscall entry and exit"
    return "kernel, other"


def profile(name, cmd, launches, comms, tmp):
    data = os.path.join(tmp, "perf.data")
    loop = f"for i in $(seq {launches}); do {cmd} </dev/null >/dev/null 2>&1; done"
    subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", str(FREQ), "-a", "-g", "-o", data,
                    "--", "sh", "-c", loop], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = subprocess.run(["perf", "script", "-i", data, "-F", "comm,ip,sym,dso"], check=True,
                         capture_output=True, text=True, errors="replace").stdout
    counts = collections.Counter()
    comm, stack = None, []

    def flush():
        if comm in comms and stack:
            counts[bucket(stack)] += 1

    for line in out.splitlines():
        if not line.strip():
            flush()
            comm, stack = None, []
        elif not line[0].isspace():
            comm = line.split()[0]
        else:
            parts = line.split(None, 2)
            if len(parts) >= 2:
                stack.append((parts[1].split("+")[0], "[kernel" in line))
    flush()
    return {b: n / FREQ / launches * 1000 for b, n in counts.items()}


def main():
    if len(sys.argv) < 5 or (len(sys.argv) - 3) % 2:
        sys.exit(__doc__)
    out, launches = sys.argv[1], int(sys.argv[2])
    pairs = list(zip(sys.argv[3::2], sys.argv[4::2]))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, cmd in pairs:
            comm = os.path.basename(cmd.split()[0])[:15]
            results.append(profile(name, cmd, launches, {comm, "true"}, tmp))
    buckets = sorted(set().union(*results), key=lambda b: -max(r.get(b, 0) for r in results))
    with open(out, "w") as f:
        f.write("bucket\t" + "\t".join(n for n, _ in pairs) + "\n")
        for b in buckets:
            f.write(b + "\t" + "\t".join(f"{r.get(b, 0):.4f}" for r in results) + "\n")
        f.write("total\t" + "\t".join(f"{sum(r.values()):.4f}" for r in results) + "\n")


if __name__ == "__main__":
    main()
