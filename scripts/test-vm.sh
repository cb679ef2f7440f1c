#!/bin/bash
# test-vm.sh [--cgroup v2|v1] [--suite | --prebuilt DIR] [--log-dir DIR] — the VM stage: one boot of a throwaway
# Debian 12 VM (kernel 6.1, systemd; ../shared/vm/run-in-vm, or $RUN_IN_VM) on a copy of this
# tree, running tests/vm/limits.sh: the project's own install and build, then every limit checked
# by its effect as root, root in a delegated scope, a user without delegation and a user in a
# delegated user scope, with a table of mechanism and effect per context; then the redundancy
# matrix (tests/vm/redundancy.sh: Landlock ABI 2 on 6.1), root and unprivileged.  --cgroup v1 boots the
# hybrid layout; --suite also runs the whole meson test suite as root in the VM.  --prebuilt DIR
# skips the install and the build in the VM: DIR (shared read-only) holds the static denybox, hog
# and a static busybox built on this host (what CI does, to fit its time budget: the static binary
# is the product, so the checks by effect are the same).  Under software emulation a boot plus the
# toolchain install takes 15-60 minutes; a prebuilt run 10-20, and the redundancy matrix 20-40 more.  On failure the end of the VM's
# console log is printed (all logs stay in the log directory).  Exit status: the VM run's.
# Needs qemu-system-x86 qemu-utils mmdebstrap: DENYBOX_WITH_VM=1 bash scripts/install-deps.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
cgroup=v2 suite="" logdir="" prebuilt="" timeout=7200
while [ $# -gt 0 ]; do
        case $1 in
        --cgroup) cgroup=$2; shift 2 ;;
        --suite) suite=--suite; shift ;;
        --prebuilt) prebuilt=$(cd "$2" && pwd) && timeout=3600; shift 2 ;; # (the matrix: ~30 min under TCG; CI has 90 min in all)
        --log-dir) logdir=$2; shift 2 ;;
        *) echo "usage: test-vm.sh [--cgroup v2|v1] [--suite | --prebuilt DIR] [--log-dir DIR]" >&2; exit 64 ;;
        esac
done
[ -n "$prebuilt" ] && [ -n "$suite" ] && { echo "test-vm.sh: --suite builds in the VM; not with --prebuilt" >&2; exit 64; }
vm=${RUN_IN_VM:-../shared/vm/run-in-vm}
if [ ! -x "$vm" ]; then
        echo "test-vm.sh: $vm is absent (../shared/vm is not beside this clone): no VM stage"
        [ "${CI:-}" = true ] && exit 1
        exit 77
fi
[ -n "$logdir" ] || logdir=$(mktemp -d /tmp/denybox-vm.XXXXXX)
mkdir -p "$logdir"
start=$SECONDS
if [ -n "$prebuilt" ]; then
        "$vm" -p . --copy -v "$prebuilt:/mnt/prebuilt" --cgroup "$cgroup" --boot-timeout 1200 --timeout "$timeout" \
                --log-dir "$logdir" -- "bash tests/vm/limits.sh --prebuilt /mnt/prebuilt"
else
        "$vm" -p . --copy --cgroup "$cgroup" --boot-timeout 1800 --timeout "$timeout" --log-dir "$logdir" -- \
                "bash tests/vm/limits.sh $suite"
fi
rc=$?
echo "test-vm.sh: VM stage (cgroup $cgroup${suite:+, suite}) exited $rc after $((SECONDS - start)) s; logs in $logdir"
if [ $rc != 0 ]; then
        echo "---- the last 60 lines of the VM's console ($logdir/console.log) ----"
        tail -n 60 "$logdir/console.log" 2>/dev/null
fi
exit $rc
