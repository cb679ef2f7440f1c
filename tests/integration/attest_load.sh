#!/bin/bash
# attest's verdict does not depend on the machine's speed: several attests with the seeds' limits,
# run at once beside busy loops on every core, all PASS (PR-MEM-1 included: touching 272 MiB may
# take long on a loaded or emulated machine; the probe waits for progress, not for a fixed time).
# Where --cpus holds (a cgroup), one more set runs each attest throttled to 1% of a CPU: a machine
# ~100 times slower than this one.  A fixed 2-second budget (the old PR-MEM-1) fails there.
. "$(dirname "$0")/common.sh"
command -v jq >/dev/null || { echo "jq is missing"; exit 77; }
SEEDS=(--pids-limit 64 --memory 256m --memory-swap 256m)

busy=()
for _ in $(seq "$(nproc)"); do
        (while :; do :; done) &
        busy+=($!)
done
trap 'kill "${busy[@]}" 2>/dev/null; rm -rf "$T"' EXIT

# attest_many NAME N ARGS... : N attests at once; each one's status in $T/NAME.i.rc
attest_many() {
        local name=$1 count=$2 pids=()
        shift 2
        for i in $(seq "$count"); do
                ("$DENYBOX" attest "${SEEDS[@]}" "$@" -o "$T/$name.$i" >"$T/$name.$i.out" 2>&1; echo $? >"$T/$name.$i.rc") &
                pids+=($!)
        done
        wait "${pids[@]}"
}
all_passed() { # all_passed NAME N : every attest exited as a clean one does here, every probe PASS
        local i b       # (all_pass: PR-MEM-2 FAILs where --memory is address space only), PR-MEM-1 too
        for i in $(seq "$2"); do
                b=$T/$1.$i/sandbox-attestation-evidence.json
                [ "$(cat "$T/$1.$i.rc")" = $ATTEST_OK ] && all_pass "$b" ||
                        { sed 's/^/# /' "$T/$1.$i.out" | grep -v ' PASS ' | head -20; return 1; }
                jq -e '.probes[] | select(.probe_id == "PR-MEM-1") | .verdict == "PASS"' "$b" >/dev/null || return 1
        done
}

attest_many loaded 3
check "3 concurrent attests beside $(nproc) busy loops all PASS, PR-MEM-1 included" all_passed loaded 3

"$DENYBOX" explain "${SEEDS[@]}" --cpus 0.01 >"$T/explain" 2>&1
if grep -q '^limits:.*cpus=cgroup' "$T/explain"; then
        attest_many slow 2 --cpus 0.01
        check "2 concurrent attests throttled to 1% of a CPU all PASS, PR-MEM-1 included" all_passed slow 2
else
        echo "# --cpus is not enforced here ($(grep '^limits:' "$T/explain")): no throttled run"
fi
finish
