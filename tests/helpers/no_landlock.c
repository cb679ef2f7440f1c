/* SPDX-License-Identifier: MIT */
/* no-landlock ENOSYS|EOPNOTSUPP CMD [ARG...] — runs CMD as it would run on a kernel without
 * Landlock: a seccomp filter, inherited by CMD and everything it starts (stacked under any filter
 * they load themselves), makes landlock_create_ruleset, landlock_add_rule and
 * landlock_restrict_self fail with that errno, exactly as such kernels answer: ENOSYS where
 * Landlock is not built in, EOPNOTSUPP where it is built but not enabled at boot (lsm=).  Every
 * other system call is allowed.  The test of issue 17's "a kernel without Landlock gives a clear
 * single-layer report, never a failure to start" (tests/integration/no_landlock.sh). */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        static const char *const calls[] = {"landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self"};
        int err, r;

        if (argc < 3 || (strcmp(argv[1], "ENOSYS") != 0 && strcmp(argv[1], "EOPNOTSUPP") != 0)) {
                fprintf(stderr, "usage: no-landlock ENOSYS|EOPNOTSUPP CMD [ARG...]\n");
                return 64;
        }
        err = strcmp(argv[1], "ENOSYS") == 0 ? ENOSYS : EOPNOTSUPP;
        scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        if (!ctx) {
                fprintf(stderr, "no-landlock: seccomp_init failed\n");
                return 1;
        }
        for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
                int nr = seccomp_syscall_resolve_name(calls[i]);
                if (nr == __NR_SCMP_ERROR || (r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), nr, 0)) < 0) {
                        fprintf(stderr, "no-landlock: %s: libseccomp does not know it\n", calls[i]);
                        return 1;
                }
        }
        /* no_new_privs: what an unprivileged filter needs (denybox sets it anyway) */
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || (r = seccomp_load(ctx)) < 0) {
                fprintf(stderr, "no-landlock: loading the filter: %s\n", strerror(r < 0 ? -r : errno));
                return 1;
        }
        seccomp_release(ctx);
        execvp(argv[2], argv + 2);
        fprintf(stderr, "no-landlock: %s: %s\n", argv[2], strerror(errno));
        return 127;
}
