#!/usr/bin/env python3
"""bench-report.py RAW_DIR > docs/BENCHMARKS.md — the report of one scripts/bench run.

Reads what scripts/bench wrote into RAW_DIR (meta.env, launch.tsv, syscall.tsv, actioncache.tsv,
harness.tsv, scale.tsv, strace-*.txt, relay.md, image.md, problems.txt), draws RAW_DIR/launch.png
and RAW_DIR/scale.png with gnuplot, and prints the Markdown.  Every ratio is computed per round
(launchers of one round ran back to back) and reported as median [min–max] over the rounds."""
import csv, os, re, statistics, subprocess, sys
from collections import defaultdict

raw = sys.argv[1]
DBX = "denybox (strict)"
FLOOR = "minbox -i + seeds filter"


def tsv(name):
    p = os.path.join(raw, name)
    if not os.path.exists(p):
        return []
    with open(p) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def med(v):
    return statistics.median(v) if v else float("nan")


def spread(v):
    return f"{med(v):.2f} [{min(v):.2f}–{max(v):.2f}]" if v else "n/a"


def verdict(ok):
    return "**met**" if ok else "**missed**"


meta = {}
for line in open(os.path.join(raw, "meta.env")):
    k, _, v = line.rstrip("\n").partition("=")
    meta[k] = v
problems = [p for p in open(os.path.join(raw, "problems.txt")).read().splitlines() if p.strip()] \
    if os.path.exists(os.path.join(raw, "problems.txt")) else []

# ---- launch -------------------------------------------------------------------------------------
launch = tsv("launch.tsv")
by = defaultdict(dict)  # launcher -> round -> row
order = []
for r in launch:
    if r["launcher"] not in order:
        order.append(r["launcher"])
    by[r["launcher"]][r["round"]] = r


def per_round_ratio(a, b, field):
    out = []
    for rnd, ra in by[a].items():
        rb = by[b].get(rnd)
        if rb and float(rb[field]) > 0:
            out.append(float(ra[field]) / float(rb[field]))
    return out


def col(name, field):
    return [float(r[field]) for r in by[name].values()]


preferred = ["bare", "unshare (7 namespaces)", "minbox -i", FLOOR, DBX, "denybox (default-deny)",
             "denybox (Moby, cached)", "denybox (Moby, compiled)", "denybox --weaken landlock",
             "denybox --weaken proc-mask", "bwrap",
             "bwrap + seeds filter", "crun", "runc", "podman", "firejail"]
names = [n for n in preferred if n in by] + [n for n in order if n not in preferred]

# the plot: CPU per launch, median with min–max over rounds
with open(os.path.join(raw, "launch.dat"), "w") as f:
    for i, n in enumerate(names):
        c = col(n, "cpu_ms")
        f.write(f'{i}\t"{n}"\t{med(c):.4f}\t{min(c):.4f}\t{max(c):.4f}\n')
gp = f"""set terminal pngcairo size 1100,560 font "DejaVu Sans,10"
set output '{raw}/launch.png'
set title "CPU per launch of a static /true (perf stat task-clock, all descendants): median and min–max over {meta.get('rounds')} rounds"
set style fill solid 0.6 border -1; set boxwidth 0.7; set grid ytics; set logscale y
set ylabel "ms of CPU per launch (log scale)"; set xtics rotate by -35 left; set yrange [0.1:*]; unset key
plot '{raw}/launch.dat' using 1:3:xtic(2) with boxes lc rgb '#4c72b0', '' using 1:3:4:5 with yerrorbars lc rgb 'black' pt 0
"""
scale = tsv("scale.tsv")
if scale:
    agg = defaultdict(list)
    for r in scale:
        agg[int(r["n"])].append(r)
    with open(os.path.join(raw, "scale.dat"), "w") as f:
        for n in sorted(agg):
            rows = agg[n]
            f.write(f"{n}\t{med([float(r['setup_ms_per']) for r in rows]):.3f}\t"
                    f"{med([float(r['pss_kib_per']) for r in rows]) / 1024:.3f}\t"
                    f"{med([float(r['kernel_kib_per']) for r in rows]) / 1024:.3f}\n")
    gp += f"""set output '{raw}/scale.png'
set terminal pngcairo size 1100,420 font "DejaVu Sans,10"
unset logscale; set multiplot layout 1,2 title "N sandboxes alive at once (denybox run -- /block)"
set xtics norotate; set logscale x; set xlabel "N"; set key top right; set yrange [0:*]; set style fill solid 0.6
set title "host memory per sandbox"; set ylabel "MiB"
plot '{raw}/scale.dat' using 1:($3+$4) with linespoints lw 2 title 'launcher+init PSS + kernel', '' using 1:3 with linespoints title 'launcher+init PSS', 1.5 with lines dt 2 title 'target 1.5 MiB'
set title "setup time per sandbox"; set ylabel "ms"
plot '{raw}/scale.dat' using 1:2 with linespoints lw 2 title 'wall time until all N run / N'
unset multiplot
"""
with open(os.path.join(raw, "plots.gp"), "w") as f:
    f.write(gp)
plotted = subprocess.run(["gnuplot", os.path.join(raw, "plots.gp")], capture_output=True).returncode == 0
for tmp in ("plots.gp", "launch.dat", "scale.dat"):
    try:
        os.remove(os.path.join(raw, tmp))
    except OSError:
        pass

# ---- targets ------------------------------------------------------------------------------------
targets = []
def target(what, ratios, limit, fmt="{:.2f}×"):
    if not ratios:
        targets.append(f"| {what} | ≤ {limit} | not measured | **missed** (not measured) |")
        return
    m = med(ratios)
    targets.append(f"| {what} | ≤ {limit} | {fmt.format(m)} [{min(ratios):.2f}–{max(ratios):.2f}] | {verdict(m <= limit)} |")

target("Moby's profile (from the cache) / strict, launch CPU", per_round_ratio("denybox (Moby, cached)", DBX, "cpu_ms"), 1.05)
target("default-deny / strict, launch CPU", per_round_ratio("denybox (default-deny)", DBX, "cpu_ms"), 1.05)
target("denybox (strict) / `minbox -i` with the seeds' filter, launch CPU", per_round_ratio(DBX, FLOOR, "cpu_ms"), 1.2)
scale_mem = scale_time = None
if scale:
    ns = sorted(agg)
    big, one = ns[-1], ns[0]
    mem = med([float(r["pss_kib_per"]) + float(r["kernel_kib_per"]) for r in agg[big]]) / 1024
    t1 = med([float(r["setup_ms_per"]) for r in agg[one]])
    tb = med([float(r["setup_ms_per"]) for r in agg[big]])
    targets.append(f"| host memory per idle sandbox at N = {big} (launcher + init PSS + kernel growth) | ≤ 1.5 MiB | "
                   f"{mem:.2f} MiB | {verdict(mem <= 1.5)}{'' if big == 1000 else ' (N = 1000 not run: --quick)'} |")
    targets.append(f"| setup time per sandbox, N = {big} / N = {one} | ≤ 1.3× | {tb / t1:.2f}× ({tb:.1f} / {t1:.1f} ms) | "
                   f"{verdict(tb / t1 <= 1.3)} |")
    left = [(r["n"], r["left_processes"], r["left_mounts"], r["left_cgroups"]) for r in scale]
    clean = all(x[1:] == ("0", "0", "0") for x in left)
    targets.append(f"| teardown: no process, mount or cgroup left, every N | 0 0 0 | "
                   f"{'0 0 0' if clean else '; '.join('N=%s: %s %s %s' % x for x in left)} | {verdict(clean)} |")

# ---- print --------------------------------------------------------------------------------------
P = print
P("# Benchmarks\n")
P(f"Generated by `scripts/bench{' --quick' if meta.get('quick') == '1' else ''}` (one run, {meta.get('date')}, "
  f"{int(meta.get('duration_s', 0)) // 60} min {int(meta.get('duration_s', 0)) % 60} s) — do not edit by hand: run "
  "`sudo scripts/bench` again. denybox " f"`{meta.get('denybox')}` from `{meta.get('git')}`; kernel {meta.get('kernel')}, "
  f"{meta.get('cpus')} CPUs, load average after the run {meta.get('load')}. Peers: {meta.get('versions')}.\n")
P("The machine is a small shared VM (its load is given above; its hardware counters are not exposed, so CPU is time, not "
  "instructions): absolute numbers are noisy. "
  "Every launcher therefore runs in **interleaved rounds** (each round: every launcher K times back to back, in a "
  "rotated order), and every ratio is computed **within a round** and reported as median [min–max] over the rounds. "
  "Targets are reported here, never asserted by a test.\n")
P("## Targets\n")
P("| target | limit | measured: median [min–max] | |\n|---|---|---|---|")
for t in targets:
    P(t)
P()
if problems:
    P("**Could not run or measure here** (reported, not dropped):\n")
    for p in problems:
        P(f"- {p}")
    P()

P("## Launch: every peer, the same payload and root\n")
P(f"The payload is a static `int main(void){{return 0;}}` (`/true`) in the same root directory for every launcher "
  f"(crun and runc: a copy of it in an OCI bundle; podman: the same tree made into a local image with `podman import`; "
  f"firejail: a copy with the directories its `--chroot` requires). CPU is `perf stat`'s task-clock of the launcher and "
  f"all its descendants (for podman: conmon, crun and the container); wall is perf's elapsed time. "
  f"{meta.get('rounds')} rounds × {meta.get('k')} launches (podman {meta.get('k_podman')}). crun and podman run in a "
  "private mount namespace with the host's cgroup2 mount (`/sys/fs/cgroup/unified`) unmounted — crun refuses this "
  "host's hybrid cgroups otherwise; firejail runs in one where `/etc/firejail/firejail.config` is bound over with "
  "`chroot yes`. The seeds' filter (for minbox and bwrap) is stage 2 of denybox's strict profile (`denybox seccomp "
  "--bpf-out`).\n")
if plotted:
    P("![CPU per launch](bench/launch.png)\n")
P("| launcher | CPU ms/launch | wall ms/launch | page faults | ctx switches | CPU / denybox (strict) | wall / denybox (strict) |")
P("|---|---|---|---|---|---|---|")
for n in names:
    P(f"| {n} | {spread(col(n, 'cpu_ms'))} | {spread(col(n, 'wall_ms'))} | {med(col(n, 'page_faults')):.0f} | "
      f"{med(col(n, 'context_switches')):.0f} | {spread(per_round_ratio(n, DBX, 'cpu_ms'))} | "
      f"{spread(per_round_ratio(n, DBX, 'wall_ms'))} |")
P()
cache = per_round_ratio("denybox (Moby, compiled)", "denybox (Moby, cached)", "cpu_ms")
if cache:
    P(f"**Compiled-filter cache**: Moby's profile compiled on every launch (`--seccomp-cache off`) costs "
      f"{spread(cache)}× the CPU of the same launch served from the cache. The built-in profiles (strict, "
      "startup-safe, default-deny) are compiled at build time and embedded: no parse, no compile, no file.\n")
if "denybox --weaken landlock" in by:
    P(f"**Landlock**: denybox with its Landlock layer / without (`--weaken landlock`): "
      f"{spread(per_round_ratio(DBX, 'denybox --weaken landlock', 'cpu_ms'))}× CPU.\n")
else:
    P("**Landlock**: this build has no `--weaken landlock` (the layer is not merged yet): row skipped.\n")
if "denybox --weaken proc-mask" in by:
    nomask = by["denybox --weaken proc-mask"]
    masks = [float(r["cpu_ms"]) - float(nomask[k]["cpu_ms"]) for k, r in by[DBX].items() if k in nomask]
    P(f"**The /proc masks** (a step the floor leaves out): denybox with them / without (`--weaken proc-mask`): "
      f"{spread(per_round_ratio(DBX, 'denybox --weaken proc-mask', 'cpu_ms'))}× CPU, "
      f"{med(masks):+.2f} ms per launch (median of the rounds' differences).\n")

P("## Where a launch goes: denybox against the floor\n")
P("`minbox -i` (scripts/bench-minbox.c, from ../shared/bench) performs the kernel's part of denybox's sequence with "
  "the old mount API and one prebuilt filter, and leaves out exec-once (the second, user-notify filter, its listener "
  "passed to the parent, the supervisor's answer), the /proc masks, closing inherited fds, the scrubbed environment, "
  "RLIMIT_CORE, workdir/payload resolution and cgroups. `strace -f -c` of one launch each (calls per syscall, top 25):\n")
def strace_top(path, n=25):
    rows = []
    if not os.path.exists(path):
        return rows
    for line in open(path):
        m = re.match(r"\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:(\d+)\s+)?(\w+)\s*$", line)
        if m and m.group(3) != "total":
            rows.append((m.group(3), int(m.group(1))))
    return rows[:n], sum(c for _, c in rows)
sd, sm = strace_top(os.path.join(raw, "strace-denybox.txt")), strace_top(os.path.join(raw, "strace-minbox.txt"))
if sd and sm:
    dm = dict(sm[0])
    P(f"Total system calls: denybox {sd[1]}, minbox -i {sm[1]}.\n")
    P("| syscall | denybox | minbox -i |\n|---|---|---|")
    for name, c in sd[0]:
        P(f"| {name} | {c} | {dm.get(name, 0)} |")
    P()
    P("What the difference is made of, step by step of the sequence (each is a step minbox leaves out or does "
      "more cheaply; none is dropped to meet the target): the new mount API with every target resolved by "
      "`openat2(RESOLVE_IN_ROOT)` (open_tree/move_mount/mount_setattr/fsconfig and their closes, against minbox's "
      "plain `mount` calls); the /proc masks and the device nodes; exec-once (a second filter, the listener's "
      "hand-off, the supervisor's answer) and init's own filter; the relay of stdio; the reset of every signal "
      "disposition; the Landlock ruleset.\n")
prof_path = os.path.join(raw, "profile.tsv")
if os.path.exists(prof_path):
    rows = [l.rstrip("\n").split("\t") for l in open(prof_path)]
    head, body = rows[0], rows[1:]
    launches = meta.get("profile_launches", "?")
    tot = {r[0]: r for r in body}.get("total")
    body = [r for r in body if r[0] != "total"]
    # denybox makes its sandbox with clone3 and forks the payload (clone); minbox uses clone for
    # both: one row, or the table would pit one against the other
    merged = {}
    for r in body:
        name = "clone, clone3 (the namespaces, init, the payload)" if r[0] in ("clone", "clone3") else r[0]
        merged[name] = [a + float(b) for a, b in zip(merged.get(name, [0.0] * (len(r) - 1)), r[1:])]
    body = [[n] + v for n, v in merged.items()]
    diffs = sorted(((float(r[1]) - float(r[2]), r) for r in body), key=lambda x: -x[0])
    P(f"Where the CPU goes, by kernel entry point: `perf record -e cpu-clock -a -g` over {launches} launches each "
      "(`scripts/bench-profile.py`: every sample of the launcher's processes and the payload's, put under the system "
      "call it was taken in, or page faults, task start, user space; sampled at 10 kHz, so a row under ~0.01 ms is "
      "noise), in ms per launch, sorted by the difference:\n")
    P("| where | denybox | minbox -i + seeds filter | difference |\n|---|---|---|---|")
    for d, r in diffs:
        if abs(d) >= 0.01:
            P(f"| {r[0]} | {float(r[1]):.3f} | {float(r[2]):.3f} | {d:+.3f} |")
    if tot:
        P(f"| **total** | {float(tot[1]):.3f} | {float(tot[2]):.3f} | {float(tot[1]) - float(tot[2]):+.3f} |")
    P()
    top = [f"{r[0]} ({d:+.2f} ms)" for d, r in diffs[:8] if d > 0]
    P("The largest differences: " + ", ".join(top) + ". Which step each row belongs to: `seccomp` is three "
      "filters loaded (stage 1 with the exec-once listener, init's own fixed filter, stage 2) against minbox's "
      "one; `open_tree`, `move_mount`, `mount_setattr`, `fsopen`, `fsconfig`, `fsmount`, `openat2`, `symlinkat` "
      "and most `close` are the mounts (every target resolved in the new root), the device nodes and the /proc "
      "masks (their cost measured above); `sendmsg`, `recvmsg`, `poll`, `socketpair` are the launcher-init "
      "protocol and the exec-once hand-off and answer; `newfstatat`, `openat` are the launcher's checks of the "
      "sources and mount points and the masks' lookups; page faults, user space and `exit_group` are mostly "
      "the larger static launcher (its pages faulted in, then torn down). No single step dominates: the gap is the "
      "sum of the steps minbox leaves out, each a few percent of a launch.\n")

P("## The payload's cost per system call, and the seccomp action cache\n")
sc = tsv("syscall.tsv")
if sc:
    g = defaultdict(list)
    for r in sc:
        g[r["setup"]].append(float(r["ns_per_call"]))
    base = med(g.get("bare (no filter)", []))
    P("A static payload calls `getppid` 2,000,000 times and times the loop itself (5 runs each, median [min–max]):\n")
    P("| setup | ns per getppid | over bare |\n|---|---|---|")
    for k, v in g.items():
        P(f"| {k} | {spread(v)} | {med(v) - base:+.1f} ns |")
    P()
ac = tsv("actioncache.tsv")
if ac:
    hot = [k for k in ac[0] if k not in ("profile", "instructions", "bypass", "of")]
    P("Since Linux 5.11 the kernel caches, per filter chain, the syscalls for which every filter returns ALLOW "
      "whatever the arguments; those never run BPF. `scripts/bench-actioncache.py` replays the kernel's check "
      "(`seccomp_is_const_allow`) on the exported programs (both stages):\n")
    P("| profile | instructions (stage 1 + 2) | syscalls that bypass the filters | hot syscalls that do not |")
    P("|---|---|---|---|")
    for r in ac:
        miss = [h for h in hot if r[h] != "yes"]
        P(f"| {r['profile']} | {r['instructions']} | {r['bypass']} of {r['of']} | {', '.join(miss) or 'none'} |")
    P("\n(`ioctl` and `clone` carry argument guards — the terminal ioctls, CLONE_NEW* — and `execve` goes to the "
      "exec-once supervisor: they run the filter by design; every other hot path bypasses it.)\n")

hs = tsv("harness.tsv")
if hs:
    P("## The seeds' harness: podman (their venue) against denybox\n")
    P("The seeds' probe harness (`tests/integration/lib/seed_harness.py`, python3, 12 probes) with the seeds' flags "
      "(`--network none --user 65532:65532 --read-only --tmpfs /tmp:...,size=16m --cap-drop ALL --security-opt "
      "no-new-privileges --pids-limit 64 --memory 256m --memory-swap 256m --cpus 1`, the host's /usr read-only, "
      "/in and /out binds); podman with the seeds' startup-safe profile on a `--rootfs` (no image build is timed), "
      "denybox with its strict default:\n")
    g = defaultdict(list)
    for r in hs:
        g[r["venue"]].append(r)
    P("| venue | wall ms | CPU ms | harness result |\n|---|---|---|---|")
    for k, v in g.items():
        P(f"| {k} | {spread([float(r['wall_ms']) for r in v])} | {spread([float(r['cpu_ms']) for r in v])} | "
          f"{v[0]['verdict'] or 'no summary: the harness did not finish'} |")
    ks = list(g)
    if len(ks) == 2:
        w = [float(r["wall_ms"]) for r in g[ks[0]]]
        d = [float(r["wall_ms"]) for r in g[ks[1]]]
        P(f"\npodman / denybox, wall: {med(w) / med(d):.1f}×.\n")
    P("Under podman the seeds' startup-safe profile allows `execve` (runc/crun must exec the entrypoint), so the "
      "harness's own PR-EXEC-1 probe, `os.execv(python, -c pass)`, succeeds when a python is present and replaces "
      "the harness, which then ends without a result: the seeds' \"startup-safe compromise\", measured here as what "
      "it is. Under denybox the same probe gets EPERM from the exec-once supervisor and the harness completes.\n")

if scale:
    P("## Scale: N sandboxes alive at once\n")
    P("`scripts/bench-scale.sh`: N × `denybox run --rootfs ROOT -- /block` started in the background (the payload "
      "writes one byte, then pauses); setup = wall time until all N bytes came through / N; memory = PSS "
      "(`/proc/PID/smaps_rollup`) of the launcher and the sandbox's init, and the growth of the kernel's Slab + "
      "KernelStack + PageTables (`/proc/meminfo`), per sandbox; teardown = SIGTERM to every launcher until all "
      "payloads are gone; then the processes, mounts of the root and the launchers' cgroups left (must be 0).\n")
    if plotted:
        P("![scale](bench/scale.png)\n")
    P("| N | setup ms / sandbox | launcher+init PSS KiB / sandbox | payload PSS KiB / sandbox | kernel KiB / sandbox | "
      "teardown ms (all) | left: processes, mounts, cgroups |")
    P("|---|---|---|---|---|---|---|")
    for r in scale:
        P(f"| {r['n']} | {float(r['setup_ms_per']):.1f} | {r['pss_kib_per']} | {r['payload_kib_per']} | "
          f"{r['kernel_kib_per']} | {r['teardown_ms']} | {r['left_processes']} {r['left_mounts']} {r['left_cgroups']} |")
    P("\nThe launcher is one static binary: its text is shared between sandboxes, so the PSS per sandbox falls as N "
      "grows; at N = 1 it carries the whole binary. The kernel figure is noisy at small N (other work on the machine "
      "moves the slab too).\n")

for extra, title in (("relay.md", "Relayed stdio"), ("image.md", "--image")):
    p = os.path.join(raw, extra)
    if os.path.exists(p) and os.path.getsize(p):
        P(f"## {title}\n")
        P(re.sub(r"^# .*\n+", "", open(p).read(), count=1).strip() + "\n")

p = os.path.join(raw, "learn.txt")
if os.path.exists(p) and meta.get("quick") == "0":
    P("## learn against run\n")
    P("`scripts/bench-learn.sh` (hyperfine):\n\n```\n" + open(p).read().strip() + "\n```\n")

P("## How to run\n")
P("`sudo scripts/bench` (full, one command, under 20 minutes here; installs the peers with "
  "`DENYBOX_WITH_BENCH=1 scripts/install-deps.sh`), `sudo scripts/bench --quick` (3 rounds, N ≤ 100: a smoke test). "
  "Raw data: `docs/bench/*.tsv`, `docs/bench/strace-*.txt`.")
