/*
 * Correlated stories: events of different modules linked in time. A
 * module's timeline events that can be part of a story are kept as
 * signals while it runs (an indicator hit in a message, a page, a lookup;
 * a process first seen, a crash, a new file, an install); when every
 * module has run, each rule of one table (docs/correlation.md) links a
 * trigger to what followed it within the rule's window, and each story
 * becomes one alert that lists its events and why they were linked. The
 * parts stay as their own records and alerts.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_SCAN_CORRELATE_H
#define VG_SCAN_CORRELATE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum vg_sig_kind {
    VG_SIG_MESSAGE, /* a message or call that matched an indicator */
    VG_SIG_WEB,     /* a page or site that matched an indicator */
    VG_SIG_LOOKUP,  /* an indicator's address looked up (IDStatusCache) */
    VG_SIG_PROCESS, /* a process first seen (DataUsage, netusage) */
    VG_SIG_CRASH,   /* a crash report */
    VG_SIG_FILE,    /* a file created */
    VG_SIG_INSTALL, /* an app or a configuration profile installed */
    VG_SIG_COUNT
};

struct vg_signal {
    int64_t us;     /* event time, microseconds since 1970 */
    uint8_t kind;   /* enum vg_sig_kind */
    uint8_t strong; /* its record matched an indicator */
    const char *module;
    char *time;  /* as the timeline has it */
    char *event; /* the timeline's event */
    char *what;  /* its description, cut at VG_MAX_SIGNAL_TEXT */
};

/* Signals in the order they were added. */
struct vg_signals {
    struct vg_signal *v;
    size_t n, cap;
    int nomem;     /* sticky */
    size_t capped; /* past VG_MAX_SIGNALS: not kept */
};

void vg_signals_free(struct vg_signals *l);

/* A timeline event of module (its result name), whose record raised an
 * alert of level (-1: none): kept when some rule can use it. */
void vg_signals_offer(struct vg_signals *l, const char *module, const char *timestamp,
                      const char *event, const char *description, int level);
/* Moves every signal of from to the end of to. */
void vg_signals_take(struct vg_signals *to, struct vg_signals *from);

/* One story found by vg_correlate. */
struct vg_story {
    int level;        /* enum vg_level */
    char *message;    /* the alert's message */
    const char *time; /* the trigger's (borrowed from the signals) */
    json_t *event;    /* {rule, why, window_seconds, trigger, events: [...]} */
};

/* The stories in l (whose signals it sorts by time), in time order;
 * cb(ud, story) for each: it takes the event's reference. Returns VG_OK or
 * VG_E_NOMEM. */
int vg_correlate(struct vg_signals *l, void (*cb)(void *ud, struct vg_story *story), void *ud);

/* The rule table, for docs and tests: name, window in seconds, why. */
size_t vg_correlation_rules(const char **names, int64_t *windows, const char **whys, size_t cap);

#endif
