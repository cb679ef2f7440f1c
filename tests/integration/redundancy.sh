#!/bin/bash
# The redundancy matrix (issue 17): for every probe the bundle names the layers that hold it on this
# kernel (probes[].held_by: the catalogue's control, with Landlock only from the ABI it needs).  A
# probe held by several layers must PASS with any one of them weakened alone and FAIL with all of
# them weakened together; a probe held by one layer is marked single_layer, and FAILs with it
# weakened (controls.sh covers every such run; here only those whose layer the matrix weakens anyway).
# On a kernel at a lower Landlock ABI (Debian 12's 6.1: ABI 2, no TCP rules, no scopes) or without
# Landlock, the probes that need it are single-layer here and the matrix says so: never a failure.
#
# Set-ups, as in controls.sh: SECRET_TOKEN in the environment (env), fd 3 open on a host file
# (fds), a controlling terminal for runs that weaken session.  The two set-up controls
# (rootfs-docker-sock, out-unwritable) are not layers: controls.sh runs them.
. "$(dirname "$0")/common.sh"
command -v jq >/dev/null || { echo "jq is missing"; exit 77; }
export SECRET_TOKEN=x

bundle() { echo "$1/sandbox-attestation-evidence.json"; }

# attest_weakened DIR LAYER... : attest -o DIR with --weaken LAYER each (on a tty when session is one)
attest_weakened() {
        local dir=$1 args=() tty=false cmd; shift
        for l in "$@"; do
                args+=(--weaken "$l")
                [ "$l" = session ] && tty=true
        done
        if $tty && command -v script >/dev/null; then
                cmd=$(printf '%q ' "$DENYBOX" attest "${args[@]}" -o "$dir")
                script -qec "$cmd 3</etc/hostname" /dev/null </dev/null >"$T/out" 2>"$T/err"
        else
                "$DENYBOX" attest "${args[@]}" -o "$dir" >"$T/out" 2>"$T/err" 3</etc/hostname
        fi
        rc=$?
}

verdict_of() { jq -r --arg id "$2" '.probes[] | select(.probe_id == $id) | "\(.verdict): \(.reason)"' "$1"; }
# A layer the host itself duplicates (controls.sh: bpf() denied before seccomp on older kernels)
host_first() { jq -e --arg id "$2" '.probes[] | select(.probe_id == $id) | (.value // "") | test("host_denies_first=1")' "$1" >/dev/null; }

# 1. the plain run: every probe PASSes, and names the layers that hold it
attest_weakened "$T/plain"
B=$(bundle "$T/plain")
check "the plain run wrote a bundle (rc=$rc)" [ -s "$B" ]
[ -s "$B" ] || finish
abi=$(jq '.landlock.abi' "$B")
ok "Landlock ABI on this kernel: $abi ($(jq -r '[.landlock.rights[] | select(.status == "enforced") | .name] | join(" ")' "$B"))"
if ! jq -e '.probes | all(.[]; (.held_by | length) >= 1 and .single_layer == ((.held_by | length) == 1))' "$B" >/dev/null; then
        not_ok "every probe names the layers that hold it, and single_layer agrees"
        finish
fi
if [ "$abi" = 0 ]; then
        check "without Landlock no probe is held by it" jq -e 'all(.probes[]; (.held_by | index("landlock")) == null)' "$B"
fi
if [ "$abi" -lt 4 ]; then # TCP rules come with ABI 4: there the probes of TCP are held without Landlock
        check "below ABI 4, PR-LL-BIND-1 is single-layer (seccomp)" \
                jq -e '.probes[] | select(.probe_id == "PR-LL-BIND-1") | .held_by == ["seccomp"]' "$B"
fi
if [ "$abi" -lt 6 ]; then # scopes come with ABI 6: there the abstract socket is held by the others
        check "below ABI 6, PR-LL-SCOPE-1 is held by net and seccomp" \
                jq -e '.probes[] | select(.probe_id == "PR-LL-SCOPE-1") | .held_by == ["net", "seccomp"]' "$B"
fi
if [ "$abi" -lt 6 ]; then # ... and the pid namespace alone hides the process outside from a signal
        check "below ABI 6, PR-LL-SIGNAL-1 is single-layer (pidns)" \
                jq -e '.probes[] | select(.probe_id == "PR-LL-SIGNAL-1") | .held_by == ["pidns"]' "$B"
fi
# PR-LL-SIGNAL-1 signals the process the launcher kept outside for this run (by its host pid)
check "PR-LL-SIGNAL-1 was given the process outside, alive for the run" jq -e '.probes[]
        | select(.probe_id == "PR-LL-SIGNAL-1") | .actual_stderr_or_value | test(" -> ESRCH ")' "$B"
# PR-LL-SCOPE-1 connects to the listener the launcher opened for this run (its name: the run id)
check "PR-LL-SCOPE-1 was given a listener" jq -e '.probes[] | select(.probe_id == "PR-LL-SCOPE-1")
        | .actual_stderr_or_value | contains("not observed") | not' "$B"
while read -r id verdict; do
        if $MEM_AS_ONLY && [ "$id" = PR-MEM-2 ]; then
                continue # --memory is address space only here: FAIL by design (controls.sh)
        fi
        check "$id passes without weakening (got $verdict)" [ "$verdict" = PASS ]
done < <(jq -r '.probes[] | "\(.probe_id) \(.verdict)"' "$B")

setup_control='rootfs-docker-sock|out-unwritable'
multi=$(jq -r '.probes[] | select((.held_by | length) >= 2) | "\(.probe_id) \(.held_by | join("+"))"' "$B")
single=$(jq -r '.probes[] | select(.single_layer) | "\(.probe_id) \(.held_by[0])"' "$B")
n_multi=$(grep -c . <<<"$multi")
n_single=$(grep -c . <<<"$single")
ok "held by two layers or more: $n_multi probes; by one: $n_single"

declare -A row # row[PROBE]="layer=VERDICT ..." for the matrix printed at the end
# 2. one run per layer that holds some probe together with another: those probes still PASS; the
#    single-layer probes of that layer FAIL
for layer in $(awk '{ print $2 }' <<<"$multi" | tr '+' '\n' | sort -u); do
        if [ "$layer" = host-root ] && [ "$(id -u)" != 0 ]; then
                ok "--weaken $layer # SKIP root only"
                continue
        fi
        dir="$T/alone-$layer"
        attest_weakened "$dir" "$layer"
        b=$(bundle "$dir")
        if [ ! -s "$b" ]; then
                not_ok "--weaken $layer: no bundle (rc=$rc: $(head -c 300 "$T/err"))"
                continue
        fi
        while read -r id held; do
                [[ "+$held+" == *"+$layer+"* ]] || continue
                got=$(verdict_of "$b" "$id")
                row[$id]+=" $layer:${got%%:*}"
                check "$id (held by ${held//+/ and }) still passes with only $layer weakened (${got:-not in the bundle})" \
                        [ "${got%%:*}" = PASS ]
        done <<<"$multi"
        while read -r id held; do
                [ "$held" = "$layer" ] || continue
                got=$(verdict_of "$b" "$id")
                if [ "${got%%:*}" = PASS ] && host_first "$b" "$id"; then
                        ok "$id (single layer: $layer) # SKIP the host denies it first"
                        continue
                fi
                check "$id (single layer: $layer) fails with it weakened (${got:-not in the bundle})" [ "${got%%:*}" = FAIL ]
        done <<<"$single"
done

# 3. one run per set of layers: its probes FAIL only with all of them weakened
while read -r held; do
        [ -n "$held" ] || continue
        if [[ "+$held+" =~ \+($setup_control)\+ ]]; then
                continue
        fi
        if [[ "+$held+" == *+host-root+* ]] && [ "$(id -u)" != 0 ]; then
                ok "--weaken ${held//+/ --weaken } # SKIP root only"
                continue
        fi
        dir="$T/all-$held"
        # shellcheck disable=SC2046
        attest_weakened "$dir" $(tr '+' ' ' <<<"$held")
        b=$(bundle "$dir")
        if [ ! -s "$b" ]; then
                not_ok "--weaken ${held//+/ --weaken }: no bundle (rc=$rc: $(head -c 300 "$T/err"))"
                continue
        fi
        check "--weaken ${held//+/ --weaken }: attest does not exit 0 (rc=$rc)" [ "$rc" != 0 ]
        while read -r id h; do
                [ "$h" = "$held" ] || continue
                got=$(verdict_of "$b" "$id")
                row[$id]+=" ${held}:${got%%:*}"
                if [ "${got%%:*}" = PASS ] && host_first "$b" "$id"; then
                        ok "$id fails with ${held//+/ and } weakened # SKIP the host denies it first"
                        continue
                fi
                check "$id fails with ${held//+/ and } all weakened (${got:-not in the bundle})" [ "${got%%:*}" = FAIL ]
        done <<<"$multi"
done < <(awk '{ print $2 }' <<<"$multi" | sort -u)

# 4. Landlock's abstract-unix scope on its own (ABI 6): with the namespace and seccomp both gone,
#    socket() succeeds and the listener outside is reachable by name; only the scope denies the
#    connect (EPERM from connect(), not from socket())
if [ "$abi" -ge 6 ]; then
        attest_weakened "$T/scope-ll" net seccomp
        b=$(bundle "$T/scope-ll")
        got=$(verdict_of "$b" PR-LL-SCOPE-1)
        check "PR-LL-SCOPE-1 with only Landlock left: PASS (${got:-not in the bundle})" [ "${got%%:*}" = PASS ]
        check "PR-LL-SCOPE-1 with only Landlock left: connect() was denied EPERM by the scope" \
                jq -e '.run_id as $r | .probes[] | select(.probe_id == "PR-LL-SCOPE-1") | .actual_stderr_or_value
                        | contains("connect(\"@denybox-scope-" + $r + "\")") and test(" -> EPERM ")' "$b"
fi

# 5. Landlock's signal scope on its own (ABI 6): with the pid namespace gone the process outside is
#    named, and credentials would let the signal through (it runs as the sandbox user's host uid):
#    only the scope denies kill(pid, 0) (EPERM), in the run that weakened pidns alone (step 2)
if [ "$abi" -ge 6 ]; then
        b=$(bundle "$T/alone-pidns")
        check "PR-LL-SIGNAL-1 with only Landlock left: kill() of the process outside was denied EPERM by the scope" \
                jq -e '.probes[] | select(.probe_id == "PR-LL-SIGNAL-1") | .actual_stderr_or_value
                        | test("^kill\\([0-9]+, 0\\) .*\"denybox-sigtgt\"\\) -> EPERM ")' "$b"
fi

# 6. A profile that lets the payload exec (subprocesses; no exec-once): Landlock's execute rule is
#    then "nowhere the payload can write", a second layer under the noexec mounts.  A copy of
#    busybox written to /tmp: denied by the mount, by Landlock with the mount's noexec weakened, and
#    run only with both weakened; a file of the root runs in every case.
if [ "$abi" -ge 1 ] && { [ ! -s "${PROFILES_DIR:-}/real/moby-default.json" ] || ! command -v busybox >/dev/null; }; then
        ok "exec allowed by the profile: Landlock's execute rule # SKIP no Moby profile or no busybox here"
elif [ "$abi" -ge 1 ]; then
        R="$T/bbroot"
        make_busybox_rootfs "$R"
        script='/bin/busybox true && echo root-ran; /bin/busybox cp /bin/busybox /tmp/echo && /tmp/echo tmp-ran'
        for set in "" "tmp-noexec" "landlock" "tmp-noexec landlock"; do
                args=()
                for l in $set; do args+=(--weaken "$l"); done
                "$DENYBOX" run "${args[@]}" --security-opt seccomp="$PROFILES_DIR/real/moby-default.json" --rootfs "$R" \
                        -- /bin/sh -c "$script" >"$T/out" 2>"$T/err"
                check "exec allowed by the profile, weakened: ${set:-none}: a file of the root runs" has '^root-ran$' "$T/out"
                if [ "$set" = "tmp-noexec landlock" ]; then
                        check "exec allowed, both weakened: the file written to /tmp runs" has '^tmp-ran$' "$T/out"
                else
                        check "exec allowed, weakened: ${set:-none}: the file written to /tmp is denied (EACCES)" \
                                grep -q '/tmp/echo: Permission denied' "$T/err"
                fi
        done
        # the rule is built around the writable volumes: beside and inside them what is read-only runs
        mkdir -p "$R/app/data/tool" "$R/app/tools" "$T/rw/tool" "$T/ro" && chmod 0777 "$T/rw"
        cp "$R/bin/busybox" "$T/ro/busybox" && chmod -R a+rX "$T/ro" "$R/app"
        "$DENYBOX" run --security-opt seccomp="$PROFILES_DIR/real/moby-default.json" --rootfs "$R" \
                -v "$T/rw:/app/data:rw" -v "$T/ro:/app/data/tool:ro" -v "$T/ro:/app/tools:ro" -- /bin/sh -c \
                '/app/tools/busybox echo beside-ran; /app/data/tool/busybox echo inside-ran;
                 /bin/busybox cp /bin/busybox /app/data/echo && /app/data/echo rw-ran' >"$T/out" 2>"$T/err"
        check "exec allowed: a :ro volume beside a :rw one (/app/tools) runs" has '^beside-ran$' "$T/out"
        check "exec allowed: a :ro volume inside a :rw one (/app/data/tool) runs" has '^inside-ran$' "$T/out"
        check "exec allowed: a file written to the :rw volume is denied (EACCES)" grep -q '/app/data/echo: Permission denied' "$T/err"
        "$DENYBOX" explain --security-opt seccomp="$PROFILES_DIR/real/moby-default.json" >"$T/out" 2>/dev/null
        check "explain: with exec allowed, Landlock's execute right is enforced where the payload cannot write" \
                has '^  fs.execute  *enforced (not where the payload can write)' "$T/out"
fi

# The matrix, for the log (and for docs/CONTROLS.md's numbers)
echo "# redundancy matrix (Landlock ABI $abi, uid $(id -u)):"
while read -r id held; do
        echo "#   $id [$held]:${row[$id]}"
done <<<"$multi"
echo "#   single-layer: $(awk '{ printf "%s(%s) ", $1, $2 }' <<<"$single")"
finish
