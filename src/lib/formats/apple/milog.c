/*
 * MobileInstallation logs (see milog.h). Hand-written: a line grammar of
 * installd's, which no library reads.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include "formats/apple/milog.h"

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static int month_of(struct vg_str w)
{
    size_t i;

    for (i = 0; i < VG_ARRAY_LEN(months); i++)
        if (vg_str_eq(w, months[i]))
            return (int)i + 1;
    return 0;
}

/* "HH:MM:SS" into seconds of the day, or -1. */
static int64_t clock_of(struct vg_str w)
{
    int v[3], i;
    const char *p = w.p;

    if (w.n != 8 || p[2] != ':' || p[5] != ':')
        return -1;
    for (i = 0; i < 3; i++) {
        char a = p[i * 3], b = p[i * 3 + 1];
        if (a < '0' || a > '9' || b < '0' || b > '9')
            return -1;
        v[i] = (a - '0') * 10 + (b - '0');
    }
    if (v[0] > 23 || v[1] > 59 || v[2] > 60)
        return -1;
    return v[0] * 3600 + v[1] * 60 + v[2];
}

/* "Www Mmm dd HH:MM:SS YYYY" at the start of *s: the wall time as seconds
 * since 1970; *s advanced past it. 0 when the line starts no entry. */
static int entry_time(struct vg_str *s, int64_t *out)
{
    struct vg_str c = *s, wday, mon, day, hms, year;
    uint64_t d = 0, y = 0;
    int m;
    int64_t secs;

    if (!vg_str_word(&c, &wday) || wday.n != 3 || !vg_str_word(&c, &mon) || !(m = month_of(mon)) ||
        !vg_str_word(&c, &day) || !vg_str_u64(&day, &d) || day.n || d < 1 || d > 31 ||
        !vg_str_word(&c, &hms) || (secs = clock_of(hms)) < 0 || !vg_str_word(&c, &year) ||
        year.n != 4 || !vg_str_u64(&year, &y) || year.n || y < 1970)
        return 0;
    *out = vg_days_from_civil((int64_t)y, (unsigned)m, (unsigned)d) * 86400 + secs;
    *s = c;
    return 1;
}

/* The rest of an entry line after the time: " [pid] <level> (0xthread) function: message". */
static int entry_rest(struct vg_str s, struct vg_milog_entry *e)
{
    struct vg_str pid, f;
    int64_t n;

    vg_str_skip_ws(&s);
    if (!vg_str_bracketed(&s, '[', ']', &pid))
        return 0;
    e->pid = vg_str_i64(&pid, &n) && pid.n == 0 ? n : -1;
    vg_str_skip_ws(&s);
    if (!vg_str_bracketed(&s, '<', '>', &e->level))
        return 0;
    vg_str_skip_ws(&s);
    if (!vg_str_bracketed(&s, '(', ')', &e->thread))
        return 0;
    vg_str_skip_ws(&s);
    e->function = (struct vg_str){s.p, 0};
    /* "-[Class method:]: message" or "+[...]: message"; else all message */
    if (s.n > 2 && (s.p[0] == '-' || s.p[0] == '+') && s.p[1] == '[') {
        long end = vg_str_find_str(s, "]: ");
        if (end > 0) {
            f.p = s.p;
            f.n = (size_t)end + 1;
            e->function = f;
            s.p += end + 3;
            s.n -= (size_t)end + 3;
        }
    }
    e->message = vg_str_trim(s);
    return 1;
}

int vg_milog_each(const void *text, size_t len, int (*cb)(void *ud, const struct vg_milog_entry *e),
                  void *ud)
{
    struct vg_lines l;
    struct vg_str line;
    int rc;

    if (len > VG_MAX_MI_LOG_FILE)
        return VG_E_LIMIT;
    vg_lines_init(&l, text, len, VG_MAX_APPLE_TEXT_LINE);
    while (vg_lines_next(&l, &line)) {
        struct vg_milog_entry e;
        memset(&e, 0, sizeof(e));
        e.line = l.lineno;
        if (!entry_time(&line, &e.local_time) || !entry_rest(line, &e))
            continue;
        rc = cb(ud, &e);
        if (rc != VG_OK)
            return rc;
    }
    return VG_OK;
}

/* The text between after and the first stop after it (to the end when
 * stop is NULL or absent). 0 when after is absent. */
static int between(struct vg_str s, const char *after, const char *stop, struct vg_str *out)
{
    long a = vg_str_find_str(s, after), b;

    if (a < 0)
        return 0;
    s.p += (size_t)a + strlen(after);
    s.n -= (size_t)a + strlen(after);
    b = stop ? vg_str_find_str(s, stop) : -1;
    out->p = s.p;
    out->n = b >= 0 ? (size_t)b : s.n;
    return 1;
}

/* "P (pid N)" at the start of s. */
static void requester(struct vg_str s, struct vg_milog_event *ev)
{
    struct vg_str pid;
    int64_t n;
    long open = vg_str_find_str(s, " (pid ");

    if (open < 0) {
        ev->requested_by = vg_str_trim(s);
        return;
    }
    ev->requested_by = (struct vg_str){s.p, (size_t)open};
    pid = (struct vg_str){s.p + open + 6, s.n - (size_t)open - 6};
    if (vg_str_i64(&pid, &n) && pid.n && pid.p[0] == ')')
        ev->requested_pid = n;
}

static void install_request(struct vg_str m, struct vg_milog_event *ev)
{
    struct vg_str rest;

    ev->kind = VG_MILOG_INSTALL_REQUEST;
    (void)between(m, "Install of \"", "\"", &ev->path);
    (void)between(m, "\" type ", " ", &ev->install_type);
    if (between(m, " requested by ", NULL, &rest))
        requester(rest, ev);
}

static void installing(struct vg_str m, struct vg_milog_event *ev)
{
    ev->kind = VG_MILOG_INSTALLING;
    (void)between(m, " ID=", ";", &ev->bundle_id);
    (void)between(m, "; Version=", ",", &ev->version);
    (void)between(m, ", ShortVersion=", ">", &ev->short_version);
}

static void installed(struct vg_str m, struct vg_milog_event *ev)
{
    struct vg_str b;
    long colon;

    ev->kind = VG_MILOG_INSTALLED;
    if (!between(m, "Install Successful for (", ")", &b))
        return;
    /* "(Placeholder:com.x)", "(Customer:com.x)", "(System:com.x)" */
    colon = vg_str_find(b, ':');
    if (colon >= 0) {
        ev->install_type = (struct vg_str){b.p, (size_t)colon};
        b.p += colon + 1;
        b.n -= (size_t)colon + 1;
    }
    ev->bundle_id = b;
}

static void uninstall_request(struct vg_str m, struct vg_milog_event *ev)
{
    struct vg_str rest;

    ev->kind = VG_MILOG_UNINSTALL_REQUEST;
    if (between(m, "Uninstall requested by ", " for identifier ", &rest))
        requester(rest, ev);
    (void)between(m, " for identifier ", " ", &ev->bundle_id);
}

void vg_milog_event(struct vg_str m, struct vg_milog_event *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->requested_pid = -1;
    if (vg_str_starts(m, "Install of \""))
        install_request(m, ev);
    else if (vg_str_starts(m, "Installing <"))
        installing(m, ev);
    else if (vg_str_starts(m, "Install Successful for ("))
        installed(m, ev);
    else if (vg_str_starts(m, "Made container live for ")) {
        ev->kind = VG_MILOG_CONTAINER_LIVE;
        (void)between(m, "live for ", " at ", &ev->bundle_id);
        (void)between(m, " at ", NULL, &ev->path);
    } else if (vg_str_starts(m, "Uninstall requested by "))
        uninstall_request(m, ev);
    else if (vg_str_starts(m, "Uninstalling identifier ")) {
        ev->kind = VG_MILOG_UNINSTALLING;
        (void)between(m, "identifier ", " ", &ev->bundle_id);
    } else if (vg_str_starts(m, "Destroying container with identifier ")) {
        ev->kind = VG_MILOG_CONTAINER_REMOVED;
        (void)between(m, "identifier ", " at ", &ev->bundle_id);
        (void)between(m, " at ", NULL, &ev->path);
    }
}

const char *vg_milog_kind_name(enum vg_milog_kind kind)
{
    static const char *const names[] = {
        "other",          "install_request",   "installing",   "installed",
        "container_live", "uninstall_request", "uninstalling", "container_removed",
    };
    return (size_t)kind < VG_ARRAY_LEN(names) ? names[kind] : "other";
}
