/* SPDX-License-Identifier: MIT */
/* denybox: the command line.  The only file that prints errors. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "attest.h"
#include "cgroup.h"
#include "config.h"
#include "escape.h"
#include "explain.h"
#include "filter.h"
#include "filter_cache.h"
#include "outfile.h"
#include "image.h"
#include "learn.h"
#include "preflight.h"
#include "relay.h"
#include "sandbox.h"
#include "sandbox_plan.h"
#include "seccomp_cache.h"
#include "verify.h"
#include "version.h"

#define PROFILE_MAX_BYTES (4u << 20)

static const char usage[] =
        "usage: denybox run [OPTIONS] [--rootfs DIR] -- CMD [ARG...]\n"
        "       denybox attest [OPTIONS] [--rootfs DIR] [-o DIR] [--json]\n"
        "       denybox learn [OPTIONS] [-o PROFILE.json] [--merge OLD.json] [--args] -- CMD [ARG...]\n"
        "       denybox explain [OPTIONS]\n"
        "       denybox seccomp [PROFILE] [--bpf-out FILE]\n"
        "       denybox verify BUNDLE [--profile FILE|NAME] [--rootfs DIR | --image REF] [--require ID]... [--seeds]\n"
        "       denybox run|attest|explain --image REF [--entrypoint CMD] [OPTIONS] [-- ARG...]\n"
        "       denybox image ls | rm DIGEST|REF | prune [--image-cache DIR]\n"
        "       denybox version\n"
        "\n"
        "Options (docker run names):\n"
        "  --rootfs DIR                 root of the sandbox (default: an embedded minimal root)\n"
        "  --image REF                  a container image, verified and cached: oci:DIR[:TAG],\n"
        "                               oci-archive:FILE[:TAG], docker-archive:FILE[:REPO:TAG]\n"
        "  --image-cache DIR            where unpacked images are kept\n"
        "  --seccomp-cache DIR|off      where compiled seccomp filters are kept (default: IMAGE-CACHE/seccomp)\n"
        "  --entrypoint CMD             replace the image's Entrypoint (and drop its Cmd)\n"
        "  -v, --volume SRC:DST[:ro|rw] bind a host path (read-only unless :rw)\n"
        "  --tmpfs /tmp[:OPTS]          size of /tmp (always noexec,nosuid,nodev)\n"
        "  -u, --user UID[:GID]         sandbox user (default 65532:65532)\n"
        "  --security-opt seccomp=PROFILE   a Docker/OCI JSON file or a built-in name\n"
        "                               (strict [default], startup-safe, default-deny)\n"
        "  --security-opt no-new-privileges  accepted: always on\n"
        "  --network none, --read-only, --cap-drop ALL  accepted: always so\n"
        "  -e, --env KEY=VALUE, --env-file FILE   add to the scrubbed environment\n"
        "  -w, --workdir DIR            working directory inside\n"
        "  --pids-limit N, -m/--memory SIZE, --memory-swap SIZE, --cpus N\n"
        "                               limits: cgroup v2, else v1, else rlimit (explain says which)\n"
        "  --timeout SECONDS            kill the sandbox after this long (setup included)\n"
        "  --stop-timeout SECONDS       after a forwarded SIGTERM/SIGINT, kill the sandbox after this\n"
        "                               long (default 10; a second TERM/INT kills it at once)\n"
        "  -o, --output DIR             attest: where the bundle goes (default ./denybox-evidence)\n"
        "  --json                       attest: print the bundle on stdout\n"
        "  learn: -o PROFILE.json       where the learned profile goes (default ./learned-seccomp.json)\n"
        "  --merge OLD.json             learn: union with a profile learn wrote before\n"
        "  --args                       learn: argument rules for socket, clone, ioctl, prctl, fcntl,\n"
        "                               personality (the values seen)\n"
        "  --weaken LAYER               TEST ONLY: remove one layer (negative control; never an\n"
        "                               attestation): net seccomp exec-once env ro-root ro-in caps nnp\n"
        "                               user pidns uts cgroupns proc-mask dev sys tmp-noexec fds\n"
        "                               session init limits stdio\n"
        "Refused: --privileged, --network host, --pid/--ipc/--uts/--userns host, --cap-add,\n"
        "         --device, -t, seccomp=unconfined, engine sockets as volumes.\n"
        "Exit codes: run, learn: the payload's status (128+N for signal N), 124 timeout, 126/127 payload\n"
        "not executable/not found; attest: 0 all probes PASS, 2 a probe FAILED or UNVERIFIED (or\n"
        "--weaken); both: 3 the sandbox could not be established, 64 usage error or bad input;\n"
        "verify: 0 a valid attestation, 2 not (one line per finding), 64 bad input.\n";

struct loaded_profile {
        char name[4096];
        char sha256[SHA256_HEX_SIZE];
        const char *json;      /* the profile's text (built-in: static; a file: text) */
        size_t len;
        char *text;            /* a file's text, malloc'd */
        struct profile *p;     /* parsed: NULL until profile_load_parse() */
};

static void loaded_profile_free(struct loaded_profile *lp)
{
        if (lp->p)
                profile_free(lp->p);
        free(lp->text);
        *lp = (struct loaded_profile){0};
}

/* The profile's text and sha256 (no parsing: a compiled-filter cache hit needs none). */
static int load_profile_text(const char *ref, struct loaded_profile *lp, struct dbx_error *err)
{
        const char *name = ref ? ref : "strict";
        bool builtin = config_profile_is_builtin(name);
        const char *json;
        size_t len;
        int r;

        if (builtin) {
                json = profile_builtin(name, &len);
                if (!json) {
                        char known[128] = "";
                        size_t k = 0;
                        for (size_t i = 0; profile_builtin_name(i); i++)
                                k += (size_t)snprintf(known + k, sizeof(known) - k, "%s%s", i ? ", " : "", profile_builtin_name(i));
                        return dbx_error_set(err, ENOENT, "seccomp profile '%s': no such built-in profile (%s) "
                                             "and not a path (give a file as ./%s)", name, known, name);
                }
                snprintf(lp->name, sizeof(lp->name), "builtin:%s", name);
        } else {
                if ((r = read_file(name, PROFILE_MAX_BYTES, &lp->text, &len, err)) < 0)
                        return dbx_error_wrap(err, "seccomp profile");
                json = lp->text;
                snprintf(lp->name, sizeof(lp->name), "%s", name);
        }
        lp->json = json;
        lp->len = len;
        sha256_hex(json, len, lp->sha256);
        return 0;
}

static int profile_load_parse(struct loaded_profile *lp, struct dbx_error *err)
{
        int r;
        if (!lp->p && (r = profile_parse(lp->json, lp->len, &lp->p, err)) < 0) {
                char line[1024];
                struct dbx_error e = *err;
                return dbx_error_set(err, e.code, "seccomp profile %s: %s", lp->name, dbx_error_line(&e, line, sizeof(line)));
        }
        return 0;
}

static int load_profile(const char *ref, struct loaded_profile *lp, struct dbx_error *err)
{
        int r = load_profile_text(ref, lp, err);
        return r < 0 ? r : profile_load_parse(lp, err);
}

static int compile_profile(struct loaded_profile *lp, const struct filter_host *host, struct filter_set *fs,
                           struct dbx_error *err)
{
        int r = profile_load_parse(lp, err);
        if (r == 0 && (r = filter_set_compile(lp->p, host, fs, err)) < 0) {
                char line[1024];
                struct dbx_error e = *err;
                dbx_error_set(err, e.code, "seccomp profile %s: %s", lp->name, dbx_error_line(&e, line, sizeof(line)));
        }
        return r;
}

/* The filters of run, attest and explain (the commands that need no parsed profile) come from the
 * compiled-filter cache when it holds this key's intact entry; otherwise they are compiled and
 * the entry written.  A cache that cannot be used costs only the compile: said once if it was
 * asked for by name, silent for the default location (a $HOME that is not writable). */
static int filters_get(const struct sandbox_config *c, struct loaded_profile *lp, const struct filter_host *host,
                       struct filter_set *fs, struct dbx_error *err)
{
        bool cacheable = c->command == CMD_RUN || c->command == CMD_ATTEST || c->command == CMD_EXPLAIN;
        bool named = c->seccomp_cache && strcmp(c->seccomp_cache, "off") != 0;
        struct dbx_error cerr = {0};
        char key[SHA256_HEX_SIZE], line[1024];
        if (cacheable && seccomp_embedded_find(lp->sha256, fs))
                return 0; /* a built-in profile, compiled at build time */
        _cleanup_close_ int dfd = cacheable ? seccomp_cache_open(c->seccomp_cache, &cerr) : -1;
        if (dfd < 0 && cacheable && named)
                fprintf(stderr, "denybox: warning: --seccomp-cache unusable, compiling the filter without it: %s\n",
                        dbx_error_line(&cerr, line, sizeof(line)));
        if (dfd >= 0) {
                filter_cache_key(lp->sha256, host, DENYBOX_BUILD_ID, key);
                if (seccomp_cache_load(dfd, key, fs))
                        return 0;
        }
        int r = compile_profile(lp, host, fs, err);
        if (r == 0 && dfd >= 0 && seccomp_cache_store(dfd, key, fs, &cerr) < 0 && named)
                fprintf(stderr, "denybox: warning: --seccomp-cache: the compiled filter was not kept: %s\n",
                        dbx_error_line(&cerr, line, sizeof(line)));
        return r;
}

static struct filter_host this_host(void)
{
        struct filter_host h = {0};
        struct utsname u;
        if (uname(&u) == 0)
                filter_host_from_release(u.release, &h);
        return h;
}

/* The one error line.  Escaped: a message can quote what the rootfs or the payload named. */
static int fail(int code, const struct dbx_error *err)
{
        char line[1024], shown[4 * sizeof(line)];
        fprintf(stderr, "denybox: %s\n", escape_for_terminal(dbx_error_line(err, line, sizeof(line)), shown, sizeof(shown)));
        return code;
}

static int cmd_run(const struct sandbox_config *c, const struct filter_set *fs)
{
        struct sandbox_result res;
        struct dbx_error err = {0};
        struct sandbox_payload p = {.argv = c->argv, .exec_fd = -1};

        int r = sandbox_run(c, fs, &p, false, &res, &err);
        for (size_t i = 0; i < res.sup.n_log; i++) {
                const struct exec_attempt *e = &res.sup.log[i];
                char path[4 * sizeof(e->path)];
                if (i == EXEC_LOG_MAX - EXEC_LOG_TAIL && res.sup.n_dropped)
                        fprintf(stderr, "denybox: %zu more exec attempts not logged\n", res.sup.n_dropped);
                if (!e->allowed) /* the path is the payload's: escaped, it can neither forge lines nor drive the terminal */
                        fprintf(stderr, "denybox: exec denied: pid %d %s(\"%s\") -> %s\n", (int)e->pid, e->syscall,
                                escape_for_terminal(e->path, path, sizeof(path)), strerror(e->err));
        }
        sandbox_result_free(&res);
        if (r < 0 || !res.established) {
                int code = res.setup == SETUP_PAYLOAD_NOT_FOUND ? 127 : res.setup == SETUP_PAYLOAD_NOT_EXEC ? 126 : EXIT_SANDBOX_FAILED;
                return fail(code, &err);
        }
        if (res.oom_killed)
                fprintf(stderr, "denybox: the memory limit was hit: the kernel's OOM killer ended a sandboxed process\n");
        if (res.timed_out) {
                fprintf(stderr, "denybox: the payload timed out after %u s and was killed\n", c->timeout_sec);
                return 124;
        }
        return res.exit_code;
}

/* Attest, then say what it found: the table (or the bundle as JSON) on stdout.  Returns the exit
 * code, or a negative errno with err filled. */
static int cmd_attest(const struct sandbox_config *c, const struct filter_set *fs, int probe, int out_dfd,
                      const char *profile_name, const char *profile_sha256, struct dbx_error *err)
{
        struct attestation a;
        int r = attest_run(c, fs, probe, out_dfd, profile_name, profile_sha256, &a, err);
        if (r < 0)
                return r;
        if (a.report_unread[0]) {
                char shown[4 * sizeof(a.report_unread)];
                fprintf(stderr, "denybox: the probe's report could not be read (%s); every probe is UNVERIFIED\n",
                        escape_for_terminal(a.report_unread, shown, sizeof(shown)));
        }
        /* The bundle is on disk and the verdict is known: a reader of stdout that goes away early
         * (attest | head) must not turn the verdict into a SIGPIPE death (141).  Only now, with
         * the sandbox gone: an ignored SIGPIPE would be inherited across the payload's exec. */
        signal(SIGPIPE, SIG_IGN);
        if (c->json) {
                _cleanup_free_ char *json = NULL;
                size_t len;
                struct dbx_error jerr = {0};
                if (bundle_json(&a, &json, &len, &jerr) == 0)
                        printf("%s\n", json);
                else /* (the bundle on disk holds it) */
                        fail(r, &jerr);
        } else {
                report_table(&a, stdout);
        }
        fflush(stdout);
        attest_free(&a);
        return r;
}

static int cmd_image(const struct sandbox_config *c)
{
        struct dbx_error err = {0};
        _cleanup_free_ char *cache = NULL;
        const char *sub = c->argv[0];
        if (image_cache_dir(c->image_cache, &cache, &err) < 0)
                return fail(EXIT_USAGE, &err);
        if (strcmp(sub, "ls") == 0)
                return image_cache_list(cache, stdout, &err) < 0 ? fail(EXIT_USAGE, &err) : 0;
        if (strcmp(sub, "rm") == 0) {
                char removed[96];
                if (image_cache_remove(cache, c->argv[1], removed, sizeof(removed), &err) < 0)
                        return fail(EXIT_USAGE, &err);
                printf("removed %s\n", removed);
                return 0;
        }
        unsigned n;
        if (image_cache_prune(cache, &n, &err) < 0)
                return fail(EXIT_USAGE, &err);
        printf("removed %u cache entries from %s\n", n, cache);
        return 0;
}

/* --image: resolve, verify, unpack (or reuse), and turn its config into run options. */
static int open_image(struct sandbox_config *c, struct image *img, struct dbx_error *err)
{
        _cleanup_free_ char *cache = NULL;
        int r;
        if ((r = image_cache_dir(c->image_cache, &cache, err)) < 0 || (r = image_open(c->image, cache, img, err)) < 0 ||
            (r = image_apply(c, img, err)) < 0)
                return r;
        free(c->rootfs);
        if (!(c->rootfs = strdup(img->rootfs)))
                return dbx_error_set(err, ENOMEM, "out of memory");
        snprintf(c->image_digest, sizeof(c->image_digest), "%s", img->manifest_digest);
        snprintf(c->image_config_digest, sizeof(c->image_config_digest), "%s", img->config_digest);
        c->image_reused = img->reused;
        if (img->stats.special)
                fprintf(stderr, "denybox: image: %llu device nodes, fifos or sockets not created (e.g. /%s)\n",
                        (unsigned long long)img->stats.special, img->stats.special_example);
        if (img->stats.setid)
                fprintf(stderr, "denybox: image: setuid/setgid bits dropped from %llu files\n", (unsigned long long)img->stats.setid);
        for (size_t i = 0; i < img->n_notes; i++)
                fprintf(stderr, "denybox: %s\n", img->notes[i]);
        return 0;
}

static int cmd_learn(const struct sandbox_config *c, const struct filter_set *fs, const struct loaded_profile *lp)
{
        struct filter_host host = this_host();
        struct learn_outcome o;
        struct dbx_error err = {0};
        bool usage_error;

        int r = learn_run(c, fs, lp->p, &host, lp->name, lp->sha256, &o, &usage_error, &err);
        if (r < 0)
                return fail(o.exit_code, &err);
        learn_summary_print(c, &o, stderr);
        if (o.timed_out)
                fprintf(stderr, "denybox: the payload timed out after %u s and was killed\n", c->timeout_sec);
        r = o.exit_code;
        learn_outcome_free(&o);
        return r;
}

static int cmd_seccomp(const struct sandbox_config *c, const struct loaded_profile *lp, const struct filter_set *fs)
{
        struct filter_host host = this_host();
        struct dbx_error err = {0};
        _cleanup_free_ char *pfc = NULL;

        if (filter_set_pfc(lp->p, &host, &pfc, &err) < 0)
                return fail(EXIT_USAGE, &err);
        printf("# profile: %s\n# profile sha256: %s\n", lp->name, lp->sha256);
        printf("# stage 1 bpf sha256: %s (%zu instructions)\n", fs->stage1_sha256, fs->stage1.len / 8);
        printf("# stage 2 bpf sha256: %s (%zu instructions)\n", fs->stage2_sha256, fs->stage2.len / 8);
        printf("# combined bpf sha256: %s\n", fs->bpf_sha256);
        printf("# exec after denybox's own: %s",
               fs->exec.verdict == EXEC_VERDICT_ALLOW ? "allowed" : fs->exec.verdict == EXEC_VERDICT_KILL ? "killed" : "errno ");
        if (fs->exec.verdict == EXEC_VERDICT_ERRNO)
                printf("%d (%s)", fs->exec.errno_ret, strerror(fs->exec.errno_ret));
        printf("\n");
        if (fs->warnings)
                printf("# warnings:\n%s%s", fs->warnings, fs->warnings[strlen(fs->warnings) - 1] == '\n' ? "" : "\n");
        printf("%s", pfc);
        if (c->bpf_out) {
                FILE *f = fopen(c->bpf_out, "we");
                if (!f || fwrite(fs->stage1.data, 1, fs->stage1.len, f) != fs->stage1.len ||
                    fwrite(fs->stage2.data, 1, fs->stage2.len, f) != fs->stage2.len || fclose(f) != 0) {
                        dbx_error_set(&err, errno, "--bpf-out %s: %s", c->bpf_out, strerror(errno));
                        return fail(EXIT_USAGE, &err);
                }
                fprintf(stderr, "denybox: wrote stage 1 then stage 2 as raw BPF (%zu bytes) to %s\n",
                        fs->stage1.len + fs->stage2.len, c->bpf_out);
        }
        return 0;
}

/* verify --profile: the profile's sha256 and its BPF compiled for the bundle's kernel release */
static int verify_profile(const char *ref, const char *release, char sha256[SHA256_HEX_SIZE], char bpf_sha256[SHA256_HEX_SIZE],
                          char name[256], struct dbx_error *err)
{
        struct loaded_profile lp = {0};
        struct filter_set fs = {0};
        struct filter_host host = {0};
        int r;

        filter_host_from_release(release, &host);
        if ((r = load_profile(ref, &lp, err)) < 0 || (r = filter_set_compile(lp.p, &host, &fs, err)) < 0) {
                loaded_profile_free(&lp);
                return dbx_error_wrap(err, "verify: --profile");
        }
        snprintf(sha256, SHA256_HEX_SIZE, "%s", lp.sha256);
        snprintf(bpf_sha256, SHA256_HEX_SIZE, "%s", fs.bpf_sha256);
        snprintf(name, 256, "%s", lp.name);
        filter_set_free(&fs);
        loaded_profile_free(&lp);
        return 0;
}

/* denybox verify: findings on stdout, one line each, then one summary line. */
static int cmd_verify(int argc, char **argv)
{
        struct verify_options o = {.profile_digests = verify_profile};
        struct verify_result res;
        struct dbx_error err = {0};

        if (verify_parse_args(argc, argv, &o, &err) < 0)
                return fail(EXIT_USAGE, &err);
        if (verify_bundle(&o, &res, &err) < 0) {
                verify_result_free(&res);
                return fail(EXIT_USAGE, &err);
        }
        for (size_t i = 0; i < res.n_notes; i++)
                printf("%s\n", res.notes[i]);
        for (size_t i = 0; i < res.n_findings; i++)
                printf("FINDING: %s\n", res.findings[i]);
        printf("verify: %s\n", res.summary);
        int r = res.n_findings ? EXIT_ATTEST_PROBE_FAILED : 0;
        verify_result_free(&res);
        return r;
}

int main(int argc, char **argv)
{
        struct sandbox_config c;
        struct dbx_error err = {0};
        struct loaded_profile lp = {0};
        struct filter_set fs = {0};
        _cleanup_close_ int out_dfd = -1;
        struct image img = {0};
        int r = EXIT_USAGE;

        /* A closed 0/1/2 becomes /dev/null before anything opens a fd that could land there (the
         * probe's memfd on fd 1, a listener on fd 0...). */
        if (relay_stdio_sanitize() < 0)
                return EXIT_SANDBOX_FAILED;
        if (argc >= 2 && strcmp(argv[1], "verify") == 0)
                return cmd_verify(argc - 1, argv + 1);
        config_init(&c);
        if (config_parse(&c, argc, argv, &err) < 0) {
                config_free(&c);
                return fail(EXIT_USAGE, &err);
        }
        switch (c.command) {
        case CMD_HELP:
                fputs(usage, stdout);
                r = 0;
                goto out;
        case CMD_VERSION:
                printf("denybox %s (build %s)\n", DENYBOX_VERSION, DENYBOX_BUILD_ID);
                r = 0;
                goto out;
        case CMD_IMAGE:
                r = cmd_image(&c);
                goto out;
        case CMD_RUN:
        case CMD_ATTEST:
        case CMD_EXPLAIN:
        case CMD_SECCOMP:
        case CMD_LEARN:
        case CMD_NONE:
                break;
        }

        if (c.weaken) {
                fprintf(stderr, "denybox: WARNING: --weaken removes layers of the boundary:");
                for (int w = 0; w < _WEAKEN_MAX; w++)
                        if (config_weakened(&c, (enum weaken_layer)w))
                                fprintf(stderr, " %s", weaken_name((enum weaken_layer)w));
                fprintf(stderr, " -- a negative control for tests, NOT an attestation\n");
        }
        if (c.command == CMD_ATTEST)
                config_default_attest_limits(&c);

        /* 0. an image is verified and unpacked (or found in the cache) before anything else: a
         *    refused image is bad input, and nothing is started */
        if (c.image && open_image(&c, &img, &err) < 0) {
                r = fail(EXIT_USAGE, &err);
                goto out;
        }
        /* 1. everything that can be checked before anything is created */
        if (c.command != CMD_SECCOMP && c.command != CMD_EXPLAIN && preflight(&c, &err) < 0) {
                r = fail(EXIT_USAGE, &err);
                goto out;
        }
        /* Limits: a delegated systemd scope of its own where the plan's limits need one (re-executes). */
        if (c.command == CMD_RUN || c.command == CMD_ATTEST || c.command == CMD_LEARN) {
                struct sandbox_plan plan;
                sandbox_plan_make(&c, &plan);
                cgroup_enter_scope(&plan.limits, argv);
        }

        /* 2. the seccomp filters are compiled before any namespace exists */
        struct filter_host host = this_host();
        if (load_profile_text(c.seccomp_profile, &lp, &err) < 0 ||
            ((c.command == CMD_SECCOMP || c.command == CMD_LEARN) && profile_load_parse(&lp, &err) < 0) ||
            filters_get(&c, &lp, &host, &fs, &err) < 0) {
                r = fail(EXIT_USAGE, &err);
                goto out;
        }
        if (fs.warnings && c.command != CMD_SECCOMP)
                for (const char *w = fs.warnings; *w;) {
                        size_t n = strcspn(w, "\n");
                        fprintf(stderr, "denybox: seccomp profile %s: %.*s\n", lp.name, (int)n, w);
                        w += n + (w[n] == '\n');
                }

        /* 3. attest's output directory: opened and checked once, before anything runs and after
         * every other check of the input, so that a bad input creates nothing */
        if (c.command == CMD_ATTEST && (out_dfd = outdir_open(c.output_dir ? c.output_dir : OUTPUT_DIR_DEFAULT, &err)) < 0) {
                r = fail(EXIT_USAGE, &err);
                goto out;
        }

        /* A limit nothing here can enforce is said so, never silently dropped (once every input
         * has been accepted: a bad input stays one line). */
        if (c.command == CMD_RUN || c.command == CMD_ATTEST || c.command == CMD_LEARN) {
                struct cgroup_plan plan;
                cgroup_prepare(&c.limits, true, &plan, NULL);
                for (int k = 0; k < _LIMIT_MAX; k++)
                        if (plan.mech[k] == MECH_UNENFORCED)
                                fprintf(stderr, "denybox: warning: --%s is not enforced: no writable cgroup offers it here%s\n",
                                        limit_kind_name((enum limit_kind)k), cgroup_hint());
                if (plan.mech[LIMIT_MEMORY] == MECH_RLIMIT || plan.mech[LIMIT_SWAP] == MECH_RLIMIT)
                        fprintf(stderr, "denybox: warning: --memory is held as address space only (RLIMIT_AS): memfd "
                                        "and tmpfs pages are not bounded, and attest's PR-MEM-2 fails%s\n", cgroup_hint());
        }

        switch (c.command) {
        case CMD_RUN:
                r = cmd_run(&c, &fs);
                break;
        case CMD_ATTEST:
                r = probe_memfd(&err);
                if (r >= 0) {
                        int probe = r;
                        /* a profile learn wrote is attested with the probe's own needs added (learn.h) */
                        struct filter_set ufs = {0};
                        char uname[4096 + 160];
                        r = learn_attest_profile(&c, c.seccomp_profile, &host, probe, &ufs, uname, sizeof(uname), &err);
                        if (r >= 0)
                                r = cmd_attest(&c, r > 0 ? &ufs : &fs, probe, out_dfd, r > 0 ? uname : lp.name, lp.sha256, &err);
                        filter_set_free(&ufs);
                        close(probe);
                }
                if (r < 0)
                        r = fail(EXIT_SANDBOX_FAILED, &err);
                break;
        case CMD_EXPLAIN:
                r = explain_print(&c, &fs, lp.name, lp.sha256, stdout);
                break;
        case CMD_SECCOMP:
                r = cmd_seccomp(&c, &lp, &fs);
                break;
        case CMD_LEARN:
                r = cmd_learn(&c, &fs, &lp);
                break;
        case CMD_HELP:
        case CMD_VERSION:
        case CMD_IMAGE:
        case CMD_NONE:
                r = EXIT_USAGE;
                break;
        }
out:
        image_free(&img);
        filter_set_free(&fs);
        loaded_profile_free(&lp);
        config_free(&c);
        return r;
}
