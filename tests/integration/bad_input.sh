#!/bin/bash
# Wrong inputs: one clear line, a non-zero documented exit code, nothing started, nothing written.
. "$(dirname "$0")/common.sh"
make_busybox_rootfs "$T/r"
mkdir -p "$T/in"

expect_fail() { # expect_fail CODE NEEDLE ARGS...
        local code=$1 needle=$2; shift 2
        run_db "$@"
        if [ $rc = "$code" ] && one_line "$T/err" && has "$needle" "$T/err"; then
                ok "denybox $* -> $code, '$needle'"
        else
                not_ok "denybox $* -> $rc (want $code, '$needle'): $(head -c 300 "$T/err")"
        fi
}

expect_fail 64 "No such file or directory" run --rootfs "$T/missing" -- /bin/true
echo file >"$T/afile"
expect_fail 64 "not a directory" run --rootfs "$T/afile" -- /bin/true
expect_fail 64 "refusing the host's own root" run --rootfs / -- /bin/true

# The seeds' second failure: an /out the sandbox user cannot write.  Caught before anything starts.
mkdir -p "$T/ro-out" && chmod 0755 "$T/ro-out"
if [ "$(id -u)" = 0 ]; then want="host uid 65532"; else want="host uid $(id -u)"; chmod 0555 "$T/ro-out"; fi
expect_fail 64 "$want" run --rootfs "$T/r" -v "$T/ro-out:/out:rw" -- /bin/true
check "...and its message says how to fix it" has "chown" "$T/err"
expect_fail 64 "$want" attest -v "$T/ro-out:/out:rw" -o "$T/ev-ro"
check "...and attest wrote no bundle" [ ! -e "$T/ev-ro" ]

# A malformed profile: nothing started, nothing written.
printf '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [' >"$T/bad.json"
expect_fail 64 "seccomp profile" attest --security-opt "seccomp=$T/bad.json" -o "$T/ev-bad"
check "...and no bundle was written" [ ! -e "$T/ev-bad" ]
expect_fail 64 "seccomp profile" run --security-opt "seccomp=$T/nonexistent.json" -- /bin/true
expect_fail 64 "no such built-in profile" run --security-opt seccomp=nonesuch -- /bin/true

expect_fail 127 "not found" run --rootfs "$T/r" -- nonesuch
expect_fail 126 "not an executable" run --rootfs "$T/r" -- /etc/passwd
expect_fail 64 "has no directory /data" run --rootfs "$T/r" -v "$T/in:/data:ro" -- /bin/true
expect_fail 64 "--privileged is refused" run --privileged -- /bin/true
expect_fail 64 "unknown option" attest --frobnicate
finish
