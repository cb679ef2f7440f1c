/* SPDX-License-Identifier: MIT */
/* The EXPECT_VALUE checks: each reads one observation's "value" (raw text the probe saw, in the
 * format its comment gives) and, where the expectation is what the launcher configured, the
 * context.  Pure: no I/O.  A value that cannot be parsed is UNVERIFIED (never PASS); a context a
 * check needs but does not have is UNVERIFIED too. */
#include "catalogue.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The probe ends a value it had to cut with this mark. */
#define TRUNCATED_MARK "..."

static enum verdict say(enum verdict v, char *why, size_t why_size, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static enum verdict say(enum verdict v, char *why, size_t why_size, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_size, fmt, ap);
        va_end(ap);
        return v;
}

/* The text of key=TEXT in a space-separated "k=v k2=v2" value, into out; false if absent. */
static bool kv_get(const char *value, const char *key, char *out, size_t size)
{
        size_t kl = strlen(key);
        for (const char *p = value; p && *p;) {
                size_t len = strcspn(p, " ");
                if (len > kl && memcmp(p, key, kl) == 0 && p[kl] == '=') {
                        snprintf(out, size, "%.*s", (int) (len - kl - 1), p + kl + 1);
                        return true;
                }
                p += len;
                p += *p == ' ';
        }
        return false;
}

/* A whole decimal number (no sign unless allow_neg, no trailing text). */
static bool parse_ll(const char *s, bool allow_neg, long long *ret)
{
        char *end;
        if (!s || !*s || (!allow_neg && *s == '-') || *s == '+' || *s == ' ')
                return false;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (errno || *end)
                return false;
        *ret = v;
        return true;
}

static bool kv_ll(const char *value, const char *key, long long *ret)
{
        char buf[32];
        return kv_get(value, key, buf, sizeof(buf)) && parse_ll(buf, false, ret);
}

/* ---- credentials ------------------------------------------------------------------------------ */

/* PR-CAP-*: the 16 hex digits of one Cap* line of /proc/self/status. */
enum verdict probe_value_caps_zero(const struct probe_observation *o, const struct probe_context *ctx, char *why,
                                   size_t why_size)
{
        (void) ctx;
        const char *v = o->value;
        if (strlen(v) != 16 || strspn(v, "0123456789abcdefABCDEF") != 16)
                return say(VERDICT_UNVERIFIED, why, why_size, "malformed capability mask '%.40s'", v);
        if (strspn(v, "0") != 16)
                return say(VERDICT_FAIL, why, why_size, "capability set %s is not empty", v);
        return say(VERDICT_PASS, why, why_size, "capability set empty (%s)", v);
}

/* PR-SECBITS: "0x..." as prctl(PR_GET_SECUREBITS) returned it. */
enum verdict probe_value_securebits(const struct probe_observation *o, const struct probe_context *ctx, char *why,
                                    size_t why_size)
{
        (void) ctx;
        char *end;
        errno = 0;
        unsigned long bits = strncmp(o->value, "0x", 2) == 0 ? strtoul(o->value + 2, &end, 16) : 0;
        if (strncmp(o->value, "0x", 2) != 0 || !o->value[2] || errno || *end)
                return say(VERDICT_UNVERIFIED, why, why_size, "malformed securebits '%.40s'", o->value);
        if ((bits & PROBE_SECUREBITS_REQUIRED) != PROBE_SECUREBITS_REQUIRED)
                return say(VERDICT_FAIL, why, why_size, "securebits 0x%lx lack 0x%lx of the locked set 0x%x", bits,
                           PROBE_SECUREBITS_REQUIRED & ~bits, PROBE_SECUREBITS_REQUIRED);
        return say(VERDICT_PASS, why, why_size, "securebits 0x%lx: noroot, no_setuid_fixup, no_cap_ambient_raise "
                   "set and locked, keep_caps locked", bits);
}

/* PR-NNP-1: the NoNewPrivs line's value. */
enum verdict probe_value_nnp(const struct probe_observation *o, const struct probe_context *ctx, char *why,
                             size_t why_size)
{
        (void) ctx;
        if (strcmp(o->value, "1") == 0)
                return say(VERDICT_PASS, why, why_size, "NoNewPrivs: 1");
        if (strcmp(o->value, "0") == 0)
                return say(VERDICT_FAIL, why, why_size, "NoNewPrivs: 0, expected 1");
        return say(VERDICT_UNVERIFIED, why, why_size, "malformed NoNewPrivs '%.40s'", o->value);
}

/* PR-SECCOMP-MODE: "mode=M filters=N". */
enum verdict probe_value_seccomp_mode(const struct probe_observation *o, const struct probe_context *ctx,
                                      char *why, size_t why_size)
{
        (void) ctx;
        long long mode, filters;
        if (!kv_ll(o->value, "mode", &mode) || !kv_ll(o->value, "filters", &filters))
                return say(VERDICT_UNVERIFIED, why, why_size, "malformed seccomp value '%.60s'", o->value);
        if (mode != 2)
                return say(VERDICT_FAIL, why, why_size, "Seccomp: %lld, expected 2 (filter)", mode);
        if (filters < 2)
                return say(VERDICT_FAIL, why, why_size, "Seccomp_filters: %lld, expected >= 2 (exec-notify + profile)",
                           filters);
        return say(VERDICT_PASS, why, why_size, "Seccomp: 2, Seccomp_filters: %lld", filters);
}

/* "a,b,c,d" into four ids. */
static bool parse_quad(const char *s, long long id[4])
{
        char buf[96], *save = NULL, *tok;
        size_t n = 0;
        snprintf(buf, sizeof(buf), "%s", s);
        for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                if (n == 4 || !parse_ll(tok, false, &id[n]))
                        return false;
                n++;
        }
        return n == 4;
}

/* PR-UID-1: "uid=R,E,S,FS gid=R,E,S,FS" from /proc/self/status. */
enum verdict probe_value_ids(const struct probe_observation *o, const struct probe_context *ctx, char *why,
                             size_t why_size)
{
        char u[96], g[96];
        long long uid[4], gid[4];
        if (!kv_get(o->value, "uid", u, sizeof(u)) || !kv_get(o->value, "gid", g, sizeof(g)) || !parse_quad(u, uid) ||
            !parse_quad(g, gid))
                return say(VERDICT_UNVERIFIED, why, why_size, "malformed ids '%.80s'", o->value);
        if (!ctx)
                return say(VERDICT_UNVERIFIED, why, why_size, "no configured uid/gid to compare with (uid=%s gid=%s)",
                           u, g);
        for (size_t i = 0; i < 4; i++)
                if (uid[i] != ctx->uid || gid[i] != ctx->gid)
                        return say(VERDICT_FAIL, why, why_size, "uid=%s gid=%s, expected %u and %u throughout", u, g,
                                   ctx->uid, ctx->gid);
        return say(VERDICT_PASS, why, why_size, "uid %u, gid %u (real, effective, saved, fs)", ctx->uid, ctx->gid);
}

/* ---- namespaces and views --------------------------------------------------------------------- */

#define PIDNS_MAX 16

/* PR-PIDNS-1: "pid=P pids=1,2[,...][,...] comm1=NAME" (pids ends with ",..." when cut). */
enum verdict probe_value_pidns(const struct probe_observation *o, const struct probe_context *ctx, char *why,
                               size_t why_size)
{
        (void) ctx;
        char pids[sizeof(o->value)], *save = NULL;
        long long pid, n = 0;
        if (!kv_ll(o->value, "pid", &pid) || !kv_get(o->value, "pids", pids, sizeof(pids)))
                return say(VERDICT_UNVERIFIED, why, why_size, "malformed pid view '%.80s'", o->value);
        if (pid < 1 || pid > PIDNS_MAX)
                return say(VERDICT_FAIL, why, why_size, "own pid %lld: not a pid namespace of its own (expected <= %d)",
                           pid, PIDNS_MAX);
        for (char *t = strtok_r(pids, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                long long p;
                if (strcmp(t, TRUNCATED_MARK) == 0 || ++n > PIDNS_MAX)
                        return say(VERDICT_FAIL, why, why_size, "more than %d pids visible in /proc", PIDNS_MAX);
                if (!parse_ll(t, false, &p))
                        return say(VERDICT_UNVERIFIED, why, why_size, "malformed pid '%.20s'", t);
        }
        if (n == 0)
                return say(VERDICT_UNVERIFIED, why, why_size, "no pid listed in /proc");
        return say(VERDICT_PASS, why, why_size, "own pid %lld, %lld pids visible (%.200s)", pid, n, o->value);
}

/* PR-HOSTNAME-1: the nodename. */
enum verdict probe_value_hostname(const struct probe_observation *o, const struct probe_context *ctx, char *why,
                                  size_t why_size)
{
        if (!ctx || !ctx->hostname)
                return say(VERDICT_UNVERIFIED, why, why_size, "no configured hostname to compare '%.64s' with", o->value);
        if (strcmp(o->value, ctx->hostname) != 0)
                return say(VERDICT_FAIL, why, why_size, "hostname '%.64s', expected '%.64s'", o->value, ctx->hostname);
        return say(VERDICT_PASS, why, why_size, "hostname '%s'", o->value);
}

/* PR-CGROUPNS-1: /proc/self/cgroup as read ("ID:CONTROLLERS:PATH" lines; "..." when cut). */
enum verdict probe_value_cgroupns(const struct probe_observation *o, const struct probe_context *ctx, char *why,
                                  size_t why_size)
{
        (void) ctx;
        const char *p = o->value;
        size_t n = 0;
        while (*p) {
                size_t len = strcspn(p, "\n");
                const char *c1 = memchr(p, ':', len), *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t) (c1 + 1 - p)) : NULL;
                if (len == strlen(TRUNCATED_MARK) && memcmp(p, TRUNCATED_MARK, len) == 0)
                        return say(VERDICT_UNVERIFIED, why, why_size, "/proc/self/cgroup cut after %zu lines, all \"/\"", n);
                if (!c2)
                        return say(VERDICT_UNVERIFIED, why, why_size, "malformed cgroup line '%.*s'", len > 80 ? 80 : (int) len, p);
                size_t plen = len - (size_t) (c2 + 1 - p);
                if (plen != 1 || c2[1] != '/')
                        return say(VERDICT_FAIL, why, why_size, "cgroup '%.*s' is not \"/\": no cgroup namespace of its own",
                                   len > 200 ? 200 : (int) len, p);
                n++;
                p += len;
                p += *p == '\n';
        }
        if (n == 0)
                return say(VERDICT_UNVERIFIED, why, why_size, "/proc/self/cgroup was empty");
        return say(VERDICT_PASS, why, why_size, "%zu hierarchies, every path \"/\"", n);
}

/* PR-FD-1: the open fds, "0,1,2". */
enum verdict probe_value_fds(const struct probe_observation *o, const struct probe_context *ctx, char *why,
                             size_t why_size)
{
        (void) ctx;
        if (strspn(o->value, "0123456789,.") != strlen(o->value) || !o->value[0])
                return say(VERDICT_UNVERIFIED, why, why_size, "malformed fd list '%.60s'", o->value);
        if (strcmp(o->value, "0,1,2") != 0)
                return say(VERDICT_FAIL, why, why_size, "open fds {%.200s}, expected exactly {0,1,2}", o->value);
        return say(VERDICT_PASS, why, why_size, "open fds == {0,1,2}");
}

/* PR-DEV-1: "name:T name:T ..." sorted by name, T c (char device), b, l (symlink), d, f, s, p, ?. */
enum verdict probe_value_dev(const struct probe_observation *o, const struct probe_context *ctx, char *why,
                             size_t why_size)
{
        (void) ctx;
        if (!o->value[0])
                return say(VERDICT_FAIL, why, why_size, "/dev is empty, expected {" PROBE_DEV_EXACT "}");
        if (strcmp(o->value, PROBE_DEV_EXACT) != 0)
                return say(VERDICT_FAIL, why, why_size, "/dev holds {%.300s}, expected {" PROBE_DEV_EXACT "}", o->value);
        return say(VERDICT_PASS, why, why_size, "/dev == {" PROBE_DEV_EXACT "}");
}

/* PR-PROC-MASK-1: "kcore=absent|null|chr:MAJ:MIN|other sys=ro|rw|absent". */
enum verdict probe_value_proc_mask(const struct probe_observation *o, const struct probe_context *ctx, char *why,
                                   size_t why_size)
{
        (void) ctx;
        char kcore[32], sys[32];
        if (!kv_get(o->value, "kcore", kcore, sizeof(kcore)) || !kv_get(o->value, "sys", sys, sizeof(sys)))
                return say(VERDICT_UNVERIFIED, why, why_size, "malformed /proc view '%.80s'", o->value);
        if (strcmp(kcore, "absent") != 0 && strcmp(kcore, "null") != 0)
                return say(VERDICT_FAIL, why, why_size, "/proc/kcore is %s, not masked by the null device", kcore);
        if (strcmp(sys, "ro") != 0 && strcmp(sys, "absent") != 0)
                return say(VERDICT_FAIL, why, why_size, "/proc/sys is %s, expected read-only", sys);
        return say(VERDICT_PASS, why, why_size, "/proc/kcore %s, /proc/sys %s", kcore, sys);
}

/* ---- limits ------------------------------------------------------------------------------------ */

/* PR-PIDS-1: "forked=N tried=T err=E" — N children forked before fork failed with E (0: never). */
enum verdict probe_value_pids(const struct probe_observation *o, const struct probe_context *ctx, char *why,
                              size_t why_size)
{
        long long forked, tried, e;
        char got[48];
        if (!kv_ll(o->value, "forked", &forked) || !kv_ll(o->value, "tried", &tried) || !kv_ll(o->value, "err", &e) ||
            e > 4095)
                return say(VERDICT_UNVERIFIED, why, why_size, "malformed fork count '%.80s'", o->value);
        if (!ctx || ctx->pids_limit <= 0)
                return say(VERDICT_UNVERIFIED, why, why_size, "no pids limit configured to check (%s)", o->value);
        probe_errno_label((int) e, got, sizeof(got));
        if (e == 0 && tried <= ctx->pids_limit)
                return say(VERDICT_UNVERIFIED, why, why_size, "the probe tried only %lld forks, limit %lld", tried,
                           ctx->pids_limit);
        if (e == 0 || forked > ctx->pids_limit)
                return say(VERDICT_FAIL, why, why_size, "%lld children forked, limit %lld", forked, ctx->pids_limit);
        if (e != EAGAIN)
                return say(VERDICT_FAIL, why, why_size, "fork failed with %s after %lld children, expected EAGAIN(11)",
                           got, forked);
        return say(VERDICT_PASS, why, why_size, "fork failed with EAGAIN(11) after %lld children (limit %lld)", forked,
                   ctx->pids_limit);
}

/* PR-MEM-1: "bytes=N" touched in a child; o->err is the outcome (ENOMEM, PROBE_ERR_KILLED(9), 0). */
enum verdict probe_value_memory(const struct probe_observation *o, const struct probe_context *ctx, char *why,
                                size_t why_size)
{
        long long bytes;
        char got[48];
        if (!kv_ll(o->value, "bytes", &bytes))
                return say(VERDICT_UNVERIFIED, why, why_size, "malformed memory value '%.80s'", o->value);
        if (!ctx || ctx->memory <= 0)
                return say(VERDICT_UNVERIFIED, why, why_size, "no memory limit configured to check (%s)", o->value);
        if (bytes < ctx->memory + PROBE_MEM_EXTRA)
                return say(VERDICT_UNVERIFIED, why, why_size, "the probe touched only %lld bytes, limit %lld", bytes,
                           ctx->memory);
        probe_errno_label(o->err, got, sizeof(got));
        if (o->err < 0)
                return say(VERDICT_UNVERIFIED, why, why_size, "no outcome observed for %lld bytes", bytes);
        if (o->err == 0)
                return say(VERDICT_FAIL, why, why_size, "%lld bytes touched, over the limit of %lld", bytes, ctx->memory);
        if (o->err != ENOMEM && o->err != PROBE_ERR_KILLED(SIGKILL))
                return say(VERDICT_FAIL, why, why_size, "%s touching %lld bytes, expected ENOMEM(12) or SIGKILL", got,
                           bytes);
        return say(VERDICT_PASS, why, why_size, "%s touching %lld bytes (limit %lld)", got, bytes, ctx->memory);
}
