/*
 * The package service's Receiver Resolver Table (MVT's
 * DumpsysReceiversArtifact.parse; grammar in docs/formats/dumpsys.md).
 *
 * MVT fills one dict {intent: [receivers]}, where a mis-indented action
 * header adds to the list of that intent wherever it was first met. To give
 * the same lists, the dict is kept (up to VG_MAX_DUMPSYS_RECORDS receivers:
 * a fraction of the section, which is in memory anyway) and handed over at
 * the end, one intent per record, in MVT's order.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/dumpsys_int.h"

#define WHAT "receivers"

struct table {
    json_t *results; /* MVT's dict */
    json_t *list;    /* the open intent's list (borrowed), NULL: intent = None */
    int empty;       /* the open intent is "" (Python's "not intent") */
    size_t receivers;
    int full; /* VG_MAX_DUMPSYS_RECORDS reached, said once */
};

/* Receivers and intents both count towards VG_MAX_DUMPSYS_RECORDS. */
static int room(struct table *t, struct vg_dumpsys_sink *sink, size_t lineno)
{
    if (t->receivers < VG_MAX_DUMPSYS_RECORDS) {
        t->receivers++;
        return 1;
    }
    if (!t->full)
        vg_dumpsys_warn(sink, WHAT, lineno, "more than %u intents and receivers",
                        VG_MAX_DUMPSYS_RECORDS);
    t->full = 1;
    return 0;
}

/* self.results[intent] = [] (fresh: replace) or setdefault(intent, []). */
static int open_intent(struct table *t, struct vg_dumpsys_sink *sink, size_t lineno,
                       struct vg_str intent, int fresh)
{
    const char *key = intent.n ? intent.p : "";
    json_t *list = json_object_getn(t->results, key, intent.n);

    t->list = NULL;
    if (!list && !room(t, sink, lineno))
        return VG_OK;
    if (!list || fresh) {
        if (!(list = json_array()) || json_object_setn_new(t->results, key, intent.n, list) != 0)
            return VG_E_NOMEM;
    }
    t->list = list;
    t->empty = intent.n == 0;
    return VG_OK;
}

static int add_receiver(struct table *t, struct vg_dumpsys_sink *sink, size_t lineno,
                        struct vg_str receiver)
{
    static const char *const keys[] = {"package_name", "receiver"};
    const struct vg_str vals[] = {vg_dumpsys_head(receiver, '/'), receiver};

    if (!room(t, sink, lineno))
        return VG_OK;
    return vg_dumpsys_append(t->list, vg_dumpsys_strs(2, keys, vals));
}

static int is_action(struct vg_str line)
{
    return vg_str_starts(line, "      ") && !vg_str_starts(line, "        ") &&
           vg_str_find(line, ':') >= 0;
}

/* One line of the Non-Data Actions, after the blank-line test. */
static int action_line(struct table *t, struct vg_dumpsys_sink *sink, size_t lineno,
                       struct vg_str line, struct vg_buf *tmp)
{
    struct vg_str s = vg_str_py_strip(line), first, intent;
    int rc;

    if (is_action(line)) {
        if ((rc = vg_dumpsys_remove_all(tmp, s, ":", &intent)) != VG_OK)
            return rc;
        return open_intent(t, sink, lineno, intent, 1);
    }
    if (!vg_str_until(&s, ' ', &first)) {
        /* one field: MVT's fix for an action printed at another
         * indentation ("name:"); anything else is skipped */
        if (!vg_str_ends(s, ":"))
            return VG_OK;
        return open_intent(t, sink, lineno, vg_str_sub(s, 0, s.n - 1), 0);
    }
    if (!t->list || t->empty) /* Python's "not intent" */
        return VG_OK;
    if (!vg_str_starts(line, "        ")) {
        t->list = NULL; /* intent = None */
        return VG_OK;
    }
    return add_receiver(t, sink, lineno, vg_dumpsys_head(s, ' '));
}

/* The dict, one member per record. */
static int hand_over(struct table *t, struct vg_dumpsys_sink *sink)
{
    void *it;
    int rc = VG_OK;

    for (it = json_object_iter(t->results); it && rc == VG_OK;
         it = json_object_iter_next(t->results, it)) {
        size_t n;
        const char *key = json_object_iter_key(it);
        json_t *rec = json_object();
        n = json_object_iter_key_len(it);
        if (rec && json_object_setn(rec, key, n, json_object_iter_value(it)) != 0) {
            json_decref(rec);
            rec = NULL;
        }
        rc = vg_dumpsys_emit(sink, rec);
    }
    return rc;
}

static int parse(struct vg_dumpsys_lines *r, struct vg_dumpsys_sink *sink, struct table *t,
                 struct vg_buf *tmp)
{
    struct vg_str line;
    int state = 0, rc;

    while ((rc = vg_dumpsys_actions_next(r, "Receiver Resolver Table:", &state, &line)) == 1) {
        if ((rc = action_line(t, sink, r->lineno, line, tmp)) != VG_OK)
            return rc;
    }
    if (rc < 0)
        return rc;
    return hand_over(t, sink);
}

int vg_dumpsys_receivers(const struct vg_dumpsys_section *sec, struct vg_dumpsys_sink *sink)
{
    struct vg_dumpsys_lines r;
    struct table t;
    struct vg_buf tmp;
    int rc;

    memset(&t, 0, sizeof(t));
    vg_buf_init(&tmp, 3 * (size_t)VG_MAX_TEXT_LINE + 1);
    vg_dumpsys_lines_init(&r, sec);
    t.results = json_object();
    rc = t.results ? parse(&r, sink, &t, &tmp) : VG_E_NOMEM;
    vg_dumpsys_done(sink, WHAT, &r);
    vg_dumpsys_lines_free(&r);
    json_decref(t.results);
    vg_buf_free(&tmp);
    return rc;
}
