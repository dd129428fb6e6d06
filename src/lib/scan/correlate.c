/*
 * Correlated stories (see correlate.h and docs/correlation.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>
#include <string.h>

#include "scan/correlate.h"
#include "util/limits.h"

/* ---- what is a signal ---- */

struct sig_source {
    const char *module; /* result name */
    const char *event;  /* NULL: any event; "B": an event whose name holds B (MACB) */
    uint8_t kind;
    uint8_t needs_hit; /* 1: only when its record matched an indicator (MEDIUM or
                        * above); 2: when it raised any alert */
};

static const struct sig_source sources[] = {
    {"sms", NULL, VG_SIG_MESSAGE, 1},
    {"sms_attachments", NULL, VG_SIG_MESSAGE, 1},
    {"whatsapp", NULL, VG_SIG_MESSAGE, 1},
    {"calls", NULL, VG_SIG_MESSAGE, 1},
    {"interactionc", NULL, VG_SIG_MESSAGE, 1},
    {"backup_sms", NULL, VG_SIG_MESSAGE, 1},
    {"safari_history", NULL, VG_SIG_WEB, 1},
    {"safari_browserstate", NULL, VG_SIG_WEB, 1},
    {"chrome_history", NULL, VG_SIG_WEB, 1},
    {"firefox_history", NULL, VG_SIG_WEB, 1},
    {"webkit_resource_load_statistics", NULL, VG_SIG_WEB, 1},
    {"webkit_session_resource_log", NULL, VG_SIG_WEB, 1},
    {"idstatuscache", NULL, VG_SIG_LOOKUP, 1},
    {"datausage", "first_usage", VG_SIG_PROCESS, 0},
    {"netusage", "first_usage", VG_SIG_PROCESS, 0},
    {"crash_reporter", NULL, VG_SIG_CRASH, 0},
    {"crash_logs", NULL, VG_SIG_CRASH, 0},
    {"tombstones", NULL, VG_SIG_CRASH, 0},
    /* a phone writes files every minute: only one whose path is itself
     * flagged (an indicator, or a heuristic such as an implant's folder) */
    {"manifest", "B", VG_SIG_FILE, 2},
    {"filesystem", NULL, VG_SIG_FILE, 2},
    {"applications", "app_installed", VG_SIG_INSTALL, 0},
    {"configuration_profiles", NULL, VG_SIG_INSTALL, 0},
};

#define M(k) (1u << (k))

/* ---- the rules: data, one row each ---- */

struct rule {
    const char *name;
    unsigned triggers; /* kinds that start a story (always indicator hits) */
    unsigned follows;  /* kinds that may follow */
    int64_t window;    /* seconds after the trigger */
    const char *why;
};

static const struct rule rules[] = {
    {"message_then_process", M(VG_SIG_MESSAGE), M(VG_SIG_PROCESS) | M(VG_SIG_CRASH), 300,
     "a process was first seen, or a process crashed, within 5 minutes after a message or call "
     "that matched an indicator"},
    {"web_then_process", M(VG_SIG_WEB), M(VG_SIG_PROCESS) | M(VG_SIG_CRASH), 300,
     "a process was first seen, or a process crashed, within 5 minutes after a visit to a page "
     "that matched an indicator"},
    {"lookup_then_process", M(VG_SIG_LOOKUP), M(VG_SIG_PROCESS) | M(VG_SIG_CRASH), 600,
     "a process was first seen, or a process crashed, within 10 minutes after an indicator's "
     "address was looked up by the phone"},
    {"hit_then_file", M(VG_SIG_MESSAGE) | M(VG_SIG_WEB), M(VG_SIG_FILE), 60,
     "a file was created within a minute after a message or page that matched an indicator"},
    {"hit_then_install", M(VG_SIG_MESSAGE) | M(VG_SIG_WEB) | M(VG_SIG_LOOKUP), M(VG_SIG_INSTALL),
     3600,
     "an app or a configuration profile was installed within an hour after a message, page or "
     "lookup that matched an indicator"},
};

static const char *const kind_names[VG_SIG_COUNT] = {
    "message", "web", "lookup", "process", "crash", "file", "install",
};

size_t vg_correlation_rules(const char **names, int64_t *windows, const char **whys, size_t cap)
{
    size_t i;

    for (i = 0; i < VG_ARRAY_LEN(rules) && i < cap; i++) {
        if (names)
            names[i] = rules[i].name;
        if (windows)
            windows[i] = rules[i].window;
        if (whys)
            whys[i] = rules[i].why;
    }
    return VG_ARRAY_LEN(rules);
}

/* ---- collecting ---- */

static int matches_source(const struct sig_source *s, const char *module, const char *event,
                          int level)
{
    if (strcmp(s->module, module) != 0 || (s->needs_hit == 1 && level < VG_LEVEL_MEDIUM) ||
        (s->needs_hit == 2 && level < 0))
        return 0;
    if (!s->event)
        return 1;
    if (strcmp(s->event, "B") == 0)
        return strchr(event, 'B') != NULL && strlen(event) == 4;
    return strcmp(s->event, event) == 0;
}

static char *cut_dup(const char *s, size_t max)
{
    size_t n = strlen(s);
    char *d;

    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--; /* not inside a UTF-8 character */
    }
    d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static void signal_clear(struct vg_signal *g)
{
    free(g->time);
    free(g->event);
    free(g->what);
}

void vg_signals_free(struct vg_signals *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        signal_clear(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

static int push(struct vg_signals *l, const struct vg_signal *g)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct vg_signal *v = vg_realloc_array(l->v, cap, sizeof(*v));
        if (!v)
            return VG_E_NOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *g;
    return VG_OK;
}

void vg_signals_offer(struct vg_signals *l, const char *module, const char *timestamp,
                      const char *event, const char *description, int level)
{
    struct vg_signal g;
    size_t i;
    int hit = level >= VG_LEVEL_MEDIUM;

    if (l->nomem || !module || !timestamp || !*timestamp)
        return;
    event = event ? event : "";
    for (i = 0; i < VG_ARRAY_LEN(sources); i++)
        if (matches_source(&sources[i], module, event, level))
            break;
    if (i == VG_ARRAY_LEN(sources) || vg_isodate_parse(timestamp, &g.us) != VG_OK)
        return;
    if (l->n >= VG_MAX_SIGNALS) {
        l->capped++;
        return;
    }
    g.kind = sources[i].kind;
    g.strong = (uint8_t)hit;
    g.module = module; /* a module's name outlives the scan */
    g.time = vg_strdup(timestamp);
    g.event = vg_strdup(event);
    g.what = cut_dup(description ? description : "", VG_MAX_SIGNAL_TEXT);
    if (!g.time || !g.event || !g.what || push(l, &g) != VG_OK) {
        signal_clear(&g);
        l->nomem = 1;
    }
}

void vg_signals_take(struct vg_signals *to, struct vg_signals *from)
{
    size_t i;

    for (i = 0; i < from->n; i++) {
        if (to->nomem || push(to, &from->v[i]) != VG_OK) {
            to->nomem = 1;
            signal_clear(&from->v[i]);
        }
    }
    to->capped += from->capped;
    to->nomem |= from->nomem;
    free(from->v);
    memset(from, 0, sizeof(*from));
}

/* ---- linking ---- */

static int by_time(const void *a, const void *b)
{
    const struct vg_signal *x = a, *y = b;
    int c = (x->us > y->us) - (x->us < y->us);

    if (c)
        return c;
    c = strcmp(x->module, y->module);
    return c ? c : strcmp(x->what, y->what);
}

static json_t *signal_json(const struct vg_signal *g)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "time", g->time, "module", g->module, "kind",
                     kind_names[g->kind], "event", g->event, "description", g->what,
                     "matched_indicator", g->strong);
}

/* Independent signals that agree: the trigger (an indicator hit), each
 * kind that followed, and one more when something that followed matched
 * an indicator too. Two: HIGH; three or more: CRITICAL. */
static int story_level(const struct vg_signals *l, size_t from, size_t to, unsigned follows,
                       const struct vg_signal *t)
{
    unsigned kinds = 0;
    int strong = 0, n = 1;
    size_t i;

    for (i = from; i < to; i++) {
        const struct vg_signal *g = &l->v[i];
        if (!(follows & M(g->kind)) || strcmp(g->module, t->module) == 0)
            continue;
        kinds |= M(g->kind);
        strong |= g->strong;
    }
    for (i = 0; i < VG_SIG_COUNT; i++)
        n += (kinds >> i) & 1u;
    n += strong;
    return n >= 3 ? VG_LEVEL_CRITICAL : VG_LEVEL_HIGH;
}

struct collect {
    struct vg_story *v;
    size_t n, cap;
    int nomem;
};

/* Keeps a story: takes its message and its event's reference (its time is
 * the trigger signal's, which outlives the collection). */
static void keep(struct collect *c, struct vg_story *story)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        struct vg_story *v = vg_realloc_array(c->v, cap, sizeof(*v));
        if (!v) {
            c->nomem = 1;
            free(story->message);
            json_decref(story->event);
            return;
        }
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] = *story;
}

static int emit_story(const struct vg_signals *l, const struct rule *r, size_t ti, size_t end,
                      struct collect *c)
{
    const struct vg_signal *t = &l->v[ti], *first = NULL;
    json_t *events = json_array(), *ev;
    struct vg_story st;
    size_t i, n = 0;

    if (!events)
        return VG_E_NOMEM;
    for (i = ti + 1; i < end; i++) {
        const struct vg_signal *g = &l->v[i];
        if (!(r->follows & M(g->kind)) || strcmp(g->module, t->module) == 0)
            continue;
        first = first ? first : g;
        if (++n <= VG_MAX_STORY_EVENTS && json_array_append_new(events, signal_json(g)) != 0)
            goto nomem;
    }
    ev = json_pack("{s:s, s:s, s:I, s:o, s:o, s:I}", "rule", r->name, "why", r->why,
                   "window_seconds", (json_int_t)r->window, "trigger", signal_json(t), "events",
                   events, "event_count", (json_int_t)n);
    events = NULL;
    if (!ev)
        return VG_E_NOMEM;
    st.level = story_level(l, ti + 1, end, r->follows, t);
    st.time = t->time;
    st.event = ev;
    st.message = vg_asprintf("Correlated events (%s): %s: %s \"%s\" at %s, then %zu event%s within "
                             "%lld s, first %s \"%s\" at %s",
                             r->name, r->why, t->module, t->what, t->time, n, n == 1 ? "" : "s",
                             (long long)r->window, first->module, first->what, first->time);
    if (!st.message) {
        json_decref(ev);
        return VG_E_NOMEM;
    }
    keep(c, &st);
    return VG_OK;
nomem:
    json_decref(events);
    return VG_E_NOMEM;
}

/* The signals after trigger ti within the window: [ti + 1, *end); whether
 * one of them can follow it under r. */
static int window_of(const struct vg_signals *l, const struct rule *r, size_t ti, size_t *end)
{
    const struct vg_signal *t = &l->v[ti];
    int64_t limit = t->us + r->window * 1000000;
    size_t i;
    int any = 0;

    for (i = ti + 1; i < l->n && l->v[i].us <= limit; i++)
        if ((r->follows & M(l->v[i].kind)) && strcmp(l->v[i].module, t->module) != 0)
            any = 1;
    *end = i;
    return any;
}

static int run_rule(const struct vg_signals *l, const struct rule *r, struct collect *c)
{
    size_t ti, end, covered = 0;
    int rc = VG_OK;

    for (ti = 0; ti < l->n && rc == VG_OK; ti++) {
        const struct vg_signal *t = &l->v[ti];
        if (!t->strong || !(r->triggers & M(t->kind)) || !window_of(l, r, ti, &end))
            continue;
        /* a burst of triggers before the same events is one story */
        if (end <= covered)
            continue;
        covered = end;
        rc = emit_story(l, r, ti, end, c);
    }
    return rc;
}

static int by_story_time(const void *a, const void *b)
{
    const struct vg_story *x = a, *y = b;
    int c = strcmp(x->time, y->time);
    return c ? c : strcmp(x->message, y->message);
}

int vg_correlate(struct vg_signals *l, void (*cb)(void *ud, struct vg_story *story), void *ud)
{
    struct collect c = {NULL, 0, 0, 0};
    size_t i;
    int rc = VG_OK;

    if (l->nomem)
        return VG_E_NOMEM;
    if (l->n > 1)
        qsort(l->v, l->n, sizeof(*l->v), by_time);
    for (i = 0; i < VG_ARRAY_LEN(rules) && rc == VG_OK; i++)
        rc = run_rule(l, &rules[i], &c);
    if (c.nomem)
        rc = VG_E_NOMEM;
    if (c.n > 1)
        qsort(c.v, c.n, sizeof(*c.v), by_story_time);
    for (i = 0; i < c.n; i++) {
        if (rc == VG_OK)
            cb(ud, &c.v[i]);
        else
            json_decref(c.v[i].event);
        free(c.v[i].message);
    }
    free(c.v);
    return rc;
}
