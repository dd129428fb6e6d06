/*
 * Encrypted backups checked in place (src/lib/ios/encrypted.c through
 * vg_check): the results equal the plain twin's byte for byte,
 * with every module that exists; the password, a saved key, the older
 * keybag; and each kind of damage reported for what it is, a wrong password
 * as such and never as corrupt data. Nothing decrypted is left on disk.
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
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "twin.h"
#include "vigie/vigie.h"

static const char bundle[] =
    "{\"type\": \"bundle\", \"id\": \"bundle--00000000-0000-4000-8000-000000000000\", "
    "\"objects\": ["
    "{\"type\": \"malware\", \"id\": \"malware--00000000-0000-4000-8000-000000000001\", "
    "\"name\": \"TestMalware\"},"
    "{\"type\": \"indicator\", \"id\": \"indicator--00000000-0000-4000-8000-000000000001\", "
    "\"pattern\": \"[domain-name:value='evil.example.net']\", \"pattern_type\": \"stix\"},"
    "{\"type\": \"relationship\", \"id\": "
    "\"relationship--00000000-0000-4000-8000-000000000001\", \"relationship_type\": "
    "\"indicates\", \"source_ref\": \"indicator--00000000-0000-4000-8000-000000000001\", "
    "\"target_ref\": \"malware--00000000-0000-4000-8000-000000000001\"}]}";

struct result {
    int rc;
    struct vg_summary sum;
    char text[65536]; /* every diagnostic, one per line */
};

static void diag_cb(void *ud, const struct vg_diag_entry *e)
{
    struct result *r = ud;
    size_t n = strlen(r->text);
    if (e->level >= VG_DIAG_INFO)
        snprintf(r->text + n, sizeof(r->text) - n, "%s: %s\n", e->where, e->message);
}

/* A check with every module, --hashes, and output to out (may
 * be NULL). */
static void check(const char *dir, const char *password, const unsigned char *key, const char *out,
                  struct result *r)
{
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;
    struct vg_source_opts src;

    memset(r, 0, sizeof(*r));
    memset(&src, 0, sizeof(src));
    assert_int_equal(vg_diag_new(diag_cb, r, &diag), VG_OK);
    assert_int_equal(vg_iocs_new(&iocs), VG_OK);
    assert_int_equal(vg_iocs_load_buffer(iocs, "test.stix2", bundle, strlen(bundle), diag), VG_OK);
    memset(&so, 0, sizeof(so));
    so.target = dir;
    so.output_dir = out;
    so.hashes = 1;
    so.command_line = "vigie test";
    src.password = password;
    src.key = key;
    src.key_len = key ? VG_BACKUP_KEY_LEN : 0;
    r->rc = vgfix_check(VG_KIND_IOS_BACKUP, dir, iocs, &so, &src, diag, &r->sum);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
}

/* Checks twin `which` from the same path, <work>/backup, so that the
 * target named in info.json is the same for both twins. */
static void check_at_same_path(const struct vgt_twin *t, const char *which, const char *password,
                               const unsigned char *key, const char *out, struct result *r)
{
    char at[4096];

    snprintf(at, sizeof(at), "%s/backup", t->work);
    assert_int_equal(rename(which, at), 0);
    check(at, password, key, out, r);
    assert_int_equal(rename(at, which), 0);
}

static char *out_dir(const struct vgt_twin *t, const char *name)
{
    char *p = malloc(4096);
    assert_non_null(p);
    snprintf(p, 4096, "%s/%s", t->work, name);
    return p;
}

/* ---- the same results ---- */

static void test_same_results_as_plain_twin(void **state)
{
    struct vgt_twin t;
    struct result plain, enc;
    char *o1, *o2, path[4096];
    (void)state;

    vgt_build(&t, "enc-twin", VGT_ITER, 0, NULL, NULL);
    o1 = out_dir(&t, "out-plain");
    o2 = out_dir(&t, "out-enc");
    check_at_same_path(&t, t.plain, NULL, NULL, o1, &plain);
    check_at_same_path(&t, t.enc, VGT_PASSWORD, NULL, o2, &enc);
    assert_int_equal(plain.rc, VG_OK);
    assert_int_equal(enc.rc, VG_OK);
    /* the twins are worth comparing: sms read the -wal rows, manifest and
     * sms found the indicator, and the big file was hashed */
    assert_true(plain.sum.records > 10);
    assert_true(vg_summary_has_detections(&plain.sum));
    snprintf(path, sizeof(path), "%s/sms.json", o1);
    assert_true(vgt_find_marker(o1, t.marker, NULL) > 0);
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(vgt_run(NULL, "grep -q 'only in the wal' '%s'", path), 0);
    assert_int_equal(vgt_run(NULL, "grep -q 'HomeDomain/Library/SMS/sms.db' '%s/info.json'", o1),
                     0);
    /* and equal */
    assert_memory_equal(&plain.sum, &enc.sum, sizeof(plain.sum));
    assert_string_equal(plain.text, enc.text);
    assert_int_equal(vgt_same_results(o1, o2), 0);
    free(o1);
    free(o2);
    vgt_free(&t);
}

static void test_key_and_legacy_keybag(void **state)
{
    struct vgt_twin t;
    struct result plain, enc;
    unsigned char key[VG_BACKUP_KEY_LEN];
    struct vg_diag *diag = NULL;
    char *o1, *o2;
    (void)state;

    vgt_build(&t, "enc-legacy", VGT_ITER, 1, NULL, NULL);
    /* extract-key gives the key the fixture derived on its own */
    assert_int_equal(vg_diag_new(NULL, NULL, &diag), VG_OK);
    assert_int_equal(vg_ios_extract_key(t.enc, VGT_PASSWORD, diag, key), VG_OK);
    assert_memory_equal(key, t.key, sizeof(key));
    assert_int_equal(vg_ios_extract_key(t.plain, VGT_PASSWORD, diag, key), VG_E_INVAL);
    assert_int_equal(vg_ios_extract_key(t.enc, "nope", diag, key), VG_E_PASSWORD);
    vg_diag_free(diag);
    o1 = out_dir(&t, "out-plain");
    o2 = out_dir(&t, "out-key");
    check_at_same_path(&t, t.plain, NULL, NULL, o1, &plain);
    check_at_same_path(&t, t.enc, NULL, t.key, o2, &enc);
    assert_int_equal(enc.rc, VG_OK);
    assert_int_equal(vgt_same_results(o1, o2), 0);
    free(o1);
    free(o2);
    vgt_free(&t);
}

static void test_probe(void **state)
{
    struct vgt_twin t;
    struct vg_diag *diag = NULL;
    int enc = -1;
    (void)state;

    vgt_build(&t, "enc-probe", VGT_ITER, 0, NULL, NULL);
    assert_int_equal(vg_diag_new(NULL, NULL, &diag), VG_OK);
    assert_int_equal(vg_ios_backup_encrypted(t.enc, diag, &enc), VG_OK);
    assert_int_equal(enc, 1);
    assert_int_equal(vg_ios_backup_encrypted(t.plain, diag, &enc), VG_OK);
    assert_int_equal(enc, 0);
    assert_int_equal(vg_ios_backup_encrypted(t.work, diag, &enc), VG_E_NOTFOUND);
    vg_diag_free(diag);
    vgt_free(&t);
}

/* ---- refusals ---- */

static void test_wrong_password_and_key(void **state)
{
    struct vgt_twin t;
    struct result r;
    unsigned char key[VG_BACKUP_KEY_LEN];
    char *o;
    (void)state;

    vgt_build(&t, "enc-wrong", VGT_ITER, 0, NULL, NULL);
    o = out_dir(&t, "out");
    check(t.enc, "correct horse battery stapler", NULL, o, &r);
    assert_int_equal(r.rc, VG_E_PASSWORD);
    assert_string_equal(vg_strerror(r.rc), "wrong backup password");
    assert_non_null(strstr(r.text, "wrong backup password or key"));
    assert_null(strstr(r.text, "corrupt"));
    assert_int_not_equal(access(o, F_OK), 0); /* nothing written */
    memcpy(key, t.key, sizeof(key));
    key[5] ^= 1;
    check(t.enc, NULL, key, NULL, &r);
    assert_int_equal(r.rc, VG_E_PASSWORD);
    /* no password at all: said plainly */
    check(t.enc, NULL, NULL, NULL, &r);
    assert_int_equal(r.rc, VG_E_INVAL);
    assert_non_null(strstr(r.text, "the backup is encrypted: give its password or a key file"));
    free(o);
    vgt_free(&t);
}

static plist_t manifest_plist(const struct vgt_twin *t, char *path, size_t cap)
{
    plist_t p;
    snprintf(path, cap, "%s/Manifest.plist", t->enc);
    p = vgfix_plist_read(path);
    assert_non_null(p);
    return p;
}

static void test_truncated_keybag(void **state)
{
    struct vgt_twin t;
    struct result r;
    char path[4096], *data = NULL;
    uint64_t len = 0;
    plist_t mp;
    (void)state;

    vgt_build(&t, "enc-trunc", VGT_ITER, 0, NULL, NULL);
    mp = manifest_plist(&t, path, sizeof(path));
    plist_get_data_val(plist_dict_get_item(mp, "BackupKeyBag"), &data, &len);
    assert_true(len > 100);
    /* cut in the middle of a TLV */
    plist_dict_set_item(mp, "BackupKeyBag", plist_new_data(data, len - 30));
    assert_int_equal(vgfix_plist_write(path, mp, VGFIX_PLIST_BINARY), 0);
    check(t.enc, VGT_PASSWORD, NULL, NULL, &r);
    assert_int_equal(r.rc, VG_E_TRUNCATED);
    assert_non_null(strstr(r.text, "keybag: TLV WPKY at offset"));
    assert_non_null(strstr(r.text, "> remaining"));
    /* no keybag at all */
    plist_dict_remove_item(mp, "BackupKeyBag");
    assert_int_equal(vgfix_plist_write(path, mp, VGFIX_PLIST_BINARY), 0);
    check(t.enc, VGT_PASSWORD, NULL, NULL, &r);
    assert_int_equal(r.rc, VG_E_CORRUPT);
    assert_non_null(strstr(r.text, "has no BackupKeyBag"));
    free(data);
    plist_free(mp);
    vgt_free(&t);
}

/* ---- damage to one file: that file, named, and the rest goes on ---- */

static void bad_wrapped_key(struct vgfix_backup *b)
{
    struct vgfix_meta m;
    assert_int_equal(vgfix_backup_get_meta(b, &m), 0);
    assert_int_equal((int)m.encryption_key_len, 44);
    m.encryption_key[20] ^= 0x01;
    assert_int_equal(vgfix_backup_set_meta(b, &m), 0);
}

static void test_bad_wrapped_file_key(void **state)
{
    struct result r;
    struct vgfix_backup *b;
    char *work = vgfix_tmpdir("enc-badkey"), path[4096];
    (void)state;

    assert_non_null(work);
    snprintf(path, sizeof(path), "%s/backup", work);
    b = vgfix_backup_new(path);
    assert_non_null(b);
    assert_int_equal(vgfix_backup_set_password(b, VGT_PASSWORD, VGT_ITER), 0);
    assert_int_equal(vgfix_backup_add_file(b, "HomeDomain",
                                           "Library/Preferences/.GlobalPreferences.plist",
                                           "bplist00", 8),
                     0);
    bad_wrapped_key(b);
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);
    check(path, VGT_PASSWORD, NULL, NULL, &r);
    assert_int_equal(r.rc, VG_OK);
    /* the file, named, with the reason; the other modules ran */
    assert_non_null(strstr(r.text, "HomeDomain/Library/Preferences/.GlobalPreferences.plist: "
                                   "cannot decrypt: its file key does not unwrap (damaged "
                                   "EncryptionKey)"));
    assert_null(strstr(r.text, "wrong backup password"));
    assert_true(r.sum.modules_run > 2);
    vgfix_rmtree(work);
    free(work);
}

static void test_file_shorter_than_recorded(void **state)
{
    static const char body[] = "bplist00 but cut short";
    struct result r;
    struct vgfix_backup *b;
    struct vgfix_meta m;
    char *work = vgfix_tmpdir("enc-short"), path[4096];
    (void)state;

    assert_non_null(work);
    snprintf(path, sizeof(path), "%s/backup", work);
    b = vgfix_backup_new(path);
    assert_non_null(b);
    assert_int_equal(vgfix_backup_set_password(b, VGT_PASSWORD, VGT_ITER), 0);
    assert_int_equal(vgfix_backup_add_file(b, "HomeDomain",
                                           "Library/Preferences/.GlobalPreferences.plist", body,
                                           sizeof(body) - 1),
                     0);
    assert_int_equal(vgfix_backup_get_meta(b, &m), 0);
    m.size += 1000;
    assert_int_equal(vgfix_backup_set_meta(b, &m), 0);
    assert_int_equal(vgfix_backup_finish(b), 0);
    vgfix_backup_free(b);
    check(path, VGT_PASSWORD, NULL, NULL, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_non_null(strstr(r.text, "HomeDomain/Library/Preferences/.GlobalPreferences.plist: "
                                   "decrypted it is 22 bytes, 1000 short of the 1022 recorded "
                                   "(incomplete copy"));
    vgfix_rmtree(work);
    free(work);
}

static void corrupt_bytes(const char *path, long at, size_t n)
{
    FILE *f = fopen(path, "r+b");
    unsigned char junk[64];

    assert_non_null(f);
    assert_true(n <= sizeof(junk));
    memset(junk, 0xa5, sizeof(junk));
    assert_int_equal(fseek(f, at, SEEK_SET), 0);
    assert_int_equal(fwrite(junk, 1, n, f), n);
    fclose(f);
}

static void test_manifest_db_does_not_decrypt(void **state)
{
    struct vgt_twin t;
    struct result r;
    char path[4096], mpath[4096], *blob = NULL;
    uint64_t blob_len = 0;
    plist_t mp;
    (void)state;

    vgt_build(&t, "enc-mdb", VGT_ITER, 0, NULL, NULL);
    /* its first block damaged: not SQLite once decrypted; the plists are
     * still read (backup_info), nothing else can be located */
    snprintf(path, sizeof(path), "%s/Manifest.db", t.enc);
    corrupt_bytes(path, 0, 16);
    check(t.enc, VGT_PASSWORD, NULL, NULL, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_non_null(strstr(r.text, "cannot decrypt Manifest.db: with its ManifestKey it is not a "
                                   "SQLite database"));
    assert_non_null(strstr(r.text, "no backed-up file can be located"));
    assert_null(strstr(r.text, "wrong backup password"));
    assert_true(r.sum.records >= 1);
    vgt_free(&t);

    /* a ManifestKey that unwraps but is another key (a file's) */
    vgt_build(&t, "enc-mkey", VGT_ITER, 0, NULL, NULL);
    mp = manifest_plist(&t, mpath, sizeof(mpath));
    {
        char db[4096];
        struct vgfix_backup *b;
        struct vgfix_meta m;
        snprintf(db, sizeof(db), "%s/other", t.work);
        b = vgfix_backup_new(db);
        assert_non_null(b);
        assert_int_equal(vgfix_backup_set_password(b, VGT_PASSWORD, VGT_ITER), 0);
        /* same password, same draws: the same class keys as t.enc */
        assert_int_equal(vgfix_backup_add_file(b, "D", "p", "x", 1), 0);
        assert_int_equal(vgfix_backup_get_meta(b, &m), 0);
        blob = malloc(44);
        assert_non_null(blob);
        memcpy(blob, m.encryption_key, 44);
        blob_len = 44;
        vgfix_backup_free(b);
    }
    plist_dict_set_item(mp, "ManifestKey", plist_new_data(blob, blob_len));
    assert_int_equal(vgfix_plist_write(mpath, mp, VGFIX_PLIST_BINARY), 0);
    check(t.enc, VGT_PASSWORD, NULL, NULL, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_non_null(strstr(r.text, "cannot decrypt Manifest.db"));
    /* and one that does not unwrap at all */
    blob[30] ^= 1;
    plist_dict_set_item(mp, "ManifestKey", plist_new_data(blob, blob_len));
    assert_int_equal(vgfix_plist_write(mpath, mp, VGFIX_PLIST_BINARY), 0);
    check(t.enc, VGT_PASSWORD, NULL, NULL, &r);
    assert_non_null(strstr(r.text, "cannot decrypt Manifest.db: ManifestKey does not unwrap"));
    free(blob);
    plist_free(mp);
    vgt_free(&t);
}

/* A damaged -wal: the database is read without it, as SQLite would. */
static void test_damaged_wal(void **state)
{
    struct vgt_twin t;
    struct result r;
    char wal[4096], id[41];
    (void)state;

    vgt_build(&t, "enc-wal", VGT_ITER, 0, NULL, NULL);
    vgfix_backup_file_id("HomeDomain", "Library/SMS/sms.db-wal", id);
    snprintf(wal, sizeof(wal), "%s/%.2s/%s", t.enc, id, id);
    corrupt_bytes(wal, 0, 16); /* its WAL header, once decrypted, is noise */
    check(t.enc, VGT_PASSWORD, NULL, NULL, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_true(r.sum.records > 0);
    vgt_free(&t);
}

/* ---- nothing decrypted left anywhere ---- */

static void test_no_plaintext_left(void **state)
{
    struct vgt_twin t;
    struct result r;
    const char *tmpdir = getenv("TMPDIR");
    char cwd[4096];
    (void)state;

    vgt_build(&t, "enc-left", VGT_ITER, 0, NULL, NULL);
    check(t.enc, VGT_PASSWORD, NULL, NULL, &r);
    assert_int_equal(r.rc, VG_OK);
    /* tmpfs, the temp folders and here; not the twins' own folder */
    assert_int_equal(vgt_find_marker("/dev/shm", t.marker, NULL), 0);
    assert_int_equal(vgt_find_marker("/tmp", t.marker, t.work), 0);
    if (tmpdir && *tmpdir)
        assert_int_equal(vgt_find_marker(tmpdir, t.marker, t.work), 0);
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(vgt_find_marker(cwd, t.marker, t.work), 0);
    /* the encrypted backup itself holds no plaintext */
    assert_int_equal(vgt_find_marker(t.enc, t.marker, NULL), 0);
    /* while the plain twin does: the search works */
    assert_true(vgt_find_marker(t.plain, t.marker, NULL) > 0);
    vgt_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_results_as_plain_twin),
        cmocka_unit_test(test_key_and_legacy_keybag),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_wrong_password_and_key),
        cmocka_unit_test(test_truncated_keybag),
        cmocka_unit_test(test_bad_wrapped_file_key),
        cmocka_unit_test(test_file_shorter_than_recorded),
        cmocka_unit_test(test_manifest_db_does_not_decrypt),
        cmocka_unit_test(test_damaged_wal),
        cmocka_unit_test(test_no_plaintext_left),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
