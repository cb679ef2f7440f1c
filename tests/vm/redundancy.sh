#!/bin/bash
# tests/vm/redundancy.sh DIR — the redundancy matrix (tests/integration/redundancy.sh, issue 17) on
# the VM's kernel (Debian 12's 6.1: Landlock ABI 2, so no TCP rules and no scopes: the probes that
# need them must come out single-layer, not failing), as root and as an unprivileged user, with the
# static denybox in DIR.  Run by tests/vm/limits.sh after the limits, or alone:
#   run-in-vm -p . --copy -v PREBUILT:/mnt/prebuilt -- bash tests/vm/redundancy.sh /mnt/prebuilt
# Exit 0 only if both runs passed.
set -u
cd "$(dirname "$0")/../.."
bin=${1:?usage: redundancy.sh DIR (holding denybox)}
say() { echo "[vm +$((SECONDS))s] $*"; }
if ! command -v jq >/dev/null; then # the image has no jq; the tests read the bundle with it
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
                DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jq >/dev/null 2>&1 ||
                { say "cannot install jq: no matrix"; exit 1; }
fi
# The matrix's exec-allowed part runs a busybox root under Moby's profile: the profiles from this
# tree, busybox from the host's build if the image has none (a throwaway VM: into /usr/bin, where
# the unprivileged run's PATH finds it).
export PROFILES_DIR="$PWD/tests/fixtures/profiles"
if ! command -v busybox >/dev/null; then
        for c in "$bin/busybox" "$bin/rootfs/bin/busybox"; do
                [ -x "$c" ] && install -m 0755 "$c" /usr/bin/busybox && break
        done
fi
W=$(mktemp -d /tmp/denybox-matrix.XXXXXX)
install -m 0755 "$bin/denybox" "$W/denybox"
chmod 0755 "$W"
say "kernel $(uname -r); $("$W/denybox" explain | grep '^landlock:')"
status=0
for mode in root unpriv; do
        say "== redundancy matrix, $mode"
        DENYBOX="$W/denybox" bash tests/integration/lib/as-user.sh "$mode" tests/integration/redundancy.sh >"$W/$mode.log" 2>&1
        rc=$?
        grep -E '^(not ok|#)|# SKIP' "$W/$mode.log" | sed "s/^/[$mode] /"
        say "$mode: $(grep -c '^ok' "$W/$mode.log") checks held, $(grep -c '^not ok' "$W/$mode.log") failed (exit $rc)"
        [ $rc = 0 ] || status=1
done
rm -rf "$W"
exit $status
