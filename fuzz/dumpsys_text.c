/*
 * Fuzz target: serving dumpsys sections from one text
 * (src/lib/sources/dumpsys_text.c): for each decoding and a few service
 * names, the section the index gives must be the one the splitter finds
 * by itself (vg_dumpsys_find), byte for byte: the one split shared by the
 * decodings when the text allows must never change an answer. The getprop
 * block must lie inside the input.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "sources/dumpsys_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct got {
    int n;
    size_t line;
    struct vg_io *io;
};

static struct vg_dumpsys_text *text_obj;

static int take(void *ud, const struct vg_file *f)
{
    struct got *g = ud;

    g->n++;
    g->line = f->line;
    if (vg_dumpsys_text_open(text_obj, f, &g->io) != VG_OK)
        abort();
    return VG_OK;
}

static void same_as_find(const uint8_t *data, size_t size, const char *name,
                         enum vg_dumpsys_dec dec, const char *domain)
{
    struct vg_loc loc = {VG_LOC_DUMPSYS, domain, name};
    struct vg_dumpsys_section sec;
    struct got g = {0, 0, NULL};
    unsigned char *body = NULL;
    size_t len = 0;
    int rc = vg_dumpsys_find(data, size, name, dec, &sec);
    int n = vg_dumpsys_text_find(text_obj, &loc, take, &g, NULL);

    if (n < 0 && n != VG_E_LIMIT)
        abort();
    if (rc == VG_E_LIMIT || n == VG_E_LIMIT) {
        vg_io_free(g.io);
        return; /* past the cap on sections: where each stopped may differ */
    }
    if ((rc == VG_OK) != (g.n == 1))
        abort();
    if (g.n == 1) {
        if (vg_io_read_all(g.io, size, &body, &len) != VG_OK)
            abort();
        if (len != sec.body.n || (len && memcmp(body, sec.body.p, len) != 0) || g.line != sec.line)
            abort();
        free(body);
    }
    vg_io_free(g.io);
}

static void getprop_inside(const uint8_t *data, size_t size)
{
    struct vg_loc loc = {VG_LOC_DUMPSYS, "ignore", VG_DUMPSYS_GETPROP_BLOCK};
    struct got g = {0, 0, NULL};
    unsigned char *body = NULL;
    size_t len = 0;

    if (vg_dumpsys_text_find(text_obj, &loc, take, &g, NULL) < 0)
        abort();
    if (g.n == 1 && (vg_io_read_all(g.io, size, &body, &len) != VG_OK || len > size))
        abort();
    (void)data;
    free(body);
    vg_io_free(g.io);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"appops", "package", "adb", "CRITICAL cpuinfo", "x"};
    static const struct {
        enum vg_dumpsys_dec dec;
        const char *domain;
    } decs[] = {{VG_DUMPSYS_BYTES, "bytes"},
                {VG_DUMPSYS_IGNORE, "ignore"},
                {VG_DUMPSYS_REPLACE, "replace"}};
    size_t i, j;

    if (vg_dumpsys_text_new("fuzz", data, size, &text_obj) != VG_OK)
        return 0;
    /* the shared split is worked out on the first request that is not
     * REPLACE: ask in every order across inputs */
    for (i = 0; i < VG_ARRAY_LEN(decs); i++)
        for (j = 0; j < VG_ARRAY_LEN(names); j++)
            same_as_find(data, size, names[j], decs[(i + size) % 3].dec,
                         decs[(i + size) % 3].domain);
    getprop_inside(data, size);
    vg_dumpsys_text_free(text_obj);
    text_obj = NULL;
    return 0;
}
