/*
 * Tests for src/lib/formats/android/dumpsys_adb.c. The expected records
 * are what MVT 2026.7.29's DumpsysADBArtifact.parse gives on the same
 * bytes, written as MVT's JSON encoder writes bytes (inputs on which MVT
 * raises say what vigie does).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dumpsys_test.h"

static void run(const char *text, size_t len, const char *want)
{
    struct dt_run r;

    dt_whole(&r, VG_DUMPSYS_ADB, text, len);
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, want);
    assert_int_equal(dt_warnings(&r), 0);
    dt_free(&r);
}

/* The text form: user_keys lines up to a blank line, each "<base64>
 * <user>" with the MD5 of the key; the keystore (binary XML here) kept as
 * bytes, invalid UTF-8 as \xNN; nested objects. */
static void test_text_form(void **state)
{
    (void)state;
    run(DT_TEXT("DUMP OF SERVICE adb:\n"
                "ADB MANAGER STATE (dumpsys adb):\n"
                "{\n"
                "  debugging_manager={\n"
                "    connected_to_adb=true\n"
                "    last_key_received=F0:A1\n"
                "    user_keys=QUJD user@linux\n"
                "    ZGVm second@host\n"
                "    nouser\n"
                "\n"
                "    keystore=ABX\x00\x0bkeyStore\xff\x02\n"
                "    adb_wifi={\n"
                "      enabled=false\n"
                "      network_ssid=\n"
                "    }\n"
                "  }\n"
                "}\n"
                "--------- 0.001s was the duration of dumpsys adb\n"),
        "[{\"connected_to_adb\":\"true\",\"last_key_received\":\"F0:A1\",\"user_keys\":[{\"user"
        "\":\"user@linux\",\"fingerprint\":\"90:2F:BD:D2:B1:DF:0C:4F:70:B4:A5:D2:35:25:E9:32\","
        "\"key\":\"QUJD\"},{\"user\":\"second@host\",\"fingerprint\":\"4E:D9:40:76:30:EB:10:00:"
        "C0:F6:B6:38:42:DE:FA:7D\",\"key\":\"ZGVm\"},{\"user\":\"\",\"fingerprint\":\"\",\"key"
        "\":\"nouser\"}],\"keystore\":\"ABX\\u0000\\u000bkeyStore\\\\xff\\u0002\",\"adb_wifi\":"
        "{\"enabled\":\"false\",\"network_ssid\":\"\"}}]");
}

/* The XML form: every adbKey child of the root, with lastConnection. */
static void test_xml_form(void **state)
{
    (void)state;
    run(DT_TEXT("x\n"
                "{\n"
                "  debugging_manager={\n"
                "    connected_to_adb=true\n"
                "    user_keys=QAAAAAcgbytJst31DsaSP7hn8QcBXKR9NPVPK9MZssFVSNIP user@laptop\n"
                "\n"
                "    keystore=<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n"
                "    <keyStore version=\"1\">\n"
                "    <adbKey key=\"QUJD user@laptop\" lastConnection=\"1628501829898\" />\n"
                "    <adbKey key=\"ZGVm\" />\n"
                "    <other key=\"x\"/>\n"
                "    <adbKey key=\"QQ== a\"><adbKey key=\"nested\"/></adbKey>\n"
                "    </keyStore>\n"
                "\n"
                "  }\n"
                "}\n"),
        "[{\"connected_to_adb\":\"true\",\"user_keys\":[{\"user\":\"user@laptop\",\"fingerprint"
        "\":\"F0:0B:27:08:E3:68:7B:FA:4C:79:A2:B4:BF:0E:CF:70\",\"key\":\"QAAAAAcgbytJst31DsaSP"
        "7hn8QcBXKR9NPVPK9MZssFVSNIP\"}],\"keystore\":[{\"user\":\"user@laptop\",\"fingerprint"
        "\":\"90:2F:BD:D2:B1:DF:0C:4F:70:B4:A5:D2:35:25:E9:32\",\"key\":\"QUJD\",\"last_connect"
        "ed\":\"1628501829898\"},{\"user\":\"\",\"fingerprint\":\"4E:D9:40:76:30:EB:10:00:C0:F6"
        ":B6:38:42:DE:FA:7D\",\"key\":\"ZGVm\",\"last_connected\":null},{\"user\":\"a\",\"finge"
        "rprint\":\"7F:C5:62:70:E7:A7:0F:A8:1A:59:35:B7:2E:AC:BE:29\",\"key\":\"QQ==\",\"last_c"
        "onnected\":null}]}]");
}

/* base64.b64decode without validation: characters outside the alphabet
 * skipped, padding ending the input, bad padding giving no fingerprint. */
static void test_base64(void **state)
{
    (void)state;
    run(DT_TEXT("x\n"
                "{\n"
                "  debugging_manager={\n"
                "    keystore=<?xml version='1.0'?>\n"
                "    <keyStore><adbKey key='QQ= a'/><adbKey key='QQ== b'/><adbKey key='Q "
                "c'/><adbKey key='QUI d'/><adbKey key='QUJD= e'/><adbKey key='Q*U*J*D f'/><adbKey "
                "key='QQ==QUJD g'/><adbKey key='QUJDRA h'/><adbKey key='=QUJD i'/><adbKey "
                "key='QU=JD j'/><adbKey key='Q===QUJD k'/><adbKey key='QUJ=A= l'/><adbKey "
                "key='&#233;QUJD m'/><adbKey key='QUJD  two  spaces'/></keyStore>\n"
                "\n"
                "  }\n"
                "}\n"),
        "[{\"keystore\":[{\"user\":\"a\",\"fingerprint\":\"\",\"key\":\"QQ=\",\"last_connected"
        "\":null},{\"user\":\"b\",\"fingerprint\":\"7F:C5:62:70:E7:A7:0F:A8:1A:59:35:B7:2E:AC:B"
        "E:29\",\"key\":\"QQ==\",\"last_connected\":null},{\"user\":\"c\",\"fingerprint\":\"\","
        "\"key\":\"Q\",\"last_connected\":null},{\"user\":\"d\",\"fingerprint\":\"\",\"key\":\""
        "QUI\",\"last_connected\":null},{\"user\":\"e\",\"fingerprint\":\"90:2F:BD:D2:B1:DF:0C:"
        "4F:70:B4:A5:D2:35:25:E9:32\",\"key\":\"QUJD=\",\"last_connected\":null},{\"user\":\"f"
        "\",\"fingerprint\":\"90:2F:BD:D2:B1:DF:0C:4F:70:B4:A5:D2:35:25:E9:32\",\"key\":\"Q*U*J"
        "*D\",\"last_connected\":null},{\"user\":\"g\",\"fingerprint\":\"7F:C5:62:70:E7:A7:0F:A"
        "8:1A:59:35:B7:2E:AC:BE:29\",\"key\":\"QQ==QUJD\",\"last_connected\":null},{\"user\":\""
        "h\",\"fingerprint\":\"\",\"key\":\"QUJDRA\",\"last_connected\":null},{\"user\":\"i\","
        "\"fingerprint\":\"90:2F:BD:D2:B1:DF:0C:4F:70:B4:A5:D2:35:25:E9:32\",\"key\":\"=QUJD\","
        "\"last_connected\":null},{\"user\":\"j\",\"fingerprint\":\"90:2F:BD:D2:B1:DF:0C:4F:70:"
        "B4:A5:D2:35:25:E9:32\",\"key\":\"QU=JD\",\"last_connected\":null},{\"user\":\"k\",\"fi"
        "ngerprint\":\"\",\"key\":\"Q===QUJD\",\"last_connected\":null},{\"user\":\"l\",\"finge"
        "rprint\":\"B8:6F:C6:B0:51:F6:3D:73:DE:26:2D:4C:34:E3:A0:A9\",\"key\":\"QUJ=A=\",\"last"
        "_connected\":null},{\"user\":\"m\",\"fingerprint\":\"90:2F:BD:D2:B1:DF:0C:4F:70:B4:A5:"
        "D2:35:25:E9:32\",\"key\":\"\\u00e9QUJD\",\"last_connected\":null},{\"user\":\" two  sp"
        "aces\",\"fingerprint\":\"90:2F:BD:D2:B1:DF:0C:4F:70:B4:A5:D2:35:25:E9:32\",\"key\":\"Q"
        "UJD\",\"last_connected\":null}],\"user_keys\":[]}]");
}

/* MVT's indented parser: a repeated key keeps its place; a line that
 * looks like "identifier=..." ends a multi-line value; a keystore at the
 * top level wins; "}" at a lower indentation closes two levels. */
static void test_parser_rules(void **state)
{
    (void)state;
    run(DT_TEXT("x\n"
                "{\n"
                "  debugging_manager={\n"
                "    keystore=A\n"
                "    a=1\n"
                "    user_keys=QUJD u\n"
                "\n"
                "    a=2\n"
                "  }\n"
                "}\n"),
        "[{\"keystore\":\"A\",\"a\":\"2\",\"user_keys\":[{\"user\":\"u\",\"fingerprint\":\"90:2"
        "F:BD:D2:B1:DF:0C:4F:70:B4:A5:D2:35:25:E9:32\",\"key\":\"QUJD\"}]}]");
    run(DT_TEXT("x\n"
                "{\n"
                "  debugging_manager={\n"
                "    user_keys=QUJD u\n"
                "    QUJD===x bad@pad\n"
                "    b=c\n"
                "  }\n"
                "}\n"),
        "[{\"user_keys\":[{\"user\":\"u\",\"fingerprint\":\"90:2F:BD:D2:B1:DF:0C:4F:70:B4:A5:D2"
        ":35:25:E9:32\",\"key\":\"QUJD\"}],\"QUJD\":\"==x bad@pad\",\"b\":\"c\",\"keystore\":nu"
        "ll}]");
    run(DT_TEXT("x\n"
                "{\n"
                "  debugging_manager={\n"
                "    user_keys=QUJD u\n"
                "  }\n"
                "  keystore=top level\n"
                "  line two\n"
                "}\n"),
        "[{\"user_keys\":[{\"user\":\"u\",\"fingerprint\":\"90:2F:BD:D2:B1:DF:0C:4F:70:B4:A5:D2"
        ":35:25:E9:32\",\"key\":\"QUJD\"}],\"keystore\":\"top level\\nline tw\"}]");
    run(DT_TEXT("x\n"
                "{\n"
                "  debugging_manager={\n"
                "    keystore=ABX\n"
                "  }\n"
                "  other={\n"
                "    value=true\n"
                "  }\n"
                "}\n"),
        "[{\"keystore\":\"ABX\",\"user_keys\":[]}]");
    run(DT_TEXT("x\n"
                "{\n"
                "  debugging_manager={\n"
                "    a=1\n"
                "    b={\n"
                "      c=2\n"
                "    }\n"
                "    d=3\n"
                "  }\n"
                "}\n"),
        "[{\"a\":\"1\",\"b\":{\"c\":\"2\"},\"keystore\":null,\"user_keys\":[]}]");
    run(DT_TEXT("x\n"
                "{\n"
                "  debugging_manager={\n"
                "    a=\xff\xfeok\xc3\n"
                "    k\xc3\xa9y=v\n"
                "  }\n"
                "}\n"),
        "[{\"a\":\"\\\\xff\\\\xfeok\\\\xc3\",\"k\\u00e9y\":\"v\",\"keystore\":null,\"user_keys"
        "\":[]}]");
}

/* In a bugreport the section's lines are joined with "\n" first: "\r\n"
 * and "\r" end lines (bytes.splitlines). */
static void test_section(void **state)
{
    static const char t[] =
        "DUMP OF SERVICE adb:\r\n"
        "ADB MANAGER STATE (dumpsys adb):\r\n"
        "{\r\n"
        "  debugging_manager={\r\n"
        "    connected_to_adb=false\r\n"
        "    user_keys=QUJD me@host\r\n"
        "\r\n"
        "    keystore=A\r    B\r\n"
        "  }\r\n"
        "}\r\n"
        "-------------------------------------------------------------------------------"
        "\r\nDUMP OF SERVICE other:\r\n";
    struct dt_run r;
    (void)state;

    dt_extract(&r, VG_DUMPSYS_ADB, DT_TEXT(t));
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, "[{\"connected_to_adb\":\"false\",\"user_keys\":[{\"user\":\"me@host\","
                  "\"fingerprint\":\"90:2F:BD:D2:B1:DF:0C:4F:70:B4:A5:D2:35:25:E9:32\","
                  "\"key\":\"QUJD\"}],\"keystore\":\"A\\nB\"}]");
    dt_free(&r);
}

static void expect_fail(const char *text, size_t len, int rc, const char *said)
{
    struct dt_run r;

    dt_whole(&r, VG_DUMPSYS_ADB, text, len);
    assert_int_equal(r.rc, rc);
    assert_int_equal(json_array_size(r.records), 0);
    if (!dt_said(&r, said))
        fail_msg("no message \"%s\"", said);
    dt_free(&r);
}

/* MVT's own error cases: no record, and its message. */
static void test_no_state(void **state)
{
    (void)state;
    expect_fail(DT_TEXT(""), VG_E_NOTFOUND, "Could not load ADB data");
    expect_fail(DT_TEXT("DUMP OF SERVICE adb:\nCan't find service: adb\n"), VG_E_NOTFOUND,
                "Could not load ADB data");
    expect_fail(DT_TEXT("ADB MANAGER STATE:\n  debugging_manager={\n"), VG_E_CORRUPT,
                "Unable to find ADB manager state");
    expect_fail(DT_TEXT("x\n{\n  debugging_manager={\n"), VG_E_CORRUPT,
                "Unable to find complete ADB manager state");
    expect_fail(DT_TEXT("x\n{\n  other={\n    a=b\n  }\n}\n"), VG_E_CORRUPT,
                "Unable to find expected ADB entries");
}

/* Where MVT raises: vigie warns and goes on when it can, or fails the
 * record naming why. */
static void test_malformed(void **state)
{
    struct dt_run r;
    (void)state;

    /* a line without '=' (IndexError) is skipped */
    dt_whole(&r, VG_DUMPSYS_ADB,
             DT_TEXT("x\n{\n  debugging_manager={\n    justakey\n    a=b\n  }\n}\n"));
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, "[{\"a\":\"b\",\"keystore\":null,\"user_keys\":[]}]");
    assert_true(dt_said(&r, "line 4: state line without '='"));
    dt_free(&r);

    /* text after the last '}' (pop from an empty stack) is ignored */
    dt_whole(&r, VG_DUMPSYS_ADB,
             DT_TEXT("x\n{\n  debugging_manager={\n    a=1\n  }\n}\n}\nb=2\n}\n"));
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, "[{\"a\":\"1\",\"keystore\":null,\"user_keys\":[]}]");
    assert_true(dt_said(&r, "text after the state's last '}'"));
    dt_free(&r);

    /* a key that is not UTF-8 (UnicodeDecodeError) is skipped */
    dt_whole(&r, VG_DUMPSYS_ADB,
             DT_TEXT("x\n{\n  debugging_manager={\n    \xff=1\n    a=2\n  }\n}\n"));
    dt_expect(&r, "[{\"a\":\"2\",\"keystore\":null,\"user_keys\":[]}]");
    assert_true(dt_said(&r, "key that is not UTF-8"));
    dt_free(&r);

    /* an adbKey without key (AttributeError) is skipped */
    dt_whole(&r, VG_DUMPSYS_ADB,
             DT_TEXT("x\n{\n  debugging_manager={\n    keystore=<?xml version='1.0'?>\n"
                     "    <keyStore><adbKey/></keyStore>\n\n  }\n}\n"));
    dt_expect(&r, "[{\"keystore\":[],\"user_keys\":[]}]");
    assert_true(dt_said(&r, "adbKey without a key"));
    dt_free(&r);

    /* broken XML (ParseError) and a debugging_manager that is no object
     * fail the record */
    expect_fail(DT_TEXT("x\n{\n  debugging_manager={\n    keystore=<?xml version='1.0'?>\n"
                        "    <keyStore><adbKey key=\"a\">\n\n  }\n}\n"),
                VG_E_CORRUPT, "keystore XML: no element found");
    expect_fail(DT_TEXT("x\n{\n  debugging_manager=yes\n}\n"), VG_E_CORRUPT,
                "Unable to find expected ADB entries");
    expect_fail(DT_TEXT("\n{\n}\n"), VG_E_CORRUPT, "Unable to find expected ADB entries");
    expect_fail(DT_TEXT("x\n{\n  debugging_manager={\n    user_keys={\n      a=b\n    }\n  }\n}\n"),
                VG_E_CORRUPT, "user_keys is not a list");
}

/* Nesting past VG_MAX_DUMPSYS_ADB_DEPTH fails the record. */
static void test_depth(void **state)
{
    char t[64 + 16 * (VG_MAX_DUMPSYS_ADB_DEPTH + 2)];
    size_t len = 0, i;
    (void)state;

    len += (size_t)snprintf(t, sizeof(t), "x\n{\n");
    for (i = 0; i < VG_MAX_DUMPSYS_ADB_DEPTH + 1; i++)
        len += (size_t)snprintf(t + len, sizeof(t) - len, "k=%s\n", "{");
    len += (size_t)snprintf(t + len, sizeof(t) - len, "}\n");
    expect_fail(t, len, VG_E_LIMIT, "nested deeper than");
}

/* In a section lines are cut at VG_MAX_TEXT_LINE like everywhere; a
 * whole file is bounded by VG_MAX_DUMPSYS_ADB. */
static void test_giant_line(void **state)
{
    static const char head[] = "DUMP OF SERVICE adb:\nx\n{\n  debugging_manager={\n    keystore=";
    static const char tail[] = "\n\n    a=1\n  }\n}\n";
    size_t big = (size_t)VG_MAX_TEXT_LINE + 10, len = 0;
    char *t = malloc(sizeof(head) + big + sizeof(tail));
    struct dt_run r;
    json_t *dm;
    (void)state;

    assert_non_null(t);
    memcpy(t, head, sizeof(head) - 1);
    len = sizeof(head) - 1;
    memset(t + len, 'k', big);
    len += big;
    memcpy(t + len, tail, sizeof(tail) - 1);
    len += sizeof(tail) - 1;
    dt_extract(&r, VG_DUMPSYS_ADB, t, len);
    assert_int_equal(r.rc, VG_OK);
    dm = json_array_get(r.records, 0);
    assert_int_equal(json_string_length(json_object_get(dm, "keystore")), VG_MAX_TEXT_LINE - 13);
    assert_string_equal(json_string_value(json_object_get(dm, "a")), "1");
    dt_free(&r);

    free(t);

    t = calloc(1, (size_t)VG_MAX_DUMPSYS_ADB + 1);
    assert_non_null(t);
    dt_whole(&r, VG_DUMPSYS_ADB, t, (size_t)VG_MAX_DUMPSYS_ADB + 1);
    assert_int_equal(r.rc, VG_E_LIMIT);
    assert_true(dt_said(&r, "section larger than"));
    dt_free(&r);
    free(t);
}

/* MVT's tests on android_data/dumpsys_adb*.txt. */
static void test_samples(void **state)
{
    static const char *const files[] = {"dumpsys_adb.txt", "dumpsys_adb_wifi.txt"};
    struct dt_run r;
    json_t *key, *dm;
    size_t i;
    (void)state;

    for (i = 0; i < 2; i++) {
        if (!dt_sample(&r, VG_DUMPSYS_ADB, files[i])) {
            skip();
            return;
        }
        assert_int_equal(r.rc, VG_OK);
        assert_int_equal(json_array_size(r.records), 1);
        dm = json_array_get(r.records, 0);
        assert_int_equal(json_array_size(json_object_get(dm, "user_keys")), 1);
        key = json_array_get(json_object_get(dm, "user_keys"), 0);
        assert_string_equal(json_string_value(json_object_get(key, "fingerprint")),
                            "F0:A1:3D:8C:B3:F4:7B:09:9F:EE:8B:D8:38:2E:BD:C6");
        assert_string_equal(json_string_value(json_object_get(key, "user")), "user@linux");
        /* the adb_wifi block after the keystore is not part of it */
        assert_null(strstr(json_string_value(json_object_get(dm, "keystore")), "adb_wifi"));
        dt_free(&r);
    }
    assert_true(dt_sample(&r, VG_DUMPSYS_ADB, "dumpsys_adb_xml.txt"));
    dm = json_array_get(r.records, 0);
    key = json_array_get(json_object_get(dm, "user_keys"), 0);
    assert_string_equal(json_string_value(json_object_get(key, "user")), "user@laptop");
    key = json_array_get(json_object_get(dm, "keystore"), 0);
    assert_string_equal(json_string_value(json_object_get(key, "user")), "user@laptop");
    assert_string_equal(json_string_value(json_object_get(key, "fingerprint")),
                        "F0:0B:27:08:E3:68:7B:FA:4C:79:A2:B4:BF:0E:CF:70");
    assert_string_equal(json_string_value(json_object_get(key, "last_connected")), "1628501829898");
    dt_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_form),  cmocka_unit_test(test_xml_form),
        cmocka_unit_test(test_base64),     cmocka_unit_test(test_parser_rules),
        cmocka_unit_test(test_section),    cmocka_unit_test(test_no_state),
        cmocka_unit_test(test_malformed),  cmocka_unit_test(test_depth),
        cmocka_unit_test(test_giant_line), cmocka_unit_test(test_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
