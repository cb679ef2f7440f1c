#!/bin/bash
# docs/bundle.schema.json (JSON Schema 2020-12): every bundle denybox writes validates against it
# with a real validator (Debian's python3-jsonschema), and a schema-violating bundle does not.
# Usage: SCHEMA=docs/bundle.schema.json DENYBOX=build/denybox schema.sh
. "$(dirname "$0")/lib/common.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if ! "$PY" -c 'import jsonschema' 2>/dev/null; then
        echo "python3-jsonschema is needed"
        [ "${DENYBOX_TEST_MUST_WORK:-0}" = 1 ] && exit 1 # CI: a skip is a failure
        exit 77
fi
[ -r "${SCHEMA:-}" ] || { echo "SCHEMA is not set to docs/bundle.schema.json"; exit 1; }
validate() { # validate FILE [JQ-PATH]: the document (or a part of it) against the schema
        "$PY" - "$SCHEMA" "$1" "${2:-.}" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
doc = json.load(open(sys.argv[2]))
if sys.argv[3] == ".predicate":
    doc = doc["predicate"]
errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
for e in errors:
    print("%s: %s" % ("/".join(str(p) for p in e.absolute_path), e.message[:200]))
sys.exit(1 if errors else 0)
PY
}
B=sandbox-attestation-evidence.json

check "the schema is a valid JSON Schema 2020-12 document" "$PY" -c \
        'import json,sys,jsonschema; s=json.load(open(sys.argv[1])); assert s["$schema"].endswith("2020-12/schema"); jsonschema.Draft202012Validator.check_schema(s)' "$SCHEMA"
"$DENYBOX" attest -o "$T/a" >/dev/null 2>&1
check "a passing bundle validates" validate "$T/a/$B"
check "its in-toto statement's predicate validates" validate "$T/a/sandbox-attestation.intoto.json" .predicate
check "the schema's version is the bundle's" [ "$(jq -r .schema "$T/a/$B")" = "$(jq -r '.properties.schema.const' "$SCHEMA")" ]
"$DENYBOX" attest --weaken seccomp -o "$T/w" >/dev/null 2>&1
check "a weakened bundle validates" validate "$T/w/$B"
"$DENYBOX" attest --weaken env -o "$T/e" >/dev/null 2>&1
check "a bundle with FAILs elsewhere validates" validate "$T/e/$B"
if command -v busybox >/dev/null; then
        make_busybox_rootfs "$T/root"
        "$DENYBOX" attest --rootfs "$T/root" -o "$T/r" >/dev/null 2>&1
        check "a --rootfs bundle validates" validate "$T/r/$B"
fi
# ...and the validator does reject what the schema forbids
for bad in '.probes[2].errno_or_exit = "EPERM"' '.probes[0].verdict = "MAYBE"' 'del(.run_id)' '.schema = "denybox/attestation/v1"' \
           '.seccomp_sha256 = "68b07c"' '.summary.pass = -1' 'del(.probe_context.memory_mechanism)'; do
        jq "$bad" "$T/a/$B" >"$T/bad.json"
        if validate "$T/bad.json" >"$T/why" 2>&1; then not_ok "the schema rejects: $bad"; else ok "the schema rejects: $bad ($(head -1 "$T/why"))"; fi
done
finish
