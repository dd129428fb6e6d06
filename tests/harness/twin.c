/* Twin backups, plain and encrypted (see twin.h). SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE /* vasprintf */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>
#include <sqlite3.h>

#include "twin.h"

#define BIG_LEN (2u * 1024u * 1024u + 12345u) /* crosses the 1 MiB decrypt chunks */

char *vgt_str(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    return s;
}

static void exec_sql(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
}

static void copy_file(const char *from, const char *to)
{
    size_t len = 0;
    char *data = vgfix_read_file(from, &len);
    assert_non_null(data);
    assert_int_equal(vgfix_write_file(to, data, len), 0);
    free(data);
}

/* sms.db as MVT's module reads it, in WAL mode: the first message is in the
 * database file, the later ones only in the -wal (copied while the writer
 * is still open: closing would checkpoint them away). */
static void make_sms(const char *src, const char *marker)
{
    char *live = vgt_str("%s/live-sms.db", src), *live_wal = vgt_str("%s/live-sms.db-wal", src);
    char *db_copy = vgt_str("%s/sms.db", src), *wal_copy = vgt_str("%s/sms.db-wal", src);
    char *sql;
    sqlite3 *db = NULL;

    assert_int_equal(sqlite3_open(live, &db), SQLITE_OK);
    exec_sql(db, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
                 "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT, service TEXT);"
                 "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT,"
                 " handle_id INTEGER, service TEXT, date INTEGER, date_read INTEGER,"
                 " is_from_me INTEGER);"
                 "INSERT INTO handle VALUES (1, '+15550100001', 'iMessage');"
                 "INSERT INTO message VALUES (1, 'G1', 'checkpointed hello', 1, 'iMessage',"
                 " 659999999000000000, 0, 0);");
    exec_sql(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sql = vgt_str("INSERT INTO message VALUES (2, 'G2', 'only in the wal: %s', 1, 'iMessage',"
                  " 660000000000000000, 0, 1);"
                  "INSERT INTO message VALUES (3, 'G3', 'look https://evil.example.net/p?x=1', 1,"
                  " 'iMessage', 660000100000000000, 660000200000000000, 0);",
                  marker);
    exec_sql(db, sql);
    copy_file(live, db_copy);
    copy_file(live_wal, wal_copy);
    sqlite3_close(db);
    free(sql);
    free(live);
    free(live_wal);
    free(db_copy);
    free(wal_copy);
}

static void make_sources(const char *src, const char *marker)
{
    char *prefs_path = vgt_str("%s/GlobalPreferences.plist", src);
    char *big_path = vgt_str("%s/big.bin", src);
    plist_t prefs;
    unsigned char *big;
    size_t i;

    assert_int_equal(mkdir(src, 0700), 0);
    make_sms(src, marker);
    prefs =
        vgfix_plist_dict("LDMGlobalEnabled", plist_new_bool(1), "AppleLocale",
                         plist_new_string("en_US"), "VigieMarker", plist_new_string(marker), NULL);
    assert_non_null(prefs);
    assert_int_equal(vgfix_plist_write(prefs_path, prefs, VGFIX_PLIST_BINARY), 0);
    plist_free(prefs);
    big = malloc(BIG_LEN);
    assert_non_null(big);
    for (i = 0; i < BIG_LEN; i++)
        big[i] = (unsigned char)(i * 2654435761u >> 24);
    memcpy(big + 100, marker, strlen(marker));
    memcpy(big + BIG_LEN - 100, marker, strlen(marker));
    assert_int_equal(vgfix_write_file(big_path, big, BIG_LEN), 0);
    free(big);
    free(prefs_path);
    free(big_path);
}

static void add_from(struct vgfix_backup *b, const char *domain, const char *rel, const char *src,
                     const char *name)
{
    char *path = vgt_str("%s/%s", src, name);
    assert_int_equal(vgfix_backup_add_file_from(b, domain, rel, path), 0);
    free(path);
}

static void build_one(const char *dir, const char *src, const char *marker, uint32_t iterations,
                      int enc, int legacy, void (*extra)(struct vgfix_backup *, int, void *),
                      void *ud, unsigned char key[32])
{
    struct vgfix_backup *b;
    char text[256];

    b = vgfix_backup_new(dir);
    assert_non_null(b);
    if (enc && legacy)
        assert_int_equal(vgfix_backup_set_password_legacy(b, VGT_PASSWORD, iterations), 0);
    else if (enc)
        assert_int_equal(vgfix_backup_set_password(b, VGT_PASSWORD, iterations), 0);
    assert_int_equal(vgfix_backup_add_dir(b, "HomeDomain", "Library"), 0);
    assert_int_equal(vgfix_backup_add_dir(b, "HomeDomain", "Library/SMS"), 0);
    add_from(b, "HomeDomain", "Library/SMS/sms.db", src, "sms.db");
    add_from(b, "HomeDomain", "Library/SMS/sms.db-wal", src, "sms.db-wal");
    add_from(b, "HomeDomain", "Library/Preferences/.GlobalPreferences.plist", src,
             "GlobalPreferences.plist");
    add_from(b, "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.MOV", src, "big.bin");
    snprintf(text, sizeof(text), "notes %s", marker);
    assert_int_equal(
        vgfix_backup_add_file(b, "HomeDomain", "Library/Notes/notes.txt", text, strlen(text)), 0);
    assert_int_equal(vgfix_backup_add_file(b, "HomeDomain", "Library/empty.txt", "", 0), 0);
    assert_int_equal(vgfix_backup_add_file(b, "AppDomain-com.example.app",
                                           "Library/https_evil.example.net_0.localstorage", "x", 1),
                     0);
    assert_int_equal(vgfix_backup_add_symlink(b, "HomeDomain", "Library/link", "notes.txt"), 0);
    assert_int_equal(vgfix_backup_add_app(b, "com.example.app"), 0);
    if (extra)
        extra(b, enc, ud);
    assert_int_equal(vgfix_backup_finish(b), 0);
    if (enc) /* the key as the fixture derived it, with OpenSSL directly */
        assert_int_equal(vgfix_backup_password_key(b, key), 0);
    vgfix_backup_free(b);
}

/* Plaintext left by a run was written after the first twin was built:
 * older files are not read (the searched trees hold build folders). */
static time_t marker_since;

void vgt_build(struct vgt_twin *t, const char *tag, uint32_t iterations, int legacy,
               void (*extra)(struct vgfix_backup *b, int enc, void *ud), void *ud)
{
    static unsigned counter;
    char *src, *plain_dir, *enc_dir;

    memset(t, 0, sizeof(*t));
    if (!marker_since)
        marker_since = time(NULL) - 1;
    t->work = vgfix_tmpdir(tag);
    assert_non_null(t->work);
    snprintf(t->marker, sizeof(t->marker), "vigie-plaintext-%ld-%u", (long)getpid(), counter++);
    src = vgt_str("%s/src", t->work);
    plain_dir = vgt_str("%s/plain", t->work);
    enc_dir = vgt_str("%s/enc", t->work);
    make_sources(src, t->marker);
    assert_int_equal(mkdir(plain_dir, 0700), 0);
    assert_int_equal(mkdir(enc_dir, 0700), 0);
    t->plain = vgt_str("%s/backup", plain_dir);
    t->enc = vgt_str("%s/backup", enc_dir);
    build_one(t->plain, src, t->marker, iterations, 0, legacy, extra, ud, t->key);
    build_one(t->enc, src, t->marker, iterations, 1, legacy, extra, ud, t->key);
    vgfix_rmtree(src);
    free(src);
    free(plain_dir);
    free(enc_dir);
}

void vgt_free(struct vgt_twin *t)
{
    if (t->work)
        vgfix_rmtree(t->work);
    free(t->work);
    free(t->plain);
    free(t->enc);
    memset(t, 0, sizeof(*t));
}

static int contains(const char *path, const char *marker)
{
    size_t len = 0;
    char *data = vgfix_read_file(path, &len);
    int found;

    if (!data)
        return 0;
    found = memmem(data, len, marker, strlen(marker)) != NULL;
    free(data);
    return found;
}

size_t vgt_find_marker(const char *dir, const char *marker, const char *skip)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL) {
        char *path;
        struct stat st;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        path = vgt_str("%s/%s", dir, e->d_name);
        if (skip && strcmp(path, skip) == 0)
            ;
        else if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            n += vgt_find_marker(path, marker, skip);
        else if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
                 (st.st_mtime >= marker_since || st.st_ctime >= marker_since) &&
                 contains(path, marker))
            n++;
        free(path);
    }
    closedir(d);
    return n;
}

/* Leaves file out of info's "hashes". */
static void drop_hash(json_t *info, const char *file)
{
    json_t *hashes = json_object_get(info, "hashes"), *h;
    size_t i;

    json_array_foreach(hashes, i, h)
    {
        if (strcmp(json_string_value(json_object_get(h, "file")), file) == 0) {
            json_array_remove(hashes, i);
            return;
        }
    }
}

static int same_info(const char *a, const char *b)
{
    json_t *x = json_load_file(a, 0, NULL), *y = json_load_file(b, 0, NULL);
    int same;

    assert_non_null(x);
    assert_non_null(y);
    json_object_del(x, "date");
    json_object_del(y, "date");
    /* what differs by construction: the fact itself, and Manifest.plist,
     * which holds the keybag */
    json_object_del(json_object_get(x, "device"), "encrypted");
    json_object_del(json_object_get(y, "device"), "encrypted");
    drop_hash(x, "Manifest.plist");
    drop_hash(y, "Manifest.plist");
    same = json_equal(x, y);
    if (!same) {
        char *sx = json_dumps(x, JSON_INDENT(1) | JSON_SORT_KEYS);
        char *sy = json_dumps(y, JSON_INDENT(1) | JSON_SORT_KEYS);
        printf("info.json differs:\n--- %s\n+++ %s\n", sx, sy);
        free(sx);
        free(sy);
    }
    json_decref(x);
    json_decref(y);
    return same;
}

static char *without_date_line(const char *path)
{
    char *s = vgfix_read_file(path, NULL), *d;

    assert_non_null(s);
    d = strstr(s, "date: ");
    if (d) {
        char *end = strchr(d, '\n');
        memmove(d, end ? end + 1 : d + strlen(d), strlen(end ? end + 1 : d + strlen(d)) + 1);
    }
    return s;
}

/* report.html is made of the files compared here, and shows info.json's
 * acquisition facts, which differ by construction. */
int vgt_same_results(const char *a, const char *b)
{
    char *pa, *pb, *la, *lb, *out = NULL;
    int rc = 0;

    if (vgt_run(&out, "diff -r -x info.json -x command.log -x report.html '%s' '%s' 2>&1", a, b) !=
        0) {
        printf("results differ:\n%s\n", out);
        rc = -1;
    }
    free(out);
    pa = vgt_str("%s/info.json", a);
    pb = vgt_str("%s/info.json", b);
    if (!same_info(pa, pb))
        rc = -1;
    free(pa);
    free(pb);
    pa = vgt_str("%s/command.log", a);
    pb = vgt_str("%s/command.log", b);
    la = without_date_line(pa);
    lb = without_date_line(pb);
    if (strcmp(la, lb) != 0) {
        printf("command.log differs:\n%s\n%s\n", la, lb);
        rc = -1;
    }
    free(la);
    free(lb);
    free(pa);
    free(pb);
    return rc;
}

int vgt_run(char **out, const char *fmt, ...)
{
    char cmd[16384];
    va_list ap;
    FILE *p;
    size_t n = 0, cap = 65536;
    char *buf = malloc(cap);
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    assert_non_null(buf);
    p = popen(cmd, "r");
    assert_non_null(p);
    for (;;) {
        size_t got;
        if (cap - n < 4096) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        got = fread(buf + n, 1, cap - n - 1, p);
        if (got == 0)
            break;
        n += got;
    }
    buf[n] = '\0';
    st = pclose(p);
    if (out)
        *out = buf;
    else
        free(buf);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}
