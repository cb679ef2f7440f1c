/* SPDX-License-Identifier: MIT */
#include "attest.h"
#include "landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>
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
        /* ... and, when the launcher could listen, the abstract socket PR-LL-SCOPE-1 must not reach */
        char scope_name[PROBE_ABSTRACT_NAME_MAX + 1];
        _cleanup_close_ int scope_fd = scope_listener_open(a.run_id, scope_name, sizeof(scope_name));
        char *argv[] = {(char *)"denybox-probe", (char *)"--uid", uid, (char *)"--gid", gid,
                        (char *)"--hostname", (char *)SANDBOX_HOSTNAME, (char *)"--pids-limit", pids,
                        (char *)"--memory", mem, (char *)"--abstract-socket", scope_name, NULL};
        if (scope_fd < 0)
                argv[ELEMENTSOF(argv) - 3] = NULL; /* no listener: PR-LL-SCOPE-1 stays UNVERIFIED */
        a.ctx = (struct probe_context){.uid = (unsigned)c->uid, .gid = (unsigned)c->gid,
                                    .pids_limit = c->limits.pids,
                                    .memory = c->limits.memory >= 0 ? c->limits.memory : c->limits.memory_swap,
                                    .hostname = SANDBOX_HOSTNAME};
        struct sandbox_payload p = {.argv = argv, .exec_fd = probe_fd};

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
