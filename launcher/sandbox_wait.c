/* SPDX-License-Identifier: MIT */
#include "sandbox_wait.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "protocol.h"
#include "relay.h"

static void capture_read(int fd, struct sandbox_result *res, bool *open_)
{
        char buf[65536];
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n <= 0) {
                *open_ = false;
                return;
        }
        size_t room = CAPTURE_MAX - res->captured_len;
        size_t take = (size_t)n < room ? (size_t)n : room;
        char *p = realloc(res->captured, res->captured_len + take + 1);
        if (!p)
                return;
        res->captured = p;
        memcpy(p + res->captured_len, buf, take);
        res->captured_len += take;
        p[res->captured_len] = '\0';
}

/* One message from the sandbox while it runs: a setup error (the payload's exec failed) or
 * init's report of how the payload ended.  False once the socket is closed, or no longer
 * trusted (a garbled message): the payload's status then comes from the kernel (init's own exit
 * status is the payload's). */
static bool sync_read(int sync, struct sandbox_result *res, struct dbx_error *err)
{
        struct proto_msg m;
        int r = proto_recv(sync, MSG_DONTWAIT, &m, NULL);
        if (r < 0)
                return r == -EAGAIN; /* (a wake-up with nothing to read keeps the socket) */
        switch (m.type) {
        case PROTO_ERROR:
                res->setup = m.status;
                dbx_error_set(err, EPERM, "%s", m.text);
                res->established = false;
                return true;
        case PROTO_EXIT:
                res->reported = true;
                res->exited = m.exited;
                res->exit_code = m.exited ? m.exit_code : 128 + m.signal;
                res->signal = m.exited ? 0 : m.signal;
                return true;
        case PROTO_LISTENER:
        case PROTO_GO:
                break;
        }
        if (m.fd >= 0)
                close(m.fd);
        return false; /* out of place: init is not speaking the protocol */
}

long long sandbox_now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void kill_sandbox(int pidfd)
{
        syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
}

/* A signal to denybox: forwarded to the sandbox's init (which passes it to the payload).  The
 * first TERM/INT starts the grace period; a second one ends it at once. */
static void on_signal(int pidfd, int sig, unsigned stop_timeout_sec, struct sandbox_result *res, long long *kill_at)
{
        bool stop = sig == SIGTERM || sig == SIGINT;
        if (stop && res->stop_requested) {
                kill_sandbox(pidfd);
                res->stop_killed = true;
                return;
        }
        syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
        if (stop) {
                res->stop_requested = true;
                *kill_at = sandbox_now_ms() + stop_timeout_sec * 1000LL;
        }
}

/* Supervise until the sandbox's init exits: exec notifications, setup errors, the payload's
 * exit report, stdout capture, the first output on a relayed stdout/stderr (its copy thread
 * starts then), signals to forward, the deadline.  The deadline is an absolute time checked on
 * every wake-up, so no traffic (execs, signals, output) can push it back. */
int sandbox_supervise(int pidfd, int sync, int capture, struct relay *relay, int sigfd, long long deadline_ms,
                      unsigned stop_timeout_sec, struct sandbox_result *res, struct dbx_error *err)
{
        bool sync_open = true, capture_open = capture >= 0, listener_open = true, killed = false;
        long long kill_at = 0; /* the end of the grace period after a TERM/INT, or 0 */

        for (int sig = 1; sig < 64; sig++) /* what came during setup (never a TERM/INT: that stopped it) */
                if ((res->early_signals >> sig) & 1u)
                        on_signal(pidfd, sig, stop_timeout_sec, res, &kill_at);

        for (;;) {
                long long now = sandbox_now_ms();
                if (!killed && deadline_ms && now >= deadline_ms) {
                        res->timed_out = true;
                        kill_sandbox(pidfd);
                        killed = true;
                }
                if (!killed && kill_at && now >= kill_at) {
                        res->stop_killed = true;
                        kill_sandbox(pidfd);
                        killed = true;
                }
                long long next = 0;
                if (!killed && deadline_ms)
                        next = deadline_ms;
                if (!killed && kill_at && (!next || kill_at < next))
                        next = kill_at;
                int wait = next ? (int)(next > now ? next - now : 0) : -1;

                /* The relayed output pipes are watched, never read, until the payload first writes
                 * (or closes) one: a payload that writes nothing costs no copy thread. */
                struct pollfd fds[7] = {
                        {.fd = pidfd, .events = POLLIN},
                        {.fd = listener_open ? res->sup.listener : -1, .events = POLLIN},
                        {.fd = sync_open ? sync : -1, .events = POLLIN},
                        {.fd = capture_open ? capture : -1, .events = POLLIN},
                        {.fd = sigfd, .events = POLLIN},
                        {.fd = relay ? relay_waiting_fd(relay, STDOUT_FILENO) : -1, .events = POLLIN},
                        {.fd = relay ? relay_waiting_fd(relay, STDERR_FILENO) : -1, .events = POLLIN},
                };
                int n = poll(fds, ELEMENTSOF(fds), wait);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) { /* (killed: output nobody copies would hold the payload up for ever) */
                        int e = errno;
                        kill_sandbox(pidfd);
                        return dbx_error_set(err, e, "poll: %s", strerror(e));
                }
                for (int i = STDOUT_FILENO, e; i <= STDERR_FILENO; i++)
                        if (fds[4 + i].revents && (e = relay_wake(relay, i, fds[4 + i].revents, err)) < 0) {
                                kill_sandbox(pidfd);
                                return e;
                        }
                if (fds[1].revents & POLLIN) {
                        if (supervisor_handle(&res->sup) < 0)
                                listener_open = false; /* closed below: the kernel then fails execs (ENOSYS) */
                } else if (fds[1].revents & (POLLHUP | POLLERR | POLLNVAL)) {
                        listener_open = false;
                }
                if (!listener_open && res->sup.listener >= 0) {
                        close(res->sup.listener);
                        res->sup.listener = -1;
                }
                if (fds[2].revents)
                        sync_open = sync_read(sync, res, err);
                if (fds[3].revents)
                        capture_read(capture, res, &capture_open);
                if (fds[4].revents & POLLIN) {
                        struct signalfd_siginfo si;
                        while (read(sigfd, &si, sizeof(si)) == sizeof(si))
                                if (!killed)
                                        on_signal(pidfd, (int)si.ssi_signo, stop_timeout_sec, res, &kill_at);
                        killed = killed || res->stop_killed;
                }
                if (fds[0].revents & POLLIN) {
                        while (capture_open) /* drain what the payload wrote before it exited */
                                capture_read(capture, res, &capture_open);
                        return 0;
                }
        }
}

void sandbox_collect_status(int pidfd, struct sandbox_result *res)
{
        siginfo_t si = {0};
        while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 && errno == EINTR)
                ;
        if (res->reported && !res->timed_out)
                return; /* the payload's own status, as init saw it */
        res->exited = si.si_code == CLD_EXITED;
        res->exit_code = res->exited ? si.si_status : 128 + si.si_status;
        res->signal = res->exited ? 0 : si.si_status;
}

