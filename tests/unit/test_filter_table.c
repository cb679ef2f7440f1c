/* SPDX-License-Identifier: MIT */
/* Table tests of the compiled filter without loading it: {profile, arch, syscall, args} -> the
 * SECCOMP_RET_* value of stage 2 and of stage 1, computed by a strict classic-BPF evaluator
 * (bpf_sim.c) over the exact bytes filter_set_compile() exports.  Once per profile family a
 * handful of rows are also run for real (stage 2 loaded in a forked child, as test_filter.c's live
 * tables do) and compared with an unfiltered run, so the simulator is known to agree with the
 * kernel.  And the simulator must refuse what it does not understand: hand-built bad programs. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "bpf_sim.h"
#include "filter.h"
#include "profile.h"
#include "live.h"
#include "unit.h"

static const struct filter_host host61 = { 6, 1 };

/* ---- expectations ---- */

#define ALLOW SECCOMP_RET_ALLOW
#define NOTIF SECCOMP_RET_USER_NOTIF
#define KILLP SECCOMP_RET_KILL_PROCESS
#define KILLT SECCOMP_RET_KILL_THREAD
#define ERR(e) (SECCOMP_RET_ERRNO | (uint32_t)(e))

/* Stage 1 is the same for every profile: exec -> the supervisor, non-native ABIs -> ENOSYS. */
#define S1 ALLOW
#define S1_EXEC NOTIF
#define S1_GUARD ERR(EPERM) /* stage 1's own no-second-listener guard (op masked to 32 bits) */
#define S1_BADARCH ERR(ENOSYS)
#define S1_NS ERR(EPERM)  /* stage 1's always-on guard: clone with a CLONE_NEW* flag */
#define S1_TTY ERR(EPERM) /* stage 1's always-on guard: TIOCSTI, TIOCLINUX, TIOCSETD, TIOCCONS (low 32 bits) */

enum abi { X64, I386, X32 };

/* Cross-check with the kernel: LIVE runs the row for real (stage 2 only, so exec rows are safe:
 * their pointer arguments are NULL). */
enum { SIM = 0, LIVE = 1 };

struct row {
        enum abi abi;
        const char *name;
        uint64_t a[6];
        uint32_t stage2, stage1;
        int live;
        const char *why;
};

struct table {
        const char *profile; /* "builtin:NAME" or a path under PROFILES_DIR */
        const struct row *rows;
        size_t n;
};

#define NEWUSER ((uint64_t)CLONE_NEWUSER)
#define HIGH ((uint64_t)1 << 32) /* a bit the kernel drops for an int argument; seccomp sees it */
#define PTHREAD_FLAGS                                                                                  \
        ((uint64_t)(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | \
                    CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID))
#define FD_NONE ((uint64_t)-1)
/* The always-on stage-1 guards and stage-2 denials are the same under every profile whose own
 * rules are not stricter: these rows go into several tables. */
#define ALWAYS_ON_ROWS(s2ns, s2mnt)                                                                          \
        { X64, "clone", { CLONE_NEWNS | SIGCHLD }, s2ns, S1_NS, SIM, "always-on: CLONE_NEWNS" },            \
        { X64, "clone", { CLONE_NEWCGROUP | SIGCHLD }, s2ns, S1_NS, SIM, "always-on: CLONE_NEWCGROUP" },    \
        { X64, "clone", { CLONE_NEWUTS | SIGCHLD }, s2ns, S1_NS, SIM, "always-on: CLONE_NEWUTS" },          \
        { X64, "clone", { CLONE_NEWIPC | SIGCHLD }, s2ns, S1_NS, SIM, "always-on: CLONE_NEWIPC" },          \
        { X64, "clone", { NEWUSER | CLONE_NEWNS | SIGCHLD }, s2ns, S1_NS, SIM, "always-on: the attack" },   \
        { X64, "clone", { CLONE_NEWPID | SIGCHLD }, s2ns, S1_NS, SIM, "always-on: CLONE_NEWPID" },          \
        { X64, "clone", { CLONE_NEWNET | CLONE_THREAD }, s2ns, S1_NS, SIM, "always-on: CLONE_NEWNET" },     \
        { X64, "clone", { NEWUSER | HIGH }, s2ns, S1_NS, SIM, "a high bit does not hide the flag" },      \
        { X64, "clone", { SIGCHLD }, ALLOW, S1, SIM, "fork: no namespace flag" },                           \
        { X64, "clone", { PTHREAD_FLAGS }, ALLOW, S1, SIM, "pthread_create" },                              \
        { X64, "ioctl", { FD_NONE, TIOCSTI }, ALLOW, S1_TTY, SIM, "always-on: TIOCSTI" },                   \
        { X64, "ioctl", { FD_NONE, TIOCSTI | HIGH }, ALLOW, S1_TTY, SIM, "always-on: low 32 bits" },        \
        { X64, "ioctl", { FD_NONE, TIOCLINUX }, ALLOW, S1_TTY, SIM, "always-on: TIOCLINUX" },               \
        { X64, "ioctl", { FD_NONE, TIOCSETD | (HIGH << 8) }, ALLOW, S1_TTY, SIM, "always-on: TIOCSETD" },   \
        { X64, "ioctl", { FD_NONE, TIOCCONS }, ALLOW, S1_TTY, SIM, "always-on: TIOCCONS" },                 \
        { X64, "ioctl", { FD_NONE, TCGETS }, ALLOW, S1, SIM, "other ioctls pass" },                         \
        { X64, "ioctl", { FD_NONE, TIOCGWINSZ }, ALLOW, S1, SIM, "other ioctls pass" },                     \
        { X64, "setns", { FD_NONE, 0 }, ERR(EPERM), S1, SIM, "always-on" },                                 \
        { X64, "unshare", { 0 }, ERR(EPERM), S1, SIM, "always-on, whatever the flags" },                    \
        { X64, "fsopen", { 0 }, s2mnt, S1, SIM, "always-on: new mount API" },                               \
        { X64, "fsconfig", { 0 }, s2mnt, S1, SIM, "always-on: new mount API" },                             \
        { X64, "fsmount", { 0 }, s2mnt, S1, SIM, "always-on: new mount API" },                              \
        { X64, "fspick", { 0 }, s2mnt, S1, SIM, "always-on: new mount API" },                               \
        { X64, "move_mount", { 0 }, s2mnt, S1, SIM, "always-on: new mount API" },                           \
        { X64, "open_tree", { 0 }, s2mnt, S1, SIM, "always-on: new mount API" },                            \
        { X64, "mount_setattr", { 0 }, s2mnt, S1, SIM, "always-on: new mount API" }

static const struct row strict_rows[] = {
        { X64, "socket", { AF_INET, SOCK_STREAM }, ERR(EPERM), S1, LIVE, "profile deny list" },
        { X64, "connect", { 3 }, ERR(EPERM), S1, SIM, "profile deny list" },
        { X64, "mount", { 0 }, ERR(EPERM), S1, SIM, "profile deny list" },
        { X64, "unshare", { NEWUSER }, ERR(EPERM), S1, SIM, "profile deny list" },
        { X64, "ptrace", { 0 }, ERR(EPERM), S1, SIM, "profile deny list" },
        { X64, "execve", { 0 }, ALLOW, S1_EXEC, LIVE, "exec left to stage 1 (ERRNO would outrank USER_NOTIF)" },
        { X64, "execveat", { 0 }, ALLOW, S1_EXEC, SIM, "exec left to stage 1" },
        { X64, "getpid", { 0 }, ALLOW, S1, LIVE, "defaultAction" },
        { X64, "read", { 0 }, ALLOW, S1, SIM, "defaultAction" },
        { X64, "clone", { NEWUSER | SIGCHLD }, ALLOW, S1_NS, SIM, "strict allows clone; stage 1 does not" },
        ALWAYS_ON_ROWS(ALLOW, ERR(ENOSYS)),
        { X64, "ioctl", { FD_NONE, TIOCSTI }, ALLOW, S1_TTY, LIVE, "live: stage 2 allows it" },
        { X64, "fsopen", { 0, 0xff00 }, ERR(ENOSYS), S1, LIVE, "live" },
        { X64, "#457", { 0 }, ALLOW, S1, LIVE, "statmount: defaultAction ALLOW, no ENOSYS stub" },
        { X64, "clone3", { 0 }, ERR(ENOSYS), S1, LIVE, "always-on: glibc falls back to clone" },
        { X64, "io_uring_setup", { 0 }, ERR(EPERM), S1, LIVE, "always-on" },
        { X64, "io_uring_enter", { 0 }, ERR(EPERM), S1, SIM, "always-on" },
        { X64, "io_uring_register", { 0 }, ERR(EPERM), S1, SIM, "always-on" },
        { X64, "keyctl", { 0, (uint64_t)-3 }, ERR(EPERM), S1, LIVE, "always-on" },
        { X64, "add_key", { 0 }, ERR(EPERM), S1, SIM, "always-on" },
        { X64, "request_key", { 0 }, ERR(EPERM), S1, SIM, "always-on" },
        { X64, "seccomp", { SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER }, ERR(EPERM), S1_GUARD, LIVE,
          "always-on: no second listener" },
        { X64, "seccomp", { SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC },
          ERR(EPERM), S1_GUARD, SIM, "NEW_LISTENER among other flags (MASKED_EQ)" },
        { X64, "seccomp", { SECCOMP_SET_MODE_FILTER, 0 }, ALLOW, S1, LIVE, "a filter without a listener may stack" },
        { X64, "seccomp", { SECCOMP_GET_ACTION_AVAIL, SECCOMP_FILTER_FLAG_NEW_LISTENER }, ALLOW, S1, LIVE,
          "both conditions must hold" },
        /* seccomp(2)'s op is an unsigned int: the kernel drops bit 32; stage 2 compares all 64
         * bits, so this call is SET_MODE_FILTER|NEW_LISTENER to the kernel yet passes stage 2.
         * Stage 1 masks op to 32 bits and refuses it (and the kernel's one-listener-per-chain rule
         * would answer EBUSY anyway: stage 1 holds one). */
        { X64, "seccomp", { SECCOMP_SET_MODE_FILTER | HIGH, SECCOMP_FILTER_FLAG_NEW_LISTENER }, ALLOW, S1_GUARD, LIVE,
          "64-bit compare of an int argument: see docs/SECCOMP.md" },
        { X64, "process_vm_readv", { 0 }, ERR(EPERM), S1, SIM, "profile deny list" },
        { I386, "getpid", { 0 }, KILLP, S1_BADARCH, LIVE, "non-native ABI" },
        { I386, "socketcall", { 1 }, KILLP, S1_BADARCH, SIM, "non-native ABI" },
        { I386, "execve", { 0 }, KILLP, S1_BADARCH, SIM, "an i386 exec never reaches the supervisor" },
        { X32, "getpid", { 0 }, KILLP, S1_BADARCH, LIVE, "x32: nr | 0x40000000" },
        { X32, "socket", { AF_INET, SOCK_STREAM }, KILLP, S1_BADARCH, SIM, "x32" },
        { X32, "execve", { 0 }, KILLP, S1_BADARCH, SIM, "x32 execve (520 | 0x40000000)" },
};

static const struct row moby_rows[] = {
        { X64, "clone", { NEWUSER | SIGCHLD }, ERR(EPERM), S1_NS, SIM, "MASKED_EQ 0x7e020000 == 0 fails" },
        { X64, "clone", { CLONE_NEWNS | SIGCHLD }, ERR(EPERM), S1_NS, SIM, "namespace flag" },
        { X64, "clone", { CLONE_NEWNET }, ERR(EPERM), S1_NS, SIM, "namespace flag" },
        ALWAYS_ON_ROWS(ERR(EPERM), ERR(ENOSYS)),
        { X64, "fsopen", { 0, 0xff00 }, ERR(ENOSYS), S1, LIVE, "always-on ENOSYS over Moby's default EPERM" },
        { X64, "fchmodat2", { 0 }, ALLOW, S1, SIM, "listed, and known to this libseccomp" },
        { X64, "acct", { 0 }, ERR(EPERM), S1, SIM, "below the profile's highest rule: the default" },
        { X64, "#457", { 0 }, ERR(ENOSYS), S1, LIVE, "statmount: newer than every rule -> ENOSYS (as runc)" },
        { X64, "#458", { 0 }, ERR(ENOSYS), S1, SIM, "listmount" },
        { X64, "#462", { 0 }, ERR(ENOSYS), S1, SIM, "mseal" },
        { X64, "#463", { 0 }, ERR(ENOSYS), S1, SIM, "setxattrat" },
        { X64, "#1000", { 0 }, ERR(ENOSYS), S1, LIVE, "a number past the table" },
        { X64, "#1073741823", { 0 }, ERR(ENOSYS), S1, SIM, "the highest below the x32 bit" },
        { X64, "clone", { SIGCHLD }, ALLOW, S1, SIM, "plain fork" },
        { X64, "clone", { CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD }, ALLOW, S1, SIM, "glibc fork()" },
        { X64, "clone", { CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                          CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID },
          ALLOW, S1, SIM, "pthread_create" },
        { X64, "clone3", { 0 }, ERR(ENOSYS), S1, SIM, "Moby's own rule and always-on" },
        { X64, "personality", { 0 }, ALLOW, S1, LIVE, "PER_LINUX" },
        { X64, "personality", { 8 }, ALLOW, S1, SIM, "listed" },
        { X64, "personality", { 0x20000 }, ALLOW, S1, SIM, "UNAME26" },
        { X64, "personality", { 0xffffffff }, ALLOW, S1, LIVE, "query" },
        { X64, "personality", { ADDR_NO_RANDOMIZE }, ERR(EPERM), S1, LIVE, "unlisted persona" },
        { X64, "personality", { READ_IMPLIES_EXEC }, ERR(EPERM), S1, SIM, "unlisted persona" },
        { X64, "unshare", { 0 }, ERR(EPERM), S1, LIVE, "needs CAP_SYS_ADMIN" },
        { X64, "unshare", { NEWUSER }, ERR(EPERM), S1, SIM, "needs CAP_SYS_ADMIN" },
        { X64, "mount", { 0 }, ERR(EPERM), S1, SIM, "needs CAP_SYS_ADMIN" },
        { X64, "read", { 0 }, ALLOW, S1, SIM, "allow list" },
        { X64, "getpid", { 0 }, ALLOW, S1, LIVE, "allow list" },
        { X64, "socket", { AF_INET, SOCK_STREAM }, ALLOW, S1, LIVE, "socket(family < 38)" },
        { X64, "socket", { 38 /* AF_ALG */ }, ERR(EPERM), S1, SIM, "not < 38, != 39, not > 40" },
        { X64, "socket", { 39 }, ALLOW, S1, SIM, "== 39" },
        { X64, "socket", { 40 /* AF_VSOCK */ }, ERR(EPERM), S1, SIM, "AF_VSOCK denied" },
        { X64, "socket", { 41 }, ALLOW, S1, SIM, "> 40" },
        { X64, "ptrace", { 0 }, ALLOW, S1, SIM, "includes.minKernel 4.8 <= 6.1" },
        { X64, "syslog", { 0 }, ERR(EPERM), S1, SIM, "includes.caps CAP_SYSLOG: not held" },
        { X64, "bpf", { 0 }, ERR(EPERM), S1, SIM, "includes.caps: not held" },
        { X64, "keyctl", { 0 }, ERR(EPERM), S1, SIM, "Moby does not list it; always-on anyway" },
        { X64, "io_uring_setup", { 0 }, ERR(EPERM), S1, SIM, "always-on" },
        { X64, "execve", { 0 }, ALLOW, S1_EXEC, SIM, "exec left to stage 1" },
        { X64, "seccomp", { SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER }, ERR(EPERM), S1_GUARD, SIM,
          "always-on, though Moby allows seccomp" },
        { X64, "seccomp", { SECCOMP_SET_MODE_FILTER, 0 }, ALLOW, S1, SIM, "Moby allows seccomp" },
        { X64, "seccomp", { SECCOMP_SET_MODE_STRICT, 0 }, ALLOW, S1, SIM, "the split rule's other half" },
        { I386, "getpid", { 0 }, KILLP, S1_BADARCH, SIM, "archMap lists x86: denybox does not" },
        { X32, "read", { 0 }, KILLP, S1_BADARCH, SIM, "archMap lists x32: denybox does not" },
};

static const struct row default_deny_rows[] = {
        { X64, "read", { 0 }, ALLOW, S1, SIM, "allow list" },
        { X64, "getpid", { 0 }, ALLOW, S1, LIVE, "allow list" },
        { X64, "mount", { 0 }, ERR(EPERM), S1, SIM, "not listed" },
        { X64, "acct", { 0 }, ERR(EPERM), S1, SIM, "not listed" },
        { X64, "socket", { AF_UNIX, SOCK_STREAM }, ERR(EPERM), S1, LIVE, "not listed" },
        { X64, "ptrace", { 0 }, ERR(EPERM), S1, SIM, "not listed" },
        { X64, "unshare", { 0 }, ERR(EPERM), S1, SIM, "not listed" },
        { X64, "clone", { SIGCHLD }, ALLOW, S1, SIM, "MASKED_EQ passes" },
        { X64, "clone", { NEWUSER | SIGCHLD }, ERR(EPERM), S1_NS, SIM, "namespace flag" },
        ALWAYS_ON_ROWS(ERR(EPERM), ERR(ENOSYS)),
        { X64, "#453", { 0 }, ALLOW, S1, SIM, "map_shadow_stack: listed" },
        { X64, "#457", { 0 }, ERR(ENOSYS), S1, SIM, "statmount: above futex_requeue (456), its highest rule" },
        { X64, "#457", { 0 }, ERR(ENOSYS), S1, LIVE, "statmount" },
        { X64, "personality", { 0 }, ALLOW, S1, SIM, "same index repeated = OR" },
        { X64, "personality", { 0xffffffff }, ALLOW, S1, SIM, "query" },
        { X64, "personality", { READ_IMPLIES_EXEC }, ERR(EPERM), S1, SIM, "unlisted persona" },
        { X64, "seccomp", { SECCOMP_SET_MODE_FILTER, 0 }, ALLOW, S1, SIM, "listed" },
        { X64, "seccomp", { SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER }, ERR(EPERM), S1_GUARD, SIM, "always-on" },
        { X64, "keyctl", { 0 }, ERR(EPERM), S1, SIM, "not listed; always-on" },
        { X64, "clone3", { 0 }, ERR(ENOSYS), S1, LIVE, "always-on, exact: ENOSYS, not the default EPERM" },
        { X64, "execve", { 0 }, ALLOW, S1_EXEC, SIM, "exec left to stage 1; supervisor answers EPERM" },
        { X64, "execveat", { 0 }, ALLOW, S1_EXEC, SIM, "exec left to stage 1" },
        { X64, "fchmodat2", { 0 }, ALLOW, S1, SIM, "listed" },
        { I386, "read", { 0 }, KILLP, S1_BADARCH, SIM, "non-native ABI" },
};

static const struct row masked_eq_rows[] = {
        { X64, "clone", { SIGCHLD }, ALLOW, S1, SIM, "(flags & 0x7e020000) == 0" },
        { X64, "clone", { NEWUSER | SIGCHLD }, ERR(EPERM), S1_NS, SIM, "defaultErrnoRet 1" },
        { X64, "clone", { CLONE_NEWPID }, ERR(EPERM), S1_NS, SIM, "defaultErrnoRet 1" },
        { X64, "clone", { SIGCHLD | HIGH }, ALLOW, S1, SIM, "MASKED_EQ's high word: mask 0" },
        { X64, "open", { 0 }, ALLOW, S1, SIM, "legacy name, args []" },
        { X64, "close", { 0 }, ALLOW, S1, SIM, "legacy name" },
        { X64, "syslog", { 0 }, ERR(4094), S1, SIM, "errnoRet 12345 clamped to 4094 (libseccomp refuses >= 4095)" },
        { X64, "read", { 0 }, ERR(EPERM), S1, SIM, "unlisted" },
        { X64, "openat", { 0 }, ERR(EPERM), S1, SIM, "unlisted" },
        { X64, "clone3", { 0 }, ERR(ENOSYS), S1, SIM, "always-on" },
        { X64, "execve", { 0 }, ALLOW, S1_EXEC, SIM, "exec left to stage 1; supervisor answers EPERM" },
};

static const struct row errnoret100_rows[] = {
        { X64, "mkdir", { 0 }, ERR(100), S1, LIVE, "errnoRet 100 (ENETDOWN)" },
        { X64, "mkdirat", { 0 }, ERR(100), S1, SIM, "errnoRet 100" },
        { X64, "rmdir", { 0 }, ALLOW, S1, SIM, "defaultAction" },
};

static const struct row kill_mkdir_rows[] = {
        { X64, "mkdir", { 0 }, KILLT, S1, SIM, "SCMP_ACT_KILL = KILL_THREAD (as libseccomp)" },
        { X64, "mkdirat", { 0 }, KILLT, S1, SIM, "SCMP_ACT_KILL" },
        { X64, "getpid", { 0 }, ALLOW, S1, SIM, "defaultAction" },
};

#define TIOCSTI_ ((uint64_t)TIOCSTI)
static const struct row tiocsti_rows[] = {
        /* stacked, the tie between two ERRNOs goes to the newer filter: the profile's 111 */
        { X64, "ioctl", { (uint64_t)-1, TIOCSTI_ }, ERR(111), S1_TTY, LIVE, "MASKED_EQ 0xffffffff == 0x5412" },
        { X64, "ioctl", { (uint64_t)-1, TIOCSTI_ | HIGH }, ERR(111), S1_TTY, LIVE, "CVE-2019-10063: high bits ignored by the mask" },
        { X64, "ioctl", { (uint64_t)-1, TIOCLINUX }, ALLOW, S1_TTY, SIM, "the profile allows it; stage 1 does not" },
        { X64, "ioctl", { (uint64_t)-1, TCGETS }, ALLOW, S1, LIVE, "other ioctls" },
        { X64, "chmod", { 0 }, ERR(111), S1, SIM, "errnoRet 111" },
        { X64, "chroot", { 0 }, ERR(111), S1, SIM, "errnoRet 111" },
        { X64, "prctl", { 0 }, ERR(111), S1, SIM, "errnoRet 111" },
};

static const struct row dup_index_rows[] = {
        { X64, "process_vm_readv", { 100 }, ALLOW, S1, SIM, "index 0 twice = OR" },
        { X64, "process_vm_readv", { 9001 }, ALLOW, S1, SIM, "index 0 twice = OR" },
        { X64, "process_vm_readv", { 101 }, ERR(EPERM), S1, SIM, "neither" },
        { X64, "getpid", { 0 }, ERR(EPERM), S1, SIM, "defaultAction" },
};

/* The profile's EQ rule (which upstream lets unshare(CLONE_NEWUSER|CLONE_NEWNS) and 64-bit
 * variants slip past) is replaced by the always-on unconditional denial. */
static const struct row userns_args_rows[] = {
        { X64, "unshare", { NEWUSER }, ERR(EPERM), S1, SIM, "arg0 == CLONE_NEWUSER" },
        { X64, "unshare", { NEWUSER | CLONE_NEWNS }, ERR(EPERM), S1, SIM, "upstream's EQ would pass it; always-on" },
        { X64, "unshare", { 0 }, ERR(EPERM), S1, SIM, "always-on" },
        { X64, "unshare", { NEWUSER | HIGH }, ERR(EPERM), S1, LIVE, "always-on, whatever the bits" },
};

static const struct row errnoret6_rows[] = {
        { X64, "read", { 0 }, ERR(6), S1, SIM, "defaultErrnoRet 6" },
        { X64, "exit_group", { 0 }, ERR(6), S1, SIM, "even exit" },
        { X64, "execve", { 0 }, ALLOW, S1_EXEC, SIM, "exec left to stage 1; supervisor answers ENXIO" },
        { X64, "keyctl", { 0 }, ERR(EPERM), S1, SIM, "forced EPERM: the default ERRNO(6) is not stricter (same rank)" },
        { X64, "clone3", { 0 }, ERR(ENOSYS), S1, SIM, "always-on exact" },
        /* no rule of its own: the highest rule the stub keeps is denybox's execveat ALLOW (322) */
        { X64, "getrandom", { 0 }, ERR(6), S1, SIM, "318 <= 322: the default" },
        { X64, "statx", { 0 }, ERR(ENOSYS), S1, SIM, "332 > 322: newer than every rule" },
        { X64, "io_uring_setup", { 0 }, ERR(ENOSYS), S1, SIM, "an always-on denial above 322: ENOSYS, still denied" },
        { X64, "clone", { NEWUSER }, ERR(6), S1_NS, SIM, "stacked: ERRNO(6) (the newer filter's data)" },
};

static const struct table tables[] = {
        { "builtin:strict", strict_rows, ELEMENTSOF(strict_rows) },
        { "seccomp-deny-by-default.json", strict_rows, ELEMENTSOF(strict_rows) }, /* the same file */
        { "real/moby-default.json", moby_rows, ELEMENTSOF(moby_rows) },
        { "builtin:default-deny", default_deny_rows, ELEMENTSOF(default_deny_rows) },
        { "real/moby-fixture-example-masked-eq.json", masked_eq_rows, ELEMENTSOF(masked_eq_rows) },
        { "edge/runc-bats-errnoret-100.json", errnoret100_rows, ELEMENTSOF(errnoret100_rows) },
        { "edge/runc-bats-kill-mkdir.json", kill_mkdir_rows, ELEMENTSOF(kill_mkdir_rows) },
        { "edge/derived-flatpak-tiocsti-masked.json", tiocsti_rows, ELEMENTSOF(tiocsti_rows) },
        { "edge/derived-duplicate-arg-index-or.json", dup_index_rows, ELEMENTSOF(dup_index_rows) },
        { "edge/moby-cli-deny-unshare-userns-args.json", userns_args_rows, ELEMENTSOF(userns_args_rows) },
        { "edge/moby-default-errnoret-6.json", errnoret6_rows, ELEMENTSOF(errnoret6_rows) },
};

/* ---- helpers ---- */


static void compile_named(const char *name, struct filter_set *fs)
{
        size_t len;
        char *owned = NULL, path[512], line[800];
        const char *json;
        if (strncmp(name, "builtin:", 8) == 0) {
                json = profile_builtin(name + 8, &len);
                ck_assert_msg(json, "no built-in %s", name);
        } else {
                snprintf(path, sizeof(path), "%s/%s", PROFILES_DIR, name);
                json = owned = slurp(path, &len);
        }
        struct profile *p = NULL;
        struct dbx_error err = { 0 };
        ck_assert_msg(profile_parse(json, len, &p, &err) == 0, "%s: %s", name, dbx_error_line(&err, line, sizeof(line)));
        ck_assert_msg(filter_set_compile(p, &host61, fs, &err) == 0, "%s: %s", name, dbx_error_line(&err, line, sizeof(line)));
        profile_free(p);
        free(owned);
}

static struct seccomp_data row_data(const struct row *r)
{
        static const uint32_t scmp_arch[] = { [X64] = SCMP_ARCH_X86_64, [I386] = SCMP_ARCH_X86, [X32] = SCMP_ARCH_X32 };
        int nr = r->name[0] == '#' ? atoi(r->name + 1) /* a number libseccomp may not name */
                                   : seccomp_syscall_resolve_name_arch(scmp_arch[r->abi], r->name);
        ck_assert_msg(nr >= 0, "%s: no syscall \"%s\" for ABI %d", r->why, r->name, r->abi);
        /* x32 calls reach seccomp as AUDIT_ARCH_X86_64 with __X32_SYSCALL_BIT in nr (libseccomp's
         * x32 numbers carry it); i386 ones as AUDIT_ARCH_I386. */
        struct seccomp_data d = { .nr = nr, .arch = r->abi == I386 ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64,
                                  .instruction_pointer = 0x401000 };
        if (r->abi == X32)
                ck_assert_int_ne(nr & 0x40000000, 0);
        memcpy(d.args, r->a, sizeof(d.args));
        return d;
}

static const char *row_str(const struct row *r, char *buf, size_t size)
{
        static const char *const abi[] = { "x86_64", "i386", "x32" };
        snprintf(buf, size, "%s %s(%#llx, %#llx, %#llx) [%s]", abi[r->abi], r->name, (unsigned long long)r->a[0],
                 (unsigned long long)r->a[1], (unsigned long long)r->a[2], r->why);
        return buf;
}

static void check_table(const struct table *t)
{
        struct filter_set fs;
        compile_named(t->profile, &fs);
        for (size_t i = 0; i < t->n; i++) {
                const struct row *r = &t->rows[i];
                struct seccomp_data d = row_data(r);
                uint32_t s2 = bpf_sim_run_bytes(fs.stage2.data, fs.stage2.len, &d);
                uint32_t s1 = bpf_sim_run_bytes(fs.stage1.data, fs.stage1.len, &d);
                char rs[200], got[40], want[40];
                ck_assert_msg(s2 == r->stage2, "%s: %s: stage 2 %s, want %s", t->profile, row_str(r, rs, sizeof(rs)),
                              bpf_sim_action_name(s2, got, sizeof(got)), bpf_sim_action_name(r->stage2, want, sizeof(want)));
                ck_assert_msg(s1 == r->stage1, "%s: %s: stage 1 %s, want %s", t->profile, row_str(r, rs, sizeof(rs)),
                              bpf_sim_action_name(s1, got, sizeof(got)), bpf_sim_action_name(r->stage1, want, sizeof(want)));
                /* a guard of stage 1 denies whatever stage 2 says: stacked, never ALLOW, and never
                 * weaker than stage 2's own denial */
                if (r->stage1 == S1_NS || r->stage1 == S1_TTY) {
                        uint32_t both = bpf_sim_stack(s2, s1);
                        ck_assert_msg((int32_t)(both & SECCOMP_RET_ACTION_FULL) <= (int32_t)SECCOMP_RET_ERRNO,
                                      "%s: %s: stacked %s", t->profile, row_str(r, rs, sizeof(rs)),
                                      bpf_sim_action_name(both, got, sizeof(got)));
                        if (s2 != ALLOW)
                                ck_assert_uint_eq(both, s2);
                }
        }
        filter_set_free(&fs);
}

START_TEST(table)
{
        check_table(&tables[_i]);
}
END_TEST

/* Exec-once in numbers: stacked, the kernel takes the higher-ranked action.  Stage 2 leaving exec
 * ALLOW lets stage 1's USER_NOTIF through; had stage 2 said ERRNO, the supervisor would never see
 * denybox's own exec. */
START_TEST(stacking)
{
        struct filter_set fs;
        compile_named("builtin:strict", &fs);
        const struct row exec = { X64, "execve", { 0 }, 0, 0, SIM, "" }, sock = { X64, "socket", { AF_INET }, 0, 0, SIM, "" },
                         x32 = { X32, "getpid", { 0 }, 0, 0, SIM, "" };
        struct seccomp_data d = row_data(&exec);
        ck_assert_uint_eq(bpf_sim_stack(bpf_sim_run_bytes(fs.stage2.data, fs.stage2.len, &d),
                                        bpf_sim_run_bytes(fs.stage1.data, fs.stage1.len, &d)), NOTIF);
        ck_assert_uint_eq(bpf_sim_stack(ERR(EPERM), NOTIF), ERR(EPERM)); /* why stage 2 must not decide exec */
        d = row_data(&sock);
        ck_assert_uint_eq(bpf_sim_stack(bpf_sim_run_bytes(fs.stage2.data, fs.stage2.len, &d),
                                        bpf_sim_run_bytes(fs.stage1.data, fs.stage1.len, &d)), ERR(EPERM));
        d = row_data(&x32);
        ck_assert_uint_eq(bpf_sim_stack(bpf_sim_run_bytes(fs.stage2.data, fs.stage2.len, &d),
                                        bpf_sim_run_bytes(fs.stage1.data, fs.stage1.len, &d)), KILLP);
        ck_assert_uint_eq(bpf_sim_stack(ERR(1), ERR(2)), ERR(1)); /* a tie: the newer filter's data */
        ck_assert_uint_eq(bpf_sim_stack(ALLOW, KILLT), KILLT);
        ck_assert_uint_eq(bpf_sim_stack(SECCOMP_RET_LOG, SECCOMP_RET_TRACE), SECCOMP_RET_TRACE);
        filter_set_free(&fs);
}
END_TEST

/* Every program the compiler emits for the shared corpus (real/, edge/, the built-ins) is within
 * the simulator's instruction set, and which opcodes occur is printed as a TAP comment. */
START_TEST(corpus_within_instruction_set)
{
        static const char *const names[] = {
                "builtin:strict", "builtin:startup-safe", "builtin:default-deny",
                "real/containers-common-fixture-example.json", "real/containers-common-seccomp.json",
                "real/jessfraz-chrome.json", "real/moby-default.json", "real/moby-fixture-conditional_include.json",
                "real/moby-fixture-default-old-format.json", "real/moby-fixture-example-masked-eq.json",
                "real/oci-runtime-spec-example-seccomp.json", "real/runc-testdata-seccomp_syscall_test1.json",
                "real/runc-testdata-seccomp_syscall_test2.json",
                "edge/derived-duplicate-arg-index-or.json", "edge/derived-flatpak-tiocsti-masked.json",
                "edge/moby-cli-deny-unshare-userns-args.json", "edge/runc-bats-kill-mkdir.json",
        };
        unsigned seen[0x100] = { 0 };
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                struct filter_set fs;
                compile_named(names[i], &fs);
                const struct bpf_blob *b[] = { &fs.stage1, &fs.stage2, &fs.stage1_exec_only };
                for (size_t j = 0; j < ELEMENTSOF(b); j++) {
                        const struct sock_filter *f = (const struct sock_filter *)b[j]->data;
                        size_t n = b[j]->len / sizeof(*f);
                        const char *why = bpf_sim_check(f, n);
                        ck_assert_msg(!why, "%s stage %zu: %s", names[i], j + 1, why);
                        for (size_t k = 0; k < n; k++)
                                seen[f[k].code & 0xff]++;
                }
                filter_set_free(&fs);
        }
        printf("# opcodes libseccomp emitted for %zu profiles:", ELEMENTSOF(names));
        for (unsigned c = 0; c < 0x100; c++)
                if (seen[c])
                        printf(" 0x%02x x%u", c, seen[c]);
        printf("\n");
        fflush(stdout);
}
END_TEST

/* ---- the simulator refuses what it does not understand ---- */

static const struct sock_filter good_prog[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_STMT(BPF_ST, 3),
        BPF_STMT(BPF_LDX | BPF_W | BPF_MEM, 3),
        BPF_STMT(BPF_MISC | BPF_TXA, 0),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x40000000, 3, 0),
        BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
        BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 10, 0, 2),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 7),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

START_TEST(sim_semantics)
{
        ck_assert_ptr_null(bpf_sim_check(good_prog, ELEMENTSOF(good_prog)));
        struct seccomp_data d = { .nr = 3 };
        ck_assert_uint_eq(bpf_sim_run(good_prog, ELEMENTSOF(good_prog), &d), SECCOMP_RET_ALLOW);
        d.nr = 0x10b; /* & 0xff = 11 > 10 */
        ck_assert_uint_eq(bpf_sim_run(good_prog, ELEMENTSOF(good_prog), &d), SECCOMP_RET_ERRNO | 7);
        d.nr = 0x40000001;
        ck_assert_uint_eq(bpf_sim_run(good_prog, ELEMENTSOF(good_prog), &d), SECCOMP_RET_KILL_PROCESS);
        /* the high word of an argument is at +4 on little-endian x86_64, as libseccomp loads it */
        const struct sock_filter hi[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1]) + 4),
                BPF_STMT(BPF_MISC | BPF_TAX, 0),
                BPF_STMT(BPF_STX, 0),
                BPF_STMT(BPF_LD | BPF_W | BPF_MEM, 0),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
                BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 2, 1, 0),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_LOG),
                BPF_STMT(BPF_JMP | BPF_JA, 0),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        d.args[1] = (uint64_t)1 << 32;
        ck_assert_uint_eq(bpf_sim_run(hi, ELEMENTSOF(hi), &d), SECCOMP_RET_TRAP);
        d.args[1] = 0xffffffff;
        ck_assert_uint_eq(bpf_sim_run(hi, ELEMENTSOF(hi), &d), SECCOMP_RET_LOG);
        d.args[1] = (uint64_t)2 << 32;
        ck_assert_uint_eq(bpf_sim_run(hi, ELEMENTSOF(hi), &d), SECCOMP_RET_ALLOW);
}
END_TEST

struct bad_case {
        const char *what, *word;
        struct sock_filter prog[4];
        size_t n;
};

static const struct bad_case bad_cases[] = {
        { "unknown opcode (ALU ADD)", "opcode not supported",
          { BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1), BPF_STMT(BPF_RET | BPF_K, 0) }, 2 },
        { "byte load (not emitted by libseccomp)", "opcode not supported",
          { BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), BPF_STMT(BPF_RET | BPF_K, 0) }, 2 },
        { "jump compared with X", "opcode not supported",
          { BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 0), BPF_STMT(BPF_RET | BPF_K, 0) }, 2 },
        { "RET A", "opcode not supported", { BPF_STMT(BPF_RET | BPF_A, 0) }, 1 },
        { "conditional jump out of range", "jump out of range",
          { BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), BPF_STMT(BPF_RET | BPF_K, 0) }, 2 },
        { "JA out of range", "jump out of range", { BPF_STMT(BPF_JMP | BPF_JA, 1), BPF_STMT(BPF_RET | BPF_K, 0) }, 2 },
        { "JA wrapping around", "jump out of range",
          { BPF_STMT(BPF_JMP | BPF_JA, 0xffffffff), BPF_STMT(BPF_RET | BPF_K, 0) }, 2 },
        { "load past struct seccomp_data", "outside struct seccomp_data",
          { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, sizeof(struct seccomp_data)), BPF_STMT(BPF_RET | BPF_K, 0) }, 2 },
        { "unaligned load", "unaligned", { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2), BPF_STMT(BPF_RET | BPF_K, 0) }, 2 },
        { "scratch index out of range", "scratch memory index",
          { BPF_STMT(BPF_ST, BPF_MEMWORDS), BPF_STMT(BPF_RET | BPF_K, 0) }, 2 },
        { "no RET at the end", "does not end in RET",
          { BPF_STMT(BPF_RET | BPF_K, 0), BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0) }, 2 },
        { "empty program", "program length", { { 0 } }, 0 },
};

START_TEST(sim_rejects)
{
        const struct bad_case *c = &bad_cases[_i];
        const char *why = bpf_sim_check(c->prog, c->n);
        ck_assert_msg(why && strstr(why, c->word), "%s: check said \"%s\", want \"%s\"", c->what, why ? why : "OK", c->word);
        /* and running it aborts, saying why: in a child, its stderr read back */
        int pfd[2];
        ck_assert_int_eq(pipe(pfd), 0);
        fflush(NULL);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                struct rlimit no_core = { 0, 0 };
                setrlimit(RLIMIT_CORE, &no_core);
                dup2(pfd[1], STDERR_FILENO);
                struct seccomp_data d = { 0 };
                bpf_sim_run(c->prog, c->n, &d);
                _exit(0); /* not reached, or the test fails */
        }
        close(pfd[1]);
        char out[400] = "";
        size_t got = 0;
        ssize_t k;
        while (got < sizeof(out) - 1 && (k = read(pfd[0], out + got, sizeof(out) - 1 - got)) > 0)
                got += (size_t)k;
        out[got] = 0;
        close(pfd[0]);
        int st = 0;
        ck_assert_int_eq(waitpid(pid, &st, 0), pid);
        ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "%s: bpf_sim_run did not abort (status %#x)", c->what, st);
        ck_assert_msg(strstr(out, "bpf_sim: rejected program") && strstr(out, c->word), "%s: stderr \"%s\"", c->what, out);
}
END_TEST

/* A scratch read before any write can only be caught while running (the path decides). */
START_TEST(sim_rejects_uninitialised_scratch)
{
        const struct sock_filter p[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
                BPF_STMT(BPF_ST, 5),
                BPF_STMT(BPF_LD | BPF_W | BPF_MEM, 5),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        ck_assert_ptr_null(bpf_sim_check(p, ELEMENTSOF(p)));
        struct seccomp_data d = { .nr = 1 };
        ck_assert_uint_eq(bpf_sim_run(p, ELEMENTSOF(p), &d), SECCOMP_RET_ALLOW);
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
                struct rlimit no_core = { 0, 0 };
                setrlimit(RLIMIT_CORE, &no_core);
                int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
                dup2(devnull, STDERR_FILENO);
                d.nr = 2;
                bpf_sim_run(p, ELEMENTSOF(p), &d);
                _exit(0);
        }
        int st = 0;
        ck_assert_int_eq(waitpid(pid, &st, 0), pid);
        ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "status %#x", st);
}
END_TEST

/* ---- the simulator against the kernel ---- */

struct outcome {
        int killed_sig; /* 0, or the signal that ended the child */
        long ret;
        int err;
};

struct shared {
        volatile int done;
        volatile long ret;
        volatile int err;
};

/* Runs the row's syscall with its exact nr and arguments in a child, one program loaded (b, with
 * flags) or none (b NULL), and reports what happened. */
static struct outcome run_row_with(const struct bpf_blob *b, unsigned flags, const struct row *r)
{
        struct seccomp_data d = row_data(r);
        struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        ck_assert(sh != MAP_FAILED);
        memset((void *)sh, 0, sizeof(*sh));
        fflush(NULL);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                struct rlimit no_core = { 0, 0 };
                setrlimit(RLIMIT_CORE, &no_core);
                if (b) {
                        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || bpf_blob_load(b, flags, NULL) < 0)
                                _exit(100);
                }
                long ret;
                int e = 0;
                if (r->abi == I386) {
                        ret = int80(d.nr, (long)d.args[0], (long)d.args[1], (long)d.args[2]);
                        if (ret < 0 && ret > -4096) {
                                e = (int)-ret;
                                ret = -1;
                        }
                } else {
                        errno = 0;
                        ret = syscall(d.nr, d.args[0], d.args[1], d.args[2], d.args[3], d.args[4], d.args[5]);
                        e = ret < 0 ? errno : 0;
                }
                sh->ret = ret;
                sh->err = e;
                sh->done = 1;
                _exit(0);
        }
        int st = 0;
        pid_t w = 0;
        for (int i = 0; i < 4000 && w == 0; i++) {
                w = waitpid(pid, &st, WNOHANG);
                if (w == 0) {
                        if (sh->done && i > 200)
                                break; /* answered, but stuck exiting (a denied exit path): enough */
                        usleep(1000);
                }
        }
        if (w == 0) {
                kill(pid, SIGKILL);
                waitpid(pid, &st, 0);
        }
        ck_assert_msg(!(WIFEXITED(st) && WEXITSTATUS(st) == 100), "could not load the filter");
        struct outcome o = { 0 };
        if (sh->done) {
                o.ret = sh->ret;
                o.err = sh->err;
        } else {
                ck_assert_msg(WIFSIGNALED(st), "child neither answered nor was killed (status %#x)", st);
                o.killed_sig = WTERMSIG(st);
        }
        munmap((void *)sh, sizeof(*sh));
        return o;
}

static struct outcome run_row(const struct filter_set *fs, const struct row *r)
{
        return fs ? run_row_with(&fs->stage2, fs->stage2_flags, r) : run_row_with(NULL, 0, r);
}

static unsigned n_live_checked;

/* The kernel's outcome must be what the simulated action means: ERRNO(e) -> -1/e; KILL_* -> death
 * by SIGSYS; ALLOW -> exactly what the same call does with no filter at all. */
static void live_table(const struct table *t, bool ia32)
{
        struct filter_set fs;
        compile_named(t->profile, &fs);
        for (size_t i = 0; i < t->n; i++) {
                const struct row *r = &t->rows[i];
                if (r->live != LIVE || (r->abi == I386 && !ia32))
                        continue;
                struct seccomp_data d = row_data(r);
                uint32_t sim = bpf_sim_run_bytes(fs.stage2.data, fs.stage2.len, &d);
                struct outcome k = run_row(&fs, r), base = run_row(NULL, r);
                char rs[200], an[40];
                row_str(r, rs, sizeof(rs));
                bpf_sim_action_name(sim, an, sizeof(an));
                ck_assert_msg(!base.killed_sig, "%s: %s: killed by signal %d without a filter", t->profile, rs, base.killed_sig);
                switch (sim & SECCOMP_RET_ACTION_FULL) {
                case SECCOMP_RET_ERRNO:
                        ck_assert_msg(!k.killed_sig && k.ret == -1 && k.err == (int)(sim & SECCOMP_RET_DATA),
                                      "%s: %s: simulator %s, kernel ret %ld errno %d signal %d", t->profile, rs, an, k.ret,
                                      k.err, k.killed_sig);
                        /* a row only proves something if the call would not fail so anyway (an outer
                         * filter or sysctl, e.g. kernel.io_uring_disabled, could make it) */
                        if (base.ret == -1 && base.err == k.err) {
                                printf("# %s: %s: inconclusive, fails with errno %d unfiltered too\n", t->profile, rs, k.err);
                                continue;
                        }
                        break;
                case SECCOMP_RET_KILL_PROCESS:
                case SECCOMP_RET_KILL_THREAD:
                        ck_assert_msg(k.killed_sig == SIGSYS, "%s: %s: simulator %s, kernel ret %ld errno %d signal %d",
                                      t->profile, rs, an, k.ret, k.err, k.killed_sig);
                        break;
                case SECCOMP_RET_ALLOW:
                        ck_assert_msg(!k.killed_sig && (k.ret < 0) == (base.ret < 0) && k.err == base.err,
                                      "%s: %s: simulator ALLOW, kernel ret %ld errno %d signal %d, unfiltered ret %ld errno %d",
                                      t->profile, rs, k.ret, k.err, k.killed_sig, base.ret, base.err);
                        break;
                default:
                        ck_abort_msg("%s: %s: no live check for %s", t->profile, rs, an);
                }
                n_live_checked++;
        }
        filter_set_free(&fs);
}

START_TEST(sim_agrees_with_kernel)
{
        bool ia32 = have_ia32();
        if (!ia32)
                printf("# no IA32 emulation on this kernel: i386 rows are simulated only\n");
        for (size_t i = 0; i < ELEMENTSOF(tables); i++)
                live_table(&tables[i], ia32);
        printf("# %u rows run against the kernel agreed with the simulator\n", n_live_checked);
        fflush(stdout);
        ck_assert_uint_ge(n_live_checked, 10);
}
END_TEST

/* Stage 1's always-on guards, run against the kernel: with arguments the kernel itself refuses
 * otherwise (clone with CLONE_THREAD but no CLONE_SIGHAND: EINVAL; ioctl on fd -1: EBADF), so the
 * unfiltered run proves the EPERM is the filter's, and nothing is ever created.  Stage 1 as loaded
 * normally must answer EPERM; stage1_exec_only (--weaken seccomp) must not. */
static const struct row stage1_live_rows[] = {
        { X64, "clone", { CLONE_NEWNS | CLONE_THREAD }, 0, S1_NS, LIVE, "CLONE_NEWNS" },
        { X64, "clone", { CLONE_NEWCGROUP | CLONE_THREAD }, 0, S1_NS, LIVE, "CLONE_NEWCGROUP" },
        { X64, "clone", { CLONE_NEWUTS | CLONE_THREAD }, 0, S1_NS, LIVE, "CLONE_NEWUTS" },
        { X64, "clone", { CLONE_NEWIPC | CLONE_THREAD }, 0, S1_NS, LIVE, "CLONE_NEWIPC" },
        { X64, "clone", { CLONE_NEWUSER | CLONE_THREAD }, 0, S1_NS, LIVE, "CLONE_NEWUSER" },
        { X64, "clone", { CLONE_NEWPID | CLONE_THREAD }, 0, S1_NS, LIVE, "CLONE_NEWPID" },
        { X64, "clone", { CLONE_NEWNET | CLONE_THREAD }, 0, S1_NS, LIVE, "CLONE_NEWNET" },
        { X64, "clone", { CLONE_THREAD }, 0, S1, LIVE, "no namespace flag: the kernel's EINVAL" },
        { X64, "ioctl", { FD_NONE, TIOCSTI }, 0, S1_TTY, LIVE, "TIOCSTI" },
        { X64, "ioctl", { FD_NONE, TIOCSTI | HIGH }, 0, S1_TTY, LIVE, "TIOCSTI with bit 32: the kernel drops it" },
        { X64, "ioctl", { FD_NONE, TIOCSTI | ~(uint64_t)0xffffffff }, 0, S1_TTY, LIVE, "TIOCSTI, every high bit" },
        { X64, "ioctl", { FD_NONE, TIOCLINUX }, 0, S1_TTY, LIVE, "TIOCLINUX" },
        { X64, "ioctl", { FD_NONE, TIOCSETD | HIGH }, 0, S1_TTY, LIVE, "TIOCSETD" },
        { X64, "ioctl", { FD_NONE, TIOCCONS }, 0, S1_TTY, LIVE, "TIOCCONS" },
        { X64, "ioctl", { FD_NONE, TCGETS }, 0, S1, LIVE, "TCGETS: the kernel's EBADF" },
};

START_TEST(stage1_guards_live)
{
        struct filter_set fs;
        compile_named("builtin:strict", &fs);
        for (size_t i = 0; i < ELEMENTSOF(stage1_live_rows); i++) {
                const struct row *r = &stage1_live_rows[i];
                struct seccomp_data d = row_data(r);
                char rs[200];
                row_str(r, rs, sizeof(rs));
                ck_assert_uint_eq(bpf_sim_run_bytes(fs.stage1.data, fs.stage1.len, &d), r->stage1);
                ck_assert_uint_eq(bpf_sim_run_bytes(fs.stage1_exec_only.data, fs.stage1_exec_only.len, &d), S1);
                struct outcome k = run_row_with(&fs.stage1, SECCOMP_FILTER_FLAG_NEW_LISTENER, r),
                               x = run_row_with(&fs.stage1_exec_only, SECCOMP_FILTER_FLAG_NEW_LISTENER, r),
                               base = run_row_with(NULL, 0, r);
                ck_assert_msg(base.ret == -1 && (base.err == EINVAL || base.err == EBADF), "%s: unfiltered ret %ld errno %d",
                              rs, base.ret, base.err);
                if (r->stage1 == S1)
                        ck_assert_msg(k.ret == -1 && k.err == base.err, "%s: stage 1 ret %ld errno %d", rs, k.ret, k.err);
                else
                        ck_assert_msg(k.ret == -1 && k.err == EPERM, "%s: stage 1 ret %ld errno %d", rs, k.ret, k.err);
                ck_assert_msg(x.ret == -1 && x.err == base.err, "%s: exec-only stage 1 ret %ld errno %d", rs, x.ret, x.err);
        }
        filter_set_free(&fs);
}
END_TEST

/* The terminal attack of issue 10, on a pseudo-terminal this test allocates: a new session takes
 * the pty as its controlling terminal (TIOCSCTTY) and pushes input into it (TIOCSTI).  Without a
 * filter the byte arrives (the attack works here, so the test can see it); with denybox's stage 1
 * and 2 loaded every variant -- TIOCSTI, TIOCSTI with high bits, TIOCLINUX's paste, TIOCSETD --
 * fails with EPERM and nothing more arrives. */
static int pty_attack(bool filtered, const struct filter_set *fs, char *got, size_t size)
{
        int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
                return -1;
        int slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0)
                return -1;
        struct termios t;
        tcgetattr(slave, &t);
        cfmakeraw(&t);
        tcsetattr(slave, TCSANOW, &t);
        int *res = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        ck_assert(res != MAP_FAILED);
        for (int i = 0; i < 5; i++)
                res[i] = -1;
        fflush(NULL);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                char c = 'X';
                unsigned char linux_paste = 3; /* TIOCL_PASTESEL */
                if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
                        _exit(1);
                if (filtered && (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
                                 bpf_blob_load(&fs->stage1, SECCOMP_FILTER_FLAG_NEW_LISTENER, NULL) < 0 ||
                                 bpf_blob_load(&fs->stage2, fs->stage2_flags, NULL) < 0))
                        _exit(2);
                res[0] = syscall(SYS_ioctl, slave, (unsigned long)TIOCSTI, &c) < 0 ? errno : 0;
                res[1] = syscall(SYS_ioctl, slave, HIGH | TIOCSTI, &c) < 0 ? errno : 0;
                res[2] = syscall(SYS_ioctl, slave, ~(uint64_t)0xffffffff | TIOCSTI, &c) < 0 ? errno : 0;
                res[3] = filtered ? (syscall(SYS_ioctl, slave, (unsigned long)TIOCLINUX, &linux_paste) < 0 ? errno : 0) : 0;
                int n_tty = 0; /* N_TTY: the discipline it has, so an unfiltered run changes nothing */
                res[4] = syscall(SYS_ioctl, slave, HIGH | TIOCSETD, &n_tty) < 0 ? errno : 0;
                _exit(0);
        }
        int st;
        ck_assert_int_eq(waitpid(pid, &st, 0), pid);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s attacker: status %#x", filtered ? "filtered" : "unfiltered", st);
        fcntl(slave, F_SETFL, O_NONBLOCK);
        ssize_t n = read(slave, got, size - 1);
        got[n > 0 ? n : 0] = 0;
        for (int i = 0; i < 5; i++)
                if (filtered)
                        ck_assert_msg(res[i] == EPERM, "filtered: call %d errno %d", i, res[i]);
        int ok = res[0];
        munmap(res, 4096);
        close(slave);
        close(master);
        return ok;
}

START_TEST(tty_injection_live)
{
        struct filter_set fs;
        char got[64];
        compile_named("builtin:strict", &fs);
        int e = pty_attack(false, NULL, got, sizeof(got));
        if (e == -1 || (e != 0 && geteuid() != 0)) {
                printf("# no pty, or TIOCSTI refused by the kernel itself (dev.tty.legacy_tiocsti=0): errno %d\n", e);
                filter_set_free(&fs);
                return;
        }
        ck_assert_msg(e == 0, "unfiltered TIOCSTI: errno %d", e);
        ck_assert_msg(strcmp(got, "XXX") == 0, "unfiltered: the pty's input holds \"%s\", want XXX", got);
        pty_attack(true, &fs, got, sizeof(got));
        ck_assert_msg(got[0] == 0, "filtered: \"%s\" was injected", got);
        filter_set_free(&fs);
}
END_TEST

/* Why the strict row seccomp(SET_MODE_FILTER | 1 << 32, NEW_LISTENER) is ALLOW: seccomp(2)'s op is
 * an unsigned int, so the kernel drops bit 32 and takes the call as SET_MODE_FILTER (EFAULT on a
 * NULL program, not EINVAL for an unknown op), while the always-on guard compares all 64 bits. */
START_TEST(int_argument_truncation)
{
        const struct row r = { X64, "seccomp", { SECCOMP_SET_MODE_FILTER | HIGH, SECCOMP_FILTER_FLAG_NEW_LISTENER }, 0, 0,
                               SIM, "" };
        struct outcome base = run_row(NULL, &r);
        ck_assert_msg(!base.killed_sig && base.ret == -1 && base.err == EFAULT, "ret %ld errno %d", base.ret, base.err);
        const struct row op9 = { X64, "seccomp", { 9 | HIGH, 0 }, 0, 0, SIM, "" }; /* no op 9: EINVAL */
        base = run_row(NULL, &op9);
        ck_assert_msg(!base.killed_sig && base.ret == -1 && base.err == EINVAL, "ret %ld errno %d", base.ret, base.err);
        const struct row uns = { X64, "unshare", { NEWUSER | HIGH }, 0, 0, SIM, "" }; /* unsigned long: not truncated */
        base = run_row(NULL, &uns);
        ck_assert_msg(!base.killed_sig && base.ret == -1 && base.err == EINVAL, "ret %ld errno %d", base.ret, base.err);
}
END_TEST

int main(void)
{
        Suite *s = suite_create("filter-table");
        TCase *tc = tcase_create("sim");
        tcase_set_timeout(tc, 60);
        tcase_add_loop_test(tc, table, 0, ELEMENTSOF(tables));
        tcase_add_test(tc, stacking);
        tcase_add_test(tc, corpus_within_instruction_set);
        tcase_add_test(tc, sim_semantics);
        tcase_add_loop_test(tc, sim_rejects, 0, ELEMENTSOF(bad_cases));
        tcase_add_test(tc, sim_rejects_uninitialised_scratch);
        suite_add_tcase(s, tc);
        TCase *live = tcase_create("live");
        tcase_set_timeout(live, 90);
        tcase_add_test(live, sim_agrees_with_kernel);
        tcase_add_test(live, int_argument_truncation);
        tcase_add_test(live, stage1_guards_live);
        tcase_add_test(live, tty_injection_live);
        suite_add_tcase(s, live);
        return run_suite_tap(s);
}
