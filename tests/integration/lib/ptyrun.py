#!/usr/bin/python3
# ptyrun.py CMD... : run CMD with stdin/stdout/stderr on a fresh pseudo-terminal that is nobody's
# controlling terminal (as a CI harness may allocate), then report what reached that terminal:
#   rc=N            CMD's exit status
#   echoed=...      what the terminal echoed (input injected with TIOCSTI is echoed here)
#   pending=...     input left queued on the terminal for the caller to read
#   ldisc=N         the terminal's line discipline afterwards (0 = N_TTY, unchanged)
# and CMD's own output (which goes to the pty too) is in `echoed` as well.
import fcntl, os, pty, struct, subprocess, sys, termios

master, slave = pty.openpty()
p = subprocess.run(sys.argv[1:], stdin=slave, stdout=slave, stderr=slave, start_new_session=True, timeout=240)
ldisc = struct.unpack('i', fcntl.ioctl(slave, termios.TIOCGETD, b'\0' * 4))[0]

def drain(fd):
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
    out = b''
    while True:
        try:
            b = os.read(fd, 65536)
        except (BlockingIOError, OSError):
            break
        if not b:
            break
        out += b
    return out

echoed = drain(master)
pending = drain(slave) if ldisc == 0 else b''
print('rc=%d' % p.returncode)
print('echoed=%r' % echoed)
print('pending=%r' % pending)
print('ldisc=%d' % ldisc)
