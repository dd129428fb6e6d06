/*
 * Android backups (sources/android_backup.c and the SMS module): .ab files
 * plain and encrypted (every version, both checksum forms), compressed or
 * not, the unpacked folder and abe's tar; a planted link and a near miss;
 * a wrong password told apart from a damaged file; hostile and damaged
 * backups named in a warning or error; members too large for memory
 * spilled to the private temp folder; the password asked only when the
 * backup is encrypted; the reader on a .ab given as bytes (AndroidQF).
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

#include "ab.h"
#include "archives.h"
#include "fixture.h"
#include "util/vg.h"
#include "io/io.h"
#include "sources/android_backup.h"

#define SMS_DIR "apps/com.android.providers.telephony/d_f/"

static const char bundle[] =
    "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
    "{\"type\":\"malware\",\"id\":\"malware--1\",\"name\":\"Test\"},"
    "{\"type\":\"indicator\",\"id\":\"indicator--1\",\"pattern\":\"[domain-name:value = "
    "'badbadbad.example.org']\",\"pattern_type\":\"stix\"},"
    "{\"type\":\"indicator\",\"id\":\"indicator--2\",\"pattern\":\"[email-addr:value = "
    "'spy@evil.example.net']\",\"pattern_type\":\"stix\"},"
    "{\"type\":\"relationship\",\"id\":\"relationship--1\",\"relationship_type\":\"indicates\","
    "\"source_ref\":\"indicator--1\",\"target_ref\":\"malware--1\"},"
    "{\"type\":\"relationship\",\"id\":\"relationship--2\",\"relationship_type\":\"indicates\","
    "\"source_ref\":\"indicator--2\",\"target_ref\":\"malware--1\"}]}";

struct result {
    int rc;
    struct vg_summary sum;
    json_t *sms;    /* sms.json, or NULL */
    json_t *alerts; /* alerts.json, or NULL */
    char *log;      /* warnings and errors, one a line */
    int asked;      /* times the password was asked */
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

struct asker {
    const char *password;
    struct result *r;
};

static int ask(void *ud, const char *what, char *buf, size_t cap)
{
    struct asker *a = ud;

    (void)what;
    a->r->asked++;
    if (!a->password)
        return VG_E_INVAL;
    snprintf(buf, cap, "%s", a->password);
    return VG_OK;
}

static json_t *load(const char *dir, const char *name)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    return json_load_file(p, 0, NULL);
}

/* Checks path; password (NULL: none) is given by the ask callback. */
static void check(const char *path, const char *password, struct result *r)
{
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;
    struct vg_source_opts src;
    struct asker a = {password, r};
    char *out = vgfix_tmpdir("ab-out");

    memset(r, 0, sizeof(*r));
    assert_int_equal(vg_diag_new(collect, r, &diag), VG_OK);
    assert_int_equal(vg_iocs_new(&iocs), VG_OK);
    assert_int_equal(vg_iocs_load_buffer(iocs, "t.stix2", bundle, strlen(bundle), diag), VG_OK);
    memset(&so, 0, sizeof(so));
    so.output_dir = out;
    so.command_line = "test";
    memset(&src, 0, sizeof(src));
    src.ask_password = ask;
    src.ud = &a;
    r->rc = vgfix_check(VG_KIND_ANDROID_BACKUP, path, iocs, &so, &src, diag, &r->sum);
    r->sms = load(out, "sms.json");
    r->alerts = load(out, "alerts.json");
    vg_iocs_free(iocs);
    vg_diag_free(diag);
    free(out);
}

static void result_free(struct result *r)
{
    json_decref(r->sms);
    json_decref(r->alerts);
    free(r->log);
}

static char *write_ab(const char *tag, const struct vgfix_ab_opts *o,
                      int (*fill)(struct vgfix_ab *w, void *ud), void *ud)
{
    char *dir = vgfix_tmpdir(tag), *path = malloc(4096);
    unsigned char *data = NULL;
    size_t len = 0;

    assert_int_equal(vgfix_ab_mem(o, fill, ud, &data, &len), 0);
    snprintf(path, 4096, "%s/backup.ab", dir);
    assert_int_equal(vgfix_write_file(path, data, len), 0);
    free(data);
    free(dir);
    return path;
}

/* The fixture's three SMS and one MMS: the planted links hit (one alert
 * each), the near miss and "example.org" in a body do not. */
static void assert_fixture_result(const struct result *r)
{
    size_t i;
    json_t *a;

    assert_int_equal(r->rc, VG_OK);
    assert_non_null(r->sms);
    assert_int_equal(json_array_size(r->sms), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(r->sms, 0), "body")),
                        "Your parcel is held: " VGFIX_SMS_PLANTED " reply STOP");
    assert_string_equal(json_string_value(json_object_get(json_array_get(r->sms, 3), "direction")),
                        "sent");
    assert_non_null(r->alerts);
    assert_int_equal(json_array_size(r->alerts), 2);
    json_array_foreach(r->alerts, i, a)
    {
        const char *msg = json_string_value(json_object_get(a, "message"));
        assert_non_null(strstr(msg, "badbadbad.example.org"));
        assert_null(strstr(msg, "evil-example.org"));
        assert_string_equal(json_string_value(json_object_get(a, "level")), "CRITICAL");
    }
    assert_int_equal(r->sum.unread, 0);
}

static void test_plain(void **state)
{
    static const int compressed[] = {1, 0};
    size_t i;
    (void)state;

    for (i = 0; i < 2; i++) {
        struct vgfix_ab_opts o = {0};
        struct result r;
        char *path;
        o.compressed = compressed[i];
        path = write_ab("ab-plain", &o, NULL, NULL);
        check(path, NULL, &r);
        assert_fixture_result(&r);
        assert_int_equal(r.asked, 0); /* not encrypted: never asked */
        result_free(&r);
        free(path);
    }
}

/* Every version, each checksum form, compressed and not. */
static void test_encrypted(void **state)
{
    static const enum vgfix_ab_ck forms[] = {VGFIX_AB_CK_NATIVE, VGFIX_AB_CK_UTF8,
                                             VGFIX_AB_CK_8BIT};
    unsigned v;
    size_t f;
    (void)state;

    for (v = 1; v <= 5; v++)
        for (f = 0; f < 3; f++) {
            struct vgfix_ab_opts o = {0};
            struct result r;
            char *path;
            o.version = v;
            o.compressed = (v + f) % 2 == 0;
            o.password = "s3cret-pw";
            o.rounds = 50;
            o.ck = forms[f];
            path = write_ab("ab-enc", &o, NULL, NULL);
            check(path, "s3cret-pw", &r);
            assert_fixture_result(&r);
            assert_int_equal(r.asked, 1);
            result_free(&r);
            free(path);
        }
}

/* A wrong password is VG_E_PASSWORD with a clear error; a damaged key blob
 * with the right password is VG_E_CORRUPT; no password at all, too. */
static void test_password_errors(void **state)
{
    struct vgfix_ab_opts o = {0};
    struct result r;
    char *path, *text;
    size_t len;
    FILE *f;
    (void)state;

    o.compressed = 1;
    o.password = "right";
    o.rounds = 50;
    path = write_ab("ab-pw", &o, NULL, NULL);
    check(path, "wrong", &r);
    assert_int_equal(r.rc, VG_E_PASSWORD);
    assert_non_null(strstr(r.log, "backup.ab: wrong backup password"));
    result_free(&r);
    check(path, NULL, &r);
    assert_int_equal(r.rc, VG_E_PASSWORD);
    assert_non_null(strstr(r.log, "backup.ab is encrypted and no password was given"));
    result_free(&r);
    /* the last block of the blob (line 9) damaged: its padding is spoilt */
    text = vgfix_read_file(path, &len);
    {
        char *line9 = text;
        int i;
        for (i = 0; i < 8; i++)
            line9 = strchr(line9, '\n') + 1;
        line9[181] = line9[181] == '0' ? '1' : '0';
    }
    f = fopen(path, "wb");
    fwrite(text, 1, len, f);
    fclose(f);
    free(text);
    check(path, "right", &r);
    assert_int_equal(r.rc, VG_E_CORRUPT);
    assert_non_null(strstr(r.log, "the backup is damaged"));
    result_free(&r);
    free(path);
}

/* ---- hostile and damaged backups ---- */

/* The backup with header line `line` (1-based) replaced by text. */
static char *with_line(const char *tag, unsigned line, const char *text)
{
    struct vgfix_ab_opts o = {0};
    unsigned char *data = NULL;
    size_t len = 0, start = 0, end, i;
    unsigned k = 1;
    char *dir = vgfix_tmpdir(tag), *path = malloc(4096), *out;

    o.compressed = 1;
    o.password = "pw";
    o.rounds = 50;
    assert_int_equal(vgfix_ab_mem(&o, NULL, NULL, &data, &len), 0);
    for (i = 0; k < line; i++)
        if (data[i] == '\n') {
            k++;
            start = i + 1;
        }
    for (end = start; data[end] != '\n'; end++)
        ;
    out = malloc(len + strlen(text) + 1);
    memcpy(out, data, start);
    memcpy(out + start, text, strlen(text));
    memcpy(out + start + strlen(text), data + end, len - end);
    snprintf(path, 4096, "%s/backup.ab", dir);
    assert_int_equal(vgfix_write_file(path, out, start + strlen(text) + len - end), 0);
    free(out);
    free(data);
    free(dir);
    return path;
}

static void expect_error(const char *path, int rc, const char *msg)
{
    struct result r;

    check(path, "pw", &r);
    assert_int_equal(r.rc, rc);
    assert_non_null(r.log);
    if (!strstr(r.log, msg))
        fail_msg("expected \"%s\" in:\n%s", msg, r.log);
    assert_non_null(strstr(r.log, "backup.ab"));
    result_free(&r);
}

static void test_bad_headers(void **state)
{
    char *p;
    (void)state;

    p = with_line("ab-salt", 5, "ABCDEFG0");
    expect_error(p, VG_E_CORRUPT, "line 5 (user salt)");
    free(p);
    p = with_line("ab-r0", 7, "0");
    expect_error(p, VG_E_CORRUPT, "line 7 (rounds): 0");
    free(p);
    p = with_line("ab-r31", 7, "2147483648");
    expect_error(p, VG_E_LIMIT, "line 7 (rounds)");
    free(p);
    p = with_line("ab-blob", 9, "00112233445566778899AABBCCDDEEFF");
    expect_error(p, VG_E_CORRUPT, "line 9 (master key blob)");
    free(p);
}

static void test_truncated_header(void **state)
{
    char *dir = vgfix_tmpdir("ab-trunc"), path[4096];
    static const char head[] = "ANDROID BACKUP\n5\n1\nAES-256\n00FF";
    (void)state;

    snprintf(path, sizeof(path), "%s/backup.ab", dir);
    assert_int_equal(vgfix_write_file(path, head, strlen(head)), 0);
    expect_error(path, VG_E_TRUNCATED, "header ends in line 5");
    free(dir);
}

/* Damaged data: what was read before the damage is kept, the check says
 * INCOMPLETE, and the error names the backup. */
static void test_corrupt_zlib(void **state)
{
    struct vgfix_ab_opts o = {0};
    unsigned char *data = NULL;
    size_t len = 0;
    char *dir = vgfix_tmpdir("ab-zlib"), path[4096];
    struct result r;
    (void)state;

    o.compressed = 1;
    assert_int_equal(vgfix_ab_mem(&o, NULL, NULL, &data, &len), 0);
    /* past the 4-line header and the zlib header: deflate's first block */
    data[strlen("ANDROID BACKUP\n5\n1\nnone\n") + 4] ^= 0xff;
    data[strlen("ANDROID BACKUP\n5\n1\nnone\n") + 5] ^= 0xff;
    snprintf(path, sizeof(path), "%s/backup.ab", dir);
    assert_int_equal(vgfix_write_file(path, data, len), 0);
    check(path, NULL, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_true(r.sum.unread > 0);
    assert_non_null(r.log);
    assert_non_null(strstr(r.log, "backup.ab"));
    result_free(&r);
    free(data);
    free(dir);
}

static int fill_escaping(struct vgfix_ab *w, void *ud)
{
    (void)ud;
    if (vgfix_ab_add_file(w, "apps/../../" SMS_DIR "000009_sms_backup", "x", 1) != 0)
        return -1;
    return vgfix_ab_add_sms(w);
}

static void test_escaping_member(void **state)
{
    struct vgfix_ab_opts o = {0};
    struct result r;
    char *path;
    (void)state;

    o.compressed = 1;
    path = write_ab("ab-esc", &o, fill_escaping, NULL);
    check(path, NULL, &r);
    assert_fixture_result(&r);
    assert_non_null(strstr(r.log, "name climbs out with .., skipped"));
    result_free(&r);
    free(path);
}

/* ---- an address against email indicators (beyond MVT) ---- */

static int fill_email(struct vgfix_ab *w, void *ud)
{
    static const char json[] = "[{\"address\":\"spy@evil.example.net\",\"body\":\"hello\","
                               "\"date\":\"1700000000000\",\"date_sent\":\"0\"},"
                               "{\"address\":\"friend@example.net\",\"body\":\"hi\","
                               "\"date\":\"1700000000001\",\"date_sent\":\"0\"}]";
    size_t n = 0;
    unsigned char *z = vgfix_zlib(json, strlen(json), &n);
    int rc;

    (void)ud;
    rc = z ? vgfix_ab_add_file(w, SMS_DIR "000000_sms_backup", z, n) : -1;
    free(z);
    return rc;
}

static void test_email_sender(void **state)
{
    struct vgfix_ab_opts o = {0};
    struct result r;
    char *path;
    (void)state;

    path = write_ab("ab-email", &o, fill_email, NULL);
    check(path, NULL, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.sms), 2);
    assert_int_equal(json_array_size(r.alerts), 1);
    assert_non_null(
        strstr(json_string_value(json_object_get(json_array_get(r.alerts, 0), "message")),
               "spy@evil.example.net"));
    result_free(&r);
    free(path);
}

/* ---- a member too large for memory: spilled, then removed ---- */

static int fill_large(struct vgfix_ab *w, void *ud)
{
    (void)ud;
    if (vgfix_ab_add_generated(w, SMS_DIR "000002_sms_backup", (uint64_t)VG_AB_KEEP_MEM + 4096,
                               7) != 0)
        return -1;
    return vgfix_ab_add_sms(w);
}

static void test_large_member(void **state)
{
    struct vgfix_ab_opts o = {0};
    struct result r;
    char *path;
    (void)state;

    o.compressed = 1;
    o.password = "pw";
    o.rounds = 50;
    path = write_ab("ab-large", &o, fill_large, NULL);
    check(path, "pw", &r);
    /* the generated member is no telephony file: a warning naming it, the
     * real ones read */
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(json_array_size(r.sms), 4);
    assert_non_null(strstr(r.log, "000002_sms_backup"));
    result_free(&r);
    free(path);
}

/* ---- the unpacked tar, as a folder and as abe's tar ---- */

static void unpacked_files(const char *root)
{
    char p[8192];
    size_t n = 0;
    unsigned char *z;

    snprintf(p, sizeof(p), "%s/" SMS_DIR, root);
    assert_int_equal(vgfix_mkdirs(p), 0);
    z = vgfix_zlib(vgfix_sms_json, strlen(vgfix_sms_json), &n);
    snprintf(p, sizeof(p), "%s/" SMS_DIR "000000_sms_backup", root);
    assert_int_equal(vgfix_write_file(p, z, n), 0);
    free(z);
    z = vgfix_zlib(vgfix_mms_json, strlen(vgfix_mms_json), &n);
    snprintf(p, sizeof(p), "%s/" SMS_DIR "000001_mms_backup", root);
    assert_int_equal(vgfix_write_file(p, z, n), 0);
    free(z);
}

static void test_unpacked_folder(void **state)
{
    char *dir = vgfix_tmpdir("ab-folder"), root[2048];
    struct result r;
    (void)state;

    /* abe puts the tar's content in a folder of its own */
    snprintf(root, sizeof(root), "%s/backup", dir);
    unpacked_files(root);
    check(dir, NULL, &r);
    assert_fixture_result(&r);
    result_free(&r);
    free(dir);
}

static void test_abe_tar(void **state)
{
    char *dir = vgfix_tmpdir("ab-tar"), path[4096];
    unsigned char *sms, *mms;
    size_t sms_n = 0, mms_n = 0;
    struct vgfix_ar_entry v[2];
    struct result r;
    (void)state;

    sms = vgfix_zlib(vgfix_sms_json, strlen(vgfix_sms_json), &sms_n);
    mms = vgfix_zlib(vgfix_mms_json, strlen(vgfix_mms_json), &mms_n);
    memset(v, 0, sizeof(v));
    v[0].name = SMS_DIR "000000_sms_backup";
    v[0].kind = VGFIX_AR_FILE;
    v[0].data = sms;
    v[0].len = sms_n;
    v[1].name = SMS_DIR "000001_mms_backup";
    v[1].kind = VGFIX_AR_FILE;
    v[1].data = mms;
    v[1].len = mms_n;
    snprintf(path, sizeof(path), "%s/backup.tar", dir);
    assert_int_equal(vgfix_archive_file(path, VGFIX_AR_TAR, v, 2), 0);
    check(path, NULL, &r);
    assert_fixture_result(&r);
    result_free(&r);
    free(sms);
    free(mms);
    free(dir);
}

/* Not a backup at all: VG_E_NOTFOUND with an error naming it. */
static void test_not_a_backup(void **state)
{
    char *dir = vgfix_tmpdir("ab-not"), path[4096];
    struct result r;
    (void)state;

    snprintf(path, sizeof(path), "%s/notes.txt", dir);
    assert_int_equal(vgfix_write_file(path, "hello\n", 6), 0);
    check(path, NULL, &r);
    assert_int_equal(r.rc, VG_E_NOTFOUND);
    assert_non_null(strstr(r.log, "not an Android backup"));
    result_free(&r);
    free(dir);
}

/* ---- the reader on a .ab given as bytes (AndroidQF's backup.ab) ---- */

static int visit(void *ud, const struct vg_file *f)
{
    size_t *n = ud;
    assert_non_null(strstr(f->path, SMS_DIR));
    (*n)++;
    return VG_OK;
}

static void test_reader_on_bytes(void **state)
{
    static const struct vg_loc loc = {VG_LOC_ANDROID_BACKUP, NULL, SMS_DIR "*_sms_backup"};
    static const struct vg_loc other = {VG_LOC_AQF, NULL, "packages.json"};
    const struct vg_loc *locs[2] = {&loc, &other};
    struct vgfix_ab_opts o = {0};
    struct vg_source_opts so;
    struct vg_ab_src *b = NULL;
    struct vg_diag *diag = NULL;
    struct vg_io *io = NULL;
    unsigned char *data = NULL;
    size_t len = 0, n = 0;
    (void)state;

    o.compressed = 1;
    o.password = "pw";
    o.rounds = 50;
    assert_int_equal(vgfix_ab_mem(&o, NULL, NULL, &data, &len), 0);
    assert_int_equal(vg_diag_new(NULL, NULL, &diag), VG_OK);
    memset(&so, 0, sizeof(so));
    so.password = "pw";
    assert_int_equal(vg_io_memory(data, len, NULL, NULL, &io), VG_OK);
    assert_int_equal(vg_ab_src_new(io, "backup.ab", &so, diag, &b), VG_OK);
    assert_int_equal(vg_ab_src_header(b)->crypt, VG_AB_AES256);
    assert_int_equal(vg_ab_src_prepare(b, locs, 2, diag), VG_OK);
    assert_int_equal(vg_ab_src_find(b, &loc, visit, &n, diag), 1);
    assert_int_equal(n, 1);
    assert_int_equal(vg_ab_src_find(b, &other, visit, &n, diag), VG_E_NOTFOUND);
    vg_ab_src_free(b);
    vg_diag_free(diag);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_encrypted),
        cmocka_unit_test(test_password_errors),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_truncated_header),
        cmocka_unit_test(test_corrupt_zlib),
        cmocka_unit_test(test_escaping_member),
        cmocka_unit_test(test_email_sender),
        cmocka_unit_test(test_large_member),
        cmocka_unit_test(test_unpacked_folder),
        cmocka_unit_test(test_abe_tar),
        cmocka_unit_test(test_not_a_backup),
        cmocka_unit_test(test_reader_on_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
