/*
 * bench_match: indicator loading and matching throughput, on the public API
 * only. A benchmark (bench/run calls it), never a test. Prints "key value"
 * lines for the harness.
 *
 *   bench_match load PATH...    vg_iocs_load_path on each; load_ms, indicators,
 *                               maxrss_kb
 *   bench_match parse FILE...   jansson's json_load_file alone on each: the
 *                               floor under any STIX loader; parse_ms,
 *                               maxrss_kb
 *   bench_match match --iocs PATH -k K [--seed S] [-n N] [--seconds T]
 *                               single-thread lookups against the bundle
 *                               `mkcorpus iocs -k K --seed S` wrote: URLs
 *                               (1% hits on its domains) and process names
 *                               (1% hits, half of them truncated as iOS
 *                               truncates), with FNV-1a over the same strings
 *                               as the floor (every lookup must read its
 *                               input once). Hits are counted and compared
 *                               with what was planted: "check FAIL" when
 *                               they differ.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <jansson.h>

#include "synth.h"
#include "vigie/vigie.h"

#define HIT_PER_MILLE 10
#define MAX_IOC_PATHS 16

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long maxrss_kb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

static void quiet_diag(void *ud, const struct vg_diag_entry *e)
{
    (void)ud;
    if (e->level >= VG_DIAG_WARN)
        fprintf(stderr, "bench_match: %s: %s\n", e->where, e->message);
}

static int load(struct vg_iocs **out, char **paths, size_t n)
{
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    size_t i;
    int rc;

    rc = vg_diag_new(quiet_diag, NULL, &diag);
    if (rc == VG_OK)
        rc = vg_iocs_new(&iocs);
    for (i = 0; rc == VG_OK && i < n; i++) {
        rc = vg_iocs_load_path(iocs, paths[i], diag);
        if (rc != VG_OK)
            fprintf(stderr, "bench_match: %s: %s\n", paths[i], vg_strerror(rc));
    }
    vg_diag_free(diag);
    if (rc != VG_OK) {
        vg_iocs_free(iocs);
        return -1;
    }
    *out = iocs;
    return 0;
}

static int cmd_load(int argc, char **argv)
{
    struct vg_iocs *iocs = NULL;
    double t0, t1;

    if (argc < 1)
        return 2;
    t0 = now();
    if (load(&iocs, argv, (size_t)argc) != 0)
        return 1;
    t1 = now();
    printf("load_ms %.3f\nindicators %zu\nmaxrss_kb %ld\n", (t1 - t0) * 1e3, vg_iocs_count(iocs),
           maxrss_kb());
    vg_iocs_free(iocs);
    return 0;
}

static int cmd_parse(int argc, char **argv)
{
    json_error_t err;
    double t0, t1;
    int i;

    t0 = now();
    for (i = 0; i < argc; i++) {
        json_t *j = json_load_file(argv[i], 0, &err);
        if (!j) {
            fprintf(stderr, "bench_match: %s: %s\n", argv[i], err.text);
            return 1;
        }
        json_decref(j);
    }
    t1 = now();
    printf("parse_ms %.3f\nmaxrss_kb %ld\n", (t1 - t0) * 1e3, maxrss_kb());
    return 0;
}

/* ---- matching ---- */

/* The observed values, one allocation, NUL-separated, with their offsets. */
struct corpus {
    char *text;
    size_t *off;
    size_t n, len, cap, hits;
};

static int corpus_add(struct corpus *c, const char *s, size_t len)
{
    if (c->len + len + 1 > c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 1u << 20;
        char *p;
        while (cap < c->len + len + 1)
            cap *= 2;
        p = realloc(c->text, cap);
        if (!p)
            return -1;
        c->text = p;
        c->cap = cap;
    }
    memcpy(c->text + c->len, s, len + 1);
    c->off[c->n++] = c->len;
    c->len += len + 1;
    return 0;
}

static int make_urls(struct corpus *c, size_t n, uint64_t seed, size_t n_domains)
{
    struct bench_rng r;
    char buf[1024];
    size_t i, len;

    c->off = calloc(n, sizeof *c->off);
    if (!c->off)
        return -1;
    bench_rng_init(&r, seed, 1000, 0);
    for (i = 0; i < n; i++) {
        if (n_domains && bench_rng_below(&r, 1000) < HIT_PER_MILLE) {
            len = bench_hit_url(&r, seed, (size_t)bench_rng_below(&r, n_domains), buf, sizeof buf);
            c->hits++;
        } else {
            len = bench_miss_url(&r, buf, sizeof buf);
        }
        if (corpus_add(c, buf, len) != 0)
            return -1;
    }
    return 0;
}

/* Hits: a synthetic process name; when longer than 16 bytes, half the time
 * cut to 16 as iOS cuts the names it records. */
static int make_processes(struct corpus *c, size_t n, uint64_t seed, size_t n_procs)
{
    struct bench_rng r;
    char buf[256];
    size_t i, len;

    c->off = calloc(n, sizeof *c->off);
    if (!c->off)
        return -1;
    bench_rng_init(&r, seed, 1001, 0);
    for (i = 0; i < n; i++) {
        if (n_procs && bench_rng_below(&r, 1000) < HIT_PER_MILLE) {
            len = bench_value(BENCH_PROCESS, seed, (size_t)bench_rng_below(&r, n_procs), buf,
                              sizeof buf);
            if (len > 16 && bench_rng_below(&r, 2))
                buf[len = 16] = '\0';
            c->hits++;
        } else {
            len = bench_miss_process(&r, buf, sizeof buf);
        }
        if (corpus_add(c, buf, len) != 0)
            return -1;
    }
    return 0;
}

static void corpus_free(struct corpus *c)
{
    free(c->text);
    free(c->off);
}

typedef int (*match_fn)(const struct vg_iocs *, const char *, struct vg_ioc_match *);

struct rate {
    double per_s;
    size_t hits, passes;
};

/* Whole passes over the corpus until at least `seconds` have gone by. */
static struct rate time_matches(const struct vg_iocs *iocs, match_fn fn, const struct corpus *c,
                                double seconds)
{
    struct rate rt = {0, 0, 0};
    struct vg_ioc_match m;
    double t0 = now(), t;
    size_t i;

    do {
        for (i = 0; i < c->n; i++)
            rt.hits += (size_t)fn(iocs, c->text + c->off[i], &m);
        rt.passes++;
        t = now() - t0;
    } while (t < seconds);
    rt.per_s = (double)(rt.passes * c->n) / t;
    return rt;
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

static double time_fnv(const struct corpus *c, double seconds)
{
    volatile uint64_t sink = 0;
    double t0 = now(), t;
    size_t i, passes = 0;

    do {
        uint64_t acc = 0;
        for (i = 0; i < c->n; i++)
            acc ^= fnv1a(c->text + c->off[i]);
        sink ^= acc;
        passes++;
        t = now() - t0;
    } while (t < seconds);
    (void)sink;
    return (double)(passes * c->n) / t;
}

static int report(const char *what, const struct rate *rt, const struct corpus *c, double floor)
{
    size_t expected = c->hits * rt->passes;
    printf("%s_per_s %.0f\n%s_floor_per_s %.0f\n%s_hits %zu\n%s_expected_hits %zu\n", what,
           rt->per_s, what, floor, what, rt->hits, what, expected);
    if (rt->hits != expected) {
        printf("check FAIL %s: %zu hits, %zu planted\n", what, rt->hits, expected);
        return 1;
    }
    return 0;
}

static int cmd_match(int argc, char **argv)
{
    static const struct option opts[] = {
        {"iocs", required_argument, NULL, 'i'},    {"count", required_argument, NULL, 'k'},
        {"seed", required_argument, NULL, 's'},    {"number", required_argument, NULL, 'n'},
        {"seconds", required_argument, NULL, 't'}, {NULL, 0, NULL, 0},
    };
    char *paths[MAX_IOC_PATHS];
    size_t n_paths = 0, k = 0, n = 1000000, counts[BENCH_KIND_COUNT];
    uint64_t seed = 1;
    double seconds = 1.0, t0;
    struct vg_iocs *iocs = NULL;
    struct corpus urls, procs;
    struct rate rt;
    int c, fail = 0;

    optind = 1;
    while ((c = getopt_long(argc, argv, "i:k:n:", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            if (n_paths == MAX_IOC_PATHS)
                return 2;
            paths[n_paths++] = optarg;
            break;
        case 'k':
            k = (size_t)strtoull(optarg, NULL, 10);
            break;
        case 's':
            seed = strtoull(optarg, NULL, 10);
            break;
        case 'n':
            n = (size_t)strtoull(optarg, NULL, 10);
            break;
        case 't':
            seconds = strtod(optarg, NULL);
            break;
        default:
            return 2;
        }
    }
    t0 = now();
    if (n_paths == 0 || n == 0 || load(&iocs, paths, n_paths) != 0)
        return 2;
    printf("load_ms %.3f\nmaxrss_kb %ld\n", (now() - t0) * 1e3, maxrss_kb());
    bench_split(k, counts);
    memset(&urls, 0, sizeof urls);
    memset(&procs, 0, sizeof procs);
    if (make_urls(&urls, n, seed, counts[BENCH_DOMAIN]) != 0 ||
        make_processes(&procs, n, seed, counts[BENCH_PROCESS]) != 0) {
        fprintf(stderr, "bench_match: out of memory\n");
        return 2;
    }
    printf("indicators %zu\nurl_bytes_avg %.1f\n", vg_iocs_count(iocs),
           (double)urls.len / (double)urls.n - 1);
    rt = time_matches(iocs, vg_iocs_match_url, &urls, seconds);
    fail |= report("url", &rt, &urls, time_fnv(&urls, seconds));
    rt = time_matches(iocs, vg_iocs_match_process, &procs, seconds);
    fail |= report("process", &rt, &procs, time_fnv(&procs, seconds));
    corpus_free(&urls);
    corpus_free(&procs);
    vg_iocs_free(iocs);
    return fail;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "load") == 0)
        return cmd_load(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "parse") == 0)
        return cmd_parse(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "match") == 0)
        return cmd_match(argc - 1, argv + 1);
    fprintf(stderr, "usage: bench_match load PATH... | parse FILE... |\n"
                    "       match --iocs PATH -k K [--seed S] [-n N] [--seconds T]\n");
    return 2;
}
