/* SPDX-License-Identifier: MIT */
/* The isolation sequence.  A reviewer reads the step table (inside, in the order of DESIGN.md),
 * sandbox_child() and sandbox_run() (outside) and nothing else first.  What runs is the plan
 * (sandbox_plan.h): its steps, its mount table, its settings; no step here knows of the test-only
 * negative controls, which only edit the plan (sandbox_plan.c). */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init.h"
#include "landlock.h"
#include "learn.h"
#include "sandbox_wait.h"
#include "mounts.h"
#include "privs.h"
#include "protocol.h"
#include "relay.h"
#include "sandbox_plan.h"

struct child_ctx {
        const struct sandbox_config *c;
        const struct sandbox_plan *plan;
        const struct filter_set *fs;
        const struct sandbox_payload *p;
        const struct cgroup_plan *cg;
        int sync;        /* child end of the socketpair */
        struct relay *stdio;  /* the payload's 0/1/2: denybox's pipes */
        bool capture;    /* attest: stdout is read by the launcher, not relayed */
        char exec_path[PATH_MAX];
        char *envp[MAX_ENV + 8];
};

/* ---- child steps ------------------------------------------------------------------------- */

static __attribute__((noreturn)) void child_fail(int sync, enum setup_status st, const struct dbx_error *err);
static int run_steps(struct child_ctx *x, const enum sandbox_step_id *steps, size_t n, struct dbx_error *err);

static int wait_for_maps(struct child_ctx *x, struct dbx_error *err)
{
        struct proto_msg m;
        if (proto_recv(x->sync, 0, &m, err) < 0 || m.type != PROTO_GO)
                return dbx_error_set(err, EPIPE, "the launcher went away before the sandbox was set up");
        return 0;
}

static int set_parent_death_signal(struct child_ctx *x, struct dbx_error *err)
{
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
                return dbx_error_set(err, errno, "PR_SET_PDEATHSIG: %s", strerror(errno));
        return 0;
}

/* After the parent placed us in our cgroups: a cgroup namespace rooted there (cgroup v1 moves
 * happen after the clone, so a CLONE_NEWCGROUP at clone time would be rooted above them). */
static int enter_cgroup_namespace(struct child_ctx *x, struct dbx_error *err)
{
        if (unshare(CLONE_NEWCGROUP) < 0)
                return dbx_error_set(err, errno, "cannot create the cgroup namespace: %s", strerror(errno));
        return 0;
}

/* The plan's mount table: every host source captured, then the root built from it, pivoted
 * into, and the root's own flags set on /. */
static int build_new_root(struct child_ctx *x, struct dbx_error *err)
{
        __attribute__((cleanup(mount_sources_close))) struct mount_sources src;
        _cleanup_close_ int root = -1;
        int r;

        if ((r = mounts_capture(x->plan, &src, err)) < 0)
                return r;
        /* every host source captured: only now leave the launcher's credentials */
        if ((r = privs_become_setup_user(x->plan, err)) < 0 || (r = mounts_build_root(x->c, x->plan, &src, &root, err)) < 0)
                return r;
        return mounts_pivot(root, x->plan->mounts[0].attr, err);
}

static int mask_proc(struct child_ctx *x, struct dbx_error *err)
{
        return mounts_mask_proc(err);
}

static int set_hostname(struct child_ctx *x, struct dbx_error *err)
{
        if (sethostname(SANDBOX_HOSTNAME, strlen(SANDBOX_HOSTNAME)) < 0)
                return dbx_error_set(err, errno, "sethostname: %s", strerror(errno));
        return 0;
}

static int new_session(struct child_ctx *x, struct dbx_error *err)
{
        if (setsid() < 0)
                return dbx_error_set(err, errno, "setsid: %s", strerror(errno));
        return 0;
}

static int connect_stdio(struct child_ctx *x, struct dbx_error *err)
{
        if (x->plan->stdio == STDIO_INHERIT) { /* the caller's own 0/1/2 (attest's capture stays) */
                struct relay_pipe *out = &x->stdio->p[STDOUT_FILENO];
                if (x->capture && dup2(out->child, STDOUT_FILENO) < 0)
                        return dbx_error_set(err, errno, "dup2: %s", strerror(errno));
                relay_close_child_ends(x->stdio);
                for (int i = 0; i < 3; i++)
                        closep(&x->stdio->p[i].parent);
                return 0;
        }
        return relay_install(x->stdio, err);
}

/* Every fd but stdio is closed at the exec: mark all CLOEXEC (the sync socket and the probe's
 * memfd are needed until the exec itself). */
static int close_other_fds(struct child_ctx *x, struct dbx_error *err)
{
        if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
                return dbx_error_set(err, errno, "close_range: %s", strerror(errno));
        return 0;
}

static int scrub_environment(struct child_ctx *x, struct dbx_error *err)
{
        static char home_root[] = "HOME=/root", home_nonroot[] = "HOME=/home/nonroot", home_other[] = "HOME=/";
        static char hostname[] = "HOSTNAME=" SANDBOX_HOSTNAME, lang[] = "LANG=C.UTF-8",
                    path[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        size_t n = 0;

        x->envp[n++] = x->plan->uid == 0 ? home_root : x->plan->uid == SANDBOX_UID_DEFAULT ? home_nonroot : home_other;
        x->envp[n++] = hostname;
        x->envp[n++] = lang;
        x->envp[n++] = path;
        for (size_t i = 0; i < x->c->n_env; i++) {
                const char *kv = x->c->env[i];
                size_t klen = (size_t)(strchr(kv, '=') - kv) + 1;
                size_t j;
                for (j = 0; j < n; j++)
                        if (strncmp(x->envp[j], kv, klen) == 0)
                                break;
                x->envp[j] = x->c->env[i]; /* -e / --env-file override the defaults */
                if (j == n)
                        n++;
        }
        x->envp[n] = NULL;
        if (x->plan->env == ENV_INHERIT) { /* the caller's whole environment, then ours */
                extern char **environ;
                size_t k = 0;
                for (char **e = environ; *e && k + n < ELEMENTSOF(x->envp) - 1; e++)
                        k++;
                memmove(x->envp + k, x->envp, (n + 1) * sizeof(char *));
                memcpy(x->envp, environ, k * sizeof(char *));
        }
        return 0;
}

static int set_rlimits(struct child_ctx *x, struct dbx_error *err)
{
        /* No core dumps: a host core_pattern pipe would run outside the sandbox. */
        struct rlimit core = {0, 0};
        if (setrlimit(RLIMIT_CORE, &core) < 0)
                return dbx_error_set(err, errno, "RLIMIT_CORE: %s", strerror(errno));
        /* the limits no cgroup could take: RLIMIT_NPROC, RLIMIT_AS */
        return cgroup_apply_rlimits(&x->plan->limits, x->cg, err);
}

static int drop_privileges(struct child_ctx *x, struct dbx_error *err)
{
        return privs_drop(x->plan, err);
}

static int keep_capabilities(struct child_ctx *x, struct dbx_error *err)
{
        return privs_keep_all(x->plan, err);
}

/* Resolved inside the new root by fd: no symlink and no /proc magic link (/proc/self/fd/N, a
 * host directory some fd still names) can put the cwd outside it. */
static int enter_workdir(struct child_ctx *x, struct dbx_error *err)
{
        const char *w = x->c->workdir ? x->c->workdir : "/";
        struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
                               .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
        _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return dbx_error_set(err, errno, "open /: %s", strerror(errno));
        _cleanup_close_ int dir = (int)syscall(SYS_openat2, root, w, &how, sizeof(how));
        if (dir < 0 || fchdir(dir) < 0)
                return dbx_error_set(err, errno, "--workdir %s: %s inside the sandbox", w, strerror(errno));
        return 0;
}

/* Checked, after the credential change (which resets it to fs.suid_dumpable) and before
 * seccomp (a profile may deny prctl): nobody reads init's memory or its fds (/proc/1/fd). */
static int set_not_dumpable(struct child_ctx *x, struct dbx_error *err)
{
        if (prctl(PR_SET_DUMPABLE, x->plan->dumpable ? 1 : 0, 0, 0, 0) < 0)
                return dbx_error_set(err, errno, "PR_SET_DUMPABLE: %s", strerror(errno));
        return 0;
}

static int set_no_new_privs(struct child_ctx *x, struct dbx_error *err)
{
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return dbx_error_set(err, errno, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
        return 0;
}

/* Resolve the payload before seccomp: denybox's own exec is the only one allowed, so a PATH
 * search by trial execs (execvp) would spend it on the first miss. */
static int resolve_payload(struct child_ctx *x, struct dbx_error *err)
{
        const char *name = x->p->argv[0];
        struct stat st;

        if (x->p->exec_fd >= 0)
                return 0;
        if (strchr(name, '/')) {
                snprintf(x->exec_path, sizeof(x->exec_path), "%s", name);
        } else {
                static const char *const dirs[] = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"};
                x->exec_path[0] = '\0';
                for (size_t i = 0; i < ELEMENTSOF(dirs) && !x->exec_path[0]; i++) {
                        char cand[PATH_MAX];
                        snprintf(cand, sizeof(cand), "%s/%s", dirs[i], name);
                        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode))
                                snprintf(x->exec_path, sizeof(x->exec_path), "%s", cand);
                }
                if (!x->exec_path[0])
                        return dbx_error_set(err, ENOENT, "payload '%s' not found in the sandbox's PATH", name);
        }
        if (stat(x->exec_path, &st) < 0)
                return dbx_error_set(err, errno, "payload '%s': %s inside the sandbox", x->exec_path, strerror(errno));
        if (!S_ISREG(st.st_mode) || faccessat(AT_FDCWD, x->exec_path, X_OK, AT_EACCESS) < 0)
                return dbx_error_set(err, EACCES, "payload '%s' is not an executable file for uid %u", x->exec_path, (unsigned)x->plan->uid);
        return 0;
}

/* Landlock, the second layer (issue 17): after the new root is built, so its rules name the
 * sandbox's own paths (the host's are gone); after resolve_payload, so the execute rule names the
 * payload's file; right after no_new_privs, which landlock_restrict_self() needs once the
 * capabilities are gone (a plan that keeps them, a negative control, serves as well); before
 * seccomp, whose profile may deny the landlock_* calls.  Before the fork: init is under it too. */
static int apply_landlock(struct child_ctx *x, struct dbx_error *err)
{
        return landlock_apply(x->c, x->p->exec_fd >= 0 ? NULL : x->exec_path,
                              x->fs->exec.verdict != EXEC_VERDICT_ALLOW, err);
}

/* Stage 1 (execve/execveat -> notify, and the always-on argument guards: no CLONE_NEW*, no
 * terminal injection), its listener handed to the parent while sendmsg is still allowed.  Loaded
 * before the fork, so it covers init and the payload alike.  The plan says which stage 1: the
 * full one, or exec-once only (a negative control, which drops stage 2 too). */
static int load_exec_notify(struct child_ctx *x, struct dbx_error *err)
{
        /* learn: the recording filter (learn.h) takes stage 1's listener; stage 1's always-on
         * guards follow it as a filter of their own (after it: they deny a second listener, and
         * after the hand-off: their own seccomp() call is recorded and answered) */
        struct sock_filter rec[LEARN_FILTER_LEN];
        struct bpf_blob recording = {.data = (uint8_t *)rec, .len = sizeof(rec)};
        if (x->p->record)
                learn_filter_build(x->sync, rec);
        const struct bpf_blob *stage1 = x->p->record                           ? &recording
                                        : x->plan->stage1 == STAGE1_EXEC_ONLY ? &x->fs->stage1_exec_only
                                                                               : &x->fs->stage1;
        int listener = bpf_blob_load(stage1, SECCOMP_FILTER_FLAG_NEW_LISTENER, err);
        if (listener < 0)
                return dbx_error_wrap(err, "cannot load seccomp stage 1");

        /* the listener, with the path of the one exec to come, for the supervisor's log */
        struct proto_msg m = proto_listener(listener, x->p->exec_fd >= 0 ? "<embedded probe, sealed memfd>" : x->exec_path);
        int r = proto_send(x->sync, &m, x->p->record ? (int)LEARN_HANDOFF_FLAGS : MSG_NOSIGNAL, err);
        close(listener);
        if (r < 0)
                return dbx_error_wrap(err, "cannot hand the exec listener to the supervisor");
        /* learn: stage 1's guards, once the supervisor holds the listener (this seccomp() call is
         * itself notified, and answered only from now on) */
        if (x->p->record && x->plan->stage1 == STAGE1_FULL && bpf_blob_load(&x->fs->stage1_guards, 0, err) < 0)
                return dbx_error_wrap(err, "cannot load stage 1's guards");
        return 0;
}

/* pid 1 stays as init and never returns from here: it closes every fd but the sync socket, runs
 * the plan's init steps (none, unless a negative control moved some there), puts itself under its
 * own small fixed filter (no profile can take wait4 or sigtimedwait from it),
 * then reaps and forwards.  Its child goes on to become the payload.  The signals init waits for
 * were blocked by the launcher before the clone and SIGCHLD is blocked before the fork, so none
 * is lost and a payload that exits at once is never missed. */
static int fork_payload(struct child_ctx *x, struct dbx_error *err)
{
        sigset_t waited;
        init_signal_set(&waited);
        sigprocmask(SIG_BLOCK, &waited, NULL);
        pid_t payload = fork();
        if (payload < 0)
                return dbx_error_set(err, errno, "cannot fork the payload: %s", strerror(errno));
        if (payload == 0) /* dies with init; set before the profile, which may deny prctl */
                return prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 ? dbx_error_set(err, errno, "PR_SET_PDEATHSIG: %s", strerror(errno)) : 0;

        int r = init_close_fds(x->sync) < 0 ? dbx_error_set(err, errno, "init could not close its fds: %s", strerror(errno)) : 0;
        if (r >= 0)
                r = run_steps(x, x->plan->init_steps, x->plan->n_init_steps, err);
        if (r >= 0 && init_filter_load() < 0) /* (sets no_new_privs in init itself: init never execs) */
                r = dbx_error_set(err, errno, "init could not be set up: %s", strerror(errno));
        if (r < 0) {
                kill(payload, SIGKILL);
                child_fail(x->sync, SETUP_FAILED, err);
        }
        init_loop(payload, x->sync);
}

/* Stage 2, the profile, in the payload only, stacked on stage 1. */
static int load_profile(struct child_ctx *x, struct dbx_error *err)
{
        if (bpf_blob_load(&x->fs->stage2, x->fs->stage2_flags, err) < 0)
                return dbx_error_wrap(err, "cannot load seccomp stage 2");
        return 0;
}

/* Dispositions survive exec when ignored: a caller that ignores INT/QUIT (a shell's background
 * job, nohup) must not pass that on.  Every signal back to default, none blocked. */
static int reset_signals(struct child_ctx *x, struct dbx_error *err)
{
        (void)x;
        (void)err;
        for (int sig = 1; sig < NSIG; sig++)
                if (sig != SIGKILL && sig != SIGSTOP)
                        signal(sig, SIG_DFL); /* EINVAL for the realtime signals libc keeps: fine */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        return 0;
}

static __attribute__((noreturn)) void child_fail(int sync, enum setup_status st, const struct dbx_error *err)
{
        struct proto_msg m = proto_error(st, err);
        proto_write(sync, &m); /* write(), not send(): stage 2 may deny sendmsg/sendto; if it fails, nothing is left to tell */
        _exit(st);
}

typedef int (*child_step_fn)(struct child_ctx *x, struct dbx_error *err);

/* The inside of the sequence: DESIGN.md steps 4-10, one named step a line, in the order they run,
 * each with what it denies and why it sits there.  The plan (sandbox_plan.h) lists which of them
 * run; `denybox explain` prints this same table. */
static const struct {
        child_step_fn fn;
        struct sandbox_step info;
} child_steps[_STEP_MAX] = {
        [STEP_SET_PARENT_DEATH_SIGNAL] = {set_parent_death_signal, {"set_parent_death_signal", "die with the launcher, from the first instruction"}},
        [STEP_WAIT_FOR_MAPS] = {wait_for_maps, {"wait_for_maps", "the parent writes the uid/gid maps before the child acts"}},
        [STEP_ENTER_CGROUP_NAMESPACE] = {enter_cgroup_namespace, {"enter_cgroup_namespace", "a cgroup namespace rooted at the sandbox's own cgroups"}},
        [STEP_BUILD_NEW_ROOT] = {build_new_root, {"build_new_root", "private mounts; the mount table (rootfs, /proc, /dev, /tmp, /in ro, /out); pivot_root; old root detached; / ro"}},
        [STEP_MASK_PROC] = {mask_proc, {"mask_proc", "kcore, keys, timer_list, ... masked; sys, sysrq-trigger, irq, bus, fs read-only"}},
        [STEP_SET_HOSTNAME] = {set_hostname, {"set_hostname", "the host's name does not leak (own UTS namespace)"}},
        [STEP_NEW_SESSION] = {new_session, {"new_session", "setsid: no controlling terminal, so no TIOCSTI into the caller's tty"}},
        [STEP_CONNECT_STDIO] = {connect_stdio, {"connect_stdio", "0/1/2 are denybox's pipes, relayed by the launcher: no descriptor of the caller's (its tty, its files) reaches the payload"}},
        [STEP_CLOSE_OTHER_FDS] = {close_other_fds, {"close_other_fds", "every fd but stdio is close-on-exec: no host fd survives the exec"}},
        [STEP_SCRUB_ENVIRONMENT] = {scrub_environment, {"scrub_environment", "only HOME, HOSTNAME, LANG, PATH and what -e/--env-file add"}},
        [STEP_SET_RLIMITS] = {set_rlimits, {"set_rlimits", "RLIMIT_CORE 0 (no core dump through a host core_pattern); NPROC/AS where no cgroup can limit"}},
        [STEP_DROP_PRIVILEGES] = {drop_privileges, {"drop_privileges", "securebits locked; bounding and ambient sets emptied; setresgid/setresuid; every capability set empty"}},
        [STEP_SET_NOT_DUMPABLE] = {set_not_dumpable, {"set_not_dumpable", "checked, before seccomp: no one reads init's memory or fds (/proc/1/fd)"}},
        [STEP_SET_PARENT_DEATH_SIGNAL_AGAIN] = {set_parent_death_signal, {"set_parent_death_signal", "again: the credential change cleared it"}},
        [STEP_ENTER_WORKDIR] = {enter_workdir, {"enter_workdir", "as the sandbox user, resolved in the new root by fd (no symlink or /proc magic link out)"}},
        [STEP_RESOLVE_PAYLOAD] = {resolve_payload, {"resolve_payload", "one exec only: find the payload before seccomp, no trial execs"}},
        [STEP_SET_NO_NEW_PRIVS] = {set_no_new_privs, {"set_no_new_privs", "no exec can ever gain privileges; required for seccomp"}},
        [STEP_APPLY_LANDLOCK] = {apply_landlock, {"apply_landlock", "Landlock, best ABI: write/make/remove only under /out, /tmp, :rw volumes; execute only the payload and its interpreter; no TCP bind/connect (ABI 4); abstract unix sockets and signals scoped (ABI 6)"}},
        [STEP_LOAD_EXEC_NOTIFY] = {load_exec_notify, {"load_exec_notify", "seccomp stage 1: execve/execveat notify the supervisor, always-on guards (no CLONE_NEW*, no TIOCSTI); the listener to the parent"}},
        [STEP_FORK_PAYLOAD] = {fork_payload, {"fork_payload", "pid 1 stays init: every fd but the sync socket closed, its own fixed filter; the child goes on"}},
        [STEP_RESET_SIGNALS] = {reset_signals, {"reset_signals", "dispositions to default, nothing blocked: INT/QUIT the caller ignored are not ignored here; before the profile, which may deny rt_sigaction"}},
        [STEP_LOAD_PROFILE] = {load_profile, {"load_profile", "seccomp stage 2: the profile, in the payload only, so no profile can break init"}},
        /* negative controls only */
        [STEP_KEEP_CAPABILITIES] = {keep_capabilities, {"keep_capabilities", "NEGATIVE CONTROL: every capability of the user namespace kept, and made to survive the exec"}},
};

const struct sandbox_step *sandbox_step_info(enum sandbox_step_id s)
{
        return &child_steps[s].info;
}

static int run_steps(struct child_ctx *x, const enum sandbox_step_id *steps, size_t n, struct dbx_error *err)
{
        int r;
        for (size_t i = 0; i < n; i++)
                if ((r = child_steps[steps[i]].fn(x, err)) < 0)
                        return r;
        return 0;
}

/* In the payload process: the single allowed exec (the supervisor lets exactly this one through). */
static __attribute__((noreturn)) void exec_payload(struct child_ctx *x)
{
        struct dbx_error err = {0};

        if (x->p->exec_fd >= 0)
                syscall(SYS_execveat, x->p->exec_fd, "", x->p->argv, x->envp, AT_EMPTY_PATH);
        else
                execve(x->exec_path, x->p->argv, x->envp);
        int e = errno;
        dbx_error_set(&err, e, "exec %s: %s", x->p->exec_fd >= 0 ? "<probe>" : x->exec_path, strerror(e));
        child_fail(x->sync, e == ENOENT ? SETUP_PAYLOAD_NOT_FOUND : SETUP_PAYLOAD_NOT_EXEC, &err);
}

static __attribute__((noreturn)) void sandbox_child(struct child_ctx *x)
{
        struct dbx_error err = {0};

        for (size_t i = 0; i < x->plan->n_steps; i++)
                if (child_steps[x->plan->steps[i]].fn(x, &err) < 0)
                        child_fail(x->sync,
                                   x->plan->steps[i] == STEP_RESOLVE_PAYLOAD
                                           ? (err.code == ENOENT ? SETUP_PAYLOAD_NOT_FOUND : SETUP_PAYLOAD_NOT_EXEC)
                                           : SETUP_FAILED,
                                   &err);
        exec_payload(x); /* (init stayed in fork_payload) */
}

/* ---- parent side ------------------------------------------------------------------------- */

/* Into its v2 cgroup from birth where there is one (so the cgroup namespace is rooted there). */
static pid_t clone_sandbox(uint64_t namespaces, int cgroup_fd, int *ret_pidfd, bool *ret_in_cgroup)
{
        struct clone_args args = {
                .flags = namespaces | CLONE_PIDFD | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0),
                .pidfd = (uint64_t)(uintptr_t)ret_pidfd,
                .exit_signal = SIGCHLD,
                .cgroup = cgroup_fd >= 0 ? (uint64_t)cgroup_fd : 0,
        };
        *ret_in_cgroup = cgroup_fd >= 0;
        pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
        if (pid < 0 && errno == ENOSYS) { /* clone3 filtered (e.g. by an outer seccomp profile) */
                *ret_in_cgroup = false;
                pid = (pid_t)syscall(SYS_clone, namespaces | CLONE_PIDFD | SIGCHLD, NULL, ret_pidfd, NULL, 0);
        }
        return pid;
}

/* Which namespace could not be made: a user.max_*_namespaces of 0 is named, whoever runs us. */
static int clone_error(int e, uint64_t namespaces, struct dbx_error *err)
{
        static const struct {
                uint64_t flag;
                const char *name;
        } kinds[] = {
                {CLONE_NEWUSER, "user"}, {CLONE_NEWNS, "mnt"}, {CLONE_NEWPID, "pid"}, {CLONE_NEWNET, "net"},
                {CLONE_NEWIPC, "ipc"}, {CLONE_NEWUTS, "uts"}, {CLONE_NEWCGROUP, "cgroup"},
        };
        for (size_t i = 0; (e == ENOSPC || e == EPERM || e == EUSERS) && i < ELEMENTSOF(kinds); i++) {
                char path[64], v[32] = "";
                if (!(namespaces & kinds[i].flag))
                        continue;
                snprintf(path, sizeof(path), "/proc/sys/user/max_%s_namespaces", kinds[i].name);
                _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd >= 0 && read(fd, v, sizeof(v) - 1) > 0 && atoll(v) == 0)
                        return dbx_error_set(err, e, "cannot create the sandbox's %s namespace (%s): sysctl "
                                             "user.max_%s_namespaces is 0 here; raise it (sysctl -w "
                                             "user.max_%s_namespaces=15000)", kinds[i].name, strerror(e),
                                             kinds[i].name, kinds[i].name);
        }
        if (e == EPERM || e == ENOSPC || e == EACCES || e == EUSERS)
                return dbx_error_set(err, e,
                                     "cannot create the sandbox's namespaces (%s): user namespaces are disabled or restricted "
                                     "here; check sysctls user.max_user_namespaces, kernel.unprivileged_userns_clone and "
                                     "kernel.apparmor_restrict_unprivileged_userns%s",
                                     strerror(e), geteuid() == 0 ? "" : ", or run denybox under sudo");
        return dbx_error_set(err, e, "clone into new namespaces: %s", strerror(e));
}

/* Root's supplementary groups would follow the payload in: drop them.  Where setgroups(2) is
 * denied (uid 0 of an outer user namespace made by an unprivileged user, `unshare -r`), the groups
 * are the unprivileged caller's own, as in any unprivileged run: go on, unless there are groups
 * and setgroups failed for another reason. */
static int drop_supplementary_groups(struct dbx_error *err)
{
        if (geteuid() != 0 || setgroups(0, NULL) == 0)
                return 0;
        int e = errno;
        char v[16] = "";
        _cleanup_close_ int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
        bool denied = fd >= 0 && read(fd, v, sizeof(v) - 1) > 0 && strncmp(v, "deny", 4) == 0;
        if (e == EPERM && (denied || getgroups(0, NULL) == 0))
                return 0;
        return dbx_error_set(err, e, "cannot drop supplementary groups: %s", strerror(e));
}

/* Receive the listener, or the child's error, by the setup deadline. */
static int receive_handoff(int sync, int sigfd, long long deadline_ms, int *ret_listener, struct sandbox_result *res,
                           struct dbx_error *err)
{
        struct proto_msg m = {.fd = -1};
        int r;

        for (;;) {
                long long left = deadline_ms - sandbox_now_ms();
                struct pollfd pfd[2] = {{.fd = sync, .events = POLLIN}, {.fd = sigfd, .events = POLLIN}};
                if (left <= 0)
                        return dbx_error_set(err, ETIMEDOUT, "the sandbox was not set up in time (setup deadline: %d s, or --timeout)",
                                             SETUP_TIMEOUT_SEC);
                int k = poll(pfd, 2, (int)left);
                if (k < 0 && errno != EINTR)
                        return dbx_error_set(err, errno, "poll: %s", strerror(errno));
                /* A TERM/INT stops the setup now, however long it would still take; any other
                 * signal waits for the payload (sandbox_supervise forwards it first thing). */
                struct signalfd_siginfo si;
                while (k > 0 && (pfd[1].revents & POLLIN) && read(sigfd, &si, sizeof(si)) == sizeof(si)) {
                        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
                                res->stop_requested = true;
                                return dbx_error_set(err, EINTR, "stopped by a signal before the payload started");
                        }
                        if (si.ssi_signo < 64)
                                res->early_signals |= 1ULL << si.ssi_signo;
                }
                if (k > 0 && pfd[0].revents)
                        break;
        }
        r = proto_recv_handoff(sync, MSG_DONTWAIT, &m, err);
        if (r == -EPIPE)
                return dbx_error_set(err, EPIPE, "the sandbox's init died during setup");
        if (r == -EPERM && m.type == PROTO_ERROR) /* the child's own error */
                res->setup = m.status;
        if (r < 0)
                return r;
        *ret_listener = m.fd;
        snprintf(res->sup.own_path, sizeof(res->sup.own_path), "%s", m.text);
        return 0;
}

/* The parent's whole run after the clone: maps, hand-off, supervision.  On any failure the sandbox
 * is killed; the caller reaps it. */
static int supervise_child(const struct sandbox_config *c, const struct sandbox_plan *plan, pid_t pid, int pidfd, int sync, bool in_cgroup,
                           struct relay *stdio, bool capture, int sigfd, long long deadline_ms,
                           struct sandbox_result *res, struct dbx_error *err)
{
        int listener = -1;
        long long setup_deadline = sandbox_now_ms() + SETUP_TIMEOUT_SEC * 1000LL;
        if (deadline_ms && deadline_ms < setup_deadline)
                setup_deadline = deadline_ms;

        /* Into the v1 cgroups (and v2 where clone3 could not), map the uid/gid, then let it go on. */
        int r = cgroup_attach(&res->cg, pid, in_cgroup, err);
        if (r >= 0)
                r = userns_write_maps(pid, plan, err);
        struct proto_msg go = proto_go();
        if (r >= 0 && proto_send(sync, &go, MSG_NOSIGNAL, err) < 0)
                r = dbx_error_set(err, EPIPE, "the sandbox's init died before setup");

        /* The child sets itself up; it hands us the exec listener or tells us what failed. */
        if (r >= 0)
                r = receive_handoff(sync, sigfd, setup_deadline, &listener, res, err);
        if (r < 0) {
                syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
                return r;
        }
        res->sup.listener = listener;
        if (!plan->exec_once)
                res->sup.policy = (struct exec_policy){.verdict = EXEC_VERDICT_ALLOW};
        res->sup.init_pid = pid;
        res->established = true;

        /* stdio relayed from now on (attest: stdout is captured, stdin is empty); the output
         * copies start when the supervisor sees the payload's first write */
        bool relayed = plan->stdio == STDIO_RELAY;
        if (relayed && (r = relay_start(stdio, !capture, !capture, err)) < 0) {
                syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
                return r;
        }
        return sandbox_supervise(pidfd, sync, capture ? stdio->p[STDOUT_FILENO].parent : -1, relayed ? stdio : NULL,
                                 sigfd, deadline_ms, c->stop_timeout_sec, res, err);
}

/* Not established although the supervisor returned: an error it already recorded, or why. */
static int not_established(const struct sandbox_result *res, struct dbx_error *err)
{
        if (err && err->code != 0)
                return -err->code;
        return dbx_error_set(err, EPERM, res->stop_requested ? "stopped by a signal before the payload started"
                                                             : "the payload was never started");
}

int sandbox_run(const struct sandbox_config *c, const struct filter_set *fs, const struct sandbox_payload *p,
                bool capture_stdout, struct sandbox_result *res, struct dbx_error *err)
{
        _cleanup_close_ int pidfd = -1, sync = -1, child_end = -1, sigfd = -1;
        struct relay *stdio = NULL; /* heap: a copy thread may outlive us (below) */
        struct sandbox_plan plan;
        bool blocked = false, cgroups = false, hooked = false;
        sigset_t fwd, old;
        int sv[2], r;

        sandbox_plan_make(c, &plan);
        *res = (struct sandbox_result){.sup = {.listener = -1, .policy = fs->exec, .rec = p->record}, .cg = {.v2_fd = -1}};
        /* One deadline for the whole run, fixed now: nothing that happens later moves it. */
        long long deadline_ms = c->timeout_sec ? sandbox_now_ms() + c->timeout_sec * 1000LL : 0;

        if ((r = drop_supplementary_groups(err)) < 0)
                return r;
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return dbx_error_set(err, errno, "socketpair: %s", strerror(errno));
        sync = sv[0];
        child_end = sv[1];
        if (!(stdio = calloc(1, sizeof(*stdio))))
                return dbx_error_set(err, ENOMEM, "out of memory");
        if ((r = relay_open(stdio, err)) < 0) { /* (closed what it opened) */
                free(stdio);
                return r;
        }
        for (int i = 0; i < 3; i++) {
                struct stat st;
                if (fstat(stdio->p[i].child, &st) == 0)
                        res->stdio_ino[i] = (unsigned long long)st.st_ino;
        }

        /* The limits' cgroups exist before the child does. */
        if ((r = cgroup_prepare(&plan.limits, false, &res->cg, err)) < 0)
                goto out;
        cgroups = true;

        /* The signals denybox forwards are blocked before the clone and read from a signalfd after
         * it: one arriving during setup waits (blocked in init too, from birth), none is lost. */
        init_signal_set(&fwd);
        sigdelset(&fwd, SIGCHLD);
        sigprocmask(SIG_BLOCK, &fwd, &old);
        blocked = true;
        if ((sigfd = signalfd(-1, &fwd, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
                r = dbx_error_set(err, errno, "signalfd: %s", strerror(errno));
                goto out;
        }

        if (p->before_clone)
                p->before_clone(p->hook_arg);
        hooked = true;
        /* The plan's namespaces in one clone (the cgroup namespace follows in the child, once it
         * sits in its cgroups). */
        bool in_cgroup;
        pid_t pid = clone_sandbox(plan.namespaces, res->cg.v2_fd, &pidfd, &in_cgroup);
        if (pid < 0) {
                r = clone_error(errno, plan.namespaces, err);
                goto out;
        }
        if (pid == 0) {
                struct child_ctx x = {.c = c, .plan = &plan, .fs = fs, .p = p, .cg = &res->cg, .sync = child_end,
                                      .stdio = stdio, .capture = capture_stdout};
                closep(&sync);
                sandbox_child(&x);
        }
        closep(&child_end);
        relay_close_child_ends(stdio);

        r = supervise_child(c, &plan, pid, pidfd, sync, in_cgroup, stdio, capture_stdout, sigfd, deadline_ms, res, err);
        sandbox_collect_status(pidfd, res);
        if (r >= 0 && (res->sup.n_log == 0 || !res->sup.log[0].own_exec))
                res->established = false;
        if (r >= 0 && !res->established)
                r = not_established(res, err);
out:
        /* The payload's output is drained before we return, however slowly the caller reads it,
         * unless the run was killed: then the caller gets what it takes within a second, and a
         * copy the caller does not read is abandoned (and its memory with it) rather than hold
         * the deadline up. */
        if (relay_finish(stdio, res->timed_out || res->stop_killed ? 1000 : -1))
                free(stdio);
        if (hooked && p->after_run) /* (the sandbox is gone: reaped above, or never cloned) */
                p->after_run(p->hook_arg);
        if (blocked)
                sigprocmask(SIG_SETMASK, &old, NULL);
        if (cgroups) {
                res->oom_killed = cgroup_oom_killed(&res->cg);
                cgroup_remove(&res->cg);
        }
        if (res->sup.listener >= 0) /* (the number stays: the bundle reads it as "handed off") */
                close(res->sup.listener);
        return r;
}

void sandbox_result_free(struct sandbox_result *r)
{
        free(r->captured);
        r->captured = NULL;
}
