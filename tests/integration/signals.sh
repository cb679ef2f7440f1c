#!/bin/bash
# Signals are never lost and always end the run (issue 10 item 5):
#   - SIGTERM at a random moment of each of 300 runs (setup, hand-off, running): every run ends,
#     and not by the grace period's SIGKILL (137): the payload waits forever, so it ends because
#     its TERM was delivered (143), or denybox's own TERM ended it before any sandbox existed, or
#     setup was stopped (3);
#   - the same aimed at the window between the listener hand-off and init blocking signals;
#   - a payload that ignores SIGTERM still ends: after --stop-timeout, or at a second TERM.
# Bounds are loose (30 s per run): a lost signal hangs for an hour.
. "$(dirname "$0")/common.sh"
make_busybox_rootfs "$T/r"
add_attack_binary "$T/r"
R=(--rootfs "$T/r")
RUNS=${SIGNAL_RUNS:-300}

# dump PID: where PID and its descendants are (for the log: a hang is diagnosed from it)
dump() {
        local p t
        for p in $1 $(pgrep -P "$1") $(for c in $(pgrep -P "$1"); do pgrep -P "$c"; done); do
                for t in /proc/"$p"/task/*; do
                        echo "# pid $p task ${t##*/} ($(cat "$t/comm" 2>/dev/null)): wchan $(cat "$t/wchan" 2>/dev/null);" \
                                "$(grep -E '^(State|SigPnd|ShdPnd|SigBlk)' "$t/status" 2>/dev/null | tr '\t\n' '  ')"
                done
        done
}

# ends PID SECONDS: true if PID is gone within SECONDS (polled), else SIGKILLs it and fails
ends() {
        local pid=$1 i
        for ((i = 0; i < $2 * 20; i++)); do
                kill -0 "$pid" 2>/dev/null || { wait "$pid"; return 0; }
                sleep 0.05
        done
        dump "$pid"
        kill -9 "$pid" 2>/dev/null
        wait "$pid"
        return 1
}

hung=0 graced=0
declare -A codes=()
for ((i = 0; i < RUNS; i++)); do
        "$DENYBOX" run "${R[@]}" -- /bin/attack pause </dev/null >/dev/null 2>"$T/err" &
        pid=$!
        sleep "0.0$((RANDOM % 10))$((RANDOM % 10))"
        kill -TERM "$pid"
        if ends "$pid" 30; then
                wait "$pid"
                c=$?
                codes[$c]=$((${codes[$c]:-0} + 1))
                [ $c = 137 ] && graced=$((graced + 1))
                case $c in 143 | 3) ;; *) [ -n "${odd:-}" ] || odd="exit $c: $(head -c 300 "$T/err")" ;; esac
        else
                hung=$((hung + 1))
        fi
done
summary=$(for c in "${!codes[@]}"; do printf '%s:%s ' "$c" "${codes[$c]}"; done)
check "SIGTERM at a random moment of $RUNS runs: every run ended ($hung hung; exit codes ${summary}${odd:+; first other: $odd})" [ $hung = 0 ]
check "... each because its TERM was delivered, none by the grace period's SIGKILL ($graced)" [ $graced = 0 ]

# Aimed at the window (python watches /proc for "the launcher blocks TERM, init does not yet") with
# the sandbox slowed to 1% of a CPU so the window is wide; the old code dropped the TERM in 2 of 10
# such runs, which then never ended.
if [ -x /usr/bin/python3 ]; then
        /usr/bin/python3 "$(dirname "$0")/sigrace.py" "${SIGRACE_RUNS:-20}" \
                "$DENYBOX" run "${R[@]}" --cpus 0.01 -- /bin/attack pause >"$T/race" 2>&1
        check "SIGTERM aimed at the hand-off window: every run ended ($(cat "$T/race"))" has ' hung=0 ' "$T/race"
else
        not_ok "python3 is missing: cannot aim at the window"
fi

# wait_ready FILE: the payload said "ready" (bounded). Each run writes its own
# FILE: the background shell truncates it only after the fork, so a reused file
# could still hold the previous run's "ready" and the TERM would arrive before
# the payload ignores it.
wait_ready() {
        local i
        for ((i = 0; i < 600; i++)); do
                grep -q ready "$1" 2>/dev/null && return 0
                sleep 0.05
        done
        return 1
}

"$DENYBOX" run "${R[@]}" --stop-timeout 1 -- /bin/attack ignoreterm </dev/null >"$T/out1" 2>"$T/err1" &
pid=$!
wait_ready "$T/out1"
kill -TERM "$pid"
if ends "$pid" 30; then wait "$pid"; rc=$?; else rc=hung; fi
check "a payload ignoring SIGTERM ends after --stop-timeout 1 (rc=$rc)" [ "$rc" = 137 ]

"$DENYBOX" run "${R[@]}" --stop-timeout 3600 -- /bin/attack ignoreterm </dev/null >"$T/out2" 2>"$T/err2" &
pid=$!
wait_ready "$T/out2"
kill -TERM "$pid"
sleep 0.5
kill -0 "$pid" 2>/dev/null
check "... with an hour's grace, one TERM does not end it" [ $? = 0 ]
kill -TERM "$pid"
if ends "$pid" 30; then wait "$pid"; rc=$?; else rc=hung; fi
check "... a second TERM ends it at once (rc=$rc)" [ "$rc" = 137 ]

# A TERM while the setup stalls stops the setup at once: exit 3, not a wait for the 60 s setup
# deadline.  The stall is made certain: strace stops the sandbox's first process (SIGSTOP injected
# at its pivot_root, mid-setup), as a slow or wedged setup would be.
if command -v strace >/dev/null; then
        # (LeakSanitizer cannot run under a tracer: in the ASan build it is off for this one run)
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
                strace -f -qq -o /dev/null -e trace=pivot_root -e inject=pivot_root:signal=SIGSTOP \
                "$DENYBOX" run "${R[@]}" --stop-timeout 1 -- /bin/attack pause </dev/null >/dev/null 2>"$T/err" &
        tracer=$!
        launcher=
        for ((i = 0; i < 200; i++)); do launcher=$(pgrep -P "$tracer") && break; sleep 0.01; done
        stalled() { [ -n "$(ps -o stat= --ppid "$launcher" 2>/dev/null | grep '[tT]')" ]; }
        wait_until 30 stalled
        start=$SECONDS
        kill -TERM "$launcher"
        if ends "$tracer" 30; then wait "$tracer"; rc=$?; else rc=hung; fi
        took=$((SECONDS - start))
        stopped_at_once() { [ "$rc" = 3 ] && [ "$took" -le 5 ] && has 'stopped by a signal before the payload started' "$T/err"; }
        check "a TERM while the setup is stalled stops it at once (rc=$rc in ${took}s: $(grep -v '^strace' "$T/err" | head -c 200))" \
                stopped_at_once
else
        not_ok "strace is missing: cannot stall the setup"
fi

"$DENYBOX" run "${R[@]}" -- /bin/attack pause </dev/null >"$T/out" 2>"$T/err" &
pid=$!
sleep 0.3
kill -INT "$pid"
if ends "$pid" 30; then wait "$pid"; rc=$?; else rc=hung; fi
check "SIGINT is forwarded: the payload dies of it (rc=$rc)" [ "$rc" = 130 ]
finish
