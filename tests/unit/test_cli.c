/* SPDX-License-Identifier: MIT */
/* The command line parser: the seeds' docker command line maps across; every weakening flag and
 * every malformed value is refused with one sentence. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "config.h"
#include "unit.h"

static int parse(struct sandbox_config *c, struct dbx_error *err, const char *const *args)
{
        static char *argv[64]; /* c->argv points into it after parse() returns */
        int argc = 0;
        argv[argc++] = (char *)"denybox";
        for (; *args; args++)
                argv[argc++] = (char *)*args;
        argv[argc] = NULL;
        config_init(c);
        memset(err, 0, sizeof(*err));
        return config_parse(c, argc, argv, err);
}

START_TEST(seeds_command_line)
{
        static const char *const args[] = {
                "run", "--network", "none", "--user", "65532:65532", "--read-only",
                "--tmpfs", "/tmp:rw,noexec,nosuid,nodev,size=16m", "--cap-drop", "ALL",
                "--security-opt", "no-new-privileges", "--security-opt", "seccomp=/x/seccomp-deny-by-default.json",
                "--pids-limit", "64", "--memory", "256m", "--memory-swap", "256m", "--cpus", "1",
                "--env-file", "/dev/null", "-v", "/srv/in:/in:ro", "-v", "/srv/out:/out:rw",
                "--", "/bin/sh", "-c", "true", NULL};
        struct sandbox_config c;
        struct dbx_error err;
        ck_assert_int_eq(parse(&c, &err, args), 0);
        ck_assert_int_eq(c.command, CMD_RUN);
        ck_assert_uint_eq(c.uid, 65532);
        ck_assert_uint_eq(c.gid, 65532);
        ck_assert_uint_eq(c.tmp_size, 16u << 20);
        ck_assert_str_eq(c.seccomp_profile, "/x/seccomp-deny-by-default.json");
        ck_assert(!config_profile_is_builtin(c.seccomp_profile));
        ck_assert_int_eq(c.limits.pids, 64);
        ck_assert_int_eq(c.limits.memory, 256 << 20);
        ck_assert_int_eq(c.limits.memory_swap, 256 << 20);
        ck_assert_int_eq(c.limits.cpus_milli, 1000);
        ck_assert_uint_eq(c.n_volumes, 2);
        ck_assert(!c.volumes[0].writable);
        ck_assert(c.volumes[1].writable);
        ck_assert_str_eq(config_volume_at(&c, "/out")->source, "/srv/out");
        ck_assert_uint_eq(c.argc, 3);
        ck_assert_str_eq(c.argv[0], "/bin/sh");
        config_free(&c);
}
END_TEST

/* Each refused or malformed input, and a word its message must contain. */
static const struct {
        const char *args[8];
        const char *needle;
} bad[] = {
        {{"run", "--privileged", "--", "true"}, "--privileged is refused"},
        {{"run", "--network", "host", "--", "true"}, "--network host is refused"},
        {{"run", "--network", "bridge", "--", "true"}, "not supported"},
        {{"run", "--cap-add", "SYS_ADMIN", "--", "true"}, "--cap-add SYS_ADMIN is refused"},
        {{"run", "--pid", "host", "--", "true"}, "refused"},
        {{"run", "--ipc", "host", "--", "true"}, "refused"},
        {{"run", "--userns", "host", "--", "true"}, "refused"},
        {{"run", "-v", "/var/run/docker.sock:/var/run/docker.sock", "--", "true"}, "engine socket"},
        {{"run", "-v", "/run/containerd/containerd.sock:/c.sock", "--", "true"}, "engine socket"},
        {{"run", "-v", "/:/host", "--", "true"}, "refusing"},
        {{"run", "-v", "relative:/in", "--", "true"}, "absolute host path"},
        {{"run", "-v", "/srv:/proc/x", "--", "true"}, "managed by denybox"},
        {{"run", "-v", "/srv:/in/../etc", "--", "true"}, "normalised"},
        {{"run", "-v", "/srv:/in:rx", "--", "true"}, "mode 'rx'"},
        {{"run", "-v", "/srv", "--", "true"}, "SOURCE:TARGET"},
        {{"run", "-v", "/a:/in", "-v", "/b:/in", "--", "true"}, "already a volume target"},
        {{"run", "--tmpfs", "/tmp:exec", "--", "true"}, "refusing 'exec'"},
        {{"run", "--tmpfs", "/var", "--", "true"}, "only /tmp"},
        {{"run", "--tmpfs", "/tmp:size=lots", "--", "true"}, "bad size"},
        {{"run", "--security-opt", "seccomp=unconfined", "--", "true"}, "unconfined is refused"},
        {{"run", "--security-opt", "no-new-privileges:false", "--", "true"}, "cannot be turned off"},
        {{"run", "--security-opt", "apparmor=unconfined", "--", "true"}, "not supported"},
        {{"run", "--user", "nobody", "--", "true"}, "numeric"},
        {{"run", "--memory", "-5", "--", "true"}, "positive size"},
        {{"run", "--memory", "12q", "--", "true"}, "positive size"},
        {{"run", "--memory-swap", "1m", "--", "true"}, "needs --memory"},
        {{"run", "--memory", "8m", "--memory-swap", "7m", "--", "true"}, "at least --memory"},
        {{"run", "--memory", "2m", "--", "true"}, "--memory '2m' is below the minimum of 6m"},
        {{"run", "--memory", "1", "--", "true"}, "--memory '1' is below the minimum of 6m"},
        {{"run", "-o", "/tmp/ev", "--", "true"}, "-o/--output belongs to attest"},
        {{"run", "--json", "--", "true"}, "--json belongs to attest"},
        {{"explain", "-o", "/tmp/ev"}, "-o/--output belongs to attest"},
        {{"run", "--env-file", "/dev/zero", "--", "true"}, "--env-file '/dev/zero' is a character device"},
        {{"run", "--env-file", "/", "--", "true"}, "--env-file '/' is a directory"},
        {{"run", "--pids-limit", "0", "--", "true"}, "positive integer"},
        {{"run", "--cpus", "0", "--", "true"}, "between 0.01"},
        {{"run", "--timeout", "soon", "--", "true"}, "whole seconds"},
        {{"run", "--bogus", "--", "true"}, "unknown option '--bogus'"},
        {{"run", "--rootfs"}, "needs a value"},
        {{"run", "--rootfs", "rel/dir", "--", "true"}, "absolute path"},
        {{"run"}, "missing the command"},
        {{"attest", "--", "sh"}, "takes no command"},
        {{"frobnicate"}, "unknown command"},
        {{"run", "-t", "--", "true"}, "--tty is refused"},
        {{"run", "--device", "/dev/kvm", "--", "true"}, "refused"},
        {{"run", "--env-file", "/nonexistent/env", "--", "true"}, "--env-file '/nonexistent/env'"},
        {{"run", "-e", "1BAD", "--", "true"}, "not KEY=VALUE"},
        {{"run", "-e", "B-AD=1", "--", "true"}, "not a valid variable name"},
        /* learn */
        {{"learn"}, "missing the command to record"},
        {{"run", "--args", "--", "true"}, "--args belongs to the learn command"},
        {{"attest", "--merge", "old.json"}, "--merge belongs to the learn command"},
        {{"learn", "--weaken", "net", "--", "true"}, "--weaken belongs to attest and run"},
        {{"learn", "--json", "--", "true"}, "--json belongs to attest"},
};

START_TEST(refused_and_malformed)
{
        struct sandbox_config c;
        struct dbx_error err;
        int r = parse(&c, &err, bad[_i].args);
        ck_assert_msg(r < 0, "case %d (%s) was accepted", _i, bad[_i].needle);
        ck_assert_msg(strstr(err.msg, bad[_i].needle), "case %d: message '%s' lacks '%s'", _i, err.msg, bad[_i].needle);
        ck_assert_msg(!strchr(err.msg, '\n'), "case %d: message is not one line", _i);
        config_free(&c);
}
END_TEST

START_TEST(learn_options)
{
        static const char *const args[] = {"learn", "-o", "p.json", "--merge", "old.json", "--args",
                                           "--security-opt", "seccomp=default-deny", "--", "/bin/sh", "-c", "true", NULL};
        struct sandbox_config c;
        struct dbx_error err;
        ck_assert_msg(parse(&c, &err, args) == 0, "%s", err.msg);
        ck_assert_int_eq(c.command, CMD_LEARN);
        ck_assert_str_eq(c.output_dir, "p.json");
        ck_assert_str_eq(c.merge, "old.json");
        ck_assert(c.learn_args);
        ck_assert_str_eq(c.seccomp_profile, "default-deny");
        ck_assert_uint_eq(c.argc, 3);
        config_free(&c);
}
END_TEST

START_TEST(sizes)
{
        static const struct {
                const char *in;
                long long out; /* -1: rejected */
        } t[] = {
                {"4096", 4096}, {"16m", 16 << 20}, {"16M", 16 << 20}, {"1g", 1LL << 30}, {"1.5k", 1536},
                {"256mb", 256 << 20}, {"2MiB", 2 << 20}, {"", -1}, {"m", -1}, {"-1", -1}, {"1x", -1},
                {"99999999999t", -1}, {"1mm", -1},
        };
        for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
                uint64_t v = 0;
                int r = parse_size(t[i].in, &v);
                if (t[i].out < 0)
                        ck_assert_msg(r < 0, "'%s' accepted", t[i].in);
                else
                        ck_assert_msg(r == 0 && v == (uint64_t)t[i].out, "'%s' -> %llu", t[i].in, (unsigned long long)v);
        }
}
END_TEST

START_TEST(builtin_profile_names)
{
        static const char *const a1[] = {"run", "--security-opt", "seccomp=strict", "--", "true", NULL};
        static const char *const a2[] = {"run", "--security-opt", "seccomp=./p.json", "--", "true", NULL};
        struct sandbox_config c;
        struct dbx_error err;
        ck_assert_int_eq(parse(&c, &err, a1), 0);
        ck_assert(config_profile_is_builtin(c.seccomp_profile));
        config_free(&c);
        ck_assert_int_eq(parse(&c, &err, a2), 0);
        ck_assert(!config_profile_is_builtin(c.seccomp_profile));
        config_free(&c);
}
END_TEST

/* The README's order (profile first) and the other both work; two profiles are one too many. */
START_TEST(seccomp_profile_and_bpf_out_in_any_order)
{
        static const char *const orders[][5] = {
                {"seccomp", "strict", "--bpf-out", "/tmp/f", NULL},
                {"seccomp", "--bpf-out", "/tmp/f", "strict", NULL},
                {"seccomp", "--bpf-out", "/tmp/f", "--", "strict"},
        };
        struct sandbox_config c;
        struct dbx_error err;
        for (size_t i = 0; i < ELEMENTSOF(orders); i++) {
                const char *a[6] = {0};
                memcpy(a, orders[i], sizeof(orders[i]));
                ck_assert_msg(parse(&c, &err, a) == 0, "order %zu: %s", i, err.msg);
                ck_assert_str_eq(c.seccomp_profile, "strict");
                ck_assert_str_eq(c.bpf_out, "/tmp/f");
                config_free(&c);
        }
        static const char *const two[] = {"seccomp", "strict", "--bpf-out", "/tmp/f", "default-deny", NULL};
        static const char *const two_dd[] = {"seccomp", "strict", "--", "default-deny", NULL};
        ck_assert_int_lt(parse(&c, &err, two), 0);
        ck_assert_ptr_nonnull(strstr(err.msg, "one profile"));
        config_free(&c);
        ck_assert_int_lt(parse(&c, &err, two_dd), 0);
        ck_assert_ptr_nonnull(strstr(err.msg, "one profile"));
        config_free(&c);
}
END_TEST

/* The probes' controls name --weaken layers: the two lists must be the same (the catalogue is
 * compiled into the probe binary too, so it keeps its own copy). */
START_TEST(weaken_layers_match_probe_controls)
{
        size_t n = 0;
        for (int w = 0; w < _WEAKEN_MAX; w++) {
                const char *name = weaken_name((enum weaken_layer)w);
                ck_assert_msg(probe_control_valid(name), "--weaken %s is not a known probe control", name);
        }
        for (const char *const *l = probe_control_layers; *l; l++) {
                int w;
                for (w = 0; w < _WEAKEN_MAX; w++)
                        if (strcmp(*l, weaken_name((enum weaken_layer)w)) == 0)
                                break;
                if (w == _WEAKEN_MAX) /* a test set-up, not a layer */
                        ck_assert_msg(strcmp(*l, PROBE_CONTROL_ROOTFS_DOCKER_SOCK) == 0 ||
                                              strcmp(*l, PROBE_CONTROL_OUT_UNWRITABLE) == 0,
                                      "probe control '%s' is no --weaken layer", *l);
                n++;
        }
        ck_assert_uint_eq(n, _WEAKEN_MAX + 2);
        /* and every probe's control is made of known names */
        for (size_t i = 0; i < probe_catalogue_len; i++)
                ck_assert_msg(probe_control_valid(probe_catalogue[i].control), "%s", probe_catalogue[i].id);
}
END_TEST

int main(void)
{
        Suite *s = suite_create("cli");
        TCase *tc = tcase_create("parse");
        tcase_add_test(tc, seeds_command_line);
        tcase_add_loop_test(tc, refused_and_malformed, 0, (int)(sizeof(bad) / sizeof(bad[0])));
        tcase_add_test(tc, sizes);
        tcase_add_test(tc, builtin_profile_names);
        tcase_add_test(tc, seccomp_profile_and_bpf_out_in_any_order);
        tcase_add_test(tc, weaken_layers_match_probe_controls);
        tcase_add_test(tc, learn_options);
        suite_add_tcase(s, tc);
        return run_suite_tap(s);
}
