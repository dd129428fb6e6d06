/*
 * NSKeyedArchiver resolution, written by hand for vigie (no Debian library
 * resolves keyed archives): libplist parses the property list, this file
 * follows the $top / $objects graph of UID references. Format notes and
 * sources: docs/formats/nska.md.
 *
 * libplist 2.2 (Debian 12) is itself not safe on every hostile input: its
 * binary parser recurses once per nesting level with no cap and copies a
 * shared object once per reference (a few hundred bytes can expand to 2^60
 * nodes), and plist_free() recurses too. So vg_plist_parse() first checks the
 * structure itself (depth, cycles, expanded node count) without recursion,
 * and only then lets libplist build the tree.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats/apple/nska.h"

/* ------------------------------------------------- binary plist pre-check */

#define BP_HEADER  8u  /* "bplist00" */
#define BP_TRAILER 32u /* 6 unused/sort bytes, 2 sizes, 3 big-endian u64 */

struct bp {
    const unsigned char *p;
    int no_utf16_nul; /* refuse UTF-16 strings holding U+0000 */
    size_t table_off; /* offset table start; objects lie in [8, table_off) */
    uint64_t n_objects;
    uint64_t top;
    unsigned offset_size, ref_size;
};

/* One open container on the explicit stack. */
struct bp_frame {
    uint64_t obj;
    size_t refs_off;
    uint64_t nrefs, next;
    uint64_t count; /* nodes libplist will make for it, shared refs expanded */
    unsigned height;
};

struct bp_memo {
    unsigned char *state; /* 0 unseen, 1 open (on the stack), 2 + height when done */
    uint32_t *count;
};

static uint64_t bp_be(const unsigned char *p, unsigned width)
{
    uint64_t v = 0;
    unsigned i;
    for (i = 0; i < width; i++)
        v = v << 8 | p[i];
    return v;
}

static int bp_trailer(const unsigned char *p, size_t len, struct bp *b)
{
    const unsigned char *t;
    uint64_t table, table_len;

    if (len < BP_HEADER + BP_TRAILER)
        return VG_E_TRUNCATED;
    t = p + (len - BP_TRAILER);
    b->p = p;
    b->offset_size = t[6];
    b->ref_size = t[7];
    b->n_objects = bp_be(t + 8, 8);
    b->top = bp_be(t + 16, 8);
    table = bp_be(t + 24, 8);
    if (b->offset_size < 1 || b->offset_size > 8 || b->ref_size < 1 || b->ref_size > 8)
        return VG_E_CORRUPT;
    if (b->n_objects == 0 || b->top >= b->n_objects)
        return VG_E_CORRUPT;
    if (b->n_objects > VG_MAX_PLIST_NODES)
        return VG_E_LIMIT;
    table_len = b->n_objects * b->offset_size; /* no overflow: both are small */
    if (table < BP_HEADER || table > len - BP_TRAILER || table_len > len - BP_TRAILER - table)
        return VG_E_CORRUPT;
    b->table_off = (size_t)table;
    return VG_OK;
}

/* An object's element count: the marker's low nibble, or when that is 0xF
 * an int object (0x1n, 2^n bytes) that follows. pos moves past it. */
static int bp_count(const struct bp *b, unsigned low, size_t *pos, uint64_t *count)
{
    unsigned width;

    *count = low;
    if (low != 0xF)
        return VG_OK;
    if (*pos >= b->table_off || (b->p[*pos] >> 4) != 0x1 || (b->p[*pos] & 0xFu) > 3)
        return VG_E_CORRUPT;
    width = 1u << (b->p[*pos] & 0xFu);
    (*pos)++;
    if (width > b->table_off - *pos)
        return VG_E_CORRUPT;
    *count = bp_be(b->p + *pos, width);
    *pos += width;
    return VG_OK;
}

/* libplist 2.2 turns a UTF-16 NUL into an embedded NUL, and then asserts
 * (aborts) when such a string is read back as a dictionary key (or with
 * plist_get_string_val). */
static int bp_utf16_ok(const struct bp *b, size_t pos, uint64_t units)
{
    uint64_t i;

    if (units > (b->table_off - pos) / 2)
        return VG_E_CORRUPT;
    for (i = 0; i < units; i++)
        if (b->p[pos + 2 * i] == 0 && b->p[pos + 2 * i + 1] == 0)
            return VG_E_CORRUPT;
    return VG_OK;
}

/* The children of object i when it is an array, set or dict; nrefs 0 and
 * VG_OK for anything else (a leaf). */
static int bp_children(const struct bp *b, uint64_t i, size_t *refs_off, uint64_t *nrefs,
                       int *container)
{
    uint64_t off = bp_be(b->p + b->table_off + i * b->offset_size, b->offset_size);
    unsigned marker, type;
    uint64_t count, room;
    size_t pos;
    int rc;

    if (off < BP_HEADER || off >= b->table_off)
        return VG_E_CORRUPT;
    pos = (size_t)off;
    marker = b->p[pos++];
    type = marker >> 4;
    *container = type == 0xA || type == 0xC || type == 0xD;
    *nrefs = 0;
    if (!*container && !(type == 0x6 && b->no_utf16_nul))
        return VG_OK;
    rc = bp_count(b, marker & 0xFu, &pos, &count);
    if (rc != VG_OK)
        return rc;
    if (type == 0x6)
        return bp_utf16_ok(b, pos, count);
    room = (b->table_off - pos) / b->ref_size;
    if (count > room || (type == 0xD && count > room / 2))
        return VG_E_CORRUPT;
    *nrefs = type == 0xD ? count * 2 : count;
    *refs_off = pos;
    return VG_OK;
}

/* Visits object i from a frame at stack depth sp: either it is known (memo)
 * or a leaf, and *h / *c get its height and node count, or it is pushed. */
static int bp_visit(const struct bp *b, struct bp_memo *m, uint64_t i, struct bp_frame *stack,
                    size_t *sp, unsigned *h, uint64_t *c, int *pushed)
{
    struct bp_frame *f;
    int container, rc;

    *pushed = 0;
    if (i >= b->n_objects)
        return VG_E_CORRUPT;
    if (m->state[i] == 1)
        return VG_E_CORRUPT; /* a cycle: libplist would refuse it too */
    if (m->state[i] >= 2) {
        *h = m->state[i] - 2u;
        *c = m->count[i];
        return *sp + *h > VG_MAX_PLIST_DEPTH ? VG_E_LIMIT : VG_OK;
    }
    f = &stack[*sp];
    rc = bp_children(b, i, &f->refs_off, &f->nrefs, &container);
    if (rc != VG_OK)
        return rc;
    if (!container) {
        m->state[i] = 2;
        m->count[i] = 1;
        *h = 0;
        *c = 1;
        return VG_OK;
    }
    if (*sp >= VG_MAX_PLIST_DEPTH)
        return VG_E_LIMIT;
    f->obj = i;
    f->next = 0;
    f->count = 1;
    f->height = 1;
    m->state[i] = 1;
    (*sp)++;
    *pushed = 1;
    return VG_OK;
}

static int bp_merge(struct bp_frame *f, unsigned h, uint64_t c)
{
    if (h + 1 > f->height)
        f->height = h + 1;
    f->count += c;
    return f->count > VG_MAX_PLIST_NODES ? VG_E_LIMIT : VG_OK;
}

static int bp_walk(const struct bp *b, struct bp_memo *m)
{
    struct bp_frame stack[VG_MAX_PLIST_DEPTH + 1];
    size_t sp = 0;
    unsigned h;
    uint64_t c;
    int pushed, rc;

    rc = bp_visit(b, m, b->top, stack, &sp, &h, &c, &pushed);
    while (rc == VG_OK && sp > 0) {
        struct bp_frame *f = &stack[sp - 1];
        if (f->next < f->nrefs) {
            uint64_t child = bp_be(b->p + f->refs_off + f->next * b->ref_size, b->ref_size);
            f->next++;
            rc = bp_visit(b, m, child, stack, &sp, &h, &c, &pushed);
            if (rc == VG_OK && !pushed)
                rc = bp_merge(f, h, c);
            continue;
        }
        m->state[f->obj] = (unsigned char)(2 + f->height);
        m->count[f->obj] = (uint32_t)f->count;
        h = f->height;
        c = f->count;
        sp--;
        if (sp > 0)
            rc = bp_merge(&stack[sp - 1], h, c);
    }
    return rc;
}

static int bp_precheck(const unsigned char *p, size_t len, int no_utf16_nul)
{
    struct bp b;
    struct bp_memo m = {NULL, NULL};
    int rc = bp_trailer(p, len, &b);

    if (rc != VG_OK)
        return rc;
    b.no_utf16_nul = no_utf16_nul;
    m.state = vg_calloc((size_t)b.n_objects, 1);
    m.count = vg_calloc((size_t)b.n_objects, sizeof(*m.count));
    rc = m.state && m.count ? bp_walk(&b, &m) : VG_E_NOMEM;
    free(m.state);
    free(m.count);
    return rc;
}

/* ---------------------------------------------------- XML plist pre-check */

static int xml_at(const unsigned char *p, size_t len, size_t i, const char *s)
{
    size_t n = strlen(s);
    return n <= len - i && memcmp(p + i, s, n) == 0;
}

/* Offset just past the next `end` at or after i, or len. */
static size_t xml_skip(const unsigned char *p, size_t len, size_t i, const char *end)
{
    for (; i < len; i++)
        if (p[i] == (unsigned char)end[0] && xml_at(p, len, i, end))
            return i + strlen(end);
    return len;
}

/* "<array" / "<dict" as a whole tag name at i. */
static int xml_container_tag(const unsigned char *p, size_t len, size_t i)
{
    size_t n;
    if (xml_at(p, len, i, "<array"))
        n = 6;
    else if (xml_at(p, len, i, "<dict"))
        n = 5;
    else
        return 0;
    return i + n < len && (p[i + n] == '>' || p[i + n] == '/' || p[i + n] == ' ' ||
                           p[i + n] == '\t' || p[i + n] == '\r' || p[i + n] == '\n');
}

/* Counts nesting of <array>/<dict> and elements without building anything.
 * It may over-count (a tag inside an attribute value), never under-count,
 * so libplist (whose free is recursive) never sees deeper input. */
static int xml_precheck(const unsigned char *p, size_t len)
{
    size_t i = 0, depth = 0, nodes = 0;

    /* XML forbids U+0000, and libplist 2.2 would keep a raw NUL inside a
     * string and then abort on it (length and strlen disagree) */
    if (memchr(p, 0, len))
        return VG_E_CORRUPT;
    while (i < len) {
        const unsigned char *lt = memchr(p + i, '<', len - i);
        if (!lt)
            break;
        i = (size_t)(lt - p);
        if (xml_at(p, len, i, "<!--")) {
            i = xml_skip(p, len, i + 4, "-->");
        } else if (xml_at(p, len, i, "<![CDATA[")) {
            i = xml_skip(p, len, i + 9, "]]>");
        } else if (xml_at(p, len, i, "<?") || xml_at(p, len, i, "<!")) {
            i = xml_skip(p, len, i + 2, ">");
        } else if (xml_at(p, len, i, "</")) {
            if ((xml_at(p, len, i, "</array") || xml_at(p, len, i, "</dict")) && depth > 0)
                depth--;
            i += 2;
        } else {
            if (++nodes > VG_MAX_PLIST_NODES)
                return VG_E_LIMIT;
            if (xml_container_tag(p, len, i)) {
                size_t gt = xml_skip(p, len, i, ">");
                if (gt >= 2 && gt <= len && p[gt - 2] != '/' && ++depth > VG_MAX_PLIST_DEPTH)
                    return VG_E_LIMIT;
            }
            i++;
        }
    }
    return VG_OK;
}

/* ------------------------------------------------------------ parsing */

/* The depth a parsed tree really has, walked with an explicit stack. */
static int plist_depth_ok(plist_t root)
{
    struct {
        plist_t node;
        void *iter;
    } st[VG_MAX_PLIST_DEPTH + 1];
    size_t sp = 0;
    int rc = VG_OK;
    plist_t node = root;

    for (;;) {
        plist_type t = plist_get_node_type(node);
        if (t == PLIST_ARRAY || t == PLIST_DICT) {
            if (sp >= VG_MAX_PLIST_DEPTH) {
                rc = VG_E_LIMIT;
                break;
            }
            st[sp].node = node;
            st[sp].iter = NULL;
            if (t == PLIST_ARRAY)
                plist_array_new_iter(node, &st[sp].iter);
            else
                plist_dict_new_iter(node, &st[sp].iter);
            if (!st[sp].iter) {
                rc = VG_E_NOMEM;
                break;
            }
            sp++;
        }
        node = NULL;
        while (sp > 0 && !node) {
            if (plist_get_node_type(st[sp - 1].node) == PLIST_ARRAY)
                plist_array_next_item(st[sp - 1].node, st[sp - 1].iter, &node);
            else
                plist_dict_next_item(st[sp - 1].node, st[sp - 1].iter, NULL, &node);
            if (!node)
                free(st[--sp].iter);
        }
        if (!node)
            break;
    }
    while (sp > 0)
        free(st[--sp].iter);
    return rc;
}

static int plist_parse(const unsigned char *data, size_t len, int no_utf16_nul, plist_t *out)
{
    plist_t root = NULL;
    int rc;

    *out = NULL;
    if (!data || len < 8)
        return VG_E_CORRUPT;
    if (len > VG_MAX_PLIST_FILE || len > UINT32_MAX)
        return VG_E_LIMIT;
    if (memcmp(data, "bplist00", 8) == 0)
        rc = bp_precheck(data, len, no_utf16_nul);
    else
        rc = xml_precheck(data, len);
    if (rc != VG_OK)
        return rc;
    plist_from_memory((const char *)data, (uint32_t)len, &root);
    if (!root)
        return VG_E_CORRUPT;
    rc = plist_depth_ok(root);
    if (rc != VG_OK) {
        plist_free(root);
        return rc;
    }
    *out = root;
    return VG_OK;
}

/* Safe by default: every libplist getter works on what this returns. */
int vg_plist_parse(const unsigned char *data, size_t len, plist_t *out)
{
    return plist_parse(data, len, 1, out);
}

/* UTF-16 strings with NULs are let through: a NUL in an account name is
 * what some checks look for (IDStatusCache), and those read such keys
 * themselves. */
int vg_plist_parse_keep_nul(const unsigned char *data, size_t len, plist_t *out)
{
    return plist_parse(data, len, 0, out);
}

/* --------------------------------------------------- keyed archive graph */

struct ka {
    plist_t *objs; /* $objects by index */
    uint32_t n;
    unsigned char *busy; /* 1 while an object is being resolved */
    size_t nodes;        /* nodes made so far (VG_MAX_NSKA_NODES) */
    size_t bytes;        /* string and data bytes copied (VG_MAX_PLIST_FILE) */
    char *err;
    size_t errcap;
};

static int ka_fail(struct ka *ka, int rc, const char *fmt, ...) VG_PRINTF(3, 4);

static int ka_fail(struct ka *ka, int rc, const char *fmt, ...)
{
    va_list ap;
    if (ka->err && ka->errcap && !ka->err[0]) { /* the innermost reason wins */
        va_start(ap, fmt);
        if (vsnprintf(ka->err, ka->errcap, fmt, ap) < 0)
            ka->err[0] = '\0';
        va_end(ap);
    }
    return rc;
}

/* Accounts for one new node of `bytes` payload; shared objects are copied
 * once per reference, so this is what stops a small archive from expanding
 * without bound. */
static int ka_take(struct ka *ka, uint32_t at, size_t bytes)
{
    if (++ka->nodes > VG_MAX_NSKA_NODES)
        return ka_fail(ka, VG_E_LIMIT, "object %u: more than %u resolved nodes", at,
                       VG_MAX_NSKA_NODES);
    if (bytes > VG_MAX_PLIST_FILE - ka->bytes)
        return ka_fail(ka, VG_E_LIMIT, "object %u: resolved archive larger than %u bytes", at,
                       VG_MAX_PLIST_FILE);
    ka->bytes += bytes;
    return VG_OK;
}

/* A reference: a binary UID, or its XML spelling {"CF$UID": n}. */
static int ka_uid(plist_t node, uint64_t *uid)
{
    plist_t v;

    if (plist_get_node_type(node) == PLIST_UID) {
        plist_get_uid_val(node, uid);
        return 1;
    }
    if (plist_get_node_type(node) != PLIST_DICT || plist_dict_get_size(node) != 1)
        return 0;
    v = plist_dict_get_item(node, "CF$UID");
    if (plist_get_node_type(v) != PLIST_UINT)
        return 0;
    plist_get_uint_val(v, uid);
    return 1;
}

static int ka_resolve(struct ka *ka, plist_t node, uint32_t at, unsigned depth, plist_t *out);

static const char *ka_type_name(plist_t node)
{
    static const char *const names[] = {"boolean", "integer", "real", "string", "array",
                                        "dict",    "date",    "data", "key",    "UID"};
    plist_type t = plist_get_node_type(node);
    return (unsigned)t < VG_ARRAY_LEN(names) ? names[t] : "nothing";
}

/* The class description behind an object's "$class" reference, and its
 * $classname (borrowed). */
static int ka_class(struct ka *ka, plist_t obj, uint32_t at, plist_t *cls, const char **name)
{
    plist_t cn;
    uint64_t uid;

    if (!ka_uid(plist_dict_get_item(obj, "$class"), &uid))
        return ka_fail(ka, VG_E_CORRUPT, "object %u: $class is not a UID", at);
    if (uid >= ka->n)
        return ka_fail(ka, VG_E_CORRUPT, "object %u: $class UID %llu out of range (%u objects)", at,
                       (unsigned long long)uid, ka->n);
    *cls = ka->objs[uid];
    cn = plist_dict_get_item(*cls, "$classname");
    if (plist_get_node_type(cn) != PLIST_STRING)
        return ka_fail(ka, VG_E_CORRUPT, "object %llu: no $classname string",
                       (unsigned long long)uid);
    *name = plist_get_string_ptr(cn, NULL);
    return *name ? VG_OK : VG_E_NOMEM;
}

/* Appends the resolved items of a plist array of references to arr;
 * absent ($null) items are dropped. */
static int ka_fill_array(struct ka *ka, plist_t src, uint32_t at, unsigned depth, plist_t arr)
{
    plist_array_iter it = NULL;
    plist_t item = NULL, r;
    int rc = VG_OK;

    plist_array_new_iter(src, &it);
    if (!it)
        return VG_E_NOMEM;
    for (plist_array_next_item(src, it, &item); item; plist_array_next_item(src, it, &item)) {
        rc = ka_resolve(ka, item, at, depth, &r);
        if (rc != VG_OK)
            break;
        if (r)
            plist_array_append_item(arr, r);
    }
    free(it);
    return rc;
}

static int ka_new_container(struct ka *ka, uint32_t at, plist_type t, plist_t *out)
{
    int rc = ka_take(ka, at, 0);
    if (rc != VG_OK)
        return rc;
    *out = t == PLIST_ARRAY ? plist_new_array() : plist_new_dict();
    return *out ? VG_OK : VG_E_NOMEM;
}

static int ka_array(struct ka *ka, plist_t src, uint32_t at, unsigned depth, plist_t *out)
{
    plist_t arr = NULL;
    int rc = ka_new_container(ka, at, PLIST_ARRAY, &arr);

    if (rc == VG_OK)
        rc = ka_fill_array(ka, src, at, depth, arr);
    if (rc != VG_OK) {
        plist_free(arr);
        return rc;
    }
    *out = arr;
    return VG_OK;
}

/* NSDictionary keys are strings in practice; integers are spelled in decimal,
 * anything else is refused rather than guessed at. */
static int ka_key_string(struct ka *ka, plist_t key, uint32_t at, char *num, size_t cap,
                         const char **s)
{
    uint64_t u;

    switch (plist_get_node_type(key)) {
    case PLIST_STRING:
        *s = plist_get_string_ptr(key, NULL);
        return *s ? VG_OK : VG_E_NOMEM;
    case PLIST_UINT:
        plist_get_uint_val(key, &u);
        *s = num;
        return vg_snprintf(num, cap, "%llu", (unsigned long long)u);
    default:
        return ka_fail(ka, VG_E_CORRUPT, "object %u: NSDictionary key has type %s", at,
                       key ? ka_type_name(key) : "$null");
    }
}

static int ka_dict_pair(struct ka *ka, plist_t k, plist_t v, uint32_t at, unsigned depth,
                        plist_t dict)
{
    plist_t rk = NULL, rv = NULL;
    const char *ks;
    char num[24];
    int rc = ka_resolve(ka, k, at, depth, &rk);

    if (rc == VG_OK)
        rc = ka_key_string(ka, rk, at, num, sizeof(num), &ks);
    if (rc == VG_OK)
        rc = ka_resolve(ka, v, at, depth, &rv);
    if (rc == VG_OK && rv) {
        plist_dict_set_item(dict, ks, rv);
        rv = NULL;
    }
    plist_free(rk);
    plist_free(rv);
    return rc;
}

static int ka_nsdictionary(struct ka *ka, plist_t obj, uint32_t at, unsigned depth, plist_t *out)
{
    plist_t keys = plist_dict_get_item(obj, "NS.keys");
    plist_t vals = plist_dict_get_item(obj, "NS.objects");
    plist_t dict = NULL;
    uint32_t i, n;
    int rc;

    if (plist_get_node_type(keys) != PLIST_ARRAY || plist_get_node_type(vals) != PLIST_ARRAY)
        return ka_fail(ka, VG_E_CORRUPT, "object %u: NSDictionary without NS.keys/NS.objects", at);
    n = plist_array_get_size(keys);
    if (n != plist_array_get_size(vals))
        return ka_fail(ka, VG_E_CORRUPT, "object %u: NSDictionary has %u keys and %u objects", at,
                       n, plist_array_get_size(vals));
    rc = ka_new_container(ka, at, PLIST_DICT, &dict);
    if (rc != VG_OK)
        return rc;
    {
        plist_array_iter ik = NULL, iv = NULL;
        plist_t k = NULL, v = NULL;
        plist_array_new_iter(keys, &ik);
        plist_array_new_iter(vals, &iv);
        rc = ik && iv ? VG_OK : VG_E_NOMEM;
        for (i = 0; rc == VG_OK && i < n; i++) {
            plist_array_next_item(keys, ik, &k);
            plist_array_next_item(vals, iv, &v);
            rc = k && v ? ka_dict_pair(ka, k, v, at, depth, dict) : VG_E_CORRUPT;
        }
        free(ik);
        free(iv);
    }
    if (rc != VG_OK) {
        plist_free(dict);
        return rc;
    }
    *out = dict;
    return VG_OK;
}

/* The one field of a wrapper class (NSString, NSData, NSDate), resolved and
 * of the expected type. */
static int ka_field(struct ka *ka, plist_t obj, const char *field, plist_type want, plist_type alt,
                    uint32_t at, unsigned depth, plist_t *out)
{
    plist_t v = plist_dict_get_item(obj, field), r = NULL;
    int rc;

    if (!v)
        return ka_fail(ka, VG_E_CORRUPT, "object %u: no %s", at, field);
    rc = ka_resolve(ka, v, at, depth, &r);
    if (rc != VG_OK)
        return rc;
    if (!r || (plist_get_node_type(r) != want && plist_get_node_type(r) != alt)) {
        rc = ka_fail(ka, VG_E_CORRUPT, "object %u: %s has type %s", at, field,
                     r ? ka_type_name(r) : "$null");
        plist_free(r);
        return rc;
    }
    *out = r;
    return VG_OK;
}

/* NS.time is Cocoa seconds, the epoch libplist 2.2 dates use too. A time a
 * plist date cannot hold (int32 seconds) stays a real, rather than being
 * clamped into a wrong date. */
static int ka_nsdate(struct ka *ka, plist_t obj, uint32_t at, unsigned depth, plist_t *out)
{
    plist_t t = NULL, d;
    double secs = 0, whole;
    uint64_t u = 0;
    int32_t usec;
    int rc = ka_field(ka, obj, "NS.time", PLIST_REAL, PLIST_UINT, at, depth, &t);

    if (rc != VG_OK)
        return rc;
    if (plist_get_node_type(t) == PLIST_UINT) {
        plist_get_uint_val(t, &u);
        secs = (double)(int64_t)u;
    } else {
        plist_get_real_val(t, &secs);
    }
    if (!isfinite(secs) || secs < (double)INT32_MIN || secs >= (double)INT32_MAX) {
        plist_free(t);
        d = plist_new_real(secs);
    } else {
        plist_free(t);
        whole = floor(secs);
        usec = (int32_t)((secs - whole) * 1e6);
        d = plist_new_date((int32_t)whole, usec > 999999 ? 999999 : usec);
    }
    *out = d;
    return d ? VG_OK : VG_E_NOMEM;
}

/* Copies obj's entries into dict with their values resolved; "$class" is
 * left out (the caller names the class itself). */
static int ka_fields(struct ka *ka, plist_t obj, uint32_t at, unsigned depth, plist_t dict)
{
    plist_dict_iter it = NULL;
    plist_t v = NULL;
    char *key = NULL;
    int rc = VG_OK;

    plist_dict_new_iter(obj, &it);
    if (!it)
        return VG_E_NOMEM;
    while (rc == VG_OK) {
        plist_t r = NULL;
        plist_dict_next_item(obj, it, &key, &v);
        if (!key)
            break;
        if (strcmp(key, "$class") != 0) {
            rc = ka_take(ka, at, strlen(key));
            if (rc == VG_OK)
                rc = ka_resolve(ka, v, at, depth, &r);
        }
        if (r)
            plist_dict_set_item(dict, key, r);
        free(key);
        key = NULL;
    }
    free(it);
    return rc;
}

/* A plain dict, or an instance of a class we do not know: its fields
 * resolved, and "$class" naming the class when there is one. */
static int ka_object(struct ka *ka, plist_t obj, const char *cls, uint32_t at, unsigned depth,
                     plist_t *out)
{
    plist_t dict = NULL, name;
    int rc = ka_new_container(ka, at, PLIST_DICT, &dict);

    if (rc == VG_OK)
        rc = ka_fields(ka, obj, at, depth, dict);
    if (rc == VG_OK && cls) {
        rc = ka_take(ka, at, strlen(cls));
        name = rc == VG_OK ? plist_new_string(cls) : NULL;
        if (rc == VG_OK && !name)
            rc = VG_E_NOMEM;
        if (name)
            plist_dict_set_item(dict, "$class", name);
    }
    if (rc != VG_OK) {
        plist_free(dict);
        return rc;
    }
    *out = dict;
    return VG_OK;
}

enum ka_family { KA_OTHER, KA_DICT, KA_ARRAY, KA_STRING, KA_DATA, KA_DATE };

static const struct {
    const char *name;
    enum ka_family family;
} ka_known[] = {
    {"NSDictionary", KA_DICT},  {"NSMutableDictionary", KA_DICT},
    {"NSArray", KA_ARRAY},      {"NSMutableArray", KA_ARRAY},
    {"NSSet", KA_ARRAY},        {"NSMutableSet", KA_ARRAY},
    {"NSOrderedSet", KA_ARRAY}, {"NSMutableOrderedSet", KA_ARRAY},
    {"NSString", KA_STRING},    {"NSMutableString", KA_STRING},
    {"NSData", KA_DATA},        {"NSMutableData", KA_DATA},
    {"NSDate", KA_DATE},
};

static enum ka_family ka_family_of(const char *name)
{
    size_t i;
    for (i = 0; i < VG_ARRAY_LEN(ka_known); i++)
        if (strcmp(name, ka_known[i].name) == 0)
            return ka_known[i].family;
    return KA_OTHER;
}

/* The class, or else the nearest ancestor in $classes, that we decode: a
 * private subclass of NSDictionary is archived with NS.keys/NS.objects too. */
static enum ka_family ka_family(plist_t cls, const char *name)
{
    plist_t classes = plist_dict_get_item(cls, "$classes"), c = NULL;
    plist_array_iter it = NULL;
    enum ka_family f = ka_family_of(name);
    unsigned seen = 0;

    if (f != KA_OTHER || plist_get_node_type(classes) != PLIST_ARRAY)
        return f;
    plist_array_new_iter(classes, &it);
    if (!it)
        return KA_OTHER;
    for (plist_array_next_item(classes, it, &c); c && f == KA_OTHER && seen < VG_MAX_NSKA_DEPTH;
         plist_array_next_item(classes, it, &c), seen++) {
        const char *s = plist_get_string_ptr(c, NULL);
        if (s)
            f = ka_family_of(s);
    }
    free(it);
    return f;
}

static int ka_instance(struct ka *ka, plist_t obj, uint32_t at, unsigned depth, plist_t *out)
{
    const char *name = NULL;
    plist_t cls = NULL, objects;
    int rc = ka_class(ka, obj, at, &cls, &name);

    if (rc != VG_OK)
        return rc;
    switch (ka_family(cls, name)) {
    case KA_DICT:
        return ka_nsdictionary(ka, obj, at, depth, out);
    case KA_ARRAY:
        objects = plist_dict_get_item(obj, "NS.objects");
        if (plist_get_node_type(objects) != PLIST_ARRAY)
            return ka_fail(ka, VG_E_CORRUPT, "object %u: %s without NS.objects array", at, name);
        return ka_array(ka, objects, at, depth, out);
    case KA_STRING:
        return ka_field(ka, obj, "NS.string", PLIST_STRING, PLIST_STRING, at, depth, out);
    case KA_DATA:
        return ka_field(ka, obj, "NS.data", PLIST_DATA, PLIST_DATA, at, depth, out);
    case KA_DATE:
        return ka_nsdate(ka, obj, at, depth, out);
    default:
        return ka_object(ka, obj, name, at, depth, out);
    }
}

static int ka_scalar(struct ka *ka, plist_t node, uint32_t at, plist_t *out)
{
    uint64_t len = 0;
    int rc;

    if (plist_get_node_type(node) == PLIST_STRING) {
        const char *s = plist_get_string_ptr(node, &len);
        if (s && strcmp(s, "$null") == 0) {
            *out = NULL; /* nil: the caller leaves the key or item out */
            return VG_OK;
        }
    } else if (plist_get_node_type(node) == PLIST_DATA) {
        (void)plist_get_data_ptr(node, &len);
    }
    rc = ka_take(ka, at, len > SIZE_MAX ? SIZE_MAX : (size_t)len);
    if (rc != VG_OK)
        return rc;
    *out = plist_copy(node);
    return *out ? VG_OK : VG_E_NOMEM;
}

/* One object of the archive: inline or reached through $objects. */
static int ka_object_at(struct ka *ka, plist_t node, uint32_t at, unsigned depth, plist_t *out)
{
    switch (plist_get_node_type(node)) {
    case PLIST_STRING:
    case PLIST_BOOLEAN:
    case PLIST_UINT:
    case PLIST_REAL:
    case PLIST_DATE:
    case PLIST_DATA:
        return ka_scalar(ka, node, at, out);
    case PLIST_ARRAY:
        return ka_array(ka, node, at, depth, out);
    case PLIST_DICT:
        if (plist_dict_get_item(node, "$class"))
            return ka_instance(ka, node, at, depth, out);
        return ka_object(ka, node, NULL, at, depth, out);
    default:
        return ka_fail(ka, VG_E_CORRUPT, "object %u: unexpected %s", at, ka_type_name(node));
    }
}

/* Follows a reference (checked against the object count, the depth cap and
 * the objects being resolved right now) or resolves an inline value. *out is
 * NULL for $null. */
static int ka_resolve(struct ka *ka, plist_t node, uint32_t at, unsigned depth, plist_t *out)
{
    uint64_t uid;
    uint32_t idx;
    int rc;

    *out = NULL;
    if (depth >= VG_MAX_NSKA_DEPTH)
        return ka_fail(ka, VG_E_LIMIT, "object %u: nesting deeper than %u", at, VG_MAX_NSKA_DEPTH);
    if (!ka_uid(node, &uid))
        return ka_object_at(ka, node, at, depth + 1, out);
    if (uid >= ka->n)
        return ka_fail(ka, VG_E_CORRUPT, "object %u: UID %llu out of range (%u objects)", at,
                       (unsigned long long)uid, ka->n);
    idx = (uint32_t)uid;
    if (ka->busy[idx])
        return ka_fail(ka, VG_E_CORRUPT, "object %u: cycle back to object %u", at, idx);
    ka->busy[idx] = 1;
    rc = ka_object_at(ka, ka->objs[idx], idx, depth + 1, out);
    ka->busy[idx] = 0;
    return rc;
}

static int ka_index(struct ka *ka, plist_t objects)
{
    plist_array_iter it = NULL;
    plist_t item = NULL;
    uint32_t n = plist_array_get_size(objects), i = 0;

    if (n == 0)
        return ka_fail(ka, VG_E_CORRUPT, "$objects is empty");
    if (n > VG_MAX_NSKA_OBJECTS)
        return ka_fail(ka, VG_E_LIMIT, "$objects has %u objects (limit %u)", n,
                       VG_MAX_NSKA_OBJECTS);
    /* plist_array_get_item() walks the list on parsed arrays: index once */
    ka->objs = vg_calloc(n, sizeof(*ka->objs));
    ka->busy = vg_calloc(n, 1);
    plist_array_new_iter(objects, &it);
    if (!ka->objs || !ka->busy || !it) {
        free(it);
        return VG_E_NOMEM;
    }
    for (plist_array_next_item(objects, it, &item); item && i < n;
         plist_array_next_item(objects, it, &item))
        ka->objs[i++] = item;
    free(it);
    ka->n = i;
    return i == n ? VG_OK : VG_E_CORRUPT;
}

/* $top.root, or the first $top entry for archives written with another key. */
static plist_t ka_top(plist_t top)
{
    plist_dict_iter it = NULL;
    plist_t v = plist_dict_get_item(top, "root");

    if (v)
        return v;
    plist_dict_new_iter(top, &it);
    if (it)
        plist_dict_next_item(top, it, NULL, &v);
    free(it);
    return v;
}

static const char *parse_reason(int rc)
{
    switch (rc) {
    case VG_E_LIMIT:
        return "property list too large or nested too deeply";
    case VG_E_NOMEM:
        return "out of memory";
    default:
        return "not a valid property list";
    }
}

static int ka_run(struct ka *ka, plist_t root, plist_t *out)
{
    plist_t objects = plist_dict_get_item(root, "$objects");
    plist_t top = plist_dict_get_item(root, "$top"), start;
    int rc;

    if (plist_get_node_type(root) != PLIST_DICT || plist_get_node_type(objects) != PLIST_ARRAY ||
        plist_get_node_type(top) != PLIST_DICT)
        return ka_fail(ka, VG_E_CORRUPT, "not a keyed archive (no $objects array or $top dict)");
    rc = ka_index(ka, objects);
    if (rc != VG_OK)
        return ka_fail(ka, rc, "cannot index $objects");
    start = ka_top(top);
    if (!start)
        return ka_fail(ka, VG_E_CORRUPT, "$top is empty");
    rc = ka_resolve(ka, start, 0, 0, out);
    if (rc == VG_OK && !*out)
        rc = ka_fail(ka, VG_E_NOTFOUND, "root object is $null");
    return rc;
}

int vg_nska_decode(const unsigned char *data, size_t len, plist_t *out, char *err, size_t errcap)
{
    struct ka ka;
    plist_t root = NULL, res = NULL;
    int rc;

    memset(&ka, 0, sizeof(ka));
    ka.err = errcap ? err : NULL;
    ka.errcap = errcap;
    if (ka.err)
        ka.err[0] = '\0';
    /* keys are read with plist_dict_next_item, which aborts on a NUL */
    rc = vg_plist_parse(data, len, &root);
    if (rc != VG_OK) {
        ka_fail(&ka, rc, "%s", parse_reason(rc));
        goto out;
    }
    rc = ka_run(&ka, root, &res);
    if (rc != VG_OK) {
        plist_free(res);
        goto out;
    }
    *out = res;
out:
    free(ka.objs);
    free(ka.busy);
    plist_free(root);
    return rc;
}
