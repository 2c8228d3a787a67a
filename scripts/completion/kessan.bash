# scripts/completion/kessan.bash -- bash completion for kessan: the
# commands, each command's options (as its --help lists them), model
# directories (those holding items.csv), statements for show, Lua
# scripts for run.  Installed into bash-completion's directory.
_kessan()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        cword=$COMP_CWORD
        words=("${COMP_WORDS[@]}")
    fi
    local commands="run repl export check show grid chart report score help"
    if [[ $cword -eq 1 ]]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    local command=${words[1]}
    case $prev in
        --format) COMPREPLY=($(compgen -W "text md csv" -- "$cur")); return ;;
        --lang) COMPREPLY=($(compgen -W "en ja" -- "$cur")); return ;;
        --only) COMPREPLY=($(compgen -W "breaks" -- "$cur")); return ;;
        --with) COMPREPLY=($(compgen -W "pct yoy qoq pct,yoy pct,yoy,qoq" -- "$cur")); return ;;
        --currency) COMPREPLY=($(compgen -W "USD" -- "$cur")); return ;;
        --allow) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --out|--actuals) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --scenario|--periods|--max-memory|--timeout|--title|--quantiles|--low|--high) return ;;
    esac
    if [[ $cur == -* ]]; then
        local options
        options=$(kessan "$command" --help 2>/dev/null |
                  grep -o -- '--[a-z][a-z-]*' | sort -u)
        COMPREPLY=($(compgen -W "$options --help" -- "$cur"))
        return
    fi
    case $command in
        run)
            COMPREPLY=($(compgen -f -X '!*.lua' -- "$cur") $(compgen -d -- "$cur"))
            ;;
        help)
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
            ;;
        show)
            # MODEL, then the statement
            local operands=0 i
            for ((i = 2; i < cword; i++)); do
                [[ ${words[i]} != -* ]] && operands=$((operands + 1))
            done
            if [[ $operands -ge 1 ]]; then
                COMPREPLY=($(compgen -W "is bs cf kpi" -- "$cur"))
            else
                COMPREPLY=($(compgen -d -- "$cur"))
            fi
            ;;
        *)
            COMPREPLY=($(compgen -d -- "$cur"))
            ;;
    esac
}
complete -F _kessan kessan
