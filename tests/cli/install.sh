#!/bin/sh
# What `meson install` (and so `make install`) puts under DESTDIR: the
# program, the manual and the three shell completions, all under the build's
# prefix and nothing else; the installed program runs. Uses the
# build as it is (--no-rebuild), into a folder of its own.
set -eu

MESON=${1:?usage: install.sh MESON}
BUILD=${VG_BUILDDIR:?VG_BUILDDIR: the build folder}

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
dest=$tmp/dest

# the install log is written in the build folder: keep the build's own
log=$BUILD/meson-logs/install-log.txt
[ -f "$log" ] && cp "$log" "$tmp/log"
"$MESON" install -C "$BUILD" --no-rebuild --quiet --destdir "$dest" >"$tmp/out" 2>&1 ||
    fail "meson install: $(cat "$tmp/out")"
if [ -f "$tmp/log" ]; then cp "$tmp/log" "$log"; else rm -f "$log"; fi

bin=$(find "$dest" -path '*/bin/vigie' -type f)
[ -n "$bin" ] || fail "no bin/vigie under DESTDIR: $(find "$dest")"
prefix=${bin%/bin/vigie}
[ -x "$bin" ] || fail "$bin is not executable"
"$bin" --version | grep -q '^vigie ' || fail "the installed vigie does not run"

# every file under the same prefix, where man and the shells look
for f in share/man/man1/vigie.1 share/bash-completion/completions/vigie \
    share/fish/vendor_completions.d/vigie.fish; do
    [ -s "$prefix/$f" ] || fail "$prefix/$f not installed: $(find "$dest" -type f)"
done
zsh=$(find "$prefix/share/zsh" -name _vigie -type f)
[ -n "$zsh" ] || fail "no zsh completion under $prefix/share/zsh"
n=$(find "$dest" -type f | wc -l)
[ "$n" -eq 5 ] || fail "$n files installed, not 5: $(find "$dest" -type f)"
cmp -s "$prefix/share/man/man1/vigie.1" "${VG_SRCDIR:?}/docs/man/vigie.1" ||
    fail "the installed manual is not docs/man/vigie.1"
echo "ok: installed under $prefix"
