/*
 * Tombstones: the native crash reports the bugreport copied from
 * /data/tombstones/, text (tombstone_NN) and protobuf (tombstone_NN.pb),
 * one record per file as MVT's TombstoneCrashResult
 * (formats/android/tombstone.h). A crash of a process that is a process
 * indicator (by name, else by its command's base name) is CRITICAL; any
 * other crash of a process running as root (uid 0), system (1000) or
 * shell (2000) is MEDIUM, as MVT flags it: exploits against privileged
 * services leave such crashes. The timeline gets each crash at its time.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/tombstone.h"
#include "scan/checks.h"

static const struct vg_loc tomb_locs[] = {
    {VG_LOC_BUGREPORT, NULL, "FS/data/tombstones/tombstone_*"},
};

enum { F_FILE, F_TIMESTAMP, F_PROCESS, F_COMMAND, F_UID, F_SIGNAL };
static const char *const tomb_fields[] = {"file_name",    "timestamp", "process_name",
                                          "command_line", "uid",       "signal_info"};

static int tomb_file(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct vg_tombstone_in in;
    char when[VG_ISODATE_LEN + 1], err[VG_MAX_MESSAGE];
    const char *base = strrchr(f->path, '/');
    unsigned char *data = NULL;
    size_t len = 0;
    json_t *rec = NULL;
    int rc;

    VG_UNUSED(ud);
    base = base ? base + 1 : f->path;
    rc = vg_run_read(run, f, vg_tombstone_is_pb(base) ? VG_MAX_TOMBSTONE_PB : VG_MAX_TOMBSTONE_TEXT,
                     &data, &len);
    if (rc != VG_OK)
        return rc == VG_E_NOMEM ? rc : VG_OK; /* reported */
    if (!(f->st.has & VG_ST_MTIME) || vg_isodate_local(f->st.mtime, f->st.mtime_ns, when) != VG_OK)
        when[0] = '\0';
    memset(&in, 0, sizeof(in));
    in.data = data;
    in.len = len;
    in.file_name = base;
    in.file_timestamp = when[0] ? when : NULL;
    err[0] = '\0';
    rc = vg_tombstone_parse(&in, &rec, err, sizeof(err));
    vg_run_free_data(data, len);
    if (rc == VG_E_NOMEM)
        return rc;
    if (rc != VG_OK) {
        /* MVT logs the error and goes on with the next file */
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", err[0] ? err : vg_strerror(rc));
        vg_run_log(run, VG_DIAG_WARN, "Error parsing tombstone file %s: %s", f->display,
                   err[0] ? err : vg_strerror(rc));
        return VG_OK;
    }
    return vg_run_emit_json(run, rec);
}

static int tomb_extract(struct vg_run *run)
{
    int rc = vg_run_find_all(run, tomb_file, NULL);

    vg_run_log(run, VG_DIAG_INFO, "Extracted a total of %zu tombstone files",
               vg_run_record_count(run));
    return rc;
}

/* The base name of the command's first word, as MVT takes it. */
static int command_name(const struct vg_rec *r, char *buf, size_t cap)
{
    const json_t *cmd = vg_rec_json(r, F_COMMAND);
    const char *first = json_string_value(json_array_get(cmd, 0)), *slash;

    if (!first)
        return 0;
    slash = strrchr(first, '/');
    return vg_snprintf(buf, cap, "%s", slash ? slash + 1 : first) == VG_OK;
}

static void tomb_check(struct vg_run *run, const struct vg_rec *r)
{
    char cmd[VG_MAX_IOC_VALUE + 1], p[VG_PY_BUF], u[VG_PY_BUF], t[VG_PY_BUF];
    int64_t uid;

    if (vg_check_process(run, VG_LEVEL_CRITICAL, r, vg_rec_text(r, F_PROCESS), ""))
        return;
    if (command_name(r, cmd, sizeof(cmd)) && vg_check_process(run, VG_LEVEL_CRITICAL, r, cmd, ""))
        return;
    if (vg_rec_int(r, F_UID, &uid) && (uid == 0 || uid == 1000 || uid == 2000))
        vg_run_alert(run, VG_LEVEL_MEDIUM, r, NULL, "",
                     "Potentially suspicious crash in process '%s' running as UID '%s' in "
                     "tombstone '%s' at %s",
                     vg_val_py(vg_rec_val(r, F_PROCESS), p), vg_val_py(vg_rec_val(r, F_UID), u),
                     vg_rec_time(r, F_FILE), vg_val_py(vg_rec_val(r, F_TIMESTAMP), t));
}

static void tomb_timeline(struct vg_run *run, const struct vg_rec *r)
{
    const json_t *sig = vg_rec_json(r, F_SIGNAL);
    char p[VG_PY_BUF], u[VG_PY_BUF], f[VG_PY_BUF], n[VG_PY_BUF], c[VG_PY_BUF];
    char *data = vg_asprintf(
        "Crash in '%s' process running as UID '%s' in file '%s' Crash type '%s' with code '%s'",
        vg_val_py(vg_rec_val(r, F_PROCESS), p), vg_val_py(vg_rec_val(r, F_UID), u),
        vg_val_py(vg_rec_val(r, F_FILE), f), vg_py_str(json_object_get(sig, "name"), n),
        vg_py_str(json_object_get(sig, "code_name"), c));

    if (!data) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(r, F_TIMESTAMP), "Tombstone", data);
    free(data);
}

const struct vg_module vg_mod_tombstones = {
    .name = "tombstones",
    .class_name = "Tombstones",
    .description = "native crash reports (FS/data/tombstones, text and protobuf): process "
                   "indicators, crashes of root, system and shell processes",
    .locs = tomb_locs,
    .n_locs = VG_ARRAY_LEN(tomb_locs),
    .fields = tomb_fields,
    .n_fields = VG_ARRAY_LEN(tomb_fields),
    .extract = tomb_extract,
    .check_record = tomb_check,
    .timeline = tomb_timeline,
};
