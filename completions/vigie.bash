# bash completion for vigie (installed as .../bash-completion/completions/vigie)
#
# The candidates come from the vigie being completed (`vigie --complete-words
# WORD... CURRENT`, made from the same tables as its parser and its help),
# so they follow the commands and options of the installed version.
# SPDX-License-Identifier: Apache-2.0

_vigie() {
    local cur=${COMP_WORDS[COMP_CWORD]} prog=${COMP_WORDS[0]} line
    local -a files
    COMPREPLY=()
    # shellcheck disable=SC2088 # a typed "~/bin/vigie" is not expanded in COMP_WORDS
    [[ $prog == "~/"* ]] && prog=$HOME/${prog#"~/"}
    command -v -- "$prog" >/dev/null 2>&1 || prog=vigie
    while IFS= read -r line; do
        case $line in
        :file | :dir)
            # file names with spaces stay whole; folders get their slash
            compopt -o filenames 2>/dev/null
            if [[ $line == :dir ]]; then
                mapfile -t files < <(compgen -d -- "$cur")
            else
                mapfile -t files < <(compgen -f -- "$cur")
            fi
            COMPREPLY+=("${files[@]}")
            ;;
        *)
            line=${line%%$'\t'*}
            [[ $line == "$cur"* ]] && COMPREPLY+=("$line")
            ;;
        esac
    done < <("$prog" --complete-words -- "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
}
complete -F _vigie vigie
