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
# Landlock's execute rule names the payload and its interpreter: a payload it cannot read (0111)
cp "$T/r/bin/busybox" "$T/r/app/xonly" && chmod 0111 "$T/r/app/xonly"
if [ "$("$DENYBOX" explain | sed -n 's/^  fs.execute *//p' | cut -d' ' -f1)" = enforced ]; then
        expect_fail 3 "to find its interpreter" run --rootfs "$T/r" -- /app/xonly true
else
        ok "an unreadable payload # SKIP no Landlock execute rule on this kernel"
fi
rm -f "$T/r/app/xonly" # (the copies of $T/r below must be readable)
# With a profile that allows exec, Landlock allows it everywhere but where the payload can write: the
# parent of a :rw volume is listed to find its other entries, and one the sandbox user cannot list
# is a clear refusal (fail-closed), not a silently narrower rule
if [ "$("$DENYBOX" explain | sed -n 's/^landlock: ABI \([0-9]*\).*/\1/p')" ]; then
        echo '{"defaultAction": "SCMP_ACT_ALLOW"}' >"$T/allow.json"
        mkdir -p "$T/r/app/data" "$T/rwvol" && chmod 0777 "$T/rwvol" && chmod 0311 "$T/r/app"
        expect_fail 3 "cannot list /app, which holds a writable volume" run --rootfs "$T/r" -v "$T/rwvol:/app/data:rw" \
                --security-opt "seccomp=$T/allow.json" -- /bin/true
        chmod 0755 "$T/r/app"
else
        ok "an unlistable parent of a :rw volume # SKIP no Landlock on this kernel"
fi
expect_fail 64 "has no directory /data" run --rootfs "$T/r" -v "$T/in:/data:ro" -- /bin/true
expect_fail 64 "--privileged is refused" run --privileged -- /bin/true
expect_fail 64 "unknown option" attest --frobnicate
expect_fail 64 "No such file or directory" run -v "$T/nonexistent:/in:ro" -- /bin/true
expect_fail 64 "No such file or directory" run -v "$T/nonexistent-out:/out:rw" -- /bin/true
mkdir -p "$T/ww" && cp -a "$T/r/." "$T/ww/" && chmod 0777 "$T/ww"
expect_fail 64 "is unsafe" run --rootfs "$T/ww" -- /bin/true
expect_fail 64 "--network host is refused" run --network host -- /bin/true
expect_fail 64 "--cap-add SYS_ADMIN is refused" run --cap-add SYS_ADMIN -- /bin/true
expect_fail 64 "engine socket" run -v /var/run/docker.sock:/var/run/docker.sock -- /bin/true
expect_fail 64 "refusing 'exec'" run --tmpfs /tmp:exec -- /bin/true
expect_fail 64 "at least --memory" run --memory 64m --memory-swap 32m -- /bin/true
expect_fail 64 "use an absolute path, or off" run --seccomp-cache rel/dir -- /bin/true
# An unusable --seccomp-cache costs only the compile: one warning line, and the run goes on.
echo file >"$T/cache-file"
run_db run --rootfs "$T/r" --seccomp-cache "$T/cache-file" --security-opt seccomp=default-deny -- /bin/true
run_db run --rootfs "$T/r" --seccomp-cache "$T/cache-file" --security-opt "seccomp=$PROFILES_DIR/real/moby-default.json" -- /bin/true
if [ $rc = 0 ] && [ "$(grep -c 'seccomp-cache unusable' "$T/err")" = 1 ]; then
        ok "an unusable --seccomp-cache: one warning, the filter compiled, exit 0"
else
        not_ok "an unusable --seccomp-cache -> $rc: $(head -c 300 "$T/err")"
fi
# A tampered entry is not trusted: compiled again and replaced.
mkdir -p "$T/fcache"
run_db run --rootfs "$T/r" --seccomp-cache "$T/fcache" --security-opt "seccomp=$PROFILES_DIR/real/moby-default.json" -- /bin/true
entry=$(ls "$T/fcache"/*.bpf 2>/dev/null | head -1)
good=$(sha256sum <"$entry" 2>/dev/null)
printf 'X' | dd of="$entry" bs=1 seek=200 conv=notrunc 2>/dev/null
run_db run --rootfs "$T/r" --seccomp-cache "$T/fcache" --security-opt "seccomp=$PROFILES_DIR/real/moby-default.json" -- /bin/true
check "a tampered --seccomp-cache entry: the run goes on (exit $rc) and the entry is written again" \
        [ "$rc:$(sha256sum <"$entry")" = "0:$good" ]
expect_fail 64 "positive size" run --memory lots -- /bin/true
expect_fail 64 "whole seconds" run --timeout 0 -- /bin/true
expect_fail 64 "takes no command" attest -- /bin/sh
expect_fail 64 "unknown layer" attest --weaken everything
expect_fail 64 "numeric" run --user nobody -- /bin/true
expect_fail 64 "missing the command" run
expect_fail 64 "unknown command" frobnicate
printf 'GOOD=1\n1BAD=2\n' >"$T/env"
expect_fail 64 "line 2" run --env-file "$T/env" -- /bin/true
expect_fail 64 "too many arguments" run -- /bin/true $(seq 5000)
awk 'BEGIN { for (i = 0; i < 255; i++) { printf "V%d=", i; for (j = 0; j < 8000; j++) printf "a"; printf "\n" } }' >"$T/bigenv"
expect_fail 64 "fit the exec" run --env-file "$T/bigenv" -- /bin/true "$(head -c 120000 /dev/zero | tr '\0' a)"
# user namespaces switched off by sysctl: named, with the fix (a child user namespace of our own
# where we may lower the limit, so the host is not touched)
if unshare -U -r true 2>/dev/null; then
        unshare -U -r sh -c 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" run -- /bin/true' "$DENYBOX" >"$T/out" 2>"$T/err"
        rc=$?
        check "user.max_user_namespaces=0 is named, exit 64 (rc=$rc)" [ $rc = 64 ] && has "sysctl user.max_user_namespaces=0" "$T/err" && one_line "$T/err"
else
        not_ok "unshare -U cannot run here, so the sysctl case is untested"
fi
# --env-file: a regular file of bounded size (a device would be read forever, a FIFO would block);
# a bound on time only so that the code before this check fails instead of hanging
expect_fail_t() { # like expect_fail, under a generous timeout
        local code=$1 needle=$2; shift 2
        timeout -k 5 60 "$DENYBOX" "$@" >"$T/out" 2>"$T/err"
        rc=$?
        if [ $rc = "$code" ] && one_line "$T/err" && has "$needle" "$T/err"; then
                ok "denybox $* -> $code, '$needle'"
        else
                not_ok "denybox $* -> $rc (want $code, '$needle'): $(head -c 300 "$T/err")"
        fi
}
expect_fail_t 64 "is a character device" run --env-file /dev/zero -- /bin/true
expect_fail_t 64 "is a directory" run --env-file "$T" -- /bin/true
mkfifo "$T/fifo"
expect_fail_t 64 "is a FIFO" run --env-file "$T/fifo" -- /bin/true
yes '# a comment' | head -c $((4 * 1024 * 1024 + 1)) >"$T/hugeenv" # short lines: only the size is wrong
expect_fail_t 64 "at most 4194304 are read" run --env-file "$T/hugeenv" -- /bin/true
run_db run --rootfs "$T/r" --env-file /dev/null -- /bin/true
check "--env-file /dev/null is still an empty list, as in docker (rc=$rc)" [ $rc = 0 ]
# attest's options given to run are refused, not ignored
expect_fail 64 "-o/--output belongs to attest" run -o "$T/ev-run" -- /bin/true
check "...and nothing was created" [ ! -e "$T/ev-run" ]
expect_fail 64 "--json belongs to attest" run --json -- /bin/true
# a memory limit too small for the sandbox's own setup: refused with the minimum, not a crash
expect_fail_t 64 "below the minimum of 6m" run --rootfs "$T/r" --memory 2m -- /bin/true
expect_fail_t 64 "below the minimum of 6m" run --rootfs "$T/r" --memory 1 -- /bin/true
run_db run --rootfs "$T/r" --memory 6m -- /bin/true
check "--memory 6m, the minimum, runs (rc=$rc)" [ $rc = 0 ]
# a reader of attest's stdout that goes early: the exit status is still the verdict, not SIGPIPE
"$DENYBOX" attest -o "$T/ev-pipe" 2>"$T/err" | true
rc=${PIPESTATUS[0]}
check "attest | true exits with the verdict, $ATTEST_OK (rc=$rc, 141 would be SIGPIPE)" [ $rc = $ATTEST_OK ]
check "...and the bundle was written" [ -s "$T/ev-pipe/sandbox-attestation-evidence.json" ]
check "...whose verdict is the exit status's ($rc)" jq -e --argjson rc $rc \
        '.summary.verdict == (if $rc == 0 then "PASS" else "FAIL" end)' "$T/ev-pipe/sandbox-attestation-evidence.json"
# nothing started, nothing written: a bad input never reaches the payload or the output directory
expect_fail 64 "--network host is refused" attest --network host -o "$T/never"
check "no output directory was created for a refused attest" [ ! -e "$T/never" ]
finish
