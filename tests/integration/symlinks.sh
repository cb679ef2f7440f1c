#!/bin/bash
# Mount-target safety: symlinks planted in the rootfs at mount targets (absolute, "..", and
# flipped in a loop while denybox runs) never lead a mount or a write out of the new root.
# A canary directory on the host must stay untouched.
. "$(dirname "$0")/common.sh"
make_busybox_rootfs "$T/r"
# The canary lives outside /tmp: inside the sandbox /tmp is a tmpfs over whatever the rootfs has.
C=$(mktemp -d /var/tmp/denybox-canary.XXXXXX)
trap 'rm -rf "$T" "$C"' EXIT
mkdir -p "$T/data" "$T/o" "$C/a" "$C/b" && echo data >"$T/data/secret.txt"
echo canary >"$C/a/secret.txt" && echo canary >"$C/b/secret.txt"
chmod 0777 "$T/o"
canary_sum() { (find "$C" -printf '%p %y %m %s %T@\n' | sort && cat "$C"/*/*) | sha256sum; }
before=$(canary_sum)
PAYLOAD='read -r l < /in/secret.txt; echo "$l"; echo pwned > /out/secret.txt; echo pwned > /tmp/secret.txt; echo done'

# 1. absolute and ".." symlinks at the mount targets, pointing at the host canary
rm -rf "$T/r/in" "$T/r/out" "$T/r/tmp"
ln -s "$C/a" "$T/r/in"
ln -s "../../../../../../../../..$C/b" "$T/r/out"
ln -s "/../..$C" "$T/r/tmp"
run_db run --rootfs "$T/r" -v "$T/data:/in:ro" -v "$T/o:/out:rw" -- /bin/sh -c "$PAYLOAD"
check "symlinks that resolve to nothing inside the root are refused as bad input (rc=$rc)" [ $rc = 64 ]
check "...with one line naming the target" one_line "$T/err"
check "the canary is untouched" [ "$(canary_sum)" = "$before" ]

# 2. the same symlinks, now resolving to a real directory inside the root: still refused (issue 9,
# item 5: denybox mounts only on real directories of the rootfs, never through a symlink)
# (a real /tmp again first: the host-side mkdir below must not follow the planted r/tmp link)
rm -f "$T/r/tmp" && mkdir -p "$T/r/tmp" "$T/r$C/a" "$T/r$C/b"
run_db run --rootfs "$T/r" -v "$T/data:/in:ro" -v "$T/o:/out:rw" -- /bin/sh -c "$PAYLOAD"
check "with the path present inside the root, symlinked targets are still refused (rc=$rc)" [ $rc = 64 ]
check "...naming the symlink" has "symlink" "$T/err"
check "the payload did not run" [ ! -e "$T/o/secret.txt" ]
check "the canary is untouched" [ "$(canary_sum)" = "$before" ]
check "nothing was written into the rootfs either" [ -z "$(ls -A "$T/r$C/a" "$T/r$C/b" | grep -v :)" ]

# 3. race: flip /out between a benign symlink and one at the canary while denybox runs
rm -f "$T/r/out" "$T/r/in" && mkdir -p "$T/r/in" "$T/r/benign-out"
ln -s /benign-out "$T/r/out"
(
        end=$((SECONDS + 20))
        while [ $SECONDS -lt $end ] && [ ! -e "$T/stop" ]; do
                ln -sfn "../../../../..$C/b" "$T/r/out.new" && mv -Tf "$T/r/out.new" "$T/r/out"
                ln -sfn /benign-out "$T/r/out.new" && mv -Tf "$T/r/out.new" "$T/r/out"
        done
) &
flipper=$!
ok_runs=0 refused=0 other=0
for i in $(seq 60); do
        "$DENYBOX" run --rootfs "$T/r" -v "$T/data:/in:ro" -v "$T/o:/out:rw" -- /bin/sh -c "$PAYLOAD" >/dev/null 2>&1
        case $? in 0) ok_runs=$((ok_runs + 1)) ;; 3|64) refused=$((refused + 1)) ;; *) other=$((other + 1)) ;; esac
done
touch "$T/stop"
wait $flipper
echo "# race: $ok_runs runs, $refused refused, $other other"
check "the race never made denybox crash or misbehave ($other other outcomes)" [ $other = 0 ]
check "the canary is untouched after the race" [ "$(canary_sum)" = "$before" ]
check "the rootfs copy of the canary path is still empty" [ -z "$(ls -A "$T/r$C/a" "$T/r$C/b" | grep -v :)" ]
finish
