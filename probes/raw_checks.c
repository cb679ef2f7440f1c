/* SPDX-License-Identifier: MIT */
/* The pure checks over the probe's raw report: PR-NET-2 (/proc/net/dev), PR-ENV-1 and PR-ENV-2
 * (the environment key set), PR-MOUNT-1 (the mount table).  No I/O: the static probe binary links
 * this file too. */
#include "catalogue.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- line helpers (shared by the checks) -------------------------------------------------- */

/* The raw text called name was reported, complete: false, with why, when it is missing or its last
 * line has no newline (the probe cut it). */
static bool raw_text_whole(const char *text, const char *name, char *why, size_t why_size)
{
        size_t len = text ? strlen(text) : 0;
        if (!text)
                snprintf(why, why_size, "raw %s not reported", name);
        else if (len > 0 && text[len - 1] != '\n')
                snprintf(why, why_size, "%s truncated (last line has no newline)", name);
        else
                return true;
        return false;
}

/* Next line of text at *p (without its '\n'); false at the end. */
static bool next_line(const char **p, const char **line, size_t *len)
{
        if (!**p)
                return false;
        const char *nl = strchr(*p, '\n');
        *line = *p;
        *len = nl ? (size_t) (nl - *p) : strlen(*p);
        *p = nl ? nl + 1 : *p + *len;
        return true;
}

/* ---- PR-NET-2: /proc/net/dev lists lo and nothing else ------------------------------------- */

bool probe_check_net_dev_lo_only(const struct probe_report *r, char *why, size_t why_size)
{
        const char *p = r ? r->proc_net_dev : NULL, *line;
        size_t len, n = 0;
        bool lo = false;

        if (!raw_text_whole(p, "proc_net_dev", why, why_size))
                return false;
        while (next_line(&p, &line, &len)) {
                if (n++ < 2) { /* the two header lines */
                        const char *head = n == 1 ? "Inter-|" : " face |";
                        if (len < strlen(head) || memcmp(line, head, strlen(head)) != 0) {
                                snprintf(why, why_size, "proc_net_dev line %zu is not a header", n);
                                return false;
                        }
                        continue;
                }
                while (len > 0 && (*line == ' ' || *line == '\t'))
                        line++, len--;
                const char *colon = memchr(line, ':', len);
                if (!colon) {
                        snprintf(why, why_size, "proc_net_dev line %zu has no interface name", n);
                        return false;
                }
                int name_len = (int) (colon - line);
                if (name_len != 2 || memcmp(line, "lo", 2) != 0) {
                        snprintf(why, why_size, "interface '%.*s' present besides lo", name_len > 64 ? 64 : name_len,
                                 line);
                        return false;
                }
                lo = true;
        }
        if (!lo) {
                snprintf(why, why_size, "no interface listed (not even lo): proc_net_dev malformed");
                return false;
        }
        snprintf(why, why_size, "interfaces == [lo]");
        return true;
}

/* ---- PR-ENV-1: no secret-looking key in the environment ------------------------------------ */

#define ENV_SECRET_RE "(token|secret|password|passwd|_dsn|conn|^pg|^kb|api[_-]?key)"

bool probe_check_env_no_secrets(const struct probe_report *r, char *why, size_t why_size)
{
        regex_t re;
        size_t off = 0;
        bool ok = true;

        if (!r || !r->env_keys) {
                snprintf(why, why_size, "raw env_keyset not reported");
                return false;
        }
        if (regcomp(&re, ENV_SECRET_RE, REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0) {
                snprintf(why, why_size, "internal error: cannot compile " ENV_SECRET_RE);
                return false;
        }
        for (size_t i = 0; i < r->n_env_keys && ok; i++) {
                const char *k = r->env_keys[i] ? r->env_keys[i] : "";
                if (regexec(&re, k, 0, NULL, 0) == 0) {
                        snprintf(why, why_size, "env key '%.128s' matches (?i)" ENV_SECRET_RE, k);
                        ok = false;
                }
        }
        regfree(&re);
        if (!ok)
                return false;
        off = (size_t) snprintf(why, why_size, "%zu keys, none secret-like: {", r->n_env_keys);
        for (size_t i = 0; i < r->n_env_keys && off < why_size; i++)
                off += (size_t) snprintf(why + off, why_size - off, "%s%s", i ? "," : "", r->env_keys[i]);
        if (off < why_size)
                snprintf(why + off, why_size - off, "}");
        return true;
}

/* ---- PR-ENV-2: the key set is exactly the scrubbed one ----------------------------------------- */

bool probe_check_env_exact(const struct probe_report *r, char *why, size_t why_size)
{
        static const char *const want[] = { "HOME", "HOSTNAME", "LANG", "PATH" }; /* PROBE_ENV_EXACT */
        size_t found = 0;

        if (!r || !r->env_keys) {
                snprintf(why, why_size, "raw env_keyset not reported");
                return false;
        }
        for (size_t i = 0; i < r->n_env_keys; i++) {
                const char *k = r->env_keys[i] ? r->env_keys[i] : "";
                bool known = false;
                for (size_t w = 0; w < ELEMENTSOF(want); w++)
                        known |= strcmp(k, want[w]) == 0;
                if (!known) {
                        snprintf(why, why_size, "env key '%.128s' is not one of {" PROBE_ENV_EXACT "}", k);
                        return false;
                }
                for (size_t j = 0; j < i; j++)
                        if (r->env_keys[j] && strcmp(r->env_keys[j], k) == 0) {
                                snprintf(why, why_size, "env key '%s' appears twice", k);
                                return false;
                        }
                found++;
        }
        if (found != ELEMENTSOF(want)) {
                snprintf(why, why_size, "%zu of the keys {" PROBE_ENV_EXACT "} present, expected all", found);
                return false;
        }
        snprintf(why, why_size, "env keys == {" PROBE_ENV_EXACT "}");
        return true;
}

/* ---- PR-MOUNT-1: the mount table is exactly the plan ---------------------------------------- */

enum {
        MF_RO = 1u << 0,     /* per-mount ro (field 6) */
        MF_NOSUID = 1u << 1,
        MF_NODEV = 1u << 2,
        MF_NOEXEC = 1u << 3,
        MF_SB_RO = 1u << 4,  /* superblock ro (super options) */
        MF_HAS_RW = 1u << 5, /* field 6 said ro or rw at all */
};

static const struct {
        const char *name;
        unsigned flag;
} mount_opts[] = {
        { "ro", MF_RO | MF_HAS_RW }, { "rw", MF_HAS_RW },
        { "nosuid", MF_NOSUID }, { "nodev", MF_NODEV }, { "noexec", MF_NOEXEC },
};

struct mount_entry {
        char point[4096]; /* mount point, octal escapes decoded */
        char fstype[64];
        unsigned flags;
};

static bool is_writable(const struct mount_entry *m)
{
        return !(m->flags & (MF_RO | MF_SB_RO));
}

enum write_policy { MUST_BE_RO, MAY_BE_RW, MUST_BE_RW };

/* The plan, as a table.  First match wins; a mount no rule matches must be read-only. */
static const struct mount_rule {
        const char *point;
        bool subtree;        /* also every mount below point */
        const char *fstype;  /* NULL: any */
        unsigned need;       /* MF_* every such mount must carry */
        enum write_policy write;
        bool required;       /* a mount at exactly point must exist */
} mount_rules[] = {
        { "/", false, NULL, 0, MUST_BE_RO, true },
        { "/in", true, NULL, 0, MUST_BE_RO, true },
        { "/out", false, NULL, MF_NOSUID | MF_NODEV | MF_NOEXEC, MUST_BE_RW, true },
        { "/tmp", false, "tmpfs", MF_NOSUID | MF_NODEV | MF_NOEXEC, MAY_BE_RW, true },
        { "/proc", false, "proc", 0, MAY_BE_RW, false },
        { "/dev", false, "tmpfs", 0, MUST_BE_RO, false },
        { "/dev/null", false, NULL, 0, MAY_BE_RW, false },
        { "/dev/zero", false, NULL, 0, MAY_BE_RW, false },
        { "/dev/full", false, NULL, 0, MAY_BE_RW, false },
        { "/dev/random", false, NULL, 0, MAY_BE_RW, false },
        { "/dev/urandom", false, NULL, 0, MAY_BE_RW, false },
        { "/dev/tty", false, NULL, 0, MAY_BE_RW, false },
};

/* Next space-separated field of [*p, end). */
static bool next_field(const char **p, const char *end, const char **f, size_t *flen)
{
        while (*p < end && **p == ' ')
                (*p)++;
        if (*p >= end)
                return false;
        *f = *p;
        while (*p < end && **p != ' ')
                (*p)++;
        *flen = (size_t) (*p - *f);
        return true;
}

/* Decodes mountinfo's \ooo escapes (space, tab, newline, backslash). */
static bool unescape(const char *s, size_t len, char *out, size_t size)
{
        size_t o = 0;
        for (size_t i = 0; i < len; i++) {
                char c = s[i];
                if (c == '\\') {
                        if (len - i < 4)
                                return false;
                        unsigned v = 0;
                        for (size_t k = 1; k <= 3; k++) {
                                if (s[i + k] < '0' || s[i + k] > '7')
                                        return false;
                                v = v * 8 + (unsigned) (s[i + k] - '0');
                        }
                        if (v == 0 || v > 0377)
                                return false;
                        c = (char) v;
                        i += 3;
                }
                if (o + 1 >= size)
                        return false;
                out[o++] = c;
        }
        out[o] = '\0';
        return true;
}

static unsigned parse_opts(const char *s, size_t len)
{
        unsigned flags = 0;
        while (len > 0) {
                const char *comma = memchr(s, ',', len);
                size_t tl = comma ? (size_t) (comma - s) : len;
                for (size_t i = 0; i < ELEMENTSOF(mount_opts); i++)
                        if (strlen(mount_opts[i].name) == tl && memcmp(mount_opts[i].name, s, tl) == 0)
                                flags |= mount_opts[i].flag;
                s += comma ? tl + 1 : tl;
                len -= comma ? tl + 1 : tl;
        }
        return flags;
}

/* "36 35 98:0 /root /mnt opts [optional...] - fstype source superopts" */
static bool parse_mount_line(const char *line, size_t len, struct mount_entry *m, char *why, size_t why_size)
{
        const char *p = line, *end = line + len, *f[6], *fs, *src, *sup;
        size_t fl[6], fsl, srcl, supl;

        for (size_t i = 0; i < 6; i++)
                if (!next_field(&p, end, &f[i], &fl[i]))
                        goto bad;
        do { /* optional fields, up to the "-" separator */
                if (!next_field(&p, end, &fs, &fsl))
                        goto bad;
        } while (!(fsl == 1 && fs[0] == '-'));
        if (!next_field(&p, end, &fs, &fsl) || !next_field(&p, end, &src, &srcl) ||
            !next_field(&p, end, &sup, &supl))
                goto bad;
        if (!unescape(f[4], fl[4], m->point, sizeof(m->point)) || m->point[0] != '/' ||
            !unescape(fs, fsl, m->fstype, sizeof(m->fstype)))
                goto bad;
        m->flags = parse_opts(f[5], fl[5]);
        if (!(m->flags & MF_HAS_RW))
                goto bad;
        if (parse_opts(sup, supl) & MF_RO)
                m->flags |= MF_SB_RO;
        return true;
bad:
        snprintf(why, why_size, "malformed mountinfo line: '%.*s'", len > 200 ? 200 : (int) len, line);
        return false;
}

static bool rule_matches(const struct mount_rule *rule, const char *point)
{
        size_t n = strlen(rule->point);
        if (strcmp(point, rule->point) == 0)
                return true;
        return rule->subtree && strncmp(point, rule->point, n) == 0 && point[n] == '/';
}

static const struct mount_rule *rule_for(const char *point)
{
        for (size_t i = 0; i < ELEMENTSOF(mount_rules); i++)
                if (rule_matches(&mount_rules[i], point))
                        return &mount_rules[i];
        return NULL;
}

static bool mount_allowed(const struct mount_entry *m, const struct mount_rule *rule, char *why, size_t why_size)
{
        static const char *const flag_names[] = { "ro", "nosuid", "nodev", "noexec" };
        enum write_policy w = rule ? rule->write : MUST_BE_RO;

        if (w == MUST_BE_RO && is_writable(m)) {
                snprintf(why, why_size, "%s (%s) is writable; only /out, /tmp, /proc and the /dev device nodes may be",
                         m->point, m->fstype);
                return false;
        }
        if (w == MUST_BE_RW && !is_writable(m)) {
                snprintf(why, why_size, "%s is read-only, expected rw", m->point);
                return false;
        }
        if (rule && rule->fstype && strcmp(rule->fstype, m->fstype) != 0) {
                snprintf(why, why_size, "%s is %s, expected %s", m->point, m->fstype, rule->fstype);
                return false;
        }
        for (size_t i = 0; rule && i < ELEMENTSOF(flag_names); i++)
                if ((rule->need & (1u << i)) && !(m->flags & (1u << i))) {
                        snprintf(why, why_size, "%s lacks %s", m->point, flag_names[i]);
                        return false;
                }
        return true;
}

bool probe_check_mount_table(const struct probe_report *r, char *why, size_t why_size)
{
        const char *p = r ? r->mountinfo : NULL, *line;
        bool seen[ELEMENTSOF(mount_rules)] = { false };
        struct mount_entry m;
        size_t len, n = 0, writable = 0;

        if (!raw_text_whole(p, "mountinfo", why, why_size))
                return false;
        while (next_line(&p, &line, &len)) {
                if (len == 0)
                        continue;
                if (!parse_mount_line(line, len, &m, why, why_size))
                        return false;
                const struct mount_rule *rule = rule_for(m.point);
                if (!mount_allowed(&m, rule, why, why_size))
                        return false;
                if (rule && strcmp(m.point, rule->point) == 0)
                        seen[rule - mount_rules] = true;
                writable += is_writable(&m);
                n++;
        }
        for (size_t i = 0; i < ELEMENTSOF(mount_rules); i++)
                if (mount_rules[i].required && !seen[i]) {
                        snprintf(why, why_size, "no mount at %s", mount_rules[i].point);
                        return false;
                }
        snprintf(why, why_size,
                 "/ ro, /in ro, /out rw, /tmp tmpfs noexec,nosuid,nodev; %zu mounts, %zu writable, all allowed", n,
                 writable);
        return true;
}
