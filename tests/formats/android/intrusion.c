/*
 * Intrusion-log lines (src/lib/formats/android/intrusion.c): each kind of
 * event and its typed fields, MVT's time conversions, every security type
 * by key and number, unknown kinds and types reported, and hostile lines
 * (10 MB long, not JSON, not UTF-8, wrong field types).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "formats/android/intrusion.h"
#include "ab.h"
#include "fixture.h"

#define MAX_EV 16

struct got {
    struct vg_il_event ev[MAX_EV];
    char type[MAX_EV][64], host[MAX_EV][64], addr[MAX_EV][64], pkg[MAX_EV][64], sec_key[MAX_EV][64];
    size_t n_addrs[MAX_EV];
    size_t n;
    int stop_at; /* return VG_E_INTERRUPTED at this event (1-based; 0: never) */
};

static void copy(char *dst, const char *src)
{
    snprintf(dst, 64, "%s", src ? src : "");
}

static int collect(void *ud, const struct vg_il_event *ev)
{
    struct got *g = ud;
    size_t i = g->n;

    assert_true(i < MAX_EV);
    g->ev[i] = *ev; /* borrowed pointers are copied below */
    copy(g->type[i], ev->type);
    copy(g->host[i], ev->hostname);
    copy(g->addr[i], ev->ip_address);
    copy(g->pkg[i], ev->package_name);
    copy(g->sec_key[i], ev->sec_key);
    g->n_addrs[i] = json_array_size(ev->ip_addresses);
    g->n++;
    assert_true(strlen(ev->isodate) == 0 || strlen(ev->isodate) == VG_ISODATE_LEN);
    return g->stop_at && g->n == (size_t)g->stop_at ? VG_E_INTERRUPTED : VG_OK;
}

static struct vg_diag *diag_new(void)
{
    struct vg_diag *d = NULL;
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    return d;
}

static int diag_has(const struct vg_diag *d, enum vg_diag_level level, const char *text)
{
    size_t i;
    for (i = 0; i < vg_diag_size(d); i++) {
        const struct vg_diag_entry *e = vg_diag_get(d, i);
        if (e->level == level && strstr(e->message, text))
            return 1;
    }
    return 0;
}

static int line(const char *text, struct got *g, struct vg_diag *d)
{
    return vg_il_parse_line(text, strlen(text), 7, "il.txt", d, collect, g);
}

static void test_fixture_log(void **state)
{
    struct got g;
    struct vg_il_counts c;
    struct vg_diag *d = diag_new();
    (void)state;

    memset(&g, 0, sizeof g);
    assert_int_equal(vg_il_parse_text(vgfix_intrusion_ndjson, strlen(vgfix_intrusion_ndjson),
                                      "il.txt", d, collect, &g, &c),
                     VG_OK);
    assert_int_equal(c.lines, VGFIX_IL_EVENTS);
    assert_int_equal(c.events, VGFIX_IL_EVENTS);
    assert_int_equal(c.skipped, 0);
    assert_int_equal(c.unknown, 2);
    assert_int_equal(g.n, VGFIX_IL_EVENTS);
    assert_int_equal(vg_diag_size(d), 0);

    /* DNS */
    assert_int_equal(g.ev[0].kind, VG_IL_DNS);
    assert_string_equal(g.type[0], "dns_event");
    assert_string_equal(g.host[0], VGFIX_IL_HOST);
    assert_string_equal(g.pkg[0], "com.example.app");
    assert_int_equal(g.n_addrs[0], 1);
    assert_true(g.ev[0].has_time);
    assert_int_equal(g.ev[0].event_time, 1746979200000);
    assert_string_equal(g.ev[0].isodate, "2025-05-11 16:00:00.000000");
    assert_int_equal(g.ev[0].lineno, 1);
    assert_string_equal(g.ev[1].isodate, "2025-05-11 16:00:01.500000");
    assert_int_equal(g.n_addrs[1], 2);
    /* connect */
    assert_int_equal(g.ev[2].kind, VG_IL_CONNECT);
    assert_string_equal(g.addr[2], "/" VGFIX_IL_IP);
    assert_string_equal(vg_il_addr_ip(g.addr[2]), VGFIX_IL_IP);
    assert_true(g.ev[2].has_port);
    assert_int_equal(g.ev[2].port, 443);
    assert_string_equal(vg_il_addr_ip(g.addr[4]), "::1");
    /* security: ns, rounded as Python rounds the float */
    assert_int_equal(g.ev[5].kind, VG_IL_SECURITY);
    assert_int_equal(g.ev[5].lineno, 7); /* after a blank line */
    assert_int_equal(g.ev[5].sec, VG_IL_SEC_APP_PROCESS_START);
    assert_string_equal(g.sec_key[5], "app_process_start");
    assert_true(g.ev[5].has_event_id);
    assert_int_equal(g.ev[5].event_id, 191);
    assert_string_equal(g.ev[5].isodate, "2025-05-11 16:00:05.123457");
    assert_int_equal(g.ev[6].sec, VG_IL_SEC_ADB_SHELL_CMD);
    /* unknown type, unknown kind: handed over, not dropped */
    assert_int_equal(g.ev[7].sec, VG_IL_SEC_UNKNOWN);
    assert_string_equal(g.sec_key[7], "future_google_event");
    assert_int_equal(g.ev[8].kind, VG_IL_UNKNOWN);
    assert_string_equal(g.type[8], "future_event");
    assert_string_equal(g.ev[8].isodate, "");
    vg_diag_free(d);
}

static void test_sec_table(void **state)
{
    int i, known = 0;
    (void)state;

    for (i = VG_IL_SEC_NONE + 1; i < VG_IL_SEC_UNKNOWN; i++) {
        enum vg_il_sec t = (enum vg_il_sec)i;
        assert_non_null(vg_il_sec_key(t));
        assert_non_null(vg_il_sec_title(t));
        assert_int_equal(vg_il_sec_tag(t), 210000 + i);
        assert_int_equal(vg_il_sec_by_key(vg_il_sec_key(t)), t);
        assert_int_equal(vg_il_sec_by_tag(vg_il_sec_tag(t)), t);
        known++;
    }
    assert_int_equal(known, 46);
    assert_string_equal(vg_il_sec_key(VG_IL_SEC_NFC_DISABLED), "nfc_disabled");
    assert_string_equal(vg_il_sec_title(VG_IL_SEC_CERT_AUTHORITY_INSTALLED),
                        "Certificate Authority Installed");
    assert_int_equal(vg_il_sec_by_key("nope"), VG_IL_SEC_UNKNOWN);
    assert_int_equal(vg_il_sec_by_key(NULL), VG_IL_SEC_UNKNOWN);
    assert_int_equal(vg_il_sec_by_tag(210047), VG_IL_SEC_UNKNOWN);
    assert_null(vg_il_sec_key(VG_IL_SEC_UNKNOWN));
    assert_null(vg_il_sec_key(VG_IL_SEC_NONE));
    assert_string_equal(vg_il_kind_key(VG_IL_CONNECT), "connect_event");
    assert_null(vg_il_kind_key(VG_IL_UNKNOWN));
}

static void test_security_forms(void **state)
{
    struct got g;
    struct vg_diag *d = diag_new();
    (void)state;

    memset(&g, 0, sizeof g);
    /* metadata keys are skipped; the first other key is the type */
    assert_int_equal(line("{\"security_event\": {\"timestamp\": \"x\", \"event_type\": \"y\", "
                          "\"event_time\": 5, \"keyguard_dismissed\": {}, \"other\": 1}}",
                          &g, d),
                     VG_OK);
    assert_int_equal(g.ev[0].sec, VG_IL_SEC_KEYGUARD_DISMISSED);
    assert_true(g.ev[0].has_time);
    assert_string_equal(g.ev[0].isodate, "1970-01-01 00:00:00.000000");
    /* a scalar value is a type too (cert_validation_failure holds text) */
    assert_int_equal(
        line("{\"security_event\": {\"cert_validation_failure\": \"bad chain\"}}", &g, d), VG_OK);
    assert_int_equal(g.ev[1].sec, VG_IL_SEC_CERT_VALIDATION_FAILURE);
    assert_false(g.ev[1].has_time);
    /* no type */
    assert_int_equal(line("{\"security_event\": {\"event_id\": 1, \"event_time\": 2}}", &g, d),
                     VG_OK);
    assert_int_equal(g.ev[2].sec, VG_IL_SEC_NONE);
    /* the raw SecurityLog form: a tag number */
    assert_int_equal(
        line("{\"security_event\": {\"event_time\": 1, \"tag\": 210005, \"data\": [\"a\"]}}", &g,
             d),
        VG_OK);
    assert_int_equal(g.ev[3].sec, VG_IL_SEC_APP_PROCESS_START);
    assert_true(g.ev[3].sec_by_number);
    assert_string_equal(g.sec_key[3], "tag");
    assert_int_equal(line("{\"security_event\": {\"tag\": 123}}", &g, d), VG_OK);
    assert_int_equal(g.ev[4].sec, VG_IL_SEC_UNKNOWN);
    assert_int_equal(vg_diag_size(d), 0);
    vg_diag_free(d);
}

static void test_times(void **state)
{
    struct got g;
    struct vg_diag *d = diag_new();
    (void)state;

    memset(&g, 0, sizeof g);
    assert_int_equal(line("{\"dns_event\": {\"event_time\": 0}}", &g, d), VG_OK);
    assert_false(g.ev[0].has_time); /* MVT: `if event_time:` */
    assert_string_equal(g.ev[0].isodate, "");
    assert_int_equal(line("{\"connect_event\": {\"event_time\": 1.5e12}}", &g, d), VG_OK);
    assert_string_equal(g.ev[1].isodate, "2017-07-14 02:40:00.000000");
    assert_int_equal(line("{\"connect_event\": {\"event_time\": -1}}", &g, d), VG_OK);
    assert_string_equal(g.ev[2].isodate, "1969-12-31 23:59:59.999000");
    assert_int_equal(line("{\"connect_event\": {\"event_time\": 9000000000000000000}}", &g, d),
                     VG_OK);
    assert_true(g.ev[3].has_time);
    assert_string_equal(g.ev[3].isodate, ""); /* past year 9999 */
    assert_int_equal(line("{\"security_event\": {\"event_time\": 1700000000000000500}}", &g, d),
                     VG_OK);
    assert_string_equal(g.ev[4].isodate, "2023-11-14 22:13:20.000000");
    assert_int_equal(vg_diag_size(d), 0);
    assert_int_equal(line("{\"dns_event\": {\"event_time\": \"soon\"}}", &g, d), VG_OK);
    assert_int_equal(g.ev[5].n_bad, 1);
    assert_string_equal(g.ev[5].bad, "dns_event.event_time is not a number");
    vg_diag_free(d);
}

static void test_bad_fields(void **state)
{
    struct got g;
    struct vg_diag *d = diag_new();
    (void)state;

    memset(&g, 0, sizeof g);
    assert_int_equal(line("{\"dns_event\": {\"hostname\": 5, \"ip_addresses\": \"/1.2.3.4\", "
                          "\"package_name\": null}}",
                          &g, d),
                     VG_OK);
    assert_int_equal(g.ev[0].n_bad, 2);
    assert_string_equal(g.ev[0].bad, "dns_event.hostname is not text");
    assert_null(g.ev[0].hostname);
    assert_int_equal(g.n_addrs[0], 0);
    assert_int_equal(line("{\"dns_event\": {\"ip_addresses\": [\"/1.2.3.4\", 7]}}", &g, d), VG_OK);
    assert_int_equal(g.ev[1].n_bad, 1);
    assert_int_equal(g.n_addrs[1], 2);
    assert_int_equal(line("{\"connect_event\": {\"port\": \"443\", \"ip_address\": []}}", &g, d),
                     VG_OK);
    assert_int_equal(g.ev[2].n_bad, 2);
    assert_false(g.ev[2].has_port);
    assert_int_equal(line("{\"security_event\": {\"event_id\": \"x\"}}", &g, d), VG_OK);
    assert_int_equal(g.ev[3].n_bad, 1);
    vg_diag_free(d);
}

static void test_bad_lines(void **state)
{
    struct got g;
    struct vg_diag *d = diag_new();
    (void)state;

    memset(&g, 0, sizeof g);
    assert_int_equal(line("not json", &g, d), VG_E_CORRUPT);
    assert_true(diag_has(d, VG_DIAG_WARN, "il.txt: line 7: not JSON"));
    assert_int_equal(line("[{\"dns_event\": {}}]", &g, d), VG_E_CORRUPT);
    assert_true(diag_has(d, VG_DIAG_WARN, "not a JSON object"));
    assert_int_equal(line("{\"dns_event\": {}", &g, d), VG_E_CORRUPT);
    assert_int_equal(line("   \t ", &g, d), VG_OK); /* blank */
    assert_int_equal(g.n, 0);
    /* a value that is not an object: reported, MVT drops it silently */
    assert_int_equal(line("{\"dns_event\": [1], \"connect_event\": {\"port\": 1}}", &g, d), VG_OK);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.ev[0].kind, VG_IL_CONNECT);
    assert_true(diag_has(d, VG_DIAG_WARN, "\"dns_event\" is not an object"));
    /* bytes that are not UTF-8 are dropped, as Python's errors="ignore" */
    assert_int_equal(line("{\"dns_event\": {\"hostname\": \"a\xff\xfe.example\"}}", &g, d), VG_OK);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.host[1], "a.example");
    assert_true(diag_has(d, VG_DIAG_WARN, "not UTF-8"));
    /* too many events on one line */
    {
        char big[4096];
        size_t i, o = 0;
        o += (size_t)snprintf(big + o, sizeof big - o, "{");
        for (i = 0; i < VG_MAX_IL_EVENTS + 5; i++)
            o += (size_t)snprintf(big + o, sizeof big - o, "%s\"e%zu\": {}", i ? ", " : "", i);
        snprintf(big + o, sizeof big - o, "}");
        assert_int_equal(vg_il_parse_line(big, strlen(big), 1, "il.txt", d, NULL, NULL), VG_OK);
        assert_true(diag_has(d, VG_DIAG_WARN, "more than 64 events"));
    }
    vg_diag_free(d);
}

/* A 10 MB line between two good ones: a warning, and the others parse. */
static void test_huge_line(void **state)
{
    size_t big = 10u * 1024u * 1024u, n, o = 0;
    const char *head = "{\"dns_event\": {\"hostname\": \"a.example\"}}\n{\"dns_event\": "
                       "{\"hostname\": \"";
    const char *tail = "\"}}\r\n{\"connect_event\": {\"port\": 80}}\n";
    char *text;
    struct got g;
    struct vg_il_counts c;
    struct vg_diag *d = diag_new();
    (void)state;

    n = strlen(head) + big + strlen(tail);
    text = malloc(n);
    assert_non_null(text);
    memcpy(text, head, strlen(head));
    o = strlen(head);
    memset(text + o, 'x', big);
    o += big;
    memcpy(text + o, tail, strlen(tail));
    memset(&g, 0, sizeof g);
    assert_int_equal(vg_il_parse_text(text, n, "il.txt", d, collect, &g, &c), VG_OK);
    assert_int_equal(c.lines, 3);
    assert_int_equal(c.skipped, 1);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.ev[1].kind, VG_IL_CONNECT);
    assert_int_equal(g.ev[1].lineno, 3);
    assert_true(diag_has(d, VG_DIAG_WARN, "il.txt: line 2: longer than 1048576 bytes"));
    assert_int_equal(vg_il_parse_line(text, n, 1, "il.txt", d, collect, &g), VG_E_LIMIT);
    free(text);
    vg_diag_free(d);
}

static void test_stop(void **state)
{
    struct got g;
    struct vg_il_counts c;
    (void)state;

    memset(&g, 0, sizeof g);
    g.stop_at = 3;
    assert_int_equal(vg_il_parse_text(vgfix_intrusion_ndjson, strlen(vgfix_intrusion_ndjson),
                                      "il.txt", NULL, collect, &g, &c),
                     VG_E_INTERRUPTED);
    assert_int_equal(g.n, 3);
}

static void test_fingerprint(void **state)
{
    json_error_t je;
    json_t *a = json_loads("{\"b\": [1, 2.5], \"a\": \"x\"}", 0, &je);
    json_t *b = json_loads("{\"a\": \"x\", \"b\": [1, 2.5]}", 0, &je);
    json_t *c = json_loads("{\"a\": \"x\", \"b\": [1, 2.0]}", 0, &je);
    unsigned char fa[32], fb[32], fc[32];
    (void)state;

    assert_int_equal(vg_il_fingerprint(a, fa), VG_OK);
    assert_int_equal(vg_il_fingerprint(b, fb), VG_OK);
    assert_int_equal(vg_il_fingerprint(c, fc), VG_OK);
    assert_memory_equal(fa, fb, 32);
    assert_memory_not_equal(fa, fc, 32);
    json_decref(a);
    json_decref(b);
    json_decref(c);
}

static void test_write_file(void **state)
{
    char *dir = vgfix_tmpdir("il"), path[4096];
    size_t n;
    char *back;
    (void)state;

    snprintf(path, sizeof path, "%s/intrusion.txt", dir);
    assert_int_equal(vgfix_intrusion_write(path), 0);
    back = vgfix_read_file(path, &n);
    assert_non_null(back);
    assert_int_equal(n, strlen(vgfix_intrusion_ndjson));
    free(back);
    vgfix_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_log),    cmocka_unit_test(test_sec_table),
        cmocka_unit_test(test_security_forms), cmocka_unit_test(test_times),
        cmocka_unit_test(test_bad_fields),     cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_huge_line),      cmocka_unit_test(test_stop),
        cmocka_unit_test(test_fingerprint),    cmocka_unit_test(test_write_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
