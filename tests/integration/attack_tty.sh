#!/bin/bash
# Issue 10, the terminal attack itself: stdin is a pseudo-terminal this test allocates and that is
# nobody's controlling terminal (as a CI harness may hand one); the payload (attack/ttyinject.c)
# does setsid + TIOCSCTTY + TIOCSTI "echo INJECTED\n", TIOCSTI with the high 32 bits set,
# TIOCLINUX and TIOCSETD.  Nothing may arrive in the terminal's input, and the ioctls must fail.
# (Before the fix the line was injected.)  Whether the payload sees the terminal at all (relayed
# stdio gives it a pipe: ENOTTY) or is refused by stage 1's always-on guard (EPERM), the attack
# must fail; the test says which.
. "$(dirname "$0")/common.sh"
[ -x "${ATTACK_TTYINJECT:-}" ] || { echo "ATTACK_TTYINJECT (the built attacker) is not set"; exit 77; }
command -v python3 >/dev/null || { echo "python3 is missing"; exit 77; }
mkdir -p "$T/a" && cp "$ATTACK_TTYINJECT" "$T/a/ttyinject" && chmod -R a+rX "$T/a"

python3 - "$DENYBOX" "$T/a" >"$T/report" 2>&1 <<'PY'
import os, subprocess, sys, termios
denybox, adir = sys.argv[1], sys.argv[2]
master, slave = os.openpty()  # opened without becoming our controlling terminal
p = subprocess.run([denybox, "run", "-v", adir + ":/in:ro", "--", "/in/ttyinject"],
                   stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
print("rc", p.returncode)
sys.stdout.write(p.stdout.decode(errors="replace"))
os.set_blocking(slave, False)
try:
    got = os.read(slave, 4096)
except BlockingIOError:
    got = b""
print("TTY-INPUT", repr(got))
PY
cat "$T/report" | sed 's/^/# /'
check "the attacker ran" has "^rc 0" "$T/report"
check "nothing arrived in the terminal's input" has "^TTY-INPUT b''" "$T/report"
for s in TIOCSTI TIOCSTI-high TIOCLINUX TIOCSETD; do
        check "$s fails" grep -Eq "^STEP $s errno (EPERM|ENOTTY|EIO)$" "$T/report"
done
if grep -q "^STEP TIOCSCTTY ok" "$T/report"; then
        check "the payload took the terminal, so the refusal is seccomp's: TIOCSTI gets EPERM" has "^STEP TIOCSTI errno EPERM" "$T/report"
else
        ok "the payload holds no terminal of the caller (TIOCSCTTY: $(grep '^STEP TIOCSCTTY' "$T/report" | cut -d' ' -f3-))"
fi
finish
