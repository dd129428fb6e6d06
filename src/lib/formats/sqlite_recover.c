/*
 * SQLite deleted-row recovery (see sqlite_recover.h; the layout, the
 * heuristics and the sources are in docs/formats/sqlite-recovery.md).
 *
 * Written by hand: libsqlite3 reads live b-trees only. SQLite's own
 * recovery (ext/recover, the shell's .recover) rebuilds live and orphaned
 * pages, never freeblocks or superseded WAL frames, and Debian ships it only
 * inside the sqlite3 shell.
 *
 * Every page is copied into a buffer of page_size bytes owned here; offsets
 * read from it are compared with the usable size as integers before any
 * byte is touched.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <math.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "formats/sqlite_recover.h"
#include "io/io.h"
#include "util/utf8.h"

#define DB_HDR         100u
#define DB_MAGIC       "SQLite format 3" /* and its NUL: 16 bytes */
#define WAL_HDR        32u
#define WAL_FRAME_HDR  24u
#define WAL_MAGIC      0x377f0682u
#define WAL_VERSION    3007000u
#define MIN_PAGE       512u
#define MAX_PAGE       65536u
#define MIN_USABLE     480u /* SQLite refuses a smaller usable page */
#define LEAF_TABLE     0x0du
#define INTERIOR_TABLE 0x05u
#define LEAF_HDR       8u
#define INTERIOR_HDR   12u
#define FB_HDR         4u  /* a freeblock: next freeblock (2 bytes), size (2 bytes) */
#define MAX_CELL_PFX   18u /* payload size and rowid varints: 9 bytes each at most */
#define HASH_LEN       16u /* SHA-256 truncated: 128 bits */
#define MAX_ENDS       8u  /* record ends tried when a text length was overwritten */
#define NO_COL         SIZE_MAX

/* ------------------------------------------------------------ bytes */

/* Big-endian integers at p[off..n); 0 (and *v = 0) when they are cut. */
static int get16(const unsigned char *p, size_t n, size_t off, uint32_t *v)
{
    *v = 0;
    if (off > n || n - off < 2)
        return 0;
    *v = (uint32_t)p[off] << 8 | p[off + 1];
    return 1;
}

static int get32(const unsigned char *p, size_t n, size_t off, uint32_t *v)
{
    *v = 0;
    if (off > n || n - off < 4)
        return 0;
    *v = (uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 | (uint32_t)p[off + 2] << 8 |
         p[off + 3];
    return 1;
}

/* A SQLite varint at p[off..n): 1 to 9 bytes, 7 bits each big-endian with
 * the high bit saying another follows, the ninth byte whole. Returns its
 * length, 0 when it is cut. */
static size_t get_varint(const unsigned char *p, size_t n, size_t off, uint64_t *v)
{
    uint64_t x = 0;
    size_t i;

    if (off >= n)
        return 0;
    for (i = 0; i < 8; i++) {
        if (n - off <= i)
            return 0;
        x = x << 7 | (p[off + i] & 0x7fu);
        if (!(p[off + i] & 0x80u)) {
            *v = x;
            return i + 1;
        }
    }
    if (n - off <= 8)
        return 0;
    *v = x << 8 | p[off + 8];
    return 9;
}

/* Encodes v as SQLite does; returns the length (1 to 9). */
static size_t put_varint(uint64_t v, unsigned char out[9])
{
    unsigned char tmp[9];
    size_t n = 0, i;

    if (v >> 56) {
        out[8] = (unsigned char)v;
        v >>= 8;
        for (i = 8; i-- > 0;) {
            out[i] = (unsigned char)((v & 0x7fu) | 0x80u);
            v >>= 7;
        }
        return 9;
    }
    do {
        tmp[n++] = (unsigned char)((v & 0x7fu) | 0x80u);
        v >>= 7;
    } while (v);
    tmp[0] &= 0x7fu;
    for (i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

static size_t varint_len(uint64_t v)
{
    unsigned char b[9];
    return put_varint(v, b);
}

/* Storage class of serial type st (0 for the reserved 10 and 11) and the
 * bytes its value takes in the record body. */
static unsigned serial_class(uint64_t st, uint64_t *len)
{
    static const unsigned char int_len[] = {0, 1, 2, 3, 4, 6, 8};

    if (st == 0) {
        *len = 0;
        return VG_SQLR_NULL;
    }
    if (st <= 6) {
        *len = int_len[st];
        return VG_SQLR_INT;
    }
    if (st == 7) {
        *len = 8;
        return VG_SQLR_REAL;
    }
    if (st == 8 || st == 9) {
        *len = 0;
        return VG_SQLR_INT;
    }
    if (st < 12)
        return 0;
    *len = (st - 12) / 2;
    return (st & 1) ? VG_SQLR_TEXT : VG_SQLR_BLOB;
}

static int bit_get(const uint8_t *b, uint32_t i)
{
    return b && (b[i >> 3] >> (i & 7)) & 1;
}

static void bit_set(uint8_t *b, uint32_t i)
{
    b[i >> 3] = (uint8_t)(b[i >> 3] | 1u << (i & 7));
}

static void bit_clear(uint8_t *b, uint32_t i)
{
    b[i >> 3] = (uint8_t)(b[i >> 3] & ~(1u << (i & 7)));
}

/* ------------------------------------------------------------ schema */

struct vg_sqlr_schema {
    struct vg_sqlr_column *cols;
    size_t ncols, min_cols;
    size_t rowid_col; /* NO_COL when the table has no rowid alias */
    uint32_t root;
    char *names; /* the columns' names, each NUL-terminated */
};

enum tok_kind { TK_END, TK_WORD, TK_QUOTED, TK_STRING, TK_NUMBER, TK_PUNCT };

struct tok {
    enum tok_kind kind;
    size_t at, len; /* span in the statement, quotes included */
};

struct sp {
    const char *s;
    size_t n, off;
    struct tok t; /* current token */
    const char *err;
    size_t err_at;
};

static int is_word_byte(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || c >= 0x80;
}

static void sp_fail(struct sp *p, const char *why, size_t at)
{
    if (!p->err) {
        p->err = why;
        p->err_at = at;
    }
    p->t.kind = TK_END;
}

/* Fails at the current token. */
static int sp_error(struct sp *p, const char *why)
{
    sp_fail(p, why, p->t.at);
    return VG_E_CORRUPT;
}

/* Skips blanks and comments (-- to the end of the line, and C comments). */
static void sp_blank(struct sp *p)
{
    while (p->off < p->n) {
        unsigned char c = (unsigned char)p->s[p->off];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            p->off++;
        } else if (c == '-' && p->n - p->off >= 2 && p->s[p->off + 1] == '-') {
            while (p->off < p->n && p->s[p->off] != '\n')
                p->off++;
        } else if (c == '/' && p->n - p->off >= 2 && p->s[p->off + 1] == '*') {
            p->off += 2;
            while (p->off < p->n &&
                   !(p->s[p->off] == '*' && p->n - p->off >= 2 && p->s[p->off + 1] == '/'))
                p->off++;
            p->off = p->off < p->n ? p->off + 2 : p->n;
        } else {
            return;
        }
    }
}

/* A quoted token ending with close; a doubled close is an escaped one. */
static void sp_quoted(struct sp *p, char close, enum tok_kind kind)
{
    size_t start = p->off++;

    for (;;) {
        if (p->off >= p->n) {
            sp_fail(p, "unterminated quote", start);
            return;
        }
        if (p->s[p->off] == close) {
            if (close != ']' && p->n - p->off >= 2 && p->s[p->off + 1] == close) {
                p->off += 2;
                continue;
            }
            p->off++;
            break;
        }
        p->off++;
    }
    p->t.kind = kind;
    p->t.at = start;
    p->t.len = p->off - start;
}

static void sp_next(struct sp *p)
{
    unsigned char c;

    if (p->err)
        return;
    sp_blank(p);
    p->t.at = p->off;
    p->t.len = 0;
    if (p->off >= p->n) {
        p->t.kind = TK_END;
        return;
    }
    c = (unsigned char)p->s[p->off];
    if (c == '"' || c == '`' || c == '[') {
        sp_quoted(p, c == '[' ? ']' : (char)c, TK_QUOTED);
    } else if (c == '\'') {
        sp_quoted(p, '\'', TK_STRING);
    } else if ((c >= '0' && c <= '9') || (c == '.' && p->n - p->off >= 2 &&
                                          p->s[p->off + 1] >= '0' && p->s[p->off + 1] <= '9')) {
        while (p->off < p->n && (is_word_byte((unsigned char)p->s[p->off]) || p->s[p->off] == '.'))
            p->off++;
        p->t.kind = TK_NUMBER;
        p->t.len = p->off - p->t.at;
    } else if (is_word_byte(c)) {
        while (p->off < p->n && is_word_byte((unsigned char)p->s[p->off]))
            p->off++;
        p->t.kind = TK_WORD;
        p->t.len = p->off - p->t.at;
    } else {
        p->off++;
        p->t.kind = TK_PUNCT;
        p->t.len = 1;
    }
}

static int ascii_ieq(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i;

    if (an != bn)
        return 0;
    for (i = 0; i < an; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'a' && x <= 'z')
            x = (unsigned char)(x - 32);
        if (y >= 'a' && y <= 'z')
            y = (unsigned char)(y - 32);
        if (x != y)
            return 0;
    }
    return 1;
}

static int sp_kw(const struct sp *p, const char *kw)
{
    return p->t.kind == TK_WORD && ascii_ieq(p->s + p->t.at, p->t.len, kw, strlen(kw));
}

static int sp_punct(const struct sp *p, char c)
{
    return p->t.kind == TK_PUNCT && p->s[p->t.at] == c;
}

/* At '(' : skips to just after the matching ')'. */
static void sp_skip_group(struct sp *p)
{
    size_t depth = 0, start = p->t.at;

    for (;;) {
        if (p->t.kind == TK_END) {
            sp_fail(p, "unbalanced parenthesis", start);
            return;
        }
        if (sp_punct(p, '('))
            depth++;
        else if (sp_punct(p, ')') && --depth == 0)
            break;
        sp_next(p);
    }
    sp_next(p);
}

/* The words that end a column's type name and start its constraints. */
static int sp_constraint_kw(const struct sp *p)
{
    static const char *const kw[] = {"CONSTRAINT", "PRIMARY", "NOT",      "NULL",
                                     "UNIQUE",     "CHECK",   "DEFAULT",  "COLLATE",
                                     "REFERENCES", "AS",      "GENERATED"};
    size_t i;

    for (i = 0; i < VG_ARRAY_LEN(kw); i++)
        if (sp_kw(p, kw[i]))
            return 1;
    return 0;
}

static int sp_table_constraint(const struct sp *p)
{
    return sp_kw(p, "CONSTRAINT") || sp_kw(p, "PRIMARY") || sp_kw(p, "UNIQUE") ||
           sp_kw(p, "CHECK") || sp_kw(p, "FOREIGN");
}

static int sp_name_token(const struct sp *p)
{
    return p->t.kind == TK_WORD || p->t.kind == TK_QUOTED || p->t.kind == TK_STRING;
}

/* What the parser learns about one column before the schema is built. */
struct pcol {
    struct tok name;
    size_t type_at, type_len; /* declared type as written */
    int pk, pk_desc, notnull, generated, stored;
};

struct pschema {
    struct pcol *c;
    size_t n, cap;
    struct tok pk_table; /* single-column table PRIMARY KEY(...), kind TK_END if none */
    int pk_table_count;
    int constraints; /* a table constraint was seen: no more columns */
    int strict;
};

/* Column constraints, up to the ',' or ')' ending the definition. */
static void sp_col_constraints(struct sp *p, struct pcol *c)
{
    while (p->t.kind != TK_END && !sp_punct(p, ',') && !sp_punct(p, ')')) {
        if (sp_punct(p, '(')) {
            sp_skip_group(p);
            continue;
        }
        if (sp_kw(p, "PRIMARY")) {
            c->pk = 1;
            sp_next(p);
            if (sp_kw(p, "KEY"))
                sp_next(p);
            if (sp_kw(p, "DESC"))
                c->pk_desc = 1;
            continue;
        }
        if (sp_kw(p, "NOT")) {
            sp_next(p);
            if (sp_kw(p, "NULL")) {
                c->notnull = 1;
                sp_next(p);
            }
            continue;
        }
        if (sp_kw(p, "GENERATED") || sp_kw(p, "AS"))
            c->generated = 1;
        else if (sp_kw(p, "STORED"))
            c->stored = 1;
        sp_next(p);
    }
}

static int pschema_push(struct pschema *ps, struct pcol **out)
{
    if (ps->n >= VG_SQLR_MAX_COLUMNS)
        return VG_E_LIMIT;
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 16;
        struct pcol *c = vg_realloc_array(ps->c, cap, sizeof(*c));
        if (!c)
            return VG_E_NOMEM;
        ps->c = c;
        ps->cap = cap;
    }
    *out = &ps->c[ps->n++];
    memset(*out, 0, sizeof(**out));
    return VG_OK;
}

static int sp_column(struct sp *p, struct pschema *ps)
{
    struct pcol *c;
    int rc = pschema_push(ps, &c);

    if (rc != VG_OK)
        return rc;
    c->name = p->t;
    sp_next(p);
    c->type_at = p->t.at;
    while (p->t.kind == TK_WORD && !sp_constraint_kw(p)) {
        c->type_len = p->t.at + p->t.len - c->type_at;
        sp_next(p);
        if (sp_punct(p, '(')) {
            sp_skip_group(p);
            c->type_len = p->t.at - c->type_at;
            break;
        }
    }
    sp_col_constraints(p, c);
    return VG_OK;
}

/* PRIMARY KEY ( column [COLLATE x] [ASC|DESC], ... ): remembers a single
 * column, which may make it the rowid alias. */
static void sp_table_pk(struct sp *p, struct pschema *ps)
{
    size_t depth = 0;
    int cols = 0, want_name = 1;

    if (!sp_punct(p, '('))
        return;
    for (;;) {
        if (p->t.kind == TK_END)
            return;
        if (sp_punct(p, '(')) {
            depth++;
        } else if (sp_punct(p, ')')) {
            if (--depth == 0) {
                sp_next(p);
                break;
            }
        } else if (depth == 1 && sp_punct(p, ',')) {
            want_name = 1;
        } else if (depth == 1 && want_name && sp_name_token(p)) {
            if (cols++ == 0)
                ps->pk_table = p->t;
            want_name = 0;
        }
        sp_next(p);
    }
    ps->pk_table_count += cols;
}

static void sp_table_constraint_def(struct sp *p, struct pschema *ps)
{
    while (p->t.kind != TK_END && !sp_punct(p, ',') && !sp_punct(p, ')')) {
        if (sp_kw(p, "PRIMARY")) {
            sp_next(p);
            if (sp_kw(p, "KEY"))
                sp_next(p);
            sp_table_pk(p, ps);
            continue;
        }
        if (sp_punct(p, '('))
            sp_skip_group(p);
        else
            sp_next(p);
    }
}

/* CREATE [TEMP] TABLE [IF NOT EXISTS] [schema.]name ( */
static int sp_preamble(struct sp *p)
{
    sp_next(p);
    if (!sp_kw(p, "CREATE"))
        return sp_error(p, "not a CREATE statement");
    sp_next(p);
    if (sp_kw(p, "TEMP") || sp_kw(p, "TEMPORARY"))
        sp_next(p);
    if (sp_kw(p, "VIRTUAL"))
        return VG_E_UNSUPPORTED;
    if (!sp_kw(p, "TABLE"))
        return sp_error(p, "not a CREATE TABLE statement");
    sp_next(p);
    if (sp_kw(p, "IF")) {
        sp_next(p);
        if (sp_kw(p, "NOT"))
            sp_next(p);
        if (sp_kw(p, "EXISTS"))
            sp_next(p);
    }
    if (!sp_name_token(p))
        return sp_error(p, "table name expected");
    sp_next(p);
    if (sp_punct(p, '.')) {
        sp_next(p);
        if (!sp_name_token(p))
            return sp_error(p, "table name expected");
        sp_next(p);
    }
    if (sp_kw(p, "AS"))
        return VG_E_UNSUPPORTED;
    if (!sp_punct(p, '('))
        return sp_error(p, "'(' expected");
    sp_next(p);
    return VG_OK;
}

/* ) [WITHOUT ROWID] [, STRICT] */
static int sp_options(struct sp *p, struct pschema *ps)
{
    if (!sp_punct(p, ')'))
        return sp_error(p, "')' expected");
    sp_next(p);
    while (p->t.kind != TK_END && !sp_punct(p, ';')) {
        if (sp_kw(p, "WITHOUT"))
            return VG_E_UNSUPPORTED;
        if (sp_kw(p, "STRICT"))
            ps->strict = 1;
        else if (!sp_punct(p, ','))
            return sp_error(p, "unexpected text after the column list");
        sp_next(p);
    }
    return VG_OK;
}

static int sp_parse(struct sp *p, struct pschema *ps)
{
    int rc = sp_preamble(p);

    if (rc != VG_OK)
        return rc;
    for (;;) {
        if (sp_table_constraint(p)) {
            ps->constraints = 1;
            sp_table_constraint_def(p, ps);
        } else if (sp_name_token(p) && !ps->constraints) {
            rc = sp_column(p, ps);
            if (rc != VG_OK)
                return rc;
        } else {
            return sp_error(p, "column definition expected");
        }
        if (p->err)
            return VG_E_CORRUPT;
        if (!sp_punct(p, ','))
            break;
        sp_next(p);
    }
    rc = sp_options(p, ps);
    if (rc == VG_OK && p->err)
        rc = VG_E_CORRUPT;
    if (rc == VG_OK && ps->n == 0)
        return sp_error(p, "no columns");
    return rc;
}

static int contains_ci(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle), i;

    for (i = 0; k <= n && i <= n - k; i++)
        if (ascii_ieq(s + i, k, needle, k))
            return 1;
    return 0;
}

/* sqlite.org/datatype3.html section 3.1, rules applied in order. */
static enum vg_sqlr_aff affinity_of(const char *t, size_t n)
{
    if (contains_ci(t, n, "INT"))
        return VG_SQLR_AFF_INTEGER;
    if (contains_ci(t, n, "CHAR") || contains_ci(t, n, "CLOB") || contains_ci(t, n, "TEXT"))
        return VG_SQLR_AFF_TEXT;
    if (n == 0 || contains_ci(t, n, "BLOB"))
        return VG_SQLR_AFF_BLOB;
    if (contains_ci(t, n, "REAL") || contains_ci(t, n, "FLOA") || contains_ci(t, n, "DOUB"))
        return VG_SQLR_AFF_REAL;
    return VG_SQLR_AFF_NUMERIC;
}

/* What a recovered row may hold: what SQLite stores for the affinity,
 * narrowed where the wider choice would mostly admit noise (text in an
 * INTEGER column: a numeric text would have been converted, and apps do
 * not put words there). A REAL column keeps integral values as integers on
 * disk. */
static unsigned default_types(enum vg_sqlr_aff aff, int strict, const char *t, size_t n)
{
    const unsigned num = VG_SQLR_NULL | VG_SQLR_INT | VG_SQLR_REAL;

    if (strict) {
        if (ascii_ieq(t, n, "INT", 3) || ascii_ieq(t, n, "INTEGER", 7))
            return VG_SQLR_NULL | VG_SQLR_INT;
        if (ascii_ieq(t, n, "REAL", 4))
            return num;
        if (ascii_ieq(t, n, "TEXT", 4))
            return VG_SQLR_NULL | VG_SQLR_TEXT;
        if (ascii_ieq(t, n, "BLOB", 4))
            return VG_SQLR_NULL | VG_SQLR_BLOB;
        return VG_SQLR_ANY;
    }
    switch (aff) {
    case VG_SQLR_AFF_INTEGER:
    case VG_SQLR_AFF_REAL:
        return num;
    case VG_SQLR_AFF_TEXT:
        return VG_SQLR_NULL | VG_SQLR_TEXT | VG_SQLR_BLOB;
    case VG_SQLR_AFF_NUMERIC:
    case VG_SQLR_AFF_BLOB:
    default:
        return VG_SQLR_ANY;
    }
}

/* Copies a name token without its quotes (doubled quotes made single). */
static size_t dequote(const char *s, const struct tok *t, char *out)
{
    size_t i, n = 0, len = t->len;
    char q;

    if (t->kind != TK_QUOTED && t->kind != TK_STRING) {
        memcpy(out, s + t->at, len);
        out[len] = '\0';
        return len + 1;
    }
    q = s[t->at] == '[' ? ']' : s[t->at];
    for (i = 1; i + 1 < len; i++) {
        out[n++] = s[t->at + i];
        if (s[t->at + i] == q && q != ']' && i + 2 < len && s[t->at + i + 1] == q)
            i++;
    }
    out[n] = '\0';
    return n + 1;
}

/* sqlite.org/lang_createtable.html "ROWID and the INTEGER PRIMARY KEY": a
 * declared type of exactly INTEGER, the only primary key column, and not
 * the "INTEGER PRIMARY KEY DESC" column-constraint quirk. */
static size_t rowid_alias(const struct sp *p, const struct pschema *ps)
{
    size_t i, found = NO_COL, pks = 0;
    char a[256], b[256];

    for (i = 0; i < ps->n; i++) {
        if (ps->c[i].pk) {
            pks++;
            if (!ps->c[i].pk_desc)
                found = i;
        }
    }
    if (ps->pk_table_count == 1 && pks == 0 && ps->pk_table.len < sizeof(a)) {
        (void)dequote(p->s, &ps->pk_table, a);
        for (i = 0; i < ps->n; i++) {
            if (ps->c[i].name.len >= sizeof(b))
                continue;
            (void)dequote(p->s, &ps->c[i].name, b);
            if (ascii_ieq(a, strlen(a), b, strlen(b)))
                found = i;
        }
        pks = 1;
    }
    if (pks != 1 || found == NO_COL || ps->pk_table_count > 1)
        return NO_COL;
    if (!ascii_ieq(p->s + ps->c[found].type_at, ps->c[found].type_len, "INTEGER", 7))
        return NO_COL;
    return found;
}

static int schema_build(const struct sp *p, const struct pschema *ps, uint32_t root,
                        struct vg_sqlr_schema **out)
{
    struct vg_sqlr_schema *s = vg_calloc(1, sizeof(*s));
    size_t alias = rowid_alias(p, ps), i, k = 0, at = 0, names = 0;
    int rc = VG_E_NOMEM;

    if (!s)
        goto out;
    for (i = 0; i < ps->n; i++)
        names += ps->c[i].name.len + 1;
    s->cols = vg_calloc(ps->n, sizeof(*s->cols));
    s->names = vg_malloc(names);
    if (!s->cols || !s->names)
        goto out;
    s->rowid_col = NO_COL;
    for (i = 0; i < ps->n; i++) {
        const struct pcol *c = &ps->c[i];
        struct vg_sqlr_column *col = &s->cols[k];
        const char *t = p->s + c->type_at;

        if (c->generated && !c->stored)
            continue; /* VIRTUAL: computed on read, never in the record */
        col->name = s->names + at;
        at += dequote(p->s, &c->name, s->names + at);
        col->affinity = affinity_of(t, c->type_len);
        col->types = default_types(col->affinity, ps->strict, t, c->type_len);
        if (c->notnull)
            col->types &= ~(unsigned)VG_SQLR_NULL;
        if (i == alias) {
            col->rowid_alias = 1;
            col->types = VG_SQLR_NULL;
            s->rowid_col = k;
        }
        if (!col->types)
            col->types = VG_SQLR_ANY;
        k++;
    }
    s->ncols = s->min_cols = k;
    s->root = root;
    rc = k ? VG_OK : VG_E_CORRUPT;
out:
    if (rc == VG_OK)
        *out = s;
    else
        vg_sqlr_schema_free(s);
    return rc;
}

int vg_sqlr_schema_parse(const char *sql, size_t len, uint32_t root, struct vg_sqlr_schema **out,
                         char *why, size_t why_cap)
{
    struct sp p;
    struct pschema ps;
    int rc;

    memset(&p, 0, sizeof(p));
    memset(&ps, 0, sizeof(ps));
    if (why && why_cap)
        why[0] = '\0';
    if (len > VG_SQLITE_MAX_SQL_LENGTH)
        return VG_E_LIMIT;
    p.s = sql;
    p.n = len;
    rc = sp_parse(&p, &ps);
    if (rc == VG_OK)
        rc = schema_build(&p, &ps, root, out);
    if (rc != VG_OK && why && why_cap) {
        if (p.err)
            (void)vg_snprintf(why, why_cap, "CREATE TABLE: %s at offset %zu", p.err, p.err_at);
        else if (rc == VG_E_UNSUPPORTED)
            (void)vg_snprintf(why, why_cap,
                              "CREATE TABLE: WITHOUT ROWID, virtual or AS SELECT "
                              "tables are not supported");
        else if (rc == VG_E_LIMIT)
            (void)vg_snprintf(why, why_cap, "CREATE TABLE: more than %u columns",
                              VG_SQLR_MAX_COLUMNS);
    }
    free(ps.c);
    return rc;
}

void vg_sqlr_schema_free(struct vg_sqlr_schema *s)
{
    if (!s)
        return;
    free(s->cols);
    free(s->names);
    free(s);
}

size_t vg_sqlr_schema_ncols(const struct vg_sqlr_schema *s)
{
    return s->ncols;
}

const struct vg_sqlr_column *vg_sqlr_schema_col(const struct vg_sqlr_schema *s, size_t i)
{
    return i < s->ncols ? &s->cols[i] : NULL;
}

uint32_t vg_sqlr_schema_root(const struct vg_sqlr_schema *s)
{
    return s->root;
}

int vg_sqlr_schema_set_types(struct vg_sqlr_schema *s, size_t i, unsigned types)
{
    if (i >= s->ncols || types == 0 || (types & ~VG_SQLR_ANY) != 0)
        return VG_E_INVAL;
    if (s->cols[i].rowid_alias && types != VG_SQLR_NULL)
        return VG_E_INVAL;
    s->cols[i].types = types;
    return VG_OK;
}

int vg_sqlr_schema_set_min_cols(struct vg_sqlr_schema *s, size_t n)
{
    if (n < 1 || n > s->ncols)
        return VG_E_INVAL;
    s->min_cols = n;
    return VG_OK;
}

/* ------------------------------------------------------------ sources */

static int mem_read(void *ud, uint64_t off, void *buf, size_t len)
{
    const struct vg_sqlr_mem *m = ud;

    if (off > m->n || len > m->n - off)
        return VG_E_TRUNCATED;
    if (len)
        memcpy(buf, m->p + off, len);
    return VG_OK;
}

void vg_sqlr_src_mem(struct vg_sqlr_src *src, struct vg_sqlr_mem *m, const void *p, size_t n)
{
    m->p = p;
    m->n = n;
    src->read_at = mem_read;
    src->ud = m;
    src->size = n;
}

static int io_read(void *ud, uint64_t off, void *buf, size_t len)
{
    return vg_io_read_exact(ud, off, buf, len);
}

void vg_sqlr_src_io(struct vg_sqlr_src *src, struct vg_io *io)
{
    src->read_at = io_read;
    src->ud = io;
    src->size = vg_io_size(io);
}

static int src_read(const struct vg_sqlr_src *s, uint64_t off, void *buf, size_t len)
{
    if (off > s->size || len > s->size - off)
        return VG_E_TRUNCATED;
    return s->read_at(s->ud, off, buf, len);
}

/* ------------------------------------------------------------ database */

enum { FRAME_LIVE = 0 };
enum { PHASE_CELLS, PHASE_INTACT, PHASE_LOST, PHASES };

struct wal_frame {
    uint32_t pgno;
    uint8_t state; /* FRAME_LIVE or an enum vg_sqlr_frame_state */
};

/* The live version of a page the WAL holds. */
struct page_frame {
    uint32_t pgno;
    uint32_t frame; /* index in frames */
};

struct vg_sqlr {
    struct vg_sqlr_src db, wal;
    char *display;
    struct vg_diag *diag;
    uint32_t page_size, usable, enc;
    uint32_t db_pages; /* whole pages in the database file */
    uint32_t npages;   /* pages of the live database that can be read */
    struct wal_frame *frames;
    size_t nframes;
    struct page_frame *map; /* by page number */
    size_t nmap;
    size_t notes;                     /* diagnostics in the current call */
    uint64_t said[VG_SQLR_MAX_NOTES]; /* their hashes: a note is given once */
};

static void note(struct vg_sqlr *r, enum vg_diag_level level, const char *fmt, ...) VG_PRINTF(3, 4);

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ull;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* A diagnostic naming the file; the same one twice in a call (a page is
 * read in several phases) is given once, and after VG_SQLR_MAX_NOTES they
 * are only counted. */
static void note(struct vg_sqlr *r, enum vg_diag_level level, const char *fmt, ...)
{
    char msg[VG_MAX_MESSAGE];
    uint64_t h;
    va_list ap;
    size_t i;

    if (r->notes > VG_SQLR_MAX_NOTES)
        return;
    va_start(ap, fmt);
    if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
        msg[0] = '\0';
    va_end(ap);
    h = fnv1a(msg);
    for (i = 0; i < r->notes && i < VG_SQLR_MAX_NOTES; i++)
        if (r->said[i] == h)
            return;
    if (r->notes == VG_SQLR_MAX_NOTES) {
        r->notes++;
        vg_diag_add(r->diag, VG_DIAG_INFO, r->display, "%s: sqlite recovery: more notes, not shown",
                    r->display);
        return;
    }
    r->said[r->notes++] = h;
    vg_diag_add(r->diag, level, r->display, "%s: sqlite recovery: %s", r->display, msg);
}

static int read_db_header(struct vg_sqlr *r)
{
    unsigned char h[DB_HDR];
    uint32_t ps, enc;
    uint64_t pages;
    int rc;

    if (r->db.size < DB_HDR) {
        note(r, VG_DIAG_WARN, "%llu bytes: shorter than a database header",
             (unsigned long long)r->db.size);
        return VG_E_CORRUPT;
    }
    rc = src_read(&r->db, 0, h, DB_HDR);
    if (rc != VG_OK)
        return rc;
    if (memcmp(h, DB_MAGIC, sizeof(DB_MAGIC)) != 0) {
        note(r, VG_DIAG_WARN, "not a SQLite database (bad magic at offset 0)");
        return VG_E_CORRUPT;
    }
    (void)get16(h, DB_HDR, 16, &ps);
    ps = ps == 1 ? MAX_PAGE : ps;
    if (ps < MIN_PAGE || ps > MAX_PAGE || (ps & (ps - 1)) != 0 || ps - h[20] < MIN_USABLE) {
        note(r, VG_DIAG_WARN, "page size %u with %u reserved bytes (offset 16): invalid", ps,
             h[20]);
        return VG_E_CORRUPT;
    }
    if (h[21] != 64 || h[22] != 32 || h[23] != 32) {
        note(r, VG_DIAG_WARN, "payload fractions %u/%u/%u (offset 21): not 64/32/32", h[21], h[22],
             h[23]);
        return VG_E_UNSUPPORTED;
    }
    (void)get32(h, DB_HDR, 56, &enc);
    if (enc > 3) {
        note(r, VG_DIAG_WARN, "text encoding %u (offset 56): invalid", enc);
        return VG_E_CORRUPT;
    }
    r->page_size = ps;
    r->usable = ps - h[20];
    r->enc = enc ? enc : 1;
    pages = r->db.size / ps;
    r->db_pages = pages > 0x7fffffffu ? 0x7fffffffu : (uint32_t)pages;
    r->npages = r->db_pages;
    return VG_OK;
}

/* The WAL's running checksum (fileformat2 section 4.2): pairs of 32-bit
 * words in the byte order the magic names. n is a multiple of 8. */
struct wal_sum {
    int big;
    uint32_t s0, s1;
};

static void wal_sum_add(struct wal_sum *w, const unsigned char *p, size_t n)
{
    size_t i;

    for (i = 0; n >= 8 && i <= n - 8; i += 8) {
        uint32_t x0, x1;
        if (w->big) {
            (void)get32(p, n, i, &x0);
            (void)get32(p, n, i + 4, &x1);
        } else {
            x0 = (uint32_t)p[i + 3] << 24 | (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 1] << 8 |
                 p[i];
            x1 = (uint32_t)p[i + 7] << 24 | (uint32_t)p[i + 6] << 16 | (uint32_t)p[i + 5] << 8 |
                 p[i + 4];
        }
        w->s0 += x0 + w->s1;
        w->s1 += x1 + w->s0;
    }
}

struct wal_head {
    struct wal_sum sum;
    uint32_t salt1, salt2;
    int chain; /* frames still follow the header's checksum chain */
};

/* 1 when the WAL header can be used; its checksum failing only makes every
 * frame stale. */
static int wal_header(struct vg_sqlr *r, struct wal_head *w)
{
    unsigned char h[WAL_HDR];
    uint32_t magic, version, ps, c0, c1;
    int rc = src_read(&r->wal, 0, h, WAL_HDR);

    if (rc != VG_OK)
        return rc == VG_E_TRUNCATED ? 0 : rc;
    (void)get32(h, WAL_HDR, 0, &magic);
    (void)get32(h, WAL_HDR, 4, &version);
    (void)get32(h, WAL_HDR, 8, &ps);
    (void)get32(h, WAL_HDR, 16, &w->salt1);
    (void)get32(h, WAL_HDR, 20, &w->salt2);
    (void)get32(h, WAL_HDR, 24, &c0);
    (void)get32(h, WAL_HDR, 28, &c1);
    if ((magic & ~1u) != WAL_MAGIC || version != WAL_VERSION) {
        note(r, VG_DIAG_WARN, "WAL: bad magic or version (offset 0): not used");
        return 0;
    }
    if (ps != r->page_size) {
        note(r, VG_DIAG_WARN, "WAL: page size %u differs from the database's %u: not used", ps,
             r->page_size);
        return 0;
    }
    w->sum.big = (int)(magic & 1u);
    wal_sum_add(&w->sum, h, WAL_HDR - 8);
    w->chain = w->sum.s0 == c0 && w->sum.s1 == c1;
    if (!w->chain)
        note(r, VG_DIAG_INFO, "WAL: header checksum mismatch: every frame is stale");
    return 1;
}

/* One frame: 1 when it continues the checksum chain. */
static int wal_frame_valid(struct wal_head *w, const unsigned char *f, size_t len)
{
    uint32_t pgno, salt1, salt2, c0, c1;

    (void)get32(f, len, 0, &pgno);
    (void)get32(f, len, 8, &salt1);
    (void)get32(f, len, 12, &salt2);
    (void)get32(f, len, 16, &c0);
    (void)get32(f, len, 20, &c1);
    if (!w->chain || pgno == 0 || salt1 != w->salt1 || salt2 != w->salt2)
        return 0;
    wal_sum_add(&w->sum, f, 8);
    wal_sum_add(&w->sum, f + WAL_FRAME_HDR, len - WAL_FRAME_HDR);
    return w->sum.s0 == c0 && w->sum.s1 == c1;
}

static int page_frame_cmp(const void *a, const void *b)
{
    const struct page_frame *x = a, *y = b;

    if (x->pgno != y->pgno)
        return x->pgno < y->pgno ? -1 : 1;
    return x->frame < y->frame ? -1 : x->frame > y->frame;
}

/* The committed frames: the last one of each page is its live version, the
 * others are superseded (as is any past the committed database size). */
static int wal_map(struct vg_sqlr *r, size_t committed, uint32_t db_size)
{
    size_t i, n = 0;
    uint32_t top = r->db_pages;

    if (committed == 0)
        return VG_OK;
    r->map = vg_calloc(committed, sizeof(*r->map));
    if (!r->map)
        return VG_E_NOMEM;
    for (i = 0; i < committed; i++) {
        r->frames[i].state = VG_SQLR_FRAME_SUPERSEDED;
        if (r->frames[i].pgno <= db_size) {
            r->map[n].pgno = r->frames[i].pgno;
            r->map[n++].frame = (uint32_t)i;
        }
    }
    qsort(r->map, n, sizeof(*r->map), page_frame_cmp);
    r->nmap = 0;
    for (i = 0; i < n; i++) {
        if (i + 1 < n && r->map[i + 1].pgno == r->map[i].pgno)
            continue;
        r->map[r->nmap++] = r->map[i];
        r->frames[r->map[i].frame].state = FRAME_LIVE;
        top = r->map[i].pgno > top ? r->map[i].pgno : top;
    }
    r->npages = db_size < top ? db_size : top;
    if (db_size > top)
        note(r, VG_DIAG_INFO, "WAL: the last commit counts %u pages, only %u can be read", db_size,
             top);
    return VG_OK;
}

/* Reads every frame once: its page number and whether it is live,
 * superseded, uncommitted or stale. */
static int wal_index(struct vg_sqlr *r)
{
    struct wal_head w;
    unsigned char *f = NULL;
    size_t flen = WAL_FRAME_HDR + (size_t)r->page_size, i, n, committed = 0;
    uint32_t db_size = 0, commit;
    int rc;

    memset(&w, 0, sizeof(w));
    if (!r->wal.read_at || r->wal.size == 0)
        return VG_OK;
    rc = wal_header(r, &w);
    if (rc <= 0)
        return rc;
    n = (size_t)((r->wal.size - WAL_HDR) / flen);
    if (n > VG_SQLR_MAX_WAL_FRAMES) {
        note(r, VG_DIAG_WARN, "WAL: %zu frames, only the first %u are read", n,
             VG_SQLR_MAX_WAL_FRAMES);
        n = VG_SQLR_MAX_WAL_FRAMES;
    }
    r->frames = vg_calloc(n ? n : 1, sizeof(*r->frames));
    f = vg_malloc(flen);
    if (!r->frames || !f) {
        free(f);
        return VG_E_NOMEM;
    }
    for (i = 0; i < n; i++) {
        rc = src_read(&r->wal, WAL_HDR + (uint64_t)i * flen, f, flen);
        if (rc != VG_OK)
            break;
        (void)get32(f, flen, 0, &r->frames[i].pgno);
        (void)get32(f, flen, 4, &commit);
        r->frames[i].state = VG_SQLR_FRAME_STALE;
        w.chain = wal_frame_valid(&w, f, flen);
        if (w.chain) {
            r->frames[i].state = VG_SQLR_FRAME_UNCOMMITTED;
            if (commit) {
                committed = i + 1;
                db_size = commit;
            }
        }
    }
    free(f);
    if (rc != VG_OK)
        return rc;
    r->nframes = n;
    return wal_map(r, committed, db_size);
}

int vg_sqlr_open(const struct vg_sqlr_src *db, const struct vg_sqlr_src *wal, const char *display,
                 struct vg_diag *diag, struct vg_sqlr **out)
{
    struct vg_sqlr *r = vg_calloc(1, sizeof(*r));
    int rc = VG_E_NOMEM;

    if (!r)
        return VG_E_NOMEM;
    r->db = *db;
    if (wal)
        r->wal = *wal;
    r->diag = diag;
    r->display = vg_strdup(display ? display : "database");
    if (!r->display)
        goto out;
    rc = read_db_header(r);
    if (rc == VG_OK)
        rc = wal_index(r);
out:
    if (rc == VG_OK)
        *out = r;
    else
        vg_sqlr_free(r);
    return rc;
}

void vg_sqlr_free(struct vg_sqlr *r)
{
    if (!r)
        return;
    free(r->display);
    free(r->frames);
    free(r->map);
    free(r);
}

static const struct page_frame *map_find(const struct vg_sqlr *r, uint32_t pgno)
{
    size_t lo = 0, hi = r->nmap;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->map[mid].pgno == pgno)
            return &r->map[mid];
        if (r->map[mid].pgno < pgno)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int read_frame(const struct vg_sqlr *r, size_t i, unsigned char *buf)
{
    uint64_t flen = WAL_FRAME_HDR + (uint64_t)r->page_size;

    return src_read(&r->wal, WAL_HDR + i * flen + WAL_FRAME_HDR, buf, r->page_size);
}

static int read_db_page(const struct vg_sqlr *r, uint32_t pgno, unsigned char *buf)
{
    if (pgno < 1 || pgno > r->db_pages)
        return VG_E_TRUNCATED;
    return src_read(&r->db, (uint64_t)(pgno - 1) * r->page_size, buf, r->page_size);
}

/* The live version of a page: its last committed WAL frame, else the file's. */
static int read_live(const struct vg_sqlr *r, uint32_t pgno, unsigned char *buf)
{
    const struct page_frame *m;

    if (pgno < 1 || pgno > r->npages)
        return VG_E_CORRUPT;
    m = map_find(r, pgno);
    return m ? read_frame(r, m->frame, buf) : read_db_page(r, pgno, buf);
}

/* Bytes a table leaf cell keeps on its page for a payload of p bytes
 * (fileformat2 section 1.6); the rest goes to overflow pages. */
static size_t local_size(const struct vg_sqlr *r, uint64_t p)
{
    uint64_t u = r->usable, x = u - 35, m = (u - 12) * 32 / 255 - 23, k;

    if (p <= x)
        return (size_t)p;
    k = m + (p - m) % (u - 4);
    return (size_t)(k <= x ? k : m);
}

/* ------------------------------------------------------------ row hashes */

/* Open addressing over 16-byte keys; an all-zero key marks an empty slot
 * (a hash that comes out all zero is nudged). The slot is the key's first
 * 8 bytes mixed with a random seed drawn when the set is first allocated:
 * rows crafted so that their hashes share low bits cannot crowd one region
 * (membership alone is asked, so the output does not depend on the seed). */
struct hset {
    unsigned char *k;
    size_t cap, n;
    uint64_t seed;
};

static int key_empty(const unsigned char *k)
{
    size_t i;

    for (i = 0; i < HASH_LEN; i++)
        if (k[i])
            return 0;
    return 1;
}

static size_t hset_slot(const struct hset *h, const unsigned char *key)
{
    uint64_t v;

    memcpy(&v, key, sizeof(v));
    v ^= h->seed; /* then splitmix64's finaliser */
    v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9ULL;
    v = (v ^ (v >> 27)) * 0x94d049bb133111ebULL;
    v ^= v >> 31;
    return (size_t)v & (h->cap - 1);
}

static int hset_has(const struct hset *h, const unsigned char *key)
{
    size_t i;

    if (!h->cap)
        return 0;
    for (i = hset_slot(h, key);; i = (i + 1) & (h->cap - 1)) {
        const unsigned char *e = h->k + i * HASH_LEN;
        if (key_empty(e))
            return 0;
        if (memcmp(e, key, HASH_LEN) == 0)
            return 1;
    }
}

static void hset_put(struct hset *h, const unsigned char *key)
{
    size_t i = hset_slot(h, key);

    while (!key_empty(h->k + i * HASH_LEN))
        i = (i + 1) & (h->cap - 1);
    memcpy(h->k + i * HASH_LEN, key, HASH_LEN);
    h->n++;
}

static int hset_add(struct hset *h, const unsigned char *key, size_t max)
{
    if (hset_has(h, key))
        return VG_OK;
    if (h->n >= max)
        return VG_E_LIMIT;
    if ((h->n + 1) * 2 > h->cap) {
        struct hset g = {NULL, h->cap ? h->cap * 2 : 64, 0, h->seed};
        size_t i;

        /* no seed (RAND_bytes failed): the slots are still the hash's */
        if (!h->cap && RAND_bytes((unsigned char *)&g.seed, sizeof(g.seed)) != 1)
            g.seed = 0;
        g.k = vg_calloc(g.cap, HASH_LEN);
        if (!g.k)
            return VG_E_NOMEM;
        for (i = 0; i < h->cap; i++)
            if (!key_empty(h->k + i * HASH_LEN))
                hset_put(&g, h->k + i * HASH_LEN);
        free(h->k);
        *h = g;
    }
    hset_put(h, key);
    return VG_OK;
}

/* SHA-256 fetched once per run (EVP_sha256() in every init would look the
 * algorithm up under a lock, row after row), fed through a small buffer:
 * a row is many short fields. */
struct hasher {
    EVP_MD_CTX *ctx;
    EVP_MD *sha;
    unsigned char b[256];
    size_t n;
    int ok;
};

static int hasher_init(struct hasher *h)
{
    h->ctx = EVP_MD_CTX_new();
    h->sha = EVP_MD_fetch(NULL, "SHA256", NULL);
    return h->ctx && h->sha ? VG_OK : VG_E_NOMEM;
}

static void hasher_clear(struct hasher *h)
{
    EVP_MD_CTX_free(h->ctx);
    EVP_MD_free(h->sha);
}

static void hb_flush(struct hasher *h)
{
    if (h->n && h->ok)
        h->ok = EVP_DigestUpdate(h->ctx, h->b, h->n);
    h->n = 0;
}

static void hb_put(struct hasher *h, const void *p, size_t n)
{
    if (n > sizeof(h->b) - h->n)
        hb_flush(h);
    if (n >= sizeof(h->b)) {
        h->ok = h->ok && EVP_DigestUpdate(h->ctx, p, n);
        return;
    }
    memcpy(h->b + h->n, p, n);
    h->n += n;
}

/* Big-endian, straight into the buffer: a row is mostly such fields. */
static void hb_u64(struct hasher *h, uint64_t v)
{
    unsigned char *p;
    size_t i;

    if (sizeof(h->b) - h->n < 8)
        hb_flush(h);
    p = h->b + h->n;
    for (i = 8; i-- > 0;) {
        p[i] = (unsigned char)v;
        v >>= 8;
    }
    h->n += 8;
}

static void hb_byte(struct hasher *h, unsigned char c)
{
    if (h->n == sizeof(h->b))
        hb_flush(h);
    h->b[h->n++] = c;
}

static void hb_value(struct hasher *h, const struct vg_sqlr_value *v, int as_null)
{
    enum vg_sqlr_type t = as_null ? VG_SQLR_NULL : v->type;
    uint64_t bits;

    hb_byte(h, (unsigned char)t);
    if (t == VG_SQLR_INT) {
        hb_u64(h, (uint64_t)v->i);
    } else if (t == VG_SQLR_REAL) {
        memcpy(&bits, &v->r, sizeof(bits));
        hb_u64(h, bits);
    } else if (t == VG_SQLR_TEXT || t == VG_SQLR_BLOB) {
        hb_u64(h, v->n);
        if (v->n)
            hb_put(h, v->p, v->n);
    }
}

static int hb_begin(struct hasher *h, unsigned char tag)
{
    h->n = 0;
    h->ok = EVP_DigestInit_ex2(h->ctx, h->sha, NULL);
    hb_byte(h, tag);
    return h->ok;
}

static int hb_end(struct hasher *h, unsigned char out[HASH_LEN])
{
    unsigned char dg[EVP_MAX_MD_SIZE];
    unsigned int dl = 0;

    hb_flush(h);
    if (!h->ok || !EVP_DigestFinal_ex(h->ctx, dg, &dl) || dl < HASH_LEN)
        return VG_E_CRYPTO;
    memcpy(out, dg, HASH_LEN);
    if (key_empty(out))
        out[0] = 1;
    return VG_OK;
}

/* The keys of a row: c, the hash of its values (SHA-256, first 16 bytes),
 * and when k is not NULL, k: c's first 8 bytes XORed with the rowid, then
 * the rowid (big-endian), so that a row equal to a live one in rowid and
 * values is told with one hash of the row; forging a row that passes for a
 * live row of the same rowid takes a second preimage of 64 bits of
 * SHA-256. The XOR makes rows of equal values (a hostile table of copies)
 * differ in the bytes hset_slot mixes, so they still spread. The rowid
 * alias counts as NULL (the record stores it so) and trailing NULLs are
 * dropped, so a row read before and after an ALTER TABLE ADD COLUMN hashes
 * alike. */
static int row_hash(struct hasher *h, const struct vg_sqlr_schema *s, int64_t rowid,
                    const struct vg_sqlr_value *v, size_t n, unsigned char c[HASH_LEN],
                    unsigned char k[HASH_LEN])
{
    uint64_t r;
    size_t i;
    int rc;

    while (n > 0 && (v[n - 1].type == VG_SQLR_NULL || n - 1 == s->rowid_col))
        n--;
    if (!hb_begin(h, 'C'))
        return VG_E_CRYPTO;
    hb_u64(h, n);
    for (i = 0; i < n; i++)
        hb_value(h, &v[i], i == s->rowid_col);
    rc = hb_end(h, c);
    if (rc != VG_OK || !k)
        return rc;
    for (i = HASH_LEN, r = (uint64_t)rowid; i-- > 8; r >>= 8) {
        k[i] = (unsigned char)r;
        k[i - 8] = (unsigned char)(c[i - 8] ^ r);
    }
    if (key_empty(k))
        k[0] = 1;
    return VG_OK;
}

struct vg_sqlr_live {
    struct hset keys;     /* rowid and values */
    struct hset contents; /* values alone */
    struct hasher h;
    size_t rows;
};

int vg_sqlr_live_new(struct vg_sqlr_live **out)
{
    struct vg_sqlr_live *l = vg_calloc(1, sizeof(*l));

    if (!l)
        return VG_E_NOMEM;
    if (hasher_init(&l->h) != VG_OK) {
        vg_sqlr_live_free(l);
        return VG_E_NOMEM;
    }
    *out = l;
    return VG_OK;
}

static void live_clear(struct vg_sqlr_live *l)
{
    free(l->keys.k);
    free(l->contents.k);
    hasher_clear(&l->h);
}

void vg_sqlr_live_free(struct vg_sqlr_live *l)
{
    if (!l)
        return;
    live_clear(l);
    free(l);
}

static int live_add(struct vg_sqlr_live *l, struct hasher *h, const struct vg_sqlr_schema *s,
                    int64_t rowid, const struct vg_sqlr_value *v, size_t n)
{
    unsigned char k[HASH_LEN], c[HASH_LEN];
    int rc = row_hash(h, s, rowid, v, n, c, k);

    if (rc == VG_OK)
        rc = hset_add(&l->keys, k, VG_SQLR_MAX_LIVE_ROWS);
    if (rc == VG_OK)
        rc = hset_add(&l->contents, c, VG_SQLR_MAX_LIVE_ROWS);
    if (rc == VG_OK)
        l->rows++;
    return rc;
}

int vg_sqlr_live_add(struct vg_sqlr_live *l, const struct vg_sqlr_schema *s, int64_t rowid,
                     const struct vg_sqlr_value *values, size_t n)
{
    if (n > s->ncols)
        return VG_E_INVAL;
    return live_add(l, &l->h, s, rowid, values, n);
}

/* ------------------------------------------------------------ a run */

struct u32v {
    uint32_t *v;
    size_t n, cap;
};

struct trunk {
    uint32_t pgno, leaves;
};

struct bitmap {
    uint8_t *b;
    uint32_t n; /* bits */
};

/* What decoding a cell fills in. The live rows are read only when a pass
 * finds its first candidate (a database where nothing was deleted costs no
 * hashing), in the middle of that pass: then with a spare set, as the
 * candidate's values point into these. */
struct dec {
    unsigned char *pg, *pay;
    size_t pay_cap;
    uint64_t *types;
    struct vg_sqlr_value *vals;
};

struct run {
    struct vg_sqlr *r;
    const struct vg_sqlr_schema *s;
    unsigned flags;
    int lenient; /* decoding live rows: any storage class, no plausibility */
    int (*cb)(void *ud, const struct vg_sqlr_row *row);
    void *ud;
    struct vg_sqlr_stats st;
    int rc;         /* VG_OK until an error or a cap stops the run */
    uint64_t steps; /* serial types examined */
    int damaged;    /* the table's live b-tree could not be read whole */
    /* PHASE_CELLS: cells of page images; PHASE_INTACT: intact cells carved
     * from free space; PHASE_LOST: cells whose first bytes were overwritten */
    int phase;
    /* carving: the region's end, and where a freed cell's header says it ends */
    size_t hi, lost_end;
    uint64_t *types_save; /* x->types kept while looking at another cell */
    unsigned char *pg, *ovf, *pay;
    size_t pay_cap;
    uint64_t *types;
    struct vg_sqlr_value *vals;
    struct bitmap table_pages, trunks, fl_seen, chain_seen;
    uint32_t *chain; /* pages of the overflow chain being read */
    struct u32v tree, leaves, interiors, fl_leaves;
    struct trunk *fl_trunks;
    size_t nfl_trunks, fl_trunks_cap;
    struct vg_sqlr_live own;
    const struct vg_sqlr_live *live;
    struct hset got_keys, got_contents;
    struct hasher h;
    int live_ready;   /* the live rows are read (at the first candidate) */
    struct dec spare; /* decoding buffers for reading them in mid-pass */
    /* looking a table up in sqlite_master */
    const char *want;
    char *found_sql;
    size_t found_len;
    uint32_t found_root;
    int found;
};

static int bitmap_init(struct bitmap *m, uint32_t bits)
{
    m->n = bits;
    m->b = vg_calloc((size_t)bits / 8 + 1, 1);
    return m->b ? VG_OK : VG_E_NOMEM;
}

static int bm_get(const struct bitmap *m, uint32_t i)
{
    return i < m->n && bit_get(m->b, i);
}

static void bm_set(struct bitmap *m, uint32_t i)
{
    if (i < m->n)
        bit_set(m->b, i);
}

static void bm_clear(struct bitmap *m, uint32_t i)
{
    if (i < m->n)
        bit_clear(m->b, i);
}

static void stop_limit(struct run *x, const char *what)
{
    if (x->rc != VG_OK)
        return;
    x->rc = VG_E_LIMIT;
    x->st.limited = 1;
    note(x->r, VG_DIAG_WARN, "stopped at the cap on %s", what);
}

static int u32v_push(struct run *x, struct u32v *a, uint32_t v)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        uint32_t *p;

        if (a->n >= VG_SQLR_MAX_PAGES) {
            stop_limit(x, "pages listed");
            return 0;
        }
        p = vg_realloc_array(a->v, cap, sizeof(*p));
        if (!p) {
            x->rc = x->rc ? x->rc : VG_E_NOMEM;
            return 0;
        }
        a->v = p;
        a->cap = cap;
    }
    a->v[a->n++] = v;
    return 1;
}

static int run_init(struct run *x, struct vg_sqlr *r, const struct vg_sqlr_schema *s)
{
    uint32_t bits = r->npages + 1;
    size_t chain = r->npages < VG_SQLR_MAX_OVERFLOW ? r->npages + 1 : VG_SQLR_MAX_OVERFLOW;

    memset(x, 0, sizeof(*x));
    x->r = r;
    x->s = s;
    r->notes = 0;
    x->pg = vg_malloc(r->page_size);
    x->ovf = vg_malloc(r->page_size);
    x->types = vg_calloc(s->ncols, sizeof(*x->types));
    x->types_save = vg_calloc(s->ncols, sizeof(*x->types_save));
    x->vals = vg_calloc(s->ncols, sizeof(*x->vals));
    x->chain = vg_calloc(chain, sizeof(*x->chain));
    x->live = &x->own;
    if (!x->pg || !x->ovf || !x->types || !x->types_save || !x->vals || !x->chain)
        return VG_E_NOMEM;
    if (hasher_init(&x->h) != VG_OK)
        return VG_E_NOMEM;
    if (bitmap_init(&x->table_pages, bits) || bitmap_init(&x->trunks, bits) ||
        bitmap_init(&x->fl_seen, bits) || bitmap_init(&x->chain_seen, bits))
        return VG_E_NOMEM;
    return VG_OK;
}

static void run_free(struct run *x)
{
    free(x->pg);
    free(x->ovf);
    free(x->pay);
    free(x->types);
    free(x->types_save);
    free(x->vals);
    free(x->chain);
    free(x->table_pages.b);
    free(x->trunks.b);
    free(x->fl_seen.b);
    free(x->chain_seen.b);
    free(x->tree.v);
    free(x->leaves.v);
    free(x->interiors.v);
    free(x->fl_leaves.v);
    free(x->fl_trunks);
    free(x->own.keys.k);
    free(x->own.contents.k);
    free(x->got_keys.k);
    free(x->got_contents.k);
    free(x->found_sql);
    free(x->spare.pg);
    free(x->spare.pay);
    free(x->spare.types);
    free(x->spare.vals);
    hasher_clear(&x->h);
}

/* Counts a page read against the cap. */
static int budget(struct run *x)
{
    if (x->rc != VG_OK)
        return 0;
    if (x->st.pages >= VG_SQLR_MAX_PAGES) {
        stop_limit(x, "page reads");
        return 0;
    }
    x->st.pages++;
    return 1;
}

/* 1 when a read gave the page. A page that is not there is the caller's to
 * note; any other failure of the source stops the run. */
static int got(struct run *x, int rc)
{
    if (rc == VG_OK)
        return 1;
    if (rc != VG_E_TRUNCATED && rc != VG_E_CORRUPT && x->rc == VG_OK)
        x->rc = rc;
    return 0;
}

static int page_live(struct run *x, uint32_t pgno, unsigned char *buf)
{
    return budget(x) && got(x, read_live(x->r, pgno, buf));
}

static int try_budget(struct run *x)
{
    if (x->rc != VG_OK)
        return 0;
    if (x->st.cells_tried >= VG_SQLR_MAX_CELLS) {
        stop_limit(x, "cells tried");
        return 0;
    }
    x->st.cells_tried++;
    return 1;
}

/* ------------------------------------------------------------ records */

/* Checks serial type st against column col and adds its length to *sum.
 * Every check counts against the run's work cap: carving tries the schema
 * at every byte of free space. */
static int type_fits(struct run *x, size_t col, uint64_t st, uint64_t *sum)
{
    uint64_t len;
    unsigned cls = serial_class(st, &len);

    if (++x->steps > VG_SQLR_MAX_STEPS) {
        stop_limit(x, "serial types examined");
        return 0;
    }
    if (!cls || col >= x->s->ncols)
        return 0;
    if (!x->lenient && !(x->s->cols[col].types & cls))
        return 0;
    if (len > VG_SQLR_MAX_PAYLOAD || *sum > VG_SQLR_MAX_PAYLOAD - len)
        return 0;
    *sum += len;
    return 1;
}

/* Serial types in p[off..end), for columns first on; the header must end
 * exactly at end. Returns the column count, 0 when they do not fit. */
static size_t types_until(struct run *x, const unsigned char *p, size_t off, size_t end,
                          size_t first, uint64_t *sum)
{
    size_t col = first, k;
    uint64_t st;

    while (off < end) {
        k = get_varint(p, end, off, &st);
        if (!k || !type_fits(x, col, st, sum))
            return 0;
        x->types[col++] = st;
        off += k;
    }
    if (!x->lenient && col < x->s->min_cols)
        return 0;
    return col;
}

/* Exactly want serial types from p[off..end), for columns first on.
 * *used gets their bytes. */
static int types_count(struct run *x, const unsigned char *p, size_t off, size_t end, size_t first,
                       size_t want, size_t *used, uint64_t *sum)
{
    size_t col, k, start = off;
    uint64_t st;

    for (col = first; col < first + want; col++) {
        k = get_varint(p, end, off, &st);
        if (!k || !type_fits(x, col, st, sum))
            return 0;
        x->types[col] = st;
        off += k;
    }
    *used = off - start;
    return 1;
}

static int64_t be_int(const unsigned char *p, size_t n)
{
    uint64_t v = (n && (p[0] & 0x80u)) ? UINT64_MAX : 0;
    size_t i;

    for (i = 0; i < n; i++)
        v = v << 8 | p[i];
    return (int64_t)v;
}

static int text_ok(const struct run *x, const unsigned char *p, size_t n)
{
    if (x->lenient || (x->flags & VG_SQLR_ANY_TEXT))
        return 1;
    if (x->r->enc == 1)
        return vg_utf8_valid(p, n);
    return n % 2 == 0;
}

/* Values of columns [0, n) from the body b[0..bn), per x->types. Unless
 * lenient, a NaN (SQLite stores NULL instead) or text not in the database's
 * encoding rejects the record. A REAL column's integers read as reals, as
 * SQLite gives them. */
static int decode_values(struct run *x, const unsigned char *b, size_t bn, size_t n)
{
    size_t i, off = 0;

    for (i = 0; i < n; i++) {
        struct vg_sqlr_value *v = &x->vals[i];
        uint64_t st = x->types[i], len, bits;
        unsigned cls = serial_class(st, &len);

        memset(v, 0, sizeof(*v));
        if (!cls || off > bn || len > bn - off)
            return 0;
        v->type = (enum vg_sqlr_type)cls;
        if (cls == VG_SQLR_INT) {
            v->i = st == 8 ? 0 : st == 9 ? 1 : be_int(b + off, (size_t)len);
            if (x->s->cols[i].affinity == VG_SQLR_AFF_REAL) {
                v->type = VG_SQLR_REAL;
                v->r = (double)v->i;
            }
        } else if (cls == VG_SQLR_REAL) {
            bits = (uint64_t)be_int(b + off, 8);
            memcpy(&v->r, &bits, sizeof(v->r));
            if (isnan(v->r) && !x->lenient)
                return 0;
        } else if (cls != VG_SQLR_NULL) {
            v->p = b + off;
            v->n = (size_t)len;
            if (cls == VG_SQLR_TEXT && !text_ok(x, v->p, v->n))
                return 0;
        }
        off += (size_t)len;
    }
    return 1;
}

/* A whole record pay[0..plen). Returns its column count, 0 when it does not
 * decode (strictly, its length must be the header's sum). */
static size_t record_decode(struct run *x, const unsigned char *pay, size_t plen)
{
    uint64_t h, sum = 0;
    size_t hl = get_varint(pay, plen, 0, &h), n;

    if (!hl || h < hl || h > plen)
        return 0;
    n = types_until(x, pay, hl, (size_t)h, 0, &sum);
    if (!n || (x->lenient ? sum > plen - h : sum != plen - h))
        return 0;
    return decode_values(x, pay + h, plen - (size_t)h, n) ? n : 0;
}

static int pay_reserve(struct run *x, size_t n)
{
    unsigned char *p;

    if (n <= x->pay_cap)
        return 1;
    p = vg_realloc_array(x->pay, n, 1);
    if (!p) {
        x->rc = x->rc ? x->rc : VG_E_NOMEM;
        return 0;
    }
    x->pay = p;
    x->pay_cap = n;
    return 1;
}

/* Copies need bytes of the overflow chain from page pgno into dst. A carved
 * chain must also keep off the table's pages and the freelist trunks and end
 * with a zero pointer; a cycle ends it with a note. */
static int read_chain(struct run *x, uint32_t pgno, unsigned char *dst, size_t need, int live)
{
    size_t per = x->r->usable - 4, pages = need / per + (need % per != 0), i, got_bytes = 0;
    size_t marked = 0;
    int ok = 0;

    if (pages > VG_SQLR_MAX_OVERFLOW) {
        note(x->r, live ? VG_DIAG_WARN : VG_DIAG_DEBUG,
             "overflow chain of %zu pages from page %u: over the cap", pages, pgno);
        return 0;
    }
    for (i = 0; i < pages; i++) {
        size_t k = need - got_bytes < per ? need - got_bytes : per;
        if (pgno < 2 || pgno > x->r->npages) {
            if (live)
                note(x->r, VG_DIAG_WARN, "overflow page %u out of range", pgno);
            break;
        }
        if (bm_get(&x->chain_seen, pgno)) {
            note(x->r, live ? VG_DIAG_WARN : VG_DIAG_INFO,
                 "overflow chain: cycle at page %u, chain stopped", pgno);
            break;
        }
        if (!live && (bm_get(&x->trunks, pgno) || bm_get(&x->table_pages, pgno)))
            break;
        bm_set(&x->chain_seen, pgno);
        x->chain[marked++] = pgno;
        if (!page_live(x, pgno, x->ovf))
            break;
        memcpy(dst + got_bytes, x->ovf + 4, k);
        got_bytes += k;
        (void)get32(x->ovf, x->r->usable, 0, &pgno);
    }
    ok = i == pages && (live || pgno == 0);
    while (marked > 0)
        bm_clear(&x->chain_seen, x->chain[--marked]);
    return ok;
}

/* The p bytes of a payload starting at pg[hs]: in place when they all lie
 * on the page before hi, else the local part and the overflow chain copied
 * into x->pay. *end gets the end of the cell's bytes on the page. */
static int payload_get(struct run *x, const unsigned char *pg, size_t hs, size_t hi, uint64_t p,
                       int live, const unsigned char **out, size_t *end)
{
    size_t local = local_size(x->r, p);
    uint32_t first;

    if (hs > hi)
        return 0;
    if (local == p) {
        if (p > hi - hs)
            return 0;
        *out = pg + hs;
        *end = hs + local;
        return 1;
    }
    if (p > VG_SQLR_MAX_PAYLOAD || local > hi - hs || hi - hs - local < 4)
        return 0;
    (void)get32(pg, hi, hs + local, &first);
    if (!pay_reserve(x, (size_t)p))
        return 0;
    memcpy(x->pay, pg + hs, local);
    if (!read_chain(x, first, x->pay + local, (size_t)p - local, live))
        return 0;
    *out = x->pay;
    *end = hs + local + 4;
    return 1;
}

/* An intact table-leaf cell at pg[c]: payload size, rowid, record. Returns
 * the column count, 0 when it does not decode. */
static size_t cell_decode(struct run *x, const unsigned char *pg, size_t c, int64_t *rowid,
                          int live)
{
    size_t u = x->r->usable, a, b, end;
    uint64_t p, rid;
    const unsigned char *pay;

    a = get_varint(pg, u, c, &p);
    b = a ? get_varint(pg, u, c + a, &rid) : 0;
    if (!b || p > VG_SQLR_MAX_PAYLOAD || !try_budget(x))
        return 0;
    if (!payload_get(x, pg, c + a + b, u, p, live, &pay, &end))
        return 0;
    *rowid = (int64_t)rid;
    return record_decode(x, pay, (size_t)p);
}

/* ------------------------------------------------------------ delivery */

static int has_nonzero(const unsigned char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (p[i])
            return 1;
    return 0;
}

/* A row worth reporting holds some value with non-zero bytes besides the
 * rowid alias: zeroed space (secure_delete, fresh pages) decodes into rows
 * of NULLs, zeros and zero-filled blobs. */
static int plausible(const struct run *x, size_t n)
{
    const struct vg_sqlr_value *v;
    size_t i;

    for (i = 0; i < n; i++) {
        v = &x->vals[i];
        if (i == x->s->rowid_col)
            continue;
        if ((v->type == VG_SQLR_INT && x->types[i] >= 1 && x->types[i] <= 6) ||
            (v->type == VG_SQLR_REAL && v->r != 0) ||
            ((v->type == VG_SQLR_TEXT || v->type == VG_SQLR_BLOB) && has_nonzero(v->p, v->n)))
            return 1;
    }
    return 0;
}

static void live_build(struct run *x);

/* Is the row already known (live, or delivered)? Adds it to the delivered
 * ones when not. */
static int known(struct run *x, int has_rowid, int64_t rowid, size_t n)
{
    unsigned char k[HASH_LEN], c[HASH_LEN];
    int rc;

    if (!x->live_ready)
        live_build(x);
    if (x->rc != VG_OK)
        return 1;
    rc = row_hash(&x->h, x->s, rowid, x->vals, n, c, has_rowid ? k : NULL);
    if (rc != VG_OK) {
        x->rc = rc;
        return 1;
    }
    if (has_rowid ? hset_has(&x->live->keys, k) : hset_has(&x->live->contents, c)) {
        x->st.live_skipped++;
        return 1;
    }
    if (x->flags & VG_SQLR_ALL_COPIES)
        return 0;
    if (has_rowid ? hset_has(&x->got_keys, k) : hset_has(&x->got_contents, c)) {
        x->st.copies++;
        return 1;
    }
    rc = hset_add(&x->got_contents, c, VG_SQLR_MAX_ROWS);
    if (rc == VG_OK && has_rowid)
        rc = hset_add(&x->got_keys, k, VG_SQLR_MAX_ROWS);
    if (rc == VG_E_LIMIT)
        stop_limit(x, "rows recovered");
    else if (rc != VG_OK)
        x->rc = rc;
    return rc != VG_OK;
}

/* Hands the decoded row in x->vals over, unless it is implausible (all
 * NULL, or a carved rowid below 1), live, or a copy. */
static void emit(struct run *x, size_t n, int has_rowid, int64_t rowid, unsigned flags,
                 const struct vg_sqlr_origin *o)
{
    struct vg_sqlr_row row;
    int rc;

    if (x->rc != VG_OK || !plausible(x, n))
        return;
    if (has_rowid && rowid < 1 && o->area != VG_SQLR_AREA_CELL)
        return;
    if (known(x, has_rowid, rowid, n))
        return;
    if (x->st.rows >= VG_SQLR_MAX_ROWS) {
        stop_limit(x, "rows recovered");
        return;
    }
    if (has_rowid && x->s->rowid_col < n) {
        x->vals[x->s->rowid_col].type = VG_SQLR_INT;
        x->vals[x->s->rowid_col].i = rowid;
    }
    memset(&row, 0, sizeof(row));
    row.has_rowid = has_rowid;
    row.rowid = has_rowid ? rowid : 0;
    row.ncols = n;
    row.values = x->vals;
    row.flags = flags;
    row.origin = *o;
    x->st.rows++;
    rc = x->cb(x->ud, &row);
    if (rc != VG_OK && x->rc == VG_OK)
        x->rc = rc;
}

static struct vg_sqlr_origin at(const struct vg_sqlr_origin *base, enum vg_sqlr_area area,
                                size_t off)
{
    struct vg_sqlr_origin o = *base;

    o.area = area;
    o.offset = (uint32_t)off;
    if (o.where == VG_SQLR_FREEBLOCK || o.where == VG_SQLR_UNALLOCATED)
        o.where = area == VG_SQLR_AREA_UNALLOCATED ? VG_SQLR_UNALLOCATED : VG_SQLR_FREEBLOCK;
    return o;
}

/* ------------------------------------------------------------ carving */

/* A freeblock header, live or left behind, at pg[c]: the next freeblock is
 * 0 or past this one, and the size fits the page. SQLite writes one over
 * the first 4 bytes of every cell it frees. A header left behind may count
 * bytes since reused: *size is cut to hi. */
static int fb_like(const struct run *x, const unsigned char *pg, size_t c, size_t hi, size_t *size,
                   size_t *raw)
{
    uint32_t next, sz;
    size_t u = x->r->usable;

    if (!get16(pg, hi, c, &next) || !get16(pg, hi, c + 2, &sz))
        return 0;
    if (sz < FB_HDR || sz > u - c)
        return 0;
    if (next != 0 && (next < c + sz || next >= u))
        return 0;
    *size = sz < hi - c ? sz : hi - c;
    *raw = sz;
    return 1;
}

/* A cell header (payload size, rowid, record header fitting the schema,
 * payload size equal to the record's) starts at pg[t]: a live or intact
 * cell follows. */
static int cell_follows(struct run *x, const unsigned char *pg, size_t t)
{
    uint64_t p, rid, h, sum = 0;
    size_t a, b, hl, n;

    a = get_varint(pg, x->hi, t, &p);
    b = a ? get_varint(pg, x->hi, t + a, &rid) : 0;
    hl = b ? get_varint(pg, x->hi, t + a + b, &h) : 0;
    if (!hl || h < hl || h > x->hi - (t + a + b))
        return 0;
    memcpy(x->types_save, x->types, x->s->ncols * sizeof(*x->types));
    n = types_until(x, pg, t + a + b + hl, t + a + b + (size_t)h, 0, &sum);
    memcpy(x->types, x->types_save, x->s->ncols * sizeof(*x->types));
    return n && p == h + sum;
}

/* A freed cell's bytes end where its freeblock header said (but for up to
 * 3 fragment bytes), at the region's end, where the next freed cell's
 * header starts, or where an intact cell starts. */
static int lost_fits(struct run *x, const unsigned char *pg, size_t end)
{
    size_t t, sz, raw;

    if (end == x->hi || (end <= x->lost_end && x->lost_end - end <= 3))
        return 1;
    for (t = end; t <= end + 3 && t < x->hi; t++)
        if (fb_like(x, pg, t, x->hi, &sz, &raw))
            return 1;
    return cell_follows(x, pg, end);
}

/* Where the cell's bytes on the page end, for a payload of p bytes that
 * starts at hs. */
static size_t cell_end(const struct vg_sqlr *r, size_t hs, uint64_t p)
{
    size_t local = local_size(r, p);

    return hs + local + (local == p ? 0 : 4);
}

/* The start of the cell whose payload size (p) and rowid varints end just
 * before the record header at pg[q], at or after lo; SIZE_MAX when the
 * bytes there are not those varints. */
static size_t cell_prefix(const unsigned char *pg, size_t lo, size_t q, uint64_t p, uint64_t *rid)
{
    unsigned char enc[9];
    size_t a = put_varint(p, enc), b;

    for (b = 1; b <= 9; b++) {
        if (q < lo || q - lo < a + b)
            break;
        if (get_varint(pg, q, q - b, rid) == b && memcmp(pg + q - b - a, enc, a) == 0)
            return q - b - a;
    }
    return SIZE_MAX;
}

/* A freed cell starts at pg[t]: a freeblock header, then serial types that
 * fit the schema in one of the layouts an overwritten cell can have (see
 * lost_find), for a record that fits the size the header gives. Only the
 * structure is checked. */
static int freed_cell_at(struct run *x, const unsigned char *pg, size_t t)
{
    size_t sz, raw, used, hs, hl, n = x->s->ncols;
    uint64_t sum = 0, h, rid;
    int ok;

    if (!fb_like(x, pg, t, x->hi, &sz, &raw))
        return 0;
    memcpy(x->types_save, x->types, n * sizeof(*x->types));
    ok = types_count(x, pg, t + FB_HDR, x->hi, 0, n, &used, &sum) &&
         cell_end(x->r, t + 3, 1 + used + sum) <= t + raw;
    if (!ok && n >= 3) {
        sum = 0;
        ok = types_count(x, pg, t + FB_HDR, x->hi, 1, n - 1, &used, &sum) &&
             cell_end(x->r, t + 2, 2 + used + sum) <= t + raw;
    }
    for (hs = t + FB_HDR; !ok && hs <= t + MAX_CELL_PFX; hs++) {
        sum = 0;
        hl = get_varint(pg, x->hi, hs, &h);
        ok = hl && h >= hl + x->s->min_cols && h <= x->hi - hs &&
             types_until(x, pg, hs + hl, hs + (size_t)h, 0, &sum) != 0 &&
             varint_len(h + sum) < hs - t && cell_end(x->r, hs, h + sum) <= t + raw &&
             cell_prefix(pg, t + FB_HDR, hs, h + sum, &rid) == SIZE_MAX; /* not an intact cell */
    }
    memcpy(x->types, x->types_save, n * sizeof(*x->types));
    return ok;
}

/* A freed cell starts inside pg[start + 4..end): a later cell took those
 * bytes (SQLite allocates from the end of free space), so the record
 * ending at end is not whole. */
static int tail_taken(struct run *x, const unsigned char *pg, size_t start, size_t end)
{
    size_t t;

    for (t = start + FB_HDR; t < end; t++)
        if (freed_cell_at(x, pg, t))
            return 1;
    return 0;
}

/* A record header at pg[q] whose cell's payload size and rowid varints lie
 * intact just before it, at or after lo. Returns the end of the cell's bytes
 * on the page when a row was decoded, else 0. */
static size_t carve_intact(struct run *x, const unsigned char *pg, size_t lo, size_t q,
                           const struct vg_sqlr_origin *o)
{
    const struct vg_sqlr_schema *s = x->s;
    const unsigned char *pay;
    uint64_t h, sum = 0, p, rid = 0;
    size_t hl, n, cell, end;
    struct vg_sqlr_origin w;

    hl = get_varint(pg, x->hi, q, &h);
    if (!hl || h < hl + s->min_cols || h > hl + 9 * (uint64_t)s->ncols || h > x->hi - q)
        return 0;
    n = types_until(x, pg, q + hl, q + (size_t)h, 0, &sum);
    if (!n)
        return 0;
    p = h + sum;
    cell = cell_prefix(pg, lo, q, p, &rid);
    if (cell == SIZE_MAX || tail_taken(x, pg, cell, cell_end(x->r, q, p)))
        return 0;
    if (!try_budget(x) || !payload_get(x, pg, q, x->hi, p, 0, &pay, &end))
        return 0;
    if (!decode_values(x, pay + h, (size_t)(p - h), n) || !plausible(x, n))
        return 0;
    w = at(o, o->area, cell);
    if (x->phase == PHASE_INTACT)
        emit(x, n, 1, (int64_t)rid, 0, &w);
    return end;
}

/* Decodes a freed cell starting at pg[c] whose record header starts at
 * pg[hs], its serial types already in x->types; the body starts at pg[bs].
 * Returns the end of the cell's bytes on the page, 0 when it does not
 * decode, fit, or is not whole. */
static size_t lost_decode(struct run *x, const unsigned char *pg, size_t c, size_t hs, size_t bs,
                          size_t e, size_t n, uint64_t sum)
{
    const unsigned char *pay;
    uint64_t h = bs - hs, p = h + sum;
    size_t end = cell_end(x->r, hs, p);

    if (hs > e || end - hs > e - hs || !lost_fits(x, pg, end) || tail_taken(x, pg, c, end))
        return 0;
    if (!try_budget(x) || !payload_get(x, pg, hs, e, p, 0, &pay, &end))
        return 0;
    return decode_values(x, pay + h, (size_t)sum, n) && plausible(x, n) ? end : 0;
}

/* The header itself intact after the cell's overwritten payload size and
 * rowid (4 to 18 bytes of them). */
static size_t lost_prefix(struct run *x, const unsigned char *pg, size_t c, size_t e, size_t *n)
{
    size_t hs, hl, end;
    uint64_t h, sum;

    for (hs = c + FB_HDR; hs <= c + MAX_CELL_PFX && hs < e; hs++) {
        hl = get_varint(pg, e, hs, &h);
        sum = 0;
        if (!hl || h < hl + x->s->min_cols || h > e - hs)
            continue;
        *n = types_until(x, pg, hs + hl, hs + (size_t)h, 0, &sum);
        if (!*n || varint_len(h + sum) >= hs - c)
            continue;
        end = lost_decode(x, pg, c, hs, hs + (size_t)h, e, *n, sum);
        if (end)
            return end;
    }
    return 0;
}

/* The header size overwritten, every serial type intact from c + 4: the
 * payload size and rowid took 3 bytes, the header size the fourth. */
static size_t lost_header_size(struct run *x, const unsigned char *pg, size_t c, size_t e,
                               size_t *n)
{
    size_t used, end;
    uint64_t sum;

    for (*n = x->s->ncols; *n >= x->s->min_cols && *n > 0; (*n)--) {
        sum = 0;
        if (!types_count(x, pg, c + FB_HDR, e, 0, *n, &used, &sum) || used + 1 >= 128)
            continue;
        if (varint_len(used + 1 + sum) > 2)
            continue;
        end = lost_decode(x, pg, c, c + 3, c + FB_HDR + used, e, *n, sum);
        if (end)
            return end;
    }
    return 0;
}

/* Where a record starting at bs may end when its first length is unknown:
 * the block's end (less up to 3 fragment bytes) or a freeblock header left
 * inside it by the next freed cell. */
static size_t record_ends(const struct run *x, const unsigned char *pg, size_t bs, size_t e,
                          size_t ends[MAX_ENDS])
{
    size_t k = 0, t, sz, raw;

    for (t = 0; t < 4 && e - t >= bs && k < MAX_ENDS; t++)
        ends[k++] = e - t;
    for (t = bs + 1; t + FB_HDR <= e && k < MAX_ENDS; t++)
        if (fb_like(x, pg, t, e, &sz, &raw))
            ends[k++] = t;
    return k;
}

struct guess {
    uint64_t st; /* serial type of column 0 */
    size_t skip; /* bytes it took: 1, or 2 with the second at c + 4 */
};

static int is_end(const size_t *ends, size_t ne, size_t t)
{
    size_t i;

    for (i = 0; i < ne; i++)
        if (ends[i] == t)
            return 1;
    return 0;
}

/* Text or blob lengths for column 0 that end the record at one of the
 * possible ends, its serial type taking skip bytes; n columns. */
static size_t guess_lengths(struct run *x, const unsigned char *pg, size_t c, size_t e, size_t n,
                            size_t skip, struct guess *g, size_t k, size_t cap)
{
    const struct vg_sqlr_column *col = &x->s->cols[0];
    size_t ends[MAX_ENDS], ne, i, used, bs;
    uint64_t sum = 0, st, len;
    int blob;

    if (!types_count(x, pg, c + 3 + skip, e, 1, n - 1, &used, &sum))
        return k;
    bs = c + 3 + skip + used;
    ne = record_ends(x, pg, bs, e, ends);
    for (i = 0; i < ne && k < cap; i++) {
        if (ends[i] < bs || ends[i] - bs < sum)
            continue;
        len = ends[i] - bs - sum;
        for (blob = 0; blob < 2 && k < cap; blob++) {
            st = 2 * len + (blob ? 12 : 13);
            if (!(col->types & (blob ? VG_SQLR_BLOB : VG_SQLR_TEXT)) || varint_len(st) != skip ||
                (skip == 2 && (st & 0x7fu) != pg[c + FB_HDR]))
                continue;
            g[k].st = st;
            g[k++].skip = skip;
        }
    }
    return k;
}

/* Column 0's serial type overwritten with the header size (the payload
 * size and rowid took one byte each): the types the schema allows whose
 * record of n columns ends where the block does, or where a freeblock
 * header left by the next freed cell starts. */
static size_t first_type_guesses(struct run *x, const unsigned char *pg, size_t c, size_t e,
                                 size_t n, struct guess *g, size_t cap)
{
    const struct vg_sqlr_column *col = &x->s->cols[0];
    size_t ends[MAX_ENDS], ne, k = 0, used;
    uint64_t st, sum, len;

    if (col->rowid_alias) {
        g[0].st = 0;
        g[0].skip = 1;
        return 1;
    }
    if (col->types & (VG_SQLR_TEXT | VG_SQLR_BLOB)) {
        k = guess_lengths(x, pg, c, e, n, 1, g, k, cap);
        if (pg[c + FB_HDR] < 0x80)
            k = guess_lengths(x, pg, c, e, n, 2, g, k, cap);
    }
    for (st = 0; st <= 9 && k < cap; st++) {
        if (!(col->types & serial_class(st, &len)))
            continue;
        sum = len;
        if (!types_count(x, pg, c + FB_HDR, e, 1, n - 1, &used, &sum))
            continue;
        ne = record_ends(x, pg, c + FB_HDR + used, e, ends);
        if (!is_end(ends, ne, c + FB_HDR + used + sum))
            continue;
        g[k].st = st;
        g[k++].skip = 1;
    }
    return k;
}

/* Decodes n columns with guess g; the payload is then under 128 bytes (its
 * size took one byte) and local. */
static size_t lost_first_try(struct run *x, const unsigned char *pg, size_t c, size_t e, size_t n,
                             const struct guess *g)
{
    size_t used;
    uint64_t sum = 0;

    if (!type_fits(x, 0, g->st, &sum))
        return 0;
    if (!types_count(x, pg, c + 3 + g->skip, e, 1, n - 1, &used, &sum))
        return 0;
    x->types[0] = g->st;
    if (1 + g->skip + used + sum >= 128)
        return 0;
    return lost_decode(x, pg, c, c + 2, c + 3 + g->skip + used, e, n, sum);
}

/* Tries the guesses for each column count, most columns first. */
static size_t lost_first_type(struct run *x, const unsigned char *pg, size_t c, size_t e, size_t *n,
                              unsigned *flags)
{
    struct guess g[24];
    size_t k, i, first, fits;

    if (e - c < FB_HDR + 1)
        return 0;
    for (*n = x->s->ncols; *n >= x->s->min_cols && *n > 0; (*n)--) {
        k = first_type_guesses(x, pg, c, e, *n, g, VG_ARRAY_LEN(g));
        first = SIZE_MAX;
        fits = 0;
        for (i = 0; i < k && fits < 2; i++) {
            if (lost_first_try(x, pg, c, e, *n, &g[i])) {
                fits++;
                first = first == SIZE_MAX ? i : first;
            }
        }
        if (first == SIZE_MAX)
            continue;
        if (fits > 1)
            *flags |= VG_SQLR_ROW_GUESSED;
        return lost_first_try(x, pg, c, e, *n, &g[first]);
    }
    return 0;
}

/* A cell at pg[c] whose first 4 bytes a freeblock header overwrote, within
 * pg[c..e): its rowid is lost; its record header is read in the first way
 * that decodes (docs/formats/sqlite-recovery.md, "Overwritten headers"). */
static size_t lost_find(struct run *x, const unsigned char *pg, size_t c, size_t e, size_t *n,
                        unsigned *flags)
{
    size_t end;

    *flags = VG_SQLR_ROW_HEADER_LOST;
    if (e - c <= FB_HDR)
        return 0;
    end = lost_prefix(x, pg, c, e, n);
    if (!end)
        end = lost_header_size(x, pg, c, e, n);
    if (!end)
        end = lost_first_type(x, pg, c, e, n, flags);
    return end;
}

/* The rows in pg[lo..hi): intact cells (whose payload size and rowid must
 * lie at or after intact_lo) in PHASE_INTACT; in PHASE_LOST, cells whose
 * first bytes a freeblock header overwrote, stepping over the intact cells
 * (delivered before). */
static void scan_region(struct run *x, const unsigned char *pg, size_t lo, size_t hi,
                        size_t intact_lo, const struct vg_sqlr_origin *o)
{
    struct vg_sqlr_origin w;
    size_t pos = lo, size, raw, end, n;
    unsigned flags;

    x->hi = hi;
    while (pos < hi && x->rc == VG_OK) {
        end = 0;
        if (x->phase == PHASE_LOST && fb_like(x, pg, pos, hi, &size, &raw)) {
            x->lost_end = pos + raw;
            end = lost_find(x, pg, pos, pos + size, &n, &flags);
            if (end) {
                w = at(o, o->area, pos);
                emit(x, n, 0, 0, flags, &w);
            }
        }
        if (!end)
            end = carve_intact(x, pg, intact_lo, pos, o);
        pos = end > pos ? end : pos + 1;
    }
}

/* ------------------------------------------------------------ pages */

struct leaf_hdr {
    size_t h; /* the page header's offset: 100 on page 1 */
    uint32_t ncell, fb, content;
    size_t ptrs_end; /* end of the cell pointer array */
};

/* A table leaf page header whose cell pointer array and content area fit
 * the page. */
static int leaf_header(const struct run *x, const unsigned char *pg, uint32_t pgno,
                       struct leaf_hdr *l)
{
    size_t u = x->r->usable;

    l->h = pgno == 1 ? DB_HDR : 0;
    if (pg[l->h] != LEAF_TABLE)
        return 0;
    (void)get16(pg, u, l->h + 1, &l->fb);
    (void)get16(pg, u, l->h + 3, &l->ncell);
    (void)get16(pg, u, l->h + 5, &l->content);
    l->content = l->content ? l->content : MAX_PAGE;
    l->ptrs_end = l->h + LEAF_HDR + 2 * (size_t)l->ncell;
    return l->ptrs_end <= l->content && l->content <= u;
}

static int cell_at(const struct run *x, const unsigned char *pg, const struct leaf_hdr *l,
                   uint32_t i, size_t *c)
{
    uint32_t v;

    (void)get16(pg, x->r->usable, l->h + LEAF_HDR + 2 * (size_t)i, &v);
    *c = v;
    return v >= l->ptrs_end && v < x->r->usable;
}

/* Every cell of a page image decodes against the schema: the page held
 * this table's rows (a page holds one table's). */
static int page_is_ours(struct run *x, const unsigned char *pg, const struct leaf_hdr *l)
{
    int64_t rowid;
    size_t c;
    uint32_t i;

    for (i = 0; i < l->ncell && x->rc == VG_OK; i++)
        if (!cell_at(x, pg, l, i, &c) || !cell_decode(x, pg, c, &rowid, 0))
            return 0;
    return x->rc == VG_OK;
}

static void scan_cells(struct run *x, const unsigned char *pg, const struct leaf_hdr *l,
                       const struct vg_sqlr_origin *o)
{
    struct vg_sqlr_origin w;
    int64_t rowid;
    size_t c, n;
    uint32_t i;

    for (i = 0; i < l->ncell && x->rc == VG_OK; i++) {
        if (!cell_at(x, pg, l, i, &c))
            continue;
        n = cell_decode(x, pg, c, &rowid, 0);
        w = at(o, VG_SQLR_AREA_CELL, c);
        if (n)
            emit(x, n, 1, rowid, 0, &w);
    }
}

/* The freeblock chain, each block carved; a block out of place ends it
 * with a note (a warning on a live page). */
static void scan_freeblocks(struct run *x, const unsigned char *pg, uint32_t pgno,
                            const struct leaf_hdr *l, const struct vg_sqlr_origin *o, int live)
{
    enum vg_diag_level lvl = live ? VG_DIAG_WARN : VG_DIAG_INFO;
    int say = x->phase == PHASE_INTACT; /* the chain is walked in two phases: noted once */
    size_t u = x->r->usable, lo = l->ptrs_end, count = 0;
    uint32_t fb = l->fb, next, size;
    struct vg_sqlr_origin w;

    while (fb != 0 && x->rc == VG_OK) {
        if (fb < lo || fb > u - FB_HDR || ++count > u / FB_HDR) {
            if (say)
                note(x->r, lvl, "page %u: freeblock at offset %u out of place: chain stopped", pgno,
                     fb);
            return;
        }
        (void)get16(pg, u, fb, &next);
        (void)get16(pg, u, fb + 2, &size);
        if (size < FB_HDR || size > u - fb) {
            if (say)
                note(x->r, lvl, "page %u: freeblock at offset %u: size %u runs past the page", pgno,
                     fb, size);
            return;
        }
        w = at(o, VG_SQLR_AREA_FREEBLOCK, fb);
        scan_region(x, pg, fb, fb + size, fb + FB_HDR, &w);
        lo = fb + size;
        fb = next;
    }
}

/* A table leaf page image: its cells in the first phase (unless it is a
 * live page of the table), its freeblocks and unallocated area in the
 * second. Returns 0 when it is not a table leaf page. */
static int scan_leaf(struct run *x, const unsigned char *pg, uint32_t pgno,
                     const struct vg_sqlr_origin *o, int live)
{
    struct vg_sqlr_origin w;
    struct leaf_hdr l;

    if (!leaf_header(x, pg, pgno, &l))
        return 0;
    if (!live && !bm_get(&x->table_pages, pgno) && !page_is_ours(x, pg, &l)) {
        x->st.foreign_pages += x->phase == PHASE_CELLS;
        return 1;
    }
    if (x->phase == PHASE_CELLS) {
        if (!live)
            scan_cells(x, pg, &l, o);
        return 1;
    }
    scan_freeblocks(x, pg, pgno, &l, o, live);
    w = at(o, VG_SQLR_AREA_UNALLOCATED, l.ptrs_end);
    if (x->rc == VG_OK)
        scan_region(x, pg, l.ptrs_end, l.content, l.ptrs_end, &w);
    return 1;
}

/* ------------------------------------------------------------ live table */

static void tree_push(struct run *x, uint32_t child, uint32_t parent)
{
    if (child < 2 || child > x->r->npages) {
        note(x->r, VG_DIAG_WARN, "page %u: child page %u out of range", parent, child);
        x->damaged = 1;
    } else if (bm_get(&x->table_pages, child)) {
        note(x->r, VG_DIAG_WARN, "page %u: child page %u reached twice (a cycle): not followed",
             parent, child);
        x->damaged = 1;
    } else if (u32v_push(x, &x->tree, child)) {
        bm_set(&x->table_pages, child);
    }
}

static void walk_interior(struct run *x, const unsigned char *pg, uint32_t pgno, size_t h)
{
    size_t u = x->r->usable, ptrs = h + INTERIOR_HDR, c;
    uint32_t ncell, i, v, child;

    (void)get16(pg, u, h + 3, &ncell);
    if (!u32v_push(x, &x->interiors, pgno))
        return;
    if (ptrs + 2 * (size_t)ncell > u) {
        note(x->r, VG_DIAG_WARN, "page %u: %u cells do not fit the page", pgno, ncell);
        x->damaged = 1;
        return;
    }
    for (i = 0; i < ncell && x->rc == VG_OK; i++) {
        (void)get16(pg, u, ptrs + 2 * (size_t)i, &v);
        c = v;
        if (c < ptrs + 2 * (size_t)ncell || !get32(pg, u, c, &child)) {
            note(x->r, VG_DIAG_WARN, "page %u: cell %u at offset %zu out of place", pgno, i, c);
            x->damaged = 1;
            continue;
        }
        tree_push(x, child, pgno);
    }
    (void)get32(pg, u, h + 8, &child);
    tree_push(x, child, pgno);
}

/* Hands every cell of a live leaf page to on_row. */
static void leaf_rows(struct run *x, const unsigned char *pg, uint32_t pgno,
                      void (*on_row)(struct run *x, int64_t rowid, size_t n))
{
    struct leaf_hdr l;
    int64_t rowid;
    size_t c, n;
    uint32_t i;

    if (!leaf_header(x, pg, pgno, &l)) {
        note(x->r, VG_DIAG_WARN, "page %u: table leaf header out of place", pgno);
        x->damaged = 1;
        return;
    }
    for (i = 0; i < l.ncell && x->rc == VG_OK; i++) {
        n = cell_at(x, pg, &l, i, &c) ? cell_decode(x, pg, c, &rowid, 1) : 0;
        if (!n) {
            note(x->r, VG_DIAG_WARN, "page %u: cell %u (offset %zu) does not decode", pgno, i, c);
            x->damaged = 1;
            continue;
        }
        on_row(x, rowid, n);
    }
}

/* Lists a leaf page of the table, and hands its rows to on_row unless it
 * is NULL (recovery reads them later, when it needs them: live_build). */
static void walk_leaf(struct run *x, const unsigned char *pg, uint32_t pgno,
                      void (*on_row)(struct run *x, int64_t rowid, size_t n))
{
    struct leaf_hdr l;

    if (!leaf_header(x, pg, pgno, &l)) {
        note(x->r, VG_DIAG_WARN, "page %u: table leaf header out of place", pgno);
        x->damaged = 1;
        return;
    }
    if (u32v_push(x, &x->leaves, pgno) && on_row)
        leaf_rows(x, pg, pgno, on_row);
}

/* Walks the table's b-tree from root, breadth first, handing every live
 * row to on_row and listing the leaf pages. */
static void walk_table(struct run *x, uint32_t root,
                       void (*on_row)(struct run *x, int64_t rowid, size_t n))
{
    size_t i;

    x->lenient = 1;
    if (root < 1 || root > x->r->npages) {
        note(x->r, VG_DIAG_WARN, "root page %u out of range", root);
        x->damaged = 1;
    } else if (u32v_push(x, &x->tree, root)) {
        bm_set(&x->table_pages, root);
    }
    for (i = 0; i < x->tree.n && x->rc == VG_OK && !x->found; i++) {
        uint32_t pgno = x->tree.v[i];
        size_t h = pgno == 1 ? DB_HDR : 0;

        if (!page_live(x, pgno, x->pg)) {
            if (x->rc == VG_OK)
                note(x->r, VG_DIAG_WARN, "page %u cannot be read", pgno);
            x->damaged = 1;
        } else if (x->pg[h] == INTERIOR_TABLE) {
            walk_interior(x, x->pg, pgno, h);
        } else if (x->pg[h] == LEAF_TABLE) {
            walk_leaf(x, x->pg, pgno, on_row);
        } else {
            note(x->r, VG_DIAG_WARN, "page %u: type %u is not a table b-tree page", pgno, x->pg[h]);
            x->damaged = 1;
        }
    }
    x->lenient = 0;
}

static void live_row(struct run *x, int64_t rowid, size_t n)
{
    int rc = live_add(&x->own, &x->h, x->s, rowid, x->vals, n);

    if (rc == VG_E_LIMIT)
        stop_limit(x, "live rows");
    else if (rc != VG_OK && x->rc == VG_OK)
        x->rc = rc;
}

static void dec_swap(struct run *x)
{
    struct dec d = x->spare;

    x->spare.pg = x->pg;
    x->spare.pay = x->pay;
    x->spare.pay_cap = x->pay_cap;
    x->spare.types = x->types;
    x->spare.vals = x->vals;
    x->pg = d.pg;
    x->pay = d.pay;
    x->pay_cap = d.pay_cap;
    x->types = d.types;
    x->vals = d.vals;
}

static int spare_alloc(struct run *x)
{
    x->spare.pg = vg_malloc(x->r->page_size);
    x->spare.types = vg_calloc(x->s->ncols, sizeof(*x->spare.types));
    x->spare.vals = vg_calloc(x->s->ncols, sizeof(*x->spare.vals));
    if (x->spare.pg && x->spare.types && x->spare.vals)
        return 1;
    x->rc = x->rc ? x->rc : VG_E_NOMEM;
    return 0;
}

/* Reads the table's live rows into the live set, at the first candidate a
 * pass finds, with the spare buffers (the candidate's stay as they are).
 * A live row that cannot be read stops the recovery: a recovered row could
 * not be told apart from it. */
static void live_build(struct run *x)
{
    size_t hi = x->hi, lost_end = x->lost_end, i;
    uint32_t pgno;

    x->live_ready = 1;
    if (!spare_alloc(x))
        return;
    dec_swap(x);
    x->lenient = 1;
    for (i = 0; i < x->leaves.n && x->rc == VG_OK; i++) {
        pgno = x->leaves.v[i];
        if (page_live(x, pgno, x->pg)) {
            leaf_rows(x, x->pg, pgno, live_row);
        } else if (x->rc == VG_OK) {
            note(x->r, VG_DIAG_WARN, "page %u cannot be read", pgno);
            x->damaged = 1;
        }
    }
    x->lenient = 0;
    dec_swap(x);
    x->hi = hi;
    x->lost_end = lost_end;
    x->st.live_rows = x->live->rows;
    if (x->rc == VG_OK && x->damaged) {
        note(x->r, VG_DIAG_WARN,
             "the table's live rows cannot all be read: nothing recovered, as "
             "a live row could not be told apart");
        x->rc = VG_E_CORRUPT;
    }
}

/* ------------------------------------------------------------ freelist */

static int fl_trunk_push(struct run *x, uint32_t pgno, uint32_t leaves)
{
    if (x->nfl_trunks == x->fl_trunks_cap) {
        size_t cap = x->fl_trunks_cap ? x->fl_trunks_cap * 2 : 16;
        struct trunk *t = vg_realloc_array(x->fl_trunks, cap, sizeof(*t));
        if (!t) {
            x->rc = x->rc ? x->rc : VG_E_NOMEM;
            return 0;
        }
        x->fl_trunks = t;
        x->fl_trunks_cap = cap;
    }
    x->fl_trunks[x->nfl_trunks].pgno = pgno;
    x->fl_trunks[x->nfl_trunks++].leaves = leaves;
    return 1;
}

/* The leaves a trunk lists; pointers out of range or seen before are
 * skipped, with one note per trunk. */
static void fl_leaves(struct run *x, const unsigned char *pg, uint32_t trunk, uint32_t n)
{
    uint32_t i, leaf, bad = 0, twice = 0, first_bad = 0, first_twice = 0;

    for (i = 0; i < n && x->rc == VG_OK; i++) {
        (void)get32(pg, x->r->usable, 8 + 4 * (size_t)i, &leaf);
        if (leaf < 2 || leaf > x->r->npages) {
            first_bad = bad++ ? first_bad : leaf;
        } else if (bm_get(&x->fl_seen, leaf)) {
            first_twice = twice++ ? first_twice : leaf;
        } else if (u32v_push(x, &x->fl_leaves, leaf)) {
            bm_set(&x->fl_seen, leaf);
        }
    }
    if (bad)
        note(x->r, VG_DIAG_WARN,
             "freelist trunk page %u: %u leaf pointers out of range (the first: page %u)", trunk,
             bad, first_bad);
    if (twice)
        note(x->r, VG_DIAG_WARN,
             "freelist trunk page %u: %u leaf pages listed twice (the first: page %u)", trunk,
             twice, first_twice);
}

/* Lists the freelist's trunk and leaf pages (fileformat2 section 1.5)
 * from the live header; a bad pointer or a cycle ends it with a note. */
static void freelist_walk(struct run *x)
{
    uint32_t trunk, count, next, n, max = x->r->usable / 4 - 2;

    if (!page_live(x, 1, x->pg))
        return;
    (void)get32(x->pg, x->r->usable, 32, &trunk);
    (void)get32(x->pg, x->r->usable, 36, &count);
    while (trunk != 0 && x->rc == VG_OK) {
        if (trunk < 2 || trunk > x->r->npages) {
            note(x->r, VG_DIAG_WARN, "freelist: trunk page %u out of range: freelist stopped",
                 trunk);
            return;
        }
        if (bm_get(&x->fl_seen, trunk)) {
            note(x->r, VG_DIAG_WARN, "freelist: cycle at trunk page %u: freelist stopped", trunk);
            return;
        }
        bm_set(&x->fl_seen, trunk);
        bm_set(&x->trunks, trunk);
        if (!page_live(x, trunk, x->pg))
            return;
        (void)get32(x->pg, x->r->usable, 0, &next);
        (void)get32(x->pg, x->r->usable, 4, &n);
        if (n > max) {
            note(x->r, VG_DIAG_WARN, "freelist trunk page %u: %u leaves, at most %u fit", trunk, n,
                 max);
            n = max;
        }
        if (!fl_trunk_push(x, trunk, n))
            return;
        fl_leaves(x, x->pg, trunk, n);
        trunk = next;
    }
    if (x->rc == VG_OK && x->nfl_trunks + x->fl_leaves.n != count)
        note(x->r, VG_DIAG_INFO, "freelist: %zu pages found, the header counts %u",
             x->nfl_trunks + x->fl_leaves.n, count);
}

/* ------------------------------------------------------------ passes */

/* The database file's version of a page a committed frame replaced, unless
 * a checkpoint already copied that frame over it. */
static int old_db_page(struct run *x, uint32_t pgno, uint32_t frame)
{
    if (pgno > x->r->db_pages || !budget(x) || !got(x, read_db_page(x->r, pgno, x->pg)))
        return 0;
    if (!budget(x) || !got(x, read_frame(x->r, frame, x->ovf)))
        return 0;
    return memcmp(x->pg, x->ovf, x->r->page_size) != 0;
}

/* Page images older than the live ones: database pages replaced in the WAL,
 * then the WAL frames that are not live, in order. */
static void pass_old_pages(struct run *x)
{
    struct vg_sqlr_origin o;
    size_t i;

    memset(&o, 0, sizeof(o));
    o.where = VG_SQLR_DB_PAGE_OLD;
    for (i = 0; i < x->r->nmap && x->rc == VG_OK; i++) {
        o.page = x->r->map[i].pgno;
        if (old_db_page(x, o.page, x->r->map[i].frame))
            (void)scan_leaf(x, x->pg, o.page, &o, 0);
    }
    o.where = VG_SQLR_WAL_FRAME;
    for (i = 0; i < x->r->nframes && x->rc == VG_OK; i++) {
        if (x->r->frames[i].state == FRAME_LIVE || x->r->frames[i].pgno == 0)
            continue;
        o.page = x->r->frames[i].pgno;
        o.frame = (uint32_t)i + 1;
        o.frame_state = (enum vg_sqlr_frame_state)x->r->frames[i].state;
        if (!budget(x) || !got(x, read_frame(x->r, i, x->pg)))
            continue;
        (void)scan_leaf(x, x->pg, o.page, &o, 0);
    }
}

/* Freelist trunk pages keep what their first 8 + 4 * leaves bytes did not
 * overwrite; leaf pages keep their last content whole. */
static void pass_freelist(struct run *x)
{
    struct vg_sqlr_origin o, w;
    size_t i, lo;

    memset(&o, 0, sizeof(o));
    o.where = VG_SQLR_FREELIST;
    for (i = 0; i < x->nfl_trunks && x->rc == VG_OK && x->phase != PHASE_CELLS; i++) {
        o.page = x->fl_trunks[i].pgno;
        if (!page_live(x, o.page, x->pg))
            continue;
        lo = 8 + 4 * (size_t)x->fl_trunks[i].leaves;
        w = at(&o, VG_SQLR_AREA_RAW, lo);
        scan_region(x, x->pg, lo, x->r->usable, lo, &w);
    }
    for (i = 0; i < x->fl_leaves.n && x->rc == VG_OK; i++) {
        o.page = x->fl_leaves.v[i];
        if (page_live(x, o.page, x->pg))
            (void)scan_leaf(x, x->pg, o.page, &o, 0);
    }
}

/* An interior page's unallocated area: when the root of a growing table
 * became an interior page, its leaf cells stayed there as stale bytes. */
static void scan_interior(struct run *x, const unsigned char *pg, uint32_t pgno,
                          const struct vg_sqlr_origin *base)
{
    size_t h = pgno == 1 ? DB_HDR : 0, lo;
    uint32_t ncell, content;
    struct vg_sqlr_origin o;

    (void)get16(pg, x->r->usable, h + 3, &ncell);
    (void)get16(pg, x->r->usable, h + 5, &content);
    content = content ? content : MAX_PAGE;
    lo = h + INTERIOR_HDR + 2 * (size_t)ncell;
    if (pg[h] != INTERIOR_TABLE || lo > content || content > x->r->usable)
        return;
    o = at(base, VG_SQLR_AREA_UNALLOCATED, lo);
    scan_region(x, pg, lo, content, lo, &o);
}

static void pass_live_pages(struct run *x)
{
    struct vg_sqlr_origin o;
    size_t i;

    memset(&o, 0, sizeof(o));
    o.where = VG_SQLR_FREEBLOCK;
    for (i = 0; i < x->leaves.n && x->rc == VG_OK; i++) {
        o.page = x->leaves.v[i];
        if (page_live(x, o.page, x->pg))
            (void)scan_leaf(x, x->pg, o.page, &o, 1);
    }
    for (i = 0; i < x->interiors.n && x->rc == VG_OK; i++) {
        o.page = x->interiors.v[i];
        if (page_live(x, o.page, x->pg))
            scan_interior(x, x->pg, o.page, &o);
    }
}

/* Cells with their rowid first, everywhere, then the carved copies that
 * lost it, so a row found both ways is delivered with its rowid. */
static void passes(struct run *x)
{
    for (x->phase = PHASE_CELLS; x->phase < PHASES && x->rc == VG_OK; x->phase++) {
        pass_old_pages(x);
        if (x->rc == VG_OK)
            pass_freelist(x);
        if (x->rc == VG_OK && x->phase != PHASE_CELLS)
            pass_live_pages(x);
    }
}

int vg_sqlr_recover(struct vg_sqlr *r, const struct vg_sqlr_schema *s,
                    const struct vg_sqlr_opts *opts,
                    int (*cb)(void *ud, const struct vg_sqlr_row *row), void *ud,
                    struct vg_sqlr_stats *stats)
{
    const struct vg_sqlr_live *given = opts ? opts->live : NULL;
    struct run x;
    int rc = run_init(&x, r, s);

    if (rc != VG_OK)
        goto out;
    x.flags = opts ? opts->flags : 0;
    x.cb = cb;
    x.ud = ud;
    x.live = given ? given : &x.own;
    x.live_ready = given != NULL;
    freelist_walk(&x);
    if (s->root)
        walk_table(&x, s->root, NULL);
    else if (!given)
        x.rc = VG_E_INVAL;
    if (x.rc == VG_OK && x.damaged && !given) {
        note(r, VG_DIAG_WARN,
             "the table's live rows cannot all be read: nothing recovered, as "
             "a live row could not be told apart");
        x.rc = VG_E_CORRUPT;
    }
    x.st.live_rows = x.live->rows;
    if (x.rc == VG_OK)
        passes(&x);
    rc = x.rc;
out:
    if (stats)
        *stats = x.st;
    run_free(&x);
    return rc;
}

/* ------------------------------------------------------------ sqlite_master */

static struct vg_sqlr_column master_cols[] = {
    {"type", VG_SQLR_AFF_TEXT, VG_SQLR_ANY, 0},
    {"name", VG_SQLR_AFF_TEXT, VG_SQLR_ANY, 0},
    {"tbl_name", VG_SQLR_AFF_TEXT, VG_SQLR_ANY, 0},
    {"rootpage", VG_SQLR_AFF_INTEGER, VG_SQLR_ANY, 0},
    {"sql", VG_SQLR_AFF_TEXT, VG_SQLR_ANY, 0},
};

static const struct vg_sqlr_schema master = {master_cols, 5, 5, NO_COL, 1, NULL};

static int text_is(const struct vg_sqlr_value *v, const char *s)
{
    return v->type == VG_SQLR_TEXT && ascii_ieq((const char *)v->p, v->n, s, strlen(s));
}

static void master_row(struct run *x, int64_t rowid, size_t n)
{
    const struct vg_sqlr_value *v = x->vals;

    VG_UNUSED(rowid);
    if (n < 5 || !text_is(&v[0], "table") || !text_is(&v[1], x->want))
        return;
    if (v[3].type != VG_SQLR_INT || v[3].i < 1 || v[3].i > (int64_t)x->r->npages ||
        v[4].type != VG_SQLR_TEXT) {
        note(x->r, VG_DIAG_WARN, "sqlite_master: table %s has no usable root page or SQL", x->want);
        return;
    }
    x->found_sql = vg_malloc(v[4].n + 1);
    if (!x->found_sql) {
        x->rc = VG_E_NOMEM;
        return;
    }
    memcpy(x->found_sql, v[4].p, v[4].n);
    x->found_sql[v[4].n] = '\0';
    x->found_len = v[4].n;
    x->found_root = (uint32_t)v[3].i;
    x->found = 1;
}

int vg_sqlr_table(struct vg_sqlr *r, const char *name, struct vg_sqlr_schema **out)
{
    char why[VG_MAX_MESSAGE];
    struct run x;
    int rc;

    if (r->enc != 1)
        return VG_E_UNSUPPORTED;
    rc = run_init(&x, r, &master);
    if (rc != VG_OK)
        goto out;
    x.want = name;
    walk_table(&x, 1, master_row);
    rc = x.rc;
    if (rc == VG_OK && !x.found)
        rc = x.damaged ? VG_E_CORRUPT : VG_E_NOTFOUND;
    if (rc == VG_OK) {
        rc = vg_sqlr_schema_parse(x.found_sql, x.found_len, x.found_root, out, why, sizeof(why));
        if (rc != VG_OK)
            note(r, VG_DIAG_WARN, "table %s: %s", name, why[0] ? why : "schema not usable");
    }
out:
    run_free(&x);
    return rc;
}
