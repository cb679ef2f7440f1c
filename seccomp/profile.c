/* SPDX-License-Identifier: MIT */
/* Docker/OCI seccomp JSON -> struct profile.  yajl_tree, no system calls.
 *
 * Accepted: Moby's format (names/legacy name, archMap, includes/excludes, errnoRet, comment,
 * flags, listenerPath/listenerMetadata), containers-common's additions (errno/defaultErrno as
 * names beside the numbers), the runtime-spec's seccomp object, and a whole OCI config.json
 * (its linux.seccomp).  Validation follows upstream (moby/profiles, runc, crun, the runtime-spec
 * MUSTs) and is stricter in two places, so a typo can never leave a silently weaker filter:
 * unknown keys and duplicate keys are errors (Go ignores the first and takes the last of the
 * second).  A JSON null member is treated as absent, as Go does; a null array element is an
 * error.  Every error names the JSON path of the value at fault. */
#include "profile.h"
#include "conditions.h"
#include "json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERRNO_MAX_DATA 0xffffu /* SECCOMP_RET_DATA is 16 bits: larger values would be truncated */

static const struct name_value action_table[] = {
        { "SCMP_ACT_KILL", PA_KILL_THREAD },       { "SCMP_ACT_KILL_THREAD", PA_KILL_THREAD },
        { "SCMP_ACT_KILL_PROCESS", PA_KILL_PROCESS }, { "SCMP_ACT_TRAP", PA_TRAP },
        { "SCMP_ACT_ERRNO", PA_ERRNO },            { "SCMP_ACT_TRACE", PA_TRACE },
        { "SCMP_ACT_ALLOW", PA_ALLOW },            { "SCMP_ACT_LOG", PA_LOG },
        { "SCMP_ACT_NOTIFY", PA_NOTIFY },
};

static const struct name_value op_table[] = {
        { "SCMP_CMP_NE", PO_NE }, { "SCMP_CMP_LT", PO_LT }, { "SCMP_CMP_LE", PO_LE },
        { "SCMP_CMP_EQ", PO_EQ }, { "SCMP_CMP_GE", PO_GE }, { "SCMP_CMP_GT", PO_GT },
        { "SCMP_CMP_MASKED_EQ", PO_MASKED_EQ },
};

static const struct name_value flag_table[] = {
        { "SECCOMP_FILTER_FLAG_TSYNC", PROFILE_FLAG_TSYNC },
        { "SECCOMP_FILTER_FLAG_LOG", PROFILE_FLAG_LOG },
        { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", PROFILE_FLAG_SPEC_ALLOW },
        { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", PROFILE_FLAG_WAIT_KILLABLE_RECV },
};

/* The runtime-spec's SeccompArch enum (value unused: names are only validated, denybox always
 * filters the native x86_64 ABI alone). */
static const struct name_value arch_table[] = {
        { "SCMP_ARCH_X86", 0 },        { "SCMP_ARCH_X86_64", 0 },      { "SCMP_ARCH_X32", 0 },
        { "SCMP_ARCH_ARM", 0 },        { "SCMP_ARCH_AARCH64", 0 },     { "SCMP_ARCH_LOONGARCH64", 0 },
        { "SCMP_ARCH_M68K", 0 },       { "SCMP_ARCH_MIPS", 0 },        { "SCMP_ARCH_MIPS64", 0 },
        { "SCMP_ARCH_MIPS64N32", 0 },  { "SCMP_ARCH_MIPSEL", 0 },      { "SCMP_ARCH_MIPSEL64", 0 },
        { "SCMP_ARCH_MIPSEL64N32", 0 }, { "SCMP_ARCH_PPC", 0 },        { "SCMP_ARCH_PPC64", 0 },
        { "SCMP_ARCH_PPC64LE", 0 },    { "SCMP_ARCH_S390", 0 },        { "SCMP_ARCH_S390X", 0 },
        { "SCMP_ARCH_SH", 0 },         { "SCMP_ARCH_SHEB", 0 },        { "SCMP_ARCH_PARISC", 0 },
        { "SCMP_ARCH_PARISC64", 0 },   { "SCMP_ARCH_RISCV64", 0 },
};

const char *profile_action_name(const struct profile_action *a, char *buf, size_t size)
{
        for (size_t i = 0; i < ELEMENTSOF(action_table); i++)
                if (action_table[i].value == a->kind && strcmp(action_table[i].name, "SCMP_ACT_KILL") != 0) {
                        if (a->kind == PA_ERRNO || a->kind == PA_TRACE)
                                snprintf(buf, size, "%s(%u)", action_table[i].name, a->data);
                        else
                                snprintf(buf, size, "%s", action_table[i].name);
                        return buf;
                }
        snprintf(buf, size, "?");
        return buf;
}

/* Input text quoted for a one-line message: printable ASCII only, truncated. */
const char *profile_quote(const char *s, char buf[static 72])
{
        size_t o = 0;
        buf[o++] = '"';
        for (; *s && o < 64; s++)
                buf[o++] = (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\') ? *s : '?';
        if (*s) {
                memcpy(buf + o, "...", 3);
                o += 3;
        }
        buf[o++] = '"';
        buf[o] = 0;
        return buf;
}

/* ---- profile pieces ---- */

static int errno_from_name(const char *name)
{
        for (int e = 1; e < 4096; e++) {
                const char *n = strerrorname_np(e);
                if (n && strcmp(n, name) == 0)
                        return e;
        }
        return -1;
}

/* action + errnoRet (+ containers-common's errno name) -> struct profile_action. */
static int parse_action(yajl_val o, const char *prefix, const char *act_key, const char *ret_key,
                        const char *name_key, bool required, bool *present, struct profile_action *ret,
                        struct dbx_error *err)
{
        char p[160], q[72];
        yajl_val a = json_member(o, act_key), e = json_member(o, ret_key), en = json_member(o, name_key);
        json_path_fmt(p, sizeof(p), "%s%s", prefix, act_key);
        *present = a != NULL;
        if (!a)
                return required ? dbx_error_set_path(err, EINVAL, p, "missing (required)") : 0;
        const struct name_value *nv;
        int r = json_get_name(a, p, "action", action_table, ELEMENTSOF(action_table), &nv, err);
        if (r < 0)
                return r;
        ret->kind = nv->value;
        ret->data = ret->kind == PA_ERRNO ? EPERM : 0;
        bool takes_data = ret->kind == PA_ERRNO || ret->kind == PA_TRACE;
        if (e) {
                uint64_t x;
                json_path_fmt(p, sizeof(p), "%s%s", prefix, ret_key);
                if (!takes_data) /* runtime-spec: "the runtime MUST print an error and fail" */
                        return dbx_error_set_path(err, EINVAL, p, "%s does not take an errno value", a->u.string);
                r = json_get_uint(e, p, ERRNO_MAX_DATA, &x, err);
                if (r < 0)
                        return r;
                ret->data = (uint32_t)x;
        }
        if (en) {
                json_path_fmt(p, sizeof(p), "%s%s", prefix, name_key);
                if (!YAJL_IS_STRING(en))
                        return json_type_error(p, "an errno name", en, err);
                int x = errno_from_name(en->u.string);
                if (x < 0)
                        return dbx_error_set_path(err, EINVAL, p, "unknown errno name %s", profile_quote(en->u.string, q));
                if (ret->kind != PA_ERRNO)
                        return dbx_error_set_path(err, EINVAL, p, "%s does not take an errno value", a->u.string);
                if (e && (uint32_t)x != ret->data)
                        return dbx_error_set_path(err, EINVAL, p, "%s (%d) contradicts %s%s (%u)", en->u.string, x,
                                                  prefix, ret_key, ret->data);
                ret->data = (uint32_t)x;
        }
        return 0;
}

static int parse_arg(yajl_val v, const char *path, struct profile_arg *a, struct dbx_error *err)
{
        static const char *const keys[] = { "index", "value", "valueTwo", "op", NULL };
        char p[160];
        uint64_t x;
        yajl_val m;
        int r;
        if ((r = json_check_keys(v, path, keys, err)) < 0)
                return r;
        if ((r = json_required(v, path, "index", p, sizeof(p), &m, err)) < 0 ||
            (r = json_get_uint(m, p, UINT32_MAX, &x, err)) < 0)
                return r;
        if (x > 5) /* crun: "invalid seccomp index"; libseccomp: only 6 arguments */
                return dbx_error_set_path(err, EINVAL, p, "argument index %llu out of range 0..5", (unsigned long long)x);
        a->index = (unsigned)x;
        if ((r = json_required(v, path, "value", p, sizeof(p), &m, err)) < 0 ||
            (r = json_get_uint(m, p, UINT64_MAX, &a->value, err)) < 0)
                return r;
        json_path_fmt(p, sizeof(p), "%s.valueTwo", path);
        if ((m = json_member(v, "valueTwo")) && (r = json_get_uint(m, p, UINT64_MAX, &a->value_two, err)) < 0)
                return r;
        const struct name_value *nv;
        if ((r = json_required(v, path, "op", p, sizeof(p), &m, err)) < 0 ||
            (r = json_get_name(m, p, "operator", op_table, ELEMENTSOF(op_table), &nv, err)) < 0)
                return r;
        a->op = nv->value;
        return 0;
}

static int parse_syscall(yajl_val v, const char *path, struct profile_syscall *s, struct dbx_error *err)
{
        static const char *const keys[] = { "name", "names", "action", "errnoRet", "errno", "args",
                                            "includes", "excludes", "comment", NULL };
        char p[160], pre[160];
        int r;
        bool present;
        if ((r = json_check_keys(v, path, keys, err)) < 0)
                return r;
        yajl_val name = json_member(v, "name"), names = json_member(v, "names"), m;
        if (name && names) /* moby/profiles' wording */
                return dbx_error_set_path(err, EINVAL, path,
                                          "both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'");
        if (!name && !names) /* runc: "empty string is not a valid syscall" (moby#27224) */
                return dbx_error_set_path(err, EINVAL, path, "syscall entry has neither 'names' nor 'name'");
        if (name) {
                json_path_fmt(p, sizeof(p), "%s.name", path);
                s->legacy_name = true;
                if (!(s->names = calloc(2, sizeof(char *))))
                        return dbx_error_set(err, ENOMEM, "out of memory");
                if ((r = json_get_string(name, p, false, &s->names[0], err)) < 0)
                        return r;
                s->n_names = 1;
        } else {
                json_path_fmt(p, sizeof(p), "%s.names", path);
                if ((r = json_get_strings(names, p, false, NULL, 0, &s->names, &s->n_names, err)) < 0)
                        return r;
        }
        json_path_fmt(pre, sizeof(pre), "%s.", path);
        if ((r = parse_action(v, pre, "action", "errnoRet", "errno", true, &present, &s->action, err)) < 0)
                return r;
        if ((m = json_member(v, "args"))) {
                json_path_fmt(p, sizeof(p), "%s.args", path);
                if (!YAJL_IS_ARRAY(m))
                        return json_type_error(p, "an array", m, err);
                if (m->u.array.len > PROFILE_MAX_ARGS)
                        return dbx_error_set_path(err, E2BIG, p, "more than %d argument conditions", PROFILE_MAX_ARGS);
                if (m->u.array.len && !(s->args = calloc(m->u.array.len, sizeof(*s->args))))
                        return dbx_error_set(err, ENOMEM, "out of memory");
                for (size_t i = 0; i < m->u.array.len; i++, s->n_args++) {
                        json_path_fmt(p, sizeof(p), "%s.args[%zu]", path, i);
                        if ((r = parse_arg(m->u.array.values[i], p, &s->args[i], err)) < 0)
                                return r;
                }
        }
        json_path_fmt(p, sizeof(p), "%s.includes", path);
        if ((m = json_member(v, "includes")) && (r = profile_cond_parse(m, p, &s->includes, err)) < 0)
                return r;
        json_path_fmt(p, sizeof(p), "%s.excludes", path);
        if ((m = json_member(v, "excludes")) && (r = profile_cond_parse(m, p, &s->excludes, err)) < 0)
                return r;
        json_path_fmt(p, sizeof(p), "%s.comment", path);
        if ((m = json_member(v, "comment")) && (r = json_get_string(m, p, true, &s->comment, err)) < 0)
                return r;
        return 0;
}

static int parse_arch_map(yajl_val v, const char *path, struct profile_arch_map *a, struct dbx_error *err)
{
        static const char *const keys[] = { "architecture", "subArchitectures", NULL };
        char p[160], q[72];
        yajl_val m;
        int r;
        if ((r = json_check_keys(v, path, keys, err)) < 0)
                return r;
        if ((r = json_required(v, path, "architecture", p, sizeof(p), &m, err)) < 0 ||
            (r = json_get_string(m, p, false, &a->arch, err)) < 0)
                return r;
        if (!LOOKUP(arch_table, a->arch))
                return dbx_error_set_path(err, EINVAL, p, "unknown architecture %s", profile_quote(a->arch, q));
        json_path_fmt(p, sizeof(p), "%s.subArchitectures", path);
        if ((m = json_member(v, "subArchitectures")) &&
            (r = json_get_strings(m, p, true, arch_table, ELEMENTSOF(arch_table), &a->sub_arches, &a->n_sub_arches, err)) < 0)
                return r;
        return 0;
}

static int parse_top(yajl_val o, struct profile *pr, struct dbx_error *err)
{
        static const char *const keys[] = { "defaultAction", "defaultErrnoRet", "defaultErrno", "architectures",
                                            "archMap", "syscalls", "flags", "listenerPath", "listenerMetadata",
                                            "x-denybox" /* denybox learn's metadata (emit.h): not read */, NULL };
        const char *pre = pr->path_prefix;
        char p[160], q[72];
        int r;
        bool present;
        if ((r = json_check_keys(o, pre[0] ? "linux.seccomp" : "", keys, err)) < 0)
                return r;
        if ((r = parse_action(o, pre, "defaultAction", "defaultErrnoRet", "defaultErrno", true, &present,
                              &pr->default_action, err)) < 0)
                return r;
        if (pr->default_action.kind == PA_NOTIFY) { /* runc: "SCMP_ACT_NOTIFY cannot be used as default action" */
                json_path_fmt(p, sizeof(p), "%sdefaultAction", pre);
                return dbx_error_set_path(err, EINVAL, p, "SCMP_ACT_NOTIFY cannot be used as the default action");
        }
        yajl_val arches = json_member(o, "architectures"), map = json_member(o, "archMap"), m;
        if (YAJL_IS_ARRAY(arches) && arches->u.array.len && YAJL_IS_ARRAY(map) && map->u.array.len) /* moby's wording */
                return dbx_error_set_path(err, EINVAL, pre[0] ? "linux.seccomp" : "",
                                          "both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'");
        json_path_fmt(p, sizeof(p), "%sarchitectures", pre);
        if (arches && (r = json_get_strings(arches, p, true, arch_table, ELEMENTSOF(arch_table), &pr->arches, &pr->n_arches, err)) < 0)
                return r;
        if (map) {
                json_path_fmt(p, sizeof(p), "%sarchMap", pre);
                if (!YAJL_IS_ARRAY(map))
                        return json_type_error(p, "an array", map, err);
                if (map->u.array.len && !(pr->arch_map = calloc(map->u.array.len, sizeof(*pr->arch_map))))
                        return dbx_error_set(err, ENOMEM, "out of memory");
                for (size_t i = 0; i < map->u.array.len; i++) {
                        json_path_fmt(p, sizeof(p), "%sarchMap[%zu]", pre, i);
                        r = parse_arch_map(map->u.array.values[i], p, &pr->arch_map[i], err);
                        pr->n_arch_map++; /* also a partial entry, so profile_free sees it */
                        if (r < 0)
                                return r;
                }
        }
        if ((m = json_member(o, "flags"))) {
                char **flags = NULL;
                size_t n = 0;
                json_path_fmt(p, sizeof(p), "%sflags", pre);
                if ((r = json_get_strings(m, p, true, flag_table, ELEMENTSOF(flag_table), &flags, &n, err)) < 0)
                        return r;
                for (size_t i = 0; i < n; i++) {
                        const struct name_value *nv = LOOKUP(flag_table, flags[i]);
                        pr->flags |= nv ? nv->value : 0; /* get_strings checked every name */
                }
                strv_free(flags, n);
        }
        json_path_fmt(p, sizeof(p), "%slistenerPath", pre);
        if ((m = json_member(o, "listenerPath")) && (r = json_get_string(m, p, true, &pr->listener_path, err)) < 0)
                return r;
        json_path_fmt(p, sizeof(p), "%slistenerMetadata", pre);
        if ((m = json_member(o, "listenerMetadata")) && (r = json_get_string(m, p, true, &pr->listener_metadata, err)) < 0)
                return r;
        if (pr->listener_metadata && pr->listener_metadata[0] && !(pr->listener_path && pr->listener_path[0]))
                return dbx_error_set_path(err, EINVAL, p, "listenerMetadata %s is set but listenerPath is not",
                                          profile_quote(pr->listener_metadata, q));
        if ((m = json_member(o, "syscalls"))) {
                json_path_fmt(p, sizeof(p), "%ssyscalls", pre);
                if (!YAJL_IS_ARRAY(m))
                        return json_type_error(p, "an array", m, err);
                if (m->u.array.len && !(pr->syscalls = calloc(m->u.array.len, sizeof(*pr->syscalls))))
                        return dbx_error_set(err, ENOMEM, "out of memory");
                for (size_t i = 0; i < m->u.array.len; i++, pr->n_syscalls++) {
                        json_path_fmt(p, sizeof(p), "%ssyscalls[%zu]", pre, i);
                        pr->syscalls[i].json_index = i;
                        if ((r = parse_syscall(m->u.array.values[i], p, &pr->syscalls[i], err)) < 0) {
                                pr->n_syscalls++; /* so profile_free sees the partial entry */
                                return r;
                        }
                }
        }
        return 0;
}

/* Before yajl sees the text: bounded nesting (yajl_tree_free recurses), no comments (yajl_tree
 * would accept them; JSON does not), no NUL bytes. */
int profile_json_prescan(const char *json, size_t len, struct dbx_error *err)
{
        unsigned depth = 0, line = 1;
        bool in_string = false;
        for (size_t i = 0; i < len; i++) {
                char c = json[i];
                if (c == 0)
                        return dbx_error_set(err, EINVAL, "line %u: NUL byte in JSON text", line);
                if (c == '\n')
                        line++;
                if (in_string) {
                        if (c == '\\')
                                i++;
                        else if (c == '"')
                                in_string = false;
                } else if (c == '"') {
                        in_string = true;
                } else if (c == '[' || c == '{') {
                        if (++depth > PROFILE_MAX_DEPTH)
                                return dbx_error_set(err, EINVAL, "line %u: JSON nested deeper than %d levels", line,
                                                     PROFILE_MAX_DEPTH);
                } else if (c == ']' || c == '}') {
                        depth = depth ? depth - 1 : 0;
                } else if (c == '/') {
                        return dbx_error_set(err, EINVAL, "line %u: comments are not JSON", line);
                }
        }
        return 0;
}

int profile_parse(const char *json, size_t len, struct profile **ret, struct dbx_error *err)
{
        char errbuf[256] = "";
        int r;
        if (len > PROFILE_MAX_BYTES)
                return dbx_error_set(err, EFBIG, "seccomp profile larger than %u bytes", PROFILE_MAX_BYTES);
        if ((r = profile_json_prescan(json, len, err)) < 0)
                return r;
        _cleanup_free_ char *text = malloc(len + 1);
        if (!text)
                return dbx_error_set(err, ENOMEM, "out of memory");
        memcpy(text, json, len);
        text[len] = 0;
        yajl_val root = yajl_tree_parse(text, errbuf, sizeof(errbuf));
        if (!root) {
                errbuf[strcspn(errbuf, "\n")] = 0; /* yajl adds a multi-line excerpt: keep one line */
                return dbx_error_set(err, EINVAL, "not valid JSON: %s", errbuf[0] ? errbuf : "empty input");
        }
        struct profile *pr = calloc(1, sizeof(*pr));
        if (!pr) {
                yajl_tree_free(root);
                return dbx_error_set(err, ENOMEM, "out of memory");
        }
        yajl_val o = root;
        if (!YAJL_IS_OBJECT(o)) {
                r = json_type_error("", "a JSON object at the top level", o, err);
                goto fail;
        }
        if (!json_member(o, "defaultAction") && json_member(o, "linux")) { /* a whole OCI runtime config.json */
                yajl_val linux_ = json_member(o, "linux");
                o = YAJL_IS_OBJECT(linux_) ? json_member(linux_, "seccomp") : NULL;
                if (!YAJL_IS_OBJECT(o)) {
                        r = dbx_error_set_path(err, EINVAL, "linux.seccomp", "OCI config without a seccomp object");
                        goto fail;
                }
                snprintf(pr->path_prefix, sizeof(pr->path_prefix), "linux.seccomp.");
        }
        r = parse_top(o, pr, err);
fail:
        yajl_tree_free(root);
        if (r < 0) {
                profile_free(pr);
                return r;
        }
        *ret = pr;
        return 0;
}

void profile_free(struct profile *p)
{
        if (!p)
                return;
        strv_free(p->arches, p->n_arches);
        for (size_t i = 0; i < p->n_arch_map; i++) {
                free(p->arch_map[i].arch);
                strv_free(p->arch_map[i].sub_arches, p->arch_map[i].n_sub_arches);
        }
        free(p->arch_map);
        free(p->listener_path);
        free(p->listener_metadata);
        for (size_t i = 0; i < p->n_syscalls; i++) {
                struct profile_syscall *s = &p->syscalls[i];
                strv_free(s->names, s->n_names);
                free(s->args);
                profile_cond_free(&s->includes);
                profile_cond_free(&s->excludes);
                free(s->comment);
        }
        free(p->syscalls);
        free(p);
}
