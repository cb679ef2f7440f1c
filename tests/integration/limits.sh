#!/bin/bash
# Resource limits hold by their effect, and the mechanism that enforced each is reported;
# the timeout ends an endless payload; the cgroups are removed afterwards.
. "$(dirname "$0")/common.sh"
command -v jq >/dev/null || { echo "jq is missing"; exit 77; }
make_busybox_rootfs "$T/r"
R=(--rootfs "$T/r" --timeout 60)
L=(--pids-limit 8 --memory 64m --memory-swap 64m)

# The mechanisms, as explain and the bundle report them.
"$DENYBOX" explain "${L[@]}" --cpus 1 >"$T/explain"
mech=$(sed -n 's/^limits: pids=\([^ ]*\( v[12]\)\?\) memory=.*/\1/p' "$T/explain")
check "explain names a mechanism for pids ($mech)" [ -n "$mech" ]
run_db attest "${L[@]}" -o "$T/ev"
check "attest under the limits still passes (rc=$rc, $ATTEST_OK expected)" [ $rc = $ATTEST_OK ]
check "...every probe PASSes (but PR-MEM-2 where --memory is address space only)" all_pass "$T/ev/sandbox-attestation-evidence.json"
check "the bundle names the pids mechanism" jq -e '.limits.pids.mechanism | test("cgroup v2|cgroup v1|rlimit")' "$T/ev/sandbox-attestation-evidence.json"
check "...the same one explain named" jq -e --arg m "$mech" '.limits.pids.mechanism == $m' "$T/ev/sandbox-attestation-evidence.json"
check "...and the memory value" jq -e '.limits.memory.value == 67108864' "$T/ev/sandbox-attestation-evidence.json"

# A fork bomb is contained at the pids limit.
run_db run "${R[@]}" "${L[@]}" -- /bin/sh -c 'i=0; while [ $i -lt 40 ]; do echo "forking $i"; (while :; do :; done) & i=$((i+1)); done'
check "the fork bomb hit the pids limit" has "can't fork" "$T/err"
last=$(sed -n 's/^forking //p' "$T/out" | tail -1)
check "...before its 9th fork (last attempt: ${last:-none})" test -n "$last" -a "${last:-99}" -le 8

# A memory hog is contained (OOM-killed by the cgroup, or refused by RLIMIT_AS).
run_db run "${R[@]}" "${L[@]}" -- /bin/sh -c 'x=aaaaaaaaaaaaaaaa; while :; do x="$x$x"; done'
check "the memory hog was stopped (rc=$rc)" [ $rc != 0 ] && [ $rc != 124 ]
case $(jq -r .limits.memory.mechanism "$T/ev/sandbox-attestation-evidence.json") in
cgroup*) check "...by the OOM killer, reported as such (rc=$rc)" has "OOM killer" "$T/err" ;;
rlimit*) check "...by RLIMIT_AS (allocation failed)" has "out of memory" "$T/err" ;;
esac

# The timeout ends an endless payload, distinctly.
start=$(date +%s)
run_db run --rootfs "$T/r" --timeout 1 -- /bin/sh -c 'while :; do :; done'
check "an endless payload is ended by --timeout with 124 (rc=$rc)" [ $rc = 124 ]
check "...and says so" has "timed out after 1 s" "$T/err"
took=$(($(date +%s) - start))
check "...after at least its 1 s, not at the test's own bound (${took} s)" [ $took -ge 1 ] && [ $took -lt 120 ]

# No cgroup is left behind, also after the payload crashed.
"$DENYBOX" run "${R[@]}" "${L[@]}" -- /bin/sh -c 'kill -SEGV $$' >"$T/out" 2>"$T/err" &
db=$!
wait $db
rc=$?
check "a crashed payload reports its signal (139, got $rc)" [ $rc = 139 ]
left=$(find /sys/fs/cgroup -maxdepth 5 \( -name "denybox-$db" -o -path "*/denybox/$db" \) 2>/dev/null | head -3)
check "its cgroups were removed (${left:-none left})" [ -z "$left" ]
finish
