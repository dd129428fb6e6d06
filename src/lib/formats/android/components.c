/*
 * App components with powers over the phone, from dumpsys text (see
 * components.h; grammar in docs/formats/android-components.md). The
 * sections come from the dumpsys splitter; one pass over a section's
 * lines, a small state per section.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/android/components.h"
#include "formats/android/dumpsys.h"
#include "util/buf.h"
#include "util/text.h"

static const char *const type_names[] = {"accessibility_service", "device_admin",
                                         "notification_listener", "sms_receiver"};
static const char *const type_labels[] = {"Accessibility service", "Device admin",
                                          "Notification listener", "SMS receiver"};

const char *vg_comp_type_name(enum vg_comp_type t)
{
    return (unsigned)t < VG_COMP_COUNT ? type_names[t] : "?";
}

const char *vg_comp_type_label(enum vg_comp_type t)
{
    return (unsigned)t < VG_COMP_COUNT ? type_labels[t] : "Component";
}

enum vg_comp_type vg_comp_type_of(const char *name)
{
    unsigned t;

    for (t = 0; name && t < VG_COMP_COUNT; t++)
        if (strcmp(name, type_names[t]) == 0)
            return (enum vg_comp_type)t;
    return VG_COMP_COUNT;
}

enum section { SEC_NONE = 0, SEC_ACCESSIBILITY, SEC_DEVICE_POLICY, SEC_NOTIFICATION, SEC_PACKAGE };

struct cp {
    struct vg_aqf_sink *s;
    json_t *seen; /* "type\x1f" component, so each is delivered once */
    enum section sec;
    int acc_block;      /* inside "... services: {" */
    int in_list;        /* below an admins or listeners header */
    size_t hdr_indent;  /* that header's indent */
    size_t item_indent; /* its items' indent (0: none met yet) */
    int in_table;       /* in the Receiver Resolver Table */
    int sms_intent;     /* below an SMS intent's line in it */
    struct vg_buf key;
};

/* ---- one component ---- */

/* "ComponentInfo{pkg/cls}", "{pkg/cls}", "pkg/cls:" or "pkg/cls," to
 * "pkg/cls"; 0 when what is left is no component (no '/', no package, a
 * blank inside). */
static int component_of(struct vg_str t, struct vg_str *out)
{
    size_t i;

    t = vg_str_trim(t);
    while (t.n && (t.p[t.n - 1] == ':' || t.p[t.n - 1] == ','))
        t.n--;
    if (vg_str_starts(t, "ComponentInfo{")) {
        t.p += 14;
        t.n -= 14;
    }
    while (t.n && t.p[0] == '{') {
        t.p++;
        t.n--;
    }
    while (t.n && t.p[t.n - 1] == '}')
        t.n--;
    if (t.n < 3 || t.p[0] == '/' || vg_str_find(t, '/') < 0)
        return 0;
    for (i = 0; i < t.n; i++)
        if (t.p[i] == ' ' || t.p[i] == '\t' || t.p[i] == '{' || t.p[i] == '}')
            return 0;
    *out = t;
    return 1;
}

static int deliver(struct cp *c, enum vg_comp_type type, struct vg_str comp)
{
    struct vg_str pkg = {comp.p, (size_t)vg_str_find(comp, '/')};
    json_t *rec;
    int rc;

    vg_buf_reset(&c->key);
    rc = vg_buf_append_str(&c->key, type_names[type]);
    if (rc == VG_OK)
        rc = vg_buf_append_char(&c->key, '\x1f');
    if (rc == VG_OK)
        rc = vg_buf_append(&c->key, comp.p, comp.n);
    if (rc == VG_OK)
        rc = vg_buf_append_char(&c->key, '\0');
    if (rc != VG_OK)
        return rc;
    if (json_object_get(c->seen, c->key.data))
        return VG_OK;
    if (json_object_set_new(c->seen, c->key.data, json_true()) != 0)
        return VG_E_NOMEM;
    rec = json_object();
    if (!rec || json_object_set_new(rec, "component_type", json_string(type_names[type])) != 0 ||
        json_object_set_new(rec, "component", vg_aqf_str(comp.p, comp.n)) != 0 ||
        json_object_set_new(rec, "package_name", vg_aqf_str(pkg.p, pkg.n)) != 0) {
        json_decref(rec);
        return VG_E_NOMEM;
    }
    return vg_aqf_emit(c->s, rec);
}

/* The first word of a stripped line, as a component. */
static int first_word(struct cp *c, enum vg_comp_type type, struct vg_str stripped)
{
    struct vg_str w, comp;

    if (!vg_str_word(&stripped, &w) || !component_of(w, &comp))
        return VG_OK;
    return deliver(c, type, comp);
}

/* ---- accessibility: "installed services: {" blocks, "Enabled services:{{a/b}, {c/d}}" ---- */

/* Every {X} of an inline list. */
static int acc_inline(struct cp *c, struct vg_str rest)
{
    struct vg_str item, comp;
    int rc = VG_OK;

    while (rc == VG_OK && rest.n) {
        long open = vg_str_find(rest, '{');
        if (open < 0)
            break;
        rest.p += open + 1;
        rest.n -= (size_t)open + 1;
        /* the innermost {...}: skip nested opening braces */
        if (rest.n && rest.p[0] == '{')
            continue;
        if (!vg_str_until(&rest, '}', &item))
            break;
        if (component_of(item, &comp))
            rc = deliver(c, VG_COMP_ACCESSIBILITY, comp);
    }
    return rc;
}

/* "<words> services:" at the start: 1 and what follows the colon. */
static int acc_services_label(struct vg_str stripped, struct vg_str *rest)
{
    long at = vg_str_find_str(stripped, "services:");
    long i;

    if (at <= 0)
        return 0;
    for (i = 0; i < at; i++) {
        char ch = stripped.p[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == ' '))
            return 0;
    }
    rest->p = stripped.p + at + 9;
    rest->n = stripped.n - (size_t)at - 9;
    *rest = vg_str_trim(*rest);
    return 1;
}

static int acc_line(struct cp *c, struct vg_str stripped)
{
    struct vg_str rest, comp;
    long colon;

    if (c->acc_block) {
        if (vg_str_eq(stripped, "}")) {
            c->acc_block = 0;
            return VG_OK;
        }
        /* "0 : pkg/cls" (MVT takes what follows the first ':') or "{pkg/cls}" */
        colon = vg_str_find(stripped, ':');
        if (colon >= 0 && vg_str_find(stripped, '/') > colon) {
            rest.p = stripped.p + colon + 1;
            rest.n = stripped.n - (size_t)colon - 1;
        } else {
            rest = stripped;
        }
        return component_of(rest, &comp) ? deliver(c, VG_COMP_ACCESSIBILITY, comp) : VG_OK;
    }
    if (!acc_services_label(stripped, &rest))
        return VG_OK;
    if (vg_str_eq(rest, "{")) {
        c->acc_block = 1;
        return VG_OK;
    }
    return acc_inline(c, rest);
}

/* ---- device admins and notification listeners: a header, its items one level deeper ---- */

static int is_list_header(enum section sec, struct vg_str stripped)
{
    if (sec == SEC_DEVICE_POLICY)
        return vg_str_starts(stripped, "Enabled Device Admins");
    return (vg_str_starts(stripped, "All ") || vg_str_starts(stripped, "Live ") ||
            vg_str_starts(stripped, "Allowed ") || vg_str_starts(stripped, "Enabled ")) &&
           vg_str_find_str(stripped, "notification listeners") >= 0;
}

static int list_line(struct cp *c, struct vg_str line, struct vg_str stripped)
{
    size_t ind = vg_str_indent(line);

    if (c->in_list && stripped.n) {
        if (ind <= c->hdr_indent) {
            c->in_list = 0;
        } else {
            if (!c->item_indent)
                c->item_indent = ind;
            if (ind != c->item_indent)
                return VG_OK; /* an item's own details */
            return first_word(
                c, c->sec == SEC_DEVICE_POLICY ? VG_COMP_DEVICE_ADMIN : VG_COMP_NOTIFICATION,
                stripped);
        }
    }
    if (is_list_header(c->sec, stripped)) {
        c->in_list = 1;
        c->hdr_indent = ind;
        c->item_indent = 0;
    }
    return VG_OK;
}

/* ---- SMS receivers: the package section's Receiver Resolver Table ---- */

static int sms_intent(struct vg_str action)
{
    return vg_str_eq(action, "android.provider.Telephony.SMS_RECEIVED:") ||
           vg_str_eq(action, "android.provider.Telephony.SMS_DELIVER:");
}

static int pkg_line(struct cp *c, struct vg_str line, struct vg_str stripped)
{
    struct vg_str rest = stripped, hash, recv, comp;

    if (stripped.n && vg_str_indent(line) == 0) {
        c->in_table = vg_str_eq(stripped, "Receiver Resolver Table:");
        c->sms_intent = 0;
        return VG_OK;
    }
    if (!c->in_table || !stripped.n)
        return VG_OK;
    /* every heading ends with ':' and leaves the intent it was under */
    if (stripped.p[stripped.n - 1] == ':') {
        c->sms_intent = sms_intent(stripped);
        return VG_OK;
    }
    /* "        a1b2c3 com.example/.SmsReceiver filter d4e5f6" */
    if (!c->sms_intent || !vg_str_word(&rest, &hash) || !vg_str_word(&rest, &recv) ||
        !component_of(recv, &comp))
        return VG_OK;
    return deliver(c, VG_COMP_SMS_RECEIVER, comp);
}

/* ---- sections ---- */

static enum section section_of(struct vg_str name)
{
    if (vg_str_eq(name, "accessibility"))
        return SEC_ACCESSIBILITY;
    if (vg_str_eq(name, "device_policy"))
        return SEC_DEVICE_POLICY;
    if (vg_str_eq(name, "notification"))
        return SEC_NOTIFICATION;
    if (vg_str_eq(name, "package"))
        return SEC_PACKAGE;
    return SEC_NONE;
}

static int cp_line(struct cp *c, struct vg_str line)
{
    struct vg_str stripped = vg_str_strip(line);

    switch (c->sec) {
    case SEC_ACCESSIBILITY:
        return acc_line(c, stripped);
    case SEC_DEVICE_POLICY:
    case SEC_NOTIFICATION:
        return list_line(c, line, stripped);
    case SEC_PACKAGE:
        return pkg_line(c, line, stripped);
    case SEC_NONE:
        break;
    }
    return VG_OK;
}

/* One of the four services' normal pass (a priority pass, "CRITICAL
 * notification", is not these lists), line by line; *cut counts the lines
 * cut for length. */
static int cp_section(struct cp *c, const struct vg_dumpsys_section *sec, size_t *cut)
{
    struct vg_dumpsys_lines r;
    struct vg_str line;
    int rc = VG_OK, more;

    c->sec = sec->prio == VG_DUMPSYS_PRIO_NORMAL ? section_of(sec->service) : SEC_NONE;
    if (c->sec == SEC_NONE)
        return VG_OK;
    c->acc_block = c->in_list = c->in_table = c->sms_intent = 0;
    vg_dumpsys_lines_init(&r, sec);
    while (rc == VG_OK && (more = vg_dumpsys_lines_next(&r, &line)) != 0)
        rc = more < 0 ? more : cp_line(c, line);
    *cut += r.l.cut;
    vg_dumpsys_lines_free(&r);
    return rc;
}

/* The sections as formats/android/dumpsys.h splits them (MVT's rule, as
 * for the bugreport modules). */
static int cp_sections(struct cp *c, const char *text, size_t len)
{
    struct vg_dumpsys_iter it;
    struct vg_dumpsys_section sec;
    size_t cut = 0;
    int rc, more;

    if ((rc = vg_dumpsys_iter_init(&it, text, len, VG_DUMPSYS_REPLACE)) != VG_OK)
        return rc;
    while (rc == VG_OK && (more = vg_dumpsys_iter_next(&it, &sec)) != 0)
        rc = more < 0 ? more : cp_section(c, &sec, &cut);
    vg_dumpsys_iter_free(&it);
    if (cut)
        vg_aqf_warn(c->s, "%zu lines longer than %u bytes were cut", cut, VG_MAX_TEXT_LINE);
    return rc;
}

int vg_components_parse(const void *text, size_t len, struct vg_aqf_sink *s)
{
    struct cp c;
    struct vg_buf fixed;
    const char *p;
    size_t n;
    int rc;

    memset(&c, 0, sizeof(c));
    c.s = s;
    vg_buf_init(&c.key, VG_MAX_TEXT_LINE + 64);
    vg_buf_init(&fixed, SIZE_MAX / 2);
    c.seen = json_object();
    /* repaired first, so invalid UTF-8 is said once for the file */
    rc = c.seen ? vg_aqf_text_utf8(s, text, len, &fixed, &p, &n) : VG_E_NOMEM;
    if (rc == VG_OK)
        rc = cp_sections(&c, p, n);
    vg_aqf_warn_done(s);
    json_decref(c.seen);
    vg_buf_free(&c.key);
    vg_buf_free(&fixed);
    return rc;
}
