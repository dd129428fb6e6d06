/*
 * AQFProcesses: the running processes, from every process list androidqf
 * has written: ps.txt (to 1.6.0), processes.txt (1.6.1 on: `ps -A` text, or
 * the collector's JSON in 1.6.1 to 1.7.1) and processes.json (the
 * collector, 1.6.0-alpha and 1.8.0 on). MVT reads ps.txt only, so it finds
 * no process in any acquisition made since 2023. Text lines are MVT's ps
 * records; the collector's objects are recorded as the file has them.
 *
 * With indicators, each process name is checked as an app id, then as a
 * process name (a 15-byte name may be a longer one Linux cut short), except
 * gatekeeperd (MVT: false positives); a name "<package>:<process>" (an
 * app's service process) is also checked as its package's app id. For the
 * collector's records the name is the base name of the first command line
 * word (the whole name; for apps their package name), then the kernel's
 * `filename` (15 bytes at most) unless it is only the start of that name.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/aqf_json.h"
#include "formats/android/ps.h"
#include "modules/android/common.h"

/* In MVT's reading order first, then the newer files. */
static const struct vg_loc proc_locs[] = {
    {VG_LOC_AQF, NULL, "ps.txt"},
    {VG_LOC_AQF, NULL, "processes.txt"},
    {VG_LOC_AQF, NULL, "processes.json"},
};

enum { F_PROC_NAME, F_FILENAME, F_COMMAND_LINE };
static const char *const proc_fields[] = {"proc_name", "filename", "command_line"};

/* A process list in ps's text, or in the collector's JSON (whatever the
 * file's name says: processes.txt held either). */
static int proc_parse(struct vg_run *run, const struct vg_file *f, const unsigned char *data,
                      size_t len, struct vg_aqf_sink *s, void *ud)
{
    VG_UNUSED(run);
    VG_UNUSED(f);
    VG_UNUSED(ud);
    if (vg_aqf_looks_json(data, len))
        return vg_aqf_processes_parse(data, len, s);
    return vg_ps_parse(data, len, s);
}

static int proc_extract(struct vg_run *run)
{
    size_t i;
    int rc = VG_OK;

    for (i = 0; rc == VG_OK && i < VG_ARRAY_LEN(proc_locs); i++)
        rc = vg_android_each_file(run, &proc_locs[i], 1, proc_parse, NULL, NULL);
    vg_run_log(run, VG_DIAG_INFO, "Identified %zu running processes", vg_run_record_count(run));
    return rc;
}

/* ---- checks ---- */

/* An app's other processes are named "<package>:<name>" (a service in its
 * own process): the package is an app id. Beyond MVT, which checks the
 * whole name only. */
static int proc_check_app_process(struct vg_run *run, const struct vg_rec *r, const char *name)
{
    const char *colon = strchr(name, ':');
    char pkg[256];
    struct vg_ioc_match m;

    if (!colon || colon == name || (size_t)(colon - name) >= sizeof(pkg))
        return 0;
    memcpy(pkg, name, (size_t)(colon - name));
    pkg[colon - name] = '\0';
    if (!vg_iocs_match_app_id(vg_run_iocs(run), pkg, &m))
        return 0;
    vg_run_alert(run, VG_LEVEL_CRITICAL, r, &m, "",
                 "Found a process \"%s\" of a known suspicious app with ID \"%s\" matching "
                 "indicators from \"%s\"",
                 name, pkg, m.collection);
    return 1;
}

/* MVT's order for one name: an app id first, then a process name; then
 * the app of an app's process. */
static int proc_check_name(struct vg_run *run, const struct vg_rec *r, const char *name)
{
    if (!name || !*name || strcmp(name, VG_PS_SKIP_NAME) == 0)
        return 0;
    return vg_check_app_id(run, VG_LEVEL_CRITICAL, r, name, "") ||
           vg_check_process(run, VG_LEVEL_CRITICAL, r, name, "") ||
           proc_check_app_process(run, r, name);
}

/* The collector's comm, "(name)", without its parentheses. */
static const char *comm_name(const char *filename, char *buf, size_t cap)
{
    size_t n;

    if (!filename)
        return NULL;
    n = strlen(filename);
    if (n >= 2 && filename[0] == '(' && filename[n - 1] == ')') {
        if (n - 2 >= cap)
            return NULL;
        memcpy(buf, filename + 1, n - 2);
        buf[n - 2] = '\0';
        return buf;
    }
    return filename;
}

/* The kernel's name is the command line's name cut short: checking it
 * again would take a longer name that is no indicator ("com.x.spywarex")
 * for a cut indicator ("com.x.spyware"). A kernel name of its own (the
 * process renamed itself) is checked. */
static int comm_is_cut_argv0(const char *kname, const char *argv0)
{
    if (!kname || !argv0 || !*argv0)
        return 0;
    return strncmp(argv0, kname, strlen(kname)) == 0;
}

static void proc_check(struct vg_run *run, const struct vg_rec *r)
{
    const json_t *cmdline = vg_rec_json(r, F_COMMAND_LINE);
    const char *argv0 = json_string_value(json_array_get(cmdline, 0));
    const char *kname;
    char comm[256];

    if (vg_rec_key(r, F_PROC_NAME) >= 0) {
        proc_check_name(run, r, vg_rec_text(r, F_PROC_NAME));
        return;
    }
    /* the collector's record: the whole name from the command line first,
     * then the kernel's (cut at 15 bytes; alone when the command line was
     * wiped: kernel threads, and implants hiding) */
    if (argv0 && strrchr(argv0, '/'))
        argv0 = strrchr(argv0, '/') + 1;
    if (argv0 && *argv0 && proc_check_name(run, r, argv0))
        return;
    kname = comm_name(vg_rec_text(r, F_FILENAME), comm, sizeof(comm));
    if (!comm_is_cut_argv0(kname, argv0))
        proc_check_name(run, r, kname);
}

const struct vg_module vg_mod_aqf_processes = {
    .name = "aqf_processes",
    .class_name = "AQFProcesses",
    .description = "running processes (ps.txt, processes.txt, processes.json): app ids and process "
                   "names",
    .locs = proc_locs,
    .n_locs = VG_ARRAY_LEN(proc_locs),
    .fields = proc_fields,
    .n_fields = VG_ARRAY_LEN(proc_fields),
    .extract = proc_extract,
    .check_record = proc_check,
};
