/*
 * Fuzz target: the typedstream text reader (src/lib/formats/typedstream.c)
 * on any bytes, as sms.db's attributedBody may hold. A text it returns
 * must lie inside the input, be UTF-8 without NUL, and stay under the cap.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "formats/apple/typedstream.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const unsigned char *t = NULL;
    size_t len = 0;
    uintptr_t lo = (uintptr_t)data, at;

    if (vg_typedstream_text(data, size, &t, &len) != VG_OK)
        return 0;
    at = (uintptr_t)t;
    if (at < lo || at - lo > size || len > size - (at - lo) || len > VG_MAX_TEXT_SCAN)
        abort();
    if (memchr(t, '\0', len) || !vg_utf8_valid(t, len))
        abort();
    return 0;
}
