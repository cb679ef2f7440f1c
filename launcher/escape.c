/* SPDX-License-Identifier: MIT */
#include "escape.h"

#include <stdio.h>
#include <string.h>

bool escape_byte_is_plain(unsigned char c)
{
        return c >= 0x20 && c < 0x7f && c != '\\';
}

/* c as it is shown: itself, "\\\\" or "\\xNN"; returns the length. */
static size_t escape_one(unsigned char c, char e[5])
{
        if (escape_byte_is_plain(c)) {
                e[0] = (char)c;
                e[1] = '\0';
                return 1;
        }
        if (c == '\\') {
                memcpy(e, "\\\\", 3);
                return 2;
        }
        snprintf(e, 5, "\\x%02x", c);
        return 4;
}

const char *escape_for_terminal(const char *s, char *buf, size_t size)
{
        char e[5];
        size_t k = 0, total = 0;
        if (size < 4)
                return size ? (buf[0] = '\0', buf) : buf;
        if (!s)
                s = "(null)";
        for (const char *p = s; *p; p++)
                total += escape_one((unsigned char)*p, e);
        bool cut = total + 1 > size;
        size_t limit = cut ? size - 4 : size - 1;
        for (; *s; s++) {
                size_t n = escape_one((unsigned char)*s, e);
                if (k + n > limit)
                        break;
                memcpy(buf + k, e, n);
                k += n;
        }
        memcpy(buf + k, cut ? "..." : "", cut ? 4 : 1);
        return buf;
}

size_t escape_utf8_char(const char *s, uint32_t *ret_cp)
{
        const unsigned char *u = (const unsigned char *)s;
        size_t n;
        uint32_t cp, min;
        if (u[0] < 0x80) {
                *ret_cp = u[0];
                return 1;
        }
        if ((u[0] & 0xe0) == 0xc0)
                n = 2, cp = u[0] & 0x1f, min = 0x80;
        else if ((u[0] & 0xf0) == 0xe0)
                n = 3, cp = u[0] & 0x0f, min = 0x800;
        else if ((u[0] & 0xf8) == 0xf0)
                n = 4, cp = u[0] & 0x07, min = 0x10000;
        else
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((u[i] & 0xc0) != 0x80) /* also stops at the NUL */
                        return 0;
                cp = (cp << 6) | (u[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        *ret_cp = cp;
        return n;
}
