/*
 * Android intrusion logs (sources/intrusion_logs.c and the DnsEvent,
 * ConnectEvent and SecurityEvent modules): one file, a folder, a zip and
 * zips inside; planted DNS and connect hits and their near misses; MVT's
 * records, alerts and timeline words; duplicates across files dropped;
 * unknown kinds and types counted and reported once; a 10 MB line and a
 * broken one named in a warning; the device's time zone; the events
 * around each alert.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <jansson.h>

#include "ab.h"
#include "archives.h"
#include "fixture.h"

static const char bundle[] =
    "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
    "{\"type\":\"malware\",\"id\":\"malware--1\",\"name\":\"Test\"},"
    "{\"type\":\"indicator\",\"id\":\"indicator--1\",\"pattern\":\"[domain-name:value = "
    "'" VGFIX_IL_HOST "'] OR [ipv4-addr:value = '" VGFIX_IL_IP "'] OR [app:id = "
    "'com.evil.spy'] OR [file:path = '/data/local/tmp/implant']\",\"pattern_type\":\"stix\"},"
    "{\"type\":\"relationship\",\"id\":\"relationship--1\",\"relationship_type\":\"indicates\","
    "\"source_ref\":\"indicator--1\",\"target_ref\":\"malware--1\"}]}";

struct result {
    int rc;
    struct vg_summary sum;
    char *out;
    json_t *dns, *connect, *security, *alerts;
    char *timeline, *context;
    char *log;
};

static void collect(void *ud, const struct vg_diag_entry *e)
{
    struct result *r = ud;
    size_t n = r->log ? strlen(r->log) : 0, k = strlen(e->where) + strlen(e->message) + 4;

    if (e->level < VG_DIAG_WARN)
        return;
    r->log = realloc(r->log, n + k + 1);
    assert_non_null(r->log);
    snprintf(r->log + n, k + 1, "%s: %s\n", e->where, e->message);
}

static json_t *load(const char *dir, const char *name)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    return json_load_file(p, 0, NULL);
}

static char *slurp(const char *dir, const char *name)
{
    char p[4096];
    size_t n;
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    return vgfix_read_file(p, &n);
}

static void check_tz(const char *path, const char *tz, struct result *r)
{
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;

    memset(r, 0, sizeof(*r));
    r->out = vgfix_tmpdir("il-out");
    assert_int_equal(vg_diag_new(collect, r, &diag), VG_OK);
    assert_int_equal(vg_iocs_new(&iocs), VG_OK);
    assert_int_equal(vg_iocs_load_buffer(iocs, "t.stix2", bundle, strlen(bundle), diag), VG_OK);
    memset(&so, 0, sizeof(so));
    so.output_dir = r->out;
    so.command_line = "test";
    so.timezone = tz;
    r->rc = vgfix_check(VG_KIND_ANDROID_INTRUSION_LOGS, path, iocs, &so, NULL, diag, &r->sum);
    r->dns = load(r->out, "dns_event.json");
    r->connect = load(r->out, "connect_event.json");
    r->security = load(r->out, "security_event.json");
    r->alerts = load(r->out, "alerts.json");
    r->timeline = slurp(r->out, "timeline.csv");
    r->context = slurp(r->out, "alerts_context.csv");
    vg_iocs_free(iocs);
    vg_diag_free(diag);
}

static void check(const char *path, struct result *r)
{
    check_tz(path, NULL, r);
}

static void result_free(struct result *r)
{
    json_decref(r->dns);
    json_decref(r->connect);
    json_decref(r->security);
    json_decref(r->alerts);
    free(r->timeline);
    free(r->context);
    free(r->log);
    free(r->out);
}

static size_t count_level(const json_t *alerts, const char *level)
{
    size_t i, n = 0;
    json_t *a;
    json_array_foreach(alerts, i, a) n +=
        strcmp(json_string_value(json_object_get(a, "level")), level) == 0;
    return n;
}

/* The fixture's log: 2 DNS, 3 connect, 3 security events; hits on the
 * planted host and address only. */
static void assert_fixture(const struct result *r)
{
    json_t *d;

    assert_int_equal(r->rc, VG_OK);
    assert_int_equal(json_array_size(r->dns), 2);
    assert_int_equal(json_array_size(r->connect), 3);
    assert_int_equal(json_array_size(r->security), 3);
    /* MVT's record: the event as written, "timestamp", then "matched_ips" */
    d = json_array_get(r->dns, 0);
    assert_string_equal(json_string_value(json_object_get(d, "timestamp")),
                        "2025-05-11 16:00:00.000000");
    assert_string_equal(json_string_value(json_array_get(json_object_get(d, "matched_ips"), 0)),
                        VGFIX_IL_IP);
    assert_null(json_object_get(json_array_get(r->dns, 1), "matched_ips"));
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r->connect, 0), "matched_ip")),
        VGFIX_IL_IP);
    assert_null(json_object_get(json_array_get(r->connect, 1), "matched_ip"));
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r->security, 0), "timestamp")),
        "2025-05-11 16:00:05.123457");
    /* DNS: the host and the address; connect: the address; no near miss */
    assert_int_equal(count_level(r->alerts, "CRITICAL"), 3);
    assert_int_equal(json_array_size(r->alerts), 3);
    assert_null(strstr(r->timeline, "Matched IP: 198.51.100.1"
                                    "0"));
    assert_non_null(strstr(r->log, "unknown intrusion logging event type(s): future_event"));
    assert_non_null(
        strstr(r->log, "unknown intrusion logging security event type(s): future_google_event"));
}

static void assert_timeline_words(const char *tl)
{
    assert_non_null(strstr(tl, "\"DnsEvent\",\"dns_query\",\"DNS query for " VGFIX_IL_HOST
                               " by com.example.app [Matched IPs: " VGFIX_IL_IP "]\""));
    assert_non_null(strstr(tl, "DNS query for " VGFIX_IL_NEAR_HOST
                               " by com.example.app [IPs: 198.51.100.10, 2001:db8::1]"));
    assert_non_null(strstr(tl, "\"network_connection\",\"Connection to " VGFIX_IL_IP
                               ":443 by com.example.app [Matched IP: " VGFIX_IL_IP "]\""));
    assert_non_null(strstr(tl, "Connection to ::1:5037 by com.android.shell"));
    assert_non_null(strstr(tl, "\"app_process_start\",\"Process started: "
                               "com.example.app:remote (UID: 10123, PID: 4242)\""));
    assert_non_null(strstr(tl, "\"adb_shell_cmd\",\"ADB shell command: pm list packages\""));
    assert_non_null(strstr(tl, "\"future_google_event\",\"future_google_event: {'field': "
                               "'value'}\""));
}

static char *fixture_file(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    assert_int_equal(vgfix_intrusion_write(p), 0);
    return p;
}

static void test_one_file(void **state)
{
    char *dir = vgfix_tmpdir("il-file"), *path = fixture_file(dir, "export.log");
    struct result r;
    (void)state;

    check(path, &r);
    assert_fixture(&r);
    assert_timeline_words(r.timeline);
    assert_int_equal(r.sum.unread, 0);
    /* the events around the DNS hit include the connection two seconds on */
    assert_non_null(r.context);
    assert_non_null(strstr(r.context, "\"1\",\"+2.000000\",\"2025-05-11 16:00:02.000000\","
                                      "\"ConnectEvent\""));
    result_free(&r);
    free(path);
    free(dir);
}

/* Two overlapping daily files (MVT drops the repeats), one below a
 * subfolder, a zip beside them; a file that is not *.txt is not read. */
static void test_folder(void **state)
{
    char *dir = vgfix_tmpdir("il-folder"), p[4096], *a, *b;
    struct vgfix_ar_entry e;
    static const char extra[] =
        "{\"dns_event\": {\"event_time\": 1746979300000, \"hostname\": \"cdn.example.com\", "
        "\"ip_addresses\": [\"/203.0.113.5\"], \"package_name\": \"com.example.app\"}}\n";
    struct result r;
    (void)state;

    a = fixture_file(dir, "2025-05-11.txt");
    snprintf(p, sizeof(p), "%s/more", dir);
    assert_int_equal(vgfix_mkdirs(p), 0);
    b = fixture_file(p, "2025-05-12.TXT");
    memset(&e, 0, sizeof(e));
    e.name = "inner/extra.txt";
    e.kind = VGFIX_AR_FILE;
    e.data = extra;
    e.len = strlen(extra);
    snprintf(p, sizeof(p), "%s/old.zip", dir);
    assert_int_equal(vgfix_archive_file(p, VGFIX_AR_ZIP, &e, 1), 0);
    snprintf(p, sizeof(p), "%s/notes.md", dir);
    assert_int_equal(vgfix_write_file(p, "{\"dns_event\": {\"hostname\": \"x\"}}\n", 33), 0);
    check(dir, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.dns), 3); /* 2 + the zip's one; repeats dropped */
    assert_int_equal(json_array_size(r.connect), 3);
    assert_int_equal(json_array_size(r.alerts), 3);
    result_free(&r);
    free(a);
    free(b);
    free(dir);
}

/* A zip of the logs, and a zip inside it. */
static void test_zip(void **state)
{
    char *dir = vgfix_tmpdir("il-zip"), p[4096];
    unsigned char *inner = NULL;
    size_t inner_n = 0;
    struct vgfix_ar_entry e[2];
    struct result r;
    (void)state;

    memset(e, 0, sizeof(e));
    e[0].name = "logs/day1.txt";
    e[0].kind = VGFIX_AR_FILE;
    e[0].data = vgfix_intrusion_ndjson;
    e[0].len = strlen(vgfix_intrusion_ndjson);
    assert_int_equal(vgfix_archive(VGFIX_AR_ZIP, e, 1, &inner, &inner_n), 0);
    e[0].name = "day1.txt";
    e[1].name = "nested.zip";
    e[1].kind = VGFIX_AR_FILE;
    e[1].data = inner;
    e[1].len = inner_n;
    snprintf(p, sizeof(p), "%s/intrusion_logs.zip", dir);
    assert_int_equal(vgfix_archive_file(p, VGFIX_AR_ZIP, e, 2), 0);
    check(p, &r);
    assert_fixture(&r); /* the nested copy's events are repeats */
    result_free(&r);
    free(inner);
    free(dir);
}

/* A 10 MB line and a broken one: warnings naming the file and line, the
 * file PARTIAL (the check is INCOMPLETE without detections), the other
 * lines read. */
static void test_hostile_lines(void **state)
{
    char *dir = vgfix_tmpdir("il-long"), p[4096];
    size_t big = 10u * 1024u * 1024u, n = strlen(vgfix_intrusion_ndjson);
    char *text = malloc(big + n + 64), *q = text;
    struct result r;
    (void)state;

    q += sprintf(q, "{\"dns_event\": {\"hostname\": \"");
    memset(q, 'a', big);
    q += big;
    q += sprintf(q, "\"}}\n{\"dns_event\": broken\n");
    memcpy(q, vgfix_intrusion_ndjson, n);
    q += n;
    snprintf(p, sizeof(p), "%s/big.txt", dir);
    assert_int_equal(vgfix_write_file(p, text, (size_t)(q - text)), 0);
    check(dir, &r);
    assert_fixture(&r);
    assert_non_null(strstr(r.log, "big.txt: line 1: longer than 1048576 bytes, skipped"));
    assert_non_null(strstr(r.log, "big.txt: line 2: not JSON"));
    assert_int_equal(r.sum.unread, 1);
    result_free(&r);
    free(text);
    free(dir);
}

/* MVT's checks of security events: app ids in processes (each ':' part),
 * packages and shell commands, ADB file paths; the MEDIUM alarms. */
static void test_security_checks(void **state)
{
    static const char log[] =
        "{\"security_event\": {\"event_time\": 1746979200000000000, \"app_process_start\": "
        "{\"process\": \"com.google.android.webview:com.evil.spy:x\", \"uid\": 1, \"pid\": 2}}}\n"
        "{\"security_event\": {\"event_time\": 1746979201000000000, \"package_installed\": "
        "{\"package_name\": \"com.evil.spy\", \"version_code\": 3, \"user_id\": 0}}}\n"
        "{\"security_event\": {\"event_time\": 1746979202000000000, \"adb_sync_send_file\": "
        "{\"path\": \"/data/local/tmp/implant\"}}}\n"
        "{\"security_event\": {\"event_time\": 1746979203000000000, \"cert_authority_installed\": "
        "{\"subject\": \"CN=Interceptor\"}}}\n"
        "{\"security_event\": {\"event_time\": 1746979204000000000, \"cert_authority_installed\": "
        "{\"subject\": \"CN=Tried\", \"success\": 0}}}\n"
        "{\"security_event\": {\"event_time\": 1746979205000000000, "
        "\"crypto_self_test_completed\": "
        "0}}\n"
        "{\"security_event\": {\"event_time\": 1746979206000000000, \"wipe_failure\": {}}}\n"
        "{\"security_event\": {\"event_time\": 1746979207000000000, \"key_integrity_violation\": "
        "{\"key_id\": \"k1\"}}}\n"
        "{\"security_event\": {\"event_time\": 1746979208000000000, \"cert_validation_failure\": "
        "\"chain validation failed\"}}\n"
        "{\"security_event\": {\"event_time\": 1746979209000000000, \"key_generated\": "
        "{\"success\": false, \"key_id\": \"PinStorage_crossReboot_key\", \"uid\": 1001}}}\n"
        "{\"security_event\": {\"event_time\": 1746979210000000000, \"key_generated\": "
        "{\"success\": false, \"key_id\": \"other\", \"uid\": 1001}}}\n"
        "{\"security_event\": {\"event_time\": 1746979211000000000, \"wifi_connection\": "
        "{\"bssid\": \"aa:bb\", \"event_type\": \"CONNECT\", \"reason\": \"\"}}}\n";
    char *dir = vgfix_tmpdir("il-sec"), p[4096];
    struct result r;
    (void)state;

    snprintf(p, sizeof(p), "%s/sec.txt", dir);
    assert_int_equal(vgfix_write_file(p, log, strlen(log)), 0);
    check(p, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.security), 12);
    assert_int_equal(count_level(r.alerts, "CRITICAL"), 3);
    assert_int_equal(count_level(r.alerts, "MEDIUM"), 5);
    assert_non_null(strstr(r.log, "Failed certificate authority install attempt: CN=Tried"));
    assert_non_null(strstr(r.log, "Failed key generation detected for key_id: other"));
    assert_null(strstr(r.log, "key_id: PinStorage"));
    assert_non_null(strstr(r.timeline, "\"Package Installed: com.evil.spy (v3, user: 0)\""));
    assert_non_null(strstr(r.timeline, "\"Crypto self test: FAILED\""));
    assert_non_null(strstr(r.timeline, "\"Certificate validation failure: chain validation "
                                       "failed\""));
    assert_non_null(strstr(r.timeline, "\"Key generation failed: other (UID: 1001)\""));
    assert_non_null(strstr(r.timeline, "\"WiFi connection: CONNECT (BSSID: aa:bb)\""));
    result_free(&r);
    free(dir);
}

/* -t: the records' and the timeline's times in the device's zone. */
static void test_timezone(void **state)
{
    char *dir = vgfix_tmpdir("il-tz"), *path = fixture_file(dir, "log.txt");
    struct stat st;
    struct result r;
    (void)state;

    if (stat("/usr/share/zoneinfo/Europe/Paris", &st) != 0 || getenv("TZDIR")) {
        printf("skipped: no system tz database\n");
    } else {
        check_tz(path, "Europe/Paris", &r);
        assert_int_equal(r.rc, VG_OK);
        assert_string_equal(
            json_string_value(json_object_get(json_array_get(r.dns, 0), "timestamp")),
            "2025-05-11 18:00:00.000000");
        assert_non_null(strstr(r.timeline, "\"Device Local Timestamp\""));
        result_free(&r);
    }
    check_tz(path, "Mars/Olympus_Mons", &r);
    assert_int_equal(r.rc, VG_E_NOTFOUND);
    assert_non_null(strstr(r.log, "Mars/Olympus_Mons: not a time zone"));
    result_free(&r);
    free(path);
    free(dir);
}

static void test_not_logs(void **state)
{
    struct result r;
    (void)state;

    check("/nonexistent/vigie/logs", &r);
    assert_int_equal(r.rc, VG_E_NOTFOUND);
    assert_non_null(strstr(r.log, "/nonexistent/vigie/logs: not a log file"));
    result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_file),
        cmocka_unit_test(test_folder),
        cmocka_unit_test(test_zip),
        cmocka_unit_test(test_hostile_lines),
        cmocka_unit_test(test_security_checks),
        cmocka_unit_test(test_timezone),
        cmocka_unit_test(test_not_logs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
