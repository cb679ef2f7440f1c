/* SPDX-License-Identifier: MIT */
/* The probe catalogue, adjudication and the pure checks (the report parser: test_probe_report.c).
 * Every check is shown able to fail: a probe that cannot fail proves nothing. */
#include "catalogue.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"

static const char *const seed_ids[] = { "PR-NET-1", "PR-NET-2", "PR-SOCK-1", "PR-ENV-1", "PR-FS-RO-IN",
        "PR-FS-ESC-1", "PR-FS-ESC-2", "PR-FS-OUT-OK", "PR-EXEC-1", "PR-MOUNT-1", "PR-SOCK-DOCKER", "PR-PTRACE-1" };

static const char good_net_dev[] =
        "Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
        "    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n";

static const char good_mounts[] =
        "21 20 254:0 /srv/root / ro,nosuid,nodev,relatime master:1 - ext4 /dev/vda rw\n"
        "22 21 0:41 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
        "23 22 0:41 /sys /proc/sys ro,nosuid,nodev,noexec,relatime - proc proc rw\n"
        "24 21 0:42 / /dev ro,nosuid,relatime - tmpfs tmpfs rw,mode=755\n"
        "25 24 0:6 /null /dev/null rw,nosuid,relatime - devtmpfs udev rw\n"
        "26 24 0:6 /zero /dev/zero rw,nosuid,relatime - devtmpfs udev rw\n27 24 0:6 /full /dev/full rw - devtmpfs udev rw\n"
        "28 24 0:6 /random /dev/random rw - devtmpfs udev rw\n29 24 0:6 /urandom /dev/urandom rw - devtmpfs udev rw\n"
        "30 24 0:6 /tty /dev/tty rw,nosuid,relatime - devtmpfs udev rw\n"
        "31 21 254:0 /srv/in /in ro,nosuid,nodev,relatime shared:3 master:1 - ext4 /dev/vda rw\n"
        "32 31 254:0 /srv/in/sub /in/sub ro,nosuid,nodev,relatime - ext4 /dev/vda rw\n"
        "33 21 254:0 /srv/out /out rw,nosuid,nodev,noexec,relatime - ext4 /dev/vda rw\n"
        "34 21 0:43 / /tmp rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,size=16384k\n";

static char *seed_env[] = { "HOME", "HOSTNAME", "LANG", "PATH", "SSL_CERT_FILE" };

/* ---- helpers ----------------------------------------------------------------------------------- */

static struct probe_observation obs_one;

/* A report holding one observation of id (err) and the given raw fields. */
static struct probe_report report_one(const char *id, int err)
{
        memset(&obs_one, 0, sizeof(obs_one));
        snprintf(obs_one.id, sizeof(obs_one.id), "%s", id);
        obs_one.present = true;
        obs_one.err = err;
        return (struct probe_report) { .obs = &obs_one, .n_obs = 1 };
}

static enum verdict judge(const char *id, const struct probe_report *r)
{
        char why[512];
        const struct probe_def *def = probe_catalogue_find(id);
        ck_assert_ptr_nonnull(def);
        enum verdict v = probe_adjudicate(def, r, why, sizeof(why));
        ck_assert_msg(why[0] != '\0', "adjudication of %s gave no reason", id);
        return v;
}

static enum verdict judge_err(const char *id, int err)
{
        struct probe_report r = report_one(id, err);
        return judge(id, &r);
}

/* good with the first occurrence of from replaced by to (malloc'd). */
static char *replace(const char *good, const char *from, const char *to)
{
        const char *at = strstr(good, from);
        ck_assert_msg(at != NULL, "fixture lacks '%s'", from);
        size_t n = strlen(good) - strlen(from) + strlen(to) + 1;
        char *s = malloc(n);
        ck_assert_ptr_nonnull(s);
        snprintf(s, n, "%.*s%s%s", (int) (at - good), good, to, at + strlen(from));
        return s;
}

static bool mounts_ok(const char *mountinfo, char *why, size_t size)
{
        struct probe_report r = { .mountinfo = (char *) mountinfo };
        return probe_check_mount_table(&r, why, size);
}

/* The mount table with from replaced by to must FAIL, and say why with `expect` in it. */
static void assert_mounts_fail(const char *from, const char *to, const char *expect)
{
        char why[512];
        char *m = replace(good_mounts, from, to);
        ck_assert_msg(!mounts_ok(m, why, sizeof(why)), "passed with '%s' -> '%s': %s", from, to, why);
        ck_assert_msg(strstr(why, expect), "reason '%s' lacks '%s'", why, expect);
        free(m);
}

static bool env_ok(char **keys, size_t n, char *why, size_t size)
{
        struct probe_report r = { .env_keys = keys, .n_env_keys = n };
        return probe_check_env_no_secrets(&r, why, size);
}

static bool net_ok(const char *text, char *why, size_t size)
{
        struct probe_report r = { .proc_net_dev = (char *) text };
        return probe_check_net_dev_lo_only(&r, why, size);
}

/* ---- catalogue and adjudication ----------------------------------------------------------------- */

/* The layers `denybox attest --weaken` offers (the contract with the launcher), plus the two
 * set-up controls. */
static const char *const weaken_layers[] = { "net", "seccomp", "exec-once", "env", "ro-root", "ro-in", "caps",
        "nnp", "user", "pidns", "uts", "cgroupns", "proc-mask", "dev", "sys", "tmp-noexec", "fds", "session", "init",
        "limits", "stdio", "rootfs-docker-sock", "out-unwritable",
        "host-root", "tmp-inodes", /* mounts and identity (issue 9) */
        "landlock" }; /* the second layer (issue 17) */

static bool is_weaken_layer(const char *w, size_t len)
{
        for (size_t i = 0; i < ELEMENTSOF(weaken_layers); i++)
                if (strlen(weaken_layers[i]) == len && memcmp(weaken_layers[i], w, len) == 0)
                        return true;
        return false;
}

START_TEST(catalogue_grows_from_the_seeds)
{
        ck_assert_uint_ge(probe_catalogue_len, 40);
        for (size_t i = 0; i < ELEMENTSOF(seed_ids); i++) /* the seeds first, in their order */
                ck_assert_str_eq(probe_catalogue[i].id, seed_ids[i]);
        for (size_t i = 0; i < probe_catalogue_len; i++) {
                const struct probe_def *d = &probe_catalogue[i];
                ck_assert_ptr_eq(probe_catalogue_find(d->id), d); /* unique: the first match is itself */
                for (size_t j = 0; j < i; j++)
                        ck_assert_str_ne(probe_catalogue[j].id, d->id);
                ck_assert_str_ne(layer_name(d->layer), "?");
                ck_assert(d->operation && d->operation[0] && d->expected && d->expected[0]);
                if (d->expect == EXPECT_ERRNO)
                        ck_assert_int_ne(d->errnos[0], 0);
                ck_assert((d->expect == EXPECT_CHECK) == (d->check != NULL));
                ck_assert((d->expect == EXPECT_VALUE) == (d->value_check != NULL));
                /* a control: known layer names, single-spaced, no repeats */
                ck_assert_msg(d->control && d->control[0], "%s has no control", d->id);
                ck_assert_msg(probe_control_valid(d->control), "%s: control '%s'", d->id, d->control);
                char words[128], *save = NULL, *seen[8];
                size_t n_seen = 0;
                snprintf(words, sizeof(words), "%s", d->control);
                for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
                        ck_assert_msg(is_weaken_layer(w, strlen(w)), "%s: control word '%s' is no layer", d->id, w);
                        for (size_t k = 0; k < n_seen; k++)
                                ck_assert_msg(strcmp(seen[k], w) != 0, "%s: '%s' twice", d->id, w);
                        ck_assert_uint_lt(n_seen, ELEMENTSOF(seen));
                        seen[n_seen++] = w;
                }
        }
        ck_assert_ptr_null(probe_catalogue_find("PR-NOPE"));
        ck_assert_ptr_null(probe_catalogue_find(NULL));
        /* the library's own table agrees with the contract's */
        size_t n = 0;
        for (; probe_control_layers[n]; n++)
                ck_assert_msg(is_weaken_layer(probe_control_layers[n], strlen(probe_control_layers[n])), "%s",
                              probe_control_layers[n]);
        ck_assert_uint_eq(n, ELEMENTSOF(weaken_layers));
}
END_TEST

START_TEST(seed_expectations_unchanged)
{
        static const struct { const char *id; int errnos[4]; enum probe_expect expect; } seeds[] = {
                { "PR-NET-1", { EPERM, ENETUNREACH, EAFNOSUPPORT }, EXPECT_ERRNO }, { "PR-NET-2", { 0 }, EXPECT_CHECK },
                { "PR-SOCK-1", { EPERM }, EXPECT_ERRNO }, { "PR-ENV-1", { 0 }, EXPECT_CHECK },
                { "PR-FS-RO-IN", { EROFS }, EXPECT_ERRNO }, { "PR-FS-ESC-1", { EROFS }, EXPECT_ERRNO },
                { "PR-FS-ESC-2", { EROFS, EACCES }, EXPECT_ERRNO }, { "PR-FS-OUT-OK", { 0 }, EXPECT_SUCCESS },
                { "PR-EXEC-1", { EPERM }, EXPECT_ERRNO }, { "PR-MOUNT-1", { 0 }, EXPECT_CHECK },
                { "PR-SOCK-DOCKER", { ENOENT }, EXPECT_ERRNO }, { "PR-PTRACE-1", { EPERM }, EXPECT_ERRNO },
        };
        for (size_t i = 0; i < ELEMENTSOF(seeds); i++) {
                const struct probe_def *d = probe_catalogue_find(seeds[i].id);
                ck_assert_ptr_nonnull(d);
                ck_assert_int_eq(d->expect, seeds[i].expect);
                for (size_t k = 0; k < 4; k++)
                        ck_assert_int_eq(d->errnos[k], seeds[i].errnos[k]);
        }
}
END_TEST

START_TEST(controls_parse)
{
        ck_assert(probe_control_valid("seccomp"));
        ck_assert(probe_control_valid("seccomp caps"));
        ck_assert(probe_control_valid("tmp-noexec exec-once"));
        ck_assert(!probe_control_valid(NULL));
        ck_assert(!probe_control_valid(""));
        ck_assert(!probe_control_valid(" seccomp"));
        ck_assert(!probe_control_valid("seccomp "));
        ck_assert(!probe_control_valid("seccomp  caps"));
        ck_assert(!probe_control_valid("netns")); /* a layer name, not a --weaken name */
        ck_assert(!probe_control_valid("seccompx"));
        ck_assert(!probe_control_valid("secc"));
}
END_TEST

START_TEST(exec_is_eperm_only)
{
        const struct probe_def *d = probe_catalogue_find("PR-EXEC-1");
        ck_assert_int_eq(d->errnos[0], EPERM);
        ck_assert_int_eq(d->errnos[1], 0);
        ck_assert_int_eq(judge_err("PR-EXEC-1", EPERM), VERDICT_PASS);
        ck_assert_int_eq(judge_err("PR-EXEC-1", ENOENT), VERDICT_FAIL); /* the seeds' old answer */
        ck_assert_int_eq(judge_err("PR-EXEC-1", 0), VERDICT_FAIL);
        ck_assert_int_eq(judge_err("PR-EXEC-1", EACCES), VERDICT_FAIL);
}
END_TEST

START_TEST(errno_probes)
{
        static const struct { const char *id; int err; enum verdict v; } cases[] = {
                { "PR-NET-1", EPERM, VERDICT_PASS }, { "PR-NET-1", ENETUNREACH, VERDICT_PASS },
                { "PR-NET-1", EAFNOSUPPORT, VERDICT_PASS }, { "PR-NET-1", ETIMEDOUT, VERDICT_FAIL },
                { "PR-NET-1", 0, VERDICT_FAIL }, { "PR-NET-1", -1, VERDICT_UNVERIFIED },
                { "PR-SOCK-1", EPERM, VERDICT_PASS }, { "PR-SOCK-1", EAFNOSUPPORT, VERDICT_FAIL },
                { "PR-SOCK-1", 0, VERDICT_FAIL },
                { "PR-FS-RO-IN", EROFS, VERDICT_PASS }, { "PR-FS-RO-IN", EACCES, VERDICT_FAIL },
                { "PR-FS-RO-IN", 0, VERDICT_FAIL },
                { "PR-FS-ESC-1", EROFS, VERDICT_PASS }, { "PR-FS-ESC-1", 0, VERDICT_FAIL },
                { "PR-FS-ESC-1", ENOENT, VERDICT_FAIL },
                { "PR-FS-ESC-2", EROFS, VERDICT_PASS }, { "PR-FS-ESC-2", EACCES, VERDICT_PASS },
                { "PR-FS-ESC-2", ENOENT, VERDICT_FAIL }, { "PR-FS-ESC-2", 0, VERDICT_FAIL },
                { "PR-SOCK-DOCKER", ENOENT, VERDICT_PASS }, { "PR-SOCK-DOCKER", 0, VERDICT_FAIL },
                { "PR-SOCK-DOCKER", EACCES, VERDICT_FAIL },
                { "PR-PTRACE-1", EPERM, VERDICT_PASS }, { "PR-PTRACE-1", 0, VERDICT_FAIL },
                { "PR-PTRACE-1", ENOSYS, VERDICT_FAIL },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                ck_assert_msg(judge_err(cases[i].id, cases[i].err) == cases[i].v, "%s errno %d: expected %s",
                              cases[i].id, cases[i].err, verdict_name(cases[i].v));
}
END_TEST

START_TEST(success_probe)
{
        ck_assert_int_eq(judge_err("PR-FS-OUT-OK", 0), VERDICT_PASS);
        ck_assert_int_eq(judge_err("PR-FS-OUT-OK", EACCES), VERDICT_FAIL); /* the seeds' /out crash */
        ck_assert_int_eq(judge_err("PR-FS-OUT-OK", -1), VERDICT_UNVERIFIED);
}
END_TEST

START_TEST(missing_is_unverified_never_pass)
{
        struct probe_report empty = { 0 };
        for (size_t i = 0; i < probe_catalogue_len; i++) {
                ck_assert_int_eq(judge(probe_catalogue[i].id, &empty), VERDICT_UNVERIFIED);
                ck_assert_int_eq(judge(probe_catalogue[i].id, NULL), VERDICT_UNVERIFIED);
        }
        /* reported under another id, or not marked present: still missing */
        struct probe_report r = report_one("PR-SOCK-1", EPERM);
        ck_assert_int_eq(judge("PR-PTRACE-1", &r), VERDICT_UNVERIFIED);
        obs_one.present = false;
        ck_assert_int_eq(judge("PR-SOCK-1", &r), VERDICT_UNVERIFIED);
        /* raw present but the observation missing */
        struct probe_report raw_only = { .mountinfo = (char *) good_mounts, .proc_net_dev = (char *) good_net_dev,
                                         .env_keys = seed_env, .n_env_keys = ELEMENTSOF(seed_env) };
        ck_assert_int_eq(judge("PR-MOUNT-1", &raw_only), VERDICT_UNVERIFIED);
        ck_assert_int_eq(judge("PR-NET-2", &raw_only), VERDICT_UNVERIFIED);
        ck_assert_int_eq(judge("PR-ENV-1", &raw_only), VERDICT_UNVERIFIED);
}
END_TEST

START_TEST(check_probes)
{
        char why[512];
        struct probe_report r = report_one("PR-MOUNT-1", 0);
        ck_assert_int_eq(judge("PR-MOUNT-1", &r), VERDICT_UNVERIFIED); /* raw missing */
        r.mountinfo = (char *) good_mounts;
        ck_assert_int_eq(probe_adjudicate(probe_catalogue_find("PR-MOUNT-1"), &r, why, sizeof(why)), VERDICT_PASS);
        char *bad = replace(good_mounts, "/srv/root / ro,", "/srv/root / rw,");
        r.mountinfo = bad;
        ck_assert_int_eq(judge("PR-MOUNT-1", &r), VERDICT_FAIL);
        free(bad);
        r.mountinfo = (char *) good_mounts;
        obs_one.err = EFBIG; /* truncated by the probe: could hide a mount */
        ck_assert_int_eq(judge("PR-MOUNT-1", &r), VERDICT_UNVERIFIED);
        r = report_one("PR-NET-2", 0);
        r.proc_net_dev = (char *) good_net_dev;
        ck_assert_int_eq(judge("PR-NET-2", &r), VERDICT_PASS);
        bad = replace(good_net_dev, "    lo:", "  eth0:");
        r.proc_net_dev = bad;
        ck_assert_int_eq(judge("PR-NET-2", &r), VERDICT_FAIL);
        free(bad);
        r = report_one("PR-ENV-1", 0);
        ck_assert_int_eq(judge("PR-ENV-1", &r), VERDICT_UNVERIFIED);
        char *empty[1] = { NULL };
        r.env_keys = empty; /* reported, and empty: fine */
        ck_assert_int_eq(judge("PR-ENV-1", &r), VERDICT_PASS);
        char *leak[] = { "HOME", "GITHUB_TOKEN" };
        r.env_keys = leak;
        r.n_env_keys = 2;
        ck_assert_int_eq(judge("PR-ENV-1", &r), VERDICT_FAIL);
        obs_one.err = E2BIG;
        ck_assert_int_eq(judge("PR-ENV-1", &r), VERDICT_UNVERIFIED);
}
END_TEST

START_TEST(names)
{
        ck_assert_str_eq(verdict_name(VERDICT_PASS), "PASS");
        ck_assert_str_eq(verdict_name(VERDICT_UNVERIFIED), "UNVERIFIED");
        ck_assert_str_eq(verdict_name((enum verdict) 42), "?");
        ck_assert_str_eq(layer_name(LAYER_EXEC_ONCE), "exec-once");
        ck_assert_str_eq(layer_name(_LAYER_MAX), "?");
        ck_assert_str_eq(layer_name((enum probe_layer) -1), "?");
        char buf[32];
        ck_assert_str_eq(probe_errno_label(EPERM, buf, sizeof(buf)), "EPERM(1)");
        ck_assert_str_eq(probe_errno_label(0, buf, sizeof(buf)), "success(0)");
        ck_assert_str_eq(probe_errno_label(-1, buf, sizeof(buf)), "n/a");
}
END_TEST

/* ---- the checks ------------------------------------------------------------------------------------ */

START_TEST(net_dev)
{
        char why[256];
        ck_assert_msg(net_ok(good_net_dev, why, sizeof(why)), "%s", why);
        static const struct { const char *from, *to; } bad[] = {
                { "    lo:", "  eth0:" },   /* only a real interface */
                { "    lo:", "    lo0:" },
                { "    lo:", "    lo" },    /* no name separator */
                { "Inter-|", "Inter-" },    /* not the header */
                { " face |", " face " },
                { "0          0\n", "0          0" }, /* truncated */
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char *t = replace(good_net_dev, bad[i].from, bad[i].to);
                ck_assert_msg(!net_ok(t, why, sizeof(why)), "passed: %s", t);
                free(t);
        }
        char more[1024];
        snprintf(more, sizeof(more), "%s  eth0: 1 2 3\n", good_net_dev);
        ck_assert(!net_ok(more, why, sizeof(why)));
        ck_assert_ptr_nonnull(strstr(why, "eth0"));
        /* headers only: not even lo */
        ck_assert(!net_ok("Inter-|a\n face |b\n", why, sizeof(why)));
        ck_assert(!net_ok("", why, sizeof(why)) && !net_ok(NULL, why, sizeof(why)));
}
END_TEST

START_TEST(env_keys)
{
        char why[512];
        ck_assert_msg(env_ok(seed_env, ELEMENTSOF(seed_env), why, sizeof(why)), "%s", why);
        ck_assert_ptr_nonnull(strstr(why, "SSL_CERT_FILE"));
        static const char *const secret[] = {
                "AWS_SECRET_ACCESS_KEY", "PGHOST", "pgpassfile", "kb_x", "KB_URL", "GITHUB_TOKEN",
                "DB_PASSWORD", "MY_PASSWD", "SENTRY_DSN", "DB_CONN", "CONNECTION_STRING", "API_KEY",
                "OPENAI_API-KEY", "apikey", "x_Secret_y",
        };
        for (size_t i = 0; i < ELEMENTSOF(secret); i++) {
                char *keys[] = { "HOME", (char *) secret[i], "PATH" };
                ck_assert_msg(!env_ok(keys, 3, why, sizeof(why)), "%s passed", secret[i]);
                ck_assert_ptr_nonnull(strstr(why, secret[i]));
        }
        /* ^pg and ^kb are anchored: not in the middle of a key */
        char *fine[] = { "SHOPGROUP", "XKB_LAYOUT", "TERM", "LC_ALL" };
        ck_assert_msg(env_ok(fine, ELEMENTSOF(fine), why, sizeof(why)), "%s", why);
        ck_assert(env_ok(fine, 0, why, sizeof(why)));
        struct probe_report none = { 0 };
        ck_assert(!probe_check_env_no_secrets(&none, why, sizeof(why)));
}
END_TEST

START_TEST(mounts_good)
{
        char why[512];
        ck_assert_msg(mounts_ok(good_mounts, why, sizeof(why)), "%s", why);
        /* an escaped space inside /in, ro, is still under /in */
        char more[4096];
        snprintf(more, sizeof(more), "%s40 31 254:0 /x /in/a\\040b ro,relatime - ext4 /dev/vda rw\n", good_mounts);
        ck_assert_msg(mounts_ok(more, why, sizeof(why)), "%s", why);
        /* a read-only superblock makes a per-mount rw mount read-only */
        char *m = replace(good_mounts, "/srv/root / ro,nosuid,nodev,relatime master:1 - ext4 /dev/vda rw",
                          "/srv/root / rw,nosuid,nodev,relatime master:1 - ext4 /dev/vda ro");
        ck_assert_msg(mounts_ok(m, why, sizeof(why)), "%s", why);
        free(m);
        /* no /proc and no /dev mounts at all is allowed */
        ck_assert(mounts_ok("1 0 0:1 / / ro - ext4 r rw\n2 1 0:2 / /in ro - ext4 r rw\n"
                            "3 1 0:3 / /out rw,nosuid,nodev,noexec - ext4 r rw\n"
                            "4 1 0:4 / /tmp rw,nosuid,nodev,noexec - tmpfs t rw\n", why, sizeof(why)));
}
END_TEST

START_TEST(mounts_bad)
{
        static const struct { const char *from, *to, *expect; } cases[] = {
                { "/srv/root / ro,", "/srv/root / rw,", "/ (ext4) is writable" },
                { "/srv/in /in ro,", "/srv/in /in rw,", "/in (ext4) is writable" },
                { "/srv/in/sub /in/sub ro,", "/srv/in/sub /in/sub rw,", "/in/sub" },   /* rw submount */
                { "/srv/out /out rw,", "/srv/out /out ro,", "/out is read-only" },
                { "/out rw,nosuid,nodev,noexec,relatime - ext4 /dev/vda rw",
                  "/out rw,nosuid,nodev,noexec,relatime - ext4 /dev/vda ro", "/out is read-only" },
                { "/out rw,nosuid,nodev,noexec", "/out rw,nosuid,nodev", "/out lacks noexec" },
                { "/tmp rw,nosuid,nodev,noexec", "/tmp rw,nosuid,nodev", "/tmp lacks noexec" },
                { "/tmp rw,nosuid,nodev,noexec", "/tmp rw,nodev,noexec", "/tmp lacks nosuid" },
                { "/tmp rw,nosuid,nodev,noexec", "/tmp rw,nosuid,noexec", "/tmp lacks nodev" },
                { "- tmpfs tmpfs rw,size", "- ext4 /dev/vda rw,size", "/tmp is ext4, expected tmpfs" },
                { "/ /dev ro,", "/ /dev rw,", "/dev (tmpfs) is writable" },
                { "/ /dev ro,nosuid,relatime - tmpfs", "/ /dev ro,nosuid,relatime - devtmpfs", "expected tmpfs" },
                { "- proc proc rw\n23", "- tmpfs proc rw\n23", "/proc is tmpfs, expected proc" },
                { "/sys /proc/sys ro,", "/sys /proc/sys rw,", "/proc/sys" },
                /* required mounts missing (renamed away) */
                { " /in ro,", " /input ro,", "no mount at /in" },
                { " /out rw,", " /outx ro,", "no mount at /out" },
                { " /tmp rw,", " /tmpx ro,", "no mount at /tmp" },
                { "/srv/root / ro", "/srv/root /root ro", "no mount at /" },
                /* parsing */
                { "/in/sub ro", "/in/sub\\9 ro", "malformed" },
                { "/in/sub ro", "/in/sub\\000 ro", "malformed" },
                { "/in/sub ro", "/in/sub\\04", "malformed" },
                { " - ext4 /dev/vda rw\n33", " ext4 /dev/vda rw\n33", "malformed" },  /* no separator */
                { "34 21 0:43 / /tmp rw,nosuid,nodev,noexec,relatime", "34 21 0:43 / /tmp nosuid,nodev,noexec",
                  "malformed" },                                                     /* neither ro nor rw */
                { "rw,size=16384k\n", "rw,size=16384k", "truncated" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                assert_mounts_fail(cases[i].from, cases[i].to, cases[i].expect);
}
END_TEST

START_TEST(mounts_stray)
{
        static const char *const stray[] = {
                "40 21 254:0 /x /etc/x rw,nosuid,nodev - ext4 /dev/vda rw\n",         /* stray rw bind */
                "40 21 254:0 /x /in\\040x rw,relatime - ext4 /dev/vda rw\n",          /* not under /in */
                "40 21 254:0 /x /outside rw,relatime - ext4 /dev/vda rw\n",
                "40 24 0:45 / /dev/pts rw,nosuid,noexec - devpts devpts rw\n",
                "40 24 0:46 / /dev/shm rw,nosuid,nodev - tmpfs shm rw\n",
                "40 21 254:0 /var/run/docker.sock /run/docker.sock rw - ext4 /dev/vda rw\n",
                "40 34 0:47 / /tmp/x rw,nosuid,nodev,noexec - tmpfs tmpfs rw\n",
                "40 33 254:0 /y /out/y rw,nosuid,nodev,noexec - ext4 /dev/vda rw\n",
                "40 21 0:48 / / rw,relatime - overlay overlay rw\n",                 /* stacked rw root */
                "40 21 254:0 /z /tmp ro,nosuid,nodev - ext4 /dev/vda rw\n",           /* /tmp not tmpfs */
                "garbage\n",
        };
        char why[512], buf[4096];
        for (size_t i = 0; i < ELEMENTSOF(stray); i++) {
                snprintf(buf, sizeof(buf), "%s%s", good_mounts, stray[i]);
                ck_assert_msg(!mounts_ok(buf, why, sizeof(why)), "passed with %s", stray[i]);
        }
        snprintf(buf, sizeof(buf), "%s%s", good_mounts, stray[1]);
        mounts_ok(buf, why, sizeof(why));
        ck_assert_msg(strstr(why, "/in x (ext4) is writable"), "%s", why); /* escape decoded */
        ck_assert(!mounts_ok("", why, sizeof(why)) && !mounts_ok(NULL, why, sizeof(why)));
}
END_TEST

/* ---- the growth of issue 4 ------------------------------------------------------------------- */

static const struct probe_context ctx_default = { .uid = 65532, .gid = 65532, .pids_limit = 64,
                                                  .memory = 256ll << 20, .hostname = "denybox" };

/* Adjudicates id with one observation (err, value) under ctx. */
static enum verdict judge_value(const char *id, int err, const char *value, const struct probe_context *ctx)
{
        struct probe_report r = report_one(id, err);
        if (value) {
                obs_one.has_value = true;
                snprintf(obs_one.value, sizeof(obs_one.value), "%s", value);
        }
        r.ctx = ctx;
        return judge(id, &r);
}

#define PASS VERDICT_PASS
#define FAIL VERDICT_FAIL
#define UNVERIFIED VERDICT_UNVERIFIED

/* Each new errno probe: what the boundary gives (PASS), and what the kernel itself says when the
 * control removes the layer (FAIL) — the argument tricks make those differ. */
START_TEST(new_errno_probes)
{
        static const struct { const char *id; int pass, fail; } cases[] = {
                { "PR-USERNS-1", EPERM, 0 },
                { "PR-MOUNT-2", EPERM, EFAULT },
                { "PR-UMOUNT-1", EPERM, EINVAL },
                { "PR-CHROOT-1", EPERM, EFAULT },
                { "PR-SETNS-1", EPERM, EBADF },
                { "PR-PIVOT-1", EPERM, EFAULT },
                { "PR-TMP-EXEC", EACCES, 0 }, { "PR-TMP-EXEC", EPERM, ENOENT },
                { "PR-TMP-MMAP", EPERM, 0 },
                { "PR-EXE-1", EACCES, 0 }, { "PR-EXE-1", ETXTBSY, ENOENT },
                { "PR-SYS-1", ENOENT, 0 }, { "PR-SYS-1", EROFS, EACCES },
                { "PR-TIOCSTI-1", EPERM, 0 }, { "PR-TIOCSTI-1", ENOTTY, EBADF }, { "PR-TIOCSTI-2", EIO, 0 },
                { "PR-KEYCTL-1", EPERM, EOPNOTSUPP },
                { "PR-ADDKEY-1", EPERM, EFAULT },
                { "PR-BPF-1", EPERM, E2BIG },
                { "PR-PERF-1", EPERM, EINVAL },
                { "PR-IOURING-1", EPERM, EFAULT },
                { "PR-PTRACE-2", EPERM, ESRCH },
                { "PR-NET-3", EPERM, 0 },
                { "PR-I386-1", PROBE_ERR_KILLED(SIGSYS), 0 }, { "PR-I386-1", PROBE_ERR_KILLED(SIGSYS), ENOSYS },
                { "PR-X32-1", PROBE_ERR_KILLED(SIGSYS), ENOSYS }, { "PR-X32-1", PROBE_ERR_KILLED(SIGSYS), PROBE_ERR_KILLED(SIGKILL) },
                { "PR-CLONE3-1", ENOSYS, EINVAL }, { "PR-CLONE3-1", ENOSYS, EPERM }, { "PR-CLONE3-1", ENOSYS, EAGAIN },
                { "PR-EXEC-2", EPERM, 0 }, { "PR-EXEC-2", EPERM, PROBE_ERR_KILLED(SIGSYS) },
                /* seccomp or Landlock's scope (EPERM), the namespace (ECONNREFUSED); -1: no listener */
                { "PR-LL-SCOPE-1", EPERM, 0 }, { "PR-LL-SCOPE-1", ECONNREFUSED, ENOENT },
                { "PR-LL-SCOPE-1", ECONNREFUSED, EACCES },
                /* the pid namespace (ESRCH) or Landlock's signal scope (EPERM); 0: the signal reached
                 * the process outside; -1: no target, or it died during the run */
                { "PR-LL-SIGNAL-1", ESRCH, 0 }, { "PR-LL-SIGNAL-1", EPERM, EACCES },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                ck_assert_msg(judge_err(cases[i].id, cases[i].pass) == PASS, "%s %d", cases[i].id, cases[i].pass);
                ck_assert_msg(judge_err(cases[i].id, cases[i].fail) == FAIL, "%s %d", cases[i].id, cases[i].fail);
                ck_assert_msg(judge_err(cases[i].id, -1) == UNVERIFIED, "%s", cases[i].id);
        }
}
END_TEST

START_TEST(killed_label)
{
        char buf[48];
        ck_assert_str_eq(probe_errno_label(PROBE_ERR_KILLED(SIGSYS), buf, sizeof(buf)), "killed by SIGSYS(1031)");
        ck_assert_str_eq(probe_errno_label(PROBE_ERR_KILLED(SIGKILL), buf, sizeof(buf)), "killed by SIGKILL(1009)");
        ck_assert(!PROBE_ERR_IS_KILLED(EPERM) && !PROBE_ERR_IS_KILLED(PROBE_ERR_KILLED_BASE));
        ck_assert(PROBE_ERR_IS_KILLED(PROBE_ERR_KILLED(1)) && PROBE_ERR_IS_KILLED(PROBE_ERR_KILLED(64)));
        ck_assert_str_eq(probe_errno_label(ENOSYS, buf, sizeof(buf)), "ENOSYS(38)");
}
END_TEST

/* A value probe reported without a value (or not at all) is UNVERIFIED, whatever its errno. */
START_TEST(value_probes_need_a_value)
{
        for (size_t i = 0; i < probe_catalogue_len; i++) {
                const struct probe_def *d = &probe_catalogue[i];
                if (d->expect != EXPECT_VALUE)
                        continue;
                ck_assert_int_eq(judge_value(d->id, 0, NULL, &ctx_default), UNVERIFIED);
                ck_assert_int_eq(judge_value(d->id, EPERM, NULL, &ctx_default), UNVERIFIED);
                ck_assert_int_eq(judge_value(d->id, -1, NULL, &ctx_default), UNVERIFIED);
                ck_assert_int_eq(judge_value(d->id, 0, "", &ctx_default) == PASS, false); /* empty never passes */
        }
}
END_TEST

START_TEST(caps_and_bits)
{
        static const char *const caps[] = { "PR-CAP-INH", "PR-CAP-PRM", "PR-CAP-EFF", "PR-CAP-BND", "PR-CAP-AMB" };
        for (size_t i = 0; i < ELEMENTSOF(caps); i++) {
                ck_assert_int_eq(judge_value(caps[i], 0, "0000000000000000", NULL), PASS);
                ck_assert_int_eq(judge_value(caps[i], 0, "000001ffffffffff", NULL), FAIL);
                ck_assert_int_eq(judge_value(caps[i], 0, "0000000000000001", NULL), FAIL);
                ck_assert_int_eq(judge_value(caps[i], 0, "0000000020000000", NULL), FAIL); /* CAP_SYS_ADMIN alone */
                ck_assert_int_eq(judge_value(caps[i], 0, "0", NULL), UNVERIFIED);
                ck_assert_int_eq(judge_value(caps[i], 0, "000000000000000g", NULL), UNVERIFIED);
                ck_assert_int_eq(judge_value(caps[i], 0, "00000000000000000", NULL), UNVERIFIED);
        }
        ck_assert_int_eq(judge_value("PR-SECBITS", 0, "0xef", NULL), PASS);
        ck_assert_int_eq(judge_value("PR-SECBITS", 0, "0xff", NULL), PASS); /* keep_caps set too: fine */
        ck_assert_int_eq(judge_value("PR-SECBITS", 0, "0x0", NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-SECBITS", 0, "0x2f", NULL), FAIL);  /* ambient raise unlocked */
        ck_assert_int_eq(judge_value("PR-SECBITS", 0, "0xee", NULL), FAIL);  /* noroot not set */
        ck_assert_int_eq(judge_value("PR-SECBITS", 0, "0x15", NULL), FAIL);  /* set but nothing locked */
        ck_assert_int_eq(judge_value("PR-SECBITS", 0, "ef", NULL), UNVERIFIED);
        ck_assert_int_eq(judge_value("PR-SECBITS", 0, "0x", NULL), UNVERIFIED);
        ck_assert_int_eq(judge_value("PR-NNP-1", 0, "1", NULL), PASS);
        ck_assert_int_eq(judge_value("PR-NNP-1", 0, "0", NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-NNP-1", 0, "yes", NULL), UNVERIFIED);
}
END_TEST

START_TEST(seccomp_ids)
{
        ck_assert_int_eq(judge_value("PR-SECCOMP-MODE", 0, "mode=2 filters=2", NULL), PASS);
        ck_assert_int_eq(judge_value("PR-SECCOMP-MODE", 0, "mode=2 filters=5", NULL), PASS);
        ck_assert_int_eq(judge_value("PR-SECCOMP-MODE", 0, "mode=2 filters=1", NULL), FAIL); /* stage 1 only */
        ck_assert_int_eq(judge_value("PR-SECCOMP-MODE", 0, "mode=0 filters=0", NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-SECCOMP-MODE", 0, "mode=1 filters=0", NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-SECCOMP-MODE", 0, "mode=2", NULL), UNVERIFIED);
        ck_assert_int_eq(judge_value("PR-SECCOMP-MODE", 0, "mode=2 filters=-3", NULL), UNVERIFIED);

        const char *good = "uid=65532,65532,65532,65532 gid=65532,65532,65532,65532";
        ck_assert_int_eq(judge_value("PR-UID-1", 0, good, &ctx_default), PASS);
        ck_assert_int_eq(judge_value("PR-UID-1", 0, good, NULL), UNVERIFIED);
        ck_assert_int_eq(judge_value("PR-UID-1", 0, "uid=0,0,0,0 gid=0,0,0,0", &ctx_default), FAIL);
        ck_assert_int_eq(judge_value("PR-UID-1", 0, "uid=65532,0,65532,65532 gid=65532,65532,65532,65532", &ctx_default), FAIL);
        ck_assert_int_eq(judge_value("PR-UID-1", 0, "uid=65532,65532,65532,0 gid=65532,65532,65532,65532", &ctx_default), FAIL);
        ck_assert_int_eq(judge_value("PR-UID-1", 0, "uid=65532,65532,65532,65532 gid=65532,65532,0,65532", &ctx_default), FAIL);
        struct probe_context other = ctx_default;
        other.uid = other.gid = 1000;
        ck_assert_int_eq(judge_value("PR-UID-1", 0, good, &other), FAIL);
        ck_assert_int_eq(judge_value("PR-UID-1", 0, "uid=65532,65532,65532 gid=65532,65532,65532,65532", &ctx_default), UNVERIFIED);
        ck_assert_int_eq(judge_value("PR-UID-1", 0, "uid=65532,65532,65532,65532,1 gid=65532,65532,65532,65532", &ctx_default), UNVERIFIED);
}
END_TEST

START_TEST(views)
{
        /* pid namespace */
        ck_assert_int_eq(judge_value("PR-PIDNS-1", 0, "pid=2 pids=1,2 comm1=denybox", NULL), PASS);
        ck_assert_int_eq(judge_value("PR-PIDNS-1", 0, "pid=28766 pids=1,2,3 comm1=systemd", NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-PIDNS-1", 0, "pid=2 pids=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17 comm1=x", NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-PIDNS-1", 0, "pid=2 pids=1,2,... comm1=x", NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-PIDNS-1", 0, "pid=2 comm1=x", NULL), UNVERIFIED);
        ck_assert_int_eq(judge_value("PR-PIDNS-1", 0, "pid=2 pids=1,x comm1=x", NULL), UNVERIFIED);
        /* hostname */
        ck_assert_int_eq(judge_value("PR-HOSTNAME-1", 0, "denybox", &ctx_default), PASS);
        ck_assert_int_eq(judge_value("PR-HOSTNAME-1", 0, "vm", &ctx_default), FAIL);
        ck_assert_int_eq(judge_value("PR-HOSTNAME-1", 0, "denybox2", &ctx_default), FAIL);
        ck_assert_int_eq(judge_value("PR-HOSTNAME-1", 0, "denybox", NULL), UNVERIFIED);
        /* cgroup namespace */
        ck_assert_int_eq(judge_value("PR-CGROUPNS-1", 0, "0::/", NULL), PASS);
        ck_assert_int_eq(judge_value("PR-CGROUPNS-1", 0, "9:name=systemd:/\n4:memory:/\n0::/", NULL), PASS);
        ck_assert_int_eq(judge_value("PR-CGROUPNS-1", 0, "9:name=systemd:/\n4:memory:/process_api/41a8\n0::/", NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-CGROUPNS-1", 0, "8:pids:/denybox-28740\n0::/", NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-CGROUPNS-1", 0, "0::/..", NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-CGROUPNS-1", 0, "0::/\n...", NULL), UNVERIFIED);
        ck_assert_int_eq(judge_value("PR-CGROUPNS-1", 0, "garbage", NULL), UNVERIFIED);
        /* fds */
        ck_assert_int_eq(judge_value("PR-FD-1", 0, "0,1,2", NULL), PASS);
        ck_assert_int_eq(judge_value("PR-FD-1", 0, "0,1,2,3", NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-FD-1", 0, "0,1", NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-FD-1", 0, "0,1,2,...", NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-FD-1", 0, "zero", NULL), UNVERIFIED);
        /* /dev */
        ck_assert_int_eq(judge_value("PR-DEV-1", 0, PROBE_DEV_EXACT, NULL), PASS);
        ck_assert_int_eq(judge_value("PR-DEV-1", 0, "autofs:c " PROBE_DEV_EXACT, NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-DEV-1", 0, PROBE_DEV_EXACT " zz:c", NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-DEV-1", 0, PROBE_DEV_EXACT " ...", NULL), FAIL);
        char *m = replace(PROBE_DEV_EXACT, "null:c", "null:f"); /* a regular file, not the device */
        ck_assert_int_eq(judge_value("PR-DEV-1", 0, m, NULL), FAIL);
        free(m);
        m = replace(PROBE_DEV_EXACT, "tty:c ", "");
        ck_assert_int_eq(judge_value("PR-DEV-1", 0, m, NULL), FAIL);
        free(m);
        /* /proc masks */
        ck_assert_int_eq(judge_value("PR-PROC-MASK-1", 0, "kcore=null sys=ro", NULL), PASS);
        ck_assert_int_eq(judge_value("PR-PROC-MASK-1", 0, "kcore=absent sys=ro", NULL), PASS);
        ck_assert_int_eq(judge_value("PR-PROC-MASK-1", 0, "kcore=file sys=ro", NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-PROC-MASK-1", 0, "kcore=chr:1:5 sys=ro", NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-PROC-MASK-1", 0, "kcore=null sys=rw", NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-PROC-MASK-1", 0, "kcore=unreadable sys=ro", NULL), FAIL);
        ck_assert_int_eq(judge_value("PR-PROC-MASK-1", 0, "kcore=null", NULL), UNVERIFIED);
}
END_TEST

START_TEST(limits)
{
        ck_assert_int_eq(judge_value("PR-PIDS-1", EAGAIN, "forked=61 tried=65 err=11", &ctx_default), PASS);
        ck_assert_int_eq(judge_value("PR-PIDS-1", EAGAIN, "forked=0 tried=65 err=11", &ctx_default), PASS);
        ck_assert_int_eq(judge_value("PR-PIDS-1", 0, "forked=65 tried=65 err=0", &ctx_default), FAIL);
        ck_assert_int_eq(judge_value("PR-PIDS-1", EAGAIN, "forked=65 tried=100 err=11", &ctx_default), FAIL);
        ck_assert_int_eq(judge_value("PR-PIDS-1", ENOMEM, "forked=3 tried=65 err=12", &ctx_default), FAIL);
        ck_assert_int_eq(judge_value("PR-PIDS-1", 0, "forked=10 tried=10 err=0", &ctx_default), UNVERIFIED);
        ck_assert_int_eq(judge_value("PR-PIDS-1", EAGAIN, "forked=61 tried=65 err=11", NULL), UNVERIFIED);
        struct probe_context unset = ctx_default;
        unset.pids_limit = unset.memory = -1;
        ck_assert_int_eq(judge_value("PR-PIDS-1", EAGAIN, "forked=61 tried=65 err=11", &unset), UNVERIFIED);
        ck_assert_int_eq(judge_value("PR-PIDS-1", 0, "forked=61", &ctx_default), UNVERIFIED);

        char v[64];
        snprintf(v, sizeof(v), "bytes=%lld", ctx_default.memory + PROBE_MEM_EXTRA);
        ck_assert_int_eq(judge_value("PR-MEM-1", PROBE_ERR_KILLED(SIGKILL), v, &ctx_default), PASS);
        ck_assert_int_eq(judge_value("PR-MEM-1", ENOMEM, v, &ctx_default), PASS);
        ck_assert_int_eq(judge_value("PR-MEM-1", 0, v, &ctx_default), FAIL);
        ck_assert_int_eq(judge_value("PR-MEM-1", PROBE_ERR_KILLED(SIGSEGV), v, &ctx_default), FAIL);
        ck_assert_int_eq(judge_value("PR-MEM-1", EPERM, v, &ctx_default), FAIL);
        ck_assert_int_eq(judge_value("PR-MEM-1", -1, v, &ctx_default), UNVERIFIED);
        ck_assert_int_eq(judge_value("PR-MEM-1", ENOMEM, v, NULL), UNVERIFIED);
        ck_assert_int_eq(judge_value("PR-MEM-1", ENOMEM, v, &unset), UNVERIFIED);
        ck_assert_int_eq(judge_value("PR-MEM-1", ENOMEM, "bytes=1000", &ctx_default), UNVERIFIED); /* too little tried */
        ck_assert_int_eq(judge_value("PR-MEM-1", ENOMEM, "bytes=", &ctx_default), UNVERIFIED);

        /* PR-MEM-2: a memfd past the limit; written in full means not held, whatever the mechanism */
        ck_assert_int_eq(judge_value("PR-MEM-2", PROBE_ERR_KILLED(SIGKILL), v, &ctx_default), PASS);
        ck_assert_int_eq(judge_value("PR-MEM-2", ENOMEM, v, &ctx_default), PASS);
        ck_assert_int_eq(judge_value("PR-MEM-2", ENOSPC, v, &ctx_default), PASS);
        ck_assert_int_eq(judge_value("PR-MEM-2", 0, v, &ctx_default), FAIL);
        ck_assert_int_eq(judge_value("PR-MEM-2", EPERM, v, &ctx_default), FAIL);
        ck_assert_int_eq(judge_value("PR-MEM-2", -1, v, &ctx_default), UNVERIFIED);
        ck_assert_int_eq(judge_value("PR-MEM-2", ENOMEM, v, &unset), UNVERIFIED);
        ck_assert_int_eq(judge_value("PR-MEM-2", ENOMEM, "bytes=1000", &ctx_default), UNVERIFIED);
        struct probe_context as_only = ctx_default;
        as_only.memory_mechanism = "rlimit (RLIMIT_AS: address space only)";
        struct probe_report r = report_one("PR-MEM-2", 0);
        obs_one.has_value = true;
        snprintf(obs_one.value, sizeof(obs_one.value), "%s", v);
        r.ctx = &as_only;
        char why[256];
        ck_assert_int_eq(probe_adjudicate(probe_catalogue_find("PR-MEM-2"), &r, why, sizeof(why)), FAIL);
        ck_assert_msg(strstr(why, "address space only"), "%s", why);
}
END_TEST

START_TEST(env_exact)
{
        struct probe_report r = report_one("PR-ENV-2", 0);
        ck_assert_int_eq(judge("PR-ENV-2", &r), UNVERIFIED); /* raw missing */
        char *good[] = { "HOME", "HOSTNAME", "LANG", "PATH" };
        r.env_keys = good;
        r.n_env_keys = 4;
        ck_assert_int_eq(judge("PR-ENV-2", &r), PASS);
        r.n_env_keys = 3; /* PATH missing */
        ck_assert_int_eq(judge("PR-ENV-2", &r), FAIL);
        char *extra[] = { "HOME", "HOSTNAME", "LANG", "PATH", "TERM" };
        r.env_keys = extra;
        r.n_env_keys = 5;
        ck_assert_int_eq(judge("PR-ENV-2", &r), FAIL); /* TERM passes PR-ENV-1, not PR-ENV-2 */
        char *dup[] = { "HOME", "HOME", "LANG", "PATH" };
        r.env_keys = dup;
        r.n_env_keys = 4;
        ck_assert_int_eq(judge("PR-ENV-2", &r), FAIL);
        char *none[1] = { NULL };
        r.env_keys = none;
        r.n_env_keys = 0;
        ck_assert_int_eq(judge("PR-ENV-2", &r), FAIL);
        r.env_keys = good;
        r.n_env_keys = 4;
        obs_one.err = E2BIG;
        ck_assert_int_eq(judge("PR-ENV-2", &r), UNVERIFIED);
}
END_TEST


/* docs/CONTROLS.md is committed text: it must hold a row for every probe, with its control. */
START_TEST(controls_doc_in_step)
{
        char path[4096], *doc;
        snprintf(path, sizeof(path), "%s/docs/CONTROLS.md", SRCDIR);
        FILE *f = fopen(path, "r");
        ck_assert_msg(f != NULL, "cannot open %s", path);
        doc = calloc(1, 1 << 20);
        ck_assert_ptr_nonnull(doc);
        size_t n = fread(doc, 1, (1 << 20) - 1, f);
        fclose(f);
        ck_assert_uint_gt(n, 0);
        for (size_t i = 0; i < probe_catalogue_len; i++) {
                const struct probe_def *d = &probe_catalogue[i];
                char head[64], ctl[160];
                snprintf(head, sizeof(head), "\n| %s | ", d->id);
                snprintf(ctl, sizeof(ctl), " | `%s` | ", d->control);
                const char *row = strstr(doc, head);
                ck_assert_msg(row != NULL, "docs/CONTROLS.md has no row for %s", d->id);
                const char *end = strchr(row + 1, '\n');
                const char *c = strstr(row, ctl);
                ck_assert_msg(c && (!end || c < end), "docs/CONTROLS.md: %s's control is not `%s`", d->id, d->control);
        }
        free(doc);
}
END_TEST

/* PR-STDIO-1: adjudicated against the inodes of the launcher's own pipes (the context). */
START_TEST(stdio_pipes)
{
        struct probe_context ctx = ctx_default;
        ctx.stdio_ino[0] = 11;
        ctx.stdio_ino[1] = 12;
        ctx.stdio_ino[2] = 13;
        ck_assert_int_eq(judge_value("PR-STDIO-1", 0, "0=fifo:11 1=fifo:12 2=fifo:13", &ctx), PASS);
        /* the caller's /dev/null or terminal as 0, the caller's pipe as 2 */
        ck_assert_int_eq(judge_value("PR-STDIO-1", 0, "0=chr:5 1=fifo:12 2=fifo:13", &ctx), FAIL);
        ck_assert_int_eq(judge_value("PR-STDIO-1", 0, "0=fifo:11 1=fifo:12 2=fifo:99", &ctx), FAIL);
        ck_assert_int_eq(judge_value("PR-STDIO-1", 0, "0=reg:11 1=fifo:12 2=fifo:13", &ctx), FAIL);
        /* malformed, or the launcher did not say what its pipes are: never a PASS */
        ck_assert_int_eq(judge_value("PR-STDIO-1", 0, "0=fifo:11 1=fifo:12", &ctx), UNVERIFIED);
        ck_assert_int_eq(judge_value("PR-STDIO-1", 0, "garbage", &ctx), UNVERIFIED);
        ck_assert_int_eq(judge_value("PR-STDIO-1", 0, "0=fifo:11 1=fifo:12 2=fifo:13", &ctx_default), UNVERIFIED);
}
END_TEST

static Suite *probes_suite(void)
{
        Suite *s = suite_create("probes");
        struct { const char *name; const TTest *tests[12]; } cases[] = {
                { "adjudicate", { catalogue_grows_from_the_seeds, seed_expectations_unchanged, controls_parse,
                                  exec_is_eperm_only, errno_probes, success_probe, missing_is_unverified_never_pass,
                                  check_probes, names } },
                { "growth", { new_errno_probes, killed_label, value_probes_need_a_value, caps_and_bits, seccomp_ids,
                              views, limits, env_exact, controls_doc_in_step } },
                { "checks", { net_dev, env_keys, mounts_good, mounts_bad, mounts_stray } },
                { "stdio", { stdio_pipes } },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                TCase *tc = tcase_create(cases[i].name);
                tcase_set_timeout(tc, 60);
                for (size_t t = 0; t < ELEMENTSOF(cases[i].tests) && cases[i].tests[t]; t++)
                        tcase_add_test(tc, cases[i].tests[t]);
                suite_add_tcase(s, tc);
        }
        return s;
}

int main(void)
{
        return run_suite_tap(probes_suite());
}
