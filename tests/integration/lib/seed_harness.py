#!/usr/bin/env python3
# The seeds' probe harness (../shared/seeds/001_*, "inspector/main.py"), indentation restored,
# otherwise as written there.  Runs inside the sandbox; writes /out/sandbox-attestation-inside.json.
# B4' attestation probe harness. Runs inside the deny-by-default container.
# Emits /out/sandbox-attestation-inside.json with the §7 probe schema.
import os, sys, json, socket, errno, ctypes
RUN_DATE = "unknown"
if "--run-date" in sys.argv:
    RUN_DATE = sys.argv[sys.argv.index("--run-date") + 1]
OUT = "/out/sandbox-attestation-inside.json"
SECRET_RE = None
import re
SECRET_RE = re.compile(r"(?i)(token|secret|password|passwd|_dsn|conn|^pg|^kb|api[_-]?key)")
probes = []
def record(pid, operation, expected, actual, errno_or_exit, verdict):
    probes.append({
        "probe_id": pid, "operation": operation, "expected": expected,
        "actual_stderr_or_value": str(actual)[:500], "errno_or_exit": errno_or_exit,
        "verdict": verdict, "artifact_path": OUT,
    })
# PR-NET-1: connect to a public resolver -> EPERM (socket denied) or ENETUNREACH/EAFNOSUPPORT
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM); s.settimeout(2)
    s.connect(("1.1.1.1", 53))
    record("PR-NET-1", "connect 1.1.1.1:53", "EPERM/ENETUNREACH/EAFNOSUPPORT", "CONNECTED", 0, "FAIL")
except OSError as e:
    ok = e.errno in (errno.EPERM, errno.ENETUNREACH, errno.EAFNOSUPPORT)
    record("PR-NET-1", "connect 1.1.1.1:53", "EPERM(1)/ENETUNREACH(101)/EAFNOSUPPORT(97)", e, e.errno, "PASS" if ok else "FAIL")
# PR-NET-2: /proc/net/dev -> only 'lo'
try:
    ifaces = [ln.split(":")[0].strip() for ln in open("/proc/net/dev").read().splitlines()[2:]]
    ok = set(ifaces) <= {"lo"}
    record("PR-NET-2", "read /proc/net/dev", "interfaces == {lo}", ifaces, "n/a", "PASS" if ok else "FAIL")
except OSError as e:
    record("PR-NET-2", "read /proc/net/dev", "interfaces == {lo}", e, e.errno, "FAIL")
# PR-SOCK-1: raw AF_INET socket -> EPERM
try:
    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    record("PR-SOCK-1", "socket(AF_INET,SOCK_STREAM)", "EPERM(1)", "CREATED", 0, "FAIL")
except OSError as e:
    record("PR-SOCK-1", "socket(AF_INET,SOCK_STREAM)", "EPERM(1)", e, e.errno, "PASS" if e.errno == errno.EPERM else "FAIL")
# PR-ENV-1: no secret-pattern env key
keys = sorted(os.environ.keys())
leaked = [k for k in keys if SECRET_RE.search(k)]
record("PR-ENV-1", "os.environ.keys()", "no token/secret/password/_dsn/conn/pg/kb/api_key", {"keys": keys, "leaked": leaked}, "n/a", "PASS" if not leaked else "FAIL")
# PR-FS-RO-IN: write into /in -> EROFS
try:
    open("/in/__probe", "w"); record("PR-FS-RO-IN", "open /in/__probe w", "EROFS(30)", "WROTE", 0, "FAIL")
except OSError as e:
    record("PR-FS-RO-IN", "open /in/__probe w", "EROFS(30)", e, e.errno, "PASS" if e.errno in (errno.EROFS, errno.EACCES) else "FAIL")
# PR-FS-ESC-1: write /etc -> EROFS (read-only rootfs)
try:
    open("/etc/__probe", "w"); record("PR-FS-ESC-1", "open /etc/__probe w", "EROFS(30)", "WROTE", 0, "FAIL")
except OSError as e:
    record("PR-FS-ESC-1", "open /etc/__probe w", "EROFS(30)", e, e.errno, "PASS" if e.errno in (errno.EROFS, errno.EACCES) else "FAIL")
# PR-FS-ESC-2: write /app -> EROFS/EACCES
try:
    open("/app/__probe", "w"); record("PR-FS-ESC-2", "open /app/__probe w", "EROFS(30)/EACCES(13)", "WROTE", 0, "FAIL")
except OSError as e:
    record("PR-FS-ESC-2", "open /app/__probe w", "EROFS(30)/EACCES(13)", e, e.errno, "PASS" if e.errno in (errno.EROFS, errno.EACCES) else "FAIL")
# PR-FS-OUT-OK: positive control — /out is the one writable path
try:
    open("/out/report.md", "w").write("ok")
    record("PR-FS-OUT-OK", "open /out/report.md w", "succeeds (positive control)", "WROTE ok", 0, "PASS")
except OSError as e:
    record("PR-FS-OUT-OK", "open /out/report.md w", "succeeds (positive control)", e, e.errno, "FAIL")
# PR-EXEC-1: execve real binary -> EPERM (seccomp); distroless also lacks /bin/ls
try:
    os.execv(sys.executable, [sys.executable, "-c", "pass"])
    record("PR-EXEC-1", "os.execv(python)", "EPERM(1) or FileNotFoundError", "EXECVE-SUCCEEDED", 0, "FAIL")
except OSError as e:
    ok = e.errno in (errno.EPERM, errno.ENOENT)
    record("PR-EXEC-1", "os.execv(python)", "EPERM(1)/ENOENT(2)", e, e.errno, "PASS" if ok else "FAIL")
# PR-MOUNT-1: mount table — rootfs ro, /in ro, /out rw, /tmp noexec, nothing else writable
try:
    mounts = open("/proc/self/mountinfo").read()
    has_in_ro = any("/in" in ln and " ro" in ln for ln in mounts.splitlines())
    has_out_rw = any("/out" in ln and " rw" in ln for ln in mounts.splitlines())
    record("PR-MOUNT-1", "read /proc/self/mountinfo", "rootfs ro; /in ro; /out rw; /tmp noexec; nothing else",
           {"in_ro": has_in_ro, "out_rw": has_out_rw, "raw_present": True}, "n/a",
           "PASS" if (has_in_ro and has_out_rw) else "FAIL")
except OSError as e:
    record("PR-MOUNT-1", "read /proc/self/mountinfo", "expected mount table", e, e.errno, "FAIL")
# PR-SOCK-DOCKER: docker socket absent
exists = os.path.exists("/var/run/docker.sock")
record("PR-SOCK-DOCKER", "exists /var/run/docker.sock", "False", exists, "n/a", "PASS" if not exists else "FAIL")
# PR-PTRACE-1: ptrace(PTRACE_TRACEME) -> EPERM
try:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    PTRACE_TRACEME = 0
    rc = libc.ptrace(PTRACE_TRACEME, 0, 0, 0)
    en = ctypes.get_errno()
    ok = (rc != 0 and en == errno.EPERM)
    record("PR-PTRACE-1", "ptrace(PTRACE_TRACEME)", "EPERM(1)", {"rc": rc, "errno": en}, en, "PASS" if ok else "FAIL")
except Exception as e:
    # libc may be unloadable in distroless; record UNVERIFIED rather than fake-PASS
    record("PR-PTRACE-1", "ptrace(PTRACE_TRACEME)", "EPERM(1)", f"UNVERIFIED: {e}", "n/a", "UNVERIFIED")
# raw context (observable only from inside)
def safe_read(p):
    try: return open(p).read()
    except OSError as e: return f"<unreadable: {e}>"
bundle = {
    "schema": "b4-prime-sandbox-attestation/inside/v1",
    "run_date": RUN_DATE,
    "probes": probes,
    "raw": {
        "mountinfo": safe_read("/proc/self/mountinfo"),
        "env_keyset": keys,
        "proc_net_dev": safe_read("/proc/net/dev"),
    },
    "summary": {
        "total": len(probes),
        "pass": sum(1 for p in probes if p["verdict"] == "PASS"),
        "fail": sum(1 for p in probes if p["verdict"] == "FAIL"),
        "unverified": sum(1 for p in probes if p["verdict"] == "UNVERIFIED"),
    },
}
os.makedirs("/out", exist_ok=True)
json.dump(bundle, open(OUT, "w"), indent=2)
print(json.dumps(bundle["summary"]))
# Fail-closed exit: nonzero if any probe FAILED, so the workflow surfaces a boundary breach.
sys.exit(0 if bundle["summary"]["fail"] == 0 else 2)
