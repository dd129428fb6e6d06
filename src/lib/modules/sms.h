/*
 * What the SMS modules share (iOS's sms.db, Android's mmssms.db and
 * backups): MVT's "links" and "direction" of a message, the check of its
 * body, and Android's timeline entry.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_MODULES_SMS_H
#define VG_MODULES_SMS_H

#include "scan/module.h"
#include "util/buf.h"

/* MVT's "links" of a text (check_for_links, see vg_text_each_link): a new
 * JSON array, empty for NULL text; NULL when out of memory, which
 * vg_rec_set_json turns into a failed record. */
json_t *vg_sms_links(const char *text, size_t n);

/* MVT's "direction": "sent" or "received". */
void vg_sms_set_direction(struct vg_rec *r, int f, int sent);

/* MVT checks the links (field f_links) of a message that has a body (field
 * f_body) and names the first that hits; the body's bare host names come
 * after, when no link hit. */
void vg_sms_check_body(struct vg_run *run, const struct vg_rec *r, int f_body, int f_links,
                       const char *when);

/* Appends s (NULL: nothing) with its new lines as \n, so that one message
 * is one CSV line, as MVT writes them. */
int vg_sms_append_escaped(struct vg_buf *b, const char *s) VG_MUST_CHECK;

/* Android's timeline entry of a message at when: sms_sent when dir is
 * "sent", else sms_received; `address: body`, the body in double quotes
 * with quoted (MVT's), bare without (the backups', which MVT has none for).
 * A message too long for it is a warning, other failures an error. */
void vg_sms_android_timeline(struct vg_run *run, const struct vg_val *address, const char *body,
                             const char *dir, const char *when, int quoted);

#endif
