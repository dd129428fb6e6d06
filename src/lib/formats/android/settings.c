/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include "formats/android/settings.h"

static int st_emit(struct vg_aqf_sink *s, const char *ns, struct vg_str k, struct vg_str v)
{
    json_t *rec = json_object();

    if (!rec || json_object_set_new(rec, "namespace", vg_aqf_str(ns, strlen(ns))) != 0 ||
        json_object_set_new(rec, "key", vg_aqf_str(k.p, k.n)) != 0 ||
        json_object_set_new(rec, "value", vg_aqf_str(v.p, v.n)) != 0) {
        json_decref(rec);
        return VG_E_NOMEM;
    }
    return vg_aqf_emit(s, rec);
}

int vg_settings_parse(const void *text, size_t len, const char *ns, struct vg_aqf_sink *s)
{
    struct vg_buf fixed, nsfix;
    struct vg_lines l;
    struct vg_str line, key;
    size_t bad = 0, bad_first = 0, nn;
    const char *p, *nsp;
    size_t n;
    int rc;

    vg_buf_init(&fixed, SIZE_MAX - 1);
    vg_buf_init(&nsfix, VG_MAX_TEXT_LINE);
    rc = vg_aqf_text_utf8(s, text, len, &fixed, &p, &n);
    /* the namespace comes from a file name, which need not be UTF-8 either */
    if (rc == VG_OK)
        rc = vg_aqf_text_utf8(s, ns, ns ? strlen(ns) : 0, &nsfix, &nsp, &nn);
    if (rc != VG_OK)
        goto out;
    vg_lines_init(&l, p, n, 0);
    while (rc == VG_OK && vg_lines_next(&l, &line)) {
        line = vg_str_strip(line);
        if (!vg_str_until(&line, '=', &key)) {
            if (line.n && bad++ == 0)
                bad_first = l.lineno;
            continue;
        }
        rc = st_emit(s, nsp, key, line);
    }
    if (bad)
        vg_aqf_warn(s, "%zu lines are not key=value settings (the first: line %zu)", bad,
                    bad_first);
    if (l.cut)
        vg_aqf_warn(s, "%zu lines longer than %u bytes were cut", l.cut, VG_MAX_TEXT_LINE);
out:
    vg_aqf_warn_done(s);
    vg_buf_free(&fixed);
    vg_buf_free(&nsfix);
    return rc;
}

struct vg_str vg_settings_namespace(const char *path)
{
    struct vg_str r = {"", 0};
    const char *u;
    size_t n, a;

    if (!path)
        return r;
    n = strlen(path);
    u = strrchr(path, '_');
    a = u ? (size_t)(u - path) + 1 : 0;
    if (n >= 4 && n - 4 > a) {
        r.p = path + a;
        r.n = n - 4 - a;
    }
    return r;
}

static const struct vg_setting_danger dangers[] = {
    {"verifier_verify_adb_installs", "1", "disabled Google Play Services apps verification"},
    {"package_verifier_enable", "1", "disabled Google Play Protect"},
    {"package_verifier_state", "1", "disabled APK package verification"},
    {"package_verifier_user_consent", "1", "disabled Google Play Protect"},
    {"upload_apk_enable", "1", "disabled Google Play Protect"},
    {"adb_install_need_confirm", "1", "disabled confirmation of adb apps installation"},
    {"send_security_reports", "1", "disabled sharing of security reports"},
    {"samsung_errorlog_agree", "1", "disabled sharing of crash logs with manufacturer"},
    {"send_action_app_error", "1", "disabled applications errors reports"},
    {"accessibility_enabled", "0", "enabled accessibility services"},
};

const struct vg_setting_danger *vg_settings_danger(const char *key, const char *value)
{
    size_t i;

    if (!key || !value)
        return NULL;
    for (i = 0; i < VG_ARRAY_LEN(dangers); i++)
        if (strcmp(dangers[i].key, key) == 0 && strcmp(dangers[i].safe_value, value) != 0)
            return &dangers[i];
    return NULL;
}
