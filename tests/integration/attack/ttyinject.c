/* SPDX-License-Identifier: MIT */
/* The terminal attack of issue 10, run as denybox's payload by tests/integration/attack_tty.sh:
 * with stdin a terminal that is nobody's controlling terminal, take it as ours (setsid +
 * TIOCSCTTY) and push "echo INJECTED\n" into its input (TIOCSTI), then try TIOCSTI with the high
 * 32 bits set, TIOCLINUX's paste and TIOCSETD (to N_TTY, the discipline a tty has: no change even
 * if it passes).  One line per step: "STEP <name> ok" or "STEP <name> errno <NAME>".  Exit 0. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "step.h"

int main(void)
{
        static const char line[] = "echo INJECTED\n";
        step("setsid", setsid()); /* EPERM when already a session leader: fine either way */
        step("TIOCSCTTY", ioctl(0, TIOCSCTTY, 0));
        long r = 0;
        for (size_t i = 0; i < sizeof(line) - 1 && r == 0; i++)
                r = syscall(SYS_ioctl, 0, (unsigned long)TIOCSTI, &line[i]);
        step("TIOCSTI", r);
        char c = '#';
        step("TIOCSTI-high", syscall(SYS_ioctl, 0, ~(uint64_t)0xffffffff | TIOCSTI, &c));
        unsigned char paste = 3; /* TIOCL_PASTESEL */
        step("TIOCLINUX", syscall(SYS_ioctl, 0, (unsigned long)TIOCLINUX, &paste));
        int n_tty = 0;
        step("TIOCSETD", syscall(SYS_ioctl, 0, (unsigned long)TIOCSETD, &n_tty));
        return 0;
}
