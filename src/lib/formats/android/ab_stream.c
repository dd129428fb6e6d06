/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include <errno.h>
#include <unistd.h>

#include <archive.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "formats/android/ab_stream.h"
#include "util/cancel.h"

/* An AES block more than the input: what one EVP_DecryptUpdate can give. */
#define MID_CAP (VG_AB_CHUNK + 2u * VG_AB_IV_LEN)

struct vg_ab_stream {
    vg_ab_read_fn read;
    void *ud;
    struct vg_ab_header h;
    struct vg_ab_keys keys;
    int ready; /* plain, or unlocked */

    unsigned char *raw; /* bytes of the file: ciphertext, or plaintext when not encrypted */
    size_t raw_off, raw_len;
    int raw_eof;

    EVP_CIPHER_CTX *cx;
    unsigned char *mid; /* decrypted bytes */
    uint64_t cipher_in; /* ciphertext bytes given to the cipher */
    int cipher_done;    /* EVP_DecryptFinal passed */

    /* the first stage's output (raw or mid) not yet consumed */
    const unsigned char *view;
    size_t view_len, view_off;
    int stage1_end;

    z_stream z;
    int z_live, z_end;

    unsigned char *tarbuf; /* libarchive reads through it */
    size_t tar_last;       /* bytes of the last piece given to libarchive */
    uint64_t file_bytes, tar_bytes, after_zlib;
    int end;
    int err;
    char msg[256];
};

static int set_err(struct vg_ab_stream *s, int rc, const char *fmt, ...) VG_PRINTF(3, 4);

static int set_err(struct vg_ab_stream *s, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(s->msg, sizeof s->msg, fmt, ap);
    va_end(ap);
    s->err = rc;
    return rc;
}

/* Not sticky: unlocking makes the stream readable. */
static int locked(struct vg_ab_stream *s)
{
    (void)vg_snprintf(s->msg, sizeof s->msg, "the backup is encrypted and still locked");
    return VG_E_INVAL;
}

/* ---- readers ---- */

int vg_ab_read_fd(void *ud, void *buf, size_t n, size_t *got)
{
    int fd = *(const int *)ud;
    ssize_t r;

    do {
        r = read(fd, buf, n);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        *got = 0;
        return VG_E_IO;
    }
    *got = (size_t)r;
    return VG_OK;
}

int vg_ab_read_file(void *ud, void *buf, size_t n, size_t *got)
{
    FILE *f = ud;

    *got = fread(buf, 1, n, f);
    return *got == 0 && ferror(f) ? VG_E_IO : VG_OK;
}

int vg_ab_read_mem(void *ud, void *buf, size_t n, size_t *got)
{
    struct vg_ab_mem *m = ud;
    size_t left = m->off <= m->n ? m->n - m->off : 0;

    *got = n < left ? n : left;
    if (*got)
        memcpy(buf, m->p + m->off, *got);
    m->off += *got;
    return VG_OK;
}

/* ---- zlib with wiped memory: its window holds plaintext ---- */

#define ZHDR 16u /* keeps malloc's alignment */

void *vg_ab_zalloc(void *opaque, unsigned items, unsigned size)
{
    size_t n, total;
    unsigned char *p;

    VG_UNUSED(opaque);
    if (vg_mul_overflow(items, size, &n) || vg_add_overflow(n, ZHDR, &total))
        return NULL;
    p = malloc(total);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    return p + ZHDR;
}

void vg_ab_zfree(void *opaque, void *ptr)
{
    unsigned char *p;
    size_t n;

    VG_UNUSED(opaque);
    if (!ptr)
        return;
    p = (unsigned char *)ptr - ZHDR;
    memcpy(&n, p, sizeof n);
    vg_free_secret(p, n + ZHDR);
}

/* ---- header ---- */

static int fill_header(struct vg_ab_stream *s, char *err, size_t err_len)
{
    int rc = VG_E_TRUNCATED;

    while (rc == VG_E_TRUNCATED) {
        size_t got = 0;
        int r = s->read(s->ud, s->raw + s->raw_len, VG_AB_HEADER_MAX - s->raw_len, &got);
        if (r != VG_OK) {
            if (err && err_len)
                (void)vg_snprintf(err, err_len, "read error in the header: %s", vg_strerror(r));
            return r;
        }
        s->raw_len += got;
        s->file_bytes += got;
        rc = vg_ab_header_parse(s->raw, s->raw_len, &s->h, err, err_len);
        if (rc == VG_E_TRUNCATED && (got == 0 || s->raw_len == VG_AB_HEADER_MAX))
            return rc;
    }
    if (rc == VG_OK)
        s->raw_off = s->h.len;
    return rc;
}

int vg_ab_stream_new(vg_ab_read_fn read, void *ud, struct vg_ab_stream **out, char *err,
                     size_t err_len)
{
    struct vg_ab_stream *s;
    int rc;

    if (err && err_len)
        err[0] = '\0';
    if (!read || !out)
        return VG_E_INVAL;
    s = vg_calloc(1, sizeof *s);
    if (!s)
        return VG_E_NOMEM;
    s->read = read;
    s->ud = ud;
    s->raw = vg_malloc(VG_AB_CHUNK);
    s->mid = vg_malloc(MID_CAP);
    s->tarbuf = vg_malloc(VG_AB_CHUNK);
    rc = s->raw && s->mid && s->tarbuf ? fill_header(s, err, err_len) : VG_E_NOMEM;
    if (rc != VG_OK) {
        vg_ab_stream_free(s);
        return rc;
    }
    s->ready = s->h.crypt == VG_AB_PLAIN;
    *out = s;
    return VG_OK;
}

void vg_ab_stream_free(struct vg_ab_stream *s)
{
    if (!s)
        return;
    EVP_CIPHER_CTX_free(s->cx); /* cleanses the key schedule */
    if (s->z_live)
        inflateEnd(&s->z);
    vg_free_secret(s->raw, VG_AB_CHUNK);
    vg_free_secret(s->mid, MID_CAP);
    vg_free_secret(s->tarbuf, VG_AB_CHUNK);
    vg_free_secret(s, sizeof *s);
}

const struct vg_ab_header *vg_ab_stream_header(const struct vg_ab_stream *s)
{
    return &s->h;
}

int vg_ab_stream_ready(const struct vg_ab_stream *s)
{
    return s->ready;
}

const struct vg_ab_keys *vg_ab_stream_keys(const struct vg_ab_stream *s)
{
    return &s->keys;
}

int vg_ab_stream_status(const struct vg_ab_stream *s)
{
    return s->err;
}

const char *vg_ab_stream_error(const struct vg_ab_stream *s)
{
    return s->msg;
}

void vg_ab_stream_stats(const struct vg_ab_stream *s, struct vg_ab_stats *st)
{
    st->file_bytes = s->file_bytes;
    st->tar_bytes = s->tar_bytes;
    st->after_zlib = s->after_zlib;
    st->end = s->end;
}

int vg_ab_stream_unlock(struct vg_ab_stream *s, const char *password, size_t len)
{
    int rc;

    if (s->h.crypt != VG_AB_AES256) {
        (void)vg_snprintf(s->msg, sizeof s->msg, "the backup is not encrypted");
        return VG_E_INVAL;
    }
    if (s->ready)
        return VG_OK;
    rc = vg_ab_unlock(&s->h, password, len, &s->keys, s->msg, sizeof s->msg);
    if (rc != VG_OK)
        return rc; /* not sticky: another password may be tried */
    s->cx = EVP_CIPHER_CTX_new();
    if (!s->cx ||
        EVP_DecryptInit_ex(s->cx, EVP_aes_256_cbc(), NULL, s->keys.key, s->keys.iv) != 1) {
        vg_wipe(s->keys.key, sizeof s->keys.key);
        return set_err(s, VG_E_CRYPTO, "cannot set up AES-256-CBC");
    }
    vg_wipe(s->keys.key, sizeof s->keys.key); /* the cipher holds its own schedule */
    s->msg[0] = '\0';
    s->ready = 1;
    return VG_OK;
}

/* ---- stage 1: the file's bytes, decrypted ---- */

static int fill_raw(struct vg_ab_stream *s)
{
    size_t got = 0;
    int rc;

    if (s->raw_off < s->raw_len || s->raw_eof)
        return VG_OK;
    if (vg_interrupted())
        return set_err(s, VG_E_INTERRUPTED, "interrupted");
    rc = s->read(s->ud, s->raw, VG_AB_CHUNK, &got);
    if (rc != VG_OK)
        return set_err(s, rc, "read error at offset %llu: %s", (unsigned long long)s->file_bytes,
                       vg_strerror(rc));
    s->raw_off = 0;
    s->raw_len = got;
    s->file_bytes += got;
    s->raw_eof = got == 0;
    return VG_OK;
}

static int cipher_final(struct vg_ab_stream *s, int *out)
{
    int rc;

    if (EVP_DecryptFinal_ex(s->cx, s->mid, out) == 1) {
        s->cipher_done = 1;
        return VG_OK;
    }
    if (s->cipher_in % VG_AB_IV_LEN || s->cipher_in == 0)
        return set_err(s, VG_E_TRUNCATED,
                       "the encrypted data ends inside an AES block (%llu bytes): truncated",
                       (unsigned long long)s->cipher_in);
    /* a compressed stream still open says the file was cut, not damaged */
    rc = s->h.compressed && !s->z_end ? VG_E_TRUNCATED : VG_E_CORRUPT;
    return set_err(s, rc, "bad padding in the last AES block (offset %llu): %s",
                   (unsigned long long)s->file_bytes,
                   rc == VG_E_TRUNCATED ? "truncated" : "damaged or truncated");
}

/* The next piece of decrypted (or plain) data into s->view; an empty view
 * at the end. */
static int next_view(struct vg_ab_stream *s)
{
    int rc, n = 0;

    s->view_off = s->view_len = 0;
    while (!s->stage1_end) {
        if ((rc = fill_raw(s)) != VG_OK)
            return rc;
        if (s->raw_eof) {
            if (s->h.crypt == VG_AB_AES256 && (rc = cipher_final(s, &n)) != VG_OK)
                return rc;
            s->stage1_end = 1;
            s->view = s->mid;
            s->view_len = (size_t)n;
            return VG_OK;
        }
        if (s->h.crypt == VG_AB_PLAIN) {
            s->view = s->raw + s->raw_off;
            s->view_len = s->raw_len - s->raw_off;
            s->raw_off = s->raw_len;
            return VG_OK;
        }
        if (EVP_DecryptUpdate(s->cx, s->mid, &n, s->raw + s->raw_off,
                              (int)(s->raw_len - s->raw_off)) != 1)
            return set_err(s, VG_E_CRYPTO, "AES-256-CBC failed at offset %llu",
                           (unsigned long long)s->file_bytes);
        s->cipher_in += s->raw_len - s->raw_off;
        s->raw_off = s->raw_len;
        if (n > 0) {
            s->view = s->mid;
            s->view_len = (size_t)n;
            return VG_OK;
        }
    }
    return VG_OK;
}

/* ---- stage 2: inflate, or copy ---- */

static int copy_out(struct vg_ab_stream *s, unsigned char *buf, size_t n, size_t *got)
{
    size_t k;
    int rc;

    if (s->view_off == s->view_len) {
        if ((rc = next_view(s)) != VG_OK)
            return rc;
        if (s->view_len == 0) {
            s->end = 1;
            return VG_OK;
        }
    }
    k = s->view_len - s->view_off < n ? s->view_len - s->view_off : n;
    memcpy(buf, s->view + s->view_off, k);
    s->view_off += k;
    *got = k;
    return VG_OK;
}

static int z_start(struct vg_ab_stream *s)
{
    memset(&s->z, 0, sizeof s->z);
    s->z.zalloc = vg_ab_zalloc;
    s->z.zfree = vg_ab_zfree;
    if (inflateInit(&s->z) != Z_OK)
        return set_err(s, VG_E_NOMEM, "cannot set up zlib");
    s->z_live = 1;
    return VG_OK;
}

static int z_step(struct vg_ab_stream *s)
{
    int r = inflate(&s->z, Z_NO_FLUSH);

    if (r == Z_OK || r == Z_BUF_ERROR)
        return VG_OK;
    if (r == Z_STREAM_END) {
        s->z_end = 1;
        s->after_zlib += s->z.avail_in;
        s->view_off = s->view_len;
        return VG_OK;
    }
    if (r == Z_MEM_ERROR)
        return set_err(s, VG_E_NOMEM, "out of memory in zlib");
    return set_err(s, VG_E_CORRUPT, "zlib: %s at compressed byte %llu",
                   s->z.msg ? s->z.msg : (r == Z_NEED_DICT ? "preset dictionary" : "error"),
                   (unsigned long long)s->z.total_in);
}

static int inflate_out(struct vg_ab_stream *s, unsigned char *buf, size_t n, size_t *got)
{
    uInt cap = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
    int rc;

    if (!s->z_live && (rc = z_start(s)) != VG_OK)
        return rc;
    s->z.next_out = buf;
    s->z.avail_out = cap;
    while (s->z.avail_out == cap && !s->z_end) {
        if (s->z.avail_in == 0) {
            if ((rc = next_view(s)) != VG_OK)
                return rc;
            if (s->view_len == 0)
                return set_err(s, VG_E_TRUNCATED,
                               "the data ends before the compressed stream does (after %llu "
                               "bytes of tar): truncated",
                               (unsigned long long)(s->tar_bytes + (cap - s->z.avail_out)));
            s->z.next_in = (unsigned char *)(uintptr_t)s->view;
            s->z.avail_in = (uInt)s->view_len;
            s->view_off = s->view_len;
        }
        if ((rc = z_step(s)) != VG_OK) {
            /* what came out before the error is good: deliver it, the
             * (sticky) error comes with the next read */
            if (cap - s->z.avail_out == 0)
                return rc;
            break;
        }
    }
    *got = cap - s->z.avail_out;
    if (*got == 0 && s->z_end)
        s->end = 1;
    return VG_OK;
}

int vg_ab_stream_read(struct vg_ab_stream *s, void *buf, size_t n, size_t *got)
{
    int rc;

    *got = 0;
    if (s->err)
        return s->err;
    if (!s->ready)
        return locked(s);
    if (n == 0 || s->end)
        return VG_OK;
    rc = s->h.compressed ? inflate_out(s, buf, n, got) : copy_out(s, buf, n, got);
    if (rc != VG_OK)
        return rc;
    s->tar_bytes += *got;
    if (s->tar_bytes > VG_MAX_AB_TAR_BYTES)
        return set_err(s, VG_E_LIMIT, "more than %llu bytes of tar",
                       (unsigned long long)VG_MAX_AB_TAR_BYTES);
    return VG_OK;
}

/* After the zlib stream: the rest of the decrypted data, counted. */
static int drain_after_zlib(struct vg_ab_stream *s)
{
    int rc;

    while (!s->stage1_end) {
        if ((rc = next_view(s)) != VG_OK)
            return rc;
        s->after_zlib += s->view_len;
        s->view_off = s->view_len;
    }
    return VG_OK;
}

int vg_ab_stream_drain(struct vg_ab_stream *s, uint64_t *rest, uint64_t *nonzero)
{
    unsigned char buf[4096];
    size_t got, i;
    int rc = VG_OK;

    *rest = *nonzero = 0;
    do {
        rc = vg_ab_stream_read(s, buf, sizeof buf, &got);
        *rest += got;
        for (i = 0; i < got; i++)
            *nonzero += buf[i] != 0;
    } while (rc == VG_OK && got > 0);
    vg_wipe(buf, sizeof buf);
    if (rc == VG_OK && s->h.compressed)
        rc = drain_after_zlib(s);
    return rc;
}

/* ---- libarchive ---- */

static la_ssize_t la_read(struct archive *a, void *ud, const void **buf)
{
    struct vg_ab_stream *s = ud;
    size_t got = 0;
    int rc = vg_ab_stream_read(s, s->tarbuf, VG_AB_CHUNK, &got);

    if (rc != VG_OK) {
        archive_set_error(a, EIO, "%s", s->msg);
        return -1;
    }
    *buf = s->tarbuf;
    s->tar_last = got;
    return (la_ssize_t)got;
}

int64_t vg_ab_stream_nonzero_tail(const struct vg_ab_stream *s, uint64_t n)
{
    int64_t count = 0;
    size_t i;

    if (n > s->tar_last)
        return -1;
    for (i = s->tar_last - (size_t)n; i < s->tar_last; i++)
        count += s->tarbuf[i] != 0;
    return count;
}

int vg_ab_archive_open(struct vg_ab_stream *s, struct archive **out)
{
    struct archive *a;

    if (!s->ready)
        return locked(s);
    a = archive_read_new();
    if (!a)
        return VG_E_NOMEM;
    if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
        archive_read_support_format_empty(a) != ARCHIVE_OK ||
        archive_read_open(a, s, NULL, la_read, NULL) != ARCHIVE_OK) {
        if (!s->err)
            (void)vg_snprintf(s->msg, sizeof s->msg, "tar: %s",
                              archive_error_string(a) ? archive_error_string(a) : "cannot open");
        archive_read_free(a);
        return s->err ? s->err : VG_E_CORRUPT;
    }
    *out = a;
    return VG_OK;
}
