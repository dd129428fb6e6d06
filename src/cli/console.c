/*
 * Console output: one line per module, alerts under it, warnings as they
 * come, a coverage section, and a verdict. Colour only on a terminal.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define C_RESET  "\033[0m"
#define C_BOLD   "\033[1m"
#define C_RED    "\033[31m"
#define C_YELLOW "\033[33m"
#define C_GREEN  "\033[32m"
#define C_DIM    "\033[2m"
#define C_CRIT   "\033[1;37;41m" /* CRITICAL: white on red, HIGH is red */

/* Status lines come from the scan's worker threads. */
static pthread_mutex_t status_lock = PTHREAD_MUTEX_INITIALIZER;

void cli_console_init(struct console *c)
{
    const char *no_color = getenv("NO_COLOR");
    memset(c, 0, sizeof(*c));
    c->verbosity = 1;
    c->color = isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

static const char *col(const char *code)
{
    return cons.color ? code : "";
}

/* Evidence text reaches the terminal: an ESC, BEL or CR sequence in a
 * file name must not retitle, ring or rewrite the analyst's terminal. Every
 * C0 control but tab, DEL and the C1 controls (U+0080..U+009F) are shown
 * as \xNN; everything else goes out as it is. */
static void put_safe(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    for (; p && *p; p++) {
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
            fprintf(f, "\\x%02x", *p);
        else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            fprintf(f, "\\u%04x", p[1]), p++;
        else
            fputc(*p, f);
    }
}

VG_PRINTF(4, 0)
static void vmsg(FILE *f, const char *color, const char *tag, const char *fmt, va_list ap)
{
    char line[8192];

    fprintf(f, "%s%s%s", col(color), tag, col(C_RESET));
    /* fmt never NULL: also keeps gcc -O2 with UBSan from seeing a NULL format path */
    if (fmt && vsnprintf(line, sizeof(line), fmt, ap) >= 0)
        put_safe(f, line);
    fputc('\n', f);
}

void cli_clear_status(void)
{
    pthread_mutex_lock(&status_lock);
    if (cons.status) {
        fputs("\r\033[K", stderr);
        cons.status = 0;
    }
    pthread_mutex_unlock(&status_lock);
}

static int status_wanted(void)
{
    return cons.verbosity >= 1 && isatty(STDERR_FILENO);
}

void cli_status(void *ud, const char *what)
{
    (void)ud;
    if (!status_wanted())
        return;
    fflush(stdout);
    pthread_mutex_lock(&status_lock);
    fprintf(stderr, "\r\033[K%s...", what);
    cons.status = 1;
    pthread_mutex_unlock(&status_lock);
}

void cli_progress_module(void *ud, const char *module, size_t records)
{
    (void)ud;
    if (!status_wanted())
        return;
    pthread_mutex_lock(&status_lock);
    if (records)
        fprintf(stderr, "\r\033[K  %s: %zu records...", module, records);
    else
        fprintf(stderr, "\r\033[K  %s...", module);
    cons.status = 1;
    pthread_mutex_unlock(&status_lock);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    cli_clear_status();
    fflush(stdout);
    va_start(ap, fmt);
    vmsg(stderr, C_RED, "error: ", fmt, ap);
    va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    if (cons.verbosity < 1)
        return;
    cli_clear_status();
    fflush(stdout);
    cons.warnings++;
    va_start(ap, fmt);
    vmsg(stderr, C_YELLOW, "warning: ", fmt, ap);
    va_end(ap);
}

void cli_info(const char *fmt, ...)
{
    va_list ap;
    if (cons.verbosity < 2)
        return;
    va_start(ap, fmt);
    vmsg(stdout, C_DIM, "", fmt, ap);
    va_end(ap);
}

void cli_diag_cb(void *ud, const struct vg_diag_entry *e)
{
    struct console *c = ud;
    const char *sep = e->where && *e->where ? ": " : "";

    switch (e->level) {
    case VG_DIAG_ERROR:
        cli_error("%s%s%s", e->where, sep, e->message);
        break;
    case VG_DIAG_WARN:
        cli_warn("%s%s%s", e->where, sep, e->message);
        break;
    case VG_DIAG_INFO:
        /* the container's notes (which backup was picked, that it is
         * encrypted) matter to every reader; the modules' only with -v */
        if (c->verbosity >= 2 || (c->verbosity >= 1 && (strcmp(e->where, "backup") == 0 ||
                                                        strcmp(e->where, "sysdiagnose") == 0))) {
            printf("%s%s%s", col(C_DIM), e->where, sep);
            put_safe(stdout, e->message);
            printf("%s\n", col(C_RESET));
        }
        break;
    case VG_DIAG_DEBUG:
        if (c->verbosity >= 3) {
            printf("%sdebug: %s%s", col(C_DIM), e->where, sep);
            put_safe(stdout, e->message);
            printf("%s\n", col(C_RESET));
        }
        break;
    }
}

static const char *level_color(enum vg_level l)
{
    switch (l) {
    case VG_LEVEL_CRITICAL:
        return C_CRIT;
    case VG_LEVEL_HIGH:
        return C_RED;
    case VG_LEVEL_MEDIUM:
        return C_YELLOW;
    default:
        return C_DIM;
    }
}

static void keep_coverage(struct console *c, const char *module, const char *line)
{
    char *s;
    size_t n = strlen(module) + strlen(line) + 32;

    if (c->n_coverage == c->cap_coverage) {
        size_t ncap = c->cap_coverage ? c->cap_coverage * 2 : 64;
        char **nv = realloc(c->coverage, ncap * sizeof(*nv));
        if (!nv)
            return;
        c->coverage = nv;
        c->cap_coverage = ncap;
    }
    s = malloc(n);
    if (!s)
        return;
    snprintf(s, n, "  %-28s %s", module, line);
    c->coverage[c->n_coverage++] = s;
}

/* What was read, what could not be, and what was absent stay one line
 * each; places a module looked at that this acquisition does not have are
 * counted (listed with --verbose), so the section stays readable. */
static int coverage_problem(const char *line)
{
    return strncmp(line, "unreadable ", 11) == 0 || strncmp(line, "absent ", 7) == 0 ||
           (strncmp(line, "partial ", 8) == 0 && !strstr(line, "schema"));
}

static void keep_module_coverage(struct console *c, const struct vg_module_report *r)
{
    size_t i, missing = 0, kept = 0;
    char line[256];

    for (i = 0; i < r->n_coverage; i++) {
        if (strncmp(r->coverage[i], "missing ", 8) == 0)
            c->n_places++;
        else if (strncmp(r->coverage[i], "found ", 6) == 0)
            c->n_found++;
        if (coverage_problem(r->coverage[i]))
            c->n_problems++;
        if (c->verbosity < 2 && !c->coverage_all && strncmp(r->coverage[i], "missing ", 8) == 0) {
            missing++;
            continue;
        }
        keep_coverage(c, r->class_name, r->coverage[i]);
        kept++;
    }
    if (!missing)
        return;
    snprintf(line, sizeof(line), "%s%zu location%s looked at, not in this acquisition",
             kept ? "and " : "nothing to read: ", missing, missing == 1 ? "" : "s");
    keep_coverage(c, r->class_name, line);
}

void cli_module_cb(void *ud, const struct vg_module_report *r)
{
    struct console *c = ud;
    size_t i, total = 0;

    for (i = 0; i < VG_LEVEL_COUNT; i++)
        total += r->alerts[i];
    keep_module_coverage(c, r);
    if (c->verbosity < 1)
        return;
    cli_clear_status();
    printf("  %-28s %8zu record%s", r->class_name, r->records, r->records == 1 ? " " : "s");
    if (r->recovered) /* from deleted rows: <module>_recovered.json */
        printf("  +%zu recovered", r->recovered);
    if (total)
        printf("  %s%zu alert%s%s", col(C_BOLD), total, total == 1 ? "" : "s", col(C_RESET));
    if (r->status != VG_OK)
        printf("  %s(incomplete: %s)%s", col(C_YELLOW), vg_strerror(r->status), col(C_RESET));
    putchar('\n');
    for (i = 0; i < r->n_alerts; i++) {
        printf("      %s%-8s%s ", col(level_color(r->alert_levels[i])),
               vg_level_name(r->alert_levels[i]), col(C_RESET));
        put_safe(stdout, r->alert_messages[i]);
        putchar('\n');
    }
}

void cli_print_device(const struct vg_source *src)
{
    static const struct {
        const char *key, *label;
    } order[] = {
        {"product_type", ""},         {"device_model", ""},
        {"product_version", "iOS "},  {"android_version", "Android "},
        {"build_version", "build "},  {"device_name", "name "},
        {"security_patch", "patch "}, {"date", "taken "},
    };
    const char *keys[32], *values[32];
    size_t n = vg_source_facts(src, keys, values, 32), i, j, shown = 0;

    if (cons.verbosity < 1 || n == 0)
        return;
    cli_clear_status();
    printf("%sDevice:%s", col(C_BOLD), col(C_RESET));
    for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        for (j = 0; j < n && j < 32; j++) {
            if (strcmp(keys[j], order[i].key) != 0 || !*values[j])
                continue;
            printf("%s%s", shown++ ? ", " : " ", order[i].label);
            put_safe(stdout, values[j]);
        }
    }
    if (!shown)
        printf(" (not known)");
    putchar('\n');
}

void cli_begin_scan(const char *target)
{
    if (cons.verbosity >= 1) {
        printf("%svigie %s%s checking ", col(C_BOLD), VG_VERSION, col(C_RESET));
        put_safe(stdout, target);
        putchar('\n');
    }
}

void cli_print_summary(const struct vg_summary *sum, const char *output_dir)
{
    static const enum vg_level order[] = {VG_LEVEL_CRITICAL, VG_LEVEL_HIGH, VG_LEVEL_MEDIUM,
                                          VG_LEVEL_LOW, VG_LEVEL_INFO};
    int detections = vg_summary_has_detections(sum);
    const char *verdict;
    size_t i;

    cli_clear_status();
    if (cons.verbosity >= 1 && (cons.n_problems || cons.coverage_all || cons.verbosity >= 2)) {
        printf("\n%sCoverage%s (what each module found, missed, or could not read)\n", col(C_BOLD),
               col(C_RESET));
        for (i = 0; i < cons.n_coverage; i++) {
            put_safe(stdout, cons.coverage[i]);
            putchar('\n');
        }
    } else if (cons.verbosity >= 1) {
        printf(
            "\n%sCoverage%s: %zu artifacts read, nothing unreadable; %zu places looked at are not "
            "in this acquisition (--coverage lists everything)\n",
            col(C_BOLD), col(C_RESET), cons.n_found, cons.n_places);
    }
    for (i = 0; i < cons.n_coverage; i++)
        free(cons.coverage[i]);
    free(cons.coverage);
    cons.coverage = NULL;
    cons.n_coverage = cons.cap_coverage = 0;

    if (cons.verbosity >= 1 && output_dir) {
        printf("\nResults written to ");
        put_safe(stdout, output_dir);
        putchar('\n');
    }
    verdict = vg_summary_verdict(sum);
    printf("\n%s%s%s%s: %zu modules, %zu records, %zu warning%s; alerts:", col(C_BOLD),
           col(detections    ? C_RED
               : sum->unread ? C_YELLOW
                             : ""),
           verdict, col(C_RESET), sum->modules_run, sum->records, sum->warnings,
           sum->warnings == 1 ? "" : "s");
    for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        printf(" %zu %s%s", sum->alerts[order[i]], vg_level_name(order[i]),
               i + 1 < sizeof(order) / sizeof(order[0]) ? "," : "");
    putchar('\n');
    if (detections && cons.verbosity >= 1)
        printf("Alerts of MEDIUM level or above need an expert's review before any conclusion.\n");
    if (sum->unread)
        printf("%zu thing%s could not be read (see the warnings): %s\n", sum->unread,
               sum->unread == 1 ? "" : "s",
               detections ? "there may be more to find"
                          : "nothing was found in what was read, but this is not a clean result");
}

void cli_print_iocs(const struct vg_iocs *iocs)
{
    size_t i, t;

    printf("%zu indicators in %zu collections from %zu files\n\n", vg_iocs_count(iocs),
           vg_iocs_collection_count(iocs), vg_iocs_file_count(iocs));
    printf("Collections:\n");
    for (i = 0; i < vg_iocs_collection_count(iocs); i++) {
        const struct vg_ioc_collection_info *c = vg_iocs_collection(iocs, i);
        printf("  %-40s %6zu  (%s)\n", c->name, c->total, c->file);
        for (t = 0; t < VG_IOC_TYPE_COUNT; t++)
            if (c->count[t])
                printf("      %-28s %6zu\n", vg_ioc_type_stix((enum vg_ioc_type)t), c->count[t]);
    }
    printf("\nBy type:\n");
    for (t = 0; t < VG_IOC_TYPE_COUNT; t++)
        if (vg_iocs_count_type(iocs, (enum vg_ioc_type)t))
            printf("  %-28s %6zu\n", vg_ioc_type_stix((enum vg_ioc_type)t),
                   vg_iocs_count_type(iocs, (enum vg_ioc_type)t));
    printf("\nFiles:\n");
    for (i = 0; i < vg_iocs_file_count(iocs); i++) {
        const struct vg_ioc_file_info *f = vg_iocs_file(iocs, i);
        printf("  %s  %s  (%zu loaded", f->sha256, f->path, f->loaded);
        if (f->duplicates)
            printf(", %zu duplicates", f->duplicates);
        if (f->unsupported)
            printf(", %zu unsupported", f->unsupported);
        printf(")\n");
    }
}

int cli_check_module_names(enum vg_kind kind, const char *const *names, size_t n)
{
    const char *mods[256], *classes[256];
    size_t count = vg_module_list(kind, mods, classes, NULL, 256), i, j;

    for (i = 0; i < n; i++) {
        int ok = 0;
        for (j = 0; j < count && j < 256; j++)
            if (strcasecmp(names[i], mods[j]) == 0 || strcasecmp(names[i], classes[j]) == 0)
                ok = 1;
        if (!ok) {
            cli_error("unknown module %s (see --list-modules)", names[i]);
            return -1;
        }
    }
    return 0;
}

/* ---- decrypt-backup progress ---- */

static double progress_start = -1;
static int progress_shown;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void human_bytes(double b, char *buf, size_t cap)
{
    static const char *const units[] = {"B", "KB", "MB", "GB", "TB"};
    size_t u = 0;

    while (b >= 1000 && u + 1 < sizeof(units) / sizeof(units[0])) {
        b /= 1000;
        u++;
    }
    snprintf(buf, cap, u ? "%.1f %s" : "%.0f %s", b, units[u]);
}

void cli_progress_cb(void *ud, const struct vg_decrypt_progress *p)
{
    char done[32], total[32], rate[32], left[32];
    double t = now_seconds(), elapsed, per_s;
    unsigned pct, bar, i;

    (void)ud;
    if (progress_start < 0)
        progress_start = t;
    elapsed = t - progress_start;
    per_s = elapsed > 0.5 ? (double)p->bytes_done / elapsed : 0;
    pct = p->bytes_total ? (unsigned)((double)p->bytes_done * 100.0 / (double)p->bytes_total) : 0;
    if (pct > 100)
        pct = 100;
    bar = pct * 30 / 100;
    human_bytes((double)p->bytes_done, done, sizeof(done));
    human_bytes((double)p->bytes_total, total, sizeof(total));
    human_bytes(per_s, rate, sizeof(rate));
    if (per_s > 0 && p->bytes_total > p->bytes_done) {
        unsigned long s = (unsigned long)((double)(p->bytes_total - p->bytes_done) / per_s);
        snprintf(left, sizeof(left), "%lu:%02lu:%02lu left", s / 3600, s / 60 % 60, s % 60);
    } else {
        snprintf(left, sizeof(left), "%s", p->bytes_done >= p->bytes_total ? "done" : "");
    }
    fprintf(stderr, "\r%3u%% [", pct);
    for (i = 0; i < 30; i++)
        fputc(i < bar ? '#' : '.', stderr);
    fprintf(stderr, "] %s / %s  %zu/%zu files  %s/s  %s\033[K", done, total, p->files_done,
            p->files_total, rate, left);
    fflush(stderr);
    progress_shown = 1;
}

void cli_progress_end(void)
{
    if (progress_shown)
        fputc('\n', stderr);
    progress_shown = 0;
    progress_start = -1;
}
