/* SPDX-License-Identifier: MIT */
/* denybox-probe: the payload that observes the boundary from the inside.
 *
 * Static, unsanitized, runs in an empty root as the sandbox's single exec.  It only OBSERVES: for
 * each probe of the catalogue it makes the real system call (raw syscall(2) where glibc could
 * interfere), records the errno (0 = the operation succeeded) and a short text, then prints one
 * JSON document (see report.c for the format) on stdout and exits 0.  The launcher adjudicates.
 * Exit 1 only if the report could not be written; 64 on a usage error.
 *
 *   denybox-probe [--uid U] [--gid G] [--hostname H] [--pids-limit N] [--memory BYTES]
 *                 [--abstract-socket NAME] [--signal-target PID]
 *   denybox-probe --list     the probe ids, in catalogue order
 *   denybox-probe --noop     exit 0 (what PR-EXEC-2 runs if exec-once lets it through)
 *
 * The limits say how far PR-PIDS-1 and PR-MEM-1 try to go; without them those two are not
 * observed (UNVERIFIED); so are PR-LL-SCOPE-1 without --abstract-socket (the name of the launcher's
 * listener outside the sandbox, see launcher/attest.c) and PR-LL-SIGNAL-1 without --signal-target
 * (the host pid of a process the launcher keeps outside for the run).  The expectations themselves the launcher
 * keeps (probe_context).
 *
 * Operations that would replace, entangle or kill this process if the boundary were open (execve,
 * execveat, ptrace, unshare, i386/x32 calls, the limits) run in a forked child that reports its
 * errno through a pipe (probe_util.c: in_child); a child that ends without reporting one was
 * replaced by the exec (errno 0: the operation succeeded) or killed (PROBE_ERR_KILLED(sig)).
 * This file holds the seeds' 12 observations and the report; observe_kernel.c and
 * observe_views.c the rest. */
#include "probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#define MOUNTINFO_MAX (256u << 10)
#define NET_DEV_MAX (64u << 10)

extern char **environ;

/* Raw observations, all fixed-size. */
static char mountinfo[MOUNTINFO_MAX + 1];
static size_t mountinfo_len;
static bool have_mountinfo;
static char net_dev[NET_DEV_MAX + 1];
static size_t net_dev_len;
static bool have_net_dev;

/* A kernel text the report carries raw (the launcher judges it again): read, and kept even when cut. */
static int read_raw(const char *path, char *buf, size_t max, size_t *len, bool *have)
{
        int err = read_bounded(path, buf, max, len);
        *have = err == 0 || err == EFBIG;
        return err;
}
static char env_keys[PROBE_ENV_MAX_KEYS][PROBE_ENV_MAX_KEY + 1]; /* already escaped */
static char *env_key_ptrs[PROBE_ENV_MAX_KEYS];
static size_t n_env_keys;
static int env_err = -1; /* PR-ENV-1's outcome, which PR-ENV-2 shares */
static char escaped[4 * MOUNTINFO_MAX + 1];

static int child_execve(int unused)
{
        char *const argv[] = { (char *) "/bin/sh", (char *) "-c", (char *) "exit 0", NULL };
        char *const envp[] = { NULL };
        syscall(SYS_execve, "/bin/sh", argv, envp);
        return errno;
}

static int child_execveat(int unused)
{
        char *const argv[] = { (char *) "/bin/sh", (char *) "-c", (char *) "exit 0", NULL };
        char *const envp[] = { NULL };
        syscall(SYS_execveat, AT_FDCWD, "/bin/sh", argv, envp, 0);
        return errno;
}

static int child_traceme(int unused)
{
        return syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0) == 0 ? 0 : errno;
}

/* ---- the observations --------------------------------------------------------------------------- */

static void probe_net_connect(struct obs *o)
{
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
        int fd, err = 0;

        fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
                record(o, errno, "socket(AF_INET, SOCK_STREAM)");
                return;
        }
        sa.sin_addr.s_addr = htonl(0x01010101); /* 1.1.1.1 */
        if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                err = errno;
        if (err == EINPROGRESS) { /* an open network: never hang, 1.5 s at most */
                struct pollfd pfd = { .fd = fd, .events = POLLOUT };
                socklen_t l = sizeof(err);
                int n = poll(&pfd, 1, 1500);
                if (n == 0)
                        err = ETIMEDOUT;
                else if (n < 0)
                        err = errno;
                else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
                        err = errno;
        }
        close(fd);
        record(o, err, "socket(AF_INET) + connect(1.1.1.1:53)");
}

/* A probe that reads a report (r) and judges it with the catalogue's own check: the read's error
 * is the observation, or the check's verdict is. */
static void check_report(struct obs *o, int err, const char *what,
                         bool (*check)(const struct probe_report *, char *, size_t), const struct probe_report *r)
{
        if (err) {
                record(o, err, what);
                return;
        }
        o->err = 0;
        check(r, o->actual, sizeof(o->actual));
}

static void probe_net_dev(struct obs *o)
{
        struct probe_report r = { .proc_net_dev = net_dev };
        int err = read_raw("/proc/net/dev", net_dev, NET_DEV_MAX, &net_dev_len, &have_net_dev);
        check_report(o, err, "read /proc/net/dev", probe_check_net_dev_lo_only, &r);
}

static void probe_socket(struct obs *o)
{
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int err = fd < 0 ? errno : 0;
        if (fd >= 0)
                close(fd);
        record(o, err, "socket(AF_INET, SOCK_STREAM)");
}

static int cmp_key(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Key names only, never values. */
static void probe_env(struct obs *o)
{
        char key[PROBE_ENV_MAX_KEY + 1];
        int err = 0;

        for (char **e = environ; e && *e; e++) {
                size_t len = strcspn(*e, "=");
                if (n_env_keys >= PROBE_ENV_MAX_KEYS || len > PROBE_ENV_MAX_KEY) {
                        err = E2BIG; /* a key not reported could be the secret one: not verified */
                        continue;
                }
                memcpy(key, *e, len);
                key[len] = '\0';
                if (escape_text(key, len, env_keys[n_env_keys], sizeof(env_keys[0])) < 0) {
                        err = E2BIG;
                        continue;
                }
                env_key_ptrs[n_env_keys] = env_keys[n_env_keys];
                n_env_keys++;
        }
        qsort(env_key_ptrs, n_env_keys, sizeof(char *), cmp_key);
        env_err = err;
        struct probe_report r = { .env_keys = env_key_ptrs, .n_env_keys = n_env_keys };
        check_report(o, err, "environment key set", probe_check_env_no_secrets, &r);
}

/* PR-ENV-2 reads the same key set PR-ENV-1 collected (PR-ENV-1 runs first). */
static void probe_env_exact(struct obs *o)
{
        struct probe_report r = { .env_keys = env_key_ptrs, .n_env_keys = n_env_keys };
        check_report(o, env_err, "environment key set", probe_check_env_exact, &r);
}

static void probe_fs_in(struct obs *o)
{
        record(o, try_create("/in/__probe"), "open(\"/in/__probe\", O_WRONLY|O_CREAT)");
}

static void probe_fs_etc(struct obs *o)
{
        record(o, try_create("/etc/__probe"), "open(\"/etc/__probe\", O_WRONLY|O_CREAT)");
}

static void probe_fs_root_app(struct obs *o)
{
        record_two(o, "PR-FS-ESC-2", try_create("/root/__probe"), "open(\"/root/__probe\", O_WRONLY|O_CREAT)",
                   try_create("/app/__probe"), "open(\"/app/__probe\", O_WRONLY|O_CREAT)");
}

static void probe_fs_out(struct obs *o)
{
        int fd = open("/out/report.md", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
        int err = 0;

        if (fd < 0) {
                record(o, errno, "open(\"/out/report.md\", O_WRONLY|O_CREAT|O_TRUNC)");
                return;
        }
        ssize_t n = write(fd, "ok", 2);
        if (n != 2)
                err = n < 0 ? errno : EIO;
        if (close(fd) < 0 && !err)
                err = errno;
        record(o, err, "open(\"/out/report.md\") + write(\"ok\") + close");
}

static void probe_exec(struct obs *o)
{
        char n1[160], n2[160], w1[240], w2[240];
        int e1 = in_child(child_execve, 0, n1, sizeof(n1));
        int e2 = in_child(child_execveat, 0, n2, sizeof(n2));

        snprintf(w1, sizeof(w1), "execve(\"/bin/sh\")%s%s", n1[0] ? " [" : "", n1[0] ? n1 : "");
        if (n1[0])
                strncat(w1, "]", sizeof(w1) - strlen(w1) - 1);
        snprintf(w2, sizeof(w2), "execveat(AT_FDCWD, \"/bin/sh\")%s%s", n2[0] ? " [" : "", n2[0] ? n2 : "");
        if (n2[0])
                strncat(w2, "]", sizeof(w2) - strlen(w2) - 1);
        record_two(o, "PR-EXEC-1", e1, w1, e2, w2);
}

static void probe_mountinfo(struct obs *o)
{
        struct probe_report r = { .mountinfo = mountinfo };
        int err = read_raw("/proc/self/mountinfo", mountinfo, MOUNTINFO_MAX, &mountinfo_len, &have_mountinfo);
        /* a truncated table could hide the one writable mount: not verified */
        check_report(o, err, "read /proc/self/mountinfo", probe_check_mount_table, &r);
}

static void probe_docker_sock(struct obs *o)
{
        record_two(o, "PR-SOCK-DOCKER", stat_errno("/var/run/docker.sock"), "stat(\"/var/run/docker.sock\")",
                   stat_errno("/run/docker.sock"), "stat(\"/run/docker.sock\")");
}

static void probe_ptrace(struct obs *o)
{
        char note[160], what[240];
        int err = in_child(child_traceme, 0, note, sizeof(note));
        snprintf(what, sizeof(what), "ptrace(PTRACE_TRACEME)%s%s%s", note[0] ? " [" : "", note, note[0] ? "]" : "");
        record(o, err, what);
}

/* In catalogue order. */
static const struct probe_fn {
        const char *id;
        void (*run)(struct obs *o);
} probes[] = {
        { "PR-NET-1", probe_net_connect },
        { "PR-NET-2", probe_net_dev },
        { "PR-SOCK-1", probe_socket },
        { "PR-ENV-1", probe_env },
        { "PR-FS-RO-IN", probe_fs_in },
        { "PR-FS-ESC-1", probe_fs_etc },
        { "PR-FS-ESC-2", probe_fs_root_app },
        { "PR-FS-OUT-OK", probe_fs_out },
        { "PR-EXEC-1", probe_exec },
        { "PR-MOUNT-1", probe_mountinfo },
        { "PR-SOCK-DOCKER", probe_docker_sock },
        { "PR-PTRACE-1", probe_ptrace },
        { "PR-CAP-INH", probe_cap_inh },
        { "PR-CAP-PRM", probe_cap_prm },
        { "PR-CAP-EFF", probe_cap_eff },
        { "PR-CAP-BND", probe_cap_bnd },
        { "PR-CAP-AMB", probe_cap_amb },
        { "PR-SECBITS", probe_securebits },
        { "PR-NNP-1", probe_nnp },
        { "PR-SECCOMP-MODE", probe_seccomp_mode },
        { "PR-UID-1", probe_ids },
        { "PR-USERNS-1", probe_userns },
        { "PR-MOUNT-2", probe_mount2 },
        { "PR-UMOUNT-1", probe_umount },
        { "PR-CHROOT-1", probe_chroot },
        { "PR-SETNS-1", probe_setns },
        { "PR-PIVOT-1", probe_pivot },
        { "PR-TMP-EXEC", probe_tmp_exec },
        { "PR-TMP-MMAP", probe_tmp_mmap },
        { "PR-PIDNS-1", probe_pidns },
        { "PR-HOSTNAME-1", probe_hostname },
        { "PR-CGROUPNS-1", probe_cgroupns },
        { "PR-FD-1", probe_fds },
        { "PR-EXE-1", probe_exe },
        { "PR-SYS-1", probe_sys },
        { "PR-DEV-1", probe_dev },
        { "PR-PROC-MASK-1", probe_proc_mask },
        { "PR-TIOCSTI-1", probe_tiocsti },
        { "PR-TIOCSTI-2", probe_tiocsti_high },
        { "PR-KEYCTL-1", probe_keyctl },
        { "PR-ADDKEY-1", probe_add_key },
        { "PR-BPF-1", probe_bpf },
        { "PR-PERF-1", probe_perf },
        { "PR-IOURING-1", probe_io_uring },
        { "PR-PTRACE-2", probe_process_vm },
        { "PR-NET-3", probe_unix_socket },
        { "PR-I386-1", probe_i386 },
        { "PR-X32-1", probe_x32 },
        { "PR-CLONE3-1", probe_clone3 },
        { "PR-EXEC-2", probe_exec_fd },
        { "PR-ENV-2", probe_env_exact },
        { "PR-PIDS-1", probe_pids },
        { "PR-MEM-1", probe_memory },
        /* mounts and identity (probes/probe_mounts.c) */
        { "PR-HOSTROOT-1", probe_host_root },
        { "PR-TMP-INODES", probe_tmp_inodes },
        { "PR-MEM-2", probe_memory_unmapped }, /* observe_limits.c */
        /* probe_nsapi.c: always-on seccomp rules (nested namespaces, new mount API, terminal ioctls) */
        { "PR-CLONE-NEWNS", probe_clone_newns },
        { "PR-CLONE-NEWCGROUP", probe_clone_newcgroup },
        { "PR-CLONE-NEWUTS", probe_clone_newuts },
        { "PR-CLONE-NEWIPC", probe_clone_newipc },
        { "PR-CLONE-NEWUSER", probe_clone_newuser },
        { "PR-CLONE-NEWPID", probe_clone_newpid },
        { "PR-CLONE-NEWNET", probe_clone_newnet },
        { "PR-FSOPEN-1", probe_fsopen },
        { "PR-FSCONFIG-1", probe_fsconfig },
        { "PR-FSMOUNT-1", probe_fsmount },
        { "PR-FSPICK-1", probe_fspick },
        { "PR-MOVE-MOUNT-1", probe_move_mount },
        { "PR-OPEN-TREE-1", probe_open_tree },
        { "PR-MOUNT-SETATTR-1", probe_mount_setattr },
        { "PR-TTY-TIOCSTI", probe_tty_tiocsti },
        { "PR-TTY-TIOCLINUX", probe_tty_tioclinux },
        { "PR-TTY-TIOCSETD", probe_tty_tiocsetd },
        { "PR-TTY-TIOCCONS", probe_tty_tioccons },
        /* stdio (issue 10) */
        { "PR-STDIO-1", probe_stdio },
        /* probe_landlock.c: the second layer (issue 17) */
        { "PR-LL-EXEC-1", probe_ll_exec },
        { "PR-LL-WRITE-1", probe_ll_write },
        { "PR-LL-CONNECT-1", probe_ll_connect },
        { "PR-LL-BIND-1", probe_ll_bind },
        { "PR-LL-SCOPE-1", probe_ll_scope },
        { "PR-LL-SIGNAL-1", probe_ll_signal },
};

static struct obs results[ELEMENTSOF(probes)];

/* ---- the report ------------------------------------------------------------------------------- */

static int gen_str(yajl_gen g, const char *s)
{
        return yajl_gen_string(g, (const unsigned char *) s, strlen(s));
}

static int gen_raw_text(yajl_gen g, const char *key, bool have, const char *text, size_t len)
{
        int st = gen_str(g, key);
        long n = have ? escape_text(text, len, escaped, sizeof(escaped)) : -1;
        if (n < 0)
                return st | yajl_gen_null(g);
        return st | yajl_gen_string(g, (const unsigned char *) escaped, (size_t) n);
}

static int write_report(void)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        const unsigned char *buf;
        size_t len;
        int st = 0;

        if (!g)
                return -ENOMEM;
        st |= yajl_gen_map_open(g);
        st |= gen_str(g, "schema") | gen_str(g, PROBE_REPORT_SCHEMA);
        st |= gen_str(g, "probes") | yajl_gen_array_open(g);
        for (size_t i = 0; i < ELEMENTSOF(probes); i++) {
                st |= yajl_gen_map_open(g);
                st |= gen_str(g, "id") | gen_str(g, probes[i].id);
                st |= gen_str(g, "errno") | yajl_gen_integer(g, results[i].err);
                escape_text(results[i].actual, strlen(results[i].actual), escaped, sizeof(escaped));
                st |= gen_str(g, "actual") | gen_str(g, escaped);
                if (results[i].has_value) {
                        escape_text(results[i].value, strlen(results[i].value), escaped, sizeof(escaped));
                        st |= gen_str(g, "value") | gen_str(g, escaped);
                }
                st |= yajl_gen_map_close(g);
        }
        st |= yajl_gen_array_close(g);
        st |= gen_str(g, "raw") | yajl_gen_map_open(g);
        st |= gen_raw_text(g, "mountinfo", have_mountinfo, mountinfo, mountinfo_len);
        st |= gen_str(g, "env_keyset") | yajl_gen_array_open(g);
        for (size_t i = 0; i < n_env_keys; i++)
                st |= gen_str(g, env_key_ptrs[i]);
        st |= yajl_gen_array_close(g);
        st |= gen_raw_text(g, "proc_net_dev", have_net_dev, net_dev, net_dev_len);
        st |= yajl_gen_map_close(g) | yajl_gen_map_close(g);
        st |= yajl_gen_get_buf(g, &buf, &len);
        if (st == yajl_gen_status_ok && (fwrite(buf, 1, len, stdout) != len || fputc('\n', stdout) == EOF))
                st = -1;
        yajl_gen_free(g);
        if (fflush(stdout) != 0 || ferror(stdout))
                st = -1;
        return st == yajl_gen_status_ok ? 0 : -EIO;
}

struct probe_args probe_args = { .pids_limit = -1, .memory = -1, .signal_target = -1 };

static int usage(void)
{
        fprintf(stderr, "usage: denybox-probe [--list | --noop | [--uid U] [--gid G] [--hostname H] "
                        "[--pids-limit N] [--memory BYTES] [--abstract-socket NAME] [--signal-target PID]]\n");
        return 64;
}

/* A whole decimal number >= -1 (-1: unset). */
static bool parse_limit(const char *s, long long *ret)
{
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (!*s || *end || errno || v < -1)
                return false;
        *ret = v;
        return true;
}

/* The launcher's expectations.  Only the limits steer an observation (how far to try); uid, gid
 * and hostname are accepted for symmetry and never trusted: the launcher adjudicates with its own
 * probe_context. */
static int parse_args(int argc, char **argv)
{
        for (int i = 1; i < argc; i += 2) {
                const char *opt = argv[i], *arg = i + 1 < argc ? argv[i + 1] : NULL;
                if (!arg)
                        return usage();
                if (strcmp(opt, "--pids-limit") == 0) {
                        if (!parse_limit(arg, &probe_args.pids_limit))
                                return usage();
                } else if (strcmp(opt, "--memory") == 0) {
                        if (!parse_limit(arg, &probe_args.memory))
                                return usage();
                } else if (strcmp(opt, "--abstract-socket") == 0) {
                        if (!*arg || strlen(arg) > PROBE_ABSTRACT_NAME_MAX)
                                return usage();
                        probe_args.abstract_socket = arg;
                } else if (strcmp(opt, "--signal-target") == 0) {
                        if (!parse_limit(arg, &probe_args.signal_target) || probe_args.signal_target < 1 ||
                            probe_args.signal_target > INT32_MAX)
                                return usage();
                } else if (strcmp(opt, "--uid") != 0 && strcmp(opt, "--gid") != 0 && strcmp(opt, "--hostname") != 0)
                        return usage();
        }
        return 0;
}

int main(int argc, char **argv)
{
        for (size_t i = 0; i < ELEMENTSOF(probes); i++)
                if (!probe_catalogue_find(probes[i].id) || probe_catalogue_len != ELEMENTSOF(probes) ||
                    strcmp(probe_catalogue[i].id, probes[i].id) != 0)
                        fprintf(stderr, "denybox-probe: %s: not in step with the catalogue\n", probes[i].id);
        if (argc == 2 && strcmp(argv[1], "--list") == 0) {
                for (size_t i = 0; i < ELEMENTSOF(probes); i++)
                        printf("%s\n", probes[i].id);
                return fflush(stdout) == 0 ? 0 : 1;
        }
        if (argc == 2 && strcmp(argv[1], "--noop") == 0)
                return 0; /* what PR-EXEC-2 runs if exec-once lets it through */
        if (parse_args(argc, argv) != 0)
                return 64;
        signal(SIGPIPE, SIG_IGN);
        for (size_t i = 0; i < ELEMENTSOF(probes); i++) {
                results[i].err = -1;
                probes[i].run(&results[i]);
        }
        if (write_report() < 0) {
                fprintf(stderr, "denybox-probe: could not write the report\n");
                return 1;
        }
        return 0;
}
