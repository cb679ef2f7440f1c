#!/bin/bash
# Issue 9, items 4 and 5, each performed as the attack itself: volume sources judged by what they
# ARE (every spelling of the host root, /run, /proc, /sys, devices, FIFOs, sockets, engine sockets
# inside a directory), --rootfs checked and bound through one fd (a symlink flipped between check
# and use), symlinked mount points in the rootfs, and (issue 10) an unreadable rootfs said so.
. "$(dirname "$0")/common.sh"
make_busybox_rootfs "$T/r"
mkdir -p "$T/r/data"
not_has() { ! grep -q -- "$1" "$2"; }
# The payload lists /in: on the old code the host's root showed up there (its /etc/hostname).
leak='ls /in; [ -e /in/etc/hostname ] && echo HOST-ROOT-VISIBLE'

# ---- item 4: every spelling of a forbidden source is refused before anything runs (exit 64) ----
for src in // /. /tmp/.. /proc/self/root /proc/1/root /run/ /proc /sys /sys/fs/cgroup; do
        [ -e "$src" ] || continue
        run_db run --rootfs "$T/r" -v "$src:/in:ro" -- /bin/sh -c "$leak"
        check "-v $src:/in is refused with exit 64 (rc=$rc: $(head -c 120 "$T/err"))" [ $rc = 64 ]
        check "-v $src:/in: the payload never ran" not_has HOST-ROOT-VISIBLE "$T/out"
        check "-v $src:/in: one clear line" one_line "$T/err"
done
if [ -L /var/run ]; then
        run_db run --rootfs "$T/r" -v /var/run/:/in:ro -- /bin/true
        check "-v /var/run/ (a link to /run) is refused as /run (rc=$rc)" has "refusing the host's /run" "$T/err"
fi
ln -s / "$T/rootlink"
run_db run --rootfs "$T/r" -v "$T/rootlink:/in:ro" -- /bin/sh -c "$leak"
check "a symlink to / as a source is refused as the host root (rc=$rc)" has "refusing the host's own root directory" "$T/err"

run_db run --rootfs "$T/r" -v /dev/null:/in -- /bin/true
check "-v /dev/null:/in exits 64, not 3 (rc=$rc)" [ $rc = 64 ]
check "-v /dev/null:/in names a device node" has "device node" "$T/err"
mkfifo "$T/fifo"
run_db run --rootfs "$T/r" -v "$T/fifo:/in" -- /bin/true
check "-v FIFO:/in exits 64, not 3 (rc=$rc)" [ $rc = 64 ]
check "-v FIFO:/in names a FIFO" has "a FIFO" "$T/err"

# sockets: a bare socket is refused; an engine socket anywhere inside a directory is refused; any
# other socket is named by explain and the bundle.
if command -v python3 >/dev/null; then
        mksock() { python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$1"; }
        mkdir -p "$T/eng/deep/er" "$T/plain"
        mksock "$T/eng/deep/er/docker.sock"
        mksock "$T/plain/app.sock"
        run_db run --rootfs "$T/r" -v "$T/plain/app.sock:/in" -- /bin/true
        check "-v SOCKET:/in exits 64 (rc=$rc)" [ $rc = 64 ]
        run_db run --rootfs "$T/r" -v "$T/eng:/in:ro" -- /bin/sh -c 'echo RAN'
        check "a volume with docker.sock two levels down is refused (rc=$rc)" [ $rc = 64 ]
        check "the refusal names the socket" has "/deep/er/docker.sock" "$T/err"
        check "the payload never ran" not_has RAN "$T/out"
        run_db explain --rootfs "$T/r" -v "$T/plain:/in:ro"
        check "explain lists the socket a volume exposes" has "$T/plain/app.sock" "$T/out"
        if command -v jq >/dev/null; then
                run_db attest --rootfs "$T/r" -v "$T/plain:/in:ro" --json -o "$T/ev"
                check "the bundle lists the socket a volume exposes" \
                        jq -e '.volumes[0].sockets == ["/app.sock"] and .volumes[0].socket_walk_complete' "$T/ev/sandbox-attestation-evidence.json"
        fi
else
        ok "# SKIP python3 is missing: cannot make a unix socket"
fi

# ---- item 5: symlinks in the rootfs's mount points and in volume targets ----
cp -a "$T/r" "$T/r2"
rmdir "$T/r2/proc" && ln -s /tmp "$T/r2/proc"
run_db run --rootfs "$T/r2" -- /bin/sh -c 'ls /proc/self >/dev/null && echo HAS-PROC; echo RAN'
check "a rootfs whose /proc is a symlink is refused (rc=$rc)" [ $rc = 64 ]
check "... and the payload never ran without a procfs" not_has RAN "$T/out"
rm "$T/r2/proc" && mkdir "$T/r2/proc"
rmdir "$T/r2/data" && ln -s /tmp "$T/r2/data"
run_db run --rootfs "$T/r2" -v "$T/plain:/data:ro" -- /bin/true
check "a volume target that is a symlink in the rootfs is refused (rc=$rc)" [ $rc = 64 ]
run_db run --rootfs "$T/r2" -v "$T/plain:/data/x:ro" -- /bin/true
check "a volume target under a symlink is refused (rc=$rc)" [ $rc = 64 ]

# issue 10: a rootfs the caller cannot read is said so (unprivileged: root's own /root, 0700)
if [ "$(id -u)" != 0 ] && [ -d /root ] && ! [ -r /root ]; then
        run_db run --rootfs /root -- /bin/true
        check "an unreadable rootfs is reported as unreadable (rc=$rc: $(head -c 150 "$T/err"))" has "cannot be read" "$T/err"
        check "... with exit 64" [ $rc = 64 ]
        check "... not as a missing /proc" not_has "no directory /proc" "$T/err"
else
        ok "# SKIP needs an unprivileged caller and an unreadable /root (root reads every rootfs)"
fi

# ---- item 5: --rootfs flipped between check and use (300 tries): only the checked root ever runs ----
# good: a safe root; bad: world-writable, which the check refuses.  A flipper swaps the link.
cp -a "$T/r" "$T/good" && echo GOOD >"$T/good/marker"
cp -a "$T/r" "$T/bad" && echo BAD >"$T/bad/marker" && chmod 0777 "$T/bad"
ln -sfn "$T/good" "$T/flip"
( while [ ! -e "$T/stop" ]; do ln -sfn "$T/bad" "$T/flip.n" && mv -T "$T/flip.n" "$T/flip"
               ln -sfn "$T/good" "$T/flip.n" && mv -T "$T/flip.n" "$T/flip"; done ) &
flipper=$!
bad=0 good=0 refused=0
for i in $(seq 300); do
        "$DENYBOX" run --rootfs "$T/flip" -- /bin/sh -c 'while read -r l; do echo "$l"; done </marker' >"$T/o" 2>/dev/null
        case $(cat "$T/o") in
        BAD) bad=$((bad + 1)) ;;
        GOOD) good=$((good + 1)) ;;
        *) refused=$((refused + 1)) ;;
        esac
done
touch "$T/stop"; wait $flipper
check "300 flips: the unsafe root never ran (bad=$bad good=$good refused=$refused)" [ $bad = 0 ]
echo "# rootfs race: $good runs used the checked root, $refused were refused (a schedule, not a verdict)"

# ---- item 4: a -v source flipped between the host's / and a plain directory (100 tries) ----
mkdir -p "$T/safe" && echo SAFE >"$T/safe/marker"
ln -sfn "$T/safe" "$T/vflip"
rm -f "$T/stop"
( while [ ! -e "$T/stop" ]; do ln -sfn / "$T/vflip.n" && mv -T "$T/vflip.n" "$T/vflip"
               ln -sfn "$T/safe" "$T/vflip.n" && mv -T "$T/vflip.n" "$T/vflip"; done ) &
flipper=$!
leaked=0 safe=0 refused=0
for i in $(seq 100); do
        "$DENYBOX" run --rootfs "$T/r" -v "$T/vflip:/in:ro" -- /bin/sh -c "$leak; [ -e /in/marker ] && echo SAFE-SEEN" >"$T/o" 2>/dev/null
        if grep -q HOST-ROOT-VISIBLE "$T/o"; then leaked=$((leaked + 1))
        elif grep -q SAFE-SEEN "$T/o"; then safe=$((safe + 1))
        else refused=$((refused + 1)); fi
done
touch "$T/stop"; wait $flipper
check "100 flips: the host's root was never bound (leaked=$leaked safe=$safe refused=$refused)" [ $leaked = 0 ]
echo "# volume race: $safe runs bound the safe directory, $refused were refused (a schedule, not a verdict)"
finish
