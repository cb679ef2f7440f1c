#!/bin/bash
# Faults: the launcher SIGKILLed mid-run takes the whole sandbox with it; an /out past its size
# fails the payload's write (ENOSPC) as documented; zombies are reaped by denybox's init.
# (Fork bomb, memory hog, timeout and crashes: limits.sh. SIGKILL mid-attest: reports.sh.
# Supervisor gone -> exec fails closed: tests/unit/test_supervisor.c.)
. "$(dirname "$0")/common.sh"
command -v pgrep >/dev/null || { echo "pgrep (procps) is missing"; exit 77; }
make_busybox_rootfs "$T/r"

# 1. SIGKILL to the launcher: init and payload die too (PDEATHSIG, then the pid namespace)
"$DENYBOX" run --rootfs "$T/r" -- /bin/sh -c 'echo started; while :; do :; done' >"$T/fo" 2>&1 &
db=$!
wait_until 120 grep -q started "$T/fo"
init=$(pgrep -P $db | head -1)
payload=$(pgrep -P "${init:-0}" | head -1)
check "the sandbox is running (launcher $db, init ${init:-?}, payload ${payload:-?})" [ -n "$init" ] && [ -n "$payload" ]
kill -KILL $db
wait $db 2>/dev/null
both_gone() { ! kill -0 "$init" 2>/dev/null && ! kill -0 "$payload" 2>/dev/null; }
gone=no
wait_until 120 both_gone && gone=yes
check "init and payload died with the launcher" [ $gone = yes ]

# 2. /out without a volume is a 16 MiB tmpfs: writing more fails with ENOSPC, nothing spills
run_db run --rootfs "$T/r" -- /bin/sh -c '
s=0123456789abcdef; s=$s$s$s$s$s$s$s$s; s=$s$s$s$s$s$s$s$s   # 1 KiB
exec 3>/out/big; i=0
while [ $i -lt 20480 ]; do echo "$s" >&3 || { echo "stopped at $i KiB"; exit 9; }; i=$((i+1)); done
echo "wrote it all"'
check "writing 20 MiB into the 16 MiB /out fails (rc=$rc)" [ $rc = 9 ]
check "...with ENOSPC" has "No space left on device" "$T/err"
check "...after about 16 MiB" grep -Eq "stopped at (1[56][0-9]{3}) KiB" "$T/out"

# 3. orphans are reaped: a payload that leaves 5 zombies behind and exits
run_db run --rootfs "$T/r" -- /bin/sh -c 'for i in 1 2 3 4 5; do (exit 0) & done; echo bye'
check "a payload leaving children behind exits cleanly (rc=$rc)" [ $rc = 0 ] && has bye "$T/out"
run_db run --rootfs "$T/r" -- /bin/sh -c '( ( : ) & )
zombies() { z=0; for s in /proc/[0-9]*/stat; do read -r _ _ st _ < "$s" 2>/dev/null && [ "$st" = Z ] && z=$((z+1)); done; }
try=0; zombies; while [ $z -gt 0 ] && [ $try -lt 500 ]; do try=$((try+1)); i=0; while [ $i -lt 200 ]; do i=$((i+1)); done; zombies; done
echo "zombies=$z after $try tries"'
check "orphaned grandchildren are reaped by init (no zombies left)" has "zombies=0" "$T/out"
finish
