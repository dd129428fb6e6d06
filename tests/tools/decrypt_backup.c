/*
 * decrypt-backup (src/lib/ios/decrypt.c): its output is the plain twin, file
 * for file, and checks to the same results; any number of workers gives the
 * same bytes; interrupted runs leave only whole files and are completed by
 * the next run; folders it must not write into are refused; a file id that
 * would leave the destination is never followed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <dirent.h>
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
#include <sqlite3.h>

#include "twin.h"
#include "util/vg.h"
#include "formats/apple/backup_crypto.h"
#include "formats/apple/keybag.h"

struct run {
    int rc;
    struct vg_decrypt_summary sum;
    struct vg_decrypt_progress last;
    size_t progress_calls;
    char text[65536];
};

static void diag_cb(void *ud, const struct vg_diag_entry *e)
{
    struct run *r = ud;
    size_t n = strlen(r->text);
    if (e->level >= VG_DIAG_INFO)
        snprintf(r->text + n, sizeof(r->text) - n, "%s: %s\n", e->where, e->message);
}

static void progress_cb(void *ud, const struct vg_decrypt_progress *p)
{
    struct run *r = ud;
    r->last = *p;
    r->progress_calls++;
}

static void decrypt(const char *src, const char *dest, const char *password,
                    const unsigned char *key, unsigned workers, struct run *r)
{
    struct vg_decrypt_opts o;
    struct vg_diag *diag = NULL;

    memset(r, 0, sizeof(*r));
    memset(&o, 0, sizeof(o));
    o.target = src;
    o.dest = dest;
    o.password = password;
    o.key = key;
    o.key_len = key ? VG_BACKUP_KEY_LEN : 0;
    o.workers = workers;
    o.on_progress = progress_cb;
    o.ud = r;
    assert_int_equal(vg_diag_new(diag_cb, r, &diag), VG_OK);
    r->rc = vg_ios_decrypt_backup(&o, diag, &r->sum);
    vg_diag_free(diag);
}

/* Every <xx>/<id> file of the plain twin, byte for byte, and nothing else
 * in those folders. */
static void same_files(const char *plain, const char *dest)
{
    assert_int_equal(vgt_run(NULL,
                             "cd '%s' && find . -mindepth 2 -type f | sort > /tmp/vgt-a-$$ && "
                             "cd '%s' && find . -mindepth 2 -type f | sort > /tmp/vgt-b-$$ && "
                             "cmp -s /tmp/vgt-a-$$ /tmp/vgt-b-$$; s=$?; rm -f /tmp/vgt-a-$$ "
                             "/tmp/vgt-b-$$; exit $s",
                             plain, dest),
                     0);
    assert_int_equal(vgt_run(NULL,
                             "cd '%s' && for f in $(find . -mindepth 2 -type f); do "
                             "cmp -s \"$f\" '%s'/\"$f\" || exit 1; done",
                             plain, dest),
                     0);
}

static size_t plain_file_count(const char *plain)
{
    char *out = NULL;
    size_t n;
    assert_int_equal(vgt_run(&out, "cd '%s' && find . -mindepth 2 -type f | wc -l", plain), 0);
    n = (size_t)strtoul(out, NULL, 10);
    free(out);
    return n;
}

struct check_result {
    int rc;
    struct vg_summary sum;
};

static void check_to(const char *dir, const char *out, struct check_result *cr)
{
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;

    assert_int_equal(vg_diag_new(NULL, NULL, &diag), VG_OK);
    assert_int_equal(vg_iocs_new(&iocs), VG_OK);
    memset(&so, 0, sizeof(so));
    so.target = dir;
    so.output_dir = out;
    so.hashes = 1;
    so.command_line = "vigie test";
    cr->rc = vgfix_check(VG_KIND_IOS_BACKUP, dir, iocs, &so, NULL, diag, &cr->sum);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
}

/* Checks dir from <work>/backup, so info.json names the same target. */
static void check_at(const struct vgt_twin *t, const char *dir, const char *out)
{
    char *at = vgt_str("%s/backup", t->work);
    struct check_result cr;

    assert_int_equal(rename(dir, at), 0);
    check_to(at, out, &cr);
    assert_int_equal(rename(at, dir), 0);
    assert_int_equal(cr.rc, VG_OK);
    free(at);
}

static void test_output_is_the_plain_twin(void **state)
{
    struct vgt_twin t;
    struct run r;
    char *dest, *o1, *o2, *p1, *p2;
    plist_t a, b;
    (void)state;

    vgt_build(&t, "dec-twin", VGT_ITER, 0, NULL, NULL);
    dest = vgt_str("%s/decrypted", t.work);
    decrypt(t.enc, dest, VGT_PASSWORD, NULL, 2, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(r.sum.files, plain_file_count(t.plain));
    assert_int_equal(r.sum.missing + r.sum.failed + r.sum.resumed, 0);
    assert_true(r.sum.bytes > 2u * 1024u * 1024u);
    assert_true(r.progress_calls >= 1);
    assert_int_equal(r.last.bytes_done, r.last.bytes_total);
    assert_int_equal(r.last.files_done, r.last.files_total);
    same_files(t.plain, dest);
    /* root plists: Info and Status copied as they are; Manifest.plist the
     * plain twin's (IsEncrypted false, no keybag, no ManifestKey) */
    assert_int_equal(vgt_run(NULL,
                             "cmp -s '%s/Info.plist' '%s/Info.plist' && "
                             "cmp -s '%s/Status.plist' '%s/Status.plist'",
                             t.enc, dest, t.enc, dest),
                     0);
    p1 = vgt_str("%s/Manifest.plist", t.plain);
    p2 = vgt_str("%s/Manifest.plist", dest);
    a = vgfix_plist_read(p1);
    b = vgfix_plist_read(p2);
    assert_non_null(a);
    assert_non_null(b);
    {
        /* libplist compares containers by address: compare their XML */
        char *xa = NULL, *xb = NULL;
        uint32_t la = 0, lb = 0;
        plist_to_xml(a, &xa, &la);
        plist_to_xml(b, &xb, &lb);
        assert_non_null(xa);
        assert_non_null(xb);
        assert_string_equal(xa, xb);
        free(xa);
        free(xb);
    }
    plist_free(a);
    plist_free(b);
    /* no temporary name, no state file left */
    assert_int_equal(vgt_run(NULL,
                             "cd '%s' && test -z \"$(find . -name '*.vigie-part' -o -name "
                             "'.vigie-decrypt')\"",
                             dest),
                     0);
    /* read by check-backup, with the plain twin's results */
    o1 = vgt_str("%s/out-plain", t.work);
    o2 = vgt_str("%s/out-dest", t.work);
    check_at(&t, t.plain, o1);
    check_at(&t, dest, o2);
    assert_int_equal(vgt_same_results(o1, o2), 0);
    /* and the run does not repeat itself into a finished folder */
    decrypt(t.enc, dest, VGT_PASSWORD, NULL, 2, &r);
    assert_int_equal(r.rc, VG_E_EXISTS);
    assert_non_null(strstr(r.text, "it already holds a backup"));
    free(p1);
    free(p2);
    free(o1);
    free(o2);
    free(dest);
    vgt_free(&t);
}

static void test_workers_and_key(void **state)
{
    struct vgt_twin t;
    struct run r;
    char *d1, *d4;
    (void)state;

    vgt_build(&t, "dec-workers", VGT_ITER, 0, NULL, NULL);
    d1 = vgt_str("%s/one", t.work);
    d4 = vgt_str("%s/four", t.work);
    decrypt(t.enc, d1, VGT_PASSWORD, NULL, 1, &r);
    assert_int_equal(r.rc, VG_OK);
    decrypt(t.enc, d4, NULL, t.key, 4, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(vgt_run(NULL, "diff -r '%s' '%s'", d1, d4), 0);
    free(d1);
    free(d4);
    vgt_free(&t);
}

static void test_refusals(void **state)
{
    struct vgt_twin t;
    struct run r;
    char *dest, *junk;
    (void)state;

    vgt_build(&t, "dec-refuse", VGT_ITER, 0, NULL, NULL);
    dest = vgt_str("%s/dest", t.work);
    /* a wrong password: nothing created */
    decrypt(t.enc, dest, "not it", NULL, 0, &r);
    assert_int_equal(r.rc, VG_E_PASSWORD);
    assert_int_not_equal(access(dest, F_OK), 0);
    /* a plain backup */
    decrypt(t.plain, dest, VGT_PASSWORD, NULL, 0, &r);
    assert_int_equal(r.rc, VG_E_INVAL);
    assert_non_null(strstr(r.text, "is not encrypted: nothing to decrypt"));
    /* inside the evidence */
    free(dest);
    dest = vgt_str("%s/inside", t.enc);
    decrypt(t.enc, dest, VGT_PASSWORD, NULL, 0, &r);
    assert_int_equal(r.rc, VG_E_INVAL);
    assert_non_null(strstr(r.text, "is inside the backup"));
    assert_int_not_equal(access(dest, F_OK), 0); /* refused before creating it */
    decrypt(t.enc, t.enc, VGT_PASSWORD, NULL, 0, &r);
    assert_int_equal(r.rc, VG_E_INVAL);
    /* a folder with something else in it */
    free(dest);
    dest = vgt_str("%s/busy", t.work);
    assert_int_equal(mkdir(dest, 0700), 0);
    junk = vgt_str("%s/notes.txt", dest);
    assert_int_equal(vgfix_write_file(junk, "mine", 4), 0);
    decrypt(t.enc, dest, VGT_PASSWORD, NULL, 0, &r);
    assert_int_equal(r.rc, VG_E_EXISTS);
    assert_non_null(strstr(r.text, "choose an empty folder"));
    free(junk);
    free(dest);
    /* a link as DEST, with a trailing slash too: refused, its target untouched */
    dest = vgt_str("%s/real", t.work);
    junk = vgt_str("%s/dlink", t.work);
    assert_int_equal(mkdir(dest, 0700), 0);
    assert_int_equal(symlink(dest, junk), 0);
    free(junk);
    junk = vgt_str("%s/dlink/", t.work);
    decrypt(t.enc, junk, VGT_PASSWORD, NULL, 0, &r);
    assert_int_not_equal(r.rc, VG_OK);
    assert_int_equal(rmdir(dest), 0); /* still empty */
    free(junk);
    free(dest);
    vgt_free(&t);
}

static void test_interrupted_then_completed(void **state)
{
    struct vgt_twin t;
    struct run r;
    char id_a[41], id_b[41], *dest, *p, *src;
    size_t n = 0;
    char *data;
    (void)state;

    vgt_build(&t, "dec-resume", VGT_ITER, 0, NULL, NULL);
    dest = vgt_str("%s/dest", t.work);
    /* interrupted before the first file */
    vg_interrupt();
    decrypt(t.enc, dest, VGT_PASSWORD, NULL, 2, &r);
    vg_interrupt_clear();
    assert_int_equal(r.rc, VG_E_INTERRUPTED);
    assert_non_null(strstr(r.text, "run the same command again to finish"));
    assert_int_not_equal(vgt_run(NULL, "test -e '%s/Manifest.plist'", dest), 0);
    assert_int_equal(vgt_run(NULL, "test -z \"$(find '%s' -name '*.vigie-part')\"", dest), 0);
    /* what a killed run could have left: a whole file under its name, a
     * part file, and (after a power cut) a final name with too few bytes */
    vgfix_backup_file_id("HomeDomain", "Library/Notes/notes.txt", id_a);
    vgfix_backup_file_id("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.MOV", id_b);
    assert_int_equal(vgt_run(NULL, "mkdir -p '%s/%.2s' '%s/%.2s' && cp '%s/%.2s/%s' '%s/%.2s/'",
                             dest, id_a, dest, id_b, t.plain, id_a, id_a, dest, id_a),
                     0);
    src = vgt_str("%s/%.2s/%s", t.plain, id_b, id_b);
    data = vgfix_read_file(src, &n);
    assert_non_null(data);
    p = vgt_str("%s/%.2s/%s", dest, id_b, id_b);
    assert_int_equal(vgfix_write_file(p, data, n / 2), 0);
    free(p);
    p = vgt_str("%s/%.2s/%s.vigie-part", dest, id_b, id_b);
    assert_int_equal(vgfix_write_file(p, data, 100), 0);
    free(p);
    free(data);
    free(src);
    /* the next run completes it */
    decrypt(t.enc, dest, VGT_PASSWORD, NULL, 2, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(r.sum.resumed, 1);
    assert_int_equal(r.sum.files + r.sum.resumed, plain_file_count(t.plain));
    assert_non_null(strstr(r.text, "holds an unfinished decryption of this backup"));
    same_files(t.plain, dest);
    assert_int_equal(vgt_run(NULL,
                             "test -z \"$(find '%s' -name '*.vigie-part' -o -name "
                             "'.vigie-decrypt')\"",
                             dest),
                     0);
    free(dest);
    vgt_free(&t);
}

static void test_unfinished_from_another_backup(void **state)
{
    struct vgt_twin t;
    struct run r;
    char *dest, *state_path, *text;
    (void)state;

    vgt_build(&t, "dec-other", VGT_ITER, 0, NULL, NULL);
    dest = vgt_str("%s/dest", t.work);
    vg_interrupt();
    decrypt(t.enc, dest, VGT_PASSWORD, NULL, 1, &r);
    vg_interrupt_clear();
    assert_int_equal(r.rc, VG_E_INTERRUPTED);
    state_path = vgt_str("%s/.vigie-decrypt", dest);
    text = vgfix_read_file(state_path, NULL);
    assert_non_null(text);
    text[strlen(text) - 3] = text[strlen(text) - 3] == '0' ? '1' : '0';
    assert_int_equal(vgfix_write_file(state_path, text, strlen(text)), 0);
    decrypt(t.enc, dest, VGT_PASSWORD, NULL, 1, &r);
    assert_int_equal(r.rc, VG_E_EXISTS);
    assert_non_null(strstr(r.text, "an unfinished decryption of another backup"));
    free(text);
    free(state_path);
    free(dest);
    vgt_free(&t);
}

static void omit_one(struct vgfix_backup *b, int enc, void *ud)
{
    struct vgfix_meta m;
    (void)enc;
    (void)ud;
    assert_int_equal(vgfix_backup_add_file(b, "HomeDomain", "Library/gone.txt", "gone", 4), 0);
    assert_int_equal(vgfix_backup_get_meta(b, &m), 0);
    m.omit = 1;
    assert_int_equal(vgfix_backup_set_meta(b, &m), 0);
}

static void test_missing_file_is_a_warning(void **state)
{
    struct vgt_twin t;
    struct run r;
    char *dest;
    (void)state;

    vgt_build(&t, "dec-missing", VGT_ITER, 0, omit_one, NULL);
    dest = vgt_str("%s/dest", t.work);
    decrypt(t.enc, dest, VGT_PASSWORD, NULL, 2, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_int_equal(r.sum.missing, 1);
    assert_non_null(
        strstr(r.text, "HomeDomain/Library/gone.txt is listed but absent from the backup folder"));
    same_files(t.plain, dest);
    free(dest);
    vgt_free(&t);
}

/* ---- a Manifest.db rewritten with a hostile file id ---- */

static unsigned char *plist_bytes(plist_t dict, const char *key, size_t *len)
{
    char *p = NULL;
    uint64_t n = 0;
    plist_get_data_val(plist_dict_get_item(dict, key), &p, &n);
    assert_non_null(p);
    *len = (size_t)n;
    return (unsigned char *)p;
}

static void manifest_key(const char *backup, unsigned char mkey[32])
{
    char *path = vgt_str("%s/Manifest.plist", backup);
    plist_t mp = vgfix_plist_read(path);
    struct vg_keybag *kb = NULL;
    struct vg_diag *diag = NULL;
    unsigned char pkey[32], *bag, *blob;
    size_t bag_len, blob_len;

    assert_non_null(mp);
    bag = plist_bytes(mp, "BackupKeyBag", &bag_len);
    blob = plist_bytes(mp, "ManifestKey", &blob_len);
    assert_int_equal(vg_diag_new(NULL, NULL, &diag), VG_OK);
    assert_int_equal(vg_keybag_parse(bag, bag_len, "test", diag, &kb), VG_OK);
    assert_int_equal(vg_keybag_derive(kb, VGT_PASSWORD, strlen(VGT_PASSWORD), pkey), VG_OK);
    assert_int_equal(vg_keybag_unlock(kb, pkey, "test", diag), VG_OK);
    assert_int_equal(vg_keybag_unwrap(kb, blob, blob_len, mkey), VG_OK);
    vg_keybag_free(kb);
    vg_diag_free(diag);
    free(bag);
    free(blob);
    plist_free(mp);
    free(path);
}

static void rewrite_manifest_db(const char *backup, const char *sql)
{
    static const unsigned char iv[16];
    unsigned char mkey[32], *plain = NULL, *ct;
    char *db_path = vgt_str("%s/Manifest.db", backup), *tmp = vgt_str("%s.plain", backup), *err;
    size_t len = 0, plain_len = 0;
    char *data = vgfix_read_file(db_path, &len);
    struct vg_fdec_info info;
    sqlite3 *db = NULL;
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    int a = 0, b = 0;

    manifest_key(backup, mkey);
    assert_non_null(data);
    assert_int_equal(
        vg_fdec_buffer(mkey, (unsigned char *)data, len, -1, 1u << 30, &plain, &plain_len, &info),
        VG_OK);
    assert_int_equal(vgfix_write_file(tmp, plain, plain_len), 0);
    vg_free_secret(plain, plain_len);
    free(data);
    assert_int_equal(sqlite3_open(tmp, &db), SQLITE_OK);
    err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s", err);
    sqlite3_close(db);
    data = vgfix_read_file(tmp, &len);
    assert_non_null(data);
    ct = malloc(len + 16);
    assert_non_null(ct);
    assert_int_equal(EVP_EncryptInit_ex(x, EVP_aes_256_cbc(), NULL, mkey, iv), 1);
    assert_int_equal(EVP_EncryptUpdate(x, ct, &a, (unsigned char *)data, (int)len), 1);
    assert_int_equal(EVP_EncryptFinal_ex(x, ct + a, &b), 1);
    assert_int_equal(vgfix_write_file(db_path, ct, (size_t)(a + b)), 0);
    EVP_CIPHER_CTX_free(x);
    unlink(tmp);
    free(ct);
    free(data);
    free(tmp);
    free(db_path);
}

static void test_file_id_cannot_leave_dest(void **state)
{
    struct vgt_twin t;
    struct run r;
    char *dest, *sql, id[41];
    (void)state;

    vgt_build(&t, "dec-escape", VGT_ITER, 0, NULL, NULL);
    vgfix_backup_file_id("HomeDomain", "Library/Notes/notes.txt", id);
    /* the file is also placed where the hostile id points, so only the id
     * check stands between it and a write outside DEST */
    assert_int_equal(vgt_run(NULL, "mkdir -p '%s/..' && cp '%s/%.2s/%s' '%s/../escaped'", t.enc,
                             t.enc, id, id, t.enc),
                     0);
    sql = vgt_str("UPDATE Files SET fileID = '../../escaped' WHERE fileID = '%s'", id);
    rewrite_manifest_db(t.enc, sql);
    dest = vgt_str("%s/dest", t.work);
    decrypt(t.enc, dest, VGT_PASSWORD, NULL, 2, &r);
    assert_int_equal(r.rc, VG_OK);
    assert_non_null(strstr(r.text, "fileID is not 40 hex digits"));
    /* no copy of it anywhere but the one planted, nothing in DEST under a
     * name that is not an id */
    assert_int_equal(vgt_run(NULL, "test \"$(find '%s' -name escaped | wc -l)\" = 1", t.work), 0);
    assert_int_equal(vgt_run(NULL,
                             "cd '%s' && test -z \"$(find . -mindepth 2 -type f | grep -v "
                             "-E '^\\./[0-9a-f]{2}/[0-9a-f]{40}$')\"",
                             dest),
                     0);
    free(sql);
    free(dest);
    vgt_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_is_the_plain_twin),
        cmocka_unit_test(test_workers_and_key),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_interrupted_then_completed),
        cmocka_unit_test(test_unfinished_from_another_backup),
        cmocka_unit_test(test_missing_file_is_a_warning),
        cmocka_unit_test(test_file_id_cannot_leave_dest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
