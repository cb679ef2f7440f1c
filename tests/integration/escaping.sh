#!/bin/bash
# Payload bytes on the caller's terminal: a payload execs a path made of ESC, CR, LF and a
# title-setting OSC sequence ("\r\ndenybox: exec allowed"): denybox's denied-exec line shows it
# escaped, forges no line and sends no control byte; a root whose path carries the same bytes
# leaves the terminal, the Markdown report and the JUnit file (still valid) free of them.
. "$(dirname "$0")/common.sh"
command -v xmllint >/dev/null || { echo "xmllint is needed"; exit 77; }
XSD="$(dirname "$0")/junit.xsd"
make_busybox_rootfs "$T/r"
evil=$(printf '/x\r\ndenybox: exec allowed\033]0;pwned\007\033[2J')
not_has_line() { ! grep -q '^denybox: exec allowed' "$1"; }
no_control() { ! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$1"; } # anything but tab and newline

# the payload's own stderr goes nowhere: everything on stderr is denybox's
run_db run --rootfs "$T/r" -- /bin/sh -c 'exec 2>/dev/null; exec "$1"' sh "$evil"
check "the exec was denied (rc=$rc)" [ $rc != 0 ]
check "denybox printed its denied-exec line" has "exec denied" "$T/err"
check "...with no control byte on the terminal (ESC, CR, BEL)" no_control "$T/err"
check "...and no forged line" not_has_line "$T/err"
check "...the path shown escaped" has 'execve("/x\\x0d\\x0adenybox: exec allowed\\x1b]0;pwned\\x07\\x1b\[2J")' "$T/err"
check "stderr is that one line" one_line "$T/err"

# a root whose path carries the same bytes: attest's terminal output and its reports
R="$T/root$evil"
mkdir -p "$R" && cp -a "$T/r/." "$R/"
run_db attest --rootfs "$R" -o "$T/ev"
check "attest ran with that root (rc=$rc)" [ $rc = 0 -o $rc = 2 ]
check "...its stdout has no control byte" no_control "$T/out"
check "...its stderr neither" no_control "$T/err"
check "...the Markdown neither" no_control "$T/ev/sandbox-attestation-report.md"
check "...and shows the path escaped" has 'root/x\\x0d\\x0adenybox: exec allowed\\x1b\]0;pwned\\x07' "$T/ev/sandbox-attestation-report.md"
check "the JUnit file has no control byte" no_control "$T/ev/sandbox-attestation-junit.xml"
check "...and still validates against the JUnit schema" xmllint --noout --schema "$XSD" "$T/ev/sandbox-attestation-junit.xml"
finish
