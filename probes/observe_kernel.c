/* SPDX-License-Identifier: MIT */
/* Observations of system calls the boundary must deny (seccomp, exec-once, /tmp noexec, the
 * session).  Where seccomp denies, the call is made with arguments the kernel itself rejects with
 * another errno (EFAULT, EBADF, EINVAL, E2BIG, ESRCH, EOPNOTSUPP) before its own permission checks:
 * EPERM then proves seccomp, and none of these calls can succeed even on an open host.  Calls that
 * could replace, entangle or kill the probe run in a forked child (in_child). */
#include "probe.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>

/* ---- namespaces and mounts -------------------------------------------------------------------- */

static int child_unshare_user(int unused)
{
        (void) unused;
        return syscall(SYS_unshare, CLONE_NEWUSER) == 0 ? 0 : errno;
}

void probe_userns(struct obs *o)
{
        char note[160];
        int err = in_child(child_unshare_user, 0, note, sizeof(note));
        record_child(o, err, "unshare(CLONE_NEWUSER)", note);
}

static int sys_errno(long ret)
{
        return ret == 0 ? 0 : ret < 0 ? errno : 0;
}

void probe_mount2(struct obs *o)
{
        record(o, sys_errno(syscall(SYS_mount, NULL, (char *) 1, NULL, 0, NULL)), "mount(NULL, (char *) 1, NULL, 0, NULL)");
}

void probe_umount(struct obs *o)
{
        record(o, sys_errno(syscall(SYS_umount2, "/", 0xffff)), "umount2(\"/\", 0xffff)");
}

void probe_chroot(struct obs *o)
{
        record(o, sys_errno(syscall(SYS_chroot, (char *) 1)), "chroot((char *) 1)");
}

void probe_setns(struct obs *o)
{
        record(o, sys_errno(syscall(SYS_setns, -1, 0)), "setns(-1, 0)");
}

void probe_pivot(struct obs *o)
{
        record(o, sys_errno(syscall(SYS_pivot_root, (char *) 1, "/")), "pivot_root((char *) 1, \"/\")");
}

/* ---- /tmp noexec ------------------------------------------------------------------------------ */

/* The smallest static x86_64 executable: exit(0). */
static const struct {
        Elf64_Ehdr eh;
        Elf64_Phdr ph;
        unsigned char code[9];
} __attribute__((packed)) tiny_elf = {
        .eh = { .e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ELFOSABI_SYSV },
                .e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
                .e_entry = 0x400000 + sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr), .e_phoff = sizeof(Elf64_Ehdr),
                .e_ehsize = sizeof(Elf64_Ehdr), .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 1 },
        .ph = { .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_vaddr = 0x400000, .p_paddr = 0x400000,
                .p_filesz = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) + 9,
                .p_memsz = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) + 9, .p_align = 0x1000 },
        .code = { 0xb8, 0x3c, 0x00, 0x00, 0x00, /* mov $60, %eax (exit) */
                  0x31, 0xff,                   /* xor %edi, %edi */
                  0x0f, 0x05 },                 /* syscall */
};

#define TMP_EXEC_PATH "/tmp/__denybox_probe_exec"
#define TMP_MMAP_PATH "/tmp/__denybox_probe_mmap"

/* Creates path holding len bytes of data: 0 or the errno. */
static int write_file(const char *path, const void *data, size_t len, mode_t mode)
{
        unlink(path);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
        if (fd < 0)
                return errno;
        int err = write(fd, data, len) == (ssize_t) len ? 0 : errno ? errno : EIO;
        if (close(fd) < 0 && !err)
                err = errno;
        return err;
}

static int child_exec_tmp(int unused)
{
        (void) unused;
        char *const argv[] = { (char *) TMP_EXEC_PATH, NULL };
        char *const envp[] = { NULL };
        syscall(SYS_execve, TMP_EXEC_PATH, argv, envp);
        return errno;
}

void probe_tmp_exec(struct obs *o)
{
        char note[160], what[240];
        int err = write_file(TMP_EXEC_PATH, &tiny_elf, sizeof(tiny_elf), 0755);
        if (err) {
                snprintf(what, sizeof(what), "could not write " TMP_EXEC_PATH " (%s)", strerror(err));
                record(o, -1, what);
                return;
        }
        err = in_child(child_exec_tmp, 0, note, sizeof(note));
        unlink(TMP_EXEC_PATH);
        record_child(o, err, "execve(\"" TMP_EXEC_PATH "\")", note);
}

void probe_tmp_mmap(struct obs *o)
{
        static const char page[4096];
        char what[240];
        int err = write_file(TMP_MMAP_PATH, page, sizeof(page), 0600);
        if (err) {
                snprintf(what, sizeof(what), "could not write " TMP_MMAP_PATH " (%s)", strerror(err));
                record(o, -1, what);
                return;
        }
        int fd = open(TMP_MMAP_PATH, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) {
                record(o, -1, "could not reopen " TMP_MMAP_PATH);
                unlink(TMP_MMAP_PATH);
                return;
        }
        void *p = mmap(NULL, sizeof(page), PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
        err = p == MAP_FAILED ? errno : 0;
        if (p != MAP_FAILED)
                munmap(p, sizeof(page));
        close(fd);
        unlink(TMP_MMAP_PATH);
        record(o, err, "mmap(PROT_READ|PROT_EXEC, MAP_PRIVATE) of " TMP_MMAP_PATH);
}

/* ---- the session: TIOCSTI --------------------------------------------------------------------- */

void probe_tiocsti(struct obs *o)
{
        char c = ' ';
        record(o, sys_errno(syscall(SYS_ioctl, 0, (unsigned long) TIOCSTI, &c)), "ioctl(0, TIOCSTI, \" \")");
}

void probe_tiocsti_high(struct obs *o)
{
        char c = ' ';
        record(o, sys_errno(syscall(SYS_ioctl, 0, (1UL << 32) | TIOCSTI, &c)), "ioctl(0, (1UL << 32) | TIOCSTI, \" \")");
}

/* ---- seccomp: the kernel's own errno would differ --------------------------------------------- */

void probe_keyctl(struct obs *o)
{
        record(o, sys_errno(syscall(SYS_keyctl, 9999, 0, 0, 0, 0)), "keyctl(9999, 0, 0, 0, 0)");
}

void probe_add_key(struct obs *o)
{
        record(o, sys_errno(syscall(SYS_add_key, NULL, "denybox", NULL, 0, KEY_SPEC_PROCESS_KEYRING)),
               "add_key(NULL, \"denybox\", NULL, 0, KEY_SPEC_PROCESS_KEYRING)");
}

void probe_bpf(struct obs *o)
{
        long page = sysconf(_SC_PAGESIZE);
        char *attr = calloc(1, (size_t) (page > 0 ? page : 4096) + 1);
        if (!attr) {
                record(o, -1, "bpf: out of memory");
                return;
        }
        record(o, sys_errno(syscall(SYS_bpf, BPF_MAP_CREATE, attr, (unsigned long) (page > 0 ? page : 4096) + 1)),
               "bpf(BPF_MAP_CREATE, attr, PAGE_SIZE + 1)");
        free(attr);
        probe_bpf_host(o);
}

void probe_perf(struct obs *o)
{
        struct perf_event_attr attr = { .type = PERF_TYPE_SOFTWARE, .size = sizeof(attr), .config = PERF_COUNT_SW_DUMMY,
                                        .disabled = 1, .exclude_kernel = 1, .exclude_hv = 1 };
        long fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, ~0UL);
        int err = fd < 0 ? errno : 0;
        if (fd >= 0)
                close((int) fd);
        record(o, err, "perf_event_open(attr, 0, -1, -1, ~0UL)");
}

void probe_io_uring(struct obs *o)
{
        long fd = syscall(SYS_io_uring_setup, 1, NULL);
        int err = fd < 0 ? errno : 0;
        if (fd >= 0)
                close((int) fd);
        record(o, err, "io_uring_setup(1, NULL)");
}

void probe_process_vm(struct obs *o)
{
        char here[8] = { 0 }, there[8] = { 0 };
        struct iovec local = { here, sizeof(here) }, remote = { there, sizeof(there) };
        long n = syscall(SYS_process_vm_readv, -1, &local, 1, &remote, 1, 0);
        record(o, n < 0 ? errno : 0, "process_vm_readv(-1, [8 bytes], 1, [8 bytes], 1, 0)");
}

void probe_unix_socket(struct obs *o)
{
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int err = fd < 0 ? errno : 0;
        if (fd >= 0)
                close(fd);
        record(o, err, "socket(AF_UNIX, SOCK_STREAM)");
}

/* ---- other ABIs, clone3 ----------------------------------------------------------------------- */

#define I386_NR_SOCKET 359
#define X32_SYSCALL_BIT 0x40000000L
#define X32_NR_GETPID 39

static int child_i386_socket(int unused)
{
        (void) unused;
        long ret;
        __asm__ volatile("int $0x80"
                         : "=a"(ret)
                         : "a"(I386_NR_SOCKET), "b"(AF_UNIX), "c"(SOCK_STREAM), "d"(0)
                         : "memory", "cc", "r8", "r9", "r10", "r11");
        int r = (int) ret;
        if (r >= 0) {
                close(r);
                return 0;
        }
        return -r;
}

void probe_i386(struct obs *o)
{
        char note[160];
        int err = in_child(child_i386_socket, 0, note, sizeof(note));
        record_child(o, err, "int 0x80 socket(AF_UNIX, SOCK_STREAM)", note);
}

static int child_x32_getpid(int unused)
{
        (void) unused;
        return syscall(X32_SYSCALL_BIT | X32_NR_GETPID) >= 0 ? 0 : errno;
}

void probe_x32(struct obs *o)
{
        char note[160];
        int err = in_child(child_x32_getpid, 0, note, sizeof(note));
        record_child(o, err, "x32 getpid (39 | 0x40000000)", note);
}

static void *thread_fn(void *arg)
{
        return arg;
}

void probe_clone3(struct obs *o)
{
        char what[240];
        long r = syscall(SYS_clone3, NULL, 0);
        int err = r < 0 ? errno : 0;
        if (r == 0) /* cannot happen with these arguments; never run on as a second probe */
                _exit(0);
        pthread_t t;
        int pe = pthread_create(&t, NULL, thread_fn, NULL);
        if (pe == 0)
                pthread_join(t, NULL);
        if (pe != 0) {
                snprintf(what, sizeof(what), "clone3(NULL, 0) -> %s; pthread_create failed",
                         err ? strerrorname_np(err) : "succeeded");
                record(o, pe, what); /* glibc's fallback broke: report the thread's failure */
                return;
        }
        record(o, err, "clone3(NULL, 0) (pthread_create then works)");
}

/* ---- exec-once -------------------------------------------------------------------------------- */

static int child_exec_self(int fd)
{
        char *const argv[] = { (char *) "denybox-probe", (char *) "--noop", NULL };
        char *const envp[] = { NULL };
        syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
        return errno;
}

void probe_exec_fd(struct obs *o)
{
        char note[160];
        int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                char what[160];
                snprintf(what, sizeof(what), "open(\"/proc/self/exe\") failed (%s)", strerror(errno));
                record(o, -1, what);
                return;
        }
        int err = in_child(child_exec_self, fd, note, sizeof(note));
        close(fd);
        record_child(o, err, "execveat(fd of /proc/self/exe, \"\", AT_EMPTY_PATH)", note);
}
