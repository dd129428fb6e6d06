/*
 * The command line's grammar, from the tables only: getopt's option arrays,
 * the help texts, the one-line errors, the shell completions and the
 * redacted command.log are all made from the rows of the command table
 * (main.c) and the option tables, so a command or option added there shows
 * up everywhere at once.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_NO_COLOR = CLI_OPT_GLOBAL, OPT_VERSION };

/* Accepted by every command, before it and after it. */
static const struct cli_opt global_opts[] = {
    {"quiet", 'q', NULL, CLI_ARG_NONE, 0, "only errors, alerts and the verdict"},
    {"verbose", 'v', NULL, CLI_ARG_NONE, 0,
     "more: indicator counts and age, module notes, every place looked at"},
    {"no-color", OPT_NO_COLOR, NULL, CLI_ARG_NONE, 0, "no colours (also when NO_COLOR is set)"},
    {"help", 'h', NULL, CLI_ARG_NONE, 0, "this help"},
};

/* Before the command only (-i is also every check's own option). */
static const struct cli_opt lead_opts[] = {
    {"iocs", 'i', "PATH", CLI_ARG_FILE, 0, "indicators, for the commands that take -i"},
    {"version", OPT_VERSION, NULL, CLI_ARG_NONE, 0, "print the version"},
};

/* MVT's two tools, mvt-ios and mvt-android, as the first word. */
static const struct {
    const char *name;
    const char *help;
} platforms[] = {
    {"ios", "iOS acquisitions (as mvt-ios)"},
    {"android", "Android acquisitions (as mvt-android)"},
};

/* Top-level commands MVT also has under each platform (mvt-ios
 * check-iocs): `vigie ios check-iocs` runs `vigie check-iocs`. */
static const char *const every_platform[] = {"check-iocs", "download-iocs", "version"};

#define N_OF(a)    (sizeof(a) / sizeof((a)[0]))
#define HELP_WIDTH 30

static int is_platform(const char *w)
{
    size_t i;

    for (i = 0; i < N_OF(platforms); i++)
        if (strcmp(platforms[i].name, w) == 0)
            return 1;
    return 0;
}

static int in_every_platform(const char *name)
{
    size_t i;

    for (i = 0; i < N_OF(every_platform); i++)
        if (strcmp(every_platform[i], name) == 0)
            return 1;
    return 0;
}

static int same_platform(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The row `vigie [platform] name` runs: 1 found. */
static int lookup(const char *platform, const char *name, struct cli_cmd *out)
{
    size_t i;

    for (i = 0; cli_command_at(i, out); i++)
        if (same_platform(out->platform, platform) && strcmp(out->name, name) == 0)
            return 1;
    if (platform && in_every_platform(name))
        return lookup(NULL, name, out);
    return 0;
}

void cli_cmd_name(const struct cli_cmd *cmd, char *buf, size_t cap)
{
    if (!cmd)
        snprintf(buf, cap, "%s", "");
    else
        snprintf(buf, cap, "%s%s%s", cmd->platform ? cmd->platform : "", cmd->platform ? " " : "",
                 cmd->name);
}

static int opt_applies(const struct cli_cmd *cmd, const struct cli_opt *o)
{
    return !o->when || (cmd && (o->when & cmd->flags));
}

int cli_has_opt(const struct cli_cmd *cmd, const char *name)
{
    size_t i;

    for (i = 0; i < cmd->n_opts; i++)
        if (strcmp(cmd->opts[i].name, name) == 0 && opt_applies(cmd, &cmd->opts[i]))
            return 1;
    return 0;
}

/* ---- parsing ---- */

static int add_rows(struct cli_parser *p, size_t *n, const struct cli_opt *rows, size_t count)
{
    size_t i, ns = strlen(p->shorts);

    for (i = 0; i < count; i++) {
        const struct cli_opt *o = &rows[i];
        if (!opt_applies(p->cmd, o))
            continue;
        if (*n == CLI_MAX_OPTS)
            return -1;
        p->lo_buf[*n].name = o->name;
        p->lo_buf[*n].has_arg = o->arg ? required_argument : no_argument;
        p->lo_buf[*n].flag = NULL;
        p->lo_buf[*n].val = o->key;
        (*n)++;
        if (o->key < 256 && !strchr(p->shorts, o->key)) {
            p->shorts[ns++] = (char)o->key;
            if (o->arg)
                p->shorts[ns++] = ':';
            p->shorts[ns] = '\0';
        }
    }
    return 0;
}

/* cmd NULL: the options before the command. */
void cli_parser_init(struct cli_parser *p, const struct cli_cmd *cmd)
{
    size_t n = 0;

    memset(p, 0, sizeof(*p));
    p->cmd = cmd;
    /* ':' first: a missing value is told apart from an unknown option; '+'
     * before the command: its first word ends the global options */
    snprintf(p->shorts, sizeof(p->shorts), "%s", cmd ? ":" : "+:");
    if ((cmd && add_rows(p, &n, cmd->opts, cmd->n_opts) != 0) ||
        (!cmd && add_rows(p, &n, lead_opts, N_OF(lead_opts)) != 0) ||
        add_rows(p, &n, global_opts, N_OF(global_opts)) != 0) {
        /* a table longer than CLI_MAX_OPTS: the suite's help tests see it */
        fprintf(stderr, "vigie: internal error: too many options (CLI_MAX_OPTS)\n");
        abort();
    }
    /* 0, not 1: glibc then rereads the '+' of the next parser */
    optind = 0;
    opterr = 0;
}

void cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
    char msg[1024], name[128];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    cli_cmd_name(cmd, name, sizeof(name));
    cli_error("%s (see vigie help%s%s)", msg, *name ? " " : "", name);
}

/* A row whose name an earlier row has (the same option, told for
 * another platform): counted once. */
static int name_seen(const struct cli_opt *rows, size_t i)
{
    size_t j;

    for (j = 0; j < i; j++)
        if (strcmp(rows[j].name, rows[i].name) == 0)
            return 1;
    return 0;
}

/* The long options of rows (all of them, applicable or not) that start
 * with the typed prefix: how many names, and the first row. */
static size_t long_matches(const struct cli_opt *rows, size_t count, const char *typed, size_t len,
                           const struct cli_opt **first)
{
    size_t i, n = 0;

    for (i = 0; i < count; i++)
        if (strncmp(rows[i].name, typed, len) == 0 && !name_seen(rows, i)) {
            if (rows[i].name[len] == '\0') {
                *first = &rows[i];
                return 1;
            }
            if (n++ == 0)
                *first = &rows[i];
        }
    return n;
}

/* An option getopt did not take: one line saying which and why. */
static void unknown_long(const struct cli_parser *p, const char *word)
{
    const struct cli_cmd *cmd = p->cmd;
    const struct cli_opt *o = NULL;
    size_t len = strcspn(word + 2, "="), n;
    char name[128];

    n = long_matches(global_opts, N_OF(global_opts), word + 2, len, &o);
    n += cmd ? long_matches(cmd->opts, cmd->n_opts, word + 2, len, &o)
             : long_matches(lead_opts, N_OF(lead_opts), word + 2, len, &o);
    cli_cmd_name(cmd, name, sizeof(name));
    if (n > 1)
        cli_usage_error(cmd, "ambiguous option %.*s: give more of its name", (int)len + 2, word);
    else if (n == 1 && cmd && !opt_applies(cmd, o))
        cli_usage_error(cmd, "option --%s does not apply to %s", o->name, name);
    else
        cli_usage_error(cmd, "unknown option %.*s%s%s", (int)len + 2, word, *name ? " for " : "",
                        name);
}

static void unknown_short(const struct cli_parser *p, int c)
{
    const struct cli_cmd *cmd = p->cmd;
    char name[128];
    size_t i;

    cli_cmd_name(cmd, name, sizeof(name));
    for (i = 0; cmd && i < cmd->n_opts; i++)
        if (cmd->opts[i].key == c) {
            cli_usage_error(cmd, "option -%c does not apply to %s", c, name);
            return;
        }
    if (c > 0x20 && c < 0x7f)
        cli_usage_error(cmd, "unknown option -%c%s%s", c, *name ? " for " : "", name);
    else
        cli_usage_error(cmd, "unknown option (byte 0x%02x)%s%s", (unsigned)c & 0xffu,
                        *name ? " for " : "", name);
}

static int is_built_key(const struct cli_parser *p, int c)
{
    size_t i;

    for (i = 0; p->lo_buf[i].name; i++)
        if (p->lo_buf[i].val == c)
            return 1;
    return 0;
}

/* getopt returned ':' or '?'. A missing value can only be the last word;
 * an unknown long option has optopt 0 and optind past it; a long option
 * given a value it does not take has optopt set to its key. */
static void option_error(const struct cli_parser *p, int c, int argc, char **argv)
{
    const char *word = optind >= 1 && optind <= argc ? argv[optind - 1] : "";
    int is_long = strncmp(word, "--", 2) == 0;

    if (c == ':' && is_long)
        cli_usage_error(p->cmd, "option %.*s needs a value", (int)strcspn(word, "="), word);
    else if (c == ':')
        cli_usage_error(p->cmd, "option -%c needs a value", optopt);
    else if (optopt == 0 && is_long)
        unknown_long(p, word);
    else if (is_long && is_built_key(p, optopt))
        cli_usage_error(p->cmd, "option %.*s takes no value", (int)strcspn(word, "="), word);
    else
        unknown_short(p, optopt);
}

int cli_next_opt(struct cli_parser *p, int argc, char **argv)
{
    for (;;) {
        int c = getopt_long(argc, argv, p->shorts, p->lo_buf, NULL);
        switch (c) {
        case 'q':
            cons.verbosity = 0;
            break;
        case 'v':
            cons.verbosity = 2;
            break;
        case OPT_NO_COLOR:
            cons.color = 0;
            break;
        case 'h':
            if (p->cmd)
                cli_help_cmd(stdout, p->cmd);
            else
                cli_help_main(stdout);
            return CLI_HELP;
        case ':':
        case '?':
            option_error(p, c, argc, argv);
            return CLI_ERROR;
        default:
            return c;
        }
    }
}

int cli_parse_global(int argc, char **argv, const char **iocs, size_t cap, size_t *n_iocs)
{
    struct cli_parser p;
    int c;

    if (argc >= 2 && strcmp(argv[1], "--complete-words") == 0) {
        cli_complete(argc - 2, argv + 2);
        return CLI_HELP;
    }
    cli_parser_init(&p, NULL);
    while ((c = cli_next_opt(&p, argc, argv)) != CLI_END) {
        switch (c) {
        case 'i':
            if (*n_iocs == cap) {
                cli_error("too many --iocs options (at most %zu; give a folder instead)", cap);
                return CLI_ERROR;
            }
            iocs[(*n_iocs)++] = optarg;
            break;
        case OPT_VERSION:
            printf("vigie %s\n", VG_VERSION);
            return CLI_HELP;
        default:
            return c; /* CLI_HELP, CLI_ERROR */
        }
    }
    if (optind >= argc) {
        cli_help_main(stderr);
        return CLI_ERROR;
    }
    return optind;
}

int cli_find_command(int argc, char **argv, struct cli_cmd *out)
{
    if (!is_platform(argv[0])) {
        if (lookup(NULL, argv[0], out))
            return 1;
        cli_usage_error(NULL, "unknown command: %s", argv[0]);
        return CLI_ERROR;
    }
    if (argc < 2) {
        cli_help_platform(stderr, argv[0]);
        return CLI_ERROR;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        cli_help_platform(stdout, argv[0]);
        return CLI_HELP;
    }
    if (lookup(argv[0], argv[1], out))
        return 2;
    cli_error("unknown %s command: %s (see vigie help %s)", argv[0], argv[1], argv[0]);
    return CLI_ERROR;
}

/* ---- help ---- */

/* A help text's first sentence, its newlines as spaces: the summary of a
 * command in the lists and the completions. */
static void first_sentence(const char *help, char *buf, size_t cap)
{
    size_t n = 0;

    for (; *help && n + 1 < cap; help++) {
        if (*help == '.' && (!help[1] || help[1] == ' ' || help[1] == '\n'))
            break;
        buf[n++] = *help == '\n' ? ' ' : *help;
    }
    buf[n] = '\0';
}

/* Left column, then the text wrapped at HELP_LINE columns; a newline in
 * the text starts a new line at the column too. */
#define HELP_LINE 100
static void help_row(FILE *f, const char *left, const char *text)
{
    const size_t start = 2 + HELP_WIDTH + 1;
    size_t col = start, w;
    int space = 0;

    fprintf(f, "  %-*s ", HELP_WIDTH, left);
    if (strlen(left) > HELP_WIDTH)
        fprintf(f, "\n  %-*s ", HELP_WIDTH, "");
    while (*text) {
        if (*text == ' ' || *text == '\n') {
            if (*text == '\n' && text[1] && col > start) {
                fprintf(f, "\n  %-*s ", HELP_WIDTH, "");
                col = start;
            }
            space = col > start;
            text++;
            continue;
        }
        w = strcspn(text, " \n");
        if (col + space + w > HELP_LINE && col > start) {
            fprintf(f, "\n  %-*s ", HELP_WIDTH, "");
            col = start;
            space = 0;
        }
        fprintf(f, "%s%.*s", space ? " " : "", (int)w, text);
        col += (size_t)space + w;
        space = 0;
        text += w;
    }
    fputc('\n', f);
}

static void summary_row(FILE *f, const char *left, const char *help)
{
    char s[512];

    first_sentence(help, s, sizeof(s));
    help_row(f, left, s);
}

/* The short letter shows on the first row that has it. */
static int first_with_key(const struct cli_opt *rows, size_t count, const struct cli_opt *o,
                          const struct cli_cmd *cmd)
{
    size_t i;

    for (i = 0; i < count && &rows[i] != o; i++)
        if (rows[i].key == o->key && opt_applies(cmd, &rows[i]))
            return 0;
    return 1;
}

static void opt_rows(FILE *f, const struct cli_opt *rows, size_t count, const struct cli_cmd *cmd)
{
    size_t i;

    for (i = 0; i < count; i++) {
        const struct cli_opt *o = &rows[i];
        char left[128];
        if (!opt_applies(cmd, o))
            continue;
        if (o->key < 256 && first_with_key(rows, count, o, cmd))
            snprintf(left, sizeof(left), "-%c, --%s%s%s", o->key, o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        else
            snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        help_row(f, left, o->help);
    }
}

static void platform_rows(FILE *f, const char *platform, int full_names)
{
    struct cli_cmd c;
    char name[128];
    size_t i;

    for (i = 0; cli_command_at(i, &c); i++) {
        if (!same_platform(c.platform, platform))
            continue;
        if (full_names)
            cli_cmd_name(&c, name, sizeof(name));
        else
            snprintf(name, sizeof(name), "%s", c.name);
        summary_row(f, name, c.help);
    }
}

static int platform_has_rows(const char *platform)
{
    struct cli_cmd c;
    size_t i;

    for (i = 0; cli_command_at(i, &c); i++)
        if (same_platform(c.platform, platform))
            return 1;
    return 0;
}

void cli_help_main(FILE *f)
{
    size_t i;

    fprintf(f,
            "vigie %s: finds traces of mercenary spyware in phone acquisitions\n\n"
            "usage: vigie [OPTIONS] [PLATFORM] COMMAND [ARGS]\n"
            "       vigie help [PLATFORM] [COMMAND]\n",
            VG_VERSION);
    for (i = 0; i < N_OF(platforms); i++) {
        if (!platform_has_rows(platforms[i].name))
            continue;
        fprintf(f, "\n%s commands (vigie help %s):\n", platforms[i].name, platforms[i].name);
        platform_rows(f, platforms[i].name, 1);
    }
    fprintf(f, "\nother commands:\n");
    platform_rows(f, NULL, 1);
    fprintf(f, "\noptions (before the command, or after it):\n");
    opt_rows(f, lead_opts, N_OF(lead_opts), NULL);
    opt_rows(f, global_opts, N_OF(global_opts), NULL);
    fprintf(f, "\nEach command's options: vigie help COMMAND, or vigie COMMAND --help. Manual: man "
               "vigie.\n"
               "Exit status: 0 no detections, 1 detections, 2 error (or an incomplete check).\n");
}

int cli_help_platform(FILE *f, const char *platform)
{
    size_t i;

    if (!is_platform(platform))
        return 0;
    fprintf(f, "usage: vigie %s COMMAND [OPTIONS] [ARGS]\n\n%s commands:\n", platform, platform);
    if (platform_has_rows(platform))
        platform_rows(f, platform, 0);
    else
        fprintf(f, "  none in this version of vigie\n");
    fprintf(f, "\nalso here, as in MVT:");
    for (i = 0; i < N_OF(every_platform); i++)
        fprintf(f, " %s", every_platform[i]);
    fprintf(f,
            " (vigie help COMMAND)\n"
            "Each command's options: vigie help %s COMMAND, or vigie %s COMMAND --help.\n",
            platform, platform);
    return 1;
}

void cli_help_cmd(FILE *f, const struct cli_cmd *cmd)
{
    char name[128];

    cli_cmd_name(cmd, name, sizeof(name));
    fprintf(f, "usage: vigie %s [OPTIONS]%s%s\n\n%s%s", name, *cmd->args ? " " : "", cmd->args,
            cmd->help, cmd->help[strlen(cmd->help) - 1] == '\n' ? "" : "\n");
    fprintf(f, "\noptions:\n");
    opt_rows(f, cmd->opts, cmd->n_opts, cmd);
    opt_rows(f, global_opts, N_OF(global_opts), cmd);
}

int cli_cmd_help(const struct cli_cmd *self, int argc, char **argv)
{
    struct cli_parser p;
    struct cli_cmd c;
    int o, n;

    cli_parser_init(&p, self);
    while ((o = cli_next_opt(&p, argc, argv)) != CLI_END)
        return o == CLI_HELP ? 0 : 2;
    argc -= optind;
    argv += optind;
    if (argc == 0) {
        cli_help_main(stdout);
        return 0;
    }
    if (argc == 1 && cli_help_platform(stdout, argv[0]))
        return 0;
    n = is_platform(argv[0]) ? 2 : 1;
    if (argc > n) {
        cli_usage_error(NULL, "unexpected argument: %s", argv[n]);
        return 2;
    }
    if (argc != n || !lookup(n == 2 ? argv[0] : NULL, argv[n - 1], &c)) {
        if (n == 2)
            cli_error("unknown %s command: %s (see vigie help %s)", argv[0], argv[1], argv[0]);
        else
            cli_usage_error(NULL, "unknown command: %s", argv[0]);
        return 2;
    }
    cli_help_cmd(stdout, &c);
    return 0;
}

/* ---- completion ---- */

/* Candidates are printed whole; the shells filter them by what is typed
 * (zsh and fish with their own matching rules). Modelled on git's
 * `git --list-cmds` and `--git-completion-helper`, which its bash
 * completion calls for the same reason: the binary knows its commands. */

static void cand(const char *word, const char *help)
{
    char s[512];

    if (!help) {
        printf("%s\n", word);
        return;
    }
    first_sentence(help, s, sizeof(s));
    printf("%s\t%s\n", word, s);
}

static void cand_commands(const char *platform)
{
    struct cli_cmd c;
    size_t i;

    for (i = 0; cli_command_at(i, &c); i++)
        if (same_platform(c.platform, platform))
            cand(c.name, c.help);
    for (i = 0; platform && i < N_OF(every_platform); i++)
        if (lookup(NULL, every_platform[i], &c))
            cand(c.name, c.help);
}

static void cand_first_words(void)
{
    size_t i;

    for (i = 0; i < N_OF(platforms); i++)
        cand(platforms[i].name, platforms[i].help);
    cand_commands(NULL);
}

static void cand_opts(const struct cli_opt *rows, size_t count, const struct cli_cmd *cmd)
{
    char w[128];
    size_t i;

    for (i = 0; i < count; i++)
        if (opt_applies(cmd, &rows[i])) {
            snprintf(w, sizeof(w), "--%s", rows[i].name);
            cand(w, rows[i].help);
        }
}

static void cand_arg(enum cli_arg what, const struct cli_cmd *cmd)
{
    const char *names[256], *desc[256];
    size_t n, i;

    switch (what) {
    case CLI_ARG_FILE:
        printf(":file\n");
        break;
    case CLI_ARG_DIR:
        printf(":dir\n");
        break;
    case CLI_ARG_MODULE:
        if (!cmd || cmd->kind < 0)
            break;
        n = vg_module_list((enum vg_kind)cmd->kind, names, NULL, desc, 256);
        for (i = 0; i < n && i < 256; i++)
            cand(names[i], desc[i]);
        break;
    case CLI_ARG_COMMAND:
        cand_first_words();
        break;
    default:
        break;
    }
}

/* The row of a typed option word, among rows (applicable ones). For a
 * short cluster, the row of its last letter when that letter takes the
 * next word as its value; NULL otherwise. */
static const struct cli_opt *opt_of_word(const struct cli_opt *rows, size_t count,
                                         const struct cli_cmd *cmd, const char *w)
{
    size_t i;

    if (strncmp(w, "--", 2) == 0) {
        for (i = 0; i < count; i++)
            if (opt_applies(cmd, &rows[i]) && strcmp(rows[i].name, w + 2) == 0)
                return &rows[i];
        return NULL;
    }
    for (w++; *w; w++)
        for (i = 0; i < count; i++)
            if (rows[i].key == (unsigned char)*w && opt_applies(cmd, &rows[i]) && rows[i].arg)
                return w[1] ? NULL : &rows[i]; /* "-ofoo": the value is in the word */
    return NULL;
}

/* The option whose value word i is, given the word before it. */
static const struct cli_opt *value_of(const struct cli_cmd *cmd, const char *prev)
{
    const struct cli_opt *o;

    if (prev[0] != '-' || !prev[1] || strcmp(prev, "--") == 0 || strchr(prev, '='))
        return NULL;
    o = opt_of_word(global_opts, N_OF(global_opts), cmd, prev);
    if (!o)
        o = cmd ? opt_of_word(cmd->opts, cmd->n_opts, cmd, prev)
                : opt_of_word(lead_opts, N_OF(lead_opts), NULL, prev);
    return o && o->arg ? o : NULL;
}

/* After the command: options, their values, then its arguments. */
static void complete_args(const struct cli_cmd *cmd, int argc, char **argv)
{
    const char *cur = argv[argc - 1];
    const struct cli_opt *o;
    int i, dashdash = 0, npos = 0;
    char *pos[2] = {NULL, NULL};

    for (i = 0; i < argc - 1; i++) {
        if (dashdash || argv[i][0] != '-' || !argv[i][1]) {
            if (npos < 2)
                pos[npos] = argv[i];
            npos++;
        } else if (strcmp(argv[i], "--") == 0) {
            dashdash = 1;
        } else if (value_of(cmd, argv[i])) {
            i++; /* its value */
        }
    }
    o = argc >= 2 && !dashdash ? value_of(cmd, argv[argc - 2]) : NULL;
    if (o) {
        cand_arg(o->complete, cmd);
    } else if (cur[0] == '-' && !dashdash) {
        cand_opts(cmd->opts, cmd->n_opts, cmd);
        cand_opts(global_opts, N_OF(global_opts), cmd);
    } else if (cmd->complete == CLI_ARG_COMMAND) {
        /* vigie help [PLATFORM] [COMMAND] */
        if (npos == 0)
            cand_first_words();
        else if (npos == 1 && is_platform(pos[0]))
            cand_commands(pos[0]);
    } else {
        cand_arg(cmd->complete, cmd);
    }
}

void cli_complete(int argc, char **argv)
{
    struct cli_cmd cmd;
    int i = 0;

    if (argc > 0 && strcmp(argv[0], "--") == 0) {
        argc--;
        argv++;
    }
    if (argc == 0)
        return;
    /* the global options before the command */
    while (i < argc - 1 && argv[i][0] == '-') {
        if (value_of(NULL, argv[i]) && ++i == argc - 1) {
            cand_arg(CLI_ARG_FILE, NULL);
            return;
        }
        i++;
    }
    if (i == argc - 1) {
        if (argv[i][0] == '-') {
            cand_opts(lead_opts, N_OF(lead_opts), NULL);
            cand_opts(global_opts, N_OF(global_opts), NULL);
        } else {
            cand_first_words();
        }
        return;
    }
    if (is_platform(argv[i])) {
        if (++i == argc - 1) {
            cand_commands(argv[i - 1]);
            return;
        }
        if (!lookup(argv[i - 1], argv[i], &cmd))
            return;
    } else if (!lookup(NULL, argv[i], &cmd)) {
        return;
    }
    complete_args(&cmd, argc - i - 1, argv + i + 1);
}

/* ---- command.log ---- */

static int is_secret_key(const struct cli_cmd *cmd, int c)
{
    size_t i;

    for (i = 0; i < cmd->n_opts; i++)
        if (cmd->opts[i].key == c && cmd->opts[i].complete == CLI_ARG_SECRET)
            return 1;
    return 0;
}

static int takes_value(const struct cli_cmd *cmd, int c)
{
    size_t i;

    for (i = 0; i < cmd->n_opts; i++)
        if (cmd->opts[i].key == c && cmd->opts[i].arg)
            return 1;
    return 0;
}

/* A long option word (with getopt's abbreviations, with or without
 * "=VALUE") of a secret: 1 when its value is secret. */
static int is_secret_long(const struct cli_cmd *cmd, const char *w)
{
    const struct cli_opt *o = NULL;
    size_t len = strcspn(w + 2, "=");

    return len > 0 && long_matches(cmd->opts, cmd->n_opts, w + 2, len, &o) == 1 &&
           o->complete == CLI_ARG_SECRET;
}

/* Appends word, or its redacted form; *next: the next word is a secret. */
static void put_word(char **p, const char *end, const struct cli_cmd *cmd, const char *w, int *next)
{
    size_t i, keep = strlen(w);
    int secret = 0;

    *next = 0;
    if (strncmp(w, "--", 2) == 0 && w[2] && is_secret_long(cmd, w)) {
        keep = strcspn(w, "=");
        secret = w[keep] == '=';
        keep += (size_t)secret; /* "--password=" */
        *next = !secret;
    } else if (w[0] == '-' && w[1] && w[1] != '-') {
        for (i = 1; w[i]; i++) {
            if (!takes_value(cmd, (unsigned char)w[i]))
                continue;
            if (is_secret_key(cmd, (unsigned char)w[i])) {
                keep = i + 1;
                secret = w[i + 1] != '\0';
                *next = !secret;
            }
            break;
        }
    }
    *p += snprintf(*p, (size_t)(end - *p), "%.*s%s", (int)keep, w, secret ? "***" : "");
}

char *cli_command_line(const struct cli_cmd *cmd, int argc, char **argv)
{
    size_t n = 1, i;
    char *s, *p;
    int next = 0, dashdash = 0;

    for (i = 0; i < (size_t)argc; i++)
        n += strlen(argv[i]) + 4;
    s = malloc(n);
    if (!s)
        return NULL;
    p = s;
    *p = '\0';
    for (i = 0; i < (size_t)argc; i++) {
        if (i > 0)
            p += snprintf(p, n - (size_t)(p - s), " ");
        if (next) {
            p += snprintf(p, n - (size_t)(p - s), "***");
            next = 0;
        } else if (dashdash || i == 0) {
            p += snprintf(p, n - (size_t)(p - s), "%s", argv[i]);
        } else {
            dashdash = strcmp(argv[i], "--") == 0;
            put_word(&p, s + n, cmd, argv[i], &next);
        }
    }
    return s;
}
