#!/bin/bash
# tests/vm/limits.sh [--suite] — one VM boot (../shared/vm/run-in-vm, as root): install with the
# project's own scripts, build, then check every limit by its effect in four contexts:
#   root        root in the run-in-vm system service cgroup (a CI job under sudo)
#   root-scope  root in `systemd-run --scope -p Delegate=yes`
#   user        uid 1000 in that same root-owned service cgroup (no delegation: a CI job's user)
#   user-scope  uid 1000 in `systemd-run --user --scope -p Delegate=yes` (as rootless podman)
# (tests/vm/limits-one.sh does the checks of one context) and print a table: context x limit ->
# the mechanism denybox names and the effect measured; then the redundancy matrix on this kernel
# (tests/vm/redundancy.sh: Landlock ABI 2 here).  --suite: afterwards the whole meson test
# suite as root.  --prebuilt DIR: skip the install and the build, take denybox, hog and a static
# busybox from DIR (a quick measurement on a loaded emulated machine; CI always builds).
# Exit 0 only if every check in every context held.
set -u
cd "$(dirname "$0")/../.."
src=$PWD
say() { echo "[vm +$((SECONDS))s] $*"; }
layout=$(stat -fc %T /sys/fs/cgroup)
[ "$layout" = cgroup2fs ] && layout="v2" || layout="v1 (hybrid)"
say "kernel $(uname -r), cgroup $layout, $(nproc) CPUs"

if [ "${1:-}" = --prebuilt ]; then
        bin=$2
        shift 2
        say "prebuilt binaries from $bin: no install, no build"
else
        bash scripts/install-deps.sh || { say "install-deps.sh failed"; exit 1; }
        say "dependencies installed"
        meson setup build-vm >/dev/null && ninja -C build-vm denybox tests/integration/hog >/dev/null ||
                { say "build failed"; exit 1; }
        say "built"
        bin=$src/build-vm bb=$(command -v busybox)
fi

# A place every context can read: the binaries, a busybox rootfs, a tmpfs for /dev/shm-like
# writes, and one result directory.
W=/srv/denybox-vm
rm -rf "$W" && mkdir -p "$W/rootfs"/{bin,etc,in,out,tmp,proc,dev,app,root,home/nonroot,shm} "$W/res" "$W/shm"
install -m 0755 "$bin/denybox" "$W/"
install -m 0755 "$bin/hog" "$W/" 2>/dev/null || install -m 0755 "$bin/tests/integration/hog" "$W/"
cp "${bb:-$bin/busybox}" "$W/rootfs/bin/busybox"
for a in sh true cat echo sleep; do ln -s busybox "$W/rootfs/bin/$a"; done
cp "$W/hog" "$W/rootfs/bin/hog"
echo "nonroot:x:65532:65532::/home/nonroot:/bin/sh" >"$W/rootfs/etc/passwd"
install -m 0755 tests/vm/limits-one.sh "$W/one.sh"
mount -t tmpfs -o size=1g,mode=1777 tmpfs "$W/shm"
chmod -R a+rX "$W" && chmod 1777 "$W/res"

uid=$(id -u tester) gid=$(id -g tester)
uenv=(env -i HOME=/home/tester USER=tester LOGNAME=tester PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8)
systemctl start "user@$uid.service"
run_ctx() {
        local ctx=$1
        case $ctx in
        root) bash "$W/one.sh" "$W" root ;;
        root-scope) systemd-run --scope -p Delegate=yes --quiet -- bash "$W/one.sh" "$W" root-scope ;;
        user) setpriv --reuid="$uid" --regid="$gid" --init-groups -- "${uenv[@]}" bash "$W/one.sh" "$W" user ;;
        user-scope)
                setpriv --reuid="$uid" --regid="$gid" --init-groups -- "${uenv[@]}" XDG_RUNTIME_DIR="/run/user/$uid" \
                        DBUS_SESSION_BUS_ADDRESS="unix:path=/run/user/$uid/bus" \
                        systemd-run --user --scope -p Delegate=yes --quiet -- bash "$W/one.sh" "$W" user-scope ;;
        esac
}

status=0
for ctx in root root-scope user user-scope; do
        say "== $ctx"
        run_ctx "$ctx" 2>&1 | sed "s/^/[$ctx] /"
        [ "${PIPESTATUS[0]}" = 0 ] || status=1
done

echo
echo "## Limits by effect: kernel $(uname -r), cgroup $layout"
echo
echo "| context | pids (--pids-limit 8) | memory (--memory 64m --memory-swap 64m): anon / memfd / tmpfs | cpus (--cpus 0.5) | attest, seeds' limits | cgroups |"
echo "|---|---|---|---|---|---|"
for ctx in root root-scope user user-scope; do
        if [ -f "$W/res/$ctx.row" ]; then cat "$W/res/$ctx.row"; else echo "| $ctx | (no result) | | | | |"; fi
done
echo
failed=$(cat "$W/res/"*.fail 2>/dev/null | wc -l)
echo "limits: $(cat "$W/res/"*.ok 2>/dev/null | wc -l) checks held, $failed failed"
cat "$W/res/"*.fail 2>/dev/null | sed 's/^/FAILED: /'
[ "$failed" = 0 ] || status=1

# The redundancy matrix on this kernel (issue 17: Landlock ABI 2 here), root and unprivileged
say "== the redundancy matrix"
bash tests/vm/redundancy.sh "$W" || status=1

if [ "${1:-}" = --suite ]; then
        say "== the whole meson test suite, as root"
        bash scripts/build.sh build >/dev/null && meson test -C build --print-errorlogs --num-processes 2 || status=1
        echo "suite: $(jq -r .result build/meson-logs/testlog.json | grep -c '^OK$') passed, $(jq -r .result build/meson-logs/testlog.json | grep -vc '^OK$') not OK"
fi
say "done, status $status"
exit $status
