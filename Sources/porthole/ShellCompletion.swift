import PortExplorer

/// Completion in the shell, answered by porthole itself (`porthole --complete LINE`), so the
/// shell and the prompt complete from the same declarations in the same way. The scripts for
/// bash, zsh and fish only pass the line typed so far and offer what comes back.
enum ShellCompletion {
    enum Shell: String, CaseIterable, Sendable {
        case bash, zsh, fish
    }

    /// Candidates for the last word of `line`, the text typed after `porthole `.
    static func candidates(for line: String, explorer: Explorer) -> [String] {
        let endsWithSpace = line.last.map(\.isWhitespace) ?? true
        var words = line.split(whereSeparator: \.isWhitespace).map(String.init)
        let prefix = endsWithSpace ? "" : (words.popLast() ?? "")

        // porthole's own flags (and their values) are set aside; what remains is the command.
        var commandWords: [String] = []
        var pendingValue: GlobalFlag?
        var onlyWords = false
        for word in words {
            if let flag = pendingValue {
                pendingValue = nil
                if flag == GlobalFlags.commands { commandWords = [] }
                continue
            }
            if !onlyWords, word == "--" {
                onlyWords = true
                continue
            }
            if !onlyWords, let flag = GlobalFlags.named(word), !(flag == GlobalFlags.help && !commandWords.isEmpty) {
                if flag.value != nil { pendingValue = flag }
                continue
            }
            commandWords.append(word)
        }
        if let flag = pendingValue {
            return flag.choices.filter { $0.hasPrefix(prefix) }
        }
        if prefix.hasPrefix("-"), !onlyWords {
            var pool = GlobalFlags.spellings
            if let first = commandWords.first, let spec = explorer.command(named: first) {
                pool += (spec.options + CommonOptions.all).map(\.name)
            }
            return Array(Set(pool.filter { $0.hasPrefix(prefix) })).sorted()
        }
        let typed = commandWords.joined(separator: " ")
        return explorer.complete(typed.isEmpty ? prefix : typed + " " + prefix).candidates
    }

    /// The script a shell sources to complete porthole's command lines.
    static func script(for shell: Shell) -> String {
        switch shell {
        case .bash:
            return """
                # bash completion for porthole: source it, or put it in bash-completion's folder.
                _porthole() {
                    local line="${COMP_LINE:0:$COMP_POINT}"
                    line="${line#"${line%%[![:space:]]*}"}"
                    line="${line#*[[:space:]]}"
                    local IFS=$'\\n'
                    COMPREPLY=($(porthole --complete "$line" 2>/dev/null))
                }
                complete -o default -F _porthole porthole

                """
        case .zsh:
            return """
                #compdef porthole
                # zsh completion for porthole: put it on $fpath as _porthole, or source it.
                _porthole() {
                    local line="${BUFFER[1,CURSOR]}"
                    line="${line#*[[:space:]]}"
                    local -a candidates
                    candidates=("${(@f)$(porthole --complete "$line" 2>/dev/null)}")
                    compadd -Q -- ${candidates:#}
                }
                if [[ "$funcstack[1]" = "_porthole" ]]; then _porthole "$@"; else compdef _porthole porthole; fi

                """
        case .fish:
            return """
                # fish completion for porthole: save as ~/.config/fish/completions/porthole.fish.
                function __porthole_complete
                    set -l line (string replace -r '^\\S+\\s*' '' -- (commandline -cp))
                    porthole --complete "$line" 2>/dev/null
                end
                complete -c porthole -f -a '(__porthole_complete)'

                """
        }
    }
}
