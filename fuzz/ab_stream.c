/*
 * Fuzz target: a whole Android backup (.ab) read as a tar through the
 * stream (AES-256-CBC with the fixed password 123456, zlib, libarchive)
 * and the member walk (src/lib/formats/android/ab_stream.c, ab_tar.c);
 * every member is read, and the telephony backup files are parsed
 * (sms_backup.c). Encrypted inputs asking for more than 64 PBKDF2 rounds
 * are left out, so that each run stays fast.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "formats/android/ab_stream.h"
#include "formats/android/sms_backup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
    struct vg_diag *diag;
    uint64_t members;
};

static int on_member(void *ud, const struct vg_ab_member *m, struct vg_ab_tar *t)
{
    struct run *r = ud;
    unsigned char *p = NULL;
    json_t *records = NULL;
    size_t n = 0;

    if (!m->name || !vg_ab_name_safe(m->name) || m->index < r->members)
        abort();
    r->members = m->index + 1;
    if (m->kind != VG_AB_FILE && m->size != 0)
        abort();
    if (vg_ab_tar_read_all(t, 1u << 20, &p, &n) != VG_OK)
        return VG_OK; /* too big or unreadable: the walk reports it */
    if (n != m->size)
        abort();
    if (vg_sms_backup_name(m->name) &&
        vg_sms_backup_parse(p, n, m->name, r->diag, &records) == VG_OK)
        json_decref(records);
    vg_free_secret(p, n);
    return VG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_ab_mem mem = {data, size, 0};
    struct vg_ab_stream *s = NULL;
    struct vg_ab_header h;
    struct run r = {NULL, 0};

    if (vg_ab_header_parse(data, size, &h, NULL, 0) != VG_OK ||
        (h.crypt == VG_AB_AES256 && h.rounds > 64))
        return 0;
    if (vg_diag_new(NULL, NULL, &r.diag) != VG_OK)
        return 0;
    if (vg_ab_stream_new(vg_ab_read_mem, &mem, &s, NULL, 0) != VG_OK)
        abort(); /* the header parsed above */
    if ((h.crypt == VG_AB_PLAIN || vg_ab_stream_unlock(s, "123456", 6) == VG_OK) &&
        vg_ab_walk(s, on_member, &r, "fuzz.ab", r.diag) > 0)
        abort(); /* VG_OK or an error, never the callback's stop value */
    vg_ab_stream_free(s);
    vg_diag_free(r.diag);
    return 0;
}
