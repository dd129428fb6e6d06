/*
 * What the dumpsys modules share (see dumpsys_common.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/android/dumpsys_common.h"

struct section_ctx {
    enum vg_dumpsys_kind kind;
    int rc;
};

static int emit(void *ud, json_t *record)
{
    return vg_run_emit_json(ud, record);
}

/* The section as the parser reads it: its body, named as the file
 * names it, numbered from its header's line. */
static int parse_section(struct vg_run *run, const struct vg_file *f, enum vg_dumpsys_kind kind)
{
    const struct vg_dumpsys_parser *p = &vg_dumpsys_parsers[kind];
    struct vg_dumpsys_sink sink;
    struct vg_dumpsys_section sec;
    struct vg_io *io = NULL;
    const unsigned char *text = NULL;
    size_t len = 0;
    int rc = vg_run_open(run, f, &io);

    if (rc != VG_OK)
        return VG_OK; /* reported by vg_run_open */
    rc = vg_io_map(io, &text, &len);
    if (rc != VG_OK) {
        vg_run_coverage(run, VG_COV_UNREADABLE, f->display, "%s", vg_strerror(rc));
        vg_run_log(run, VG_DIAG_WARN, "cannot read %s: %s", f->display, vg_strerror(rc));
        vg_io_free(io);
        return rc == VG_E_NOMEM ? rc : VG_OK;
    }
    vg_dumpsys_whole(text, len, p->dec, &sec);
    sec.name = sec.service = vg_str_of(f->path);
    sec.line = f->line;
    memset(&sink, 0, sizeof(sink));
    sink.record = emit;
    sink.ud = run;
    sink.diag = vg_run_diag(run);
    sink.where = f->display;
    rc = p->parse(&sec, &sink);
    vg_io_free(io);
    if (sink.warnings > VG_MAX_DUMPSYS_WARNINGS)
        vg_run_log(run, VG_DIAG_WARN, "%s: %zu more lines skipped", f->display,
                   sink.warnings - VG_MAX_DUMPSYS_WARNINGS);
    if (rc == VG_E_NOTFOUND && kind == VG_DUMPSYS_ADB) {
        vg_run_log(run, VG_DIAG_INFO,
                   "Could not load ADB data from dumpsys. It may not be supported on this device.");
        return VG_OK;
    }
    if (rc == VG_E_CORRUPT || rc == VG_E_LIMIT || rc == VG_E_TRUNCATED || rc == VG_E_INVAL) {
        vg_run_coverage(run, VG_COV_PARTIAL, f->display, "%s", vg_strerror(rc));
        vg_run_log(run, VG_DIAG_WARN, "%s: read only in part: %s", f->display, vg_strerror(rc));
        return VG_OK;
    }
    return rc;
}

static int section(struct vg_run *run, const struct vg_file *f, void *ud)
{
    struct section_ctx *c = ud;

    c->rc = parse_section(run, f, c->kind);
    return c->rc;
}

int vg_android_dumpsys_run(struct vg_run *run, enum vg_dumpsys_kind kind)
{
    struct section_ctx c = {kind, VG_OK};
    int rc = vg_run_find_all(run, section, &c);

    return rc != VG_OK ? rc : c.rc;
}
