#!/bin/sh
# The manual (docs/man/vigie.1) against the program: every command and
# every long option the help shows is in the manual, every long option the
# manual names is one the program takes, and groff renders the page without
# a warning (that part skipped without groff).
set -eu

VIGIE=${VG_VIGIE:?VG_VIGIE: the vigie program}
MAN=${VG_SRCDIR:?VG_SRCDIR: the source folder}/docs/man/vigie.1

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# roff writes a hyphen as \-
roff() {
    printf '%s' "$1" | sed 's/-/\\-/g'
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# the commands of `vigie help`: "  ios check-backup   Checks..." rows
"$VIGIE" help | sed -n 's/^  \([a-z][a-z-]*\( [a-z][a-z-]*\)\?\)  .*/\1/p' >"$tmp/commands"
[ "$(wc -l <"$tmp/commands")" -ge 8 ] || fail "vigie help lists too few commands"
: >"$tmp/helps"
"$VIGIE" help >>"$tmp/helps"
while read -r cmd; do
    # shellcheck disable=SC2086 # "ios check-backup" is two words
    "$VIGIE" help $cmd >>"$tmp/helps"
    # its own entry in COMMANDS: a line ".B vigie CMD" or ".B vigie CMD ..."
    want=".B vigie $(roff "$cmd")" awk 'BEGIN { want = ENVIRON["want"] }
        index($0, want) == 1 &&
        (length($0) == length(want) || substr($0, length(want) + 1, 1) == " ") { found = 1 }
        END { exit !found }' "$MAN" || fail "the manual has no entry for vigie $cmd"
done <"$tmp/commands"

# the long options of every help, in the manual
grep -o -- '--[a-z][a-z-]*' "$tmp/helps" | sort -u >"$tmp/help-options"
[ "$(wc -l <"$tmp/help-options")" -ge 20 ] || fail "too few options in the helps"
while read -r opt; do
    grep -qF -- "$(roff "$opt")" "$MAN" || fail "the manual lacks $opt"
done <"$tmp/help-options"

# and the manual's long options, in some help: none made up or gone
grep -o -- '\\-\\-[a-z][a-z\\-]*' "$MAN" | sed 's/\\-/-/g' | sort -u >"$tmp/man-options"
while read -r opt; do
    grep -qxF -- "$opt" "$tmp/help-options" || fail "the manual names $opt, which no help shows"
done <"$tmp/man-options"

if command -v groff >/dev/null 2>&1; then
    groff -ww -man -Tascii -P-cbou "$MAN" >"$tmp/rendered" 2>"$tmp/warnings"
    [ ! -s "$tmp/warnings" ] || fail "groff: $(cat "$tmp/warnings")"
    grep -q -- '--no-recover' "$tmp/rendered" || fail "the rendered manual lacks its options"
else
    echo "groff not installed: rendering not checked"
fi
echo "ok: $(wc -l <"$tmp/commands") commands, $(wc -l <"$tmp/help-options") options"
