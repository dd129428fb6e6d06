/*
 * The walk over the tar of an .ab (src/lib/formats/android/ab_tar.c):
 * members and their bytes, names and links that would leave the archive,
 * damaged and truncated tars, the callback stopping, data after the end.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "formats/android/ab_stream.h"
#include "ab.h"
#include "fixture.h"

static char err[256];

struct seen {
    char names[32][128];
    enum vg_ab_kind kinds[32];
    char links[32][128];
    uint64_t index[32];
    size_t n;
    unsigned char *sms; /* bytes of the sms file */
    size_t sms_len;
    int stop_after; /* stop after this many members (0: never) */
    int fail_with;  /* return this from the first member */
    int read_all_max;
};

static int collect(void *ud, const struct vg_ab_member *m, struct vg_ab_tar *t)
{
    struct seen *s = ud;

    assert_true(s->n < 32);
    snprintf(s->names[s->n], sizeof s->names[0], "%s", m->name);
    snprintf(s->links[s->n], sizeof s->links[0], "%s", m->link ? m->link : "");
    s->kinds[s->n] = m->kind;
    s->index[s->n] = m->index;
    s->n++;
    if (s->fail_with)
        return s->fail_with;
    if (strstr(m->name, "_sms_backup")) {
        int rc = vg_ab_tar_read_all(t, s->read_all_max ? (size_t)s->read_all_max : 1 << 20, &s->sms,
                                    &s->sms_len);
        if (rc != VG_OK)
            return rc;
    }
    if (s->stop_after && s->n == (size_t)s->stop_after)
        return VG_AB_STOP;
    return VG_OK;
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

static int walk_mem(const unsigned char *p, size_t n, const char *pw, struct seen *s,
                    struct vg_diag *d)
{
    struct vg_ab_mem m = {p, n, 0};
    struct vg_ab_stream *st = NULL;
    int rc;

    assert_int_equal(vg_ab_stream_new(vg_ab_read_mem, &m, &st, err, sizeof err), VG_OK);
    if (pw)
        assert_int_equal(vg_ab_stream_unlock(st, pw, strlen(pw)), VG_OK);
    rc = vg_ab_walk(st, collect, s, "test.ab", d);
    vg_ab_stream_free(st);
    return rc;
}

static int fill_tree(struct vgfix_ab *w, void *ud)
{
    (void)ud;
    return vgfix_ab_add_dir(w, "apps/com.android.providers.telephony/") || vgfix_ab_add_sms(w) ||
           vgfix_ab_add_symlink(w, "apps/com.example/f/current", "../db/main.db") ||
           vgfix_ab_add_file(w, "apps/com.example/db/main.db", "SQLite format 3", 16) ||
           vgfix_ab_add_hardlink(w, "apps/com.example/db/copy.db", "apps/com.example/db/main.db");
}

static void test_members(void **state)
{
    struct vgfix_ab_opts o = {5, 1, "123456", 10, VGFIX_AB_CK_NATIVE, 0, 0};
    struct seen s;
    struct vg_diag *d = diag_new();
    unsigned char *p, *z;
    size_t n, zn;
    (void)state;

    memset(&s, 0, sizeof s);
    assert_int_equal(vgfix_ab_mem(&o, fill_tree, NULL, &p, &n), 0);
    assert_int_equal(walk_mem(p, n, "123456", &s, d), VG_OK);
    assert_int_equal(s.n, 6);
    assert_string_equal(s.names[0], "apps/com.android.providers.telephony/");
    assert_int_equal(s.kinds[0], VG_AB_DIR);
    assert_string_equal(s.names[1], "apps/com.android.providers.telephony/d_f/000000_sms_backup");
    assert_int_equal(s.kinds[1], VG_AB_FILE);
    assert_string_equal(s.names[2], "apps/com.android.providers.telephony/d_f/000001_mms_backup");
    assert_int_equal(s.kinds[3], VG_AB_SYMLINK);
    assert_string_equal(s.links[3], "../db/main.db");
    assert_int_equal(s.kinds[5], VG_AB_HARDLINK);
    assert_string_equal(s.links[5], "apps/com.example/db/main.db");
    assert_int_equal(s.index[5], 5);
    z = vgfix_zlib(vgfix_sms_json, strlen(vgfix_sms_json), &zn);
    assert_non_null(z);
    assert_int_equal(s.sms_len, zn);
    assert_memory_equal(s.sms, z, zn);
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN) + vg_diag_count(d, VG_DIAG_ERROR), 0);
    vg_free_secret(s.sms, s.sms_len);
    free(z);
    free(p);
    vg_diag_free(d);
}

static int fill_escapes(struct vgfix_ab *w, void *ud)
{
    (void)ud;
    return vgfix_ab_add_file(w, "../evil", "x", 1) ||
           vgfix_ab_add_file(w, "apps/../../evil2", "x", 1) ||
           vgfix_ab_add_file(w, "/etc/passwd", "x", 1) ||
           vgfix_ab_add_symlink(w, "apps/com.example/f/up", "../../../../etc/shadow") ||
           vgfix_ab_add_symlink(w, "apps/com.example/f/abs", "/data/system") ||
           vgfix_ab_add_hardlink(w, "apps/com.example/f/hl", "../outside") ||
           vgfix_ab_add_file(w, "apps/com.example/f/ok..txt", "y", 1) || vgfix_ab_add_sms(w);
}

/* Members that would land outside the archive are never handed over. */
static void test_escapes(void **state)
{
    struct vgfix_ab_opts o = {5, 0, NULL, 0, VGFIX_AB_CK_NATIVE, 0, 0};
    struct seen s;
    struct vg_diag *d = diag_new();
    unsigned char *p;
    size_t n;
    (void)state;

    memset(&s, 0, sizeof s);
    assert_int_equal(vgfix_ab_mem(&o, fill_escapes, NULL, &p, &n), 0);
    assert_int_equal(walk_mem(p, n, NULL, &s, d), VG_OK);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.names[0], "apps/com.example/f/ok..txt");
    assert_int_equal(s.index[0], 6);
    assert_non_null(s.sms);
    assert_true(diag_has(d, VG_DIAG_WARN, "tar member 0 '../evil': name climbs out with .."));
    assert_true(diag_has(d, VG_DIAG_WARN, "'apps/../../evil2'"));
    assert_true(diag_has(d, VG_DIAG_WARN, "absolute path"));
    assert_true(diag_has(d, VG_DIAG_WARN, "-> ../../../../etc/shadow: symbolic link"));
    assert_true(diag_has(d, VG_DIAG_WARN, "-> /data/system"));
    assert_true(diag_has(d, VG_DIAG_WARN, "hard link to a path outside"));
    assert_int_equal(vg_diag_count(d, VG_DIAG_WARN), 6);
    vg_free_secret(s.sms, s.sms_len);
    free(p);
    vg_diag_free(d);
}

static void test_name_checks(void **state)
{
    (void)state;
    assert_true(vg_ab_name_safe("apps/a/b"));
    assert_true(vg_ab_name_safe("apps/a/b/"));
    assert_true(vg_ab_name_safe("./apps/x"));
    assert_true(vg_ab_name_safe("a..b/..c/d.."));
    assert_false(vg_ab_name_safe(""));
    assert_false(vg_ab_name_safe(NULL));
    assert_false(vg_ab_name_safe("/apps"));
    assert_false(vg_ab_name_safe(".."));
    assert_false(vg_ab_name_safe("a/.."));
    assert_false(vg_ab_name_safe("a/../b"));
    assert_true(vg_ab_link_safe("apps/p/f/link", "target"));
    assert_true(vg_ab_link_safe("apps/p/f/link", "../db/x"));
    assert_true(vg_ab_link_safe("apps/p/f/link", "../../../x")); /* the root itself */
    assert_false(vg_ab_link_safe("apps/p/f/link", "../../../../x"));
    assert_false(vg_ab_link_safe("link", "../x"));
    assert_true(vg_ab_link_safe("link", "./x"));
    assert_true(vg_ab_link_safe("a/b/link", "c/../../x"));
    assert_true(vg_ab_link_safe("a/b/link", "c/../../../x"));
    assert_false(vg_ab_link_safe("a/b/link", "c/../../../../x"));
    assert_false(vg_ab_link_safe("a/link", "/etc"));
    assert_false(vg_ab_link_safe("a/link", ""));
    assert_false(vg_ab_link_safe("../link", "x"));
}

static void test_stop_and_fail(void **state)
{
    struct vgfix_ab_opts o = {5, 1, NULL, 0, VGFIX_AB_CK_NATIVE, 0, 0};
    struct seen s;
    struct vg_diag *d = diag_new();
    unsigned char *p;
    size_t n;
    (void)state;

    assert_int_equal(vgfix_ab_mem(&o, fill_tree, NULL, &p, &n), 0);
    memset(&s, 0, sizeof s);
    s.stop_after = 2;
    assert_int_equal(walk_mem(p, n, NULL, &s, d), VG_OK);
    assert_int_equal(s.n, 2);
    vg_free_secret(s.sms, s.sms_len);
    memset(&s, 0, sizeof s);
    s.fail_with = VG_E_NOMEM;
    assert_int_equal(walk_mem(p, n, NULL, &s, d), VG_E_NOMEM);
    assert_int_equal(s.n, 1);
    memset(&s, 0, sizeof s);
    s.read_all_max = 10; /* the sms file is longer */
    assert_int_equal(walk_mem(p, n, NULL, &s, d), VG_E_LIMIT);
    assert_int_equal(s.n, 2);
    assert_int_equal(vg_diag_count(d, VG_DIAG_ERROR), 0); /* the callback's own */
    free(p);
    vg_diag_free(d);
}

/* A tar cut inside a member: members before it were handed over. */
static void test_truncated_member(void **state)
{
    struct vgfix_ab_opts o = {5, 0, NULL, 0, VGFIX_AB_CK_NATIVE, 0, 0};
    struct seen s;
    struct vg_diag *d = diag_new();
    unsigned char *p;
    size_t n, cut;
    (void)state;

    assert_int_equal(vgfix_ab_mem(&o, NULL, NULL, &p, &n), 0);
    /* the header, the sms file's tar header, 40 bytes of its data */
    cut = 24 + 512 + 40;
    memset(&s, 0, sizeof s);
    assert_int_equal(walk_mem(p, cut, NULL, &s, d), VG_E_TRUNCATED);
    assert_int_equal(s.n, 1);
    assert_null(s.sms);
    assert_true(diag_has(d, VG_DIAG_ERROR, "000000_sms_backup"));
    vg_diag_free(d);
    /* compressed: the zlib stream says it first */
    o.compressed = 1;
    free(p);
    assert_int_equal(vgfix_ab_mem(&o, NULL, NULL, &p, &n), 0);
    d = diag_new();
    memset(&s, 0, sizeof s);
    assert_int_equal(walk_mem(p, n - 30, NULL, &s, d), VG_E_TRUNCATED);
    assert_true(diag_has(d, VG_DIAG_ERROR, "truncated"));
    vg_free_secret(s.sms, s.sms_len);
    free(p);
    vg_diag_free(d);
}

static void test_not_a_tar(void **state)
{
    static const char head[] = "ANDROID BACKUP\n5\n0\nnone\n";
    unsigned char p[24 + 2048];
    struct seen s;
    struct vg_diag *d = diag_new();
    size_t i;
    (void)state;

    memcpy(p, head, 24);
    for (i = 24; i < sizeof p; i++)
        p[i] = (unsigned char)(i * 37 + 11);
    memset(&s, 0, sizeof s);
    assert_int_equal(walk_mem(p, sizeof p, NULL, &s, d), VG_E_CORRUPT);
    assert_int_equal(s.n, 0);
    assert_int_equal(vg_diag_count(d, VG_DIAG_ERROR), 1);
    vg_diag_free(d);
}

static int fill_none(struct vgfix_ab *w, void *ud)
{
    (void)w;
    (void)ud;
    return 0;
}

static void test_empty_and_tail(void **state)
{
    struct vgfix_ab_opts o = {5, 1, NULL, 0, VGFIX_AB_CK_NATIVE, 0, 0};
    struct seen s;
    struct vg_diag *d = diag_new();
    unsigned char *p;
    size_t n;
    (void)state;

    assert_int_equal(vgfix_ab_mem(&o, fill_none, NULL, &p, &n), 0);
    memset(&s, 0, sizeof s);
    assert_int_equal(walk_mem(p, n, NULL, &s, d), VG_OK);
    assert_int_equal(s.n, 0);
    assert_true(diag_has(d, VG_DIAG_WARN, "holds no file"));
    free(p);
    vg_diag_free(d);

    /* data after the zlib stream */
    d = diag_new();
    assert_int_equal(vgfix_ab_mem(&o, NULL, NULL, &p, &n), 0);
    p = realloc(p, n + 7);
    assert_non_null(p);
    memcpy(p + n, "TRAILER", 7);
    memset(&s, 0, sizeof s);
    assert_int_equal(walk_mem(p, n + 7, NULL, &s, d), VG_OK);
    assert_int_equal(s.n, 2);
    assert_true(diag_has(d, VG_DIAG_WARN, "7 bytes after the end of the compressed data"));
    vg_free_secret(s.sms, s.sms_len);
    free(p);
    vg_diag_free(d);

    /* bytes after the tar's end blocks, not compressed */
    d = diag_new();
    o.compressed = 0;
    assert_int_equal(vgfix_ab_mem(&o, NULL, NULL, &p, &n), 0);
    p = realloc(p, n + 512);
    assert_non_null(p);
    memset(p + n, 0, 512);
    memcpy(p + n + 100, "junk", 4);
    memset(&s, 0, sizeof s);
    assert_int_equal(walk_mem(p, n + 512, NULL, &s, d), VG_OK);
    assert_true(diag_has(d, VG_DIAG_WARN, "after the end of the tar, 4 of them not zero"));
    vg_free_secret(s.sms, s.sms_len);
    free(p);
    vg_diag_free(d);
}

/* Damage in the last bytes, past the tar's end marker: every member was
 * read, so a warning. (Had the marker been past the damage, an error.) */
static void test_damage_after_end(void **state)
{
    struct vgfix_ab_opts o = {5, 1, NULL, 0, VGFIX_AB_CK_NATIVE, 0, 0};
    struct seen s;
    struct vg_diag *d = diag_new();
    unsigned char *p;
    size_t n;
    (void)state;

    assert_int_equal(vgfix_ab_mem(&o, NULL, NULL, &p, &n), 0);
    p[n - 1] ^= 0xff; /* the Adler-32 */
    memset(&s, 0, sizeof s);
    assert_int_equal(walk_mem(p, n, NULL, &s, d), VG_OK);
    assert_int_equal(s.n, 2);
    assert_true(diag_has(d, VG_DIAG_WARN, "after the end of the tar: zlib: incorrect data check"));
    vg_free_secret(s.sms, s.sms_len);
    free(p);
    vg_diag_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_members),          cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_name_checks),      cmocka_unit_test(test_stop_and_fail),
        cmocka_unit_test(test_truncated_member), cmocka_unit_test(test_not_a_tar),
        cmocka_unit_test(test_empty_and_tail),   cmocka_unit_test(test_damage_after_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
