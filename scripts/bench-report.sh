#!/bin/bash
# bench-report.sh — called by scripts/bench (which exports BENCH_*): prints docs/BENCHMARKS.md from
# the raw data in docs/bench/ and the perf samples in the work dir.  Not meant to be run alone.
set -euo pipefail
exec python3 - <<'PY'
import collections, json, os, re, statistics, subprocess, datetime

E = os.environ
raw, work = E["BENCH_RAW"], E["BENCH_WORK"]
runs, launches = int(E["BENCH_RUNS_N"]), int(E["BENCH_LAUNCHES_N"])
out = []
def p(s=""): out.append(s)
def ms(x): return f"{x * 1000:.2f} ms"
def hide(s): return s.replace(work, "$WORK")

# ---------------------------------------------------------------- data
hf = {r["command"]: r for r in json.load(open(f"{raw}/hyperfine.json"))["results"]}
med = {k: v["median"] for k, v in hf.items()}
uns = {r["command"]: r for r in json.load(open(f"{raw}/unshare.json"))["results"]}

rss = collections.defaultdict(list)
for line in open(f"{raw}/rss.tsv").read().splitlines()[1:]:
    n, kib = line.split("\t"); rss[n].append(int(kib))
thr = {}
for line in open(f"{raw}/throughput.tsv").read().splitlines()[1:]:
    n, l, s, ps = line.split("\t"); thr[n] = (int(l), float(s), float(ps))

def cpuinfo():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"): return line.split(":", 1)[1].strip()
    return "unknown"
def sh(*a):
    try: return subprocess.run(a, capture_output=True, text=True).stdout.strip()
    except OSError: return "?"

def perf_stat(name):
    f = f"{raw}/perf-stat-{name}.txt"
    if not os.path.exists(f): return None
    t = open(f).read(); d = {}
    m = re.search(r"([\d.,]+) msec task-clock", t);      d["task"] = float(m.group(1).replace(",", "")) if m else None
    m = re.search(r"([\d.,]+)\s+context-switches", t);   d["cs"] = m.group(1) if m else "?"
    m = re.search(r"([\d.,]+)\s+page-faults", t);        d["pf"] = m.group(1) if m else "?"
    m = re.search(r"([\d.]+) \+- ([\d.]+) seconds time elapsed", t); d["elapsed"] = float(m.group(1)) * 1000 if m else None
    return d

# ---------------------------------------------------------------- strace: syscall counts by phase
MOUNT = {"mount", "umount2", "pivot_root", "open_tree", "move_mount", "mount_setattr", "fsopen",
         "fsconfig", "fsmount", "openat2", "symlinkat"}
st_lines = open(f"{raw}/strace-tt.txt").read().splitlines()
calls = []   # (pid, name, text)
for l in st_lines:
    m = re.match(r"^(\d+)\s+[\d:.]+\s+(\w+)\(", l)
    if m: calls.append((int(m.group(1)), m.group(2), l))
parent = calls[0][0] if calls else 0
phase_order = ["parent: start-up, parse, preflight, seccomp compile (before clone3)",
               "parent: after clone3 (uid/gid maps, sync, supervise, wait)",
               "sandbox: mounts up to pivot_root + detach of the old root",
               "sandbox: /proc masks, hostname, setsid, fds, rlimits",
               "sandbox: securebits, capabilities, uid/gid",
               "sandbox: no_new_privs, seccomp 1+2, listener hand-off, exec",
               "payload (/true) and sandbox init"]
phase = collections.OrderedDict((k, collections.Counter()) for k in phase_order)
child_state = 2; cloned = False; pids_after_exec = set()
for pid, name, l in calls:
    if pid == parent:
        k = phase_order[1] if cloned else phase_order[0]
        if name == "clone3": cloned = True; k = phase_order[0]
    else:
        if child_state == 2 and name == "umount2": child_state = 3; k = phase_order[2]
        elif child_state == 3 and name == "prctl" and "SECBIT" in l: child_state = 4; k = phase_order[4]
        elif child_state == 4 and name == "prctl" and "NO_NEW_PRIVS" in l: child_state = 5; k = phase_order[5]
        elif child_state == 5 and name == "execve": child_state = 6; k = phase_order[5]
        else: k = phase_order[child_state]
    phase[k][name] += 1
n_calls = len(calls)
n_mount = sum(1 for _, n, _ in calls if n in MOUNT)
def strace_c_total(f):
    for l in open(f):
        if l.strip().endswith("total"):
            return int(l.split()[3]) if len(l.split()) >= 5 else int(l.split()[2])
    return 0
def strace_c_counts(f):
    c = {}
    for l in open(f):
        m = re.match(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)$", l)
        if m and m.group(2) != "total": c[m.group(2)] = int(m.group(1))
    return c
bw_counts = strace_c_counts(f"{raw}/strace-c-bwrap.txt")
dbx_counts = strace_c_counts(f"{raw}/strace-c.txt")
bw_mount = sum(v for k, v in bw_counts.items() if k in MOUNT)
bw_total = sum(bw_counts.values()); dbx_total = sum(dbx_counts.values())
dev_binds = sum(1 for _, n, l in calls if n == "open_tree" and re.search(r'"/dev/(null|zero|full|random|urandom|tty)"', l) and "AT_RECURSIVE" in l)
proc_masks = sum(1 for _, n, l in calls if n == "move_mount" and '"/proc/' in l)
mask_stats = sum(1 for _, n, l in calls if n == "newfstatat" and '"/proc/' in l)
capbset = sum(1 for _, n, l in calls if n == "prctl" and "PR_CAPBSET_DROP" in l)
ambient = sum(1 for _, n, l in calls if n == "prctl" and "PR_CAP_AMBIENT_IS_SET" in l)
capread = sum(1 for _, n, l in calls if n == "prctl" and "PR_CAPBSET_READ" in l)
probe_seccomp = sum(1 for pid, n, l in calls if pid == parent and n == "seccomp")
memfd = sum(1 for pid, n, l in calls if pid == parent and n == "memfd_create")
forks_in_sandbox = sum(1 for pid, n, l in calls if pid != parent and n in ("clone", "clone3", "fork", "vfork"))

# ---------------------------------------------------------------- perf samples: on-CPU buckets
buckets = collections.Counter(); sysc = collections.Counter(); nsamp = 0
CPUID = {"handle_amd", "handle_intel", "intel_check_word", "get_common_indices", "get_extended_indices",
         "update_active", "init_cpu_features", "_nettle_cpuid", "init_cacheinfo", "dl_init_cacheinfo",
         "__libc_start_main_impl", "get_common_cache_info", "__x86_cpu_features", "cpu_features_init"}
COMPILE = ("seccomp_", "yajl_", "gen_bpf", "_gen_bpf", "db_", "_db_", "_blk_", "_bpf_", "arch_filter", "sys_chk")
B_NET, B_CLONE, B_SECC, B_MOUNT, B_EXEC, B_EXIT, B_PF, B_CPUID, B_COMP, B_SYS, B_USER, B_KERN = (
    "clone3: creating the network namespace (copy_net_ns)",
    "clone/clone3: the other namespaces, copying the process",
    "seccomp(): installing the filters (checks, BPF JIT)",
    "mount set-up syscalls (new mount API, pivot_root, umount2, /proc masks, /dev)",
    "execve (the payload; the tail of denybox's own exec)",
    "exit and namespace teardown (exit_group/do_exit)",
    "page faults (fork copy-on-write, exec, start-up)",
    "static glibc/nettle start-up: CPU feature probing (cpuid traps to the hypervisor in a VM)",
    "profile parse + libseccomp compile (user space)",
    "other syscalls",
    "other user space",
    "other kernel (interrupts, scheduling)")
SYS_RE = re.compile(r"^(?:__x64_sys_|__do_sys_|__se_sys_|__ia32_sys_)(\w+)$")
have_perf = os.path.exists(f"{work}/perf.script")
if have_perf:
    for block in open(f"{work}/perf.script", errors="replace").read().split("\n\n"):
        ls = block.strip("\n").split("\n")
        if not ls or not ls[0].strip(): continue
        comm = ls[0].strip()
        if comm not in ("denybox", "true"): continue
        frames = []
        for f in ls[1:]:
            parts = f.strip().split(None, 1)
            if len(parts) == 2: frames.append((int(parts[0], 16) >= 0xffff800000000000, parts[1].split("+0x")[0]))
            elif parts: frames.append((False, "?"))
        nsamp += 1
        names = [n for _, n in frames]
        sc = None
        for n in reversed(names):   # outermost syscall entry
            m = SYS_RE.match(n)
            if m: sc = m.group(1); break
        if sc: sysc[sc] += 1
        leaf_kernel, leaf = frames[0] if frames else (False, "?")
        if "copy_net_ns" in names: b = B_NET
        elif sc in ("clone3", "clone") or "kernel_clone" in names: b = B_CLONE
        elif sc == "seccomp" or "do_seccomp" in names: b = B_SECC
        elif sc in MOUNT or sc in ("umount", "mount"): b = B_MOUNT
        elif sc in ("execve", "execveat"): b = B_EXEC
        elif sc in ("exit_group", "exit") or "do_exit" in names: b = B_EXIT
        elif "exc_page_fault" in names or "asm_exc_page_fault" in names: b = B_PF
        elif sc: b = B_SYS
        elif not leaf_kernel and leaf in CPUID: b = B_CPUID
        elif not leaf_kernel and any(n.startswith(COMPILE) for n in names): b = B_COMP
        elif not leaf_kernel: b = B_USER
        else: b = B_KERN
        buckets[b] += 1
ps_d, ps_b, ps_bare = perf_stat("denybox"), perf_stat("bwrap"), perf_stat("bare")
task_ms = ps_d["task"] if ps_d and ps_d["task"] else None
def us(count):  # share of on-CPU samples scaled to perf stat's task-clock per launch
    return f"{count / nsamp * task_ms * 1000:.0f} µs" if nsamp and task_ms else "?"

# perf trace: the slow syscalls of one launch (duration includes waiting)
slow = []
if os.path.exists(f"{raw}/perf-trace.txt"):
    for l in open(f"{raw}/perf-trace.txt"):
        m = re.match(r"^\s*([\d.]+) \(\s*([\d.]+) ms\): (\S+) (\w+)\(", l)
        if m: slow.append((float(m.group(2)), m.group(3), m.group(4)))
    slow.sort(reverse=True)

# ---------------------------------------------------------------- targets
r_bw = med["denybox run"] / med["bwrap"]
r_bare = med["denybox run"] / med["bare exec"]
rss_dbx_max = max(rss["denybox run"]) if rss["denybox run"] else 0
rss_att_max = max(rss["denybox attest"]) if rss["denybox attest"] else 0
tput = thr["denybox run"][2]
def verdict(ok): return "**met**" if ok else "**missed**"

now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
p("# Benchmarks")
p()
p(f"Generated by `scripts/bench` on {now} — reproduce with `sudo scripts/bench` (about two minutes; "
  "as a user it only names the missing packages). Every number below comes from that one run; "
  "raw data is in [`docs/bench/`](bench/). The targets are reported here, never asserted in a test.")
p()
p(f"denybox under test: `{E['BENCH_DENYBOX_VERSION']}`, commit {E['BENCH_GIT']}, static binary "
  f"{int(E['BENCH_DENYBOX_SIZE']) / 1048576:.1f} MiB (copied from `{hide(E['BENCH_DENYBOX_SRC']).replace(os.getcwd() + '/', '')}` before the run).")
p()
probs = open(f"{raw}/problems.txt").read().splitlines() if os.path.exists(f"{raw}/problems.txt") else []
if probs:
    p("## Problems seen during this run")
    p()
    for l in probs: p(f"- {l}")
    p()
if E.get("BENCH_BINARY_NOTE"):
    p(f"**Binary note:** {E['BENCH_BINARY_NOTE']}")
    p()
p("## Targets (issue 6)")
p()
p("| target | measured | |")
p("|---|---|---|")
p(f"| `denybox run` ≤ 0.75× bubblewrap wall time | {r_bw:.2f}× (median {ms(med['denybox run'])} vs {ms(med['bwrap'])}) | {verdict(r_bw <= 0.75)} |")
p(f"| `denybox attest` ≤ 25 ms | median {ms(med['denybox attest'])} (mean {ms(hf['denybox attest']['mean'])}, max {ms(hf['denybox attest']['max'])}) | {verdict(med['denybox attest'] <= 0.025)} |")
p(f"| launcher peak RSS ≤ 4 MiB | `run` max {rss_dbx_max} KiB ({rss_dbx_max / 1024:.2f} MiB); `attest` max {rss_att_max} KiB ({rss_att_max / 1024:.2f} MiB) | {verdict(rss_dbx_max <= 4096)}{'' if rss_att_max <= 4096 else ' (attest: missed)'} |")
if tput == tput:
    p(f"| ≥ 300 sandboxes/s on 2 cores | {tput:.0f}/s ({thr['denybox run'][0]} launches in {thr['denybox run'][1]:.2f} s, 2 workers) | {verdict(tput >= 300)} |")
else:
    p("| ≥ 300 sandboxes/s on 2 cores | not measured: a launch hung (see Problems) | **missed** |")
p()
p("## Results")
p()
p(f"One hyperfine run (`-N`, no shell; warmup {E['BENCH_WARMUP_N']}, {runs} runs each), payload: a "
  f"{E['BENCH_PAYLOAD']} in a throw-away rootfs. Ratios are of medians (from hyperfine's JSON).")
p()
p("| command | median | mean ± σ | min | max | × bare | × bwrap |")
p("|---|---|---|---|---|---|---|")
for n in ("bare exec", "denybox run", "bwrap", "denybox attest"):
    r = hf[n]
    p(f"| {n} | {ms(r['median'])} | {ms(r['mean'])} ± {ms(r['stddev'])} | {ms(r['min'])} | {ms(r['max'])} | "
      f"{r['median'] / med['bare exec']:.1f}× | {r['median'] / med['bwrap']:.2f}× |")
p()
p(f"- **denybox run / bwrap = {r_bw:.2f}×**; denybox run / bare exec = {r_bare:.1f}×; "
  f"denybox run − bare exec = {ms(med['denybox run'] - med['bare exec'])} of sandbox overhead "
  f"(bwrap: {ms(med['bwrap'] - med['bare exec'])}).")
p(f"- `denybox attest` (embedded root, all probes, evidence bundle written to disk) = "
  f"{med['denybox attest'] / med['denybox run']:.1f}× a `denybox run`.")
p(f"- Load average before / after the run: {E['BENCH_LOAD_BEFORE']} / {E['BENCH_LOAD_AFTER']} "
  "(this is a shared 2-core VM: other work shows up in the tails, not in the medians).")
p()
p("![latency distributions](bench/latency.png)")
p()
p("Left: empirical CDF of the per-launch wall time (log scale). Right: histogram of `denybox run` vs "
  "`bwrap`.")
p()
p("### The kernel's floor")
p()
p("What the namespaces alone cost (util-linux `unshare`, no mounts, no seccomp, same static `/true`; "
  "150 runs each). No sandbox that creates these namespaces can launch faster than the last row.")
p()
p("| `unshare -U -r ...` | median | × bare exec |")
p("|---|---|---|")
for n, r in uns.items():
    p(f"| {n} | {ms(r['median'])} | {r['median'] / med['bare exec']:.1f}× |")
p()
p("## Peak RSS")
p()
p(f"`/usr/bin/time -v CMD` → \"Maximum resident set size\", {E['BENCH_RSS_REPS_N']} repetitions each. It is "
  "the largest of the launcher and every descendant it waited for (the sandbox init and the payload).")
p()
p("| command | max | median | min |")
p("|---|---|---|---|")
for n in ("denybox run", "bwrap", "denybox attest", "bare exec"):
    v = rss[n]
    if v: p(f"| {n} | {max(v)} KiB ({max(v) / 1024:.2f} MiB) | {statistics.median(v):.0f} KiB | {min(v)} KiB |")
p()
p("## Throughput")
p()
p(f"`seq {launches} | xargs -P2 -n1 CMD` (2 workers on 2 cores; xargs appends the number as an argument "
  "to `/true`, which ignores it); wall time from `date +%s.%N`. The kernel's asynchronous clean-up of "
  "each network namespace (a kworker) competes for the same 2 cores.")
p()
p("| command | launches | wall time | launches/s |")
p("|---|---|---|---|")
for n in ("bare exec", "denybox run", "bwrap"):
    l, s, ps = thr[n]
    p(f"| {n} | {l} | {s:.2f} s | {ps:.0f} |")
p()
p("## How the two boundaries differ")
p()
p("The bubblewrap command is the closest equivalent we could write, but the boundaries are not the "
  "same; denybox does more work per launch:")
p()
p("| | denybox run | bwrap (flags above) |")
p("|---|---|---|")
p("| namespaces | user, mount, pid, net, ipc, uts, cgroup | the same (`--unshare-all` + `--unshare-user`) |")
p("| uid/gid inside | 65532:65532 | 65532:65532 (`--uid/--gid`) |")
p("| capabilities | all sets empty, bounding + ambient emptied, securebits locked | `--cap-drop ALL` (no securebits) |")
p("| no_new_privs | yes | yes |")
p("| seccomp | two stacked filters: exec notify + the strict profile (+ ABI/clone3/io_uring guards) | **none** (bwrap has `--seccomp FD`, but nothing equivalent to exec-once) |")
p("| exec once | a supervisor answers the seccomp user notification for the single allowed exec; every later execve → EPERM | no: the payload may exec anything in the rootfs |")
p("| root | rootfs bound read-only, `pivot_root`, old root detached, `/` remounted ro,nosuid,nodev | `--ro-bind R /`, pivot_root |")
p("| /in, /out | /in recursively read-only; /out nosuid,nodev,noexec | `--ro-bind` (not recursive), `--bind` (exec allowed) |")
p("| /tmp | tmpfs noexec,nosuid,nodev, size 16m | tmpfs (exec allowed, no size) |")
p("| /proc | fresh procfs, nosuid,nodev,noexec, dangerous paths masked (kcore, keys, sysrq-trigger, sys, ...) | fresh procfs, no masks |")
p("| /dev | tmpfs with 6 nodes (null zero full random urandom tty) + fd links | tmpfs with the same 6 nodes + pts, shm, ptmx |")
p("| other | hostname, setsid, fds closed, RLIMIT_CORE 0, scrubbed environment, PDEATHSIG | `--new-session`, `--die-with-parent`, `--clearenv` |")
p()
p("## Commands")
p()
p("`$WORK` is a fresh `mktemp -d /tmp/denybox-bench.XXXXXX`; `$WORK/denybox` is a copy of the binary under test.")
p()
p("```sh")
for k in ("BENCH_CMD_BARE", "BENCH_CMD_DBX", "BENCH_CMD_BWRAP", "BENCH_CMD_ATTEST"):
    p(hide(E[k]))
p("```")
p()
p("```sh")
p(f"hyperfine -N --warmup {E['BENCH_WARMUP_N']} --runs {runs} --export-json docs/bench/hyperfine.json \\")
p("  --export-markdown docs/bench/hyperfine.md -n 'bare exec' ... -n 'denybox run' ... -n bwrap ... -n 'denybox attest' ...")
p(f"/usr/bin/time -v CMD          # x{E['BENCH_RSS_REPS_N']}, 'Maximum resident set size'")
p(f"seq {launches} | xargs -P2 -n1 CMD")
p("strace -f -c -S calls CMD; strace -f -tt -T CMD; perf stat -r 200 CMD; perf record -F 10000 -e cpu-clock -g")
p("```")
p()
p("## Machine")
p()
mem = sh("awk", "/MemTotal/ {printf \"%.1f GiB\", $2/1048576}", "/proc/meminfo")
p(f"- CPU: {cpuinfo()}, `nproc` = {sh('nproc')}; memory {mem}; virtualised: {sh('systemd-detect-virt') or 'unknown'}")
p(f"- kernel: `{sh('uname', '-r')}`; OS: {sh('sh', '-c', '. /etc/os-release; echo $PRETTY_NAME')}")
p(f"- {E['BENCH_BWRAP_VERSION']}; {E['BENCH_HYPERFINE_VERSION']}; run as uid {os.getuid()}")
p()

# ---------------------------------------------------------------- where the time goes
p("## Where the time goes")
p()
p(f"Profiled: `{hide(E['BENCH_CMD_PROF'])}` (no volumes). Raw: `docs/bench/strace-*.txt`, "
  "`docs/bench/perf-*.txt`.")
p()
if ps_d and ps_b and ps_bare:
    p("`perf stat -r 200` (task-clock = CPU time of the launcher and all its descendants):")
    p()
    p("| | wall (elapsed) | CPU (task-clock) | wall − CPU (waiting) | context switches | page faults |")
    p("|---|---|---|---|---|---|")
    for n, d in (("bare exec", ps_bare), ("denybox run", ps_d), ("bwrap", ps_b)):
        p(f"| {n} | {d['elapsed']:.2f} ms | {d['task']:.2f} ms | {d['elapsed'] - d['task']:.2f} ms | {d['cs']} | {d['pf']} |")
    p()
if have_perf and nsamp:
    p(f"On-CPU profile: `perf record -F 10000 -e cpu-clock -g` over {E['BENCH_PROF_LAUNCHES']} launches, "
      f"{nsamp} samples in denybox and the payload, each sample put in the first matching bucket below; "
      f"µs = share × the {task_ms:.2f} ms task-clock of one launch.")
    p()
    p("| where (on CPU) | share | ≈ per launch |")
    p("|---|---|---|")
    for b, c in buckets.most_common():
        p(f"| {b} | {100 * c / nsamp:.1f}% | {us(c)} |")
    p()
    p("Top syscalls by on-CPU time (kernel side, including the page faults and work they trigger):")
    p()
    p("| syscall | share | ≈ per launch | calls per launch (strace) |")
    p("|---|---|---|---|")
    for s, c in sysc.most_common(14):
        p(f"| {s} | {100 * c / nsamp:.1f}% | {us(c)} | {dbx_counts.get(s, dbx_counts.get(s + '2', '?'))} |")
    p()
if slow:
    p("Slowest syscalls of one warm launch, `perf trace` (duration includes time spent blocked):")
    p()
    p("| duration | process | syscall |")
    p("|---|---|---|")
    for d, who, name in slow[:10]:
        proc = re.sub(r"/[0-9]+$", "", who)
        p(f"| {d:.3f} ms | {proc} | {name} |")
    p()
p(f"Syscalls per launch (`strace -f`): **{dbx_total} for denybox** (bwrap: {bw_total}), of which "
  f"**{n_mount} mount-related** (open_tree, move_mount, mount_setattr, fsopen/fsconfig/fsmount, openat2, "
  f"symlinkat, pivot_root, umount2; bwrap: {bw_mount} mount/umount2/pivot_root).")
p()
p("| phase | syscalls | most frequent |")
p("|---|---|---|")
for k, c in phase.items():
    if sum(c.values()):
        p(f"| {k} | {sum(c.values())} | {', '.join(f'{n}×{v}' for n, v in c.most_common(5))} |")
p()

# findings: numbers in, then the suggestion
def b(name): return us(buckets[name]) if have_perf and nsamp else "?"
net_floor = uns["userns+net"]["median"] - uns["userns"]["median"] if "userns+net" in uns else 0
all_floor = uns["all 7 namespaces"]["median"] if "all 7 namespaces" in uns else 0
p("### Findings and suggestions")
p()
p(f"1. **Namespaces are most of the launch, and mostly the network namespace.** `unshare` with the same 7 "
  f"namespaces takes {ms(all_floor)} (median) against {ms(med['denybox run'])} for the whole `denybox "
  f"run`; the network namespace alone adds {ms(net_floor)} to a user-namespace-only `unshare`. In the "
  f"profile, `copy_net_ns` (loopback device registration, per-netns sysctl tables) is {b(B_NET)} of CPU "
  f"per launch, the rest of clone {b(B_CLONE)}. bwrap pays the same. Nothing in denybox's code makes this "
  "cheaper; the only lever is to not create a fresh netns per sandbox (e.g. `setns` into one empty, "
  "pre-created netns shared by all sandboxes — which shares abstract unix sockets between them, so it "
  "would need the seccomp `socket` deny to stay unconditional). Not recommended for the default; worth "
  "an opt-in only if throughput matters more than that.")
p(f"2. **Static glibc start-up probes the CPU with `cpuid`, which traps to the hypervisor.** "
  f"{b(B_CPUID)} per launch in `init_cpu_features`/`handle_amd`/`get_common_indices`/`update_active` "
  "(glibc's cache-size detection loops over `cpuid` leaf 0x8000001D) and nettle's fat-binary "
  "`_nettle_cpuid` constructor; the payload pays glibc's part again. denybox already forks its sandbox "
  "child instead of re-exec'ing itself (good: keep it that way — no second start-up). To cut it: link "
  "nettle non-fat (or use a small in-tree SHA-256 only `attest` needs) so `run` never runs its "
  "constructor; on bare metal `cpuid` is cheap and this row shrinks.")
p(f"3. **Mount set-up: {n_mount} syscalls, {b(B_MOUNT)} of CPU.** Concretely: /dev is {dev_binds} separate "
  "single-node binds, each `open_tree` + `mount_setattr` + `openat2` + `move_mount` + `close`, after "
  "creating a placeholder file per node (`openat` + `close`); attaching the nodes first and then one "
  f"`mount_setattr(AT_RECURSIVE)` on the /dev tmpfs saves {max(dev_binds - 1, 0)} calls, and "
  f"`open_tree_attr()` (Linux ≥ 6.15, with a fallback) folds the remaining pairs. The /proc masks are "
  f"{proc_masks} mounts after {mask_stats} `newfstatat` probes, each `open_tree` + `mount_setattr` + "
  "`move_mount` + `close` (4 syscalls where bwrap's style needs 2); the file masks could share one "
  "read-only /dev/null tree cloned from an fd. Each of these syscalls is a few µs natively, so even "
  f"halving the count saves at most about half of {b(B_MOUNT)}: do it after items 4-6.")
if forks_in_sandbox:
    p(f"4. **A second fork inside the sandbox.** The sandbox's pid 1 forks ({forks_in_sandbox}× clone) so a "
      "minimal init can stay as pid 1 and reap; that costs one more process copy (page-table copy + "
      "copy-on-write faults of a 2.5 MiB static image) and an extra exit/wait round trip on the critical "
      "path. Forking *before* the heavy set-up is no cheaper; exec'ing the payload as pid 1 (no init) for "
      "`run` of a single process, or making the init a tiny `vfork`/`CLONE_VM` child, would remove it. "
      "Measure with `perf trace` (above: the child's `clone`, `rt_sigtimedwait`, `wait4`).")
else:
    p("4. **No extra fork inside the sandbox**: the payload is exec'd as the sandbox's pid 1; keep it so "
      "for `run` unless an init is needed.")
p(f"5. **Page faults: {b(B_PF)}.** denybox takes {ps_d['pf'] if ps_d else '?'} page faults per launch "
  f"(bwrap {ps_b['pf'] if ps_b else '?'}, bare exec {ps_bare['pf'] if ps_bare else '?'}): the child is a "
  "copy-on-write fork of the whole parent. Touch less memory before clone3 (compile the filter into a "
  "small buffer, free the JSON/libseccomp state before cloning) and keep the child's stack use small.")
p(f"6. **Seccomp: {b(B_SECC)} to install 2 filters** (the kernel checks and JITs each) and {b(B_COMP)} "
  f"in user space to parse and compile the profile on every launch, plus {probe_seccomp} `seccomp()` "
  f"feature probes by libseccomp and {memfd} memfd round trips to export the BPF. Built-in profiles are "
  "fixed: compile them at build time and embed the BPF (keep the run-time compile for `seccomp=FILE`).")
p(f"7. **Small, cheap wins:** {capbset} `PR_CAPBSET_DROP` are unavoidable, but the {ambient} "
  f"`PR_CAP_AMBIENT_IS_SET` checks can be one `PR_CAP_AMBIENT_CLEAR_ALL`, and the {capread} "
  "`PR_CAPBSET_READ` probes of the last capability can be one read of "
  "`/proc/sys/kernel/cap_last_cap` (or none). A few tens of µs in all.")
if ps_d and ps_bare:
    p(f"8. **Waiting, not computing:** wall − CPU is {ps_d['elapsed'] - ps_d['task']:.2f} ms for denybox vs "
      f"{ps_bare['elapsed'] - ps_bare['task']:.2f} ms for a bare exec. That is the serial hand-offs "
      "(parent writes the id maps → \"go\" → child builds the root → passes the listener → the supervisor "
      "answers the exec notification → exit → waitid) and the kernel's RCU waits when a mount namespace "
      "is torn down (`umount2(MNT_DETACH)` of the old root, and at exit). Fewer hand-offs (e.g. have "
      "the child write nothing back until the listener) and detaching the old root only once are the "
      "levers; each round trip is a context switch pair (~10-50 µs here).")
p()
p("### Where `attest` spends its time (measured by hand, 2026-11-22, quiet machine)")
p()
p("`attest` is 53 probes plus two costs that are the point of two probes, not overhead:")
p()
p("- **PR-MEM-1 touches memory past the limit** to show the limit holds (the child must be killed "
  "or refused). Under the seeds' default `--memory 256m` that is ~272 MiB of page faults (2 MiB huge pages where the kernel has them; 4 KiB pages cost ~150 ms) and "
  "zeroing plus an OOM kill: about 30-40 ms, and the probe child's RSS is what `/usr/bin/time` "
  "reports as the maximum RSS of `attest` (the launcher itself stays near 2 MiB). With "
  "`--memory 16m` the whole attest takes ~45-50 ms.")
p("- **Moving the sandbox into cgroup v1 controllers** (this host is cgroup v1 for pids/memory): one "
  "`write()` to `memory/.../cgroup.procs` takes ~12 ms (the kernel's cgroup migration waits for an "
  "RCU grace period). cgroup v2 avoids the move entirely: the child is cloned into its cgroup "
  "(`CLONE_INTO_CGROUP`).")
p("- The probes themselves (forks for exec, ptrace, i386/x32, pids, memory) take ~20 ms under strace.")
p()
p("So `attest` ≤ 25 ms is missed: its time scales with `--memory` (the probe must touch more than the "
  "limit; with the limit removed by `--weaken limits` it still touches 272 MiB), and on this "
  "cgroup-v1 host the cgroup move adds ~12 ms.")
p()
p("## Reproduce")
p()
p("```sh")
p("sudo scripts/bench                   # installs hyperfine bubblewrap time gnuplot-nox busybox-static jq strace")
p("BENCH_RUNS=100 BENCH_LAUNCHES=300 sudo -E scripts/bench   # quicker")
p("DENYBOX=/path/to/denybox sudo -E scripts/bench            # another binary")
p("```")
p()
p("`perf` (Debian `linux-perf`) is used when it works; without it the profile section has strace only. "
  "`perf trace` needs tracefs, which the script mounts inside a private mount namespace only.")
p()
p("Raw data: `docs/bench/hyperfine.{json,md,txt}`, `unshare.{json,txt}`, `rss.tsv`, `throughput.tsv`, "
  "`strace-c.txt`, `strace-c-bwrap.txt`, `strace-tt.txt`, `perf-stat-*.txt`, `perf-trace.txt`, `latency.png`.")
print("\n".join(out))
PY
if [ -s "$BENCH_RAW/relay.md" ]; then # 9. relayed stdio (scripts/bench-relay.sh)
        printf '\n## Relayed stdio\n\n'
        cat "$BENCH_RAW/relay.md"
fi
