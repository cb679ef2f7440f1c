/* SPDX-License-Identifier: MIT */
/* Moby's includes/excludes: which rules of a profile apply to a denybox sandbox on this host.
 * Parsed from the JSON like the rest of the profile (strictly: unknown keys are errors), and
 * evaluated for a sandbox that holds no capabilities, on amd64, on the host's kernel. */
#include "conditions.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Moby's KernelVersion.UnmarshalJSON: "<major>.<minor>", each a uint8, not "0.0"; "" = absent. */
static int parse_min_kernel(yajl_val v, const char *path, struct profile_cond *c, struct dbx_error *err)
{
        char q[72];
        if (!YAJL_IS_STRING(v))
                return dbx_error_set_path(err, EINVAL, path, "invalid kernel version: expected a string \"<major>.<minor>\", got %s",
                                          json_type_name(v));
        const char *s = v->u.string;
        if (!s[0])
                return 0;
        size_t a = strspn(s, "0123456789"), b = a < strlen(s) && s[a] == '.' ? strspn(s + a + 1, "0123456789") : 0;
        if (a == 0 || a > 3 || s[a] != '.' || b == 0 || b > 3 || s[a + 1 + b] != 0)
                return dbx_error_set_path(err, EINVAL, path, "invalid kernel version %s, expected \"<major>.<minor>\"", profile_quote(s, q));
        unsigned long major = strtoul(s, NULL, 10), minor = strtoul(s + a + 1, NULL, 10);
        if (major > 255 || minor > 255 || (major == 0 && minor == 0))
                return dbx_error_set_path(err, EINVAL, path, "invalid kernel version %s", profile_quote(s, q));
        c->has_min_kernel = true;
        c->min_kernel_major = (unsigned)major;
        c->min_kernel_minor = (unsigned)minor;
        return 0;
}

int profile_cond_parse(yajl_val v, const char *path, struct profile_cond *c, struct dbx_error *err)
{
        static const char *const keys[] = { "caps", "arches", "minKernel", NULL };
        char p[160];
        int r;
        if ((r = json_check_keys(v, path, keys, err)) < 0)   /* also: an object */
                return r;
        yajl_val x;
        json_path_fmt(p, sizeof(p), "%s.caps", path);
        if ((x = json_member(v, "caps")) && (r = json_get_strings(x, p, true, NULL, 0, &c->caps, &c->n_caps, err)) < 0)
                return r;
        json_path_fmt(p, sizeof(p), "%s.arches", path);
        if ((x = json_member(v, "arches")) && (r = json_get_strings(x, p, true, NULL, 0, &c->arches, &c->n_arches, err)) < 0)
                return r;
        json_path_fmt(p, sizeof(p), "%s.minKernel", path);
        if ((x = json_member(v, "minKernel")) && (r = parse_min_kernel(x, p, c, err)) < 0)
                return r;
        return 0;
}

void profile_cond_free(struct profile_cond *c)
{
        strv_free(c->arches, c->n_arches);
        strv_free(c->caps, c->n_caps);
}

#define NATIVE_GOARCH "amd64"

static bool has_string(char **v, size_t n, const char *s)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(v[i], s) == 0)
                        return true;
        return false;
}

static bool kernel_at_least(const struct filter_host *h, unsigned major, unsigned minor)
{
        return h->kernel_major > major || (h->kernel_major == major && h->kernel_minor >= minor);
}

/* moby/profiles seccomp_linux.go setupSeccomp(), with an empty capability bounding set (denybox
 * drops every capability) and runtime.GOARCH = amd64:
 *   excludes.arches has amd64 -> skip; excludes.caps: never matches (no caps held);
 *   excludes.minKernel <= host -> skip; includes.arches non-empty without amd64 -> skip;
 *   includes.caps non-empty -> skip (every listed cap is required and none is held);
 *   includes.minKernel > host -> skip. */
bool profile_syscall_applies(const struct profile_syscall *s, const struct filter_host *host)
{
        if (has_string(s->excludes.arches, s->excludes.n_arches, NATIVE_GOARCH))
                return false;
        if (s->excludes.has_min_kernel && kernel_at_least(host, s->excludes.min_kernel_major, s->excludes.min_kernel_minor))
                return false;
        if (s->includes.n_arches && !has_string(s->includes.arches, s->includes.n_arches, NATIVE_GOARCH))
                return false;
        if (s->includes.n_caps)
                return false;
        if (s->includes.has_min_kernel && !kernel_at_least(host, s->includes.min_kernel_major, s->includes.min_kernel_minor))
                return false;
        return true;
}
