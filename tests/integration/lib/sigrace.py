#!/usr/bin/python3
# sigrace.py RUNS CMD... : aim one SIGTERM per run at the window issue 10 found (the launcher
# already blocks and forwards SIGTERM, the sandbox's init does not block it yet, so init, as pid 1
# of its namespace with the default disposition, drops it).  Spins reading /proc/PID/status of CMD
# and of its child (the sandbox's init): the TERM is sent as soon as CMD blocks SIGTERM and the
# child does not (a hit), or else once both block it, or after 5 s.  Then waits up to 30 s for CMD
# to end (SIGKILL if not: a hang).  Prints "runs=N hits=H hung=K codes=...".  A "hit" is only an
# aim: an init waiting in sigwaitinfo also shows the signals it waits for as unblocked (the kernel
# unblocks them for the wait), so only hung=0 is a verdict.
import collections, os, signal, subprocess, sys, time

TERM = 1 << (signal.SIGTERM - 1)


def sigblk(pid):
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith('SigBlk:'):
                    return int(line.split()[1], 16)
    except (OSError, ValueError):
        return None
    return None


def child_of(pid):
    try:
        with open('/proc/%d/task/%d/children' % (pid, pid)) as f:
            kids = f.read().split()
        return int(kids[0]) if kids else None
    except (OSError, ValueError):
        return None


runs = int(sys.argv[1])
cmd = sys.argv[2:]
hits = hung = 0
codes = collections.Counter()
for _ in range(runs):
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    while time.monotonic() - t0 < 5:
        pb = sigblk(p.pid)
        if pb is None:
            break  # already gone
        if not pb & TERM:
            continue
        kid = child_of(p.pid)
        kb = sigblk(kid) if kid else None
        if kb is not None and not kb & TERM:
            hits += 1
            break
        if kb is not None:
            break  # both block it: no window in this run
    try:
        p.send_signal(signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        codes[p.wait(timeout=30)] += 1
    except subprocess.TimeoutExpired:
        hung += 1
        p.kill()
        p.wait()
print('runs=%d hits=%d hung=%d codes=%s' % (runs, hits, hung,
      ','.join('%s:%d' % (k, v) for k, v in sorted(codes.items()))))
