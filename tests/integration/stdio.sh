#!/bin/bash
# Relayed stdio (issue 10): the payload's 0/1/2 are denybox's pipes, so the attacks through the
# caller's descriptors find nothing of the caller's.  Each attack is performed for real:
#   - a terminal that is nobody's controlling tty (python's pty): setsid + TIOCSCTTY + TIOCSTI
#     "echo INJECTED" and TIOCSETD must not reach it;
#   - stdin a file the caller owns: reopening /proc/self/fd/0 for writing + fchmod must not
#     touch it;
#   - closed caller descriptors (>&-, <&-, 2>&-) give a clean attest, no exit 3, no false FAIL;
# and the relay itself: stdin forwarded, all output drained, EPIPE, exit statuses.
. "$(dirname "$0")/common.sh"
not_has() { ! grep -q -- "$1" "$2"; }
make_busybox_rootfs "$T/r"
add_attack_binary "$T/r"
R=(--rootfs "$T/r")
PY=/usr/bin/python3

# (a) the caller's terminal
if [ -x $PY ]; then
        $PY "$(dirname "$0")/ptyrun.py" "$DENYBOX" run "${R[@]}" -- /bin/attack tty sti >"$T/pty1" 2>&1
        check "TIOCSTI: the run ended normally ($(grep rc= "$T/pty1"))" has '^rc=0$' "$T/pty1"
        check "TIOCSTI: nothing was injected into the caller's terminal ($(grep -a 'echoed=' "$T/pty1"))" \
                not_has INJECTED "$T/pty1"
        check "TIOCSTI: the payload's own report came through the relay" has 'tiocsti=' "$T/pty1"
        $PY "$(dirname "$0")/ptyrun.py" "$DENYBOX" run "${R[@]}" -- /bin/attack tty setd >"$T/pty2" 2>&1
        check "TIOCSETD: the caller's line discipline is unchanged ($(grep ldisc= "$T/pty2"))" has '^ldisc=0$' "$T/pty2"
else
        not_ok "python3 is missing: cannot allocate a pty"
fi

# (b) the caller's files: stdin is a file the caller owns (as root, owned by the sandbox's host uid)
echo original >"$T/mine"
chmod 0600 "$T/mine"
[ "$(id -u)" = 0 ] && chown 65532:65532 "$T/mine"
before=$(stat -c '%a %s %Y' "$T/mine")
run_db run "${R[@]}" -- /bin/attack reopen <"$T/mine"
check "reopen: the run ended normally (rc=$rc: $(cat "$T/out"))" [ $rc = 0 ]
check "reopen: the host file's mode and content are unchanged ($(stat -c '%a %s' "$T/mine"))" \
        [ "$(stat -c '%a %s %Y' "$T/mine")" = "$before" ]
check "reopen: the host file has no payload bytes" not_has "PAYLOAD WAS HERE" "$T/mine"

# (c) closed descriptors become /dev/null before anything opens: attest is clean
closed_attest() { # closed_attest N: attest with fd N closed, the others to files
        rm -rf "$T/ev"
        case $1 in
        0) "$DENYBOX" attest -o "$T/ev" <&- >"$T/closed.out" 2>"$T/closed.err" ;;
        1) "$DENYBOX" attest -o "$T/ev" >&- 2>"$T/closed.err" ;;
        2) "$DENYBOX" attest -o "$T/ev" 2>&- >"$T/closed.out" ;;
        esac
        rc=$?
}
for fd in 0 1 2; do
        closed_attest $fd
        fails=$(jq -r '[.probes[] | select(.verdict != "PASS") | .probe_id] | join(" ")' \
                "$T/ev/sandbox-attestation-evidence.json" 2>/dev/null || echo "no bundle")
        # (where --memory is address space only, PR-MEM-2 FAILs by design and attest exits 2: ATTEST_OK)
        check "attest with fd $fd closed exits $ATTEST_OK, every probe PASS but what all_pass allows (rc=$rc, not PASS: ${fails:-none})" \
                eval '[ $rc = $ATTEST_OK ] && all_pass "$T/ev/sandbox-attestation-evidence.json"'
done
run_db run "${R[@]}" -- /bin/sh -c 'echo x' <&-
check "run <&- works (rc=$rc)" [ $rc = 0 ]

# (d) the relay: stdin forwarded, output complete and in order per stream, statuses kept
head -c 8000000 /dev/urandom >"$T/bytes"
run_db run "${R[@]}" -- /bin/cat <"$T/bytes"
check "stdin forwarded and stdout complete, byte for byte (rc=$rc)" cmp -s "$T/bytes" "$T/out"
head -c 3000000 /dev/urandom >"$T/bytes"
"$DENYBOX" run "${R[@]}" -- /bin/cat <"$T/bytes" | cat >"$T/out"
check "the same through a pipe on both sides" cmp -s "$T/bytes" "$T/out"
run_db run "${R[@]}" -- /bin/sh -c 'echo done >&2; exit 5'
check "stderr relayed" has '^done$' "$T/err"
check "the payload's status is denybox's (5)" [ $rc = 5 ]
printf 'line1\nline2\n' | "$DENYBOX" run "${R[@]}" -- /bin/sh -c 'read a; read b; echo "$b $a"' >"$T/out" 2>"$T/err"
check "a piped stdin reaches the payload" has '^line2 line1$' "$T/out"
"$DENYBOX" run "${R[@]}" -- /bin/sh -c 'i=0; while [ $i -lt 100000 ]; do echo yes; i=$((i+1)); done; echo end >&2' 2>"$T/err" | head -1 >"$T/out"
check "a closed reader: the payload ends (EPIPE/SIGPIPE) and so does the run" has '^yes$' "$T/out"
run_db run "${R[@]}" -- /bin/sh -c 'echo fin; kill -9 $$'
check "output drained before a killed payload's status is returned (rc=$rc)" has '^fin$' "$T/out"
check "status 137 for SIGKILL" [ $rc = 137 ]
finish
