/*
 * The JSON files of an AndroidQF acquisition: packages.json,
 * processes.json (and processes.txt when it holds the same JSON),
 * files.json, root_binaries.json and mounts.json. Shapes per androidqf
 * version are in docs/formats/androidqf.md.
 *
 * Each file is a JSON array (files.json may also be one object per line,
 * as MVT accepts); its items are parsed one at a time with jansson, so
 * memory follows the largest item (at most VG_MAX_AQF_JSON_ITEM), not the
 * file, and a damaged item is a warning naming its index and offset while
 * the next items are still read. Before jansson sees an item, invalid
 * UTF-8 becomes U+FFFD (with a warning) and integers beyond 64 bits (an
 * APK certificate's SerialNumber often is one) become strings of the same
 * digits: jansson holds neither.
 *
 * The shape is checked field by field: a known field of the wrong type is
 * a warning naming the JSON path ("[3].files[0].sha256: expected a
 * string, found an integer") and the record is still delivered as the
 * file has it, so consumers read fields with jansson's typed getters.
 * Unknown fields are kept without a word: newer androidqf versions add
 * some. Items that are not what the file lists (an object, a string) are
 * warned about and skipped.
 *
 * Every function returns VG_OK when it read to the end (problems were
 * warnings), VG_E_TRUNCATED or VG_E_CORRUPT when the file's structure
 * could not be followed any further (records up to there were delivered),
 * VG_E_NOMEM, VG_E_LIMIT past VG_MAX_AQF_RECORDS, or what the record
 * callback returned.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_ANDROID_AQF_JSON_H
#define VG_FORMATS_ANDROID_AQF_JSON_H

#include "formats/android/aqf.h"

/* packages.json: each package object as the file has it (MVT's
 * AQFPackages records are the file's objects): name, files[] (path,
 * local_name, md5, sha1, sha256, sha512, error, verified_certificate,
 * certificate{Md5, Sha1, Sha256, ValidFrom, ValidTo, Issuer, Subject,
 * SignatureAlgorithm, SerialNumber}, certificate_error,
 * trusted_certificate), installer, uid, disabled, system, third_party.
 * "files": null (androidqf before 2022) is accepted. */
int vg_aqf_packages_parse(const void *data, size_t len, struct vg_aqf_sink *s) VG_MUST_CHECK;

/* processes.json (androidqf 1.8.0 on) and processes.txt holding JSON
 * (1.6.1 to 1.7.1): the collector's process objects as the file has them:
 * pid, uid, ppid, pgroup, psid, filename, priority, state, user_time,
 * kernel_time, path, context, previous_context, command_line[], env[],
 * cwd. MVT reads neither file. */
int vg_aqf_processes_parse(const void *data, size_t len, struct vg_aqf_sink *s) VG_MUST_CHECK;

/* The device's offset from UTC at a time, for files.json's times (MVT
 * writes them as the device's wall clock). VG_OK and *offset in seconds;
 * anything else: UTC is used. */
struct vg_aqf_tz {
    int (*utc_offset)(void *ud, int64_t utc, int64_t *offset);
    void *ud;
};

/* files.json: each file object as the file has it, with access_time,
 * changed_time and modified_time (Unix seconds) turned into
 * "YYYY-MM-DD HH:MM:SS.ffffff" in the device's time zone as MVT's AQFFiles
 * does (tz NULL or no offset: UTC). A time that is not a number, or out of
 * the years 1-9999, is left as it is, with a warning. */
int vg_aqf_files_parse(const void *data, size_t len, const struct vg_aqf_tz *tz,
                       struct vg_aqf_sink *s) VG_MUST_CHECK;

/* root_binaries.json: an array of "which -a" outputs. One record per path
 * line, as MVT's RootBinaries: {"path": str, "binary_name": str,
 * "description": str}. An output naming several paths (one per line) is
 * one record per path; MVT makes one record of the whole text. */
int vg_aqf_root_binaries_parse(const void *data, size_t len, struct vg_aqf_sink *s) VG_MUST_CHECK;

/* The description MVT gives a root binary's (lower-cased) name, or
 * "Unknown root binary". */
const char *vg_aqf_root_binary_description(const char *name);
/* RootBinaries' HIGH alert for every record: binary_name, path. */
#define VG_AQF_ROOT_BINARY_MSG "Found root binary \"%s\" at path \"%s\""

/* mounts.json: an array of mount lines, read as vg_mounts_parse reads
 * them joined by "\n" (MVT's Mounts); line numbers in warnings count
 * those joined lines. */
int vg_aqf_mounts_parse(const void *data, size_t len, struct vg_aqf_sink *s) VG_MUST_CHECK;

/* JSON text p[0..n) counted for integer literals (outside strings) that
 * int64 cannot hold; with b set, copied into b with each of them quoted as
 * a string of the same digits (jansson rejects such integers: an APK
 * certificate's SerialNumber in MVT's aqf_packages.json is one). Returns
 * how many there are, or -1 when b could not grow. */
long vg_aqf_json_big_ints(const char *p, size_t n, struct vg_buf *b);

#endif
