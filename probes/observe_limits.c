/* SPDX-License-Identifier: MIT */
/* Limits the address space cannot see.  PR-MEM-1 touches anonymous memory, which RLIMIT_AS
 * bounds as well as a memory cgroup does; pages written into a memfd are never mapped, so only a
 * memory cgroup bounds them.  PR-MEM-2 writes them: where denybox could only fall back to
 * RLIMIT_AS (unprivileged on a cgroup v1 host), the memory limit is not held and the
 * attestation says so instead of passing it. */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

static long long memfd_bytes;

void child_first_oom_victim(void)
{
        /* Its memfd pages are in no process's RSS, so the OOM killer would pick the biggest process
         * of the sandbox instead (pid 1, or the probe itself, and the report is lost): volunteer. */
        int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
                (void) !write(fd, "1000", 4);
                close(fd);
        }
}

/* Writes memfd_bytes into a memfd, 1 MiB at a time: 0 when all went in, else the errno. */
static int child_fill_memfd(int unused)
{
        static char chunk[1 << 20];
        (void) unused;
        child_first_oom_victim();
        int fd = memfd_create("denybox-probe-mem", MFD_CLOEXEC);
        if (fd < 0)
                return errno;
        memset(chunk, 0x5a, sizeof(chunk));
        for (long long done = 0; done < memfd_bytes;) {
                ssize_t n = write(fd, chunk, sizeof(chunk));
                if (n < 0)
                        return errno;
                done += n;
                child_progress();
        }
        return 0;
}

void probe_memory_unmapped(struct obs *o)
{
        char note[160], what[240];
        if (probe_args.memory <= 0) {
                record(o, -1, "no --memory given: nothing to exceed");
                return;
        }
        memfd_bytes = probe_args.memory + PROBE_MEM_EXTRA;
        int err = in_child(child_fill_memfd, 0, note, sizeof(note));
        snprintf(what, sizeof(what), "write %lld bytes into a memfd in a child", memfd_bytes);
        record_child(o, err, what, note);
        set_value(o, "bytes=%lld", memfd_bytes);
}

/* A layer the host duplicates: before 6.5 the kernel checks kernel.unprivileged_bpf_disabled at
 * the top of bpf(2), before the attr size, so with the sysctl set (Debian: 2) bpf() is EPERM for
 * the capability-less sandbox whether or not seccomp denies it, and PR-BPF-1's control (seccomp
 * removed) cannot FAIL there.  The probe still PASSes on the effect; the value says whether the
 * host denies it first ("host_denies_first=1"), and the controls test reports that control as not
 * applicable on such a host. */
void probe_bpf_host(struct obs *o)
{
        char buf[16] = "";
        size_t len = 0;
        struct utsname u;
        int major = 0, minor = 0;
        long disabled = -1;
        if (read_bounded("/proc/sys/kernel/unprivileged_bpf_disabled", buf, sizeof(buf) - 1, &len) == 0)
                disabled = strtol(buf, NULL, 10);
        if (uname(&u) == 0)
                sscanf(u.release, "%d.%d", &major, &minor);
        bool first = disabled > 0 && (major < 6 || (major == 6 && minor < 5));
        set_value(o, "unprivileged_bpf_disabled=%ld kernel=%d.%d host_denies_first=%d", disabled, major, minor, first);
        if (first) {
                size_t n = strlen(o->actual);
                snprintf(o->actual + n, sizeof(o->actual) - n,
                         " (the host denies it too: kernel.unprivileged_bpf_disabled=%ld, checked first before 6.5)", disabled);
        }
}
