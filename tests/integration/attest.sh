#!/bin/bash
# denybox attest: 12/12 PASS with PR-EXEC-1 = EPERM, on the embedded root and on a busybox rootfs
# (with /bin/sh present), and the bundle in the seeds' schema.
. "$(dirname "$0")/common.sh"
command -v jq >/dev/null || { echo "jq is missing"; exit 77; }

bundle_ok() { # bundle_ok FILE : the seeds' 12 and >= 40 in all, all PASS, PR-EXEC-1 errno 1, the seeds' fields
        local b=$1
        jq -e '.summary.total >= 12' "$b" >/dev/null && all_pass "$b" &&
        jq -e '.probes[] | select(.probe_id == "PR-EXEC-1") | .errno_or_exit == 1 and .verdict == "PASS"' "$b" >/dev/null &&
        jq -e 'has("venue") and has("image_digest") and has("seccomp_sha256") and has("runtime")
               and (.raw | has("mountinfo") and has("env_keyset") and has("proc_net_dev"))' "$b" >/dev/null &&
        jq -e '[.probes[].probe_id] as $ids | ["PR-NET-1","PR-NET-2","PR-SOCK-1","PR-ENV-1","PR-FS-RO-IN",
               "PR-FS-ESC-1","PR-FS-ESC-2","PR-FS-OUT-OK","PR-EXEC-1","PR-MOUNT-1","PR-SOCK-DOCKER",
               "PR-PTRACE-1"] | all(. as $id | $ids | index($id))' "$b" >/dev/null &&
        jq -e '(.probes | length) >= 40 and ([.probes[].probe_id] | unique | length) == (.probes | length)' "$b" >/dev/null
}

# 1. the embedded root, default (the seeds' strict) profile
run_db attest -o "$T/ev1"
check "attest on the embedded root exits $ATTEST_OK (rc=$rc)" [ $rc = $ATTEST_OK ]
if $MEM_AS_ONLY; then
        check "the table says all pass but PR-MEM-2 (--memory is address space only here)" \
                grep -q "summary: \([0-9]*\) total, [0-9]* pass, 1 fail, 0 unverified" "$T/out"
else
        check "the table says all pass" has "summary: \([0-9]*\) total, \1 pass, 0 fail, 0 unverified" "$T/out"
fi
check "the bundle has all PASS (the seeds' 12 among them) and PR-EXEC-1 = EPERM" bundle_ok "$T/ev1/sandbox-attestation-evidence.json"
check "the seeds' strict profile is what was loaded (sha256 68b07c17...)" \
        jq -e '.seccomp_sha256 == "sha256:68b07c179a8c338d8aedca940150982106c793b75daadfaa323109ac309e8dbe"' "$T/ev1/sandbox-attestation-evidence.json"
check "the supervisor denied the probe's execs" jq -e '[.exec_log[] | select(.decision == "denied")] | length >= 2' "$T/ev1/sandbox-attestation-evidence.json"
check "the bundle lists the executed steps, every one ok, ending with the single exec" \
        jq -e '(.steps | length) >= 20 and all(.steps[]; .result == "ok") and (.steps | map(.step) | index("exec_payload"))' "$T/ev1/sandbox-attestation-evidence.json"
check "the bundle names denybox's version and build" jq -e '(.denybox_version | length) > 0 and (.denybox_build_id | length) > 0' "$T/ev1/sandbox-attestation-evidence.json"
check "the bundle names the kernel and the compiled filter's sha256" jq -e '(.kernel | startswith("Linux")) and (.seccomp_bpf_sha256 | startswith("sha256:"))' "$T/ev1/sandbox-attestation-evidence.json"
check "each probe names its layer and control" jq -e 'all(.probes[]; (.layer | length) > 0 and (.control | length) > 0)' "$T/ev1/sandbox-attestation-evidence.json"
check "image digest says embedded" jq -e '.image_digest == "embedded"' "$T/ev1/sandbox-attestation-evidence.json"

# 2. a busybox rootfs: /bin/sh exists, and exec is still EPERM (seccomp, not a missing shell)
make_busybox_rootfs "$T/rootfs"
mkdir -p "$T/in" "$T/outdir" && echo packet >"$T/in/packet.json" && chmod 0777 "$T/outdir"
run_db attest --rootfs "$T/rootfs" -v "$T/in:/in:ro" -v "$T/outdir:/out:rw" -o "$T/ev2"
check "attest on a busybox rootfs exits $ATTEST_OK (rc=$rc)" [ $rc = $ATTEST_OK ]
check "/bin/sh is present in that rootfs" [ -x "$T/rootfs/bin/sh" ]
check "all PASS and PR-EXEC-1 = EPERM with a shell present" bundle_ok "$T/ev2/sandbox-attestation-evidence.json"
check "the positive control wrote /out/report.md on the host" grep -qx ok "$T/outdir/report.md"
check "the rootfs digest is a sha256" jq -e '.image_digest | startswith("sha256:")' "$T/ev2/sandbox-attestation-evidence.json"
check "/in is untouched" [ ! -e "$T/in/__probe" ]

# 3. --json prints the same bundle
run_db attest --json -o "$T/ev3"
check "--json prints the bundle on stdout" all_pass "$T/out"
finish
