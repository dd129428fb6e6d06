/*
 * The public check: a source, its platform's modules, the indicators and
 * the options.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <pthread.h>
#include <stdlib.h>

#include "io/file.h"
#include "modules/modules.h"
#include "scan/scan.h"

/* A module runs on a source that serves one of its locators; saved results
 * (no locators) run every module. */
static int module_applies(const struct vg_module *m, unsigned served)
{
    size_t i;

    if (served == 0)
        return 1;
    for (i = 0; i < m->n_locs; i++)
        if (served & VG_LOC_BIT(m->locs[i].kind))
            return 1;
    return 0;
}

/* 1 when a module of that result name is among v[0..n) already. */
static int name_taken(const struct vg_module **v, size_t n, const char *name)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (strcmp(v[i]->name, name) == 0)
            return 1;
    return 0;
}

/* The modules to run, in list order: the platform's, or every platform's
 * for saved results, where one result file is read by one module (iOS's
 * and Android's "sms" share MVT's name: the first in list order reads
 * sms.json, and checks the links either kind of record holds). Free the
 * array. */
static const struct vg_module **modules_for(enum vg_kind kind, int any_platform,
                                            enum vg_platform platform, size_t *n)
{
    const struct vg_module *const *ios, *const *android;
    const struct vg_module **v;
    size_t ni, na, i, k = 0;
    unsigned served = vg_kind_locs(kind);

    ios = vg_modules(VG_PLATFORM_IOS, &ni);
    android = vg_modules(VG_PLATFORM_ANDROID, &na);
    v = vg_calloc(ni + na + 1, sizeof(*v));
    if (!v)
        return NULL;
    for (i = 0; i < ni; i++)
        if ((any_platform || platform == VG_PLATFORM_IOS) && module_applies(ios[i], served))
            v[k++] = ios[i];
    for (i = 0; i < na; i++)
        if ((any_platform || platform == VG_PLATFORM_ANDROID) &&
            module_applies(android[i], served) &&
            !(any_platform && name_taken(v, k, android[i]->name)))
            v[k++] = android[i];
    *n = k;
    return v;
}

/* The output folder must not hold another run's results (every
 * platform's module names: an Android run's files count too). */
static int claim_output(struct vg_scan *s, int force)
{
    const struct vg_module *const *ios, *const *android;
    const char **names;
    size_t ni, na, i;
    int rc;

    ios = vg_modules(VG_PLATFORM_IOS, &ni);
    android = vg_modules(VG_PLATFORM_ANDROID, &na);
    names = vg_calloc(ni + na + 1, sizeof(*names));
    if (!names)
        return VG_E_NOMEM;
    for (i = 0; i < ni; i++)
        names[i] = ios[i]->name;
    for (i = 0; i < na; i++)
        names[ni + i] = android[i]->name;
    rc = vg_out_claim(s->out, names, ni + na, force);
    free(names);
    return rc;
}

/* 1 when path (which may not exist yet) is inside the evidence folder
 * real. */
static int inside(const char *real, const char *path)
{
    struct vg_root *r = NULL;
    int in;

    if (vg_root_open(real, &r) != VG_OK)
        return 0;
    in = vg_root_contains(r, path);
    vg_root_free(r);
    return in;
}

/* 1 when path is the evidence or inside it (any of it, when several
 * acquisitions are checked together). */
static int inside_evidence(const struct vg_source *src, const char *path)
{
    size_t i;

    if (inside(src->real, path))
        return 1;
    for (i = 0; i < src->n_more_real; i++)
        if (inside(src->more_real[i], path))
            return 1;
    return 0;
}

/* 1 when nest i repeats an earlier row's inner kind and prefix (saved
 * results take every row, whatever its outer kind). */
static int nest_seen(size_t i, const struct vg_source_nest *row)
{
    struct vg_source_nest other;
    size_t j;

    for (j = 0; j < i && vg_source_nest_at(j, &other); j++)
        if (other.inner == row->inner && strcmp(other.prefix, row->prefix) == 0)
            return 1;
    return 0;
}

/* The acquisitions a check of src may find inside it, each with its
 * kind's modules. Free each mods and the array. */
static struct vg_scan_nest *nests_for(const struct vg_source *src, size_t *n)
{
    struct vg_source_nest row;
    struct vg_scan_nest *v = NULL, *grown;
    size_t i, k = 0;
    int platform;

    for (i = 0; vg_source_nest_at(i, &row); i++) {
        /* saved results: unprefixed names are the outer modules' to read */
        if (src->any_platform ? !*row.prefix || nest_seen(i, &row) : row.outer != src->kind_id)
            continue;
        grown = vg_realloc_array(v, k + 1, sizeof(*v));
        if (!grown)
            goto fail;
        v = grown;
        platform = vg_kind_platform(row.inner);
        v[k].kind = row.inner;
        v[k].prefix = row.prefix;
        /* saved results hold every kind's results: the inner kind's modules
         * are all of its platform's, as for the outer ones */
        v[k].mods =
            modules_for(src->any_platform ? VG_KIND_RESULTS : row.inner, 0,
                        platform < 0 ? VG_PLATFORM_IOS : (enum vg_platform)platform, &v[k].n);
        if (!v[k].mods)
            goto fail;
        k++;
    }
    *n = k;
    return v ? v : vg_calloc(1, sizeof(*v));
fail:
    for (i = 0; i < k; i++)
        free((void *)v[i].mods);
    free(v);
    return NULL;
}

static void nests_free(struct vg_scan_nest *v, size_t n)
{
    size_t i;

    for (i = 0; v && i < n; i++)
        free((void *)v[i].mods);
    free(v);
}

int vg_check(struct vg_source *src, const struct vg_iocs *iocs, const struct vg_scan_opts *opts,
             struct vg_diag *diag, struct vg_summary *sum)
{
    const struct vg_module **mods;
    struct vg_scan_nest *nests;
    struct vg_scan s;
    size_t n = 0, n_nests = 0;
    int rc;

    memset(sum, 0, sizeof(*sum));
    if (opts->output_dir && inside_evidence(src, opts->output_dir)) {
        vg_diag_add(diag, VG_DIAG_ERROR, "output",
                    "%s is inside the evidence (%s): results are never written into the input; "
                    "choose a folder elsewhere",
                    opts->output_dir, src->path);
        return VG_E_INVAL;
    }
    mods = modules_for(src->kind_id, src->any_platform, src->platform, &n);
    nests = nests_for(src, &n_nests);
    if (!mods || !nests || src->nomem) {
        free(mods);
        nests_free(nests, n_nests);
        return VG_E_NOMEM;
    }
    rc = vg_scan_init(&s, iocs, opts, diag, sum, src);
    if (rc == VG_OK && s.out)
        rc = claim_output(&s, opts->force);
    if (rc == VG_OK)
        rc = vg_scan_run_nested(&s, mods, n, nests, n_nests);
    if (s.alerts)
        vg_scan_cleanup(&s);
    free(mods);
    nests_free(nests, n_nests);
    return rc;
}

/* The prefixed names of nested modules, for --list-modules and -m: made
 * once, kept for the life of the process (they are few). */
#define NESTED_NAMES_MAX 256u
#define NESTED_NAME_LEN  96u
static char nested_names[NESTED_NAMES_MAX][NESTED_NAME_LEN];
static pthread_once_t nested_once = PTHREAD_ONCE_INIT;
static size_t nested_count;

struct nested_entry {
    enum vg_kind outer;
    const char *prefix;
    const struct vg_module *mod;
    const char *name;
};
static struct nested_entry nested_entries[NESTED_NAMES_MAX];

static void make_nested_names(void)
{
    struct vg_source_nest row;
    const struct vg_module **mods;
    size_t i, j, n;
    int platform;

    for (i = 0; vg_source_nest_at(i, &row); i++) {
        platform = vg_kind_platform(row.inner);
        mods = modules_for(row.inner, 0,
                           platform < 0 ? VG_PLATFORM_IOS : (enum vg_platform)platform, &n);
        for (j = 0; mods && j < n && nested_count < NESTED_NAMES_MAX; j++) {
            char *buf = nested_names[nested_count];
            if (vg_snprintf(buf, NESTED_NAME_LEN, "%s%s", row.prefix, mods[j]->name) != VG_OK)
                continue;
            nested_entries[nested_count].outer = row.outer;
            nested_entries[nested_count].prefix = row.prefix;
            nested_entries[nested_count].mod = mods[j];
            nested_entries[nested_count].name = buf;
            nested_count++;
        }
        free(mods);
    }
}

size_t vg_module_list(enum vg_kind kind, const char **names, const char **class_names,
                      const char **descriptions, size_t cap)
{
    const struct vg_module **mods;
    size_t n = 0, i, k;
    int platform = vg_kind_platform(kind);

    mods = modules_for(kind, platform < 0,
                       platform < 0 ? VG_PLATFORM_IOS : (enum vg_platform)platform, &n);
    if (!mods)
        return 0;
    for (i = 0; i < n && i < cap; i++) {
        if (names)
            names[i] = mods[i]->name;
        if (class_names)
            class_names[i] = mods[i]->class_name;
        if (descriptions)
            descriptions[i] = mods[i]->description;
    }
    free(mods);
    /* then the modules of what it may hold inside, by their prefixed names */
    (void)pthread_once(&nested_once, make_nested_names);
    for (k = 0; k < nested_count; k++) {
        const struct nested_entry *e = &nested_entries[k];
        /* saved results list every module once: unprefixed ones are there */
        if (platform >= 0 ? e->outer != kind : !*e->prefix)
            continue;
        if (n < cap) {
            if (names)
                names[n] = e->name;
            if (class_names)
                class_names[n] = e->mod->class_name;
            if (descriptions)
                descriptions[n] = e->mod->description;
        }
        n++;
    }
    return n;
}
