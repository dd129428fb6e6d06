/*
 * report.html from results folders built by hand: vigie's (info.json with
 * device, coverage, diagnostics), MVT's (no info.json: backup_info.json and
 * console.log instead), hostile strings, the alert context window,
 * determinism, damaged inputs, and a large timeline with bounded memory.
 * MVT's own result folders in ../shared are used too when present.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "fixture.h"
#include "output/report.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

static void put(const char *dir, const char *name, const char *text)
{
    char *p = vg_asprintf("%s/%s", dir, name);
    assert_non_null(p);
    assert_int_equal(vgfix_write_file(p, text, strlen(text)), 0);
    free(p);
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char *p = vg_asprintf("%s/%s", dir, name), *t;
    size_t n = 0;
    assert_non_null(p);
    t = vgfix_read_file(p, &n);
    assert_non_null(t);
    free(p);
    if (len)
        *len = n;
    return t;
}

/* By hand: ASan's strstr measures the whole rest of the text on every
 * call, which makes counting in a 90 MB page quadratic. */
static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    const char *p;
    for (p = hay; *p; p++)
        if (*p == needle[0] && strncmp(p, needle, k) == 0) {
            n++;
            p += k - 1;
        }
    return n;
}

/* The text between the first `from` and the next `to` after it. */
static char *between(const char *hay, const char *from, const char *to)
{
    const char *a = strstr(hay, from), *b;
    assert_non_null(a);
    a += strlen(from);
    b = strstr(a, to);
    assert_non_null(b);
    return vg_strndup(a, (size_t)(b - a));
}

static struct vg_diag *new_diag(void)
{
    struct vg_diag *d = NULL;
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    return d;
}

static char *write_report(const char *dir, size_t *len)
{
    struct vg_diag *d = new_diag();
    assert_int_equal(vg_report_write(dir, d), VG_OK);
    vg_diag_free(d);
    return slurp(dir, "report.html", len);
}

/* ---- a vigie folder */

/* a hostile description, as a CSV field holds it (quotes doubled) */
static const char hostile_csv[] =
    "<script>alert(1)</script></textarea>\"\"'&amp; \xE2\x80\xA8 \xFF";

static void vigie_folder(const char *dir)
{
    char *alerts, *csv;

    put(dir, "info.json",
        "{\"vigie_version\": \"0.1.0\", \"date\": \"2024-01-02 03:04:05.000000\", "
        "\"kind\": \"ios-backup\", \"target\": \"/cases/<b>42</b>\", "
        "\"indicator_files\": [{\"path\": \"iocs/pegasus.stix2\", \"sha256\": "
        "\"65e1ba949e726f10ee9d520735f07490d7f610204d5da58742a91bb72e47a239\", "
        "\"indicators\": 7, \"date\": \"2023-12-30\"}], "
        "\"device\": {\"product_type\": \"iPhone12,1\", \"product_version\": \"14.6\", "
        "\"build_version\": \"18F72\", \"device_name\": \"</title><script>x()</script>\"}, "
        "\"modules\": {\"sms\": {\"class\": \"SMS\", \"records\": 3, \"alerts\": {\"CRITICAL\": "
        "1}, "
        "\"coverage\": [{\"artifact\": \"HomeDomain/Library/SMS/sms.db\", \"status\": \"found\", "
        "\"detail\": \"\"}], \"status\": \"ok\"}, "
        "\"calls\": {\"class\": \"Calls\", \"records\": 0, \"alerts\": {}, \"coverage\": "
        "[{\"artifact\": \"CallHistory.storedata\", \"status\": \"missing\", \"detail\": \"not in "
        "this acquisition\"}], \"status\": \"ok\"}, "
        "\"tcc\": {\"class\": \"TCC\", \"records\": 0, \"alerts\": {}, \"coverage\": "
        "[{\"artifact\": \"TCC.db\", \"status\": \"unreadable\", \"detail\": \"<i>damaged</i>\"}], "
        "\"status\": \"ok\"}}, "
        "\"diagnostics\": [{\"level\": \"warning\", \"where\": \"tcc\", \"message\": \"TCC.db: "
        "<u>bad page</u>\"}, {\"level\": \"info\", \"where\": \"sms\", \"message\": \"3 "
        "messages\"}]}");
    alerts = vg_asprintf(
        "[{\"level\": \"CRITICAL\", \"module\": \"sms\", \"message\": \"SMS %s\", "
        "\"event_time\": \"2021-06-14 09:12:03.000000\", \"event\": {\"text\": \"%s\"}, "
        "\"matched_indicator\": {\"value\": \"exploit.example\", \"type\": \"domains\", "
        "\"name\": \"Demo<Spy>\", \"stix2_file_name\": \"demo.stix2\"}}, "
        "{\"level\": \"LOW\", \"module\": \"manifest\", \"message\": \"no time\", "
        "\"event_time\": \"\", \"event\": {}, \"matched_indicator\": null}]",
        "<script>alert(1)</script>", "\\u003c/script\\u003e");
    put(dir, "alerts.json", alerts);
    free(alerts);
    csv = vg_asprintf("\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"\r\n"
                      "\"\",\"Manifest\",\"x\",\"no time\"\r\n"
                      "\"2021-06-14 09:10:00.000000\",\"Safari<History>\",\"visit\",\"before\"\r\n"
                      "\"2021-06-14 09:12:03.000000\",\"SMS\",\"sms_received\",\"%s\"\r\n"
                      "\"2021-06-14 09:13:50.000000\",\"Datausage\",\"first_usage\","
                      "\"line one\nline \"\"two\"\"\"\r\n",
                      hostile_csv);
    put(dir, "timeline.csv", csv);
    free(csv);
    put(dir, "sms.json", "[]");
    put(dir, "command.log", "command: vigie\ndate: 2024-01-02 03:04:05.000000\n");
}

/* base64(SHA-256(text)) as the CSP writes it. */
static void csp_hash(const char *text, size_t n, char out[64])
{
    unsigned char md[32];
    unsigned int len = 0;
    assert_int_equal(EVP_Digest(text, n, md, &len, EVP_sha256(), NULL), 1);
    EVP_EncodeBlock((unsigned char *)out, md, 32);
}

static void assert_csp_matches(const char *html)
{
    const char *style = strstr(html, "<style>"), *style_end = strstr(html, "</style>");
    const char *js = strstr(html, "\n<script>"), *js_end;
    char h[64], *want;

    assert_non_null(style);
    assert_non_null(style_end);
    assert_non_null(js);
    js += strlen("\n<script>");
    js_end = strstr(js, "</script>");
    assert_non_null(js_end);
    csp_hash(style + 7, (size_t)(style_end - style - 7), h);
    want = vg_asprintf("style-src 'sha256-%s'", h);
    assert_non_null(strstr(html, want));
    free(want);
    csp_hash(js, (size_t)(js_end - js), h);
    want = vg_asprintf("script-src 'sha256-%s'", h);
    assert_non_null(strstr(html, want));
    free(want);
    assert_non_null(strstr(html, "content=\"default-src 'none';"));
}

static void test_vigie_folder(void **state)
{
    char *dir = vgfix_tmpdir("report"), *html, *alerts, *data;
    (void)state;

    vigie_folder(dir);
    html = write_report(dir, NULL);
    assert_csp_matches(html);
    /* exactly the two script elements the report writes: data and code */
    assert_int_equal(count(html, "<script"), 2);
    assert_int_equal(count(html, "</script"), 2);
    assert_int_equal(count(html, "<textarea"), 0);
    assert_int_equal(count(html, "</textarea"), 0);
    assert_null(strstr(html, "<b>42"));
    assert_null(strstr(html, "<u>bad"));
    assert_null(strstr(html, "<i>damaged"));
    assert_null(strstr(html, "\xFF"));
    assert_non_null(strstr(html, "<title>vigie report: DETECTIONS</title>"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/textarea&gt;&quot;"
                                 "&#39;&amp;amp; \xE2\x80\xA8 \xEF\xBF\xBD"));
    /* the device, the indicator file, coverage, warnings */
    assert_non_null(strstr(html, "<th>Model</th><td>iPhone12,1</td>"));
    assert_non_null(strstr(html, "&lt;/title&gt;&lt;script&gt;x()&lt;/script&gt;"));
    assert_non_null(
        strstr(html, "65e1ba949e726f10ee9d520735f07490d7f610204d5da58742a91bb72e47a239"));
    assert_non_null(strstr(html, "2023-12-30"));
    assert_non_null(strstr(html, "st-unreadable"));
    assert_non_null(strstr(html, "TCC.db: &lt;u&gt;bad page&lt;/u&gt;"));
    assert_non_null(strstr(html, "1 informational messages"));
    assert_non_null(strstr(html, "Nothing to read"));
    /* the alert: level, module's class name, message, indicator, context */
    alerts = between(html, "id=\"alerts\"", "</section>");
    assert_non_null(strstr(alerts, "lv-CRITICAL"));
    assert_non_null(strstr(alerts, "SMS &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(alerts, "collection <strong>Demo&lt;Spy&gt;</strong>"));
    assert_non_null(strstr(alerts, "Safari&lt;History&gt;"));
    assert_non_null(strstr(alerts, "<tr class=\"self\">"));
    assert_non_null(strstr(alerts, "line one\nline &quot;two&quot;"));
    assert_non_null(
        strstr(alerts, "&quot;text&quot;: &quot;&lt;/script&gt;&quot;")); /* the record */
    assert_non_null(strstr(alerts, "This alert has no time"));
    /* the timeline data: escaped for a script element, modules interned */
    data = between(html, "id=\"vg-data\">", "</script>");
    assert_null(strstr(data, "<"));
    assert_null(strstr(data, ">"));
    assert_non_null(strstr(data, "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\\u003c/textarea"
                                 "\\u003e\\\"'\\u0026amp; \\u2028 \\ufffd"));
    assert_non_null(strstr(data, "\"modules\":[\"Manifest\",\"Safari\\u003cHistory\\u003e\","
                                 "\"SMS\",\"Datausage\"]"));
    /* the alert is merged after its event, which is flagged */
    assert_non_null(strstr(data, "[\"2021-06-14 09:12:03.000000\",2,1,\"sms_received\""));
    assert_non_null(strstr(data, "[\"2021-06-14 09:12:03.000000\",2,6,\"\",\"SMS "));
    assert_non_null(strstr(data, "[\"\",0,3,\"\",\"no time\"]"));
    free(data);
    free(alerts);
    free(html);
    assert_int_equal(vgfix_rmtree(dir), 0);
    free(dir);
}

static void test_deterministic(void **state)
{
    char *dir = vgfix_tmpdir("report"), *a, *b;
    size_t na, nb;
    DIR *d;
    struct dirent *e;
    (void)state;

    vigie_folder(dir);
    a = write_report(dir, &na);
    /* the second run sees report.html in the folder: same bytes all the same */
    b = write_report(dir, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    /* nothing left behind but report.html */
    d = opendir(dir);
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        assert_null(strstr(e->d_name, ".report.html."));
    closedir(d);
    free(a);
    free(b);
    assert_int_equal(vgfix_rmtree(dir), 0);
    free(dir);
}

/* ---- the alert's context: +-5 minutes, at most 10 events each way */

static void test_context_window(void **state)
{
    char *dir = vgfix_tmpdir("report"), *html, *ctx;
    FILE *f;
    char *path;
    int i;
    (void)state;

    put(dir, "alerts.json",
        "[{\"level\": \"HIGH\", \"module\": \"crash_reporter\", \"message\": \"the alert\", "
        "\"event_time\": \"2021-06-14 12:00:00.000000\", \"event\": {}, "
        "\"matched_indicator\": null}]");
    path = vg_asprintf("%s/timeline.csv", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs("\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"\r\n", f);
    fputs("\"2021-06-14 11:54:59.000000\",\"SMS\",\"e\",\"too-early\"\r\n", f);
    /* 12 events in the last 5 minutes: the 10 nearest are kept */
    for (i = 0; i < 12; i++)
        fprintf(f, "\"2021-06-14 11:%02d:00.000000\",\"Datausage\",\"e\",\"before-%02d\"\r\n",
                55 + i / 3, i);
    fputs("\"2021-06-14 12:00:00.000000\",\"CrashReporter\",\"e\",\"own-event\"\r\n", f);
    fputs("\"2021-06-14 12:00:00.000000\",\"SMS\",\"e\",\"same-time-other\"\r\n", f);
    fputs("\"2021-06-14 12:04:59.000000\",\"SafariHistory\",\"e\",\"just-in\"\r\n", f);
    fputs("\"2021-06-14 12:05:01.000000\",\"SafariHistory\",\"e\",\"too-late\"\r\n", f);
    fclose(f);
    free(path);
    html = write_report(dir, NULL);
    ctx = between(html, "<article class=\"alert\">", "</article>");
    assert_null(strstr(ctx, "too-early"));
    assert_null(strstr(ctx, "before-00"));
    assert_null(strstr(ctx, "before-01"));
    for (i = 2; i < 12; i++) {
        char want[16];
        (void)vg_snprintf(want, sizeof(want), "before-%02d", i);
        assert_non_null(strstr(ctx, want));
    }
    assert_non_null(strstr(ctx, "own-event"));
    assert_non_null(strstr(ctx, "same-time-other"));
    assert_non_null(strstr(ctx, "just-in"));
    assert_null(strstr(ctx, "too-late"));
    /* its own event highlighted, the others not; the alert after its event */
    assert_int_equal(count(ctx, "<tr class=\"self\">"), 1);
    assert_true(strstr(ctx, "own-event") < strstr(ctx, "this alert"));
    assert_true(strstr(ctx, "before-11") < strstr(ctx, "own-event"));
    free(ctx);
    free(html);
    assert_int_equal(vgfix_rmtree(dir), 0);
    free(dir);
}

/* ---- MVT's folders: no info.json */

static void test_mvt_like_folder(void **state)
{
    char *dir = vgfix_tmpdir("report"), *html;
    (void)state;

    put(dir, "alerts.json",
        "[{\"level\": \"LOW\", \"module\": \"datausage\", \"message\": \"Missing process 5\", "
        "\"event_time\": \"2019-08-27 15:08:09.253102\", \"event\": {\"proc_id\": 4}, "
        "\"matched_indicator\": null}]");
    put(dir, "alerts_timeline.csv", "\"Event Time\",\"Module\",\"Message\",\"Event\"\r\n");
    put(dir, "timeline.csv",
        "\"Device Local Timestamp\",\"Plugin\",\"Event\",\"Description\"\r\n"
        "\"2019-08-27 15:08:09\",\"Datausage\",\"first_usage\",\"x\"\r\n");
    put(dir, "backup_info.json",
        "{\"Build Version\": \"18C66\", \"Product Type\": \"iPhone9,3\", \"Product Version\": "
        "\"14.3\", \"Installed Applications\": [\"a\", \"b\"]}");
    put(dir, "datausage.json", "[]");
    put(dir, "console.log",
        "               [mvt] Checking\n"
        "WARNING        [mvt.android.modules.aqf_files] Could not find or \n"
        "determine <local> timezone.\n"
        "               [mvt.x] next\n"
        "ERROR          [mvt.y] packages.json file \n"
        "not found\n");
    html = write_report(dir, NULL);
    assert_non_null(strstr(html, "<title>vigie report: NO DETECTIONS</title>"));
    assert_non_null(strstr(html, "does not prove the phone is clean"));
    assert_non_null(strstr(html, "<th>Product Type</th><td>iPhone9,3</td>"));
    assert_null(strstr(html, "Installed Applications"));
    assert_non_null(strstr(html, "<code>mvt.android.modules.aqf_files</code> Could not find or "
                                 "determine &lt;local&gt; timezone."));
    assert_non_null(strstr(html, "<code>mvt.y</code> packages.json file not found"));
    assert_non_null(strstr(html, "no coverage record"));
    assert_non_null(strstr(html, "<code>datausage.json</code>"));
    assert_non_null(strstr(html, "lv-LOW"));
    free(html);
    assert_int_equal(vgfix_rmtree(dir), 0);
    free(dir);
}

/* info.json's verdict wins; damaged files are warnings, never a failure. */
static void test_verdict_and_damage(void **state)
{
    char *dir = vgfix_tmpdir("report"), *html;
    struct vg_diag *d = new_diag();
    (void)state;

    put(dir, "info.json",
        "{\"verdict\": {\"status\": \"INCOMPLETE\", \"unread\": "
        "[\"Manifest.db: <damaged>\"]}}");
    put(dir, "alerts.json", "[{\"level\": ");
    put(dir, "timeline.csv", "\"2021-01-01 00:00:00\",\"A\",\"b\",\"unclosed");
    assert_int_equal(vg_report_write(dir, d), VG_OK);
    html = slurp(dir, "report.html", NULL);
    assert_non_null(strstr(html, "<p class=\"status\">INCOMPLETE</p>"));
    assert_non_null(strstr(html, "<li>Manifest.db: &lt;damaged&gt;</li>"));
    assert_non_null(strstr(html, "could not be read</strong>"));
    assert_non_null(strstr(html, "alerts.json: not valid JSON"));
    assert_non_null(strstr(html, "unclosed quote"));
    assert_true(vg_diag_count(d, VG_DIAG_WARN) >= 2);
    free(html);
    /* without a verdict, an unreadable alerts.json makes the check incomplete */
    put(dir, "info.json", "{}");
    vg_diag_free(d);
    html = write_report(dir, NULL);
    assert_non_null(strstr(html, "<p class=\"status\">INCOMPLETE</p>"));
    free(html);
    /* not a folder */
    d = new_diag();
    assert_int_equal(vg_report_write("/nonexistent/vigie-results", d), VG_E_NOTFOUND);
    assert_int_equal(vg_diag_count(d, VG_DIAG_ERROR), 1);
    assert_int_equal(vg_report_write(NULL, d), VG_E_INVAL);
    vg_diag_free(d);
    assert_int_equal(vgfix_rmtree(dir), 0);
    free(dir);
}

/* An empty folder still gets a report. */
static void test_empty_folder(void **state)
{
    char *dir = vgfix_tmpdir("report"), *html;
    (void)state;

    html = write_report(dir, NULL);
    assert_non_null(strstr(html, "NO DETECTIONS"));
    assert_non_null(strstr(html, "This folder has no timeline.csv."));
    assert_non_null(strstr(html, "\"events\":[\n]}"));
    free(html);
    assert_int_equal(vgfix_rmtree(dir), 0);
    free(dir);
}

/* ---- a large timeline: 200,000 events, memory flat */

static long peak_kb(void)
{
    struct rusage ru;
    assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
    return ru.ru_maxrss;
}

static void test_large_timeline(void **state)
{
    char *dir = vgfix_tmpdir("report"), *path, *html;
    char pad[401];
    long before;
    size_t len, i;
    FILE *f;
    struct stat st;
    (void)state;

    memset(pad, 'x', sizeof(pad) - 1);
    pad[sizeof(pad) - 1] = '\0';
    put(dir, "alerts.json",
        "[{\"level\": \"HIGH\", \"module\": \"sms\", \"message\": \"middle\", "
        "\"event_time\": \"2021-01-02 07:46:41.000000\", \"event\": {}, "
        "\"matched_indicator\": null}]");
    path = vg_asprintf("%s/timeline.csv", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs("\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"\r\n", f);
    for (i = 0; i < 200000; i++) {
        char ts[VG_ISODATE_LEN + 1];
        assert_int_equal(vg_isodate(1609459200 + (int64_t)i, 0, ts), VG_OK);
        fprintf(f, "\"%s\",\"%s\",\"ev\",\"event %zu %s\"\r\n", ts, i % 2 ? "SMS" : "Safari", i,
                pad);
    }
    fclose(f);
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 80 * 1024 * 1024);
    free(path);
    before = peak_kb();
    {
        struct vg_diag *d = new_diag();
        assert_int_equal(vg_report_write(dir, d), VG_OK);
        vg_diag_free(d);
    }
    /* an 80 MB timeline, read twice and written once, within 32 MB */
    if (!UNDER_ASAN)
        assert_true(peak_kb() - before < 32 * 1024);
    html = slurp(dir, "report.html", &len);
    assert_true(len > (size_t)st.st_size / 2);
    assert_int_equal(count(html, ",\"ev\",\"event "), 200000);
    assert_non_null(strstr(html, "200,000</b><span>timeline events"));
    assert_non_null(strstr(html, "event 199999 "));
    assert_non_null(strstr(html, "event 114401 ")); /* the alert's own event */
    assert_int_equal(count(html, "<tr class=\"self\">"), 1);
    free(html);
    assert_int_equal(vgfix_rmtree(dir), 0);
    free(dir);
}

/* ---- MVT's own result folders (../shared), copied: they are read-only */

static void copy_folder(const char *from, const char *to)
{
    DIR *d = opendir(from);
    struct dirent *e;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        char *src, *text;
        size_t n = 0;
        if (e->d_name[0] == '.')
            continue;
        src = vg_asprintf("%s/%s", from, e->d_name);
        text = vgfix_read_file(src, &n);
        if (text) {
            char *dst = vg_asprintf("%s/%s", to, e->d_name);
            assert_int_equal(vgfix_write_file(dst, text, n), 0);
            free(dst);
        }
        free(text);
        free(src);
    }
    closedir(d);
}

static void test_mvt_results(void **state)
{
    static const struct {
        const char *name, *verdict;
    } runs[] = {
        {"ios-backup-testiocs", "DETECTIONS"},      {"ios-backup-pegasus", "NO DETECTIONS"},
        {"android-bugreport", "DETECTIONS"},        {"android-androidqf", "DETECTIONS"},
        {"android-androidqf-zip", "NO DETECTIONS"}, {"android-backup", "NO DETECTIONS"},
    };
    char *base = vgfix_shared_path("mvt-artifacts/mvt-results");
    size_t i;
    (void)state;

    if (!base) {
        printf("skipped: ../shared/mvt-artifacts is not there\n");
        return;
    }
    for (i = 0; i < VG_ARRAY_LEN(runs); i++) {
        char *from = vg_asprintf("%s/%s", base, runs[i].name), *dir = vgfix_tmpdir("report");
        char *html, *want;
        copy_folder(from, dir);
        html = write_report(dir, NULL);
        want = vg_asprintf("<p class=\"status\">%s</p>", runs[i].verdict);
        assert_non_null(strstr(html, want));
        assert_int_equal(count(html, "<script"), 2);
        free(want);
        free(html);
        free(from);
        assert_int_equal(vgfix_rmtree(dir), 0);
        free(dir);
    }
    free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vigie_folder),       cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_context_window),     cmocka_unit_test(test_mvt_like_folder),
        cmocka_unit_test(test_verdict_and_damage), cmocka_unit_test(test_empty_folder),
        cmocka_unit_test(test_large_timeline),     cmocka_unit_test(test_mvt_results),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
