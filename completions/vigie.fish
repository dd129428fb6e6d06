# fish completion for vigie (installed as .../fish/vendor_completions.d/vigie.fish)
#
# The candidates come from the vigie being completed (`vigie --complete-words
# WORD... CURRENT`, made from the same tables as its parser and its help),
# so they follow the commands and options of the installed version.
# SPDX-License-Identifier: Apache-2.0

function __vigie_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l prog $tokens[1]
    set -e tokens[1]
    for line in ($prog --complete-words -- $tokens "$cur" 2>/dev/null)
        switch $line
            case :file
                __fish_complete_path "$cur"
            case :dir
                __fish_complete_directories "$cur"
            case '*'
                echo $line
        end
    end
end

complete -c vigie -f -a '(__vigie_complete)'
