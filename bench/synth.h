/*
 * Synthetic values shared by bench/mkcorpus (which writes them into
 * indicator bundles and backups) and bench/bench_match (which must know
 * which of its lookups are hits). Every value is a pure function of a seed
 * and an index, so the two programs agree without exchanging files, and a
 * corpus rebuilt with the same arguments is byte for byte the same.
 *
 * Names never collide by accident: synthetic indicator labels are made of
 * consonant-vowel syllables only (three or more), while the "miss" values
 * (what an ordinary phone shows) come from lists of real services that hold
 * no such label, and planted values carry a "bnch" marker.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_BENCH_SYNTH_H
#define VG_BENCH_SYNTH_H

#include <stddef.h>
#include <stdint.h>

/* splitmix64: small, fast, and the same on every platform. */
struct bench_rng {
    uint64_t s;
};

/* A generator for one (seed, stream, index): independent of any other. */
void bench_rng_init(struct bench_rng *r, uint64_t seed, uint64_t stream, uint64_t index);
uint64_t bench_rng_next(struct bench_rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t bench_rng_below(struct bench_rng *r, uint64_t n);

enum bench_kind {
    BENCH_DOMAIN = 0,
    BENCH_PROCESS,
    BENCH_EMAIL,
    BENCH_PATH,
};
#define BENCH_KIND_COUNT 4

/* How K indicators split by kind: 70% domains, 10% each of the others. */
void bench_split(size_t k, size_t counts[BENCH_KIND_COUNT]);

/* The i-th synthetic indicator of a kind, NUL-terminated in out (cap >= 128).
 * Returns its length. */
size_t bench_value(enum bench_kind kind, uint64_t seed, size_t i, char *out, size_t cap);

/* Observed values that match no synthetic indicator: a URL as a phone's
 * browser or messages hold one, a host, a process name as DataUsage lists
 * it (daemons and bundle ids). Returns the length. cap >= 256. */
size_t bench_miss_url(struct bench_rng *r, char *out, size_t cap);
size_t bench_miss_host(struct bench_rng *r, char *out, size_t cap);
size_t bench_miss_process(struct bench_rng *r, char *out, size_t cap);
/* A short message text in words (no URL). */
size_t bench_words(struct bench_rng *r, size_t words, char *out, size_t cap);

/* A hit on synthetic domain i: that domain or a subdomain of it, in a URL. */
size_t bench_hit_url(struct bench_rng *r, uint64_t seed, size_t i, char *out, size_t cap);

/*
 * Planted hits: put into every bundle mkcorpus writes and into every backup,
 * each where one module finds it, so a benchmark run also checks that the
 * scan found what it should. `indicator` is what the bundle holds (its STIX
 * object path and value); `observed` is what the backup holds.
 */
struct bench_planted {
    const char *module;   /* result name of the module that must report it */
    const char *stix;     /* STIX object path, e.g. "domain-name:value" */
    const char *value;    /* indicator value */
    const char *observed; /* what the backup holds */
};
extern const struct bench_planted bench_planted[];
extern const size_t bench_planted_count;

#endif
