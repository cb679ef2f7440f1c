#!/bin/bash
# as-user.sh root|unpriv SCRIPT — run an integration script as root, or as an unprivileged user
# (65534 via setpriv when we are root; ourselves when we are not).  Exit 77 means "this host can't";
# with DENYBOX_TEST_MUST_WORK=1 (CI) a skip is a failure.
set -u
mode=$1 script=$2
skip() {
        echo "SKIP: $*"
        if [ "${DENYBOX_TEST_MUST_WORK:-0}" = 1 ]; then
                echo "FAIL: DENYBOX_TEST_MUST_WORK=1 forbids skipping"
                exit 1
        fi
        exit 77
}
[ -x "${DENYBOX:-}" ] || { echo "DENYBOX is not set to the binary under test"; exit 1; }

# A private, world-readable copy of the binary and the test libraries, so that an unprivileged
# user can reach them whatever the permissions of the build tree.
stage=$(mktemp -d /tmp/denybox-test.XXXXXX)
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"
cp "$DENYBOX" "$stage/denybox"
cp "$(dirname "$0")/common.sh" "$(dirname "$0")/../junit.xsd" "$script" "$stage/"
cp "$(dirname "$0")/attack.c" "$(dirname "$0")/ptyrun.py" "$(dirname "$0")/sigrace.py" "$stage/" # attacks
if [ -d "${PROFILES_DIR:-}" ]; then # the shared profiles may sit in a tree the test user cannot read
        cp -r "$PROFILES_DIR" "$stage/profiles"
        export PROFILES_DIR="$stage/profiles"
fi
for v in ATTACK_NSCLONE ATTACK_TTYINJECT; do # the static attackers attack_*.sh run as the payload
        if [ -n "${!v:-}" ]; then
                cp "${!v}" "$stage/${v,,}"
                export "$v=$stage/${v,,}"
        fi
done
cp "$(dirname "$0")/seed_harness.py" "$stage/" # learn.sh: the seeds' Python harness
if [ -x "${LEARN_PAYLOAD:-}" ]; then # learn.sh: its static C workload (a build artifact)
        cp "$LEARN_PAYLOAD" "$stage/learn-payload"
        export LEARN_PAYLOAD="$stage/learn-payload"
fi
if [ -x "${NO_LANDLOCK:-}" ]; then # no_landlock.sh: the wrapper that hides Landlock (a build artifact)
        cp "$NO_LANDLOCK" "$stage/no-landlock"
        export NO_LANDLOCK="$stage/no-landlock"
fi
chmod -R a+rX "$stage"
export DENYBOX="$stage/denybox"
if [ -x "${HOG:-}" ]; then # the limit tests' static payload
        cp "$HOG" "$stage/hog"
        export HOG="$stage/hog"
fi
run_script="$stage/$(basename "$script")"

case $mode in
root)
        [ "$(id -u)" = 0 ] || skip "not root: the root variant needs root"
        "$run_script"
        ;;
unpriv)
        if [ "$(id -u)" = 0 ]; then
                command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
                env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DENYBOX="$DENYBOX" HOG="${HOG:-}" PROFILES_DIR="${PROFILES_DIR:-}" \
                        SEEDS_PROFILE="${SEEDS_PROFILE:-}" LEARN_PAYLOAD="${LEARN_PAYLOAD:-}" TESTS_MODE=unpriv \
                        NO_LANDLOCK="${NO_LANDLOCK:-}" \
                        ATTACK_NSCLONE="${ATTACK_NSCLONE:-}" ATTACK_TTYINJECT="${ATTACK_TTYINJECT:-}" \
                        setpriv --reuid=65534 --regid=65534 --clear-groups -- "$run_script"
        else
                TESTS_MODE=unpriv "$run_script"
        fi
        ;;
*)
        echo "usage: as-user.sh root|unpriv SCRIPT"
        exit 1
        ;;
esac
rc=$?
[ $rc = 77 ] && skip "the script could not run on this host"
exit $rc
