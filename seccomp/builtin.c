/* SPDX-License-Identifier: MIT */
/* Built-in profiles: the committed JSON files, embedded byte for byte at build time (their sha256
 * is reported, so they must be exactly the files in seccomp/).  The generated headers hold each
 * file as a NUL-terminated char array (see seccomp/meson.build). */
#include <stddef.h>
#include <string.h>

#include "filter.h"

#include "builtin-strict.h"
#include "builtin-startup-safe.h"
#include "builtin-default-deny.h"

struct builtin {
        const char *name;
        const char *json;
        size_t len;
};

static const struct builtin builtins[] = {
        { "strict", builtin_strict_json, sizeof(builtin_strict_json) - 1 },             /* seeds' deny set: the default */
        { "startup-safe", builtin_startup_safe_json, sizeof(builtin_startup_safe_json) - 1 }, /* seeds' compromise */
        { "default-deny", builtin_default_deny_json, sizeof(builtin_default_deny_json) - 1 }, /* allowlist */
};

const char *profile_builtin(const char *name, size_t *ret_len)
{
        for (size_t i = 0; name && i < ELEMENTSOF(builtins); i++)
                if (strcmp(builtins[i].name, name) == 0) {
                        if (ret_len)
                                *ret_len = builtins[i].len;
                        return builtins[i].json;
                }
        return NULL;
}

const char *profile_builtin_name(size_t i)
{
        return i < ELEMENTSOF(builtins) ? builtins[i].name : NULL;
}
