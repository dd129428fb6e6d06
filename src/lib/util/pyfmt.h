/*
 * Numbers as Python prints them, so text vigie writes (result files, timeline
 * descriptions, alert messages) matches MVT's byte for byte.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_UTIL_PYFMT_H
#define VG_UTIL_PYFMT_H

/* A double as Python's repr(float) (shortest round trip): "1.0", "0.1",
 * "1e+16", "1e-05", "-0.0", "inf", "nan", whatever the locale. buf holds
 * VG_PY_REAL_BUF bytes. */
#define VG_PY_REAL_BUF 32
void vg_py_repr_real(double x, char *buf);

#endif
