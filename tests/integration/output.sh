#!/bin/bash
# attest's output directory and its all-or-nothing bundle:
#  1. a payload that controls a directory plants `denybox-evidence -> elsewhere` (or a directory
#     it owns, or one writable by all): a later attest there refuses it and writes nothing;
#  2. 300 SIGKILLs and 150 SIGTERMs at random moments of attests that overwrite ONE directory,
#     alternately weakened and not: the set's files are always absent or one complete set of one
#     run (never a mix), and a finished run leaves nothing stray behind;
#  3. (root: a small tmpfs in a private mount namespace) a full disk, of bytes or of inodes:
#     exit 3 with one line and the previous set intact, or a complete new set.
. "$(dirname "$0")/common.sh"
command -v jq >/dev/null && command -v xmllint >/dev/null || { echo "jq and xmllint are needed"; exit 77; }
make_busybox_rootfs "$T/r"
J=sandbox-attestation-evidence.json M=sandbox-attestation-report.md X=sandbox-attestation-junit.xml
I=sandbox-attestation.intoto.json
SET=($J $M $X $I) # the files of one set (launcher/attest.h *_NAME): every check below uses this list

# --- 1. a planted output directory --------------------------------------------------------
mkdir -p "$T/ws" "$T/precious" && chmod 0777 "$T/ws"
plant() { run_db run --rootfs "$T/r" -v "$T/ws:/out:rw" -- /bin/busybox "$@"; }
plant ln -s "$T/precious" /out/denybox-evidence
check "the payload planted denybox-evidence -> $T/precious (rc=$rc)" [ -L "$T/ws/denybox-evidence" ]
(cd "$T/ws" && "$DENYBOX" attest >"$T/out" 2>"$T/err"); rc=$?
check "a later attest with the default -o refuses it (rc=$rc, want 64)" [ $rc = 64 ]
check "...in one line that names the symlink" one_line "$T/err"
check "...'is a symlink'" has "is a symlink" "$T/err"
check "...and nothing was written where it points" [ -z "$(ls -A "$T/precious")" ]
check "...nor did anything run" [ ! -s "$T/out" ]
run_db attest -o "$T/ws/denybox-evidence/"
check "a trailing slash does not make it followed (rc=$rc)" [ $rc = 64 ]
check "...and nothing was written there either" [ -z "$(ls -A "$T/precious")" ]

plant mkdir -m 0777 /out/open
run_db attest -o "$T/ws/open"
check "a directory writable by all is refused (rc=$rc)" [ $rc = 64 ]
check "...'writable by others' (or, as root, 'owned by uid')" has "writable by others\|owned by uid" "$T/err"
check "...and nothing was written in it" [ -z "$(ls -A "$T/ws/open")" ]
if [ "$(id -u)" = 0 ]; then
        plant mkdir /out/theirs
        run_db attest -o "$T/ws/theirs"
        check "as root, a directory owned by the payload's user is refused (rc=$rc)" [ $rc = 64 ]
        check "...'owned by uid'" has "owned by uid" "$T/err"
        check "...and nothing was written in it" [ -z "$(ls -A "$T/ws/theirs")" ]
fi

# --- 2. kills at random moments -----------------------------------------------------------
# consistent DIR: the set's names are all absent, or one complete set of one run.
consistent() {
        local d=$1 n=0 f att iatt mdw=true xw xid id iid
        for f in "${SET[@]}"; do [ -e "$d/$f" ] && n=$((n + 1)); done
        [ $n = 0 ] && return 0
        [ $n = ${#SET[@]} ] || { echo "$n of the ${#SET[@]} files"; return 1; }
        # one jq (the bundle, then the statement's predicate: the bundle again) and one xmllint
        # (each fails on a truncated file), for speed
        { read -r att id _; read -r iatt iid _; } < <(jq -r '(.predicate // .) | "\(.attestation) \(.run_id // "-")"' \
                "$d/$J" "$d/$I" 2>/dev/null)
        case $att in true | false) ;; *) echo "an incomplete JSON"; return 1 ;; esac
        case $iatt in true | false) ;; *) echo "an incomplete in-toto statement"; return 1 ;; esac
        read -r xw xid _ < <(xmllint --xpath 'concat(//property[@name="attestation"]/@value, " ",
                //property[@name="run_id"]/@value, " -")' "$d/$X" 2>/dev/null)
        [ -n "$xw" ] || { echo "an incomplete JUnit file"; return 1; }
        grep -q '^summary:' "$d/$M" || { echo "an incomplete Markdown report"; return 1; }
        # weakened or not: the same in the three (this needs no run id, so it holds any version to it)
        grep -q "NOT AN ATTESTATION" "$d/$M" && mdw=false
        [ "$att" = "$mdw" ] && [ "$att" = "$xw" ] && [ "$att" = "$iatt" ] ||
                { echo "a mixed set: attestation json=$att md=$mdw junit=$xw in-toto=$iatt"; return 1; }
        [ "$id" != - ] || return 0 # a bundle from before run ids: the flags above are all there is
        grep -q "run id: \`$id\`" "$d/$M" && [ "$xid" = "$id" ] && [ "$iid" = "$id" ] ||
                { echo "a mixed set: the run ids differ"; return 1; }
}
# clean DIR: exactly what one finished run leaves: .current, its set (exactly the set's files),
# the set's names.
clean() {
        local d=$1
        [ "$(ls -A "$d" | LC_ALL=C sort)" = "$(printf '%s\n' .current "$(readlink "$d/.current")" "${SET[@]}" | LC_ALL=C sort)" ] &&
                [ "$(ls -A "$d/.current/" | LC_ALL=C sort)" = "$(printf '%s\n' "${SET[@]}" | LC_ALL=C sort)" ]
}

ev="$T/ev"
# attest's time grows with --memory (the probe touches more than the limit): a small one keeps
# each of the 450 runs short
FAST="--memory 16m --memory-swap 16m"
durs=()
for i in 1 2 3; do
        s=$(date +%s%N)
        "$DENYBOX" attest $FAST -o "$ev" >/dev/null 2>&1
        durs+=($((($(date +%s%N) - s) / 1000000)))
done
D=$(printf '%s\n' "${durs[@]}" | sort -n | sed -n 2p)
echo "# one attest takes about $D ms here: kills land uniformly in [0, 1.3 x $D ms]"

fault_round() { # SIGNAL COUNT
        local sig=$1 count=$2 i w pid ms st killed=0 finished=0 mixed=0 unclean=0
        for i in $(seq "$count"); do
                w=()
                [ $((i % 2)) = 0 ] && w=(--weaken env)
                "$DENYBOX" attest $FAST "${w[@]}" -o "$ev" >/dev/null 2>&1 &
                pid=$!
                ms=$((RANDOM % (D * 13 / 10 + 1)))
                sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
                kill -"$sig" $pid 2>/dev/null
                { wait $pid; } 2>/dev/null # (no "Killed" notice from bash)
                st=$?
                if ! consistent "$ev" >"$T/why"; then
                        mixed=$((mixed + 1))
                        echo "# after $sig at $ms ms (exit $st): $(cat "$T/why")"
                fi
                case $st in
                0 | 2)
                        finished=$((finished + 1))
                        clean "$ev" || { unclean=$((unclean + 1)); echo "# left behind: $(ls -A "$ev" | tr '\n' ' ')"; } ;;
                *) killed=$((killed + 1)) ;;
                esac
        done
        echo "# $count x SIG$sig: $killed ended by it, $finished finished, $mixed inconsistent, $unclean unclean"
        check "SIG$sig x $count: every state was no set or one complete set of one run ($mixed not)" [ $mixed = 0 ]
        check "SIG$sig x $count: every finished run left exactly its set ($unclean did not)" [ $unclean = 0 ]
        check "SIG$sig x $count: the signals did land mid-run ($killed runs ended by them)" [ $killed -gt 0 ]
}
fault_round KILL 300
fault_round TERM 150
run_db attest -o "$ev"
check "a run after the kills exits $ATTEST_OK (rc=$rc)" [ $rc = $ATTEST_OK ]
check "...every probe PASSes (but PR-MEM-2 where --memory is address space only)" all_pass "$ev/$J"
check "...and sweeps everything the killed runs left" clean "$ev"
check "...its set is consistent" consistent "$ev"

# --- 3. a full disk -----------------------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
        echo "# the full-disk part needs root (it mounts a small tmpfs); the root variant runs it"
        finish
fi
cat >"$T/fulldisk.sh" <<'EOF'
# fulldisk.sh DENYBOX DIR LIB SCRATCH: in a private mount namespace, attests into a nearly full tmpfs.
DENYBOX=$1 S=$2 W=$4 # W: where this script keeps its own files, off the full disk
. "$3"
mkdir -p "$S"
bad=0 full=0 wrote=0
attempt() { # what happened is one of: exit 3 + one line + the old set, or a complete new set
        local old new
        old=$(jq -r .run_id "$S/ev/$J" 2>/dev/null)
        "$DENYBOX" attest $FAST -o "$S/ev" >"$W/out" 2>"$W/err"
        rc=$?
        rm -f "$S/fill"*
        new=$(jq -r .run_id "$S/ev/$J" 2>/dev/null)
        consistent "$S/ev" >"$W/why" || { echo "# $1: $(cat "$W/why")"; bad=$((bad + 1)); return; }
        case $rc in
        3)
                if one_line "$W/err" && grep -q "No space left on device" "$W/err" && [ "$new" = "$old" ]; then
                        full=$((full + 1))
                else
                        echo "# $1: exit 3 but: $(cat "$W/err") (set $old -> $new)"
                        bad=$((bad + 1))
                fi ;;
        0 | 2)
                if [ "$new" != "$old" ] && clean "$S/ev"; then wrote=$((wrote + 1)); else echo "# $1: exit $rc, set $old -> $new"; bad=$((bad + 1)); fi ;;
        *) echo "# $1: exit $rc: $(cat "$W/err")"; bad=$((bad + 1)) ;;
        esac
}
mount -t tmpfs -o size=512k,nr_inodes=256,mode=0755 denybox-full "$S" || exit 77
"$DENYBOX" attest $FAST -o "$S/ev" >/dev/null 2>&1
rc=$?
[ $rc = $ATTEST_OK ] || { echo "# the first attest into the tmpfs exited $rc, not $ATTEST_OK"; exit 1; }
# bytes: leave 0 KiB free, then more, up to the size of a set and 40 KiB beyond (measured here)
set_kib=$(du -sk "$S/ev/.current/" | cut -f1)
echo "# a set takes $set_kib KiB"
for k in $(seq 0 $(((set_kib + 40) / 12)) $((set_kib + 40))); do
        avail=$(($(stat -f -c '%a * %S' "$S")))
        [ $avail -gt $((k * 1024)) ] && fallocate -l $((avail - k * 1024)) "$S/fill"
        attempt "$k KiB free"
done
# inodes: leave 0 .. 8 free (the set directory, its files, the temporary symlinks)
for k in $(seq 0 8); do
        (cd "$S" && seq -f 'fill%g' 1 300 | xargs touch 2>/dev/null) # as many as there are inodes
        ls "$S" | grep '^fill' | head -n "$k" | (cd "$S" && xargs -r rm -f)
        attempt "$k inodes free"
done
echo "# full disk: $full refused with the old set kept, $wrote complete new sets, $bad wrong"
[ $bad = 0 ] && [ $full -gt 0 ] && [ $wrote -gt 0 ]
EOF
# the helpers of this script, for the sub-shell
declare -f consistent clean one_line >"$T/lib.sh"
declare -p J M X I SET FAST ATTEST_OK >>"$T/lib.sh"
mkdir -p "$T/scratch"
unshare -m --propagation private bash "$T/fulldisk.sh" "$DENYBOX" "$T/small" "$T/lib.sh" "$T/scratch"
rc=$?
[ $rc = 77 ] && echo "# cannot mount a tmpfs here" && finish
check "a full disk gives exit 3 and the old set, or a complete new set; never anything else (rc=$rc)" [ $rc = 0 ]
finish
