/*
 * mkcorpus sysdiagnose -o DIR [--bytes SIZE] [--seed N]
 *
 * Writes DIR/<name>.tar.gz, a sysdiagnose as the phone writes it: one top
 * folder named like the archive, the files vigie reads with the planted
 * traces of the test fixture builder (tests/fixtures/sysdiag.h:
 * VGFIX_SD_IMPLANT), and SIZE bytes (uncompressed) of system_logs.logarchive,
 * which is most of a real sysdiagnose: tracev3 files of 8 MiB, each half
 * incompressible bytes (tracev3 chunks are LZ4-compressed already) and half
 * log-like text, so the archive compresses to about 55% as real ones do.
 * Streamed through libarchive: memory stays small whatever SIZE. Prints
 * the archive's path.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <archive.h>
#include <archive_entry.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archives.h"
#include "mksysdiag.h"
#include "synth.h"
#include "sysdiag.h"

#define TRACE_FILE (8u * 1024u * 1024u)
#define SD_TIME    1709370941 /* 2024-03-02 09:15:41 UTC, 10:15:41 on the phone */

static uint64_t parse_size(const char *s)
{
    char *end;
    uint64_t v = strtoull(s, &end, 10);

    if (*end == 'K' || *end == 'k')
        v <<= 10;
    else if (*end == 'M' || *end == 'm')
        v <<= 20;
    else if (*end == 'G' || *end == 'g')
        v <<= 30;
    return v;
}

static int add(struct archive *a, const char *name, const void *data, size_t len, int dir)
{
    struct archive_entry *e = archive_entry_new();
    int ok;

    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(e, dir ? 0755 : 0644);
    archive_entry_set_size(e, dir ? 0 : (la_int64_t)len);
    archive_entry_set_mtime(e, SD_TIME, 0);
    ok = archive_write_header(a, e) == ARCHIVE_OK &&
         (dir || archive_write_data(a, data, len) == (la_ssize_t)len);
    archive_entry_free(e);
    if (!ok)
        fprintf(stderr, "mkcorpus: %s: %s\n", name, archive_error_string(a));
    return ok ? 0 : -1;
}

/* One tracev3 file's bytes: blocks of random bytes and of log lines. */
static void trace_fill(unsigned char *buf, size_t len, struct bench_rng *r)
{
    size_t off = 0;

    while (off < len) {
        size_t block = 4096 < len - off ? 4096 : len - off, i;
        if (bench_rng_below(r, 2) == 0) {
            for (i = 0; i + 8 <= block; i += 8) {
                uint64_t v = bench_rng_next(r);
                memcpy(buf + off + i, &v, 8);
            }
            for (; i < block; i++)
                buf[off + i] = (unsigned char)bench_rng_next(r);
        } else {
            size_t n = 0;
            char line[256];
            while (n < block) {
                int k = snprintf(
                    line, sizeof(line),
                    "2024-03-0%u %02u:%02u:%02u.%06u 0x%" PRIx64 " Default 0x0 %u com.apple.%s: ",
                    (unsigned)bench_rng_below(r, 2) + 1, (unsigned)bench_rng_below(r, 24),
                    (unsigned)bench_rng_below(r, 60), (unsigned)bench_rng_below(r, 60),
                    (unsigned)bench_rng_below(r, 1000000), bench_rng_next(r) & 0xfffff,
                    (unsigned)bench_rng_below(r, 1000), "xpc");
                size_t w = bench_words(r, 6, line + k, sizeof(line) - (size_t)k - 1);
                line[(size_t)k + w] = '\n';
                w += (size_t)k + 1;
                if (w > block - n)
                    w = block - n;
                memcpy(buf + off + n, line, w);
                n += w;
            }
        }
        off += block;
    }
}

static int write_corpus(const char *dir, uint64_t bytes, uint64_t seed, char *path, size_t cap)
{
    struct vgfix_ar_entry *v = NULL;
    struct archive *a = archive_write_new();
    struct bench_rng r;
    unsigned char *buf = malloc(TRACE_FILE);
    char name[128], member[512];
    size_t n = 0, i;
    uint64_t done = 0, k = 0;
    int rc = -1;

    vgfix_sysdiag_name(SD_TIME, name, sizeof(name));
    snprintf(path, cap, "%s/%s.tar.gz", dir, name);
    if (!a || !buf || vgfix_sysdiag_entries(name, VGFIX_SD_IMPLANT, &v, &n) != 0)
        goto out;
    if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
        archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
        archive_write_open_filename(a, path) != ARCHIVE_OK) {
        fprintf(stderr, "mkcorpus: %s: %s\n", path, archive_error_string(a));
        goto out;
    }
    /* the phone writes the logarchive early; the small files around it */
    for (i = 0; i < n && i < 4; i++)
        if (add(a, v[i].name, v[i].data, v[i].len, v[i].kind == VGFIX_AR_DIR) != 0)
            goto out;
    bench_rng_init(&r, seed, 77, 0);
    while (done < bytes) {
        size_t len = bytes - done < TRACE_FILE ? (size_t)(bytes - done) : TRACE_FILE;
        trace_fill(buf, len, &r);
        snprintf(member, sizeof(member),
                 "%s/system_logs.logarchive/%02" PRIx64 "/%016" PRIx64 ".tracev3", name, k % 256,
                 k);
        if (add(a, member, buf, len, 0) != 0)
            goto out;
        done += len;
        k++;
    }
    for (; i < n; i++)
        if (add(a, v[i].name, v[i].data, v[i].len, v[i].kind == VGFIX_AR_DIR) != 0)
            goto out;
    if (archive_write_close(a) != ARCHIVE_OK) {
        fprintf(stderr, "mkcorpus: %s: %s\n", path, archive_error_string(a));
        goto out;
    }
    rc = 0;
out:
    if (v)
        vgfix_sysdiag_entries_free(v, n);
    archive_write_free(a);
    free(buf);
    return rc;
}

int cmd_sysdiagnose(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"bytes", required_argument, NULL, 'b'},
        {"seed", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL;
    uint64_t bytes = 768ull << 20, seed = 1;
    char path[4096];
    int c;

    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            dir = optarg;
            break;
        case 'b':
            bytes = parse_size(optarg);
            break;
        case 's':
            seed = strtoull(optarg, NULL, 10);
            break;
        default:
            fprintf(stderr, "usage: mkcorpus sysdiagnose -o DIR [--bytes SIZE] [--seed N]\n");
            return 2;
        }
    }
    if (!dir) {
        fprintf(stderr, "usage: mkcorpus sysdiagnose -o DIR [--bytes SIZE] [--seed N]\n");
        return 2;
    }
    if (write_corpus(dir, bytes, seed, path, sizeof(path)) != 0)
        return 1;
    puts(path);
    return 0;
}
