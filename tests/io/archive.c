/*
 * The archive layer (src/lib/io/archive.c) on archives built by
 * tests/fixtures/archives.c: every format, the three answers, memory
 * against temp files, duplicates, every hostile case of
 * docs/formats/archives.md, nesting, and determinism.
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
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "util/vg.h"
#include "io/archive.h"
#include "util/buf.h"
#include "util/tmp.h"
#include "archives.h"
#include "fixture.h"

#define T0 1700000000 /* 2023-11-14 22:13:20 UTC */

/* ---- helpers ------------------------------------------------------------- */

/* What a visitor saw and did: one line per event, and the answer policy. */
struct log {
    struct vg_buf ev;
    enum vg_archive_action answer; /* for every file (others: SKIP)... */
    int any_type;                  /* ...or for every entry */
    const char *stream_name;       /* ...but this one is streamed */
    const char *skip_name;         /* ...and this one skipped */
    uint64_t stop_at;              /* STOP at this index when > 0 */
    struct vg_buf streamed;        /* the streamed bytes */
    size_t chunks;
    uint64_t stream_bytes; /* counted, not stored, when count_only */
    int count_only, chunk_fails, end_status, ended;
};

static void log_init(struct log *l, enum vg_archive_action answer)
{
    memset(l, 0, sizeof(*l));
    vg_buf_init(&l->ev, 1u << 20);
    vg_buf_init(&l->streamed, 1u << 24);
    l->answer = answer;
    l->end_status = 1;
}

static void log_free(struct log *l)
{
    vg_buf_free(&l->ev);
    vg_buf_free(&l->streamed);
}

static const char *type_letter(enum vg_archive_type t)
{
    static const char *const v[] = {"f", "d", "l", "h", "o"};
    return v[t];
}

static enum vg_archive_action visit(void *ud, const struct vg_archive_entry *e)
{
    struct log *l = ud;

    assert_int_equal(vg_buf_printf(&l->ev, "%llu %s %s [%s] %lld %s\n",
                                   (unsigned long long)e->index, type_letter(e->type), e->name,
                                   e->raw_name, (long long)e->size, e->link ? e->link : "-"),
                     VG_OK);
    if (l->stop_at && e->index == l->stop_at)
        return VG_ARCHIVE_STOP;
    if (l->stream_name && strcmp(e->name, l->stream_name) == 0)
        return VG_ARCHIVE_STREAM;
    if (l->skip_name && strcmp(e->name, l->skip_name) == 0)
        return VG_ARCHIVE_SKIP;
    return e->type == VG_ARCHIVE_FILE || l->any_type ? l->answer : VG_ARCHIVE_SKIP;
}

static int chunk(void *ud, const struct vg_archive_entry *e, const unsigned char *p, size_t n)
{
    struct log *l = ud;
    (void)e;

    l->chunks++;
    l->stream_bytes += n;
    if (l->chunk_fails)
        return VG_E_CORRUPT;
    return l->count_only ? VG_OK : vg_buf_append(&l->streamed, p, n);
}

static void end(void *ud, const struct vg_archive_entry *e, int status)
{
    struct log *l = ud;
    (void)e;

    l->ended++;
    l->end_status = status;
}

static struct vg_archive_visitor visitor(struct log *l)
{
    struct vg_archive_visitor v = {visit, chunk, end, l};
    return v;
}

static struct vg_diag *diag_new(void)
{
    struct vg_diag *d = NULL;
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    return d;
}

/* A warning whose message holds every one of the strings (NULL-ended). */
static int warned(const struct vg_diag *d, const char *first, ...)
{
    size_t i;

    for (i = 0; i < vg_diag_size(d); i++) {
        const struct vg_diag_entry *e = vg_diag_get(d, i);
        const char *s = first;
        int all = e->level == VG_DIAG_WARN;
        va_list ap;
        va_start(ap, first);
        for (; all && s; s = va_arg(ap, const char *))
            all = strstr(e->message, s) != NULL;
        va_end(ap);
        if (all)
            return 1;
    }
    return 0;
}

static void dump_diag(const struct vg_diag *d)
{
    size_t i;
    for (i = 0; i < vg_diag_size(d); i++)
        printf("# diag: %s: %s\n", vg_diag_get(d, i)->where, vg_diag_get(d, i)->message);
}

static void kept_is(struct vg_archive *a, const char *name, size_t i, const void *data, size_t n)
{
    struct vg_archive_member *m = vg_archive_kept(a, name, i);
    const unsigned char *p;
    size_t len;

    if (!m)
        fail_msg("%s (%zu) not kept", name, i);
    assert_int_equal(vg_archive_member_data(m, &p, &len), VG_OK);
    assert_int_equal(len, n);
    assert_memory_equal(p, data, n);
    assert_int_equal(vg_archive_member_size(m), n);
}

static struct vg_archive *open_mem(const unsigned char *p, size_t n,
                                   const struct vg_archive_opts *o, struct vg_diag *d)
{
    struct vg_archive *a = NULL;
    assert_int_equal(vg_archive_open_mem("test.ar", p, n, o, d, &a), VG_OK);
    return a;
}

/* Runs one pass over an archive in memory. */
static int pass_mem(const unsigned char *p, size_t n, const struct vg_archive_opts *o,
                    struct vg_diag *d, struct log *l, struct vg_archive **out)
{
    struct vg_archive *a = open_mem(p, n, o, d);
    struct vg_archive_visitor v = visitor(l);
    int rc = vg_archive_read(a, &v);

    *out = a;
    return rc;
}

/* Bytes that do not compress (xorshift), so a cut in the middle of an
 * archive falls in the middle of its largest member. */
static unsigned char *pattern(size_t n)
{
    unsigned char *p = malloc(n);
    uint32_t x = 2463534242u;
    size_t i;

    assert_non_null(p);
    for (i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (unsigned char)x;
    }
    return p;
}

/* Files in a folder (not . and ..). */
static size_t dir_count(const char *path)
{
    DIR *dir = opendir(path);
    struct dirent *e;
    size_t n = 0;

    if (!dir)
        return 0;
    while ((e = readdir(dir)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(dir);
    return n;
}

/* ---- every format ----------------------------------------------------------- */

#define BIG_LEN (200u * 1024u) /* several read blocks */

static void check_formats_once(enum vgfix_ar_fmt fmt, int from_path, int no_seek)
{
    unsigned char *big = pattern(BIG_LEN), *p;
    int zip = fmt == VGFIX_AR_ZIP || fmt == VGFIX_AR_ZIP_STORED;
    struct vgfix_ar_entry v[] = {
        {.name = "dir/", .kind = VGFIX_AR_DIR, .mtime = T0},
        {.name = "dir/a.txt",
         .data = "hello",
         .len = 5,
         .mode = 0600,
         .mtime = T0,
         .atime = T0 + 1,
         .ctime = T0 + 2,
         .birthtime = T0 - 5},
        {.name = "./b.bin", .data = big, .len = BIG_LEN, .mtime = T0},
        {.name = "dir/l", .kind = VGFIX_AR_SYMLINK, .target = "../b.bin", .mtime = T0},
        {.name = "caf\xc3\xa9/\xe2\x98\x83.txt", .data = "snow", .len = 4, .mtime = T0},
        {.name = "empty", .data = "", .len = 0, .mtime = T0},
    };
    struct vg_diag *d = diag_new();
    struct vg_archive *a = NULL;
    struct vg_archive_opts o;
    const struct vg_archive_entry *e;
    struct vg_archive_visitor vis;
    struct log l;
    size_t n;
    char *dir = NULL, *path = NULL;

    vg_archive_opts_init(&o);
    o.no_seek = no_seek;
    assert_int_equal(vgfix_archive(fmt, v, VG_ARRAY_LEN(v), &p, &n), 0);
    log_init(&l, VG_ARCHIVE_KEEP);
    if (from_path) {
        dir = vgfix_tmpdir("archive");
        path = vg_asprintf("%s/x.ar", dir);
        assert_int_equal(vgfix_write_file(path, p, n), 0);
        assert_int_equal(vg_archive_open_path(path, &o, d, &a), VG_OK);
        assert_string_equal(vg_archive_label(a), path);
    } else {
        a = open_mem(p, n, &o, d);
    }
    vis = visitor(&l);
    assert_int_equal(vg_archive_read(a, &vis), VG_OK);
    if (vg_diag_size(d))
        dump_diag(d);
    assert_int_equal(vg_diag_size(d), 0);
    if (zip && no_seek) {
        /* a symbolic link is one only in the central directory, and a
         * member's size is only after its data (libarchive's writer
         * always puts it there) */
        assert_non_null(strstr(l.ev.data, "3 f dir/l [dir/l] 8 -\n"));
        kept_is(a, "dir/l", 0, "../b.bin", 8);
        assert_non_null(strstr(l.ev.data, "5 f empty [empty] -1 -\n"));
    } else {
        assert_string_equal(l.ev.data,
                            "0 d dir [dir/] 0 -\n"
                            "1 f dir/a.txt [dir/a.txt] 5 -\n"
                            "2 f b.bin [./b.bin] 204800 -\n"
                            "3 l dir/l [dir/l] 0 ../b.bin\n"
                            "4 f caf\xc3\xa9/\xe2\x98\x83.txt [caf\xc3\xa9/\xe2\x98\x83.txt] 4 -\n"
                            "5 f empty [empty] 0 -\n");
        assert_int_equal(vg_archive_kept_count(a, "dir/l"), 0); /* a link is never kept */
    }
    kept_is(a, "dir/a.txt", 0, "hello", 5);
    kept_is(a, "b.bin", 0, big, BIG_LEN);
    kept_is(a, "caf\xc3\xa9/\xe2\x98\x83.txt", 0, "snow", 4);
    kept_is(a, "empty", 0, "", 0);
    assert_int_equal(vg_archive_kept_total(a), zip && no_seek ? 5 : 4);
    assert_int_equal(vg_archive_kept_count(a, "./b.bin"), 0);
    e = vg_archive_member_entry(vg_archive_kept(a, "dir/a.txt", 0));
    assert_int_equal(e->mtime.set, 1);
    assert_int_equal(e->mtime.sec, T0);
    assert_int_equal(e->uid, 501);
    if (!zip) /* zip's mode depends on the writer */
        assert_int_equal(e->mode, 0600);
    if (!zip && fmt != VGFIX_AR_USTAR) { /* pax records every time; ustar only mtime */
        assert_int_equal(e->atime.sec, T0 + 1);
        assert_int_equal(e->ctime.sec, T0 + 2);
        assert_int_equal(e->birthtime.set, 1);
        assert_int_equal(e->birthtime.sec, T0 - 5);
    } else if (fmt == VGFIX_AR_USTAR) {
        assert_false(e->atime.set);
        assert_false(e->birthtime.set);
    }
    vg_archive_free(a);
    vg_diag_free(d);
    log_free(&l);
    free(p);
    free(big);
    if (dir) {
        assert_int_equal(dir_count(dir), 1); /* nothing but the archive */
        vgfix_rmtree(dir);
    }
    free(dir);
    free(path);
}

static void test_every_format(void **state)
{
    int fmt;
    (void)state;

    for (fmt = 0; fmt < VGFIX_AR_FMT_COUNT; fmt++) {
        printf("# format %d\n", fmt);
        check_formats_once((enum vgfix_ar_fmt)fmt, 0, 0);
        check_formats_once((enum vgfix_ar_fmt)fmt, 1, 0);
        check_formats_once((enum vgfix_ar_fmt)fmt, 0, 1);
        check_formats_once((enum vgfix_ar_fmt)fmt, 1, 1);
    }
}

/* ---- KEEP, STREAM, SKIP ------------------------------------------------------- */

static void test_keep_stream_skip(void **state)
{
    unsigned char *big = pattern(BIG_LEN), *p;
    struct vgfix_ar_entry v[] = {
        {.name = "keep.txt", .data = "kept", .len = 4},
        {.name = "log.txt", .data = big, .len = BIG_LEN},
        {.name = "skip.txt", .data = "skipped", .len = 7},
        {.name = "after.txt", .data = "after", .len = 5},
    };
    struct vg_diag *d = diag_new();
    struct vg_archive *a;
    struct log l;
    size_t n;
    int fmt;
    (void)state;

    for (fmt = 0; fmt < VGFIX_AR_FMT_COUNT; fmt++) {
        assert_int_equal(vgfix_archive((enum vgfix_ar_fmt)fmt, v, 4, &p, &n), 0);
        log_init(&l, VG_ARCHIVE_KEEP);
        l.stream_name = "log.txt";
        l.skip_name = "skip.txt";
        assert_int_equal(pass_mem(p, n, NULL, d, &l, &a), VG_OK);
        kept_is(a, "keep.txt", 0, "kept", 4);
        kept_is(a, "after.txt", 0, "after", 5);
        assert_int_equal(vg_archive_kept_count(a, "log.txt"), 0);
        assert_int_equal(vg_archive_kept_count(a, "skip.txt"), 0);
        assert_int_equal(l.streamed.len, BIG_LEN);
        assert_memory_equal(l.streamed.data, big, BIG_LEN);
        assert_true(l.chunks > 1); /* handed over as read, not at the end */
        assert_int_equal(l.ended, 1);
        assert_int_equal(l.end_status, VG_OK);
        vg_archive_free(a);
        log_free(&l);
        free(p);
    }
    assert_int_equal(vg_diag_size(d), 0);
    vg_diag_free(d);
    free(big);
}

static void test_stream_error_and_stop(void **state)
{
    struct vgfix_ar_entry v[] = {
        {.name = "a", .data = "1", .len = 1},
        {.name = "b", .data = "22", .len = 2},
        {.name = "c", .data = "333", .len = 3},
        {.name = "d", .data = "4444", .len = 4},
    };
    struct vg_diag *d = diag_new();
    struct vg_archive *a;
    struct vg_archive_visitor vis;
    unsigned char *p;
    struct log l;
    size_t n;
    (void)state;

    assert_int_equal(vgfix_archive(VGFIX_AR_TAR_GZ, v, 4, &p, &n), 0);
    /* a chunk() error stops that member only */
    log_init(&l, VG_ARCHIVE_KEEP);
    l.stream_name = "b";
    l.chunk_fails = 1;
    assert_int_equal(pass_mem(p, n, NULL, d, &l, &a), VG_OK);
    assert_int_equal(l.end_status, VG_E_CORRUPT);
    kept_is(a, "c", 0, "333", 3);
    kept_is(a, "d", 0, "4444", 4);
    vg_archive_free(a);
    log_free(&l);
    /* STOP ends the pass there, with VG_OK */
    log_init(&l, VG_ARCHIVE_KEEP);
    l.stop_at = 2;
    assert_int_equal(pass_mem(p, n, NULL, d, &l, &a), VG_OK);
    assert_string_equal(l.ev.data, "0 f a [a] 1 -\n1 f b [b] 2 -\n2 f c [c] 3 -\n");
    assert_int_equal(vg_archive_kept_total(a), 2);
    /* one pass per object */
    vis = visitor(&l);
    assert_int_equal(vg_archive_read(a, &vis), VG_E_INVAL);
    vg_archive_free(a);
    log_free(&l);
    assert_int_equal(vg_diag_size(d), 0);
    vg_diag_free(d);
    free(p);
}

/* ---- memory against temp files ---------------------------------------------------- */

static void test_threshold(void **state)
{
    unsigned char *big = pattern(5000), *p;
    struct vgfix_ar_entry v[] = {
        {.name = "small", .data = big, .len = 500},
        {.name = "large", .data = big, .len = 5000},
    };
    struct vg_diag *d = diag_new();
    struct vg_archive_opts o;
    struct vg_archive_member *small, *large;
    struct vg_archive *a;
    const unsigned char *q;
    const char *tdir, *lpath, *spath;
    char *lcopy, *scopy, *parent;
    struct stat st;
    struct log l;
    size_t n, len;
    (void)state;

    vg_archive_opts_init(&o);
    o.mem_threshold = 1000;
    assert_int_equal(vgfix_archive(VGFIX_AR_ZIP, v, 2, &p, &n), 0);
    log_init(&l, VG_ARCHIVE_KEEP);
    assert_int_equal(pass_mem(p, n, &o, d, &l, &a), VG_OK);
    small = vg_archive_kept(a, "small", 0);
    large = vg_archive_kept(a, "large", 0);
    assert_non_null(small);
    assert_non_null(large);
    assert_false(vg_archive_member_in_file(small));
    assert_true(vg_archive_member_in_file(large));
    kept_is(a, "large", 0, big, 5000); /* mapped back */
    kept_is(a, "small", 0, big, 500);
    /* a temp-file member: mode 0600, in the 0700 private folder */
    assert_int_equal(vg_archive_member_path(large, &lpath), VG_OK);
    assert_int_equal(vg_tmp_dir(&tdir), VG_OK);
    assert_true(vg_str_has_prefix(lpath, tdir));
    assert_int_equal(lstat(lpath, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 5000);
    parent = vg_strndup(lpath, (size_t)(strrchr(lpath, '/') - lpath));
    assert_string_equal(parent, tdir);
    assert_int_equal(stat(parent, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    /* a memory member written out on demand */
    assert_int_equal(vg_archive_member_path(small, &spath), VG_OK);
    assert_int_equal(lstat(spath, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    q = (const unsigned char *)vgfix_read_file(spath, &len);
    assert_int_equal(len, 500);
    assert_memory_equal(q, big, 500);
    free((void *)q);
    lcopy = vg_strdup(lpath);
    scopy = vg_strdup(spath);
    vg_archive_free(a);
    /* removed with the object */
    assert_int_not_equal(lstat(lcopy, &st), 0);
    assert_int_not_equal(lstat(scopy, &st), 0);
    assert_int_equal(vg_diag_size(d), 0);
    free(lcopy);
    free(scopy);
    free(parent);
    log_free(&l);
    vg_diag_free(d);
    free(p);
    free(big);
}

/* ---- duplicates ---------------------------------------------------------------- */

static void test_duplicates(void **state)
{
    struct vgfix_ar_entry v[] = {
        {.name = "x", .data = "one", .len = 3},
        {.name = "y", .data = "why", .len = 3},
        {.name = "x", .data = "two", .len = 3},
        {.name = "./x", .data = "three", .len = 5},
    };
    struct vg_diag *d = diag_new();
    struct vg_archive *a;
    unsigned char *p;
    struct log l;
    size_t n;
    (void)state;

    assert_int_equal(vgfix_archive(VGFIX_AR_TAR, v, 4, &p, &n), 0);
    log_init(&l, VG_ARCHIVE_KEEP);
    assert_int_equal(pass_mem(p, n, NULL, d, &l, &a), VG_OK);
    assert_int_equal(vg_archive_kept_count(a, "x"), 3);
    kept_is(a, "x", 0, "one", 3);
    kept_is(a, "x", 1, "two", 3);
    kept_is(a, "x", 2, "three", 5);
    assert_null(vg_archive_kept(a, "x", 3));
    assert_int_equal(vg_archive_kept_count(a, "y"), 1);
    assert_int_equal(vg_archive_kept_count(a, "z"), 0);
    assert_true(warned(d, "test.ar: x: 3 members with this name", NULL));
    assert_int_equal(vg_diag_size(d), 1);
    vg_archive_free(a);
    log_free(&l);
    vg_diag_free(d);
    free(p);
}

/* ---- hostile names and links ------------------------------------------------------- */

static void test_hostile_names(void **state)
{
    struct vgfix_ar_entry v[] = {
        {.name = "../evil", .data = "e1", .len = 2},
        {.name = "a/../../b", .data = "e2", .len = 2},
        {.name = "/etc/cron.d/x", .data = "e3", .len = 2},
        {.name = "ok.txt", .data = "ok", .len = 2},
        {.name = "./c/./d//e", .data = "cde", .len = 3},
        {.name = "etc", .kind = VGFIX_AR_SYMLINK, .target = "/etc"},
        {.name = "pw", .kind = VGFIX_AR_HARDLINK, .target = "/etc/passwd"},
        {.name = "ctl\x1b[31mred", .data = "c1", .len = 2},
        {.name = "ctl\x1b[31mred", .data = "c2", .len = 2},
        {.name = "../\x01hidden", .data = "h", .len = 1},
        {.name = "last.txt", .data = "last", .len = 4},
    };
    struct vg_diag *d = diag_new();
    char *dir = vgfix_tmpdir("archive-hostile"), *cwd = getcwd(NULL, 0);
    const char *tdir;
    struct vg_archive *a;
    unsigned char *p;
    struct log l;
    size_t n, i;
    (void)state;

    assert_int_equal(vgfix_archive(VGFIX_AR_TAR, v, VG_ARRAY_LEN(v), &p, &n), 0);
    assert_int_equal(chdir(dir), 0); /* anything written relative would land here */
    log_init(&l, VG_ARCHIVE_KEEP);
    l.any_type = 1;
    assert_int_equal(pass_mem(p, n, NULL, d, &l, &a), VG_OK);
    assert_int_equal(chdir(cwd), 0);
    /* refused by name, each with a warning, the rest read */
    assert_true(warned(d, "test.ar: ../evil: \"..\" in the name, refused", NULL));
    assert_true(warned(d, "a/../../b: \"..\" in the name, refused", NULL));
    assert_true(warned(d, "/etc/cron.d/x: absolute name, refused", NULL));
    assert_true(warned(d, "../\\x01hidden: \"..\"", NULL)); /* escaped in messages */
    kept_is(a, "ok.txt", 0, "ok", 2);
    kept_is(a, "c/d/e", 0, "cde", 3);
    kept_is(a, "last.txt", 0, "last", 4);
    /* control characters stay in the name, escaped in the message */
    kept_is(a, "ctl\x1b[31mred", 1, "c2", 2);
    assert_true(warned(d, "ctl\\x1b[31mred: 2 members", NULL));
    for (i = 0; i < vg_diag_size(d); i++) {
        assert_null(strchr(vg_diag_get(d, i)->message, '\x1b'));
        assert_null(strchr(vg_diag_get(d, i)->message, '\x01'));
    }
    /* links recorded with their targets, never kept, never followed */
    assert_non_null(strstr(l.ev.data, "5 l etc [etc] 0 /etc\n"));
    assert_non_null(strstr(l.ev.data, "6 h pw [pw] 0 /etc/passwd\n"));
    assert_true(warned(d, "etc: a symbolic link to /etc, not a regular file: not kept", NULL));
    assert_true(warned(d, "pw: a hard link to /etc/passwd, not a regular file: not kept", NULL));
    assert_int_equal(vg_archive_kept_count(a, "etc"), 0);
    assert_int_equal(vg_archive_kept_count(a, "pw"), 0);
    assert_null(strstr(l.ev.data, "evil"));
    /* nothing was written outside the temp folder, and nothing into it
     * but the members kept in files (none: all small) */
    assert_int_equal(dir_count(dir), 0);
    assert_int_equal(vg_tmp_dir(&tdir), VG_OK);
    assert_int_equal(dir_count(tdir), 0);
    vg_archive_free(a);
    log_free(&l);
    vg_diag_free(d);
    vgfix_rmtree(dir);
    free(dir);
    free(cwd);
    free(p);
}

static void test_long_and_empty_names(void **state)
{
    char *longname = malloc(VG_ARCHIVE_MAX_NAME + 2);
    struct vgfix_ar_entry v[] = {
        {.name = longname, .data = "l", .len = 1},
        {.name = "./", .kind = VGFIX_AR_DIR},
        {.name = ".", .data = "dot", .len = 3},
        {.name = "fine", .data = "f", .len = 1},
    };
    struct vg_diag *d = diag_new();
    struct vg_archive *a;
    unsigned char *p;
    struct log l;
    size_t n;
    (void)state;

    memset(longname, 'n', VG_ARCHIVE_MAX_NAME + 1);
    longname[VG_ARCHIVE_MAX_NAME + 1] = '\0';
    assert_int_equal(vgfix_archive(VGFIX_AR_TAR, v, 4, &p, &n), 0);
    log_init(&l, VG_ARCHIVE_KEEP);
    assert_int_equal(pass_mem(p, n, NULL, d, &l, &a), VG_OK);
    assert_true(warned(d, "nnnn", "name longer than the cap", NULL));
    assert_true(warned(d, ".: name empty once \".\" parts are dropped, refused", NULL));
    /* the root folder "./" is reported as "" */
    assert_non_null(strstr(l.ev.data, "1 d  [./] 0 -\n"));
    kept_is(a, "fine", 0, "f", 1);
    vg_archive_free(a);
    log_free(&l);
    vg_diag_free(d);
    free(p);
    free(longname);
}

/* ---- sizes, truncation, bombs ------------------------------------------------------ */

static void test_claims_2_40(void **state)
{
    struct vgfix_ar_entry v[] = {
        {.name = "a.txt", .data = "hello", .len = 5},
        {.name = "huge", .data = "xyz", .len = 3, .claimed = 1ull << 40},
    };
    struct vg_diag *d = diag_new();
    struct vg_archive *a;
    unsigned char *p;
    struct log l;
    size_t n;
    int fmt;
    (void)state;

    for (fmt = VGFIX_AR_TAR; fmt <= VGFIX_AR_ZIP_STORED; fmt += VGFIX_AR_ZIP_STORED) {
        assert_int_equal(vgfix_archive((enum vgfix_ar_fmt)fmt, v, 2, &p, &n), 0);
        log_init(&l, VG_ARCHIVE_KEEP);
        /* never allocated: ASan would fail a 1 TiB malloc */
        assert_int_not_equal(pass_mem(p, n, NULL, d, &l, &a), VG_OK);
        assert_non_null(strstr(l.ev.data, "1 f huge [huge] 1099511627776 -\n"));
        assert_true(warned(d, "test.ar: huge: reading the member", NULL));
        kept_is(a, "a.txt", 0, "hello", 5);
        if (vg_archive_kept_count(a, "huge")) { /* what was read, marked as cut */
            struct vg_archive_member *m = vg_archive_kept(a, "huge", 0);
            assert_true(vg_archive_member_truncated(m));
            assert_true(vg_archive_member_size(m) <= 3);
        }
        vg_archive_free(a);
        log_free(&l);
        free(p);
    }
    vg_diag_free(d);
}

static void test_member_and_total_caps(void **state)
{
    unsigned char *big = pattern(BIG_LEN), *p;
    struct vgfix_ar_entry v[] = {
        {.name = "a", .data = big, .len = 1000},
        {.name = "b", .data = big, .len = BIG_LEN},
        {.name = "c", .data = big, .len = 3000},
        {.name = "d", .data = big, .len = 3000},
    };
    struct vg_diag *d = diag_new();
    struct vg_archive_opts o;
    struct vg_archive *a;
    struct log l;
    size_t n;
    (void)state;

    assert_int_equal(vgfix_archive(VGFIX_AR_TAR_GZ, v, 4, &p, &n), 0);
    vg_archive_opts_init(&o);
    o.max_member = 100000;
    log_init(&l, VG_ARCHIVE_KEEP);
    assert_int_equal(pass_mem(p, n, &o, d, &l, &a), VG_OK);
    assert_true(
        warned(d, "test.ar: b: more than 100000 bytes, the cap for one member: not kept", NULL));
    assert_int_equal(vg_archive_kept_count(a, "b"), 0);
    kept_is(a, "c", 0, big, 3000);
    vg_archive_free(a);
    log_free(&l);
    /* streamed: cut at the cap, end() says so */
    log_init(&l, VG_ARCHIVE_KEEP);
    l.stream_name = "b";
    assert_int_equal(pass_mem(p, n, &o, d, &l, &a), VG_OK);
    assert_int_equal(l.end_status, VG_E_LIMIT);
    assert_true(l.stream_bytes <= 100000);
    kept_is(a, "d", 0, big, 3000);
    vg_archive_free(a);
    log_free(&l);
    /* the total ends the pass */
    vg_archive_opts_init(&o);
    o.max_total = 5000;
    log_init(&l, VG_ARCHIVE_KEEP);
    l.skip_name = "b";
    assert_int_equal(pass_mem(p, n, &o, d, &l, &a), VG_E_LIMIT);
    assert_true(warned(d, "test.ar: d: more than 5000 bytes kept or streamed in all", NULL));
    kept_is(a, "c", 0, big, 3000);
    assert_int_equal(vg_archive_kept_count(a, "d"), 0);
    vg_archive_free(a);
    log_free(&l);
    /* the entry count */
    vg_archive_opts_init(&o);
    o.max_entries = 2;
    log_init(&l, VG_ARCHIVE_SKIP);
    assert_int_equal(pass_mem(p, n, &o, d, &l, &a), VG_E_LIMIT);
    assert_true(warned(d, "test.ar: more than 2 entries", NULL));
    assert_string_equal(l.ev.data, "0 f a [a] 1000 -\n1 f b [b] 204800 -\n");
    vg_archive_free(a);
    log_free(&l);
    vg_diag_free(d);
    free(p);
    free(big);
}

static void test_truncated(void **state)
{
    unsigned char *big = pattern(BIG_LEN), *p;
    struct vgfix_ar_entry v[] = {
        {.name = "a", .data = "first", .len = 5},
        {.name = "b", .data = "second", .len = 6},
        {.name = "c", .data = big, .len = BIG_LEN},
        {.name = "d", .data = "never", .len = 5},
    };
    struct vg_diag *d;
    struct vg_archive *a;
    struct log l;
    size_t n;
    int fmt;
    (void)state;

    for (fmt = 0; fmt < VGFIX_AR_FMT_COUNT; fmt++) {
        /* cut in the middle of c */
        assert_int_equal(vgfix_archive((enum vgfix_ar_fmt)fmt, v, 4, &p, &n), 0);
        free(p);
        assert_int_equal(vgfix_archive_truncated((enum vgfix_ar_fmt)fmt, v, 4, n / 2, &p, &n), 0);
        d = diag_new();
        if (fmt == VGFIX_AR_TAR_ZST) {
            /* libarchive 3.6.2's zstd filter gives nothing of an
             * incomplete block: the cut reaches the first entry */
            struct vg_archive *t = NULL;
            assert_int_equal(vg_archive_open_mem("test.ar", p, n, NULL, d, &t), VG_E_TRUNCATED);
            assert_non_null(strstr(vg_diag_get(d, 0)->message,
                                   "test.ar: truncated before its first entry: Truncated zstd"));
            vg_diag_free(d);
            free(p);
            continue;
        }
        log_init(&l, VG_ARCHIVE_KEEP);
        {
            int rc = pass_mem(p, n, NULL, d, &l, &a);
            /* a zip cut in two has lost its central directory: read by its
             * local headers, it ends in c all the same */
            assert_true(rc == VG_E_TRUNCATED || rc == VG_E_CORRUPT);
        }
        assert_true(warned(d, "test.ar: c: reading the member", "the pass ends here", NULL) ||
                    warned(d, "test.ar: entry", "the pass ends here", NULL));
        kept_is(a, "a", 0, "first", 5);
        kept_is(a, "b", 0, "second", 6);
        if (vg_archive_kept_count(a, "c"))
            assert_true(vg_archive_member_truncated(vg_archive_kept(a, "c", 0)));
        assert_int_equal(vg_archive_kept_count(a, "d"), 0);
        vg_archive_free(a);
        log_free(&l);
        vg_diag_free(d);
        free(p);
    }
    free(big);
}

static void test_gzip_bomb(void **state)
{
    struct vg_diag *d = diag_new();
    struct vg_archive_opts o;
    struct vg_archive *a;
    unsigned char *p;
    struct log l;
    size_t n;
    (void)state;

    /* 4 GiB of zeros in ~10 KB */
    assert_int_equal(vgfix_archive_gzip_bomb(4096, &p, &n), 0);
    assert_true(n < 16 * 1024);
    /* skipped, with the default caps: the ratio cap ends the pass after
     * VG_ARCHIVE_RATIO_FLOOR bytes, not 4 GiB */
    log_init(&l, VG_ARCHIVE_SKIP);
    assert_int_equal(pass_mem(p, n, NULL, d, &l, &a), VG_E_LIMIT);
    assert_string_equal(l.ev.data, "0 f bomb.bin [bomb.bin] 4294967296 -\n");
    assert_true(warned(d, "test.ar: bomb.bin:", "a decompression bomb?", NULL));
    vg_archive_free(a);
    log_free(&l);
    /* streamed: what is handed over stops at the floor (plus one block) */
    vg_archive_opts_init(&o);
    o.ratio_floor = 8u << 20;
    log_init(&l, VG_ARCHIVE_STREAM);
    l.count_only = 1;
    assert_int_equal(pass_mem(p, n, &o, d, &l, &a), VG_E_LIMIT);
    assert_true(l.stream_bytes <= (8u << 20) + 64 * 1024);
    assert_int_equal(l.end_status, VG_E_LIMIT);
    vg_archive_free(a);
    log_free(&l);
    /* kept: never kept, its temp file gone */
    log_init(&l, VG_ARCHIVE_KEEP);
    assert_int_equal(pass_mem(p, n, &o, d, &l, &a), VG_E_LIMIT);
    assert_int_equal(vg_archive_kept_total(a), 0);
    {
        const char *tdir;
        assert_int_equal(vg_tmp_dir(&tdir), VG_OK);
        assert_int_equal(dir_count(tdir), 0);
    }
    vg_archive_free(a);
    log_free(&l);
    vg_diag_free(d);
    free(p);
}

/* ---- zip: central directory against local headers ---------------------------------- */

static void test_zip_disagree(void **state)
{
    struct vg_diag *d = diag_new();
    struct vg_archive_opts o;
    struct vg_archive *a;
    unsigned char *p;
    struct log l;
    size_t n;
    (void)state;

    assert_int_equal(vgfix_archive_zip_disagree(&p, &n), 0);
    /* seekable: the central directory lists the members, libarchive
     * compares each local header with it and says where they differ */
    log_init(&l, VG_ARCHIVE_KEEP);
    assert_int_equal(pass_mem(p, n, NULL, d, &l, &a), VG_OK);
    assert_true(
        warned(d, "test.ar: " VGFIX_ZIP_LOCAL_NAME ": Inconsistent uncompressed size", NULL));
    assert_true(warned(d,
                       "test.ar: " VGFIX_ZIP_LOCAL_NAME ": reading the member: ZIP "
                       "uncompressed data is wrong size (read 5, expected 6)",
                       NULL));
    assert_true(vg_archive_member_damaged(vg_archive_kept(a, VGFIX_ZIP_LOCAL_NAME, 0)));
    kept_is(a, "b.txt", 0, "second", 6);
    assert_false(vg_archive_member_damaged(vg_archive_kept(a, "b.txt", 0)));
    vg_archive_free(a);
    log_free(&l);
    vg_diag_free(d);
    /* streamed: the local headers alone, which agree with themselves */
    d = diag_new();
    vg_archive_opts_init(&o);
    o.no_seek = 1;
    log_init(&l, VG_ARCHIVE_KEEP);
    assert_int_equal(pass_mem(p, n, &o, d, &l, &a), VG_OK);
    assert_string_equal(l.ev.data, "0 f z.txt [z.txt] 6 -\n1 f b.txt [b.txt] 6 -\n");
    kept_is(a, "b.txt", 0, "second", 6);
    vg_archive_free(a);
    log_free(&l);
    dump_diag(d);
    vg_diag_free(d);
    free(p);
}

/* ---- nesting ----------------------------------------------------------------------------- */

static void test_nested(void **state)
{
    struct vgfix_ar_entry in[] = {{.name = "deep.txt", .data = "deep", .len = 4}};
    struct vgfix_ar_entry out[] = {
        {.name = "readme", .data = "r", .len = 1},
        {.name = "inner.zip"},
    };
    struct vg_diag *d = diag_new();
    struct vg_archive_opts o;
    struct vg_archive *a, *b;
    struct vg_archive_visitor vis;
    unsigned char *pi, *po;
    struct log l, m;
    size_t ni, no;
    int in_file;
    (void)state;

    assert_int_equal(vgfix_archive(VGFIX_AR_ZIP, in, 1, &pi, &ni), 0);
    out[1].data = pi;
    out[1].len = ni;
    assert_int_equal(vgfix_archive(VGFIX_AR_ZIP, out, 2, &po, &no), 0);
    for (in_file = 0; in_file < 2; in_file++) {
        vg_archive_opts_init(&o);
        o.mem_threshold = in_file ? 16 : VG_ARCHIVE_MEM_KEEP;
        log_init(&l, VG_ARCHIVE_KEEP);
        assert_int_equal(pass_mem(po, no, &o, d, &l, &a), VG_OK);
        assert_int_equal(vg_archive_member_in_file(vg_archive_kept(a, "inner.zip", 0)), in_file);
        assert_int_equal(vg_archive_open_member(a, vg_archive_kept(a, "inner.zip", 0), NULL, &b),
                         VG_OK);
        assert_string_equal(vg_archive_label(b), "test.ar!inner.zip");
        log_init(&m, VG_ARCHIVE_KEEP);
        vis = visitor(&m);
        assert_int_equal(vg_archive_read(b, &vis), VG_OK);
        kept_is(b, "deep.txt", 0, "deep", 4);
        vg_archive_free(b);
        vg_archive_free(a);
        log_free(&l);
        log_free(&m);
    }
    assert_int_equal(vg_diag_size(d), 0);
    vg_diag_free(d);
    free(pi);
    free(po);
}

static void test_nesting_depth(void **state)
{
    struct vg_archive *chain[VG_ARCHIVE_MAX_DEPTH + 2];
    struct vgfix_ar_entry e = {.name = "z.zip"};
    struct vg_diag *d = diag_new();
    unsigned char *p, *q;
    size_t n, k, depth;
    struct log l;
    (void)state;

    /* z.zip inside z.zip inside ... one level more than allowed */
    assert_int_equal(vgfix_archive(VGFIX_AR_ZIP_STORED,
                                   &(struct vgfix_ar_entry){.name = "leaf", .data = "x", .len = 1},
                                   1, &p, &n),
                     0);
    for (k = 0; k < VG_ARCHIVE_MAX_DEPTH + 1; k++) {
        e.data = p;
        e.len = n;
        assert_int_equal(vgfix_archive(VGFIX_AR_ZIP_STORED, &e, 1, &q, &n), 0);
        free(p);
        p = q;
    }
    chain[0] = open_mem(p, n, NULL, d);
    for (depth = 0;; depth++) {
        struct vg_archive_visitor vis;
        struct vg_archive_member *m;
        log_init(&l, VG_ARCHIVE_KEEP);
        vis = visitor(&l);
        assert_int_equal(vg_archive_read(chain[depth], &vis), VG_OK);
        log_free(&l);
        m = vg_archive_kept(chain[depth], "z.zip", 0);
        assert_non_null(m);
        if (depth == VG_ARCHIVE_MAX_DEPTH) {
            assert_int_equal(vg_archive_open_member(chain[depth], m, NULL, &chain[depth + 1]),
                             VG_E_LIMIT);
            break;
        }
        assert_int_equal(vg_archive_open_member(chain[depth], m, NULL, &chain[depth + 1]), VG_OK);
    }
    assert_true(warned(d, "z.zip: archive nested more than", NULL));
    for (k = depth + 1; k-- > 0;)
        vg_archive_free(chain[k]);
    vg_diag_free(d);
    free(p);
}

/* ---- opening --------------------------------------------------------------------------- */

static void test_open_refusals(void **state)
{
    char *dir = vgfix_tmpdir("archive-open"), *f = vg_asprintf("%s/f.tar", dir),
         *link = vg_asprintf("%s/link.tar", dir), *fifo = vg_asprintf("%s/fifo", dir),
         *junk = vg_asprintf("%s/junk", dir), *empty = vg_asprintf("%s/empty", dir),
         *missing = vg_asprintf("%s/missing", dir);
    struct vgfix_ar_entry e = {.name = "a", .data = "1", .len = 1};
    struct vg_diag *d = diag_new();
    struct vg_archive *a = NULL;
    struct vg_archive_visitor vis;
    struct log l;
    (void)state;

    assert_int_equal(vgfix_archive_file(f, VGFIX_AR_TAR, &e, 1), 0);
    assert_int_equal(symlink(f, link), 0);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(vgfix_write_file(junk, "this is not an archive at all, just words\n", 42), 0);
    assert_int_equal(vgfix_write_file(empty, "", 0), 0);
    assert_int_equal(vg_archive_open_path(link, NULL, d, &a), VG_E_IO);
    assert_int_equal(vg_archive_open_path(dir, NULL, d, &a), VG_E_INVAL);
    assert_int_equal(vg_archive_open_path(fifo, NULL, d, &a), VG_E_INVAL); /* does not hang */
    assert_int_equal(vg_archive_open_path(junk, NULL, d, &a), VG_E_UNSUPPORTED);
    assert_int_equal(vg_archive_open_path(missing, NULL, d, &a), VG_E_IO);
    assert_null(a);
    assert_int_equal(vg_diag_count(d, VG_DIAG_ERROR), 5);
    assert_non_null(strstr(vg_diag_get(d, 0)->message, "a symbolic link, refused"));
    assert_non_null(strstr(vg_diag_get(d, 1)->message, "not a regular file, refused"));
    assert_non_null(strstr(vg_diag_get(d, 3)->message, "not an archive"));
    /* an empty file is an empty archive */
    assert_int_equal(vg_archive_open_path(empty, NULL, d, &a), VG_OK);
    log_init(&l, VG_ARCHIVE_KEEP);
    vis = visitor(&l);
    assert_int_equal(vg_archive_read(a, &vis), VG_OK);
    assert_int_equal(l.ev.len, 0);
    vg_archive_free(a);
    log_free(&l);
    vg_archive_free(NULL);
    vgfix_rmtree(dir);
    vg_diag_free(d);
    free(dir);
    free(f);
    free(link);
    free(fifo);
    free(junk);
    free(empty);
    free(missing);
}

/* ---- determinism ------------------------------------------------------------------------- */

/* Every event and message of one pass, as text. */
static char *run_log(const unsigned char *p, size_t n)
{
    struct vg_diag *d = diag_new();
    struct vg_archive *a;
    struct vg_buf out;
    struct log l;
    size_t i;

    vg_buf_init(&out, 1u << 20);
    log_init(&l, VG_ARCHIVE_KEEP);
    l.stream_name = "ok.txt";
    (void)pass_mem(p, n, NULL, d, &l, &a);
    assert_int_equal(vg_buf_append_str(&out, l.ev.data ? l.ev.data : ""), VG_OK);
    assert_int_equal(vg_buf_printf(&out, "streamed %zu\n", l.streamed.len), VG_OK);
    for (i = 0; i < vg_archive_kept_total(a); i++)
        assert_int_equal(
            vg_buf_printf(&out, "kept %s %llu\n",
                          vg_archive_member_entry(vg_archive_kept_at(a, i))->name,
                          (unsigned long long)vg_archive_member_size(vg_archive_kept_at(a, i))),
            VG_OK);
    for (i = 0; i < vg_diag_size(d); i++)
        assert_int_equal(vg_buf_printf(&out, "%s\n", vg_diag_get(d, i)->message), VG_OK);
    vg_archive_free(a);
    log_free(&l);
    vg_diag_free(d);
    return vg_buf_take(&out);
}

static void test_deterministic(void **state)
{
    struct vgfix_ar_entry v[] = {
        {.name = "../evil", .data = "e1", .len = 2},
        {.name = "ok.txt", .data = "ok", .len = 2},
        {.name = "x", .data = "1", .len = 1},
        {.name = "l", .kind = VGFIX_AR_SYMLINK, .target = "/etc"},
        {.name = "x", .data = "2", .len = 1},
    };
    unsigned char *p;
    size_t n;
    char *one, *two;
    int fmt;
    (void)state;

    for (fmt = 0; fmt < VGFIX_AR_FMT_COUNT; fmt++) {
        assert_int_equal(vgfix_archive((enum vgfix_ar_fmt)fmt, v, 5, &p, &n), 0);
        one = run_log(p, n);
        two = run_log(p, n);
        assert_string_equal(one, two);
        assert_non_null(strstr(one, "kept x 1\nkept x 1\n"));
        free(one);
        free(two);
        free(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_format),
        cmocka_unit_test(test_keep_stream_skip),
        cmocka_unit_test(test_stream_error_and_stop),
        cmocka_unit_test(test_threshold),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_hostile_names),
        cmocka_unit_test(test_long_and_empty_names),
        cmocka_unit_test(test_claims_2_40),
        cmocka_unit_test(test_member_and_total_caps),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_gzip_bomb),
        cmocka_unit_test(test_zip_disagree),
        cmocka_unit_test(test_nested),
        cmocka_unit_test(test_nesting_depth),
        cmocka_unit_test(test_open_refusals),
        cmocka_unit_test(test_deterministic),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    vg_tmp_cleanup();
    return rc;
}
