#!/bin/sh
# The shell completions (completions/) in the shells themselves, with the
# vigie being tested first in PATH: bash calls _vigie as complete -F does
# (COMP_WORDS, COMP_CWORD; COMPREPLY read back), zsh's _vigie runs with
# _describe and _files replaced by functions that print what they are
# given, fish answers `complete -C`. Each shell that is not installed is
# skipped; the test is skipped when none is.
set -eu

VIGIE=${VG_VIGIE:?VG_VIGIE: the vigie program}
COMPL=${VG_SRCDIR:?VG_SRCDIR: the source folder}/completions
PATH=$(dirname "$VIGIE"):$PATH
export PATH COMPL

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/case1" "$tmp/case2"
: >"$tmp/case1.txt"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# has WHAT OUTPUT LINE: OUTPUT holds the line LINE
has() {
    printf '%s\n' "$2" | grep -qxF -- "$3" || fail "$1: no line '$3' in: $2"
}
lacks() {
    ! printf '%s\n' "$2" | grep -qF -- "$3" || fail "$1: '$3' offered in: $2"
}

ran=0

# bash_words WORD...: what bash offers for the last word
bash_words() {
    # shellcheck disable=SC2016 # expanded by that bash
    bash --norc --noprofile -c 'source "$COMPL/vigie.bash"
        COMP_WORDS=(vigie "$@"); COMP_CWORD=$#
        _vigie; printf "%s\n" "${COMPREPLY[@]}"' bash "$@"
}
if command -v bash >/dev/null 2>&1; then
    out=$(bash_words '')
    has "bash: first word" "$out" ios
    has "bash: first word" "$out" check-iocs
    has "bash: first word" "$out" report
    out=$(bash_words ios check-b)
    [ "$out" = check-backup ] || fail "bash: ios check-b gives: $out"
    out=$(bash_words ios check-backup --no-r)
    [ "$out" = --no-recover ] || fail "bash: --no-r gives: $out"
    out=$(bash_words ios check-fs --p)
    [ -z "$out" ] || fail "bash: check-fs offers a password option: $out"
    out=$(bash_words ios check-backup -m s)
    has "bash: -m" "$out" sms
    out=$(bash_words -q ios check-backup -o "$tmp/ca")
    has "bash: -o DIR" "$out" "$tmp/case1"
    lacks "bash: -o DIR" "$out" case1.txt
    out=$(bash_words ios check-backup -i "$tmp/case1")
    has "bash: -i PATH" "$out" "$tmp/case1.txt"
    out=$(bash_words ios check-backup -p '')
    [ -z "$out" ] || fail "bash: a password is completed: $out"
    out=$(bash_words help ios e)
    [ "$out" = extract-key ] || fail "bash: help ios e gives: $out"
    ran=$((ran + 1))
else
    echo "bash not installed: skipped"
fi

# zsh_words WORD...: the candidates zsh's _vigie hands to _describe
# ("word:summary") and _files (":files ARGS")
zsh_words() {
    # shellcheck disable=SC2016 # expanded by that zsh
    zsh -f -c '_describe() { local n=${@[-1]}; print -rl -- "${(@P)n}" }
        _files() { print -r -- ":files $*" }
        words=(vigie "$@"); CURRENT=$(( $# + 1 ))
        source "$COMPL/_vigie"' zsh "$@"
}
if command -v zsh >/dev/null 2>&1; then
    out=$(zsh_words '')
    has "zsh: first word" "$out" "ios:iOS acquisitions (as mvt-ios)"
    printf '%s\n' "$out" | grep -q '^report:Writes report.html' || fail "zsh: no report in: $out"
    out=$(zsh_words ios check-backup --no-r)
    printf '%s\n' "$out" | grep -q '^--no-recover:do not recover deleted' ||
        fail "zsh: no --no-recover in: $out"
    out=$(zsh_words ios check-fs --)
    lacks "zsh: check-fs" "$out" --password
    out=$(zsh_words ios check-backup -o '')
    [ "$out" = ":files -/" ] || fail "zsh: -o gives: $out"
    out=$(zsh_words ios check-backup '')
    [ "$out" = ":files " ] || fail "zsh: BACKUP gives: $out"
    ran=$((ran + 1))
else
    echo "zsh not installed: skipped"
fi

# fish_words LINE: what fish offers at the end of LINE
fish_words() {
    # shellcheck disable=SC2016 # expanded by that fish
    fish --no-config -c 'source "$COMPL/vigie.fish"; complete -C"$argv[1]"' "$1"
}
if command -v fish >/dev/null 2>&1; then
    out=$(fish_words 'vigie ios check-b')
    printf '%s\n' "$out" | grep -q "^check-backup	Checks an iTunes" ||
        fail "fish: ios check-b gives: $out"
    out=$(fish_words 'vigie ios check-backup --no-r')
    printf '%s\n' "$out" | grep -q '^--no-recover	' || fail "fish: --no-r gives: $out"
    out=$(fish_words "vigie ios check-backup -o $tmp/ca")
    printf '%s\n' "$out" | grep -qF -- "$tmp/case1/" || fail "fish: -o DIR gives: $out"
    lacks "fish: -o DIR" "$out" case1.txt
    ran=$((ran + 1))
else
    echo "fish not installed: skipped"
fi

[ $ran -gt 0 ] || {
    echo "skipped: no bash, zsh or fish"
    exit 77
}
echo "ok: $ran shells"
