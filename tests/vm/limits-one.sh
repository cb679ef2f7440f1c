#!/bin/bash
# tests/vm/limits-one.sh W CONTEXT — the checks of tests/vm/limits.sh in one context (it runs as
# that context's user, in its cgroup).  W holds denybox, hog, rootfs/, shm/ (a tmpfs) and res/.
# Writes res/CONTEXT.ok and res/CONTEXT.fail (one line per check) and res/CONTEXT.row (the table row).
set -u
W=$1 ctx=$2
DB=$W/denybox
T=$(mktemp -d /tmp/dbx-vm.XXXXXX)
trap 'rm -rf "$T"' EXIT
: >"$W/res/$ctx.ok"
: >"$W/res/$ctx.fail"
check() { # check DESCRIPTION COMMAND...
        local d=$1; shift
        if "$@" >/dev/null 2>&1; then echo "ok - $d [+${SECONDS}s]"; echo "$ctx: $d" >>"$W/res/$ctx.ok"
        else echo "not ok - $d [+${SECONDS}s]"; echo "$ctx: $d" >>"$W/res/$ctx.fail"; fi
}
has() { grep -q -- "$1" "$2"; }
R=(--rootfs "$W/rootfs" --timeout 900)
own=$(sed -n 's/^0:://p' /proc/self/cgroup)
echo "uid $(id -u), cgroup ${own:-?} ($(grep -c . /proc/self/cgroup) hierarchies)"
find /sys/fs/cgroup -type d 2>/dev/null | sort >"$T/cg.before"

# Mechanisms, as explain names them.
"$DB" explain --pids-limit 8 --memory 64m --memory-swap 64m --cpus 0.5 >"$T/explain" 2>&1
lim=$(grep '^limits:' "$T/explain")
echo "$lim"
m_pids=$(echo "$lim" | sed -n 's/.* pids=\(.*\) memory=.*/\1/p')
m_mem=$(echo "$lim" | sed -n 's/.* memory=\(.*\) memory-swap=.*/\1/p')
m_cpu=$(echo "$lim" | sed -n 's/.* cpus=\(.*\)$/\1/p')

# pids: a fork flood stops at the limit (hog's children stay alive: each holds a pid until the end;
# a shell's `(sleep 5) &` could not be relied on -- its children may die at once on the denied exec).
"$DB" run "${R[@]}" --pids-limit 8 -- /bin/hog forks 40 >"$T/out" 2>"$T/err"
last=$(sed -n 's/^forking //p' "$T/out" | tail -1)
if has "can't fork" "$T/err" && [ "${last:-99}" -le 8 ]; then e_pids="stopped at fork $last"; else e_pids="NOT stopped (last fork ${last:-?})"; fi
check "pids ($m_pids): the fork flood stops at the limit ($e_pids)" [ "${e_pids%% *}" = stopped ]

# memory: anonymous, memfd and tmpfs (a host tmpfs volume, like /dev/shm) writes of 160 MiB.
mem_run() { # mem_run NAME HOG-ARGS... -> "killed (OOM reported)", "refused", "NOT HELD", or "?"
        "$DB" run "${R[@]}" --memory 64m --memory-swap 64m -v "$W/shm:/shm:rw" -- /bin/hog "$@" >"$T/m.out" 2>"$T/m.err"
        local rc=$?
        rm -f "$W/shm/hog.$ctx"
        if has "hog: done" "$T/m.out"; then echo "NOT HELD"
        elif [ $rc = 137 ] && has "OOM killer" "$T/m.err"; then echo "killed (OOM reported)"
        elif [ $rc = 137 ]; then echo "killed (OOM not reported)"
        elif has "failed after" "$T/m.out"; then echo "refused"
        else echo "? rc=$rc $(head -c 200 "$T/m.err")"; fi
}
e_anon=$(mem_run anon 160)
e_memfd=$(mem_run memfd 160)
e_tmpfs=$(mem_run file "/shm/hog.$ctx" 160)
held() { case $1 in "killed (OOM reported)" | refused) return 0 ;; *) return 1 ;; esac; }
case $m_mem in
cgroup*)
        check "memory ($m_mem): anonymous memory stopped ($e_anon)" held "$e_anon"
        check "memory ($m_mem): memfd pages stopped ($e_memfd)" held "$e_memfd"
        check "memory ($m_mem): tmpfs pages stopped ($e_tmpfs)" held "$e_tmpfs" ;;
rlimit*)
        check "memory ($m_mem): anonymous memory refused ($e_anon)" held "$e_anon"
        check "memory ($m_mem): explain says address space only" has "address space only" "$T/explain" ;;
*)
        check "memory: a mechanism is named ($m_mem)" false ;;
esac

# cpus: a busy loop over 8 s gets at most about half a CPU where a cgroup holds it (<= 0.65: the
# limit holds).  The same loop without --cpus, right after, is the baseline: if the machine is
# so loaded that it gets no more than that either, the measurement cannot tell and says so.
"$DB" run "${R[@]}" --cpus 0.5 -- /bin/hog spin 8 >"$T/c.out" 2>"$T/c.err"
ratio=$(sed -n 's/^cpu_ratio=//p' "$T/c.out")
"$DB" run "${R[@]}" -- /bin/hog spin 8 >"$T/c0.out" 2>/dev/null
base=$(sed -n 's/^cpu_ratio=//p' "$T/c0.out")
e_cpu="CPU ratio ${ratio:-?} (unlimited: ${base:-?})"
awk -v b="${base:-0}" 'BEGIN { exit !(b <= 0.65) }' && e_cpu="$e_cpu, inconclusive: the machine is too loaded"
case $m_cpu in
cgroup*) check "cpus ($m_cpu): a busy loop gets at most about half a CPU ($e_cpu)" \
                awk -v r="${ratio:-9}" 'BEGIN { exit !(r <= 0.65) }' ;;
*) check "cpus ($m_cpu): not enforced, and the run warned so ($e_cpu)" has "not enforced" "$T/c.err" ;;
esac

# attest with the seeds' limits: every probe PASSes, or the ones no mechanism here can hold FAIL
# and say so; the bundle names the mechanism that held each limit, as explain does.
"$DB" attest --pids-limit 64 --memory 256m --memory-swap 256m --cpus 1 -o "$T/ev" >"$T/a.out" 2>"$T/a.err"
arc=$?
B=$T/ev/sandbox-attestation-evidence.json
# (no jq: the table's verdict column, and the bundle's limits in their fixed order)
fails=$(awk '/^PR-/ && $2 != "PASS" { printf "%s%s", sep, $1; sep = "," }' "$T/a.out")
bmech=$(grep -o '"mechanism": *"[^"]*"' "$B" 2>/dev/null | sed 's/.*: *"\(.*\)"/\1/' |
        paste -d' ' <(printf '%s\n' pids memory memory-swap cpus) - | sed 's/ /=/' | tr '\n' ' ' | sed 's/ $//')
echo "attest rc=$arc, not PASS: ${fails:-none}; bundle: $bmech"
"$DB" explain --pids-limit 64 --memory 256m --memory-swap 256m --cpus 1 2>/dev/null | grep '^limits:' >"$T/explain.seeds"
check "the bundle names the same mechanisms as explain" \
        [ "limits: $(echo "$bmech" | sed 's/=/=/g')" = "$(cat "$T/explain.seeds")" ]
case $m_mem in
rlimit*)
        e_att="rc $arc, FAIL: ${fails:-none}"
        check "attest: only PR-MEM-2 fails (address space only) ($e_att)" [ "$arc" = 2 ] && [ "$fails" = PR-MEM-2 ] ;;
*)
        e_att="rc $arc, all PASS"
        [ -n "$fails" ] && e_att="rc $arc, not PASS: $fails"
        check "attest: every probe PASSes ($e_att)" [ "$arc" = 0 ] && [ -z "$fails" ] ;;
esac

# Where the cgroups went (v2): the sandbox's cgroup beside the leaf denybox moved itself into,
# both inside denybox's own cgroup: ours, or a scope systemd made for it (denybox is not alone in
# ours).  And nothing is left behind.
e_cg="v2 not used"
if [ "$m_pids" = "cgroup v2" ]; then
        "$DB" run "${R[@]}" --pids-limit 8 --memory 64m -- /bin/sleep 60 >/dev/null 2>"$T/p.err" &
        dbp=$!
        where="" launcher=""
        for _ in $(seq 1200); do
                init=$(cat /proc/$dbp/task/$dbp/children 2>/dev/null | awk '{print $1}')
                [ -n "$init" ] && where=$(sed -n 's/^0:://p' /proc/$init/cgroup 2>/dev/null)
                launcher=$(sed -n 's/^0:://p' /proc/$dbp/cgroup 2>/dev/null)
                case $where in */denybox-[0-9]*) break ;; esac
                sleep 0.1
        done
        kill -TERM $dbp 2>/dev/null
        wait $dbp 2>/dev/null
        parent=${where%/*}
        case $parent in
        "$own") e_cg="inside its own cgroup" ;;
        *.scope) e_cg="inside a scope systemd made for it (${parent##*/})" ;;
        *) e_cg="OUTSIDE: $where (own $own)" ;;
        esac
        check "v2: the sandbox's cgroup $where is inside denybox's own ($e_cg), beside its leaf $launcher" \
                [ "${e_cg%% *}" = inside ] && [ "${launcher%/*}" = "$parent" ]
fi
find /sys/fs/cgroup -type d 2>/dev/null | sort >"$T/cg.after"
left=$(comm -13 "$T/cg.before" "$T/cg.after" | grep -i denybox | while read -r d; do
        [ -d "/proc/${d##*-}" ] || echo "$d"; done | head -3 | tr '\n' ' ') # a live pid: another run's
check "no cgroup is left behind (${left:-none})" [ -z "$left" ]
[ -z "$left" ] && e_cg="$e_cg, none left" || e_cg="$e_cg, LEFT: $left"

echo "| $ctx | $m_pids: $e_pids | $m_mem: $e_anon / $e_memfd / $e_tmpfs | $m_cpu: $e_cpu | $e_att | $e_cg |" >"$W/res/$ctx.row"
[ ! -s "$W/res/$ctx.fail" ]
