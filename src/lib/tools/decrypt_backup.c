/*
 * `vigie ios decrypt-backup` and `vigie ios extract-key` (see vigie.h and
 * docs/encrypted-backups.md).
 *
 * decrypt-backup writes a plain copy MVT, iLEAPP and vigie read as an
 * ordinary backup. Files are decrypted by one worker thread per core, each
 * streaming through fixed buffers (VG_DECRYPT_CHUNK), so memory does not
 * grow with file sizes. Every file goes to "<id>.vigie-part" and is renamed
 * when whole; a state file in DEST names the source until the end, so a run
 * that was interrupted is completed by the next one, and a folder holding
 * anything else is refused. Diagnostics are given by the calling thread
 * after the workers finish, in manifest order, so they do not depend on
 * thread timing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <plist/plist.h>

#include "sources/ios_backup.h"
#include "sources/ios_backup_enc.h"
#include "util/cancel.h"

#define DEC_WHERE   "decrypt-backup"
#define STATE_NAME  ".vigie-decrypt"
#define PART_SUFFIX ".vigie-part"
#define STATE_MAGIC "vigie decrypt-backup of Manifest.plist sha256 "
#define MAX_WORKERS 64u
#define PROGRESS_MS 200
#define FILE_ID_LEN 40u

/* ---- small helpers ---- */

static int id_ok(const char *id)
{
    size_t i;

    for (i = 0; i < FILE_ID_LEN; i++)
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
            return 0;
    return id[FILE_ID_LEN] == '\0';
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return VG_E_IO;
        p += w;
        n -= (size_t)w;
    }
    return VG_OK;
}

/* Writes data to path through path.vigie-part and a rename. */
static int write_atomic(const char *path, const void *data, size_t len)
{
    char *part = vg_asprintf("%s%s", path, PART_SUFFIX);
    int fd, rc = VG_E_NOMEM;

    if (!part)
        return rc;
    fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    rc = fd < 0 ? VG_E_IO : write_all(fd, data, len);
    if (fd >= 0 && close(fd) != 0)
        rc = VG_E_IO;
    if (rc == VG_OK && rename(part, path) != 0)
        rc = VG_E_IO;
    if (rc != VG_OK)
        unlink(part);
    free(part);
    return rc;
}

/* A small regular file of DEST (the state file), never through a link. */
static int read_small(const char *path, size_t max, unsigned char **data, size_t *len)
{
    struct vg_io *io = NULL;
    int rc = vg_file_open_path(path, &io, NULL);
    struct stat st;

    if (rc == VG_OK && (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)))
        rc = VG_E_NOTFILE;
    if (rc == VG_OK)
        rc = vg_io_read_all(io, max, data, len);
    vg_io_free(io);
    return rc;
}

static int sha256_hex(const void *data, size_t len, char hex[65])
{
    unsigned char md[32];
    unsigned int n = 0;

    if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
        return VG_E_CRYPTO;
    vg_hex_encode(md, 32, hex);
    return VG_OK;
}

/* ---- the destination folder ---- */

struct dest {
    const char *path;
    char state[65]; /* sha256 of the source Manifest.plist */
    int resuming;
};

/* Refuses a DEST that is the backup or inside it, before anything is
 * created: never write into evidence. */
static int dest_outside(const struct vg_backup *b, const char *dest, struct vg_diag *diag)
{
    if (vg_root_contains(vg_backup_root(b), dest)) {
        vg_diag_add(diag, VG_DIAG_ERROR, DEC_WHERE,
                    "%s is inside the backup %s: choose a folder outside it", dest,
                    vg_backup_dir(b));
        return VG_E_INVAL;
    }
    return VG_OK;
}

/* DEST without the slashes that end it: "dlink/" would otherwise name the
 * target of a link dlink, which lstat must see as the link it is. */
static char *dest_name(const char *dest)
{
    size_t n = strlen(dest);

    while (n > 1 && dest[n - 1] == '/')
        n--;
    return vg_strndup(dest, n);
}

static int dir_is_empty(const char *path, int *empty)
{
    DIR *d = opendir(path);
    struct dirent *e;

    if (!d)
        return VG_E_IO;
    *empty = 1;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            *empty = 0;
    closedir(d);
    return VG_OK;
}

/* Is DEST an unfinished decryption of this very backup? */
static int dest_state_matches(const struct dest *d, int *matches)
{
    char *path = vg_asprintf("%s/%s", d->path, STATE_NAME);
    unsigned char *data = NULL;
    size_t len = 0;
    int rc;

    if (!path)
        return VG_E_NOMEM;
    rc = read_small(path, 4096, &data, &len);
    free(path);
    if (rc == VG_E_NOTFOUND) {
        *matches = -1; /* no state file at all */
        return VG_OK;
    }
    if (rc == VG_E_NOMEM)
        return rc;
    /* unreadable or oversized: not a state file this code wrote */
    *matches = rc == VG_OK && len == strlen(STATE_MAGIC) + 65 &&
               memcmp(data, STATE_MAGIC, strlen(STATE_MAGIC)) == 0 &&
               memcmp(data + strlen(STATE_MAGIC), d->state, 64) == 0;
    free(data);
    return VG_OK;
}

static int dest_has_manifest(const char *dest)
{
    char *p = vg_asprintf("%s/Manifest.plist", dest);
    struct stat st;
    int ok = p && lstat(p, &st) == 0;
    free(p);
    return ok;
}

static int dest_prepare(struct dest *d, const struct vg_backup *b, struct vg_diag *diag)
{
    struct stat st;
    int empty = 0, matches = 0, rc;
    char *state, line[sizeof(STATE_MAGIC) + 65];

    rc = dest_outside(b, d->path, diag);
    if (rc != VG_OK)
        return rc;
    if (mkdir(d->path, 0700) != 0 && errno != EEXIST) {
        vg_diag_add(diag, VG_DIAG_ERROR, DEC_WHERE, "cannot create %s: %s", d->path,
                    strerror(errno));
        return VG_E_IO;
    }
    if (lstat(d->path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        vg_diag_add(diag, VG_DIAG_ERROR, DEC_WHERE,
                    "%s is not a folder (a link to one is refused: plaintext must go where it "
                    "was asked to)",
                    d->path);
        return VG_E_IO;
    }
    rc = dir_is_empty(d->path, &empty);
    if (rc == VG_OK && !empty)
        rc = dest_state_matches(d, &matches);
    if (rc != VG_OK)
        return rc;
    if (!empty && matches != 1) {
        vg_diag_add(diag, VG_DIAG_ERROR, DEC_WHERE, "%s is not empty: %s", d->path,
                    matches == 0 ? "it holds an unfinished decryption of another backup"
                    : dest_has_manifest(d->path)
                        ? "it already holds a backup (a finished decryption?)"
                        : "choose an empty folder");
        return VG_E_EXISTS;
    }
    d->resuming = !empty;
    if (d->resuming)
        vg_diag_add(diag, VG_DIAG_INFO, DEC_WHERE,
                    "%s holds an unfinished decryption of this backup: completing it", d->path);
    state = vg_asprintf("%s/%s", d->path, STATE_NAME);
    if (!state)
        return VG_E_NOMEM;
    rc = vg_snprintf(line, sizeof(line), "%s%s\n", STATE_MAGIC, d->state);
    if (rc == VG_OK)
        rc = write_atomic(state, line, strlen(line));
    free(state);
    return rc;
}

/* ---- the work ---- */

struct job {
    const struct vg_manifest_entry *e;
    int rc;
    const char *why;
    struct vg_cbc_info info;
};

struct pool {
    const struct vg_enc *enc;
    const struct vg_backup *b;
    const char *dest;
    struct job *jobs;
    size_t n_jobs;
    atomic_size_t next;
    atomic_size_t done;
    atomic_ullong bytes;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    unsigned running;
};

struct file_sink {
    int fd;
    atomic_ullong *bytes;
};

static int file_put(void *ud, const unsigned char *p, size_t n)
{
    struct file_sink *s = ud;
    int rc;

    if (vg_interrupted())
        return VG_E_INTERRUPTED;
    rc = write_all(s->fd, p, n);
    if (rc == VG_OK)
        atomic_fetch_add(s->bytes, (unsigned long long)n);
    return rc;
}

static int make_subdir(const char *dest, const char *id)
{
    char sub[PATH_MAX];
    struct stat st;

    if (vg_snprintf(sub, sizeof(sub), "%s/%.2s", dest, id) != VG_OK)
        return VG_E_LIMIT;
    if (mkdir(sub, 0700) != 0 && errno != EEXIST)
        return VG_E_IO;
    /* a symlink here would send plaintext elsewhere */
    return lstat(sub, &st) == 0 && S_ISDIR(st.st_mode) ? VG_OK : VG_E_IO;
}

static void run_job(struct pool *p, struct job *j)
{
    char dst[PATH_MAX], part[PATH_MAX];
    struct vg_io *cipher = NULL;
    struct file_sink s;

    j->why = "";
    if (vg_snprintf(dst, sizeof(dst), "%s/%.2s/%s", p->dest, j->e->file_id, j->e->file_id) !=
            VG_OK ||
        vg_snprintf(part, sizeof(part), "%s%s", dst, PART_SUFFIX) != VG_OK) {
        j->rc = VG_E_LIMIT;
        j->why = "path too long";
        return;
    }
    /* never through a link: a link at the id would decrypt another file */
    j->rc = vg_backup_open_stored(p->b, j->e->file_id, &cipher, NULL);
    if (j->rc != VG_OK) {
        j->why = j->rc == VG_E_NOTFILE ? "not a regular file in the backup (a link?): refused"
                                       : "cannot be opened";
        return;
    }
    j->rc = make_subdir(p->dest, j->e->file_id);
    s.bytes = &p->bytes;
    s.fd = j->rc == VG_OK ? open(part, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)
                          : -1;
    if (s.fd < 0) {
        vg_io_free(cipher);
        j->rc = VG_E_IO;
        j->why = "cannot create the file in the destination";
        return;
    }
    j->rc = vg_enc_decrypt(p->enc, j->e, cipher, file_put, &s, &j->info, &j->why);
    vg_io_free(cipher);
    if (close(s.fd) != 0 && j->rc == VG_OK) {
        j->rc = VG_E_IO;
        j->why = "write error in the destination";
    }
    if (j->rc == VG_OK && rename(part, dst) != 0) {
        j->rc = VG_E_IO;
        j->why = "cannot rename the finished file";
    }
    if (j->rc != VG_OK)
        unlink(part); /* never leave a partial file behind */
}

static void *worker(void *arg)
{
    struct pool *p = arg;

    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n_jobs || vg_interrupted())
            break;
        run_job(p, &p->jobs[i]);
        atomic_fetch_add(&p->done, 1);
    }
    pthread_mutex_lock(&p->lock);
    p->running--;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

static unsigned worker_count(unsigned asked, size_t jobs)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned n = asked ? asked : (cpus > 0 ? (unsigned)cpus : 1u);

    if (n > MAX_WORKERS)
        n = MAX_WORKERS;
    if (jobs < n)
        n = jobs ? (unsigned)jobs : 1u;
    return n;
}

static void report_progress(const struct vg_decrypt_opts *o, struct pool *p, uint64_t total)
{
    struct vg_decrypt_progress pr;

    if (!o->on_progress)
        return;
    pr.bytes_done = atomic_load(&p->bytes);
    pr.bytes_total = total;
    pr.files_done = atomic_load(&p->done);
    pr.files_total = p->n_jobs;
    o->on_progress(o->ud, &pr);
}

static int run_pool(const struct vg_decrypt_opts *o, struct pool *p, uint64_t total)
{
    pthread_t th[MAX_WORKERS];
    unsigned n = worker_count(o->workers, p->n_jobs), started = 0, i;
    int rc = VG_OK;

    pthread_mutex_lock(&p->lock);
    for (i = 0; i < n; i++) {
        if (pthread_create(&th[i], NULL, worker, p) != 0)
            break;
        p->running++;
        started++;
    }
    if (started == 0)
        rc = VG_E_NOMEM;
    while (p->running > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += PROGRESS_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&p->cond, &p->lock, &ts);
        pthread_mutex_unlock(&p->lock);
        report_progress(o, p, total);
        pthread_mutex_lock(&p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    for (i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    report_progress(o, p, total);
    return rc;
}

/* ---- planning: what to decrypt, what is missing, what is done ---- */

struct plan {
    struct job *jobs;
    size_t n;
    uint64_t total;
};

/* By id, then manifest position: a total order, so warnings come out the
 * same every run. */
static int by_id(const void *a, const void *b)
{
    const struct vg_manifest_entry *const *x = a, *const *y = b;
    int c = strcmp((*x)->file_id, (*y)->file_id);
    return c ? c : (*x < *y ? -1 : *x > *y);
}

/* A second entry with an id already seen would race the first to the same
 * file: decrypted once, with a warning. */
static int mark_duplicates(const struct vg_manifest *m, unsigned char *dup, struct vg_diag *diag)
{
    const struct vg_manifest_entry **v = vg_calloc(m->n + 1, sizeof(*v));
    size_t i, n = 0;

    if (!v)
        return VG_E_NOMEM;
    for (i = 0; i < m->n; i++)
        if (m->v[i].flags == 1)
            v[n++] = &m->v[i];
    qsort(v, n, sizeof(*v), by_id);
    for (i = 1; i < n; i++) {
        if (strcmp(v[i]->file_id, v[i - 1]->file_id) == 0) {
            dup[v[i] - m->v] = 1; /* the later listing; the first one stays */
            vg_diag_add(diag, VG_DIAG_WARN, DEC_WHERE,
                        "%s/%s: file id %s is listed twice; decrypted once", v[i]->domain,
                        v[i]->relative_path, v[i]->file_id);
        }
    }
    free(v);
    return VG_OK;
}

/* Already whole from an earlier run: present under its final name with the
 * recorded size (a partial file never has the final name). */
static int already_done(const struct dest *d, const struct vg_manifest_entry *e)
{
    char path[PATH_MAX];
    struct stat st;

    if (!d->resuming || e->mb.size < 0 ||
        vg_snprintf(path, sizeof(path), "%s/%.2s/%s", d->path, e->file_id, e->file_id) != VG_OK)
        return 0;
    return lstat(path, &st) == 0 && S_ISREG(st.st_mode) && (int64_t)st.st_size == e->mb.size;
}

static int plan_one(const struct vg_backup *b, const struct dest *d,
                    const struct vg_manifest_entry *e, struct plan *pl,
                    struct vg_decrypt_summary *sum, struct vg_diag *diag)
{
    char src[44];
    struct vg_stat st;

    if (!id_ok(e->file_id)) {
        vg_diag_add(diag, VG_DIAG_WARN, DEC_WHERE,
                    "%s/%s: refused: its file id is not 40 hex digits, so its path could leave "
                    "the destination",
                    e->domain, e->relative_path);
        sum->failed++;
        return VG_OK;
    }
    if (vg_backup_id_path(e->file_id, src) != VG_OK ||
        vg_root_stat(vg_backup_root(b), src, &st) != VG_OK) {
        vg_diag_add(diag, VG_DIAG_WARN, DEC_WHERE,
                    "%s/%s is listed but absent from the backup folder (%.2s/%s)", e->domain,
                    e->relative_path, e->file_id, e->file_id);
        sum->missing++;
        return VG_OK;
    }
    if (already_done(d, e)) {
        sum->resumed++;
        return VG_OK;
    }
    pl->jobs[pl->n].e = e;
    pl->n++;
    pl->total += e->has_mb && e->mb.size > 0 ? (uint64_t)e->mb.size : 0;
    return VG_OK;
}

static int plan_all(const struct vg_backup *b, const struct dest *d, struct plan *pl,
                    struct vg_decrypt_summary *sum, struct vg_diag *diag)
{
    const struct vg_manifest *m = vg_backup_manifest(b);
    unsigned char *dup = vg_calloc(m->n + 1, 1);
    size_t i;
    int rc = VG_E_NOMEM;

    pl->jobs = vg_calloc(m->n + 1, sizeof(*pl->jobs));
    if (!dup || !pl->jobs)
        goto out;
    rc = mark_duplicates(m, dup, diag);
    for (i = 0; rc == VG_OK && i < m->n; i++)
        if (m->v[i].flags == 1 && !dup[i])
            rc = plan_one(b, d, &m->v[i], pl, sum, diag);
out:
    free(dup);
    return rc;
}

static void report_jobs(const struct plan *pl, struct vg_decrypt_summary *sum, struct vg_diag *diag)
{
    size_t i;

    for (i = 0; i < pl->n; i++) {
        const struct job *j = &pl->jobs[i];
        const struct vg_manifest_entry *e = j->e;

        if (j->rc == VG_E_INTERRUPTED || (j->rc == VG_OK && !j->why))
            continue; /* not reached before the interruption */
        if (j->rc != VG_OK) {
            vg_diag_add(diag, VG_DIAG_WARN, DEC_WHERE, "%s/%s (%s): not decrypted: %s", e->domain,
                        e->relative_path, e->file_id, j->why);
            sum->failed++;
            continue;
        }
        sum->files++;
        sum->bytes += j->info.plain_len;
        if (j->info.short_by)
            vg_diag_add(diag, VG_DIAG_WARN, DEC_WHERE,
                        "%s/%s: %llu bytes short of the %lld recorded (incomplete copy?)",
                        e->domain, e->relative_path, (unsigned long long)j->info.short_by,
                        (long long)e->mb.size);
        if (j->info.tail)
            vg_diag_add(diag, VG_DIAG_WARN, DEC_WHERE,
                        "%s/%s: its last %llu bytes are not a whole AES block and were ignored",
                        e->domain, e->relative_path, (unsigned long long)j->info.tail);
    }
}

/* ---- the root files ---- */

static int write_manifest_db(const struct vg_backup *b, const char *dest, struct vg_diag *diag)
{
    char *dst = vg_asprintf("%s/Manifest.db", dest);
    struct vg_io *cipher = NULL, *plain = NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = dst ? vg_root_open_file(vg_backup_root(b), "Manifest.db", &cipher, NULL) : VG_E_NOMEM;

    if (rc == VG_OK)
        rc = vg_enc_open_manifest_db(vg_backup_enc(b), cipher, diag, &plain);
    if (rc == VG_OK)
        rc = vg_io_read_all(plain, VG_MAX_IN_MEMORY_FILE, &data, &len);
    if (rc == VG_OK)
        rc = write_atomic(dst, data, len);
    vg_free_secret(data, len);
    vg_io_free(plain);
    free(dst);
    return rc;
}

/* Manifest.plist marked unencrypted, and without the keybag and the
 * wrapped manifest key: readers do not need them, and a copy handed on
 * should not carry what a password can be attacked offline with. */
static int write_manifest_plist(const struct vg_backup *b, const char *dest)
{
    plist_t p = plist_copy(vg_backup_manifest_plist(b));
    char *bin = NULL, *dst = vg_asprintf("%s/Manifest.plist", dest);
    uint32_t len = 0;
    int rc = VG_E_NOMEM;

    if (p && dst) {
        plist_dict_set_item(p, "IsEncrypted", plist_new_bool(0));
        plist_dict_remove_item(p, "BackupKeyBag");
        plist_dict_remove_item(p, "ManifestKey");
        plist_to_bin(p, &bin, &len);
        if (bin)
            rc = write_atomic(dst, bin, len);
    }
    free(bin);
    free(dst);
    plist_free(p);
    return rc;
}

static int copy_plist(const struct vg_backup *b, const char *dest, const char *name)
{
    char *dst = vg_asprintf("%s/%s", dest, name);
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = dst ? vg_backup_read_root(b, name, VG_MAX_PLIST_FILE, &data, &len) : VG_E_NOMEM;

    if (rc == VG_OK)
        rc = write_atomic(dst, data, len);
    free(data);
    free(dst);
    return rc;
}

/* Info.plist, Status.plist and any other *.plist at the top (MVT copies
 * them all), in name order; links and other non-files are left out. */
static int copy_root_plists(const struct vg_backup *b, const char *dest, struct vg_diag *diag)
{
    char **names = NULL;
    size_t n = 0, i;
    int rc = vg_root_list(vg_backup_root(b), "", &names, &n);

    for (i = 0; rc == VG_OK && i < n; i++) {
        if (!vg_str_has_suffix(names[i], ".plist") || strcmp(names[i], "Manifest.plist") == 0 ||
            !vg_root_is_file(vg_backup_root(b), names[i]))
            continue;
        rc = copy_plist(b, dest, names[i]);
        if (rc != VG_OK)
            vg_diag_add(diag, VG_DIAG_ERROR, DEC_WHERE, "cannot copy %s: %s", names[i],
                        vg_strerror(rc));
    }
    vg_root_names_free(names, n);
    return rc;
}

static int finish_dest(const struct vg_backup *b, const struct dest *d, struct vg_diag *diag)
{
    char *state;
    int rc;

    rc = write_manifest_db(b, d->path, diag);
    if (rc == VG_OK)
        rc = copy_root_plists(b, d->path, diag);
    /* last: a folder with Manifest.plist and no state file is complete */
    if (rc == VG_OK)
        rc = write_manifest_plist(b, d->path);
    if (rc != VG_OK)
        return rc;
    state = vg_asprintf("%s/%s", d->path, STATE_NAME);
    if (!state)
        return VG_E_NOMEM;
    if (unlink(state) != 0)
        rc = VG_E_IO;
    free(state);
    return rc;
}

/* ---- public: decrypt-backup ---- */

static int source_state(const struct vg_backup *b, char hex[65])
{
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = vg_backup_read_root(b, "Manifest.plist", VG_MAX_MANIFEST_PLIST, &data, &len);

    if (rc == VG_OK)
        rc = sha256_hex(data, len, hex);
    free(data);
    return rc;
}

static int check_source(const struct vg_backup *b, struct vg_diag *diag)
{
    if (!vg_backup_is_encrypted(b)) {
        vg_diag_add(diag, VG_DIAG_ERROR, DEC_WHERE,
                    "%s is not encrypted: nothing to decrypt (check it directly)",
                    vg_backup_dir(b));
        return VG_E_INVAL;
    }
    if (!vg_backup_manifest(b)) {
        vg_diag_add(diag, VG_DIAG_ERROR, DEC_WHERE,
                    "without a readable Manifest.db no file of %s can be decrypted",
                    vg_backup_dir(b));
        return VG_E_CRYPTO;
    }
    return VG_OK;
}

static int decrypt_opened(const struct vg_decrypt_opts *o, const char *dest,
                          const struct vg_backup *b, struct vg_diag *diag,
                          struct vg_decrypt_summary *sum)
{
    struct dest d;
    struct plan pl;
    struct pool p;
    int rc;

    memset(&d, 0, sizeof(d));
    memset(&pl, 0, sizeof(pl));
    d.path = dest;
    rc = check_source(b, diag);
    if (rc == VG_OK)
        rc = source_state(b, d.state);
    if (rc == VG_OK)
        rc = dest_prepare(&d, b, diag);
    if (rc == VG_OK)
        rc = plan_all(b, &d, &pl, sum, diag);
    if (rc != VG_OK) {
        free(pl.jobs);
        return rc;
    }
    memset(&p, 0, sizeof(p));
    p.enc = vg_backup_enc(b);
    p.b = b;
    p.dest = dest;
    p.jobs = pl.jobs;
    p.n_jobs = pl.n;
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.cond, NULL);
    rc = run_pool(o, &p, pl.total);
    pthread_cond_destroy(&p.cond);
    pthread_mutex_destroy(&p.lock);
    report_jobs(&pl, sum, diag);
    free(pl.jobs);
    if (rc == VG_OK && vg_interrupted())
        rc = VG_E_INTERRUPTED;
    if (rc == VG_OK)
        rc = finish_dest(b, &d, diag);
    if (rc == VG_E_INTERRUPTED)
        vg_diag_add(diag, VG_DIAG_ERROR, DEC_WHERE,
                    "interrupted: %s holds only whole files; run the same command again to "
                    "finish",
                    dest);
    return rc;
}

int vg_ios_decrypt_backup(const struct vg_decrypt_opts *o, struct vg_diag *diag,
                          struct vg_decrypt_summary *sum)
{
    struct vg_source_opts so;
    struct vg_backup *b = NULL;
    char *dest;
    int rc;

    memset(sum, 0, sizeof(*sum));
    if (!o->target || !o->dest || (!o->password && !o->key))
        return VG_E_INVAL;
    memset(&so, 0, sizeof(so));
    so.password = o->password;
    so.key = o->key;
    so.key_len = o->key_len;
    rc = vg_backup_open_keys(o->target, &so, diag, &b);
    if (rc == VG_OK && vg_backup_is_encrypted(b) && (rc = vg_backup_load_manifest(b)) != VG_OK) {
        vg_diag_add(diag, VG_DIAG_WARN, DEC_WHERE, "cannot read Manifest.db: %s", vg_strerror(rc));
        rc = VG_OK; /* check_source says what that means */
    }
    if (rc != VG_OK) {
        vg_backup_free(b);
        return rc;
    }
    dest = dest_name(o->dest);
    rc = dest ? decrypt_opened(o, dest, b, diag, sum) : VG_E_NOMEM;
    free(dest);
    vg_backup_free(b);
    return rc;
}
