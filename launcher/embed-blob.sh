#!/bin/sh
# embed-blob.sh SYMBOL INPUT OUTPUT.S — an assembler file that carries INPUT as read-only bytes
# between SYMBOL_start and SYMBOL_end.
set -eu
sym=$1 in=$(realpath "$2") out=$3
cat >"$out" <<ASM
        .section .rodata.$sym,"a"
        .balign 16
        .globl ${sym}_start
        .globl ${sym}_end
${sym}_start:
        .incbin "$in"
${sym}_end:
        .section .note.GNU-stack,"",@progbits
ASM
