/*
 * The protobuf tombstone reader (src/lib/formats/android/tombstone_pb.c)
 * on messages packed here with the generated protobuf-c code, and on bytes
 * that are no Tombstone: cut, lying lengths, giant fields, an allocation
 * budget too small.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "formats/android/tombstone.h"
#include "formats/android/tombstone.pb-c.h"

static char errbuf[256];

static ProtobufCBinaryData bin(const char *s)
{
    ProtobufCBinaryData b = {strlen(s), (uint8_t *)(uintptr_t)s};
    return b;
}

/* The crash of tombstone_text.c's Android 12 vector, as debuggerd packs it. */
struct msg {
    VgAosp__Tombstone t;
    VgAosp__Signal sig;
    VgAosp__Thread th[2];
    VgAosp__Tombstone__ThreadsEntry ent[2], *entp[2];
    ProtobufCBinaryData argv[2];
};

static void msg_init(struct msg *m)
{
    size_t i;

    vg_aosp__tombstone__init(&m->t);
    vg_aosp__signal__init(&m->sig);
    m->t.arch = VG_AOSP__ARCHITECTURE__ARM64;
    m->t.build_fingerprint = bin("google/sargo/sargo:12/SP2A.220505.002/8353555:user/release-keys");
    m->t.revision = bin("MP1.0");
    m->t.timestamp = bin("2022-06-01 10:11:12.123456789+0200");
    m->t.pid = 612;
    m->t.tid = 640;
    m->t.uid = 0;
    m->t.selinux_label = bin("u:r:netd:s0");
    m->argv[0] = bin("/system/bin/netd");
    m->argv[1] = bin("--flag");
    m->t.n_command_line = 2;
    m->t.command_line = m->argv;
    m->t.process_uptime = 40;
    m->sig.number = 11;
    m->sig.name = bin("SIGSEGV");
    m->sig.code = 1;
    m->sig.code_name = bin("SEGV_MAPERR");
    m->t.signal_info = &m->sig;
    for (i = 0; i < 2; i++) {
        vg_aosp__thread__init(&m->th[i]);
        vg_aosp__tombstone__threads_entry__init(&m->ent[i]);
        m->ent[i].value = &m->th[i];
        m->entp[i] = &m->ent[i];
    }
    m->ent[0].key = m->th[0].id = 612;
    m->th[0].name = bin("main");
    m->ent[1].key = m->th[1].id = 640;
    m->th[1].name = bin("netd");
    m->t.n_threads = 2;
    m->t.threads = m->entp;
}

static unsigned char *pack(const VgAosp__Tombstone *t, size_t *n)
{
    unsigned char *b;

    *n = vg_aosp__tombstone__get_packed_size(t);
    b = malloc(*n + 1);
    assert_non_null(b);
    assert_int_equal(vg_aosp__tombstone__pack(t, b), *n);
    return b;
}

static int parse_bytes(const void *p, size_t n, unsigned flags, size_t cap, json_t **out)
{
    struct vg_tombstone_in in = {p, n, "tombstone_03.pb", "2022-06-01 08:20:00.000000", flags, cap};

    errbuf[0] = '\0';
    *out = NULL;
    return vg_tombstone_pb(&in, out, errbuf, sizeof(errbuf));
}

static int parse_msg(const struct msg *m, unsigned flags, json_t **out)
{
    size_t n;
    unsigned char *b = pack(&m->t, &n);
    int rc = parse_bytes(b, n, flags, 0, out);

    free(b);
    return rc;
}

static void assert_json(json_t *got, const char *expected)
{
    json_t *e = json_loads(expected, 0, NULL);
    char *a, *b;

    assert_non_null(e);
    a = json_dumps(got, JSON_COMPACT | JSON_ENSURE_ASCII);
    b = json_dumps(e, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (strcmp(a, b) != 0)
        fail_msg("record\n%s\nexpected\n%s", a, b);
    free(a);
    free(b);
    json_decref(e);
}

static void assert_bad(const struct msg *m, int rc, const char *what)
{
    json_t *r = NULL;

    assert_int_equal(parse_msg(m, 0, &r), rc);
    assert_null(r);
    if (!strstr(errbuf, what))
        fail_msg("message '%s' lacks '%s'", errbuf, what);
}

/* The same keys as the text record; the values as MVT's protobuf reader
 * gives them (arch by enum name, no binary_path or cause). */
static void test_record(void **state)
{
    struct msg m;
    json_t *r;
    (void)state;

    msg_init(&m);
    assert_int_equal(parse_msg(&m, 0, &r), VG_OK);
    assert_json(r, "{\"file_name\": \"tombstone_03.pb\", \"file_timestamp\": \"2022-06-01 "
                   "08:20:00.000000\", \"build_fingerprint\": "
                   "\"google/sargo/sargo:12/SP2A.220505.002/8353555:user/release-keys\", "
                   "\"revision\": \"MP1.0\", \"arch\": \"ARM64\", \"timestamp\": \"2022-06-01 "
                   "10:11:12.123456\", \"process_uptime\": 40, \"command_line\": "
                   "[\"/system/bin/netd\", \"--flag\"], \"pid\": 612, \"tid\": 640, "
                   "\"process_name\": \"netd\", \"binary_path\": null, \"selinux_label\": "
                   "\"u:r:netd:s0\", \"uid\": 0, \"signal_info\": {\"code\": 1, \"code_name\": "
                   "\"SEGV_MAPERR\", \"name\": \"SIGSEGV\", \"number\": 11}, \"cause\": null, "
                   "\"extra\": null}");
    json_decref(r);
}

/* Fields left at their defaults read as betterproto2's defaults; a string
 * keeps the NUL debuggerd may leave at its end. */
static void test_defaults(void **state)
{
    static const char label[] = "u:r:mtk_hal_c2:s0";
    struct msg m;
    json_t *r;
    (void)state;

    msg_init(&m);
    m.t.arch = VG_AOSP__ARCHITECTURE__ARM32;
    m.t.n_command_line = 0;
    m.t.process_uptime = 0;
    m.t.revision = bin("");
    m.t.selinux_label.data = (uint8_t *)(uintptr_t)label;
    m.t.selinux_label.len = sizeof(label); /* with its NUL */
    m.sig.number = 0;
    m.sig.name = bin("");
    assert_int_equal(parse_msg(&m, 0, &r), VG_OK);
    assert_string_equal(json_string_value(json_object_get(r, "arch")), "ARM32");
    assert_int_equal(json_array_size(json_object_get(r, "command_line")), 0);
    assert_int_equal(json_integer_value(json_object_get(r, "process_uptime")), 0);
    assert_string_equal(json_string_value(json_object_get(r, "revision")), "");
    assert_int_equal(json_string_length(json_object_get(r, "selinux_label")), sizeof(label));
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(r, "signal_info"), "number")), 0);
    json_decref(r);
}

static void test_arch_names(void **state)
{
    static const char *const names[] = {"ARM32", "ARM64", "X86", "X86_64", "RISCV64", "NONE"};
    struct msg m;
    json_t *r;
    int i;
    (void)state;

    msg_init(&m);
    for (i = 0; i < 6; i++) {
        m.t.arch = (VgAosp__Architecture)i;
        assert_int_equal(parse_msg(&m, 0, &r), VG_OK);
        assert_string_equal(json_string_value(json_object_get(r, "arch")), names[i]);
        json_decref(r);
    }
    m.t.arch = (VgAosp__Architecture)6;
    assert_bad(&m, VG_E_CORRUPT, "arch is not a known Architecture");
}

static const char *pname(const struct msg *m)
{
    static char buf[64];
    json_t *r;

    assert_int_equal(parse_msg(m, 0, &r), VG_OK);
    assert_int_equal(
        vg_snprintf(buf, sizeof(buf), "%s", json_string_value(json_object_get(r, "process_name"))),
        VG_OK);
    json_decref(r);
    return buf;
}

/* The process is named after the thread whose id is the tid, the map read
 * as Python builds a dict: a repeated key keeps its first place and its
 * last value. */
static void test_process_name(void **state)
{
    struct msg m;
    (void)state;

    msg_init(&m);
    assert_string_equal(pname(&m), "netd");
    m.th[0].id = 640; /* two threads with the tid: the first item wins */
    assert_string_equal(pname(&m), "main");
    m.ent[1].key = 612; /* one key: its first place, the last value */
    assert_string_equal(pname(&m), "netd");
    m.th[1].name = bin(""); /* the last value has no name: nothing found */
    assert_string_equal(pname(&m), "Unknown");
    m.ent[1].key = 640;
    assert_string_equal(pname(&m), "main");
    m.ent[0].value = NULL;
    m.ent[1].value = NULL;
    assert_string_equal(pname(&m), "Unknown");
    m.t.n_threads = 0;
    assert_string_equal(pname(&m), "Unknown");
}

/* MVT main's causes and abort_message. */
static void test_main_keys(void **state)
{
    VgAosp__Cause c[2], *cp[2] = {&c[0], &c[1]};
    VgAosp__MemoryError me;
    VgAosp__HeapObject heap;
    VgAosp__BacktraceFrame f, *fp = &f;
    struct msg m;
    json_t *r;
    (void)state;

    msg_init(&m);
    vg_aosp__cause__init(&c[0]);
    vg_aosp__cause__init(&c[1]);
    vg_aosp__memory_error__init(&me);
    vg_aosp__heap_object__init(&heap);
    vg_aosp__backtrace_frame__init(&f);
    c[0].human_readable = bin("[GWP-ASan]: Use After Free");
    c[0].details_case = VG_AOSP__CAUSE__DETAILS_MEMORY_ERROR;
    c[0].memory_error = &me;
    me.type = VG_AOSP__MEMORY_ERROR__TYPE__USE_AFTER_FREE;
    me.location_case = VG_AOSP__MEMORY_ERROR__LOCATION_HEAP;
    me.heap = &heap;
    heap.address = 18446744073709551615u;
    heap.size = 32;
    heap.allocation_tid = 7;
    heap.n_allocation_backtrace = 1;
    heap.allocation_backtrace = &fp;
    f.rel_pc = 16;
    f.pc = 4112;
    f.function_name = bin("malloc");
    f.function_offset = 4;
    f.file_name = bin("/apex/libc.so");
    f.build_id = bin("ab");
    c[1].human_readable = bin("null pointer dereference");
    m.t.n_causes = 2;
    m.t.causes = cp;
    m.t.abort_message = bin("bad");
    assert_int_equal(parse_msg(&m, VG_TOMBSTONE_MVT_MAIN, &r), VG_OK);
    assert_json(json_object_get(r, "causes"),
                "[{\"human_readable\": \"[GWP-ASan]: Use After Free\", \"memory_error\": "
                "{\"tool\": \"GWP_ASAN\", \"type\": \"USE_AFTER_FREE\", \"heap\": {\"address\": "
                "\"18446744073709551615\", \"size\": \"32\", \"allocation_tid\": \"7\", "
                "\"allocation_backtrace\": [{\"rel_pc\": \"16\", \"pc\": \"4112\", \"sp\": \"0\", "
                "\"function_name\": \"malloc\", \"function_offset\": \"4\", \"file_name\": "
                "\"/apex/libc.so\", \"file_map_offset\": \"0\", \"build_id\": \"ab\"}], "
                "\"deallocation_tid\": \"0\", \"deallocation_backtrace\": []}}}, "
                "{\"human_readable\": \"null pointer dereference\", \"memory_error\": null}]");
    assert_string_equal(json_string_value(json_object_get(r, "abort_message")), "bad");
    assert_int_equal(json_object_size(r), 19);
    json_decref(r);
    me.tool = (VgAosp__MemoryError__Tool)9; /* no name: the number */
    me.heap = NULL;
    me.location_case = VG_AOSP__MEMORY_ERROR__LOCATION__NOT_SET;
    assert_int_equal(parse_msg(&m, VG_TOMBSTONE_MVT_MAIN, &r), VG_OK);
    assert_json(json_object_get(json_array_get(json_object_get(r, "causes"), 0), "memory_error"),
                "{\"tool\": 9, \"type\": \"USE_AFTER_FREE\", \"heap\": null}");
    json_decref(r);
    f.build_id = bin("\xc3"); /* a string MVT cannot decode, even unread */
    me.heap = &heap;
    me.location_case = VG_AOSP__MEMORY_ERROR__LOCATION_HEAP;
    assert_bad(&m, VG_E_CORRUPT, "BacktraceFrame.build_id");
}

/* Values MVT's reader raises on. */
static void test_rejected_values(void **state)
{
    struct msg m;
    (void)state;

    msg_init(&m);
    m.t.signal_info = NULL;
    assert_bad(&m, VG_E_CORRUPT, "no signal_info");
    msg_init(&m);
    m.t.timestamp = bin("");
    assert_bad(&m, VG_E_CORRUPT, "timestamp is not");
    msg_init(&m);
    m.t.timestamp = bin("2022-13-01 10:11:12");
    assert_bad(&m, VG_E_CORRUPT, "timestamp is not");
    msg_init(&m);
    m.th[0].name = bin("ma\xffin");
    assert_bad(&m, VG_E_CORRUPT, "Thread.name");
    msg_init(&m);
    m.argv[1] = bin("\xed\xa0\x80"); /* a surrogate */
    assert_bad(&m, VG_E_CORRUPT, "command_line");
    msg_init(&m);
    m.sig.code_name = bin("\xc0\xaf"); /* overlong */
    assert_bad(&m, VG_E_CORRUPT, "Signal.code_name");
}

/* Every prefix of a packed tombstone: a record or an error, no crash. */
static void test_cut_anywhere(void **state)
{
    struct msg m;
    unsigned char *b, *c;
    size_t n, i;
    json_t *r;
    (void)state;

    msg_init(&m);
    b = pack(&m.t, &n);
    for (i = 0; i < n; i++) {
        c = malloc(i + 1);
        assert_non_null(c);
        memcpy(c, b, i);
        if (parse_bytes(c, i, 0, 0, &r) == VG_OK)
            json_decref(r);
        else
            assert_true(errbuf[0] != '\0');
        free(c);
    }
    /* cut inside the build fingerprint: protobuf-c refuses it */
    assert_int_equal(parse_bytes(b, 10, 0, 0, &r), VG_E_CORRUPT);
    assert_non_null(strstr(errbuf, "10 bytes are not a Tombstone protobuf message"));
    free(b);
}

static void test_malformed(void **state)
{
    /* build_fingerprint (2) claiming 2^31 bytes; then 2^63 */
    static const unsigned char huge[] = {0x12, 0x80, 0x80, 0x80, 0x80, 0x08, 'a', 'b'};
    static const unsigned char huge64[] = {0x12, 0xff, 0xff, 0xff, 0xff, 0xff,
                                           0xff, 0xff, 0xff, 0x7f, 'a'};
    /* an 11-byte varint, wire type 7, field 0, pid (5) as a string */
    static const unsigned char longvar[] = {0x28, 0xff, 0xff, 0xff, 0xff, 0xff,
                                            0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    static const unsigned char wire7[] = {0x2f, 0x01};
    static const unsigned char field0[] = {0x02, 0x00};
    static const unsigned char pidstr[] = {0x2a, 0x01, 'x'};
    static const struct {
        const unsigned char *p;
        size_t n;
    } v[] = {
        {huge, sizeof(huge)},   {huge64, sizeof(huge64)}, {longvar, sizeof(longvar)},
        {wire7, sizeof(wire7)}, {field0, sizeof(field0)}, {pidstr, sizeof(pidstr)},
    };
    size_t i;
    json_t *r;
    (void)state;

    for (i = 0; i < VG_ARRAY_LEN(v); i++) {
        assert_int_equal(parse_bytes(v[i].p, v[i].n, 0, 0, &r), VG_E_CORRUPT);
        assert_null(r);
    }
    /* an empty message unpacks, but has no timestamp */
    assert_int_equal(parse_bytes("", 0, 0, 0, &r), VG_E_CORRUPT);
    assert_non_null(strstr(errbuf, "timestamp is not"));
}

/* Unknown fields (memory maps, logs...) are skipped; a file past the size
 * cap is refused unread; a budget too small stops the unpacking. */
static void test_sizes(void **state)
{
    static const unsigned char map[] = {0x8a, 0x01, 0x03, 0x3a, 0x01, '/'}; /* 17 { 7: "/" } */
    struct msg m;
    unsigned char *b, *c;
    size_t n, i, reps = 4096;
    json_t *r;
    (void)state;

    msg_init(&m);
    b = pack(&m.t, &n);
    c = malloc(n + reps * sizeof(map));
    assert_non_null(c);
    memcpy(c, b, n);
    for (i = 0; i < reps; i++)
        memcpy(c + n + i * sizeof(map), map, sizeof(map));
    assert_int_equal(parse_bytes(c, n + reps * sizeof(map), 0, 0, &r), VG_OK);
    json_decref(r);
    assert_int_equal(parse_bytes(c, n + reps * sizeof(map), 0, 4096, &r), VG_E_LIMIT);
    assert_null(r);
    assert_non_null(strstr(errbuf, "needs more than 4096 bytes of memory"));
    assert_int_equal(parse_bytes(c, VG_MAX_TOMBSTONE_PB + 1u, 0, 0, &r), VG_E_LIMIT);
    assert_non_null(strstr(errbuf, "more than"));
    free(c);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record),       cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_arch_names),   cmocka_unit_test(test_process_name),
        cmocka_unit_test(test_main_keys),    cmocka_unit_test(test_rejected_values),
        cmocka_unit_test(test_cut_anywhere), cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
