/*
 * One private temporary folder per process, for the copies of evidence that
 * must be opened read-write (SQLite databases with a WAL) and for decrypted
 * files. It lives on tmpfs (/dev/shm) when possible, so decrypted bytes do
 * not reach a disk, and is removed at exit, by vg_tmp_cleanup(), or from a
 * signal handler by vg_tmp_cleanup_signal_safe().
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_UTIL_TMP_H
#define VG_UTIL_TMP_H

#include "util/vg.h"

/* The folder (mode 0700), created on first use under /dev/shm when it is a
 * writable folder, else $TMPDIR, else /tmp. *path is borrowed and stays valid
 * until vg_tmp_cleanup(). */
int vg_tmp_dir(const char **path) VG_MUST_CHECK;

/* A path inside the folder that nothing else uses: "<dir>/<n>-<name>". name
 * is a plain file name (no '/', not "." or ".."). The file itself is not
 * created; the path is remembered so cleanup removes whatever the caller puts
 * there (a file, or an empty folder). The caller frees *out. */
int vg_tmp_path(const char *name, char **out) VG_MUST_CHECK;

/* Remembers one more path inside the folder for the signal-safe cleanup
 * (e.g. the -wal and -shm files SQLite creates beside a copy). Paths added
 * later are removed first, so register a folder before its files. */
int vg_tmp_track(const char *path) VG_MUST_CHECK;

/* Overwrites and removes one path inside the folder: a file, or a folder
 * with everything in it (e.g. one SQLite copy when it is closed). Paths
 * outside the folder are left alone. */
void vg_tmp_remove(const char *path);

/* Overwrites every regular file in the folder with zeros, removes all of it
 * and the folder. Safe to call twice; the next vg_tmp_dir() makes a new one. */
void vg_tmp_cleanup(void);

/* Removes (wiping their files) the private folders earlier runs of this
 * user left behind because their process was killed (SIGKILL, a crash):
 * folders named for a process that is gone. said (may be NULL) is told
 * each path. Returns how many were removed. */
size_t vg_tmp_reap_stale(void (*said)(void *ud, const char *path), void *ud);

/* For SIGINT/SIGTERM handlers: only unlink() and rmdir() over the paths
 * remembered in advance, no allocation, no locks, no overwriting. */
void vg_tmp_cleanup_signal_safe(void);

#endif
