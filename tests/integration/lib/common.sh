#!/bin/bash
# Shared helpers for the integration scripts: TAP-ish output, assertions, a busybox rootfs.
set -u
T=$(mktemp -d /tmp/denybox-it.XXXXXX)
# Only this shell removes $T: bash (5.2) runs the EXIT trap in a child forked for `cmd &` that a
# signal kills before its exec (output.sh's SIGTERM round took $T away from under the test), and
# there $BASHPID may still be this shell's; the parent of an exec'd sh is the trap's real process.
T_OWNER=$BASHPID
trap '[ "$(exec /bin/sh -c "echo \$PPID")" != "$T_OWNER" ] || rm -rf "$T"' EXIT
chmod 0755 "$T"
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { # check DESCRIPTION COMMAND...
        local d=$1; shift
        if "$@" >/dev/null; then ok "$d"; else not_ok "$d"; fi
}
finish() {
        echo "1..$n"
        echo "$((n - failed)) passed, $failed failed"
        [ $failed = 0 ]
        exit $?
}
# run_db ARGS... : runs denybox, leaves stdout in $T/out, stderr in $T/err, status in $rc
run_db() {
        "$DENYBOX" "$@" >"$T/out" 2>"$T/err"
        rc=$?
}
has() { grep -q -- "$1" "$2"; }
one_line() { [ "$(wc -l <"$1")" -le 1 ] && [ -s "$1" ]; }

# A rootfs with busybox-static as /bin/sh: a real shell is present, so exec denial is seccomp's.
make_busybox_rootfs() {
        local r=$1 bb
        bb=$(command -v busybox || true)
        [ -n "$bb" ] || { echo "busybox (Debian: busybox-static) is not installed"; exit 77; }
        mkdir -p "$r"/{bin,etc,in,out,tmp,proc,dev,app,root,home/nonroot}
        cp "$bb" "$r/bin/busybox"
        for a in sh true cat echo ls id; do ln -s busybox "$r/bin/$a"; done
        echo "nonroot:x:65532:65532::/home/nonroot:/bin/sh" >"$r/etc/passwd"
        chmod -R a+rX "$r"
}

# wait_until SECONDS COMMAND... : polls COMMAND until it succeeds (status 0) or SECONDS have passed
# (status 1).  The bound only stops a hang: pass a generous one, never a speed expectation.
wait_until() {
        local end=$((SECONDS + $1))
        shift
        until "$@"; do
                [ $SECONDS -lt $end ] || return 1
                sleep 0.05
        done
}

# Where --memory can only be RLIMIT_AS (unprivileged without a writable memory cgroup, e.g. a
# cgroup v1 host), the memory limit is not held against memfd/tmpfs pages: attest FAILs PR-MEM-2
# for that reason, by design, and exits 2 (issue 9 item 8).  MEM_AS_ONLY says whether that is the
# case here; ATTEST_OK is the status of an otherwise clean attest here; all_pass FILE checks a
# bundle: every probe PASSes, except PR-MEM-2, which FAILs with "address space only" here.
if [ -x "${DENYBOX:-}" ] && "$DENYBOX" explain --memory 64m 2>/dev/null | grep -q '^limits:.* memory=rlimit'; then
        MEM_AS_ONLY=true ATTEST_OK=2
else
        MEM_AS_ONLY=false ATTEST_OK=0
fi
all_pass() {
        jq -e --argjson as_only $MEM_AS_ONLY 'all(.probes[]; .verdict == "PASS" or ($as_only and .probe_id == "PR-MEM-2"
                and .verdict == "FAIL" and (.reason | test("address space only"))))
                and .summary.unverified == 0 and .summary.fail == (if $as_only then 1 else 0 end)' "$1" >/dev/null
}

# add_attack_binary ROOT: the in-sandbox attacks (lib/attack.c, copied beside this file by
# as-user.sh) built static into ROOT/bin/attack; exit 77 without a compiler.
add_attack_binary() {
        command -v gcc >/dev/null || { echo "gcc is needed to build the in-sandbox attack"; exit 77; }
        gcc -O2 -static -pthread -o "$1/bin/attack" "$(dirname "$0")/attack.c" || exit 77
        chmod 0755 "$1/bin/attack"
}
