/*
 * App components that hold powers over the phone, as dumpsys text names
 * them (AndroidQF's dumpsys.txt, a bugreport's dumpstate): accessibility
 * services (they read the screen and act for the user), device admins
 * (they can lock and wipe), notification listeners (they read every
 * notification, messages and codes included) and receivers of incoming
 * SMS. Stalkerware and spyware ask for exactly these. The sections and
 * their line grammar: docs/formats/android-components.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_FORMATS_ANDROID_COMPONENTS_H
#define VG_FORMATS_ANDROID_COMPONENTS_H

#include "formats/android/aqf.h"

enum vg_comp_type {
    VG_COMP_ACCESSIBILITY = 0, /* section "accessibility" */
    VG_COMP_DEVICE_ADMIN,      /* "device_policy" */
    VG_COMP_NOTIFICATION,      /* "notification" */
    VG_COMP_SMS_RECEIVER,      /* "package": receivers of SMS_RECEIVED / SMS_DELIVER */
    VG_COMP_COUNT
};

/* "accessibility_service", "device_admin", "notification_listener",
 * "sms_receiver": the records' component_type. */
const char *vg_comp_type_name(enum vg_comp_type t);
/* "Accessibility service", ...: for messages. */
const char *vg_comp_type_label(enum vg_comp_type t);
/* The type of a component_type name, or VG_COMP_COUNT. */
enum vg_comp_type vg_comp_type_of(const char *name);

/* Delivers {"component_type": str, "component": "pkg/cls" as dumpsys
 * writes it, "package_name": str} for each component the four sections of
 * a dumpsys text name, each (type, component) once, in text order. The
 * sections are formats/android/dumpsys.h's (MVT's rule), their normal
 * pass only. Invalid UTF-8 is read as U+FFFD (one warning). VG_OK,
 * VG_E_NOMEM, VG_E_LIMIT past VG_MAX_AQF_RECORDS or the splitter's caps,
 * or what the record callback returned. */
int vg_components_parse(const void *text, size_t len, struct vg_aqf_sink *s) VG_MUST_CHECK;

#endif
