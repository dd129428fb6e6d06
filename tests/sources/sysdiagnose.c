/*
 * iOS sysdiagnoses (sources/sysdiagnose.c on sources/tree.c) and the
 * modules that read them: the same records from the archive the phone
 * writes and from its folder; the planted traces found and the near misses
 * quiet; indicators; several sysdiagnoses of one phone merged by time;
 * hostile and damaged archives; ShutdownLog on a filesystem dump; the
 * backup modules (TCC, ConfigurationProfiles) on the files a sysdiagnose
 * copies.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "archives.h"
#include "fixture.h"
#include "sysdiag.h"

#define T_A   1709370941 /* 2024-03-02 09:15:41 UTC (10:15:41 +0100 in the name) */
#define T_B   1709974800 /* a week later */
#define NOISE (256u * 1024u)

static const char bh_bundle[] =
    "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
    "{\"type\":\"malware\",\"id\":\"malware--1\",\"name\":\"Pegasus\"},"
    "{\"type\":\"indicator\",\"id\":\"indicator--1\",\"pattern\":\"[process:name = 'bh']\","
    "\"pattern_type\":\"stix\"},"
    "{\"type\":\"relationship\",\"id\":\"relationship--1\",\"relationship_type\":\"indicates\","
    "\"source_ref\":\"indicator--1\",\"target_ref\":\"malware--1\"}]}";

struct check {
    int rc;
    struct vg_summary sum;
    char *warnings;
    char out[2048];
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

static void check(const char *const *paths, size_t n, const char *out, int with_iocs,
                  struct check *c)
{
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;
    struct vg_source_opts src;

    memset(c, 0, sizeof(*c));
    snprintf(c->out, sizeof(c->out), "%.2000s", out);
    assert_int_equal(vg_diag_new(diag_text, &c->warnings, &diag), VG_OK);
    assert_int_equal(vg_iocs_new(&iocs), VG_OK);
    if (with_iocs)
        assert_int_equal(vg_iocs_load_buffer(iocs, "t.stix2", bh_bundle, strlen(bh_bundle), diag),
                         VG_OK);
    memset(&so, 0, sizeof(so));
    so.output_dir = out;
    so.target = "sysdiagnose";
    so.command_line = "test";
    memset(&src, 0, sizeof(src));
    src.more_paths = paths + 1;
    src.n_more_paths = n - 1;
    c->rc = vgfix_check(VG_KIND_IOS_SYSDIAG, paths[0], iocs, &so, &src, diag, &c->sum);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
}

static json_t *result(const struct check *c, const char *name)
{
    char p[4200];
    json_t *j;

    snprintf(p, sizeof(p), "%s/%s.json", c->out, name);
    j = json_load_file(p, 0, NULL);
    assert_non_null(j);
    return j;
}

static char *result_text(const struct check *c, const char *name)
{
    char p[4200];
    size_t len;

    snprintf(p, sizeof(p), "%s/%s.json", c->out, name);
    return vgfix_read_file(p, &len);
}

/* The alert messages of a run, one per line. */
static char *alerts_text(const struct check *c)
{
    char p[4200];
    json_t *a, *e;
    size_t i, n = 1;
    char *s = calloc(1, 1);

    /* no alerts: no alerts.json */
    snprintf(p, sizeof(p), "%s/alerts.json", c->out);
    a = json_load_file(p, 0, NULL);

    json_array_foreach(a, i, e)
    {
        const char *m = json_string_value(json_object_get(e, "message"));
        n += strlen(m ? m : "") + 1;
        s = realloc(s, n);
        strcat(s, m ? m : "");
        strcat(s, "\n");
    }
    json_decref(a);
    return s;
}

static void check_free(struct check *c)
{
    free(c->warnings);
}

static void test_archive_and_folder_agree(void **state)
{
    static const char *const mods[] = {"processes", "shutdown_log", "crash_logs",
                                       "sysdiagnose_info", "mobile_installation"};
    char *work = vgfix_tmpdir("sd-same"), name[128], *ar = NULL, *dir = NULL, out[4096];
    struct check a, f;
    size_t i;
    (void)state;

    vgfix_sysdiag_name(T_A, name, sizeof(name));
    assert_int_equal(vgfix_sysdiag_archive(work, name, VGFIX_SD_IMPLANT, &ar), 0);
    assert_int_equal(vgfix_sysdiag_folder(work, name, VGFIX_SD_IMPLANT, &dir), 0);
    snprintf(out, sizeof(out), "%s/out-ar", work);
    check((const char *const *)&ar, 1, out, 0, &a);
    snprintf(out, sizeof(out), "%s/out-dir", work);
    check((const char *const *)&dir, 1, out, 0, &f);
    assert_int_equal(a.rc, VG_OK);
    assert_int_equal(f.rc, VG_OK);
    for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
        char *x = result_text(&a, mods[i]), *y = result_text(&f, mods[i]);
        assert_non_null(x);
        assert_non_null(y);
        assert_string_equal(x, y);
        free(x);
        free(y);
    }
    /* bh in shutdown.log, ps.txt and a crash; the fake imagent */
    assert_int_equal(a.sum.alerts[VG_LEVEL_HIGH], 4);
    /* agentd sticky at 3 shutdowns from /private/var/mobile/Media */
    assert_int_equal(a.sum.alerts[VG_LEVEL_MEDIUM], 1);
    /* the shutdown waited for 3 times; the install asked by helperd */
    assert_int_equal(a.sum.alerts[VG_LEVEL_LOW], 2);
    /* the install synced from a computer */
    assert_int_equal(a.sum.alerts[VG_LEVEL_INFO], 1);
    assert_int_equal(a.sum.alerts[VG_LEVEL_CRITICAL], 0);
    assert_int_equal(memcmp(a.sum.alerts, f.sum.alerts, sizeof(a.sum.alerts)), 0);
    check_free(&a);
    check_free(&f);
    free(ar);
    free(dir);
    vgfix_rmtree(work);
    free(work);
}

static void test_near_misses_quiet(void **state)
{
    char *work = vgfix_tmpdir("sd-clean"), name[128], *ar = NULL, out[4096], *alerts;
    struct check c;
    json_t *info, *dev;
    size_t l;
    (void)state;

    vgfix_sysdiag_name(T_A, name, sizeof(name));
    assert_int_equal(vgfix_sysdiag_archive(work, name, 0, &ar), 0);
    snprintf(out, sizeof(out), "%s/out", work);
    check((const char *const *)&ar, 1, out, 1, &c);
    assert_int_equal(c.rc, VG_OK);
    for (l = 0; l < VG_LEVEL_COUNT; l++)
        assert_int_equal(c.sum.alerts[l], 0);
    alerts = alerts_text(&c);
    assert_string_equal(alerts, "");
    free(alerts);
    /* the device facts, and the outdated iOS */
    info = result(&c, "info");
    dev = json_object_get(info, "device");
    assert_string_equal(json_string_value(json_object_get(dev, "product_version")), "17.3.1");
    assert_string_equal(json_string_value(json_object_get(dev, "product_type")), "iPhone14,2");
    assert_string_equal(json_string_value(json_object_get(dev, "build_version")), "21D61");
    assert_string_equal(json_string_value(json_object_get(dev, "sysdiagnose_date")),
                        "2024-03-02 09:15:41.000000");
    assert_string_equal(json_string_value(json_object_get(info, "kind")), "ios-sysdiagnose");
    json_decref(info);
    assert_non_null(c.warnings);
    assert_non_null(strstr(c.warnings, "outdated iOS version: 17.3.1"));
    check_free(&c);
    free(ar);
    vgfix_rmtree(work);
    free(work);
}

static void test_indicators(void **state)
{
    char *work = vgfix_tmpdir("sd-iocs"), name[128], *ar = NULL, out[4096], *alerts;
    struct check c;
    (void)state;

    vgfix_sysdiag_name(T_A, name, sizeof(name));
    assert_int_equal(vgfix_sysdiag_archive(work, name, VGFIX_SD_IMPLANT, &ar), 0);
    snprintf(out, sizeof(out), "%s/out", work);
    check((const char *const *)&ar, 1, out, 1, &c);
    assert_int_equal(c.rc, VG_OK);
    /* bh: a component of the shutdown client, the ps.txt executable, the
     * taskinfo.txt name, the crash's process */
    assert_int_equal(c.sum.alerts[VG_LEVEL_CRITICAL], 4);
    alerts = alerts_text(&c);
    assert_non_null(strstr(alerts, "\"bh\""));
    assert_null(strstr(alerts, "mobileassetd"));
    assert_null(strstr(alerts, "My Notes"));
    free(alerts);
    check_free(&c);
    free(ar);
    vgfix_rmtree(work);
    free(work);
}

static void test_several_merged(void **state)
{
    char *work = vgfix_tmpdir("sd-multi"), na[128], nb[128], *paths[2], out[4096];
    struct check c;
    json_t *recs, *r, *dev;
    size_t i, bh = 0;
    (void)state;

    vgfix_sysdiag_name(T_A, na, sizeof(na));
    vgfix_sysdiag_name(T_B, nb, sizeof(nb));
    /* given newest first: read oldest first all the same */
    assert_int_equal(vgfix_sysdiag_archive(work, nb, VGFIX_SD_IMPLANT | VGFIX_SD_LATER, &paths[0]),
                     0);
    assert_int_equal(vgfix_sysdiag_archive(work, na, VGFIX_SD_IMPLANT, &paths[1]), 0);
    snprintf(out, sizeof(out), "%s/out", work);
    check((const char *const *)paths, 2, out, 0, &c);
    assert_int_equal(c.rc, VG_OK);

    /* shutdown.log: A's 11 client lines once, B's new shutdown once */
    recs = result(&c, "shutdown_log");
    assert_int_equal(json_array_size(recs), 12);
    r = json_array_get(recs, 0);
    assert_int_equal(json_array_size(json_object_get(r, "sysdiagnoses")), 2);
    assert_string_equal(json_string_value(json_array_get(json_object_get(r, "sysdiagnoses"), 0)),
                        na);
    r = json_array_get(recs, 11);
    assert_int_equal(json_array_size(json_object_get(r, "sysdiagnoses")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(r, "sysdiagnoses"), 0)),
                        nb);
    json_decref(recs);

    /* ps.txt: bh ran when A was taken, not when B was */
    recs = result(&c, "processes");
    json_array_foreach(recs, i, r)
    {
        const char *e = json_string_value(json_object_get(r, "executable"));
        const char *file = json_string_value(json_object_get(r, "file"));
        if (!e || strcmp(file, "ps.txt") != 0 || !strstr(e, "/bh"))
            continue;
        bh++;
        assert_string_equal(json_string_value(json_object_get(r, "sysdiagnose")), na);
        assert_int_equal(json_array_size(json_object_get(r, "not_seen_in")), 1);
        assert_string_equal(json_string_value(json_array_get(json_object_get(r, "not_seen_in"), 0)),
                            nb);
    }
    assert_int_equal(bh, 1);
    /* A's records first */
    assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 0), "sysdiagnose")),
                        na);
    json_decref(recs);

    /* the crash reports both hold: once each */
    recs = result(&c, "crash_logs");
    assert_int_equal(json_array_size(recs), 2);
    assert_int_equal(json_array_size(json_object_get(json_array_get(recs, 0), "sysdiagnoses")), 2);
    json_decref(recs);

    /* install events: the same lines in both, once; oldest first */
    recs = result(&c, "mobile_installation");
    assert_int_equal(json_array_size(recs), 10);
    assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 0), "event")),
                        "install_request");
    assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 0), "isodate")),
                        "2023-12-03 10:05:18.000000");
    r = json_array_get(recs, 5);
    assert_string_equal(json_string_value(json_object_get(r, "event")), "installing");
    assert_string_equal(json_string_value(json_object_get(r, "requested_by")), "helperd");
    assert_string_equal(json_string_value(json_object_get(r, "bundle_id")), "com.example.helper");
    json_decref(recs);

    recs = result(&c, "info");
    dev = json_object_get(recs, "device");
    assert_int_equal(json_array_size(json_object_get(dev, "sysdiagnoses")), 2);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(dev, "sysdiagnoses"), 0), "name")),
                        na);
    json_decref(recs);
    check_free(&c);
    free(paths[0]);
    free(paths[1]);
    vgfix_rmtree(work);
    free(work);
}

static void test_hostile_archive(void **state)
{
    char *work = vgfix_tmpdir("sd-hostile"), name[128], *ar = NULL, out[4096], path[4096];
    struct vgfix_ar_entry *v = NULL, *all;
    unsigned char *cut = NULL, *noise;
    char noise_name[256];
    size_t n = 0, len = 0, i;
    unsigned long long x;
    struct check c;
    (void)state;

    vgfix_sysdiag_name(T_A, name, sizeof(name));
    assert_int_equal(vgfix_sysdiag_archive(work, name, VGFIX_SD_IMPLANT | VGFIX_SD_HOSTILE, &ar),
                     0);
    snprintf(out, sizeof(out), "%s/out", work);
    check((const char *const *)&ar, 1, out, 0, &c);
    assert_int_equal(c.rc, VG_OK);
    /* the escaping members named, the rest checked */
    assert_non_null(c.warnings);
    assert_non_null(strstr(c.warnings, "etc/passwd"));
    assert_int_equal(c.sum.alerts[VG_LEVEL_HIGH], 4);
    check_free(&c);

    /* cut short inside the archive: what came before is still read */
    assert_int_equal(vgfix_sysdiag_entries(name, VGFIX_SD_IMPLANT, &v, &n), 0);
    /* a last member of noise, so the cut falls inside it, past the rest */
    noise = malloc(NOISE);
    assert_non_null(noise);
    for (i = 0, x = 88172645463325252ull; i < NOISE; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        noise[i] = (unsigned char)(x >> 32);
    }
    all = calloc(n + 1, sizeof(*all));
    memcpy(all, v, n * sizeof(*v));
    all[n].name = "zz/system_logs.logarchive/zz.tracev3";
    all[n].kind = VGFIX_AR_FILE;
    all[n].data = noise;
    all[n].len = NOISE;
    snprintf(noise_name, sizeof(noise_name), "%s/system_logs.logarchive/zz.tracev3", name);
    all[n].name = noise_name;
    assert_int_equal(vgfix_archive_truncated(VGFIX_AR_TAR_GZ, all, n + 1, 4096, &cut, &len), 0);
    vgfix_sysdiag_entries_free(v, n);
    free(all);
    free(noise);
    snprintf(path, sizeof(path), "%s/%s-cut.tar.gz", work, name);
    assert_int_equal(vgfix_write_file(path, cut, len), 0);
    free(cut);
    snprintf(out, sizeof(out), "%s/out-cut", work);
    {
        const char *p = path;
        check(&p, 1, out, 0, &c);
    }
    assert_int_equal(c.rc, VG_OK);
    assert_non_null(c.warnings);
    assert_true(c.sum.records > 0);
    check_free(&c);

    /* not a sysdiagnose at all */
    {
        const char *p = "/nonexistent/sysdiagnose.tar.gz";
        check(&p, 1, out, 0, &c);
        assert_int_equal(c.rc, VG_E_NOTFOUND);
        check_free(&c);
    }
    free(ar);
    vgfix_rmtree(work);
    free(work);
}

/* The same module on a filesystem dump: shutdown.log and a rotation. */
static void test_fs_shutdownlog(void **state)
{
    char *work = vgfix_tmpdir("sd-fs"), path[4096], out[4096];
    static const char log0[] = "After 0.30s, these clients are still here:\n"
                               "\t\tremaining client pid: 7 (/private/var/tmp/x/"
                               "3F2504E0-4F89-11D3-9A0C-0305E82C3301)\n"
                               "SIGTERM: [1600000000]\n";
    static const char log[] = "After 0.30s, these clients are still here:\n"
                              "\t\tremaining client pid: 97 (/usr/libexec/mobileassetd)\n"
                              "SIGTERM: [1700000000]\n";
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;
    struct vg_summary sum;
    const char *mods[1] = {"shutdown_log"};
    json_t *recs;
    (void)state;

    snprintf(path, sizeof(path), "%s/dump/private/var/db/diagnostics", work);
    assert_int_equal(vgfix_mkdirs(path), 0);
    snprintf(path, sizeof(path), "%s/dump/private/var/db/diagnostics/shutdown.log", work);
    assert_int_equal(vgfix_write_file(path, log, strlen(log)), 0);
    snprintf(path, sizeof(path), "%s/dump/private/var/db/diagnostics/shutdown.0.log", work);
    assert_int_equal(vgfix_write_file(path, log0, strlen(log0)), 0);
    assert_int_equal(vg_diag_new(NULL, NULL, &diag), VG_OK);
    assert_int_equal(vg_iocs_new(&iocs), VG_OK);
    memset(&so, 0, sizeof(so));
    snprintf(out, sizeof(out), "%s/out", work);
    so.output_dir = out;
    so.modules = mods;
    so.n_modules = 1;
    so.command_line = "test";
    snprintf(path, sizeof(path), "%s/dump", work);
    assert_int_equal(vgfix_check(VG_KIND_IOS_FS, path, iocs, &so, NULL, diag, &sum), VG_OK);
    assert_int_equal(sum.records, 2);
    assert_int_equal(sum.alerts[VG_LEVEL_HIGH], 1);
    snprintf(path, sizeof(path), "%.2000s/shutdown_log.json", out);
    recs = json_load_file(path, 0, NULL);
    assert_non_null(recs);
    /* MVT's fields only, the older shutdown first */
    assert_int_equal(json_object_size(json_array_get(recs, 0)), 5);
    assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 0), "pid")), "7");
    json_decref(recs);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
    vgfix_rmtree(work);
    free(work);
}

/* The backup modules whose database or plist a sysdiagnose copies under
 * logs/ (TCC, ConfigurationProfiles) read it there, from the archive. */
static void test_shared_modules(void **state)
{
    char *work = vgfix_tmpdir("sd-shared"), name[128], *ar = NULL, out[4096], *alerts;
    struct check c;
    json_t *tcc, *prof, *r;
    (void)state;

    vgfix_sysdiag_name(T_A, name, sizeof(name));
    assert_int_equal(vgfix_sysdiag_archive(work, name, VGFIX_SD_SHARED, &ar), 0);
    snprintf(out, sizeof(out), "%s/out", work);
    check((const char *const *)&ar, 1, out, 1, &c);
    assert_int_equal(c.rc, VG_OK);
    tcc = result(&c, "tcc");
    assert_int_equal(json_array_size(tcc), 2);
    r = json_array_get(tcc, 0);
    assert_string_equal(json_string_value(json_object_get(r, "service")), "kTCCServiceMicrophone");
    assert_string_equal(json_string_value(json_object_get(r, "client")),
                        "/private/var/db/com.apple.xpc.roleaccountd.staging/bh");
    assert_string_equal(json_string_value(json_object_get(r, "auth_value")), "allowed");
    assert_string_equal(json_string_value(json_object_get(json_array_get(tcc, 1), "client")),
                        "com.example.notes");
    json_decref(tcc);
    prof = result(&c, "configuration_profiles");
    assert_int_equal(json_array_size(prof), 1);
    r = json_array_get(prof, 0);
    assert_string_equal(json_string_value(json_object_get(r, "relative_path")),
                        "logs/MCState/Shared/profile-0f3c9a7e5b1d.stub");
    assert_string_equal(json_string_value(json_object_get(r, "domain")), name);
    assert_string_equal(json_string_value(json_object_get(r, "install_date")),
                        "2023-11-15 00:13:20.000000");
    json_decref(prof);
    /* bh's grant matches the process indicator; the camera grant does not */
    assert_int_equal(c.sum.alerts[VG_LEVEL_CRITICAL], 1);
    assert_int_equal(c.sum.alerts[VG_LEVEL_MEDIUM], 1);
    alerts = alerts_text(&c);
    assert_non_null(strstr(alerts, "com.apple.notificationsettings"));
    assert_null(strstr(alerts, "com.example.notes"));
    free(alerts);
    check_free(&c);
    free(ar);
    vgfix_rmtree(work);
    free(work);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_archive_and_folder_agree),
        cmocka_unit_test(test_near_misses_quiet),
        cmocka_unit_test(test_indicators),
        cmocka_unit_test(test_several_merged),
        cmocka_unit_test(test_hostile_archive),
        cmocka_unit_test(test_fs_shutdownlog),
        cmocka_unit_test(test_shared_modules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
