/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include "util/seen.h"

void vg_seen_init(struct vg_seen *s)
{
    memset(s, 0, sizeof(*s));
}

void vg_seen_free(struct vg_seen *s)
{
    free(s->slots);
    memset(s, 0, sizeof(*s));
}

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/* Two FNV-1a style hashes with different offsets and primes, each byte
 * and each part boundary folded in, then finalised. */
static void fingerprint(const char *const *parts, size_t n, uint64_t *a, uint64_t *b)
{
    uint64_t h1 = 0xcbf29ce484222325ULL, h2 = 0x84222325cbf29ce4ULL;
    size_t i;

    for (i = 0; i < n; i++) {
        const unsigned char *p = (const unsigned char *)(parts[i] ? parts[i] : "");
        for (; *p; p++) {
            h1 = (h1 ^ *p) * 0x100000001b3ULL;
            h2 = (h2 ^ *p) * 0x9e3779b97f4a7c15ULL;
        }
        h1 = (h1 ^ 0x1f) * 0x100000001b3ULL; /* separator: ("ab","c") != ("a","bc") */
        h2 = (h2 ^ 0x1f) * 0x9e3779b97f4a7c15ULL;
    }
    *a = mix(h1);
    *b = mix(h2 ^ (uint64_t)n);
    if (*a == 0 && *b == 0)
        *b = 1; /* (0,0) marks an empty slot */
}

static int grow(struct vg_seen *s)
{
    size_t ncap = s->cap ? s->cap * 2 : 1024, i;
    uint64_t *nv = vg_calloc(ncap, 2 * sizeof(uint64_t));

    if (!nv)
        return VG_E_NOMEM;
    for (i = 0; i < s->cap; i++) {
        uint64_t a = s->slots[2 * i], b = s->slots[2 * i + 1];
        size_t j = (size_t)a & (ncap - 1);
        if (!a && !b)
            continue;
        while (nv[2 * j] || nv[2 * j + 1])
            j = (j + 1) & (ncap - 1);
        nv[2 * j] = a;
        nv[2 * j + 1] = b;
    }
    free(s->slots);
    s->slots = nv;
    s->cap = ncap;
    return VG_OK;
}

int vg_seen_add(struct vg_seen *s, const char *const *parts, size_t n_parts)
{
    uint64_t a, b;

    fingerprint(parts, n_parts, &a, &b);
    return vg_seen_add_pair(s, a, b);
}

int vg_seen_add_pair(struct vg_seen *s, uint64_t a, uint64_t b)
{
    size_t j;

    if (a == 0 && b == 0)
        b = 1; /* (0,0) marks an empty slot */
    if (s->n + 1 > s->cap / 2 && grow(s) != VG_OK)
        return VG_E_NOMEM;
    for (j = (size_t)a & (s->cap - 1);; j = (j + 1) & (s->cap - 1)) {
        uint64_t x = s->slots[2 * j], y = s->slots[2 * j + 1];
        if (!x && !y)
            break;
        if (x == a && y == b)
            return 0;
    }
    s->slots[2 * j] = a;
    s->slots[2 * j + 1] = b;
    s->n++;
    return 1;
}
