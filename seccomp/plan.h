/* SPDX-License-Identifier: MIT */
/* The plan of stage 2 (plan.c): the profile's rules that apply here, with the always-on
 * protections merged in and every contradiction resolved, ready for libseccomp (filter.c). */
#pragma once

#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "profile.h"

struct plan_rule {
        int nr;
        const char *name;
        struct profile_action act;
        const struct profile_syscall *src; /* NULL for an always-on rule */
        bool dropped;                      /* overridden (plan_resolve) or subsumed (plan_drop_subsumed) */
        size_t name_index;
        unsigned n_cmp;
        struct scmp_arg_cmp cmp[6];
};

/* A profile of 20000 unknown names makes 20000 warnings: the first ones are kept, the rest counted. */
#define PLAN_WARNINGS_MAX 32

struct plan {
        const struct profile *profile;
        struct plan_rule *v;
        size_t n, cap;
        char *warnings;
        size_t warnings_len;
        size_t n_warnings;            /* kept: at most PLAN_WARNINGS_MAX lines, then only counted */
        size_t n_warnings_dropped;
};

/* On success *ret holds the plan (plan_free() it) and *ret_exec what the supervisor answers
 * after the first exec. */
int plan_build(const struct profile *p, const struct filter_host *host, struct plan *ret,
               struct exec_policy *ret_exec, struct dbx_error *err);
void plan_free(struct plan *pl);

/* The highest syscall number of a rule the ENOSYS stub (filter.c) must never bypass: every rule
 * the profile wrote, and every always-on rule that does not merely deny with an errno (the exec
 * ALLOWs). -1 if there is none. */
int plan_highest_kept_nr(const struct plan *pl);

/* The JSON path a rule came from, or "(denybox always-on rule for NAME)". */
void plan_rule_path(const struct plan *pl, const struct plan_rule *r, char *buf, size_t size);

/* libseccomp's value for an action (ERRNO data clamped to what libseccomp accepts). */
uint32_t scmp_action(const struct profile_action *a);
bool action_eq(const struct profile_action *a, const struct profile_action *b);

/* The always-on rules and their reasons, as PFC comment lines. */
void plan_describe_always_on(FILE *f);
