/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "indicators/index.h"
#include "bundle.h"

/* One index per test, from these patterns (collection "Spy", file
 * "spy.stix2"), so each rule in docs/matching.md is tested on its own. */
static struct vg_iocs *iocs_of(const char *const *patterns, size_t n)
{
    struct vg_iocs *x = NULL;
    assert_int_equal(vg_iocs_new(&x), VG_OK);
    assert_int_equal(tb_load(x, "spy.stix2", "Spy", patterns, n, NULL), VG_OK);
    assert_int_equal(vg_iocs_file(x, 0)->unsupported, 0);
    return x;
}

#define IOCS(...)                                                                                  \
    iocs_of((const char *const[]){__VA_ARGS__},                                                    \
            sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

static void hit(int (*fn)(const struct vg_iocs *, const char *, struct vg_ioc_match *),
                const struct vg_iocs *x, const char *observed, const char *want_value)
{
    struct vg_ioc_match m;
    memset(&m, 0, sizeof(m));
    if (!fn(x, observed, &m))
        fail_msg("\"%s\" should match \"%s\"", observed, want_value);
    if (strcmp(m.value, want_value) != 0)
        fail_msg("\"%s\" matched \"%s\", want \"%s\"", observed, m.value, want_value);
}

static void miss(int (*fn)(const struct vg_iocs *, const char *, struct vg_ioc_match *),
                 const struct vg_iocs *x, const char *observed)
{
    struct vg_ioc_match m;
    if (fn(x, observed, &m))
        fail_msg("\"%s\" should not match, matched \"%s\"", observed, m.value);
}

static void test_domain_rules(void **state)
{
    struct vg_iocs *x = IOCS("[domain-name:value = 'Example.ORG.']");
    struct vg_ioc_match m;
    (void)state;
    hit(vg_iocs_match_domain, x, "example.org", "example.org");
    hit(vg_iocs_match_domain, x, "EXAMPLE.org.", "example.org");
    hit(vg_iocs_match_domain, x, "a.b.example.org", "example.org");
    miss(vg_iocs_match_domain, x, "evil-example.org");
    miss(vg_iocs_match_domain, x, "example.org.evil.net");
    miss(vg_iocs_match_domain, x, "org");
    miss(vg_iocs_match_domain, x, "xample.org");
    miss(vg_iocs_match_domain, x, "");
    assert_int_equal(vg_iocs_match_domain(x, "www.example.org", &m), 1);
    assert_int_equal(m.type, VG_IOC_DOMAIN);
    assert_string_equal(m.collection, "Spy");
    assert_string_equal(m.file, "spy.stix2");
    assert_string_equal(m.id, "indicator--spy.stix2-0");
    assert_int_equal(m.truncated, 0);
    assert_int_equal(vg_iocs_match_domain(x, "example.org", NULL), 1);
    vg_iocs_free(x);
}

static void test_domain_parent_is_no_hit(void **state)
{
    struct vg_iocs *x = IOCS("[domain-name:value = 'login.example.net']");
    (void)state;
    hit(vg_iocs_match_domain, x, "login.example.net", "login.example.net");
    hit(vg_iocs_match_domain, x, "x.login.example.net", "login.example.net");
    miss(vg_iocs_match_domain, x, "example.net");
    miss(vg_iocs_match_domain, x, "other.example.net");
    vg_iocs_free(x);
}

static void test_domain_single_label(void **state)
{
    /* one-label indicators are looked up apart from the two-label filter */
    struct vg_iocs *x = IOCS("[domain-name:value = 'corp']", "[domain-name:value = 'a.b.c.d.e']");
    (void)state;
    hit(vg_iocs_match_domain, x, "corp", "corp");
    hit(vg_iocs_match_domain, x, "printer.corp", "corp");
    hit(vg_iocs_match_domain, x, "x.a.b.c.d.e", "a.b.c.d.e");
    miss(vg_iocs_match_domain, x, "b.c.d.e");
    miss(vg_iocs_match_domain, x, "d.e");
    miss(vg_iocs_match_domain, x, "corp.example");
    vg_iocs_free(x);
}

static void test_domain_www(void **state)
{
    /* MVT lstrip("www.")s indicators, which eats any leading w and dot */
    struct vg_iocs *x =
        IOCS("[domain-name:value = 'www.example.com']", "[domain-name:value = 'wexample.com']");
    (void)state;
    hit(vg_iocs_match_domain, x, "www.example.com", "www.example.com");
    hit(vg_iocs_match_domain, x, "a.www.example.com", "www.example.com");
    miss(vg_iocs_match_domain, x, "example.com");
    miss(vg_iocs_match_domain, x, "w.example.com");
    hit(vg_iocs_match_domain, x, "wexample.com", "wexample.com");
    hit(vg_iocs_match_domain, x, "www.wexample.com", "wexample.com");
    miss(vg_iocs_match_domain, x, "xample.com");
    vg_iocs_free(x);
}

static void test_url_hosts(void **state)
{
    struct vg_iocs *x = IOCS("[domain-name:value = 'example.org']");
    (void)state;
    hit(vg_iocs_match_url, x, "https://badbadbad.example.org/", "example.org");
    hit(vg_iocs_match_url, x, "badbadbad.example.org/path", "example.org");
    hit(vg_iocs_match_url, x, "https://user:pw@example.org:8443/x", "example.org");
    hit(vg_iocs_match_url, x, "HTTPS://WWW.EXAMPLE.ORG/", "example.org");
    hit(vg_iocs_match_url, x, "http://www.%65xample.org/", "example.org");
    hit(vg_iocs_match_url, x, "http:\\\\example.org\\", "example.org");
    hit(vg_iocs_match_url, x, "http://good.com@example.org/", "example.org");
    miss(vg_iocs_match_url, x, "http://example.org@good.com/");
    miss(vg_iocs_match_url, x, "https://good.com/?u=example.org");
    miss(vg_iocs_match_url, x, "http://[2001:db8::1]/example.org");
    miss(vg_iocs_match_url, x, "not a url");
    vg_iocs_free(x);
}

static void test_ip(void **state)
{
    struct vg_iocs *x =
        IOCS("[ipv4-addr:value = '198.51.100.1']", "[ipv6-addr:value = '2001:DB8:0:0:0:0:0:1']",
             "[domain-name:value = '203.0.113.9']");
    (void)state;
    hit(vg_iocs_match_url, x, "http://198.51.100.1/x", "198.51.100.1");
    hit(vg_iocs_match_url, x, "198.51.100.1:443", "198.51.100.1");
    hit(vg_iocs_match_url, x, "http://3325256705/", "198.51.100.1");
    hit(vg_iocs_match_domain, x, "198.51.100.1", "198.51.100.1");
    miss(vg_iocs_match_domain, x, "198.51.100.10");
    miss(vg_iocs_match_domain, x, "98.51.100.1");
    miss(vg_iocs_match_domain, x, "x.198.51.100.1");
    hit(vg_iocs_match_url, x, "https://[2001:db8::1]:8443/", "2001:db8::1");
    hit(vg_iocs_match_domain, x, "2001:0db8:0000::0001", "2001:db8::1");
    miss(vg_iocs_match_domain, x, "2001:db8::2");
    /* an address given as a domain indicator still matches that address */
    hit(vg_iocs_match_url, x, "http://203.0.113.9/", "203.0.113.9");
    vg_iocs_free(x);
}

static void test_url_value(void **state)
{
    struct vg_iocs *x = IOCS("[url:value = 'http://example.com/thisisbad']",
                             "[url:value = 'HTTPS://Evil.Example:443/P?q=1']");
    struct vg_ioc_match m;
    (void)state;
    hit(vg_iocs_match_url, x, "http://example.com/thisisbad", "http://example.com/thisisbad");
    hit(vg_iocs_match_url, x, "HTTP://EXAMPLE.COM:80/thisisbad", "http://example.com/thisisbad");
    miss(vg_iocs_match_url, x, "http://example.com/ThisIsBad");
    miss(vg_iocs_match_url, x, "http://example.com/thisisbad2");
    miss(vg_iocs_match_url, x, "http://example.com/");
    miss(vg_iocs_match_url, x, "http://example.com:8080/thisisbad");
    /* shown as the bundle wrote it */
    hit(vg_iocs_match_url, x, "https://evil.example/P?q=1", "HTTPS://Evil.Example:443/P?q=1");
    assert_int_equal(vg_iocs_match_url(x, "https://EVIL.example:443/P?q=1", &m), 1);
    assert_int_equal(m.type, VG_IOC_URL);
    miss(vg_iocs_match_url, x, "https://evil.example/p?q=1");
    /* a url indicator is not a domain indicator */
    miss(vg_iocs_match_domain, x, "example.com");
    vg_iocs_free(x);
}

static void test_first_loaded(void **state)
{
    struct vg_iocs *x = NULL;
    struct vg_ioc_match m;
    const char *a[] = {"[domain-name:value = 'b.example.com']"};
    const char *b[] = {"[domain-name:value = 'example.com']",
                       "[domain-name:value = 'b.example.com']"};
    (void)state;
    assert_int_equal(vg_iocs_new(&x), VG_OK);
    assert_int_equal(tb_load(x, "one.stix2", "One", a, 1, NULL), VG_OK);
    assert_int_equal(tb_load(x, "two.stix2", "Two", b, 2, NULL), VG_OK);
    assert_int_equal(vg_iocs_count(x), 3);
    assert_int_equal(vg_iocs_match_domain(x, "x.b.example.com", &m), 1);
    assert_string_equal(m.value, "b.example.com");
    assert_string_equal(m.collection, "One");
    assert_int_equal(vg_iocs_match_domain(x, "b.example.com", &m), 1);
    assert_string_equal(m.collection, "One");
    assert_int_equal(vg_iocs_match_domain(x, "c.example.com", &m), 1);
    assert_string_equal(m.collection, "Two");
    vg_iocs_free(x);

    /* the other way round, the parent domain was loaded first */
    assert_int_equal(vg_iocs_new(&x), VG_OK);
    assert_int_equal(tb_load(x, "two.stix2", "Two", b, 2, NULL), VG_OK);
    assert_int_equal(vg_iocs_match_domain(x, "x.b.example.com", &m), 1);
    assert_string_equal(m.value, "example.com");
    vg_iocs_free(x);
}

static void test_process(void **state)
{
    struct vg_iocs *x =
        IOCS("[process:name = 'Launch']", "[process:name = 'com.apple.rapports.events']",
             "[process:name = 'ReminderIntentsUIExtension']", "[process:name = 'JarvisPluginMgr']");
    struct vg_ioc_match m;
    (void)state;
    hit(vg_iocs_match_process, x, "Launch", "Launch");
    hit(vg_iocs_match_process, x, "/usr/libexec/Launch", "Launch");
    miss(vg_iocs_match_process, x, "launch");
    miss(vg_iocs_match_process, x, "Launch2");
    miss(vg_iocs_match_process, x, "Launc");
    miss(vg_iocs_match_process, x, "/usr/libexec/");
    /* 16 bytes kept by iOS */
    assert_int_equal(vg_iocs_match_process(x, "com.apple.rappor", &m), 1);
    assert_string_equal(m.value, "com.apple.rapports.events");
    assert_int_equal(m.truncated, 1);
    assert_int_equal(vg_iocs_match_process(x, "ReminderIntentsU", &m), 1);
    assert_int_equal(m.truncated, 1);
    /* on iOS a 15-byte name is whole, not a truncation */
    miss(vg_iocs_match_process, x, "ReminderIntents");
    assert_int_equal(vg_iocs_match_process_cut(x, "ReminderIntents", VG_COMM_IOS, &m), 0);
    /* a 15-byte indicator matched whole is no truncation */
    assert_int_equal(vg_iocs_match_process(x, "JarvisPluginMgr", &m), 1);
    assert_int_equal(m.truncated, 0);
    vg_iocs_free(x);
}

/* Android (Linux) keeps 15 bytes of a name: a 15-byte name may be cut
 * short, a 16-byte one is whole. */
static void test_process_android(void **state)
{
    struct vg_iocs *x =
        IOCS("[process:name = 'com.apple.rapports.events']",
             "[process:name = 'ReminderIntentsUIExtension']", "[process:name = 'JarvisPluginMgr']");
    struct vg_ioc_match m;
    (void)state;
    assert_int_equal(vg_iocs_match_process_cut(x, "ReminderIntents", VG_COMM_ANDROID, &m), 1);
    assert_string_equal(m.value, "ReminderIntentsUIExtension");
    assert_int_equal(m.truncated, 1);
    assert_int_equal(
        vg_iocs_match_process_cut(x, "/system/bin/ReminderIntents", VG_COMM_ANDROID, &m), 1);
    assert_int_equal(m.truncated, 1);
    /* 16 bytes on Android: whole, so no prefix match */
    assert_int_equal(vg_iocs_match_process_cut(x, "com.apple.rappor", VG_COMM_ANDROID, &m), 0);
    assert_int_equal(vg_iocs_match_process_cut(x, "ReminderIntentsU", VG_COMM_ANDROID, &m), 0);
    /* exact names match on every platform */
    assert_int_equal(vg_iocs_match_process_cut(x, "JarvisPluginMgr", VG_COMM_ANDROID, &m), 1);
    assert_int_equal(m.truncated, 0);
    assert_int_equal(vg_iocs_match_process_cut(x, "ReminderIntent", VG_COMM_ANDROID, &m), 0);
    /* no truncation rule at all */
    assert_int_equal(vg_iocs_match_process_cut(x, "ReminderIntents", 0, &m), 0);
    vg_iocs_free(x);
}

static void test_process_shorter(void **state)
{
    struct vg_iocs *x = IOCS("[process:name = 'com.apple.rapports.events']",
                             "[process:name = 'ReminderIntentsUIExtension']");
    (void)state;
    /* shorter or longer observed names are not prefixes */
    miss(vg_iocs_match_process, x, "ReminderIntent");
    miss(vg_iocs_match_process, x, "com.apple.rapp");
    miss(vg_iocs_match_process, x, "com.apple.rapport");
    miss(vg_iocs_match_process, x, "ReminderIntentsX");
    vg_iocs_free(x);
}

static void test_file_paths(void **state)
{
    struct vg_iocs *x = IOCS("[file:path = '/private/var/tmp/l/']",
                             "[file:path = '/var/db/com.apple.xpc.roleaccountd.staging/subridged']",
                             "[file:path = '/data/local/tmp/wd/fs.db']",
                             "[file:path = 'Library/Preferences/com.apple.photolibraryd.plist']",
                             "[file:name = 'roleaccountd.plist']");
    struct vg_ioc_match m;
    (void)state;
    hit(vg_iocs_match_file_path, x, "/private/var/tmp/l", "/private/var/tmp/l/");
    hit(vg_iocs_match_file_path, x, "/private/var/tmp/l/x", "/private/var/tmp/l/");
    hit(vg_iocs_match_file_path, x, "/var/tmp/l/x/y", "/private/var/tmp/l/");
    miss(vg_iocs_match_file_path, x, "/private/var/tmp/lx");
    miss(vg_iocs_match_file_path, x, "/private/var/tmp");
    miss(vg_iocs_match_file_path, x, "/private/var/tmp/x/l");
    /* the indicator's /var spelling is kept for the report */
    assert_int_equal(vg_iocs_match_file_path(
                         x, "/private/var/db/com.apple.xpc.roleaccountd.staging/subridged", &m),
                     1);
    assert_string_equal(m.value, "/var/db/com.apple.xpc.roleaccountd.staging/subridged");
    assert_int_equal(m.type, VG_IOC_FILE_PATH);
    hit(vg_iocs_match_file_path, x, "/var/db/com.apple.xpc.roleaccountd.staging/subridged",
        "/var/db/com.apple.xpc.roleaccountd.staging/subridged");
    miss(vg_iocs_match_file_path, x, "/variable/db/com.apple.xpc.roleaccountd.staging/subridged");
    hit(vg_iocs_match_file_path, x, "/data/local/tmp/wd/fs.db", "/data/local/tmp/wd/fs.db");
    miss(vg_iocs_match_file_path, x, "/data/local/tmp/wd/fs.db-wal");
    hit(vg_iocs_match_file_path, x, "Library/Preferences/com.apple.photolibraryd.plist",
        "Library/Preferences/com.apple.photolibraryd.plist");
    /* file names inside a path, as MVT's check_file_path */
    assert_int_equal(vg_iocs_match_file_path(x, "/Library/LaunchDaemons/roleaccountd.plist", &m),
                     1);
    assert_int_equal(m.type, VG_IOC_FILE_NAME);
    vg_iocs_free(x);
}

static void test_file_names(void **state)
{
    struct vg_iocs *x = IOCS("[file:name = 'pl.core.lock']", "[file:name = '/var/foobar/txt']");
    (void)state;
    hit(vg_iocs_match_file_name, x, "pl.core.lock", "pl.core.lock");
    hit(vg_iocs_match_file_name, x, "/private/var/tmp/pl.core.lock", "pl.core.lock");
    miss(vg_iocs_match_file_name, x, "PL.core.lock");
    miss(vg_iocs_match_file_name, x, "pl.core.lock.bak");
    miss(vg_iocs_match_file_name, x, "pl.core.lock/");
    hit(vg_iocs_match_file_name, x, "/var/foobar/txt", "/var/foobar/txt");
    miss(vg_iocs_match_file_name, x, "txt");
    vg_iocs_free(x);
}

static void test_case_insensitive(void **state)
{
    struct vg_iocs *x = IOCS(
        "[email-addr:value = 'FooBar@Example.org']", "[app:id = 'com.Evil.App']",
        "[configuration-profile:id = '76DAB334-7E17-475D-A5D6-0794EB5818A5']",
        "[android-property:name = 'sys.foobar']",
        "[file:hashes.'SHA-256' = "
        "'AB3D8E3E25C6D7A3E0F2A1B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F8']",
        "[file:hashes.'SHA-1' = '0123456789abcdef0123456789ABCDEF01234567']",
        "[file:hashes.md5 = '0123456789abcdef0123456789abcdef']",
        "[app:cert.sha256 = '3ac97735164824657b683e805133b1274b2dedabf9fdd6aa9aca31089d501e64']");
    (void)state;
    hit(vg_iocs_match_email, x, "foobar@example.ORG", "foobar@example.org");
    miss(vg_iocs_match_email, x, "foobar@example.org.uk");
    hit(vg_iocs_match_app_id, x, "COM.EVIL.APP", "com.evil.app");
    miss(vg_iocs_match_app_id, x, "com.evil.app2");
    hit(vg_iocs_match_profile_id, x, "76dab334-7e17-475d-a5d6-0794eb5818a5",
        "76dab334-7e17-475d-a5d6-0794eb5818a5");
    hit(vg_iocs_match_property, x, "SYS.FooBar", "sys.foobar");
    miss(vg_iocs_match_property, x, "sys.foo");
    hit(vg_iocs_match_hash, x, "ab3d8e3e25c6d7a3e0f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8",
        "ab3d8e3e25c6d7a3e0f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8");
    hit(vg_iocs_match_hash, x, "0123456789ABCDEF0123456789abcdef01234567",
        "0123456789abcdef0123456789abcdef01234567");
    hit(vg_iocs_match_hash, x, "0123456789ABCDEF0123456789ABCDEF",
        "0123456789abcdef0123456789abcdef");
    miss(vg_iocs_match_hash, x, "0123456789abcdef");
    hit(vg_iocs_match_app_cert, x,
        "3A:C9:77:35:16:48:24:65:7B:68:3E:80:51:33:B1:27:4B:2D:ED:AB:F9:FD:D6:AA:9A:CA:31:08:9D:"
        "50:1E:64",
        "3ac97735164824657b683e805133b1274b2dedabf9fdd6aa9aca31089d501e64");
    /* a file hash is not a certificate hash */
    miss(vg_iocs_match_app_cert, x,
         "ab3d8e3e25c6d7a3e0f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8");
    vg_iocs_free(x);
}

struct text_hits {
    char found[512];
    char values[512];
    size_t stop_after, n;
};

static int on_text(void *ud, const char *found, const struct vg_ioc_match *m)
{
    struct text_hits *h = ud;
    size_t a = strlen(h->found), b = strlen(h->values);
    assert_int_equal(vg_snprintf(h->found + a, sizeof(h->found) - a, "%s%s", a ? "|" : "", found),
                     VG_OK);
    assert_int_equal(
        vg_snprintf(h->values + b, sizeof(h->values) - b, "%s%s", b ? "|" : "", m->value), VG_OK);
    h->n++;
    return h->stop_after && h->n >= h->stop_after;
}

static void text_finds(const struct vg_iocs *x, const char *text, const char *found,
                       const char *values)
{
    struct text_hits h;
    size_t n;
    memset(&h, 0, sizeof(h));
    n = vg_iocs_match_text(x, text, on_text, &h);
    if (strcmp(h.found, found) != 0 || strcmp(h.values, values) != 0)
        fail_msg("\"%s\": found \"%s\" (%s), want \"%s\" (%s)", text, h.found, h.values, found,
                 values);
    assert_int_equal(n, h.n);
}

static void test_free_text(void **state)
{
    struct vg_iocs *x =
        IOCS("[domain-name:value = 'evil.com']", "[domain-name:value = 'example.org']",
             "[ipv4-addr:value = '198.51.100.1']", "[url:value = 'https://t.co/AbC']");
    struct text_hits h;
    (void)state;
    text_finds(x, "visit evil.com/x", "evil.com/x", "evil.com");
    text_finds(x, "evil.com.", "evil.com", "evil.com");
    text_finds(x, "Please click here https://badbadbad.example.org/",
               "https://badbadbad.example.org/", "example.org");
    text_finds(x, "two: www.EVIL.com, and http://a.example.org:8080/x?y.",
               "www.EVIL.com|http://a.example.org:8080/x?y", "evil.com|example.org");
    text_finds(x, "mail bob@evil.com today", "evil.com", "evil.com");
    text_finds(x, "see https://t.co/AbC!", "https://t.co/AbC", "https://t.co/AbC");
    text_finds(x, "see https://t.co/abc!", "", "");
    text_finds(x, "ping 198.51.100.1 or http://198.51.100.1/", "198.51.100.1|http://198.51.100.1/",
               "198.51.100.1|198.51.100.1");
    text_finds(x, "evil-example.org, notevil.com 1.2.3 evil.comx", "", "");
    text_finds(x, "", "", "");

    memset(&h, 0, sizeof(h));
    h.stop_after = 1;
    assert_int_equal(vg_iocs_match_text(x, "evil.com evil.com", on_text, &h), 1);
    assert_int_equal(vg_iocs_match_text(x, "evil.com evil.com", NULL, NULL), 2);
    vg_iocs_free(x);
}

static void test_long_values(void **state)
{
    struct vg_iocs *x =
        IOCS("[domain-name:value = 'evil.com']", "[file:path = '/private/var/tmp']");
    char *host, *path;
    size_t i;
    (void)state;
    /* longer than VG_MAX_HOST: not a host we match (DNS stops at 253) */
    host = malloc(VG_MAX_HOST + 32);
    assert_non_null(host);
    for (i = 0; i + 1 < VG_MAX_HOST + 32; i++)
        host[i] = (i % 2) ? '.' : 'a';
    memcpy(host + VG_MAX_HOST + 32 - 10, "evil.com", 9);
    miss(vg_iocs_match_domain, x, host);
    hit(vg_iocs_match_domain, x, host + VG_MAX_HOST + 32 - 12, "evil.com");
    free(host);
    /* longer than VG_MAX_URL: not a path we match */
    path = malloc(VG_MAX_URL + 32);
    assert_non_null(path);
    memset(path, 'x', VG_MAX_URL + 31);
    memcpy(path, "/private/var/tmp/", 17);
    path[VG_MAX_URL + 31] = '\0';
    miss(vg_iocs_match_file_path, x, path);
    path[100] = '\0';
    hit(vg_iocs_match_file_path, x, path, "/private/var/tmp");
    free(path);
    vg_iocs_free(x);
}

static void test_empty_and_null(void **state)
{
    struct vg_iocs *x = NULL;
    struct vg_ioc_match m;
    (void)state;
    assert_int_equal(vg_iocs_new(&x), VG_OK);
    assert_int_equal(vg_iocs_match_domain(x, "evil.com", &m), 0);
    assert_int_equal(vg_iocs_match_url(x, "http://evil.com", &m), 0);
    assert_int_equal(vg_iocs_match_process(x, "p", &m), 0);
    assert_int_equal(vg_iocs_match_file_path(x, "/p", &m), 0);
    assert_int_equal(vg_iocs_match_text(x, "evil.com", NULL, NULL), 0);
    assert_int_equal(vg_iocs_match_domain(NULL, "evil.com", &m), 0);
    assert_int_equal(vg_iocs_match_domain(x, NULL, &m), 0);
    assert_int_equal(vg_iocs_match_hash(x, NULL, &m), 0);
    vg_iocs_free(x);
}

static void test_normalise_both_sides(void **state)
{
    char out[64];
    (void)state;
    assert_int_equal(vg_norm_ioc(VG_IOC_DOMAIN, " WWW.Example.COM. ", 18, out, sizeof(out)), 15);
    assert_string_equal(out, "www.example.com");
    assert_int_equal(vg_norm_ioc(VG_IOC_FILE_PATH, "/var", 4, out, sizeof(out)), 12);
    assert_string_equal(out, "/private/var");
    assert_int_equal(vg_norm_ioc(VG_IOC_FILE_PATH, "/variable/", 10, out, sizeof(out)), 9);
    assert_string_equal(out, "/variable");
    assert_int_equal(vg_norm_ioc(VG_IOC_FILE_PATH, "/", 1, out, sizeof(out)), 1);
    /* shapes a domain indicator cannot have */
    assert_true(vg_norm_ioc(VG_IOC_DOMAIN, "*.evil.com", 10, out, sizeof(out)) < 0);
    assert_true(vg_norm_ioc(VG_IOC_DOMAIN, "http://evil.com/", 16, out, sizeof(out)) < 0);
    assert_true(vg_norm_ioc(VG_IOC_DOMAIN, "evil.com:80", 11, out, sizeof(out)) < 0);
    assert_true(vg_norm_ioc(VG_IOC_DOMAIN, "evil.com/x", 10, out, sizeof(out)) < 0);
    assert_true(vg_norm_ioc(VG_IOC_DOMAIN, "ev\"il.com", 9, out, sizeof(out)) < 0);
    assert_true(vg_norm_ioc(VG_IOC_DOMAIN, "   ", 3, out, sizeof(out)) < 0);
    assert_true(vg_norm_ioc(VG_IOC_IPV4, "10.0.0.0/8", 10, out, sizeof(out)) < 0);
    assert_true(vg_norm_ioc(VG_IOC_IPV4, "evil.com", 8, out, sizeof(out)) < 0);
    assert_true(vg_norm_ioc(VG_IOC_IPV4, "::1", 3, out, sizeof(out)) < 0);
    assert_true(vg_norm_ioc(VG_IOC_IPV6, "1.2.3.4", 7, out, sizeof(out)) < 0);
    assert_int_equal(vg_norm_ioc(VG_IOC_IPV6, "[::1]", 5, out, sizeof(out)), 3);
    assert_true(vg_norm_ioc(VG_IOC_PROCESS, "abcdef", 6, out, 4) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domain_rules),
        cmocka_unit_test(test_domain_parent_is_no_hit),
        cmocka_unit_test(test_domain_single_label),
        cmocka_unit_test(test_domain_www),
        cmocka_unit_test(test_url_hosts),
        cmocka_unit_test(test_ip),
        cmocka_unit_test(test_url_value),
        cmocka_unit_test(test_first_loaded),
        cmocka_unit_test(test_process),
        cmocka_unit_test(test_process_android),
        cmocka_unit_test(test_process_shorter),
        cmocka_unit_test(test_file_paths),
        cmocka_unit_test(test_file_names),
        cmocka_unit_test(test_case_insensitive),
        cmocka_unit_test(test_free_text),
        cmocka_unit_test(test_long_values),
        cmocka_unit_test(test_empty_and_null),
        cmocka_unit_test(test_normalise_both_sides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
