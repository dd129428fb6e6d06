/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include <archive.h>
#include <archive_entry.h>

#include "formats/android/ab_stream.h"

#define WHERE "android backup"

struct vg_ab_tar {
    struct archive *a;
    struct vg_ab_stream *s;
    const char *name;
    uint64_t left; /* bytes of the member not read yet */
    int err;       /* sticky: the member cannot be read any more */
    char msg[256];
};

/* ---- names ---- */

/* Calls fn on each '/'-separated component of p[0..n); stops at non-zero. */
static int each_part(const char *p, size_t n, int (*fn)(void *ud, const char *c, size_t k),
                     void *ud)
{
    size_t i = 0;

    while (i < n) {
        size_t j = i;
        int r;
        while (j < n && p[j] != '/')
            j++;
        if ((r = fn(ud, p + i, j - i)) != 0)
            return r;
        i = j + 1;
    }
    return 0;
}

static int is_dotdot(void *ud, const char *c, size_t k)
{
    VG_UNUSED(ud);
    return k == 2 && c[0] == '.' && c[1] == '.';
}

int vg_ab_name_safe(const char *name)
{
    size_t n = name ? strlen(name) : 0;

    if (n == 0 || n > VG_MAX_AB_PATH || name[0] == '/')
        return 0;
    return !each_part(name, n, is_dotdot, NULL);
}

/* Depth below the archive's root while walking a path; -1 once above. */
static int step(void *ud, const char *c, size_t k)
{
    long *depth = ud;

    if (k == 0 || (k == 1 && c[0] == '.'))
        return 0;
    *depth += is_dotdot(NULL, c, k) ? -1 : 1;
    return *depth < 0;
}

int vg_ab_link_safe(const char *name, const char *target)
{
    size_t n, dir;
    long depth = 0;

    if (!vg_ab_name_safe(name) || !target || !target[0] || target[0] == '/' ||
        strlen(target) > VG_MAX_AB_PATH)
        return 0;
    n = strlen(name);
    for (dir = n; dir > 0 && name[dir - 1] != '/'; dir--)
        ;
    /* the link lives in name's folder; its target is read from there */
    if (each_part(name, dir, step, &depth))
        return 0;
    return !each_part(target, strlen(target), step, &depth);
}

/* ---- member bytes ---- */

/* libarchive's own word for a tar cut short */
static int la_code(struct archive *a)
{
    const char *why = archive_error_string(a);
    return why && strstr(why, "Truncated") ? VG_E_TRUNCATED : VG_E_CORRUPT;
}

/* The stream's error when it is the cause (it says more), else libarchive's. */
static int tar_fail(struct vg_ab_tar *t)
{
    int rc = vg_ab_stream_status(t->s);
    const char *why = archive_error_string(t->a);

    if (rc != VG_OK) {
        (void)vg_snprintf(t->msg, sizeof t->msg, "%s (in member '%.200s')",
                          vg_ab_stream_error(t->s), t->name);
    } else {
        rc = la_code(t->a);
        (void)vg_snprintf(t->msg, sizeof t->msg, "tar: %s (in member '%.200s')",
                          why ? why : "read error", t->name);
    }
    t->err = rc;
    return rc;
}

int vg_ab_tar_read(struct vg_ab_tar *t, void *buf, size_t n, size_t *got)
{
    la_ssize_t r;

    *got = 0;
    if (t->err)
        return t->err;
    if (n == 0 || t->left == 0)
        return VG_OK;
    r = archive_read_data(t->a, buf, n);
    if (r < 0)
        return tar_fail(t);
    if ((uint64_t)r > t->left) /* libarchive keeps to the size; should it not, stop here */
        r = (la_ssize_t)t->left;
    if (r == 0) {
        (void)vg_snprintf(t->msg, sizeof t->msg, "member '%s' ends %llu bytes early", t->name,
                          (unsigned long long)t->left);
        return t->err = VG_E_TRUNCATED;
    }
    t->left -= (uint64_t)r;
    *got = (size_t)r;
    return VG_OK;
}

int vg_ab_tar_read_all(struct vg_ab_tar *t, size_t max, unsigned char **out, size_t *len)
{
    unsigned char *p;
    size_t n, have = 0, got;
    int rc = VG_OK;

    if (t->err)
        return t->err;
    if (t->left > max)
        return VG_E_LIMIT;
    n = (size_t)t->left;
    p = vg_malloc(n ? n : 1);
    if (!p)
        return VG_E_NOMEM;
    while (have < n && (rc = vg_ab_tar_read(t, p + have, n - have, &got)) == VG_OK)
        have += got;
    if (rc != VG_OK) {
        vg_free_secret(p, n ? n : 1);
        return rc;
    }
    *out = p;
    *len = n;
    return VG_OK;
}

/* ---- the walk ---- */

struct walk {
    struct vg_ab_stream *s;
    struct archive *a;
    const char *display;
    struct vg_diag *diag;
    uint64_t index;
    unsigned retries;
};

static enum vg_ab_kind kind_of(struct archive_entry *e)
{
    if (archive_entry_hardlink(e))
        return VG_AB_HARDLINK;
    switch (archive_entry_filetype(e)) {
    case AE_IFREG:
        return VG_AB_FILE;
    case AE_IFDIR:
        return VG_AB_DIR;
    case AE_IFLNK:
        return VG_AB_SYMLINK;
    default:
        return VG_AB_OTHER;
    }
}

/* 1 when the member may be handed over; a warning names it otherwise. */
static int member_ok(struct walk *w, const struct vg_ab_member *m)
{
    const char *why = NULL;

    if (!vg_ab_name_safe(m->name))
        why = !m->name || !m->name[0]            ? "empty name"
              : m->name[0] == '/'                ? "absolute path"
              : strlen(m->name) > VG_MAX_AB_PATH ? "name too long"
                                                 : "name climbs out with ..";
    else if (m->kind == VG_AB_HARDLINK && !vg_ab_name_safe(m->link))
        why = "hard link to a path outside the backup";
    else if (m->kind == VG_AB_SYMLINK && !vg_ab_link_safe(m->name, m->link))
        why = "symbolic link to a path outside the backup";
    if (!why)
        return 1;
    vg_diag_add(w->diag, VG_DIAG_WARN, WHERE, "%s: tar member %llu '%.200s'%s%.200s: %s, skipped",
                w->display, (unsigned long long)m->index, m->name ? m->name : "",
                m->link ? " -> " : "", m->link ? m->link : "", why);
    return 0;
}

static int fill_member(struct walk *w, struct archive_entry *e, struct vg_ab_member *m)
{
    la_int64_t size = archive_entry_size(e);

    memset(m, 0, sizeof *m);
    m->name = archive_entry_pathname(e);
    m->kind = kind_of(e);
    m->link = m->kind == VG_AB_HARDLINK  ? archive_entry_hardlink(e)
              : m->kind == VG_AB_SYMLINK ? archive_entry_symlink(e)
                                         : NULL;
    m->mtime = (int64_t)archive_entry_mtime(e);
    m->mode = (uint32_t)archive_entry_perm(e);
    m->index = w->index;
    if (size < 0 || (uint64_t)size > VG_MAX_AB_MEMBER) {
        vg_diag_add(w->diag, VG_DIAG_ERROR, WHERE,
                    "%s: tar member %llu '%.200s': size %lld past the cap %llu", w->display,
                    (unsigned long long)w->index, m->name ? m->name : "", (long long)size,
                    (unsigned long long)VG_MAX_AB_MEMBER);
        return VG_E_LIMIT;
    }
    m->size = m->kind == VG_AB_FILE ? (uint64_t)size : 0;
    return VG_OK;
}

/* The stream's error when it caused libarchive's, else libarchive's. */
static int archive_failed(struct walk *w, const char *what)
{
    const char *la = archive_error_string(w->a);
    int rc = vg_ab_stream_status(w->s);

    vg_diag_add(w->diag, VG_DIAG_ERROR, WHERE, "%s: %s at tar member %llu: %s", w->display, what,
                (unsigned long long)w->index,
                rc != VG_OK ? vg_ab_stream_error(w->s)
                : la        ? la
                            : "unreadable");
    return rc != VG_OK ? rc : la_code(w->a);
}

#define WALK_END 2 /* next_header: no more members */

/* Next header: VG_OK with *e, WALK_END, or an error. */
static int next_header(struct walk *w, struct archive_entry **e)
{
    for (;;) {
        int r = archive_read_next_header(w->a, e);
        if (r == ARCHIVE_EOF)
            return WALK_END;
        if (r == ARCHIVE_OK)
            return VG_OK;
        if (r == ARCHIVE_WARN) {
            vg_diag_add(w->diag, VG_DIAG_WARN, WHERE, "%s: tar member %llu: %s", w->display,
                        (unsigned long long)w->index, archive_error_string(w->a));
            return VG_OK;
        }
        if (r != ARCHIVE_RETRY || ++w->retries > VG_MAX_AB_RETRIES)
            return archive_failed(w, "unreadable tar");
        vg_diag_add(w->diag, VG_DIAG_WARN, WHERE, "%s: damaged tar header after member %llu: %s",
                    w->display, (unsigned long long)w->index, archive_error_string(w->a));
    }
}

static int hand_over(struct walk *w, struct archive_entry *e, vg_ab_member_fn cb, void *ud)
{
    struct vg_ab_member m;
    struct vg_ab_tar t;
    int rc = fill_member(w, e, &m);

    if (rc != VG_OK || !member_ok(w, &m))
        return rc;
    memset(&t, 0, sizeof t);
    t.a = w->a;
    t.s = w->s;
    t.name = m.name;
    t.left = m.size;
    rc = cb(ud, &m, &t);
    if (t.err) {
        vg_diag_add(w->diag, VG_DIAG_ERROR, WHERE, "%s: %s", w->display, t.msg);
        return t.err;
    }
    return rc > 0 ? VG_AB_STOP : rc;
}

/* After the end marker: what is left is tar padding, or worth a word. Part
 * of it libarchive was given and left unread, the rest is still in s. */
static void check_tail(struct walk *w)
{
    struct vg_ab_stats st;
    uint64_t rest = 0, nonzero = 0, unread = 0;
    int64_t tail;
    int rc;

    vg_ab_stream_stats(w->s, &st);
    if ((uint64_t)archive_filter_bytes(w->a, 0) < st.tar_bytes)
        unread = st.tar_bytes - (uint64_t)archive_filter_bytes(w->a, 0);
    tail = vg_ab_stream_nonzero_tail(w->s, unread);
    rc = vg_ab_stream_drain(w->s, &rest, &nonzero);
    if (w->index == 0)
        vg_diag_add(w->diag, VG_DIAG_WARN, WHERE, "%s: the backup holds no file", w->display);
    if (rc != VG_OK)
        vg_diag_add(w->diag, VG_DIAG_WARN, WHERE, "%s: after the end of the tar: %s", w->display,
                    vg_ab_stream_error(w->s));
    if (tail > 0 || nonzero > 0)
        vg_diag_add(w->diag, VG_DIAG_WARN, WHERE,
                    "%s: %llu bytes after the end of the tar, %llu of them not zero", w->display,
                    (unsigned long long)(rest + unread),
                    (unsigned long long)(nonzero + (uint64_t)(tail > 0 ? tail : 0)));
    vg_ab_stream_stats(w->s, &st);
    if (st.after_zlib)
        vg_diag_add(w->diag, VG_DIAG_WARN, WHERE,
                    "%s: %llu bytes after the end of the compressed data", w->display,
                    (unsigned long long)st.after_zlib);
}

int vg_ab_walk(struct vg_ab_stream *s, vg_ab_member_fn cb, void *ud, const char *display,
               struct vg_diag *diag)
{
    struct walk w = {s, NULL, display ? display : "backup.ab", diag, 0, 0};
    struct archive_entry *e;
    int rc;

    if (!s || !cb)
        return VG_E_INVAL;
    rc = vg_ab_archive_open(s, &w.a);
    if (rc != VG_OK) {
        vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "%s: %s", w.display, vg_ab_stream_error(s));
        return rc;
    }
    for (;;) {
        rc = next_header(&w, &e);
        if (rc == WALK_END) {
            check_tail(&w);
            rc = VG_OK;
            break;
        }
        if (rc != VG_OK)
            break;
        if (w.index >= VG_MAX_AB_MEMBERS) {
            vg_diag_add(diag, VG_DIAG_ERROR, WHERE, "%s: more than %u tar members", w.display,
                        VG_MAX_AB_MEMBERS);
            rc = VG_E_LIMIT;
            break;
        }
        rc = hand_over(&w, e, cb, ud);
        w.index++;
        if (rc != VG_OK) {
            rc = rc == VG_AB_STOP ? VG_OK : rc;
            break;
        }
    }
    archive_read_free(w.a);
    return rc;
}
