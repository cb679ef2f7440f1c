#!/bin/bash
# Issue 9 item 1, the attack itself: a static payload (attack/nsclone.c) does
# clone(CLONE_NEWUSER|CLONE_NEWNS) and, in the child that holds every capability of its new user
# namespace, fsopen/fsconfig/fsmount/move_mount an exec-able tmpfs over /tmp -- where mount(2) is
# denied.  Under the seeds' strict profile (the default) and under Moby's default profile every
# step must be refused: clone with EPERM (stage 1's always-on guard), each new-mount-API call
# with ENOSYS (stage 2's always-on rule), and /tmp stays noexec.  (Before the fix, under strict,
# the clone succeeded and so did every mount step: /tmp became exec-able in the child.)
. "$(dirname "$0")/common.sh"
[ -x "${ATTACK_NSCLONE:-}" ] || { echo "ATTACK_NSCLONE (the built attacker) is not set"; exit 77; }
mkdir -p "$T/a" && cp "$ATTACK_NSCLONE" "$T/a/nsclone" && chmod -R a+rX "$T/a"

# attack NAME [DENYBOX OPTIONS...]: the attacker as the payload, its report in $T/out
attack() {
        local name=$1; shift
        run_db run "$@" -v "$T/a:/in:ro" -- /in/nsclone
        check "$name: the attacker ran (rc=$rc)" [ $rc = 0 ]
        check "$name: clone(CLONE_NEWUSER|CLONE_NEWNS) is refused with EPERM" has "STEP clone errno EPERM" "$T/out"
        check "$name: unshare(CLONE_NEWUSER|CLONE_NEWNS) is refused with EPERM" has "STEP unshare errno EPERM" "$T/out"
        for s in fsopen fsconfig-size fsconfig-create fsmount move_mount; do
                check "$name: $s is refused with ENOSYS" has "STEP $s errno ENOSYS" "$T/out"
        done
        check "$name: no step succeeded" not_has " ok$" "$T/out"
        check "$name: /tmp is still noexec" has "STEP tmp-noexec yes" "$T/out"
}
not_has() { ! grep -q -- "$1" "$2"; }

attack strict
if [ -f "${PROFILES_DIR:-}/real/moby-default.json" ]; then
        attack moby-default --security-opt "seccomp=$PROFILES_DIR/real/moby-default.json"
else
        echo "# the shared profiles are absent: Moby's default profile not tried"
        finish_rc=77
fi
echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ $failed = 0 ] || exit 1
exit "${finish_rc:-0}"
