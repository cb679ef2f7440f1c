#!/usr/bin/env python3
"""bench-actioncache.py NAME FILE.bpf N1 — which x86_64 syscalls never run the filters.

Since Linux 5.11 the kernel keeps, per filter chain, a bitmap of the syscall numbers for which
every filter returns SECCOMP_RET_ALLOW whatever the arguments (kernel/seccomp.c,
seccomp_is_const_allow: the program is run with only the architecture and the syscall number
known; a load of an argument or of the instruction pointer makes the result unknown).  Those
syscalls skip BPF entirely.  This replays that check on FILE (stage 1 = its first N1
instructions, stage 2 = the rest; N1 = 0: one program) and prints one TSV line: NAME, the number
of syscall numbers 0..MAX that bypass, and for each hot syscall whether it does."""
import struct, sys

AUDIT_ARCH_X86_64 = 0xC000003E
MAX_NR = 462
HOT = {"read": 0, "write": 1, "close": 3, "fstat": 5, "lseek": 8, "mmap": 9, "mprotect": 10, "munmap": 11,
       "brk": 12, "rt_sigaction": 13, "rt_sigprocmask": 14, "rt_sigreturn": 15, "pread64": 17, "sched_yield": 24,
       "getpid": 39, "getppid": 110, "futex": 202, "clock_gettime": 228, "exit_group": 231, "epoll_wait": 232,
       "openat": 257, "newfstatat": 262, "ppoll": 271, "getrandom": 318, "statx": 332, "ioctl": 16, "clone": 56,
       "execve": 59}
RET_ALLOW = 0x7FFF0000


def const_allow(prog, nr):
    a, pc = 0, 0
    while pc < len(prog):
        code, jt, jf, k = prog[pc]
        cls = code & 0x07
        if code == 0x20:  # LD W ABS
            if k == 0:
                a = nr
            elif k == 4:
                a = AUDIT_ARCH_X86_64
            else:
                return False  # an argument or the instruction pointer: not constant
        elif cls == 0x06:  # RET
            if code & 0x18 != 0x00:  # RET A / RET X
                return False
            return (k & 0xFFFF0000) == RET_ALLOW
        elif code == 0x05:  # JA
            pc += k
        elif cls == 0x05:
            op, src = code & 0xF0, code & 0x08
            if src:
                return False
            if op == 0x10:
                t = a == k
            elif op == 0x20:
                t = a > k
            elif op == 0x30:
                t = a >= k
            elif op == 0x40:
                t = (a & k) != 0
            else:
                return False
            pc += jt if t else jf
        elif code == 0x54:  # ALU AND K
            a &= k
        else:
            return False
        pc += 1
    return False


def main():
    name, path, n1 = sys.argv[1], sys.argv[2], int(sys.argv[3])
    data = open(path, "rb").read()
    ins = [struct.unpack_from("<HBBI", data, i) for i in range(0, len(data), 8)]
    progs = [ins[:n1], ins[n1:]] if n1 else [ins]
    bypass = {nr for nr in range(MAX_NR + 1) if all(const_allow(p, nr) for p in progs)}
    print("profile\tinstructions\tbypass\tof\t" + "\t".join(HOT))
    print(f"{name}\t{'+'.join(str(len(p)) for p in progs)}\t{len(bypass)}\t{MAX_NR + 1}\t" +
          "\t".join("yes" if HOT[h] in bypass else "no" for h in HOT))


main()
