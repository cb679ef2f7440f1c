#!/bin/bash
# Seccomp profiles end to end: the real ones load, the bad ones are refused with one line, the
# built-in default-deny allowlist runs busybox and a python3 interpreter (host /usr bound
# read-only), Moby's default lets a payload exec and thread but not unshare a user namespace,
# the seeds' profiles deny socket().
. "$(dirname "$0")/common.sh"
PY=/usr/bin/python3
[ -x $PY ] || { echo "python3 (Debian) is missing"; exit 77; }
[ -d "${PROFILES_DIR:-}/real" ] || { echo "PROFILES_DIR does not hold the shared profiles"; exit 77; }
make_busybox_rootfs "$T/r"
USR=(-v /usr:/usr:ro)

for f in "$PROFILES_DIR"/real/*.json "$PROFILES_DIR"/seccomp-*.json; do
        run_db seccomp "$f"
        check "loads: $(basename "$f") (rc=$rc)" [ $rc = 0 ]
done
for f in "$PROFILES_DIR"/bad/*.json; do
        run_db run --security-opt "seccomp=$f" -- /bin/true
        check "refused with one line: $(basename "$f") (rc=$rc)" [ $rc = 64 ] && one_line "$T/err"
done

# the built-in default-deny allowlist: enough for busybox and python3
run_db run --security-opt seccomp=default-deny --rootfs "$T/r" -- /bin/sh -c 'echo busybox-ok'
check "default-deny runs busybox sh (rc=$rc)" has busybox-ok "$T/out"
run_db run --security-opt seccomp=default-deny "${USR[@]}" -- $PY -c '
import threading, json
t = threading.Thread(target=print, args=("thread-ok",)); t.start(); t.join()
print(json.dumps({"py": "ok"}))'
check "default-deny runs python3 with a thread (rc=$rc)" has thread-ok "$T/out"
check "...and its standard library" has '"py": "ok"' "$T/out"
run_db run --security-opt seccomp=default-deny "${USR[@]}" -- $PY -c '
import subprocess
try:
    subprocess.run(["/bin/true"])
except PermissionError as e:
    print("exec-denied", e.errno)'
check "default-deny: python3 cannot run a subprocess (EPERM)" has "exec-denied 1" "$T/out"

# Moby's default: exec allowed, threads work, a user namespace is not
run_db run --security-opt "seccomp=$PROFILES_DIR/real/moby-default.json" "${USR[@]}" -- $PY -c '
import ctypes, os, subprocess, threading
t = threading.Thread(target=print, args=("thread-ok",)); t.start(); t.join()
print("subprocess", subprocess.run(["/bin/true"]).returncode)
libc = ctypes.CDLL(None, use_errno=True)
print("unshare", libc.unshare(0x10000000), ctypes.get_errno())'
check "moby-default: a thread runs (rc=$rc)" has thread-ok "$T/out"
check "moby-default: a subprocess runs (the profile allows exec)" has "subprocess 0" "$T/out"
check "moby-default: unshare(CLONE_NEWUSER) is EPERM" has "unshare -1 1" "$T/out"

# Moby's default: syscalls newer than every rule of the profile answer ENOSYS (libc falls back),
# not the default's EPERM: statmount (457, unknown to libseccomp 2.5.4) and a number past the table
run_db run --security-opt "seccomp=$PROFILES_DIR/real/moby-default.json" "${USR[@]}" -- $PY -c '
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
for nr in (457, 1000):
    print("nr", nr, libc.syscall(nr, 0, 0, 0, 0, 0), ctypes.get_errno())'
check "moby-default: statmount (457) answers ENOSYS" has "nr 457 -1 38" "$T/out"
check "moby-default: syscall 1000 answers ENOSYS" has "nr 1000 -1 38" "$T/out"

# the seeds' two profiles: socket() is EPERM
for p in "$PROFILES_DIR/seccomp-deny-by-default.json" "$PROFILES_DIR/seccomp-startup-safe.json"; do
        run_db run --security-opt "seccomp=$p" "${USR[@]}" -- $PY -c '
import socket
try:
    socket.socket()
except PermissionError as e:
    print("socket", e.errno)'
        check "$(basename "$p"): socket() is EPERM" has "socket 1" "$T/out"
done
finish
