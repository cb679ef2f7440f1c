#!/bin/bash
# --memory against memory the address space does not hold (issue 9 item 8): the attack writes
# 96 MiB into a memfd under --memory 32m.  Where a memory cgroup holds the limit, the writer is
# OOM-killed and that is reported; where only RLIMIT_AS stands in for it, the write succeeds (no
# rlimit can stop it) and denybox must not claim the limit: the warning, explain, the bundle and
# attest's PR-MEM-2 say "address space only", and attest does not pass.
. "$(dirname "$0")/common.sh"
command -v jq >/dev/null || { echo "jq is missing"; exit 77; }
[ -x "${HOG:-}" ] || { echo "HOG (the static test payload) is not set"; exit 77; }
make_busybox_rootfs "$T/r"
cp "$HOG" "$T/r/bin/hog"
L=(--memory 32m --memory-swap 32m)

"$DENYBOX" explain "${L[@]}" >"$T/explain"
mech=$(sed -n 's/^limits: .* memory=\(.*\) memory-swap=.*/\1/p' "$T/explain")
check "explain names the memory mechanism ($mech)" [ -n "$mech" ]

# The attack: a memfd written past the limit.
run_db run --rootfs "$T/r" --timeout 300 "${L[@]}" -- /bin/hog memfd 96
case $mech in
cgroup*)
        check "the memfd writer was stopped before 96 MiB (rc=$rc)" [ $rc != 0 ] && ! has "hog: done" "$T/out"
        check "...by the OOM killer, and that is reported" has "OOM killer" "$T/err" ;;
rlimit*)
        check "the memfd took 96 MiB: RLIMIT_AS cannot see it (rc=$rc)" [ $rc = 0 ] && has "hog: done" "$T/out"
        check "...and the run warned that --memory is address space only" has "address space only" "$T/err"
        check "explain says 'address space only'" has "memory=rlimit (RLIMIT_AS: address space only)" "$T/explain" ;;
*)
        not_ok "unexpected memory mechanism '$mech'" ;;
esac

# attest: PR-MEM-2 says whether the limit held against such pages, with the mechanism.
run_db attest "${L[@]}" -o "$T/ev"
B=$T/ev/sandbox-attestation-evidence.json
v=$(jq -r '.probes[] | select(.probe_id == "PR-MEM-2") | "\(.verdict): \(.reason)"' "$B" 2>/dev/null)
check "the bundle names the memory mechanism as explain does" jq -e --arg m "$mech" '.limits.memory.mechanism == $m' "$B"
case $mech in
cgroup*)
        check "PR-MEM-2 PASSes where a memory cgroup holds the limit (${v:-absent})" [ "${v%%:*}" = PASS ]
        check "...and attest passes (rc=$rc)" [ $rc = 0 ] ;;
*)
        check "PR-MEM-2 FAILs where only RLIMIT_AS stands in (${v:-absent})" [ "${v%%:*}" = FAIL ]
        check "...saying address space only" jq -e '.probes[] | select(.probe_id == "PR-MEM-2") | .reason | test("address space only")' "$B"
        check "...and attest does not pass (rc=$rc)" [ $rc = 2 ] ;;
esac

# Its negative control: without the limits PR-MEM-2 FAILs everywhere.
run_db attest "${L[@]}" --weaken limits -o "$T/weak"
v=$(jq -r '.probes[] | select(.probe_id == "PR-MEM-2") | .verdict' "$T/weak/sandbox-attestation-evidence.json" 2>/dev/null)
check "--weaken limits makes PR-MEM-2 FAIL (${v:-absent})" [ "$v" = FAIL ]
finish
