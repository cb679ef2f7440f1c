/* SPDX-License-Identifier: MIT */
/* The probe binary's shared helpers: recording an observation, bounded reads, and running an
 * operation that could replace or kill the probe in a forked child with a bounded wait. */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
        else if (PROBE_ERR_IS_KILLED(err)) {
                char l[48];
                snprintf(buf, size, "%s -> %s", what, probe_errno_label(err, l, sizeof(l)));
        } else
                snprintf(buf, size, "%s -> %s (%s)", what, errname(err), strerror(err));
}

void record(struct obs *o, int err, const char *what)
{
        o->err = err;
        describe(o->actual, sizeof(o->actual), err, what);
}

/* Two operations make one probe: report the worse errno (success, then an errno the catalogue
 * does not accept, then an accepted one) and describe both. */
void record_two(struct obs *o, const char *id, int e1, const char *what1, int e2, const char *what2)
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
int read_bounded(const char *path, char *buf, size_t cap, size_t *ret_len)
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
long escape_text(const char *in, size_t len, char *out, size_t size)
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
int try_create(const char *path)
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

int stat_errno(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0 ? 0 : errno;
}

long long now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The child's end of its progress pipe (-1 outside in_child's children). */
static int progress_fd = -1;

void child_progress(void)
{
        if (progress_fd >= 0)
                (void) !write(progress_fd, "+", 1); /* non-blocking: a full pipe already says "progress" */
}

/* Runs fn(arg) in a forked child; returns the errno the child reported through the pipe, or 0
 * if it ended without reporting one (replaced by a successful exec, or killed), or -1 if the
 * child could not be run.  note says what happened when no errno came back.
 *
 * The wait is bounded by progress, not by the machine's speed: the child is killed only after
 * CHILD_STALL_MS without a word from it (its result, its exit, or a child_progress() byte), so a
 * slow or loaded machine only makes a probe slower, never changes its verdict. */
int in_child(int (*fn)(int), int arg, char *note, size_t note_size)
{
        int p[2], q[2], e = 0, status = 0;
        bool reported = false;
        pid_t pid;

        note[0] = '\0';
        if (pipe2(p, O_CLOEXEC) < 0) {
                snprintf(note, note_size, "pipe2: %s", strerror(errno));
                return -1;
        }
        if (pipe2(q, O_CLOEXEC | O_NONBLOCK) < 0) {
                snprintf(note, note_size, "pipe2: %s", strerror(errno));
                close(p[0]);
                close(p[1]);
                return -1;
        }
        pid = fork();
        if (pid < 0) {
                snprintf(note, note_size, "fork: %s", strerror(errno));
                close(p[0]);
                close(p[1]);
                close(q[0]);
                close(q[1]);
                return -1;
        }
        if (pid == 0) {
                close(p[0]);
                close(q[0]);
                progress_fd = q[1];
                e = fn(arg);
                (void) !write(p[1], &e, sizeof(e));
                _exit(0);
        }
        close(p[1]);
        close(q[1]);
        /* Until the result pipe says something (the errno, or EOF when the child exits, is killed
         * or execs), drain progress bytes; each one restarts the stall clock. */
        for (long long last = now_ms();;) {
                struct pollfd pfd[2] = { { .fd = p[0], .events = POLLIN }, { .fd = q[0], .events = POLLIN } };
                long long left = last + CHILD_STALL_MS - now_ms();
                int n = left > 0 ? poll(pfd, 2, (int) left) : 0;
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break; /* stalled (or poll failed): the wait below kills it */
                if (pfd[1].revents & POLLIN) {
                        char buf[256];
                        while (read(q[0], buf, sizeof(buf)) > 0)
                                ;
                        last = now_ms();
                }
                if (pfd[0].revents & (POLLIN | POLLHUP)) {
                        if (read(p[0], &e, sizeof(e)) == (ssize_t) sizeof(e))
                                reported = true;
                        break;
                }
                if (pfd[1].revents & POLLHUP) { /* exec'd or exiting: only the result pipe is left */
                        close(q[0]);
                        q[0] = -1;
                }
        }
        close(p[0]);
        if (q[0] >= 0)
                close(q[0]);
        for (long long deadline = now_ms() + CHILD_STALL_MS;;) {
                pid_t w = waitpid(pid, &status, WNOHANG);
                if (w == pid || (w < 0 && errno != EINTR))
                        break;
                if (now_ms() >= deadline) {
                        kill(pid, SIGKILL);
                        waitpid(pid, &status, 0);
                        snprintf(note, note_size, "child made no progress for %d ms, killed", CHILD_STALL_MS);
                        return -1; /* neither its errno nor its fate: not observed */
                }
                usleep(1000);
        }
        if (reported)
                return e;
        if (WIFSIGNALED(status)) {
                snprintf(note, note_size, "no errno reported: child killed by SIG%s",
                         sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
                return PROBE_ERR_KILLED(WTERMSIG(status));
        }
        snprintf(note, note_size, "no errno reported: replaced by exec (exit %d)", WEXITSTATUS(status));
        return 0;
}

void record_child(struct obs *o, int err, const char *what, const char *note)
{
        char w[sizeof(o->actual)];
        snprintf(w, sizeof(w), "%s%s%s%s", what, note[0] ? " [" : "", note, note[0] ? "]" : "");
        record(o, err, w);
}

void set_value(struct obs *o, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(o->value, sizeof(o->value), fmt, ap);
        va_end(ap);
        if (n >= (int) sizeof(o->value)) /* cut: say so where the checks look */
                memcpy(o->value + sizeof(o->value) - 4, "...", 4);
        o->has_value = n >= 0;
}

