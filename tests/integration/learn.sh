#!/bin/bash
# denybox learn end to end (issue 13), for three workloads: a static C program, busybox sh
# scripts, and the seeds' Python harness (host /usr bound read-only).
# SUFFICIENT: learned once, each runs under its learned profile with the same output (the harness:
#   12/12 PASS, PR-EXEC-1 errno 1).
# MINIMAL: removing any one allowed syscall from the learned profile changes the output or the
#   status; the only exceptions allowed are ERROR_PATH_ONLY below.
# LOADABLE: denybox seccomp loads every learned file; podman, where installed, too.
# Also: --args (a workload that only made AF_UNIX sockets gets no AF_INET), --merge (union; an
# edited file is refused), deterministic rules, attest of a learned profile (the probe's needs
# added; the bundle names the learned file's sha256).
. "$(dirname "$0")/common.sh"
HERE=$(dirname "$0")
PY=/usr/bin/python3
[ -x $PY ] || { echo "python3 (Debian) is missing"; exit 77; }
[ -x "${LEARN_PAYLOAD:-}" ] || { echo "LEARN_PAYLOAD (the static C workload) is not built"; exit 77; }
make_busybox_rootfs "$T/r"
cp "$LEARN_PAYLOAD" "$T/r/bin/learn-payload"
chmod a+rx "$T/r/bin/learn-payload"

# Syscalls a run without them passes unchanged (docs/LEARN.md, "Minimal"): made on every run, but
# their failure is absorbed silently, or only an event uses them.
#   prctl: denybox's own PR_SET_DUMPABLE 0 (init) and PR_SET_PDEATHSIG
#     (payload, before its exec), both already in force, failure ignored;
#   glibc's start-up, failure ignored by glibc: set_tid_address, set_robust_list, rseq, getrandom
#     (malloc's random seed), prlimit64 (stack size), readlink (/proc/self/exe, static binaries).
# Per workload, its own start-up whose failure it ignores:
#   busybox: getuid getgid setgid setuid (it drops set-id privileges it does not have); wait4 (sh
#     reaps after its builtins; with no child the answer is ECHILD either way);
#   python3: brk (malloc falls back to mmap), munmap (a leak), access, lseek, mkdir (makedirs
#     exist_ok), epoll_create1 (the selectors import), sysinfo, gettid, getuid geteuid getgid
#     getegid, rt_sigaction rt_sigprocmask (the interpreter's signal set-up).
# Anything else unchanged is a failure of minimality.  A run that hangs without a syscall is ended
# by --timeout (SIGKILL of the whole sandbox): status 124, a change.
ERROR_PATH_ONLY="prctl set_tid_address set_robust_list rseq getrandom prlimit64 readlink"
BUSYBOX_IGNORES="getuid getgid setgid setuid wait4"
PYTHON_IGNORES="brk munmap access lseek mkdir epoll_create1 sysinfo gettid getuid geteuid getgid getegid rt_sigaction rt_sigprocmask"
not_has() { ! grep -q -- "$1" "$2"; }

names() { # the syscall names a profile allows (any entry with action ALLOW), one per line
        $PY -c 'import json,sys
d = json.load(open(sys.argv[1]))
print("\n".join(sorted({n for s in d["syscalls"] if s["action"] == "SCMP_ACT_ALLOW" for n in s["names"]})))' "$1"
}
drop() { # drop NAME IN OUT: the profile without NAME in its ALLOW entries
        $PY -c 'import json,sys
d = json.load(open(sys.argv[2]))
for s in d["syscalls"]:
    if s["action"] == "SCMP_ACT_ALLOW":
        s["names"] = [n for n in s["names"] if n != sys.argv[1]]
d["syscalls"] = [s for s in d["syscalls"] if s["names"]]
json.dump(d, open(sys.argv[3], "w"), indent=1)' "$1" "$2" "$3"
}
rules() { # the rule list alone, canonical
        $PY -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["syscalls"], sort_keys=True))' "$1"
}
# observe OUTFILE PROFILE RUNARGS... : run under PROFILE; OUTFILE gets stdout, the status and,
# for the harness, its probes (id verdict errno)
observe() {
        local o=$1 prof=$2; shift 2
        rm -f "$T/out-dir/sandbox-attestation-inside.json"
        "$DENYBOX" run --timeout 10 --security-opt "seccomp=$prof" "$@" >"$o" 2>"$T/observe.err"
        echo "status $?" >>"$o"
        if [ -f "$T/out-dir/sandbox-attestation-inside.json" ]; then
                $PY -c 'import json,sys
for p in json.load(open(sys.argv[1]))["probes"]: print(p["probe_id"], p["verdict"], p["errno_or_exit"])' \
                        "$T/out-dir/sandbox-attestation-inside.json" >>"$o"
        fi
}
# minimal DESC PROFILE "IGNORED..." RUNARGS... : every allowed syscall is needed (but the lists)
minimal() {
        local desc=$1 prof=$2 ignored="$ERROR_PATH_ONLY $3" unchanged="" k=0; shift 3
        observe "$T/min-base" "$prof" "$@"
        for s in $(names "$prof"); do
                drop "$s" "$prof" "$T/min.json"
                observe "$T/min-run" "$T/min.json" "$@"
                k=$((k + 1))
                if cmp -s "$T/min-base" "$T/min-run"; then
                        case " $ignored " in *" $s "*) ;; *) unchanged="$unchanged $s" ;; esac
                fi
        done
        check "$desc: each of the $k allowed syscalls removed changes output or status (unchanged:${unchanged:- none})" \
                [ -z "$unchanged" -a $k -gt 0 ]
}

mkdir -p "$T/in" "$T/out-dir" "$T/app"
chmod 0777 "$T/out-dir"
cp "$HERE/seed_harness.py" "$T/app/main.py"
chmod -R a+rX "$T/in" "$T/app"

# ---- the static C workload -----------------------------------------------------------------
C=(--rootfs "$T/r" -- /bin/learn-payload)
observe "$T/c-strict" strict "${C[@]}"
run_db learn -o "$T/c.json" "${C[@]}"
check "learn: the static C workload runs and the profile is written (rc=$rc)" [ $rc = 0 -a -s "$T/c.json" ]
check "learn: the one-screen summary (seen, base profile, cost)" has "syscalls seen this run" "$T/err"
check "learn: the summary says how many the base profile allowed that the learned one denies" has "the learned profile denies" "$T/err"
observe "$T/c-learned" "$T/c.json" "${C[@]}"
check "sufficient: the static C workload's output under its learned profile = under strict" cmp -s "$T/c-strict" "$T/c-learned"
check "sufficient: ... and it is the expected output" has "fork+wait: child status 3" "$T/c-learned"
check "the learned profile denies by EPERM, x86_64 only, exec-once EPERM, clone3 ENOSYS" $PY -c 'import json,sys
d = json.load(open(sys.argv[1])); s = d["syscalls"]
assert d["defaultAction"] == "SCMP_ACT_ERRNO" and d["defaultErrnoRet"] == 1 and d["architectures"] == ["SCMP_ARCH_X86_64"]
assert any(e["names"] == ["execve", "execveat"] and e["action"] == "SCMP_ACT_ERRNO" and e["errnoRet"] == 1 for e in s)
assert any(e["names"] == ["clone3"] and e["errnoRet"] == 38 for e in s)
m = d["x-denybox"]; assert m["generator"] == "denybox learn" and m["exec_after_start"]["attempts"] == 0
assert m["base_profile"] == "builtin:strict" and m["calls"]["openat"]["count"] >= 1' "$T/c.json"
minimal "minimal (static C)" "$T/c.json" "" "${C[@]}"

# deterministic: two recordings, the same rules; SOURCE_DATE_EPOCH fixes the date, empty omits it
SOURCE_DATE_EPOCH=0 "$DENYBOX" learn -o "$T/c1.json" "${C[@]}" >/dev/null 2>&1
SOURCE_DATE_EPOCH= "$DENYBOX" learn -o "$T/c2.json" "${C[@]}" >/dev/null 2>&1
check "deterministic: two recordings give the same rules" [ "$(rules "$T/c1.json")" = "$(rules "$T/c2.json")" ]
check "SOURCE_DATE_EPOCH=0 writes 1970-01-01T00:00:00Z" has '"date": "1970-01-01T00:00:00Z"' "$T/c1.json"
check "SOURCE_DATE_EPOCH= (empty) omits the date" not_has '"date"' "$T/c2.json"

# ---- busybox sh scripts ------------------------------------------------------------------
B=(--rootfs "$T/r" -- /bin/sh -c 'echo start; i=0; while [ $i -lt 3 ]; do i=$((i + 1)); echo "n=$i"; done
while IFS=: read -r user rest; do echo "user=$user"; done </etc/passwd
trap "echo trapped" USR1; kill -USR1 $$; echo "pid=$$ ppid=$PPID"; [ -d /etc ] && echo "etc-is-dir"
cd /etc && echo "pwd=$(pwd -P)"; echo tmp-data >/tmp/f && read -r x </tmp/f && echo "read=$x"; exit 5')
observe "$T/b-strict" strict "${B[@]}"
run_db learn -o "$T/b.json" "${B[@]}"
check "learn: a busybox sh script (its status 5 is passed on: rc=$rc)" [ $rc = 5 -a -s "$T/b.json" ]
observe "$T/b-learned" "$T/b.json" "${B[@]}"
check "sufficient: the busybox script's output and status under its learned profile = under strict" cmp -s "$T/b-strict" "$T/b-learned"
check "sufficient: ... and it is the expected output" has "read=tmp-data" "$T/b-learned"
minimal "minimal (busybox sh)" "$T/b.json" "$BUSYBOX_IGNORES" "${B[@]}"

# a subprocess is a finding: said by learn, kept EPERM under strict, written into the profile
run_db learn -o "$T/bx.json" --rootfs "$T/r" -- /bin/sh -c '/bin/true; echo after'
check "a workload that execs: learn prints the FINDING" has "FINDING: the workload exec'd 1 time" "$T/err"
check "...and the profile records it (exec_after_start.attempts 1, exec still EPERM)" $PY -c 'import json,sys
d = json.load(open(sys.argv[1])); m = d["x-denybox"]["exec_after_start"]
assert m == {"attempts": 1, "allowed": False}, m' "$T/bx.json"

# ---- the seeds' Python harness -----------------------------------------------------------
P=(-v /usr:/usr:ro -v "$T/app:/app:ro" -v "$T/in:/in:ro" -v "$T/out-dir:/out:rw" -- $PY /app/main.py)
run_db learn -o "$T/py.json" "${P[@]}"
check "learn: the seeds' harness (rc=$rc)" [ $rc = 0 -a -s "$T/py.json" ]
observe "$T/py-learned" "$T/py.json" "${P[@]}"
check "sufficient: the harness under its learned profile: 12/12 PASS" has '"total": 12, "pass": 12, "fail": 0' "$T/py-learned"
check "sufficient: ... PR-EXEC-1 errno 1" has "PR-EXEC-1 PASS 1" "$T/py-learned"
check "sufficient: ... PR-SOCK-1 errno 1 (socket is not in the learned profile)" has "PR-SOCK-1 PASS 1" "$T/py-learned"
minimal "minimal (the seeds' Python harness, full list)" "$T/py.json" "$PYTHON_IGNORES" "${P[@]}"

# ---- loadable ------------------------------------------------------------------------------
for f in c b py; do
        run_db seccomp "$T/$f.json"
        check "loadable: denybox seccomp $f.json (rc=$rc)" [ $rc = 0 ]
done
# runc (root only: a rootless runc needs more set-up than this test's): the learned profile as the
# OCI config's linux.seccomp, plus what runc itself does after loading the filter -- execve of the
# entrypoint (the seeds' startup-safe problem, which denybox's exec-once removes) and its Go
# runtime's calls (RUNC_NEEDS) -- runs the static C workload with the same output as denybox.
RUNC=$(command -v runc || true)
[ -z "$RUNC" ] && [ -x /usr/sbin/runc ] && RUNC=/usr/sbin/runc
if [ -n "$RUNC" ] && [ "${TESTS_MODE:-}" != unpriv ]; then
        RUNC_NEEDS="execve fstatfs close_range futex nanosleep sched_yield rt_sigreturn sigaltstack gettid tgkill getpid
                mmap munmap madvise epoll_pwait epoll_ctl fcntl exit rt_sigaction rt_sigprocmask openat newfstatat fstat
                getdents64 close write read pread64 readlinkat capget capset getppid setgroups setresuid setresgid prctl
                dup3 faccessat2 statx"
        mkdir -p "$T/oci" && cp -a "$T/r" "$T/oci/rootfs"
        (cd "$T/oci" && "$RUNC" spec)
        $PY - "$T/oci/config.json" "$T/c.json" "$RUNC_NEEDS" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); p = json.load(open(sys.argv[2]))
p["syscalls"] = [s for s in p["syscalls"] if s["names"] != ["execve", "execveat"]]
p["syscalls"].append({"names": sorted(set(sys.argv[3].split())), "action": "SCMP_ACT_ALLOW"})
c["linux"]["seccomp"] = p
c["process"].update(args=["/bin/learn-payload"], terminal=False)
c["root"]["readonly"] = True
json.dump(c, open(sys.argv[1], "w"))
PY
        id=denybox-learn-$$
        (cd "$T/oci" && timeout 60 "$RUNC" run "$id" </dev/null >"$T/runc.out" 2>"$T/runc.err")
        echo "status $?" >>"$T/runc.out"
        "$RUNC" delete -f "$id" >/dev/null 2>&1
        head -n -1 "$T/c-learned" | grep -v "^status" >"$T/c-expect"
        echo "status 0" >>"$T/c-expect"
        check "loadable: runc runs the static C workload under its learned profile (+ runc's own needs), same output" \
                cmp -s "$T/c-expect" "$T/runc.out"
else
        echo "# runc not installed or unprivileged: runc is not tried"
fi

# ---- attest with a learned profile ------------------------------------------------------
run_db attest --security-opt "seccomp=$T/py.json" -o "$T/ev"
check "attest --security-opt seccomp=LEARNED passes (rc=$rc, want $ATTEST_OK)" [ $rc = $ATTEST_OK ]
check "...every probe PASSes (but PR-MEM-2 where --memory is address space only)" all_pass "$T/ev/sandbox-attestation-evidence.json"
check "...the bundle names the learned file's sha256" $PY -c 'import json,sys,hashlib
b = json.load(open(sys.argv[1])); h = hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()
assert b["seccomp_sha256"] == "sha256:" + h, b["seccomp_sha256"]' \
        "$T/ev/sandbox-attestation-evidence.json" "$T/py.json"
check "...and says the probe's own needs were added" has "the probe's own needs" "$T/ev/sandbox-attestation-evidence.json"

# ---- --args and --merge (base: Moby's default, which allows socket) -------------------------
if [ -f "${PROFILES_DIR:-}/real/moby-default.json" ]; then
        MOBY="$PROFILES_DIR/real/moby-default.json"
        U=(--rootfs "$T/r" -- /bin/learn-payload unix)
        I=(--rootfs "$T/r" -- /bin/learn-payload inet)
        run_db learn --security-opt "seccomp=$MOBY" --args -o "$T/u.json" "${U[@]}"
        check "--args: learned under Moby's default (rc=$rc)" [ $rc = 0 ]
        check "--args: socket only for domain AF_UNIX (masked 32-bit compare)" $PY -c 'import json,sys
s = [e for e in json.load(open(sys.argv[1]))["syscalls"] if e["names"] == ["socket"]]
assert len(s) == 1 and s[0]["args"] == [{"index": 0, "value": 4294967295, "valueTwo": 1, "op": "SCMP_CMP_MASKED_EQ"}], s' "$T/u.json"
        check "--args: clone by its flags (SCMP_CMP_EQ)" has '"op": "SCMP_CMP_EQ"' "$T/u.json"
        run_db run --security-opt "seccomp=$T/u.json" "${U[@]}"
        check "--args: the AF_UNIX workload runs under its profile" has "socket(AF_UNIX): ok" "$T/out"
        run_db run --security-opt "seccomp=$MOBY" "${I[@]}"
        check "--args: under Moby's default an AF_INET socket is created" has "socket(AF_INET): created" "$T/out"
        run_db run --security-opt "seccomp=$T/u.json" "${I[@]}"
        check "--args: under the learned profile it is EPERM" has "socket(AF_INET): Operation not permitted" "$T/out"

        run_db learn --security-opt "seccomp=$MOBY" -o "$T/plain.json" --rootfs "$T/r" -- /bin/learn-payload plain
        run_db run --security-opt "seccomp=$T/plain.json" "${U[@]}"
        check "--merge: the plain workload's profile alone denies socket" has "socket(AF_UNIX): Operation not permitted" "$T/out"
        run_db learn --security-opt "seccomp=$MOBY" --merge "$T/plain.json" -o "$T/m.json" "${U[@]}"
        check "--merge: the union is written (rc=$rc)" [ $rc = 0 -a -s "$T/m.json" ]
        run_db run --security-opt "seccomp=$T/m.json" "${U[@]}"
        check "--merge: the union runs the AF_UNIX workload" has "socket(AF_UNIX): ok" "$T/out"
        check "--merge: the union lists both runs" $PY -c 'import json,sys
m = json.load(open(sys.argv[1]))["x-denybox"]; assert m["runs"] == 2 and len(m["commands"]) == 2, m' "$T/m.json"
        sed 's/"brk",//' "$T/plain.json" >"$T/edited.json"
        run_db learn --merge "$T/edited.json" -o "$T/x.json" "${U[@]}"
        check "--merge refuses an edited profile with one line, 64 (rc=$rc)" [ $rc = 64 ] && one_line "$T/err"
        check "...and nothing ran" not_has "socket(AF_UNIX)" "$T/out"
else
        not_ok "PROFILES_DIR does not hold Moby's default profile (--args/--merge not tested)"
fi

# ---- bad input -------------------------------------------------------------------------------
run_db learn -o /nonexistent/dir/p.json -- /bin/true
check "learn -o into a missing directory: one line, 64 (rc=$rc)" [ $rc = 64 ] && one_line "$T/err"
run_db learn
check "learn without a command: one line, 64 (rc=$rc)" [ $rc = 64 ] && one_line "$T/err"
run_db run --args -- /bin/true
check "--args outside learn: one line, 64 (rc=$rc)" [ $rc = 64 ] && one_line "$T/err"
finish
