/* SPDX-License-Identifier: Apache-2.0 */
#include "synth.h"

#include <stdio.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- generator ---- */

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void bench_rng_init(struct bench_rng *r, uint64_t seed, uint64_t stream, uint64_t index)
{
    r->s =
        mix64(mix64(seed ^ 0x76696769652d626eULL) ^ mix64(stream + 0x9e3779b97f4a7c15ULL) ^ index);
}

uint64_t bench_rng_next(struct bench_rng *r)
{
    r->s += 0x9e3779b97f4a7c15ULL;
    return mix64(r->s);
}

uint64_t bench_rng_below(struct bench_rng *r, uint64_t n)
{
    /* the modulo bias is below 2^-40 for the small n used here */
    return bench_rng_next(r) % n;
}

static const char *pick(struct bench_rng *r, const char *const *v, size_t n)
{
    return v[bench_rng_below(r, n)];
}

#define PICK(r, v) pick((r), (v), ARRAY_LEN(v))

/* ---- bounded string building ---- */

struct sb {
    char *p;
    size_t n, cap;
};

static void sb_init(struct sb *b, char *out, size_t cap)
{
    b->p = out;
    b->n = 0;
    b->cap = cap;
    if (cap)
        out[0] = '\0';
}

static void sb_put(struct sb *b, const char *s)
{
    size_t len = strlen(s);
    if (b->cap == 0)
        return;
    if (len > b->cap - 1 - b->n)
        len = b->cap - 1 - b->n;
    memcpy(b->p + b->n, s, len);
    b->n += len;
    b->p[b->n] = '\0';
}

static void sb_char(struct sb *b, char c)
{
    char s[2] = {c, '\0'};
    sb_put(b, s);
}

static void sb_num(struct sb *b, uint64_t v)
{
    char s[24];
    snprintf(s, sizeof s, "%llu", (unsigned long long)v);
    sb_put(b, s);
}

/* ---- synthetic (indicator) names: consonant-vowel syllables ---- */

static const char consonants[] = "bdfgklmnprstvz";
static const char vowels[] = "aeiou";

/* Three to six syllables, weighted towards four and five so 700,000
 * domains rarely repeat. */
static void sb_cv_word(struct sb *b, struct bench_rng *r, unsigned min_syl, unsigned max_syl)
{
    unsigned n = min_syl + (unsigned)bench_rng_below(r, max_syl - min_syl + 1), i;

    for (i = 0; i < n; i++) {
        sb_char(b, consonants[bench_rng_below(r, sizeof consonants - 1)]);
        sb_char(b, vowels[bench_rng_below(r, sizeof vowels - 1)]);
    }
}

static const char *const synth_tlds[] = {"com", "net", "org",  "info",   "io",   "co",  "xyz",
                                         "app", "me",  "live", "online", "site", "top", "click"};

static void sb_synth_domain(struct sb *b, struct bench_rng *r)
{
    /* one in five has a subdomain of its own, as many indicator lists do */
    if (bench_rng_below(r, 5) == 0) {
        sb_cv_word(b, r, 3, 4);
        sb_char(b, '.');
    }
    sb_cv_word(b, r, 3, 6);
    sb_char(b, '.');
    sb_put(b, PICK(r, synth_tlds));
}

static const char *const path_dirs[] = {
    "/private/var/tmp",
    "/private/var/db",
    "/private/var/mobile/Library/Preferences",
    "/private/var/root/Library/Caches",
    "/private/var/mobile/Library/Caches",
    "/private/var/containers/Shared/SystemGroup",
};
static const char *const path_exts[] = {"", ".plist", ".db", ".dylib", ".log"};

void bench_split(size_t k, size_t counts[BENCH_KIND_COUNT])
{
    counts[BENCH_PROCESS] = k / 10;
    counts[BENCH_EMAIL] = k / 10;
    counts[BENCH_PATH] = k / 10;
    counts[BENCH_DOMAIN] = k - 3 * (k / 10);
}

size_t bench_value(enum bench_kind kind, uint64_t seed, size_t i, char *out, size_t cap)
{
    struct bench_rng r;
    struct sb b;

    bench_rng_init(&r, seed, (uint64_t)kind + 1, i);
    sb_init(&b, out, cap);
    switch (kind) {
    case BENCH_DOMAIN:
        sb_synth_domain(&b, &r);
        break;
    case BENCH_PROCESS:
        /* half are longer than 16 bytes, so iOS's truncated names matter */
        sb_cv_word(&b, &r, 3, 11);
        if (bench_rng_below(&r, 3) == 0)
            sb_char(&b, 'd');
        break;
    case BENCH_EMAIL:
        sb_cv_word(&b, &r, 2, 4);
        sb_char(&b, '.');
        sb_cv_word(&b, &r, 2, 4);
        sb_char(&b, '@');
        sb_synth_domain(&b, &r);
        break;
    case BENCH_PATH:
        sb_put(&b, PICK(&r, path_dirs));
        sb_char(&b, '/');
        sb_cv_word(&b, &r, 3, 5);
        sb_char(&b, '/');
        sb_cv_word(&b, &r, 3, 5);
        sb_put(&b, PICK(&r, path_exts));
        break;
    }
    return b.n;
}

/* ---- what an ordinary phone shows (never a synthetic label) ---- */

static const char *const real_hosts[] = {
    "www.google.com",
    "www.apple.com",
    "i.ytimg.com",
    "www.youtube.com",
    "scontent.cdninstagram.com",
    "graph.facebook.com",
    "en.m.wikipedia.org",
    "mail.google.com",
    "api.twitter.com",
    "pbs.twimg.com",
    "www.bbc.co.uk",
    "www.nytimes.com",
    "news.ycombinator.com",
    "github.com",
    "stackoverflow.com",
    "www.amazon.com",
    "m.media-amazon.com",
    "maps.apple.com",
    "weather.com",
    "www.reddit.com",
    "i.redd.it",
    "open.spotify.com",
    "www.linkedin.com",
    "web.whatsapp.com",
    "www.lemonde.fr",
    "www.spiegel.de",
    "elpais.com",
    "www.aljazeera.com",
    "www.theguardian.com",
    "duckduckgo.com",
    "www.booking.com",
    "www.airbnb.com",
    "www.netflix.com",
    "www.paypal.com",
    "signal.org",
    "www.icloud.com",
    "accounts.google.com",
    "docs.google.com",
    "drive.google.com",
    "outlook.live.com",
    "login.microsoftonline.com",
    "cdn.jsdelivr.net",
    "fonts.gstatic.com",
    "ajax.googleapis.com",
    "www.instagram.com",
    "www.tiktok.com",
    "v16-webapp.tiktok.com",
    "www.ebay.com",
    "www.zalando.de",
    "www.rakuten.co.jp",
    "www.yandex.ru",
    "vk.com",
    "www.hurriyet.com.tr",
    "www.clarin.com",
    "g1.globo.com",
    "www.ndtv.com",
    "www.dawn.com",
    "www.rappler.com",
    "www.aftonbladet.se",
};

static const char *const real_paths[] = {
    "/",
    "/search",
    "/watch",
    "/news/world",
    "/article",
    "/en/latest",
    "/p",
    "/status",
    "/maps/place",
    "/wiki/Special:Random",
    "/static/js/main.js",
    "/images/photo.jpg",
    "/login",
    "/r/all/comments",
};

static const char *const plain_words[] = {
    "ok",      "see",    "you",     "tomorrow", "at",       "the",     "station", "call",
    "me",      "when",   "back",    "thanks",   "dinner",   "tonight", "running", "late",
    "meeting", "moved",  "to",      "three",    "love",     "this",    "photo",   "where",
    "are",     "we",     "going",   "happy",    "birthday", "did",     "get",     "my",
    "message", "parcel", "arrives", "today",    "check",    "link",    "later",   "yes",
    "no",      "maybe",  "great",   "news",     "home",     "soon",    "bus",     "train",
};

static const char *const real_processes[] = {
    "mediaserverd",
    "backboardd",
    "SpringBoard",
    "com.apple.WebKit.Networking",
    "nsurlsessiond",
    "apsd",
    "locationd",
    "mobileassetd",
    "itunesstored",
    "CommCenter",
    "identityservicesd",
    "imagent",
    "assistantd",
    "cloudd",
    "dasd",
    "softwareupdated",
    "MobileSafari",
    "trustd",
    "mDNSResponder",
    "syslogd",
    "com.apple.Safari.SafeBrowsing.Service",
    "com.burbn.instagram",
    "net.whatsapp.WhatsApp",
    "ph.telegra.Telegraph",
    "com.spotify.client",
    "com.google.ios.youtube",
    "org.whispersystems.signal",
    "com.apple.mobilemail",
    "Instagram",
    "WhatsApp",
    "Telegram",
    "Spotify",
    "YouTube",
};

size_t bench_miss_host(struct bench_rng *r, char *out, size_t cap)
{
    struct sb b;

    sb_init(&b, out, cap);
    /* CDNs number their hosts: many distinct host names, none a label of ours */
    if (bench_rng_below(r, 4) == 0) {
        sb_put(&b, "cdn");
        sb_num(&b, bench_rng_below(r, 100));
        sb_char(&b, '-');
    }
    sb_put(&b, PICK(r, real_hosts));
    return b.n;
}

static void sb_token(struct sb *b, struct bench_rng *r, size_t n)
{
    static const char alnum[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789_-";
    size_t i;
    for (i = 0; i < n; i++)
        sb_char(b, alnum[bench_rng_below(r, sizeof alnum - 1)]);
}

static void sb_url_tail(struct sb *b, struct bench_rng *r)
{
    sb_put(b, PICK(r, real_paths));
    switch (bench_rng_below(r, 4)) {
    case 0:
        sb_put(b, "?q=");
        sb_put(b, PICK(r, plain_words));
        sb_char(b, '+');
        sb_put(b, PICK(r, plain_words));
        break;
    case 1:
        sb_char(b, '/');
        sb_token(b, r, 11);
        break;
    case 2:
        sb_put(b, "?id=");
        sb_num(b, bench_rng_next(r) % 100000000);
        sb_put(b, "&utm_source=share");
        break;
    default:
        break;
    }
}

size_t bench_miss_url(struct bench_rng *r, char *out, size_t cap)
{
    char host[256];
    struct sb b;

    bench_miss_host(r, host, sizeof host);
    sb_init(&b, out, cap);
    sb_put(&b, bench_rng_below(r, 10) == 0 ? "http://" : "https://");
    sb_put(&b, host);
    sb_url_tail(&b, r);
    return b.n;
}

size_t bench_miss_process(struct bench_rng *r, char *out, size_t cap)
{
    struct sb b;

    sb_init(&b, out, cap);
    sb_put(&b, PICK(r, real_processes));
    return b.n;
}

size_t bench_words(struct bench_rng *r, size_t words, char *out, size_t cap)
{
    struct sb b;
    size_t i;

    sb_init(&b, out, cap);
    for (i = 0; i < words; i++) {
        if (i)
            sb_char(&b, ' ');
        sb_put(&b, PICK(r, plain_words));
    }
    return b.n;
}

size_t bench_hit_url(struct bench_rng *r, uint64_t seed, size_t i, char *out, size_t cap)
{
    static const char *const subs[] = {"", "www.", "cdn.", "api.", "login.", "m."};
    char domain[256];
    struct sb b;

    bench_value(BENCH_DOMAIN, seed, i, domain, sizeof domain);
    sb_init(&b, out, cap);
    sb_put(&b, "https://");
    sb_put(&b, PICK(r, subs));
    sb_put(&b, domain);
    sb_url_tail(&b, r);
    return b.n;
}

/* ---- planted hits ---- */

const struct bench_planted bench_planted[] = {
    {"safari_history", "domain-name:value", "bnch-safari-hit.com",
     "https://login.bnch-safari-hit.com/session?id=4471"},
    {"sms", "domain-name:value", "bnch-sms-hit.net",
     "Your parcel is waiting: https://bnch-sms-hit.net/p/8812 reply STOP to stop"},
    {"whatsapp", "domain-name:value", "bnch-wa-hit.org",
     "look at this https://www.bnch-wa-hit.org/v/19"},
    {"datausage", "process:name", "bnchspyagentd", "bnchspyagentd"},
    {"id_status_cache", "email-addr:value", "bnch.operator@bnch-mail.example",
     "mailto:bnch.operator@bnch-mail.example"},
    {"manifest", "file:path", "/private/var/mobile/Library/bnchkit/agent.plist",
     "Library/bnchkit/agent.plist"},
};
const size_t bench_planted_count = ARRAY_LEN(bench_planted);
