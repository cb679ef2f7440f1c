/* SPDX-License-Identifier: MIT */
/* A strict classic-BPF evaluator for seccomp programs (bpf_sim.h), for tests only.  Semantics as
 * in the kernel's classic BPF interpreter, restricted to what kernel/seccomp.c's
 * seccomp_check_filter() admits and libseccomp's gen_bpf.c emits. */
#include "bpf_sim.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char msg[160];

static const char *bad(size_t pc, const struct sock_filter *f, const char *why)
{
        snprintf(msg, sizeof(msg), "insn %zu {code 0x%04x, jt %u, jf %u, k 0x%08x}: %s", pc, f->code, f->jt, f->jf, f->k, why);
        return msg;
}

/* A jump target pc + 1 + off must stay inside the program (off counts from the next insn). */
static bool in_range(size_t pc, uint64_t off, size_t n)
{
        return pc + 1 + off < n;
}

const char *bpf_sim_check(const struct sock_filter *prog, size_t n)
{
        if (!prog || n == 0 || n > BPF_MAXINSNS) {
                snprintf(msg, sizeof(msg), "program length %zu not in 1..%d", n, BPF_MAXINSNS);
                return msg;
        }
        for (size_t pc = 0; pc < n; pc++) {
                const struct sock_filter *f = &prog[pc];
                switch (f->code) {
                case BPF_LD | BPF_W | BPF_ABS:
                        if (f->k >= sizeof(struct seccomp_data) || (f->k & 3))
                                return bad(pc, f, "load outside struct seccomp_data or unaligned");
                        break;
                case BPF_LD | BPF_W | BPF_MEM:
                case BPF_LDX | BPF_W | BPF_MEM:
                case BPF_ST:
                case BPF_STX:
                        if (f->k >= BPF_MEMWORDS)
                                return bad(pc, f, "scratch memory index out of range");
                        break;
                case BPF_ALU | BPF_AND | BPF_K:
                case BPF_RET | BPF_K:
                case BPF_MISC | BPF_TAX:
                case BPF_MISC | BPF_TXA:
                        break;
                case BPF_JMP | BPF_JA:
                        if (!in_range(pc, f->k, n))
                                return bad(pc, f, "jump out of range");
                        break;
                case BPF_JMP | BPF_JEQ | BPF_K:
                case BPF_JMP | BPF_JGT | BPF_K:
                case BPF_JMP | BPF_JGE | BPF_K:
                case BPF_JMP | BPF_JSET | BPF_K:
                        if (!in_range(pc, f->jt, n) || !in_range(pc, f->jf, n))
                                return bad(pc, f, "conditional jump out of range");
                        break;
                default:
                        return bad(pc, f, "opcode not supported (libseccomp does not emit it)");
                }
        }
        if (prog[n - 1].code != (BPF_RET | BPF_K))
                return bad(n - 1, &prog[n - 1], "program does not end in RET");
        return NULL;
}

static void die(const char *why)
{
        fprintf(stderr, "bpf_sim: rejected program: %s\n", why);
        fflush(stderr);
        abort();
}

uint32_t bpf_sim_run(const struct sock_filter *prog, size_t n, const struct seccomp_data *d)
{
        const char *why = bpf_sim_check(prog, n);
        if (why)
                die(why);
        uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = { 0 };
        unsigned written = 0; /* bit i: M[i] has been stored to */
        /* Every jump goes forward, so at most n steps; the bound is a second guard. */
        for (size_t pc = 0, steps = 0; pc < n && steps < n; pc++, steps++) {
                const struct sock_filter *f = &prog[pc];
                switch (f->code) {
                case BPF_LD | BPF_W | BPF_ABS:
                        memcpy(&A, (const char *)d + f->k, sizeof(A)); /* native-endian word, as the kernel */
                        break;
                case BPF_LD | BPF_W | BPF_MEM:
                case BPF_LDX | BPF_W | BPF_MEM:
                        if (!(written & (1u << f->k)))
                                die(bad(pc, f, "read of scratch memory never written"));
                        *(f->code == (BPF_LD | BPF_W | BPF_MEM) ? &A : &X) = M[f->k];
                        break;
                case BPF_ST:
                case BPF_STX:
                        M[f->k] = f->code == BPF_ST ? A : X;
                        written |= 1u << f->k;
                        break;
                case BPF_ALU | BPF_AND | BPF_K: A &= f->k; break;
                case BPF_MISC | BPF_TAX: X = A; break;
                case BPF_MISC | BPF_TXA: A = X; break;
                case BPF_RET | BPF_K: return f->k;
                case BPF_JMP | BPF_JA: pc += f->k; break;
                case BPF_JMP | BPF_JEQ | BPF_K: pc += A == f->k ? f->jt : f->jf; break;
                case BPF_JMP | BPF_JGT | BPF_K: pc += A > f->k ? f->jt : f->jf; break;
                case BPF_JMP | BPF_JGE | BPF_K: pc += A >= f->k ? f->jt : f->jf; break;
                case BPF_JMP | BPF_JSET | BPF_K: pc += (A & f->k) ? f->jt : f->jf; break;
                default: die(bad(pc, f, "opcode not supported")); /* bpf_sim_check() let it through?! */
                }
        }
        die("ran off the end of the program");
        return 0;
}

uint32_t bpf_sim_run_bytes(const void *data, size_t len, const struct seccomp_data *d)
{
        if (!data || len % sizeof(struct sock_filter))
                die("blob length is not a multiple of sizeof(struct sock_filter)");
        return bpf_sim_run(data, len / sizeof(struct sock_filter), d);
}

uint32_t bpf_sim_stack(uint32_t newer, uint32_t older)
{
        return (int32_t)(older & SECCOMP_RET_ACTION_FULL) < (int32_t)(newer & SECCOMP_RET_ACTION_FULL) ? older : newer;
}

const char *bpf_sim_action_name(uint32_t ret, char *buf, size_t size)
{
        static const struct { uint32_t act; const char *name; } t[] = {
                { SECCOMP_RET_KILL_PROCESS, "KILL_PROCESS" }, { SECCOMP_RET_KILL_THREAD, "KILL_THREAD" },
                { SECCOMP_RET_TRAP, "TRAP" },                 { SECCOMP_RET_ERRNO, "ERRNO" },
                { SECCOMP_RET_USER_NOTIF, "USER_NOTIF" },     { SECCOMP_RET_TRACE, "TRACE" },
                { SECCOMP_RET_LOG, "LOG" },                   { SECCOMP_RET_ALLOW, "ALLOW" },
        };
        for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
                if ((ret & SECCOMP_RET_ACTION_FULL) == t[i].act) {
                        if (t[i].act == SECCOMP_RET_ERRNO || t[i].act == SECCOMP_RET_TRACE)
                                snprintf(buf, size, "%s(%u)", t[i].name, ret & SECCOMP_RET_DATA);
                        else if (ret & SECCOMP_RET_DATA)
                                snprintf(buf, size, "%s+0x%x", t[i].name, ret & SECCOMP_RET_DATA);
                        else
                                snprintf(buf, size, "%s", t[i].name);
                        return buf;
                }
        snprintf(buf, size, "unknown(0x%08x)", ret);
        return buf;
}
