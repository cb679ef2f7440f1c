/* SPDX-License-Identifier: MIT */
/* The memory limit, and the part of it the address space cannot see.  PR-MEM-1 touches anonymous
 * memory, which RLIMIT_AS bounds as well as a memory cgroup does; pages written into a memfd are
 * never mapped, so only a memory cgroup bounds them.  PR-MEM-2 writes them: where denybox could
 * only fall back to RLIMIT_AS (unprivileged on a cgroup v1 host), the memory limit is not held and
 * the attestation says so instead of passing it.  Both exceed the limit in a child, every wait
 * bounded. */
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

/* How much a memory child allocates: --memory and PROBE_MEM_EXTRA beyond it. */
static long long mem_bytes;

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

/* Touches mem_bytes of anonymous memory: 0 when all was charged, else the errno. */
static int child_touch_memory(int unused)
{
        (void) unused;
        size_t len = (size_t) mem_bytes;
        child_first_oom_victim();
        volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
                return errno;
        /* Huge pages where the kernel has them: 2 MiB a fault instead of 4 KiB (the same memory is
         * charged either way).  Every 4 KiB page is still written, so without huge pages nothing
         * is left uncharged. */
        madvise((void *) p, len, MADV_HUGEPAGE);
        for (size_t i = 0; i < len; i += 4096) {
                p[i] = 1;
                if (i % (1u << 20) == 0)
                        child_progress(); /* every MiB: slow is not stuck */
        }
        return 0;
}

/* Writes mem_bytes into a memfd, 1 MiB at a time: 0 when all went in, else the errno. */
static int child_fill_memfd(int unused)
{
        static char chunk[1 << 20];
        (void) unused;
        child_first_oom_victim();
        int fd = memfd_create("denybox-probe-mem", MFD_CLOEXEC);
        if (fd < 0)
                return errno;
        memset(chunk, 0x5a, sizeof(chunk));
        for (long long done = 0; done < mem_bytes;) {
                ssize_t n = write(fd, chunk, sizeof(chunk));
                if (n < 0)
                        return errno;
                done += n;
                child_progress();
        }
        return 0;
}

/* Runs child to take more than --memory; what it did is "<verb> N bytes <where>". */
static void probe_memory_child(struct obs *o, int (*child)(int), const char *verb, const char *where)
{
        char note[160], what[240];
        if (probe_args.memory <= 0) {
                record(o, -1, "no --memory given: nothing to exceed");
                return;
        }
        mem_bytes = probe_args.memory + PROBE_MEM_EXTRA;
        int err = in_child(child, 0, note, sizeof(note));
        snprintf(what, sizeof(what), "%s %lld bytes %s", verb, mem_bytes, where);
        record_child(o, err, what, note);
        set_value(o, "bytes=%lld", mem_bytes);
}

void probe_memory(struct obs *o) { probe_memory_child(o, child_touch_memory, "touch", "in a child"); }
void probe_memory_unmapped(struct obs *o) { probe_memory_child(o, child_fill_memfd, "write", "into a memfd in a child"); }

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
