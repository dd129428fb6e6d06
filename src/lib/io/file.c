/*
 * Evidence folders read without following links (see file.h).
 *
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) would do this in one call,
 * but not on every kernel analysts run; walking the components with
 * O_NOFOLLOW is the portable form of the same rule.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/file.h"

struct vg_root {
    int fd;
    char *path;
    char *real;
};

static int err_of(int e)
{
    switch (e) {
    case ENOENT:
        return VG_E_NOTFOUND;
    case ELOOP:
    case ENOTDIR:
    case ENXIO:
        return VG_E_NOTFILE;
    case ENOMEM:
        return VG_E_NOMEM;
    default:
        return VG_E_IO;
    }
}

static void stat_of(const struct stat *s, struct vg_stat *st)
{
    memset(st, 0, sizeof(*st));
    st->size = s->st_size > 0 ? (uint64_t)s->st_size : 0;
    st->mode = (uint32_t)s->st_mode;
    st->uid = (uint32_t)s->st_uid;
    st->gid = (uint32_t)s->st_gid;
    st->mtime = (int64_t)s->st_mtim.tv_sec;
    st->mtime_ns = (int32_t)s->st_mtim.tv_nsec;
    st->atime = (int64_t)s->st_atim.tv_sec;
    st->atime_ns = (int32_t)s->st_atim.tv_nsec;
    st->ctime = (int64_t)s->st_ctim.tv_sec;
    st->ctime_ns = (int32_t)s->st_ctim.tv_nsec;
    st->has = VG_ST_SIZE | VG_ST_MODE | VG_ST_OWNER | VG_ST_MTIME | VG_ST_ATIME | VG_ST_CTIME;
}

int vg_root_open(const char *path, struct vg_root **out)
{
    struct vg_root *r;
    char real[PATH_MAX];
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0)
        return errno == ENOTDIR ? VG_E_NOTFILE : err_of(errno);
    r = vg_calloc(1, sizeof(*r));
    if (!r) {
        close(fd);
        return VG_E_NOMEM;
    }
    r->fd = fd;
    r->path = vg_strdup(path);
    r->real = vg_strdup(realpath(path, real) ? real : path);
    if (!r->path || !r->real) {
        vg_root_free(r);
        return VG_E_NOMEM;
    }
    *out = r;
    return VG_OK;
}

void vg_root_free(struct vg_root *r)
{
    if (!r)
        return;
    close(r->fd);
    free(r->path);
    free(r->real);
    free(r);
}

const char *vg_root_path(const struct vg_root *r)
{
    return r->path;
}

const char *vg_root_real(const struct vg_root *r)
{
    return r->real;
}

/* A path component we accept: not empty, not "." or "..", not too long. */
static int component_ok(const char *p, size_t n)
{
    if (n == 0 || n > NAME_MAX)
        return 0;
    if (p[0] == '.' && (n == 1 || (n == 2 && p[1] == '.')))
        return 0;
    return memchr(p, '\0', n) == NULL;
}

/* Opens the folder holding rel's last component, following no link, and
 * points *last at that component. */
static int open_parent(const struct vg_root *r, const char *rel, int *dirfd, const char **last)
{
    char name[NAME_MAX + 1];
    const char *p = rel, *slash;
    int fd, next;

    if (!rel || !*rel || rel[0] == '/')
        return VG_E_INVAL;
    fd = dup(r->fd);
    if (fd < 0)
        return err_of(errno);
    while ((slash = strchr(p, '/')) != NULL) {
        size_t n = (size_t)(slash - p);
        if (!component_ok(p, n)) {
            close(fd);
            return VG_E_INVAL;
        }
        memcpy(name, p, n);
        name[n] = '\0';
        next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        close(fd);
        if (next < 0)
            return err_of(errno);
        fd = next;
        p = slash + 1;
    }
    if (!component_ok(p, strlen(p))) {
        close(fd);
        return VG_E_INVAL;
    }
    *dirfd = fd;
    *last = p;
    return VG_OK;
}

int vg_root_open_file(const struct vg_root *r, const char *rel, struct vg_io **out,
                      struct vg_stat *st)
{
    struct stat s;
    const char *last;
    int dirfd, fd, rc;

    rc = open_parent(r, rel, &dirfd, &last);
    if (rc != VG_OK)
        return rc;
    /* non-blocking, so a FIFO cannot stall the open; refused just below */
    fd = openat(dirfd, last, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    rc = fd < 0 ? err_of(errno) : VG_OK;
    close(dirfd);
    if (rc != VG_OK)
        return rc;
    if (fstat(fd, &s) != 0 || !S_ISREG(s.st_mode)) {
        close(fd);
        return VG_E_NOTFILE;
    }
    if (st)
        stat_of(&s, st);
    return vg_io_fd(fd, out);
}

int vg_root_stat(const struct vg_root *r, const char *rel, struct vg_stat *st)
{
    struct stat s;
    const char *last;
    int dirfd, rc;

    rc = open_parent(r, rel, &dirfd, &last);
    if (rc != VG_OK)
        return rc;
    rc = fstatat(dirfd, last, &s, AT_SYMLINK_NOFOLLOW) == 0 ? VG_OK : err_of(errno);
    close(dirfd);
    if (rc == VG_OK)
        stat_of(&s, st);
    return rc;
}

int vg_root_is_file(const struct vg_root *r, const char *rel)
{
    struct vg_stat st;
    return vg_root_stat(r, rel, &st) == VG_OK && S_ISREG(st.mode);
}

int vg_root_is_dir(const struct vg_root *r, const char *rel)
{
    struct vg_stat st;
    return vg_root_stat(r, rel, &st) == VG_OK && S_ISDIR(st.mode);
}

/* ---- listing ---- */

void vg_root_names_free(char **names, size_t n)
{
    size_t i;
    if (!names)
        return;
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int open_dir(const struct vg_root *r, const char *rel, int *out)
{
    const char *last;
    int dirfd, fd, rc;

    if (!rel || !*rel) {
        fd = openat(r->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return err_of(errno);
        *out = fd;
        return VG_OK;
    }
    rc = open_parent(r, rel, &dirfd, &last);
    if (rc != VG_OK)
        return rc;
    fd = openat(dirfd, last, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    rc = fd < 0 ? err_of(errno) : VG_OK;
    close(dirfd);
    if (rc == VG_OK)
        *out = fd;
    return rc;
}

static int read_names(int fd, char ***names, size_t *n)
{
    DIR *d = fdopendir(fd);
    struct dirent *e;
    char **v = NULL, **grown;
    size_t cnt = 0, cap = 0;
    int rc = VG_OK;

    if (!d) {
        close(fd);
        return err_of(errno);
    }
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (cnt >= VG_MAX_DIR_ENTRIES) {
            rc = VG_E_LIMIT;
            break;
        }
        if (cnt == cap) {
            cap = cap ? cap * 2 : 16;
            grown = vg_realloc_array(v, cap, sizeof(*v));
            if (!grown) {
                rc = VG_E_NOMEM;
                break;
            }
            v = grown;
        }
        v[cnt] = vg_strdup(e->d_name);
        if (!v[cnt]) {
            rc = VG_E_NOMEM;
            break;
        }
        cnt++;
    }
    closedir(d);
    if (rc != VG_OK && rc != VG_E_LIMIT) {
        vg_root_names_free(v, cnt);
        return rc;
    }
    if (cnt)
        qsort(v, cnt, sizeof(*v), vg_strcmp_ptr);
    *names = v;
    *n = cnt;
    return rc;
}

int vg_root_list(const struct vg_root *r, const char *rel, char ***names, size_t *n)
{
    int fd = -1, rc = open_dir(r, rel, &fd);

    *names = NULL;
    *n = 0;
    if (rc != VG_OK)
        return rc;
    return read_names(fd, names, n);
}

struct walk {
    const struct vg_root *r;
    int (*cb)(void *ud, const char *path, const struct vg_stat *st, const char *link);
    void *ud;
    size_t entries;
    int limited;
};

static int walk_dir(struct walk *w, const char *rel, unsigned depth);

static int walk_entry(struct walk *w, const char *path, unsigned depth)
{
    struct vg_stat st;
    char link[PATH_MAX];
    const char *target = NULL;
    int rc;

    if (++w->entries > VG_MAX_WALK_ENTRIES) {
        w->limited = 1;
        return VG_E_LIMIT;
    }
    rc = vg_root_stat(w->r, path, &st);
    if (rc != VG_OK)
        return VG_OK; /* gone since it was listed */
    if (S_ISLNK(st.mode)) {
        const char *last;
        int dirfd;
        ssize_t k = -1;
        if (open_parent(w->r, path, &dirfd, &last) == VG_OK) {
            k = readlinkat(dirfd, last, link, sizeof(link) - 1);
            close(dirfd);
        }
        if (k >= 0) {
            link[k] = '\0';
            target = link;
        }
    }
    rc = w->cb(w->ud, path, &st, target);
    if (rc != VG_OK)
        return rc;
    if (S_ISDIR(st.mode)) {
        if (depth + 1 > VG_MAX_WALK_DEPTH) {
            w->limited = 1;
            return VG_OK;
        }
        return walk_dir(w, path, depth + 1);
    }
    return VG_OK;
}

static int walk_dir(struct walk *w, const char *rel, unsigned depth)
{
    char **names = NULL;
    size_t n = 0, i;
    int rc = vg_root_list(w->r, rel, &names, &n);

    if (rc == VG_E_LIMIT)
        w->limited = 1;
    else if (rc != VG_OK)
        return rc == VG_E_NOMEM ? rc : VG_OK;
    for (i = 0, rc = VG_OK; rc == VG_OK && i < n; i++) {
        char *path = *rel ? vg_asprintf("%s/%s", rel, names[i]) : vg_strdup(names[i]);
        rc = path ? walk_entry(w, path, depth) : VG_E_NOMEM;
        free(path);
    }
    vg_root_names_free(names, n);
    return rc;
}

int vg_root_walk(const struct vg_root *r, const char *rel,
                 int (*cb)(void *ud, const char *path, const struct vg_stat *st, const char *link),
                 void *ud)
{
    struct walk w = {r, cb, ud, 0, 0};
    int rc = walk_dir(&w, rel ? rel : "", 0);

    if (rc == VG_OK && w.limited)
        rc = VG_E_LIMIT;
    return rc;
}

int vg_file_open_path(const char *path, struct vg_io **out, struct vg_stat *st)
{
    struct stat s;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

    if (fd < 0)
        return err_of(errno);
    if (fstat(fd, &s) != 0 || !S_ISREG(s.st_mode)) {
        close(fd);
        return VG_E_NOTFILE;
    }
    if (st)
        stat_of(&s, st);
    return vg_io_fd(fd, out);
}

/* The resolved form of path, or of its nearest existing parent with the
 * rest appended, for paths that do not exist yet. */
static char *resolve_loose(const char *path)
{
    char real[PATH_MAX];
    char *copy = vg_strdup(path), *cut, *res = NULL;

    if (!copy)
        return NULL;
    if (realpath(copy, real)) {
        free(copy);
        return vg_strdup(real);
    }
    cut = strrchr(copy, '/');
    while (cut && cut != copy) {
        *cut = '\0';
        if (realpath(copy, real)) {
            /* the rest of the original path, below the part that exists */
            res = vg_asprintf("%s/%s", real, path + (cut - copy) + 1);
            break;
        }
        cut = strrchr(copy, '/');
    }
    if (!res && realpath(".", real))
        res = vg_asprintf("%s/%s", real, copy[0] == '/' ? copy + 1 : copy);
    free(copy);
    return res;
}

int vg_root_contains(const struct vg_root *r, const char *path)
{
    char *res = resolve_loose(path);
    size_t n = strlen(r->real);
    int in;

    if (!res)
        return 0;
    in = strncmp(res, r->real, n) == 0 && (res[n] == '\0' || res[n] == '/' || n == 1);
    free(res);
    return in;
}
