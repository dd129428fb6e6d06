/*
 * Fuzz target: the output layer's JSON emitter (src/lib/output/json.c) on
 * evidence text, which is any bytes. Checks what must always hold: the
 * output is printable ASCII, jansson reads it back to exactly the input with
 * invalid UTF-8 replaced by U+FFFD, the UTF-8 writer behind the CSV fields
 * gives valid UTF-8 (the same bytes vg_utf8_repair gives), and a double read from the first 8 bytes
 * is written as text that reads back as the same double.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include <math.h>

#include "util/vg.h"
#include "output/json.h"
#include "output/output.h"
#include "util/pyfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ascii(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s < 0x20 && *s != '\n')
            abort();
        if ((unsigned char)*s > 0x7E)
            abort();
    }
}

static void check_utf8(const char *s, size_t n)
{
    size_t i = 0;
    uint32_t cp;

    while (i < n) {
        i += vg_utf8_next((const unsigned char *)s + i, n - i, &cp);
        if (cp == VG_UTF8_BAD)
            abort();
    }
}

static void check_string(const uint8_t *data, size_t size)
{
    struct vg_buf clean, repaired;
    struct vg_sink s = {NULL, &clean, VG_OK, 0, NULL, 0};
    json_t *v, *back;
    json_error_t err;
    char *out;

    vg_buf_init(&clean, 1u << 24);
    vg_sink_utf8(&s, (const char *)data, size);
    if (s.err != VG_OK)
        abort();
    check_utf8(clean.data ? clean.data : "", clean.len);
    /* the repair modules use puts the same replacement as the writers */
    vg_buf_init(&repaired, 1u << 24);
    if (vg_utf8_repair(&repaired, data, size) != VG_OK || repaired.len != clean.len ||
        memcmp(repaired.data, clean.data ? clean.data : "", clean.len) != 0 ||
        vg_utf8_valid(data, size) !=
            (clean.len == size && memcmp(clean.data ? clean.data : "", data, size) == 0))
        abort();
    vg_buf_free(&repaired);
    v = json_stringn_nocheck((const char *)data, size);
    out = v ? vg_json_dumps(v) : NULL;
    if (v && !out)
        abort();
    if (out) {
        check_ascii(out);
        back = json_loads(out, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
        if (!back || json_string_length(back) != clean.len ||
            memcmp(json_string_value(back), clean.data ? clean.data : "", clean.len) != 0)
            abort();
        json_decref(back);
    }
    free(out);
    json_decref(v);
    vg_buf_free(&clean);
}

static void check_real(const uint8_t *data, size_t size)
{
    char buf[VG_PY_REAL_BUF];
    double x;

    if (size < sizeof(x))
        return;
    memcpy(&x, data, sizeof(x));
    if (!isfinite(x))
        return;
    vg_py_repr_real(x, buf);
    if (strtod(buf, NULL) != x || (signbit(x) != 0) != (buf[0] == '-'))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_string(data, size);
    check_real(data, size);
    return 0;
}
