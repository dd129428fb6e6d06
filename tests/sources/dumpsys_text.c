/*
 * Dumpsys sections served from one text (sources/dumpsys_text.c): the
 * index answers as the splitter does by itself for every decoding, also
 * when the text is one the decodings cut differently (so the shared split
 * must not be used); the getprop block and where it ends; a section that
 * is not there.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/vg.h"
#include "sources/dumpsys_text.h"

#define D "-------------------------------------------------------------------------------\n"

struct got {
    struct vg_dumpsys_text *t;
    int n;
    size_t line;
    char *body;
    char display[256];
};

static int take(void *ud, const struct vg_file *f)
{
    struct got *g = ud;
    struct vg_io *io = NULL;
    unsigned char *p = NULL;
    size_t len = 0;

    g->n++;
    g->line = f->line;
    snprintf(g->display, sizeof(g->display), "%s", f->display);
    assert_int_equal(vg_dumpsys_text_open(g->t, f, &io), VG_OK);
    assert_int_equal(vg_io_read_all(io, 1u << 20, &p, &len), VG_OK);
    g->body = calloc(1, len + 1);
    memcpy(g->body, p, len);
    free(p);
    vg_io_free(io);
    return VG_OK;
}

/* The section named name as the index serves it for domain; NULL body
 * when absent. */
static struct got get(struct vg_dumpsys_text *t, const char *domain, const char *name)
{
    struct vg_loc loc = {VG_LOC_DUMPSYS, domain, name};
    struct got g;

    memset(&g, 0, sizeof(g));
    g.t = t;
    assert_true(vg_dumpsys_text_find(t, &loc, take, &g, NULL) >= 0);
    return g;
}

/* The index and the splitter agree, whatever order the decodings are
 * asked in. */
static void agree(const char *text, const char *const *names, size_t n_names, int order)
{
    static const char *const domains[] = {"replace", "ignore", "bytes"};
    static const enum vg_dumpsys_dec decs[] = {VG_DUMPSYS_REPLACE, VG_DUMPSYS_IGNORE,
                                               VG_DUMPSYS_BYTES};
    struct vg_dumpsys_text *t = NULL;
    size_t i, j, k;

    assert_int_equal(vg_dumpsys_text_new("t.txt", text, strlen(text), &t), VG_OK);
    for (k = 0; k < 3; k++) {
        i = (k + (size_t)order) % 3;
        for (j = 0; j < n_names; j++) {
            struct vg_dumpsys_section sec;
            struct got g = get(t, domains[i], names[j]);
            int rc = vg_dumpsys_find(text, strlen(text), names[j], decs[i], &sec);
            if (rc != VG_OK) {
                assert_int_equal(g.n, 0);
                continue;
            }
            assert_int_equal(g.n, 1);
            assert_int_equal(strlen(g.body), sec.body.n);
            assert_memory_equal(g.body, sec.body.p, sec.body.n);
            assert_int_equal(g.line, sec.line);
            free(g.body);
        }
    }
    vg_dumpsys_text_free(t);
}

static void test_agrees_everywhere(void **state)
{
    static const char *const names[] = {"appops", "adb", "package", "app\xffops", "x"};
    static const char *const texts[] = {
        /* plain ASCII: one split for all */
        "top\n" D "DUMP OF SERVICE appops:\n  Uid 0:\n" D "DUMP OF SERVICE package:\nP\n",
        /* a \v: a line break for str only */
        D "DUMP OF SERVICE appops:\x0b"
          "DUMP OF SERVICE adb:\n{\n}\n" D,
        /* a header after a no-break space: str strips it, bytes does not */
        D "\xc2\xa0"
          "DUMP OF SERVICE adb:\nA\n" D "DUMP OF SERVICE adb:\nB\n",
        /* bytes that are not UTF-8 in header lines: ignore drops them */
        D "DUMP OF SERVICE app\xffops:\nA\n" D "DUMP OF SERVICE appops:\nB\n"
          "\xff"
          "DUMP OF SERVICE package:\nC\n",
        /* a delimiter with a bad byte, a header with a trailing \x1f */
        D "DUMP OF SERVICE package:\x1f\nA\n--\xff" D "DUMP OF SERVICE appops:\nZ\n",
        /* U+2028 and U+0085 break str lines */
        "\xe2\x80\xa8"
        "DUMP OF SERVICE adb:\n" D "\xc2\x85"
        "DUMP OF SERVICE appops:\nz",
        /* a bad byte on a line str starts after U+2028 (bytes does not):
         * ignore sees a header there */
        D "DUMP OF SERVICE adb:\nA\nabc\xe2\x80\xa8\xff"
          "DUMP OF SERVICE appops:\nB\n" D,
        /* the same after U+0085 and \x1e, with an indented header */
        "x\xc2\x85  \xfe"
        "DUMP OF SERVICE adb:\nA\ny\x1e\xff"
        "DUMP OF SERVICE appops:\n",
        /* \r then a bad byte then \n: one line break or two */
        D "DUMP OF SERVICE adb:\r\xff\nA\n" D "DUMP OF SERVICE appops:\nB\n",
        /* non-ASCII that reads alike everywhere (the shared split is used) */
        D "DUMP OF SERVICE appops:\n  Package caf\xc3\xa9:\n" D
          "DUMP OF SERVICE adb:\n\xe2\x80\x99\n",
    };
    size_t i;
    int order;
    (void)state;

    for (i = 0; i < VG_ARRAY_LEN(texts); i++)
        for (order = 0; order < 3; order++)
            agree(texts[i], names, VG_ARRAY_LEN(names), order);
}

/* A long line of bytes that are not UTF-8 is looked at once, not once per
 * byte (which took minutes): the sections after it are found. */
static void test_long_bad_line(void **state)
{
    static const char *const names[] = {"appops", "adb"};
    static const char tail[] = "\n" D "DUMP OF SERVICE appops:\nA\n" D "DUMP OF SERVICE adb:\nB\n";
    const size_t line = 512u * 1024; /* under the line cap */
    size_t n = 16 * line, i;
    char *text = malloc(n + sizeof(tail));
    (void)state;

    assert_non_null(text);
    /* each line: a start that cannot be a header, then bad bytes */
    for (i = 0; i < n; i++)
        text[i] = i % line == 0 ? 'x' : (i % line == line - 1 ? '\n' : '\xff');
    memcpy(text + n, tail, sizeof(tail));
    agree(text, names, VG_ARRAY_LEN(names), 1);
    free(text);
}

/* A header holding a NUL byte names another service: "adb\0x" is not
 * "adb" (the index keeps names with their length). */
static void test_nul_in_name(void **state)
{
    static const char text[] = D "DUMP OF SERVICE adb\0x:\nA\n" D "DUMP OF SERVICE adb:\nB\n";
    struct vg_dumpsys_text *t = NULL;
    struct got g;
    (void)state;

    assert_int_equal(vg_dumpsys_text_new("d.txt", text, sizeof(text) - 1, &t), VG_OK);
    g = get(t, "replace", "adb");
    assert_int_equal(g.n, 1);
    assert_string_equal(g.body, "B");
    assert_int_equal(g.line, 5);
    free(g.body);
    vg_dumpsys_text_free(t);
}

static void test_getprop_block(void **state)
{
    static const char text[] = "== dumpstate\n"
                               "------ SYSTEM PROPERTIES (getprop) ------\n"
                               "[a]: [b]\n"
                               "[c]: [d]\n"
                               "------ 0.612s was the duration of 'SYSTEM PROPERTIES' ------\n"
                               "[late]: [not a property of the block]\n";
    static const char mvt_end[] = "------ SYSTEM PROPERTIES\n[a]: [b]\n  ------  \n[x]: [y]\n";
    struct vg_dumpsys_text *t = NULL;
    struct got g;
    (void)state;

    assert_int_equal(vg_dumpsys_text_new("d.txt", text, strlen(text), &t), VG_OK);
    g = get(t, "ignore", VG_DUMPSYS_GETPROP_BLOCK);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.body, "[a]: [b]\n[c]: [d]");
    assert_int_equal(g.line, 2);
    assert_string_equal(g.display, "d.txt: ------ SYSTEM PROPERTIES");
    free(g.body);
    /* not a service */
    g = get(t, "replace", "appops");
    assert_int_equal(g.n, 0);
    vg_dumpsys_text_free(t);
    /* MVT's own end: a line that is only dashes */
    assert_int_equal(vg_dumpsys_text_new("d.txt", mvt_end, strlen(mvt_end), &t), VG_OK);
    g = get(t, "ignore", VG_DUMPSYS_GETPROP_BLOCK);
    assert_string_equal(g.body, "[a]: [b]");
    free(g.body);
    vg_dumpsys_text_free(t);
}

static void test_bad_domain(void **state)
{
    static const char text[] = D "DUMP OF SERVICE appops:\nA\n";
    struct vg_dumpsys_text *t = NULL;
    struct vg_loc loc = {VG_LOC_DUMPSYS, "latin1", "appops"};
    struct got g;
    (void)state;

    memset(&g, 0, sizeof(g));
    assert_int_equal(vg_dumpsys_text_new("d.txt", text, strlen(text), &t), VG_OK);
    g.t = t;
    assert_int_equal(vg_dumpsys_text_find(t, &loc, take, &g, NULL), VG_E_INVAL);
    loc.kind = VG_LOC_BUGREPORT;
    assert_int_equal(vg_dumpsys_text_find(t, &loc, take, &g, NULL), VG_E_NOTFOUND);
    vg_dumpsys_text_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agrees_everywhere), cmocka_unit_test(test_long_bad_line),
        cmocka_unit_test(test_nul_in_name),       cmocka_unit_test(test_getprop_block),
        cmocka_unit_test(test_bad_domain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
