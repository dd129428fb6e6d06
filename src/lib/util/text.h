/*
 * Bounded cursors over untrusted text: a line reader and small chained
 * parsers that advance a borrowed slice and fail cleanly (the model is
 * curl's docs/internals/STRPARSE.md). Every text dump vigie reads (dumpsys,
 * getprop, settings, ps, shutdown.log, taskinfo...) is parsed with these, so
 * no parser indexes a buffer by hand.
 *
 * A slice is never NUL-terminated: it borrows the bytes of the text it was
 * cut from. Functions that take a slice by pointer advance it only when they
 * succeed (return 1); on failure (0) the slice is left as it was.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_UTIL_TEXT_H
#define VG_UTIL_TEXT_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/* A borrowed piece of text. */
struct vg_str {
    const char *p;
    size_t n;
};

#define VG_STR_LIT(s) ((struct vg_str){(s), sizeof(s) - 1})

struct vg_str vg_str_of(const char *s); /* NULL gives the empty slice */

/* ---- lines ---- */

struct vg_lines {
    const char *p;
    size_t len, off;
    size_t lineno;   /* of the line last returned, from 1 */
    size_t max_line; /* longer lines are cut (see vg_lines_next) */
    size_t cut;      /* lines cut so far */
    int mode;        /* enum vg_lines_mode */
};

/* max_line 0 means VG_MAX_TEXT_LINE. */
void vg_lines_init(struct vg_lines *l, const void *text, size_t len, size_t max_line);
/* The next line without its "\n" or "\r\n" (a last line without one
 * counts). 1 when there is one, 0 at the end. A line longer than max_line
 * is returned cut to max_line bytes, the rest skipped and l->cut counted,
 * so one giant line can neither stall nor swell a parser. */
int vg_lines_next(struct vg_lines *l, struct vg_str *line);
/* Offset of the next line's first byte (for "at offset N" messages). */
size_t vg_lines_offset(const struct vg_lines *l);

/* Where lines end. MVT reads text dumps with Python's splitlines(), which
 * ends lines at more than "\n"; a parser that must cut the same lines as
 * MVT picks the Python rule (after vg_lines_init). */
enum vg_lines_mode {
    VG_LINES_LF = 0,   /* "\n" ("\r\n" too: a "\r" before it is dropped) */
    VG_LINES_PY_BYTES, /* bytes.splitlines(): "\n", "\r\n", "\r" */
    /* str.splitlines() on UTF-8 text: also \v \f \x1c \x1d \x1e and
     * U+0085, U+2028, U+2029 (whose UTF-8 bytes can only mean them) */
    VG_LINES_PY_STR,
};
void vg_lines_set_mode(struct vg_lines *l, enum vg_lines_mode mode);

/* ---- slices ---- */

int vg_str_eq(struct vg_str s, const char *lit);
/* The same bytes (NUL bytes included). */
int vg_str_same(struct vg_str a, struct vg_str b);
int vg_str_starts(struct vg_str s, const char *lit);
int vg_str_ends(struct vg_str s, const char *lit);
/* Index of the first c in s, or -1. */
long vg_str_find(struct vg_str s, char c);
/* Index of the first occurrence of lit in s, or -1. */
long vg_str_find_str(struct vg_str s, const char *lit);
/* Index of the last c in s, or -1. */
long vg_str_rfind(struct vg_str s, char c);
/* Bytes [from, to) of s, both clamped to s (to < from gives ""). */
struct vg_str vg_str_sub(struct vg_str s, size_t from, size_t to);
/* Index of the first byte of s that is in set, or -1 (strpbrk). */
long vg_str_find_any(struct vg_str s, const char *set);
/* Without leading / trailing spaces and tabs (and \r). */
struct vg_str vg_str_trim(struct vg_str s);
/* Python's str.strip(chars) / str.rstrip(chars): without the leading and
 * trailing (or only trailing) bytes that are in set. With VG_PY_SPACE as
 * set it is str.strip() on ASCII text, for parsers that must cut values
 * where MVT does. */
#define VG_PY_SPACE " \t\n\r\v\f\x1c\x1d\x1e\x1f"
struct vg_str vg_str_strip_set(struct vg_str s, const char *set);
struct vg_str vg_str_rstrip_set(struct vg_str s, const char *set);
/* Leading spaces and tabs in s. */
size_t vg_str_indent(struct vg_str s);
/* Without leading / trailing ASCII white space as Python counts it (space,
 * \t \n \v \f \r and 0x1C-0x1F): str.strip() / rstrip() on ASCII text
 * (MVT strips lines so). */
struct vg_str vg_str_strip(struct vg_str s);
struct vg_str vg_str_rstrip(struct vg_str s);

/* ---- chained parsers (advance *s on success) ---- */

/* Skips spaces and tabs; always succeeds, returns how many. */
size_t vg_str_skip_ws(struct vg_str *s);
/* The literal lit at the start of *s. */
int vg_str_eat(struct vg_str *s, const char *lit);
/* One character c at the start of *s. */
int vg_str_eat_char(struct vg_str *s, char c);
/* Everything up to (not including) the first c; *s is left after the c.
 * Fails when there is no c. */
int vg_str_until(struct vg_str *s, char c, struct vg_str *out);
/* Like vg_str_until with a literal separator. */
int vg_str_until_str(struct vg_str *s, const char *sep, struct vg_str *out);
/* A run of non-blank characters (at least one), after skipping blanks. */
int vg_str_word(struct vg_str *s, struct vg_str *out);
/* A run of bytes other than ASCII white space (at least one), after
 * skipping white space: the fields Python's str.split() cuts ASCII text
 * into (MVT splits ps lines so). */
int vg_str_field(struct vg_str *s, struct vg_str *out);
/* Unsigned / signed decimal numbers (at least one digit, no overflow). */
int vg_str_u64(struct vg_str *s, uint64_t *out);
int vg_str_i64(struct vg_str *s, int64_t *out);
/* A hexadecimal number with an optional 0x. */
int vg_str_hex64(struct vg_str *s, uint64_t *out);
/* A decimal number "ddd[.ddd]" (no sign, no exponent, at most
 * VG_MAX_DECIMAL_DIGITS digits) as the double nearest to it, whatever the
 * locale: the value Python's float() gives for the same text. */
int vg_str_decimal(struct vg_str *s, double *out);
/* Text between open and close at the start of *s, e.g. "[key]": fails
 * without both. */
int vg_str_bracketed(struct vg_str *s, char open, char close, struct vg_str *out);

/* ---- conversions ---- */

/* A NUL-terminated copy (NULL on allocation failure). */
char *vg_str_dup(struct vg_str s);
/* Copies into buf (cap bytes, always terminated); 0 when it did not fit. */
int vg_str_copy(struct vg_str s, char *buf, size_t cap);
/* The whole slice as a number. */
int vg_str_to_u64(struct vg_str s, uint64_t *out);
int vg_str_to_i64(struct vg_str s, int64_t *out);

/* ---- Python's rules (MVT's parsers are Python) ----
 *
 * These follow Python's str methods on UTF-8 text: whitespace is what
 * str.isspace() accepts, positions count code points. On text that is not
 * UTF-8 they stay bounded and well defined, but only UTF-8 (e.g. a line
 * repaired with vg_utf8_repair) gives Python's answers. */

/* Bytes of the Python whitespace character starting s (0 if none):
 * \t \n \v \f \r \x1c-\x1f space, U+0085 U+00A0 U+1680 U+2000-U+200A
 * U+2028 U+2029 U+202F U+205F U+3000. */
size_t vg_py_space(struct vg_str s);
/* str.strip() / lstrip() / rstrip() without arguments. */
struct vg_str vg_str_py_strip(struct vg_str s);
struct vg_str vg_str_py_lstrip(struct vg_str s);
struct vg_str vg_str_py_rstrip(struct vg_str s);
/* bytes.strip() / lstrip() / rstrip(): ASCII space \t \n \r \v \f. */
struct vg_str vg_str_bytes_strip(struct vg_str s);
struct vg_str vg_str_bytes_lstrip(struct vg_str s);
struct vg_str vg_str_bytes_rstrip(struct vg_str s);
/* The next field of str.split() (runs of Python whitespace separate
 * fields); 0 when none is left. */
int vg_str_py_word(struct vg_str *s, struct vg_str *out);
/* Strips every c from both ends: str.strip(c). */
struct vg_str vg_str_strip_char(struct vg_str s, char c);

/* Code points in s (bytes that are not UTF-8 continuation bytes). */
size_t vg_str_cp_len(struct vg_str s);
/* s[start:stop] in code points with Python's rules: negative positions
 * count from the end, both are clamped, stop <= start gives "".
 * VG_PY_END as stop means "to the end" (s[start:]). */
#define VG_PY_END LONG_MAX
struct vg_str vg_str_py_slice(struct vg_str s, long start, long stop);
/* str.find(lit): the code point index of the first lit, or -1. */
long vg_str_py_find(struct vg_str s, const char *lit);

/* Between min and max ASCII digits (reads at most max) as a number. */
int vg_str_digits(struct vg_str *s, size_t min, size_t max, uint64_t *out);

#endif
