/* SPDX-License-Identifier: MIT */
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/audit.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "learn.h"

/* Best effort, for the log only: the path argument of execve (arg0) or execveat (arg1). */
static void read_path(pid_t pid, uint64_t addr, char *buf, size_t size)
{
        char p[64];
        snprintf(p, sizeof(p), "/proc/%d/mem", (int)pid);
        buf[0] = '\0';
        _cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return;
        ssize_t n = pread(fd, buf, size - 1, (off_t)addr);
        if (n < 0) {
                snprintf(buf, size, "<unreadable>");
                return;
        }
        buf[n] = '\0';
}

/* The notification ioctls themselves, not libseccomp's wrappers: libseccomp 2.5 turns every
 * failure into -ECANCELED, and the supervisor must tell "that notifier died" (ENOENT: keep
 * serving) from a broken listener. */
static int notif_recv(int listener, struct seccomp_notif *req)
{
        for (;;) {
                memset(req, 0, sizeof(*req));
                if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) == 0)
                        return 0;
                if (errno != EINTR)
                        return -errno;
        }
}

static int notif_send(int listener, struct seccomp_notif_resp *resp)
{
        while (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0)
                if (errno != EINTR)
                        return errno == ENOENT ? 0 : -errno; /* ENOENT: the caller died meanwhile */
        return 0;
}

static bool notif_id_valid(int listener, uint64_t id)
{
        return ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

static bool is_exec(const struct seccomp_data *d)
{
        return d->arch == AUDIT_ARCH_X86_64 && (d->nr == __NR_execve || d->nr == __NR_execveat);
}

/* learn: any other syscall, recorded and continued.  Recorded from the payload's tree once the
 * profile is loaded (its own seccomp() in load_profile, after fork_payload): from then on the
 * profile judges every call, the payload's and denybox's last pre-exec steps alike, so it must
 * allow them all.  init runs under its own fixed filter, never under the profile: its calls are
 * not recorded.  CONTINUE is no security decision here: the stacked filters have already judged
 * the call (a denial outranks the notification and never reaches us). */
static int learn_continue(struct supervisor *s, const struct seccomp_notif *req)
{
        struct seccomp_notif_resp resp = {.id = req->id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};
        s->rec->notifications++;
        if ((pid_t)req->pid != s->init_pid) {
                if (s->rec->stage2_loaded)
                        learn_record_syscall(s->rec, &req->data);
                else if (req->data.nr == __NR_seccomp)
                        s->rec->stage2_loaded = true;
        }
        return notif_send(s->listener, &resp);
}

int supervisor_handle(struct supervisor *s)
{
        struct seccomp_notif req;
        struct seccomp_notif_resp resp = {0};
        int r = notif_recv(s->listener, &req);
        if (r == -ENOENT || r == -ECANCELED)
                return 0; /* that notifier died (e.g. SIGKILLed mid-call) before we read it: serve on */
        if (r < 0)
                return r;

        if (s->rec && !is_exec(&req.data))
                return learn_continue(s, &req);

        struct exec_attempt a = {.pid = (pid_t)req.pid};
        char *name = seccomp_syscall_resolve_num_arch(req.data.arch, req.data.nr);
        snprintf(a.syscall, sizeof(a.syscall), "%s", name ? name : "?");
        free(name);

        /* The decision never looks at the arguments. */
        resp.id = req.id;
        if (!s->own_exec_done && a.pid != s->init_pid) {
                /* denybox's own final exec, by the process init forked for it: init never execs,
                 * and no payload code has run yet, so the first exec can only be this one.  Its
                 * path is the one the child resolved and sent with the listener: nothing to read,
                 * and the payload starts without waiting for the log. */
                s->own_exec_done = true;
                a.own_exec = a.allowed = true;
                snprintf(a.path, sizeof(a.path), "%s", s->own_path);
        } else {
                /* the path, for the log only, while the caller still waits in the syscall */
                bool is_execveat = strcmp(a.syscall, "execveat") == 0;
                read_path(a.pid, is_execveat ? req.data.args[1] : req.data.args[0], a.path, sizeof(a.path));
                if (is_execveat && a.path[0] == '\0')
                        snprintf(a.path, sizeof(a.path), "<fd %d>", (int)req.data.args[0]);
                if (s->policy.verdict == EXEC_VERDICT_ALLOW) {
                        a.allowed = true;
                } else {
                        a.err = s->policy.verdict == EXEC_VERDICT_ERRNO ? s->policy.errno_ret : EPERM;
                        if (s->policy.verdict == EXEC_VERDICT_KILL && notif_id_valid(s->listener, req.id))
                                kill(a.pid, SIGKILL);
                }
        }
        if (a.allowed)
                resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        else
                resp.error = -a.err;

        if (s->rec && !a.own_exec && a.pid != s->init_pid) {
                s->rec->exec_attempts++;
                s->rec->exec_allowed += a.allowed;
                if (a.allowed)
                        learn_record_syscall(s->rec, &req.data);
        }
        r = notif_send(s->listener, &resp);
        if (s->n_log < EXEC_LOG_MAX) {
                s->log[s->n_log++] = a;
        } else { /* the first ones stay; the last EXEC_LOG_TAIL slide: the latest is always logged */
                s->n_dropped++;
                memmove(&s->log[EXEC_LOG_MAX - EXEC_LOG_TAIL], &s->log[EXEC_LOG_MAX - EXEC_LOG_TAIL + 1],
                        (EXEC_LOG_TAIL - 1) * sizeof(s->log[0]));
                s->log[EXEC_LOG_MAX - 1] = a;
        }
        return r;
}
