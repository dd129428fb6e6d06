/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "formats/android/ab.h"
#include "util/text.h"
#include "util/utf8.h"

#define MAGIC_LEN (sizeof(VG_AB_MAGIC) - 1)

/* Offsets in the decrypted master key blob (docs/formats/android-backup.md). */
#define BLOB_IV_LEN_AT  0u
#define BLOB_KEY_LEN_AT 17u
#define BLOB_CK_LEN_AT  50u
#define BLOB_USED       83u /* bytes before the PKCS#7 padding */

static int fail(char *err, size_t err_len, int rc, const char *fmt, ...) VG_PRINTF(4, 5);

static int fail(char *err, size_t err_len, int rc, const char *fmt, ...)
{
    va_list ap;

    if (err && err_len) {
        va_start(ap, fmt);
        (void)vsnprintf(err, err_len, fmt, ap);
        va_end(ap);
    }
    return rc;
}

/* ---- header ---- */

struct hdr_cursor {
    const unsigned char *p;
    size_t n, off;
    unsigned lineno; /* of the line last read, from 1 (the magic) */
};

/* The next line without its '\n'. Only '\n' ends a line, as Android's
 * readHeaderLine has it: a '\r' stays and makes the field malformed. */
static int next_line(struct hdr_cursor *c, struct vg_str *line)
{
    size_t left = c->n - c->off;
    size_t window = left < VG_MAX_AB_HEADER_LINE + 1u ? left : VG_MAX_AB_HEADER_LINE + 1u;
    const unsigned char *nl = window ? memchr(c->p + c->off, '\n', window) : NULL;

    c->lineno++;
    if (!nl)
        return left > VG_MAX_AB_HEADER_LINE ? VG_E_LIMIT : VG_E_TRUNCATED;
    line->p = (const char *)c->p + c->off;
    line->n = (size_t)(nl - (c->p + c->off));
    c->off += line->n + 1;
    return VG_OK;
}

static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Hex (either case, as Java's parser takes it) into out[0..cap). */
static int hex_field(struct vg_str s, unsigned char *out, size_t cap, size_t *len, const char *what,
                     unsigned lineno, char *err, size_t err_len)
{
    size_t i;

    if (s.n == 0)
        return fail(err, err_len, VG_E_CORRUPT, "line %u (%s): empty", lineno, what);
    if (s.n % 2)
        return fail(err, err_len, VG_E_CORRUPT, "line %u (%s): odd number of hex digits (%zu)",
                    lineno, what, s.n);
    if (s.n / 2 > cap)
        return fail(err, err_len, VG_E_CORRUPT, "line %u (%s): %zu bytes, at most %zu expected",
                    lineno, what, s.n / 2, cap);
    for (i = 0; i < s.n; i += 2) {
        int hi = hex_digit(s.p[i]), lo = hex_digit(s.p[i + 1]);
        if (hi < 0 || lo < 0)
            return fail(err, err_len, VG_E_CORRUPT, "line %u (%s): not hex at column %zu", lineno,
                        what, i + (hi < 0 ? 1u : 2u));
        out[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    *len = s.n / 2;
    return VG_OK;
}

static int hex_exact(struct vg_str s, unsigned char *out, size_t want, const char *what,
                     unsigned lineno, char *err, size_t err_len)
{
    size_t len = 0;
    int rc = hex_field(s, out, want, &len, what, lineno, err, err_len);

    if (rc == VG_OK && len != want)
        rc = fail(err, err_len, VG_E_CORRUPT, "line %u (%s): %zu bytes, %zu expected", lineno, what,
                  len, want);
    return rc;
}

/* A decimal number of digits only (Android's parseInt would take a sign;
 * no writer puts one). *big is set when the digits overflow. */
static int decimal(struct vg_str s, uint64_t *v, int *big)
{
    size_t i;

    *big = 0;
    if (s.n == 0)
        return 0;
    for (i = 0; i < s.n; i++)
        if (s.p[i] < '0' || s.p[i] > '9')
            return 0;
    if (!vg_str_to_u64(s, v))
        *big = 1;
    return 1;
}

/* How much of a field a message quotes: the slice is not NUL-terminated. */
static int shown(struct vg_str s)
{
    return s.n > 20 ? 20 : (int)s.n;
}

static int line_or_fail(struct hdr_cursor *c, struct vg_str *line, const char *what, char *err,
                        size_t err_len)
{
    int rc = next_line(c, line);

    if (rc == VG_E_TRUNCATED)
        return fail(err, err_len, rc, "header ends in line %u (%s)", c->lineno, what);
    if (rc == VG_E_LIMIT)
        return fail(err, err_len, rc, "line %u (%s): longer than %u bytes", c->lineno, what,
                    VG_MAX_AB_HEADER_LINE);
    return rc;
}

static int parse_magic(struct hdr_cursor *c, char *err, size_t err_len)
{
    size_t k = c->n < MAGIC_LEN + 1 ? c->n : MAGIC_LEN + 1;

    if (memcmp(c->p, VG_AB_MAGIC "\n", k) != 0)
        return fail(err, err_len, VG_E_UNSUPPORTED,
                    "not an Android backup: the file does not start with \"" VG_AB_MAGIC "\"");
    if (k < MAGIC_LEN + 1)
        return fail(err, err_len, VG_E_TRUNCATED, "header ends in line 1 (magic)");
    c->off = MAGIC_LEN + 1;
    c->lineno = 1;
    return VG_OK;
}

static int parse_version(struct hdr_cursor *c, struct vg_ab_header *h, char *err, size_t err_len)
{
    struct vg_str s;
    uint64_t v = 0;
    int big, rc = line_or_fail(c, &s, "version", err, err_len);

    if (rc != VG_OK)
        return rc;
    if (!decimal(s, &v, &big))
        return fail(err, err_len, VG_E_CORRUPT, "line 2 (version): not a number");
    if (big || v > VG_AB_VERSION_MAX)
        return fail(err, err_len, VG_E_UNSUPPORTED,
                    "line 2 (version): %.*s%s, this reader knows 1 to %u", shown(s), s.p,
                    s.n > 20 ? "..." : "", VG_AB_VERSION_MAX);
    if (v == 0)
        return fail(err, err_len, VG_E_CORRUPT, "line 2 (version): 0");
    h->version = (unsigned)v;
    return VG_OK;
}

static int parse_flags(struct hdr_cursor *c, struct vg_ab_header *h, char *err, size_t err_len)
{
    struct vg_str s;
    int rc = line_or_fail(c, &s, "compressed", err, err_len);

    if (rc != VG_OK)
        return rc;
    if (!vg_str_eq(s, "0") && !vg_str_eq(s, "1"))
        return fail(err, err_len, VG_E_CORRUPT, "line 3 (compressed): not 0 or 1");
    h->compressed = vg_str_eq(s, "1");
    rc = line_or_fail(c, &s, "encryption", err, err_len);
    if (rc != VG_OK)
        return rc;
    if (vg_str_eq(s, "none")) {
        h->crypt = VG_AB_PLAIN;
        return VG_OK;
    }
    if (vg_str_eq(s, "AES-256")) {
        h->crypt = VG_AB_AES256;
        return VG_OK;
    }
    return fail(err, err_len, VG_E_UNSUPPORTED,
                "line 4 (encryption): \"%.*s%s\", expected \"none\" or \"AES-256\"", shown(s), s.p,
                s.n > 20 ? "..." : "");
}

static int parse_rounds(struct vg_str s, struct vg_ab_header *h, unsigned lineno, char *err,
                        size_t err_len)
{
    uint64_t v = 0;
    int big;

    if (!decimal(s, &v, &big))
        return fail(err, err_len, VG_E_CORRUPT, "line %u (rounds): not a number", lineno);
    if (v == 0 && !big)
        return fail(err, err_len, VG_E_CORRUPT, "line %u (rounds): 0", lineno);
    if (big || v > VG_MAX_AB_ROUNDS)
        return fail(err, err_len, VG_E_LIMIT, "line %u (rounds): %.*s%s, more than the cap %u",
                    lineno, shown(s), s.p, s.n > 20 ? "..." : "", VG_MAX_AB_ROUNDS);
    h->rounds = (uint32_t)v;
    return VG_OK;
}

static int parse_aes(struct hdr_cursor *c, struct vg_ab_header *h, char *err, size_t err_len)
{
    struct vg_str s;
    int rc;

    if ((rc = line_or_fail(c, &s, "user salt", err, err_len)) != VG_OK ||
        (rc = hex_field(s, h->user_salt, sizeof h->user_salt, &h->user_salt_len, "user salt",
                        c->lineno, err, err_len)) != VG_OK)
        return rc;
    if ((rc = line_or_fail(c, &s, "checksum salt", err, err_len)) != VG_OK ||
        (rc = hex_field(s, h->ck_salt, sizeof h->ck_salt, &h->ck_salt_len, "checksum salt",
                        c->lineno, err, err_len)) != VG_OK)
        return rc;
    if ((rc = line_or_fail(c, &s, "rounds", err, err_len)) != VG_OK ||
        (rc = parse_rounds(s, h, c->lineno, err, err_len)) != VG_OK)
        return rc;
    if ((rc = line_or_fail(c, &s, "user key IV", err, err_len)) != VG_OK ||
        (rc = hex_exact(s, h->user_iv, VG_AB_IV_LEN, "user key IV", c->lineno, err, err_len)) !=
            VG_OK)
        return rc;
    if ((rc = line_or_fail(c, &s, "master key blob", err, err_len)) != VG_OK ||
        (rc = hex_exact(s, h->blob, VG_AB_BLOB_LEN, "master key blob", c->lineno, err, err_len)) !=
            VG_OK)
        return rc;
    return VG_OK;
}

int vg_ab_header_parse(const void *p, size_t n, struct vg_ab_header *h, char *err, size_t err_len)
{
    struct hdr_cursor c = {p, n, 0, 0};
    int rc;

    if (err && err_len)
        err[0] = '\0';
    if (!p || !h)
        return fail(err, err_len, VG_E_INVAL, "no header given");
    memset(h, 0, sizeof *h);
    if ((rc = parse_magic(&c, err, err_len)) != VG_OK ||
        (rc = parse_version(&c, h, err, err_len)) != VG_OK ||
        (rc = parse_flags(&c, h, err, err_len)) != VG_OK)
        return rc;
    if (h->crypt == VG_AB_AES256 && (rc = parse_aes(&c, h, err, err_len)) != VG_OK)
        return rc;
    h->len = c.off;
    return VG_OK;
}

/* ---- keys ---- */

enum vg_ab_form vg_ab_native_form(unsigned version)
{
    return version == 1 ? VG_AB_FORM_8BIT : VG_AB_FORM_UTF8;
}

size_t vg_ab_java_utf8(const unsigned char *in, size_t n, unsigned char *out)
{
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        if (in[i] < 0x80) {
            out[o++] = in[i];
        } else {
            /* (char)(byte) sign-extends to U+FF80..U+FFFF */
            out[o++] = 0xef;
            out[o++] = (unsigned char)(0xbc | in[i] >> 6);
            out[o++] = (unsigned char)(0x80 | (in[i] & 0x3f));
        }
    }
    return o;
}

size_t vg_ab_password_8bit(const char *pw, size_t len, unsigned char *out)
{
    const unsigned char *p = (const unsigned char *)pw;
    size_t i = 0, o = 0;

    while (i < len) {
        uint32_t cp;
        size_t k = vg_utf8_next(p + i, len - i, &cp);
        if (cp == VG_UTF8_BAD) {
            out[o++] = p[i];
            i++;
            continue;
        }
        if (cp >= 0x10000) /* a surrogate pair: two chars */
            out[o++] = (unsigned char)((0xd800 + ((cp - 0x10000) >> 10)) & 0xff);
        out[o++] = (unsigned char)((cp >= 0x10000 ? 0xdc00 + ((cp - 0x10000) & 0x3ff) : cp) & 0xff);
        i += k;
    }
    return o;
}

static int pbkdf2(const unsigned char *pw, size_t pw_len, const unsigned char *salt,
                  size_t salt_len, uint32_t rounds, unsigned char out[VG_AB_KEY_LEN])
{
    if (rounds == 0 || rounds > VG_MAX_AB_ROUNDS)
        return VG_E_LIMIT;
    if (pw_len > INT32_MAX || salt_len > INT32_MAX)
        return VG_E_INVAL;
    if (PKCS5_PBKDF2_HMAC_SHA1((const char *)pw, (int)pw_len, salt, (int)salt_len, (int)rounds,
                               (int)VG_AB_KEY_LEN, out) != 1)
        return VG_E_CRYPTO;
    return VG_OK;
}

int vg_ab_checksum(const unsigned char *mk, size_t n, const unsigned char *salt, size_t salt_len,
                   uint32_t rounds, enum vg_ab_form form, unsigned char out[VG_AB_KEY_LEN])
{
    unsigned char wide[3 * VG_AB_KEY_LEN];
    size_t wn;
    int rc;

    if (n > VG_AB_KEY_LEN)
        return VG_E_INVAL;
    if (form == VG_AB_FORM_8BIT)
        return pbkdf2(mk, n, salt, salt_len, rounds, out);
    wn = vg_ab_java_utf8(mk, n, wide);
    rc = pbkdf2(wide, wn, salt, salt_len, rounds, out);
    vg_wipe(wide, sizeof wide);
    return rc;
}

/* AES-256-CBC without padding removal: the padding is checked by hand, so
 * a wrong key and a damaged blob can be told apart. */
static int decrypt_blob(const unsigned char key[VG_AB_KEY_LEN], const struct vg_ab_header *h,
                        unsigned char out[VG_AB_BLOB_LEN])
{
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    int n = 0, fin = 0, ok;

    ok = x && EVP_DecryptInit_ex(x, EVP_aes_256_cbc(), NULL, key, h->user_iv) == 1 &&
         EVP_CIPHER_CTX_set_padding(x, 0) == 1 &&
         EVP_DecryptUpdate(x, out, &n, h->blob, (int)VG_AB_BLOB_LEN) == 1 &&
         EVP_DecryptFinal_ex(x, out + n, &fin) == 1 && n + fin == (int)VG_AB_BLOB_LEN;
    EVP_CIPHER_CTX_free(x);
    return ok ? VG_OK : VG_E_CRYPTO;
}

enum blob_state {
    BLOB_NOISE,   /* nothing of the layout: a wrong key */
    BLOB_DAMAGED, /* part of the layout: the right key on damaged bytes */
    BLOB_INTACT,  /* the whole layout */
};

/* A wrong key gives noise: each length byte matches by chance with
 * probability 1/256, the 13 padding bytes with 2^-104. Two of the three
 * lengths, or the padding, are taken as the right key on damaged bytes
 * (CBC spoils only the damaged block and one byte of the next). */
static enum blob_state blob_state(const unsigned char b[VG_AB_BLOB_LEN])
{
    unsigned lens = (b[BLOB_IV_LEN_AT] == VG_AB_IV_LEN) + (b[BLOB_KEY_LEN_AT] == VG_AB_KEY_LEN) +
                    (b[BLOB_CK_LEN_AT] == VG_AB_KEY_LEN);
    int pad = 1;
    size_t i;

    for (i = BLOB_USED; i < VG_AB_BLOB_LEN; i++)
        if (b[i] != VG_AB_BLOB_LEN - BLOB_USED)
            pad = 0;
    if (lens == 3 && pad)
        return BLOB_INTACT;
    return lens >= 2 || pad ? BLOB_DAMAGED : BLOB_NOISE;
}

static enum vg_ab_form other_form(enum vg_ab_form f)
{
    return f == VG_AB_FORM_UTF8 ? VG_AB_FORM_8BIT : VG_AB_FORM_UTF8;
}

/* Checks the key of an intact blob in both checksum forms. 1 on a match. */
static int check_key(const struct vg_ab_header *h, const unsigned char b[VG_AB_BLOB_LEN],
                     struct vg_ab_keys *k, int *rc)
{
    const unsigned char *mk = b + BLOB_KEY_LEN_AT + 1, *ck = b + BLOB_CK_LEN_AT + 1;
    enum vg_ab_form f = vg_ab_native_form(h->version);
    unsigned char sum[VG_AB_KEY_LEN];
    int t;

    for (t = 0; t < 2; t++, f = other_form(f)) {
        *rc = vg_ab_checksum(mk, VG_AB_KEY_LEN, h->ck_salt, h->ck_salt_len, h->rounds, f, sum);
        if (*rc != VG_OK)
            return 0;
        if (CRYPTO_memcmp(sum, ck, VG_AB_KEY_LEN) == 0) {
            memcpy(k->key, mk, VG_AB_KEY_LEN);
            memcpy(k->iv, b + BLOB_IV_LEN_AT + 1, VG_AB_IV_LEN);
            k->ck_form = f;
            return 1;
        }
    }
    return 0;
}

/* One form of the password: derive, decrypt, check. *state gets what the
 * blob looked like; 1 on success. */
static int try_password(const struct vg_ab_header *h, const unsigned char *pw, size_t len,
                        struct vg_ab_keys *k, enum blob_state *state, int *rc)
{
    unsigned char user_key[VG_AB_KEY_LEN], blob[VG_AB_BLOB_LEN];
    int ok = 0;

    *rc = pbkdf2(pw, len, h->user_salt, h->user_salt_len, h->rounds, user_key);
    if (*rc == VG_OK)
        *rc = decrypt_blob(user_key, h, blob);
    if (*rc == VG_OK) {
        *state = blob_state(blob);
        if (*state == BLOB_INTACT)
            ok = check_key(h, blob, k, rc);
    }
    vg_wipe(user_key, sizeof user_key);
    vg_wipe(blob, sizeof blob);
    return ok;
}

static int unlock_error(enum blob_state worst, char *err, size_t err_len)
{
    if (worst == BLOB_INTACT)
        return fail(err, err_len, VG_E_CORRUPT,
                    "the master key blob decrypts to a well-formed key whose checksum matches "
                    "neither form: damaged header (checksum salt or key blob)");
    if (worst == BLOB_DAMAGED)
        return fail(err, err_len, VG_E_CORRUPT,
                    "the master key blob decrypts only in part: damaged header (user key IV or "
                    "key blob)");
    return fail(err, err_len, VG_E_PASSWORD,
                "wrong password: the master key blob does not decrypt");
}

int vg_ab_unlock(const struct vg_ab_header *h, const char *password, size_t len,
                 struct vg_ab_keys *k, char *err, size_t err_len)
{
    unsigned char *eight = NULL;
    enum blob_state state = BLOB_NOISE, worst = BLOB_NOISE;
    enum vg_ab_form f;
    size_t n8;
    int rc = VG_OK, t;

    if (err && err_len)
        err[0] = '\0';
    if (!h || !k || h->crypt != VG_AB_AES256)
        return fail(err, err_len, VG_E_INVAL, "not an encrypted backup header");
    memset(k, 0, sizeof *k);
    if (!password || len == 0)
        return fail(err, err_len, VG_E_PASSWORD,
                    "the backup is encrypted and no password was given");
    if (h->rounds == 0 || h->rounds > VG_MAX_AB_ROUNDS)
        return fail(err, err_len, VG_E_LIMIT, "rounds %u outside 1..%u", h->rounds,
                    VG_MAX_AB_ROUNDS);
    eight = vg_malloc(len);
    if (!eight)
        return fail(err, err_len, VG_E_NOMEM, "out of memory");
    n8 = vg_ab_password_8bit(password, len, eight);
    f = vg_ab_native_form(h->version);
    for (t = 0; t < 2; t++, f = other_form(f)) {
        const unsigned char *pw = f == VG_AB_FORM_UTF8 ? (const unsigned char *)password : eight;
        size_t n = f == VG_AB_FORM_UTF8 ? len : n8;
        /* an ASCII password reads the same in both forms: derive once */
        if (t == 1 && n8 == len && memcmp(eight, password, len) == 0)
            break;
        if (try_password(h, pw, n, k, &state, &rc)) {
            k->pw_form = f;
            goto out;
        }
        if (rc != VG_OK)
            break;
        if (state > worst)
            worst = state;
    }
    vg_wipe(k, sizeof *k);
    if (rc != VG_OK)
        rc = fail(err, err_len, rc, "key derivation failed: %s", vg_strerror(rc));
    else
        rc = unlock_error(worst, err, err_len);
out:
    vg_free_secret(eight, len);
    return rc;
}
