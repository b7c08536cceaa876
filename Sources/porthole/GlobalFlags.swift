import PortExplorer

/// One of porthole's own flags. The table below is the one declaration each flag has: it
/// feeds the parser, `porthole --help`, shell completion and the README's flag table.
struct GlobalFlag: Sendable, Equatable {
    /// `--json`, or `-c` for the flags that have only a short form.
    let name: String
    let short: String?
    /// The value's placeholder (`WHEN`); nil for a switch.
    let value: String?
    /// The values it takes, for completion; empty when any text will do.
    let choices: [String]
    let help: String

    init(_ name: String, short: String? = nil, value: String? = nil, choices: [String] = [], help: String) {
        self.name = name
        self.short = short
        self.value = value
        self.choices = choices
        self.help = help
    }

    /// `-c COMMANDS`, `--color WHEN`, `-h, --help` as help lists them.
    var usage: String {
        let names = short.map { "\($0), \(name)" } ?? name
        return value.map { "\(names) \($0)" } ?? names
    }

    func matches(_ word: String) -> Bool { word == name || word == short }
}

enum GlobalFlags {
    static let commands = GlobalFlag(
        "-c", value: "COMMANDS", help: "Run these commands (separated by ';' or newlines) and exit")
    static let file = GlobalFlag("-f", value: "FILE", help: "Run the commands in this file, one per line, and exit")
    static let json = GlobalFlag(
        "--json", help: "Print one JSON object per command (JSON Lines); short for --format json")
    static let format = GlobalFlag(
        "--format", value: "FORMAT", choices: OutputFormat.allCases.map(\.rawValue),
        help: "Print answers as text, json, csv or tsv (tables only; other answers stay text)"
    )
    static let noHeader = GlobalFlag("--no-header", help: "Leave out the header row of CSV and TSV tables")
    static let color = GlobalFlag(
        "--color", value: "WHEN", choices: ColorMode.allCases.map(\.rawValue),
        help: "Colour text output: auto, always or never"
    )
    static let bail = GlobalFlag("--bail", help: "Stop at the first command that fails")
    static let registry = GlobalFlag(
        "--registry", value: "PATH",
        help: "Answer from this registry file (IANA XML or CSV) instead of the installed one"
    )
    static let territory = GlobalFlag(
        "--territory", value: "PATH",
        help: "Answer from other hosts' listeners read from this file or folder (repeatable; see 'help territory')"
    )
    static let help = GlobalFlag(
        "--help", short: "-h", help: "Show this help, or a command's with 'porthole COMMAND --help'")
    static let version = GlobalFlag("--version", help: "Show porthole's version")
    static let complete = GlobalFlag(
        "--complete", value: "LINE",
        help: "Print the completions of a command line typed after 'porthole ', one per line"
    )
    static let completionScript = GlobalFlag(
        "--generate-completion-script", value: "SHELL", choices: ShellCompletion.Shell.allCases.map(\.rawValue),
        help: "Print a completion script for bash, zsh or fish"
    )

    static let manPage = GlobalFlag("--generate-man-page", help: "Print porthole's manual page, porthole(1), in roff")

    static let all = [
        commands, file, json, format, noHeader, color, bail, registry, territory, help, version, complete,
        completionScript,
        manPage,
    ]

    static func named(_ word: String) -> GlobalFlag? { all.first { $0.matches(word) } }

    /// Every way a flag is written, long and short: for suggestions and completion.
    static let spellings = all.flatMap { [$0.name] + ($0.short.map { [$0] } ?? []) }
}

/// What porthole's command line asked for.
struct LaunchOptions: Equatable {
    enum Action: Equatable {
        /// Run commands: from words, `-c`, `-f`, a pipe or the prompt.
        case run
        case help
        case version
        case complete(String)
        case completionScript(ShellCompletion.Shell)
        case manPage
    }

    var action = Action.run
    var commands: String?
    var file: String?
    /// `--format` or `--json`; nil for text.
    var format: OutputFormat?
    var header = true
    var color: ColorMode = .auto
    var bail = false
    var registry: String?
    /// `--territory`, each time it was given.
    var territories: [String] = []
    /// A command and its arguments, run once.
    var words: [String] = []
}

/// A command line porthole cannot follow, with the nearest flag when one is close.
struct UsageError: Error, Equatable, CustomStringConvertible {
    let message: String

    var description: String { CommandError.clippingTokens(message) }
}

extension LaunchOptions {
    /// Reads porthole's arguments (without the program name). porthole's own flags may come
    /// before or after the command words; after `--`, every word belongs to the command.
    /// `--help` or `-h` after a command word asks for that command's help, so it stays with
    /// the command.
    static func parse(_ arguments: [String]) throws(UsageError) -> LaunchOptions {
        var options = LaunchOptions()
        var seen: [String] = []
        var index = 0
        var onlyWords = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyWords || !argument.hasPrefix("-") || argument == "-" {
                options.words.append(argument)
                continue
            }
            if argument == "--" {
                onlyWords = true
                continue
            }
            let (name, attached) = split(argument)
            guard let flag = GlobalFlags.named(name) else {
                // An option after the command words is the command's (`lookup 22 --limit 5`).
                if !options.words.isEmpty {
                    options.words.append(argument)
                    continue
                }
                let candidates = GlobalFlags.spellings
                let near = Suggest.nearest(to: name, in: candidates)
                throw UsageError(message: "unknown option '\(name)'" + (near.map { "; did you mean '\($0)'?" } ?? ""))
            }
            if flag == GlobalFlags.help, !options.words.isEmpty {
                options.words.append(argument)
                continue
            }
            guard !seen.contains(flag.name) || flag == GlobalFlags.territory else {
                throw UsageError(message: "option '\(flag.name)' is given twice")
            }
            seen.append(flag.name)
            var value: String?
            if let placeholder = flag.value {
                if let attached {
                    value = attached
                } else if index < arguments.count {
                    value = arguments[index]
                    index += 1
                } else {
                    throw UsageError(message: "option '\(flag.name)' needs a value (\(placeholder))")
                }
            } else if attached != nil {
                throw UsageError(message: "option '\(flag.name)' takes no value")
            }
            try options.take(flag, value: value ?? "")
        }
        let sources = [options.commands != nil, options.file != nil, !options.words.isEmpty].filter { $0 }.count
        if sources > 1, options.action == .run {
            throw UsageError(message: "give commands one way: -c, -f or command words, not several")
        }
        return options
    }

    private mutating func take(_ flag: GlobalFlag, value: String) throws(UsageError) {
        switch flag.name {
        case GlobalFlags.commands.name: commands = value
        case GlobalFlags.file.name: file = value
        case GlobalFlags.json.name: try choose(.json)
        case GlobalFlags.noHeader.name: header = false
        case GlobalFlags.format.name:
            guard let chosen = OutputFormat(rawValue: value) else {
                throw UsageError(message: "option '--format' expects text, json, csv or tsv, not '\(value)'")
            }
            try choose(chosen)
        case GlobalFlags.bail.name: bail = true
        case GlobalFlags.registry.name: registry = value
        case GlobalFlags.territory.name: territories.append(value)
        case GlobalFlags.help.name: action = .help
        case GlobalFlags.version.name: action = .version
        case GlobalFlags.complete.name: action = .complete(value)
        case GlobalFlags.manPage.name: action = .manPage
        case GlobalFlags.color.name:
            guard let mode = ColorMode(rawValue: value) else {
                throw UsageError(message: "option '--color' expects auto, always or never, not '\(value)'")
            }
            color = mode
        case GlobalFlags.completionScript.name:
            guard let shell = ShellCompletion.Shell(rawValue: value) else {
                throw UsageError(message: "option '\(flag.name)' expects bash, zsh or fish, not '\(value)'")
            }
            action = .completionScript(shell)
        default:
            throw UsageError(message: "option '\(flag.name)' is declared but not read")
        }
    }

    /// `--json` is short for `--format json`; both may be given only when they agree.
    private mutating func choose(_ chosen: OutputFormat) throws(UsageError) {
        if let format, format != chosen {
            throw UsageError(message: "'--json' and '--format \(format == .json ? chosen : format)' disagree; give one")
        }
        format = chosen
    }

    /// `--name=value` → ("--name", "value"); anything else → (argument, nil).
    private static func split(_ argument: String) -> (String, String?) {
        guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }

    /// What porthole is, for `--help` and the manual page.
    static let about = "explore TCP/UDP ports, the IANA registry (the map) beside what listens here (the territory)."

    /// How porthole takes its commands, for `--help` and the manual page.
    static let modes = """
        With no command, porthole starts an interactive prompt when stdin is a terminal, \
        and otherwise reads one command per line from stdin. Options may also \
        follow the command ('porthole lookup 2991 --json').
        """

    /// `porthole --help`: usage, porthole's flags and the commands, from their declarations.
    static func helpText(commands: [CommandSpec]) -> String {
        var text = """
            porthole \(PortholeVersion.current): \(about)

            Usage: porthole [OPTIONS] [COMMAND [ARGUMENTS...]]

            \(modes)
            """
        text = Wrap.text(text, width: 80) + "\n\nOptions:\n"
        var flags = Table()
        for flag in GlobalFlags.all { flags.add([flag.usage, flag.help]) }
        text += flags.render(TextContext(), indent: 2) + "\n\nCommands:\n"
        var table = Table()
        for spec in commands { table.add([spec.name, spec.summary]) }
        text += table.render(TextContext(), indent: 2)
        return text + "\n\nRun 'porthole COMMAND --help' (or 'help COMMAND' at the prompt) for a command's arguments.\n"
    }
}
