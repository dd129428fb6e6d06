/*
 * The package service's Receiver Resolver Table (MVT's
 * DumpsysReceiversArtifact.parse; grammar in docs/formats/dumpsys.md).
 *
 * MVT fills one dict {intent: [receivers]}. vigie hands over one intent at
 * a time, {intent: [receivers]}, as soon as its block ends, so only one
 * block is held.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/dumpsys_int.h"

#define WHAT "receivers"

struct block {
    struct vg_buf intent;
    json_t *receivers; /* NULL: no block open */
    int full;          /* VG_MAX_DUMPSYS_ITEMS reached, said once */
};

static int close_block(struct block *b, struct vg_dumpsys_sink *sink)
{
    json_t *rec;

    if (!b->receivers)
        return VG_OK;
    rec = json_object();
    if (rec && json_object_setn_new(rec, b->intent.data ? b->intent.data : "", b->intent.len,
                                    b->receivers) != 0) {
        json_decref(rec);
        rec = NULL;
    }
    if (!rec)
        json_decref(b->receivers);
    b->receivers = NULL;
    return vg_dumpsys_emit(sink, rec);
}

static int open_block(struct block *b, struct vg_dumpsys_sink *sink, struct vg_str intent)
{
    int rc;

    if ((rc = close_block(b, sink)) != VG_OK)
        return rc;
    vg_buf_reset(&b->intent);
    if ((rc = vg_buf_append(&b->intent, intent.p, intent.n)) != VG_OK)
        return rc;
    b->full = 0;
    b->receivers = json_array();
    return b->receivers ? VG_OK : VG_E_NOMEM;
}

static int add_receiver(struct block *b, struct vg_dumpsys_sink *sink, size_t lineno,
                        struct vg_str receiver)
{
    static const char *const keys[] = {"package_name", "receiver"};
    const struct vg_str vals[] = {vg_dumpsys_head(receiver, '/'), receiver};

    if (json_array_size(b->receivers) >= VG_MAX_DUMPSYS_ITEMS) {
        if (!b->full)
            vg_dumpsys_warn(sink, WHAT, lineno, "more than %u receivers for one intent",
                            VG_MAX_DUMPSYS_ITEMS);
        b->full = 1;
        return VG_OK;
    }
    return vg_dumpsys_append(b->receivers, vg_dumpsys_strs(2, keys, vals));
}

static int is_action(struct vg_str line)
{
    return vg_str_starts(line, "      ") && !vg_str_starts(line, "        ") &&
           vg_str_find(line, ':') >= 0;
}

/* One line of the Non-Data Actions, after the blank-line test. */
static int action_line(struct block *b, struct vg_dumpsys_sink *sink, size_t lineno,
                       struct vg_str line, struct vg_buf *tmp)
{
    struct vg_str s = vg_str_py_strip(line), first, intent;
    int rc;

    if (is_action(line)) {
        /* self.results[intent] = []: a fresh list, even for a name seen */
        if ((rc = vg_dumpsys_remove_all(tmp, s, ":", &intent)) != VG_OK)
            return rc;
        return open_block(b, sink, intent);
    }
    if (!vg_str_until(&s, ' ', &first)) {
        /* one field: a mis-indented action ("name:") continues or opens
         * its block (setdefault); anything else is skipped */
        if (!vg_str_ends(s, ":"))
            return VG_OK;
        intent = vg_str_sub(s, 0, s.n - 1);
        if (b->receivers && vg_str_same(intent, (struct vg_str){b->intent.data, b->intent.len}))
            return VG_OK;
        return open_block(b, sink, intent);
    }
    if (!b->receivers || b->intent.len == 0) /* Python's "not intent" */
        return VG_OK;
    if (!vg_str_starts(line, "        "))
        return close_block(b, sink); /* intent = None */
    return add_receiver(b, sink, lineno, vg_dumpsys_head(s, ' '));
}

static int parse(struct vg_dumpsys_lines *r, struct vg_dumpsys_sink *sink, struct block *b,
                 struct vg_buf *tmp)
{
    struct vg_str line;
    int in_table = 0, in_actions = 0, rc;

    while ((rc = vg_dumpsys_lines_next(r, &line)) == 1) {
        if (vg_str_starts(line, "Receiver Resolver Table:")) {
            in_table = 1;
            continue;
        }
        if (!in_table)
            continue;
        if (vg_str_starts(line, "  Non-Data Actions:")) {
            in_actions = 1;
            continue;
        }
        if (!in_actions)
            continue;
        if (vg_dumpsys_blank(line))
            break;
        if ((rc = action_line(b, sink, r->lineno, line, tmp)) != VG_OK)
            return rc;
    }
    if (rc < 0)
        return rc;
    return close_block(b, sink);
}

int vg_dumpsys_receivers(const struct vg_dumpsys_section *sec, struct vg_dumpsys_sink *sink)
{
    struct vg_dumpsys_lines r;
    struct block b;
    struct vg_buf tmp;
    int rc;

    memset(&b, 0, sizeof(b));
    vg_buf_init(&b.intent, 3 * (size_t)VG_MAX_TEXT_LINE + 1);
    vg_buf_init(&tmp, 3 * (size_t)VG_MAX_TEXT_LINE + 1);
    vg_dumpsys_lines_init(&r, sec);
    rc = parse(&r, sink, &b, &tmp);
    vg_dumpsys_done(sink, WHAT, &r);
    vg_dumpsys_lines_free(&r);
    json_decref(b.receivers);
    vg_buf_free(&b.intent);
    vg_buf_free(&tmp);
    return rc;
}
