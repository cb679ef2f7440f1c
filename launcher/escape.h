/* SPDX-License-Identifier: MIT */
/* Escaping for payload-controlled bytes (an exec path, a probe's output, anything read from the
 * sandbox's side): on a terminal they would be control sequences (ESC, CR, LF: forged lines,
 * terminal titles), in a report they would break its format. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Printable ASCII other than the backslash: the only bytes written as they are to a terminal. */
bool escape_byte_is_plain(unsigned char c);

/* s with every other byte as \xNN (the backslash as \\) into buf, NUL-terminated; a result that
 * does not fit ends in "...".  Returns buf.  s may be NULL ("(null)"). */
const char *escape_for_terminal(const char *s, char *buf, size_t size);

/* The length (1-4) of the valid, shortest-form UTF-8 sequence at s and its code point, or 0 if
 * s does not start one (a stray byte, an overlong form, a surrogate, beyond U+10FFFF). */
size_t escape_utf8_char(const char *s, uint32_t *ret_cp);
