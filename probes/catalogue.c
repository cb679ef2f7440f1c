/* SPDX-License-Identifier: MIT */
/* The probe catalogue (the seeds' 12: same IDs, same expectations, except PR-EXEC-1 which is now
 * EPERM only; then the growth of issue 4), its negative controls, and adjudication.
 *
 * Every entry names its control: the `denybox attest --weaken` layers which, removed together,
 * make it FAIL (tests/integration/controls.sh runs them; docs/CONTROLS.md says why each fails).
 * Where seccomp enforces a probe, the probe calls with arguments the kernel itself rejects with a
 * different errno (EFAULT, EBADF, EINVAL, E2BIG, ESRCH, EOPNOTSUPP) before its own permission
 * checks: EPERM then proves seccomp, and without seccomp the errno differs (a FAIL).
 *
 * No I/O here, and nothing from error.c: the static probe binary links this file too. */
#include "catalogue.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KILLED_BY_SIGSYS PROBE_ERR_KILLED(SIGSYS)

#define ERRNO_PROBE(id_, op_, exp_, layer_, control_, ...)                                              \
        { .id = id_, .operation = op_, .expected = exp_, .layer = layer_, .expect = EXPECT_ERRNO,        \
          .errnos = { __VA_ARGS__, 0 }, .control = control_ }
/* An ERRNO_PROBE that Landlock also holds from ABI abi_ on ("landlock" is in control_). */
#define ERRNO_PROBE_LL(id_, op_, exp_, layer_, control_, abi_, ...)                                     \
        { .id = id_, .operation = op_, .expected = exp_, .layer = layer_, .expect = EXPECT_ERRNO,        \
          .errnos = { __VA_ARGS__, 0 }, .control = control_, .landlock_abi = abi_ }
#define CHECK_PROBE(id_, op_, exp_, layer_, control_, fn_)                                               \
        { .id = id_, .operation = op_, .expected = exp_, .layer = layer_, .expect = EXPECT_CHECK,        \
          .check = fn_, .control = control_ }
#define VALUE_PROBE(id_, op_, exp_, layer_, control_, fn_)                                               \
        { .id = id_, .operation = op_, .expected = exp_, .layer = layer_, .expect = EXPECT_VALUE,        \
          .value_check = fn_, .control = control_ }
/* The always-on seccomp rules' probes, one family each (probe_nsapi.c): a nested namespace through
 * clone(2) -> EPERM; a terminal ioctl, also with every high bit set -> EPERM; a call of the new
 * mount API -> ENOSYS. */
#define CLONE_NS_PROBE(flag_)                                                                           \
        ERRNO_PROBE("PR-CLONE-" #flag_, "clone(CLONE_" #flag_ " | CLONE_THREAD) (the kernel would say EINVAL)", \
                    "EPERM(1)", LAYER_SECCOMP, "seccomp", EPERM)
#define TTY_IOCTL_PROBE(req_)                                                                           \
        ERRNO_PROBE("PR-TTY-" #req_, "ioctl(-1, " #req_ ") and with every high bit set (the kernel would say EBADF)", \
                    "EPERM(1), both", LAYER_SECCOMP, "seccomp", EPERM)
#define MOUNT_API_PROBE(id_, call_) ERRNO_PROBE(id_, call_, "ENOSYS(38)", LAYER_SECCOMP, "seccomp", ENOSYS)

const struct probe_def probe_catalogue[] = {
        /* ---- the seeds' 12 ---- */
        /* (from Landlock ABI 4 on, connect() meets Landlock's EACCES before the namespace's
         * ENETUNREACH, which the seeds' list does not accept: seccomp alone holds it there, and
         * PR-LL-CONNECT-1 shows the three layers) */
        { .id = "PR-NET-1", .operation = "socket(AF_INET, SOCK_STREAM) + connect(1.1.1.1:53)",
          .expected = "EPERM(1) | ENETUNREACH(101) | EAFNOSUPPORT(97)", .layer = LAYER_NETNS, .expect = EXPECT_ERRNO,
          .errnos = { EPERM, ENETUNREACH, EAFNOSUPPORT, 0 }, .control = "net seccomp", .landlock_abi = 4,
          .landlock_shadows = "net" },
        CHECK_PROBE("PR-NET-2", "read /proc/net/dev", "interfaces == [lo]", LAYER_NETNS, "net",
                    probe_check_net_dev_lo_only),
        ERRNO_PROBE("PR-SOCK-1", "socket(AF_INET, SOCK_STREAM)", "EPERM(1)", LAYER_SECCOMP, "seccomp", EPERM),
        CHECK_PROBE("PR-ENV-1", "environment key set",
                    "no key matching (?i)(token|secret|password|passwd|_dsn|conn|^pg|^kb|api[_-]?key)",
                    LAYER_ENV, "env", probe_check_env_no_secrets),
        ERRNO_PROBE("PR-FS-RO-IN", "open(\"/in/__probe\", O_WRONLY|O_CREAT)", "EROFS(30)", LAYER_RO_IN, "ro-in",
                    EROFS),
        ERRNO_PROBE("PR-FS-ESC-1", "open(\"/etc/__probe\", O_WRONLY|O_CREAT)", "EROFS(30)", LAYER_RO_ROOT,
                    "ro-root", EROFS),
        ERRNO_PROBE_LL("PR-FS-ESC-2", "open(\"/root/__probe\") and open(\"/app/__probe\"), O_WRONLY|O_CREAT",
                       "EROFS(30) | EACCES(13), both", LAYER_RO_ROOT, "ro-root user landlock", 1, EROFS, EACCES),
        { .id = "PR-FS-OUT-OK", .operation = "open(\"/out/report.md\", O_WRONLY|O_CREAT|O_TRUNC) + write(\"ok\")",
          .expected = "succeeds (positive control)", .layer = LAYER_OUT, .expect = EXPECT_SUCCESS,
          .control = PROBE_CONTROL_OUT_UNWRITABLE },
        ERRNO_PROBE("PR-EXEC-1", "execve(\"/bin/sh\") and execveat(AT_FDCWD, \"/bin/sh\")",
                    "EPERM(1), both (ENOENT is a FAIL: the shell is present)", LAYER_EXEC_ONCE, "exec-once", EPERM),
        CHECK_PROBE("PR-MOUNT-1", "read /proc/self/mountinfo",
                    "/ ro; /in ro (whole subtree); /out rw; /tmp tmpfs noexec,nosuid,nodev; nothing else writable "
                    "but /proc and the /dev device nodes; /dev ro tmpfs",
                    LAYER_MOUNTS, "ro-root", probe_check_mount_table),
        ERRNO_PROBE("PR-SOCK-DOCKER", "stat(\"/var/run/docker.sock\") and stat(\"/run/docker.sock\")",
                    "ENOENT(2), both", LAYER_MOUNTS, PROBE_CONTROL_ROOTFS_DOCKER_SOCK, ENOENT),
        ERRNO_PROBE("PR-PTRACE-1", "ptrace(PTRACE_TRACEME)", "EPERM(1)", LAYER_SECCOMP, "seccomp", EPERM),

        /* ---- credentials ---- */
        VALUE_PROBE("PR-CAP-INH", "CapInh of /proc/self/status", "0000000000000000", LAYER_CAPS, "caps",
                    probe_value_caps_zero),
        VALUE_PROBE("PR-CAP-PRM", "CapPrm of /proc/self/status", "0000000000000000", LAYER_CAPS, "caps",
                    probe_value_caps_zero),
        VALUE_PROBE("PR-CAP-EFF", "CapEff of /proc/self/status", "0000000000000000", LAYER_CAPS, "caps",
                    probe_value_caps_zero),
        VALUE_PROBE("PR-CAP-BND", "CapBnd of /proc/self/status", "0000000000000000", LAYER_CAPS, "caps",
                    probe_value_caps_zero),
        VALUE_PROBE("PR-CAP-AMB", "CapAmb of /proc/self/status", "0000000000000000", LAYER_CAPS, "caps",
                    probe_value_caps_zero),
        VALUE_PROBE("PR-SECBITS", "prctl(PR_GET_SECUREBITS)",
                    "NOROOT, NO_SETUID_FIXUP, NO_CAP_AMBIENT_RAISE set and locked, KEEP_CAPS locked (0xef all set)",
                    LAYER_CAPS, "caps", probe_value_securebits),
        VALUE_PROBE("PR-NNP-1", "NoNewPrivs of /proc/self/status", "1", LAYER_NNP, "nnp", probe_value_nnp),
        VALUE_PROBE("PR-SECCOMP-MODE", "Seccomp and Seccomp_filters of /proc/self/status",
                    "Seccomp 2 (filter), Seccomp_filters >= 2 (exec-notify + profile)", LAYER_SECCOMP, "seccomp",
                    probe_value_seccomp_mode),
        VALUE_PROBE("PR-UID-1", "Uid and Gid of /proc/self/status (real, effective, saved, fs)",
                    "all four == the configured uid, gid", LAYER_USER, "user", probe_value_ids),

        /* ---- namespaces, mounts and process views ---- */
        ERRNO_PROBE("PR-USERNS-1", "unshare(CLONE_NEWUSER) in a child", "EPERM(1)", LAYER_SECCOMP, "seccomp",
                    EPERM),
        ERRNO_PROBE("PR-MOUNT-2", "mount(NULL, (char *) 1, NULL, 0, NULL) (the kernel would say EFAULT)",
                    "EPERM(1)", LAYER_SECCOMP, "seccomp", EPERM),
        ERRNO_PROBE("PR-UMOUNT-1", "umount2(\"/\", 0xffff) (invalid flags: the kernel would say EINVAL)",
                    "EPERM(1)", LAYER_SECCOMP, "seccomp", EPERM),
        ERRNO_PROBE("PR-CHROOT-1", "chroot((char *) 1) (the kernel would say EFAULT)", "EPERM(1)", LAYER_SECCOMP,
                    "seccomp", EPERM),
        ERRNO_PROBE("PR-SETNS-1", "setns(-1, 0) (the kernel would say EBADF)", "EPERM(1)", LAYER_SECCOMP,
                    "seccomp", EPERM),
        ERRNO_PROBE("PR-PIVOT-1", "pivot_root((char *) 1, \"/\") (may_mount() first: EPERM without "
                    "CAP_SYS_ADMIN, then EFAULT)", "EPERM(1)", LAYER_SECCOMP, "seccomp caps", EPERM),
        ERRNO_PROBE_LL("PR-TMP-EXEC", "write a tiny static ELF to /tmp, execve it in a child",
                       "EACCES(13) (noexec, Landlock) | EPERM(1) (exec-once)", LAYER_TMP_NOEXEC,
                       "tmp-noexec exec-once landlock", 1, EACCES, EPERM),
        ERRNO_PROBE("PR-TMP-MMAP", "mmap(PROT_READ|PROT_EXEC, MAP_PRIVATE) of a file in /tmp", "EPERM(1)",
                    LAYER_TMP_NOEXEC, "tmp-noexec", EPERM),
        VALUE_PROBE("PR-PIDNS-1", "getpid(), the pids listed in /proc, /proc/1/comm",
                    "own pid <= 16 and at most 16 pids in /proc (a pid namespace of its own)", LAYER_PIDNS, "pidns",
                    probe_value_pidns),
        VALUE_PROBE("PR-HOSTNAME-1", "uname().nodename", "== the configured hostname", LAYER_UTS, "uts",
                    probe_value_hostname),
        VALUE_PROBE("PR-CGROUPNS-1", "read /proc/self/cgroup", "every hierarchy's path is \"/\"", LAYER_CGROUPNS,
                    "cgroupns", probe_value_cgroupns),
        VALUE_PROBE("PR-FD-1", "list /proc/self/fd (without the listing's own fd)", "exactly 0, 1, 2", LAYER_FDS,
                    "fds", probe_value_fds),
        ERRNO_PROBE_LL("PR-EXE-1", "open(\"/proc/self/exe\", O_WRONLY) and open(\"/proc/1/exe\", O_RDONLY)",
                       "both fail: EACCES(13) | EPERM(1) | ETXTBSY(26) | EROFS(30)", LAYER_INIT, "init landlock", 1,
                       EACCES, EPERM, ETXTBSY, EROFS),
        ERRNO_PROBE("PR-SYS-1", "stat(\"/sys\"), then statvfs(\"/sys\")",
                    "ENOENT(2) (absent) | EROFS(30) (read-only)", LAYER_SYS, "sys", ENOENT, EROFS),
        VALUE_PROBE("PR-DEV-1", "list /dev (name and type)",
                    "exactly null zero full random urandom tty (char devices) + fd stdin stdout stderr (symlinks)",
                    LAYER_DEV, "dev", probe_value_dev),
        VALUE_PROBE("PR-PROC-MASK-1", "stat(\"/proc/kcore\"), statvfs(\"/proc/sys\")",
                    "/proc/kcore absent or the null device; /proc/sys read-only", LAYER_PROC_MASK, "proc-mask",
                    probe_value_proc_mask),
        ERRNO_PROBE("PR-TIOCSTI-1", "ioctl(0, TIOCSTI, \" \")", "EPERM(1) | ENOTTY(25) | EIO(5)", LAYER_SESSION,
                    "session stdio seccomp", EPERM, ENOTTY, EIO),
        ERRNO_PROBE("PR-TIOCSTI-2", "ioctl(0, (1UL << 32) | TIOCSTI, \" \") (high bits a filter may miss)",
                    "EPERM(1) | ENOTTY(25) | EIO(5)", LAYER_SESSION, "session stdio seccomp", EPERM, ENOTTY, EIO),

        /* ---- seccomp: the kernel's own errno differs ---- */
        ERRNO_PROBE("PR-KEYCTL-1", "keyctl(9999, 0, 0, 0, 0) (the kernel would say EOPNOTSUPP)", "EPERM(1)",
                    LAYER_SECCOMP, "seccomp", EPERM),
        ERRNO_PROBE("PR-ADDKEY-1", "add_key(NULL, ...) (the kernel would say EFAULT)", "EPERM(1)", LAYER_SECCOMP,
                    "seccomp", EPERM),
        ERRNO_PROBE("PR-BPF-1", "bpf(BPF_MAP_CREATE, attr, PAGE_SIZE + 1) (the kernel would say E2BIG)",
                    "EPERM(1)", LAYER_SECCOMP, "seccomp", EPERM),
        ERRNO_PROBE("PR-PERF-1", "perf_event_open(attr, 0, -1, -1, ~0UL) (the kernel would say EINVAL)",
                    "EPERM(1)", LAYER_SECCOMP, "seccomp", EPERM),
        ERRNO_PROBE("PR-IOURING-1", "io_uring_setup(1, NULL) (the kernel would say EFAULT)",
                    "EPERM(1) | ENOSYS(38) (ENOSYS: a profile whose rules all lie below io_uring's numbers answers "
                    "newer syscalls ENOSYS first)", LAYER_SECCOMP, "seccomp", EPERM, ENOSYS),
        ERRNO_PROBE("PR-PTRACE-2", "process_vm_readv(-1, ...) (the kernel would say ESRCH)", "EPERM(1)",
                    LAYER_SECCOMP, "seccomp", EPERM),
        ERRNO_PROBE("PR-NET-3", "socket(AF_UNIX, SOCK_STREAM)", "EPERM(1)", LAYER_SECCOMP, "seccomp", EPERM),
        ERRNO_PROBE("PR-I386-1", "int 0x80 socket(AF_UNIX) (i386 nr 359) in a child",
                    "child killed by SIGSYS (1031)", LAYER_SECCOMP, "seccomp", KILLED_BY_SIGSYS),
        ERRNO_PROBE("PR-X32-1", "x32 getpid (nr 39 | 0x40000000) in a child", "child killed by SIGSYS (1031)",
                    LAYER_SECCOMP, "seccomp", KILLED_BY_SIGSYS),
        ERRNO_PROBE("PR-CLONE3-1", "raw clone3(NULL, 0) (the kernel would say EINVAL), then pthread_create",
                    "ENOSYS(38), and pthread_create still works", LAYER_SECCOMP, "seccomp", ENOSYS),
        ERRNO_PROBE("PR-EXEC-2", "execveat(fd of /proc/self/exe, \"\", AT_EMPTY_PATH) in a child", "EPERM(1)",
                    LAYER_EXEC_ONCE, "exec-once", EPERM),

        /* ---- environment and limits ---- */
        CHECK_PROBE("PR-ENV-2", "environment key set", "== {" PROBE_ENV_EXACT "}", LAYER_ENV, "env",
                    probe_check_env_exact),
        VALUE_PROBE("PR-PIDS-1", "fork children (that wait) until fork fails, at most pids-limit + 1",
                    "fork fails with EAGAIN(11) before pids-limit + 1 children", LAYER_LIMITS, "limits",
                    probe_value_pids),
        VALUE_PROBE("PR-MEM-1", "in a child, mmap (huge pages where possible) and touch memory + 16 MiB",
                    "ENOMEM(12), or the child killed by SIGKILL (1009)", LAYER_LIMITS, "limits",
                    probe_value_memory),

        /* ---- mounts and identity (issue 9, items 2 and 7) ---- */
        VALUE_PROBE("PR-HOSTROOT-1", "stat the /dev nodes bound from the host (null zero full random urandom tty)",
                    "each owned by the overflow uid:gid (/proc/sys/kernel/overflow{u,g}id): host root is not mapped",
                    LAYER_HOST_ROOT, "host-root", probe_value_host_root),
        VALUE_PROBE("PR-TMP-INODES", "statvfs(\"/tmp\"): inodes (f_files) against size (f_blocks * f_frsize)",
                    "f_files <= size / 1 KiB (64 at least): empty files pin at most ~size= of kernel memory",
                    LAYER_TMP_INODES, "tmp-inodes", probe_value_tmp_inodes),
        /* ---- hosts: memory the address space does not hold (issue 9 item 8) ---- */
        VALUE_PROBE("PR-MEM-2", "in a child, write memory + 16 MiB into a memfd (never mapped: RLIMIT_AS cannot see it)",
                    "ENOMEM(12), ENOSPC(28), or the child killed by SIGKILL (1009)", LAYER_LIMITS, "limits",
                    probe_value_memory_unmapped),
        /* ---- always-on seccomp rules: no nested namespace, no new mount API, no terminal injection
         * (probe_nsapi.c; the kernel's own answer is EINVAL, EPERM or EBADF, see there) ---- */
        CLONE_NS_PROBE(NEWNS),
        CLONE_NS_PROBE(NEWCGROUP),
        CLONE_NS_PROBE(NEWUTS),
        CLONE_NS_PROBE(NEWIPC),
        CLONE_NS_PROBE(NEWUSER),
        CLONE_NS_PROBE(NEWPID),
        CLONE_NS_PROBE(NEWNET),
        MOUNT_API_PROBE("PR-FSOPEN-1", "fsopen(\"tmpfs\", 0xff00) (the kernel would say EPERM or EINVAL)"),
        MOUNT_API_PROBE("PR-FSCONFIG-1", "fsconfig(-1, FSCONFIG_SET_FLAG, \"ro\") (the kernel would say EINVAL)"),
        MOUNT_API_PROBE("PR-FSMOUNT-1", "fsmount(-1, 0xff00, 0) (the kernel would say EPERM or EINVAL)"),
        MOUNT_API_PROBE("PR-FSPICK-1", "fspick(-1, \"\", 0xff00) (the kernel would say EPERM or EINVAL)"),
        MOUNT_API_PROBE("PR-MOVE-MOUNT-1", "move_mount(-1, \"\", -1, \"\", 0xffff0000) (the kernel would say EPERM or EINVAL)"),
        MOUNT_API_PROBE("PR-OPEN-TREE-1", "open_tree(-1, \"\", 0x80000000) (the kernel would say EINVAL)"),
        MOUNT_API_PROBE("PR-MOUNT-SETATTR-1", "mount_setattr(-1, \"\", 0, NULL, 0) (the kernel would say EINVAL)"),
        TTY_IOCTL_PROBE(TIOCSTI),
        TTY_IOCTL_PROBE(TIOCLINUX),
        TTY_IOCTL_PROBE(TIOCSETD),
        TTY_IOCTL_PROBE(TIOCCONS),
        /* ---- stdio (issue 10): the payload holds no descriptor of the caller's ---- */
        VALUE_PROBE("PR-STDIO-1", "fstat(0), fstat(1), fstat(2)",
                    "each is the pipe the launcher created for it (same inode): relayed, not the caller's fd",
                    LAYER_STDIO, "stdio", probe_value_stdio),
        /* ---- the second layer (issue 17): held by Landlock and another layer, each alone enough
         * (probe_landlock.c) ---- */
        ERRNO_PROBE_LL("PR-LL-EXEC-1", "execve(\"/proc/1/exe\") in a child (init's file: a host file, not the payload)",
                       "EPERM(1) (exec-once) | EACCES(13) (Landlock; init not dumpable)", LAYER_EXEC_ONCE,
                       "exec-once init landlock", 1, EPERM, EACCES),
        ERRNO_PROBE_LL("PR-LL-WRITE-1", "open(\"/home/nonroot/__probe\", O_WRONLY|O_CREAT) (the sandbox user's own home)",
                       "EROFS(30) (read-only root) | EACCES(13) (Landlock)", LAYER_RO_ROOT, "ro-root landlock", 1,
                       EROFS, EACCES),
        ERRNO_PROBE_LL("PR-LL-CONNECT-1", "socket(AF_INET, SOCK_STREAM) + connect(127.0.0.1:9)",
                       "EPERM(1) (seccomp) | ENETUNREACH(101) (network namespace) | EACCES(13) (Landlock)", LAYER_NETNS,
                       "net seccomp landlock", 4, EPERM, ENETUNREACH, EACCES),
        ERRNO_PROBE_LL("PR-LL-BIND-1", "socket(AF_INET, SOCK_STREAM) + bind(0.0.0.0:4242)",
                       "EPERM(1) (seccomp) | EACCES(13) (Landlock)", LAYER_SECCOMP, "seccomp landlock", 4, EPERM, EACCES),
        ERRNO_PROBE_LL("PR-LL-SCOPE-1", "socket(AF_UNIX, SOCK_STREAM) + connect(\"@denybox-scope-<run id>\") (an abstract "
                       "socket the launcher listens on outside, in the host's network namespace)",
                       "EPERM(1) (seccomp: socket; Landlock scope: connect) | ECONNREFUSED(111) (network namespace)",
                       LAYER_NETNS, "net seccomp landlock", 6, EPERM, ECONNREFUSED),
        ERRNO_PROBE_LL("PR-LL-SIGNAL-1", "kill(<pid>, 0) of a process outside the sandbox (one the launcher keeps for "
                       "the run, under the host uid the sandbox user maps to: credentials would not stop the signal)",
                       "ESRCH(3) (pid namespace: the pid names no process here) | EPERM(1) (Landlock signal scope)",
                       LAYER_PIDNS, "pidns landlock", 6, ESRCH, EPERM),
};
const size_t probe_catalogue_len = ELEMENTSOF(probe_catalogue);

const char *const probe_control_layers[] = {
        "net", "seccomp", "exec-once", "env", "ro-root", "ro-in", "caps", "nnp", "user", "pidns", "uts",
        "cgroupns", "proc-mask", "dev", "sys", "tmp-noexec", "fds", "session", "init", "limits",
        "host-root", "tmp-inodes", "stdio", "landlock",
        PROBE_CONTROL_ROOTFS_DOCKER_SOCK, PROBE_CONTROL_OUT_UNWRITABLE, NULL,
};

static const char *const layer_names[_LAYER_MAX] = {
        [LAYER_NETNS] = "netns",
        [LAYER_SECCOMP] = "seccomp",
        [LAYER_EXEC_ONCE] = "exec-once",
        [LAYER_ENV] = "env",
        [LAYER_RO_ROOT] = "ro-root",
        [LAYER_RO_IN] = "ro-in",
        [LAYER_OUT] = "out",
        [LAYER_MOUNTS] = "mounts",
        [LAYER_CAPS] = "caps",
        [LAYER_NNP] = "nnp",
        [LAYER_USER] = "user",
        [LAYER_PIDNS] = "pidns",
        [LAYER_UTS] = "uts",
        [LAYER_CGROUPNS] = "cgroupns",
        [LAYER_PROC_MASK] = "proc-mask",
        [LAYER_DEV] = "dev",
        [LAYER_SYS] = "sys",
        [LAYER_TMP_NOEXEC] = "tmp-noexec",
        [LAYER_FDS] = "fds",
        [LAYER_SESSION] = "session",
        [LAYER_INIT] = "init",
        [LAYER_LIMITS] = "limits",
        [LAYER_HOST_ROOT] = "host-root",
        [LAYER_TMP_INODES] = "tmp-inodes",
        [LAYER_STDIO] = "stdio",
};

static const char *const verdict_names[] = {
        [VERDICT_PASS] = "PASS",
        [VERDICT_FAIL] = "FAIL",
        [VERDICT_UNVERIFIED] = "UNVERIFIED",
};

const char *layer_name(enum probe_layer l)
{
        if ((unsigned) l >= ELEMENTSOF(layer_names) || !layer_names[l])
                return "?";
        return layer_names[l];
}

const char *verdict_name(enum verdict v)
{
        if ((unsigned) v >= ELEMENTSOF(verdict_names) || !verdict_names[v])
                return "?";
        return verdict_names[v];
}

const struct probe_def *probe_catalogue_find(const char *id)
{
        for (size_t i = 0; id && i < probe_catalogue_len; i++)
                if (strcmp(probe_catalogue[i].id, id) == 0)
                        return &probe_catalogue[i];
        return NULL;
}

const struct probe_observation *probe_report_find(const struct probe_report *r, const char *id)
{
        if (!r || !id)
                return NULL;
        for (size_t i = 0; i < r->n_obs; i++)
                if (r->obs[i].present && strcmp(r->obs[i].id, id) == 0)
                        return &r->obs[i];
        return NULL;
}

const char *probe_errno_label(int e, char *buf, size_t size)
{
        const char *name = e > 0 && e < PROBE_ERR_KILLED_BASE ? strerrorname_np(e) : NULL;
        if (e == 0)
                snprintf(buf, size, "success(0)");
        else if (e < 0)
                snprintf(buf, size, "n/a");
        else if (PROBE_ERR_IS_KILLED(e)) {
                const char *sig = sigabbrev_np(e - PROBE_ERR_KILLED_BASE);
                snprintf(buf, size, "killed by SIG%s(%d)", sig ? sig : "?", e);
        } else
                snprintf(buf, size, "%s(%d)", name ? name : "E?", e);
        return buf;
}

bool probe_control_valid(const char *control)
{
        size_t words = 0;

        for (const char *p = control; p && *p;) {
                size_t len = strcspn(p, " ");
                bool known = false;
                if (len == 0)
                        return false; /* leading, trailing or double space */
                for (size_t i = 0; probe_control_layers[i]; i++)
                        known |= strlen(probe_control_layers[i]) == len && memcmp(probe_control_layers[i], p, len) == 0;
                if (!known)
                        return false;
                words++;
                p += len;
                if (*p == ' ' && *++p == '\0')
                        return false;
        }
        return words > 0;
}

size_t probe_held_by(const struct probe_def *def, int abi, char *buf, size_t size)
{
        size_t n = 0, used = 0;

        if (size)
                buf[0] = '\0';
        for (const char *p = def->control; p && *p;) {
                size_t len = strcspn(p, " ");
                bool ll = def->landlock_abi > 0 && abi >= def->landlock_abi;
                bool dropped = (len == 8 && memcmp(p, "landlock", 8) == 0 && !ll) ||
                               (ll && def->landlock_shadows && strlen(def->landlock_shadows) == len &&
                                memcmp(p, def->landlock_shadows, len) == 0);
                if (!dropped && used + len + 2 <= size) {
                        used += (size_t) snprintf(buf + used, size - used, "%s%.*s", n ? " " : "", (int) len, p);
                        n++;
                }
                p += len;
                p += *p == ' ';
        }
        return n;
}

bool probe_errno_accepted(const struct probe_def *def, int e)
{
        for (size_t i = 0; e > 0 && i < ELEMENTSOF(def->errnos) && def->errnos[i]; i++)
                if (def->errnos[i] == e)
                        return true;
        return false;
}

/* ---- adjudication ------------------------------------------------------------------------- */

static bool has_net_dev(const struct probe_report *r) { return r->proc_net_dev != NULL; }
static bool has_env_keys(const struct probe_report *r) { return r->env_keys != NULL; }
static bool has_mountinfo(const struct probe_report *r) { return r->mountinfo != NULL; }

/* Which raw field each check reads: a check whose raw input is missing is UNVERIFIED. */
static const struct check_input {
        probe_check_fn check;
        const char *raw;
        bool (*present)(const struct probe_report *r);
} check_inputs[] = {
        { probe_check_net_dev_lo_only, "proc_net_dev", has_net_dev },
        { probe_check_env_no_secrets, "env_keyset", has_env_keys },
        { probe_check_mount_table, "mountinfo", has_mountinfo },
        { probe_check_env_exact, "env_keyset", has_env_keys },
};

static enum verdict adjudicate_errno(const struct probe_def *def, const struct probe_observation *o,
                                     char *why, size_t why_size)
{
        char got[48];
        probe_errno_label(o->err, got, sizeof(got));
        if (o->err < 0) {
                snprintf(why, why_size, "no errno observed, expected %s", def->expected);
                return VERDICT_UNVERIFIED;
        }
        if (o->err == 0) {
                snprintf(why, why_size, "the operation succeeded, expected %s", def->expected);
                return VERDICT_FAIL;
        }
        if (!probe_errno_accepted(def, o->err)) {
                snprintf(why, why_size, "got %s, expected %s", got, def->expected);
                return VERDICT_FAIL;
        }
        snprintf(why, why_size, "got %s as expected", got);
        return VERDICT_PASS;
}

static enum verdict adjudicate_success(const struct probe_def *def, const struct probe_observation *o,
                                       char *why, size_t why_size)
{
        char got[48];
        if (o->err < 0) {
                snprintf(why, why_size, "no outcome observed, expected success");
                return VERDICT_UNVERIFIED;
        }
        if (o->err > 0) {
                snprintf(why, why_size, "failed with %s, expected success",
                         probe_errno_label(o->err, got, sizeof(got)));
                return VERDICT_FAIL;
        }
        snprintf(why, why_size, "succeeded as expected");
        return VERDICT_PASS;
}

static enum verdict adjudicate_check(const struct probe_def *def, const struct probe_report *r,
                                     const struct probe_observation *o, char *why, size_t why_size)
{
        const struct check_input *in = NULL;
        char got[48];

        for (size_t i = 0; i < ELEMENTSOF(check_inputs); i++)
                if (check_inputs[i].check == def->check)
                        in = &check_inputs[i];
        if (!def->check || !in) {
                snprintf(why, why_size, "catalogue error: no check for %s", def->id);
                return VERDICT_UNVERIFIED;
        }
        if (o->err != 0) {
                snprintf(why, why_size, "the probe could not observe it (%s)",
                         probe_errno_label(o->err, got, sizeof(got)));
                return VERDICT_UNVERIFIED;
        }
        if (!in->present(r)) {
                snprintf(why, why_size, "raw.%s missing from the report", in->raw);
                return VERDICT_UNVERIFIED;
        }
        return def->check(r, why, why_size) ? VERDICT_PASS : VERDICT_FAIL;
}

static enum verdict adjudicate_value(const struct probe_def *def, const struct probe_report *r,
                                     const struct probe_observation *o, char *why, size_t why_size)
{
        char got[48];

        if (!def->value_check) {
                snprintf(why, why_size, "catalogue error: no value check for %s", def->id);
                return VERDICT_UNVERIFIED;
        }
        if (!o->has_value) {
                snprintf(why, why_size, "no value observed (%s)", probe_errno_label(o->err, got, sizeof(got)));
                return VERDICT_UNVERIFIED;
        }
        return def->value_check(o, r->ctx, why, why_size);
}

enum verdict probe_adjudicate(const struct probe_def *def, const struct probe_report *r,
                              char *why, size_t why_size)
{
        const struct probe_observation *o = probe_report_find(r, def ? def->id : NULL);

        if (!def) {
                snprintf(why, why_size, "no catalogue entry");
                return VERDICT_UNVERIFIED;
        }
        if (!o) {
                snprintf(why, why_size, "not reported by the probe");
                return VERDICT_UNVERIFIED;
        }
        switch (def->expect) {
        case EXPECT_ERRNO:
                return adjudicate_errno(def, o, why, why_size);
        case EXPECT_SUCCESS:
                return adjudicate_success(def, o, why, why_size);
        case EXPECT_CHECK:
                return adjudicate_check(def, r, o, why, why_size);
        case EXPECT_VALUE:
                return adjudicate_value(def, r, o, why, why_size);
        }
        snprintf(why, why_size, "catalogue error: unknown expectation %d", (int) def->expect);
        return VERDICT_UNVERIFIED;
}

