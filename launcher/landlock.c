/* SPDX-License-Identifier: MIT */
/* Landlock (issue 17): raw system calls with <linux/landlock.h> (Debian 12 has no library for it).
 * The build headers may be older than the kernel: what they lack is defined here, from the
 * kernel's UAPI (the values are ABI and never change). */
#include "landlock.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#define DBX_LANDLOCK_RULE_NET_PORT 2
#define DBX_LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#define DBX_LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#define DBX_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define DBX_LANDLOCK_SCOPE_SIGNAL (1ULL << 1)

/* struct landlock_ruleset_attr as of ABI 6; the kernel is given the prefix its ABI knows. */
struct dbx_ruleset_attr {
        uint64_t handled_access_fs;
        uint64_t handled_access_net; /* ABI 4 */
        uint64_t scoped;             /* ABI 6 */
};

#define FS_MAKE_REMOVE                                                                                    \
        (LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR | \
         LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |       \
         LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM)
#define FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)

const struct landlock_right landlock_rights[] = {
        {"fs.execute", 1, LANDLOCK_ACCESS_FS_EXECUTE, 0, 0,
         "execute only the payload's own file and its interpreter (PT_INTERP or #!): under exec-once; when the "
         "profile lets the payload exec, no file where it can write (/tmp, /out, :rw volumes, /dev, /proc): under "
         "their noexec mounts"},
        {"fs.write", 1, LANDLOCK_ACCESS_FS_WRITE_FILE, 0, 0,
         "write files only under /out, /tmp, :rw volumes, /dev and /proc: under the read-only mounts"},
        {"fs.make_remove", 1, FS_MAKE_REMOVE, 0, 0,
         "create and remove only under /out, /tmp and :rw volumes: under the read-only mounts"},
        {"fs.read", 1, FS_READ, 0, 0,
         "read only inside the sandbox's root (no host file through a /proc link)"},
        {"fs.refer", 2, LANDLOCK_ACCESS_FS_REFER, 0, 0, "link and rename only within the writable trees"},
        {"fs.truncate", 3, LANDLOCK_ACCESS_FS_TRUNCATE, 0, 0, "truncate only under the writable trees"},
        {"fs.ioctl_dev", 5, LANDLOCK_ACCESS_FS_IOCTL_DEV, 0, 0, "device ioctls only on /dev's nodes"},
        {"net.bind_tcp", 4, 0, DBX_LANDLOCK_ACCESS_NET_BIND_TCP, 0, "no TCP bind: under seccomp"},
        {"net.connect_tcp", 4, 0, DBX_LANDLOCK_ACCESS_NET_CONNECT_TCP, 0,
         "no TCP connect: under the network namespace and seccomp"},
        {"scope.abstract_unix", 6, 0, 0, DBX_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET,
         "no abstract unix socket outside the sandbox: under the network namespace"},
        {"scope.signal", 6, 0, 0, DBX_LANDLOCK_SCOPE_SIGNAL,
         "no signal to a process outside the sandbox: under the pid namespace"},
};
const size_t landlock_rights_len = sizeof(landlock_rights) / sizeof(landlock_rights[0]);

int landlock_abi_from_result(long ret, int e)
{
        if (ret >= 0)
                return ret > LANDLOCK_ABI_KNOWN ? LANDLOCK_ABI_KNOWN : (int)ret;
        if (e == ENOSYS || e == EOPNOTSUPP)
                return 0; /* not built, or not enabled at boot (lsm=): a single-layer sandbox */
        return -e;
}

int landlock_abi(void)
{
        long r = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
        int abi = landlock_abi_from_result(r, errno);
        return abi < 0 ? 0 : abi;
}

void landlock_plan_for(int abi, bool exec_restricted, struct landlock_plan *ret)
{
        *ret = (struct landlock_plan){.abi = abi < 0 ? 0 : abi, .exec_restricted = exec_restricted};
        for (size_t i = 0; i < landlock_rights_len; i++) {
                const struct landlock_right *r = &landlock_rights[i];
                if (ret->abi < r->abi)
                        continue;
                ret->fs |= r->fs;
                ret->net |= r->net;
                ret->scoped |= r->scoped;
        }
}

bool landlock_right_enforced(const struct landlock_right *r, const struct landlock_plan *p)
{
        return (p->fs & r->fs) | (p->net & r->net) | (p->scoped & r->scoped);
}

const char *landlock_right_status(const struct landlock_right *r, const struct landlock_plan *p)
{
        static const char *const unavailable[] = {"unavailable (no Landlock)", "unavailable (ABI 1 needed)",
                                                  "unavailable (ABI 2 needed)", "unavailable (ABI 3 needed)",
                                                  "unavailable (ABI 4 needed)", "unavailable (ABI 5 needed)",
                                                  "unavailable (ABI 6 needed)", "unavailable (ABI 7 needed)"};
        if (landlock_right_enforced(r, p))
                return r->fs == LANDLOCK_ACCESS_FS_EXECUTE && !p->exec_restricted
                               ? "enforced (not where the payload can write)"
                               : "enforced";
        return unavailable[p->abi == 0 ? 0 : r->abi];
}

/* ---- the interpreter ---------------------------------------------------------------------- */

static int elf_interpreter(int fd, const Elf64_Ehdr *eh, char *ret, size_t size)
{
        if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum > 256)
                return -ENOEXEC;
        for (unsigned i = 0; i < eh->e_phnum; i++) {
                Elf64_Phdr ph;
                if (pread(fd, &ph, sizeof(ph), (off_t)(eh->e_phoff + i * sizeof(ph))) != (ssize_t)sizeof(ph))
                        return -ENOEXEC;
                if (ph.p_type != PT_INTERP)
                        continue;
                if (ph.p_filesz < 2 || ph.p_filesz > size)
                        return -ENAMETOOLONG;
                if (pread(fd, ret, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz || ret[ph.p_filesz - 1] != '\0')
                        return -ENOEXEC;
                return 0;
        }
        return 0; /* static */
}

int landlock_interpreter(int fd, char *ret, size_t size)
{
        union {
                Elf64_Ehdr eh;
                char text[256];
        } head;
        ssize_t n = pread(fd, &head, sizeof(head), 0);

        if (size)
                ret[0] = '\0';
        if (n < 0)
                return -errno;
        if ((size_t)n >= sizeof(Elf64_Ehdr) && memcmp(head.eh.e_ident, ELFMAG, SELFMAG) == 0)
                return elf_interpreter(fd, &head.eh, ret, size);
        if (n < 3 || head.text[0] != '#' || head.text[1] != '!')
                return 0; /* neither: the kernel will refuse it (ENOEXEC) whatever we allow */
        size_t i = 2, len;
        while (i < (size_t)n && (head.text[i] == ' ' || head.text[i] == '\t'))
                i++;
        len = strcspn(head.text + i, " \t\n");
        if (i + len >= (size_t)n || len == 0)
                return -ENOEXEC; /* the kernel's own limit is the same: the path within the first line read */
        if (len >= size)
                return -ENAMETOOLONG;
        memcpy(ret, head.text + i, len);
        ret[len] = '\0';
        return 0;
}

/* ---- applying it -------------------------------------------------------------------------- */

static int add_path_rule(int ruleset, const char *path, uint64_t allowed, uint64_t handled, bool optional,
                         struct dbx_error *err)
{
        struct landlock_path_beneath_attr pb = {.allowed_access = allowed & handled};
        if (!pb.allowed_access)
                return 0;
        pb.parent_fd = open(path, O_PATH | O_CLOEXEC);
        if (pb.parent_fd < 0 && optional && errno == ENOENT)
                return 0;
        if (pb.parent_fd < 0)
                return dbx_error_set(err, errno, "landlock: open %s: %s", path, strerror(errno));
        long r = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
        int e = errno;
        close(pb.parent_fd);
        if (r < 0)
                return dbx_error_set(err, e, "landlock: rule for %s: %s", path, strerror(e));
        return 0;
}

/* The payload's file, its interpreter, and (a `#!` script's interpreter being an ELF) that one's. */
static int add_exec_rules(int ruleset, const char *exec_path, uint64_t handled, struct dbx_error *err)
{
        char cur[4096], next[4096];
        snprintf(cur, sizeof(cur), "%s", exec_path);
        for (int depth = 0; depth < 3 && cur[0]; depth++) {
                int fd = open(cur, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        return dbx_error_set(err, errno, "landlock: cannot read %s to find its interpreter: %s", cur,
                                             strerror(errno));
                int r = landlock_interpreter(fd, next, sizeof(next));
                close(fd);
                if (r < 0)
                        return dbx_error_set(err, -r, "landlock: %s: no usable interpreter path: %s", cur, strerror(-r));
                r = add_path_rule(ruleset, cur, LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE, handled,
                                  false, err);
                if (r < 0)
                        return r;
                memcpy(cur, next, sizeof(cur));
        }
        return 0;
}

/* Where the sandbox can write (landlock_apply gives them the write rights): no exec there. */
static const char *const fixed_writable_trees[] = {"/tmp", "/out", "/dev", "/proc"};

/* path is tree, or (below) lies inside it: "/tmp/x" inside "/tmp", "/tmpx" not. */
static bool path_in(const char *path, const char *tree, bool below)
{
        size_t n = strlen(tree);
        return strncmp(path, tree, n) == 0 && (path[n] == '\0' || (below && path[n] == '/'));
}

static bool in_writable_tree(const struct sandbox_config *c, const char *path, bool below)
{
        for (size_t i = 0; i < ELEMENTSOF(fixed_writable_trees); i++)
                if (path_in(path, fixed_writable_trees[i], below))
                        return true;
        for (size_t i = 0; i < c->n_volumes; i++)
                if (c->volumes[i].writable && path_in(path, c->volumes[i].target, below))
                        return true;
        return false;
}

/* Does a writable :rw volume lie below dir ("/app" above "/app/data", not above "/apple")? */
static bool holds_writable_tree(const struct sandbox_config *c, const char *dir)
{
        for (size_t i = 0; i < c->n_volumes; i++)
                if (c->volumes[i].writable && strcmp(c->volumes[i].target, dir) != 0 &&
                    (strcmp(dir, "/") == 0 || path_in(c->volumes[i].target, dir, true)))
                        return true;
        return false;
}

/* When the profile lets the payload exec (subprocesses): execute anywhere in the new root but
 * where the sandbox can write -- a rule on every entry of dir except the writable trees, and,
 * for a directory that holds one deeper down (a :rw volume's parent), on its entries in turn
 * (a rule covers everything beneath it, so the parent itself can carry none).  Symbolic links
 * carry none: what they point to is reached by its own path.  Only "/" and a volume's parents
 * are listed; the root is read-only, so the list cannot change under us. */
static int add_exec_beneath(int ruleset, const struct sandbox_config *c, const char *dir, uint64_t handled, int depth,
                            struct dbx_error *err)
{
        DIR *d = opendir(dir);
        struct dirent *de;
        int r = 0;

        if (!d)
                return dbx_error_set(err, errno,
                                     "landlock: cannot list %s, which holds a writable volume, to allow exec beside it: %s "
                                     "(the sandbox user must be able to read it: chmod a+rx, or mount the volume elsewhere)",
                                     dir, strerror(errno));
        while (r >= 0 && (errno = 0, de = readdir(d))) {
                char path[4096];
                struct stat st;
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, de->d_name) >= (int)sizeof(path))
                        r = dbx_error_set(err, ENAMETOOLONG, "landlock: a path below %s is too long", dir);
                else if (in_writable_tree(c, path, false) || lstat(path, &st) < 0 || S_ISLNK(st.st_mode))
                        continue;
                else if (holds_writable_tree(c, path))
                        r = S_ISDIR(st.st_mode) && depth < 32 ? add_exec_beneath(ruleset, c, path, handled, depth + 1, err)
                                                              : 0;
                else
                        r = add_path_rule(ruleset, path, LANDLOCK_ACCESS_FS_EXECUTE, handled, false, err);
        }
        if (r >= 0 && errno != 0)
                r = dbx_error_set(err, errno, "landlock: reading %s: %s", dir, strerror(errno));
        closedir(d);
        return r;
}

/* The walk from "/", and the read-only volumes it cannot reach: those mounted inside a writable
 * one ("-v data:/data:rw -v tool:/data/tool:ro"), each from its own target in turn. */
static int add_exec_where_nothing_is_written(int ruleset, const struct sandbox_config *c, uint64_t handled,
                                             struct dbx_error *err)
{
        int r = add_exec_beneath(ruleset, c, "/", handled, 0, err);
        for (size_t i = 0; r >= 0 && i < c->n_volumes; i++) {
                const char *t = c->volumes[i].target;
                if (c->volumes[i].writable || !in_writable_tree(c, t, true))
                        continue;
                r = holds_writable_tree(c, t) ? add_exec_beneath(ruleset, c, t, handled, 1, err)
                                              : add_path_rule(ruleset, t, LANDLOCK_ACCESS_FS_EXECUTE, handled, false, err);
        }
        return r;
}

static size_t ruleset_attr_size(int abi)
{
        return abi >= 6 ? sizeof(struct dbx_ruleset_attr) : abi >= 4 ? 2 * sizeof(uint64_t) : sizeof(uint64_t);
}

int landlock_apply(const struct sandbox_config *c, const char *exec_path, bool exec_restricted,
                   struct dbx_error *err)
{
        struct landlock_plan p;
        landlock_plan_for(landlock_abi(), exec_restricted, &p);
        if (p.abi == 0)
                return 0; /* no Landlock here: the plan (and so explain, the bundle) says single layer */

        const uint64_t rw = FS_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | FS_MAKE_REMOVE | LANDLOCK_ACCESS_FS_REFER |
                            LANDLOCK_ACCESS_FS_TRUNCATE;
        struct dbx_ruleset_attr attr = {.handled_access_fs = p.fs, .handled_access_net = p.net, .scoped = p.scoped};
        int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, ruleset_attr_size(p.abi), 0);
        if (ruleset < 0)
                return dbx_error_set(err, errno, "landlock_create_ruleset (ABI %d): %s", p.abi, strerror(errno));

        /* read the whole new root (the mounts say what is read-only); write where they allow it */
        int r = add_path_rule(ruleset, "/", FS_READ, p.fs, false, err);
        if (r >= 0)
                r = add_path_rule(ruleset, "/proc", FS_READ | LANDLOCK_ACCESS_FS_WRITE_FILE, p.fs, true, err);
        if (r >= 0)
                r = add_path_rule(ruleset, "/dev",
                                  FS_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |
                                          LANDLOCK_ACCESS_FS_IOCTL_DEV,
                                  p.fs, true, err);
        if (r >= 0)
                r = add_path_rule(ruleset, "/tmp", rw, p.fs, true, err);
        if (r >= 0)
                r = add_path_rule(ruleset, "/out", rw, p.fs, true, err);
        for (size_t i = 0; r >= 0 && i < c->n_volumes; i++)
                if (c->volumes[i].writable)
                        r = add_path_rule(ruleset, c->volumes[i].target, rw, p.fs, false, err);
        /* the embedded probe is exec'd from a sealed memfd, which no path rule can name: Landlock
         * leaves files of internal mounts (memfd, pipes) to their own checks */
        if (r >= 0 && p.exec_restricted && exec_path)
                r = add_exec_rules(ruleset, exec_path, p.fs, err);
        else if (r >= 0 && !p.exec_restricted)
                r = add_exec_where_nothing_is_written(ruleset, c, p.fs, err);
        if (r >= 0 && syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
                r = dbx_error_set(err, errno, "landlock_restrict_self: %s", strerror(errno));
        close(ruleset);
        return r;
}
