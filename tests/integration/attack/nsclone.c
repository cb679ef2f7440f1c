/* SPDX-License-Identifier: MIT */
/* The attack of issue 9 item 1, run as denybox's payload by tests/integration/attack_nsclone.sh:
 * clone(CLONE_NEWUSER | CLONE_NEWNS) -- the child holds every capability in its new user namespace
 * -- and, in that child, the new mount API: fsopen("tmpfs") + fsconfig + fsmount + move_mount of an
 * exec-able tmpfs over /tmp, where mount(2) itself is denied.  When clone is refused, the same
 * mount steps are tried in the payload itself, so every step's own answer is seen.
 *
 * One line per step on stdout: "STEP <name> ok" or "STEP <name> errno <NAME>", then
 * "STEP tmp-noexec yes|no" (statvfs of /tmp in the process that tried to mount).  Exit 0. */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "step.h"

static void mount_tmpfs_over_tmp(void)
{
        int fs = (int)step("fsopen", syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC));
        step("fsconfig-size", syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", "1m", 0));
        step("fsconfig-create", syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0));
        int mnt = (int)step("fsmount", syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0 /* no MOUNT_ATTR_NOEXEC */));
        step("move_mount", syscall(SYS_move_mount, mnt, "", AT_FDCWD, "/tmp", MOVE_MOUNT_F_EMPTY_PATH));
        struct statvfs sv;
        if (statvfs("/tmp", &sv) == 0)
                printf("STEP tmp-noexec %s\n", (sv.f_flag & ST_NOEXEC) ? "yes" : "no");
        else
                printf("STEP tmp-noexec unknown\n");
        fflush(stdout);
}

int main(void)
{
        long pid = step("clone", syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWNS | SIGCHLD, NULL, NULL, NULL, 0));
        if (pid == 0) {
                mount_tmpfs_over_tmp();
                _exit(0);
        }
        if (pid > 0) {
                int st;
                waitpid((pid_t)pid, &st, 0);
                return 0;
        }
        step("unshare", syscall(SYS_unshare, CLONE_NEWUSER | CLONE_NEWNS));
        mount_tmpfs_over_tmp();
        return 0;
}
