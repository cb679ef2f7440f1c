#!/bin/bash
# Negative controls: a probe that cannot fail proves nothing.  For every probe of the catalogue, a
# run of `denybox attest` with exactly the layers of its control removed (--weaken, repeatable)
# must make that probe FAIL, the bundle must say "attestation": false, and attest must not exit 0.
# The probes and their controls come from a plain run's bundle (probes[].probe_id, .control);
# probes sharing a control share a run.  docs/CONTROLS.md says why each control makes its probe fail.
#
# Set-ups some controls need (the first two applied to the plain run too, where they change nothing):
#   env      SECRET_TOKEN in the caller's environment
#   fds      fd 3 open on a host file in the caller
#   session  a controlling terminal: the run wrapped in `script -qec CMD /dev/null`
# and two controls that are set-ups, not --weaken layers (so those runs are attestations that fail):
#   rootfs-docker-sock  a --rootfs carrying /run/docker.sock and /var/run/docker.sock
#   out-unwritable      -v DIR:/out:rw where DIR/report.md is a directory: the report cannot be written
. "$(dirname "$0")/common.sh"
command -v jq >/dev/null || { echo "jq is missing"; exit 77; }
export SECRET_TOKEN=x

bundle() { echo "$1/sandbox-attestation-evidence.json"; }

# attest_in DIR [ARGS...] : runs attest -o DIR with fd 3 open on a host file; status in $rc
attest_in() {
        local dir=$1; shift
        "$DENYBOX" attest "$@" -o "$dir" >"$T/out" 2>"$T/err" 3</etc/hostname
        rc=$?
}

# attest_on_tty DIR [ARGS...] : the same inside a pseudo-terminal that is the controlling tty
attest_on_tty() {
        local dir=$1 cmd; shift
        cmd=$(printf '%q ' "$DENYBOX" attest "$@" -o "$dir")
        script -qec "$cmd 3</etc/hostname" /dev/null </dev/null >"$T/out" 2>"$T/err"
        rc=$?
}

# A rootfs that is clean but for an engine socket (a regular file is enough for stat).
make_docker_rootfs() {
        local r=$1
        mkdir -p "$r"/{etc,in,out,tmp,proc,dev,app,root,home/nonroot,run,var/run}
        echo "nonroot:x:65532:65532::/home/nonroot:/sbin/nologin" >"$r/etc/passwd"
        : >"$r/run/docker.sock"
        : >"$r/var/run/docker.sock"
        chmod -R a+rX "$r"
}

# An /out any uid may write, where the probe's report.md cannot be: it is a directory.
make_blocked_out() {
        mkdir -p "$1/report.md" && chmod 0777 "$1"
}

# The host never changes, whatever is weakened (issue 9): its /dev nodes and a root-owned file,
# stat'ed before the first run and after the last (mode, owner, ctime).
host_state() { stat -c '%n %a %u %g %Z' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty /etc/passwd; }
host_before=$(host_state)

# 0. explain prints the plan each control runs: the same plan the sandbox executes
# (launcher/sandbox_plan.c, sandbox_plan_weaken).
"$DENYBOX" explain >"$T/explain" 2>&1
check "explain: the plain plan skips and weakens nothing" eval '! grep -q "NOT RUN\|WEAKENED" "$T/explain"'
"$DENYBOX" explain --weaken proc-mask >"$T/explain" 2>&1
check "explain --weaken proc-mask: mask_proc does not run" has "NOT RUN: mask_proc (--weaken proc-mask)" "$T/explain"
"$DENYBOX" explain --weaken tmp-noexec >"$T/explain" 2>&1
check "explain --weaken tmp-noexec: /tmp is not noexec" eval 'grep "^  /tmp " "$T/explain" | grep -qv noexec'
"$DENYBOX" explain --weaken net >"$T/explain" 2>&1
check "explain --weaken net: no network namespace in the clone" eval 'grep -q "clone3(CLONE_NEWUSER|CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWIPC" "$T/explain"'
"$DENYBOX" explain --weaken caps --weaken nnp >"$T/explain" 2>&1
check "explain --weaken caps --weaken nnp: keep_capabilities, in init and after the profile" \
        eval 'has "then in init, before its filter: keep_capabilities" "$T/explain" && has "NOT RUN: set_no_new_privs" "$T/explain"'

# 1. the plain run: every probe PASSes, and the bundle names each probe's control
attest_in "$T/plain"
B=$(bundle "$T/plain")
check "the plain run wrote a bundle (rc=$rc)" [ -s "$B" ]
[ -s "$B" ] || finish
check "the plain run is an attestation" jq -e '.attestation == true' "$B"
if ! jq -e '.probes | length >= 40 and all(.[]; (.control // "") != "")' "$B" >/dev/null; then
        not_ok "the bundle lists >= 40 probes, each with its control"
        finish
fi
ok "the bundle lists $(jq '.probes | length' "$B") probes, each with its control"
while read -r id verdict; do
        if $MEM_AS_ONLY && [ "$id" = PR-MEM-2 ]; then # --memory is address space only here: FAIL by design
                check "$id fails without weakening where --memory is address space only (got $verdict)" [ "$verdict" = FAIL ]
        else
                check "$id passes without weakening (got $verdict)" [ "$verdict" = PASS ]
        fi
done < <(jq -r '.probes[] | "\(.probe_id) \(.verdict)"' "$B")

# 2. one run per distinct control
while read -r control; do
        args=() tty=false setup=false root_only=false
        for l in $control; do
                case $l in
                rootfs-docker-sock)
                        setup=true
                        make_docker_rootfs "$T/dockroot"
                        mkdir -p "$T/docker-out" && chmod 0777 "$T/docker-out"
                        args+=(--rootfs "$T/dockroot" -v "$T/docker-out:/out:rw") ;;
                out-unwritable)
                        setup=true
                        make_blocked_out "$T/blocked-out"
                        args+=(-v "$T/blocked-out:/out:rw") ;;
                session) tty=true; args+=(--weaken "$l") ;;
                host-root) root_only=true; args+=(--weaken "$l") ;;
                *) args+=(--weaken "$l") ;;
                esac
        done
        dir="$T/control-${control// /+}"
        ids=$(jq -r --arg c "$control" '.probes[] | select(.control == $c) | .probe_id' "$B" | tr '\n' ' ')
        if $root_only && [ "$(id -u)" != 0 ]; then # unprivileged, host root is never mappable: nothing to weaken
                ok "control '$control' ($ids) # SKIP root only: an unprivileged caller cannot map host root"
                continue
        fi
        if $tty; then
                if ! command -v script >/dev/null; then
                        if [ "${DENYBOX_TEST_MUST_WORK:-0}" = 1 ]; then
                                not_ok "control '$control' ($ids): script(1) is missing, cannot provide a tty"
                        else
                                ok "control '$control' ($ids) # SKIP script(1) (util-linux) is missing"
                        fi
                        continue
                fi
                attest_on_tty "$dir" "${args[@]}"
        else
                attest_in "$dir" "${args[@]}"
        fi
        b=$(bundle "$dir")
        if [ ! -s "$b" ]; then
                not_ok "control '$control': no bundle (rc=$rc: $(head -c 300 "$T/err"))"
                continue
        fi
        check "control '$control': attest does not exit 0 (rc=$rc)" [ "$rc" != 0 ]
        if ! $setup; then
                check "control '$control': the bundle is not an attestation" jq -e '.attestation == false' "$b"
        fi
        for id in $ids; do
                got=$(jq -r --arg id "$id" '.probes[] | select(.probe_id == $id) | "\(.verdict): \(.reason)"' "$b")
                host=$(jq -r --arg id "$id" '.probes[] | select(.probe_id == $id) | .value // ""' "$b")
                # A layer the host itself duplicates (the probe's value says so, e.g. bpf() denied by
                # kernel.unprivileged_bpf_disabled before seccomp on kernels before 6.5): there the
                # control cannot make the probe FAIL; not applicable, said so, not a failure.
                if [ "${got%%:*}" = PASS ] && [[ $host == *host_denies_first=1* ]]; then
                        ok "control '$control' makes $id FAIL # SKIP not applicable here: the host denies it first ($host)"
                        continue
                fi
                check "control '$control' makes $id FAIL (${got:-not in the bundle})" [ "${got%%:*}" = FAIL ]
        done
done < <(jq -r '[.probes[].control] | unique | .[]' "$B")
check "no run, weakened or not, changed the host's /dev nodes or /etc/passwd" [ "$host_before" = "$(host_state)" ]
finish
