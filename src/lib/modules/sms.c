/*
 * What the SMS modules share (see sms.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "indicators/url.h"
#include "modules/sms.h"
#include "scan/checks.h"
#include "util/buf.h"

struct links_ctx {
    json_t *links;
    int failed;
};

static int add_link(void *ud, const char *s, size_t n, enum vg_text_kind kind)
{
    struct links_ctx *c = ud;
    json_t *j = json_stringn(s, n);

    VG_UNUSED(kind);
    if (!j || json_array_append_new(c->links, j) != 0) {
        c->failed = 1;
        return 1;
    }
    return 0;
}

json_t *vg_sms_links(const char *text, size_t n)
{
    struct links_ctx c = {json_array(), 0};

    if (c.links && text)
        (void)vg_text_each_link(text, n, add_link, &c);
    if (c.failed) {
        json_decref(c.links);
        return NULL;
    }
    return c.links;
}

void vg_sms_set_direction(struct vg_rec *r, int f, int sent)
{
    vg_rec_set_text_ref(r, f, sent ? "sent" : "received", sent ? 4 : 8);
}

void vg_sms_check_body(struct vg_run *run, const struct vg_rec *r, int f_body, int f_links,
                       const char *when)
{
    if (vg_rec_key(r, f_body) >= 0 &&
        !vg_check_url_list(run, VG_LEVEL_CRITICAL, r, vg_rec_json(r, f_links), when))
        vg_check_text(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, f_body), when);
}

int vg_sms_append_escaped(struct vg_buf *b, const char *s)
{
    int rc = VG_OK;

    for (; s && *s && rc == VG_OK; s++)
        rc = *s == '\n' ? vg_buf_append(b, "\\n", 2) : vg_buf_append_char(b, *s);
    return rc;
}

void vg_sms_android_timeline(struct vg_run *run, const struct vg_val *address, const char *body,
                             const char *dir, const char *when, int quoted)
{
    const char *quote = quoted ? "\"" : "";
    struct vg_buf b;
    int rc;

    vg_buf_init(&b, VG_MAX_TEXT_SCAN + 4096);
    rc = vg_val_py_append(&b, address);
    if (rc == VG_OK)
        rc = vg_buf_append_str(&b, ": ");
    if (rc == VG_OK)
        rc = vg_buf_append_str(&b, quote);
    if (rc == VG_OK)
        rc = vg_sms_append_escaped(&b, body);
    if (rc == VG_OK)
        rc = vg_buf_append(&b, quote, strlen(quote) + 1); /* with its NUL */
    if (rc == VG_OK)
        vg_run_timeline(run, when, dir && strcmp(dir, "sent") == 0 ? "sms_sent" : "sms_received",
                        b.data);
    else
        vg_run_log(run, rc == VG_E_LIMIT ? VG_DIAG_WARN : VG_DIAG_ERROR,
                   "a message of %s left out of the timeline: %s", when, vg_strerror(rc));
    vg_buf_free(&b);
}
