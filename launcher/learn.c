/* SPDX-License-Identifier: MIT */
/* `denybox learn` (learn.h, docs/LEARN.md): the recording filter, what the supervisor records,
 * and the command itself (run, record, merge, write). */
#include "learn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "attest.h"
#include "outfile.h"
#include "plan.h"
#include "preflight.h"
#include "sandbox.h"
#include "version.h"

/* ---- the recording filter ---------------------------------------------------------------- */

#define LD_ABS(off) ((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off)))
#define JEQ(k, jt, jf) ((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (jt), (jf)))
#define JGE(k, jt, jf) ((struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (k), (jt), (jf)))
#define RET(k) ((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (k)))
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define ARG_HI(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)

void learn_filter_build(int sync_fd, struct sock_filter out[LEARN_FILTER_LEN])
{
        /* Jump offsets count from the next instruction; NOTIFY is at 14, ENOSYS at 15. */
        const struct sock_filter prog[LEARN_FILTER_LEN] = {
                /* 0 */ LD_ABS(offsetof(struct seccomp_data, arch)),
                /* 1 */ JEQ(AUDIT_ARCH_X86_64, 0, 13),           /* non-native: ENOSYS (stage 2 kills) */
                /* 2 */ LD_ABS(offsetof(struct seccomp_data, nr)),
                /* 3 */ JGE(0x40000000u, 11, 0),                 /* x32: ENOSYS (stage 2 kills) */
                /* 4 */ JEQ(__NR_sendmsg, 0, 9),                 /* the hand-off, exactly: */
                /* 5 */ LD_ABS(ARG_LO(0)),
                /* 6 */ JEQ((uint32_t)sync_fd, 0, 7),            /*   on the sync socket */
                /* 7 */ LD_ABS(ARG_HI(0)),
                /* 8 */ JEQ(0, 0, 5),
                /* 9 */ LD_ABS(ARG_LO(2)),
                /* 10 */ JEQ(LEARN_HANDOFF_FLAGS, 0, 3),         /*   with its unusual flags */
                /* 11 */ LD_ABS(ARG_HI(2)),
                /* 12 */ JEQ(0, 0, 1),
                /* 13 */ RET(SECCOMP_RET_ALLOW),
                /* 14 */ RET(SECCOMP_RET_USER_NOTIF),            /* everything else: recorded, continued */
                /* 15 */ RET(SECCOMP_RET_ERRNO | ENOSYS),
        };
        memcpy(out, prog, sizeof(prog));
}

/* ---- recording --------------------------------------------------------------------------- */

void learn_record_init(struct learn_record *rec, bool args)
{
        static const struct {
                int nr;
                const char *name;
                unsigned index;
                enum learned_cmp cmp;
        } tracked[LEARN_TRACKED] = {
                /* what the call can do is in this argument; the kernel reads it as an int
                 * (low 32 bits), except clone's flags (unsigned long) */
                { __NR_socket, "socket", 0, LEARNED_CMP_LOW32 },        /* domain: AF_UNIX vs AF_INET */
                { __NR_clone, "clone", 0, LEARNED_CMP_EQ },             /* flags: thread, fork, CLONE_NEW* */
                { __NR_ioctl, "ioctl", 1, LEARNED_CMP_LOW32 },          /* request */
                { __NR_prctl, "prctl", 0, LEARNED_CMP_LOW32 },          /* option */
                { __NR_fcntl, "fcntl", 1, LEARNED_CMP_LOW32 },          /* cmd */
                { __NR_personality, "personality", 0, LEARNED_CMP_LOW32 }, /* persona */
        };
        *rec = (struct learn_record){ .args = args };
        for (size_t i = 0; i < LEARN_TRACKED; i++)
                rec->tracked[i] = (struct learn_tracked){ .nr = tracked[i].nr, .name = tracked[i].name,
                                                          .arg_index = tracked[i].index, .cmp = tracked[i].cmp };
}

static void track_value(struct learn_tracked *t, uint64_t v)
{
        if (t->cmp == LEARNED_CMP_LOW32)
                v &= 0xffffffffULL;
        for (size_t i = 0; i < t->n_values; i++)
                if (t->values[i] == v)
                        return;
        if (t->n_values < LEARNED_MAX_VALUES)
                t->values[t->n_values++] = v;
        else
                t->overflow = true;
}

void learn_record_syscall(struct learn_record *rec, const struct seccomp_data *d)
{
        if (d->arch != AUDIT_ARCH_X86_64 || d->nr < 0 || d->nr >= LEARN_NR_MAX)
                return; /* the filter notifies only native calls */
        rec->counts[d->nr]++;
        if (!rec->args)
                return;
        for (size_t i = 0; i < LEARN_TRACKED; i++)
                if (rec->tracked[i].nr == d->nr)
                        track_value(&rec->tracked[i], d->args[rec->tracked[i].arg_index]);
}

/* ---- what the base profile allowed ---------------------------------------------------------- */

int learn_base_allowed(const struct profile *p, const struct filter_host *host, bool allowed[LEARN_NR_MAX],
                       struct dbx_error *err)
{
        struct plan pl;
        struct exec_policy ep;
        int r = plan_build(p, host, &pl, &ep, err);
        if (r < 0)
                return r;
        bool def_allow = p->default_action.kind == PA_ALLOW || p->default_action.kind == PA_LOG;
        bool denied_always[LEARN_NR_MAX] = { false }, allowed_some[LEARN_NR_MAX] = { false };
        for (size_t i = 0; i < pl.n; i++) {
                const struct plan_rule *ru = &pl.v[i];
                if (ru->dropped || ru->nr < 0 || ru->nr >= LEARN_NR_MAX)
                        continue;
                bool allow = ru->act.kind == PA_ALLOW || ru->act.kind == PA_LOG;
                if (allow)
                        allowed_some[ru->nr] = true;
                else if (ru->n_cmp == 0)
                        denied_always[ru->nr] = true;
        }
        plan_free(&pl);
        for (int nr = 0; nr < LEARN_NR_MAX; nr++) {
                char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
                if (!name) {
                        allowed[nr] = false;
                        continue;
                }
                if (strcmp(name, "execve") == 0 || strcmp(name, "execveat") == 0)
                        allowed[nr] = ep.verdict == EXEC_VERDICT_ALLOW; /* stage 2 leaves exec to the supervisor */
                else
                        allowed[nr] = allowed_some[nr] || (def_allow && !denied_always[nr]);
                free(name);
        }
        return 0;
}

/* ---- the command ---------------------------------------------------------------------------- */

static double now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* SOURCE_DATE_EPOCH (reproducible builds' convention): a number is the date written; set but
 * empty omits the date; unset is now. */
static int64_t profile_date(void)
{
        const char *s = getenv("SOURCE_DATE_EPOCH");
        if (!s)
                return (int64_t)time(NULL);
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (!*s || errno || *end || v < 0)
                return -1;
        return (int64_t)v;
}

static int join_argv(char **argv, size_t argc, char **ret)
{
        size_t len = 1;
        for (size_t i = 0; i < argc; i++)
                len += strlen(argv[i]) + 1;
        char *s = malloc(len), *p = s;
        if (!s)
                return -ENOMEM;
        for (size_t i = 0; i < argc; i++)
                p += sprintf(p, "%s%s", i ? " " : "", argv[i]);
        *p = '\0';
        *ret = s;
        return 0;
}

static int record_to_profile(const struct learn_record *rec, struct learned_profile *lp, size_t *ret_seen)
{
        size_t seen = 0;
        int r = 0;
        for (int nr = 0; nr < LEARN_NR_MAX && r == 0; nr++) {
                if (!rec->counts[nr])
                        continue;
                char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
                if (!name)
                        return -EINVAL;
                seen++;
                const struct learn_tracked *t = NULL;
                for (size_t i = 0; rec->args && i < LEARN_TRACKED; i++)
                        if (rec->tracked[i].nr == nr && !rec->tracked[i].overflow && rec->tracked[i].n_values)
                                t = &rec->tracked[i];
                if (!t)
                        r = learned_add(lp, name, rec->counts[nr], false, 0, LEARNED_CMP_EQ, 0);
                for (size_t k = 0; t && k < t->n_values && r == 0; k++)
                        r = learned_add(lp, name, k ? 0 : rec->counts[nr], true, t->arg_index, t->cmp, t->values[k]);
                free(name);
        }
        *ret_seen = seen;
        return r;
}

/* -o's directory, opened now so a bad path fails before the workload runs. */
static int open_output(const char *path, int *ret_dirfd, const char **ret_name, struct dbx_error *err)
{
        const char *slash = strrchr(path, '/');
        char dir[PATH_MAX];
        if (!slash)
                snprintf(dir, sizeof(dir), ".");
        else if (slash == path)
                snprintf(dir, sizeof(dir), "/");
        else
                snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
        const char *name = slash ? slash + 1 : path;
        if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                return dbx_error_set(err, EINVAL, "-o '%s': expected a file name for the learned profile", path);
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return dbx_error_set(err, errno, "-o '%s': cannot open the directory %s: %s", path, dir, strerror(errno));
        if (faccessat(fd, ".", W_OK, AT_EACCESS) < 0) {
                int e = errno;
                close(fd);
                return dbx_error_set(err, e, "-o '%s': the directory %s is not writable: %s", path, dir, strerror(e));
        }
        *ret_dirfd = fd;
        *ret_name = name;
        return 0;
}

static size_t count_denied_now(const bool base[LEARN_NR_MAX], const struct learned_profile *lp, size_t *ret_base)
{
        size_t denied = 0, n_base = 0;
        for (int nr = 0; nr < LEARN_NR_MAX; nr++) {
                if (!base[nr])
                        continue;
                n_base++;
                char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
                bool exec = name && (strcmp(name, "execve") == 0 || strcmp(name, "execveat") == 0);
                if (name && !learned_find(lp, name) && !(exec && lp->exec_allowed))
                        denied++;
                free(name);
        }
        *ret_base = n_base;
        return denied;
}

int learn_run(const struct sandbox_config *c, const struct filter_set *fs, const struct profile *base,
              const struct filter_host *host, const char *base_name, const char *base_sha256, struct learn_outcome *out, bool *ret_usage,
              struct dbx_error *err)
{
        struct learned_profile old = { .date = -1 };
        _cleanup_close_ int dirfd = -1;
        const char *out_name = NULL;
        const char *out_path = c->output_dir ? c->output_dir : LEARN_DEFAULT_OUTPUT;
        int r;

        *out = (struct learn_outcome){ .lp = { .date = -1 }, .exit_code = EXIT_USAGE };
        *ret_usage = true;
        /* Bad input is found before anything runs. */
        if (c->merge) {
                _cleanup_free_ char *text = NULL;
                size_t len;
                if ((r = read_file(c->merge, PROFILE_MAX_BYTES, &text, &len, err)) < 0)
                        return dbx_error_wrap(err, "--merge");
                if ((r = learned_parse(text, len, &old, err)) < 0) {
                        char line[700];
                        struct dbx_error e = *err;
                        return dbx_error_set(err, e.code, "--merge %s: %s", c->merge, dbx_error_line(&e, line, sizeof(line)));
                }
        }
        if ((r = open_output(out_path, &dirfd, &out_name, err)) < 0)
                goto fail;
        bool base_allowed[LEARN_NR_MAX];
        if ((r = learn_base_allowed(base, host, base_allowed, err)) < 0)
                goto fail;

        /* Run it, recording. */
        *ret_usage = false;
        struct learn_record *rec = malloc(sizeof(*rec));
        if (!rec) {
                r = dbx_error_set(err, ENOMEM, "out of memory");
                goto fail;
        }
        learn_record_init(rec, c->learn_args);
        struct sandbox_payload p = { .argv = c->argv, .exec_fd = -1, .record = rec };
        struct sandbox_result res;
        double t0 = now_ms();
        r = sandbox_run(c, fs, &p, false, &res, err);
        out->wall_ms = now_ms() - t0;
        sandbox_result_free(&res);
        if (r < 0 || !res.established) {
                free(rec);
                out->exit_code = res.setup == SETUP_PAYLOAD_NOT_FOUND ? 127 : res.setup == SETUP_PAYLOAD_NOT_EXEC ? 126 : EXIT_SANDBOX_FAILED;
                learned_free(&old);
                return r < 0 ? r : -EPERM;
        }
        out->exit_code = res.timed_out ? 124 : res.exit_code;
        out->timed_out = res.timed_out;
        out->notifications = rec->notifications;

        /* What it needed, merged with what it needed before. */
        struct learned_profile *lp = &out->lp;
        _cleanup_free_ char *cmd = NULL;
        r = record_to_profile(rec, lp, &out->seen);
        lp->exec_attempts = rec->exec_attempts;
        lp->exec_allowed = rec->exec_allowed > 0;
        lp->runs = 1;
        free(rec);
        if (r == 0 && (r = join_argv(c->argv, c->argc, &cmd)) == 0) {
                lp->command = calloc(1, sizeof(char *));
                r = lp->command ? 0 : -ENOMEM;
                if (r == 0) {
                        lp->command[0] = TAKE_PTR(cmd);
                        lp->n_command = 1;
                }
        }
        if (r == 0) {
                lp->version = strdup(DENYBOX_VERSION " (build " DENYBOX_BUILD_ID ")");
                lp->base_profile = strdup(base_name);
                lp->base_sha256 = strdup(base_sha256);
                lp->date = profile_date();
                if (!lp->version || !lp->base_profile || !lp->base_sha256)
                        r = -ENOMEM;
        }
        if (r == 0 && c->merge) {
                /* the merged file lists the earlier runs' commands first */
                struct learned_profile merged = { .date = lp->date };
                r = learned_merge(&merged, &old);
                if (r == 0)
                        r = learned_merge(&merged, lp);
                merged.version = TAKE_PTR(lp->version);
                merged.base_profile = TAKE_PTR(lp->base_profile);
                merged.base_sha256 = TAKE_PTR(lp->base_sha256);
                learned_free(lp);
                *lp = merged;
        }
        if (r < 0) {
                r = dbx_error_set(err, -r, "recording the workload's syscalls: %s", strerror(-r));
                goto fail;
        }

        _cleanup_free_ char *json = NULL;
        size_t len;
        if ((r = learned_emit(lp, &json, &len, err)) < 0)
                goto fail;
        if ((r = write_file_atomic(dirfd, out_name, json, len, err)) < 0) {
                dbx_error_wrap(err, "-o %s", out_path);
                goto fail;
        }
        sha256_hex(json, len, out->profile_sha256);
        out->denied_now = count_denied_now(base_allowed, lp, &out->base_allowed);
        learned_free(&old);
        return 0;
fail:
        learned_free(&old);
        learned_free(&out->lp);
        out->exit_code = *ret_usage ? EXIT_USAGE : EXIT_SANDBOX_FAILED; /* not the payload's status */
        return r;
}

void learn_summary_print(const struct sandbox_config *c, const struct learn_outcome *o, FILE *f)
{
        const struct learned_profile *lp = &o->lp;
        uint64_t calls = 0;
        for (size_t i = 0; i < lp->n; i++)
                calls += lp->v[i].count;
        fprintf(f, "denybox learn: wrote %s (sha256 %s)\n", c->output_dir ? c->output_dir : LEARN_DEFAULT_OUTPUT,
                o->profile_sha256);
        fprintf(f, "  syscalls seen this run: %zu distinct; the profile allows %zu%s (%llu calls recorded%s)\n", o->seen,
                lp->n, lp->runs > 1 ? " over all merged runs" : "", (unsigned long long)calls,
                lp->runs > 1 ? " in all runs" : "");
        fprintf(f, "  base profile %s allowed %zu syscalls: the learned profile denies %zu of them (EPERM)\n",
                lp->base_profile, o->base_allowed, o->denied_now);
        for (size_t i = 0; i < lp->n; i++) {
                const struct learned_syscall *s = &lp->v[i];
                if (!s->by_args)
                        continue;
                fprintf(f, "  --args: %s only with arg%u %s", s->name, s->arg_index, s->n_values > 1 ? "in {" : "= ");
                for (size_t k = 0; k < s->n_values; k++)
                        fprintf(f, "%s%#llx", k ? ", " : "", (unsigned long long)s->values[k]);
                fprintf(f, "%s\n", s->n_values > 1 ? "}" : "");
        }
        if (lp->exec_attempts)
                fprintf(f, "  FINDING: the workload exec'd %llu time(s) after its own start (%s): it runs, or tries to run, subprocesses\n",
                        (unsigned long long)lp->exec_attempts,
                        lp->exec_allowed ? "the base profile let them: the learned profile ALLOWS execve/execveat"
                                         : "the base profile denied them: the learned profile keeps exec EPERM");
        else
                fprintf(f, "  exec: none after the payload's own start (exec-once: execve/execveat EPERM)\n");
        fprintf(f, "  recording cost: %llu notifications, %.1f ms wall time (learn/run ratio: scripts/bench-learn.sh)\n",
                (unsigned long long)o->notifications, o->wall_ms);
        if (lp->runs > 1)
                fprintf(f, "  merged: %llu runs\n", (unsigned long long)lp->runs);
        if (o->exit_code != 0)
                fprintf(f, "  WARNING: the workload exited with status %d: review before you rely on this profile\n",
                        o->exit_code);
        fprintf(f, "  next: review it; denybox attest --security-opt seccomp=FILE; denybox run --security-opt seccomp=FILE -- CMD\n");
}

void learn_outcome_free(struct learn_outcome *o)
{
        learned_free(&o->lp);
}

/* ---- attest with a learned profile ------------------------------------------------------- */

/* The probe's own needs: the embedded probe run once under the seeds' strict profile with the
 * recording filter, as attest would run it. */
static int record_probe(const struct sandbox_config *c, int probe_fd, const struct filter_host *host,
                        struct learned_profile *ret, struct dbx_error *err)
{
        size_t len;
        const char *json = profile_builtin("strict", &len);
        struct profile *strict = NULL;
        struct filter_set sfs = { 0 };
        int r = profile_parse(json, len, &strict, err);
        if (r == 0)
                r = filter_set_compile(strict, host, &sfs, err);
        if (strict)
                profile_free(strict);
        if (r < 0)
                return r;
        char ids[4][24];
        snprintf(ids[0], sizeof(ids[0]), "%u", (unsigned)c->uid);
        snprintf(ids[1], sizeof(ids[1]), "%u", (unsigned)c->gid);
        snprintf(ids[2], sizeof(ids[2]), "%lld", (long long)c->limits.pids);
        snprintf(ids[3], sizeof(ids[3]), "%lld", (long long)(c->limits.memory >= 0 ? c->limits.memory : c->limits.memory_swap));
        char *argv[] = { (char *)"denybox-probe", (char *)"--uid", ids[0], (char *)"--gid", ids[1], (char *)"--hostname",
                         (char *)SANDBOX_HOSTNAME, (char *)"--pids-limit", ids[2], (char *)"--memory", ids[3], NULL };
        struct learn_record *rec = malloc(sizeof(*rec));
        if (!rec) {
                filter_set_free(&sfs);
                return dbx_error_set(err, ENOMEM, "out of memory");
        }
        learn_record_init(rec, false);
        struct sandbox_payload p = { .argv = argv, .exec_fd = probe_fd, .record = rec };
        struct sandbox_result res;
        size_t seen;
        r = sandbox_run(c, &sfs, &p, true, &res, err);
        sandbox_result_free(&res);
        filter_set_free(&sfs);
        if (r == 0 && !res.established)
                r = dbx_error_set(err, EPERM, "the probe could not be started to record its needs");
        if (r == 0 && record_to_profile(rec, ret, &seen) < 0)
                r = dbx_error_set(err, ENOMEM, "out of memory");
        free(rec);
        return r < 0 ? dbx_error_wrap(err, "recording the probe's own syscalls") : 0;
}

int learn_attest_profile(const struct sandbox_config *c, const char *ref, const struct filter_host *host, int probe_fd,
                         struct filter_set *ret_fs, char *ret_name, size_t name_size, struct dbx_error *err)
{
        if (!ref || config_profile_is_builtin(ref))
                return 0;
        _cleanup_free_ char *text = NULL;
        size_t len;
        struct learned_profile learned = { .date = -1 }, probe = { .date = -1 };
        if (read_file(ref, PROFILE_MAX_BYTES, &text, &len, NULL) < 0 || learned_parse(text, len, &learned, NULL) < 0)
                return 0; /* not (exactly) what learn wrote: attested as it is */

        int r = record_probe(c, probe_fd, host, &probe, err);
        size_t n_probe = probe.n, n_learned = learned.n;
        if (r == 0 && learned_merge(&learned, &probe) < 0)
                r = dbx_error_set(err, ENOMEM, "out of memory");
        _cleanup_free_ char *json = NULL;
        struct profile *u = NULL;
        if (r == 0)
                r = learned_emit(&learned, &json, &len, err);
        if (r == 0)
                r = profile_parse(json, len, &u, err);
        if (r == 0)
                r = filter_set_compile(u, host, ret_fs, err);
        if (u)
                profile_free(u);
        if (r == 0)
                snprintf(ret_name, name_size, "%s (learned: %zu syscalls; + the probe's own needs under builtin:strict: %zu, %zu in all)",
                         ref, n_learned, n_probe, learned.n);
        learned_free(&learned);
        learned_free(&probe);
        return r < 0 ? r : 1;
}
