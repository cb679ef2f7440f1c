/* SPDX-License-Identifier: MIT */
#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"

int relay_stdio_sanitize(void)
{
        for (int fd = 0; fd < 3; fd++) {
                if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
                        continue;
                /* the lowest free slot is this one: 0, 1 and 2 are filled in order */
                int n = open("/dev/null", O_RDWR);
                if (n < 0)
                        return -errno;
                if (n != fd) {
                        close(n);
                        return -EBADF;
                }
        }
        return 0;
}

int relay_open(struct relay *r, struct dbx_error *err)
{
        for (int i = 0; i < 3; i++)
                r->p[i] = (struct relay_pipe){.child = -1, .parent = -1, .caller = i, .to_child = i == 0, .stop = -1};
        r->stop[0] = r->stop[1] = -1;
        if (pipe2(r->stop, O_CLOEXEC) < 0)
                return dbx_error_set(err, errno, "cannot create the stdio pipes: %s", strerror(errno));
        r->p[0].stop = r->stop[0];
        for (int i = 0; i < 3; i++) {
                int fds[2];
                if (pipe2(fds, O_CLOEXEC) < 0) {
                        int e = errno;
                        relay_finish(r, -1);
                        return dbx_error_set(err, e, "cannot create the stdio pipes: %s", strerror(e));
                }
                r->p[i].child = i == 0 ? fds[0] : fds[1];
                r->p[i].parent = i == 0 ? fds[1] : fds[0];
        }
        return 0;
}

int relay_install(struct relay *r, struct dbx_error *err)
{
        for (int i = 0; i < 3; i++)
                if (r->p[i].parent >= 0) {
                        close(r->p[i].parent);
                        r->p[i].parent = -1;
                }
        for (int i = 0; i < 2; i++)
                if (r->stop[i] >= 0) {
                        close(r->stop[i]);
                        r->stop[i] = -1;
                }
        /* The child ends sit above 2 (0/1/2 were never free in main), so dup2 cannot clobber one. */
        for (int i = 0; i < 3; i++) {
                if (dup2(r->p[i].child, i) < 0)
                        return dbx_error_set(err, errno, "dup2 stdio: %s", strerror(errno));
                close(r->p[i].child);
                r->p[i].child = -1;
        }
        return 0;
}

void relay_close_child_ends(struct relay *r)
{
        for (int i = 0; i < 3; i++)
                if (r->p[i].child >= 0) {
                        close(r->p[i].child);
                        r->p[i].child = -1;
                }
}

long long relay_copy(int from, int to, int stop)
{
        long long total = 0;
        bool can_splice = true;
        char buf[65536];

        for (;;) {
                ssize_t n;
                if (stop >= 0) { /* stdin: wait for data or for the end of the run, never in a read */
                        struct pollfd p[2] = {{.fd = from, .events = POLLIN}, {.fd = stop, .events = POLLIN}};
                        if (poll(p, 2, -1) < 0 && errno != EINTR)
                                return -errno;
                        if (p[1].revents)
                                return total;
                        if (!p[0].revents)
                                continue;
                }
                if (can_splice) {
                        n = splice(from, NULL, to, NULL, stop >= 0 ? 65536 : 1 << 20, SPLICE_F_MOVE);
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n < 0 && (errno == EINVAL || errno == ENOSYS || errno == ESPIPE || errno == EBADF)) {
                                can_splice = false; /* a terminal, an O_APPEND file, ...: copy instead */
                                continue;
                        }
                        if (n < 0)
                                return -errno;
                        if (n == 0)
                                return total;
                        total += n;
                        continue;
                }
                n = read(from, buf, sizeof(buf));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return errno == EIO ? total : -errno; /* EIO: a terminal we may not read (hung up, background) */
                if (n == 0)
                        return total;
                int w = fd_write_all(to, buf, (size_t)n);
                if (w < 0)
                        return w;
                total += n;
        }
}

static void *copy_thread(void *arg)
{
        struct relay_pipe *p = arg;
        sigset_t all;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, NULL); /* EPIPE, not SIGPIPE; signals are the supervisor's */
        if (p->to_child)
                relay_copy(p->caller, p->parent, p->stop);
        else
                relay_copy(p->parent, p->caller, -1);
        /* EOF or the other side is gone (EPIPE): the payload sees EOF / EPIPE as with a direct fd. */
        close(p->parent);
        p->parent = -1;
        return NULL;
}

static int start_copy(struct relay_pipe *p, struct dbx_error *err)
{
        int e = pthread_create(&p->thread, NULL, copy_thread, p);
        if (e)
                return dbx_error_set(err, e, "cannot start the stdio relay: %s", strerror(e));
        p->threaded = true;
        return 0;
}

static bool stdin_readable_here(void)
{
        /* A terminal we are not in the foreground of would stop us (SIGTTIN): no stdin then. */
        if (!isatty(STDIN_FILENO))
                return true;
        pid_t fg = tcgetpgrp(STDIN_FILENO);
        return fg < 0 || fg == getpgrp();
}

static bool stdin_is_dev_null(void)
{
        /* Nothing to relay: the payload reads EOF at once, as it would from /dev/null, and no
         * thread waits on it (most launches from scripts and CI have this stdin). */
        struct stat st;
        return fstat(STDIN_FILENO, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

int relay_start(struct relay *r, bool relay_stdin, bool relay_stdout, struct dbx_error *err)
{
        bool want[3] = {relay_stdin && !stdin_is_dev_null() && stdin_readable_here(), relay_stdout, true};
        for (int i = 0; i < 3; i++) {
                struct relay_pipe *p = &r->p[i];
                if (p->parent < 0 || (i == 1 && !want[1]))
                        continue;
                if (!want[i]) { /* stdin not relayed: the payload reads EOF */
                        close(p->parent);
                        p->parent = -1;
                        continue;
                }
                if (i > 0) { /* output: its copy starts when the payload writes (relay_wake) */
                        p->lazy = true;
                        continue;
                }
                int e = start_copy(p, err);
                if (e < 0)
                        return e;
        }
        return 0;
}

int relay_waiting_fd(const struct relay *r, int i)
{
        return r->p[i].lazy ? r->p[i].parent : -1;
}

int relay_wake(struct relay *r, int i, short revents, struct dbx_error *err)
{
        struct relay_pipe *p = &r->p[i];
        p->lazy = false; /* the fd is the copy's from now on, or closed: nobody polls it again */
        /* POLLHUP alone: every writer is gone and nothing is left, so nothing can ever be: the
         * pipe is closed without a thread (the common end of a payload that writes nothing: its
         * exit hangs the pipe up, init holds no end of it). */
        if (revents == POLLHUP) {
                close(p->parent);
                p->parent = -1;
                return 0;
        }
        return start_copy(p, err);
}

/* After the sandbox is gone, an output pipe whose copy never started: every writer is gone, so it
 * holds what the payload wrote last (a copy drains it, as it would have all along), or nothing
 * (POLLHUP alone: closed, no thread). */
static void wake_late(struct relay *r, int i)
{
        struct pollfd pfd = {.fd = r->p[i].parent, .events = POLLIN};
        if (poll(&pfd, 1, 0) < 0)
                pfd.revents = POLLIN; /* (cannot tell: copy, which reads to the end) */
        /* (No thread to be had, out of memory or tasks: the output is lost and the pipe closed
         * with the others, not copied here, where a caller that does not read would hold the
         * launcher past any drain bound.) */
        relay_wake(r, i, pfd.revents, NULL);
}

bool relay_finish(struct relay *r, int drain_ms)
{
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += drain_ms / 1000;
        until.tv_nsec += (drain_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
        }
        for (int i = 1; i < 3; i++)
                if (r->p[i].lazy)
                        wake_late(r, i);
        /* stdout and stderr end by themselves: every writer is gone with the pid namespace; only
         * a caller that does not read can hold them */
        bool done = true;
        for (int i = 1; i < 3; i++)
                if (r->p[i].threaded) {
                        if (drain_ms >= 0 ? pthread_timedjoin_np(r->p[i].thread, NULL, &until) != 0
                                          : pthread_join(r->p[i].thread, NULL) != 0) {
                                pthread_detach(r->p[i].thread);
                                done = false;
                        }
                        r->p[i].threaded = false;
                }
        /* stdin may wait on the caller forever (a terminal): stop it */
        if (r->p[0].threaded) {
                if (write(r->stop[1], "x", 1) != 1) {
                        /* a pipe of our own with room: cannot fail */
                }
                pthread_join(r->p[0].thread, NULL);
                r->p[0].threaded = false;
        }
        for (int i = 0; i < 2; i++)
                if (r->stop[i] >= 0) {
                        close(r->stop[i]);
                        r->stop[i] = -1;
                }
        for (int i = 0; i < 3; i++) {
                if (done && r->p[i].parent >= 0) /* (an abandoned copy still uses its own) */
                        close(r->p[i].parent);
                if (r->p[i].child >= 0)
                        close(r->p[i].child);
                r->p[i].child = -1;
                if (done)
                        r->p[i].parent = -1;
        }
        return done;
}
