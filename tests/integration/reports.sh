#!/bin/bash
# The reports: JUnit XML accepted by a JUnit schema (xmllint), the Markdown table rendering the
# same verdicts as the JSON bundle, and no partial bundle after a SIGKILL mid-attest.
. "$(dirname "$0")/common.sh"
command -v jq >/dev/null && command -v xmllint >/dev/null || { echo "jq and xmllint are needed"; exit 77; }
XSD="$(dirname "$0")/junit.xsd"

same_verdicts() { # the Markdown table and the JSON agree probe by probe
        local dir=$1
        diff <(jq -r '.probes[] | "\(.probe_id) \(.verdict)"' "$dir/sandbox-attestation-evidence.json") \
             <(awk -F' \\| ' '/^\| PR-/ {sub(/^\| /, "", $1); print $1, $2}' "$dir/sandbox-attestation-report.md")
}
junit_counts() { # testcases, failures and errors as in the JSON summary
        local dir=$1 x=$1/sandbox-attestation-junit.xml
        [ "$(xmllint --xpath 'count(//testcase)' "$x")" = "$(jq .summary.total "$dir/sandbox-attestation-evidence.json")" ] &&
        [ "$(xmllint --xpath 'count(//testcase/failure)' "$x")" = "$(jq .summary.fail "$dir/sandbox-attestation-evidence.json")" ] &&
        [ "$(xmllint --xpath 'count(//testcase/error)' "$x")" = "$(jq .summary.unverified "$dir/sandbox-attestation-evidence.json")" ]
}

run_db attest -o "$T/a"
check "attest passes (rc=$rc)" [ $rc = 0 ]
check "the JUnit file is valid against the JUnit schema" xmllint --noout --schema "$XSD" "$T/a/sandbox-attestation-junit.xml"
check "one testcase per probe, no failure" junit_counts "$T/a"
check "the Markdown renders the same verdicts as the JSON" same_verdicts "$T/a"
check "the Markdown says PASS" has "Verdict: \*\*PASS\*\*" "$T/a/sandbox-attestation-report.md"

# A weakened run: failures show up in all three, and it is never called an attestation.
run_db attest --weaken seccomp -o "$T/w"
check "a weakened attest does not exit 0 (rc=$rc)" [ $rc = 2 ]
check "its JUnit file is valid" xmllint --noout --schema "$XSD" "$T/w/sandbox-attestation-junit.xml"
check "its JUnit failures match the JSON" junit_counts "$T/w"
check "at least one failure is reported" jq -e '.summary.fail >= 1' "$T/w/sandbox-attestation-evidence.json"
check "its Markdown agrees with the JSON" same_verdicts "$T/w"
check "the bundle says it is not an attestation" jq -e '.attestation == false and (.weakened | index("seccomp"))' "$T/w/sandbox-attestation-evidence.json"
check "the step list shows the weakened step" jq -e '.steps[] | select(.step == "load_profile") | .result | test("weaken seccomp")' "$T/w/sandbox-attestation-evidence.json"
check "the Markdown says so too" has "NOT AN ATTESTATION" "$T/w/sandbox-attestation-report.md"
check "the JUnit property says so too" xmllint --xpath '//property[@name="attestation" and @value="false"]' "$T/w/sandbox-attestation-junit.xml"

# SIGKILL at random moments: the bundle is either absent or complete, never partial.
partial=0 complete=0 absent=0
for i in $(seq 40); do
        d="$T/k$i"
        "$DENYBOX" attest -o "$d" >/dev/null 2>&1 &
        pid=$!
        sleep "0.0$((RANDOM % 8))$((RANDOM % 10))"
        kill -KILL $pid 2>/dev/null
        wait $pid 2>/dev/null
        for f in "$d"/* "$d"/.*.tmp; do
                [ -e "$f" ] || continue
                case $f in
                *.json|*.json.*.tmp) jq -e .summary "$f" >/dev/null 2>&1 || partial=$((partial + 1)) ;;
                *.xml|*.xml.*.tmp) xmllint --noout "$f" 2>/dev/null || partial=$((partial + 1)) ;;
                esac
        done
        if [ -e "$d/sandbox-attestation-evidence.json" ]; then complete=$((complete + 1)); else absent=$((absent + 1)); fi
done
echo "# after SIGKILL: $complete complete bundles, $absent absent, $partial partial files"
check "no partial file after 40 SIGKILLs mid-attest" [ $partial = 0 ]
check "...and the kills did land mid-run ($absent runs had no bundle yet)" [ $absent -gt 0 ]
finish
