#!/bin/bash
# A kernel without Landlock (issue 17): the sandbox starts as before, single-layer where Landlock
# would have been the second layer, and says so — never a failure to start, never a claim of a
# layer that is not there.  Simulated with tests/helpers/no_landlock.c: a seccomp filter under
# denybox makes the landlock_* calls fail as such kernels answer (ENOSYS: not built in;
# EOPNOTSUPP: built but not enabled at boot).  The proof that Landlock really was absent: with the
# read-only root weakened, PR-LL-WRITE-1 (held by `ro-root landlock` where Landlock exists, so
# PASSing there, redundancy.sh) FAILs.
. "$(dirname "$0")/common.sh"
command -v jq >/dev/null || { echo "jq is missing"; exit 77; }
[ -x "${NO_LANDLOCK:-}" ] || { echo "NO_LANDLOCK is not set to the no-landlock wrapper"; exit 1; }
R="$T/root"
make_busybox_rootfs "$R"

for e in ENOSYS EOPNOTSUPP; do
        "$NO_LANDLOCK" "$e" "$DENYBOX" explain >"$T/out" 2>"$T/err"
        check "$e: explain runs (rc=$?)" [ -s "$T/out" ]
        check "$e: explain says there is no Landlock, single layer" has '^landlock: none on this kernel: single layer' "$T/out"

        "$NO_LANDLOCK" "$e" "$DENYBOX" run --rootfs "$R" -- /bin/true >"$T/out" 2>"$T/err"
        rc=$?
        check "$e: a run starts and ends as before (rc=$rc: $(head -c 200 "$T/err"))" [ "$rc" = 0 ]

        D="$T/attest-$e"
        "$NO_LANDLOCK" "$e" "$DENYBOX" attest -o "$D" >"$T/out" 2>"$T/err"
        rc=$?
        B="$D/sandbox-attestation-evidence.json"
        check "$e: attest exits as on a host with Landlock (rc=$rc, expected $ATTEST_OK)" [ "$rc" = "$ATTEST_OK" ]
        [ -s "$B" ] || { not_ok "$e: no bundle ($(head -c 300 "$T/err"))"; continue; }
        check "$e: every probe PASSes without Landlock" all_pass "$B"
        check "$e: the bundle names no Landlock (abi 0, not applied)" jq -e '.landlock.abi == 0 and .landlock.applied == false' "$B"
        check "$e: every right is unavailable (no Landlock)" \
                jq -e 'all(.landlock.rights[]; .status == "unavailable (no Landlock)")' "$B"
        check "$e: no probe is held by Landlock" jq -e 'all(.probes[]; (.held_by | index("landlock")) == null)' "$B"
        check "$e: PR-LL-WRITE-1 is single-layer (ro-root)" \
                jq -e '.probes[] | select(.probe_id == "PR-LL-WRITE-1") | .single_layer and .held_by == ["ro-root"]' "$B"
        check "$e: PR-LL-SIGNAL-1 is single-layer (pidns)" \
                jq -e '.probes[] | select(.probe_id == "PR-LL-SIGNAL-1") | .single_layer and .held_by == ["pidns"]' "$B"
        check "$e: PR-LL-BIND-1 is single-layer (seccomp)" \
                jq -e '.probes[] | select(.probe_id == "PR-LL-BIND-1") | .single_layer and .held_by == ["seccomp"]' "$B"
        check "$e: the Markdown report marks PR-LL-WRITE-1 single layer" \
                grep -q '^| PR-LL-WRITE-1 |.*| ro-root (single layer) |' "$D/sandbox-attestation-report.md"

        # the negative control: the layer Landlock would have doubled is gone, and nothing holds it
        D="$T/weak-$e"
        "$NO_LANDLOCK" "$e" "$DENYBOX" attest --weaken ro-root -o "$D" >"$T/out" 2>"$T/err"
        B="$D/sandbox-attestation-evidence.json"
        got=$(jq -r '.probes[] | select(.probe_id == "PR-LL-WRITE-1") | .verdict' "$B" 2>/dev/null)
        check "$e: with ro-root weakened and no Landlock, PR-LL-WRITE-1 FAILs (got ${got:-no bundle})" [ "$got" = FAIL ]
done

# ... while on this host, where Landlock exists, the same weakened run still PASSes it (the
# difference is Landlock's: the simulation hid it, nothing else)
abi=$("$DENYBOX" explain | sed -n 's/^landlock: ABI \([0-9]*\).*/\1/p')
if [ -n "$abi" ]; then
        "$DENYBOX" attest --weaken ro-root -o "$T/weak-ll" >"$T/out" 2>"$T/err"
        got=$(jq -r '.probes[] | select(.probe_id == "PR-LL-WRITE-1") | .verdict' "$T/weak-ll/sandbox-attestation-evidence.json" 2>/dev/null)
        check "with Landlock (ABI $abi) and ro-root weakened, PR-LL-WRITE-1 PASSes (got ${got:-no bundle})" [ "$got" = PASS ]
else
        ok "this kernel has no Landlock itself: the comparison run is the simulated one # SKIP"
fi
finish
