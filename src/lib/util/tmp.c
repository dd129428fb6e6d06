/*
 * The process's private temporary folder (see tmp.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/tmp.h"

#define TMP_ROOT_MAX   4096
#define TMP_NAME_MAX   128
#define TMP_TREE_DEPTH 8 /* we make one level of sub-folders; more is not ours */
#define TMP_WIPE_CHUNK 65536

/* Paths for the signal-safe cleanup. A handler can run between any two
 * instructions, so the list it reads is never changed under it: a slot is
 * written before the count that covers it is published, and a full list is
 * replaced by a bigger copy while the old one stays allocated (on `older`)
 * until vg_tmp_cleanup(). */
struct tmp_list {
    struct tmp_list *older;
    size_t cap;
    atomic_size_t n;
    char *v[];
};

static pthread_mutex_t tmp_lock = PTHREAD_MUTEX_INITIALIZER;
static char tmp_root[TMP_ROOT_MAX];
static volatile sig_atomic_t tmp_have_root;
static pid_t tmp_owner; /* a forked child must not remove its parent's folder */
static _Atomic(struct tmp_list *) tmp_paths;
static unsigned long tmp_seq;
static int tmp_atexit_done;

static void tmp_atexit(void)
{
    vg_tmp_cleanup();
}

static int tmp_usable_dir(const char *base)
{
    struct stat st;
    if (!base || !*base || base[0] != '/')
        return 0;
    return stat(base, &st) == 0 && S_ISDIR(st.st_mode) && access(base, W_OK | X_OK) == 0;
}

/* tmpfs first: decrypted databases may be copied here. */
static int tmp_create_locked(void)
{
    const char *bases[3];
    size_t i;

    bases[0] = "/dev/shm";
    bases[1] = getenv("TMPDIR");
    bases[2] = "/tmp";
    for (i = 0; i < VG_ARRAY_LEN(bases); i++) {
        if (!tmp_usable_dir(bases[i]))
            continue;
        /* the pid in the name lets a later run tell a folder whose owner
         * was killed (vg_tmp_reap_stale) */
        if (vg_snprintf(tmp_root, sizeof(tmp_root), "%s/vigie-%ld-XXXXXX", bases[i],
                        (long)getpid()) != VG_OK)
            continue;
        if (mkdtemp(tmp_root) && chmod(tmp_root, 0700) == 0) {
            tmp_owner = getpid();
            tmp_have_root = 1;
            if (!tmp_atexit_done && atexit(tmp_atexit) == 0)
                tmp_atexit_done = 1;
            return VG_OK;
        }
    }
    tmp_root[0] = '\0';
    return VG_E_IO;
}

static int tmp_list_push_locked(char *path)
{
    struct tmp_list *l = atomic_load(&tmp_paths);
    size_t n = l ? atomic_load(&l->n) : 0;

    if (!l || n == l->cap) {
        size_t cap = l ? l->cap * 2 : 16, bytes;
        struct tmp_list *nl;
        if (vg_mul_overflow(cap, sizeof(char *), &bytes) ||
            vg_add_overflow(bytes, sizeof(*nl), &bytes))
            return VG_E_NOMEM;
        nl = vg_malloc(bytes);
        if (!nl)
            return VG_E_NOMEM;
        nl->older = l;
        nl->cap = cap;
        if (n)
            memcpy(nl->v, l->v, n * sizeof(char *));
        atomic_init(&nl->n, n);
        atomic_store(&tmp_paths, nl);
        l = nl;
    }
    l->v[n] = path;
    atomic_store(&l->n, n + 1);
    return VG_OK;
}

int vg_tmp_dir(const char **path)
{
    int rc = VG_OK;

    pthread_mutex_lock(&tmp_lock);
    if (!tmp_have_root)
        rc = tmp_create_locked();
    pthread_mutex_unlock(&tmp_lock);
    if (rc == VG_OK)
        *path = tmp_root;
    return rc;
}

static int tmp_name_ok(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && n <= TMP_NAME_MAX && !strchr(name, '/') && strcmp(name, ".") != 0 &&
           strcmp(name, "..") != 0;
}

static int tmp_inside_locked(const char *path)
{
    size_t rl = strlen(tmp_root);
    return tmp_have_root && strncmp(path, tmp_root, rl) == 0 && path[rl] == '/' &&
           !strstr(path + rl, "/../") && !vg_str_has_suffix(path, "/..");
}

static int tmp_track_locked(const char *path)
{
    char *copy;
    int rc;

    if (!tmp_inside_locked(path))
        return VG_E_INVAL;
    copy = vg_strdup(path);
    if (!copy)
        return VG_E_NOMEM;
    rc = tmp_list_push_locked(copy);
    if (rc != VG_OK)
        free(copy);
    return rc;
}

int vg_tmp_path(const char *name, char **out)
{
    char *path = NULL;
    int rc;

    if (!name || !tmp_name_ok(name))
        return VG_E_INVAL;
    pthread_mutex_lock(&tmp_lock);
    rc = tmp_have_root ? VG_OK : tmp_create_locked();
    if (rc != VG_OK)
        goto out;
    tmp_seq++;
    path = vg_asprintf("%s/%lu-%s", tmp_root, tmp_seq, name);
    if (!path) {
        rc = VG_E_NOMEM;
        goto out;
    }
    rc = tmp_track_locked(path);
out:
    pthread_mutex_unlock(&tmp_lock);
    if (rc != VG_OK) {
        free(path);
        return rc;
    }
    *out = path;
    return VG_OK;
}

int vg_tmp_track(const char *path)
{
    int rc;

    pthread_mutex_lock(&tmp_lock);
    rc = tmp_have_root ? tmp_track_locked(path) : VG_E_INVAL;
    pthread_mutex_unlock(&tmp_lock);
    return rc;
}

/* Zeros first: on a disk-backed /tmp the blocks would otherwise keep the
 * decrypted bytes after unlink. */
static void tmp_overwrite(const char *path)
{
    static const unsigned char zeros[TMP_WIPE_CHUNK];
    struct stat st;
    off_t left;
    int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0)
        return;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        for (left = st.st_size; left > 0;) {
            size_t n = left > (off_t)sizeof(zeros) ? sizeof(zeros) : (size_t)left;
            ssize_t w = write(fd, zeros, n);
            if (w <= 0)
                break;
            left -= w;
        }
        (void)fdatasync(fd);
    }
    close(fd);
}

static void tmp_remove_tree(const char *path, unsigned depth)
{
    DIR *d;
    struct dirent *e;

    if (depth > TMP_TREE_DEPTH)
        return;
    d = opendir(path);
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        char *child;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        child = vg_asprintf("%s/%s", path, e->d_name);
        if (!child)
            continue;
        if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode)) {
            tmp_remove_tree(child, depth + 1);
        } else {
            if (lstat(child, &st) == 0 && S_ISREG(st.st_mode))
                tmp_overwrite(child);
            unlink(child);
        }
        free(child);
    }
    closedir(d);
    rmdir(path);
}

void vg_tmp_remove(const char *path)
{
    struct stat st;

    pthread_mutex_lock(&tmp_lock);
    if (path && tmp_inside_locked(path) && lstat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            tmp_remove_tree(path, 1);
        } else {
            if (S_ISREG(st.st_mode))
                tmp_overwrite(path);
            unlink(path);
        }
    }
    pthread_mutex_unlock(&tmp_lock);
}

/* "vigie-<pid>-XXXXXX": the pid, or 0 when the name is not one of ours. */
static pid_t stale_pid(const char *name)
{
    const char *p = name + 6;
    long pid = 0;

    if (strncmp(name, "vigie-", 6) != 0)
        return 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        pid = pid * 10 + (*p - '0');
        if (pid > 1L << 30)
            return 0;
    }
    if (*p != '-' || strlen(p + 1) != 6 || pid <= 0)
        return 0;
    return (pid_t)pid;
}

/* A folder of this user's whose process is gone (a pid reused since then
 * keeps it: better left than removed under a live run). */
static int stale_folder(const char *base, const char *name, char *path, size_t cap)
{
    struct stat st;
    pid_t pid = stale_pid(name);

    if (pid == 0 || pid == getpid() || (kill(pid, 0) == 0 || errno != ESRCH))
        return 0;
    if (vg_snprintf(path, cap, "%s/%s", base, name) != VG_OK)
        return 0;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid();
}

size_t vg_tmp_reap_stale(void (*said)(void *ud, const char *path), void *ud)
{
    const char *bases[3];
    char path[TMP_ROOT_MAX];
    size_t i, n = 0;

    bases[0] = "/dev/shm";
    bases[1] = getenv("TMPDIR");
    bases[2] = "/tmp";
    for (i = 0; i < VG_ARRAY_LEN(bases); i++) {
        DIR *d = tmp_usable_dir(bases[i]) ? opendir(bases[i]) : NULL;
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (!stale_folder(bases[i], e->d_name, path, sizeof(path)))
                continue;
            tmp_remove_tree(path, 0);
            n++;
            if (said)
                said(ud, path);
        }
        if (d)
            closedir(d);
    }
    return n;
}

static void tmp_free_lists(struct tmp_list *l)
{
    size_t i, n;

    if (!l)
        return;
    n = atomic_load(&l->n);
    for (i = 0; i < n; i++)
        free(l->v[i]);
    while (l) {
        struct tmp_list *older = l->older;
        free(l);
        l = older;
    }
}

void vg_tmp_cleanup(void)
{
    struct tmp_list *l;

    pthread_mutex_lock(&tmp_lock);
    if (tmp_have_root && tmp_owner == getpid()) {
        /* hide the list from a handler before tearing it down */
        l = atomic_exchange(&tmp_paths, NULL);
        tmp_remove_tree(tmp_root, 0);
        tmp_have_root = 0;
        tmp_root[0] = '\0';
        tmp_free_lists(l);
    }
    pthread_mutex_unlock(&tmp_lock);
}

void vg_tmp_cleanup_signal_safe(void)
{
    struct tmp_list *l;
    size_t i;
    int saved = errno; /* the interrupted code may be about to read it */

    if (!tmp_have_root || tmp_owner != getpid())
        return;
    l = atomic_load(&tmp_paths);
    if (l) {
        for (i = atomic_load(&l->n); i-- > 0;)
            if (unlink(l->v[i]) != 0 && errno != ENOENT)
                rmdir(l->v[i]);
    }
    rmdir(tmp_root);
    errno = saved;
}
