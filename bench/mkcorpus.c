/*
 * mkcorpus: large, realistic inputs for the benchmarks (bench/run), written
 * with the test fixture builder (tests/fixtures) so the benchmarks read
 * exactly the formats the tests check.
 *
 *   mkcorpus iocs -o FILE [-k COUNT] [--seed N]
 *       A STIX2 bundle of COUNT synthetic domain, process, email and file
 *       path indicators (70/10/10/10), plus the planted ones.
 *   mkcorpus backup -o DIR [sizes] [--password PW [--kdf-iter N]]
 *       An iOS backup: filler files over realistic domains, and the big
 *       databases (Safari history, sms.db, DataUsage, WhatsApp, the ID
 *       status cache) with a planted hit for each module that checks them.
 *   mkcorpus fsdump -o FILE.tar [--files N] [--bytes SIZE] [--seed N]
 *       An iOS filesystem dump as one tar: N filler files (SIZE in all)
 *       under app containers and system folders, and the planted hits
 *       check-fs finds (sms.db, netusage.sqlite, a file path).
 *   mkcorpus sysdiagnose -o DIR [--bytes SIZE] [--seed N]
 *       An iOS sysdiagnose (.tar.gz) with SIZE bytes of logarchive and the
 *       test fixture builder's planted traces (mksysdiag.c).
 *   mkcorpus bugreport -o FILE.zip [--bytes SIZE] [--tombstones N]
 *       An Android bugreport zip: a dumpstate text of about SIZE (default
 *       128M) with the sections the bugreport modules read (thousands of
 *       packages, appops and battery history among logcat and other
 *       services), N tombstones (text and protobuf), ANR traces; the test
 *       fixture's planted hits (tests/fixtures/bugreport.h) are in it.
 *   mkcorpus planted
 *       The planted hits, one per line: module, STIX path, value.
 *   mkcorpus features
 *       What this build can write ("encryption yes" or "encryption no").
 *
 * Everything is a function of the arguments (and --seed): two runs with the
 * same arguments write the same bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>

#include "bugreport.h"
#include "fixture.h"
#include "ios_artifacts.h"
#include "mksysdiag.h"
#include "synth.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Filler content comes from one random pool (AES and SHA-256 cost the same
 * on any bytes; only the bytes' count matters), sliced at random offsets. */
#define POOL_SIZE     (64u * 1024u * 1024u)
#define MAX_FILE_SIZE (1024ull * 1024u * 1024u)

/* 2021-01-01 .. 2024-01-01 UTC: the span records are dated over. */
#define SPAN_START 1609459200LL
#define SPAN_LEN   (3LL * 365 * 86400)

#define DEFAULT_SEED 1

static void die_usage(void)
{
    fprintf(stderr,
            "usage: mkcorpus iocs -o FILE [-k COUNT] [--seed N]\n"
            "       mkcorpus backup -o DIR [--files N] [--bytes SIZE] [--safari V] [--sms M]\n"
            "                [--sms-links PCT] [--datausage P] [--whatsapp W] [--idstatus I]\n"
            "                [--password PW [--kdf-iter N] [--key-out FILE]]\n"
            "                [--plant-domain D]... [--seed N]\n"
            "       mkcorpus fsdump -o FILE.tar [--files N] [--bytes SIZE] [--seed N]\n"
            "       mkcorpus sysdiagnose -o DIR [--bytes SIZE] [--seed N]\n"
            "       mkcorpus bugreport -o FILE.zip [--bytes SIZE] [--tombstones N]\n"
            "       mkcorpus planted\n"
            "       mkcorpus features\n"
            "Counts take k, M suffixes (10^3, 10^6); SIZE takes K, M, G (2^10, 2^20, 2^30).\n");
    exit(2);
}

/* "40k", "1M", "4G": suffixes are decimal for counts, binary for sizes. */
static int parse_num(const char *s, int binary, uint64_t *out)
{
    char *end = NULL;
    unsigned long long v;
    uint64_t mul = 1;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    switch (*end) {
    case '\0':
        break;
    case 'k':
    case 'K':
        mul = binary ? 1024u : 1000u;
        end++;
        break;
    case 'm':
    case 'M':
        mul = binary ? 1024u * 1024u : 1000000u;
        end++;
        break;
    case 'g':
    case 'G':
        mul = binary ? 1024ull * 1024u * 1024u : 1000000000u;
        end++;
        break;
    default:
        return -1;
    }
    if (*end || (v && mul > UINT64_MAX / v))
        return -1;
    *out = (uint64_t)v * mul;
    return 0;
}

static uint64_t num_arg(const char *opt, const char *s, int binary)
{
    uint64_t v;
    if (parse_num(s, binary, &v) != 0) {
        fprintf(stderr, "mkcorpus: %s: not a number: %s\n", opt, s);
        exit(2);
    }
    return v;
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* A v4-shaped UUID drawn from r, lower case. */
static void uuid(struct bench_rng *r, char out[37])
{
    uint64_t hi = bench_rng_next(r), lo = bench_rng_next(r);
    hi = (hi & ~0xf000ULL) | 0x4000ULL;
    lo = (lo & ~(3ULL << 62)) | (2ULL << 62);
    snprintf(out, 37, "%08" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%012" PRIx64,
             hi >> 32, (hi >> 16) & 0xffff, hi & 0xffff, lo >> 48, lo & (uint64_t)0xffffffffffff);
}

/* ======================================================== indicators */

#define STIX_TIME "2026-01-01T00:00:00Z"

static const char *const kind_path[BENCH_KIND_COUNT] = {
    "domain-name:value",
    "process:name",
    "email-addr:value",
    "file:path",
};

struct bundle {
    FILE *f;
    struct bench_rng ids;
    size_t objects;
};

static void bundle_sep(struct bundle *b)
{
    fputs(b->objects++ ? ",\n" : "\n", b->f);
}

static void bundle_malware(struct bundle *b, const char *name, const char *desc, char id[37])
{
    uuid(&b->ids, id);
    bundle_sep(b);
    fprintf(b->f,
            "{\"type\":\"malware\",\"spec_version\":\"2.1\",\"id\":\"malware--%s\","
            "\"created\":\"" STIX_TIME "\",\"modified\":\"" STIX_TIME "\",\"name\":\"%s\","
            "\"description\":\"%s\",\"is_family\":false}",
            id, name, desc);
}

/* An indicator; with a malware id, also its "indicates" relationship (the
 * shape of the public bundles). Values never need escaping (letters,
 * digits, '.', '-', '_', '@', '/'). */
static void bundle_indicator(struct bundle *b, const char *id, const char *stix_path,
                             const char *value, const char *malware_id)
{
    char rel[37];

    bundle_sep(b);
    fprintf(b->f,
            "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--%s\","
            "\"created\":\"" STIX_TIME "\",\"modified\":\"" STIX_TIME "\","
            "\"pattern\":\"[%s='%s']\",\"pattern_type\":\"stix\",\"valid_from\":\"" STIX_TIME "\"}",
            id, stix_path, value);
    if (!malware_id)
        return;
    uuid(&b->ids, rel);
    bundle_sep(b);
    fprintf(b->f,
            "{\"type\":\"relationship\",\"spec_version\":\"2.1\",\"id\":\"relationship--%s\","
            "\"created\":\"" STIX_TIME "\",\"modified\":\"" STIX_TIME "\","
            "\"relationship_type\":\"indicates\",\"source_ref\":\"indicator--%s\","
            "\"target_ref\":\"malware--%s\"}",
            rel, id, malware_id);
}

/* The id of synthetic indicator n, drawn again when the report lists it. */
static void synth_id(uint64_t seed, uint64_t n, char out[37])
{
    struct bench_rng r;
    bench_rng_init(&r, seed, 101, n);
    uuid(&r, out);
}

static void each_synthetic(struct bundle *b, uint64_t k, uint64_t seed, int refs)
{
    size_t counts[BENCH_KIND_COUNT], i, kind;
    uint64_t n = 0;
    char id[37], value[256];

    bench_split((size_t)k, counts);
    for (kind = 0; kind < BENCH_KIND_COUNT; kind++)
        for (i = 0; i < counts[kind]; i++, n++) {
            synth_id(seed, n, id);
            if (refs) {
                fprintf(b->f, "%s\"indicator--%s\"", n ? "," : "", id);
                continue;
            }
            bench_value((enum bench_kind)kind, seed, i, value, sizeof value);
            bundle_indicator(b, id, kind_path[kind], value, NULL);
        }
}

/* The synthetic indicators belong to a report listing them (object_refs):
 * a million relationships would take the bundle past what a loader should
 * accept from one file (VG_MAX_STIX_FILE). The planted ones use the
 * malware-and-relationship form, so both forms are exercised. */
static int write_bundle(const char *path, uint64_t k, uint64_t seed)
{
    struct bundle b;
    size_t i;
    char planted_id[37], bundle_id[37], report_id[37], id[37];
    int ok;

    memset(&b, 0, sizeof b);
    b.f = fopen(path, "w");
    if (!b.f) {
        fprintf(stderr, "mkcorpus: %s: %s\n", path, strerror(errno));
        return -1;
    }
    bench_rng_init(&b.ids, seed, 100, 0);
    uuid(&b.ids, bundle_id);
    fprintf(b.f, "{\"type\":\"bundle\",\"id\":\"bundle--%s\",\"objects\":[", bundle_id);
    bundle_malware(&b, "BenchPlanted", "Planted hits of the vigie benchmark corpus", planted_id);
    for (i = 0; i < bench_planted_count; i++) {
        uuid(&b.ids, id);
        bundle_indicator(&b, id, bench_planted[i].stix, bench_planted[i].value, planted_id);
    }
    each_synthetic(&b, k, seed, 0);
    uuid(&b.ids, report_id);
    bundle_sep(&b);
    fprintf(b.f,
            "{\"type\":\"report\",\"spec_version\":\"2.1\",\"id\":\"report--%s\","
            "\"created\":\"" STIX_TIME "\",\"modified\":\"" STIX_TIME "\","
            "\"name\":\"BenchSynthetic\",\"description\":\"Synthetic indicators (not threat "
            "intelligence)\",\"published\":\"" STIX_TIME "\",\"object_refs\":[",
            report_id);
    each_synthetic(&b, k, seed, 1);
    fputs("]}\n]}\n", b.f);
    ok = !ferror(b.f);
    if (fclose(b.f) != 0 || !ok) {
        fprintf(stderr, "mkcorpus: %s: write failed\n", path);
        return -1;
    }
    return 0;
}

static int cmd_iocs(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"count", required_argument, NULL, 'k'},
        {"seed", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0},
    };
    const char *out = NULL;
    uint64_t k = 1000000, seed = DEFAULT_SEED;
    int c;

    while ((c = getopt_long(argc, argv, "o:k:", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'k':
            k = num_arg("-k", optarg, 0);
            break;
        case 's':
            seed = num_arg("--seed", optarg, 0);
            break;
        default:
            die_usage();
        }
    }
    if (!out || optind != argc)
        die_usage();
    if (write_bundle(out, k, seed) != 0)
        return 1;
    printf("indicators %" PRIu64 " planted %zu\n", k, bench_planted_count);
    return 0;
}

/* ======================================================== backups */

struct backup_opts {
    const char *out;
    uint64_t files, bytes, safari, sms, sms_links_pct, datausage, whatsapp, idstatus;
    const char *password;
    uint64_t kdf_iter;
    const char *key_out;
    const char *plant_domains[16];
    size_t n_plant_domains;
    uint64_t seed;
};

struct corpus {
    const struct backup_opts *o;
    struct vgfix_backup *b;
    char *tmp; /* databases are built here, then copied in */
    unsigned char *pool;
    uint64_t records;
};

/* Cocoa seconds of the i-th of n records, spread over the span. */
static double record_time(uint64_t i, uint64_t n)
{
    return vgfix_cocoa((double)SPAN_START + (double)SPAN_LEN * ((double)i / (double)(n ? n : 1)));
}

static int add_db(struct corpus *c, const char *name, const char *domain, const char *relpath)
{
    char *path = join(c->tmp, name);
    int rc = path ? vgfix_backup_add_file_from(c->b, domain, relpath, path) : -1;

    if (path)
        remove(path);
    free(path);
    return rc;
}

/* ---- Safari ---- */

static int safari_rows(struct corpus *c, struct vgfix_iosdb *db)
{
    const struct backup_opts *o = c->o;
    uint64_t items = o->safari / 3 + 1, i;
    struct bench_rng r;
    char url[512], title[256];
    size_t n;

    bench_rng_init(&r, o->seed, 200, 0);
    for (i = 1; i <= items; i++) {
        /* history_items.url is unique: number each URL */
        n = bench_miss_url(&r, url, sizeof url - 32);
        snprintf(url + n, sizeof url - n, "%sn=%" PRIu64, strchr(url, '?') ? "&" : "?", i);
        if (vgfix_safari_add_item(db, (int64_t)i, url, NULL) != 0)
            return -1;
    }
    for (i = 0; i < o->safari; i++) {
        struct vgfix_safari_visit v;
        memset(&v, 0, sizeof v);
        v.item = (int64_t)(1 + bench_rng_below(&r, items));
        v.visit_time = record_time(i, o->safari);
        bench_words(&r, 4, title, sizeof title);
        v.title = title;
        if (vgfix_safari_add_visit(db, &v, NULL) != 0)
            return -1;
    }
    c->records += o->safari;
    return 0;
}

static int safari_plant(struct corpus *c, struct vgfix_iosdb *db, const char *url, double when)
{
    struct vgfix_safari_visit v;
    int64_t item = 0;

    memset(&v, 0, sizeof v);
    if (vgfix_safari_add_item(db, 0, url, &item) != 0)
        return -1;
    v.item = item;
    v.visit_time = when;
    v.title = "bench planted";
    c->records++;
    return vgfix_safari_add_visit(db, &v, NULL);
}

static int build_safari(struct corpus *c)
{
    char *path = join(c->tmp, "History.db"), url[512];
    struct vgfix_iosdb *db = path ? vgfix_safari_history_db_new(path) : NULL;
    int rc = -1;
    size_t i;

    free(path);
    if (!db)
        return -1;
    if (safari_rows(c, db) != 0 ||
        safari_plant(c, db, bench_planted[0].observed, record_time(1, 2)) != 0)
        goto out;
    for (i = 0; i < c->o->n_plant_domains; i++) {
        snprintf(url, sizeof url, "https://%s/", c->o->plant_domains[i]);
        if (safari_plant(c, db, url, record_time(1, 3)) != 0)
            goto out;
    }
    rc = 0;
out:
    if (vgfix_iosdb_close(db) != 0)
        rc = -1;
    return rc == 0 ? add_db(c, "History.db", VGFIX_SAFARI_HISTORY_DOMAIN, VGFIX_SAFARI_HISTORY_PATH)
                   : -1;
}

/* ---- sms.db ---- */

struct sms_ctx {
    int64_t *handles, *chats;
    size_t n;
};

static int sms_people(struct vgfix_iosdb *db, struct sms_ctx *s, uint64_t messages)
{
    size_t i;
    char id[64];

    s->n = (size_t)(messages / 50 + 2);
    s->handles = calloc(s->n, sizeof *s->handles);
    s->chats = calloc(s->n, sizeof *s->chats);
    if (!s->handles || !s->chats)
        return -1;
    for (i = 0; i < s->n; i++) {
        struct vgfix_sms_chat ch;
        int imessage = i % 3 != 0;

        /* 555-01xx numbers are reserved for fiction */
        snprintf(id, sizeof id, "+1555%07zu", 100 + i);
        memset(&ch, 0, sizeof ch);
        ch.chat_identifier = id;
        ch.service_name = imessage ? "iMessage" : "SMS";
        ch.account_login = "P:+15550100000";
        if (vgfix_sms_add_handle(db, id, ch.service_name, "us", &s->handles[i]) != 0 ||
            vgfix_sms_add_chat(db, &ch, &s->chats[i]) != 0 ||
            vgfix_sms_add_chat_handle(db, s->chats[i], s->handles[i]) != 0)
            return -1;
    }
    return 0;
}

static int sms_message(struct vgfix_iosdb *db, const struct sms_ctx *s, size_t who,
                       const char *text, uint64_t i, uint64_t n)
{
    struct vgfix_sms_message m;
    int64_t t = vgfix_cocoa_ns(SPAN_START + (int64_t)((double)SPAN_LEN * (double)i / (double)n), 0);

    memset(&m, 0, sizeof m);
    m.text = text;
    m.handle_id = s->handles[who];
    m.chat_id = s->chats[who];
    m.service = who % 3 ? "iMessage" : "SMS";
    m.account = "P:+15550100000";
    m.date = t;
    m.date_delivered = t;
    m.date_read = t + 60000000000LL;
    m.is_from_me = (int)(i % 2);
    m.is_read = m.is_delivered = m.is_sent = m.is_finished = 1;
    return vgfix_sms_add_message(db, &m, NULL);
}

static int sms_rows(struct corpus *c, struct vgfix_iosdb *db, struct sms_ctx *s)
{
    const struct backup_opts *o = c->o;
    struct bench_rng r;
    char text[1024];
    uint64_t i;
    size_t n;

    bench_rng_init(&r, o->seed, 300, 0);
    for (i = 0; i < o->sms; i++) {
        n = bench_words(&r, 3 + (size_t)bench_rng_below(&r, 15), text, sizeof text - 300);
        if (bench_rng_below(&r, 100) < o->sms_links_pct) {
            text[n++] = ' ';
            bench_miss_url(&r, text + n, sizeof text - n);
        }
        if (sms_message(db, s, (size_t)bench_rng_below(&r, s->n), text, i, o->sms) != 0)
            return -1;
    }
    c->records += o->sms;
    return 0;
}

static int build_sms(struct corpus *c)
{
    char *path = join(c->tmp, "sms.db");
    struct vgfix_iosdb *db = path ? vgfix_sms_db_new(path) : NULL;
    struct sms_ctx s;
    int rc = -1;

    memset(&s, 0, sizeof s);
    free(path);
    if (!db)
        return -1;
    if (sms_people(db, &s, c->o->sms) != 0 || sms_rows(c, db, &s) != 0 ||
        sms_message(db, &s, 0, bench_planted[1].observed, 1, 2) != 0)
        goto out;
    c->records++;
    rc = 0;
out:
    free(s.handles);
    free(s.chats);
    if (vgfix_iosdb_close(db) != 0)
        rc = -1;
    return rc == 0 ? add_db(c, "sms.db", VGFIX_SMS_DOMAIN, VGFIX_SMS_PATH) : -1;
}

/* ---- DataUsage ---- */

static int datausage_process(struct corpus *c, struct vgfix_iosdb *db, struct bench_rng *r,
                             const char *name, uint64_t i)
{
    char bundle[256];
    int64_t pk = 0;
    uint64_t j, lives = 1 + bench_rng_below(r, 3);
    double t = record_time(i, c->o->datausage + 1);

    /* daemons are "<process>/<bundle id>"; a bundle-less name is bare */
    snprintf(bundle, sizeof bundle, "%s", strchr(name, '.') ? name : "com.apple.daemon");
    if (vgfix_datausage_add_process(db, 0, t, t + 3600, bundle, name, &pk) != 0)
        return -1;
    for (j = 0; j < lives; j++) {
        struct vgfix_datausage_live l;
        memset(&l, 0, sizeof l);
        l.process = pk;
        l.timestamp = t + 600.0 * (double)(j + 1);
        l.wifi_in = (double)bench_rng_below(r, 100000000);
        l.wifi_out = (double)bench_rng_below(r, 10000000);
        l.wwan_in = (double)bench_rng_below(r, 10000000);
        l.wwan_out = (double)bench_rng_below(r, 1000000);
        if (vgfix_datausage_add_live(db, &l, NULL) != 0)
            return -1;
    }
    c->records += lives;
    return 0;
}

static int build_datausage(struct corpus *c)
{
    char *path = join(c->tmp, "DataUsage.sqlite"), name[256];
    struct vgfix_iosdb *db = path ? vgfix_datausage_db_new(path) : NULL;
    struct bench_rng r;
    uint64_t i;
    int rc = -1;

    free(path);
    if (!db)
        return -1;
    bench_rng_init(&r, c->o->seed, 400, 0);
    for (i = 0; i < c->o->datausage; i++) {
        bench_miss_process(&r, name, sizeof name);
        if (datausage_process(c, db, &r, name, i) != 0)
            goto out;
    }
    if (datausage_process(c, db, &r, bench_planted[3].observed, 1) != 0)
        goto out;
    rc = 0;
out:
    if (vgfix_iosdb_close(db) != 0)
        rc = -1;
    return rc == 0 ? add_db(c, "DataUsage.sqlite", VGFIX_DATAUSAGE_DOMAIN, VGFIX_DATAUSAGE_PATH)
                   : -1;
}

/* ---- WhatsApp ---- */

static int whatsapp_chats(struct vgfix_iosdb *db, uint64_t messages, int64_t **out, size_t *n)
{
    char jid[64], name[64];
    size_t i;

    *n = (size_t)(messages / 100 + 1);
    *out = calloc(*n, sizeof **out);
    if (!*out)
        return -1;
    for (i = 0; i < *n; i++) {
        struct vgfix_whatsapp_chat ch;
        memset(&ch, 0, sizeof ch);
        snprintf(jid, sizeof jid, "1555%07zu@s.whatsapp.net", 100 + i);
        snprintf(name, sizeof name, "Contact %zu", i);
        ch.contact_jid = jid;
        ch.partner_name = name;
        ch.message_counter = 100;
        if (vgfix_whatsapp_add_chat(db, &ch, &(*out)[i]) != 0)
            return -1;
    }
    return 0;
}

static int whatsapp_message(struct vgfix_iosdb *db, int64_t chat, const char *text, double when,
                            int from_me, int64_t *pk)
{
    struct vgfix_whatsapp_message m;
    char jid[64];

    memset(&m, 0, sizeof m);
    snprintf(jid, sizeof jid, "1555%07" PRId64 "@s.whatsapp.net", 100 + chat);
    m.chat = chat;
    m.is_from_me = from_me;
    m.message_date = when;
    m.from_jid = from_me ? NULL : jid;
    m.to_jid = from_me ? jid : NULL;
    m.text = text;
    return vgfix_whatsapp_add_message(db, &m, pk);
}

/* One in ten messages carries a link, and a third of those a preview; one
 * in twenty is a photo on WhatsApp's media servers. */
static int whatsapp_rows(struct corpus *c, struct vgfix_iosdb *db, const int64_t *chats,
                         size_t n_chats)
{
    const struct backup_opts *o = c->o;
    struct bench_rng r;
    char text[1024], url[512], media[256];
    uint64_t i, roll;
    int64_t pk;
    size_t n;

    bench_rng_init(&r, o->seed, 500, 0);
    for (i = 0; i < o->whatsapp; i++) {
        n = bench_words(&r, 2 + (size_t)bench_rng_below(&r, 12), text, sizeof text - 300);
        roll = bench_rng_below(&r, 100);
        url[0] = '\0';
        if (roll < 10) {
            bench_miss_url(&r, url, sizeof url);
            snprintf(text + n, sizeof text - n, " %s", url);
        }
        if (whatsapp_message(db, chats[bench_rng_below(&r, n_chats)], roll < 95 ? text : NULL,
                             record_time(i, o->whatsapp), (int)(i % 2), &pk) != 0)
            return -1;
        if (roll < 3 && vgfix_whatsapp_add_preview(db, pk, url, url, text, NULL, NULL) != 0)
            return -1;
        if (roll >= 95) {
            snprintf(media, sizeof media, "https://mmg.whatsapp.net/v/t62/%016" PRIx64 ".enc",
                     bench_rng_next(&r));
            if (vgfix_whatsapp_add_media(db, pk, NULL, "Media/photo.jpg", media, 180000, NULL) != 0)
                return -1;
        }
    }
    c->records += o->whatsapp + n_chats;
    return 0;
}

static int build_whatsapp(struct corpus *c)
{
    char *path = join(c->tmp, "ChatStorage.sqlite");
    struct vgfix_iosdb *db = path ? vgfix_whatsapp_db_new(path) : NULL;
    int64_t *chats = NULL;
    size_t n_chats = 0;
    int rc = -1;

    free(path);
    if (!db)
        return -1;
    if (whatsapp_chats(db, c->o->whatsapp, &chats, &n_chats) != 0 ||
        whatsapp_rows(c, db, chats, n_chats) != 0 ||
        whatsapp_message(db, chats[0], bench_planted[2].observed, record_time(1, 2), 0, NULL) != 0)
        goto out;
    c->records++;
    rc = 0;
out:
    free(chats);
    if (vgfix_iosdb_close(db) != 0)
        rc = -1;
    return rc == 0 ? add_db(c, "ChatStorage.sqlite", VGFIX_WHATSAPP_DOMAIN, VGFIX_WHATSAPP_PATH)
                   : -1;
}

/* ---- ID status cache ---- */

static int build_idstatus(struct corpus *c)
{
    struct vgfix_idstatus *cache = vgfix_idstatus_new();
    char *path = join(c->tmp, "idstatuscache.plist"), account[128];
    struct bench_rng r;
    uint64_t i;
    int rc = -1;

    if (!cache || !path)
        goto out;
    bench_rng_init(&r, c->o->seed, 600, 0);
    for (i = 0; i < c->o->idstatus; i++) {
        if (i % 2)
            snprintf(account, sizeof account, "tel:+1555%07" PRIu64, 100 + i);
        else
            snprintf(account, sizeof account, "mailto:friend%" PRIu64 "@example.com", i);
        if (vgfix_idstatus_add(cache, i % 3 ? "com.apple.madrid" : "com.apple.ess", account,
                               record_time(i, c->o->idstatus), 1 + (int)(i % 2)) != 0)
            goto out;
    }
    if (vgfix_idstatus_add(cache, "com.apple.madrid", bench_planted[4].observed, record_time(1, 2),
                           1) != 0 ||
        vgfix_idstatus_write(cache, path, VGFIX_PLIST_BINARY) != 0)
        goto out;
    c->records += c->o->idstatus + 1;
    rc = add_db(c, "idstatuscache.plist", VGFIX_IDSTATUS_DOMAIN, VGFIX_IDSTATUS_PATH);
out:
    vgfix_idstatus_free(cache);
    free(path);
    return rc;
}

/* ---- filler files ---- */

/* What a phone's backup is mostly made of, with typical sizes: photos and
 * videos in the camera roll, message attachments, app data, preferences. */
struct filler_class {
    const char *domain;
    const char *dir;
    const char *ext;
    uint64_t typical; /* bytes */
    unsigned weight;  /* share of files */
};

static const struct filler_class filler_classes[] = {
    {"CameraRollDomain", "Media/DCIM/100APPLE", ".HEIC", 2500000, 40},
    {"CameraRollDomain", "Media/DCIM/101APPLE", ".MOV", 40000000, 3},
    {"CameraRollDomain", "Media/PhotoData/Thumbnails/V2/DCIM/100APPLE", ".JPG", 40000, 10},
    {"MediaDomain", "Library/SMS/Attachments", ".jpeg", 900000, 12},
    {"AppDomain-net.whatsapp.WhatsApp", "Library/Caches", ".cache", 120000, 8},
    {"AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "Message/Media", ".jpg", 300000, 10},
    {"AppDomain-com.burbn.instagram", "Library/Caches/Images", ".jpg", 80000, 7},
    {"HomeDomain", "Library/Preferences", ".plist", 4000, 6},
    {"HomeDomain", "Library/Caches/com.apple.mobileslideshow", ".db", 200000, 2},
    {"AppDomain-com.spotify.client", "Library/Caches/Storage", ".file", 2000000, 2},
};

static const struct filler_class *filler_pick(struct bench_rng *r)
{
    unsigned total = 0, x;
    size_t i;

    for (i = 0; i < ARRAY_LEN(filler_classes); i++)
        total += filler_classes[i].weight;
    x = (unsigned)bench_rng_below(r, total);
    for (i = 0; i + 1 < ARRAY_LEN(filler_classes); i++) {
        if (x < filler_classes[i].weight)
            break;
        x -= filler_classes[i].weight;
    }
    return &filler_classes[i];
}

/* Sizes: each file its class's typical size times a factor between 1/4 and
 * 4, then all scaled so they add up to the total asked for exactly. */
static uint64_t *filler_sizes(const struct backup_opts *o, const struct filler_class **cls)
{
    uint64_t *sizes = calloc(o->files ? o->files : 1, sizeof *sizes), sum = 0, i, big = 0;
    double *w = calloc(o->files ? o->files : 1, sizeof *w), wsum = 0;
    struct bench_rng r;

    if (!sizes || !w) {
        free(sizes);
        free(w);
        return NULL;
    }
    bench_rng_init(&r, o->seed, 700, 0);
    for (i = 0; i < o->files; i++) {
        double f = 0.25 * (double)(1 + bench_rng_below(&r, 1000)) / 62.5;
        cls[i] = filler_pick(&r);
        w[i] = (double)cls[i]->typical * f;
        wsum += w[i];
    }
    for (i = 0; i < o->files; i++) {
        double s = (double)o->bytes * w[i] / wsum;
        sizes[i] = s > (double)MAX_FILE_SIZE ? MAX_FILE_SIZE : (uint64_t)s;
        sum += sizes[i];
        if (sizes[i] > sizes[big])
            big = i;
    }
    if (o->files && sum < o->bytes)
        sizes[big] += o->bytes - sum; /* rounding; large gaps only past the cap */
    free(w);
    return sizes;
}

static int add_filler_file(struct corpus *c, const struct filler_class *k, uint64_t i,
                           uint64_t size, struct bench_rng *r)
{
    char rel[512];
    unsigned char *buf = NULL;
    const unsigned char *data;
    int rc;

    if (strcmp(k->ext, ".HEIC") == 0 || strcmp(k->ext, ".MOV") == 0)
        snprintf(rel, sizeof rel, "%s/IMG_%05" PRIu64 "%s", k->dir, i, k->ext);
    else
        snprintf(rel, sizeof rel, "%s/%02x/%016" PRIx64 "%s", k->dir, (unsigned)(i % 256),
                 bench_rng_next(r), k->ext);
    if (size <= POOL_SIZE) {
        data = c->pool + bench_rng_below(r, POOL_SIZE - size + 1);
    } else {
        uint64_t off;
        buf = malloc((size_t)size);
        if (!buf)
            return -1;
        for (off = 0; off < size; off += POOL_SIZE)
            memcpy(buf + off, c->pool, (size_t)(size - off < POOL_SIZE ? size - off : POOL_SIZE));
        data = buf;
    }
    rc = vgfix_backup_add_file(c->b, k->domain, rel, data, (size_t)size);
    free(buf);
    return rc;
}

static int build_filler(struct corpus *c)
{
    const struct backup_opts *o = c->o;
    const struct filler_class **cls = calloc(o->files ? o->files : 1, sizeof *cls);
    uint64_t *sizes = cls ? filler_sizes(o, cls) : NULL, i;
    struct bench_rng r;
    size_t k;
    int rc = -1;

    if (!sizes)
        goto out;
    for (k = 0; k < ARRAY_LEN(filler_classes); k++)
        if (vgfix_backup_add_dir(c->b, filler_classes[k].domain, filler_classes[k].dir) != 0)
            goto out;
    bench_rng_init(&r, o->seed, 800, 0);
    for (i = 0; i < o->files; i++)
        if (add_filler_file(c, cls[i], i, sizes[i], &r) != 0)
            goto out;
    c->records += o->files + ARRAY_LEN(filler_classes);
    /* the planted file path: a small plist where an implant would keep one */
    if (vgfix_backup_add_dir(c->b, "HomeDomain", "Library/bnchkit") != 0 ||
        vgfix_backup_add_file(c->b, "HomeDomain", bench_planted[5].observed, c->pool, 512) != 0)
        goto out;
    c->records += 2;
    rc = 0;
out:
    free(sizes);
    free((void *)cls);
    return rc;
}

static unsigned char *make_pool(uint64_t seed)
{
    unsigned char *p = malloc(POOL_SIZE);
    struct bench_rng r;
    size_t i;

    if (!p)
        return NULL;
    bench_rng_init(&r, seed, 900, 0);
    for (i = 0; i < POOL_SIZE; i += 8) {
        uint64_t v = bench_rng_next(&r);
        memcpy(p + i, &v, 8);
    }
    return p;
}

#ifdef BENCH_HAVE_ENCRYPTION
#define ENCRYPTION "yes"

static int write_key(const struct corpus *c)
{
    unsigned char key[32];
    FILE *f;
    size_t i;
    int ok;

    if (vgfix_backup_password_key(c->b, key) != 0)
        return -1;
    f = fopen(c->o->key_out, "w");
    if (!f)
        return -1;
    for (i = 0; i < sizeof key; i++)
        fprintf(f, "%02x", key[i]);
    fputc('\n', f);
    ok = !ferror(f);
    return fclose(f) == 0 && ok ? 0 : -1;
}

static int set_password(struct corpus *c)
{
    if (!c->o->password)
        return 0;
    if (c->o->kdf_iter == 0 || c->o->kdf_iter > UINT32_MAX) {
        fprintf(stderr, "mkcorpus: --kdf-iter must be 1 .. %u\n", UINT32_MAX);
        return -1;
    }
    return vgfix_backup_set_password(c->b, c->o->password, (uint32_t)c->o->kdf_iter);
}
#else
#define ENCRYPTION "no"

static int write_key(const struct corpus *c)
{
    (void)c;
    return -1;
}

static int set_password(struct corpus *c)
{
    if (!c->o->password)
        return 0;
    fprintf(stderr, "mkcorpus: encrypted backups are not available in this build\n");
    return -1;
}
#endif

static int build_backup(struct corpus *c)
{
    int rc = -1;

    c->b = vgfix_backup_new(c->o->out);
    if (!c->b)
        return -1;
    if (set_password(c) != 0 || vgfix_backup_add_app(c->b, "net.whatsapp.WhatsApp") != 0 ||
        vgfix_backup_add_app(c->b, "com.burbn.instagram") != 0 ||
        vgfix_backup_add_app(c->b, "com.spotify.client") != 0 || build_safari(c) != 0 ||
        build_sms(c) != 0 || build_datausage(c) != 0 || build_whatsapp(c) != 0 ||
        build_idstatus(c) != 0 || build_filler(c) != 0 || vgfix_backup_finish(c->b) != 0)
        goto out;
    if (c->o->key_out && write_key(c) != 0) {
        fprintf(stderr, "mkcorpus: cannot write the key to %s\n", c->o->key_out);
        goto out;
    }
    rc = 0;
out:
    vgfix_backup_free(c->b);
    c->b = NULL;
    return rc;
}

static void parse_backup_opts(int argc, char **argv, struct backup_opts *o)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"files", required_argument, NULL, 'n'},
        {"bytes", required_argument, NULL, 'S'},
        {"safari", required_argument, NULL, 'V'},
        {"sms", required_argument, NULL, 'M'},
        {"sms-links", required_argument, NULL, 'L'},
        {"datausage", required_argument, NULL, 'P'},
        {"whatsapp", required_argument, NULL, 'W'},
        {"idstatus", required_argument, NULL, 'I'},
        {"password", required_argument, NULL, 'p'},
        {"kdf-iter", required_argument, NULL, 'i'},
        {"key-out", required_argument, NULL, 'K'},
        {"plant-domain", required_argument, NULL, 'D'},
        {"seed", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof *o);
    o->files = 1000;
    o->bytes = 100u * 1024u * 1024u;
    o->safari = o->sms = o->whatsapp = 10000;
    o->sms_links_pct = 10;
    o->datausage = 500;
    o->idstatus = 500;
    o->kdf_iter = 10000000;
    o->seed = DEFAULT_SEED;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            o->out = optarg;
            break;
        case 'n':
            o->files = num_arg("--files", optarg, 0);
            break;
        case 'S':
            o->bytes = num_arg("--bytes", optarg, 1);
            break;
        case 'V':
            o->safari = num_arg("--safari", optarg, 0);
            break;
        case 'M':
            o->sms = num_arg("--sms", optarg, 0);
            break;
        case 'L':
            o->sms_links_pct = num_arg("--sms-links", optarg, 0);
            break;
        case 'P':
            o->datausage = num_arg("--datausage", optarg, 0);
            break;
        case 'W':
            o->whatsapp = num_arg("--whatsapp", optarg, 0);
            break;
        case 'I':
            o->idstatus = num_arg("--idstatus", optarg, 0);
            break;
        case 'p':
            o->password = optarg;
            break;
        case 'i':
            o->kdf_iter = num_arg("--kdf-iter", optarg, 0);
            break;
        case 'K':
            o->key_out = optarg;
            break;
        case 'D':
            if (o->n_plant_domains == ARRAY_LEN(o->plant_domains))
                die_usage();
            o->plant_domains[o->n_plant_domains++] = optarg;
            break;
        case 's':
            o->seed = num_arg("--seed", optarg, 0);
            break;
        default:
            die_usage();
        }
    }
    if (!o->out || optind != argc || o->sms_links_pct > 100 || (o->key_out && !o->password))
        die_usage();
}

static int cmd_backup(int argc, char **argv)
{
    struct backup_opts o;
    struct corpus c;
    int rc = 1;

    parse_backup_opts(argc, argv, &o);
    memset(&c, 0, sizeof c);
    c.o = &o;
    c.tmp = malloc(strlen(o.out) + sizeof ".tmp-db");
    c.pool = make_pool(o.seed);
    if (!c.tmp || !c.pool)
        goto out;
    snprintf(c.tmp, strlen(o.out) + sizeof ".tmp-db", "%s.tmp-db", o.out);
    if (mkdir(c.tmp, 0700) != 0) {
        fprintf(stderr, "mkcorpus: %s: %s\n", c.tmp, strerror(errno));
        free(c.tmp);
        c.tmp = NULL;
        goto out;
    }
    if (build_backup(&c) != 0) {
        fprintf(stderr, "mkcorpus: could not write the backup %s\n", o.out);
        goto out;
    }
    printf("files %" PRIu64 " bytes %" PRIu64 " records %" PRIu64 " encrypted %s\n", o.files,
           o.bytes, c.records, o.password ? "yes" : "no");
    rc = 0;
out:
    if (c.tmp)
        vgfix_rmtree(c.tmp);
    free(c.tmp);
    free(c.pool);
    return rc;
}

/* ---- filesystem dumps ---- */

/* The planted value of module (one is always there). */
static const char *bench_planted_value(const char *module)
{
    size_t i;

    for (i = 0; i < bench_planted_count; i++)
        if (strcmp(bench_planted[i].module, module) == 0)
            return bench_planted[i].value;
    return "";
}

struct fsw {
    struct archive *a;
    char last_dir[1024]; /* folders already written are the prefixes of this */
    uint64_t entries;
};

/* Folder entries for every parent of path not written yet (the filler is
 * written folder by folder, so comparing with the last one suffices). */
static int fs_parents(struct fsw *w, const char *path)
{
    char dir[1024];
    const char *p = path;
    struct archive_entry *e;

    while ((p = strchr(p, '/')) != NULL) {
        size_t n = (size_t)(p - path);
        p++;
        if (n >= sizeof(dir))
            return -1;
        memcpy(dir, path, n);
        dir[n] = '\0';
        if (strncmp(w->last_dir, dir, n) == 0 && (w->last_dir[n] == '/' || w->last_dir[n] == 0))
            continue;
        e = archive_entry_new();
        archive_entry_set_pathname(e, dir);
        archive_entry_set_filetype(e, AE_IFDIR);
        archive_entry_set_perm(e, 0755);
        archive_entry_set_mtime(e, SPAN_START, 0);
        if (archive_write_header(w->a, e) != ARCHIVE_OK) {
            archive_entry_free(e);
            return -1;
        }
        archive_entry_free(e);
        w->entries++;
    }
    {
        const char *slash = strrchr(path, '/');
        size_t n = slash ? (size_t)(slash - path) : 0;
        if (n < sizeof(w->last_dir)) {
            memcpy(w->last_dir, path, n);
            w->last_dir[n] = '\0';
        }
    }
    return 0;
}

static int fs_file(struct fsw *w, const char *path, const unsigned char *data, uint64_t len,
                   int64_t mtime)
{
    struct archive_entry *e;
    uint64_t off = 0;

    if (fs_parents(w, path) != 0)
        return -1;
    e = archive_entry_new();
    archive_entry_set_pathname(e, path);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)len);
    archive_entry_set_mtime(e, mtime, 0);
    if (archive_write_header(w->a, e) != ARCHIVE_OK) {
        archive_entry_free(e);
        fprintf(stderr, "mkcorpus: %s\n", archive_error_string(w->a));
        return -1;
    }
    archive_entry_free(e);
    w->entries++;
    while (off < len) {
        size_t n = len - off > POOL_SIZE ? POOL_SIZE : (size_t)(len - off);
        if (archive_write_data(w->a, data, n) < 0)
            return -1;
        off += n;
    }
    return 0;
}

static int fs_file_from(struct fsw *w, const char *path, const char *src)
{
    size_t len = 0;
    char *data = vgfix_read_file(src, &len);
    int rc;

    if (!data)
        return -1;
    rc = fs_file(w, path, (const unsigned char *)data, len, SPAN_START + SPAN_LEN / 2);
    free(data);
    return rc;
}

/* The planted artifacts: sms.db linking to the SMS hit, netusage.sqlite
 * with the planted process, the planted file path. */
static int fs_planted(struct fsw *w, const char *tmp)
{
    char db[PATH_MAX], link[256];
    struct vgfix_iosdb *sms;
    struct vgfix_sms_message m;
    int64_t h = 0, id = 0;

    snprintf(db, sizeof(db), "%s/sms.db", tmp);
    sms = vgfix_sms_db_new(db);
    if (!sms || vgfix_sms_add_handle(sms, "+15555550100", "SMS", "us", &h) != 0)
        return -1;
    snprintf(link, sizeof(link), "see https://%s/x", bench_planted_value("sms"));
    memset(&m, 0, sizeof(m));
    m.text = link;
    m.handle_id = h;
    m.service = "SMS";
    m.date = 700000000000000000LL;
    if (vgfix_sms_add_message(sms, &m, &id) != 0 || vgfix_iosdb_close(sms) != 0 ||
        fs_file_from(w, "private/var/mobile/Library/SMS/sms.db", db) != 0)
        return -1;
    snprintf(db, sizeof(db), "%s/netusage.sqlite", tmp);
    {
        char sql[1024];
        snprintf(sql, sizeof(sql),
                 "CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, ZHASPROCESS INTEGER, "
                 "ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT "
                 "FLOAT); CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, ZFIRSTTIMESTAMP "
                 "TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR);"
                 "INSERT INTO ZPROCESS VALUES (1, 600000000, 600000100, NULL, '%s');"
                 "INSERT INTO ZLIVEUSAGE VALUES (1, 1, 600000050, 1, 2, 3, 4);",
                 bench_planted_value("datausage"));
        if (vgfix_sqlite_exec(db, sql) != 0 ||
            fs_file_from(w, "private/var/networkd/netusage.sqlite", db) != 0)
            return -1;
    }
    return fs_file(w, bench_planted_value("manifest") + 1, (const unsigned char *)"x", 1,
                   SPAN_START);
}

/* Where filler goes: app containers (3 folders in 4), system folders;
 * 200 files a folder. */
static void fs_filler_path(uint64_t i, char *out, size_t cap)
{
    static const char *const words[] = {"photos", "maps", "news", "mail", "notes", "health"};
    uint64_t dir = i / 200;
    const char *w = words[dir % 6];
    char id[37];

    if (dir % 4 != 0) {
        struct bench_rng a;
        bench_rng_init(&a, 7, 901, dir);
        uuid(&a, id);
        snprintf(out, cap,
                 "private/var/mobile/Containers/Data/Application/%s/Library/Caches/f%06" PRIu64
                 ".bin",
                 id, i);
    } else if (dir / 4 % 4 == 0) {
        snprintf(out, cap, "private/var/mobile/Library/Caches/com.apple.%s%" PRIu64 "/f%06" PRIu64,
                 w, dir, i);
    } else if (dir / 4 % 4 == 1) {
        snprintf(out, cap,
                 "private/var/mobile/Media/DCIM/%03" PRIu64 "APPLE/IMG_%06" PRIu64 ".HEIC", dir, i);
    } else if (dir / 4 % 4 == 2) {
        snprintf(out, cap, "private/var/db/%s%" PRIu64 "/f%06" PRIu64 ".dat", w, dir, i);
    } else {
        snprintf(out, cap, "System/Library/PrivateFrameworks/%s%" PRIu64 ".framework/f%06" PRIu64,
                 w, dir, i);
    }
}

static int cmd_fsdump(int argc, char **argv)
{
    static const struct option opts[] = {{"files", required_argument, NULL, 'f'},
                                         {"bytes", required_argument, NULL, 'b'},
                                         {"seed", required_argument, NULL, 's'},
                                         {NULL, 0, NULL, 0}};
    uint64_t files = 100000, bytes = 4ull << 30, seed = DEFAULT_SEED, i, each;
    const char *out = NULL;
    struct fsw w;
    struct bench_rng r;
    unsigned char *pool;
    char path[1024], *tmp;
    int c, rc = 0;

    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'f':
            files = num_arg("--files", optarg, 0);
            break;
        case 'b':
            bytes = num_arg("--bytes", optarg, 1);
            break;
        case 's':
            seed = num_arg("--seed", optarg, 0);
            break;
        default:
            die_usage();
        }
    }
    if (!out || files == 0)
        die_usage();
    pool = make_pool(seed);
    tmp = vgfix_tmpdir("mkcorpus-fs");
    memset(&w, 0, sizeof(w));
    w.a = archive_write_new();
    if (!pool || !tmp || !w.a || archive_write_set_format_pax_restricted(w.a) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(w.a, 1 << 20) != ARCHIVE_OK ||
        archive_write_open_filename(w.a, out) != ARCHIVE_OK) {
        fprintf(stderr, "mkcorpus: cannot write %s\n", out);
        return 1;
    }
    rc = fs_planted(&w, tmp);
    each = bytes / files;
    bench_rng_init(&r, seed, 902, 0);
    for (i = 0; rc == 0 && i < files; i++) {
        /* sizes from 0.25x to 1.75x the mean: the total is close to bytes */
        uint64_t n = each / 4 + bench_rng_below(&r, each * 3 / 2 + 1), off;
        if (n > POOL_SIZE)
            n = POOL_SIZE;
        off = bench_rng_below(&r, POOL_SIZE - n + 1);
        fs_filler_path(i, path, sizeof(path));
        rc = fs_file(&w, path, pool + off, n,
                     SPAN_START + (int64_t)bench_rng_below(&r, (uint64_t)SPAN_LEN));
    }
    if (archive_write_close(w.a) != ARCHIVE_OK)
        rc = -1;
    archive_write_free(w.a);
    fprintf(stderr, "mkcorpus: %s: %" PRIu64 " entries\n", out, w.entries);
    vgfix_rmtree(tmp);
    free(tmp);
    free(pool);
    return rc == 0 ? 0 : 1;
}

/* ======================================================== bugreports */

/* The fixture's bugreport with its dumpstate grown to `bytes`, more
 * tombstones and ANR traces. */
static int build_bugreport(const char *out, uint64_t bytes, uint64_t tombstones)
{
    struct vgfix_br *b = NULL;
    char name[256], *text = NULL;
    size_t len = 0;
    uint64_t i;
    int rc = vgfix_br_new("", &b);

    if (rc == 0 && !(text = vgfix_br_big_dumpstate((size_t)bytes, &len)))
        rc = -1;
    if (rc == 0)
        rc = vgfix_br_set(b, VGFIX_BR_DUMPSTATE, text, len);
    free(text);
    for (i = 5; rc == 0 && i < tombstones; i++) {
        unsigned char *p =
            i % 2 ? vgfix_br_tombstone_pb("com.example.worker", 10000 + (uint32_t)i, &len)
                  : (unsigned char *)vgfix_br_tombstone_text("mediaserver", 1013, &len);
        snprintf(name, sizeof(name), "FS/data/tombstones/tombstone_%02" PRIu64 "%s", i,
                 i % 2 ? ".pb" : "");
        rc = p ? vgfix_br_set(b, name, p, len) : -1;
        free(p);
    }
    for (i = 0; rc == 0 && i < 8; i++) {
        struct text_buf {
            char *p;
            size_t n;
        } t = {NULL, 0};
        size_t cap = 1024 * 1024, k;
        t.p = malloc(cap);
        if (!t.p) {
            rc = -1;
            break;
        }
        for (k = 0; t.n + 200 < cap; k++)
            t.n += (size_t)snprintf(t.p + t.n, cap - t.n,
                                    "  at com.example.app%" PRIu64 ".Worker.run(Worker.java:%zu)\n",
                                    i, k);
        snprintf(name, sizeof(name), "FS/data/anr/anr_2024-04-30-10-00-%02" PRIu64, i);
        rc = vgfix_br_set(b, name, t.p, t.n);
        free(t.p);
    }
    if (rc == 0)
        rc = vgfix_br_write_zip(b, out);
    vgfix_br_free(b);
    return rc;
}

static int cmd_bugreport(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"bytes", required_argument, NULL, 'b'},
        {"tombstones", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0},
    };
    const char *out = NULL;
    uint64_t bytes = 128ull * 1024 * 1024, tombstones = 64;
    int c;

    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'b':
            bytes = num_arg("--bytes", optarg, 1);
            break;
        case 't':
            tombstones = num_arg("--tombstones", optarg, 0);
            break;
        default:
            die_usage();
        }
    }
    if (!out || optind != argc || bytes > 900ull * 1024 * 1024 || tombstones > 100000)
        die_usage();
    if (build_bugreport(out, bytes, tombstones) != 0)
        return 1;
    printf("bugreport %" PRIu64 " bytes of dumpstate, %" PRIu64 " tombstones\n", bytes,
           tombstones < 5 ? 5 : tombstones);
    return 0;
}

static int cmd_planted(void)
{
    size_t i;
    for (i = 0; i < bench_planted_count; i++)
        printf("%s\t%s\t%s\n", bench_planted[i].module, bench_planted[i].stix,
               bench_planted[i].value);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        die_usage();
    if (strcmp(argv[1], "iocs") == 0)
        return cmd_iocs(argc - 1, argv + 1);
    if (strcmp(argv[1], "backup") == 0)
        return cmd_backup(argc - 1, argv + 1);
    if (strcmp(argv[1], "fsdump") == 0)
        return cmd_fsdump(argc - 1, argv + 1);
    if (strcmp(argv[1], "sysdiagnose") == 0)
        return cmd_sysdiagnose(argc - 1, argv + 1);
    if (strcmp(argv[1], "bugreport") == 0)
        return cmd_bugreport(argc - 1, argv + 1);
    if (strcmp(argv[1], "planted") == 0 && argc == 2)
        return cmd_planted();
    if (strcmp(argv[1], "features") == 0 && argc == 2) {
        puts("encryption " ENCRYPTION);
        return 0;
    }
    die_usage();
    return 2;
}
