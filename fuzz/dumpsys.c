/*
 * Fuzz target: the dumpsys section splitter (src/lib/formats/android/
 * dumpsys.c) in each decoding, then every dumpsys parser on the same bytes,
 * both as a whole file and through its section, and the check helpers on
 * the records. A section must lie inside the input, a record must be an
 * object that serialises (valid UTF-8), and every call must end with VG_OK
 * or an error code.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "formats/android/dumpsys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int alert(void *ud, const char *message, const char *event_time, const json_t *event)
{
    (void)ud;
    if (!message || !event_time || !json_is_object(event))
        abort();
    return VG_OK;
}

static int record(void *ud, json_t *rec)
{
    enum vg_dumpsys_kind kind = *(const enum vg_dumpsys_kind *)ud;
    char msg[VG_MAX_MESSAGE], *s;

    if (!json_is_object(rec))
        abort();
    s = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!s)
        abort(); /* a string that is not UTF-8 would fail here */
    free(s);
    if (kind == VG_DUMPSYS_APPOPS && vg_dumpsys_appops_alerts(rec, alert, NULL) != VG_OK)
        abort();
    if (kind == VG_DUMPSYS_BATTERY_DAILY)
        (void)vg_dumpsys_battery_daily_alert(rec, msg, sizeof(msg));
    if (kind == VG_DUMPSYS_PACKAGES)
        (void)vg_dumpsys_dangerous_permissions(rec);
    json_decref(rec);
    return VG_OK;
}

static void inside(const uint8_t *data, size_t size, struct vg_str s)
{
    uintptr_t lo = (uintptr_t)data, at = (uintptr_t)s.p;

    if (s.n && (at < lo || at - lo > size || s.n > size - (at - lo)))
        abort();
}

static void split(const uint8_t *data, size_t size, enum vg_dumpsys_dec dec)
{
    struct vg_dumpsys_iter it;
    struct vg_dumpsys_section sec;
    struct vg_dumpsys_lines r;
    struct vg_str line;
    int rc;

    if (vg_dumpsys_iter_init(&it, data, size, dec) != VG_OK)
        abort();
    while ((rc = vg_dumpsys_iter_next(&it, &sec)) == 1) {
        inside(data, size, sec.body);
        if (dec != VG_DUMPSYS_IGNORE)
            inside(data, size, sec.name);
        vg_dumpsys_lines_init(&r, &sec);
        while ((rc = vg_dumpsys_lines_next(&r, &line)) == 1)
            if (line.n > 3 * (size_t)VG_MAX_TEXT_LINE)
                abort();
        vg_dumpsys_lines_free(&r);
        if (rc != 0)
            abort();
    }
    if (rc != 0 && rc != VG_E_LIMIT)
        abort();
    vg_dumpsys_iter_free(&it);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_dumpsys_section sec;
    enum vg_dumpsys_kind k;
    int rc;

    split(data, size, VG_DUMPSYS_REPLACE);
    split(data, size, VG_DUMPSYS_IGNORE);
    split(data, size, VG_DUMPSYS_BYTES);
    for (k = 0; k < VG_DUMPSYS_KIND_COUNT; k++) {
        struct vg_dumpsys_sink sink = {record, &k, NULL, "fuzz", 0};
        vg_dumpsys_whole(data, size, vg_dumpsys_parsers[k].dec, &sec);
        rc = vg_dumpsys_parsers[k].parse(&sec, &sink);
        if (rc > 0 || (rc < 0 && k != VG_DUMPSYS_ADB && rc != VG_E_NOMEM))
            abort();
        rc = vg_dumpsys_extract(data, size, k, &sink);
        if (rc > 0)
            abort();
    }
    return 0;
}
