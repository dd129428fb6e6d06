/*
 * Fuzz target: deleted-row recovery (src/lib/formats/sqlite_recover.c) on
 * any bytes as a database image and its WAL, with a fixed schema
 * t(id INTEGER PRIMARY KEY, name TEXT, n INTEGER, r REAL, b BLOB) rooted at
 * page 2: once with the live rows walked from the image, once with an empty
 * caller live set (so a damaged live tree does not stop the carving), and
 * once with the schema the image's own sqlite_master gives for t, which
 * runs the CREATE TABLE parser on fuzzed text.
 * Input: 4 bytes big-endian length of the image, the image, then the WAL.
 * Every row delivered must be well formed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/vg.h"
#include "formats/sqlite_recover.h"

#define FIXED "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, n INTEGER, r REAL, b BLOB)"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct check {
    size_t ncols;
};

static int row_ok(void *ud, const struct vg_sqlr_row *row)
{
    const struct check *c = ud;
    size_t i;

    if (row->ncols == 0 || row->ncols > c->ncols || !row->values)
        abort();
    if (row->origin.page < 1 || row->origin.offset >= 65536)
        abort();
    if (row->origin.where < VG_SQLR_FREELIST || row->origin.where > VG_SQLR_DB_PAGE_OLD)
        abort();
    if (row->origin.where == VG_SQLR_WAL_FRAME && row->origin.frame < 1)
        abort();
    if (!row->has_rowid && !(row->flags & VG_SQLR_ROW_HEADER_LOST))
        abort();
    for (i = 0; i < row->ncols; i++) {
        const struct vg_sqlr_value *v = &row->values[i];
        switch (v->type) {
        case VG_SQLR_NULL:
        case VG_SQLR_INT:
        case VG_SQLR_REAL:
            break;
        case VG_SQLR_TEXT:
        case VG_SQLR_BLOB:
            if (v->n > VG_SQLR_MAX_PAYLOAD || (v->n && !v->p))
                abort();
            if (v->n) { /* both ends readable (ASan checks) */
                volatile unsigned char ends = (unsigned char)(v->p[0] ^ v->p[v->n - 1]);
                (void)ends;
            }
            break;
        default:
            abort();
        }
    }
    return VG_OK;
}

static void run(struct vg_sqlr *r, const struct vg_sqlr_schema *s, const struct vg_sqlr_live *l)
{
    struct vg_sqlr_opts opts = {l, 0};
    struct vg_sqlr_stats st;
    struct check c = {vg_sqlr_schema_ncols(s)};

    if (vg_sqlr_recover(r, s, &opts, row_ok, &c, &st) == VG_OK && st.limited)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vg_sqlr_schema *fixed;
    struct vg_sqlr_mem mdb, mwal;
    struct vg_sqlr_src sdb, swal;
    struct vg_sqlr *r = NULL;
    struct vg_sqlr_schema *own = NULL;
    struct vg_sqlr_live *l = NULL;
    size_t db_len;

    if (!fixed && vg_sqlr_schema_parse(FIXED, sizeof(FIXED) - 1, 2, &fixed, NULL, 0) != VG_OK)
        abort();
    if (size < 4)
        return 0;
    db_len = (size_t)data[0] << 24 | (size_t)data[1] << 16 | (size_t)data[2] << 8 | data[3];
    if (db_len > size - 4)
        db_len = size - 4;
    vg_sqlr_src_mem(&sdb, &mdb, data + 4, db_len);
    vg_sqlr_src_mem(&swal, &mwal, data + 4 + db_len, size - 4 - db_len);
    if (vg_sqlr_open(&sdb, &swal, "fuzz.db", NULL, &r) != VG_OK)
        return 0;
    run(r, fixed, NULL);
    if (vg_sqlr_live_new(&l) == VG_OK) {
        run(r, fixed, l);
        vg_sqlr_live_free(l);
    }
    if (vg_sqlr_table(r, "t", &own) == VG_OK) {
        run(r, own, NULL);
        vg_sqlr_schema_free(own);
    }
    vg_sqlr_free(r);
    return 0;
}
