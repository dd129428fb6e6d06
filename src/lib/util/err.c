/* SPDX-License-Identifier: Apache-2.0 */
#include "util/vg.h"

const char *vg_strerror(int err)
{
    switch (err) {
    case VG_OK:
        return "success";
    case VG_E_NOMEM:
        return "out of memory";
    case VG_E_IO:
        return "input/output error";
    case VG_E_TRUNCATED:
        return "truncated data";
    case VG_E_CORRUPT:
        return "corrupt data";
    case VG_E_LIMIT:
        return "size or depth limit exceeded";
    case VG_E_CRYPTO:
        return "cryptographic failure";
    case VG_E_UNSUPPORTED:
        return "unsupported format";
    case VG_E_INVAL:
        return "invalid argument";
    case VG_E_NOTFOUND:
        return "not found";
    case VG_E_PASSWORD:
        return "wrong backup password";
    case VG_E_INTERRUPTED:
        return "interrupted";
    case VG_E_EXISTS:
        return "already exists";
    case VG_E_NOTFILE:
        return "not a regular file (a link, folder, FIFO or device)";
    default:
        return "unknown error";
    }
}

static const char *const level_names[VG_LEVEL_COUNT] = {"INFO", "LOW", "MEDIUM", "HIGH",
                                                        "CRITICAL"};
static const char *const level_json[VG_LEVEL_COUNT] = {"INFORMATIONAL", "LOW", "MEDIUM", "HIGH",
                                                       "CRITICAL"};

const char *vg_level_name(enum vg_level level)
{
    return (unsigned)level < VG_LEVEL_COUNT ? level_names[level] : "?";
}

const char *vg_level_json_name(enum vg_level level)
{
    return (unsigned)level < VG_LEVEL_COUNT ? level_json[level] : "?";
}

int vg_level_parse(const char *s, enum vg_level *out)
{
    unsigned i;
    if (!s)
        return VG_E_INVAL;
    for (i = 0; i < VG_LEVEL_COUNT; i++) {
        if (strcmp(s, level_names[i]) == 0 || strcmp(s, level_json[i]) == 0) {
            *out = (enum vg_level)i;
            return VG_OK;
        }
    }
    return VG_E_INVAL;
}
