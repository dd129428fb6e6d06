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
    size_t line; /* its header's (or title's) line */
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

static const struct sect *lookup(struct vg_dumpsys_text *t, enum vg_dumpsys_dec dec,
                                 const char *name, struct vg_diag *diag)
{
    struct index *ix = &t->idx[dec];
    size_t i;

    pthread_mutex_lock(&ix->lock);
    if (!ix->built)
        build(t, ix, dec, diag);
    pthread_mutex_unlock(&ix->lock);
    for (i = 0; i < ix->n; i++)
        if (strcmp(ix->v[i].name, name) == 0)
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
