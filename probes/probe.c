/* SPDX-License-Identifier: MIT */
/* denybox-probe: the payload that observes the boundary from the inside.
 *
 * Static, unsanitized, runs in an empty root as the sandbox's single exec.  It only OBSERVES: for
 * each probe of the catalogue it makes the real system call (raw syscall(2) where glibc could
 * interfere), records the errno (0 = the operation succeeded) and a short text, then prints one
 * JSON document (see report.c for the format) on stdout and exits 0.  The launcher adjudicates.
 * Exit 1 only if the report could not be written; 64 on a usage error.
 *
 * Operations that would replace or entangle this process if the boundary were open (execve,
 * execveat, ptrace) run in a forked child that reports its errno through a pipe; a child that
 * ends without reporting one was replaced by the exec: errno 0, the operation succeeded. */
#include "catalogue.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
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
#define CHILD_TIMEOUT_MS 2000

extern char **environ;

struct obs {
        int err;
        char actual[sizeof(((struct probe_observation *) 0)->actual)];
};

/* Raw observations, all fixed-size. */
static char mountinfo[MOUNTINFO_MAX + 1];
static size_t mountinfo_len;
static bool have_mountinfo;
static char net_dev[NET_DEV_MAX + 1];
static size_t net_dev_len;
static bool have_net_dev;
static char env_keys[PROBE_ENV_MAX_KEYS][PROBE_ENV_MAX_KEY + 1]; /* already escaped */
static char *env_key_ptrs[PROBE_ENV_MAX_KEYS];
static size_t n_env_keys;
static char escaped[4 * MOUNTINFO_MAX + 1];

static const char *errname(int e)
{
        const char *n = strerrorname_np(e);
        return n ? n : "E?";
}

/* "what -> EPERM (Operation not permitted)" or "what -> succeeded". */
static void describe(char *buf, size_t size, int err, const char *what)
{
        if (err == 0)
                snprintf(buf, size, "%s -> succeeded", what);
        else if (err < 0)
                snprintf(buf, size, "%s -> not observed", what);
        else
                snprintf(buf, size, "%s -> %s (%s)", what, errname(err), strerror(err));
}

static void record(struct obs *o, int err, const char *what)
{
        o->err = err;
        describe(o->actual, sizeof(o->actual), err, what);
}

/* Two operations make one probe: report the worse errno (success, then an errno the catalogue
 * does not accept, then an accepted one) and describe both. */
static void record_two(struct obs *o, const char *id, int e1, const char *what1, int e2, const char *what2)
{
        const struct probe_def *def = probe_catalogue_find(id);
        char a[240], b[240];
        int rank1 = e1 == 0 ? 3 : e1 < 0 ? 2 : def && probe_errno_accepted(def, e1) ? 0 : 1;
        int rank2 = e2 == 0 ? 3 : e2 < 0 ? 2 : def && probe_errno_accepted(def, e2) ? 0 : 1;

        o->err = rank2 > rank1 ? e2 : e1;
        describe(a, sizeof(a), e1, what1);
        describe(b, sizeof(b), e2, what2);
        snprintf(o->actual, sizeof(o->actual), "%s; %s", a, b);
}

/* ---- helpers with side effects ----------------------------------------------------------------- */

/* Reads at most cap bytes of path into buf (NUL-terminated, buf holds cap + 1).  Returns 0,
 * EFBIG if the file is larger (buf then holds its first cap bytes), or the errno. */
static int read_bounded(const char *path, char *buf, size_t cap, size_t *ret_len)
{
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        size_t len = 0;
        int err = 0;
        char extra;

        *ret_len = 0;
        buf[0] = '\0';
        if (fd < 0)
                return errno;
        while (len < cap) {
                ssize_t n = read(fd, buf + len, cap - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        err = errno;
                        break;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        if (!err && len == cap && read(fd, &extra, 1) > 0)
                err = EFBIG;
        close(fd);
        buf[len] = '\0';
        *ret_len = len;
        return err;
}

/* Bytes outside printable ASCII (but \n and \t) become mountinfo-style \ooo escapes, so the JSON
 * is valid UTF-8 whatever the kernel printed.  Returns the length, or -1 if out is too small. */
static long escape_text(const char *in, size_t len, char *out, size_t size)
{
        size_t o = 0;
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) in[i];
                bool plain = (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t';
                if (o + (plain ? 1 : 4) >= size)
                        return -1;
                if (plain)
                        out[o++] = (char) c;
                else
                        o += (size_t) snprintf(out + o, size - o, "\\%03o", c);
        }
        out[o] = '\0';
        return (long) o;
}

/* Opens path for writing the way the seeds did (open(path, "w") without truncating anything that
 * might exist): 0 if that was possible, else the errno.  A file this created is removed again. */
static int try_create(const char *path)
{
        struct stat st;
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
        if (fd < 0)
                return errno;
        if (fstat(fd, &st) == 0 && st.st_size == 0)
                unlink(path);
        close(fd);
        return 0;
}

static int stat_errno(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0 ? 0 : errno;
}

static long long now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs fn(arg) in a forked child; returns the errno the child reported through the pipe, or 0
 * if it ended without reporting one (replaced by a successful exec, or killed), or -1 if the
 * child could not be run.  note says what happened when no errno came back. */
static int in_child(int (*fn)(int), int arg, char *note, size_t note_size)
{
        int p[2], e = 0, status = 0;
        bool reported = false;
        struct pollfd pfd;
        pid_t pid;

        note[0] = '\0';
        if (pipe2(p, O_CLOEXEC) < 0) {
                snprintf(note, note_size, "pipe2: %s", strerror(errno));
                return -1;
        }
        pid = fork();
        if (pid < 0) {
                snprintf(note, note_size, "fork: %s", strerror(errno));
                close(p[0]);
                close(p[1]);
                return -1;
        }
        if (pid == 0) {
                close(p[0]);
                e = fn(arg);
                (void) !write(p[1], &e, sizeof(e));
                _exit(0);
        }
        close(p[1]);
        pfd = (struct pollfd) { .fd = p[0], .events = POLLIN };
        if (poll(&pfd, 1, CHILD_TIMEOUT_MS) > 0 && read(p[0], &e, sizeof(e)) == (ssize_t) sizeof(e))
                reported = true;
        close(p[0]);
        for (long long deadline = now_ms() + CHILD_TIMEOUT_MS;;) {
                pid_t w = waitpid(pid, &status, WNOHANG);
                if (w == pid || (w < 0 && errno != EINTR))
                        break;
                if (now_ms() >= deadline) {
                        kill(pid, SIGKILL);
                        waitpid(pid, &status, 0);
                        snprintf(note, note_size, "child still running after %d ms, killed; ", CHILD_TIMEOUT_MS);
                        break;
                }
                usleep(10000);
        }
        if (reported)
                return e;
        size_t off = strlen(note);
        if (WIFSIGNALED(status))
                snprintf(note + off, note_size - off, "no errno reported, child killed by %s", strsignal(WTERMSIG(status)));
        else
                snprintf(note + off, note_size - off, "no errno reported: replaced by exec (exit %d)",
                         WEXITSTATUS(status));
        return 0;
}

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

static void probe_net_dev(struct obs *o)
{
        struct probe_report r = { .proc_net_dev = net_dev };
        int err = read_bounded("/proc/net/dev", net_dev, NET_DEV_MAX, &net_dev_len);

        have_net_dev = err == 0 || err == EFBIG;
        if (err) {
                record(o, err, "read /proc/net/dev");
                return;
        }
        o->err = 0;
        probe_check_net_dev_lo_only(&r, o->actual, sizeof(o->actual));
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
        if (err) {
                record(o, err, "environment key set");
                return;
        }
        struct probe_report r = { .env_keys = env_key_ptrs, .n_env_keys = n_env_keys };
        o->err = 0;
        probe_check_env_no_secrets(&r, o->actual, sizeof(o->actual));
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
        int err = read_bounded("/proc/self/mountinfo", mountinfo, MOUNTINFO_MAX, &mountinfo_len);

        have_mountinfo = err == 0 || err == EFBIG;
        if (err) { /* a truncated table could hide the one writable mount: not verified */
                record(o, err, "read /proc/self/mountinfo");
                return;
        }
        o->err = 0;
        probe_check_mount_table(&r, o->actual, sizeof(o->actual));
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

int main(int argc, char **argv)
{
        for (size_t i = 0; i < ELEMENTSOF(probes); i++)
                if (!probe_catalogue_find(probes[i].id) || probe_catalogue_len != ELEMENTSOF(probes))
                        fprintf(stderr, "denybox-probe: %s: not in step with the catalogue\n", probes[i].id);
        if (argc == 2 && strcmp(argv[1], "--list") == 0) {
                for (size_t i = 0; i < ELEMENTSOF(probes); i++)
                        printf("%s\n", probes[i].id);
                return fflush(stdout) == 0 ? 0 : 1;
        }
        if (argc > 1) {
                fprintf(stderr, "usage: denybox-probe [--list]\n");
                return 64;
        }
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
