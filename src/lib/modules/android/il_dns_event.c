/*
 * DnsEvent (intrusion logs): every DNS lookup the phone logged (dns_event:
 * the host name, the addresses returned, the app that asked), recorded as
 * MVT records it (the event, "timestamp", and "matched_ips" when returned
 * addresses are indicators). Checks the host name against domain (and URL
 * host) indicators, each address against address and domain indicators,
 * the app against app ids.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/android/il_common.h"

static const struct vg_loc dns_locs[] = {{VG_LOC_LOGS, NULL, "*.txt"}};

enum { F_HOSTNAME, F_IPS, F_PACKAGE, F_TIMESTAMP, F_MATCHED };
static const char *const dns_fields[] = {"hostname", "ip_addresses", "package_name", "timestamp",
                                         "matched_ips"};

/* An answer as MVT checks it: after the "/" Java's InetAddress prints
 * (MVT strips leading slashes only; "host/1.2.3.4" gives the address here),
 * and never 0.0.0.0 (a blocked lookup's answer). NULL when none. */
static const char *clean_ip(const json_t *v)
{
    const char *ip = vg_il_addr_ip(json_string_value(v));
    return ip && *ip && strcmp(ip, "0.0.0.0") != 0 ? ip : NULL;
}

static int dns_event(struct vg_run *run, const struct vg_il_event *ev, void *ud)
{
    const struct vg_iocs *iocs = vg_run_iocs(run);
    struct vg_ioc_match m;
    json_t *matched = NULL, *v;
    size_t i;

    VG_UNUSED(ud);
    if (vg_il_set_timestamp(run, ev) != VG_OK)
        return VG_E_NOMEM;
    /* MVT's check adds the addresses that hit to the record, for the timeline */
    json_array_foreach(ev->ip_addresses, i, v)
    {
        const char *ip = clean_ip(v);
        if (!ip || !vg_iocs_match_url(iocs, ip, &m))
            continue;
        if (!matched && !(matched = json_array()))
            return VG_E_NOMEM;
        if (json_array_append_new(matched, json_string(ip)) != 0) {
            json_decref(matched);
            return VG_E_NOMEM;
        }
    }
    if (matched && json_object_set_new(ev->data, "matched_ips", matched) != 0)
        return VG_E_NOMEM;
    return vg_il_emit(run, ev);
}

static int dns_extract(struct vg_run *run)
{
    return vg_il_each_event(run, VG_IL_DNS, "DNS events", dns_event, NULL);
}

static void dns_check(struct vg_run *run, const struct vg_rec *rec)
{
    const char *when = vg_rec_time(rec, F_TIMESTAMP);
    const json_t *v;
    size_t i;

    vg_check_url(run, VG_LEVEL_CRITICAL, rec, vg_rec_text(rec, F_HOSTNAME), when);
    /* extract looked every answer up already: only those it matched are
     * looked up again for the alert (all of them for saved results, checked
     * with other indicators) */
    json_array_foreach(vg_rec_json(rec, vg_run_rechecking(run) ? F_IPS : F_MATCHED), i, v)
    {
        const char *ip = clean_ip(v);
        if (ip)
            vg_check_url(run, VG_LEVEL_CRITICAL, rec, ip, when);
    }
    vg_check_app_id(run, VG_LEVEL_CRITICAL, rec, vg_rec_text(rec, F_PACKAGE), when);
}

/* MVT's serialize: "DNS query for <host> by <app>", then the matched
 * addresses, or else the answers. */
static void dns_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    const json_t *list = vg_rec_json(rec, F_MATCHED), *v;
    const char *label = " [Matched IPs: ";
    struct vg_buf b;
    size_t i, shown = 0;
    int rc;

    if (json_array_size(list) == 0) {
        list = vg_rec_json(rec, F_IPS);
        label = " [IPs: ";
    }
    vg_buf_init(&b, VG_MAX_TEXT_SCAN);
    rc = vg_buf_append_str(&b, "DNS query for ");
    if (rc == VG_OK)
        rc = vg_il_py_get(&b, rec, F_HOSTNAME, "");
    if (rc == VG_OK)
        rc = vg_buf_append_str(&b, " by ");
    if (rc == VG_OK)
        rc = vg_il_py_get(&b, rec, F_PACKAGE, "");
    json_array_foreach(list, i, v)
    {
        /* as MVT prints them: leading slashes stripped, 0.0.0.0 left out */
        const char *ip = json_string_value(v);
        while (ip && *ip == '/')
            ip++;
        if (rc != VG_OK || !ip || !*ip || strcmp(ip, "0.0.0.0") == 0)
            continue;
        rc = vg_buf_append_str(&b, shown++ ? ", " : label);
        if (rc == VG_OK)
            rc = vg_buf_append_str(&b, ip);
    }
    if (rc == VG_OK && shown)
        rc = vg_buf_append_char(&b, ']');
    if (rc == VG_OK)
        rc = vg_buf_append_char(&b, '\0');
    if (rc == VG_OK)
        vg_run_timeline(run, vg_rec_time(rec, F_TIMESTAMP), "dns_query", b.data);
    else
        vg_run_log(run, VG_DIAG_WARN, "a DNS event of %s left out of the timeline: %s",
                   vg_rec_time(rec, F_TIMESTAMP), vg_strerror(rc));
    vg_buf_free(&b);
}

const struct vg_module vg_mod_il_dns_event = {
    .name = "dns_event",
    .class_name = "DnsEvent",
    .description = "DNS lookups of the intrusion logs; host names, answers and apps",
    .locs = dns_locs,
    .n_locs = VG_ARRAY_LEN(dns_locs),
    .fields = dns_fields,
    .n_fields = VG_ARRAY_LEN(dns_fields),
    .extract = dns_extract,
    .check_record = dns_check,
    .timeline = dns_timeline,
};
