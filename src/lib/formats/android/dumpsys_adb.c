/*
 * The adb service's state: trusted host keys (MVT's DumpsysADBArtifact:
 * parse, indented_dump_parser, parse_xml, calculate_key_info; grammar in
 * docs/formats/dumpsys.md).
 *
 * The dump is DualDumpOutputStream's indented "key=value" text, read as
 * bytes. Values stay bytes until the record is complete (the keystore may
 * be XML to parse, or Android's binary XML), then become JSON strings the
 * way MVT's JSON encoder writes bytes: UTF-8, each invalid byte as "\xNN".
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "util/vg.h"

#include <expat.h>
#include <openssl/evp.h>

#include "formats/android/dumpsys_int.h"
#include "util/utf8.h"

#define WHAT "adb"

/* ---- bytes as MVT's JSON writes them ---- */

/* bytes.decode("utf-8", errors="backslashreplace") */
static int backslash(struct vg_buf *b, const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0, j;
    uint32_t cp;
    int rc;

    while (i < n) {
        size_t k = vg_utf8_next(u + i, n - i, &cp);
        if (cp != VG_UTF8_BAD) {
            rc = vg_buf_append(b, u + i, k);
        } else {
            for (j = 0, rc = VG_OK; j < k && rc == VG_OK; j++)
                rc = vg_buf_printf(b, "\\x%02x", u[i + j]);
        }
        if (rc != VG_OK)
            return rc;
        i += k;
    }
    return VG_OK;
}

/* Every string in v made valid: bytes kept raw while parsing are
 * rewritten in place. */
static int fix_strings(json_t *v)
{
    struct vg_buf b;
    const char *key;
    json_t *item;
    size_t i;
    int rc = VG_OK;

    if (json_is_object(v)) {
        json_object_foreach(v, key, item)
        {
            if ((rc = fix_strings(item)) != VG_OK)
                return rc;
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, item)
        {
            if ((rc = fix_strings(item)) != VG_OK)
                return rc;
        }
    } else if (json_is_string(v) && !vg_utf8_valid(json_string_value(v), json_string_length(v))) {
        vg_buf_init(&b, 4 * json_string_length(v) + 1);
        rc = backslash(&b, json_string_value(v), json_string_length(v));
        if (rc == VG_OK && json_string_setn(v, b.data ? b.data : "", b.len) != 0)
            rc = VG_E_NOMEM;
        vg_buf_free(&b);
    }
    return rc;
}

static json_t *raw_str(struct vg_str s)
{
    return json_stringn_nocheck(s.n ? s.p : "", s.n);
}

/* ---- indented_dump_parser ---- */

struct tree {
    struct vg_dumpsys_sink *sink;
    size_t lineno; /* of the section, for messages: the line of the state's '{' */
    json_t *stack[VG_MAX_DUMPSYS_ADB_DEPTH];
    size_t depth;
    size_t indent;
    int multiline;
    size_t values;
};

/* str.isidentifier() for ASCII: a letter or '_' then letters, digits, '_'.
 * (Python also takes non-ASCII letters; such keys are not in this dump.) */
static int is_identifier(struct vg_str s)
{
    size_t i;

    if (s.n == 0)
        return 0;
    for (i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        int alpha = c == '_' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
        if (!alpha && (i == 0 || c < '0' || c > '9'))
            return 0;
    }
    return 1;
}

static int is_multiline_key(struct vg_str key)
{
    return vg_str_eq(key, "user_keys") || vg_str_eq(key, "keystore");
}

static json_t *top(struct tree *t)
{
    return t->stack[t->depth - 1];
}

static int push(struct tree *t, json_t *v)
{
    if (t->depth >= VG_MAX_DUMPSYS_ADB_DEPTH) {
        vg_dumpsys_warn(t->sink, WHAT, t->lineno, "state nested deeper than %u levels",
                        VG_MAX_DUMPSYS_ADB_DEPTH);
        return VG_E_LIMIT;
    }
    t->stack[t->depth++] = v;
    return VG_OK;
}

/* current_dict[key] = value (value stolen). */
static int set(struct tree *t, struct vg_str key, json_t *value)
{
    if (!value)
        return VG_E_NOMEM;
    if (++t->values > VG_MAX_DUMPSYS_ITEMS) {
        json_decref(value);
        vg_dumpsys_warn(t->sink, WHAT, t->lineno, "more than %u values in the state",
                        VG_MAX_DUMPSYS_ITEMS);
        return VG_E_LIMIT;
    }
    return json_object_setn_new(top(t), key.n ? key.p : "", key.n, value) == 0 ? VG_OK : VG_E_NOMEM;
}

/* A line inside a multi-line value (user_keys, keystore): 1 when used. */
static int multiline_line(struct tree *t, struct vg_str key, int has_eq, struct vg_str line,
                          int *rc)
{
    *rc = VG_OK;
    if (key.n == 0) { /* an empty line ends the value */
        t->multiline = 0;
        if (json_is_array(top(t)))
            t->depth--;
        return 1;
    }
    if (!(vg_str_eq(key, "}") || (has_eq && is_identifier(key)))) {
        if (!json_is_array(top(t))) /* MVT: AttributeError (dict.append) */
            vg_dumpsys_warn(t->sink, WHAT, t->lineno, "value line outside its value");
        else if (++t->values > VG_MAX_DUMPSYS_ITEMS)
            *rc = VG_E_LIMIT;
        else if (json_array_append_new(top(t), raw_str(vg_str_bytes_lstrip(line))) != 0)
            *rc = VG_E_NOMEM;
        return 1;
    }
    t->multiline = 0;
    if (json_is_array(top(t)))
        t->depth--;
    return 0;
}

/* One line; VG_OK to go on, 1 to stop (MVT would raise on every line
 * after the state's last '}'). */
static int tree_line(struct tree *t, struct vg_str line)
{
    struct vg_str ls = vg_str_bytes_lstrip(line), val = ls, key = ls;
    size_t indent = line.n - ls.n;
    int has_eq = vg_str_until(&val, '=', &key), rc;
    if (indent < t->indent && t->depth > 0)
        t->depth--;
    t->indent = indent;
    if (t->depth == 0) {
        vg_dumpsys_warn(t->sink, WHAT, t->lineno, "text after the state's last '}'");
        return 1;
    }
    if (!vg_utf8_valid(key.p, key.n)) { /* MVT: UnicodeDecodeError */
        vg_dumpsys_warn(t->sink, WHAT, t->lineno, "key that is not UTF-8");
        return VG_OK;
    }
    if (t->multiline && multiline_line(t, key, has_eq, line, &rc))
        return rc;
    if (vg_str_eq(key, "}")) {
        t->depth--;
        return VG_OK;
    }
    if (!has_eq || !json_is_object(top(t))) { /* MVT: IndexError on vals[1] */
        vg_dumpsys_warn(t->sink, WHAT, t->lineno, "state line without '='");
        return VG_OK;
    }
    if (vg_str_eq(val, "{")) {
        json_t *o = json_object();
        if ((rc = set(t, key, json_incref(o))) != VG_OK) {
            json_decref(o);
            return rc;
        }
        rc = push(t, o);
        json_decref(o); /* the parent holds it */
        return rc;
    }
    if (is_multiline_key(key)) {
        json_t *a = json_array();
        if (a && json_array_append_new(a, raw_str(val)) != 0) {
            json_decref(a);
            return VG_E_NOMEM;
        }
        if ((rc = set(t, key, json_incref(a))) != VG_OK) {
            json_decref(a);
            return rc;
        }
        t->multiline = 1;
        rc = push(t, a);
        json_decref(a);
        return rc;
    }
    return set(t, key, raw_str(val));
}

/* Lines of s before its byte `at`, for messages. */
static size_t lines_before(struct vg_str s, size_t at)
{
    struct vg_str head = vg_str_sub(s, 0, at), skip;
    size_t n = 0;

    while (vg_str_until(&head, '\n', &skip))
        n++;
    return n;
}

/* data: the state between "\n{" and the last "}\n" of content. */
static int parse_tree(struct tree *t, struct vg_str content, struct vg_str data, json_t *root)
{
    struct vg_str line;
    size_t first;
    int rc = VG_OK, more = 1;

    t->stack[0] = root;
    t->depth = 1;
    data = vg_str_strip_char(data, '\n');
    first = t->lineno + 1 + lines_before(content, (size_t)(data.p - content.p));
    while (more && rc == VG_OK) { /* data.split(b"\n"): "" is one empty line */
        if (!vg_str_until(&data, '\n', &line)) {
            line = data;
            more = 0;
        }
        t->lineno = first++;
        rc = tree_line(t, line);
    }
    return rc == 1 ? VG_OK : rc;
}

/* ---- keys ---- */

/* base64.b64decode(s) without validate (binascii.a2b_base64, strict_mode
 * off, CPython 3.11+): characters outside the alphabet are skipped, a
 * '=' after two or three data characters of a quad ends the input, and
 * a quad left with one data character (or two or three without the
 * padding) is an error. */
static int b64decode(struct vg_str s, struct vg_buf *out)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned quad = 0, pads = 0, left = 0;
    size_t i;
    int rc;

    for (i = 0; i < s.n; i++) {
        char c = s.p[i];
        const char *at = c ? strchr(alphabet, c) : NULL;
        unsigned v;
        unsigned char byte = 0;
        int emit = 1;

        if (c == '=') {
            if (quad >= 2 && quad + ++pads >= 4)
                return VG_OK;
            continue;
        }
        if (!at)
            continue;
        v = (unsigned)(at - alphabet);
        pads = 0;
        switch (quad) {
        case 0:
            left = v;
            emit = 0;
            break;
        case 1:
            byte = (unsigned char)(left << 2 | v >> 4);
            left = v & 0x0f;
            break;
        case 2:
            byte = (unsigned char)(left << 4 | v >> 2);
            left = v & 0x03;
            break;
        default:
            byte = (unsigned char)(left << 6 | v);
            break;
        }
        quad = (quad + 1) & 3;
        if (emit && (rc = vg_buf_append(out, &byte, 1)) != VG_OK)
            return rc;
    }
    return quad == 0 ? VG_OK : VG_E_CORRUPT;
}

/* MD5 of the key as "F0:A1:...", into fp; "" when the base64 does not
 * decode (MVT catches binascii.Error). */
static int fingerprint(struct vg_str b64, struct vg_buf *fp)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0, i;
    struct vg_buf raw;
    int rc;

    vg_buf_reset(fp);
    vg_buf_init(&raw, b64.n + 1);
    rc = b64decode(b64, &raw);
    if (rc == VG_E_CORRUPT) {
        rc = vg_buf_append(fp, "", 0);
        goto out;
    }
    if (rc != VG_OK)
        goto out;
    if (!EVP_Digest(raw.data ? raw.data : "", raw.len, md, &mdlen, EVP_md5(), NULL)) {
        rc = VG_E_CRYPTO;
        goto out;
    }
    for (i = 0; i < mdlen && rc == VG_OK; i++)
        rc = vg_buf_printf(fp, i ? ":%02X" : "%02X", md[i]);
out:
    vg_buf_free(&raw);
    return rc;
}

/* calculate_key_info: {user, fingerprint, key} from "<base64> <user>". */
static json_t *key_info(struct tree *t, struct vg_str user_key)
{
    struct vg_str rest = user_key, key = user_key, user = {"", 0};
    struct vg_buf fp;
    json_t *o = NULL;

    if (vg_str_until(&rest, ' ', &key))
        user = rest;
    vg_buf_init(&fp, 3 * EVP_MAX_MD_SIZE + 1);
    if (fingerprint(key, &fp) != VG_OK)
        goto out;
    if (!vg_utf8_valid(user.p, user.n)) /* MVT: UnicodeDecodeError */
        vg_dumpsys_warn(t->sink, WHAT, t->lineno, "key user that is not UTF-8");
    o = json_object();
    if (!o || json_object_set_new(o, "user", raw_str(user)) != 0 ||
        json_object_set_new(o, "fingerprint", json_stringn(fp.data ? fp.data : "", fp.len)) != 0 ||
        json_object_set_new(o, "key", raw_str(key)) != 0) {
        json_decref(o);
        o = NULL;
    }
out:
    vg_buf_free(&fp);
    return o;
}

/* ---- the XML keystore (parse_xml: ElementTree, i.e. expat) ---- */

struct xml {
    struct tree *t;
    json_t *keys;
    int depth;
    int err; /* VG_E_* from a callback */
};

static const char *attr(const XML_Char **atts, const char *name)
{
    size_t i;

    for (i = 0; atts[i]; i += 2)
        if (strcmp(atts[i], name) == 0)
            return atts[i + 1];
    return NULL;
}

/* Each <adbKey key=".." lastConnection=".."/> child of the root:
 * ElementTree's findall("adbKey"), namespaced names excluded. */
static void XMLCALL xml_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct xml *x = ud;
    const char *key, *last;
    json_t *info;

    if (++x->depth != 2 || x->err || strcmp(name, "adbKey") != 0)
        return;
    if (!(key = attr(atts, "key"))) { /* MVT: AttributeError on None.encode */
        vg_dumpsys_warn(x->t->sink, WHAT, x->t->lineno, "keystore adbKey without a key");
        return;
    }
    last = attr(atts, "lastConnection");
    info = key_info(x->t, vg_str_of(key));
    if (!info ||
        json_object_set_new(info, "last_connected", last ? json_string(last) : json_null()) ||
        json_array_append_new(x->keys, info) != 0) {
        x->err = VG_E_NOMEM;
        return;
    }
    if (json_array_size(x->keys) > VG_MAX_DUMPSYS_ITEMS)
        x->err = VG_E_LIMIT;
}

static void XMLCALL xml_end(void *ud, const XML_Char *name)
{
    struct xml *x = ud;
    (void)name;
    x->depth--;
}

static int parse_xml(struct tree *t, struct vg_str data, json_t **out)
{
    struct xml x = {t, json_array(), 0, VG_OK};
    XML_Parser p = XML_ParserCreateNS(NULL, '}');
    int rc = VG_E_NOMEM;

    if (!p || !x.keys)
        goto out;
    XML_SetUserData(p, &x);
    XML_SetElementHandler(p, xml_start, xml_end);
    if (XML_Parse(p, data.p, (int)data.n, 1) != XML_STATUS_OK) {
        rc = x.err ? x.err : VG_E_CORRUPT;
        if (!x.err)
            vg_dumpsys_warn(t->sink, WHAT, t->lineno, "keystore XML: %s at its line %lu",
                            XML_ErrorString(XML_GetErrorCode(p)),
                            (unsigned long)XML_GetCurrentLineNumber(p));
        goto out;
    }
    if ((rc = x.err) != VG_OK)
        goto out;
    *out = x.keys;
    x.keys = NULL;
out:
    if (p)
        XML_ParserFree(p);
    json_decref(x.keys);
    return rc;
}

/* ---- the record ---- */

/* b"\n".join(list): 0 when value is no list (MVT: TypeError on a dict
 * with keys; an empty dict is falsy and counts as absent). */
static int join(json_t *value, struct vg_buf *b, int *present)
{
    json_t *item;
    size_t i;
    int rc;

    *present = 0;
    if (json_is_object(value))
        return json_object_size(value) == 0;
    if (!json_is_array(value) || json_array_size(value) == 0)
        return 1;
    *present = 1;
    json_array_foreach(value, i, item)
    {
        if ((i && (rc = vg_buf_append_char(b, '\n')) != VG_OK) ||
            (rc = vg_buf_append(b, json_string_value(item), json_string_length(item))) != VG_OK)
            return rc == VG_E_NOMEM ? -1 : 0;
    }
    return 1;
}

/* debugging_manager["keystore"]: the top-level keystore if any, else its
 * own; parsed when it is XML, else the bytes, or null. */
static int keystore(struct tree *t, json_t *root, json_t *dm)
{
    struct vg_buf b;
    json_t *value = NULL;
    int present = 0, ok, rc = VG_OK;

    vg_buf_init(&b, VG_MAX_DUMPSYS_ADB);
    ok = join(json_object_get(root, "keystore"), &b, &present);
    if (ok > 0 && !present)
        ok = join(json_object_get(dm, "keystore"), &b, &present);
    if (ok <= 0) {
        rc = ok < 0 ? VG_E_NOMEM : VG_E_CORRUPT;
        if (ok == 0)
            vg_dumpsys_warn(t->sink, WHAT, t->lineno, "keystore is not a list of lines");
        goto out;
    }
    if (!present)
        value = json_null();
    else if (vg_str_starts((struct vg_str){b.data, b.len}, "<?xml"))
        rc = parse_xml(t, (struct vg_str){b.data, b.len}, &value);
    else
        value = json_stringn_nocheck(b.data, b.len);
    if (rc == VG_OK)
        rc = json_object_set_new(dm, "keystore", value) == 0 ? VG_OK : VG_E_NOMEM;
out:
    vg_buf_free(&b);
    return rc;
}

/* debugging_manager["user_keys"]: each line's key info. */
static int user_keys(struct tree *t, json_t *dm)
{
    json_t *keys = json_object_get(dm, "user_keys"), *list = json_array(), *item;
    size_t i;

    if (!list)
        return VG_E_NOMEM;
    if (json_is_object(keys) && json_object_size(keys) > 0) { /* MVT: TypeError */
        vg_dumpsys_warn(t->sink, WHAT, t->lineno, "user_keys is not a list of lines");
        json_decref(list);
        return VG_E_CORRUPT;
    }
    if (json_is_array(keys)) {
        json_array_foreach(keys, i, item)
        {
            json_t *info =
                key_info(t, (struct vg_str){json_string_value(item), json_string_length(item)});
            if (!info || json_array_append_new(list, info) != 0) {
                json_decref(list);
                return VG_E_NOMEM;
            }
        }
    }
    return json_object_set_new(dm, "user_keys", list) == 0 ? VG_OK : VG_E_NOMEM;
}

/* MVT's own messages for a section without the state. */
static int no_state(struct vg_dumpsys_sink *sink, size_t lineno, int rc, const char *msg)
{
    vg_dumpsys_warn(sink, WHAT, lineno, "%s", msg);
    return rc;
}

/* content.rfind(b"}\n") */
static long rfind_close(struct vg_str s)
{
    long last = -1, k;
    size_t at = 0;

    while ((k = vg_str_find_str(vg_str_sub(s, at, s.n), "}\n")) >= 0) {
        last = (long)at + k;
        at = (size_t)last + 1;
    }
    return last;
}

static int state(struct tree *t, struct vg_str content, json_t **out)
{
    long start = vg_str_find_str(content, "\n{"), end;
    json_t *root = NULL, *dm;
    int rc;

    if (content.n == 0 || vg_str_find_str(content, "Can't find service: adb") >= 0)
        return no_state(t->sink, t->lineno, VG_E_NOTFOUND,
                        "Could not load ADB data from dumpsys. It may not be supported on this "
                        "device.");
    if (start < 0)
        return no_state(t->sink, t->lineno, VG_E_CORRUPT,
                        "Unable to find ADB manager state in dumpsys output");
    end = rfind_close(content);
    if (end < 0 || end <= start)
        return no_state(t->sink, t->lineno, VG_E_CORRUPT,
                        "Unable to find complete ADB manager state in dumpsys output");
    if (!(root = json_object()))
        return VG_E_NOMEM;
    rc = parse_tree(t, content,
                    vg_str_bytes_rstrip(vg_str_sub(content, (size_t)start + 2, (size_t)end - 2)),
                    root);
    if (rc != VG_OK)
        goto out;
    dm = json_object_get(root, "debugging_manager");
    if (!json_is_object(dm)) {
        rc = no_state(t->sink, t->lineno, VG_E_CORRUPT,
                      "Unable to find expected ADB entries in dumpsys output");
        goto out;
    }
    if ((rc = keystore(t, root, dm)) != VG_OK || (rc = user_keys(t, dm)) != VG_OK ||
        (rc = fix_strings(dm)) != VG_OK)
        goto out;
    *out = json_incref(dm);
out:
    json_decref(root);
    return rc;
}

/* The section as MVT hands it over: its lines joined with "\n" (a whole
 * file is taken as it is). */
static int content(const struct vg_dumpsys_section *sec, struct vg_buf *b, struct vg_str *out)
{
    struct vg_dumpsys_lines r;
    struct vg_str line;
    int rc, first = 1;

    if (sec->line == 0) {
        *out = sec->body;
        return sec->body.n > VG_MAX_DUMPSYS_ADB ? VG_E_LIMIT : VG_OK;
    }
    vg_dumpsys_lines_init(&r, sec);
    while ((rc = vg_dumpsys_lines_next(&r, &line)) == 1) {
        if ((!first && (rc = vg_buf_append_char(b, '\n')) != VG_OK) ||
            (rc = vg_buf_append(b, line.p, line.n)) != VG_OK)
            break;
        first = 0;
    }
    vg_dumpsys_lines_free(&r);
    out->p = b->data ? b->data : "";
    out->n = b->len;
    return rc < 0 ? rc : VG_OK;
}

int vg_dumpsys_adb(const struct vg_dumpsys_section *sec, struct vg_dumpsys_sink *sink)
{
    struct tree t;
    struct vg_buf b;
    struct vg_str text;
    json_t *rec = NULL;
    int rc;

    memset(&t, 0, sizeof(t));
    t.sink = sink;
    t.lineno = sec->line;
    vg_buf_init(&b, VG_MAX_DUMPSYS_ADB);
    if ((rc = content(sec, &b, &text)) == VG_E_LIMIT)
        vg_dumpsys_warn(sink, WHAT, sec->line, "section larger than %u bytes", VG_MAX_DUMPSYS_ADB);
    if (rc == VG_OK && (rc = state(&t, text, &rec)) == VG_OK)
        rc = vg_dumpsys_emit(sink, rec);
    vg_buf_free(&b);
    return rc;
}
