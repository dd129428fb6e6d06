/*
 * Every cap on untrusted input lives here, so a reviewer can see them at once
 * and a fuzzer finding can be answered by changing one number.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VG_UTIL_LIMITS_H
#define VG_UTIL_LIMITS_H

/* Indicators */
#define VG_MAX_STIX_FILE     (512u * 1024u * 1024u) /* one bundle file */
#define VG_MAX_IOC_VALUE     4096u                  /* one indicator value */
#define VG_MAX_PATTERN_TERMS 4096u                  /* comparisons OR-ed in one pattern */
#define VG_MAX_PATTERN_DEPTH 32u                    /* nested ( ) and [ ] in one pattern */
#define VG_MAX_IOCS          (64u * 1024u * 1024u)  /* indicator values in one index */
#define VG_MAX_IOC_DIR_DEPTH 16u                    /* folders below an indicators path */
#define VG_MAX_IOC_DIR_FILES 100000u                /* entries read from one folder */
#define VG_MAX_HOST          1024u                  /* longest host we match (DNS: 253) */

/* download-iocs (src/lib/tools/download_iocs.c) */
#define VG_MAX_IOC_INDEX         (1024u * 1024u)       /* indicators.yaml */
#define VG_MAX_IOC_INDEX_ENTRIES 1000u                 /* entries in it */
#define VG_MAX_IOC_DOWNLOAD      (64u * 1024u * 1024u) /* one STIX2 file downloaded */
#define VG_MAX_IOC_SOURCES       (4u * 1024u * 1024u)  /* the .sources.json record */
#define VG_IOC_CONNECT_TIMEOUT   15L                   /* seconds to connect (TCP and TLS) */
#define VG_IOC_TIMEOUT           120L                  /* seconds for one whole file */

/* Text scanning */
#define VG_MAX_URL            8192u                 /* longest URL or host we normalise */
#define VG_MAX_TEXT_SCAN      (16u * 1024u * 1024u) /* bytes of one text field scanned */
#define VG_MAX_TEXT_LINE      (1024u * 1024u)       /* one line of a text dump; longer is cut */
#define VG_MAX_DECIMAL_DIGITS 40u                   /* digits of one decimal number read */

/* Evidence folders (io/file.c) */
#define VG_MAX_DIR_ENTRIES  (4u * 1024u * 1024u)  /* names read from one folder */
#define VG_MAX_WALK_DEPTH   64u                   /* folders below the root walked */
#define VG_MAX_WALK_ENTRIES (64u * 1024u * 1024u) /* entries one walk visits */

/* Property lists and keyed archives */
#define VG_MAX_PLIST_FILE   (256u * 1024u * 1024u)
#define VG_MAX_PLIST_DEPTH  64u /* nesting of containers */
#define VG_MAX_NSKA_OBJECTS (4u * 1024u * 1024u)
#define VG_MAX_NSKA_DEPTH   64u /* UID chain while resolving */
/* nodes in one parsed plist once shared references are expanded (libplist
 * 2.2 spends ~170 bytes on each), and in one resolved keyed archive */
#define VG_MAX_PLIST_NODES (2u * 1024u * 1024u)
#define VG_MAX_NSKA_NODES  (1024u * 1024u)

/* SQLite evidence (sqlite3_limit values and the progress handler) */
#define VG_SQLITE_MAX_LENGTH         (32 * 1024 * 1024) /* one value or row */
#define VG_SQLITE_MAX_SQL_LENGTH     (1024 * 1024)
#define VG_SQLITE_MAX_COLUMN         4096
#define VG_SQLITE_MAX_EXPR_DEPTH     256
#define VG_SQLITE_MAX_COMPOUND       64
#define VG_SQLITE_MAX_VDBE_OP        250000000
#define VG_SQLITE_MAX_ATTACHED       0
#define VG_SQLITE_MAX_TRIGGER_DEPTH  10
#define VG_SQLITE_PROGRESS_OPS       100000                /* handler called every N VM ops */
#define VG_SQLITE_MAX_PROGRESS_CALLS 500000000ull          /* total ops / N before abort */
#define VG_SQLITE_MAX_SALVAGE        1000                  /* damaged regions skipped per query */
#define VG_SQLITE_MAX_STMT_MS        60000                 /* wall time one statement may run */
#define VG_SQLITE_HEAP_LIMIT         (192ll * 1024 * 1024) /* all of SQLite's heap together */
#define VG_MAX_WAL_FRAMES            (16u * 1024u * 1024u) /* frames read from one -wal */

/* SQLite deleted-row recovery (formats/sqlite_recover.c). A run reads each
 * page it needs three or four times, so the page cap bounds the time: 4 Mi
 * reads is 16 GiB of 4 KiB pages, more than any phone database. Carving
 * tries the schema at every byte of free space: honest pages cost a few
 * hundred serial-type checks, and the steps cap stops pages crafted to fit
 * the schema everywhere after a few seconds. */
#define VG_SQLR_MAX_PAGES      (4u * 1024u * 1024u)      /* page reads in one run */
#define VG_SQLR_MAX_CELLS      (16u * 1024u * 1024u)     /* candidate records decoded in one run */
#define VG_SQLR_MAX_STEPS      (4000ull * 1000u * 1000u) /* serial types checked in one run */
#define VG_SQLR_MAX_OVERFLOW   65536u                    /* pages in one overflow chain */
#define VG_SQLR_MAX_PAYLOAD    (16u * 1024u * 1024u)     /* one record (SQLite allows 1 GB) */
#define VG_SQLR_MAX_WAL_FRAMES (1024u * 1024u)           /* WAL frames (4 GiB of 4 KiB pages) */
#define VG_SQLR_MAX_LIVE_ROWS  (4u * 1024u * 1024u)      /* live rows hashed (32 bytes each) */
#define VG_SQLR_MAX_ROWS       (1024u * 1024u)           /* rows delivered by one run */
#define VG_SQLR_MAX_COLUMNS    2000u                     /* SQLite's default SQLITE_MAX_COLUMN */
#define VG_SQLR_MAX_NOTES      64u                       /* diagnostics per call; then counted */

/* Backups */
#define VG_MAX_MANIFEST_PLIST (64u * 1024u * 1024u)
#define VG_MAX_KEYBAG         (1024u * 1024u)
#define VG_MAX_PASSWORD       1024u                   /* bytes of a password typed at a prompt */
#define VG_MAX_IN_MEMORY_FILE (1024u * 1024u * 1024u) /* a decrypted file kept in memory */
#define VG_MAX_KEYBAG_CLASSES 32u                     /* class keys in one keybag (iOS: 11) */
#define VG_MAX_KDF_ITER       (100u * 1000u * 1000u)  /* PBKDF2 rounds (iOS uses 10,000,000) */
#define VG_DECRYPT_CHUNK      (1024u * 1024u)         /* bytes one decrypt-backup worker holds */

/* Android tombstones (debuggerd writes tens to hundreds of KiB; the caps
 * leave room for huge log buffers while bounding a hostile file). A .pb
 * unpacks into many small structs (an empty 2-byte sub-message costs one
 * struct of ~100 bytes), hence the separate budget for protobuf-c. */
#define VG_MAX_TOMBSTONE_TEXT   (32u * 1024u * 1024u)  /* one text tombstone */
#define VG_MAX_TOMBSTONE_PB     (32u * 1024u * 1024u)  /* one tombstone_NN.pb */
#define VG_MAX_TOMBSTONE_PB_MEM (256u * 1024u * 1024u) /* allocated unpacking one */
/* Android backups (adb backup .ab files, src/lib/formats/android/ab*.c). Android writes
 * 10,000 PBKDF2 rounds; one unlock runs two to four derivations, so the round cap keeps a
 * hostile header to seconds. A member past VG_MAX_AB_MEMBER is taken as a damaged header
 * (no phone holds more). What a decompression bomb can cost is time, and
 * VG_MAX_AB_TAR_BYTES bounds it. */
#define VG_MAX_AB_ROUNDS      1000000u
#define VG_MAX_AB_HEADER_LINE 1024u                 /* longest real line: 192 hex digits */
#define VG_MAX_AB_SALT        256u                  /* bytes of either salt (Android: 64) */
#define VG_AB_CHUNK           65536u                /* bytes each stage of the stream holds */
#define VG_MAX_AB_MEMBERS     (10u * 1000u * 1000u) /* tar members walked in one backup */
#define VG_MAX_AB_PATH        4096u                 /* one member name or link target */
#define VG_MAX_AB_MEMBER      (64ull << 30)         /* bytes of one member */
#define VG_MAX_AB_TAR_BYTES   (4ull << 40)          /* plaintext made from one backup */
#define VG_MAX_AB_RETRIES     1000u                 /* damaged tar headers skipped in one walk */
#define VG_MAX_SMS_BACKUP     (64u * 1024u * 1024u) /* one inflated telephony backup file */
/* Members of a .ab the source keeps for modules (sources/android_backup.c): in memory up to
 * these sizes, in the private temp folder past them (they are decrypted data). */
#define VG_AB_KEEP_MEM       (16u << 20)   /* one member kept in memory */
#define VG_AB_KEEP_MEM_TOTAL (256u << 20)  /* all members kept in memory together */
#define VG_MAX_AB_KEPT       100000u       /* members kept from one backup */
#define VG_MAX_AB_KEPT_BYTES (64ull << 30) /* bytes kept (memory and temp folder) */

/* Android 16 intrusion logs (NDJSON, src/lib/formats/android/intrusion.c) */
#define VG_MAX_IL_LINE   (1024u * 1024u) /* one line; longer ones are skipped with a warning */
#define VG_MAX_IL_EVENTS 64u             /* events (top-level keys) in one line (real: 1) */
/* iOS text artifacts: shutdown.log, ps.txt / ps_thread.txt, taskinfo.txt,
 * crash reports (.ips). Real files are far below these: a shutdown.log of a
 * few years holds some thousand client lines, ps.txt some hundred rows, a
 * crash report a few hundred KB, taskinfo.txt some tens of MB. */
#define VG_MAX_APPLE_TEXT_LINE     16384u                /* longer lines are cut, with a warning */
#define VG_MAX_FILE_WARNINGS       50u                   /* listed per file; the rest counted */
#define VG_MAX_SHUTDOWNLOG_FILE    (16u * 1024u * 1024u) /* one shutdown.log */
#define VG_MAX_SHUTDOWNLOG_CLIENTS 100000u               /* client lines kept from one file */
#define VG_MAX_SHUTDOWNLOG_REBOOTS 100000u               /* SIGTERM blocks kept from one file */
#define VG_MAX_PS_FILE             (64u * 1024u * 1024u) /* one ps.txt / ps_thread.txt */
#define VG_MAX_PS_ROWS             100000u               /* process rows or blocks kept */
#define VG_MAX_PS_VALUES           1000000u /* record values kept from one file (~100 bytes each) */
#define VG_MAX_PS_COLUMNS          64u      /* columns of a ps header */
#define VG_MAX_PS_TEXT_TOKENS      8u       /* words tried for a mid-row COMMAND */
#define VG_MAX_TASKINFO_FILE       (256u * 1024u * 1024u) /* one taskinfo.txt */
#define VG_MAX_TASKINFO_KEYS       512u                   /* "key: value" lines kept per block */
#define VG_MAX_IPS_HEADER          (64u * 1024u)          /* a crash report's first-line JSON */
/* A crash report's body is parsed whole by jansson, which spends (2.14,
 * measured) ~40 bytes on a number, ~90 on a string, ~140 on a list and ~240
 * on an object: the values are counted first, and a body past any of these
 * is left unread (the first line kept). Worst case about 120 MiB. */
#define VG_MAX_IPS_BODY       (8u * 1024u * 1024u) /* bytes */
#define VG_MAX_IPS_VALUES     1000000u             /* JSON values of all kinds */
#define VG_MAX_IPS_CONTAINERS 100000u              /* objects and lists among them */
/* A sysdiagnose's remotectl_dumpstate.txt (some tens of KB) and its
 * MobileInstallation logs (rotated at about 1 MB each). */
#define VG_MAX_REMOTECTL_FILE (16u * 1024u * 1024u)
#define VG_MAX_MI_LOG_FILE    (64u * 1024u * 1024u) /* one mobile_installation.log.N */
/* Archives (src/lib/io/archive.c): one pass over a tar, zip or sysdiagnose;
 * each is the default of a field of struct vg_archive_opts. Why these
 * numbers: docs/formats/archives.md. */
#define VG_ARCHIVE_MAX_MEMBER  (4ull << 30)  /* bytes read from one kept or streamed member */
#define VG_ARCHIVE_MAX_TOTAL   (64ull << 30) /* bytes kept or streamed in one pass */
#define VG_ARCHIVE_MAX_ENTRIES (16u << 20)   /* headers read in one pass (an iOS dump: ~1M) */
/* decompressed bytes per compressed byte: one deflate layer cannot pass
 * ~1032:1, so more means nested layers, entries sharing data, or a bomb */
#define VG_ARCHIVE_MAX_RATIO   2000u
#define VG_ARCHIVE_RATIO_FLOOR (256u << 20) /* decompressed bytes before the ratio is checked */
#define VG_ARCHIVE_MEM_KEEP    (16u << 20)  /* a kept member up to this stays in memory */
#define VG_ARCHIVE_MAX_NAME    4096u        /* bytes of one member name or link target */
#define VG_ARCHIVE_MAX_DEPTH   4u           /* archives opened from members of archives */
/* Android dumpsys text (src/lib/formats/android/dumpsys*.c) */
#define VG_MAX_DUMPSYS_TEXT      (1024u * 1024u * 1024u) /* one dumpstate / dumpsys.txt */
#define VG_MAX_DUMPSYS_SECTIONS  100000u                 /* headers in one text (~250 real) */
#define VG_MAX_DUMPSYS_ITEMS     100000u                 /* entries in one list of one record */
#define VG_MAX_DUMPSYS_RECORDS   1000000u                /* records a parser must hold at once */
#define VG_MAX_DUMPSYS_ADB       (16u * 1024u * 1024u)   /* the adb section */
#define VG_MAX_DUMPSYS_ADB_DEPTH 64u                     /* nested "key={" in it */
#define VG_MAX_DUMPSYS_WARNINGS  50u                     /* messages per sink; then counted */

/* Module heuristics */
#define VG_MAX_MISSING_IDS 10000u /* gaps in a table's row ids reported one by one */
/* Rows a module holds to relate and sort them before it emits them
 * (DataUsage: about 120 bytes each plus their strings). */
#define VG_MAX_SORTED_ROWS (2u * 1024u * 1024u)
/* iOS filesystem dumps (src/lib/modules/ios: Netusage, Filesystem, the
 * fs-only modules) */
#define VG_MAX_NET_PROCS      (1024u * 1024u) /* process rows read from one usage database */
#define VG_MAX_NET_NAMES      65536u          /* names looked for in a dump's file listing */
#define VG_MAX_NET_GAP_SCAN   64u             /* overlapping id gaps tried per process */
#define VG_MAX_WEBKIT_ORIGINS 100000u         /* origin folders read from one WebKit folder */
#define VG_MAX_JOURNAL_LINE   (64u * 1024u)   /* an Analytics-Journal's first line */

/* Output */
#define VG_MAX_DIAG_ENTRIES 100000u /* after that, diagnostics are counted only */

/* The engine (scan/) */
#define VG_SCAN_WORKERS         2u                    /* modules run at once (at most the cores) */
#define VG_MAX_MODULE_RECORDS   (64u * 1024u * 1024u) /* records one module emits */
#define VG_MAX_MODULE_RECOVERED (256u * 1024u)        /* records one module makes of deleted rows */
#define VG_MAX_SIGNALS          (4u * 1024u * 1024u) /* events kept for correlation (scan/correlate) */
#define VG_MAX_SIGNAL_TEXT      300u                 /* bytes of an event kept for a story */
#define VG_MAX_STORY_EVENTS     20u                  /* events listed in one story (all counted) */
#define VG_MAX_RUN_SCHEMAS      4096u                /* record shapes in one module's run */
#define VG_MAX_SAVED_RECORD     (256u * 1024u * 1024u) /* one record of a saved results file */
#define VG_MAX_MESSAGE          4096u                  /* one diagnostic or alert message */

/* Result writers (src/lib/output) */
#define VG_MAX_JSON_DEPTH 2048u                   /* nesting written (jansson's parse cap) */
#define VG_MAX_JSON_DUMP  (1024u * 1024u * 1024u) /* one value serialised in memory */
#define VG_MAX_TL_EVENTS  (256u * 1024u * 1024u)  /* rows in one struct vg_timeline */
#define VG_MAX_TL_NAMES   4096u                   /* distinct (module, plugin) pairs in one */

/* The HTML report (src/lib/output/report.c) */
#define VG_MAX_REPORT_JSON     (64u * 1024u * 1024u) /* info.json, alerts.json read whole */
#define VG_MAX_REPORT_FIELD    16384u                /* bytes of one timeline field shown */
#define VG_MAX_REPORT_ALERTS   2000u                 /* alerts shown, each with its context */
#define VG_MAX_REPORT_RECORD   65536u                /* bytes of an alert's record shown */
#define VG_MAX_REPORT_WARNINGS 5000u                 /* diagnostics listed */
#define VG_MAX_REPORT_FILES    10000u                /* files of the folder listed */
#define VG_MAX_REPORT_LINE     65536u                /* one line of MVT's console.log */
#define VG_REPORT_CTX_SECONDS  300                   /* an alert's context: +-5 minutes */
#define VG_REPORT_CTX_EVENTS   10u                   /* events kept each side of an alert */
#define VG_REPORT_CTX_ALERTS   10u                   /* other alerts shown in one context */
#define VG_REPORT_CTX_TEXT     1024u                 /* bytes of a context event's text */
/* alerts_context.csv (output/out.c): the events around each alert */
#define VG_MAX_CONTEXT_ALERTS 1000u /* alerts given a context; later ones are not */
#define VG_MAX_CONTEXT_EVENTS 2000u /* events of one window kept (the latest) */

/* Timeline spilling: memory held before a sorted run file is written */
#define VG_TIMELINE_SPILL_BYTES (64u * 1024u * 1024u)
#define VG_MAX_TL_RUNS          256u /* run files merged (256 x 64 MiB) */

/* AndroidQF files (src/lib/formats/android: getprop, settings, ps, mounts,
 * and the JSON files) */
#define VG_MAX_AQF_RECORDS   (16u * 1024u * 1024u) /* records read from one file */
#define VG_MAX_AQF_WARNINGS  32u                   /* warnings listed per file, then counted */
#define VG_MAX_AQF_JSON_ITEM (64u * 1024u * 1024u) /* one item of a file's top-level array */
#define VG_MAX_GETPROP_LINES 1024u                 /* lines of one multi-line property value */
/* AndroidQF modules (src/lib/modules/android): a file is read whole before
 * it is parsed. files.json of a whole phone is some tens of MB, packages.json
 * of thousands of apps some MB. */
#define VG_MAX_AQF_FILE           (1024u * 1024u * 1024u) /* one file read whole */
#define VG_MAX_AQF_SETTINGS       (1024u * 1024u) /* settings kept across the settings files */
#define VG_MAX_AQF_COMPONENT_APPS (1024u * 1024u) /* apps AQFComponents keeps (a phone: 100s) */
/* Time zones (src/lib/util/tz.c): the system's TZif files are a few KB */
#define VG_MAX_TZ_FILE  (1024u * 1024u)
#define VG_MAX_TZ_NAME  255u   /* bytes of a zone name ("America/Argentina/Buenos_Aires") */
#define VG_MAX_TZ_TIMES 10000u /* transitions (real zones: a few hundred) */

#endif
