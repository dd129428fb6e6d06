/*
 * remotectl_dumpstate.txt (see remotectl.h). Hand-written: a line grammar
 * no library reads.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/apple/remotectl.h"

/* Where the "Local device" section starts and ends: the line naming it
 * flush left, up to the next line flush left. Whole text when absent. */
static void local_section(const void *text, size_t len, size_t *start, size_t *end)
{
    struct vg_lines l;
    struct vg_str line;
    int in = 0;

    *start = 0;
    *end = len;
    vg_lines_init(&l, text, len, VG_MAX_APPLE_TEXT_LINE);
    for (;;) {
        size_t off = vg_lines_offset(&l);
        if (!vg_lines_next(&l, &line))
            break;
        if (line.n == 0 || vg_str_indent(line) > 0)
            continue;
        if (in) {
            *end = off;
            return;
        }
        if (vg_str_starts(vg_str_trim(line), "Local device")) {
            in = 1;
            *start = vg_lines_offset(&l);
        }
    }
}

int vg_remotectl_props(const void *text, size_t len, const char *const *keys, size_t n,
                       struct vg_str *values)
{
    struct vg_lines l;
    struct vg_str line, key, value;
    size_t start, end, i;

    for (i = 0; i < n; i++)
        values[i] = (struct vg_str){NULL, 0};
    if (len > VG_MAX_REMOTECTL_FILE)
        return VG_E_LIMIT;
    local_section(text, len, &start, &end);
    vg_lines_init(&l, (const char *)text + start, end - start, VG_MAX_APPLE_TEXT_LINE);
    while (vg_lines_next(&l, &line)) {
        line = vg_str_trim(line);
        if (!vg_str_until_str(&line, " => ", &key))
            continue;
        key = vg_str_trim(key);
        value = vg_str_trim(line);
        for (i = 0; i < n; i++)
            if (!values[i].p && vg_str_eq(key, keys[i]))
                values[i] = value;
    }
    return VG_OK;
}
