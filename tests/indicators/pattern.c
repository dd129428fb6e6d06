/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "indicators/pattern.h"

static int parse(const char *s, struct vg_pattern *p)
{
    return vg_pattern_parse(s, strlen(s), p);
}

static void assert_term(const struct vg_pattern *p, size_t i, int type, const char *value)
{
    assert_true(i < p->n);
    assert_int_equal(p->terms[i].type, type);
    assert_string_equal(p->terms[i].value, value);
    assert_int_equal(p->terms[i].len, strlen(value));
}

static void test_single(void **state)
{
    struct vg_pattern p;
    (void)state;
    assert_int_equal(parse("[domain-name:value='example.org']", &p), VG_OK);
    assert_int_equal(p.n, 1);
    assert_term(&p, 0, VG_IOC_DOMAIN, "example.org");
    vg_pattern_free(&p);
}

static void test_whitespace(void **state)
{
    struct vg_pattern p;
    (void)state;
    assert_int_equal(parse("  [ process:name   =\t'Launch' ]\n", &p), VG_OK);
    assert_term(&p, 0, VG_IOC_PROCESS, "Launch");
    vg_pattern_free(&p);
    assert_int_equal(parse("[email-addr:value= 'a@b.c']", &p), VG_OK);
    assert_term(&p, 0, VG_IOC_EMAIL, "a@b.c");
    vg_pattern_free(&p);
}

static void test_escapes(void **state)
{
    struct vg_pattern p;
    (void)state;
    assert_int_equal(parse("[file:name = 'it\\'s \\\\ here']", &p), VG_OK);
    assert_term(&p, 0, VG_IOC_FILE_NAME, "it's \\ here");
    vg_pattern_free(&p);
    /* STIX allows no other escape */
    assert_int_equal(parse("[file:name = 'a\\nb']", &p), VG_E_UNSUPPORTED);
    vg_pattern_free(&p);
    /* unterminated */
    assert_int_equal(parse("[file:name = 'abc]", &p), VG_E_UNSUPPORTED);
    vg_pattern_free(&p);
}

static void test_or_forms(void **state)
{
    struct vg_pattern p;
    (void)state;
    assert_int_equal(parse("[domain-name:value='x.com' OR ipv4-addr:value='1.2.3.4']", &p), VG_OK);
    assert_int_equal(p.n, 2);
    assert_term(&p, 0, VG_IOC_DOMAIN, "x.com");
    assert_term(&p, 1, VG_IOC_IPV4, "1.2.3.4");
    vg_pattern_free(&p);

    assert_int_equal(parse("[url:value='http://a/'] OR [process:name='p'] or [app:id='q']", &p),
                     VG_OK);
    assert_int_equal(p.n, 3);
    assert_term(&p, 0, VG_IOC_URL, "http://a/");
    assert_term(&p, 1, VG_IOC_PROCESS, "p");
    assert_term(&p, 2, VG_IOC_APP_ID, "q");
    vg_pattern_free(&p);

    assert_int_equal(parse("([file:path='/a'] OR ([file:name='b' OR (file:name='c')]))", &p),
                     VG_OK);
    assert_int_equal(p.n, 3);
    assert_term(&p, 2, VG_IOC_FILE_NAME, "c");
    vg_pattern_free(&p);
}

static void test_every_type(void **state)
{
    static const struct {
        const char *path;
        int type;
    } cases[] = {
        {"domain-name:value", VG_IOC_DOMAIN},
        {"ipv4-addr:value", VG_IOC_IPV4},
        {"ipv6-addr:value", VG_IOC_IPV6},
        {"url:value", VG_IOC_URL},
        {"process:name", VG_IOC_PROCESS},
        {"email-addr:value", VG_IOC_EMAIL},
        {"file:name", VG_IOC_FILE_NAME},
        {"file:path", VG_IOC_FILE_PATH},
        {"file:hashes.md5", VG_IOC_FILE_MD5},
        {"file:hashes.sha1", VG_IOC_FILE_SHA1},
        {"file:hashes.sha256", VG_IOC_FILE_SHA256},
        {"file:hashes.'MD5'", VG_IOC_FILE_MD5},
        {"file:hashes.'SHA-1'", VG_IOC_FILE_SHA1},
        {"file:hashes.'SHA-256'", VG_IOC_FILE_SHA256},
        {"file:hashes.SHA256", VG_IOC_FILE_SHA256},
        {"app:id", VG_IOC_APP_ID},
        {"app:cert.md5", VG_IOC_APP_CERT_MD5},
        {"app:cert.sha1", VG_IOC_APP_CERT_SHA1},
        {"app:cert.sha256", VG_IOC_APP_CERT_SHA256},
        {"app:cert.'SHA-256'", VG_IOC_APP_CERT_SHA256},
        {"configuration-profile:id", VG_IOC_PROFILE_ID},
        {"android-property:name", VG_IOC_ANDROID_PROPERTY},
        {"file:size", VG_PATTERN_UNKNOWN},
        {"x-custom:thing", VG_PATTERN_UNKNOWN},
        {"file:hashes.'SHA-512'", VG_PATTERN_UNKNOWN},
        {"domain-name:resolves_to_refs", VG_PATTERN_UNKNOWN},
    };
    size_t i;
    (void)state;
    for (i = 0; i < VG_ARRAY_LEN(cases); i++) {
        struct vg_pattern p;
        char buf[128];
        assert_int_equal(vg_snprintf(buf, sizeof(buf), "[%s = 'v']", cases[i].path), VG_OK);
        assert_int_equal(parse(buf, &p), VG_OK);
        assert_int_equal(p.n, 1);
        assert_int_equal(p.terms[0].type, cases[i].type);
        vg_pattern_free(&p);
    }
}

static void test_unsupported_shapes(void **state)
{
    static const char *const bad[] = {
        "[domain-name:value='a' AND domain-name:value='b']",
        "[domain-name:value='a'] AND [domain-name:value='b']",
        "[domain-name:value='a'] FOLLOWEDBY [domain-name:value='b']",
        "[domain-name:value MATCHES '^a']",
        "[domain-name:value LIKE 'a%']",
        "[domain-name:value != 'a']",
        "[domain-name:value == 'a']",
        "[file:size > 10]",
        "[file:size = 10]",
        "[domain-name:value IN ('a', 'b')]",
        "[domain-name:value NOT = 'a']",
        "[file:hashes.MD5 = h'00ff']",
        "[ipv4-addr:value = 'a'] WITHIN 5 SECONDS",
        "[ipv4-addr:value = 'a'] REPEATS 2 TIMES",
        "[file:extensions.'x'.values[*] = 'a']",
        "[domain-name:value = 'a'",
        "domain-name:value = 'a'",
        "[domain-name:value = 'a'] garbage",
        "[domain-name:value = 'a' ORdomain-name:value = 'b']",
        "[(domain-name:value = 'a']",
        "[]",
        "",
    };
    size_t i;
    (void)state;
    for (i = 0; i < VG_ARRAY_LEN(bad); i++) {
        struct vg_pattern p;
        int rc = parse(bad[i], &p);
        if (rc != VG_E_UNSUPPORTED)
            fail_msg("pattern %zu \"%s\": %d", i, bad[i], rc);
        vg_pattern_free(&p);
    }
}

static void test_limits(void **state)
{
    struct vg_pattern p;
    char deep[200];
    size_t i, n = 0;
    (void)state;
    for (i = 0; i < VG_MAX_PATTERN_DEPTH + 2; i++)
        deep[n++] = '(';
    deep[n] = '\0';
    assert_int_equal(parse(deep, &p), VG_E_LIMIT);
    vg_pattern_free(&p);
}

static void test_too_many_terms(void **state)
{
    struct vg_pattern p;
    size_t i, cap = (VG_MAX_PATTERN_TERMS + 1) * 24 + 8, n = 0;
    char *s = malloc(cap);
    (void)state;
    assert_non_null(s);
    s[n++] = '[';
    for (i = 0; i <= VG_MAX_PATTERN_TERMS; i++) {
        assert_int_equal(vg_snprintf(s + n, cap - n, "%sapp:id='%zu'", i ? " OR " : "", i), VG_OK);
        n += strlen(s + n);
    }
    s[n++] = ']';
    s[n] = '\0';
    assert_int_equal(parse(s, &p), VG_E_LIMIT);
    vg_pattern_free(&p);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single),     cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_escapes),    cmocka_unit_test(test_or_forms),
        cmocka_unit_test(test_every_type), cmocka_unit_test(test_unsupported_shapes),
        cmocka_unit_test(test_limits),     cmocka_unit_test(test_too_many_terms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
