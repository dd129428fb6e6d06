/*
 * Tests for src/lib/formats/android/dumpsys.c: splitting dumpsys text into
 * services the way MVT's extract_dumpsys_section() does, and reading a
 * section's lines.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dumpsys_test.h"

#define DASHES79 "-------------------------------------------------------------------------------"
#define DASHES77 "-----------------------------------------------------------------------------"

static const char dumpstate[] =
    "Currently running services:\n"
    "  appops\n" DASHES79 "\n"
    "DUMP OF SERVICE appops:\n"
    "line one\n"
    "--------- 0.053s was the duration of dumpsys appops\n" DASHES79 "\n"
    "DUMP OF SERVICE HIGH package:\n"
    "pkg\n" DASHES79 "\n"
    "DUMP OF SERVICE CRITICAL cpuinfo:\n"
    "cut here";

static void test_iterates_sections(void **state)
{
    struct vg_dumpsys_iter it;
    struct vg_dumpsys_section s;
    (void)state;

    assert_int_equal(vg_dumpsys_iter_init(&it, DT_TEXT(dumpstate), VG_DUMPSYS_REPLACE), VG_OK);
    assert_int_equal(vg_dumpsys_iter_next(&it, &s), 1);
    assert_true(vg_str_eq(s.name, "appops"));
    assert_true(vg_str_eq(s.service, "appops"));
    assert_int_equal(s.prio, VG_DUMPSYS_PRIO_NORMAL);
    assert_true(vg_str_eq(s.body, "line one\n--------- 0.053s was the duration of dumpsys appops"));
    assert_int_equal(s.line, 4);
    assert_int_equal(s.offset, strstr(dumpstate, "DUMP OF SERVICE appops") - dumpstate);
    assert_true(s.ended);

    assert_int_equal(vg_dumpsys_iter_next(&it, &s), 1);
    assert_true(vg_str_eq(s.name, "HIGH package"));
    assert_true(vg_str_eq(s.service, "package"));
    assert_int_equal(s.prio, VG_DUMPSYS_PRIO_HIGH);
    assert_true(vg_str_eq(s.body, "pkg"));

    /* the text ends inside the section: it runs to the end */
    assert_int_equal(vg_dumpsys_iter_next(&it, &s), 1);
    assert_true(vg_str_eq(s.name, "CRITICAL cpuinfo"));
    assert_true(vg_str_eq(s.service, "cpuinfo"));
    assert_int_equal(s.prio, VG_DUMPSYS_PRIO_CRITICAL);
    assert_true(vg_str_eq(s.body, "cut here"));
    assert_false(s.ended);

    assert_int_equal(vg_dumpsys_iter_next(&it, &s), 0);
    vg_dumpsys_iter_free(&it);
}

static void test_find(void **state)
{
    struct vg_dumpsys_section s;
    (void)state;

    assert_int_equal(vg_dumpsys_find(DT_TEXT(dumpstate), "appops", VG_DUMPSYS_REPLACE, &s), VG_OK);
    assert_true(vg_str_eq(s.body, "line one\n--------- 0.053s was the duration of dumpsys appops"));
    /* MVT looks for the exact header: a priority pass has its own name */
    assert_int_equal(vg_dumpsys_find(DT_TEXT(dumpstate), "package", VG_DUMPSYS_REPLACE, &s),
                     VG_E_NOTFOUND);
    assert_int_equal(vg_dumpsys_find(DT_TEXT(dumpstate), "HIGH package", VG_DUMPSYS_REPLACE, &s),
                     VG_OK);
    assert_true(vg_str_eq(s.service, "package"));
    assert_int_equal(vg_dumpsys_find(DT_TEXT(dumpstate), "cpu", VG_DUMPSYS_REPLACE, &s),
                     VG_E_NOTFOUND);
    assert_int_equal(vg_dumpsys_find(NULL, 0, "a", VG_DUMPSYS_BYTES, &s), VG_E_NOTFOUND);
}

/* A header before the delimiter starts a section inside the one before:
 * both run to the delimiter, as MVT's loop gives. */
static void test_nested_headers(void **state)
{
    static const char t[] = "DUMP OF SERVICE a:\nx\nDUMP OF SERVICE b:\ny\n" DASHES79
                            "\nDUMP OF SERVICE c:\n" DASHES79 "\n";
    struct vg_dumpsys_section s;
    (void)state;

    assert_int_equal(vg_dumpsys_find(DT_TEXT(t), "a", VG_DUMPSYS_REPLACE, &s), VG_OK);
    assert_true(vg_str_eq(s.body, "x\nDUMP OF SERVICE b:\ny"));
    assert_int_equal(vg_dumpsys_find(DT_TEXT(t), "b", VG_DUMPSYS_REPLACE, &s), VG_OK);
    assert_true(vg_str_eq(s.body, "y"));
    assert_int_equal(vg_dumpsys_find(DT_TEXT(t), "c", VG_DUMPSYS_REPLACE, &s), VG_OK);
    assert_int_equal(s.body.n, 0);
    assert_true(s.ended);
}

/* Headers and delimiters are compared stripped; 77 dashes end nothing;
 * "\r\n" ends lines. */
static void test_header_and_delimiter_shapes(void **state)
{
    static const char t[] =
        "  DUMP OF SERVICE a:  \r\n" DASHES77 "\r\n  " DASHES79 "x\r\nafter\r\n";
    struct vg_dumpsys_section s;
    (void)state;

    assert_int_equal(vg_dumpsys_find(DT_TEXT(t), "a", VG_DUMPSYS_REPLACE, &s), VG_OK);
    assert_true(vg_str_eq(s.body, DASHES77));
    assert_int_equal(vg_dumpsys_find(DT_TEXT("DUMP OF SERVICE :\nz"), "", VG_DUMPSYS_REPLACE, &s),
                     VG_OK);
    assert_true(vg_str_eq(s.body, "z"));
    assert_int_equal(vg_dumpsys_find(DT_TEXT("DUMP OF SERVICE a\nz"), "a", VG_DUMPSYS_REPLACE, &s),
                     VG_E_NOTFOUND);
}

/* str.splitlines() ends a line at \v; bytes.splitlines() does not. */
static void test_python_line_ends(void **state)
{
    static const char t[] = "x\x0b"
                            "DUMP OF SERVICE a:\rbody\n";
    struct vg_dumpsys_section s;
    (void)state;

    assert_int_equal(vg_dumpsys_find(DT_TEXT(t), "a", VG_DUMPSYS_REPLACE, &s), VG_OK);
    assert_true(vg_str_eq(s.body, "body"));
    assert_int_equal(vg_dumpsys_find(DT_TEXT(t), "a", VG_DUMPSYS_BYTES, &s), VG_E_NOTFOUND);
}

/* decode(errors="ignore") drops invalid bytes before MVT compares. */
static void test_ignore_decoding(void **state)
{
    static const char t[] = "DUMP OF SERVICE \xff"
                            "a:\nbody\n\xfe" DASHES79 "\nrest\n";
    struct vg_dumpsys_section s;
    (void)state;

    assert_int_equal(vg_dumpsys_find(DT_TEXT(t), "a", VG_DUMPSYS_IGNORE, &s), VG_OK);
    assert_true(vg_str_eq(s.body, "body"));
    assert_true(vg_str_eq(s.name, "a"));
    assert_int_equal(vg_dumpsys_find(DT_TEXT(t), "a", VG_DUMPSYS_REPLACE, &s), VG_E_NOTFOUND);
}

static void expect_lines(const struct vg_dumpsys_section *s, const char *const *want, size_t n)
{
    struct vg_dumpsys_lines r;
    struct vg_str line;
    size_t i = 0;
    int rc;

    vg_dumpsys_lines_init(&r, s);
    while ((rc = vg_dumpsys_lines_next(&r, &line)) == 1) {
        assert_true(i < n);
        if (!vg_str_eq(line, want[i]))
            fail_msg("line %zu: got '%.*s', want '%s'", i, (int)line.n, line.p, want[i]);
        i++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(i, n);
    vg_dumpsys_lines_free(&r);
}

static void test_section_lines(void **state)
{
    static const char t[] = "DUMP OF SERVICE a:\n"
                            "one\xff\n"
                            "  DUMP OF SERVICE a:\n" /* MVT skips a repeat of the header */
                            "DUMP OF SERVICE b:\n"
                            "\n"
                            "\n" DASHES79 "\n";
    static const char *const replace[] = {"one\xef\xbf\xbd", "DUMP OF SERVICE b:", ""};
    static const char *const ignore[] = {"one", "DUMP OF SERVICE b:", ""};
    static const char *const bytes[] = {"one\xff", "DUMP OF SERVICE b:", ""};
    struct vg_dumpsys_section s;
    struct vg_dumpsys_lines r;
    struct vg_str line;
    (void)state;

    assert_int_equal(vg_dumpsys_find(DT_TEXT(t), "a", VG_DUMPSYS_REPLACE, &s), VG_OK);
    expect_lines(&s, replace, 3);
    assert_int_equal(vg_dumpsys_find(DT_TEXT(t), "a", VG_DUMPSYS_IGNORE, &s), VG_OK);
    expect_lines(&s, ignore, 3);
    assert_int_equal(vg_dumpsys_find(DT_TEXT(t), "a", VG_DUMPSYS_BYTES, &s), VG_OK);
    expect_lines(&s, bytes, 3);

    /* line numbers count in the whole text */
    vg_dumpsys_lines_init(&r, &s);
    assert_int_equal(vg_dumpsys_lines_next(&r, &line), 1);
    assert_int_equal(r.lineno, 2);
    assert_int_equal(vg_dumpsys_lines_next(&r, &line), 1);
    assert_int_equal(r.lineno, 4);
    vg_dumpsys_lines_free(&r);
}

/* MVT joins the section's lines with "\n", so one trailing empty line is
 * lost when it splits them again. */
static void test_trailing_empty_line(void **state)
{
    static const char one[] = "DUMP OF SERVICE a:\nx\n\n" DASHES79;
    static const char two[] = "DUMP OF SERVICE a:\nx\n\n\n" DASHES79;
    static const char *const want_one[] = {"x"};
    static const char *const want_two[] = {"x", ""};
    struct vg_dumpsys_section s;
    (void)state;

    assert_int_equal(vg_dumpsys_find(DT_TEXT(one), "a", VG_DUMPSYS_REPLACE, &s), VG_OK);
    expect_lines(&s, want_one, 1);
    assert_int_equal(vg_dumpsys_find(DT_TEXT(two), "a", VG_DUMPSYS_REPLACE, &s), VG_OK);
    expect_lines(&s, want_two, 2);
}

static void test_whole(void **state)
{
    static const char *const want[] = {"DUMP OF SERVICE a:", "b"};
    struct vg_dumpsys_section s;
    (void)state;

    vg_dumpsys_whole(DT_TEXT("DUMP OF SERVICE a:\nb\n"), VG_DUMPSYS_REPLACE, &s);
    assert_int_equal(s.line, 0);
    expect_lines(&s, want, 2); /* no header of its own: nothing skipped */
}

static void test_limits(void **state)
{
    struct vg_dumpsys_iter it;
    struct vg_dumpsys_section s;
    size_t n = (size_t)VG_MAX_DUMPSYS_SECTIONS + 1, i, len = 0;
    char *t = malloc(n * 20 + 1);
    int rc;
    (void)state;

    assert_int_equal(
        vg_dumpsys_iter_init(&it, "", (size_t)VG_MAX_DUMPSYS_TEXT + 1, VG_DUMPSYS_REPLACE),
        VG_E_LIMIT);
    /* one more header than the cap, none closed by a delimiter: also
     * checks that nested sections cost one pass, not one per header */
    assert_non_null(t);
    for (i = 0; i < n; i++) {
        memcpy(t + len, "DUMP OF SERVICE a:\n", 19);
        len += 19;
    }
    assert_int_equal(vg_dumpsys_iter_init(&it, t, len, VG_DUMPSYS_REPLACE), VG_OK);
    for (i = 0; (rc = vg_dumpsys_iter_next(&it, &s)) == 1; i++)
        ;
    assert_int_equal(rc, VG_E_LIMIT);
    assert_int_equal(i, VG_MAX_DUMPSYS_SECTIONS);
    vg_dumpsys_iter_free(&it);
    free(t);
}

/* A line over VG_MAX_TEXT_LINE is cut, and the parser says so. */
static void test_giant_line(void **state)
{
    size_t big = (size_t)VG_MAX_TEXT_LINE + 100, len;
    char *t = malloc(big + 200);
    struct dt_run r;
    (void)state;

    assert_non_null(t);
    len = (size_t)snprintf(t, 200, "ChangeId(168419799; name=DOWNSCALED; rawOverrides={a=1, ");
    memset(t + len, 'x', big);
    len += big;
    memcpy(t + len, "=1};)\nnext\n", 11);
    len += 11;
    dt_whole(&r, VG_DUMPSYS_PLATFORM_COMPAT, t, len);
    assert_int_equal(r.rc, VG_OK);
    /* the cut line still gives what lies before the cut */
    assert_int_equal(json_array_size(r.records), 2);
    assert_true(dt_said(&r, "line(s) longer than"));
    dt_free(&r);
    free(t);
}

static int stop_record(void *ud, json_t *record)
{
    (void)ud;
    json_decref(record);
    return VG_E_INTERRUPTED;
}

static void test_extract_and_table(void **state)
{
    struct vg_dumpsys_sink sink = {stop_record, NULL, NULL, NULL, 0};
    size_t i;
    (void)state;

    for (i = 0; i < VG_DUMPSYS_KIND_COUNT; i++) {
        assert_non_null(vg_dumpsys_parsers[i].parse);
        assert_non_null(vg_dumpsys_parsers[i].section);
    }
    assert_string_equal(vg_dumpsys_parsers[VG_DUMPSYS_DBINFO].result, "dbinfo");
    assert_int_equal(vg_dumpsys_parsers[VG_DUMPSYS_ADB].dec, VG_DUMPSYS_BYTES);
    assert_int_equal(vg_dumpsys_extract(DT_TEXT(dumpstate), VG_DUMPSYS_KIND_COUNT, &sink),
                     VG_E_INVAL);
    assert_int_equal(vg_dumpsys_extract(DT_TEXT(dumpstate), VG_DUMPSYS_DBINFO, &sink),
                     VG_E_NOTFOUND);
    /* the callback's error stops the parse and comes back */
    assert_int_equal(vg_dumpsys_extract(DT_TEXT("DUMP OF SERVICE platform_compat:\n"
                                                "ChangeId(168419799; name=DOWNSCALED; "
                                                "rawOverrides={a=b, c=d};)\n"),
                                        VG_DUMPSYS_PLATFORM_COMPAT, &sink),
                     VG_E_INTERRUPTED);
}

/* Both sources: the bugreport's dumpstate and AndroidQF's dumpsys.txt. */
static void test_samples_split(void **state)
{
    static const char *const files[] = {"mvt-artifacts/androidqf/dumpsys.txt",
                                        "mvt-artifacts/android_data/bugreport/dumpstate.txt"};
    static const char *const qf[] = {"accessibility", "package",      "appops",         "adb",
                                     "dbinfo",        "batterystats", "platform_compat"};
    struct vg_dumpsys_iter it;
    struct vg_dumpsys_section s;
    size_t len, i, k;
    char *text;
    (void)state;

    for (k = 0; k < 2; k++) {
        if (!(text = dt_shared(files[k], &len))) {
            skip();
            return;
        }
        assert_int_equal(vg_dumpsys_iter_init(&it, text, len, VG_DUMPSYS_REPLACE), VG_OK);
        for (i = 0; vg_dumpsys_iter_next(&it, &s) == 1; i++)
            if (k == 0) {
                assert_true(i < VG_ARRAY_LEN(qf));
                assert_true(vg_str_eq(s.name, qf[i]));
                assert_true(s.ended == (i + 1 < VG_ARRAY_LEN(qf))); /* the file ends in the last */
            }
        assert_int_equal(i, k == 0 ? VG_ARRAY_LEN(qf) : 5);
        vg_dumpsys_iter_free(&it);
        free(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iterates_sections),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_nested_headers),
        cmocka_unit_test(test_header_and_delimiter_shapes),
        cmocka_unit_test(test_python_line_ends),
        cmocka_unit_test(test_ignore_decoding),
        cmocka_unit_test(test_section_lines),
        cmocka_unit_test(test_trailing_empty_line),
        cmocka_unit_test(test_whole),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_giant_line),
        cmocka_unit_test(test_extract_and_table),
        cmocka_unit_test(test_samples_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
