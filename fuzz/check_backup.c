/*
 * Fuzz target: the whole check of an iOS backup. Input: an uncompressed
 * tar of a small backup folder (Manifest.db, the plists, a few files by
 * file id). Its regular files and folders are written into a private
 * folder on tmpfs (names that climb out, links and anything else are left
 * out: they are the source's tests, not this target's), then every iOS
 * module runs over it with the demo indicators, as `vigie ios
 * check-backup` does without -o. Mutating the tar's bytes mutates the
 * backup's files: Manifest.db's pages, the plists, sms.db.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#define _XOPEN_SOURCE 700 /* nftw, mkdtemp */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vigie/vigie.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_MEMBERS 512
#define MAX_MEMBER  (4u << 20)

static const char stix[] =
    "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
    "{\"type\":\"malware\",\"id\":\"malware--1\",\"name\":\"Fuzz\",\"is_family\":false},"
    "{\"type\":\"indicator\",\"id\":\"indicator--1\",\"pattern_type\":\"stix\","
    "\"pattern\":\"[domain-name:value='badbadbad.example.org']\"},"
    "{\"type\":\"indicator\",\"id\":\"indicator--2\",\"pattern_type\":\"stix\","
    "\"pattern\":\"[process:name='bh']\"},"
    "{\"type\":\"indicator\",\"id\":\"indicator--3\",\"pattern_type\":\"stix\","
    "\"pattern\":\"[email-addr:value='evil@example.com']\"},"
    "{\"type\":\"relationship\",\"id\":\"relationship--1\",\"relationship_type\":\"indicates\","
    "\"source_ref\":\"indicator--1\",\"target_ref\":\"malware--1\"}]}";

static char root[256];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    if (ftw->level > 0)
        (void)remove(path);
    return 0;
}

static void clear_root(void)
{
    (void)nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_root(void)
{
    clear_root();
    (void)rmdir(root);
}

static int make_root(void)
{
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

    if (root[0])
        return 0;
    if (snprintf(root, sizeof(root), "%s/vigie-fuzz-XXXXXX", base) >= (int)sizeof(root) ||
        !mkdtemp(root)) {
        root[0] = '\0';
        return -1;
    }
    return atexit(remove_root);
}

/* Only plain relative names without "." or ".." parts. */
static int safe_name(const char *name)
{
    const char *p = name;

    if (!*name || *name == '/')
        return 0;
    while (*p) {
        size_t n = strcspn(p, "/");
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        p += n;
        while (*p == '/')
            p++;
    }
    return strlen(name) < 200;
}

static void write_member(struct archive *a, const char *path)
{
    char buf[65536];
    la_ssize_t got;
    size_t total = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);

    if (fd < 0)
        return;
    while ((got = archive_read_data(a, buf, sizeof(buf))) > 0 && total < MAX_MEMBER) {
        if (write(fd, buf, (size_t)got) != got)
            break;
        total += (size_t)got;
    }
    close(fd);
}

static void mkdirs(char *path)
{
    char *p;

    for (p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        (void)mkdir(path, 0700);
        *p = '/';
    }
}

static void unpack(const uint8_t *data, size_t size)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    char path[512];
    int n = 0;

    if (!a)
        return;
    archive_read_support_format_tar(a);
    if (archive_read_open_memory(a, data, size) != ARCHIVE_OK)
        goto out;
    while (n++ < MAX_MEMBERS && archive_read_next_header(a, &e) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(e);
        mode_t type = archive_entry_filetype(e);
        while (name && name[0] == '.' && name[1] == '/')
            name += 2; /* tar's "./Manifest.db" */
        if (!name || !safe_name(name) ||
            snprintf(path, sizeof(path), "%s/%s", root, name) >= (int)sizeof(path))
            continue;
        mkdirs(path);
        if (type == AE_IFDIR)
            (void)mkdir(path, 0700);
        else if (type == AE_IFREG)
            write_member(a, path);
    }
out:
    archive_read_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vg_iocs *iocs;
    struct vg_diag *diag = NULL;
    struct vg_source *src = NULL;
    struct vg_scan_opts so;
    struct vg_summary sum = {0};

    if (make_root() != 0)
        return 0;
    if (!iocs && (vg_iocs_new(&iocs) != VG_OK ||
                  vg_iocs_load_buffer(iocs, "fuzz.stix2", stix, sizeof(stix) - 1, NULL) != VG_OK))
        abort();
    clear_root();
    unpack(data, size);
    if (vg_diag_new(NULL, NULL, &diag) != VG_OK)
        abort();
    memset(&so, 0, sizeof(so));
    so.command_line = "fuzz";
    if (vg_source_open(VG_KIND_IOS_BACKUP, root, NULL, diag, &src) == VG_OK &&
        vg_check(src, iocs, &so, diag, &sum) != VG_OK)
        memset(&sum, 0, sizeof(sum)); /* a failed check is a result like any other */
    if (getenv("VG_FUZZ_VERBOSE"))    /* to see that a seed reaches the modules */
        fprintf(stderr, "%zu modules, %zu records, %zu warnings\n", sum.modules_run, sum.records,
                sum.warnings);
    vg_source_free(src);
    vg_diag_free(diag);
    clear_root();
    return 0;
}
