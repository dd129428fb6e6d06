/*
 * ConnectEvent (intrusion logs): every outgoing connection the phone
 * logged (connect_event: address, port, app), recorded as MVT records it
 * (the event, "timestamp", and "matched_ip" when the address is an
 * indicator). Checks the address against address and domain indicators
 * (not the loopback and unspecified ones), the app against app ids.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "modules/android/il_common.h"

static const struct vg_loc connect_locs[] = {{VG_LOC_LOGS, NULL, "*.txt"}};

enum { F_IP, F_PORT, F_PACKAGE, F_TIMESTAMP, F_MATCHED };
static const char *const connect_fields[] = {"ip_address", "port", "package_name", "timestamp",
                                             "matched_ip"};

/* MVT's cleaning: the part after the last "/" of Java's InetAddress
 * string; the addresses it never checks give NULL. */
static const char *clean_ip(const char *s)
{
    const char *ip = vg_il_addr_ip(s);

    if (!ip || !*ip || strcmp(ip, "::1") == 0 || strcmp(ip, "127.0.0.1") == 0 ||
        strcmp(ip, "0.0.0.0") == 0)
        return NULL;
    return ip;
}

static int connect_event(struct vg_run *run, const struct vg_il_event *ev, void *ud)
{
    struct vg_ioc_match m;
    const char *ip = clean_ip(ev->ip_address);

    VG_UNUSED(ud);
    if (vg_il_set_timestamp(run, ev) != VG_OK)
        return VG_E_NOMEM;
    if (ip && vg_iocs_match_url(vg_run_iocs(run), ip, &m) &&
        json_object_set_new(ev->data, "matched_ip", json_string(ip)) != 0)
        return VG_E_NOMEM;
    return vg_il_emit(run, ev);
}

static int connect_extract(struct vg_run *run)
{
    return vg_il_each_event(run, VG_IL_CONNECT, "connection events", connect_event, NULL);
}

static void connect_check(struct vg_run *run, const struct vg_rec *rec)
{
    const char *when = vg_rec_time(rec, F_TIMESTAMP);
    const char *ip = clean_ip(vg_rec_text(rec, F_IP));

    /* extract looked the address up already and said so in matched_ip;
     * saved results are looked up again */
    if (ip && (vg_run_rechecking(run) || vg_rec_text(rec, F_MATCHED)))
        vg_check_url(run, VG_LEVEL_CRITICAL, rec, ip, when);
    vg_check_app_id(run, VG_LEVEL_CRITICAL, rec, vg_rec_text(rec, F_PACKAGE), when);
}

/* MVT's serialize: "Connection to <ip>:<port> by <app>", and the match. */
static void connect_timeline(struct vg_run *run, const struct vg_rec *rec)
{
    const char *ip = vg_il_addr_ip(vg_rec_text(rec, F_IP)), *matched = vg_rec_text(rec, F_MATCHED);
    struct vg_buf b;
    int rc;

    vg_buf_init(&b, VG_MAX_TEXT_SCAN);
    rc = vg_buf_printf(&b, "Connection to %s:", ip ? ip : "");
    if (rc == VG_OK)
        rc = vg_il_py_get(&b, rec, F_PORT, "0");
    if (rc == VG_OK)
        rc = vg_buf_append_str(&b, " by ");
    if (rc == VG_OK)
        rc = vg_il_py_get(&b, rec, F_PACKAGE, "");
    if (rc == VG_OK && matched && *matched)
        rc = vg_buf_printf(&b, " [Matched IP: %s]", matched);
    if (rc == VG_OK)
        rc = vg_buf_append_char(&b, '\0');
    if (rc == VG_OK)
        vg_run_timeline(run, vg_rec_time(rec, F_TIMESTAMP), "network_connection", b.data);
    else
        vg_run_log(run, VG_DIAG_WARN, "a connection event of %s left out of the timeline: %s",
                   vg_rec_time(rec, F_TIMESTAMP), vg_strerror(rc));
    vg_buf_free(&b);
}

const struct vg_module vg_mod_il_connect_event = {
    .name = "connect_event",
    .class_name = "ConnectEvent",
    .description = "Connections of the intrusion logs; addresses and apps",
    .locs = connect_locs,
    .n_locs = VG_ARRAY_LEN(connect_locs),
    .fields = connect_fields,
    .n_fields = VG_ARRAY_LEN(connect_fields),
    .extract = connect_extract,
    .check_record = connect_check,
    .timeline = connect_timeline,
};
