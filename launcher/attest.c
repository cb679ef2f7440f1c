/* SPDX-License-Identifier: MIT */
#include "attest.h"
#include "landlock.h"
#include "privs.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs_digest.h"

int attest_adjudicate(struct attestation *a)
{
        a->rows = calloc(probe_catalogue_len, sizeof(*a->rows));
        if (!a->rows)
                return -ENOMEM;
        a->n_rows = probe_catalogue_len;
        a->n_pass = a->n_fail = a->n_unverified = 0;
        for (size_t i = 0; i < probe_catalogue_len; i++) {
                struct verdict_row *r = &a->rows[i];
                r->def = &probe_catalogue[i];
                r->obs = probe_report_find(&a->report, r->def->id);
                r->verdict = probe_adjudicate(r->def, &a->report, r->why, sizeof(r->why));
                switch (r->verdict) {
                case VERDICT_PASS:
                        a->n_pass++;
                        break;
                case VERDICT_FAIL:
                        a->n_fail++;
                        break;
                case VERDICT_UNVERIFIED:
                        a->n_unverified++;
                        break;
                }
        }
        return 0;
}

/* PR-LL-SCOPE-1's other end: an abstract AF_UNIX socket listening in the launcher's network
 * namespace (the host's; the sandbox gets a namespace of its own unless `--weaken net`), named from
 * the run id (128 random bits) so that no other process guesses or holds the name.  SOCK_CLOEXEC:
 * the payload, once exec'd, never holds it; nobody accepts, a connect only has to succeed.  Returns
 * the fd and the name in ret_name, or a negative errno: the probe is then given no name and
 * observes nothing (UNVERIFIED, never PASS). */
static int scope_listener_open(const char *run_id, char *ret_name, size_t size)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        char name[PROBE_ABSTRACT_NAME_MAX + 1];
        int n = snprintf(name, sizeof(name), "denybox-scope-%s", run_id);

        if (n < 0 || (size_t)n >= sizeof(name) || (size_t)n >= size)
                return -ENAMETOOLONG;
        memcpy(sa.sun_path + 1, name, (size_t)n); /* sun_path[0] == '\0': the abstract namespace */
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (bind(fd, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n)) < 0 ||
            listen(fd, 4) < 0)
                return -errno;
        memcpy(ret_name, name, (size_t)n + 1);
        return TAKE_FD(fd);
}

/* PR-LL-SIGNAL-1's other end: a process outside the sandbox, alive for the run, that the probe
 * tries to signal by its host pid.  It runs under the host uid and gid the sandbox user maps to
 * (as root it drops to them; unprivileged they are the caller's own), so that with the pid
 * namespace and Landlock both removed nothing else -- credentials -- would stop the signal: the
 * probe's FAIL is then the two layers' own.  Cloned with no exit signal (like a thread, only a
 * __WCLONE wait sees it), so no wait of the launcher's ever reaps it by mistake; it holds none of
 * the launcher's descriptors, dies with the launcher (PR_SET_PDEATHSIG) and is killed and reaped
 * after the run (signal_target_stop).  Returns its pid, or a negative errno: then the probe is
 * given none and observes nothing (UNVERIFIED, never PASS). */
static pid_t signal_target_start(const struct sandbox_plan *plan)
{
        const uid_t euid = geteuid(), hu = userns_host_uid(plan, euid);
        const gid_t hg = userns_host_gid(plan, euid, getegid());
        const bool drop = euid == 0 && userns_is_initial(); /* (reads a file: decided here, not in the child) */
        const pid_t parent = getpid();
        int ready[2];
        char b;

        if (pipe2(ready, O_CLOEXEC) < 0)
                return -errno;
        long pid = syscall(SYS_clone, 0L, NULL, NULL, NULL, NULL);
        if (pid < 0) {
                int e = errno;
                close(ready[0]);
                close(ready[1]);
                return -e;
        }
        if (pid == 0) {
                /* raw system calls only: this is a copy of a process that may have had threads */
                if (drop && (syscall(SYS_setgroups, 0, NULL) < 0 || syscall(SYS_setresgid, hg, hg, hg) < 0 ||
                             syscall(SYS_setresuid, hu, hu, hu) < 0))
                        _exit(1);
                /* after the change of ids, which clears the parent-death signal */
                if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent ||
                    prctl(PR_SET_NAME, PROBE_SIGNAL_TARGET_COMM) < 0)
                        _exit(1);
                if ((ready[1] > 0 && syscall(SYS_close_range, 0U, (unsigned)ready[1] - 1, 0U) < 0) ||
                    syscall(SYS_close_range, (unsigned)ready[1] + 1, ~0U, 0U) < 0 || write(ready[1], "r", 1) != 1)
                        _exit(1);
                close(ready[1]);
                for (;;)
                        pause();
        }
        close(ready[1]);
        ssize_t n;
        while ((n = read(ready[0], &b, 1)) < 0 && errno == EINTR)
                ;
        close(ready[0]);
        if (n != 1) { /* it could not become what the probe needs: reap it, give the probe nothing */
                while (waitpid((pid_t)pid, NULL, __WCLONE) < 0 && errno == EINTR)
                        ;
                return -ESRCH;
        }
        return (pid_t)pid;
}

/* Kill and reap the target; true if it was still alive, i.e. it was there for the whole run. */
static bool signal_target_stop(pid_t pid)
{
        if (pid <= 0)
                return false;
        siginfo_t si = {0};
        bool alive = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | __WCLONE) == 0 && si.si_pid == 0;

        if (alive) {
                kill(pid, SIGKILL);
                while (waitpid(pid, NULL, __WCLONE) < 0 && errno == EINTR)
                        ;
        }
        return alive;
}

/* The target's life is the sandbox's: sandbox_run starts it once the launcher sits in its own
 * cgroup (a process of ours beside the launcher there would keep cgroup v2 from being used), and
 * it is gone before the cgroups are; its pid goes into the probe's argv, whose last two slots
 * are kept for it. */
struct signal_target {
        const struct sandbox_plan *plan;
        char **argv; /* NULL-terminated, with two free slots at the end */
        char pid_text[24];
        pid_t pid;
        bool lived;
};

static void signal_target_before_clone(void *arg)
{
        struct signal_target *t = arg;
        size_t n = 0;
        if ((t->pid = signal_target_start(t->plan)) <= 0)
                return; /* none: PR-LL-SIGNAL-1 stays UNVERIFIED */
        snprintf(t->pid_text, sizeof(t->pid_text), "%d", (int)t->pid);
        while (t->argv[n])
                n++;
        t->argv[n] = (char *)"--signal-target";
        t->argv[n + 1] = t->pid_text;
}

static void signal_target_after_run(void *arg)
{
        struct signal_target *t = arg;
        t->lived = signal_target_stop(t->pid);
}

int attest_run(const struct sandbox_config *c, const struct filter_set *fs, int probe_fd, int out_dfd,
               const char *profile_name, const char *profile_sha256, struct attestation *ret, struct dbx_error *err)
{
        struct attestation a = {.c = c, .fs = fs, .profile_name = profile_name};
        struct utsname u;
        int r;

        snprintf(a.profile_sha256, sizeof(a.profile_sha256), "%s", profile_sha256);
        if (uname(&u) == 0)
                snprintf(a.kernel, sizeof(a.kernel), "%s %s %s", u.sysname, u.release, u.machine);
        a.landlock_abi = landlock_abi(); /* what the sandbox's ruleset uses: which probes it holds */
        sandbox_plan_make(c, &a.plan);
        if ((r = provenance_fill(&a, probe_fd, err)) < 0)
                return r;
        if (c->image) {
                /* an image is named by its manifest digest (verified when it was resolved) */
                snprintf(a.rootfs_digest, sizeof(a.rootfs_digest), "%s", c->image_digest);
        } else if (c->rootfs) {
                char d[SHA256_HEX_SIZE];
                if ((r = rootfs_digest(c->rootfs, d, err)) < 0)
                        return r;
                snprintf(a.rootfs_digest, sizeof(a.rootfs_digest), "sha256:%s", d);
        } else {
                snprintf(a.rootfs_digest, sizeof(a.rootfs_digest), "embedded");
        }

        /* What the probe must find: the configured user, hostname and limits. */
        char uid[16], gid[16], pids[24], mem[24];
        snprintf(uid, sizeof(uid), "%u", (unsigned)c->uid);
        snprintf(gid, sizeof(gid), "%u", (unsigned)c->gid);
        snprintf(pids, sizeof(pids), "%lld", (long long)c->limits.pids);
        snprintf(mem, sizeof(mem), "%lld", (long long)(c->limits.memory >= 0 ? c->limits.memory : c->limits.memory_swap));
        char *argv[17] = {(char *)"denybox-probe", (char *)"--uid", uid, (char *)"--gid", gid,
                          (char *)"--hostname", (char *)SANDBOX_HOSTNAME, (char *)"--pids-limit", pids,
                          (char *)"--memory", mem};
        size_t argc = 11;
        /* ... and, when the launcher could listen, the abstract socket PR-LL-SCOPE-1 must not reach */
        char scope_name[PROBE_ABSTRACT_NAME_MAX + 1];
        _cleanup_close_ int scope_fd = scope_listener_open(a.run_id, scope_name, sizeof(scope_name));
        if (scope_fd >= 0) { /* no listener: PR-LL-SCOPE-1 stays UNVERIFIED */
                argv[argc++] = (char *)"--abstract-socket";
                argv[argc++] = scope_name;
        }
        /* ... and the process outside PR-LL-SIGNAL-1 must not signal (its two slots kept free) */
        struct signal_target target = {.plan = &a.plan, .argv = argv};
        assert(argc + 2 < ELEMENTSOF(argv));
        a.ctx = (struct probe_context){.uid = (unsigned)c->uid, .gid = (unsigned)c->gid,
                                    .pids_limit = c->limits.pids,
                                    .memory = c->limits.memory >= 0 ? c->limits.memory : c->limits.memory_swap,
                                    .hostname = SANDBOX_HOSTNAME};
        struct sandbox_payload p = {.argv = argv, .exec_fd = probe_fd, .before_clone = signal_target_before_clone,
                                    .after_run = signal_target_after_run, .hook_arg = &target};

        r = sandbox_run(c, fs, &p, true, &a.res, err);
        if (scope_fd >= 0) /* the run is over: nothing may connect any more */
                close(TAKE_FD(scope_fd));
        if (r < 0) {
                sandbox_result_free(&a.res);
                return r;
        }
        struct dbx_error perr = {0};
        if (!a.res.captured || probe_report_parse(a.res.captured, a.res.captured_len, &a.report, &perr) < 0) {
                /* No report at all: every probe stays UNVERIFIED (never PASS). */
                snprintf(a.report_unread, sizeof(a.report_unread), "%s", a.res.captured ? perr.msg : "no output");
                probe_report_free(&a.report);
                a.report = (struct probe_report){0};
        }
        const enum limit_kind mem_kind = c->limits.memory >= 0 ? LIMIT_MEMORY : LIMIT_SWAP;
        a.ctx.memory_mechanism = limit_mech_label(mem_kind, a.res.cg.mech[mem_kind]);
        memcpy(a.ctx.stdio_ino, a.res.stdio_ino, sizeof(a.ctx.stdio_ino));
        a.report.ctx = &a.ctx;
        if (target.pid > 0 && !target.lived) /* an ESRCH proves nothing once the target is gone */
                for (size_t i = 0; i < a.report.n_obs; i++)
                        if (strcmp(a.report.obs[i].id, "PR-LL-SIGNAL-1") == 0) {
                                a.report.obs[i].err = -1;
                                snprintf(a.report.obs[i].actual, sizeof(a.report.obs[i].actual),
                                         "not observed: the launcher's process outside died during the run");
                        }
        if (attest_adjudicate(&a) < 0) {
                r = dbx_error_set(err, ENOMEM, "out of memory");
                goto out;
        }

        const char *dir = c->output_dir ? c->output_dir : OUTPUT_DIR_DEFAULT;
        if ((r = bundle_write(&a, out_dfd, err)) < 0) {
                dbx_error_wrap(err, "output directory %s", dir);
                goto out;
        }

        /* a weakened run proves nothing about the boundary: never exit 0 */
        r = a.n_pass == a.n_rows && !c->weaken ? EXIT_ATTEST_PASS : EXIT_ATTEST_PROBE_FAILED;
        *ret = a;
        return r;
out:
        attest_free(&a);
        return r;
}

void attest_free(struct attestation *a)
{
        free(a->rows);
        a->rows = NULL;
        probe_report_free(&a->report);
        sandbox_result_free(&a->res);
}
