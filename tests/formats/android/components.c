/*
 * App components with powers over the phone from dumpsys text
 * (src/lib/formats/android/components.c): each section's forms on inline
 * vectors (accessibility blocks and Android 14's inline list, device
 * admins with their details, notification listeners, SMS receivers in the
 * receiver table only), sections of other services and lines that only
 * look alike, priority passes and nested sections (the dumpsys splitter's), duplicates, invalid
 * UTF-8, and MVT's sample dumpsys.txt.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "aqft.h"

#include <stdio.h>

#include "fixture.h"
#include "formats/android/components.h"

#define END "------------------------------------------------------------------------------\n"

static void parse(struct aqft *t, const char *text)
{
    aqft_init(t, "dumpsys.txt");
    assert_int_equal(vg_components_parse(text, strlen(text), &t->sink), VG_OK);
}

#define REC(type, comp, pkg)                                                                       \
    "{\"component_type\": \"" type "\", \"component\": \"" comp "\", \"package_name\": \"" pkg "\"}"

static void test_accessibility(void **state)
{
    struct aqft t;
    (void)state;

    parse(&t, "DUMP OF SERVICE accessibility:\n"
              "  installed services: {\n"
              "  installed services: {\n"
              "    0 : com.a/com.a.Svc\n"
              "    1 : com.b/.Svc\n"
              "    not a component\n"
              "  }\n"
              "  enabled services: {\n"
              "    {com.a/com.a.Svc}\n"
              "  }\n"
              "  Enabled services:{{com.c/.C}, {com.a/com.a.Svc}}\n"
              "  mIsTouchExplorationEnabled = false\n" END "  installed services: {\n"
              "    0 : com.outside/.Section\n"
              "  }\n");
    aqft_expect(&t, "[" REC("accessibility_service", "com.a/com.a.Svc", "com.a") ", " REC(
                        "accessibility_service", "com.b/.Svc",
                        "com.b") ", " REC("accessibility_service", "com.c/.C", "com.c") "]");
    aqft_free(&t);
}

static void test_device_admins(void **state)
{
    struct aqft t;
    (void)state;

    parse(&t, "DUMP OF SERVICE device_policy:\n"
              "Current Device Policy Manager state:\n"
              "  Enabled Device Admins (User 0, provisioningState: 3):\n"
              "    com.x/.Admin:\n"
              "      uid=10003\n"
              "      policies:\n"
              "        wipe-data\n"
              "\n"
              "    ComponentInfo{com.y/com.y.Admin}:\n"
              "      uid=10004\n"
              "  mPasswordOwner=-1\n"
              "    com.z/.NotAnAdmin:\n"
              "  Enabled Device Admins (User 10, provisioningState: 0):\n"
              "    com.w/.Admin:\n");
    aqft_expect(&t, "[" REC("device_admin", "com.x/.Admin", "com.x") ", " REC(
                        "device_admin", "com.y/com.y.Admin",
                        "com.y") ", " REC("device_admin", "com.w/.Admin", "com.w") "]");
    aqft_free(&t);
}

static void test_notification_listeners(void **state)
{
    struct aqft t;
    (void)state;

    parse(&t, "DUMP OF SERVICE notification:\n"
              "  Notification listeners:\n"
              "    All notification listeners (2) enabled for current profiles:\n"
              "      ComponentInfo{com.n/com.n.L}\n"
              "      com.m/.L\n"
              "    Live notification listeners (2):\n"
              "      ComponentInfo{com.n/com.n.L} (user 0): android.os.Proxy@1 SYSTEM\n"
              "      ComponentInfo{com.o/.L} (user -1): android.os.Proxy@2\n"
              "  Policy access:\n"
              "      ComponentInfo{com.p/.NotAListener}\n");
    aqft_expect(&t, "[" REC("notification_listener", "com.n/com.n.L", "com.n") ", " REC(
                        "notification_listener", "com.m/.L",
                        "com.m") ", " REC("notification_listener", "com.o/.L", "com.o") "]");
    aqft_free(&t);
}

static void test_sms_receivers(void **state)
{
    struct aqft t;
    (void)state;

    parse(&t, "DUMP OF SERVICE package:\n"
              "Activity Resolver Table:\n"
              "  Non-Data Actions:\n"
              "      android.provider.Telephony.SMS_RECEIVED:\n"
              "        1111 com.activity/.NotAReceiver filter 2222\n"
              "Receiver Resolver Table:\n"
              "  Non-Data Actions:\n"
              "      android.intent.action.BOOT_COMPLETED:\n"
              "        3333 com.boot/.Boot filter 4444\n"
              "      android.provider.Telephony.SMS_RECEIVED:\n"
              "        5555 com.s/.SmsReceiver filter 6666\n"
              "          Action: \"android.provider.Telephony.SMS_RECEIVED\"\n"
              "        7777 com.t/.R filter 8888\n"
              "      android.provider.Telephony.SMS_DELIVER:\n"
              "        9999 com.t/.R filter aaaa\n"
              "        bbbb com.u/.Deliver filter cccc\n"
              "  MIME Typed Actions:\n"
              "        dddd com.v/.NotUnderAnIntent filter eeee\n"
              "Service Resolver Table:\n"
              "      android.provider.Telephony.SMS_RECEIVED:\n"
              "        ffff com.service/.NotAReceiver filter 0000\n");
    aqft_expect(&t, "[" REC("sms_receiver", "com.s/.SmsReceiver", "com.s") ", " REC(
                        "sms_receiver", "com.t/.R",
                        "com.t") ", " REC("sms_receiver", "com.u/.Deliver", "com.u") "]");
    aqft_free(&t);
}

/* Sections of other services, header look-alikes, a header with no name. */
static void test_other_sections(void **state)
{
    struct aqft t;
    (void)state;

    parse(&t, "DUMP OF SERVICE activity:\n"
              "  installed services: {\n"
              "    0 : com.not/.Accessibility\n"
              "  }\n"
              "  Enabled Device Admins (User 0, provisioningState: 3):\n"
              "    com.not/.Admin:\n"
              "DUMP OF SERVICE :\n"
              "    0 : com.not/.Either\n"
              "DUMP OF SERVICE accessibility\n"
              "  installed services: {\n"
              "    0 : com.not/.NoColon\n"
              "  }\n");
    aqft_expect(&t, "[]");
    assert_int_equal(aqft_warnings(&t), 0);
    aqft_free(&t);
}

/* The dumpsys splitter's sections: a priority pass is not read; a header
 * met before the delimiter starts a section nested in the one before (both
 * end at the delimiter, MVT's rule). */
static void test_sections(void **state)
{
    struct aqft t;
    (void)state;

    parse(&t, "DUMP OF SERVICE CRITICAL notification:\n"
              "  All notification listeners (1) enabled for current profiles:\n"
              "    ComponentInfo{com.crit/.Listener}\n" END "DUMP OF SERVICE activity:\n"
              "  ACTIVITY MANAGER\n"
              "DUMP OF SERVICE notification:\n"
              "  All notification listeners (1) enabled for current profiles:\n"
              "    ComponentInfo{com.nested/.Listener}\n" END
              "    ComponentInfo{com.after/.Listener}\n");
    aqft_expect(&t, "[" REC("notification_listener", "com.nested/.Listener", "com.nested") "]");
    assert_int_equal(aqft_warnings(&t), 0);
    aqft_free(&t);
}

static void test_invalid_utf8(void **state)
{
    static const char text[] = "DUMP OF SERVICE accessibility:\n"
                               "  installed services: {\n"
                               "    0 : com.\xff\xfe/.S\n"
                               "  }\n";
    struct aqft t;
    (void)state;

    aqft_init(&t, "dumpsys.txt");
    assert_int_equal(vg_components_parse(text, sizeof(text) - 1, &t.sink), VG_OK);
    assert_true(aqft_said(&t, "not valid UTF-8"));
    assert_int_equal(json_array_size(t.recs), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(t.recs, 0), "package_name")),
        "com.\xef\xbf\xbd\xef\xbf\xbd");
    aqft_free(&t);
}

/* The record callback's error stops the parse and comes back. */
static void test_callback_error(void **state)
{
    static const char text[] = "DUMP OF SERVICE accessibility:\n"
                               "  Enabled services:{{a.b/.C}, {d.e/.F}}\n";
    struct aqft t;
    (void)state;

    aqft_init(&t, "dumpsys.txt");
    t.fail_after = 1;
    assert_int_equal(vg_components_parse(text, sizeof(text) - 1, &t.sink), VG_E_IO);
    assert_int_equal(json_array_size(t.recs), 1);
    aqft_free(&t);
}

static void test_types(void **state)
{
    (void)state;
    assert_string_equal(vg_comp_type_name(VG_COMP_DEVICE_ADMIN), "device_admin");
    assert_int_equal(vg_comp_type_of("sms_receiver"), VG_COMP_SMS_RECEIVER);
    assert_int_equal(vg_comp_type_of("nope"), VG_COMP_COUNT);
    assert_int_equal(vg_comp_type_of(NULL), VG_COMP_COUNT);
    assert_string_equal(vg_comp_type_label(VG_COMP_COUNT), "Component");
}

/* MVT's sample dumpsys.txt: its accessibility section's installed services. */
static void test_mvt_sample(void **state)
{
    char *path = vgfix_shared_path("mvt-artifacts/androidqf/dumpsys.txt"), *text;
    size_t len = 0;
    struct aqft t;
    (void)state;

    if (!path) {
        printf("skipped: ../shared/mvt-artifacts is not there\n");
        skip();
    }
    text = vgfix_read_file(path, &len);
    free(path);
    assert_non_null(text);
    aqft_init(&t, "dumpsys.txt");
    assert_int_equal(vg_components_parse(text, len, &t.sink), VG_OK);
    free(text);
    assert_int_equal(json_array_size(t.recs), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(t.recs, 1), "component")),
                        "com.samsung.accessibility/.universalswitch.UniversalSwitchService");
    aqft_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accessibility),
        cmocka_unit_test(test_device_admins),
        cmocka_unit_test(test_notification_listeners),
        cmocka_unit_test(test_sms_receivers),
        cmocka_unit_test(test_other_sections),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_callback_error),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_mvt_sample),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
