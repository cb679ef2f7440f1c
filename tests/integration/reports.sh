#!/bin/bash
# The reports: JUnit XML accepted by a JUnit schema (xmllint), the Markdown table rendering the
# same verdicts as the JSON bundle, one run id in all three (kills mid-attest: output.sh).
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
check "attest passes (rc=$rc, $ATTEST_OK expected: PR-MEM-2 FAILs where --memory is address space only)" [ $rc = $ATTEST_OK ]
check "the JUnit file is valid against the JUnit schema" xmllint --noout --schema "$XSD" "$T/a/sandbox-attestation-junit.xml"
check "one testcase per probe, failures as in the JSON" junit_counts "$T/a"
check "the Markdown renders the same verdicts as the JSON" same_verdicts "$T/a"
if $MEM_AS_ONLY; then
        check "the Markdown says FAIL (PR-MEM-2: address space only)" has "Verdict: \*\*FAIL\*\*" "$T/a/sandbox-attestation-report.md"
else
        check "the Markdown says PASS" has "Verdict: \*\*PASS\*\*" "$T/a/sandbox-attestation-report.md"
fi

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

# one run id in the three files (output.sh kills runs and checks that no set ever mixes two)
id=$(jq -r .run_id "$T/w/sandbox-attestation-evidence.json")
check "the bundle has a run id ($id)" [ ${#id} = 32 ]
check "...the Markdown names it" has "run id: \`$id\`" "$T/w/sandbox-attestation-report.md"
check "...the JUnit file too" xmllint --xpath "//property[@name=\"run_id\" and @value=\"$id\"]" "$T/w/sandbox-attestation-junit.xml"
check "...and it differs from the other run's" [ "$id" != "$(jq -r .run_id "$T/a/sandbox-attestation-evidence.json")" ]
finish
