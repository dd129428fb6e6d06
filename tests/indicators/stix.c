/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "util/vg.h"
#include "bundle.h"
#include "fixture.h"

static struct vg_iocs *new_iocs(void)
{
    struct vg_iocs *x = NULL;
    assert_int_equal(vg_iocs_new(&x), VG_OK);
    return x;
}

static struct vg_diag *new_diag(void)
{
    struct vg_diag *d = NULL;
    assert_int_equal(vg_diag_new(NULL, NULL, &d), VG_OK);
    return d;
}

static int load_text(struct vg_iocs *x, const char *name, const char *text, struct vg_diag *d)
{
    return vg_iocs_load_buffer(x, name, text, strlen(text), d);
}

/* The only diagnostic of that level, which must mention `part`. */
static void diag_says(const struct vg_diag *d, enum vg_diag_level level, const char *part)
{
    size_t i, seen = 0;
    for (i = 0; i < vg_diag_size(d); i++) {
        const struct vg_diag_entry *e = vg_diag_get(d, i);
        if (e->level != level)
            continue;
        seen++;
        if (!strstr(e->message, part))
            fail_msg("diagnostic \"%s\" does not say \"%s\"", e->message, part);
    }
    assert_int_equal(seen, 1);
}

static void test_every_form(void **state)
{
    const char *p[] = {
        "[domain-name:value = 'example.org']",
        "[ipv4-addr:value='198.51.100.1']",
        "[ipv6-addr:value = '2001:db8::1']",
        "[url:value = 'http://example.com/thisisbad']",
        "[process:name = 'Launch']",
        "[email-addr:value = 'foobar@example.org']",
        "[file:name = 'it\\'s a \\\\ name']",
        "[file:path = '/var/foobar/txt']",
        "[file:hashes.md5 = '0123456789abcdef0123456789abcdef']",
        "[file:hashes.sha1 = '0123456789abcdef0123456789abcdef01234567']",
        "[file:hashes.sha256 = "
        "'0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef']",
        "[file:hashes.'MD5' = 'ffffffffffffffffffffffffffffffff']",
        "[file:hashes.'SHA-1' = 'ffffffffffffffffffffffffffffffffffffffff']",
        "[file:hashes.'SHA-256' = "
        "'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff']",
        "[app:id = 'com.evil.app']",
        "[app:cert.md5 = 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee']",
        "[app:cert.sha1 = 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee']",
        "[app:cert.sha256 = 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee']",
        "[configuration-profile:id = '76DAB334-7E17-475D-A5D6-0794EB5818A5']",
        "[android-property:name = 'sys.foobar']",
        "[domain-name:value = 'a.example' OR domain-name:value = 'b.example']",
        "[process:name = 'p1'] OR [process:name = 'p2']",
        "  [  app:id\t=\n'com.spaced'  ]  ",
    };
    static const size_t want[VG_IOC_TYPE_COUNT] = {
        [VG_IOC_DOMAIN] = 3,
        [VG_IOC_IPV4] = 1,
        [VG_IOC_IPV6] = 1,
        [VG_IOC_URL] = 1,
        [VG_IOC_PROCESS] = 3,
        [VG_IOC_EMAIL] = 1,
        [VG_IOC_FILE_NAME] = 1,
        [VG_IOC_FILE_PATH] = 1,
        [VG_IOC_FILE_MD5] = 2,
        [VG_IOC_FILE_SHA1] = 2,
        [VG_IOC_FILE_SHA256] = 2,
        [VG_IOC_APP_ID] = 2,
        [VG_IOC_APP_CERT_MD5] = 1,
        [VG_IOC_APP_CERT_SHA1] = 1,
        [VG_IOC_APP_CERT_SHA256] = 1,
        [VG_IOC_PROFILE_ID] = 1,
        [VG_IOC_ANDROID_PROPERTY] = 1,
    };
    struct vg_iocs *x = new_iocs();
    struct vg_diag *d = new_diag();
    struct vg_ioc_match m;
    size_t t;
    (void)state;
    assert_int_equal(tb_load(x, "forms.stix2", "Forms", p, VG_ARRAY_LEN(p), d), VG_OK);
    assert_int_equal(vg_diag_size(d), 0);
    for (t = 0; t < VG_IOC_TYPE_COUNT; t++)
        if (vg_iocs_count_type(x, (enum vg_ioc_type)t) != want[t])
            fail_msg("%s: %zu loaded, want %zu", vg_ioc_type_stix((enum vg_ioc_type)t),
                     vg_iocs_count_type(x, (enum vg_ioc_type)t), want[t]);
    assert_int_equal(vg_iocs_count(x), 25);
    assert_int_equal(vg_iocs_file(x, 0)->loaded, 25);
    assert_int_equal(vg_iocs_match_file_name(x, "it's a \\ name", &m), 1);
    assert_int_equal(vg_iocs_match_domain(x, "b.example", &m), 1);
    /* both comparisons of an OR come from the same indicator */
    assert_string_equal(m.id, "indicator--forms.stix2-20");
    assert_int_equal(vg_iocs_match_process(x, "p2", &m), 1);
    assert_string_equal(m.id, "indicator--forms.stix2-21");
    assert_int_equal(vg_iocs_match_app_id(x, "com.spaced", &m), 1);
    assert_int_equal(vg_iocs_match_hash(x, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", &m), 1);
    assert_int_equal(m.type, VG_IOC_FILE_MD5);
    vg_diag_free(d);
    vg_iocs_free(x);
}

/* Two malware, a report, and indicators related to each or to none. */
static const char grouped[] =
    "{\"type\": \"bundle\", \"id\": \"bundle--1\", \"objects\": ["
    "{\"type\": \"indicator\", \"id\": \"indicator--free\","
    " \"pattern\": \"[domain-name:value = 'free.example']\", \"pattern_type\": \"stix\"},"
    "{\"type\": \"malware\", \"id\": \"malware--a\", \"name\": \"Alpha\"},"
    "{\"type\": \"malware\", \"id\": \"malware--b\", \"name\": \"Beta\"},"
    "{\"type\": \"report\", \"id\": \"report--r\", \"name\": \"The Report\","
    " \"object_refs\": [\"indicator--r1\", \"malware--a\"]},"
    "{\"type\": \"indicator\", \"id\": \"indicator--b1\","
    " \"pattern\": \"[domain-name:value = 'b1.example']\"},"
    "{\"type\": \"indicator\", \"id\": \"indicator--a1\","
    " \"pattern\": \"[domain-name:value = 'a1.example']\"},"
    "{\"type\": \"indicator\", \"id\": \"indicator--r1\","
    " \"pattern\": \"[domain-name:value = 'r1.example']\"},"
    "{\"type\": \"relationship\", \"id\": \"relationship--1\", \"relationship_type\": "
    "\"indicates\", \"source_ref\": \"indicator--a1\", \"target_ref\": \"malware--a\"},"
    "{\"type\": \"relationship\", \"id\": \"relationship--2\", \"relationship_type\": "
    "\"indicates\", \"source_ref\": \"indicator--b1\", \"target_ref\": \"malware--b\"},"
    "{\"type\": \"relationship\", \"id\": \"relationship--3\", \"relationship_type\": "
    "\"indicates\", \"source_ref\": \"indicator--r1\", \"target_ref\": \"malware--b\"},"
    "{\"type\": \"relationship\", \"id\": \"relationship--4\", \"relationship_type\": "
    "\"indicates\", \"source_ref\": \"indicator--free\", \"target_ref\": \"identity--x\"}"
    "]}";

static void collection_is(const struct vg_iocs *x, const char *host, const char *coll)
{
    struct vg_ioc_match m;
    assert_int_equal(vg_iocs_match_domain(x, host, &m), 1);
    assert_string_equal(m.collection, coll);
    assert_string_equal(m.file, "grouped.stix2");
}

static void test_collections(void **state)
{
    struct vg_iocs *x = new_iocs();
    const struct vg_ioc_collection_info *c;
    (void)state;
    assert_int_equal(load_text(x, "/some/folder/grouped.stix2", grouped, NULL), VG_OK);
    collection_is(x, "a1.example", "Alpha");
    collection_is(x, "b1.example", "Beta");
    collection_is(x, "r1.example", "The Report"); /* a report's refs come first */
    collection_is(x, "free.example", "grouped");  /* no malware: the file's own */
    /* listed in the order their first indicator was loaded */
    assert_int_equal(vg_iocs_collection_count(x), 4);
    c = vg_iocs_collection(x, 0);
    assert_string_equal(c->name, "grouped");
    assert_string_equal(c->file, "grouped.stix2");
    assert_int_equal(c->total, 1);
    assert_int_equal(c->count[VG_IOC_DOMAIN], 1);
    assert_string_equal(vg_iocs_collection(x, 1)->name, "Beta");
    assert_string_equal(vg_iocs_collection(x, 2)->name, "Alpha");
    assert_string_equal(vg_iocs_collection(x, 3)->name, "The Report");
    assert_null(vg_iocs_collection(x, 4));
    assert_string_equal(vg_iocs_file(x, 0)->path, "/some/folder/grouped.stix2");
    assert_string_equal(vg_iocs_file(x, 0)->name, "grouped.stix2");
    vg_iocs_free(x);
}

static void test_fallback_names(void **state)
{
    const char *p[] = {"[app:id = 'x']"};
    struct vg_iocs *x = new_iocs();
    struct vg_ioc_match m;
    char *text = tb_bundle("t", NULL, p, 1);
    (void)state;
    assert_int_equal(load_text(x, "dir/my.iocs.json", text, NULL), VG_OK);
    assert_int_equal(vg_iocs_match_app_id(x, "x", &m), 1);
    assert_string_equal(m.collection, "my.iocs");
    assert_string_equal(m.file, "my.iocs.json");
    vg_iocs_free(x);
    x = new_iocs();
    assert_int_equal(load_text(x, "plain", text, NULL), VG_OK);
    assert_int_equal(vg_iocs_match_app_id(x, "x", &m), 1);
    assert_string_equal(m.collection, "plain");
    vg_iocs_free(x);
    free(text);
}

static void test_broken(void **state)
{
    static const struct {
        const char *text, *says;
    } cases[] = {
        {"{\"type\": \"bundle\", \"objects\": [", "broken.json: not valid JSON"},
        {"", "broken.json: not valid JSON"},
        {"\x89PNG\r\n", "broken.json: not valid JSON"},
        {"{\"type\": \"report\", \"objects\": []}", "broken.json: not a STIX2 bundle"},
        {"{\"type\": \"bundle\"}", "no \"objects\" array"},
        {"{\"type\": \"bundle\", \"objects\": {}}", "no \"objects\" array"},
        {"[{\"type\": \"bundle\"}]", "not a STIX2 bundle"},
        {"{\"objects\": []}", "\"type\" is not \"bundle\""},
    };
    size_t i;
    (void)state;
    for (i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_iocs *x = new_iocs();
        struct vg_diag *d = new_diag();
        assert_int_equal(load_text(x, "broken.json", cases[i].text, d), VG_E_CORRUPT);
        diag_says(d, VG_DIAG_ERROR, cases[i].says);
        assert_int_equal(vg_iocs_count(x), 0);
        vg_diag_free(d);
        vg_iocs_free(x);
    }
}

static void test_unsupported_counted(void **state)
{
    const char *p[] = {
        "[domain-name:value = 'a' AND domain-name:value = 'b']",
        "[domain-name:value MATCHES '^evil']",
        "[url:value LIKE 'http://%']",
        "[x-custom:value = 'a']",
        "[file:size = 10]",
        "[domain-name:value = '*.wild.example']",
        "[ipv4-addr:value = '10.0.0.0/8']",
        "[domain-name:value = 'kept.example']",
        /* the known half of an OR is kept, and the indicator still counted */
        "[domain-name:value = 'half.example' OR mutex:name = 'm']",
    };
    struct vg_iocs *x = new_iocs();
    struct vg_diag *d = new_diag();
    const struct vg_ioc_file_info *f;
    (void)state;
    assert_int_equal(tb_load(x, "odd.stix2", "Odd", p, VG_ARRAY_LEN(p), d), VG_OK);
    f = vg_iocs_file(x, 0);
    assert_int_equal(f->unsupported, 8);
    assert_int_equal(f->loaded, 2);
    assert_int_equal(vg_iocs_match_domain(x, "half.example", NULL), 1);
    assert_int_equal(vg_iocs_match_domain(x, "kept.example", NULL), 1);
    diag_says(d, VG_DIAG_WARN,
              "odd.stix2: 8 indicators of unsupported shape skipped: [domain-name:value = 'a' "
              "AND domain-name:value = 'b'], [domain-name:value MATCHES '^evil'], [url:value "
              "LIKE 'http://%'], ...");
    assert_int_equal(vg_diag_count(d, VG_DIAG_ERROR), 0);
    vg_diag_free(d);
    vg_iocs_free(x);
}

static void test_unsupported_objects(void **state)
{
    static const char text[] =
        "{\"type\": \"bundle\", \"objects\": ["
        "{\"type\": \"indicator\", \"id\": \"indicator--1\", \"pattern\": \"title: x\","
        " \"pattern_type\": \"sigma\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--2\"},"
        "{\"type\": \"indicator\", \"id\": \"indicator--3\", \"pattern\": 7},"
        "{\"type\": \"indicator\", \"pattern\": \"[app:id = 'no.id']\"},"
        "7, \"x\", null, {\"no\": \"type\"}"
        "]}";
    struct vg_iocs *x = new_iocs();
    struct vg_diag *d = new_diag();
    struct vg_ioc_match m;
    (void)state;
    assert_int_equal(load_text(x, "odd.json", text, d), VG_OK);
    assert_int_equal(vg_iocs_file(x, 0)->unsupported, 3);
    diag_says(d, VG_DIAG_WARN,
              "3 indicators of unsupported shape skipped: title: x, (no "
              "pattern), (no pattern)");
    assert_int_equal(vg_iocs_match_app_id(x, "no.id", &m), 1);
    assert_string_equal(m.id, "");
    assert_string_equal(m.collection, "odd");
    vg_diag_free(d);
    vg_iocs_free(x);
}

static void test_duplicates(void **state)
{
    const char *p[] = {"[domain-name:value = 'dup.example']",
                       "[domain-name:value = 'DUP.example.']",
                       "[domain-name:value = 'other.example']"};
    const char *q[] = {"[domain-name:value = 'dup.example']"};
    struct vg_iocs *x = new_iocs();
    struct vg_diag *d = new_diag();
    char *text = tb_bundle("same", "Spy", p, VG_ARRAY_LEN(p));
    struct vg_ioc_match m;
    (void)state;
    assert_int_equal(load_text(x, "one.stix2", text, d), VG_OK);
    assert_int_equal(vg_iocs_file(x, 0)->loaded, 2);
    assert_int_equal(vg_iocs_file(x, 0)->duplicates, 1);
    /* the very same bytes again, under another name */
    assert_int_equal(load_text(x, "copy.stix2", text, d), VG_OK);
    assert_int_equal(vg_iocs_file_count(x), 2);
    assert_int_equal(vg_iocs_file(x, 1)->loaded, 0);
    assert_int_equal(vg_iocs_file(x, 1)->duplicates, 3);
    assert_string_equal(vg_iocs_file(x, 1)->sha256, vg_iocs_file(x, 0)->sha256);
    diag_says(d, VG_DIAG_INFO, "copy.stix2: same content as one.stix2");
    /* the same value and collection from another file */
    assert_int_equal(tb_load(x, "two.stix2", "Spy", q, 1, d), VG_OK);
    assert_int_equal(vg_iocs_file(x, 2)->loaded, 0);
    assert_int_equal(vg_iocs_file(x, 2)->duplicates, 1);
    /* the same value in another collection is kept: it names another threat */
    assert_int_equal(tb_load(x, "three.stix2", "Other", q, 1, d), VG_OK);
    assert_int_equal(vg_iocs_file(x, 3)->loaded, 1);
    assert_int_equal(vg_iocs_count(x), 3);
    assert_int_equal(vg_iocs_match_domain(x, "dup.example", &m), 1);
    assert_string_equal(m.file, "one.stix2");
    assert_string_equal(m.collection, "Spy");
    vg_diag_free(d);
    vg_iocs_free(x);
    free(text);
}

static void test_sha256(void **state)
{
    const char *p[] = {"[app:id = 'x']"};
    char *text = tb_bundle("h", NULL, p, 1);
    unsigned char md[32];
    char hex[65];
    unsigned int mdlen = 0;
    struct vg_iocs *x = new_iocs();
    (void)state;
    assert_int_equal(EVP_Digest(text, strlen(text), md, &mdlen, EVP_sha256(), NULL), 1);
    vg_hex_encode(md, sizeof(md), hex);
    assert_int_equal(load_text(x, "h.json", text, NULL), VG_OK);
    assert_string_equal(vg_iocs_file(x, 0)->sha256, hex);
    vg_iocs_free(x);
    free(text);
}

/* ---- files, folders, environment */

static char *join(const char *a, const char *b)
{
    char *p = vg_asprintf("%s/%s", a, b);
    assert_non_null(p);
    return p;
}

static void put_bundle(const char *dir, const char *rel, const char *pattern)
{
    const char *p[] = {pattern};
    char *path = join(dir, rel);
    char *text = tb_bundle(rel, NULL, p, 1);
    assert_int_equal(vgfix_write_file(path, text, strlen(text)), 0);
    free(text);
    free(path);
}

static void put_text(const char *dir, const char *rel, const char *text)
{
    char *path = join(dir, rel);
    assert_int_equal(vgfix_write_file(path, text, strlen(text)), 0);
    free(path);
}

static void mkdir_in(const char *dir, const char *rel)
{
    char *path = join(dir, rel);
    assert_int_equal(mkdir(path, 0700), 0);
    free(path);
}

static void test_load_folder(void **state)
{
    char *dir = vgfix_tmpdir("iocs");
    struct vg_iocs *x = new_iocs();
    struct vg_diag *d = new_diag();
    char *link, *target, *sub;
    (void)state;
    assert_non_null(dir);
    mkdir_in(dir, "sub");
    mkdir_in(dir, "sub/deeper");
    put_bundle(dir, "b.stix2", "[app:id = 'b']");
    put_bundle(dir, "A.JSON", "[app:id = 'a']");
    put_bundle(dir, "sub/c.json", "[app:id = 'c']");
    put_bundle(dir, "sub/deeper/d.STIX2", "[app:id = 'd']");
    put_bundle(dir, ".hidden.stix2", "[app:id = 'hidden']");
    put_text(dir, "notes.txt", "not a bundle");
    put_text(dir, "indicators.yaml", "indicators: []");
    /* a link to a file already there: the same bytes, loaded once */
    target = join(dir, "b.stix2");
    link = join(dir, "sub/link.stix2");
    assert_int_equal(symlink(target, link), 0);
    assert_int_equal(vg_iocs_load_path(x, dir, d), VG_OK);
    assert_int_equal(vg_iocs_file_count(x), 5);
    /* byte order: upper case first, files and folders alike */
    assert_string_equal(vg_iocs_file(x, 0)->name, "A.JSON");
    assert_string_equal(vg_iocs_file(x, 1)->name, "b.stix2");
    assert_string_equal(vg_iocs_file(x, 2)->name, "c.json");
    assert_string_equal(vg_iocs_file(x, 3)->name, "d.STIX2");
    assert_string_equal(vg_iocs_file(x, 4)->name, "link.stix2");
    assert_int_equal(vg_iocs_file(x, 4)->duplicates, 1);
    assert_int_equal(vg_iocs_count(x), 4);
    assert_int_equal(vg_iocs_match_app_id(x, "hidden", NULL), 0);
    assert_int_equal(vg_diag_count(d, VG_DIAG_ERROR), 0);

    /* a single file, and a folder with one bad bundle among good ones */
    vg_iocs_free(x);
    x = new_iocs();
    sub = join(dir, "sub/c.json");
    assert_int_equal(vg_iocs_load_path(x, sub, d), VG_OK);
    assert_int_equal(vg_iocs_count(x), 1);
    put_text(dir, "sub/bad.json", "{\"oops\": ");
    vg_iocs_free(x);
    x = new_iocs();
    assert_int_equal(vg_iocs_load_path(x, dir, d), VG_OK);
    assert_int_equal(vg_iocs_count(x), 4);
    diag_says(d, VG_DIAG_WARN, "sub/bad.json: not valid JSON");
    assert_int_equal(vg_diag_count(d, VG_DIAG_ERROR), 0);
    free(sub);
    free(link);
    free(target);
    vg_diag_free(d);
    vg_iocs_free(x);
    assert_int_equal(vgfix_rmtree(dir), 0);
    free(dir);
}

/* In a folder, a file that cannot be read or is not a bundle is a warning
 * naming it, and the others load; named on its own, it is an error. */
static void test_folder_unreadable_file(void **state)
{
    char *dir = vgfix_tmpdir("iocs"), *path, *loop;
    struct vg_iocs *x = new_iocs();
    struct vg_diag *d = new_diag();
    size_t i, warned = 0;
    (void)state;
    assert_non_null(dir);
    put_bundle(dir, "a.stix2", "[app:id = 'a']");
    put_bundle(dir, "c.stix2", "[app:id = 'c']");
    put_text(dir, "b.stix2", "<html>not found</html>");
    /* a link to itself cannot be opened, even by root */
    loop = join(dir, "loop.stix2");
    assert_int_equal(symlink(loop, loop), 0);
    /* without read permission (root reads it all the same) */
    path = join(dir, "locked.json");
    put_text(dir, "locked.json", "{}");
    assert_int_equal(chmod(path, 0), 0);
    assert_int_equal(vg_iocs_load_path(x, dir, d), VG_OK);
    assert_int_equal(vg_iocs_count(x), 2);
    assert_int_equal(vg_iocs_match_app_id(x, "a", NULL), 1);
    assert_int_equal(vg_iocs_match_app_id(x, "c", NULL), 1);
    assert_int_equal(vg_diag_count(d, VG_DIAG_ERROR), 0);
    for (i = 0; i < vg_diag_size(d); i++) {
        const struct vg_diag_entry *e = vg_diag_get(d, i);
        if (e->level != VG_DIAG_WARN)
            continue;
        warned++;
        assert_true(strstr(e->message, "b.stix2: not valid JSON") ||
                    strstr(e->message, "loop.stix2: cannot read") ||
                    strstr(e->message, "locked.json"));
    }
    /* b.stix2, loop.stix2, and locked.json (cannot open, or not a bundle) */
    assert_int_equal(warned, 3);
    vg_diag_free(d);
    vg_iocs_free(x);
    /* the same file given by name stays an error */
    x = new_iocs();
    d = new_diag();
    free(path);
    path = join(dir, "b.stix2");
    assert_int_equal(vg_iocs_load_path(x, path, d), VG_E_CORRUPT);
    diag_says(d, VG_DIAG_ERROR, "b.stix2: not valid JSON");
    vg_diag_free(d);
    vg_iocs_free(x);
    free(path);
    free(loop);
    assert_int_equal(vgfix_rmtree(dir), 0);
    free(dir);
}

static void test_load_missing(void **state)
{
    struct vg_iocs *x = new_iocs();
    struct vg_diag *d = new_diag();
    (void)state;
    assert_int_equal(vg_iocs_load_path(x, "/nonexistent/vigie/iocs.stix2", d), VG_E_NOTFOUND);
    diag_says(d, VG_DIAG_ERROR, "/nonexistent/vigie/iocs.stix2");
    assert_int_equal(vg_iocs_load_path(x, "", d), VG_E_INVAL);
    assert_int_equal(vg_iocs_load_path(NULL, "x", d), VG_E_INVAL);
    assert_int_equal(vg_iocs_load_buffer(x, "x", NULL, 3, d), VG_E_INVAL);
    vg_diag_free(d);
    vg_iocs_free(x);
}

static void set_env(const char *name, const char *value)
{
    if (value)
        assert_int_equal(setenv(name, value, 1), 0);
    else
        assert_int_equal(unsetenv(name), 0);
}

static void test_load_env(void **state)
{
    char *dir = vgfix_tmpdir("iocs-env");
    struct vg_iocs *x;
    struct vg_diag *d = new_diag();
    char *list, *xdg, *home, *e1, *e2;
    (void)state;
    assert_non_null(dir);
    mkdir_in(dir, "e1");
    mkdir_in(dir, "xdg");
    mkdir_in(dir, "xdg/vigie");
    mkdir_in(dir, "xdg/vigie/indicators");
    mkdir_in(dir, "home");
    mkdir_in(dir, "home/.local");
    mkdir_in(dir, "home/.local/share");
    mkdir_in(dir, "home/.local/share/vigie");
    mkdir_in(dir, "home/.local/share/vigie/indicators");
    put_bundle(dir, "e1/one.stix2", "[app:id = 'one']");
    put_bundle(dir, "two.stix2", "[app:id = 'two']");
    put_bundle(dir, "mvt.stix2", "[app:id = 'mvt']");
    put_bundle(dir, "xdg/vigie/indicators/user.stix2", "[app:id = 'user']");
    put_bundle(dir, "home/.local/share/vigie/indicators/home.stix2", "[app:id = 'home']");
    e1 = join(dir, "e1");
    e2 = join(dir, "two.stix2");
    list = vg_asprintf("%s::%s/missing.stix2:%s", e1, dir, e2);
    xdg = join(dir, "xdg");
    home = join(dir, "home");

    x = new_iocs();
    set_env("VIGIE_IOCS", list);
    free(list);
    list = join(dir, "mvt.stix2");
    set_env("MVT_STIX2", list);
    set_env("XDG_DATA_HOME", xdg);
    assert_int_equal(vg_iocs_load_env(x, d), VG_OK);
    assert_int_equal(vg_iocs_file_count(x), 4);
    assert_string_equal(vg_iocs_file(x, 0)->name, "one.stix2");
    assert_string_equal(vg_iocs_file(x, 1)->name, "two.stix2");
    assert_string_equal(vg_iocs_file(x, 2)->name, "mvt.stix2");
    assert_string_equal(vg_iocs_file(x, 3)->name, "user.stix2");
    diag_says(d, VG_DIAG_WARN, "missing.stix2 (from $VIGIE_IOCS)");
    vg_iocs_free(x);

    /* without XDG_DATA_HOME (or with a relative one): ~/.local/share */
    x = new_iocs();
    set_env("VIGIE_IOCS", NULL);
    set_env("MVT_STIX2", NULL);
    set_env("XDG_DATA_HOME", "relative/path");
    set_env("HOME", home);
    assert_int_equal(vg_iocs_load_env(x, NULL), VG_OK);
    assert_int_equal(vg_iocs_file_count(x), 1);
    assert_string_equal(vg_iocs_file(x, 0)->name, "home.stix2");
    vg_iocs_free(x);

    /* nothing anywhere is fine */
    x = new_iocs();
    set_env("XDG_DATA_HOME", NULL);
    set_env("HOME", dir);
    assert_int_equal(vg_iocs_load_env(x, NULL), VG_OK);
    assert_int_equal(vg_iocs_file_count(x), 0);
    vg_iocs_free(x);

    free(list);
    free(e1);
    free(e2);
    free(xdg);
    free(home);
    vg_diag_free(d);
    assert_int_equal(vgfix_rmtree(dir), 0);
    free(dir);
}

/* ---- the shared indicator files: counts checked with python3's json */

struct expect {
    const char *file, *collection;
    size_t loaded, duplicates, unsupported;
    size_t count[VG_IOC_TYPE_COUNT];
};

static const struct expect shared[] = {
    {"2021-07-18_nso__pegasus.stix2",
     "Pegasus",
     1549,
     0,
     0,
     {[VG_IOC_DOMAIN] = 1438, [VG_IOC_EMAIL] = 29, [VG_IOC_FILE_NAME] = 1, [VG_IOC_PROCESS] = 81}},
    {"2021-12-16_cytrox__cytrox.stix2",
     "Predator",
     343,
     0,
     0,
     {[VG_IOC_DOMAIN] = 336, [VG_IOC_FILE_PATH] = 6, [VG_IOC_PROFILE_ID] = 1}},
    {"2022-06-23_rcs_lab__rcs.stix2",
     "RCSLab",
     40,
     0,
     0,
     {[VG_IOC_APP_ID] = 5, [VG_IOC_DOMAIN] = 26, [VG_IOC_FILE_SHA256] = 9}},
    {"2023-03-29_android_campaign__malware.stix2",
     "MercenarySpywareCampaign",
     2187,
     0,
     0,
     {[VG_IOC_ANDROID_PROPERTY] = 3, [VG_IOC_DOMAIN] = 2183, [VG_IOC_FILE_PATH] = 1}},
    {"2023-04-11_quadream__kingspawn.stix2",
     "KingSpawn",
     167,
     0,
     0,
     {[VG_IOC_DOMAIN] = 164, [VG_IOC_FILE_PATH] = 2, [VG_IOC_PROCESS] = 1}},
    {"2023-06_01_operation_triangulation__operation_triangulation.stix2",
     "OperationTriangulation",
     112,
     0,
     0,
     {[VG_IOC_DOMAIN] = 75, [VG_IOC_EMAIL] = 36, [VG_IOC_PROCESS] = 1}},
    {"2023-07-25_wyrmspy_dragonegg__wyrmspy_dragonegg.stix2",
     "WyrmSpy_DragonEgg",
     53,
     0,
     0,
     {[VG_IOC_APP_ID] = 7, [VG_IOC_DOMAIN] = 7, [VG_IOC_FILE_SHA256] = 34, [VG_IOC_IPV4] = 5}},
    {"2024-05-02_wintego_helios__wintego_helios.stix2",
     "Wintego Helios",
     175,
     0,
     0,
     {[VG_IOC_DOMAIN] = 175}},
    {"2024-12-16_serbia_novispy__novispy.stix2",
     "NoviSpy",
     18,
     0,
     0,
     {[VG_IOC_APP_CERT_SHA256] = 3,
      [VG_IOC_APP_ID] = 4,
      [VG_IOC_DOMAIN] = 7,
      [VG_IOC_FILE_SHA256] = 4}},
    {"2024-12-25_eaglemsgspy__eaglemsgspy.stix2",
     "EagleMsgSpy",
     51,
     0,
     0,
     {[VG_IOC_DOMAIN] = 13, [VG_IOC_FILE_SHA256] = 25, [VG_IOC_IPV4] = 13}},
    /* one domain-name value is "fgr1w2gnsdvsb.xyz/x": not a host, so unsupported */
    {"2026-03-03_coruna_cryptowaters__coruna.stix2",
     "Coruna",
     215,
     0,
     1,
     {[VG_IOC_DOMAIN] = 176,
      [VG_IOC_FILE_NAME] = 7,
      [VG_IOC_FILE_PATH] = 12,
      [VG_IOC_FILE_SHA256] = 20}},
    {"2026-03-30_darksword__darksword.stix2",
     "DarkSword",
     43,
     0,
     0,
     {[VG_IOC_DOMAIN] = 10,
      [VG_IOC_FILE_NAME] = 7,
      [VG_IOC_FILE_PATH] = 22,
      [VG_IOC_FILE_SHA256] = 1,
      [VG_IOC_IPV4] = 3}},
    {"ResidentBat__residentbat.stix2",
     "ResidentBat",
     48,
     0,
     0,
     {[VG_IOC_APP_CERT_SHA256] = 8,
      [VG_IOC_APP_ID] = 8,
      [VG_IOC_FILE_SHA256] = 8,
      [VG_IOC_IPV4] = 24}},
    {"candiru__candiru.stix2", "Candiru", 125, 0, 0, {[VG_IOC_DOMAIN] = 125}},
    {"cellebrite__cellebrite.stix2", "Cellebrite", 1, 0, 0, {[VG_IOC_APP_ID] = 1}},
    /* everything of the cytrox bundle again, in a collection of the same name */
    {"intellexa_predator__predator.stix2",
     "Predator",
     242,
     343,
     0,
     {[VG_IOC_DOMAIN] = 233, [VG_IOC_FILE_PATH] = 9}},
};

static void check_shared(const struct vg_iocs *x, size_t i, const struct expect *e)
{
    const struct vg_ioc_file_info *f = vg_iocs_file(x, i);
    const struct vg_ioc_collection_info *c = vg_iocs_collection(x, i);
    size_t t;

    assert_non_null(f);
    assert_string_equal(f->name, e->file);
    assert_int_equal(f->loaded, e->loaded);
    assert_int_equal(f->duplicates, e->duplicates);
    assert_int_equal(f->unsupported, e->unsupported);
    assert_int_equal(strlen(f->sha256), 64);
    assert_non_null(c);
    assert_string_equal(c->name, e->collection);
    assert_string_equal(c->file, e->file);
    assert_int_equal(c->total, e->loaded);
    for (t = 0; t < VG_IOC_TYPE_COUNT; t++)
        if (c->count[t] != e->count[t])
            fail_msg("%s: %s %zu, want %zu", e->file, vg_ioc_type_stix((enum vg_ioc_type)t),
                     c->count[t], e->count[t]);
}

static void test_shared_iocs(void **state)
{
    char *dir = vgfix_shared_path("iocs");
    struct vg_iocs *x;
    struct vg_diag *d;
    struct vg_ioc_match m;
    size_t i, total = 0;
    (void)state;
    if (!dir) {
        printf("skipped: ../shared/iocs is not there\n");
        skip();
    }
    x = new_iocs();
    d = new_diag();
    assert_int_equal(vg_iocs_load_path(x, dir, d), VG_OK);
    diag_says(d, VG_DIAG_WARN,
              "2026-03-03_coruna_cryptowaters__coruna.stix2: 1 indicator of unsupported shape "
              "skipped: [domain-name:value='fgr1w2gnsdvsb.xyz/x']");
    assert_int_equal(vg_diag_count(d, VG_DIAG_ERROR), 0);
    assert_int_equal(vg_iocs_file_count(x), VG_ARRAY_LEN(shared));
    assert_int_equal(vg_iocs_collection_count(x), 16);
    for (i = 0; i < VG_ARRAY_LEN(shared); i++) {
        check_shared(x, i, &shared[i]);
        total += shared[i].loaded;
    }
    assert_int_equal(vg_iocs_count(x), total);
    assert_int_equal(vg_iocs_match_process(x, "bh", &m), 1);
    assert_string_equal(m.collection, "Pegasus");
    assert_int_equal(vg_iocs_match_file_path(x, "/private/var/tmp/takePhoto", &m), 1);
    assert_string_equal(m.file, "2021-12-16_cytrox__cytrox.stix2");
    vg_diag_free(d);
    vg_iocs_free(x);
    free(dir);
}

static void test_mvt_test_indicators(void **state)
{
    char *path = vgfix_shared_path("mvt-artifacts/stix2/test-indicators.stix2");
    struct vg_iocs *x;
    struct vg_ioc_match m;
    size_t t;
    (void)state;
    if (!path) {
        printf("skipped: ../shared/mvt-artifacts is not there\n");
        skip();
    }
    x = new_iocs();
    assert_int_equal(vg_iocs_load_path(x, path, NULL), VG_OK);
    assert_int_equal(vg_iocs_count(x), 9);
    assert_int_equal(vg_iocs_collection_count(x), 1);
    assert_string_equal(vg_iocs_collection(x, 0)->name, "TestMalware");
    for (t = 0; t < VG_IOC_TYPE_COUNT; t++) {
        size_t want = t == VG_IOC_DOMAIN || t == VG_IOC_IPV4 || t == VG_IOC_PROCESS ||
                      t == VG_IOC_FILE_NAME || t == VG_IOC_EMAIL || t == VG_IOC_ANDROID_PROPERTY ||
                      t == VG_IOC_FILE_SHA256 || t == VG_IOC_FILE_SHA1 || t == VG_IOC_URL;
        assert_int_equal(vg_iocs_count_type(x, (enum vg_ioc_type)t), want);
    }
    /* what MVT finds in its own test backup */
    assert_int_equal(vg_iocs_match_url(x, "https://badbadbad.example.org/", &m), 1);
    assert_string_equal(m.value, "example.org");
    assert_string_equal(m.collection, "TestMalware");
    assert_string_equal(m.file, "test-indicators.stix2");
    assert_int_equal(vg_iocs_match_process(x, "Launch", &m), 1);
    assert_int_equal(vg_iocs_match_url(x, "http://example.com/thisisbad", &m), 1);
    assert_int_equal(m.type, VG_IOC_URL);
    vg_iocs_free(x);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_form),          cmocka_unit_test(test_collections),
        cmocka_unit_test(test_fallback_names),      cmocka_unit_test(test_broken),
        cmocka_unit_test(test_unsupported_counted), cmocka_unit_test(test_unsupported_objects),
        cmocka_unit_test(test_duplicates),          cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_load_folder),         cmocka_unit_test(test_folder_unreadable_file),
        cmocka_unit_test(test_load_missing),        cmocka_unit_test(test_load_env),
        cmocka_unit_test(test_shared_iocs),         cmocka_unit_test(test_mvt_test_indicators),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
