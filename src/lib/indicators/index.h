/*
 * The indicator index: every loaded indicator value in one open-addressing
 * hash table keyed by (key type, normalised value), with a small blocked
 * Bloom filter in front so that the common case, an observed value that is
 * no indicator, costs one cache-resident word test per probe instead of a
 * cache miss into a table of millions of slots.
 *
 * Lookups never allocate and cost O(length of the observed value): callers
 * hash the observed value once (or once per suffix/prefix, with the rolling
 * hash below) and probe.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_INDICATORS_INDEX_H
#define VG_INDICATORS_INDEX_H

#include "util/vg.h"

#define VG_IDX_NONE UINT32_MAX

/* Key types: the public ioc types, plus the prefixes of long process names
 * so that a truncated observed name (15 or 16 bytes) finds them in O(1). */
enum {
    VG_KEY_PROC15 = VG_IOC_TYPE_COUNT,
    VG_KEY_PROC16,
    VG_KEY_DOMAIN_TAIL, /* hashed only, for the tails filter */
    VG_KEY_TYPE_COUNT,
};

/* One loaded indicator value. */
struct vg_ioc_ent {
    const char *key;   /* normalised: what lookups compare */
    const char *value; /* shown in matches (the key unless the file spelled it otherwise) */
    const char *id;    /* STIX id */
    uint32_t klen;
    uint32_t coll; /* index into the collections */
    uint32_t next; /* same type+key in a later collection, or VG_IDX_NONE */
    uint8_t type;  /* enum vg_ioc_type */
};

struct vg_ioc_slot {
    uint64_t hash;
    uint32_t ent;  /* entry index + 1; 0 is an empty slot */
    uint32_t meta; /* key length << 5 | key type */
};

struct vg_arena_block;

struct vg_iocs {
    struct vg_ioc_ent *ents;
    size_t n_ents, cap_ents;

    struct vg_ioc_slot *slots; /* power of two */
    size_t n_slots, n_used;
    uint64_t *bloom; /* n_slots / 8 words, power of two */
    size_t bloom_mask;
    /* The last two labels of every domain indicator ("evil.com" for
     * "a.b.evil.com"): a host whose last two labels are not in it cannot
     * match any domain of two labels or more, so most hosts cost one probe. */
    uint64_t *tails;
    size_t tails_mask, tails_cap, n_tails;
    size_t n_short_domains; /* domain indicators of one label ("com") */

    struct vg_ioc_collection_info *colls;
    size_t n_colls, cap_colls;
    struct vg_ioc_file_info *files;
    size_t n_files, cap_files;

    size_t count[VG_IOC_TYPE_COUNT];
    size_t total;

    struct vg_arena_block *arena;
};

/* Strings that live as long as the index. NULL on failure. */
char *vg_iocs_strndup(struct vg_iocs *x, const char *s, size_t n);

/* Hashing. Keys whose lookups walk prefixes (file paths) are hashed front to
 * back, every other key back to front, so that a host's parent domains are
 * hashed on the way in one pass. */
#define VG_HASH_SEED 0xcbf29ce484222325ull
static inline uint64_t vg_hash_step(uint64_t h, unsigned char c)
{
    return (h ^ c) * 0x100000001b3ull;
}
uint64_t vg_hash_fin(uint64_t h, unsigned ktype, size_t n);
uint64_t vg_key_hash(unsigned ktype, const char *s, size_t n);

/* Finds the first entry with this key; VG_IDX_NONE when there is none. h is
 * vg_key_hash(ktype, s, n). */
uint32_t vg_index_find(const struct vg_iocs *x, unsigned ktype, const char *s, size_t n,
                       uint64_t h);

/* 0 when no domain indicator of two labels or more ends in the two labels
 * hashed as h = vg_hash_fin(state, VG_KEY_DOMAIN_TAIL, their length). */
int vg_index_tail_maybe(const struct vg_iocs *x, uint64_t h);

/* 1 when type+key is already loaded in a collection named coll_name. */
int vg_index_has(const struct vg_iocs *x, enum vg_ioc_type t, const char *key, size_t klen,
                 const char *coll_name);

/* Adds one value (key already normalised; value NULL means "same as key").
 * The caller checked vg_index_has. */
int vg_index_add(struct vg_iocs *x, enum vg_ioc_type t, const char *key, size_t klen,
                 const char *value, const char *id, uint32_t coll) VG_MUST_CHECK;

/* Registers a collection or a file; *idx gets its index. */
int vg_index_add_collection(struct vg_iocs *x, const char *name, const char *file,
                            uint32_t *idx) VG_MUST_CHECK;
int vg_index_add_file(struct vg_iocs *x, const char *path, const char *name, const char *sha256_hex,
                      size_t *idx) VG_MUST_CHECK;

/* Fills a public match from an entry. */
void vg_index_fill(const struct vg_iocs *x, uint32_t ent, int truncated, struct vg_ioc_match *m);

/* ---- normalisation (match.c): the same code for indicators and observed
 * values. Each writes a NUL-terminated key into out and returns its length,
 * or a negative error when the value cannot be a key of that type (too long
 * for cap, not a host, not an address). */
int vg_norm_ioc(enum vg_ioc_type t, const char *v, size_t n, char *out, size_t cap);

#endif
