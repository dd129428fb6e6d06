/*
 * Fuzz target: every AndroidQF JSON file parser
 * (src/lib/formats/android/aqf_json.c) on the same bytes: packages.json,
 * processes.json, files.json, root_binaries.json, mounts.json. Records are
 * objects (root binaries and mounts with MVT's keys in order and their
 * types); return codes are among those the header lists.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "aqf_fuzz.h"

#include "formats/android/aqf_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_rc(int rc)
{
    if (rc != VG_OK && rc != VG_E_NOMEM && rc != VG_E_TRUNCATED && rc != VG_E_CORRUPT &&
        rc != VG_E_LIMIT)
        abort();
}

/* files.json records: objects whatever the times became. */
static int file_record(void *ud, json_t *rec)
{
    (void)ud;
    if (!json_is_object(rec))
        abort();
    json_decref(rec);
    return VG_OK;
}

static int offset(void *ud, int64_t utc, int64_t *off)
{
    (void)ud;
    *off = utc % 50000;
    return VG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const rb_keys[] = {"path", "binary_name", "description"};
    static const int rb_types[] = {JSON_STRING, JSON_STRING, JSON_STRING};
    static const char *const mnt_keys[] = {"device",        "mount_point",  "filesystem_type",
                                           "mount_options", "options_list", "is_system_partition",
                                           "is_read_write"};
    static const int mnt_types[] = {JSON_STRING, JSON_STRING, JSON_STRING, JSON_STRING,
                                    JSON_ARRAY,  JSON_TRUE,   JSON_TRUE};
    struct aqf_fuzz any = {NULL, NULL, 0, 0}, rb = {rb_keys, rb_types, 3, 1};
    struct aqf_fuzz mnt = {mnt_keys, mnt_types, 7, 1};
    const struct vg_aqf_tz tz = {offset, NULL};
    struct vg_aqf_sink s;

    aqf_fuzz_sink(&s, "packages.json", &any);
    check_rc(vg_aqf_packages_parse(data, size, &s));
    aqf_fuzz_sink(&s, "processes.json", &any);
    check_rc(vg_aqf_processes_parse(data, size, &s));
    aqf_fuzz_sink(&s, "files.json", &any);
    s.record = file_record;
    check_rc(vg_aqf_files_parse(data, size, &tz, &s));
    aqf_fuzz_sink(&s, "root_binaries.json", &rb);
    check_rc(vg_aqf_root_binaries_parse(data, size, &s));
    aqf_fuzz_sink(&s, "mounts.json", &mnt);
    check_rc(vg_aqf_mounts_parse(data, size, &s));
    return 0;
}
