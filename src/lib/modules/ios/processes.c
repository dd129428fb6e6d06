/*
 * Processes: the processes running when a sysdiagnose was taken, from its
 * ps.txt, ps_thread.txt and taskinfo.txt (formats/apple/ps_apple.h, SAF's
 * field names), each record with the executable its command starts with,
 * the file, the sysdiagnose and its date ("isodate").
 *
 * Checks: the name and executable against process and file path
 * indicators; a process running from a folder where system processes
 * never run (iShutdown's, HIGH) or from anywhere but the system and app
 * folders (LOW); a process named like a system daemon and running from
 * somewhere else (HIGH; LOW when that place is itself a system folder).
 * Each is raised once per executable and sysdiagnose, though ps.txt and
 * ps_thread.txt list the same processes.
 *
 * Several sysdiagnoses of one phone: their processes are read oldest
 * first, and every ps.txt row gets "seen_in" and "not_seen_in": the
 * sysdiagnoses whose ps.txt lists that executable and those whose ps.txt
 * does not, so a process that came or went between them shows (and is
 * put on the timeline so).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "formats/apple/ps_apple.h"
#include "formats/apple/sysdiagnose_name.h"
#include "modules/ios/common.h"
#include "modules/ios/exec_paths.h"

static const struct vg_loc proc_locs[] = {
    {VG_LOC_SYSDIAG, NULL, "ps.txt"},
    {VG_LOC_SYSDIAG, NULL, "ps_thread.txt"},
    {VG_LOC_SYSDIAG, NULL, "taskinfo.txt"},
};

enum { F_COMMAND, F_NAME, F_EXEC, F_PID, F_FILE, F_SYSDIAG, F_ISODATE, F_NOT_SEEN };
static const char *const proc_fields[] = {"command", "name",        "executable", "pid",
                                          "file",    "sysdiagnose", "isodate",    "not_seen_in"};

/* ---- extract ---- */

struct proc_ctx {
    json_t *seen;    /* executable -> [sysdiagnose, ...] (ps.txt rows) */
    json_t *sysdiag; /* every sysdiagnose with a ps.txt, oldest first */
    json_t *ps;      /* their ps.txt records: [{"domain", "records"}] */
    int pass;        /* 0: ps.txt; 1: the other files */
};

static const char *base_of(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int parse_file(struct vg_run *run, const struct vg_file *f, json_t *records)
{
    const char *b = base_of(f->path);
    unsigned char *data = NULL;
    size_t len = 0, max = strcmp(b, "taskinfo.txt") == 0 ? VG_MAX_TASKINFO_FILE : VG_MAX_PS_FILE;
    int64_t ntasks = -1;
    int rc;

    rc = vg_run_read(run, f, max, &data, &len);
    if (rc != VG_OK)
        return rc;
    if (strcmp(b, "taskinfo.txt") == 0)
        rc = vg_ps_apple_taskinfo(data, len, f->display, vg_run_diag(run), records, &ntasks);
    else
        rc = vg_ps_apple_parse(
            data, len, strcmp(b, "ps_thread.txt") == 0 ? VG_PS_APPLE_THREADS : VG_PS_APPLE_PS,
            f->display, vg_run_diag(run), records);
    vg_run_free_data(data, len);
    if (rc != VG_OK && rc != VG_E_NOMEM)
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
    return rc;
}

/* The executable a record's command starts with, or NULL. */
static char *exec_of(const json_t *rec)
{
    const char *cmd = vg_jstr(rec, "command");
    struct vg_str e;

    if (!cmd || cmd[0] != '/')
        return NULL;
    e = vg_exec_of_command(vg_str_of(cmd));
    return e.n ? vg_str_dup(e) : NULL;
}

static int note_seen(struct proc_ctx *c, const char *sysdiag, json_t *records)
{
    json_t *r, *names;
    size_t i;

    if (json_array_append_new(c->sysdiag, json_string(sysdiag)) != 0)
        return VG_E_NOMEM;
    json_array_foreach(records, i, r)
    {
        char *e = exec_of(r);
        if (!e)
            continue;
        names = json_object_get(c->seen, e);
        if (!names) {
            names = json_array();
            if (!names || json_object_set_new(c->seen, e, names) != 0) {
                free(e);
                return VG_E_NOMEM;
            }
        }
        if (json_array_size(names) == 0 ||
            strcmp(json_string_value(json_array_get(names, json_array_size(names) - 1)), sysdiag) !=
                0)
            if (json_array_append_new(names, json_string(sysdiag)) != 0) {
                free(e);
                return VG_E_NOMEM;
            }
        free(e);
    }
    return VG_OK;
}

static int seen_fields(const struct proc_ctx *c, json_t *rec, const char *exec)
{
    json_t *in = exec ? json_object_get(c->seen, exec) : NULL, *not = json_array(), *s;
    size_t i, j;

    if (!not )
        return VG_E_NOMEM;
    json_array_foreach(c->sysdiag, i, s)
    {
        int listed = 0;
        for (j = 0; in && j < json_array_size(in); j++)
            if (json_equal(json_array_get(in, j), s))
                listed = 1;
        if (!listed && json_array_append(not, s) != 0) {
            json_decref(not );
            return VG_E_NOMEM;
        }
    }
    if (json_object_set_new(rec, "seen_in", in ? json_incref(in) : json_array()) != 0 ||
        json_object_set_new(rec, "not_seen_in", not ) != 0)
        return VG_E_NOMEM;
    return VG_OK;
}

static int emit_records(struct vg_run *run, const char *domain, const char *b,
                        const struct proc_ctx *c, json_t *records)
{
    struct vg_sysdiag_name name;
    char iso[VG_ISODATE_LEN + 1] = "";
    json_t *r;
    size_t i;
    int rc = VG_OK;

    if (domain && vg_sysdiag_name_parse(domain, &name) == VG_OK &&
        vg_isodate(name.time, 0, iso) != VG_OK)
        iso[0] = '\0';
    json_array_foreach(records, i, r)
    {
        char *e = exec_of(r);
        if ((e && json_object_set_new(r, "executable", json_string(e)) != 0) ||
            json_object_set_new(r, "file", json_string(b)) != 0 ||
            json_object_set_new(r, "sysdiagnose", vg_json_str(domain)) != 0 ||
            json_object_set_new(r, "isodate", json_string(iso)) != 0 ||
            (json_array_size(c->sysdiag) > 1 && strcmp(b, "ps.txt") == 0 &&
             seen_fields(c, r, e) != VG_OK)) {
            free(e);
            return VG_E_NOMEM;
        }
        free(e);
        rc = vg_run_emit_json(run, json_incref(r));
        if (rc != VG_OK)
            break;
    }
    return rc;
}

static int proc_file(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct proc_ctx *c = ud;
    json_t *records = json_array(), *kept;
    int rc;

    if (!records)
        return VG_E_NOMEM;
    rc = parse_file(run, f, records);
    if (rc == VG_OK && c->pass == 0) {
        /* ps.txt: who lists what first, its records kept (some hundred
         * rows) until every sysdiagnose's has been read */
        rc = note_seen(c, f->domain ? f->domain : "", records);
        kept = json_pack("{s:o, s:O}", "domain", vg_json_str(f->domain), "records", records);
        if (rc == VG_OK && (!kept || json_array_append_new(c->ps, kept) != 0))
            rc = VG_E_NOMEM;
    } else if (rc == VG_OK) {
        rc = emit_records(run, f->domain, base_of(f->path), c, records);
    }
    json_decref(records);
    return rc == VG_E_NOMEM ? rc : VG_OK;
}

static int proc_extract(struct vg_run *run)
{
    struct proc_ctx c = {json_object(), json_array(), json_array(), 0};
    json_t *k;
    size_t i;
    int rc = c.seen && c.sysdiag && c.ps ? VG_OK : VG_E_NOMEM;

    /* every sysdiagnose's ps.txt (oldest first), then their ps_thread.txt,
     * then their taskinfo.txt */
    if (rc == VG_OK)
        rc = vg_run_find(run, &proc_locs[0], proc_file, &c);
    json_array_foreach(c.ps, i, k)
    {
        if (rc < 0)
            break;
        rc = emit_records(run, vg_jstr(k, "domain"), "ps.txt", &c, json_object_get(k, "records"));
    }
    c.pass = 1;
    for (i = 1; rc >= 0 && i < VG_ARRAY_LEN(proc_locs); i++)
        rc = vg_run_find(run, &proc_locs[i], proc_file, &c);
    json_decref(c.seen);
    json_decref(c.sysdiag);
    json_decref(c.ps);
    if (rc < 0 && rc != VG_E_NOTFOUND)
        return rc;
    vg_run_log(run, VG_DIAG_INFO, "Extracted %zu process records", vg_run_record_count(run));
    return VG_OK;
}

/* ---- checks ---- */

/* Once per (what, executable, sysdiagnose). */
static int first_time(struct vg_run *run, const char *what, const char *exec, const char *sd)
{
    void **slot = vg_run_state(run);
    json_t *set = *slot;
    char *key;
    int first;

    if (!set && !(set = *slot = json_object())) {
        vg_run_nomem(run);
        return 0;
    }
    key = vg_asprintf("%s\x1f%s\x1f%s", what, exec, sd ? sd : "");
    if (!key) {
        vg_run_nomem(run);
        return 0;
    }
    first = json_object_get(set, key) == NULL;
    if (first && json_object_set_new(set, key, json_true()) != 0)
        vg_run_nomem(run);
    free(key);
    return first;
}

static void check_place(struct vg_run *run, const struct vg_rec *r, const char *exec,
                        const char *when)
{
    struct vg_str e = vg_str_of(exec);
    enum vg_exec_place p = vg_exec_place(e);
    const char *real = vg_exec_imitated_daemon(e);

    if (real)
        vg_run_alert(run, p == VG_EXEC_SYSTEM ? VG_LEVEL_LOW : VG_LEVEL_HIGH, r, NULL, when,
                     "Process %s is named like the system daemon that lives at %s", exec, real);
    else if (p == VG_EXEC_SUSPICIOUS)
        vg_run_alert(run, VG_LEVEL_HIGH, r, NULL, when,
                     "Process %s runs from a folder where system processes never run "
                     "(iShutdown)",
                     exec);
    else if (p == VG_EXEC_OTHER)
        vg_run_alert(run, VG_LEVEL_LOW, r, NULL, when,
                     "Process %s runs from outside the folders where system processes and apps "
                     "live",
                     exec);
}

static void proc_check(struct vg_run *run, const struct vg_rec *r)
{
    const char *exec = vg_rec_text(r, F_EXEC), *name = vg_rec_text(r, F_NAME);
    const char *sd = vg_rec_text(r, F_SYSDIAG), *when = vg_rec_time(r, F_ISODATE);
    char *derived = NULL;

    if (!exec) {
        /* saved results of an older run, or a command without a path */
        const char *cmd = vg_rec_text(r, F_COMMAND);
        if (cmd && cmd[0] == '/')
            exec = derived = vg_str_dup(vg_exec_of_command(vg_str_of(cmd)));
    }
    if (exec && *exec) {
        if (first_time(run, "ioc", exec, sd) &&
            !vg_check_file_path(run, VG_LEVEL_CRITICAL, r, exec, when))
            (void)vg_check_process(run, VG_LEVEL_CRITICAL, r, base_of(exec), when);
        if (first_time(run, "place", exec, sd))
            check_place(run, r, exec, when);
    } else if (name && *name && first_time(run, "ioc", name, sd)) {
        (void)vg_check_process(run, VG_LEVEL_CRITICAL, r, name, when);
    }
    free(derived);
}

static void proc_finish(struct vg_run *run)
{
    void **slot = vg_run_state(run);

    json_decref(*slot);
    *slot = NULL;
}

static void proc_timeline(struct vg_run *run, const struct vg_rec *r)
{
    const json_t *not = vg_rec_json(r, F_NOT_SEEN);
    const char *what = vg_rec_text(r, F_EXEC);
    char *desc;

    /* one event per process of ps.txt (the other files repeat them) */
    if (!vg_rec_text(r, F_FILE) || strcmp(vg_rec_text(r, F_FILE), "ps.txt") != 0)
        return;
    if (!what)
        what = vg_rec_time(r, F_COMMAND);
    if (json_array_size(not )) {
        size_t i;
        struct vg_buf b;
        int ok = 1;
        vg_buf_init(&b, VG_MAX_MESSAGE);
        for (i = 0; ok && i < json_array_size(not ); i++)
            ok = (!i || vg_buf_append_str(&b, ", ") == VG_OK) &&
                 vg_buf_append_str(&b, json_string_value(json_array_get(not, i))) == VG_OK;
        if (!ok || vg_buf_append(&b, "", 1) != VG_OK) {
            vg_buf_free(&b);
            vg_run_nomem(run);
            return;
        }
        desc = vg_asprintf("Process %s (PID %s) was running when %s was taken; not when %s was",
                           what, vg_val_py(vg_rec_val(r, F_PID), (char[VG_PY_BUF]){0}),
                           vg_rec_time(r, F_SYSDIAG), b.data ? b.data : "");
        vg_buf_free(&b);
    } else {
        desc = vg_asprintf("Process %s (PID %s) was running when %s was taken", what,
                           vg_val_py(vg_rec_val(r, F_PID), (char[VG_PY_BUF]){0}),
                           vg_rec_time(r, F_SYSDIAG));
    }
    if (!desc) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(r, F_ISODATE), "process", desc);
    free(desc);
}

const struct vg_module vg_mod_processes = {
    .name = "processes",
    .class_name = "Processes",
    .description = "processes running at sysdiagnose time (ps.txt, ps_thread.txt, taskinfo.txt); "
                   "indicators, unusual paths, imitated daemons",
    .locs = proc_locs,
    .n_locs = VG_ARRAY_LEN(proc_locs),
    .fields = proc_fields,
    .n_fields = VG_ARRAY_LEN(proc_fields),
    .extract = proc_extract,
    .check_record = proc_check,
    .check_finish = proc_finish,
    .timeline = proc_timeline,
};
