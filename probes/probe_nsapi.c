/* SPDX-License-Identifier: MIT */
/* Observations of denybox's always-on seccomp rules against nested namespaces, the new mount API
 * and terminal ioctls (issue 9 item 1, issue 10): the payload creates no namespace, mounts nothing
 * through fsopen & co., and pushes nothing into a terminal.
 *
 * Each call is made with arguments the kernel itself refuses with another errno, so nothing is
 * ever created even on an open host, and without seccomp (--weaken seccomp) the answer differs:
 * - clone(CLONE_NEW* | CLONE_THREAD): CLONE_THREAD without CLONE_SIGHAND is EINVAL, checked before
 *   any namespace is made; seccomp's EPERM (stage 1's guard) comes first.
 * - the new mount API: seccomp answers ENOSYS (as flatpak does: libmount then falls back to
 *   mount(2)); the kernel answers EPERM without CAP_SYS_ADMIN (fsopen, fsmount, fspick,
 *   move_mount check it first) or EINVAL (fsconfig, open_tree, mount_setattr: bad arguments).
 * - terminal ioctls on fd -1: EBADF from the kernel; EPERM from stage 1's guard, which compares
 *   the low 32 bits of the request as the kernel does, so the same request with every high bit
 *   set must get EPERM too (each probe makes both calls). */
#include "probe.h"

#include <errno.h>
#include <linux/sched.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define HIGH_BITS (~(uint64_t)0xffffffff)

static int sys_errno(long ret)
{
        return ret < 0 ? errno : 0;
}

static void clone_ns(struct obs *o, unsigned long flag, const char *name)
{
        char what[96];
        snprintf(what, sizeof(what), "clone(%s | CLONE_THREAD, NULL)", name);
        /* a NULL stack with CLONE_THREAD: should the kernel ever accept it, the child would run on
         * our stack; it never does -- EINVAL (no CLONE_SIGHAND) -- and seccomp answers first */
        record(o, sys_errno(syscall(SYS_clone, flag | CLONE_THREAD, NULL, NULL, NULL, 0)), what);
}

void probe_clone_newns(struct obs *o) { clone_ns(o, CLONE_NEWNS, "CLONE_NEWNS"); }
void probe_clone_newcgroup(struct obs *o) { clone_ns(o, CLONE_NEWCGROUP, "CLONE_NEWCGROUP"); }
void probe_clone_newuts(struct obs *o) { clone_ns(o, CLONE_NEWUTS, "CLONE_NEWUTS"); }
void probe_clone_newipc(struct obs *o) { clone_ns(o, CLONE_NEWIPC, "CLONE_NEWIPC"); }
void probe_clone_newuser(struct obs *o) { clone_ns(o, CLONE_NEWUSER, "CLONE_NEWUSER"); }
void probe_clone_newpid(struct obs *o) { clone_ns(o, CLONE_NEWPID, "CLONE_NEWPID"); }
void probe_clone_newnet(struct obs *o) { clone_ns(o, CLONE_NEWNET, "CLONE_NEWNET"); }

void probe_fsopen(struct obs *o)
{
        record(o, sys_errno(syscall(SYS_fsopen, "tmpfs", 0xff00)), "fsopen(\"tmpfs\", 0xff00)");
}

void probe_fsconfig(struct obs *o)
{
        record(o, sys_errno(syscall(SYS_fsconfig, -1, 0 /* FSCONFIG_SET_FLAG */, "ro", NULL, 0)),
               "fsconfig(-1, FSCONFIG_SET_FLAG, \"ro\", NULL, 0)");
}

void probe_fsmount(struct obs *o)
{
        record(o, sys_errno(syscall(SYS_fsmount, -1, 0xff00, 0)), "fsmount(-1, 0xff00, 0)");
}

void probe_fspick(struct obs *o)
{
        record(o, sys_errno(syscall(SYS_fspick, -1, "", 0xff00)), "fspick(-1, \"\", 0xff00)");
}

void probe_move_mount(struct obs *o)
{
        record(o, sys_errno(syscall(SYS_move_mount, -1, "", -1, "", 0xffff0000)),
               "move_mount(-1, \"\", -1, \"\", 0xffff0000)");
}

void probe_open_tree(struct obs *o)
{
        record(o, sys_errno(syscall(SYS_open_tree, -1, "", 0x80000000)), "open_tree(-1, \"\", 0x80000000)");
}

void probe_mount_setattr(struct obs *o)
{
        record(o, sys_errno(syscall(SYS_mount_setattr, -1, "", 0, NULL, 0)), "mount_setattr(-1, \"\", 0, NULL, 0)");
}

static void tty_ioctl(struct obs *o, const char *id, unsigned long request, const char *name)
{
        char arg[8] = { 0 }, w1[96], w2[96];
        snprintf(w1, sizeof(w1), "ioctl(-1, %s)", name);
        snprintf(w2, sizeof(w2), "ioctl(-1, 0xffffffff00000000 | %s)", name);
        int e1 = sys_errno(syscall(SYS_ioctl, -1, request, arg));
        int e2 = sys_errno(syscall(SYS_ioctl, -1, HIGH_BITS | request, arg));
        record_two(o, id, e1, w1, e2, w2);
}

void probe_tty_tiocsti(struct obs *o) { tty_ioctl(o, "PR-TTY-TIOCSTI", TIOCSTI, "TIOCSTI"); }
void probe_tty_tioclinux(struct obs *o) { tty_ioctl(o, "PR-TTY-TIOCLINUX", TIOCLINUX, "TIOCLINUX"); }
void probe_tty_tiocsetd(struct obs *o) { tty_ioctl(o, "PR-TTY-TIOCSETD", TIOCSETD, "TIOCSETD"); }
void probe_tty_tioccons(struct obs *o) { tty_ioctl(o, "PR-TTY-TIOCCONS", TIOCCONS, "TIOCCONS"); }
