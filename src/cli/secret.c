/*
 * Backup passwords and keys on the command line: where they come from
 * (-p, -k, VIGIE_BACKUP_PASSWORD, MVT_BACKUP_PASSWORD, MVT's own
 * MVT_IOS_BACKUP_PASSWORD or MVT_ANDROID_BACKUP_PASSWORD, or a prompt
 * without echo), the key file format
 * (64 hex digits, as MVT's extract-key writes), and wiping them after use.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

#define PASSWORD_MAX 1024
#define KEYFILE_MAX  256

static const char *const password_env[] = {
    "VIGIE_BACKUP_PASSWORD",
    "MVT_BACKUP_PASSWORD",
};
/* the names MVT itself reads, one per platform */
static const char *const mvt_env[] = {"MVT_IOS_BACKUP_PASSWORD", "MVT_ANDROID_BACKUP_PASSWORD"};

/* The terminal state a signal handler must put back if the prompt is cut
 * short (echo would otherwise stay off in the analyst's shell). */
static struct termios saved_tty;
static volatile sig_atomic_t tty_changed;

void cli_secret_restore_tty(void)
{
    if (tty_changed)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
}

void cli_secret_free(struct secret *s)
{
    if (s->password) {
        vg_secure_wipe(s->password, strlen(s->password));
        free(s->password);
    }
    vg_secure_wipe(s->key, sizeof(s->key));
    memset(s, 0, sizeof(*s));
}

int cli_secret_set_password(struct secret *s, char *arg)
{
    s->password = strdup(arg);
    if (!s->password) {
        cli_error("out of memory");
        return -1;
    }
    /* the copy in argv is what `ps` shows: blank it now */
    vg_secure_wipe(arg, strlen(arg));
    return 0;
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* 64 hex digits, surrounding white space allowed. */
static int parse_key(const char *text, size_t len, unsigned char key[VG_BACKUP_KEY_LEN])
{
    size_t a = 0, i;

    while (a < len && strchr(" \t\r\n", text[a]))
        a++;
    while (len > a && strchr(" \t\r\n", text[len - 1]))
        len--;
    if (len - a != 2 * VG_BACKUP_KEY_LEN)
        return -1;
    for (i = 0; i < VG_BACKUP_KEY_LEN; i++) {
        int hi = hex_value((unsigned char)text[a + 2 * i]);
        int lo = hex_value((unsigned char)text[a + 2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        key[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

int cli_secret_read_key_file(struct secret *s, const char *path)
{
    char buf[KEYFILE_MAX + 1];
    size_t n;
    FILE *f = fopen(path, "rb");
    int rc;

    if (!f) {
        cli_error("cannot open the key file %s: %s", path, strerror(errno));
        return -1;
    }
    n = fread(buf, 1, KEYFILE_MAX + 1, f);
    fclose(f);
    rc = n <= KEYFILE_MAX ? parse_key(buf, n, s->key) : -1;
    vg_secure_wipe(buf, sizeof(buf));
    if (rc != 0) {
        cli_error("%s is not a key file: it should hold 64 hex digits "
                  "(as `vigie ios extract-key -k` writes)",
                  path);
        return -1;
    }
    s->have_key = 1;
    return 0;
}

int cli_secret_from_env(struct secret *s, int android)
{
    size_t i;

    for (i = 0; i <= sizeof(password_env) / sizeof(password_env[0]); i++) {
        const char *name = i < sizeof(password_env) / sizeof(password_env[0])
                               ? password_env[i]
                               : mvt_env[android ? 1 : 0];
        const char *v = getenv(name);
        if (v && *v) {
            s->password = strdup(v);
            if (!s->password) {
                cli_error("out of memory");
                return -1;
            }
            cli_info("backup password from $%s", name);
            return 1;
        }
    }
    return 0;
}

/* Reads one line from the terminal with echo off. */
int cli_secret_prompt(struct secret *s, const char *what)
{
    char buf[PASSWORD_MAX];
    struct termios quiet;
    size_t n = 0;
    int ok = 1;

    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tty) != 0)
        return 0;
    quiet = saved_tty;
    quiet.c_lflag &= (tcflag_t) ~(ECHO | ECHOE | ECHOK);
    quiet.c_lflag |= ECHONL;
    tty_changed = 1;
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0) {
        tty_changed = 0;
        return 0;
    }
    fprintf(stderr, "%s: ", what);
    fflush(stderr);
    for (;;) {
        char c;
        ssize_t r = read(STDIN_FILENO, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || c == '\n')
            break;
        if (n + 1 >= sizeof(buf)) {
            ok = 0;
            continue; /* keep reading the line, but refuse it */
        }
        buf[n++] = c;
    }
    buf[n] = '\0';
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
    tty_changed = 0;
    if (ok && n > 0)
        s->password = strdup(buf);
    vg_secure_wipe(buf, sizeof(buf));
    if (!ok)
        cli_error("password longer than %d characters", PASSWORD_MAX - 1);
    else if (n == 0)
        cli_error("no password given");
    return s->password ? 1 : -1;
}

int cli_secret_write_key(const unsigned char key[VG_BACKUP_KEY_LEN], const char *path)
{
    static const char digits[] = "0123456789abcdef";
    char hex[2 * VG_BACKUP_KEY_LEN + 1];
    size_t i;
    int fd, rc = 0;

    for (i = 0; i < VG_BACKUP_KEY_LEN; i++) {
        hex[2 * i] = digits[key[i] >> 4];
        hex[2 * i + 1] = digits[key[i] & 15];
    }
    hex[2 * VG_BACKUP_KEY_LEN] = '\n';
    if (!path) {
        rc = fwrite(hex, 1, sizeof(hex), stdout) == sizeof(hex) ? 0 : -1;
        vg_secure_wipe(hex, sizeof(hex));
        return rc;
    }
    /* the key opens the whole backup: readable by its owner only */
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || fchmod(fd, 0600) != 0 || write(fd, hex, sizeof(hex)) != (ssize_t)sizeof(hex))
        rc = -1;
    if (fd >= 0 && close(fd) != 0)
        rc = -1;
    vg_secure_wipe(hex, sizeof(hex));
    if (rc != 0)
        cli_error("cannot write the key to %s: %s", path, strerror(errno));
    return rc;
}
