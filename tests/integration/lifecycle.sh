#!/bin/bash
# The launcher never loses control (issue 10 items 4, 6, 7, the small defects; issue 9 item 6).
# Each attack is performed from inside by tests/integration/lib/attack.c:
#   - 256 threads looping execve do not extend --timeout (one deadline);
#   - exec notifiers SIGKILLed mid-call do not make the supervisor deaf;
#   - a profile denying rt_sigtimedwait/wait4/rt_sigprocmask cannot break init;
#   - a profile denying prctl does not leave init readable (/proc/1/fd);
#   - --workdir /proc/self/fd/N cannot put the cwd on the host;
#   - INT/QUIT ignored by the caller are not ignored in the payload;
#   - uid 0 of an outer user namespace (unshare -r): no "cannot drop supplementary groups", and a
#     user.max_*_namespaces of 0 is named.
# Waits are bounded loosely (never a verdict on speed): a broken launcher hangs or takes minutes.
. "$(dirname "$0")/common.sh"
make_busybox_rootfs "$T/r"
add_attack_binary "$T/r"
R=(--rootfs "$T/r")
now() { date +%s; }
# run_bounded SECONDS ARGS...: run_db, but SIGKILLed after SECONDS (the old code hung forever here)
run_bounded() {
        local s=$1; shift
        timeout -s KILL "$s" "$DENYBOX" "$@" >"$T/out" 2>"$T/err"
        rc=$?
}
not_has() { ! grep -q -- "$1" "$2"; }
not_timed_out() { ! grep -q "timed out" "$T/err"; }
one_line_has() { one_line "$2" && grep -q -- "$1" "$2"; }

# One deadline: exec traffic never extends it.
t0=$(now)
run_bounded 30 run "${R[@]}" --timeout 2 -- /bin/attack execloop 256
t=$(($(now) - t0))
check "256 threads looping execve: --timeout 2 still ends the run with 124 (rc=$rc)" [ $rc = 124 ]
check "... and says so" has "timed out after 2 s" "$T/err"
check "... within 10 s, not later (took ${t} s)" [ $t -lt 10 ]

# ... nor does a caller that never reads the payload's output (the relay waits on it).
mkfifo "$T/fifo"
sleep 120 <"$T/fifo" &
holder=$!
t0=$(now)
timeout -s KILL 60 "$DENYBOX" run "${R[@]}" --timeout 2 -- /bin/busybox yes >"$T/fifo" 2>"$T/err"
rc=$?
t=$(($(now) - t0))
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
check "stdout never read: --timeout 2 still ends the run with 124 (rc=$rc)" [ $rc = 124 ]
check "... within 20 s (took ${t} s)" [ $t -lt 20 ]

# The supervisor keeps serving after notifiers die mid-call.
run_bounded 120 run "${R[@]}" --timeout 100 -- /bin/attack killstorm
check "after the kill storm the final execve got EPERM (rc=$rc: $(tail -c 100 "$T/out"))" has "final execve errno=1$" "$T/out"
check "... and its log line" has 'execve("/final-exec-marker") -> Operation not permitted' "$T/err"

# init works under every profile.
cat >"$T/noinit.json" <<'J'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["rt_sigtimedwait", "wait4", "rt_sigprocmask"], "action": "SCMP_ACT_ERRNO"}]}
J
cat >"$T/noprctl.json" <<'J'
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["prctl"], "action": "SCMP_ACT_ERRNO"}]}
J
chmod a+r "$T"/*.json
run_bounded 120 run "${R[@]}" --timeout 60 --security-opt seccomp="$T/noinit.json" -- /bin/sh -c 'exit 5'
check "a profile denying rt_sigtimedwait/wait4/rt_sigprocmask: the payload's status comes back (rc=$rc)" [ $rc = 5 ]
check "... with no timeout (init reaped and exited)" not_timed_out
mkdir -p "$T/hostdir" && touch "$T/hostdir/HOSTMARKER" && chmod -R a+rwX "$T/hostdir"
"$DENYBOX" run "${R[@]}" --timeout 60 --security-opt seccomp="$T/noprctl.json" -- \
        /bin/sh -c 'ls -a /proc/1/fd/ /proc/1/fd/*/ 2>&1; ls -a /proc/1/cwd/ 2>&1' >"$T/out" 2>"$T/err" 3<"$T/hostdir"
check "a profile denying prctl: the payload cannot list the host directory init inherited" \
        not_has HOSTMARKER "$T/out"
check "... nor /proc/1/fd at all" has "can't open '/proc/1/fd/': Permission denied" "$T/out"

# --workdir is resolved in the new root by fd: no magic link to a host directory.
"$DENYBOX" run "${R[@]}" --workdir /proc/self/fd/3 -- /bin/sh -c 'echo pwn >planted; pwd' \
        >"$T/out" 2>"$T/err" 3<"$T/hostdir"
rc=$?
check "--workdir /proc/self/fd/3 (a host directory): nothing planted on the host" [ ! -e "$T/hostdir/planted" ]
check "... refused: exit 3 and one line (rc=$rc: $(head -c 200 "$T/err"))" [ $rc = 3 ]
check "... naming --workdir" has "^denybox: --workdir /proc/self/fd/3: " "$T/err"
run_db run "${R[@]}" --workdir /tmp -- /bin/sh -c 'pwd'
check "an ordinary --workdir still works" has "^/tmp$" "$T/out"

# Signals the caller ignores are not ignored in the payload.
(trap '' INT QUIT; "$DENYBOX" run "${R[@]}" -- /bin/cat /proc/self/status) >"$T/out" 2>"$T/err"
ign=$(awk '$1 == "SigIgn:" { print $2 }' "$T/out")
ign_ok() { [ -n "$ign" ] && [ $((0x$ign & 0x6)) = 0 ]; }
check "INT/QUIT ignored by the caller are not ignored in the payload (SigIgn ${ign:-?})" ign_ok

# uid 0 of an outer user namespace made by unshare -r (setgroups denied there).
if unshare -Ur true 2>/dev/null; then
        unshare -Ur "$DENYBOX" run "${R[@]}" --user 0 -- /bin/sh -c 'echo inside' >"$T/out" 2>"$T/err"
        rc=$?
        check "unshare -r: no failure on supplementary groups ($(head -c 200 "$T/err"))" \
                not_has "supplementary groups" "$T/err"
        if [ "$(id -u)" = 0 ]; then # there, the outer uid 0 is host root: the only id the sandbox user could get
                check "unshare -r as root: refused, exit 3 (rc=$rc)" [ $rc = 3 ]
                check "unshare -r as root: one line saying why" one_line_has "its parent's root" "$T/err"
        else
                check "unshare -r: the run works (rc=$rc)" has "^inside$" "$T/out"
        fi
        for ns in net pid mnt ipc uts; do
                unshare -Ur sh -c "echo 0 >/proc/sys/user/max_${ns}_namespaces && exec \"\$0\" run $(printf '%q ' "${R[@]}") --user 0 -- /bin/true" \
                        "$DENYBOX" >"$T/out" 2>"$T/err"
                rc=$?
                check "user.max_${ns}_namespaces=0: exit 3 (rc=$rc)" [ $rc = 3 ]
                check "user.max_${ns}_namespaces=0: one line naming that sysctl ($(head -c 160 "$T/err"))" \
                        one_line_has "user.max_${ns}_namespaces" "$T/err"
                check "user.max_${ns}_namespaces=0: no sudo suggested to root" not_has sudo "$T/err"
        done
else
        ok "unshare -r is not possible here # SKIP"
fi
finish
