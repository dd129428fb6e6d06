/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "harness.h"

char *vgh_bundle(const char *const *patterns)
{
    json_t *objs = json_array(), *bundle;
    char *text;
    size_t i;

    json_array_append_new(objs, json_pack("{s:s, s:s, s:s}", "type", "malware", "id",
                                          "malware--00000000-0000-4000-8000-000000000001", "name",
                                          "TestMalware"));
    for (i = 0; patterns && patterns[i]; i++) {
        char id[64], rid[64];
        snprintf(id, sizeof(id), "indicator--00000000-0000-4000-8000-%012zu", i + 1);
        snprintf(rid, sizeof(rid), "relationship--00000000-0000-4000-8000-%012zu", i + 1);
        json_array_append_new(objs, json_pack("{s:s, s:s, s:s, s:s}", "type", "indicator", "id", id,
                                              "pattern", patterns[i], "pattern_type", "stix"));
        json_array_append_new(objs, json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", "relationship",
                                              "id", rid, "relationship_type", "indicates",
                                              "source_ref", id, "target_ref",
                                              "malware--00000000-0000-4000-8000-000000000001"));
    }
    bundle = json_pack("{s:s, s:s, s:o}", "type", "bundle", "id",
                       "bundle--00000000-0000-4000-8000-000000000000", "objects", objs);
    text = json_dumps(bundle, JSON_INDENT(2));
    json_decref(bundle);
    return text;
}

static void diag_cb(void *ud, const struct vg_diag_entry *e)
{
    struct vgh_result *r = ud;
    size_t old = r->diag_text ? strlen(r->diag_text) : 0;
    size_t add = strlen(e->where) + strlen(e->message) + 16;
    char *n;

    if (e->level < VG_DIAG_INFO)
        return;
    if (e->level >= VG_DIAG_WARN)
        r->warnings++;
    n = realloc(r->diag_text, old + add);
    if (!n)
        return;
    snprintf(n + old, add, "%s: %s\n", e->where, e->message);
    r->diag_text = n;
}

static json_t *load_or_empty(const char *dir, const char *name)
{
    char path[4096];
    json_t *j;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    j = json_load_file(path, 0, NULL);
    return j ? j : json_array();
}

void vgh_run(const char *dir, const char *bundle, const char *module, struct vgh_result *r)
{
    struct vg_iocs *iocs = NULL;
    struct vg_diag *diag = NULL;
    struct vg_scan_opts so;
    const char *mods[1];
    char *out = vgfix_tmpdir("harness-out");
    char name[256], path[4096];

    memset(r, 0, sizeof(*r));
    r->diag_text = strdup("");
    if (vg_diag_new(diag_cb, r, &diag) != VG_OK)
        abort();
    if (vg_iocs_new(&iocs) != VG_OK)
        abort();
    if (bundle &&
        vg_iocs_load_buffer(iocs, "test-indicators.stix2", bundle, strlen(bundle), diag) != VG_OK)
        abort();
    memset(&so, 0, sizeof(so));
    mods[0] = module;
    so.target = dir;
    so.output_dir = out;
    so.modules = module ? mods : NULL;
    so.n_modules = module ? 1 : 0;
    so.command_line = "vigie test";
    r->rc = vg_ios_check_backup(iocs, &so, diag, &r->sum);
    if (module) {
        snprintf(name, sizeof(name), "%s.json", module);
        r->records = load_or_empty(out, name);
        snprintf(name, sizeof(name), "%s_detected.json", module);
        r->alerts = load_or_empty(out, name);
    } else {
        r->records = json_array();
        r->alerts = load_or_empty(out, "alerts.json");
    }
    r->info = load_or_empty(out, "info.json");
    snprintf(path, sizeof(path), "%s/timeline.csv", out);
    r->timeline = vgfix_read_file(path, NULL);
    if (!r->timeline)
        r->timeline = strdup("");
    vgfix_rmtree(out);
    free(out);
    vg_iocs_free(iocs);
    vg_diag_free(diag);
}

void vgh_result_free(struct vgh_result *r)
{
    json_decref(r->records);
    json_decref(r->alerts);
    json_decref(r->info);
    free(r->timeline);
    free(r->diag_text);
    memset(r, 0, sizeof(*r));
}

const char *vgh_alert_message(const struct vgh_result *r, size_t i)
{
    const char *s = json_string_value(json_object_get(json_array_get(r->alerts, i), "message"));
    return s ? s : "";
}
