/*
 * Serving dumpsys sections from one text (see dumpsys_text.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <pthread.h>
#include <stdlib.h>

#include "sources/dumpsys_text.h"
#include "util/utf8.h"

/* One section, or the getprop block: where its body lies in the text. */
struct sect {
    char *name;
    size_t name_len; /* a header may hold NUL bytes: "adb\0:" is not "adb" */
    size_t line;     /* its header's (or title's) line */
    size_t off, len;
};

/* The sections of the text as one decoding cuts it, in text order. */
struct index {
    pthread_mutex_t lock;
    int built;
    struct sect *v;
    size_t n;
};

struct vg_dumpsys_text {
    char *display;
    const char *text;
    size_t len;
    struct index idx[3]; /* by enum vg_dumpsys_dec */
    /* Whether the text cuts into the same sections whatever the decoding
     * (same_checked: worked out), so one index serves all three. */
    pthread_mutex_t same_lock;
    int same_checked, ignore_same, bytes_same;
    pthread_mutex_t getprop_lock;
    int getprop_built, getprop_found;
    struct sect getprop;
};

int vg_dumpsys_dec_parse(const char *domain, enum vg_dumpsys_dec *out)
{
    if (!domain || strcmp(domain, "replace") == 0)
        *out = VG_DUMPSYS_REPLACE;
    else if (strcmp(domain, "ignore") == 0)
        *out = VG_DUMPSYS_IGNORE;
    else if (strcmp(domain, "bytes") == 0)
        *out = VG_DUMPSYS_BYTES;
    else
        return VG_E_INVAL;
    return VG_OK;
}

int vg_dumpsys_text_new(const char *display, const void *text, size_t len,
                        struct vg_dumpsys_text **out)
{
    struct vg_dumpsys_text *t;
    size_t i;

    if (len > VG_MAX_DUMPSYS_TEXT)
        return VG_E_LIMIT;
    t = vg_calloc(1, sizeof(*t));
    if (!t)
        return VG_E_NOMEM;
    t->display = vg_strdup(display);
    if (!t->display) {
        free(t);
        return VG_E_NOMEM;
    }
    t->text = text ? text : "";
    t->len = text ? len : 0;
    for (i = 0; i < VG_ARRAY_LEN(t->idx); i++)
        pthread_mutex_init(&t->idx[i].lock, NULL);
    pthread_mutex_init(&t->getprop_lock, NULL);
    pthread_mutex_init(&t->same_lock, NULL);
    *out = t;
    return VG_OK;
}

void vg_dumpsys_text_free(struct vg_dumpsys_text *t)
{
    size_t i, j;

    if (!t)
        return;
    for (i = 0; i < VG_ARRAY_LEN(t->idx); i++) {
        for (j = 0; j < t->idx[i].n; j++)
            free(t->idx[i].v[j].name);
        free(t->idx[i].v);
        pthread_mutex_destroy(&t->idx[i].lock);
    }
    free(t->getprop.name);
    pthread_mutex_destroy(&t->getprop_lock);
    pthread_mutex_destroy(&t->same_lock);
    free(t->display);
    free(t);
}

/* ---- the index ---- */

static int add_sect(struct index *ix, const struct vg_dumpsys_text *t,
                    const struct vg_dumpsys_section *sec)
{
    struct sect *grown;

    /* doubling: the count is capped by the splitter (VG_MAX_DUMPSYS_SECTIONS) */
    if ((ix->n & (ix->n - 1)) == 0) {
        grown = vg_realloc_array(ix->v, ix->n ? 2 * ix->n : 16, sizeof(*ix->v));
        if (!grown)
            return VG_E_NOMEM;
        ix->v = grown;
    }
    grown = &ix->v[ix->n];
    grown->name = vg_strndup(sec->name.p, sec->name.n);
    if (!grown->name)
        return VG_E_NOMEM;
    grown->name_len = sec->name.n;
    grown->line = sec->line;
    grown->off = (size_t)(sec->body.p - t->text);
    grown->len = sec->body.n;
    ix->n++;
    return VG_OK;
}

static void build(struct vg_dumpsys_text *t, struct index *ix, enum vg_dumpsys_dec dec,
                  struct vg_diag *diag)
{
    struct vg_dumpsys_iter it;
    struct vg_dumpsys_section sec;
    int rc = vg_dumpsys_iter_init(&it, t->text, t->len, dec);

    while (rc == VG_OK && (rc = vg_dumpsys_iter_next(&it, &sec)) == 1)
        rc = add_sect(ix, t, &sec);
    vg_dumpsys_iter_free(&it);
    if (rc == VG_E_LIMIT)
        vg_diag_add(diag, VG_DIAG_WARN, "dumpsys",
                    "%s: more than %u services: the ones after line %zu are not read", t->display,
                    (unsigned)VG_MAX_DUMPSYS_SECTIONS, it.lines.lineno);
    else if (rc < 0)
        vg_diag_add(diag, VG_DIAG_WARN, "dumpsys",
                    "%s: splitting the services stopped at line %zu: %s", t->display,
                    it.lines.lineno, vg_strerror(rc));
    ix->built = 1;
}

/* ---- one split for every decoding, when the text allows ----
 *
 * A text is cut into the same lines and sections by the three decodings
 * unless it holds what one of them reads otherwise (dumpsys.h):
 *   - str.splitlines() breaks that bytes.splitlines() does not have (\v \f
 *     \x1c-\x1e, U+0085, U+2028, U+2029), and Python white space that
 *     bytes.strip() keeps (\x1c-\x1f, U+00A0, U+1680, U+2000-U+200A, U+202F,
 *     U+205F, U+3000): BYTES may cut otherwise;
 *   - bytes that are not UTF-8 on a line that could be a header or a
 *     delimiter (after spaces and tabs, its first byte is 'D', '-', or not
 *     printable ASCII): IGNORE drops them and may see one more header or
 *     another name.
 * Valid UTF-8 that is not white space, and anything on other lines, reads
 * the same in all three. The scan stops only at bytes below 0x20 or above
 * 0x7f (skipping eight at a time past the rest), and looks at each line's
 * start at most once, so an ASCII dumpstate costs one fast pass instead of
 * two more splits, and a line of odd bytes costs no more than its length. */

/* Where the scan is: the start of the current line as str cuts lines
 * (\n \r \v \f \x1c-\x1e U+0085 U+2028 U+2029), and what was found about
 * it, so a line full of odd bytes is looked at once, not once per byte. */
struct same_scan {
    size_t line;
    int known, header; /* known: header is worked out for this line */
};

static void new_line(struct same_scan *s, size_t at)
{
    s->line = at;
    s->known = 0;
}

/* Whether the current line could be a header or a delimiter: after spaces
 * and tabs its first byte is 'D', '-', or not printable ASCII. i is an
 * offset on it, so the walk stops there at the latest. */
static int maybe_header_line(struct same_scan *s, const unsigned char *u, size_t i)
{
    size_t j = s->line;
    unsigned char c;

    if (!s->known) {
        while (j < i && (u[j] == ' ' || u[j] == '\t'))
            j++;
        c = u[j];
        s->header = c == 'D' || c == '-' || c < ' ' || c >= 0x7f;
        s->known = 1;
    }
    return s->header;
}

/* Looks at the odd byte at u[i] (below 0x20 or above 0x7f); returns how
 * many bytes it spans. */
static size_t odd_byte(struct vg_dumpsys_text *t, struct same_scan *s, const unsigned char *u,
                       size_t i, size_t n)
{
    struct vg_str rest = {(const char *)u + i, n - i};
    uint32_t cp;
    size_t k;

    if (u[i] == '\n' || u[i] == '\r') {
        new_line(s, i + 1);
        return 1;
    }
    if (u[i] == '\t')
        return 1;
    if (u[i] < 0x80) {
        t->bytes_same = 0; /* \v \f \x1c-\x1f, or another control byte: be safe */
        if (u[i] == 0x0b || u[i] == 0x0c || (u[i] >= 0x1c && u[i] <= 0x1e))
            new_line(s, i + 1);
        return 1;
    }
    k = vg_utf8_next(u + i, n - i, &cp);
    if (k == 0)
        k = 1;
    if (cp == VG_UTF8_BAD) {
        if (maybe_header_line(s, u, i))
            t->ignore_same = 0;
        return k;
    }
    if (vg_py_space(rest) > 0)
        t->bytes_same = 0;
    if (cp == 0x85 || cp == 0x2028 || cp == 0x2029)
        new_line(s, i + k);
    return k;
}

static void check_same(struct vg_dumpsys_text *t)
{
    const unsigned char *u = (const unsigned char *)t->text;
    const uint64_t lo = 0x0101010101010101ull, hi = 0x8080808080808080ull;
    struct same_scan s = {0, 0, 0};
    size_t i = 0, n = t->len;

    t->ignore_same = t->bytes_same = 1;
    while (i < n && (t->ignore_same || t->bytes_same)) {
        uint64_t x;
        /* eight bytes from 0x20 to 0x7f: none odd */
        if (n - i >= 8) {
            memcpy(&x, u + i, 8);
            if (!((((x - 0x20 * lo) & ~x) | x) & hi)) {
                i += 8;
                continue;
            }
        }
        if (u[i] >= 0x20 && u[i] < 0x80)
            i++;
        else
            i += odd_byte(t, &s, u, i, n);
    }
    t->same_checked = 1;
}

/* The decoding whose index serves dec: dec itself, or REPLACE when the
 * text splits the same. */
static enum vg_dumpsys_dec index_of(struct vg_dumpsys_text *t, enum vg_dumpsys_dec dec)
{
    int same;

    if (dec == VG_DUMPSYS_REPLACE)
        return dec;
    pthread_mutex_lock(&t->same_lock);
    if (!t->same_checked)
        check_same(t);
    same = dec == VG_DUMPSYS_IGNORE ? t->ignore_same : t->bytes_same;
    pthread_mutex_unlock(&t->same_lock);
    return same ? VG_DUMPSYS_REPLACE : dec;
}

static const struct sect *lookup(struct vg_dumpsys_text *t, enum vg_dumpsys_dec dec,
                                 const char *name, struct vg_diag *diag)
{
    struct index *ix;
    size_t i, n = strlen(name);

    dec = index_of(t, dec);
    ix = &t->idx[dec];

    pthread_mutex_lock(&ix->lock);
    if (!ix->built)
        build(t, ix, dec, diag);
    pthread_mutex_unlock(&ix->lock);
    for (i = 0; i < ix->n; i++)
        if (ix->v[i].name_len == n && memcmp(ix->v[i].name, name, n) == 0)
            return &ix->v[i];
    return NULL;
}

/* ---- dumpstate's getprop block ---- */

/* The line as MVT's DumpsysGetProp sees it (decode(errors="ignore"),
 * then strip()); raw itself when it is UTF-8. */
static struct vg_str ignore_strip(struct vg_buf *b, struct vg_str raw)
{
    const unsigned char *u = (const unsigned char *)raw.p;
    size_t i = 0, k;
    uint32_t cp;

    if (!vg_utf8_valid(raw.p, raw.n)) {
        vg_buf_reset(b);
        while (i < raw.n) {
            k = vg_utf8_next(u + i, raw.n - i, &cp);
            if (cp != VG_UTF8_BAD && vg_buf_append(b, u + i, k) != VG_OK)
                break;
            i += k;
        }
        raw.p = b->data ? b->data : "";
        raw.n = b->len;
    }
    return vg_str_py_strip(raw);
}

/* Only a line starting (after spaces and tabs) with '-', a control
 * character or a non-ASCII byte can strip to a dash line. */
static int maybe_dashes(struct vg_str raw)
{
    size_t i = 0;
    unsigned char c;

    while (i < raw.n && (raw.p[i] == ' ' || raw.p[i] == '\t'))
        i++;
    if (i == raw.n)
        return 0;
    c = (unsigned char)raw.p[i];
    return c == '-' || c < ' ' || c >= 0x7f;
}

static void find_getprop(struct vg_dumpsys_text *t)
{
    struct vg_lines l;
    struct vg_str raw, s;
    struct vg_buf b;
    size_t end = 0;
    int in = 0;

    vg_buf_init(&b, 3u * VG_MAX_TEXT_LINE + 1);
    vg_lines_init(&l, t->text, t->len, 0);
    vg_lines_set_mode(&l, VG_LINES_PY_STR);
    while (vg_lines_next(&l, &raw)) {
        if (!maybe_dashes(raw)) {
            if (in)
                end = (size_t)(raw.p - t->text) + raw.n;
            continue;
        }
        s = ignore_strip(&b, raw);
        if (!in && vg_str_starts(s, VG_DUMPSYS_GETPROP_BLOCK)) {
            in = 1;
            t->getprop.line = l.lineno;
            t->getprop.off = vg_lines_offset(&l);
            end = t->getprop.off;
        } else if (in && (vg_str_eq(s, "------") || vg_str_starts(s, "------ "))) {
            /* MVT stops at a line "------", which dumpstate does not write, and
             * so reads to the end of the text; dumpstate's next line of
             * dashes (the next block's title, or this one's duration) ends
             * the block */
            break;
        } else if (in) {
            end = (size_t)(raw.p - t->text) + raw.n;
        }
    }
    vg_buf_free(&b);
    if (in) {
        t->getprop_found = 1;
        t->getprop.len = end > t->getprop.off ? end - t->getprop.off : 0;
    }
    t->getprop_built = 1;
}

static const struct sect *lookup_getprop(struct vg_dumpsys_text *t)
{
    pthread_mutex_lock(&t->getprop_lock);
    if (!t->getprop_built)
        find_getprop(t);
    pthread_mutex_unlock(&t->getprop_lock);
    return t->getprop_found ? &t->getprop : NULL;
}

/* ---- the source operations ---- */

int vg_dumpsys_text_find(struct vg_dumpsys_text *t, const struct vg_loc *loc,
                         int (*cb)(void *ud, const struct vg_file *f), void *ud,
                         struct vg_diag *diag)
{
    enum vg_dumpsys_dec dec;
    const struct sect *sec;
    struct vg_file f;
    char *display;
    int getprop, rc;

    if (loc->kind != VG_LOC_DUMPSYS)
        return VG_E_NOTFOUND;
    if (!loc->path || vg_dumpsys_dec_parse(loc->domain, &dec) != VG_OK)
        return VG_E_INVAL;
    getprop = strcmp(loc->path, VG_DUMPSYS_GETPROP_BLOCK) == 0;
    sec = getprop ? lookup_getprop(t) : lookup(t, dec, loc->path, diag);
    if (!sec)
        return 0;
    display = getprop ? vg_asprintf("%s: %s", t->display, loc->path)
                      : vg_asprintf("%s: DUMP OF SERVICE %s", t->display, loc->path);
    if (!display)
        return VG_E_NOMEM;
    memset(&f, 0, sizeof(f));
    f.loc = loc;
    f.path = loc->path;
    f.display = display;
    f.st.size = sec->len;
    f.st.has = VG_ST_SIZE;
    f.handle = sec;
    f.line = sec->line;
    rc = cb(ud, &f);
    free(display);
    return rc != VG_OK ? rc : 1;
}

int vg_dumpsys_text_open(struct vg_dumpsys_text *t, const struct vg_file *f, struct vg_io **out)
{
    const struct sect *sec = f->handle;

    if (!sec)
        return VG_E_INVAL;
    /* borrowed: the text outlives every view of it */
    return vg_io_memory(t->text + sec->off, sec->len, NULL, NULL, out);
}
