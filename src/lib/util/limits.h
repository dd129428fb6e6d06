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

/* Text scanning */
#define VG_MAX_URL       8192u                 /* longest URL or host we normalise */
#define VG_MAX_TEXT_SCAN (16u * 1024u * 1024u) /* bytes of one text field scanned */
#define VG_MAX_TEXT_LINE (1024u * 1024u)       /* one line of a text dump; longer is cut */

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
#define VG_MAX_IN_MEMORY_FILE (1024u * 1024u * 1024u) /* a decrypted file kept in memory */
#define VG_MAX_KEYBAG_CLASSES 32u                     /* class keys in one keybag (iOS: 11) */
#define VG_MAX_KDF_ITER       (100u * 1000u * 1000u)  /* PBKDF2 rounds (iOS uses 10,000,000) */
#define VG_DECRYPT_CHUNK      (1024u * 1024u)         /* bytes one decrypt-backup worker holds */

/* Module heuristics */
#define VG_MAX_MISSING_IDS 10000u /* gaps in a table's row ids reported one by one */

/* Output */
#define VG_MAX_DIAG_ENTRIES 100000u /* after that, diagnostics are counted only */
#define VG_MAX_MESSAGE      4096u   /* one diagnostic or alert message */

/* Result writers (src/lib/output) */
#define VG_MAX_JSON_DEPTH 2048u                   /* nesting written (jansson's parse cap) */
#define VG_MAX_JSON_DUMP  (1024u * 1024u * 1024u) /* one value serialised in memory */
#define VG_MAX_TL_EVENTS  (256u * 1024u * 1024u)  /* rows in one struct vg_timeline */
#define VG_MAX_TL_NAMES   4096u                   /* distinct (module, plugin) pairs in one */

/* Timeline spilling: memory held before a sorted run file is written */
#define VG_TIMELINE_SPILL_BYTES (64u * 1024u * 1024u)
#define VG_MAX_TL_RUNS          256u /* run files merged (256 x 64 MiB) */

#endif
