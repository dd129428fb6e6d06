/*
 * Where iOS keeps its executables, for the checks of modules that see
 * process paths (ShutdownLog, Processes, CrashLogs): is a path where system
 * binaries or installed apps live, in one of the folders iShutdown found
 * implants in, or elsewhere; and is a process named like a known system
 * daemon running from somewhere else. The table and its sources:
 * docs/sysdiagnose.md ("System daemons and where they live").
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_IOS_EXEC_PATHS_H
#define VG_IOS_EXEC_PATHS_H

#include "util/text.h"
#include "util/vg.h"

enum vg_exec_place {
    VG_EXEC_NONE = 0,   /* not an absolute path (a kernel task, a name only) */
    VG_EXEC_SYSTEM,     /* the system volume, cryptexes, /Developer */
    VG_EXEC_APP,        /* an installed app's bundle */
    VG_EXEC_SUSPICIOUS, /* iShutdown's folders: /private/var/db/, /private/var/tmp/ */
    VG_EXEC_OTHER,      /* anywhere else: no binary of a stock iPhone lives there */
};

enum vg_exec_place vg_exec_place(struct vg_str path);
const char *vg_exec_place_name(enum vg_exec_place p); /* "system", "app", ... */

/* The last component of path. */
struct vg_str vg_exec_basename(struct vg_str path);

/* The executable in a ps COMMAND: the text up to its first " -" (an
 * argument), else all of it (iOS paths may hold spaces: "My App.app/My
 * App"), trailing blanks trimmed. */
struct vg_str vg_exec_of_command(struct vg_str command);

/* When the base name of path is a known system daemon's and path is not
 * where that daemon lives: its real path (static), else NULL. A cryptex
 * prefix (/System/Cryptexes/OS, /private/preboot/Cryptexes/OS) is ignored
 * on both sides. */
const char *vg_exec_imitated_daemon(struct vg_str path);

/* The known daemons, for tests and docs. */
struct vg_exec_daemon {
    const char *name;
    const char *path;
};
extern const struct vg_exec_daemon vg_exec_daemons[];
extern const size_t vg_exec_n_daemons;

#endif
