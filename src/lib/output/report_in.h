/*
 * What report.c reads from a results folder: timeline CSV rows one at a
 * time, JSON files under a size cap, and the warnings of MVT's console.log.
 * Internal to src/lib/output.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_OUTPUT_REPORT_IN_H
#define VG_OUTPUT_REPORT_IN_H

#include <stdio.h>

#include <jansson.h>

#include "util/buf.h"

/* ---- CSV (RFC 4180: timeline.csv, alerts_timeline.csv) ---- */

#define RP_CSV_FIELDS 4

struct rp_csv {
    FILE *f;
    const char *name; /* for diagnostics */
    struct vg_diag *diag;
    size_t line; /* line the current row started on, from 1 */
    size_t rows; /* rows read */
    size_t cut;  /* fields cut at VG_MAX_REPORT_FIELD */
    size_t bad;  /* rows with a stray quote or an unclosed field */
    size_t next_line;
    struct vg_buf field[RP_CSV_FIELDS];
    size_t n; /* fields in the row (at most RP_CSV_FIELDS kept) */
};

/* Reads f (closed by rp_csv_close). */
void rp_csv_init(struct rp_csv *c, FILE *f, const char *name, struct vg_diag *diag);
/* Opens dir/name; VG_E_NOTFOUND when it is not there. */
int rp_csv_open(struct rp_csv *c, const char *dir, const char *name,
                struct vg_diag *diag) VG_MUST_CHECK;
/* 1: a row is in c->field[0..n); 0: end; < 0: a read error (reported). */
int rp_csv_next(struct rp_csv *c) VG_MUST_CHECK;
/* Field i of the row, "" past the end. */
const char *rp_csv_get(const struct rp_csv *c, size_t i);
/* Reports cut fields and malformed rows once, then closes. */
void rp_csv_close(struct rp_csv *c);

/* ---- JSON files ---- */

/* dir/name parsed whole when it is at most max bytes. VG_E_NOTFOUND when
 * absent (nothing reported); VG_E_LIMIT when larger, VG_E_CORRUPT when not
 * JSON: both reported as warnings naming the file. */
int rp_json_load(const char *dir, const char *name, size_t max, struct vg_diag *diag,
                 json_t **out) VG_MUST_CHECK;

/* Object member k as a string, or NULL when absent or not a string. */
const char *rp_jstr(const json_t *o, const char *k);

/* ---- MVT's console.log ---- */

/* The WARNING, ERROR and CRITICAL records of MVT's console.log (rich's
 * wrapped lines joined again), appended to out as {"level", "where",
 * "message"} objects like info.json's diagnostics; at most max of them.
 * VG_E_NOTFOUND when there is no console.log. */
int rp_console_warnings(const char *dir, size_t max, struct vg_diag *diag,
                        json_t *out) VG_MUST_CHECK;

/* ---- the folder ---- */

/* Names of the regular files in dir, sorted byte-wise, hidden ones left
 * out, at most VG_MAX_REPORT_FILES; a JSON array of {"name", "size"}. */
int rp_list_files(const char *dir, struct vg_diag *diag, json_t **out) VG_MUST_CHECK;

#endif
