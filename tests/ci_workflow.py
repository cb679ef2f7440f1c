#!/usr/bin/env python3
"""The GitHub Actions example (scripts/ci/github-actions-attest.yml) parses as YAML and holds what
README promises: build, attest, check with `denybox verify`, sign with GitHub's attestation action
(denybox's predicate type), and a later job that verifies the signature and re-checks the bundle.
It cannot run here (no GitHub runner): this is a parser and structure test.  TAP output."""
import re
import sys

import yaml

workflow, attest_h = sys.argv[1], sys.argv[2]
results = []


def check(desc, cond):
    results.append((bool(cond), desc))


doc = yaml.safe_load(open(workflow))
predicate_type = re.search(r'#define INTOTO_PREDICATE_TYPE "([^"]+)"', open(attest_h).read()).group(1)
check("the workflow parses to a mapping with jobs", isinstance(doc, dict) and isinstance(doc.get("jobs"), dict))
jobs = doc.get("jobs") or {}
perms = doc.get("permissions") or {}
check("id-token: write and attestations: write for the signing", perms.get("id-token") == "write" and perms.get("attestations") == "write")
attest = jobs.get("attest") or {}
steps = attest.get("steps") or []
runs = "\n".join(s.get("run", "") for s in steps)
check("the attest job runs denybox attest", "denybox attest" in runs)
check("...and checks the bundle with denybox verify before signing", "denybox verify evidence --seeds" in runs)
sign = [s for s in steps if str(s.get("uses", "")).startswith("actions/attest@")]
check("one step signs with actions/attest", len(sign) == 1)
w = (sign[0].get("with") or {}) if sign else {}
check("...with denybox's predicate type (%s)" % predicate_type, w.get("predicate-type") == predicate_type)
check("...the bundle as predicate", w.get("predicate-path") == "evidence/sandbox-attestation-evidence.json")
check("...and the binary that ran as subject", w.get("subject-path") == "build/denybox")
names = [s.get("name", "") for s in steps]
check("signing comes after the check", sign and runs and
      steps.index(sign[0]) > next(i for i, s in enumerate(steps) if "denybox verify" in s.get("run", "")))
verify = jobs.get("verify") or {}
check("a verify job runs after attest", verify.get("needs") == "attest")
vruns = "\n".join(s.get("run", "") for s in verify.get("steps") or [])
check("...verifies the signature with gh attestation verify and the predicate type",
      "gh attestation verify" in vruns and "--predicate-type " + predicate_type in vruns)
check("...compares the signed predicate with the bundle", "cmp signed-predicate.json bundle.json" in vruns)
check("...and re-checks the bundle with denybox verify", "denybox verify evidence --seeds" in vruns)
for i, (ok, desc) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, desc))
print("1..%d" % len(results))
sys.exit(0 if all(ok for ok, _ in results) else 1)
