/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include "formats/android/aqf.h"
#include "util/utf8.h"

void vg_aqf_warn(struct vg_aqf_sink *s, const char *fmt, ...)
{
    char msg[VG_MAX_MESSAGE];
    va_list ap;

    s->warnings++;
    if (s->warnings > VG_MAX_AQF_WARNINGS || !s->diag)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    vg_diag_add(s->diag, VG_DIAG_WARN, s->file ? s->file : "androidqf", "%s", msg);
}

void vg_aqf_warn_done(struct vg_aqf_sink *s)
{
    if (s->warnings > VG_MAX_AQF_WARNINGS && s->diag)
        vg_diag_add(s->diag, VG_DIAG_WARN, s->file ? s->file : "androidqf",
                    "%zu more problems of this file not listed", s->warnings - VG_MAX_AQF_WARNINGS);
}

int vg_aqf_emit(struct vg_aqf_sink *s, json_t *rec)
{
    if (!rec)
        return VG_E_NOMEM;
    if (s->records >= VG_MAX_AQF_RECORDS) {
        json_decref(rec);
        vg_aqf_warn(s, "more than %u records: the rest is not read", VG_MAX_AQF_RECORDS);
        return VG_E_LIMIT;
    }
    s->records++;
    return s->record(s->ud, rec);
}

int vg_aqf_text_utf8(struct vg_aqf_sink *s, const void *text, size_t len, struct vg_buf *b,
                     const char **out, size_t *outlen)
{
    int rc;

    if (!text)
        len = 0;
    if (vg_utf8_valid(text, len)) {
        *out = len ? text : "";
        *outlen = len;
        return VG_OK;
    }
    rc = vg_utf8_repair(b, text, len);
    if (rc != VG_OK)
        return rc;
    vg_aqf_warn(s, "not valid UTF-8: invalid bytes read as U+FFFD");
    *out = b->data ? b->data : "";
    *outlen = b->len;
    return VG_OK;
}

int vg_aqf_looks_json(const void *p, size_t n)
{
    const unsigned char *c = p;
    size_t i = 0;

    while (i < n && (c[i] == ' ' || c[i] == '\t' || c[i] == '\r' || c[i] == '\n'))
        i++;
    return i < n && (c[i] == '[' || c[i] == '{');
}

json_t *vg_aqf_str(const char *p, size_t n)
{
    return json_stringn(n ? p : "", n);
}
