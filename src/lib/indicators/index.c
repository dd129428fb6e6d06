/*
 * The indicator index (see index.h): storage, the hash table and its Bloom
 * filter, collections and files, and the type names.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "indicators/index.h"

/* ------------------------------------------------------------ strings */

/* Millions of short strings (one or two per indicator) go into large blocks
 * instead of one malloc each: loading is faster and freeing is a list walk. */
struct vg_arena_block {
    struct vg_arena_block *next;
    size_t used, cap;
    char data[];
};

#define ARENA_BLOCK 65536u

static struct vg_arena_block *arena_block_new(size_t cap)
{
    size_t total;
    struct vg_arena_block *b;
    if (vg_add_overflow(sizeof(*b), cap, &total))
        return NULL;
    b = malloc(total);
    if (!b)
        return NULL;
    b->next = NULL;
    b->used = 0;
    b->cap = cap;
    return b;
}

char *vg_iocs_strndup(struct vg_iocs *x, const char *s, size_t n)
{
    struct vg_arena_block *b = x->arena;
    char *d;

    if (n >= SIZE_MAX / 2)
        return NULL;
    if (!b || b->cap - b->used < n + 1) {
        struct vg_arena_block *nb = arena_block_new(n + 1 > ARENA_BLOCK ? n + 1 : ARENA_BLOCK);
        if (!nb)
            return NULL;
        /* a one-off big string must not retire a block that still has room */
        if (b && n + 1 > ARENA_BLOCK) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            x->arena = nb;
        }
        b = nb;
    }
    d = b->data + b->used;
    memcpy(d, s, n);
    d[n] = '\0';
    b->used += n + 1;
    return d;
}

/* ------------------------------------------------------------ hashing */

uint64_t vg_hash_fin(uint64_t h, unsigned ktype, size_t n)
{
    /* MurmurHash3's 64-bit finaliser: FNV's low bits alone index badly. */
    h ^= (uint64_t)ktype * 0x9e3779b97f4a7c15ull ^ (uint64_t)n << 40;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

static int key_forward(unsigned ktype)
{
    return ktype == VG_IOC_FILE_PATH;
}

uint64_t vg_key_hash(unsigned ktype, const char *s, size_t n)
{
    uint64_t h = VG_HASH_SEED;
    size_t i;
    if (key_forward(ktype)) {
        for (i = 0; i < n; i++)
            h = vg_hash_step(h, (unsigned char)s[i]);
    } else {
        for (i = n; i > 0; i--)
            h = vg_hash_step(h, (unsigned char)s[i - 1]);
    }
    return vg_hash_fin(h, ktype, n);
}

/* ------------------------------------------------------------ table */

static uint64_t bloom_bits(uint64_t h)
{
    return 1ull << ((h >> 20) & 63) | 1ull << ((h >> 26) & 63);
}

static uint32_t slot_meta(unsigned ktype, size_t n)
{
    return (uint32_t)n << 5 | ktype;
}

static int slot_is(const struct vg_iocs *x, const struct vg_ioc_slot *sl, unsigned ktype,
                   const char *s, size_t n, uint64_t h)
{
    return sl->hash == h && sl->meta == slot_meta(ktype, n) &&
           memcmp(x->ents[sl->ent - 1].key, s, n) == 0;
}

static struct vg_ioc_slot *slot_find(const struct vg_iocs *x, unsigned ktype, const char *s,
                                     size_t n, uint64_t h)
{
    uint64_t bits = bloom_bits(h);
    size_t mask, i;

    if (!x->n_slots || n > VG_MAX_IOC_VALUE)
        return NULL;
    if ((x->bloom[(h >> 32) & x->bloom_mask] & bits) != bits)
        return NULL;
    mask = x->n_slots - 1;
    for (i = h & mask; x->slots[i].ent; i = (i + 1) & mask)
        if (slot_is(x, &x->slots[i], ktype, s, n, h))
            return &x->slots[i];
    return NULL;
}

uint32_t vg_index_find(const struct vg_iocs *x, unsigned ktype, const char *s, size_t n, uint64_t h)
{
    const struct vg_ioc_slot *sl = slot_find(x, ktype, s, n, h);
    return sl ? sl->ent - 1 : VG_IDX_NONE;
}

static void slot_place(struct vg_ioc_slot *slots, size_t n_slots, uint64_t *bloom,
                       size_t bloom_mask, const struct vg_ioc_slot *sl)
{
    size_t mask = n_slots - 1, i;
    for (i = sl->hash & mask; slots[i].ent; i = (i + 1) & mask)
        ;
    slots[i] = *sl;
    bloom[(sl->hash >> 32) & bloom_mask] |= bloom_bits(sl->hash);
}

/* Keeps the load factor under 0.7 for `extra` more keys. */
static int table_reserve(struct vg_iocs *x, size_t extra)
{
    struct vg_ioc_slot *slots;
    uint64_t *bloom;
    size_t ns = x->n_slots ? x->n_slots : 1024, i;

    while ((x->n_used + extra) * 10 > ns * 7)
        ns *= 2;
    if (ns == x->n_slots)
        return VG_OK;
    slots = vg_calloc(ns, sizeof(*slots));
    bloom = vg_calloc(ns / 8, sizeof(*bloom));
    if (!slots || !bloom) {
        free(slots);
        free(bloom);
        return VG_E_NOMEM;
    }
    for (i = 0; i < x->n_slots; i++)
        if (x->slots[i].ent)
            slot_place(slots, ns, bloom, ns / 8 - 1, &x->slots[i]);
    free(x->slots);
    free(x->bloom);
    x->slots = slots;
    x->bloom = bloom;
    x->n_slots = ns;
    x->bloom_mask = ns / 8 - 1;
    return VG_OK;
}

static void table_put(struct vg_iocs *x, unsigned ktype, size_t n, uint64_t h, uint32_t ent)
{
    struct vg_ioc_slot sl;
    sl.hash = h;
    sl.ent = ent + 1;
    sl.meta = slot_meta(ktype, n);
    slot_place(x->slots, x->n_slots, x->bloom, x->bloom_mask, &sl);
    x->n_used++;
}

/* A truncated observed process name is looked up among these prefixes; the
 * first loaded indicator with that prefix keeps the slot. */
static void put_prefix(struct vg_iocs *x, unsigned ktype, size_t n, uint32_t ent)
{
    const char *key = x->ents[ent].key;
    uint64_t h = vg_key_hash(ktype, key, n);
    if (!slot_find(x, ktype, key, n, h))
        table_put(x, ktype, n, h, ent);
}

/* ------------------------------------------------------------ domain tails */

/* The last two labels of a domain key; 0 when it has a single label. */
static size_t tail_start(const char *key, size_t n, size_t *start)
{
    size_t i = n, dots = 0;
    while (i > 0) {
        if (key[i - 1] == '.' && ++dots == 2)
            break;
        i--;
    }
    *start = i;
    return dots > 0;
}

static void tail_set(struct vg_iocs *x, const char *key, size_t n)
{
    size_t st;
    uint64_t h;
    if (!tail_start(key, n, &st))
        return;
    h = vg_key_hash(VG_KEY_DOMAIN_TAIL, key + st, n - st);
    x->tails[(h >> 32) & x->tails_mask] |= bloom_bits(h);
}

/* Sixteen bits per tail, rebuilt from the entries when it fills up. */
static int tails_reserve(struct vg_iocs *x)
{
    uint64_t *t;
    size_t words = x->tails_mask + 1, i;

    if (x->tails && x->n_tails < x->tails_cap)
        return VG_OK;
    if (x->tails)
        words *= 2;
    else
        words = 64;
    t = vg_calloc(words, sizeof(*t));
    if (!t)
        return VG_E_NOMEM;
    free(x->tails);
    x->tails = t;
    x->tails_mask = words - 1;
    x->tails_cap = words * 4;
    for (i = 0; i < x->n_ents; i++)
        if (x->ents[i].type == VG_IOC_DOMAIN)
            tail_set(x, x->ents[i].key, x->ents[i].klen);
    return VG_OK;
}

int vg_index_tail_maybe(const struct vg_iocs *x, uint64_t h)
{
    uint64_t bits = bloom_bits(h);
    return x->tails && (x->tails[(h >> 32) & x->tails_mask] & bits) == bits;
}

/* ------------------------------------------------------------ entries */

int vg_index_has(const struct vg_iocs *x, enum vg_ioc_type t, const char *key, size_t klen,
                 const char *coll_name)
{
    uint32_t e = vg_index_find(x, t, key, klen, vg_key_hash(t, key, klen));
    for (; e != VG_IDX_NONE; e = x->ents[e].next)
        if (strcmp(x->colls[x->ents[e].coll].name, coll_name) == 0)
            return 1;
    return 0;
}

static int ents_reserve(struct vg_iocs *x)
{
    struct vg_ioc_ent *ne;
    size_t ncap;
    if (x->n_ents < x->cap_ents)
        return VG_OK;
    if (x->n_ents >= VG_MAX_IOCS)
        return VG_E_LIMIT;
    ncap = x->cap_ents ? x->cap_ents * 2 : 256;
    ne = vg_realloc_array(x->ents, ncap, sizeof(*ne));
    if (!ne)
        return VG_E_NOMEM;
    x->ents = ne;
    x->cap_ents = ncap;
    return VG_OK;
}

static int ent_init(struct vg_iocs *x, struct vg_ioc_ent *e, enum vg_ioc_type t, const char *key,
                    size_t klen, const char *value, const char *id, uint32_t coll)
{
    size_t idlen = strlen(id);
    e->key = vg_iocs_strndup(x, key, klen);
    if (!e->key)
        return VG_E_NOMEM;
    e->value = e->key;
    if (value && strcmp(value, e->key) != 0)
        e->value = vg_iocs_strndup(x, value, strlen(value));
    e->id = vg_iocs_strndup(x, id, idlen > VG_MAX_IOC_VALUE ? VG_MAX_IOC_VALUE : idlen);
    if (!e->value || !e->id)
        return VG_E_NOMEM;
    e->klen = (uint32_t)klen;
    e->coll = coll;
    e->next = VG_IDX_NONE;
    e->type = (uint8_t)t;
    return VG_OK;
}

int vg_index_add(struct vg_iocs *x, enum vg_ioc_type t, const char *key, size_t klen,
                 const char *value, const char *id, uint32_t coll)
{
    struct vg_ioc_slot *sl;
    uint32_t ent;
    uint64_t h;
    int rc;

    if ((unsigned)t >= VG_IOC_TYPE_COUNT || coll >= x->n_colls || klen > VG_MAX_IOC_VALUE)
        return VG_E_INVAL;
    if ((rc = ents_reserve(x)) != VG_OK || (rc = table_reserve(x, 3)) != VG_OK ||
        (t == VG_IOC_DOMAIN && (rc = tails_reserve(x)) != VG_OK))
        return rc;
    ent = (uint32_t)x->n_ents;
    if ((rc = ent_init(x, &x->ents[ent], t, key, klen, value, id, coll)) != VG_OK)
        return rc;
    x->n_ents++;

    h = vg_key_hash(t, key, klen);
    sl = slot_find(x, t, key, klen, h);
    if (sl) {
        uint32_t e = sl->ent - 1;
        while (x->ents[e].next != VG_IDX_NONE)
            e = x->ents[e].next;
        x->ents[e].next = ent;
    } else {
        table_put(x, t, klen, h, ent);
    }
    if (t == VG_IOC_DOMAIN) {
        size_t st;
        if (tail_start(key, klen, &st)) {
            x->n_tails++;
            tail_set(x, key, klen);
        } else {
            x->n_short_domains++;
        }
    }
    if (t == VG_IOC_PROCESS && klen > 15)
        put_prefix(x, VG_KEY_PROC15, 15, ent);
    if (t == VG_IOC_PROCESS && klen > 16)
        put_prefix(x, VG_KEY_PROC16, 16, ent);

    x->count[t]++;
    x->total++;
    x->colls[coll].count[t]++;
    x->colls[coll].total++;
    return VG_OK;
}

void vg_index_fill(const struct vg_iocs *x, uint32_t ent, int truncated, struct vg_ioc_match *m)
{
    const struct vg_ioc_ent *e = &x->ents[ent];
    m->value = e->value;
    m->type = (enum vg_ioc_type)e->type;
    m->collection = x->colls[e->coll].name;
    m->file = x->colls[e->coll].file;
    m->id = e->id;
    m->truncated = truncated;
}

/* ------------------------------------------------------------ collections, files */

static int grow(void **v, size_t n, size_t *cap, size_t size)
{
    void *nv;
    size_t ncap;
    if (n < *cap)
        return VG_OK;
    ncap = *cap ? *cap * 2 : 16;
    nv = vg_realloc_array(*v, ncap, size);
    if (!nv)
        return VG_E_NOMEM;
    *v = nv;
    *cap = ncap;
    return VG_OK;
}

int vg_index_add_collection(struct vg_iocs *x, const char *name, const char *file, uint32_t *idx)
{
    struct vg_ioc_collection_info *c;
    void *v = x->colls;
    int rc;

    if (x->n_colls >= VG_MAX_IOCS)
        return VG_E_LIMIT;
    rc = grow(&v, x->n_colls, &x->cap_colls, sizeof(*c));
    x->colls = v;
    if (rc != VG_OK)
        return rc;
    c = &x->colls[x->n_colls];
    memset(c, 0, sizeof(*c));
    c->name = vg_iocs_strndup(x, name, strlen(name));
    c->file = vg_iocs_strndup(x, file, strlen(file));
    if (!c->name || !c->file)
        return VG_E_NOMEM;
    *idx = (uint32_t)x->n_colls++;
    return VG_OK;
}

int vg_index_add_file(struct vg_iocs *x, const char *path, const char *name, const char *sha256_hex,
                      size_t *idx)
{
    struct vg_ioc_file_info *f;
    void *v = x->files;
    int rc;

    rc = grow(&v, x->n_files, &x->cap_files, sizeof(*f));
    x->files = v;
    if (rc != VG_OK)
        return rc;
    f = &x->files[x->n_files];
    memset(f, 0, sizeof(*f));
    f->path = vg_iocs_strndup(x, path, strlen(path));
    f->name = vg_iocs_strndup(x, name, strlen(name));
    if (!f->path || !f->name)
        return VG_E_NOMEM;
    if (vg_snprintf(f->sha256, sizeof(f->sha256), "%s", sha256_hex) != VG_OK)
        return VG_E_INVAL;
    *idx = x->n_files++;
    return VG_OK;
}

/* ------------------------------------------------------------ public */

int vg_iocs_new(struct vg_iocs **out)
{
    struct vg_iocs *x = vg_calloc(1, sizeof(*x));
    if (!x)
        return VG_E_NOMEM;
    *out = x;
    return VG_OK;
}

void vg_iocs_free(struct vg_iocs *x)
{
    struct vg_arena_block *b, *next;
    if (!x)
        return;
    for (b = x->arena; b; b = next) {
        next = b->next;
        free(b);
    }
    free(x->ents);
    free(x->slots);
    free(x->bloom);
    free(x->tails);
    free(x->colls);
    free(x->files);
    free(x);
}

size_t vg_iocs_count(const struct vg_iocs *x)
{
    return x ? x->total : 0;
}

size_t vg_iocs_count_type(const struct vg_iocs *x, enum vg_ioc_type t)
{
    return x && (unsigned)t < VG_IOC_TYPE_COUNT ? x->count[t] : 0;
}

size_t vg_iocs_file_count(const struct vg_iocs *x)
{
    return x ? x->n_files : 0;
}

const struct vg_ioc_file_info *vg_iocs_file(const struct vg_iocs *x, size_t i)
{
    return x && i < x->n_files ? &x->files[i] : NULL;
}

size_t vg_iocs_collection_count(const struct vg_iocs *x)
{
    return x ? x->n_colls : 0;
}

const struct vg_ioc_collection_info *vg_iocs_collection(const struct vg_iocs *x, size_t i)
{
    return x && i < x->n_colls ? &x->colls[i] : NULL;
}

/* Hash algorithms as MVT spells them in its own bundles (file:hashes.sha256);
 * the STIX spec's quoted form (file:hashes.'SHA-256') is accepted on input. */
static const char *const type_stix[VG_IOC_TYPE_COUNT] = {
    "domain-name:value",     "ipv4-addr:value",  "ipv6-addr:value",    "url:value",
    "process:name",          "email-addr:value", "file:name",          "file:path",
    "file:hashes.md5",       "file:hashes.sha1", "file:hashes.sha256", "app:id",
    "app:cert.md5",          "app:cert.sha1",    "app:cert.sha256",    "configuration-profile:id",
    "android-property:name",
};

/* MVT (src/mvt/common/indicators.py) files IPv4 indicators under "domains"
 * and has no IPv6 type; IPv6 goes the same way as IPv4. All three app
 * certificate hashes share "app_cert_hashes" there. */
static const char *const type_mvt[VG_IOC_TYPE_COUNT] = {
    "domains",
    "domains",
    "domains",
    "urls",
    "processes",
    "emails",
    "file_names",
    "file_paths",
    "files_md5",
    "files_sha1",
    "files_sha256",
    "app_ids",
    "app_cert_hashes",
    "app_cert_hashes",
    "app_cert_hashes",
    "ios_profile_ids",
    "android_property_names",
};

const char *vg_ioc_type_stix(enum vg_ioc_type t)
{
    return (unsigned)t < VG_IOC_TYPE_COUNT ? type_stix[t] : "?";
}

const char *vg_ioc_type_mvt(enum vg_ioc_type t)
{
    return (unsigned)t < VG_IOC_TYPE_COUNT ? type_mvt[t] : "?";
}
