/*
 * The SMS and MMS backup files of com.android.providers.telephony
 * (apps/com.android.providers.telephony/d_f/NNNNNN_sms_backup and
 * NNNNNN_mms_backup in an adb backup): a zlib stream holding a JSON array,
 * one object per message. vigie turns each into the record MVT's
 * parse_sms_file makes of it: the file's keys in the file's order and types,
 * "mms_body" renamed "body", then "isodate", "direction" and, as MVT sets it,
 * "links". See docs/formats/android-backup.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_ANDROID_SMS_BACKUP_H
#define VG_FORMATS_ANDROID_SMS_BACKUP_H

#include <jansson.h>

#include "util/vg.h"

/* Inflates a backup file: *out (NUL-terminated, *len bytes before the NUL)
 * is plaintext, free it with vg_free_secret(*out, *len + 1). VG_E_CORRUPT
 * for a bad zlib stream, VG_E_TRUNCATED when it ends early, VG_E_LIMIT past
 * max bytes; *trailing gets the bytes after the end of the zlib stream. err
 * (may be NULL) says what and where. */
int vg_sms_backup_inflate(const unsigned char *data, size_t len, size_t max, char **out,
                          size_t *out_len, size_t *trailing, char *err,
                          size_t err_len) VG_MUST_CHECK;

/* Turns one message object into MVT's record, in place. A field MVT's code
 * needs and cannot use (no "date", a "date_sent" that is not a number, a
 * body that is not text...) is a warning naming the message (display and
 * index) and the record keeps what could be made: "isodate" "" when the date
 * is unusable, "direction" "received" unless date_sent is a non-zero number,
 * no "links" without a text body. */
void vg_sms_backup_record(json_t *msg, const char *display, size_t index, struct vg_diag *diag);

/* A whole backup file (the bytes of the tar member) into a new JSON array
 * of records. An element that is not an object is a warning and left out.
 * The errors of vg_sms_backup_inflate (max VG_MAX_SMS_BACKUP), and
 * VG_E_CORRUPT for JSON that does not parse or is not an array; every
 * error and warning goes to diag naming display. */
int vg_sms_backup_parse(const unsigned char *data, size_t len, const char *display,
                        struct vg_diag *diag, json_t **out) VG_MUST_CHECK;

/* 1 when name is a telephony backup file MVT reads:
 * apps/com.android.providers.telephony/d_f/ + anything + _sms_backup or
 * _mms_backup (MVT's fnmatch patterns, where '*' also matches '/'). */
int vg_sms_backup_name(const char *name);

#endif
