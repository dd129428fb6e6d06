/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include "formats/apple/textrec.h"
#include "util/buf.h"
#include "util/utf8.h"

json_t *vg_textrec_str(struct vg_str s)
{
    struct vg_buf b;
    json_t *j;

    if (vg_utf8_valid(s.p, s.n))
        return json_stringn_nocheck(s.n ? s.p : "", s.n);
    vg_buf_init(&b, s.n > (SIZE_MAX - 1) / 3 ? SIZE_MAX : 3 * s.n + 1);
    j = vg_utf8_repair(&b, s.p, s.n) == VG_OK ? json_stringn_nocheck(b.data, b.len) : NULL;
    vg_buf_free(&b);
    return j;
}

int vg_textrec_set(json_t *obj, const char *key, json_t *v)
{
    if (!v)
        return VG_E_NOMEM;
    return json_object_set_new(obj, key, v) == 0 ? VG_OK : VG_E_NOMEM;
}

void vg_textrec_excerpt(struct vg_str s, char *buf, size_t cap)
{
    size_t i, n;

    if (cap == 0)
        return;
    n = s.n < cap - 1 ? s.n : cap - 1;
    for (i = 0; i < n; i++)
        buf[i] = s.p[i] >= 0x20 && s.p[i] < 0x7f ? s.p[i] : '?';
    if (n < s.n && n >= 3)
        memcpy(buf + n - 3, "...", 3);
    buf[n] = '\0';
}

void vg_textwarn_init(struct vg_textwarn *w, struct vg_diag *diag, const char *area,
                      const char *name)
{
    w->diag = diag;
    w->area = area;
    w->name = name ? name : area;
    w->n = 0;
}

void vg_textwarn(struct vg_textwarn *w, size_t line, const char *fmt, ...)
{
    char msg[VG_MAX_MESSAGE];
    va_list ap;

    if (w->n++ >= VG_MAX_FILE_WARNINGS || !w->diag)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (line)
        vg_diag_add(w->diag, VG_DIAG_WARN, w->area, "%s: line %zu: %s", w->name, line, msg);
    else
        vg_diag_add(w->diag, VG_DIAG_WARN, w->area, "%s: %s", w->name, msg);
}

void vg_textwarn_done(struct vg_textwarn *w)
{
    if (w->n > VG_MAX_FILE_WARNINGS && w->diag)
        vg_diag_add(w->diag, VG_DIAG_WARN, w->area, "%s: %zu more problems not listed", w->name,
                    w->n - VG_MAX_FILE_WARNINGS);
}

int vg_textrec_line(struct vg_lines *l, struct vg_str *line, struct vg_textwarn *w)
{
    size_t cut = l->cut;

    if (!vg_lines_next(l, line))
        return 0;
    if (l->cut != cut)
        vg_textwarn(w, l->lineno, "longer than %zu bytes, cut", l->max_line);
    return 1;
}
