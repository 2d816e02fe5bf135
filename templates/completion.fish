# fish completion for deploy, written by `deploy completion fish` (deploy @VERSION@).
# Install: deploy completion fish > ~/.config/fish/completions/deploy.fish

# @DATA@

# __deploy_ask CONFIG WHAT [APP]: what only the settings file knows (app names, processes),
# from the CLI itself; it connects nowhere and prints nothing on a missing or broken file
function __deploy_ask
    set -l settings
    test -n "$argv[1]"; and set settings --config=$argv[1]
    command deploy __complete $argv[2..-1] $settings 2>/dev/null
end

# __deploy_candidates: the words for the token under the cursor, each with its description
function __deploy_candidates
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l config ''
    set -l pending ''
    set -l operands

    # The words before the cursor: options (and -c's file), their values, and the operands.
    for word in $tokens[2..-1]
        if test -n "$pending"
            contains -- $pending -c --config; and set config $word
            set pending ''
            continue
        end
        switch $word
            case --
                return # what follows is run's command
            case '--config=*'
                set config (string replace -- --config= '' $word)
            case '--*=*'
            case '-c?*'
                set config (string sub -s 3 -- $word)
            case '-*'
                __deploy_option $word >/dev/null; and set pending $word
            case '*'
                set -a operands $word
        end
    end

    # An option's value: -c FILE, --dependencies=yes...
    set -l prefix ''
    if test -z "$pending"; and string match -q -- '--*=*' $cur
        set -l option (string replace -r -- '=.*' '' $cur)
        if __deploy_option $option >/dev/null
            set pending $option
            set prefix $option=
            set cur (string replace -r -- '^[^=]*=' '' $cur)
        end
    end
    if test -n "$pending"
        set -l values (__deploy_option $pending)
        if test "$values" = @file
            __fish_complete_path $cur | string replace -r -- '^' $prefix
        else
            printf "$prefix%s\n" $values
        end
        return
    end

    # `deploy <app> <command>` or `deploy <command> <app>`: args are the command's arguments.
    set -l command
    set -l args
    if test (count $operands) -ge 1; and __deploy_command_arguments $operands[1] >/dev/null
        set command $operands[1]
        set args $operands[2..-1]
    else if test (count $operands) -ge 2; and __deploy_command_arguments $operands[2] >/dev/null
        set command $operands[2]
        set args $operands[1] $operands[3..-1]
    end

    if string match -q -- '-*' $cur
        if test -n "$command"
            __deploy_command_options $command
            __deploy_globals
        else
            __deploy_options
        end
        return
    end
    if test -z "$command"
        switch (count $operands)
            case 0
                __deploy_ask "$config" apps | string replace -r -- '$' \tapp
                __deploy_commands
            case 1
                __deploy_app_commands
        end
        return
    end
    set -l kinds (__deploy_command_arguments $command)
    set -l n (math (count $args) + 1)
    test $n -le (count $kinds); or return
    switch $kinds[$n]
        case @app
            __deploy_ask "$config" apps | string replace -r -- '$' \tapp
        case @process
            __deploy_ask "$config" processes $args[1] | string replace -r -- '$' \tprocess
        case @shortcut
            __deploy_ask "$config" commands $args[1] | string replace -r -- '$' \t'[COMMANDS] entry'
        case @command
            __deploy_commands
        case - ''
        case '*'
            string split , -- $kinds[$n]
    end
end

complete -c deploy -f -a '(__deploy_candidates)'
