/*
 * MBFile: the keyed archive in Manifest.db's Files.file column. Field names
 * and meanings: docs/formats/mbfile.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdio.h>
#include <stdlib.h>

#include "formats/apple/mbfile.h"
#include "formats/apple/nska.h"

/* A wrapped key is 4 + 40 bytes; anything far off that is not a key. */
#define MB_KEY_MIN 4u
#define MB_KEY_MAX 1024u

void vg_mbfile_init(struct vg_mbfile *f)
{
    memset(f, 0, sizeof(*f));
    f->size = -1;
    f->last_modified = INT64_MIN;
    f->birth = INT64_MIN;
    f->last_status_change = INT64_MIN;
    f->protection_class = -1;
}

void vg_mbfile_clear(struct vg_mbfile *f)
{
    if (!f)
        return;
    free(f->target);
    vg_free_secret(f->encryption_key, f->encryption_key_len);
    vg_mbfile_init(f);
}

struct mb_ctx {
    plist_t root;
    char *err;
    size_t errcap;
};

static int mb_fail(struct mb_ctx *c, const char *fmt, ...) VG_PRINTF(2, 3);

static int mb_fail(struct mb_ctx *c, const char *fmt, ...)
{
    va_list ap;
    if (c->err && c->errcap) {
        va_start(ap, fmt);
        if (vsnprintf(c->err, c->errcap, fmt, ap) < 0)
            c->err[0] = '\0';
        va_end(ap);
    }
    return VG_E_CORRUPT;
}

/* An integer field: 0 and *present = 0 when absent, an error when it holds
 * anything but an integer. Negative integers arrive two's-complement. */
static int mb_int(struct mb_ctx *c, const char *key, uint64_t *u, int *present)
{
    plist_t v = plist_dict_get_item(c->root, key);

    *u = 0;
    *present = v != NULL;
    if (!v)
        return VG_OK;
    if (plist_get_node_type(v) != PLIST_UINT)
        return mb_fail(c, "MBFile %s is not an integer", key);
    plist_get_uint_val(v, u);
    return VG_OK;
}

static int mb_time(struct mb_ctx *c, const char *key, int64_t *out)
{
    uint64_t u;
    int present, rc = mb_int(c, key, &u, &present);
    if (rc == VG_OK && present)
        *out = (int64_t)u;
    return rc;
}

/* Unsigned 32-bit fields. The archiver writes them signed: nobody's uid
 * (4294967294) arrives as -2, and is kept as the uid it is. */
static int mb_u32(struct mb_ctx *c, const char *key, uint32_t *out)
{
    uint64_t u;
    int64_t s;
    int present, rc = mb_int(c, key, &u, &present);
    if (rc != VG_OK || !present)
        return rc;
    s = (int64_t)u;
    if (s < INT32_MIN || s > (int64_t)UINT32_MAX)
        return mb_fail(c, "MBFile %s %lld out of range", key, (long long)s);
    *out = (uint32_t)(s < 0 ? (uint64_t)s & UINT32_MAX : (uint64_t)s);
    return VG_OK;
}

static int mb_i32(struct mb_ctx *c, const char *key, int32_t *out)
{
    uint64_t u;
    int64_t s;
    int present, rc = mb_int(c, key, &u, &present);
    if (rc != VG_OK || !present)
        return rc;
    s = (int64_t)u;
    if (s < INT32_MIN || s > INT32_MAX)
        return mb_fail(c, "MBFile %s %lld out of range", key, (long long)s);
    *out = (int32_t)s;
    return VG_OK;
}

static int mb_numbers(struct mb_ctx *c, struct vg_mbfile *f)
{
    uint64_t u;
    int present, rc = mb_int(c, "Size", &u, &present);

    if (rc == VG_OK && present) {
        if ((int64_t)u < 0)
            return mb_fail(c, "MBFile Size %lld is negative", (long long)(int64_t)u);
        f->size = (int64_t)u;
    }
    if (rc == VG_OK)
        rc = mb_int(c, "InodeNumber", &f->inode, &present);
    if (rc == VG_OK)
        rc = mb_time(c, "LastModified", &f->last_modified);
    if (rc == VG_OK)
        rc = mb_time(c, "Birth", &f->birth);
    if (rc == VG_OK)
        rc = mb_time(c, "LastStatusChange", &f->last_status_change);
    if (rc == VG_OK)
        rc = mb_u32(c, "Mode", &f->mode);
    if (rc == VG_OK)
        rc = mb_u32(c, "UserID", &f->uid);
    if (rc == VG_OK)
        rc = mb_u32(c, "GroupID", &f->gid);
    if (rc == VG_OK)
        rc = mb_i32(c, "ProtectionClass", &f->protection_class);
    if (rc == VG_OK)
        rc = mb_i32(c, "Flags", &f->flags);
    return rc;
}

static int mb_target(struct mb_ctx *c, struct vg_mbfile *f)
{
    plist_t v = plist_dict_get_item(c->root, "Target");
    const char *s;

    if (!v)
        return VG_OK;
    s = plist_get_string_ptr(v, NULL);
    if (!s)
        return mb_fail(c, "MBFile Target is not a string");
    f->target = vg_strdup(s);
    return f->target ? VG_OK : VG_E_NOMEM;
}

/* Copies the wrapped key and wipes it in the decoded tree, which plist_free
 * would release as it is. */
static int mb_key(struct mb_ctx *c, struct vg_mbfile *f)
{
    plist_t v = plist_dict_get_item(c->root, "EncryptionKey");
    const char *p;
    uint64_t n = 0;

    if (!v)
        return VG_OK;
    p = plist_get_data_ptr(v, &n);
    if (!p)
        return mb_fail(c, "MBFile EncryptionKey is not data");
    if (n < MB_KEY_MIN || n > MB_KEY_MAX)
        return mb_fail(c, "MBFile EncryptionKey is %llu bytes", (unsigned long long)n);
    f->encryption_key = vg_malloc((size_t)n);
    if (!f->encryption_key)
        return VG_E_NOMEM;
    memcpy(f->encryption_key, p, (size_t)n);
    f->encryption_key_len = (size_t)n;
    vg_wipe((void *)(uintptr_t)p, (size_t)n);
    return VG_OK;
}

static int mb_class(struct mb_ctx *c)
{
    plist_t cls;
    const char *s;

    if (plist_get_node_type(c->root) != PLIST_DICT)
        return mb_fail(c, "archive root is not an object");
    cls = plist_dict_get_item(c->root, "$class");
    s = plist_get_string_ptr(cls, NULL);
    if (!s || strcmp(s, "MBFile") != 0)
        return mb_fail(c, "archive root is %s, not MBFile", s ? s : "a plain dictionary");
    return VG_OK;
}

int vg_mbfile_parse(const unsigned char *blob, size_t len, struct vg_mbfile *f, char *err,
                    size_t errcap)
{
    struct mb_ctx c;
    int rc;

    vg_mbfile_init(f);
    c.root = NULL;
    c.err = errcap ? err : NULL;
    c.errcap = errcap;
    if (c.err)
        c.err[0] = '\0';
    rc = vg_nska_decode(blob, len, &c.root, c.err, c.errcap);
    if (rc != VG_OK)
        return rc;
    rc = mb_class(&c);
    if (rc == VG_OK)
        rc = mb_numbers(&c, f);
    if (rc == VG_OK)
        rc = mb_target(&c, f);
    if (rc == VG_OK)
        rc = mb_key(&c, f);
    if (rc != VG_OK)
        vg_mbfile_clear(f);
    plist_free(c.root);
    return rc;
}
