#!/bin/bash
# test-vm.sh [--cgroup v2|v1] [--suite] [--log-dir DIR] — the VM stage: one boot of a throwaway
# Debian 12 VM (kernel 6.1, systemd; ../shared/vm/run-in-vm, or $RUN_IN_VM) on a copy of this
# tree, running tests/vm/limits.sh: the project's own install and build, then every limit checked
# by its effect as root, root in a delegated scope, a user without delegation and a user in a
# delegated user scope, with a table of mechanism and effect per context.  --cgroup v1 boots the
# hybrid layout; --suite also runs the whole meson test suite as root in the VM.  Under software
# emulation a boot plus the toolchain install takes 15-30 minutes.  On failure the end of the VM's
# console log is printed (all logs stay in the log directory).  Exit status: the VM run's.
# Needs qemu-system-x86 qemu-utils mmdebstrap: DENYBOX_WITH_VM=1 bash scripts/install-deps.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
cgroup=v2 suite="" logdir=""
while [ $# -gt 0 ]; do
        case $1 in
        --cgroup) cgroup=$2; shift 2 ;;
        --suite) suite=--suite; shift ;;
        --log-dir) logdir=$2; shift 2 ;;
        *) echo "usage: test-vm.sh [--cgroup v2|v1] [--suite] [--log-dir DIR]" >&2; exit 64 ;;
        esac
done
vm=${RUN_IN_VM:-../shared/vm/run-in-vm}
if [ ! -x "$vm" ]; then
        echo "test-vm.sh: $vm is absent (../shared/vm is not beside this clone): no VM stage"
        [ "${CI:-}" = true ] && exit 1
        exit 77
fi
[ -n "$logdir" ] || logdir=$(mktemp -d /tmp/denybox-vm.XXXXXX)
mkdir -p "$logdir"
start=$SECONDS
"$vm" -p . --copy --cgroup "$cgroup" --boot-timeout 1800 --timeout 4800 --log-dir "$logdir" -- "bash tests/vm/limits.sh $suite"
rc=$?
echo "test-vm.sh: VM stage (cgroup $cgroup${suite:+, suite}) exited $rc after $((SECONDS - start)) s; logs in $logdir"
if [ $rc != 0 ]; then
        echo "---- the last 60 lines of the VM's console ($logdir/console.log) ----"
        tail -n 60 "$logdir/console.log" 2>/dev/null
fi
exit $rc
