/* SPDX-License-Identifier: MIT */
/* Helpers for the live seccomp tests (filters loaded in forked children). */
#pragma once

#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>

/* i386 ABI through int 0x80 from a 64-bit process (up to three arguments): arch
 * AUDIT_ARCH_I386, which must take the bad-arch action.  Returns -errno like the raw syscall. */
static inline long int80(long nr, long a, long b, long c)
{
        long ret;
        __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
        return ret;
}

/* Does this kernel run int 0x80 at all (IA32 emulation)?  Checked in a throwaway child. */
static inline bool have_ia32(void)
{
        pid_t pid = fork();
        if (pid == 0)
                _exit(int80(20, 0, 0, 0) == getpid() ? 0 : 1);
        int st;
        waitpid(pid, &st, 0);
        return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}
