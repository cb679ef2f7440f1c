/* SPDX-License-Identifier: MIT */
/* The evidence bundle: the seeds' schema (venue, image digest, seccomp_sha256, runtime,
 * probes[], raw{mountinfo, env_keyset, proc_net_dev}, summary) plus what denybox adds. */
#include "attest.h"
#include "landlock.h"
#include "outfile.h"
#include "privs.h"
#include "sandbox_plan.h"
#include "sources.h"
#include "seeds.h"
#include "version.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>


static void s(yajl_gen g, const char *v)
{
        if (v)
                yajl_gen_string(g, (const unsigned char *)v, strlen(v));
        else
                yajl_gen_null(g);
}

static void kv(yajl_gen g, const char *k, const char *v)
{
        s(g, k);
        s(g, v);
}

static void ki(yajl_gen g, const char *k, long long v)
{
        s(g, k);
        yajl_gen_integer(g, v);
}

static void kb(yajl_gen g, const char *k, bool v)
{
        s(g, k);
        yajl_gen_bool(g, v);
}

/* Each volume and every socket it exposes (issue 9, item 4; engine sockets were refused). */
static void gen_volumes(yajl_gen g, const struct sandbox_config *c)
{
        s(g, "volumes");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < c->n_volumes; i++) {
                const struct volume *v = &c->volumes[i];
                struct socket_scan scan = {.complete = false};
                struct dbx_error e = {0};
                int fd = open(v->source, O_PATH | O_CLOEXEC);
                if (fd >= 0) {
                        source_scan_sockets(fd, v->source, &scan, &e);
                        close(fd);
                }
                yajl_gen_map_open(g);
                kv(g, "source", v->source);
                kv(g, "target", v->target);
                kb(g, "writable", v->writable);
                ki(g, "sockets_found", (long long)scan.n);
                s(g, "sockets");
                yajl_gen_array_open(g);
                for (size_t k = 0; k < scan.n && k < SOURCE_MAX_LISTED; k++)
                        s(g, scan.listed[k]);
                yajl_gen_array_close(g);
                kb(g, "socket_walk_complete", scan.complete);
                ki(g, "socket_walk_max_entries", SOURCE_WALK_MAX_ENTRIES);
                yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
}

/* Where this ran: CI variables where present (GitHub Actions, GitLab, generic CI). */
static void gen_venue(yajl_gen g)
{
        static const struct {
                const char *flag, *platform;
                const char *vars[6];
        } venues[] = {
                {"GITHUB_ACTIONS", "github-actions", {"GITHUB_REPOSITORY", "GITHUB_RUN_ID", "GITHUB_SHA", "RUNNER_OS", "RUNNER_ARCH", NULL}},
                {"GITLAB_CI", "gitlab-ci", {"CI_PROJECT_PATH", "CI_PIPELINE_ID", "CI_JOB_ID", "CI_COMMIT_SHA", "CI_RUNNER_ID", NULL}},
                {"CI", "ci", {NULL}},
        };
        size_t i;
        for (i = 0; i < ELEMENTSOF(venues); i++) {
                const char *v = getenv(venues[i].flag);
                if (v && *v && strcmp(v, "false") != 0 && strcmp(v, "0") != 0)
                        break;
        }
        kv(g, "venue", i < ELEMENTSOF(venues) ? "CI" : "local");
        s(g, "venue_identity");
        yajl_gen_map_open(g);
        kv(g, "platform", i < ELEMENTSOF(venues) ? venues[i].platform : "local");
        for (size_t k = 0; i < ELEMENTSOF(venues) && venues[i].vars[k]; k++)
                kv(g, venues[i].vars[k], getenv(venues[i].vars[k]));
        char host[256] = "";
        gethostname(host, sizeof(host) - 1);
        kv(g, "hostname", host);
        yajl_gen_map_close(g);
}

/* "key": [ {item 0}, {item 1}, ... ]: item(g, ctx, i) writes the members of the i-th object. */
static void gen_objects(yajl_gen g, const char *key, size_t n, void (*item)(yajl_gen, const void *, size_t), const void *ctx)
{
        s(g, key);
        yajl_gen_array_open(g);
        for (size_t i = 0; i < n; i++) {
                yajl_gen_map_open(g);
                item(g, ctx, i);
                yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
}

static void gen_probe(yajl_gen g, const void *ctx, size_t i)
{
        const struct attestation *a = ctx;
        const struct verdict_row *r = &a->rows[i];
        kv(g, "probe_id", r->def->id);
        if (seed_matrix(r->def->id))
                kv(g, "matrix", seed_matrix(r->def->id));
        kb(g, "reported", r->obs != NULL);
        kv(g, "operation", r->def->operation);
        kv(g, "expected", r->def->expected);
        kv(g, "actual_stderr_or_value", r->obs ? r->obs->actual : "not reported");
        s(g, "errno_or_exit");
        if (r->obs && r->obs->err >= 0)
                yajl_gen_integer(g, r->obs->err);
        else
                s(g, "n/a");
        kv(g, "verdict", verdict_name(r->verdict));
        kv(g, "reason", r->why);
        kv(g, "layer", layer_name(r->def->layer));
        /* the layers that hold it on this kernel (Landlock only from the ABI it needs): the
         * control that makes it FAIL, and the redundancy matrix's row */
        char held[256];
        size_t n_held = probe_held_by(r->def, a->landlock_abi, held, sizeof(held));
        kv(g, "control", held);
        s(g, "held_by");
        yajl_gen_array_open(g);
        for (const char *p = held; *p;) {
                size_t len = strcspn(p, " ");
                yajl_gen_string(g, (const unsigned char *)p, len);
                p += len;
                p += *p == ' ';
        }
        yajl_gen_array_close(g);
        kb(g, "single_layer", n_held == 1);
        if (r->obs && r->obs->has_value)
                kv(g, "value", r->obs->value);
        kv(g, "artifact_path", "stdout of the embedded probe");
}

/* The second layer: the ABI it ran at and, right by right, what it enforced or could not. */
static void gen_landlock(yajl_gen g, const struct attestation *a)
{
        struct landlock_plan p;
        landlock_plan_for(a->landlock_abi, a->fs->exec.verdict != EXEC_VERDICT_ALLOW, &p);
        s(g, "landlock");
        yajl_gen_map_open(g);
        ki(g, "abi", p.abi);
        kb(g, "applied", p.abi > 0 && sandbox_plan_has_step(&a->plan, STEP_APPLY_LANDLOCK));
        s(g, "rights");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < landlock_rights_len; i++) {
                yajl_gen_map_open(g);
                kv(g, "name", landlock_rights[i].name);
                ki(g, "abi", landlock_rights[i].abi);
                kv(g, "status", landlock_right_status(&landlock_rights[i], &p));
                kv(g, "holds", landlock_rights[i].holds);
                yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
}

static void gen_exec_attempt(yajl_gen g, const void *ctx, size_t i)
{
        const struct exec_attempt *e = &((const struct supervisor *)ctx)->log[i];
        ki(g, "pid", e->pid);
        kv(g, "syscall", e->syscall);
        kv(g, "path", e->path);
        kv(g, "decision", e->own_exec ? "allowed: denybox's own final exec" : e->allowed ? "allowed by the profile" : "denied");
        if (!e->allowed)
                ki(g, "errno", e->err);
}

static void gen_exec_log(yajl_gen g, const struct supervisor *sup)
{
        gen_objects(g, "exec_log", sup->n_log, gen_exec_attempt, sup);
        ki(g, "exec_log_dropped", (long long)sup->n_dropped);
}

static void step(yajl_gen g, const char *name, const char *result, const char *detail)
{
        yajl_gen_map_open(g);
        kv(g, "step", name);
        kv(g, "result", result);
        if (detail)
                kv(g, "detail", detail);
        yajl_gen_map_close(g);
}

/* The executed sequence, step by step, in the order of the unweakened plan, each marked with the
 * negative control that removed or changed it in the plan that ran.  The child's steps run in
 * order and the first failure is reported and ends the child, so the exec listener arriving means
 * every child step before it succeeded; the supervisor's log shows the single exec. */
static void gen_steps(yajl_gen g, const struct attestation *a)
{
        const struct sandbox_result *res = &a->res;
        const struct sandbox_plan *plan = &a->plan;
        struct sandbox_plan unweakened;
        char d[512];
        sandbox_plan_build(a->c, &unweakened);
        bool handed_off = res->sup.listener >= 0 || res->sup.n_log > 0;

        s(g, "steps");
        yajl_gen_array_open(g);
        step(g, "preflight", "ok", "rootfs, volumes, /out writable, user namespaces, kernel");
        snprintf(d, sizeof(d), "%s: stage 1 %zu insns, stage 2 %zu insns, bpf sha256 %s", a->profile_name,
                 a->fs->stage1.len / 8, a->fs->stage2.len / 8, a->fs->bpf_sha256);
        step(g, "compile_seccomp", "ok", d);
        int k = snprintf(d, sizeof(d), "limits:");
        for (int l = 0; l < _LIMIT_MAX && k > 0 && (size_t)k < sizeof(d); l++)
                k += snprintf(d + k, sizeof(d) - (size_t)k, " %s=%s", limit_kind_name((enum limit_kind)l),
                              limit_mech_label((enum limit_kind)l, res->cg.mech[l]));
        step(g, "cgroups", plan->step_weakened_by[STEP_SET_RLIMITS] == WEAKEN_LIMITS ? "skipped (--weaken limits)" : "ok", d);
        snprintf(d, sizeof(d), "user mount ipc%s%s%s; cgroup namespace later%s", plan->namespaces & CLONE_NEWPID ? " pid" : "",
                 plan->namespaces & CLONE_NEWNET ? " net" : "", plan->namespaces & CLONE_NEWUTS ? " uts" : "",
                 sandbox_plan_has_step(plan, STEP_ENTER_CGROUP_NAMESPACE) ? "" : " (skipped)");
        step(g, "clone", handed_off || res->established ? "ok" : "failed", d);
        step(g, "write_maps", handed_off ? "ok" : "failed", NULL);
        bool own = res->sup.n_log > 0 && res->sup.log[0].own_exec;
        bool after_handoff = false;
        for (size_t i = 0; i < unweakened.n_steps; i++) {
                enum sandbox_step_id id = unweakened.steps[i];
                const struct sandbox_step *info = sandbox_step_info(id);
                after_handoff = after_handoff || id == STEP_FORK_PAYLOAD;
                /* the steps after the hand-off are proven by denybox's own exec arriving */
                const char *r = (after_handoff ? own : handed_off) ? "ok" : "not reached or failed";
                char changed[96] = "";
                if (plan->step_weakened_by[id] >= 0) {
                        snprintf(changed, sizeof(changed), "weakened (--weaken %s)", weaken_name((enum weaken_layer)plan->step_weakened_by[id]));
                        r = changed;
                }
                step(g, info->name, r, info->why);
        }
        step(g, "exec_payload", own ? "ok" : "failed", own ? "the single exec the supervisor allowed" : NULL);
        snprintf(d, sizeof(d), res->timed_out ? "killed by the timeout" : res->exited ? "exit %d" : "killed by signal %d",
                 res->exited ? res->exit_code : res->signal);
        step(g, "payload_end", "ok", d);
        yajl_gen_array_close(g);
}

static void gen_raw(yajl_gen g, const struct probe_report *r)
{
        s(g, "raw");
        yajl_gen_map_open(g);
        kv(g, "mountinfo", r->mountinfo);
        s(g, "env_keyset");
        if (r->env_keys) { /* null: not reported (adjudication tells the two apart) */
                yajl_gen_array_open(g);
                for (size_t i = 0; i < r->n_env_keys; i++)
                        s(g, r->env_keys[i]);
                yajl_gen_array_close(g);
        } else
                yajl_gen_null(g);
        kv(g, "proc_net_dev", r->proc_net_dev);
        yajl_gen_map_close(g);
}

int bundle_json(const struct attestation *a, char **ret, size_t *ret_len, struct dbx_error *err)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (!g)
                return dbx_error_set(err, ENOMEM, "out of memory");
        yajl_gen_config(g, yajl_gen_beautify, 1);
        yajl_gen_config(g, yajl_gen_validate_utf8, 1);

        yajl_gen_map_open(g);
        kv(g, "schema", BUNDLE_SCHEMA);
        kv(g, "run_id", a->run_id);
        const struct sandbox_plan *plan = &a->plan; /* what was weakened is what the plan that ran says */
        kb(g, "attestation", plan->weakened == 0);
        s(g, "weakened");
        yajl_gen_array_open(g);
        for (int w = 0; w < _WEAKEN_MAX; w++)
                if ((plan->weakened >> w) & 1u)
                        s(g, weaken_name((enum weaken_layer)w));
        yajl_gen_array_close(g);
        gen_venue(g);
        kv(g, "image_digest", a->rootfs_digest);
        kv(g, "rootfs", a->c->rootfs ? a->c->rootfs : "embedded");
        if (a->c->image) { /* --image: the reference given, the manifest (above) and config digests */
                kv(g, "image_reference", a->c->image);
                kv(g, "image_config_digest", a->c->image_config_digest);
        }
        char buf[SHA256_HEX_SIZE + 8];
        snprintf(buf, sizeof(buf), "sha256:%s", a->profile_sha256);
        kv(g, "seccomp_sha256", buf);
        snprintf(buf, sizeof(buf), "sha256:%s", a->fs->bpf_sha256);
        kv(g, "seccomp_bpf_sha256", buf);
        kv(g, "seccomp_profile", a->profile_name);
        kv(g, "runtime", "denybox " DENYBOX_VERSION);
        kv(g, "denybox_version", DENYBOX_VERSION);
        kv(g, "denybox_build_id", DENYBOX_BUILD_ID);
        snprintf(buf, sizeof(buf), "sha256:%s", a->denybox_sha256);
        kv(g, "denybox_sha256", a->denybox_sha256[0] ? buf : NULL);
        snprintf(buf, sizeof(buf), "sha256:%s", a->probe_sha256);
        kv(g, "probe_sha256", a->probe_sha256[0] ? buf : NULL);
        kv(g, "kernel", a->kernel);
        s(g, "sandbox");
        yajl_gen_map_open(g);
        ki(g, "uid", plan->uid); /* the user the payload ran as */
        ki(g, "gid", plan->gid);
        struct userns_maps maps;
        userns_maps(plan, geteuid(), getegid(), &maps);
        kv(g, "uid_map", maps.uid_map);
        kv(g, "gid_map", maps.gid_map);
        /* issue 9 item 2: inside 0 maps to the overflow id as root, never to host root */
        kv(g, "host_root", maps.host_root_mapped ? "mapped (--weaken host-root)" :
                           geteuid() == 0 ? "unmapped: inside 0 is the overflow id 65534 (nobody)" : "unmapped: unprivileged run");
        kb(g, "established", a->res.established);
        ki(g, "payload_exit", a->res.exit_code);
        kb(g, "timed_out", a->res.timed_out);
        kb(g, "oom_killed", a->res.oom_killed);
        yajl_gen_map_close(g);
        gen_volumes(g, a->c);
        /* what the probes that compare against the configuration were given */
        s(g, "probe_context");
        yajl_gen_map_open(g);
        ki(g, "uid", a->ctx.uid);
        ki(g, "gid", a->ctx.gid);
        ki(g, "pids_limit", a->ctx.pids_limit);
        ki(g, "memory", a->ctx.memory);
        kv(g, "hostname", a->ctx.hostname);
        /* what held the memory limit: PR-MEM-2's reason names it, verify re-derives that reason */
        kv(g, "memory_mechanism", a->ctx.memory_mechanism);
        /* the inodes of the pipes the launcher gave the payload as 0/1/2: PR-STDIO-1 compares them */
        s(g, "stdio_ino");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < ELEMENTSOF(a->ctx.stdio_ino); i++)
                yajl_gen_integer(g, (long long)a->ctx.stdio_ino[i]);
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
        s(g, "limits");
        yajl_gen_map_open(g);
        const int64_t asked[_LIMIT_MAX] = {a->c->limits.pids, a->c->limits.memory, a->c->limits.memory_swap,
                                           a->c->limits.cpus_milli};
        for (int k = 0; k < _LIMIT_MAX; k++) {
                s(g, limit_kind_name((enum limit_kind)k));
                yajl_gen_map_open(g);
                s(g, "value");
                if (asked[k] < 0)
                        yajl_gen_null(g);
                else
                        yajl_gen_integer(g, asked[k]);
                kv(g, "mechanism", limit_mech_label((enum limit_kind)k, a->res.cg.mech[k]));
                yajl_gen_map_close(g);
        }
        yajl_gen_map_close(g);
        s(g, "seccomp_exec_policy");
        yajl_gen_map_open(g);
        kv(g, "after_own_exec", a->fs->exec.verdict == EXEC_VERDICT_ALLOW ? "allow" :
                                a->fs->exec.verdict == EXEC_VERDICT_KILL ? "kill" : "errno");
        if (a->fs->exec.verdict == EXEC_VERDICT_ERRNO)
                ki(g, "errno", a->fs->exec.errno_ret);
        yajl_gen_map_close(g);
        kv(g, "seccomp_warnings", a->fs->warnings);
        gen_landlock(g, a);
        gen_steps(g, a);
        gen_objects(g, "probes", a->n_rows, gen_probe, a);
        gen_raw(g, &a->report);
        gen_exec_log(g, &a->res.sup);
        s(g, "summary");
        yajl_gen_map_open(g);
        ki(g, "total", (long long)a->n_rows);
        ki(g, "pass", (long long)a->n_pass);
        ki(g, "fail", (long long)a->n_fail);
        ki(g, "unverified", (long long)a->n_unverified);
        kv(g, "verdict", a->c->weaken ? "NOT AN ATTESTATION (weakened)" : a->n_pass == a->n_rows ? "PASS" : "FAIL");
        yajl_gen_map_close(g);
        yajl_gen_map_close(g);

        const unsigned char *out;
        size_t len;
        int r = 0;
        if (yajl_gen_get_buf(g, &out, &len) != yajl_gen_status_ok)
                r = dbx_error_set(err, EINVAL, "cannot generate the bundle JSON (invalid UTF-8 in a probe's output?)");
        else if (!(*ret = malloc(len + 2)))
                r = dbx_error_set(err, ENOMEM, "out of memory");
        else {
                memcpy(*ret, out, len);
                (*ret)[len] = '\0';
                *ret_len = len;
        }
        yajl_gen_free(g);
        return r;
}

int bundle_write(const struct attestation *a, int dfd, struct dbx_error *err)
{
        _cleanup_free_ char *json = NULL, *md = NULL, *xml = NULL, *intoto = NULL;
        size_t len, md_len, xml_len, intoto_len;
        int r;

        /* everything is generated before anything is written */
        if ((r = bundle_json(a, &json, &len, err)) < 0 || (r = report_markdown(a, &md, &md_len, err)) < 0 ||
            (r = report_junit(a, &xml, &xml_len, err)) < 0 ||
            (r = intoto_statement(a, json, len, &intoto, &intoto_len, err)) < 0)
                return r;
        json[len++] = '\n'; /* bundle_json leaves room for it */

        /* The set, written and made visible all or nothing (outfile.h).  A file that joins the
         * bundle joins this table. */
        const struct outset_file set[] = {
                {BUNDLE_NAME, json, len},
                {REPORT_MD_NAME, md, md_len},
                {REPORT_JUNIT_NAME, xml, xml_len},
                {INTOTO_NAME, intoto, intoto_len},
        };
        return outset_write(dfd, a->run_id, set, ELEMENTSOF(set), err);
}
