#!/bin/bash
# denybox run on a busybox rootfs under the seeds' strict profile: the inner exec is EPERM, the
# boundary holds as seen from a shell inside (builtins only: exec is denied).
. "$(dirname "$0")/common.sh"
make_busybox_rootfs "$T/r"
mkdir -p "$T/in" "$T/od" && chmod 0777 "$T/od" && echo data >"$T/in/file"
R=(--rootfs "$T/r" -v "$T/in:/in:ro" -v "$T/od:/out:rw")

# The seeds' failure (000_*): under runc the strict profile could not even start. Here it starts,
# and the payload's own exec is denied by seccomp.
run_db run "${R[@]}" -- /bin/sh -c 'echo started; exec /bin/true'
check "the strict profile started the payload" has started "$T/out"
check "the inner exec failed (rc=$rc)" [ $rc != 0 ]
check "the supervisor logged it as denied with EPERM" has 'exec denied: pid [0-9]* execve("/bin/true") -> Operation not permitted' "$T/err"
check "the shell saw EPERM" has "Operation not permitted" "$T/err"

inside() { run_db run "${R[@]}" -- /bin/sh -c "$1"; }
for p in /in/x / /etc/x /app/x /root/x; do
        f=$p; [ "$p" = / ] && f=/x
        inside "echo pwn > $f"
        check "write to $f fails with EROFS (rc=$rc)" has "Read-only file system" "$T/err"
done
inside 'echo ok > /out/written && echo done'
check "a write to /out works" grep -qx ok "$T/od/written"
inside 'echo x > /tmp/t && echo tmp-ok'
check "/tmp is writable" has tmp-ok "$T/out"

inside 'while read -r l; do echo "$l"; done < /proc/net/dev'
check "/proc/net/dev lists lo" has "lo:" "$T/out"
check "/proc/net/dev lists nothing but lo" [ "$(grep -c ':' "$T/out")" = 1 ]

inside 'while read -r k v; do echo "$k $v"; done < /proc/self/status'
for k in CapInh CapPrm CapEff CapBnd CapAmb; do
        check "$k is 0" has "^$k: 0000000000000000" "$T/out"
done
check "NoNewPrivs is 1" has "^NoNewPrivs: 1" "$T/out"
check "Seccomp is 2 (filter)" has "^Seccomp: 2" "$T/out"
check "two filters are stacked" has "^Seccomp_filters: 2" "$T/out"
check "uid is 65532" has "^Uid: 65532[[:space:]]65532[[:space:]]65532[[:space:]]65532" "$T/out"
check "gid is 65532" has "^Gid: 65532[[:space:]]65532[[:space:]]65532[[:space:]]65532" "$T/out"
check "the payload is pid 2, under denybox's init (own pid namespace)" has "^Pid: 2$" "$T/out"
check "its parent is pid 1" has "^PPid: 1$" "$T/out"

inside 'echo "$HOSTNAME"; for v in $(set | while IFS== read -r k _; do echo $k; done); do :; done; echo "HOME=$HOME"'
check "hostname is denybox" has "^denybox$" "$T/out"
check "HOME is /home/nonroot" has "^HOME=/home/nonroot$" "$T/out"

SECRET_TOKEN=leak run_db run "${R[@]}" -- /bin/sh -c 'echo "token=${SECRET_TOKEN:-absent}"'
check "the caller's environment does not leak in" has "token=absent" "$T/out"

# A profile that allows exec lets a general payload run subprocesses (the supervisor follows it).
run_db run "${R[@]}" --security-opt seccomp=startup-safe -- /bin/sh -c '/bin/true && echo child-ran'
check "under startup-safe a subprocess runs (rc=$rc)" has child-ran "$T/out"

# Exit status passes through.
run_db run "${R[@]}" -- /bin/sh -c 'exit 7'
check "the payload's exit status is reported (7, got $rc)" [ $rc = 7 ]

# pid 1: a payload killed by a signal is reported as such; SIGTERM to denybox reaches the payload.
run_db run "${R[@]}" -- /bin/sh -c 'kill -KILL $$'
check "a payload killed by SIGKILL exits 137 (got $rc)" [ $rc = 137 ]
"$DENYBOX" run "${R[@]}" -- /bin/sh -c 'trap "echo got-term; exit 5" TERM; echo ready; while :; do :; done' >"$T/fwd" 2>&1 &
db=$!
wait_until 120 grep -q ready "$T/fwd"
kill -TERM $db
wait $db
rc=$?
check "SIGTERM to denybox is forwarded to the payload (rc=$rc)" [ $rc = 5 ]
check "...whose trap ran" has got-term "$T/fwd"
finish
