#!/bin/bash
# Relayed stdio (issue 10): the payload's 0/1/2 are denybox's pipes, so the attacks through the
# caller's descriptors find nothing of the caller's.  Each attack is performed for real:
#   - a terminal that is nobody's controlling tty (python's pty): setsid + TIOCSCTTY + TIOCSTI
#     "echo INJECTED" and TIOCSETD must not reach it;
#   - stdin a file the caller owns: reopening /proc/self/fd/0 for writing + fchmod must not
#     touch it;
#   - closed caller descriptors (>&-, <&-, 2>&-) give a clean attest, no exit 3, no false FAIL;
# and the relay itself: stdin forwarded, all output drained, EPIPE, exit statuses, and its copy
# threads made only when there is something to copy (the output byte for byte all the same).
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

# (e) copies made only when there is something to copy: the output copies start at the payload's
# first write (or at the end, for what it wrote just before it exited), stdin's not at all from
# /dev/null.  The output must be the same as ever.
head -c 1048576 /dev/urandom >"$T/r/big"
run_db run "${R[@]}" -- /bin/cat /big
check "1 MiB written and exit at once: every byte arrives (rc=$rc, $(wc -c <"$T/out") bytes)" cmp -s "$T/r/big" "$T/out"
only() { [ "$(wc -c <"$3")" = "$2" ] && [ -z "$(tr -d "$1" <"$3")" ]; } # only CHAR N FILE
for size in 1 60000 1048576; do # (a pipe's worth or less: still in the pipes when the payload is gone)
        run_db run "${R[@]}" -- /bin/attack spew $size
        check "stdout and stderr written right before exit both arrive whole ($size bytes each: $(wc -c <"$T/out"), $(wc -c <"$T/err"); rc=$rc)" \
                eval 'only o $size "$T/out" && only e $size "$T/err" && [ $rc = 0 ]'
done
run_db run "${R[@]}" -- /bin/sh -c 'exec >&-; echo after >&2'
check "a payload that closes its stdout: stderr still arrives (rc=$rc)" eval '[ $rc = 0 ] && has "^after$" "$T/err" && [ ! -s "$T/out" ]'
run_db run "${R[@]}" --timeout 20 -- /bin/sh -c 'read -r a; echo "read=$? a=$a"' </dev/null
check "stdin from /dev/null: the payload reads EOF at once (rc=$rc: $(cat "$T/out"))" eval '[ $rc = 0 ] && has "^read=1 a=$" "$T/out"'
(sleep 1; echo late) | "$DENYBOX" run "${R[@]}" --timeout 20 -- /bin/sh -c 'read -r a; echo "got $a"' >"$T/out" 2>"$T/err"
check "stdin from a pipe whose data comes later still arrives ($(cat "$T/out"))" has '^got late$' "$T/out"
# a caller that does not read: the copy blocks, the deadline kills the run, the drain gives up a
# second later (the copy is abandoned) and denybox returns
start=$(date +%s%N)
{ "$DENYBOX" run "${R[@]}" --timeout 2 -- /bin/attack spew 10000000 2>/dev/null; echo $? >"$T/rc"; date +%s%N >"$T/end"; } | sleep 8
took=$((($(cat "$T/end") - start) / 1000000))
check "a caller that does not read: the run ends at the deadline, the drain is abandoned (rc=$(cat "$T/rc"), ${took} ms)" \
        eval '[ "$(cat "$T/rc")" = 124 ] && [ $took -lt 7000 ]'
# no copy thread at all for a payload that writes nothing, stdin /dev/null (the launch's floor)
if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
        # (LeakSanitizer cannot run under a tracer: off for this one run of the ASan build)
        ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=clone3,clone -o "$T/strace" \
                "$DENYBOX" run "${R[@]}" -- /bin/true </dev/null >/dev/null 2>&1
        check "strace: the sandbox was cloned ($(grep -c CLONE_NEWPID "$T/strace") clone3 with CLONE_NEWPID)" has CLONE_NEWPID "$T/strace"
        check "strace: no relay thread for /bin/true </dev/null ($(grep -c CLONE_THREAD "$T/strace") threads)" \
                eval '! grep -q CLONE_THREAD "$T/strace"'
elif [ "${DENYBOX_TEST_MUST_WORK:-0}" = 1 ]; then # CI: a skip is a failure
        not_ok "strace is missing or cannot trace here: no thread count"
else
        ok "# SKIP strace is missing or cannot trace here: no thread count"
fi
finish
