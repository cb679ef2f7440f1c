#!/bin/bash
# denybox verify: an untouched bundle (and its in-toto statement) verifies; each way of tampering
# with a real bundle is caught with the line that names it; bad input is 64.
. "$(dirname "$0")/common.sh"
command -v jq >/dev/null || { echo "jq is needed"; exit 77; }
B=sandbox-attestation-evidence.json
MD=sandbox-attestation-report.md
JU=sandbox-attestation-junit.xml
IT=sandbox-attestation.intoto.json

# Where --memory is address space only (MEM_AS_ONLY, common.sh) attest cannot pass: PR-MEM-2 FAILs
# by design and no valid attestation can be made here.  Verify must then say exactly that: its
# one finding is the verdict (1 probe did not PASS), nothing else of the bundle is questioned.
# verifies DESCRIPTION VERIFY-ARGS... : verify passes, or (MEM_AS_ONLY) fails with only that finding.
verifies() {
        local d=$1
        shift
        run_db verify "$@"
        if ! $MEM_AS_ONLY; then
                check "$d verifies (rc=$rc)" [ $rc = 0 ]
        elif [ $rc = 2 ] && [ "$(grep -c '^FINDING:' "$T/out")" = 1 ] &&
                grep -Eq '^FINDING: verdict: FAIL: 1 of [0-9]+ probes did not PASS' "$T/out"; then
                ok "$d: the only finding is that PR-MEM-2 did not PASS (address space only; rc=$rc)"
        else
                not_ok "$d: rc=$rc, expected 2 with the verdict as the only finding (address space only)"
                sed 's/^/#   /' "$T/out" "$T/err"
        fi
}

run_db attest -o "$T/a"
check "attest exits $ATTEST_OK (rc=$rc)" [ $rc = $ATTEST_OK ]
check "...every probe PASSes (but PR-MEM-2 where --memory is address space only)" all_pass "$T/a/$B"
run_db attest -o "$T/b"
check "a second attest exits $ATTEST_OK (rc=$rc)" [ $rc = $ATTEST_OK ]
run_db attest --weaken seccomp -o "$T/w"
check "a weakened attest exits 2 (rc=$rc)" [ $rc = 2 ]

# ---- what must verify ----
verifies "the untouched bundle directory" "$T/a"
if $MEM_AS_ONLY; then
        check "...and says it is not one on its last line" eval 'tail -1 "$T/out" | grep -qF "$T/a: NOT a valid attestation (1 finding)"'
else
        check "...and says so on its last line" has "a valid attestation: run $(jq -r .run_id "$T/a/$B")" "$T/out"
fi
verifies "the bundle file with --seeds --profile strict" "$T/a/$B" --seeds --profile strict
check "--seeds prints the binding: PR-EXEC-1 to #34/#25" grep -Eq '^  PR-EXEC-1 +#34/#25 +PASS +errno 1$' "$T/out"
check "--seeds prints all 12" [ "$(grep -c '^  PR-' "$T/out")" = 12 ]
check "the bundle carries the binding too" jq -e '[.probes[] | select(.matrix)] | length == 12 and (.[] | select(.probe_id == "PR-PTRACE-1") | .matrix == "#37")' "$T/a/$B"
check "the Markdown has the Matrix column" grep -q '^| PR-SOCK-DOCKER | PASS | 2 | .* | #36 |$' "$T/a/$MD"
verifies "the in-toto statement" "$T/a/$IT" --seeds --require PR-EXEC-2
check "the statement is an in-toto Statement v1 whose predicate is the bundle" \
        jq -e --slurpfile b "$T/a/$B" '._type == "https://in-toto.io/Statement/v1" and .predicate == $b[0]' "$T/a/$IT"
check "its subjects name the profile and the binary" \
        jq -e --slurpfile b "$T/a/$B" '[.subject[].digest.sha256] | index($b[0].seccomp_sha256[7:]) and index($b[0].denybox_sha256[7:])' "$T/a/$IT"
run=$(jq -r .run_id "$T/a/$B")
check "the bundle has a run id ($run)" grep -Eq '^[0-9a-f]{32}$' <<<"$run"
check "...the Markdown names it" has "run id: \`$run\`" "$T/a/$MD"
check "...the JUnit file names it" has "name=\"run_id\" value=\"$run\"" "$T/a/$JU"
check "the binary's sha256 is the binary's" [ "$(jq -r .denybox_sha256 "$T/a/$B")" = "sha256:$(sha256sum <"$DENYBOX" | cut -d' ' -f1)" ]
check "two runs, two run ids" [ "$(jq -r .run_id "$T/a/$B")" != "$(jq -r .run_id "$T/b/$B")" ]
check "the probe's sha256 is recorded, the same in both runs" jq -e --slurpfile b "$T/b/$B" '(.probe_sha256 | test("^sha256:[0-9a-f]{64}$")) and .probe_sha256 == $b[0].probe_sha256' "$T/a/$B"

# ---- tampering: tamper NAME EXPECTED-LINE SOURCE JQ-FILTER [VERIFY OPTIONS...] ----
k=0
tamper() {
        local name=$1 expect=$2 src=$3 filter=$4
        shift 4
        k=$((k + 1))
        local d="$T/t$k"
        cp -r "$T/$src" "$d"
        jq "$filter" "$T/$src/$B" >"$d/$B" || { not_ok "$name: the jq filter failed"; return; }
        run_db verify "$d" "$@"
        if [ $rc = 2 ] && grep -qF -- "$expect" "$T/out"; then
                ok "tamper $k ($name): caught with \"$expect\""
        else
                not_ok "tamper $k ($name): rc=$rc, expected 2 and \"$expect\""
                sed 's/^/#   /' "$T/out" "$T/err"
        fi
}
fixsum='.summary.pass = ([.probes[] | select(.verdict == "PASS")] | length) | .summary.fail = ([.probes[] | select(.verdict == "FAIL")] | length) | .summary.unverified = ([.probes[] | select(.verdict == "UNVERIFIED")] | length) | .summary.total = (.probes | length)'
probe() { echo ".probes |= map(if .probe_id == \"$1\" then $2 else . end)"; }

tamper "flipped verdict" "PR-PTRACE-1: verdict FAIL is recorded, but its expected/actual/errno give PASS" a \
        "$(probe PR-PTRACE-1 '.verdict = "FAIL"') | $fixsum | .summary.verdict = \"FAIL\""
tamper "a FAIL flipped to PASS" "PR-SOCK-1: verdict PASS is recorded, but its expected/actual/errno give FAIL" w \
        "$(probe PR-SOCK-1 '.verdict = "PASS"') | $fixsum"
tamper "edited errno" "PR-EXEC-1: verdict PASS is recorded, but its expected/actual/errno give FAIL" a \
        "$(probe PR-EXEC-1 '.errno_or_exit = 2')"
tamper "errno edited to another accepted one" 'PR-NET-1: reason "got EPERM(1) as expected" is not what its observation gives' a \
        "$(probe PR-NET-1 '.errno_or_exit = 101')"
nfail=$(jq '[.probes[] | select(.verdict == "FAIL")] | length' "$T/a/$B")
tamper "summary edited" "summary: fail $((nfail + 1)), but $nfail probes say FAIL" a '.summary.fail += 1'
tamper "summary verdict edited on a failing bundle" 'summary: verdict "PASS", but the bundle' w \
        '.summary.verdict = "PASS" | .attestation = true | .weakened = []'
tamper "probe removed" "PR-TMP-EXEC: missing" a \
        "del(.probes[] | select(.probe_id == \"PR-TMP-EXEC\")) | $fixsum"
tamper "probe added" "PR-FAKE-1: unknown probe" a \
        ".probes += [.probes[0] | .probe_id = \"PR-FAKE-1\"] | $fixsum"
tamper "weakened list emptied on a weakened bundle" "but weakened does not list seccomp" w '.weakened = []'
tamper "attestation flag flipped" "attestation: false" a '.attestation = false'
tamper "attestation flag flipped on a weakened bundle" "weakened: layer seccomp was removed" w '.attestation = true'
tamper "duplicate probe id" "PR-NET-1: listed 2 times" a ".probes += [.probes[0]] | $fixsum"
tamper "unknown schema version" "schema: unknown schema version 'denybox/attestation/v9'" a '.schema = "denybox/attestation/v9"'
tamper "schema violation: errno a word" 'schema: probes[2].errno_or_exit must be an integer or "n/a"' a '.probes[2].errno_or_exit = "EPERM"'
tamper "schema violation: no run id" "schema: run_id is missing" a 'del(.run_id)'
tamper "schema violation: verdict MAYBE" "schema: probes[0].verdict must be PASS, FAIL or UNVERIFIED" a '.probes[0].verdict = "MAYBE"'
tamper "a seed probe UNVERIFIED" "seeds: PR-PTRACE-1 (matrix #37) is UNVERIFIED, not PASS" a \
        "$(probe PR-PTRACE-1 '.verdict = "UNVERIFIED" | .reported = false | .errno_or_exit = "n/a" | .reason = "not reported by the probe"') | $fixsum | .summary.verdict = \"FAIL\"" --seeds
tamper "seeds: PR-EXEC-1 with errno ENOENT" "seeds: PR-EXEC-1 errno must be 1" a \
        "$(probe PR-EXEC-1 '.errno_or_exit = 2 | .verdict = "FAIL"') | $fixsum" --seeds
tamper "matrix binding edited" "PR-NET-1: matrix binding #99, the seeds bind it to #27" a "$(probe PR-NET-1 '.matrix = "#99"')"
tamper "wrong profile" "--profile: builtin:startup-safe has sha256:" a '.' --profile startup-safe
tamper "seccomp_sha256 edited" "--profile: builtin:strict has sha256:" a \
        '.seccomp_sha256 = "sha256:" + ("0" * 64)' --profile strict
tamper "BPF sha256 edited" "--profile: builtin:strict compiled for kernel" a \
        '.seccomp_bpf_sha256 = "sha256:" + ("0" * 64)' --profile strict
tamper "a raw field edited (PR-NET-2 re-derived from raw.proc_net_dev)" "PR-NET-2: verdict PASS is recorded, but its expected/actual/errno give FAIL" a \
        '.raw.proc_net_dev += "  eth0: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"'
tamper "probe_context edited (what PR-PIDS-1 compares against)" "probe_context: pids_limit 4096, but limits.pids is 64" a \
        '.probe_context.pids_limit = 4096'
tamper "expected text edited" 'PR-SOCK-1: expected "anything" is not the catalogue' a "$(probe PR-SOCK-1 '.expected = "anything"')"
tamper "probe_context's memory mechanism edited" "probe_context: memory_mechanism cgroup v9, but limits.memory.mechanism is" a \
        '.probe_context.memory_mechanism = "cgroup v9"'
tamper "probe_context's stdio inodes edited (what PR-STDIO-1 compares against)" "PR-STDIO-1: verdict PASS is recorded, but its expected/actual/errno give FAIL" a \
        '.probe_context.stdio_ino = [1, 2, 3]'

# Files of another run beside the bundle.
k=$((k + 1)); cp -r "$T/a" "$T/t$k"; cp "$T/b/$MD" "$T/t$k/$MD"
run_db verify "$T/t$k"
check "tamper $k (Markdown from another run): caught (rc=$rc)" [ $rc = 2 ]
check "...with \"$MD: run id $(jq -r .run_id "$T/b/$B") is not the bundle's\"" has "$MD: run id $(jq -r .run_id "$T/b/$B") is not the bundle's" "$T/out"
k=$((k + 1)); cp -r "$T/a" "$T/t$k"; cp "$T/b/$JU" "$T/t$k/$JU"
run_db verify "$T/t$k"
check "tamper $k (JUnit from another run): caught (rc=$rc)" [ $rc = 2 ]
check "...with \"$JU: run id ... is not the bundle's\"" has "$JU: run id $(jq -r .run_id "$T/b/$B") is not the bundle's" "$T/out"
k=$((k + 1)); cp -r "$T/a" "$T/t$k"; sed -i 's/^| PR-SOCK-1 | PASS | 1 |/| PR-SOCK-1 | FAIL | 1 |/' "$T/t$k/$MD"
run_db verify "$T/t$k"
check "tamper $k (a Markdown row edited): caught with its line (rc=$rc)" has "$MD: PR-SOCK-1 is FAIL errno 1 there, PASS errno 1 in the bundle" "$T/out"
k=$((k + 1)); cp -r "$T/a" "$T/t$k"; head -c 2000 "$T/a/$B" >"$T/t$k/$B"
run_db verify "$T/t$k"
check "tamper $k (truncated JSON): caught (rc=$rc)" [ $rc = 2 ]
check "...with \"is not valid JSON\"" has "$B is not valid JSON" "$T/out"
k=$((k + 1)); cp -r "$T/a" "$T/t$k"; { printf '%.0s[' $(seq 100000); printf '%.0s]' $(seq 100000); } >"$T/t$k/$B"
run_db verify "$T/t$k"
check "tamper $k (JSON nested 100000 deep): refused before parsing, no crash (rc=$rc)" has "JSON nested deeper than 32 levels" "$T/out"
# The in-toto statement: a subject or its predicate edited.
k=$((k + 1)); mkdir "$T/t$k"
jq '.subject |= map(if .name == "denybox" then .digest.sha256 = ("f" * 64) else . end)' "$T/a/$IT" >"$T/t$k/$IT"
run_db verify "$T/t$k/$IT"
check "tamper $k (in-toto subject edited): caught (rc=$rc)" [ $rc = 2 ]
check "...with \"in-toto: subject denybox has sha256 fff...\"" has "in-toto: subject denybox has sha256 ffff" "$T/out"
k=$((k + 1)); mkdir "$T/t$k"
jq '.predicate.probes[0].errno_or_exit = 0' "$T/a/$IT" >"$T/t$k/$IT"
run_db verify "$T/t$k/$IT"
check "tamper $k (in-toto predicate edited): caught (rc=$rc)" has "PR-NET-1: verdict PASS is recorded, but its expected/actual/errno give FAIL" "$T/out"
k=$((k + 1)); mkdir "$T/t$k"
jq '.predicateType = "https://example.invalid/other"' "$T/a/$IT" >"$T/t$k/$IT"
run_db verify "$T/t$k/$IT"
check "tamper $k (in-toto predicateType): caught (rc=$rc)" has "in-toto: predicateType is https://example.invalid/other" "$T/out"
k=$((k + 1)); cp -r "$T/a" "$T/t$k"
jq '.probes[5].actual_stderr_or_value = "edited"' "$T/a/$B" >"$T/t$k/$B"
run_db verify "$T/t$k/$IT"
check "tamper $k (the bundle beside the statement edited, the statement verified): caught (rc=$rc)" \
        has "$IT and $B: the statement's predicate and the bundle differ" "$T/out"
echo "# $k tamperings tried"

# --rootfs: the digest of a real rootfs, then of a changed one.
if command -v busybox >/dev/null; then
        make_busybox_rootfs "$T/root"
        run_db attest --rootfs "$T/root" -o "$T/r"
        check "attest --rootfs exits $ATTEST_OK (rc=$rc)" [ $rc = $ATTEST_OK ]
        check "...every probe PASSes (but PR-MEM-2 where --memory is address space only)" all_pass "$T/r/$B"
        check "its statement names the rootfs digest" jq -e --slurpfile b "$T/r/$B" '[.subject[].digest.sha256] | index($b[0].image_digest[7:])' "$T/r/$IT"
        verifies "verify --rootfs of the same tree" "$T/r" --rootfs "$T/root"
        echo changed >"$T/root/etc/motd"
        run_db verify "$T/r" --rootfs "$T/root"
        check "tamper $((k + 1)) (wrong rootfs): caught (rc=$rc)" [ $rc = 2 ]
        check "...with \"--rootfs: $T/root has digest\"" has "--rootfs: $T/root has digest sha256:" "$T/out"
else
        not_ok "busybox (busybox-static) is needed for the --rootfs check"
fi

# A denybox installed by root executable but unreadable (0711), run by another user, still attests;
# its digest is then null, not made up.  (Root reads it anyway; an unprivileged user's own
# unreadable copy makes the process non-dumpable, which user namespaces refuse.)
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
        cp "$DENYBOX" "$T/dbx" && chmod 0711 "$T/dbx" && mkdir -m 0777 "$T/x"
        as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$T/dbx" "$@"; }
        # uid 65534 is unprivileged: its --memory may be address space only where root's is not
        root_as_only=$MEM_AS_ONLY root_attest_ok=$ATTEST_OK
        MEM_AS_ONLY=false ATTEST_OK=0
        as_nobody explain --memory 64m 2>/dev/null | grep -q '^limits:.* memory=rlimit' && MEM_AS_ONLY=true ATTEST_OK=2
        as_nobody attest -o "$T/x/ev" >"$T/out" 2>"$T/err"
        rc=$?
        check "a root-owned 0711 denybox run by uid 65534 still attests (rc=$rc, $ATTEST_OK expected)" [ $rc = $ATTEST_OK ]
        check "...every probe PASSes (but PR-MEM-2 where its --memory is address space only)" all_pass "$T/x/ev/$B"
        check "...with denybox_sha256 null and no denybox subject" jq -e --slurpfile s "$T/x/ev/$IT" \
                '.denybox_sha256 == null and ([$s[0].subject[] | select(.name == "denybox")] | length == 0)' "$T/x/ev/$B"
        verifies "...and its bundle" "$T/x/ev"
        MEM_AS_ONLY=$root_as_only ATTEST_OK=$root_attest_ok
fi

# ---- bad input: 64 and one line ----
run_db verify "$T/nonexistent"
check "a missing bundle is bad input (rc=$rc)" [ $rc = 64 ]
check "...one denybox: line" one_line "$T/err"
run_db verify
check "no bundle is a usage error (rc=$rc)" [ $rc = 64 ]
run_db verify "$T/a" --bogus
check "an unknown option is a usage error (rc=$rc)" [ $rc = 64 ]
run_db verify "$T/a" --require PR-NOPE
check "--require of an unknown probe is bad input (rc=$rc)" [ $rc = 64 ]
run_db verify "$T/a" --rootfs "$T/nonexistent"
check "a --rootfs that is no directory is bad input (rc=$rc)" [ $rc = 64 ]
run_db verify "$T/a" --profile "$T/nonexistent.json"
check "an unreadable --profile is bad input (rc=$rc)" [ $rc = 64 ]
run_db verify "$T/a" --image example/image:1
check "an --image reference of no known transport is bad input (rc=$rc)" [ $rc = 64 ]
check "verify wrote nothing into the bundle directory" [ "$(ls "$T/a" | wc -l)" = 4 ]
finish
