/*
 * The .ab byte stream (src/lib/formats/android/ab_stream.c): every mix of
 * compression and encryption (each version, each checksum form) gives the
 * same tar bytes; damaged zlib, padding and truncation give the right
 * error; a 48 MiB backup streams with flat memory; MVT's test backups give
 * the tar MVT's own tests hash.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <fcntl.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "util/vg.h"
#include "formats/android/ab_stream.h"
#include "ab.h"
#include "fixture.h"

static char err[256];

static int fill_mixed(struct vgfix_ab *w, void *ud)
{
    static const char note[] = "hello from the backup";
    (void)ud;
    return vgfix_ab_add_dir(w, "apps/") || vgfix_ab_add_sms(w) ||
           vgfix_ab_add_file(w, "apps/com.example/f/note.txt", note, sizeof note - 1) ||
           vgfix_ab_add_generated(w, "apps/com.example/f/blob.bin", 300000, 7);
}

static unsigned char *build(const struct vgfix_ab_opts *o, size_t *len)
{
    unsigned char *p = NULL;
    assert_int_equal(vgfix_ab_mem(o, fill_mixed, NULL, &p, len), 0);
    return p;
}

static struct vg_ab_stream *open_mem(struct vg_ab_mem *m, const unsigned char *p, size_t n)
{
    struct vg_ab_stream *s = NULL;

    m->p = p;
    m->n = n;
    m->off = 0;
    assert_int_equal(vg_ab_stream_new(vg_ab_read_mem, m, &s, err, sizeof err), VG_OK);
    return s;
}

/* Reads the whole tar in pieces of `step` bytes; returns the last code. */
static int read_all(struct vg_ab_stream *s, size_t step, unsigned char **out, size_t *len)
{
    size_t cap = 1 << 20, n = 0, got;
    unsigned char *p = malloc(cap);
    int rc;

    assert_non_null(p);
    for (;;) {
        if (n + step > cap) {
            cap = 2 * (n + step);
            p = realloc(p, cap);
            assert_non_null(p);
        }
        rc = vg_ab_stream_read(s, p + n, step, &got);
        if (rc != VG_OK || got == 0)
            break;
        n += got;
    }
    *out = p;
    *len = n;
    return rc;
}

/* The tar of a plain, uncompressed backup: the file after its header. */
static unsigned char *reference_tar(size_t *len)
{
    struct vgfix_ab_opts o = {5, 0, NULL, 0, VGFIX_AB_CK_NATIVE, 0, 0};
    size_t n;
    unsigned char *p = build(&o, &n), *tar;

    assert_true(n > 24);
    assert_memory_equal(p, "ANDROID BACKUP\n5\n0\nnone\n", 24);
    tar = malloc(n - 24);
    assert_non_null(tar);
    memcpy(tar, p + 24, n - 24);
    *len = n - 24;
    free(p);
    return tar;
}

static void check_variant(const struct vgfix_ab_opts *o, const unsigned char *tar, size_t tar_len,
                          size_t step)
{
    struct vg_ab_mem m;
    struct vg_ab_stream *s;
    struct vg_ab_stats st;
    unsigned char *p, *out;
    size_t n, out_len;

    p = build(o, &n);
    s = open_mem(&m, p, n);
    assert_int_equal(vg_ab_stream_header(s)->compressed, o->compressed);
    if (o->password) {
        assert_false(vg_ab_stream_ready(s));
        assert_int_equal(vg_ab_stream_unlock(s, o->password, strlen(o->password)), VG_OK);
    }
    assert_true(vg_ab_stream_ready(s));
    assert_int_equal(read_all(s, step, &out, &out_len), VG_OK);
    assert_int_equal(out_len, tar_len);
    assert_memory_equal(out, tar, tar_len);
    vg_ab_stream_stats(s, &st);
    assert_int_equal(st.tar_bytes, tar_len);
    assert_int_equal(st.file_bytes, n);
    assert_int_equal(st.after_zlib, 0);
    assert_true(st.end);
    free(out);
    vg_ab_stream_free(s);
    free(p);
}

static void test_variants(void **state)
{
    static const size_t steps[] = {1, 7, 512, 65536, 1 << 20};
    size_t tar_len, i;
    unsigned char *tar = reference_tar(&tar_len);
    unsigned v, c, ck;
    (void)state;

    for (c = 0; c <= 1; c++) {
        struct vgfix_ab_opts o = {5, (int)c, NULL, 0, VGFIX_AB_CK_NATIVE, 0, 0};
        for (i = 0; i < VG_ARRAY_LEN(steps); i++)
            check_variant(&o, tar, tar_len, steps[i]);
    }
    for (v = 1; v <= 5; v++)
        for (c = 0; c <= 1; c++)
            for (ck = VGFIX_AB_CK_UTF8; ck <= VGFIX_AB_CK_8BIT; ck++) {
                struct vgfix_ab_opts o = {v, (int)c, "123456", 10, (enum vgfix_ab_ck)ck, 0, 0};
                check_variant(&o, tar, tar_len, v == 3 ? 13 : 4096);
            }
    free(tar);
}

static void test_locked(void **state)
{
    struct vgfix_ab_opts o = {5, 1, "123456", 10, VGFIX_AB_CK_NATIVE, 0, 0};
    struct vg_ab_mem m;
    struct vg_ab_stream *s;
    unsigned char *p, buf[16];
    struct archive *a;
    size_t n, got;
    (void)state;

    p = build(&o, &n);
    s = open_mem(&m, p, n);
    assert_int_equal(vg_ab_stream_read(s, buf, sizeof buf, &got), VG_E_INVAL);
    assert_non_null(strstr(vg_ab_stream_error(s), "locked"));
    assert_int_equal(vg_ab_archive_open(s, &a), VG_E_INVAL);
    assert_int_equal(vg_ab_stream_unlock(s, "nope", 4), VG_E_PASSWORD);
    assert_non_null(strstr(vg_ab_stream_error(s), "wrong password"));
    assert_int_equal(vg_ab_stream_unlock(s, "123456", 6), VG_OK); /* not sticky */
    assert_int_equal(vg_ab_stream_keys(s)->ck_form, VG_AB_FORM_UTF8);
    assert_int_equal(vg_ab_stream_read(s, buf, sizeof buf, &got), VG_OK);
    assert_int_equal(got, sizeof buf);
    vg_ab_stream_free(s);
    free(p);
}

static void test_header_errors(void **state)
{
    static const char cut[] = "ANDROID BACKUP\n5\n1\n";
    struct vg_ab_stream *s = NULL;
    struct vg_ab_mem m = {(const unsigned char *)cut, sizeof cut - 1, 0};
    struct vg_ab_mem zip = {(const unsigned char *)"PK\3\4....", 8, 0};
    (void)state;

    assert_int_equal(vg_ab_stream_new(vg_ab_read_mem, &m, &s, err, sizeof err), VG_E_TRUNCATED);
    assert_null(s);
    assert_non_null(strstr(err, "line 4"));
    assert_int_equal(vg_ab_stream_new(vg_ab_read_mem, &zip, &s, err, sizeof err), VG_E_UNSUPPORTED);
    assert_null(s);
}

/* Reads to the end or the first error. */
static int read_through(const unsigned char *p, size_t n, const char *pw)
{
    struct vg_ab_mem m;
    struct vg_ab_stream *s = open_mem(&m, p, n);
    unsigned char *out;
    size_t len, got;
    int rc;

    if (pw)
        assert_int_equal(vg_ab_stream_unlock(s, pw, strlen(pw)), VG_OK);
    rc = read_all(s, 4096, &out, &len);
    if (rc != VG_OK) /* sticky */
        assert_int_equal(vg_ab_stream_read(s, out, 1, &got), rc);
    if (rc != VG_OK)
        assert_true(vg_ab_stream_error(s)[0] != '\0');
    free(out);
    vg_ab_stream_free(s);
    return rc;
}

static void test_corrupt_zlib(void **state)
{
    struct vgfix_ab_opts o = {5, 1, NULL, 0, VGFIX_AB_CK_NATIVE, 0, 0};
    size_t n;
    unsigned char *p = build(&o, &n);
    (void)state;

    assert_int_equal(read_through(p, n, NULL), VG_OK);
    p[24] = 0x00; /* the zlib header */
    assert_int_equal(read_through(p, n, NULL), VG_E_CORRUPT);
    p[24] = 0x78;
    p[n - 2] ^= 0xff; /* the Adler-32 at the end */
    assert_int_equal(read_through(p, n, NULL), VG_E_CORRUPT);
    p[n - 2] ^= 0xff;
    memset(p + 200, 0xff, 64); /* the deflate data */
    assert_int_equal(read_through(p, n, NULL), VG_E_CORRUPT);
    free(p);
}

static void test_truncated_data(void **state)
{
    struct vgfix_ab_opts plain = {5, 1, NULL, 0, VGFIX_AB_CK_NATIVE, 0, 0};
    struct vgfix_ab_opts aes = {5, 1, "123456", 10, VGFIX_AB_CK_NATIVE, 0, 0};
    struct vgfix_ab_opts aes_raw = {5, 0, "123456", 10, VGFIX_AB_CK_NATIVE, 0, 0};
    size_t n;
    unsigned char *p;
    (void)state;

    p = build(&plain, &n);
    assert_int_equal(read_through(p, n - 100, NULL), VG_E_TRUNCATED);
    free(p);
    p = build(&aes, &n);
    assert_int_equal(read_through(p, n - 5, "123456"), VG_E_TRUNCATED);  /* inside a block */
    assert_int_equal(read_through(p, n - 32, "123456"), VG_E_TRUNCATED); /* at a block */
    free(p);
    /* not compressed: a cut at a block boundary shows only as bad padding */
    p = build(&aes_raw, &n);
    assert_int_equal(read_through(p, n - 48, "123456"), VG_E_CORRUPT);
    p[n - 1] ^= 0x01; /* the padding itself */
    assert_int_equal(read_through(p, n, "123456"), VG_E_CORRUPT);
    free(p);
}

/* Bytes after the zlib stream are counted, not delivered. */
static void test_after_zlib(void **state)
{
    struct vgfix_ab_opts o = {5, 1, NULL, 0, VGFIX_AB_CK_NATIVE, 0, 0};
    struct vg_ab_mem m;
    struct vg_ab_stream *s;
    struct vg_ab_stats st;
    size_t n, tar_len;
    unsigned char *p = build(&o, &n), *tar = reference_tar(&tar_len);
    uint64_t rest, nonzero;
    (void)state;

    p = realloc(p, n + 10);
    assert_non_null(p);
    memcpy(p + n, "GARBAGE!!!", 10);
    s = open_mem(&m, p, n + 10);
    assert_int_equal(vg_ab_stream_drain(s, &rest, &nonzero), VG_OK);
    assert_int_equal(rest, tar_len);
    vg_ab_stream_stats(s, &st);
    assert_int_equal(st.after_zlib, 10);
    assert_true(st.end);
    vg_ab_stream_free(s);
    free(p);
    free(tar);
}

/* MVT's test backups: the tar SHA-256 digests MVT's test_backup_parser.py expects. */
static void test_mvt_backups(void **state)
{
    static const struct {
        const char *path, *password, *sha256;
    } v[] = {
        {"mvt-artifacts/android_backup/backup.ab", NULL,
         "ce1ac5009fea5187a9f546b51e1446ba450243ae91d31dc779233ec0937b5d18"},
        {"mvt-artifacts/android_backup/backup2.ab", "123456",
         "f365ace1effbc4902c6aeba241ca61544f8a96ad456c1861808ea87b7dd03896"},
        {"mvt-artifacts/android_backup/backup3.ab", NULL,
         "33e73df2ede9798dcb3a85c06200ee41c8f52dd2f2e50ffafcceb0407bc13e3a"},
        {"mvt-artifacts/androidqf_encrypted/backup.ab", "123456",
         "f365ace1effbc4902c6aeba241ca61544f8a96ad456c1861808ea87b7dd03896"},
    };
    size_t i;
    (void)state;

    for (i = 0; i < VG_ARRAY_LEN(v); i++) {
        char *path = vgfix_shared_path(v[i].path), hex[65];
        unsigned char *p, *tar, md[32];
        struct vg_ab_mem m;
        struct vg_ab_stream *s;
        size_t n, len;

        if (!path) {
            printf("../shared/mvt-artifacts not found: MVT comparison skipped\n");
            skip();
        }
        p = (unsigned char *)vgfix_read_file(path, &n);
        assert_non_null(p);
        s = open_mem(&m, p, n);
        if (v[i].password)
            assert_int_equal(vg_ab_stream_unlock(s, v[i].password, 6), VG_OK);
        assert_int_equal(read_all(s, 1000, &tar, &len), VG_OK);
        assert_int_equal(EVP_Digest(tar, len, md, NULL, EVP_sha256(), NULL), 1);
        vg_hex_encode(md, 32, hex);
        assert_string_equal(hex, v[i].sha256);
        free(tar);
        vg_ab_stream_free(s);
        free(p);
        free(path);
    }
}

/* ---- a large backup, streamed from a file ---- */

#define BIG_SIZE (48ull << 20)
#define BIG_SEED 4242u

struct big {
    EVP_MD_CTX *md;
    uint64_t bytes;
    int seen;
};

static int hash_member(void *ud, const struct vg_ab_member *mem, struct vg_ab_tar *t)
{
    struct big *b = ud;
    unsigned char buf[32768];
    size_t got;

    if (strcmp(mem->name, "shared/0/DCIM/video.mp4") != 0)
        return VG_OK;
    b->seen++;
    assert_int_equal(mem->size, BIG_SIZE);
    while (vg_ab_tar_read(t, buf, sizeof buf, &got) == VG_OK && got > 0) {
        assert_int_equal(EVP_DigestUpdate(b->md, buf, got), 1);
        b->bytes += got;
    }
    return VG_OK;
}

static int fill_big(struct vgfix_ab *w, void *ud)
{
    (void)ud;
    return vgfix_ab_add_sms(w) ||
           vgfix_ab_add_generated(w, "shared/0/DCIM/video.mp4", BIG_SIZE, BIG_SEED);
}

/* A line of /proc/self/status in KiB, or -1. */
static long status_kb(const char *key)
{
    char line[256];
    long v = -1;
    FILE *f = fopen("/proc/self/status", "r");

    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, strlen(key)) == 0)
            v = strtol(line + strlen(key), NULL, 10);
    if (f)
        fclose(f);
    return v;
}

/* Resets the peak RSS (VmHWM) to the current RSS: Linux 4.0 and later. */
static int reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    int ok = f && fputs("5", f) >= 0;

    if (f && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static void test_large_flat(void **state)
{
    struct vgfix_ab_opts o = {5, 1, "123456", 10, VGFIX_AB_CK_NATIVE, 0, 1};
    char *dir = vgfix_tmpdir("ab-large"), path[4096];
    unsigned char want[32], got_md[32], *chunk;
    struct vg_ab_stream *s = NULL;
    struct big b = {EVP_MD_CTX_new(), 0, 0};
    EVP_MD_CTX *ref = EVP_MD_CTX_new();
    struct vgfix_ab *w;
    uint64_t off;
    long before;
    FILE *f;
    int fd;
    (void)state;

    assert_non_null(dir);
    snprintf(path, sizeof path, "%s/backup.ab", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    w = vgfix_ab_new(f, &o);
    assert_non_null(w);
    assert_int_equal(fill_big(w, NULL), 0);
    assert_int_equal(vgfix_ab_finish(w), 0);
    assert_int_equal(fclose(f), 0);

    chunk = malloc(1 << 20);
    assert_non_null(chunk);
    assert_int_equal(EVP_DigestInit_ex(ref, EVP_sha256(), NULL), 1);
    for (off = 0; off < BIG_SIZE; off += 1 << 20) {
        vgfix_ab_gen(BIG_SEED, off, chunk, 1 << 20);
        assert_int_equal(EVP_DigestUpdate(ref, chunk, 1 << 20), 1);
    }
    assert_int_equal(EVP_DigestFinal_ex(ref, want, NULL), 1);
    free(chunk);

    before = reset_peak() == 0 ? status_kb("VmRSS:") : -1;
    fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(vg_ab_stream_new(vg_ab_read_fd, &fd, &s, err, sizeof err), VG_OK);
    assert_int_equal(vg_ab_stream_unlock(s, "123456", 6), VG_OK);
    assert_int_equal(EVP_DigestInit_ex(b.md, EVP_sha256(), NULL), 1);
    assert_int_equal(vg_ab_walk(s, hash_member, &b, "backup.ab", NULL), VG_OK);
    assert_int_equal(EVP_DigestFinal_ex(b.md, got_md, NULL), 1);
    assert_int_equal(b.seen, 1);
    assert_int_equal(b.bytes, BIG_SIZE);
    assert_memory_equal(got_md, want, 32);
    if (before < 0 || status_kb("VmHWM:") < 0) {
        printf("no /proc/self/clear_refs: peak memory not measured\n");
    } else {
        long grew = status_kb("VmHWM:") - before;
        printf("streamed %llu bytes; peak RSS grew by %ld KiB\n", (unsigned long long)b.bytes,
               grew);
#ifndef UNDER_ASAN
        /* 48 MiB went through; the stream holds a few 64 KiB buffers */
        assert_true(grew < 4 * 1024);
#endif
    }
    vg_ab_stream_free(s);
    close(fd);
    EVP_MD_CTX_free(b.md);
    EVP_MD_CTX_free(ref);
    vgfix_rmtree(dir);
    free(dir);
}

static void test_file_reader(void **state)
{
    struct vgfix_ab_opts o = {5, 1, NULL, 0, VGFIX_AB_CK_NATIVE, 0, 0};
    size_t n, tar_len, len;
    unsigned char *p = build(&o, &n), *tar = reference_tar(&tar_len), *out;
    struct vg_ab_stream *s = NULL;
    FILE *f = fmemopen(p, n, "rb");
    (void)state;

    assert_non_null(f);
    assert_int_equal(vg_ab_stream_new(vg_ab_read_file, f, &s, err, sizeof err), VG_OK);
    assert_int_equal(vg_ab_stream_unlock(s, "x", 1), VG_E_INVAL); /* not encrypted: no harm */
    assert_int_equal(read_all(s, 3000, &out, &len), VG_OK);
    assert_int_equal(len, tar_len);
    assert_memory_equal(out, tar, len);
    vg_ab_stream_free(s);
    fclose(f);
    free(out);
    free(tar);
    free(p);
}

/* libarchive reads the tar straight from the stream. */
static void test_archive_adapter(void **state)
{
    struct vgfix_ab_opts o = {4, 1, "123456", 10, VGFIX_AB_CK_NATIVE, 0, 0};
    struct vg_ab_mem m;
    struct vg_ab_stream *s;
    struct archive *a;
    struct archive_entry *e;
    size_t n, count = 0;
    unsigned char *p = build(&o, &n);
    (void)state;

    s = open_mem(&m, p, n);
    assert_int_equal(vg_ab_stream_unlock(s, "123456", 6), VG_OK);
    assert_int_equal(vg_ab_archive_open(s, &a), VG_OK);
    while (archive_read_next_header(a, &e) == ARCHIVE_OK)
        count++;
    assert_int_equal(count, 5); /* apps/, two telephony files, note, blob */
    assert_int_equal(archive_read_free(a), ARCHIVE_OK);
    vg_ab_stream_free(s);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variants),        cmocka_unit_test(test_locked),
        cmocka_unit_test(test_header_errors),   cmocka_unit_test(test_corrupt_zlib),
        cmocka_unit_test(test_truncated_data),  cmocka_unit_test(test_after_zlib),
        cmocka_unit_test(test_mvt_backups),     cmocka_unit_test(test_file_reader),
        cmocka_unit_test(test_archive_adapter), cmocka_unit_test(test_large_flat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
