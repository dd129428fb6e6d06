/*
 * MobileInstallation logs (a sysdiagnose's
 * logs/MobileInstallation/mobile_installation.log.0, .1, ...): installd's
 * own log of every app install, update and removal, with who asked for it.
 * Line grammar, the events read and sources: docs/formats/sysdiagnose.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_APPLE_MILOG_H
#define VG_FORMATS_APPLE_MILOG_H

#include "util/text.h"
#include "util/vg.h"

/* One entry: a line "Www Mmm dd HH:MM:SS YYYY [pid] <level> (0xthread)
 * function: message". Lines that start no entry (a plist or description
 * an entry continues with) are not part of it. Strings borrow the text. */
struct vg_milog_entry {
    int64_t local_time; /* the wall time as written, as if UTC (the log has no zone) */
    int64_t pid;        /* installd's; -1 when not a number */
    struct vg_str level, thread, function, message;
    size_t line;
};

enum vg_milog_kind {
    VG_MILOG_OTHER = 0,
    VG_MILOG_INSTALL_REQUEST, /* Install of "PATH" type T (LSInstallType = N) requested by P (pid N)
                               */
    VG_MILOG_INSTALLING,      /* Installing <MIInstallable... ID=B; Version=V, ShortVersion=S> */
    VG_MILOG_INSTALLED,       /* Install Successful for (B) / (Placeholder:B) ... */
    VG_MILOG_CONTAINER_LIVE,  /* Made container live for B at PATH */
    VG_MILOG_UNINSTALL_REQUEST, /* Uninstall requested by P (pid N) for identifier B ... */
    VG_MILOG_UNINSTALLING,      /* Uninstalling identifier B */
    VG_MILOG_CONTAINER_REMOVED, /* Destroying container with identifier B at PATH */
};

struct vg_milog_event {
    enum vg_milog_kind kind;
    struct vg_str bundle_id, version, short_version, install_type, path, requested_by;
    int64_t requested_pid; /* -1 when none */
};

/* Calls cb for every entry of text[0..len), in order. Lines before the
 * first entry and lines that start none are counted, not reported; a
 * line longer than VG_MAX_APPLE_TEXT_LINE is cut (its message too).
 * VG_E_LIMIT past VG_MAX_MI_LOG_FILE; cb's own error stops the walk. */
int vg_milog_each(const void *text, size_t len, int (*cb)(void *ud, const struct vg_milog_entry *e),
                  void *ud) VG_MUST_CHECK;

/* The install event a message states (kind VG_MILOG_OTHER for any other
 * message); the strings borrow message. */
void vg_milog_event(struct vg_str message, struct vg_milog_event *ev);
/* "install_request", "installing", ... */
const char *vg_milog_kind_name(enum vg_milog_kind kind);

#endif
