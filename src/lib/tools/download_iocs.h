/*
 * download-iocs internals, exposed for the tests and the fuzzer: reading
 * the public indicator index (MVT's indicators.yaml) and turning each entry
 * into a URL and a file name that cannot leave the indicators folder.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_TOOLS_DOWNLOAD_IOCS_H
#define VG_TOOLS_DOWNLOAD_IOCS_H

#include "util/vg.h"

/* The raw-file host MVT's index uses for its "github" entries. */
#define VG_DL_GITHUB_RAW "https://raw.githubusercontent.com"

/* One entry of the index, as written (every field may be NULL). */
struct vg_dl_entry {
    char *name; /* "NSO Group Pegasus Indicators of Compromise" */
    char *type; /* "github", or anything else with download_url */
    char *owner, *repo, *branch, *path;
    char *download_url;
};

struct vg_dl_index {
    struct vg_dl_entry *e;
    size_t n;
};

/* Parses the index text (YAML, at most VG_MAX_IOC_INDEX bytes): a mapping
 * whose "indicators" is a sequence of entry mappings. VG_E_CORRUPT, with a
 * diagnostic naming the line, when it is not. */
int vg_dl_index_parse(const char *text, size_t len, struct vg_diag *diag,
                      struct vg_dl_index *out) VG_MUST_CHECK;
void vg_dl_index_free(struct vg_dl_index *x);

/* The HTTPS URL to fetch for an entry and the file name to write it under:
 * a github entry's path with '/' as "__" ("2021-07-18_nso/pegasus.stix2"
 * gives "2021-07-18_nso__pegasus.stix2"), a download_url's last segment.
 * VG_E_INVAL, with *why saying what is wrong, for anything that could
 * leave the folder or is not a plain *.stix2 / *.json name ("../x",
 * "/etc/x", "a\\b", ".hidden"), a URL that is not https://, or characters
 * outside [A-Za-z0-9._-] in owner, repo, branch or a path segment. */
int vg_dl_entry_target(const struct vg_dl_entry *e, char **url, char **name,
                       const char **why) VG_MUST_CHECK;

/* The record of what was downloaded, in the indicators folder (hidden, so
 * the folder loader, which reads every *.json, leaves it alone). */
#define VG_DL_SOURCES ".sources.json"

#endif
