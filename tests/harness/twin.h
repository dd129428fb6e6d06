/*
 * Twin backups for the encrypted-backup tests: the same backup built twice
 * by the same fixture calls, once plain and once encrypted, so every check
 * of the encrypted one can be compared with the plain one byte for byte.
 * They hold a few module artifacts (sms.db with un-checkpointed rows in its
 * -wal, .GlobalPreferences.plist, an app, text files, a file of several
 * megabytes), each carrying a marker string so tests can look for
 * plaintext left behind anywhere.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_TESTS_IOS_TWIN_H
#define VG_TESTS_IOS_TWIN_H

#include <stddef.h>
#include <stdint.h>

#include "fixture.h"

#define VGT_PASSWORD "correct horse battery staple"
#define VGT_ITER     16u

struct vgt_twin {
    char *work;  /* private folder holding both (removed by vgt_free) */
    char *plain; /* <work>/plain/backup */
    char *enc;   /* <work>/enc/backup */
    char marker[64];
    unsigned char key[32]; /* the password key, as the fixture derived it */
};

/* extra (may be NULL) adds more to each builder, called with enc = 0 for
 * the plain twin and 1 for the encrypted one, before finish. legacy: the
 * pre-iOS 10.2 keybag. */
void vgt_build(struct vgt_twin *t, const char *tag, uint32_t iterations, int legacy,
               void (*extra)(struct vgfix_backup *b, int enc, void *ud), void *ud);
void vgt_free(struct vgt_twin *t);

/* Files under dir (recursively, skipping the folder skip, which may be
 * NULL) whose bytes contain marker. */
size_t vgt_find_marker(const char *dir, const char *marker, const char *skip);

/* Every file of result folder a equals b's, except the run date: info.json
 * is compared without "date", command.log without its date line. Prints
 * the first difference and returns -1, else 0. */
int vgt_same_results(const char *a, const char *b);

/* A formatted path or string, malloc()ed (never truncated): free() it. */
char *vgt_str(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs a shell command; returns its exit status, its output in *out
 * (free it) when out is not NULL. */
int vgt_run(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
