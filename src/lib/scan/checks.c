/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

#include "indicators/url.h"
#include "scan/checks.h"

const char *vg_rec_str(const json_t *rec, const char *key)
{
    return json_string_value(json_object_get(rec, key));
}

const char *vg_rec_time(const json_t *rec, const char *key)
{
    const char *s = vg_rec_str(rec, key);
    return s ? s : "";
}

json_t *vg_json_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *vg_json_cocoa_date(double cocoa)
{
    char buf[VG_ISODATE_LEN + 1];
    return vg_isodate_cocoa(cocoa, buf) == VG_OK ? json_string(buf) : json_null();
}

json_t *vg_json_unix_date(double unix_seconds)
{
    char buf[VG_ISODATE_LEN + 1];
    return vg_isodate_double(unix_seconds, buf) == VG_OK ? json_string(buf) : json_null();
}

int vg_check_url(struct vg_run *run, enum vg_level level, const json_t *rec, const char *url,
                 const char *event_time)
{
    struct vg_ioc_match m;
    char host[VG_MAX_URL];

    if (!url || !*url || !vg_iocs_match_url(vg_run_iocs(run), url, &m))
        return 0;
    if (m.type == VG_IOC_URL)
        vg_run_alert(run, level, rec, &m, event_time,
                     "Found a known suspicious URL %s matching indicator \"%s\" from \"%s\"", url,
                     m.value, m.collection);
    else if (m.type == VG_IOC_IPV4 || m.type == VG_IOC_IPV6)
        vg_run_alert(run, level, rec, &m, event_time,
                     "Found a known suspicious IP address %s matching indicator \"%s\" from "
                     "\"%s\"",
                     url, m.value, m.collection);
    else if (vg_url_host(url, host, sizeof(host)) >= 0 && strcmp(host, m.value) == 0)
        vg_run_alert(run, level, rec, &m, event_time,
                     "Found a known suspicious domain %s matching indicator \"%s\" from \"%s\"",
                     url, m.value, m.collection);
    else
        vg_run_alert(run, level, rec, &m, event_time,
                     "Found a sub-domain with a suspicious top level %s matching indicator \"%s\" "
                     "from \"%s\"",
                     url, m.value, m.collection);
    return 1;
}

struct text_ctx {
    struct vg_run *run;
    enum vg_level level;
    const json_t *rec;
    const char *event_time;
    int hit;
};

static int text_hit(void *ud, const char *found, const struct vg_ioc_match *m)
{
    struct text_ctx *c = ud;
    (void)m;
    c->hit = vg_check_url(c->run, c->level, c->rec, found, c->event_time);
    return c->hit; /* one alert per text is enough to flag the record */
}

int vg_check_text(struct vg_run *run, enum vg_level level, const json_t *rec, const char *text,
                  const char *event_time)
{
    struct text_ctx c = {run, level, rec, event_time, 0};
    if (!text || !*text)
        return 0;
    vg_iocs_match_text(vg_run_iocs(run), text, text_hit, &c);
    return c.hit;
}

int vg_check_url_list(struct vg_run *run, enum vg_level level, const json_t *rec,
                      const json_t *urls, const char *event_time)
{
    size_t i;
    json_t *u;
    json_array_foreach(urls, i, u)
    {
        if (vg_check_url(run, level, rec, json_string_value(u), event_time))
            return 1;
    }
    return 0;
}

int vg_check_process(struct vg_run *run, enum vg_level level, const json_t *rec, const char *name,
                     const char *event_time)
{
    struct vg_ioc_match m;
    if (!name || !*name || !vg_iocs_match_process(vg_run_iocs(run), name, &m))
        return 0;
    if (m.truncated)
        vg_run_alert(run, level, rec, &m, event_time,
                     "Found a truncated known suspicious process name \"%s\" matching indicators "
                     "from \"%s\" (the observed name is cut short; the indicator is \"%s\")",
                     name, m.collection, m.value);
    else
        vg_run_alert(run, level, rec, &m, event_time,
                     "Found a known suspicious process name \"%s\" matching indicators from "
                     "\"%s\"",
                     name, m.collection);
    return 1;
}

int vg_check_email(struct vg_run *run, enum vg_level level, const json_t *rec, const char *email,
                   const char *event_time)
{
    struct vg_ioc_match m;
    if (!email || !*email || !vg_iocs_match_email(vg_run_iocs(run), email, &m))
        return 0;
    vg_run_alert(run, level, rec, &m, event_time,
                 "Found a known suspicious email address \"%s\" matching indicators from \"%s\"",
                 email, m.collection);
    return 1;
}

int vg_check_file_path(struct vg_run *run, enum vg_level level, const json_t *rec, const char *path,
                       const char *event_time)
{
    struct vg_ioc_match m;
    if (!path || !*path || !vg_iocs_match_file_path(vg_run_iocs(run), path, &m))
        return 0;
    vg_run_alert(run, level, rec, &m, event_time,
                 "Found a known suspicious file path \"%s\" matching indicators from \"%s\"", path,
                 m.collection);
    return 1;
}

int vg_check_file_name(struct vg_run *run, enum vg_level level, const json_t *rec, const char *name,
                       const char *event_time)
{
    struct vg_ioc_match m;
    if (!name || !*name || !vg_iocs_match_file_name(vg_run_iocs(run), name, &m))
        return 0;
    vg_run_alert(run, level, rec, &m, event_time,
                 "Found a known suspicious file name \"%s\" matching indicators from \"%s\"", name,
                 m.collection);
    return 1;
}

int vg_check_profile_id(struct vg_run *run, enum vg_level level, const json_t *rec, const char *id,
                        const char *event_time)
{
    struct vg_ioc_match m;
    if (!id || !*id || !vg_iocs_match_profile_id(vg_run_iocs(run), id, &m))
        return 0;
    vg_run_alert(run, level, rec, &m, event_time,
                 "Found a known suspicious profile ID \"%s\" matching indicators from \"%s\"", id,
                 m.collection);
    return 1;
}

int vg_check_app_id(struct vg_run *run, enum vg_level level, const json_t *rec, const char *id,
                    const char *event_time)
{
    struct vg_ioc_match m;
    if (!id || !*id || !vg_iocs_match_app_id(vg_run_iocs(run), id, &m))
        return 0;
    vg_run_alert(run, level, rec, &m, event_time,
                 "Found a known suspicious app with ID \"%s\" matching indicators from \"%s\"", id,
                 m.collection);
    return 1;
}

int vg_check_hash(struct vg_run *run, enum vg_level level, const json_t *rec, const char *hex,
                  const char *event_time)
{
    struct vg_ioc_match m;
    if (!hex || !*hex || !vg_iocs_match_hash(vg_run_iocs(run), hex, &m))
        return 0;
    vg_run_alert(run, level, rec, &m, event_time,
                 "Found a known suspicious file with hash \"%s\" matching indicators from \"%s\"",
                 hex, m.collection);
    return 1;
}
