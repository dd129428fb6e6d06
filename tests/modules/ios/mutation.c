/*
 * Hostile artifacts, end to end: the demo backup (every kind of database
 * and plist the modules read) with a few of its files damaged in
 * deterministic ways (bytes flipped, cut short, zeroed), then a full scan.
 * Every scan must finish with VG_OK: damage is a warning, never a crash, a
 * hang or an abandoned scan. Under ASan+UBSan this also proves the module
 * code reads damaged data safely, which the parser fuzzers do not reach.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "harness.h"

#define ROUNDS 48

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
    /* xorshift64*: the same damage on every machine */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
}

static size_t below(size_t n)
{
    return n ? (size_t)(next() % n) : 0;
}

VG_PRINTF(1, 2)
static void sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    assert_int_equal(system(cmd), 0);
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (f)
        fclose(f);
    return n;
}

/* A database or property list: what the modules parse. */
static int is_artifact(const char *dir, const char *rel)
{
    char path[8192], head[16] = {0};
    FILE *f;
    size_t got;

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    f = fopen(path, "rb");
    if (!f)
        return 0;
    got = fread(head, 1, sizeof(head), f);
    fclose(f);
    /* the small plists are app metadata no module reads */
    return got >= 6 && (memcmp(head, "SQLite format 3", 15) == 0 ||
                        ((memcmp(head, "bplist", 6) == 0 || memcmp(head, "<?xml", 5) == 0) &&
                         file_size(path) > 300));
}

/* The databases and plists of a backup: <dir>/<xx>/<id>, sorted. */
static size_t list_files(const char *dir, char ***out)
{
    char cmd[8192], line[4096];
    char **v = NULL;
    size_t n = 0;
    FILE *p;

    snprintf(cmd, sizeof(cmd), "cd '%s' && ls -1 [0-9a-f][0-9a-f]/* | sort", dir);
    p = popen(cmd, "r");
    assert_non_null(p);
    while (fgets(line, sizeof(line), p)) {
        line[strcspn(line, "\n")] = '\0';
        if (!is_artifact(dir, line))
            continue; /* damaged photos would tell nothing */
        v = realloc(v, (n + 1) * sizeof(*v));
        assert_non_null(v);
        v[n++] = strdup(line);
    }
    pclose(p);
    *out = v;
    return n;
}

static void damage(const char *path)
{
    size_t len, i, k;
    char *b = vgfix_read_file(path, &len);

    assert_non_null(b);
    switch (below(3)) {
    case 0: /* bytes flipped */
        for (k = 1 + below(64); len && k > 0; k--)
            b[below(len)] = (char)next();
        break;
    case 1: /* cut short */
        len = below(len);
        break;
    default: /* a zeroed stretch, as a torn page */
        i = below(len);
        k = 1 + below(4096);
        memset(b + i, 0, k < len - i ? k : len - i);
    }
    assert_int_equal(vgfix_write_file(path, b, len), 0);
    free(b);
}

static void test_damaged_backups_never_stop_the_scan(void **state)
{
    const char *builddir = getenv("VG_BUILDDIR");
    char *base = vgfix_tmpdir("mut"), orig[2048], work[2048], **files = NULL;
    char *stix, *bundle;
    size_t n, round, i, warned = 0;
    (void)state;

    assert_non_null(builddir);
    snprintf(orig, sizeof(orig), "%s/orig", base);
    snprintf(work, sizeof(work), "%s/work", base);
    sh("'%s/tests/fixtures/vgfix-demo' '%s' >/dev/null", builddir, orig);
    stix = malloc(4096);
    snprintf(stix, 4096, "%s/samples/demo-indicators.stix2", getenv("VG_SRCDIR"));
    bundle = vgfix_read_file(stix, NULL);
    assert_non_null(bundle);
    n = list_files(orig, &files);
    assert_true(n >= 6); /* sms, datausage, safari, whatsapp, tcc, plists */

    for (round = 0; round < ROUNDS; round++) {
        struct vgh_result r;
        char path[8192];
        size_t hits = 1 + below(3);

        sh("rm -rf '%s' && cp -r '%s' '%s'", work, orig, work);
        for (i = 0; i < hits; i++) {
            snprintf(path, sizeof(path), "%s/%s", work, files[below(n)]);
            damage(path);
        }
        if (round % 4 == 3) { /* the manifest itself, now and then */
            snprintf(path, sizeof(path), "%s/Manifest.db", work);
            damage(path);
        }
        vgh_run(work, bundle, NULL, &r);
        if (r.rc != VG_OK)
            fail_msg("round %zu: scan stopped: %s\n%s", round, vg_strerror(r.rc), r.diag_text);
        warned += r.warnings > 1; /* beyond the outdated-iOS note */
        vgh_result_free(&r);
    }
    /* the damage was seen and reported, not silently absorbed */
    assert_true(warned > ROUNDS / 2);
    for (i = 0; i < n; i++)
        free(files[i]);
    free(files);
    free(bundle);
    free(stix);
    vgfix_rmtree(base);
    free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_damaged_backups_never_stop_the_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
