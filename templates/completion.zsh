#compdef deploy
# zsh completion for deploy, written by `deploy completion zsh` (deploy @VERSION@).
# Install: deploy completion zsh > ~/.zsh/completions/_deploy, with that directory in $fpath
# before compinit runs (or, in ~/.zshrc after compinit: source <(deploy completion zsh)).

# @DATA@

# _deploy_ask TAG DESCRIPTION WHAT [APP]: what only the settings file knows (app names,
# processes), from the CLI itself; it connects nowhere and prints nothing on a missing or broken file
_deploy_ask() {
  local tag=$1 descr=$2 expl
  local -a found settings
  shift 2
  [[ -n $config ]] && settings=("--config=$config")
  found=(${(f)"$(command deploy __complete "$@" $settings 2>/dev/null)"})
  _wanted $tag expl $descr compadd -a found
}

_deploy() {
  local word config='' pending='' command='' kind i ret=1 expl
  local -a operands args cmd_options cmd_arguments opt_values choices

  # The words before the cursor: options (and -c's file), their values, and the operands.
  for (( i = 2; i < CURRENT; i++ )); do
    word=${(Q)words[i]}
    if [[ -n $pending ]]; then
      [[ $pending == (-c|--config) ]] && config=$word
      pending=''
      continue
    fi
    case $word in
      (--) return 1 ;; # what follows is run's command
      (--config=*) config=${word#--config=} ;;
      (--*=*) ;;
      (-c?*) config=${word#-c} ;;
      (-*) _deploy_option $word && pending=$word ;;
      (*) operands+=("$word") ;;
    esac
  done

  # An option's value: -c FILE, --dependencies=yes...
  if [[ -z $pending && $PREFIX == --*=* ]] && _deploy_option ${PREFIX%%=*}; then
    pending=${PREFIX%%=*}
    compset -P '*='
  fi
  if [[ -n $pending ]]; then
    _deploy_option $pending
    if [[ $opt_values[1] == @file ]]; then
      _files
    else
      _wanted values expl value compadd -a opt_values
    fi
    return
  fi

  # `deploy <app> <command>` or `deploy <command> <app>`: args are the command's arguments.
  if _deploy_command "$operands[1]"; then
    command=$operands[1]
    args=("${(@)operands[2,-1]}")
  elif (( $#operands >= 2 )) && _deploy_command "$operands[2]"; then
    command=$operands[2]
    args=("$operands[1]" "${(@)operands[3,-1]}")
  fi

  if [[ $PREFIX == -* ]]; then
    if [[ -n $command ]]; then
      _describe -t options option cmd_options -- _deploy_globals
    else
      _describe -t options option _deploy_options
    fi
    return
  fi
  if [[ -z $command ]]; then
    case $#operands in
      (0)
        _deploy_ask apps app apps && ret=0
        _describe -t commands command _deploy_commands && ret=0
        ;;
      (1) _describe -t commands command _deploy_app_commands && ret=0 ;;
    esac
    return ret
  fi
  kind=${cmd_arguments[${#args} + 1]}
  case $kind in
    (@app) _deploy_ask apps app apps ;;
    (@process) _deploy_ask processes process processes $args[1] ;;
    (@shortcut) _deploy_ask shortcuts '[COMMANDS] entry' commands $args[1] ;;
    (@command) _describe -t commands command _deploy_commands ;;
    (-|'') return 1 ;;
    (*)
      choices=(${(s:,:)kind})
      _wanted values expl $command compadd -a choices
      ;;
  esac
}

# Autoloaded from $fpath, this file is _deploy's body: complete. Sourced: register it.
if [[ $funcstack[1] == _deploy ]]; then
  _deploy "$@"
else
  compdef _deploy deploy
fi
