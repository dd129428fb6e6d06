/*
 * Tests for src/lib/formats/android/dumpsys_receivers.c. The expected
 * records are the members of the dict MVT 2026.7.29's
 * DumpsysReceiversArtifact.parse builds on the same text, one record each,
 * in the dict's order.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "dumpsys_test.h"

/* Actions at 6 spaces, receivers at 8; MVT's fix for actions printed at
 * another indentation ("name:" alone on its line); an action without
 * receivers still has its (empty) list. */
static void test_receivers(void **state)
{
    struct dt_run r;
    (void)state;

    dt_whole(&r, VG_DUMPSYS_RECEIVERS,
             DT_TEXT("Receiver Resolver Table:\n"
                     "  Non-Data Actions:\n"
                     "      android.provider.Telephony.SMS_RECEIVED:\n"
                     "        1 com.a/.Sms filter\n"
                     "        2 com.b/.Sms2\n"
                     "      android.intent.action.PHONE_STATE:\n"
                     "        3 com.android.phone/com.x.R\n"
                     "               android.intent.action.MY_PACKAGE_REPLACED:\n"
                     "        4 com.psy/.Boot\n"
                     "        lonely\n"
                     "    short.indent x\n"
                     "        5 after.close/.Skipped\n"
                     "        again.misindented:\n"
                     "        6 m/.N\n"
                     "      empty.one:\n"
                     "\n"
                     "      after.blank:\n"));
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, "[{\"android.provider.Telephony.SMS_RECEIVED\":[{\"package_name\":\"com.a\","
                  "\"receiver\":\"com.a/.Sms\"},{\"package_name\":\"com.b\",\"receiver\":\"com."
                  "b/.Sms2\"}]},{\"android.intent.action.PHONE_STATE\":[{\"package_name\":\"com"
                  ".android.phone\",\"receiver\":\"com.android.phone/com.x.R\"}]},{\"android.in"
                  "tent.action.MY_PACKAGE_REPLACED\":[{\"package_name\":\"com.psy\",\"receiver"
                  "\":\"com.psy/.Boot\"}]},{\"again.misindented\":[{\"package_name\":\"m\",\"re"
                  "ceiver\":\"m/.N\"}]},{\"empty.one\":[]}]");
    assert_int_equal(dt_warnings(&r), 0);
    dt_free(&r);
}

/* MVT's test_parsing_misindented_first_action. */
static void test_misindented_first(void **state)
{
    struct dt_run r;
    (void)state;

    dt_whole(
        &r, VG_DUMPSYS_RECEIVERS,
        DT_TEXT("Receiver Resolver Table:\n"
                "  Non-Data Actions:\n"
                "               android.intent.action.MY_PACKAGE_REPLACED:\n"
                "        e7706c1 com.psycatgames.nhiegame/.ScheduledNotificationBootReceiver\n"));
    dt_expect(&r, "[{\"android.intent.action.MY_PACKAGE_REPLACED\":[{\"package_name\":\"com.psy"
                  "catgames.nhiegame\",\"receiver\":\"com.psycatgames.nhiegame/.ScheduledNotifi"
                  "cationBootReceiver\"}]}]");
    dt_free(&r);
}

/* A mis-indented repeat of the open action continues its list
 * (setdefault). */
static void test_same_action(void **state)
{
    struct dt_run r;
    (void)state;

    dt_whole(&r, VG_DUMPSYS_RECEIVERS,
             DT_TEXT("Receiver Resolver Table:\n"
                     "  Non-Data Actions:\n"
                     "      a.b:\n"
                     "        1 p/.One\n"
                     "          a.b:\n"
                     "        2 p/.Two\n"));
    dt_expect(&r, "[{\"a.b\":[{\"package_name\":\"p\",\"receiver\":\"p/.One\"},{\"package_name"
                  "\":\"p\",\"receiver\":\"p/.Two\"}]}]");
    dt_free(&r);
}

/* Only the Receiver Resolver Table, its header at the start of a line. */
static void test_near_misses(void **state)
{
    struct dt_run r;
    (void)state;

    dt_whole(&r, VG_DUMPSYS_RECEIVERS,
             DT_TEXT("Activity Resolver Table:\n"
                     "  Non-Data Actions:\n"
                     "      a.b:\n"
                     "        1 p/.One\n"
                     " Receiver Resolver Table:\n"
                     "  Non-Data Actions:\n"
                     "      c.d:\n"
                     "        2 q/.Two\n"));
    dt_expect(&r, "[]");
    dt_free(&r);
}

/* MVT's dict: a repeated action at 6 spaces starts its list afresh (in its
 * first place), a mis-indented one adds to the list it already has, a
 * one-field line at another indentation is skipped; a table cut in the
 * middle keeps what was read. */
static void test_repeated_actions(void **state)
{
    struct dt_run r;
    (void)state;

    dt_whole(&r, VG_DUMPSYS_RECEIVERS,
             DT_TEXT("Receiver Resolver Table:\n"
                     "  Non-Data Actions:\n"
                     "      a:\n"
                     "        1 p/.One\n"
                     "      b:\n"
                     "        2 q/.Two\n"
                     "      a:\n"
                     "        3 r/.Thr\n"
                     "        b:\n"
                     "        4 s/.Fou\n"
                     "      c:\n"
                     "    short\n"
                     "        5 t/.Kept"));
    assert_int_equal(r.rc, VG_OK);
    dt_expect(&r, "[{\"a\":[{\"package_name\":\"r\",\"receiver\":\"r/.Thr\"}]},{\"b\":[{\"packa"
                  "ge_name\":\"q\",\"receiver\":\"q/.Two\"},{\"package_name\":\"s\",\"receiver"
                  "\":\"s/.Fou\"}]},{\"c\":[{\"package_name\":\"t\",\"receiver\":\"t/.Kept\"}]}"
                  "]");
    dt_free(&r);
}

static void test_giant_line(void **state)
{
    struct dt_run r;
    (void)state;

    dt_giant(&r, VG_DUMPSYS_RECEIVERS, "Receiver Resolver Table:\n  Non-Data Actions:\n      a:\n",
             "        1 ", 'p', "/.Q\n", "        2 r/.S\n");
    assert_int_equal(json_array_size(r.records), 1);
    assert_int_equal(json_array_size(json_object_get(json_array_get(r.records, 0), "a")), 2);
    dt_free(&r);
}

/* MVT's test_parsing on android_data/dumpsys_packages.txt. */
static void test_sample(void **state)
{
    struct dt_run r;
    json_t *rec;
    (void)state;

    if (!dt_sample(&r, VG_DUMPSYS_RECEIVERS, "dumpsys_packages.txt")) {
        skip();
        return;
    }
    assert_int_equal(json_array_size(r.records), 4);
    rec = json_object_get(json_array_get(r.records, 0),
                          "com.android.storagemanager.automatic.SHOW_NOTIFICATION");
    assert_non_null(rec);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rec, 0), "package_name")),
                        "com.android.storagemanager");
    dt_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_receivers),        cmocka_unit_test(test_misindented_first),
        cmocka_unit_test(test_same_action),      cmocka_unit_test(test_near_misses),
        cmocka_unit_test(test_repeated_actions), cmocka_unit_test(test_giant_line),
        cmocka_unit_test(test_sample),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
