/*
 * AnalyticsIOSVersions: when each iOS build first appears in the keychain's
 * analytics databases (the "build" value of their rows), as MVT's
 * AnalyticsIOSVersions: a timeline of the builds the phone ran. No check.
 *
 * MVT names each build's version from a table it ships (ios_versions.json);
 * vigie carries no such table, so "version" is "" as MVT writes it for a
 * build its table lacks (docs/mvt-differences.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <stdlib.h>

#include "modules/ios/common.h"
#include "modules/ios/fs_common.h"

static const struct vg_loc av_locs[] = {
    {VG_LOC_FS, NULL, "private/var/Keychains/Analytics/*.db"},
};

enum { F_ISODATE, F_BUILD, F_VERSION };
static const char *const av_fields[] = {"isodate", "build", "version"};

/* Builds in the order first met, each with its earliest time. */
struct build {
    char *build;
    char isodate[VG_ISODATE_LEN + 1];
};

struct builds {
    struct build *v;
    size_t n, cap;
};

static int see(struct vg_run *run, json_t *obj, void *ud)
{
    struct builds *b = ud;
    const char *build = json_string_value(json_object_get(obj, "build"));
    const char *iso = json_string_value(json_object_get(obj, "isodate"));
    size_t i;
    int rc = VG_OK;

    if (!build || !*build || !iso || !*iso || strlen(iso) > VG_ISODATE_LEN)
        goto out;
    for (i = 0; i < b->n; i++) {
        if (strcmp(b->v[i].build, build) == 0) {
            /* same format: the text order is the time order */
            if (strcmp(iso, b->v[i].isodate) < 0)
                memcpy(b->v[i].isodate, iso, strlen(iso) + 1);
            goto out;
        }
    }
    if (b->n >= VG_MAX_NET_NAMES)
        goto out; /* no phone ran that many builds */
    if (b->n == b->cap) {
        size_t ncap = b->cap ? 2 * b->cap : 16;
        struct build *nv = vg_realloc_array(b->v, ncap, sizeof(*nv));
        if (!nv) {
            rc = VG_E_NOMEM;
            goto out;
        }
        b->v = nv;
        b->cap = ncap;
    }
    b->v[b->n].build = vg_strdup(build);
    if (!b->v[b->n].build) {
        rc = VG_E_NOMEM;
        goto out;
    }
    memcpy(b->v[b->n].isodate, iso, strlen(iso) + 1);
    b->n++;
out:
    json_decref(obj);
    if (rc != VG_OK)
        vg_run_nomem(run);
    return rc;
}

static int av_extract(struct vg_run *run)
{
    struct builds b = {NULL, 0, 0};
    struct vg_sorted s;
    size_t i;
    int rc;

    memset(&s, 0, sizeof(s));
    rc = vg_ios_analytics_each(run, &av_locs[0], see, &b);
    for (i = 0; i < b.n; i++) {
        if (rc == VG_OK)
            rc = vg_sorted_add(run, &s,
                               json_pack("{s:s, s:s, s:s}", "isodate", b.v[i].isodate, "build",
                                         b.v[i].build, "version", ""));
        free(b.v[i].build);
    }
    free(b.v);
    if (rc != VG_OK) {
        vg_sorted_free(&s);
        return rc;
    }
    for (i = 0; i < s.n; i++)
        vg_run_log(run, VG_DIAG_INFO, "iOS version (%s) first appeared on %s",
                   json_string_value(json_object_get(s.v[i], "build")),
                   json_string_value(json_object_get(s.v[i], "isodate")));
    return vg_sorted_emit(run, &s, "isodate");
}

static void av_timeline(struct vg_run *run, const struct vg_rec *r)
{
    char b1[VG_PY_BUF], b2[VG_PY_BUF];
    char *data = vg_asprintf("Seen iOS version %s (%s)", vg_val_py(vg_rec_val(r, F_VERSION), b1),
                             vg_val_py(vg_rec_val(r, F_BUILD), b2));

    if (!data) {
        vg_run_nomem(run);
        return;
    }
    vg_run_timeline(run, vg_rec_time(r, F_ISODATE), "analytics_ios_version", data);
    free(data);
}

const struct vg_module vg_mod_analytics_ios_versions = {
    .name = "analytics_ios_versions",
    .class_name = "AnalyticsIOSVersions",
    .description = "when each iOS build first appears in the keychain's analytics databases",
    .locs = av_locs,
    .n_locs = VG_ARRAY_LEN(av_locs),
    .fields = av_fields,
    .n_fields = VG_ARRAY_LEN(av_fields),
    .extract = av_extract,
    .timeline = av_timeline,
};
