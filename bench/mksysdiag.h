/*
 * mkcorpus sysdiagnose: a sysdiagnose archive of realistic size (see
 * mksysdiag.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_BENCH_MKSYSDIAG_H
#define VG_BENCH_MKSYSDIAG_H

int cmd_sysdiagnose(int argc, char **argv);

#endif
