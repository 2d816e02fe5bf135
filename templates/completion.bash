# shellcheck shell=bash
# bash completion for deploy, written by `deploy completion bash` (deploy @VERSION@).
# Install: deploy completion bash > ~/.local/share/bash-completion/completions/deploy
# (or, in ~/.bashrc: source <(deploy completion bash)). Needs no bash-completion package.

# @DATA@

# _deploy_reply: the lines on stdin, added to COMPREPLY
_deploy_reply() {
  local line
  while IFS= read -r line; do
    COMPREPLY+=("$line")
  done
}

# _deploy_ask WHAT [APP]: what only the settings file knows (app names, processes), from the
# CLI itself; it connects nowhere and prints nothing on a missing or broken file
_deploy_ask() {
  local -a settings=()
  [[ -n $config ]] && settings=("--config=$config")
  command deploy __complete "$@" "${settings[@]}" 2>/dev/null
}

_deploy() {
  local cur=${COMP_WORDS[COMP_CWORD]} word config='' pending='' i
  local command='' kind candidates='' cmd_options='' cmd_arguments='' opt_values=''
  local -a operands=() args=() kinds=()
  COMPREPLY=()

  # The words before the cursor: options (and -c's file), their values, and the operands.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if [[ -n $pending ]]; then
      [[ $word == = ]] && continue # --option=value: bash splits it at the =
      [[ $pending == -c || $pending == --config ]] && config=$word
      pending=''
      continue
    fi
    case $word in
      --) return 0 ;; # what follows is run's command
      --config=*) config=${word#--config=} ;;
      --*=*) ;;
      -c?*) config=${word#-c} ;;
      -*) _deploy_option "$word" && pending=$word ;;
      *) operands+=("$word") ;;
    esac
  done

  # An option's value: -c FILE, --dependencies=yes...
  if [[ -n $pending ]]; then
    [[ $cur == = ]] && cur=''
    _deploy_option "$pending"
    if [[ $opt_values == @file ]]; then
      compopt -o filenames 2>/dev/null
      _deploy_reply < <(compgen -f -- "$cur")
    else
      _deploy_reply < <(compgen -W "$opt_values" -- "$cur")
    fi
    return 0
  fi

  # `deploy <app> <command>` or `deploy <command> <app>`: args are the command's arguments.
  if _deploy_command "${operands[0]-}"; then
    command=${operands[0]}
    args=("${operands[@]:1}")
  elif [[ ${#operands[@]} -ge 2 ]] && _deploy_command "${operands[1]}"; then
    command=${operands[1]}
    args=("${operands[0]}" "${operands[@]:2}")
  fi

  if [[ $cur == -* ]]; then
    if [[ -n $command ]]; then
      candidates="$cmd_options $_deploy_globals"
    else
      candidates=$_deploy_options
    fi
  elif [[ -z $command ]]; then
    case ${#operands[@]} in
      0) candidates="$(_deploy_ask apps) $_deploy_commands" ;;
      1) candidates=$_deploy_app_commands ;;
    esac
  else
    read -ra kinds <<<"$cmd_arguments"
    kind=${kinds[${#args[@]}]-}
    case $kind in
      @app) candidates=$(_deploy_ask apps) ;;
      @process) candidates=$(_deploy_ask processes "${args[0]}") ;;
      @shortcut) candidates=$(_deploy_ask commands "${args[0]}") ;;
      @command) candidates=$_deploy_commands ;;
      - | '') ;;
      *) candidates=${kind//,/ } ;;
    esac
  fi
  _deploy_reply < <(compgen -W "$candidates" -- "$cur")
  return 0
}

complete -F _deploy deploy
