/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "indicators/url.h"

/* Pieces found, as "U:piece" or "H:piece", joined by '|'. */
struct found {
    char s[1024];
    size_t stop_after;
    size_t seen;
};

static int collect(void *ud, const char *s, size_t n, enum vg_text_kind kind)
{
    struct found *f = ud;
    size_t len = strlen(f->s);
    assert_int_equal(vg_snprintf(f->s + len, sizeof(f->s) - len, "%s%c:%.*s", len ? "|" : "",
                                 kind == VG_TEXT_URL ? 'U' : 'H', (int)n, s),
                     VG_OK);
    f->seen++;
    return f->stop_after && f->seen >= f->stop_after;
}

static void pieces_are(const char *text, const char *want)
{
    struct found f;
    size_t n;
    memset(&f, 0, sizeof(f));
    n = vg_text_each_url(text, strlen(text), collect, &f);
    if (strcmp(f.s, want) != 0)
        fail_msg("\"%s\": found \"%s\", want \"%s\"", text, f.s, want);
    assert_int_equal(n, f.seen);
}

static void test_urls(void **state)
{
    (void)state;
    pieces_are("Please click here https://badbadbad.example.org/",
               "U:https://badbadbad.example.org/");
    pieces_are("see <http://a.example.com/x?y=1>, then", "U:http://a.example.com/x?y=1");
    pieces_are("(https://en.wikipedia.org/wiki/Foo_(bar)) ok",
               "U:https://en.wikipedia.org/wiki/Foo_(bar)");
    pieces_are("\"https://evil.com/a\".", "U:https://evil.com/a");
    pieces_are("go:https://evil.com/a!", "U:https://evil.com/a");
    pieces_are("HTTPS://EVIL.COM/A;", "U:HTTPS://EVIL.COM/A");
    pieces_are("itms-services://?action=download-manifest",
               "U:itms-services://?action=download-manifest");
    pieces_are("x https:// y", "");
    pieces_are("a\xc2\xa0https://evil.com/\xc2\xa0"
               "b",
               "U:https://evil.com/");
}

static void test_redirector(void **state)
{
    (void)state;
    /* a URL in the query of another is checked too */
    pieces_are("https://t.example/r?u=https://evil.com/x end",
               "U:https://t.example/r?u=https://evil.com/x|U:https://evil.com/x");
}

static void test_bare_hosts(void **state)
{
    (void)state;
    pieces_are("visit evil.com/x", "H:evil.com/x");
    pieces_are("evil.com.", "H:evil.com");
    pieces_are("Go to www.Evil.example, now!", "H:www.Evil.example");
    pieces_are("evil.com:8443/path and more", "H:evil.com:8443/path");
    pieces_are("is evil.com: bad", "H:evil.com");
    pieces_are("mail me at someone@evil.com", "H:evil.com");
    pieces_are("first.last@evil.com", "H:evil.com");
    pieces_are("...evil.com...", "H:evil.com");
    pieces_are("xn--80ak6aa92e.xn--p1ai", "H:xn--80ak6aa92e.xn--p1ai");
    pieces_are("contact 198.51.100.1 now", "H:198.51.100.1");
    pieces_are("访问evil.com吧", "H:evil.com");
    pieces_are("\xe2\x80\x9c"
               "evil.com"
               "\xe2\x80\x9d",
               "H:evil.com");
}

static void test_not_hosts(void **state)
{
    (void)state;
    pieces_are("version 1.2.3 and 10.0", "");
    pieces_are("e.g. i.e. etc. Mr. Smith", "");
    pieces_are("a.b c.d1 x.y-z", "");
    pieces_are("ends with a dot. Then words", "");
    pieces_are("a..com", "");
    pieces_are("1.2.3.256 and 01.2.3.4", "");
    pieces_are("\xc3\xa9vil.com", "");
    pieces_are("user@", "");
    pieces_are("", "");
}

static void test_stop(void **state)
{
    struct found f;
    const char *text = "a.com b.com c.com";
    (void)state;
    memset(&f, 0, sizeof(f));
    f.stop_after = 2;
    assert_int_equal(vg_text_each_url(text, strlen(text), collect, &f), 2);
    assert_string_equal(f.s, "H:a.com|H:b.com");
    assert_int_equal(vg_text_each_url(text, strlen(text), NULL, NULL), 3);
    assert_int_equal(vg_text_each_url(NULL, 5, NULL, NULL), 0);
}

static void links_are(const char *text, const char *want)
{
    struct found f;
    memset(&f, 0, sizeof(f));
    vg_text_each_link(text, strlen(text), collect, &f);
    if (strcmp(f.s, want) != 0)
        fail_msg("\"%s\": links \"%s\", want \"%s\"", text, f.s, want);
}

static void test_mvt_links(void **state)
{
    (void)state;
    /* as MVT's check_for_links: nothing trimmed, no bare hosts */
    links_are("Please click here https://badbadbad.example.org/",
              "U:https://badbadbad.example.org/");
    links_are("(HTTP://a.b/c), evil.com http://x.y/z.", "U:HTTP://a.b/c),|U:http://x.y/z.");
    links_are("xhttps://a\xe3\x80\x80"
              "b ftp://c http:// ",
              "U:https://a");
    links_are("http://a\x1f"
              "b",
              "U:http://a");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_urls),       cmocka_unit_test(test_redirector),
        cmocka_unit_test(test_bare_hosts), cmocka_unit_test(test_not_hosts),
        cmocka_unit_test(test_stop),       cmocka_unit_test(test_mvt_links),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
