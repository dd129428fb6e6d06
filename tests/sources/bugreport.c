/*
 * Android bugreports (sources/bugreport.c on sources/tree.c and
 * sources/dumpsys_text.c): every module on the fixture bugreport, as a zip,
 * a zip with a top folder and an unzipped folder, with the same records;
 * each module's planted hit and near miss, with and without indicators;
 * where the dumpstate text is found (main_entry.txt, a name the one pass
 * did not keep, dumpState_*.log, a dumpsys.txt); hostile inputs (a
 * dumpsys section cut in the middle, a protobuf tombstone with bad
 * lengths, a truncated zip, members escaping with "..", a main entry
 * leaving the bugreport), each a warning naming the file while the other
 * modules run; and a bugreport nested in another acquisition, its results
 * prefixed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <cmocka.h>

#include <jansson.h>

#include "archives.h"
#include "bugreport.h"
#include "fixture.h"
#include "modules/modules.h"
#include "scan/scan.h"
#include "sources/bugreport.h"
#include "sources/dumpsys_text.h"

struct run {
    int rc;
    struct vg_summary sum;
    char *out;
    char *warnings; /* WARN and ERROR lines, "where: message\n" */
    char *work;     /* run_variant's folder */
};

static void diag_text(void *ud, const struct vg_diag_entry *e)
{
    char **w = ud;
    size_t n = *w ? strlen(*w) : 0, k = strlen(e->message) + strlen(e->where) + 4;

    if (e->level < VG_DIAG_WARN)
        return;
    *w = realloc(*w, n + k + 1);
    snprintf(*w + n, k + 1, "%s: %s\n", e->where, e->message);
}

/* check-bugreport on path into work/<tag>, with the fixture's indicators
 * or none. */
static void check(const char *path, const char *work, const char *tag, int with_iocs, struct run *r)
{
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;
    char out[4096];

    memset(r, 0, sizeof(*r));
    snprintf(out, sizeof(out), "%s/%s", work, tag);
    r->out = strdup(out);
    r->warnings = strdup("");
    assert_int_equal(vg_diag_new(diag_text, &r->warnings, &diag), VG_OK);
    assert_int_equal(vg_iocs_new(&iocs), VG_OK);
    if (with_iocs)
        assert_int_equal(vg_iocs_load_buffer(iocs, "br.stix2", vgfix_br_bundle(),
                                             strlen(vgfix_br_bundle()), diag),
                         VG_OK);
    memset(&so, 0, sizeof(so));
    so.output_dir = r->out;
    so.target = "bugreport";
    so.command_line = "test";
    r->rc = vgfix_check(VG_KIND_BUGREPORT, path, iocs, &so, NULL, diag, &r->sum);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
}

static void run_free(struct run *r)
{
    free(r->out);
    free(r->warnings);
}

static json_t *load(const struct run *r, const char *name)
{
    char path[8192];
    json_t *j;

    snprintf(path, sizeof(path), "%s/%s", r->out, name);
    j = json_load_file(path, 0, NULL);
    return j ? j : json_array();
}

/* Alerts of a level in <module>_detected.json. */
static size_t count_level(const struct run *r, const char *module, const char *level)
{
    char name[256];
    json_t *a, *v;
    size_t i, n = 0;

    snprintf(name, sizeof(name), "%s_detected.json", module);
    a = load(r, name);
    json_array_foreach(a, i, v)
    {
        n += strcmp(json_string_value(json_object_get(v, "level")), level) == 0;
    }
    json_decref(a);
    return n;
}

static size_t count_records(const struct run *r, const char *module)
{
    char name[256];
    json_t *a;
    size_t n;

    snprintf(name, sizeof(name), "%s.json", module);
    a = load(r, name);
    n = json_is_array(a) ? json_array_size(a) : 0;
    json_decref(a);
    return n;
}

/* Every module finds its records, hits and near misses (the fixture's
 * table). */
static void expect_all(const struct run *r, int with_iocs)
{
    size_t i;

    for (i = 0; i < vgfix_br_n_expected; i++) {
        const struct vgfix_br_expect *e = &vgfix_br_expected[i];
        size_t got = count_records(r, e->module);
        if (got != e->records)
            fail_msg("%s: %zu records, expected %zu\n%s", e->module, got, e->records, r->warnings);
        if (with_iocs) {
            assert_int_equal(count_level(r, e->module, "CRITICAL"), e->critical);
            assert_int_equal(count_level(r, e->module, "MEDIUM"), e->medium);
        } else {
            assert_int_equal(count_level(r, e->module, "CRITICAL"), 0);
            assert_int_equal(count_level(r, e->module, "MEDIUM"), e->medium_without);
        }
    }
}

/* The times of files on disk are the fixture's, as in the zip. */
static void set_times(const struct vgfix_br *b, const char *dir)
{
    struct timespec ts[2];
    char path[8192];
    size_t i;

    for (i = 0; i < b->n; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, b->v[i].name);
        ts[0].tv_sec = ts[1].tv_sec = (time_t)b->v[i].mtime;
        ts[0].tv_nsec = ts[1].tv_nsec = 0;
        assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
    }
}

static char *file_text(const struct run *r, const char *name)
{
    char path[8192];
    size_t len;

    snprintf(path, sizeof(path), "%s/%s", r->out, name);
    return vgfix_read_file(path, &len);
}

static int setup(void **state)
{
    (void)state;
    /* file times are shown in local time, as MVT shows them */
    setenv("TZ", "UTC", 1);
    tzset();
    return 0;
}

static void test_every_module_zip_and_folder(void **state)
{
    static const char *const prefixes[] = {"", "bugreport-test/"};
    char *work = vgfix_tmpdir("br-all"), path[4096];
    struct vgfix_br *b = NULL;
    struct run folder, zip;
    size_t p, i;
    (void)state;

    for (p = 0; p < 2; p++) {
        assert_int_equal(vgfix_br_new(prefixes[p], &b), 0);
        snprintf(path, sizeof(path), "%s/dir%zu", work, p);
        assert_int_equal(vgfix_br_write_dir(b, path), 0);
        set_times(b, path);
        check(path, work, p ? "out-dir1" : "out-dir0", 1, &folder);
        assert_int_equal(folder.rc, VG_OK);
        expect_all(&folder, 1);
        assert_string_equal(folder.warnings, "");
        assert_int_equal(folder.sum.unread, 0);
        snprintf(path, sizeof(path), "%s/br%zu.zip", work, p);
        assert_int_equal(vgfix_br_write_zip(b, path), 0);
        check(path, work, p ? "out-zip1" : "out-zip0", 1, &zip);
        assert_int_equal(zip.rc, VG_OK);
        assert_string_equal(zip.warnings, "");
        expect_all(&zip, 1);
        /* the same bytes from the zip and the folder */
        for (i = 0; i < vgfix_br_n_expected; i++) {
            char name[256], *a, *c;
            snprintf(name, sizeof(name), "%s.json", vgfix_br_expected[i].module);
            a = file_text(&folder, name);
            c = file_text(&zip, name);
            assert_non_null(a);
            assert_non_null(c);
            assert_string_equal(a, c);
            free(a);
            free(c);
        }
        run_free(&folder);
        run_free(&zip);
        vgfix_br_free(b);
    }
    vgfix_rmtree(work);
    free(work);
}

static void test_without_indicators(void **state)
{
    char *work = vgfix_tmpdir("br-noioc"), path[4096];
    struct vgfix_br *b = NULL;
    struct run r;
    (void)state;

    assert_int_equal(vgfix_br_new("", &b), 0);
    snprintf(path, sizeof(path), "%s/br.zip", work);
    assert_int_equal(vgfix_br_write_zip(b, path), 0);
    check(path, work, "out", 0, &r);
    assert_int_equal(r.rc, VG_OK);
    expect_all(&r, 0);
    run_free(&r);
    vgfix_br_free(b);
    vgfix_rmtree(work);
    free(work);
}

/* The records of the fixture's modules, in both MVT forms of a record. */
static void test_record_shapes(void **state)
{
    char *work = vgfix_tmpdir("br-shape"), path[4096], *text;
    struct vgfix_br *b = NULL;
    struct run r;
    (void)state;

    assert_int_equal(vgfix_br_new("", &b), 0);
    snprintf(path, sizeof(path), "%s/br.zip", work);
    assert_int_equal(vgfix_br_write_zip(b, path), 0);
    check(path, work, "out", 1, &r);
    text = file_text(&r, "dumpsys_receivers.json");
    assert_non_null(strstr(text, "\"android.provider.Telephony.SMS_RECEIVED\": ["));
    free(text);
    text = file_text(&r, "bugreport_timestamps.json");
    assert_non_null(strstr(text, "\"path\": \"FS/data/tombstones/tombstone_00\",\n"
                                 "        \"modified_time\": \"2024-04-30 09:00:00.000000\""));
    free(text);
    text = file_text(&r, "tombstones.json");
    assert_non_null(strstr(text, "\"file_name\": \"tombstone_03.pb\""));
    assert_non_null(strstr(text, "\"file_timestamp\": \"2024-04-30 09:03:00.000000\""));
    assert_non_null(strstr(text, "\"process_name\": \"system_server\""));
    free(text);
    text = file_text(&r, "dumpsys_adb_state.json");
    assert_non_null(strstr(text, "\"user\": \"user@host\""));
    free(text);
    text = file_text(&r, "timeline.csv");
    assert_non_null(strstr(text, "\"2024-04-30 09:00:00.123456\",\"Tombstones\",\"Tombstone\","
                                 "\"Crash in 'evilproc' process running as UID '10100'"));
    assert_non_null(strstr(text, "\"BugReportTimestamps\",\"M---\""));
    assert_non_null(strstr(text, "\"DumpsysPackages\",\"package_first_install\""));
    assert_non_null(strstr(text, "\"DumpsysBatteryDaily\",\"battery_daily\",\"Recorded "
                                 "downgrade of package org.example.app from vers 5 to vers 3\""));
    free(text);
    run_free(&r);
    vgfix_br_free(b);
    vgfix_rmtree(work);
    free(work);
}

/* ---- where the dumpstate is ---- */

static size_t dumpsys_records(const struct run *r)
{
    return count_records(r, "dumpsys_appops") + count_records(r, "dumpsys_packages");
}

/* b written as a zip or a folder in a fresh folder, checked; the folder
 * goes with cleanup_run. */
static void run_variant(struct vgfix_br *b, int zip, const char *tag, struct run *r)
{
    char *work = vgfix_tmpdir(tag), path[4096];

    snprintf(path, sizeof(path), zip ? "%s/br.zip" : "%s/dir", work);
    assert_int_equal(zip ? vgfix_br_write_zip(b, path) : vgfix_br_write_dir(b, path), 0);
    check(path, work, "out", 1, r);
    r->work = work;
}

static void cleanup_run(struct run *r)
{
    vgfix_rmtree(r->work);
    free(r->work);
    run_free(r);
}

/* A main entry not named bugreport-*.txt: the one pass did not keep it,
 * so the zip is read again for it. */
static void test_main_entry_other_name(void **state)
{
    struct vgfix_br *b = NULL;
    const void *text;
    size_t len;
    struct run r;
    int zip;
    (void)state;

    for (zip = 0; zip < 2; zip++) {
        assert_int_equal(vgfix_br_new("", &b), 0);
        text = vgfix_br_get(b, VGFIX_BR_DUMPSTATE, &len);
        assert_int_equal(vgfix_br_set(b, "dumpstate.txt", text, len), 0);
        assert_int_equal(vgfix_br_set(b, VGFIX_BR_DUMPSTATE, NULL, 0), 0);
        assert_int_equal(vgfix_br_set(b, "main_entry.txt", "dumpstate.txt\n", 14), 0);
        run_variant(b, zip, "br-main", &r);
        assert_int_equal(dumpsys_records(&r), 6);
        assert_string_equal(r.warnings, "");
        cleanup_run(&r);
        vgfix_br_free(b);
    }
}

/* main_entry.txt naming what is not there: a warning, then MVT's other
 * places; naming a file outside the bugreport: never opened. */
static void test_main_entry_missing_or_escaping(void **state)
{
    static const char *const bad[] = {"nothere.txt", "../../../etc/passwd", "/etc/passwd"};
    struct vgfix_br *b = NULL;
    const void *text;
    size_t len, i;
    struct run r;
    int zip;
    (void)state;

    for (i = 0; i < 3; i++) {
        for (zip = 0; zip < 2; zip++) {
            assert_int_equal(vgfix_br_new("", &b), 0);
            text = vgfix_br_get(b, VGFIX_BR_DUMPSTATE, &len);
            assert_int_equal(vgfix_br_set(b, "dumpState_2024.log", text, len), 0);
            assert_int_equal(vgfix_br_set(b, VGFIX_BR_DUMPSTATE, NULL, 0), 0);
            assert_int_equal(vgfix_br_set(b, "main_entry.txt", bad[i], strlen(bad[i])), 0);
            run_variant(b, zip, "br-miss", &r);
            assert_int_equal(r.rc, VG_OK);
            /* found where MVT looks next */
            assert_int_equal(dumpsys_records(&r), 6);
            assert_non_null(strstr(r.warnings, "main_entry.txt"));
            assert_int_equal(count_records(&r, "tombstones"), 5);
            cleanup_run(&r);
            vgfix_br_free(b);
        }
    }
}

/* No main_entry.txt: dumpState_*.log, else a dumpsys.txt one folder down
 * (as AndroidQF leaves it). */
static void test_fallbacks(void **state)
{
    static const char *const names[] = {"dumpState_G960F.log", "acq/dumpsys.txt"};
    struct vgfix_br *b = NULL;
    const void *text;
    size_t len, i;
    struct run r;
    (void)state;

    for (i = 0; i < 2; i++) {
        assert_int_equal(vgfix_br_new("", &b), 0);
        text = vgfix_br_get(b, VGFIX_BR_DUMPSTATE, &len);
        assert_int_equal(vgfix_br_set(b, names[i], text, len), 0);
        assert_int_equal(vgfix_br_set(b, VGFIX_BR_DUMPSTATE, NULL, 0), 0);
        assert_int_equal(vgfix_br_set(b, "main_entry.txt", NULL, 0), 0);
        run_variant(b, 1, "br-fb", &r);
        assert_int_equal(dumpsys_records(&r), 6);
        cleanup_run(&r);
        vgfix_br_free(b);
    }
    /* none of them: the dumpsys modules have nothing, the others run */
    assert_int_equal(vgfix_br_new("", &b), 0);
    assert_int_equal(vgfix_br_set(b, VGFIX_BR_DUMPSTATE, NULL, 0), 0);
    run_variant(b, 1, "br-none", &r);
    assert_int_equal(dumpsys_records(&r), 0);
    assert_int_equal(count_records(&r, "tombstones"), 5);
    assert_non_null(strstr(r.warnings, "no dumpstate text"));
    cleanup_run(&r);
    vgfix_br_free(b);
}

/* ---- hostile ---- */

/* The dumpstate cut in the middle of the appops section: a warning naming
 * it; what comes before the cut is read, and the tombstones. */
static void test_section_cut(void **state)
{
    struct vgfix_br *b = NULL;
    const char *text;
    size_t len, cut;
    struct run r;
    int zip;
    (void)state;

    for (zip = 0; zip < 2; zip++) {
        assert_int_equal(vgfix_br_new("", &b), 0);
        text = vgfix_br_get(b, VGFIX_BR_DUMPSTATE, &len);
        cut = (size_t)(strstr(text, "REQUEST_INSTALL_PACKAGES") - text) + 10;
        char *part = malloc(cut);
        memcpy(part, text, cut);
        assert_int_equal(vgfix_br_set(b, VGFIX_BR_DUMPSTATE, part, cut), 0);
        free(part);
        run_variant(b, zip, "br-cut", &r);
        assert_int_equal(r.rc, VG_OK);
        assert_non_null(strstr(r.warnings, VGFIX_BR_DUMPSTATE " does not end as dumpstate"));
        /* before the cut: the accessibility services and the hit's appops */
        assert_int_equal(count_records(&r, "dumpsys_accessibility"), 2);
        assert_true(count_records(&r, "dumpsys_appops") >= 1);
        /* after it: nothing, and no harm */
        assert_int_equal(count_records(&r, "dumpsys_packages"), 0);
        assert_int_equal(count_records(&r, "tombstones"), 5);
        assert_int_equal(count_level(&r, "dumpsys_appops", "CRITICAL"), 1);
        cleanup_run(&r);
        vgfix_br_free(b);
    }
}

/* A protobuf tombstone whose lengths run past its end: a warning naming
 * it, unreadable coverage, and the other tombstones. */
static void test_bad_protobuf_tombstone(void **state)
{
    struct vgfix_br *b = NULL;
    unsigned char *pb;
    size_t len;
    struct run r;
    (void)state;

    assert_int_equal(vgfix_br_new("", &b), 0);
    pb = vgfix_br_tombstone_pb("system_server", 1000, &len);
    assert_non_null(pb);
    /* the build fingerprint's length (the 3rd byte) claims 120 bytes more */
    pb[3] = (unsigned char)(pb[3] + 120);
    assert_int_equal(vgfix_br_set(b, "FS/data/tombstones/tombstone_03.pb", pb, len), 0);
    free(pb);
    run_variant(b, 1, "br-pb", &r);
    assert_int_equal(r.rc, VG_OK);
    assert_non_null(strstr(r.warnings, "Error parsing tombstone file "
                                       "FS/data/tombstones/tombstone_03.pb"));
    assert_int_equal(count_records(&r, "tombstones"), 4);
    assert_int_equal(r.sum.unread, 1);
    assert_int_equal(count_records(&r, "dumpsys_packages"), 3);
    cleanup_run(&r);
    vgfix_br_free(b);
}

/* A zip cut short: the archive's warning, the check INCOMPLETE or with
 * detections, and what could be read is. */
static void test_truncated_zip(void **state)
{
    char *work = vgfix_tmpdir("br-trunc"), path[4096];
    struct vgfix_br *b = NULL;
    unsigned char *zip = NULL;
    size_t len = 0;
    struct run r;
    (void)state;

    assert_int_equal(vgfix_br_new("", &b), 0);
    /* the dumpstate is first: cut inside it */
    assert_int_equal(vgfix_archive(VGFIX_AR_ZIP, b->v, b->n, &zip, &len), 0);
    snprintf(path, sizeof(path), "%s/cut.zip", work);
    assert_int_equal(vgfix_write_file(path, zip, len / 3), 0);
    check(path, work, "out", 1, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_true(strlen(r.warnings) > 0);
    assert_true(r.sum.unread >= 1);
    run_free(&r);
    free(zip);
    vgfix_br_free(b);
    vgfix_rmtree(work);
    free(work);
}

/* Members whose names climb out with "..": refused by name; the rest is
 * read. */
static void test_escaping_members(void **state)
{
    char *work = vgfix_tmpdir("br-esc"), path[4096];
    struct vgfix_br *b = NULL;
    struct run r;
    (void)state;

    assert_int_equal(vgfix_br_new("", &b), 0);
    assert_int_equal(vgfix_br_set(b, "../../evil.txt", "x", 1), 0);
    assert_int_equal(vgfix_br_set(b, "FS/data/tombstones/../../../../tombstone_99", "x", 1), 0);
    snprintf(path, sizeof(path), "%s/esc.zip", work);
    assert_int_equal(vgfix_br_write_zip(b, path), 0);
    check(path, work, "out", 1, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_non_null(strstr(r.warnings, "evil.txt"));
    assert_non_null(strstr(r.warnings, "tombstone_99"));
    assert_int_equal(count_records(&r, "tombstones"), 5);
    assert_int_equal(dumpsys_records(&r), 6);
    run_free(&r);
    vgfix_br_free(b);
    vgfix_rmtree(work);
    free(work);
}

/* ---- a bugreport inside another acquisition ---- */

/* An outer acquisition as the androidqf source will be: a tree of files
 * holding bugreport.zip, whose own dumpsys.txt feeds the dumpsys modules,
 * and whose nested() op opens the bugreport. */
static const struct vg_tree_kind outer_kind = {
    .name = "outer",
    .files = VG_LOC_AQF,
    .listing = 0,
    .marker = NULL,
};

struct outer {
    struct vg_tree *t;
    const struct vg_source *src;
    struct vg_io *text_io;
    struct vg_dumpsys_text *text;
};

static int outer_prepare(void *self, const struct vg_loc *const *locs, size_t n,
                         struct vg_diag *diag)
{
    static const char *const extra[] = {"bugreport.zip", "dumpsys.txt"};
    struct outer *o = self;
    const unsigned char *p;
    size_t len;
    int rc = vg_tree_prepare(o->t, locs, n, extra, 2, diag);

    if (vg_tree_open_path(o->t, "dumpsys.txt", &o->text_io) == VG_OK &&
        vg_io_map(o->text_io, &p, &len) == VG_OK)
        assert_int_equal(vg_dumpsys_text_new("dumpsys.txt", p, len, &o->text), VG_OK);
    return rc;
}

static int outer_find(void *self, const struct vg_loc *loc,
                      int (*cb)(void *ud, const struct vg_file *f), void *ud, struct vg_diag *diag)
{
    struct outer *o = self;

    if (loc->kind == VG_LOC_DUMPSYS)
        return o->text ? vg_dumpsys_text_find(o->text, loc, cb, ud, diag) : 0;
    return vg_tree_find(o->t, loc, cb, ud, diag);
}

static int outer_open(void *self, const struct vg_file *f, struct vg_io **out, struct vg_diag *diag)
{
    struct outer *o = self;

    if (f->loc->kind == VG_LOC_DUMPSYS)
        return vg_dumpsys_text_open(o->text, f, out);
    return vg_tree_open_file(o->t, f, out, diag);
}

static int outer_nested(void *self, enum vg_kind kind, struct vg_diag *diag, struct vg_source **out)
{
    struct outer *o = self;

    if (kind != VG_KIND_BUGREPORT)
        return VG_E_NOTFOUND;
    return vg_src_bugreport_nested(o->src, o->t, "bugreport.zip", diag, out);
}

static void outer_free(void *self)
{
    struct outer *o = self;

    vg_dumpsys_text_free(o->text);
    vg_io_free(o->text_io);
    vg_tree_free(o->t);
    free(o);
}

static const struct vg_source_ops outer_ops = {
    .prepare = outer_prepare,
    .find = outer_find,
    .open = outer_open,
    .nested = outer_nested,
    .free = outer_free,
};

static void run_outer(const char *path, const char *out, struct vg_summary *sum, char **warnings)
{
    struct vg_source *src = NULL;
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;
    struct vg_scan s;
    struct outer *o = calloc(1, sizeof(*o));
    const struct vg_module *const *all;
    const struct vg_module *dumpsys[32];
    struct vg_scan_nest nest;
    size_t n, i, k = 0;

    *warnings = strdup("");
    assert_int_equal(vg_diag_new(diag_text, warnings, &diag), VG_OK);
    assert_int_equal(vg_tree_open(path, &outer_kind, diag, &o->t), VG_OK);
    assert_int_equal(vg_source_alloc(path, &src), VG_OK);
    o->src = src;
    src->ops = &outer_ops;
    src->self = o;
    src->kind = "outer";
    src->platform = VG_PLATFORM_ANDROID;
    assert_int_equal(vg_iocs_new(&iocs), VG_OK);
    assert_int_equal(
        vg_iocs_load_buffer(iocs, "br.stix2", vgfix_br_bundle(), strlen(vgfix_br_bundle()), diag),
        VG_OK);
    /* the outer source runs the modules reading dumpsys sections; the
     * bugreport inside, every bugreport module */
    all = vg_modules(VG_PLATFORM_ANDROID, &n);
    for (i = 0; i < n; i++)
        if (all[i]->n_locs && all[i]->locs[0].kind == VG_LOC_DUMPSYS)
            dumpsys[k++] = all[i];
    nest.kind = VG_KIND_BUGREPORT;
    nest.prefix = "bugreport_";
    nest.mods = all;
    nest.n = n;
    memset(&so, 0, sizeof(so));
    so.output_dir = out;
    so.command_line = "test";
    assert_int_equal(vg_scan_init(&s, iocs, &so, diag, sum, src), VG_OK);
    assert_int_equal(vg_scan_run_nested(&s, dumpsys, k, &nest, 1), VG_OK);
    vg_scan_cleanup(&s);
    vg_source_free(src);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
}

static void test_nested_in_acquisition(void **state)
{
    char *work = vgfix_tmpdir("br-nest"), path[4096], out[4096], *warnings, *json;
    struct vgfix_br *b = NULL;
    struct vgfix_ar_entry outer[2];
    unsigned char *zip = NULL;
    char *text;
    size_t zip_len = 0, text_len = 0, i;
    struct vg_summary sum;
    struct run view;
    int as_zip;
    (void)state;

    assert_int_equal(vgfix_br_new("", &b), 0);
    assert_int_equal(vgfix_archive(VGFIX_AR_ZIP, b->v, b->n, &zip, &zip_len), 0);
    text = vgfix_br_dumpstate(&text_len);
    memset(outer, 0, sizeof(outer));
    outer[0].name = "dumpsys.txt";
    outer[0].data = text;
    outer[0].len = text_len;
    outer[1].name = "bugreport.zip";
    outer[1].data = zip;
    outer[1].len = zip_len;
    for (as_zip = 0; as_zip < 2; as_zip++) {
        if (as_zip) {
            snprintf(path, sizeof(path), "%s/acq.zip", work);
            assert_int_equal(vgfix_archive_file(path, VGFIX_AR_ZIP, outer, 2), 0);
        } else {
            snprintf(path, sizeof(path), "%s/acq", work);
            assert_int_equal(vgfix_mkdirs(path), 0);
            snprintf(out, sizeof(out), "%s/acq/dumpsys.txt", work);
            assert_int_equal(vgfix_write_file(out, text, text_len), 0);
            snprintf(out, sizeof(out), "%s/acq/bugreport.zip", work);
            assert_int_equal(vgfix_write_file(out, zip, zip_len), 0);
        }
        snprintf(out, sizeof(out), "%s/out%d", work, as_zip);
        run_outer(path, out, &sum, &warnings);
        assert_string_equal(warnings, "");
        memset(&view, 0, sizeof(view));
        view.out = out;
        /* dumpsys.txt's own results, then the bugreport's, prefixed */
        for (i = 0; i < vgfix_br_n_expected; i++) {
            const struct vgfix_br_expect *e = &vgfix_br_expected[i];
            char name[256];
            int from_dumpsys = strcmp(e->module, "tombstones") != 0 &&
                               strcmp(e->module, "bugreport_timestamps") != 0;
            assert_int_equal(count_records(&view, e->module), from_dumpsys ? e->records : 0);
            snprintf(name, sizeof(name), "bugreport_%s", e->module);
            assert_int_equal(count_records(&view, name), e->records);
            assert_int_equal(count_level(&view, name, "CRITICAL"), e->critical);
        }
        json = file_text(&view, "alerts.json");
        assert_non_null(strstr(json, "\"module\": \"bugreport_tombstones\""));
        assert_non_null(strstr(json, "\"module\": \"dumpsys_appops\""));
        free(json);
        free(warnings);
    }
    free(text);
    free(zip);
    vgfix_br_free(b);
    vgfix_rmtree(work);
    free(work);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_module_zip_and_folder),
        cmocka_unit_test(test_without_indicators),
        cmocka_unit_test(test_record_shapes),
        cmocka_unit_test(test_main_entry_other_name),
        cmocka_unit_test(test_main_entry_missing_or_escaping),
        cmocka_unit_test(test_fallbacks),
        cmocka_unit_test(test_section_cut),
        cmocka_unit_test(test_bad_protobuf_tombstone),
        cmocka_unit_test(test_truncated_zip),
        cmocka_unit_test(test_escaping_members),
        cmocka_unit_test(test_nested_in_acquisition),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
