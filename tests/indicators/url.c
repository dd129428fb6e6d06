/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "indicators/url.h"

static void host_is(const char *url, const char *want, enum vg_host_kind want_kind)
{
    char host[VG_MAX_HOST + 1];
    enum vg_host_kind kind = VG_HOST_NAME;
    int n = vg_url_host_n(url, strlen(url), host, sizeof(host), &kind);
    if (n < 0)
        fail_msg("%s: error %d, want %s", url, n, want);
    if (strcmp(host, want) != 0 || (size_t)n != strlen(want))
        fail_msg("%s: host \"%s\", want \"%s\"", url, host, want);
    if (kind != want_kind)
        fail_msg("%s: kind %d, want %d", url, kind, want_kind);
}

static void no_host(const char *url)
{
    char host[VG_MAX_HOST + 1];
    int n = vg_url_host(url, host, sizeof(host));
    if (n >= 0)
        fail_msg("%s: host \"%s\", want none", url, host);
}

static void test_host_forms(void **state)
{
    (void)state;
    host_is("https://www.example.com/path?q=1#f", "www.example.com", VG_HOST_NAME);
    host_is("www.example.com", "www.example.com", VG_HOST_NAME);
    host_is("www.example.com/path", "www.example.com", VG_HOST_NAME);
    host_is("evil.com:8080/x", "evil.com", VG_HOST_NAME);
    host_is("//evil.com/x", "evil.com", VG_HOST_NAME);
    host_is("HTTPS://User:Pw@WWW.Evil.COM.:443/X", "www.evil.com", VG_HOST_NAME);
    host_is("http://good.com@evil.com/", "evil.com", VG_HOST_NAME);
    host_is("http://a@b@evil.com/", "evil.com", VG_HOST_NAME);
    host_is("http://%65vil.%43om/", "evil.com", VG_HOST_NAME);
    host_is("http://evil.com?x", "evil.com", VG_HOST_NAME);
    host_is("http://evil.com#x", "evil.com", VG_HOST_NAME);
    host_is("  http://evil.com/ \n", "evil.com", VG_HOST_NAME);
    host_is("mailto:someone@Evil.com?subject=hi", "evil.com", VG_HOST_NAME);
    host_is("ftp://files.evil.com/", "files.evil.com", VG_HOST_NAME);
    host_is("itms-services://evil.com/?action=x", "evil.com", VG_HOST_NAME);
    host_is("localhost:8080", "localhost", VG_HOST_NAME);
}

static void test_host_browser_quirks(void **state)
{
    (void)state;
    /* what a browser connects to, so what an attacker may write */
    host_is("http:\\\\evil.com\\x", "evil.com", VG_HOST_NAME);
    host_is("https:evil.com/x", "evil.com", VG_HOST_NAME);
    host_is("http:///evil.com", "evil.com", VG_HOST_NAME);
    host_is("http://evil.com\\@good.com/", "evil.com", VG_HOST_NAME);
}

static void test_host_ip(void **state)
{
    (void)state;
    host_is("http://198.51.100.1/x", "198.51.100.1", VG_HOST_IPV4);
    host_is("198.51.100.1:80", "198.51.100.1", VG_HOST_IPV4);
    host_is("http://0xc6.0x33.0x64.0x01/", "198.51.100.1", VG_HOST_IPV4);
    host_is("http://3325256705/", "198.51.100.1", VG_HOST_IPV4);
    host_is("http://0306.063.0144.01/", "198.51.100.1", VG_HOST_IPV4);
    host_is("http://198.51.25601/", "198.51.100.1", VG_HOST_IPV4);
    host_is("http://[2001:DB8:0:0::1]:8443/x", "2001:db8::1", VG_HOST_IPV6);
    host_is("[2001:db8::1]", "2001:db8::1", VG_HOST_IPV6);
    host_is("2001:0db8::0001", "2001:db8::1", VG_HOST_IPV6);
    host_is("http://[::ffff:198.51.100.1]/", "::ffff:198.51.100.1", VG_HOST_IPV6);
    no_host("http://256.1.1.1/");
    no_host("http://1.2.3.4.5/");
    no_host("http://[::g]/");
    no_host("http://[::1/");
    no_host("http://09.1.1.1/");
}

static void test_no_host(void **state)
{
    (void)state;
    no_host("");
    no_host("http://");
    no_host("http:///");
    no_host("tel:+15551234");
    no_host("javascript:alert(1)");
    no_host("mailto:nobody");
    no_host("http://evil.com:80x/");
    no_host("http://ev il.com/");
    no_host("http://evil%2Fcom/");
    no_host("http://evil%zzcom/");
    no_host("http://.../");
}

static void test_host_limits(void **state)
{
    char small[8], big[VG_MAX_HOST + 64];
    (void)state;
    assert_int_equal(vg_url_host("http://example.com/", small, sizeof(small)), VG_E_LIMIT);
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(vg_url_host(big, small, sizeof(small)), VG_E_LIMIT);
    assert_int_equal(vg_url_host(NULL, small, sizeof(small)), VG_E_INVAL);
    assert_int_equal(vg_url_host("x.com", small, 0), VG_E_INVAL);
    assert_int_equal(vg_url_host("x.com", small, sizeof(small)), 5);
}

static void norm_is(const char *url, const char *want)
{
    char out[VG_MAX_URL + 1];
    int n = vg_url_normalise(url, strlen(url), out, sizeof(out));
    if (n < 0)
        fail_msg("%s: error %d, want %s", url, n, want);
    if (strcmp(out, want) != 0 || (size_t)n != strlen(want))
        fail_msg("%s: \"%s\", want \"%s\"", url, out, want);
}

static void test_normalise(void **state)
{
    char small[10];
    (void)state;
    norm_is("http://example.com/thisisbad", "http://example.com/thisisbad");
    norm_is("HTTP://EXAMPLE.COM:80/ThisIsBad", "http://example.com/ThisIsBad");
    norm_is("https://Example.com:443/a?B=C#D", "https://example.com/a?B=C#D");
    norm_is("https://example.com:8443/a", "https://example.com:8443/a");
    norm_is("http://example.com:443/a", "http://example.com:443/a");
    norm_is("https://example.com", "https://example.com/");
    norm_is("http://example.com:0080/", "http://example.com/");
    norm_is("http://example.com:/", "http://example.com/");
    norm_is("http://User@Example.com./", "http://User@example.com/");
    norm_is("http://[2001:DB8::1]:80/", "http://[2001:db8::1]/");
    /* without a scheme, "//" so that the result reads back the same */
    norm_is("Example.com/x", "//example.com/x");
    norm_is("//H:x@Evil.com/x", "//H:x@evil.com/x");
    norm_is("HTTP.:886/P", "//http:886/P");
    norm_is("MAILTO:A@B.com", "mailto:A@B.com");
    assert_int_equal(vg_url_normalise("http://example.com:99999/", 25, small, sizeof(small)),
                     VG_E_INVAL);
    assert_int_equal(vg_url_normalise("http://example.com/", 19, small, sizeof(small)), VG_E_LIMIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_forms),  cmocka_unit_test(test_host_browser_quirks),
        cmocka_unit_test(test_host_ip),     cmocka_unit_test(test_no_host),
        cmocka_unit_test(test_host_limits), cmocka_unit_test(test_normalise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
