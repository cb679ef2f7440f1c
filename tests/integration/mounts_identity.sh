#!/bin/bash
# Issue 9, items 2, 3 and 7, each performed as the attack itself:
#  - host root is never mapped: a `--user 0` payload cannot chmod the host's /dev/null nor write a
#    host-root-owned file in an rw volume; a `--weaken caps` payload cannot chown it;
#  - a mount nested inside --rootfs is read-only, nosuid, nodev (it was rw: the payload wrote
#    into the host through it);
#  - /tmp and /out have bounded inodes: creating empty files stops at size / 1 KiB.
. "$(dirname "$0")/common.sh"
make_busybox_rootfs "$T/r"
mkdir -p "$T/r/data"
inside() { run_db run --rootfs "$T/r" "$@"; }
not_has() { ! grep -q -- "$1" "$2"; }
between() { [ -n "$1" ] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }
st() { stat -c '%n mode=%a uid=%u gid=%g ctime=%Z' "$@"; }

# ---- item 2: host root is never mapped ----
mkdir -p "$T/vol" && chmod 0755 "$T/vol" && echo host-data >"$T/vol/f" && chmod 0644 "$T/vol/f"
before=$(st /dev/null "$T/vol/f")
inside --user 0 -- /bin/sh -c 'chmod 0666 /dev/null && echo CHMOD-OK'
check "--user 0: chmod of the host's /dev/null fails (rc=$rc)" has "chmod: /dev/null: Operation not permitted" "$T/err"
check "--user 0: the payload did not get to chmod it" not_has CHMOD-OK "$T/out"
inside --user 0 -- /bin/sh -c 'while read -r a b c d; do echo "$a $b $c $d"; done </proc/self/uid_map; ls -ln /dev/null'
if [ "$(id -u)" = 0 ]; then
        check "as root, inside 0 maps to the overflow id, not to host root" has "^0 65534 1" "$T/out"
        check "as root, the host's /dev/null shows as owned by the overflow id" has "1 65534 *65534 .*/dev/null" "$T/out"

        inside --user 0 -v "$T/vol:/data:rw" -- /bin/sh -c 'echo pwned >> /data/f && echo WRITE-OK'
        check "--user 0: writing a host-root-owned file in an rw volume fails (rc=$rc)" has "Permission denied" "$T/err"
        check "--user 0: the host file is unchanged" grep -qx host-data "$T/vol/f"

        # every capability of the user namespace kept: none applies to an inode of an unmapped owner
        inside --weaken caps -v "$T/vol:/data:rw" -- /bin/sh -c 'chown 65532:65532 /data/f && echo CHOWN-OK; chmod 0777 /data/f && echo CHMOD-OK'
        check "--weaken caps: chown of a host-root-owned file fails" has "chown: /data/f: Operation not permitted" "$T/err"
        check "--weaken caps: chmod of a host-root-owned file fails" has "chmod: /data/f: Operation not permitted" "$T/err"

        run_db explain --user 0
        check "explain says host root is never mapped" has "host root: never mapped" "$T/out"
else
        ok "# SKIP root only: unprivileged, host root cannot be mapped and the payload is the caller's own uid"
fi
check "the host's /dev/null and the volume's file did not change" [ "$before" = "$(st /dev/null "$T/vol/f")" ]

# ---- item 3: every mount nested inside --rootfs is read-only, nosuid, nodev ----
# As root the nested mount is made here; unprivileged, inside a user+mount namespace of our own
# (mapping only our uid: denybox then runs unprivileged in it).
nested_attack() {
        local pre=()
        # (--keep-caps: the mount needs the namespace's CAP_SYS_ADMIN; denybox runs without it)
        [ "$(id -u)" = 0 ] || pre=(unshare --map-current-user --mount --keep-caps)
        "${pre[@]}" /bin/sh -c '
                busybox mount -t tmpfs -o mode=0777 nested "$1/r/app" || exit 99
                setpriv --inh-caps=-all --ambient-caps=-all "$2" run --rootfs "$1/r" -- /bin/sh -c "echo pwned > /app/planted && echo WRITE-OK
                        while read -r id p mm root mpt opts rest; do [ \$mpt = /app ] && echo \"MOUNT \$opts\"; done </proc/self/mountinfo"
                ls "$1/r/app" >"$1/nested-ls"
                umount "$1/r/app"' sh "$T" "$DENYBOX" >"$T/out" 2>"$T/err"
        rc=$?
}
nested_attack
if [ $rc = 99 ]; then
        ok "# SKIP cannot make a nested mount here: $(head -c 200 "$T/err")"
else
        check "a write through a mount nested in --rootfs fails (rc=$rc)" has "Read-only file system" "$T/err"
        check "nothing was planted in the nested mount" not_has planted "$T/nested-ls"
        check "the nested mount is ro, nosuid, nodev inside" grep -Eq '^MOUNT ro,nosuid,nodev' "$T/out"
fi

# ---- item 7: /tmp and /out inodes are bounded (one per KiB of size=) ----
fill='i=0; while [ $i -lt 5000 ] && true > "$0/f$i"; do i=$((i+1)); done; echo "count=$i"'
inside --tmpfs /tmp:size=256k -- /bin/sh -c "$fill" /tmp
cnt=$(sed -n 's/^count=//p' "$T/out")
check "empty files in a 256k /tmp stop at the inode bound (${cnt:-none} created, <= 256)" between "$cnt" 200 256
check "the creation that stopped failed with ENOSPC" has "No space left on device" "$T/err"
inside --tmpfs /tmp:size=256k -- /bin/sh -c "$fill" /out
cnt=$(sed -n 's/^count=//p' "$T/out")
check "empty files in the throw-away /out stop at the same bound (${cnt:-none} created)" between "$cnt" 200 256
run_db explain --tmpfs /tmp:size=256k
check "explain states nr_inodes" has "nr_inodes=256" "$T/out"
finish
