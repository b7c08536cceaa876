/// An option a command accepts, e.g. `--limit N` or `--listening`.
public struct OptionSpec: Sendable {
    public let name: String
    /// The placeholder for the option's value (`N`); nil for a flag.
    public let value: String?
    public let help: String
    /// Values a flag also takes written inline (`--probe=nmap`); empty for most.
    public let inlineValues: [String]

    public init(_ name: String, value: String? = nil, help: String, inlineValues: [String] = []) {
        self.name = name
        self.value = value
        self.help = help
        self.inlineValues = inlineValues
    }
}

/// Where Tab finds candidates for a word.
enum CompletionSource: Sendable, Equatable {
    case words([String])
    case serviceNames
    case explainTopics
    case commandNames
}

/// What a command's exit status means to a script.
enum ExitStatuses: Sendable {
    /// 0 when it answered, 1 when it failed.
    case standard
    /// As diff(1) and cmp(1): 0 when the things compared are the same, 1 when they differ,
    /// 2 when they could not be compared. "Different" is an answer, not a failure: the
    /// command succeeds, prints it, and says so through `CommandResult.foundDifferences`.
    case comparison

    /// The status a failure of the command gives.
    var failure: Int32 {
        switch self {
        case .standard: 1
        case .comparison: 2
        }
    }
}

/// One declaration per command: it feeds the parser, `help`, Tab completion and the
/// README's command reference, so they cannot drift apart.
public struct CommandSpec: Sendable {
    public let name: String
    public let aliases: [String]
    /// Arguments as `help` shows them, e.g. `QUERY... [--search WORD]`.
    let synopsis: String
    public let summary: String
    /// Paragraphs shown by `help NAME`; examples indented by two spaces.
    public let help: String
    public let options: [OptionSpec]
    /// What its exit status means (`diff` answers as diff(1) does).
    let statuses: ExitStatuses
    /// Candidates for the positional argument at an index, given the words before it.
    let completion: @Sendable (_ previousArguments: [String]) -> [CompletionSource]
    /// Whether this invocation begins a lesson or quiz that waits for the person's replies.
    let beginsActivity: @Sendable (Invocation) -> Bool
    let run: @Sendable (Invocation, CommandContext) throws(CommandError) -> any CommandResult

    init(
        name: String, aliases: [String] = [], synopsis: String, summary: String, help: String,
        options: [OptionSpec] = [], statuses: ExitStatuses = .standard,
        completion: @escaping @Sendable ([String]) -> [CompletionSource] = { _ in [] },
        beginsActivity: @escaping @Sendable (Invocation) -> Bool = { _ in false },
        run: @escaping @Sendable (Invocation, CommandContext) throws(CommandError) -> any CommandResult
    ) {
        self.name = name
        self.aliases = aliases
        self.synopsis = synopsis
        self.summary = summary
        self.help = help
        self.options = options
        self.statuses = statuses
        self.completion = completion
        self.beginsActivity = beginsActivity
        self.run = run
    }

    /// `name synopsis`, as shown in help listings.
    public var usage: String { synopsis.isEmpty ? name : "\(name) \(synopsis)" }
}

/// Options every command takes besides its own, declared once: they feed the parser and
/// `help` like a command's own.
public enum CommonOptions {
    public static let help = OptionSpec("--help", help: "Show this command's help (also -h)")
    public static let json = OptionSpec("--json", help: "Print this command's answer as JSON, one object a line")
    public static let format = OptionSpec(
        "--format", value: "FORMAT", help: "Print this command's answer as text, json, csv or tsv")
    public static let noHeader = OptionSpec("--no-header", help: "Leave out the header row in CSV and TSV")
    public static let all = [help, json, format, noHeader]
}

/// A command's words after parsing its declared options.
struct Invocation: Sendable {
    public let name: String
    let arguments: [String]
    public let options: [String: String]
    let flags: Set<String>
    /// `--help` or `-h` was among the words: show the command's help instead of running it.
    let wantsHelp: Bool
    /// `--json` or `--format FORMAT` was among the words: this command answers in that format.
    let format: OutputFormat?
    /// `--no-header` was among the words.
    let noHeader: Bool

    init(spec: CommandSpec, words: ArraySlice<String>) throws(CommandError) {
        name = spec.name
        var arguments: [String] = []
        var options: [String: String] = [:]
        var flags: Set<String> = []
        var wantsHelp = false
        var format: OutputFormat?
        var noHeader = false
        var rest = words[...]
        var onlyArguments = false
        while let word = rest.popFirst() {
            if !onlyArguments, word == "-h" || word == CommonOptions.help.name {
                wantsHelp = true
                continue
            }
            if !onlyArguments, word == CommonOptions.json.name {
                format = try Self.agree(format, .json, command: spec.name)
                continue
            }
            if !onlyArguments, word == CommonOptions.noHeader.name {
                noHeader = true
                continue
            }
            if !onlyArguments, word == CommonOptions.format.name || word.hasPrefix(CommonOptions.format.name + "=") {
                let value =
                    word.contains("=") ? String(word.split(separator: "=", maxSplits: 1).last ?? "") : rest.popFirst()
                guard let value else { throw CommandError(spec.name, "option '--format' needs a value (FORMAT)") }
                guard let chosen = OutputFormat(rawValue: value.lowercased()) else {
                    throw CommandError(spec.name, "--format expects text, json, csv or tsv, not '\(value)'")
                }
                format = try Self.agree(format, chosen, command: spec.name)
                continue
            }
            if onlyArguments || !word.hasPrefix("--") || word == "-" {
                arguments.append(word)
                continue
            }
            if word == "--" {
                onlyArguments = true
                continue
            }
            var optionName = word
            var inlineValue: String?
            if let eq = word.firstIndex(of: "=") {
                optionName = String(word[..<eq])
                inlineValue = String(word[word.index(after: eq)...])
            }
            guard let option = spec.options.first(where: { $0.name == optionName }) else {
                let known = spec.options.map(\.name)
                var error = CommandError.unknown(
                    spec.name, "unknown option '\(optionName)'", word: optionName,
                    candidates: known + CommonOptions.all.map(\.name)
                )
                if error.suggestion == nil {
                    error.hint = known.isEmpty ? "it takes none" : "options: \(known.joined(separator: ", "))"
                }
                throw error
            }
            if let placeholder = option.value {
                guard let value = inlineValue ?? rest.popFirst() else {
                    throw CommandError(spec.name, "option '\(option.name)' needs a value (\(placeholder))")
                }
                options[option.name] = value
            } else {
                if let inlineValue {
                    guard option.inlineValues.contains(inlineValue) else {
                        let allowed = option.inlineValues.map { "\(option.name)=\($0)" }.joined(separator: " or ")
                        throw CommandError(
                            spec.name,
                            allowed.isEmpty
                                ? "option '\(option.name)' takes no value"
                                : "option '\(option.name)' takes no value other than \(allowed)")
                    }
                    options[option.name] = inlineValue
                }
                flags.insert(option.name)
            }
        }
        self.arguments = arguments
        self.options = options
        self.flags = flags
        self.wantsHelp = wantsHelp
        self.format = format
        self.noHeader = noHeader
    }

    /// `--json` is short for `--format json`: both may be given only when they agree.
    private static func agree(_ earlier: OutputFormat?, _ format: OutputFormat, command: String) throws(CommandError)
        -> OutputFormat
    {
        if let earlier, earlier != format {
            throw CommandError(command, "two formats asked for, \(earlier.rawValue) and \(format.rawValue); give one")
        }
        return format
    }

    /// An option's value as an integer in `range`, or a message naming the option.
    func integer(_ option: String, in range: ClosedRange<Int>) throws(CommandError) -> Int? {
        guard let text = options[option] else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw CommandError(
                name, "\(option) expects a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }

    func expectNoArguments() throws(CommandError) {
        if let first = arguments.first {
            throw CommandError(name, "unexpected argument '\(first)'; '\(name)' takes none")
        }
    }
}
