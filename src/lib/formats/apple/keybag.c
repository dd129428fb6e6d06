/*
 * Backup keybag: TLV parsing, password key derivation, class key unwrap
 * (see keybag.h and docs/formats/keybag.md).
 *
 * Each TLV is a 4-byte ASCII tag, a 4-byte big-endian length and the value.
 * The first UUID names the keybag; each later UUID starts a class key, and
 * the CLAS WRAP KTYP WPKY PBKY tags after it belong to that class. Tags we
 * do not use (HMCK, PBKY, newer ones) are skipped by length.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <limits.h>

#include <openssl/evp.h>

#include "formats/apple/aeswrap.h"
#include "formats/apple/keybag.h"
#include "util/rd.h"

#define KB_WHERE       "keybag"
#define KB_TYPE_BACKUP 1u
#define KB_TYPE_MASK   0x3fffffffu /* the top bits are flags */
#define KB_WPKY_LEN    40u
#define KB_UUID_LEN    16u
#define KB_BLOB_LEN    (4u + KB_WPKY_LEN) /* class + wrapped key */

/* Tags seen once per scope (keybag header, or one class key). */
enum {
    SEEN_VERS = 1u << 0,
    SEEN_TYPE = 1u << 1,
    SEEN_WRAP = 1u << 2,
    SEEN_SALT = 1u << 3,
    SEEN_ITER = 1u << 4,
    SEEN_DPIC = 1u << 5,
    SEEN_DPSL = 1u << 6,
    SEEN_DPWT = 1u << 7,
    SEEN_CLAS = 1u << 8,
    SEEN_KTYP = 1u << 9,
    SEEN_WPKY = 1u << 10,
};

struct kb_parse {
    struct vg_keybag *kb;
    const char *display;
    struct vg_diag *diag;
    int have_uuid;
    unsigned seen; /* header tags */
    unsigned cls_seen[VG_MAX_KEYBAG_CLASSES];
    uint32_t header_wrap; /* kept only to reject a second one */
};

struct tlv {
    char tag[5]; /* printable copy for messages */
    const unsigned char *v;
    size_t len;
    size_t at; /* offset of the tag */
};

static int tag_is(const struct tlv *t, const char *name)
{
    return memcmp(t->tag, name, 4) == 0;
}

static int kb_fail(struct kb_parse *p, int rc, const struct tlv *t, const char *what)
{
    vg_diag_add(p->diag, VG_DIAG_ERROR, KB_WHERE, "TLV %s at offset %zu: %s (%s)", t->tag, t->at,
                what, p->display);
    return rc;
}

static int get_u32(struct kb_parse *p, const struct tlv *t, uint32_t *out)
{
    struct vg_rd r;

    if (t->len != 4)
        return kb_fail(p, VG_E_CORRUPT, t, "not a 4-byte integer");
    vg_rd_init(&r, t->v, t->len);
    *out = vg_rd_be32(&r);
    return VG_OK;
}

static int get_salt(struct kb_parse *p, const struct tlv *t, unsigned char *dst, size_t *dst_len)
{
    if (t->len == 0 || t->len > VG_KEYBAG_SALT_MAX)
        return kb_fail(p, VG_E_CORRUPT, t, "salt length out of range (1..64)");
    memcpy(dst, t->v, t->len);
    *dst_len = t->len;
    return VG_OK;
}

/* A tag allowed once per scope: sets the bit, or fails on a repeat. */
static int once(struct kb_parse *p, const struct tlv *t, unsigned *seen, unsigned bit)
{
    if (*seen & bit)
        return kb_fail(p, VG_E_CORRUPT, t, "repeated tag");
    *seen |= bit;
    return VG_OK;
}

static int class_tag(struct kb_parse *p, const struct tlv *t)
{
    struct vg_keybag_class *c = &p->kb->cls[p->kb->n_cls - 1];
    unsigned *seen = &p->cls_seen[p->kb->n_cls - 1];
    int rc;

    if (tag_is(t, "CLAS")) {
        rc = once(p, t, seen, SEEN_CLAS);
        return rc != VG_OK ? rc : get_u32(p, t, &c->clas);
    }
    if (tag_is(t, "WRAP")) {
        rc = once(p, t, seen, SEEN_WRAP);
        return rc != VG_OK ? rc : get_u32(p, t, &c->wrap);
    }
    if (tag_is(t, "KTYP")) {
        rc = once(p, t, seen, SEEN_KTYP);
        return rc != VG_OK ? rc : get_u32(p, t, &c->ktyp);
    }
    /* WPKY */
    rc = once(p, t, seen, SEEN_WPKY);
    if (rc != VG_OK)
        return rc;
    if (t->len != KB_WPKY_LEN)
        return kb_fail(p, VG_E_CORRUPT, t, "wrapped class key is not 40 bytes");
    memcpy(c->wpky, t->v, KB_WPKY_LEN);
    return VG_OK;
}

static int start_class(struct kb_parse *p, const struct tlv *t)
{
    if (t->len != KB_UUID_LEN)
        return kb_fail(p, VG_E_CORRUPT, t, "UUID is not 16 bytes");
    if (!p->have_uuid) {
        p->have_uuid = 1;
        return VG_OK;
    }
    if (p->kb->n_cls == VG_MAX_KEYBAG_CLASSES)
        return kb_fail(p, VG_E_LIMIT, t, "more than 32 class keys");
    p->kb->n_cls++;
    return VG_OK;
}

static int header_tag(struct kb_parse *p, const struct tlv *t)
{
    struct vg_keybag *kb = p->kb;
    int rc;

    if (tag_is(t, "VERS")) {
        rc = once(p, t, &p->seen, SEEN_VERS);
        return rc != VG_OK ? rc : get_u32(p, t, &kb->vers);
    }
    if (tag_is(t, "TYPE")) {
        rc = once(p, t, &p->seen, SEEN_TYPE);
        return rc != VG_OK ? rc : get_u32(p, t, &kb->type);
    }
    if (tag_is(t, "WRAP")) {
        rc = once(p, t, &p->seen, SEEN_WRAP);
        return rc != VG_OK ? rc : get_u32(p, t, &p->header_wrap);
    }
    if (tag_is(t, "SALT")) {
        rc = once(p, t, &p->seen, SEEN_SALT);
        return rc != VG_OK ? rc : get_salt(p, t, kb->salt, &kb->salt_len);
    }
    if (tag_is(t, "ITER")) {
        rc = once(p, t, &p->seen, SEEN_ITER);
        return rc != VG_OK ? rc : get_u32(p, t, &kb->iter);
    }
    if (tag_is(t, "DPIC")) {
        rc = once(p, t, &p->seen, SEEN_DPIC);
        return rc != VG_OK ? rc : get_u32(p, t, &kb->dpic);
    }
    if (tag_is(t, "DPSL")) {
        rc = once(p, t, &p->seen, SEEN_DPSL);
        return rc != VG_OK ? rc : get_salt(p, t, kb->dpsl, &kb->dpsl_len);
    }
    if (tag_is(t, "DPWT")) {
        uint32_t ignored;
        rc = once(p, t, &p->seen, SEEN_DPWT);
        return rc != VG_OK ? rc : get_u32(p, t, &ignored);
    }
    return VG_OK; /* HMCK, and tags newer than this parser */
}

static int is_class_tag(const struct tlv *t)
{
    return tag_is(t, "CLAS") || tag_is(t, "WRAP") || tag_is(t, "KTYP") || tag_is(t, "WPKY");
}

static int one_tag(struct kb_parse *p, const struct tlv *t)
{
    if (tag_is(t, "UUID"))
        return start_class(p, t);
    if (p->kb->n_cls > 0 && is_class_tag(t))
        return class_tag(p, t);
    if (tag_is(t, "CLAS") || tag_is(t, "KTYP") || tag_is(t, "WPKY"))
        return kb_fail(p, VG_E_CORRUPT, t, "class key tag before any class UUID");
    return header_tag(p, t);
}

static void tag_name(const unsigned char *raw, char out[5])
{
    size_t i;
    for (i = 0; i < 4; i++)
        out[i] = raw[i] >= 0x20 && raw[i] < 0x7f ? (char)raw[i] : '?';
    out[4] = '\0';
}

static int walk(struct kb_parse *p, const unsigned char *data, size_t len)
{
    struct vg_rd r;
    int rc;

    vg_rd_init(&r, data, len);
    while (vg_rd_left(&r) > 0) {
        struct tlv t;
        const unsigned char *raw;
        uint32_t n;

        t.at = r.off;
        raw = vg_rd_bytes(&r, 4);
        n = vg_rd_be32(&r);
        if (!raw || r.err) {
            vg_diag_add(p->diag, VG_DIAG_ERROR, KB_WHERE,
                        "truncated TLV header at offset %zu: %zu bytes left (%s)", t.at, len - t.at,
                        p->display);
            return VG_E_TRUNCATED;
        }
        tag_name(raw, t.tag);
        if (n > vg_rd_left(&r)) {
            vg_diag_add(p->diag, VG_DIAG_ERROR, KB_WHERE,
                        "TLV %s at offset %zu: length %u > remaining %zu (%s)", t.tag, t.at,
                        (unsigned)n, vg_rd_left(&r), p->display);
            return VG_E_TRUNCATED;
        }
        t.len = n;
        t.v = vg_rd_bytes(&r, n);
        rc = one_tag(p, &t);
        if (rc != VG_OK)
            return rc;
    }
    return VG_OK;
}

static int missing(struct kb_parse *p, const char *what)
{
    vg_diag_add(p->diag, VG_DIAG_ERROR, KB_WHERE, "%s (%s)", what, p->display);
    return VG_E_CORRUPT;
}

static int check_classes(struct kb_parse *p)
{
    const struct vg_keybag *kb = p->kb;
    size_t i, j;

    if (kb->n_cls == 0)
        return missing(p, "no class keys");
    for (i = 0; i < kb->n_cls; i++) {
        unsigned need = SEEN_CLAS | SEEN_WRAP | SEEN_WPKY;
        if ((p->cls_seen[i] & need) != need) {
            vg_diag_add(p->diag, VG_DIAG_ERROR, KB_WHERE,
                        "class key %zu lacks CLAS, WRAP or WPKY (%s)", i + 1, p->display);
            return VG_E_CORRUPT;
        }
        for (j = 0; j < i; j++) {
            if (kb->cls[j].clas == kb->cls[i].clas) {
                vg_diag_add(p->diag, VG_DIAG_ERROR, KB_WHERE, "class %u listed twice (%s)",
                            (unsigned)kb->cls[i].clas, p->display);
                return VG_E_CORRUPT;
            }
        }
    }
    return VG_OK;
}

static int check_header(struct kb_parse *p)
{
    struct vg_keybag *kb = p->kb;
    unsigned need = SEEN_VERS | SEEN_TYPE | SEEN_SALT | SEEN_ITER;
    unsigned dp = p->seen & (SEEN_DPIC | SEEN_DPSL);

    if (!p->have_uuid || (p->seen & need) != need)
        return missing(p, "lacks one of UUID VERS TYPE SALT ITER");
    if ((kb->type & KB_TYPE_MASK) != KB_TYPE_BACKUP) {
        vg_diag_add(p->diag, VG_DIAG_ERROR, KB_WHERE, "TYPE %u is not a backup keybag (%s)",
                    (unsigned)(kb->type & KB_TYPE_MASK), p->display);
        return VG_E_UNSUPPORTED;
    }
    if (dp && dp != (SEEN_DPIC | SEEN_DPSL))
        return missing(p, "has only one of DPIC and DPSL");
    kb->has_dp = dp != 0;
    if (kb->iter == 0 || kb->iter > VG_MAX_KDF_ITER ||
        (kb->has_dp && (kb->dpic == 0 || kb->dpic > VG_MAX_KDF_ITER))) {
        vg_diag_add(p->diag, VG_DIAG_ERROR, KB_WHERE,
                    "iteration count out of range (ITER %u, DPIC %u; at most %u) (%s)",
                    (unsigned)kb->iter, (unsigned)kb->dpic, (unsigned)VG_MAX_KDF_ITER, p->display);
        return VG_E_LIMIT;
    }
    return VG_OK;
}

int vg_keybag_parse(const unsigned char *data, size_t len, const char *display,
                    struct vg_diag *diag, struct vg_keybag **out)
{
    struct kb_parse p;
    int rc;

    memset(&p, 0, sizeof(p));
    p.display = display ? display : "BackupKeyBag";
    p.diag = diag;
    if (len > VG_MAX_KEYBAG) {
        vg_diag_add(diag, VG_DIAG_ERROR, KB_WHERE, "%zu bytes, more than the %u allowed (%s)", len,
                    (unsigned)VG_MAX_KEYBAG, p.display);
        return VG_E_LIMIT;
    }
    p.kb = vg_calloc(1, sizeof(*p.kb));
    if (!p.kb)
        return VG_E_NOMEM;
    rc = walk(&p, data, len);
    if (rc == VG_OK)
        rc = check_header(&p);
    if (rc == VG_OK)
        rc = check_classes(&p);
    if (rc != VG_OK) {
        vg_keybag_free(p.kb);
        return rc;
    }
    *out = p.kb;
    return VG_OK;
}

void vg_keybag_free(struct vg_keybag *kb)
{
    vg_free_secret(kb, kb ? sizeof(*kb) : 0);
}

int vg_pbkdf2(int sha256, const void *pass, size_t pass_len, const unsigned char *salt,
              size_t salt_len, uint32_t iter, unsigned char *out, size_t out_len)
{
    if (pass_len > INT_MAX || salt_len > INT_MAX || iter == 0 || iter > INT_MAX || out_len == 0 ||
        out_len > INT_MAX)
        return VG_E_INVAL;
    if (PKCS5_PBKDF2_HMAC(pass, (int)pass_len, salt, (int)salt_len, (int)iter,
                          sha256 ? EVP_sha256() : EVP_sha1(), (int)out_len, out) != 1)
        return VG_E_CRYPTO;
    return VG_OK;
}

int vg_keybag_derive(const struct vg_keybag *kb, const char *password, size_t password_len,
                     unsigned char key[VG_KEYBAG_KEY_LEN])
{
    unsigned char first[VG_KEYBAG_KEY_LEN];
    int rc;

    if (!kb->has_dp)
        return vg_pbkdf2(0, password, password_len, kb->salt, kb->salt_len, kb->iter, key,
                         VG_KEYBAG_KEY_LEN);
    rc = vg_pbkdf2(1, password, password_len, kb->dpsl, kb->dpsl_len, kb->dpic, first,
                   sizeof(first));
    if (rc == VG_OK)
        rc = vg_pbkdf2(0, first, sizeof(first), kb->salt, kb->salt_len, kb->iter, key,
                       VG_KEYBAG_KEY_LEN);
    vg_wipe(first, sizeof(first));
    if (rc != VG_OK)
        vg_wipe(key, VG_KEYBAG_KEY_LEN);
    return rc;
}

int vg_keybag_unlock(struct vg_keybag *kb, const unsigned char key[VG_KEYBAG_KEY_LEN],
                     const char *display, struct vg_diag *diag)
{
    size_t i, ok = 0, bad = 0;
    int rc;

    for (i = 0; i < kb->n_cls; i++) {
        struct vg_keybag_class *c = &kb->cls[i];
        /* device-wrapped keys need the phone's UID key: not ours to open */
        if (!(c->wrap & VG_KEYBAG_WRAP_PASSCODE))
            continue;
        rc = vg_aes_unwrap(key, VG_KEYBAG_KEY_LEN, c->wpky, KB_WPKY_LEN, c->key);
        if (rc == VG_OK) {
            c->unlocked = 1;
            ok++;
        } else if (rc == VG_E_CRYPTO) {
            bad++;
        } else {
            return rc;
        }
    }
    if (ok == 0 && bad == 0) {
        vg_diag_add(diag, VG_DIAG_ERROR, KB_WHERE, "no class key is wrapped with the password (%s)",
                    display);
        return VG_E_UNSUPPORTED;
    }
    if (ok == 0) {
        vg_diag_add(diag, VG_DIAG_ERROR, KB_WHERE,
                    "wrong backup password or key: no class key unwraps (%s)", display);
        return VG_E_PASSWORD;
    }
    for (i = 0; bad && i < kb->n_cls; i++)
        if ((kb->cls[i].wrap & VG_KEYBAG_WRAP_PASSCODE) && !kb->cls[i].unlocked)
            vg_diag_add(diag, VG_DIAG_WARN, KB_WHERE,
                        "the key of protection class %u does not unwrap though the others do "
                        "(damaged keybag?); files of that class cannot be read (%s)",
                        (unsigned)kb->cls[i].clas, display);
    return VG_OK;
}

int vg_keybag_unwrap(const struct vg_keybag *kb, const unsigned char *blob, size_t len,
                     unsigned char key[VG_KEYBAG_KEY_LEN])
{
    const unsigned char *wrapped;
    struct vg_rd r;
    uint32_t clas;
    size_t i;

    if (len != KB_BLOB_LEN)
        return VG_E_CORRUPT;
    vg_rd_init(&r, blob, len);
    clas = vg_rd_le32(&r);
    wrapped = vg_rd_bytes(&r, KB_WPKY_LEN);
    if (!wrapped)
        return VG_E_CORRUPT;
    for (i = 0; i < kb->n_cls; i++) {
        if (kb->cls[i].clas != clas)
            continue;
        if (!kb->cls[i].unlocked)
            return VG_E_NOTFOUND;
        return vg_aes_unwrap(kb->cls[i].key, VG_KEYBAG_KEY_LEN, wrapped, KB_WPKY_LEN, key);
    }
    return VG_E_NOTFOUND;
}
