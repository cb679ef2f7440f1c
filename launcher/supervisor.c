/* SPDX-License-Identifier: MIT */
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static bool is_exec(const struct seccomp_data *d)
{
        return d->arch == AUDIT_ARCH_X86_64 && (d->nr == __NR_execve || d->nr == __NR_execveat);
}

/* learn: any other syscall.  Recorded once stage 2 is loaded: from then on the profile judges
 * every call, the payload's and those of denybox's init and pre-exec path alike, so it must allow
 * them all (the calls before -- the hand-off, loading stage 2 -- never run under the profile).
 * Then continued: CONTINUE is no security decision here, stage 2 has already judged the call (a
 * denial outranks the notification and never reaches us). */
static int learn_continue(struct supervisor *s, struct seccomp_notif *req, struct seccomp_notif_resp *resp)
{
        s->rec->notifications++;
        if (s->rec->stage2_loaded)
                learn_record_syscall(s->rec, &req->data);
        else if ((pid_t)req->pid == s->init_pid && req->data.nr == __NR_seccomp)
                s->rec->stage2_loaded = true; /* init's one seccomp() after the recording filter */
        resp->id = req->id;
        resp->val = 0;
        resp->error = 0;
        resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        int r = seccomp_notify_respond(s->listener, resp);
        seccomp_notify_free(req, resp);
        return r == -ENOENT ? 0 : r;
}

int supervisor_handle(struct supervisor *s)
{
        struct seccomp_notif *req = NULL;
        struct seccomp_notif_resp *resp = NULL;
        int r;

        if (seccomp_notify_alloc(&req, &resp) < 0)
                return -ENOMEM;
        r = seccomp_notify_receive(s->listener, req);
        if (r < 0) {
                seccomp_notify_free(req, resp);
                return r == -ENOENT ? 0 : r; /* the caller died meanwhile */
        }

        if (s->rec && !is_exec(&req->data))
                return learn_continue(s, req, resp);

        struct exec_attempt a = {.pid = (pid_t)req->pid};
        char *name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
        snprintf(a.syscall, sizeof(a.syscall), "%s", name ? name : "?");
        free(name);

        /* The decision never looks at the arguments. */
        resp->id = req->id;
        resp->val = 0;
        resp->error = 0;
        resp->flags = 0;
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
                read_path(a.pid, is_execveat ? req->data.args[1] : req->data.args[0], a.path, sizeof(a.path));
                if (is_execveat && a.path[0] == '\0')
                        snprintf(a.path, sizeof(a.path), "<fd %d>", (int)req->data.args[0]);
                if (s->policy.verdict == EXEC_VERDICT_ALLOW) {
                        a.allowed = true;
                } else {
                        a.err = s->policy.verdict == EXEC_VERDICT_ERRNO ? s->policy.errno_ret : EPERM;
                        if (s->policy.verdict == EXEC_VERDICT_KILL && seccomp_notify_id_valid(s->listener, req->id) == 0)
                                kill(a.pid, SIGKILL);
                }
        }
        if (a.allowed)
                resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        else
                resp->error = -a.err;

        if (s->rec && !a.own_exec && a.pid != s->init_pid) {
                s->rec->exec_attempts++;
                s->rec->exec_allowed += a.allowed;
                if (a.allowed)
                        learn_record_syscall(s->rec, &req->data);
        }
        r = seccomp_notify_respond(s->listener, resp);
        seccomp_notify_free(req, resp);
        if (s->n_log < EXEC_LOG_MAX)
                s->log[s->n_log++] = a;
        else
                s->n_dropped++;
        return r == -ENOENT ? 0 : r;
}
