import PortListeners
import PortRegistry

/// How output is written: aligned text for people, JSON Lines for scripts, and a command's
/// table as CSV (RFC 4180) or TSV for spreadsheets and `cut`.
public enum OutputFormat: String, Sendable, CaseIterable {
    case text, json, csv, tsv

    /// CSV or TSV: only a result's table is written.
    var isDelimited: Bool { self == .csv || self == .tsv }
}

/// When to colour text output.
public enum ColorMode: String, Sendable, CaseIterable {
    case auto, always, never
}

/// Where lines come from, which decides how errors are labelled.
public enum InputMode: Sendable, Equatable {
    /// Typed at the `porthole>` prompt.
    case interactive
    /// Read from a pipe or a `-f` file: errors carry the line number.
    case script
    /// `-c` or command words on porthole's own command line.
    case oneShot
}

/// The facts about porthole's terminal that rendering depends on.
public struct ExplorerEnvironment: Sendable {
    var input: InputMode
    var stdoutIsTerminal: Bool
    /// `NO_COLOR` is set (https://no-color.org), or `TERM` is `dumb`.
    var colorForbidden: Bool
    /// The locale is not UTF-8, or `TERM` is `dumb`: pictures are drawn in ASCII, since block
    /// and box-drawing characters would show as garbage there.
    var asciiOnly: Bool
    /// The terminal's width now, or nil when stdout is not a terminal.
    var terminalWidth: @Sendable () -> Int?

    public init(
        input: InputMode, stdoutIsTerminal: Bool = false, colorForbidden: Bool = false, asciiOnly: Bool = false,
        terminalWidth: @escaping @Sendable () -> Int? = { nil }
    ) {
        self.input = input
        self.stdoutIsTerminal = stdoutIsTerminal
        self.colorForbidden = colorForbidden
        self.asciiOnly = asciiOnly
        self.terminalWidth = terminalWidth
    }
}

/// The settings `set` changes for the rest of a session.
public struct Settings: Sendable, Equatable {
    var format: OutputFormat
    var color: ColorMode
    /// CSV and TSV start each table with its column names (`--no-header` turns this off).
    var header: Bool
    /// Long answers at the prompt go through `$PAGER` (only at the prompt, on a terminal).
    var pager: Bool

    public init(format: OutputFormat = .text, color: ColorMode = .auto, header: Bool = true, pager: Bool = true) {
        self.format = format
        self.color = color
        self.header = header
        self.pager = pager
    }
}

/// The registry a session answers from, with anything worth telling the user once.
public struct LoadedRegistry: Sendable {
    let registry: Registry
    /// E.g. a corrupted cached copy that was skipped.
    let warnings: [String]
    private let encodedSource = Memo<JSON>()

    public init(registry: Registry, warnings: [String] = []) {
        self.registry = registry
        self.warnings = warnings
    }

    /// The registry's `source` object, encoded on first use and then kept: every
    /// `lookup --json` line carries it, and text output never needs it.
    var sourceJSON: JSON {
        encodedSource.value { registry.source.json.preEncoded }
    }
}

/// A value computed on first use and kept, for immutable values.
final class Memo<Value>: @unchecked Sendable {
    private var stored: Value?

    func value(_ make: () -> Value) -> Value {
        if let stored { return stored }
        let made = make()
        stored = made
        return made
    }
}

/// The maps a session has loaded from its host: each loaded once, on first use, so commands
/// that don't need a map don't pay for it.
final class LoadedMaps {
    let host: any Host
    private var registry: Result<LoadedRegistry, CommandError>?
    private var otherMaps: OtherMaps?
    /// Warnings not yet shown (each is shown once).
    var pendingWarnings: [String] = []
    /// Hosts read from files (`--territory`, `territory add`); when any are, territory
    /// commands answer from them instead of this host's live sockets.
    let territories = Territories()

    init(host: any Host) { self.host = host }

    func loadedRegistry() throws(CommandError) -> LoadedRegistry {
        if let registry { return try registry.get() }
        do {
            let value = try host.loadRegistry()
            registry = .success(value)
            pendingWarnings += value.warnings
            return value
        } catch {
            registry = .failure(error)
            throw error
        }
    }

    func others() -> OtherMaps {
        if let otherMaps { return otherMaps }
        let maps = host.loadOtherMaps()
        otherMaps = maps
        return maps
    }

    /// After `update`: the next use reads the registry again.
    func forgetRegistry() { registry = nil }
}

/// One porthole session: settings, the maps it loaded, and the command table. A line goes
/// in, typed outcomes come out; nothing here touches the terminal or the operating system.
public final class Explorer {
    private(set) var settings: Settings
    let environment: ExplorerEnvironment
    let commands: [CommandSpec]
    let maps: LoadedMaps
    /// The last answer `converse` wrote, kept until the next one replaces it: a one-shot run's
    /// answer (a survey of every registration) is then left to the process's exit with the
    /// rest of the session (`Launch`), not torn down object by object before it.
    private var lastAnswer: Outcome?
    /// The lesson or quiz under way: it is offered every line first.
    var activity: (any Activity)?
    /// An activity a command just began, for the conversation to start.
    private var begunActivity: (any Activity)?

    public init(host: any Host, environment: ExplorerEnvironment, settings: Settings = Settings()) {
        self.maps = LoadedMaps(host: host)
        self.environment = environment
        self.settings = settings
        self.commands = CommandTable.all
    }

    var host: any Host { maps.host }

    /// Keeps `outcome` as the last answer, freeing the one before it.
    func keep(_ outcome: Outcome) { lastAnswer = outcome }

    /// Every command, in the order `help` lists them.
    public static var allCommands: [CommandSpec] { CommandTable.all }

    /// The active registry, loaded on first use.
    func registry() throws(CommandError) -> LoadedRegistry {
        try maps.loadedRegistry()
    }

    /// Reads territories for porthole's `--territory`, as `territory add` does: files that
    /// cannot be read become warnings shown before the first answer. Returns how many hosts
    /// were read, and the problems (so that a run where none could be read can stop).
    public func addTerritories(_ paths: [String]) -> (hosts: Int, problems: [String]) {
        let report = TerritoryLoading.add(paths, maps)
        if report.added.isEmpty { maps.pendingWarnings = [] }
        return (maps.territories.hosts.count, report.problems)
    }

    /// Warnings not yet shown (each is shown once).
    func takeWarnings() -> [String] {
        defer { maps.pendingWarnings = [] }
        return maps.pendingWarnings
    }

    /// The command declared under this name or alias.
    public func command(named name: String) -> CommandSpec? {
        CommandTable.command(named: name)
    }

    /// Runs every command on a line; a Ctrl-C stops the line.
    func evaluate(_ line: String) -> [Outcome] {
        let commandWords: [[String]]
        do {
            commandWords = try Tokenizer.commands(in: line)
        } catch {
            return [Self.unsplittable(line, error)]
        }
        var outcomes: [Outcome] = []
        for words in commandWords {
            let outcome = run(words)
            // A lesson or quiz needs the conversation's lines; evaluated alone, it only answers.
            _ = takeBegunActivity()
            outcomes.append(outcome)
            if outcome.quits || outcome.wasInterrupted { break }
        }
        return outcomes
    }

    /// A line that cannot be split into commands (an unterminated quote): one failed outcome,
    /// named after the line's first word.
    static func unsplittable(_ line: String, _ error: CommandError) -> Outcome {
        Outcome(command: line.split(separator: " ").first.map(String.init) ?? "", result: .failure(error))
    }

    /// Runs one command given as words, and applies what it asks of the session. A command
    /// that answers as it goes (`who --watch`) writes its partial answers to `transcript`.
    func run(_ words: [String], transcript: Transcript? = nil) -> Outcome {
        // An empty or blank word (`porthole ''`) names no command; no suggestion fits it.
        guard let first = words.first, !first.allSatisfy(\.isWhitespace) else {
            return Outcome(command: "", result: .failure(CommandError(problem: "empty command")))
        }
        guard let spec = command(named: first) else {
            let names = commands.flatMap { [$0.name] + $0.aliases }
            return Outcome(command: first, result: .failure(.unknownCommand(first, candidates: names)))
        }
        var failed = Outcome(command: spec.name, result: .failure(.interrupted))
        failed.failureStatus = spec.statuses.failure
        do throws(CommandError) {
            let invocation = try Invocation(spec: spec, words: words.dropFirst())
            var context = CommandContext(explorer: self, format: invocation.format ?? settings.format)
            context.parts = transcript.map {
                AnswerParts(
                    transcript: $0, command: spec.name, format: invocation.format,
                    header: invocation.noHeader ? false : nil)
            }
            let result =
                invocation.wantsHelp ? HelpResult(topic: spec, commands: commands) : try spec.run(invocation, context)
            if context.isInterrupted { throw CommandError.interrupted }
            apply(result.effect)
            var outcome = Outcome(
                command: spec.name, result: .success(result), quits: result.effect == .quit, format: invocation.format,
                header: invocation.noHeader ? false : nil)
            outcome.failureStatus = failed.failureStatus
            return outcome
        } catch {
            failed.result = .failure(error)
            return failed
        }
    }

    private func apply(_ effect: SessionEffect) {
        switch effect {
        case .none, .quit: break
        case .format(let format): settings.format = format
        case .color(let color): settings.color = color
        case .pager(let on): settings.pager = on
        case .reloadRegistry: maps.forgetRegistry()
        case .begin(let start): begunActivity = start.activity
        }
    }

    /// The activity a command began since the last call, if any.
    func takeBegunActivity() -> (any Activity)? {
        defer { begunActivity = nil }
        return begunActivity
    }

    /// Whether these words, given on porthole's own command line, begin a lesson or quiz that
    /// waits for the person's replies: from a terminal, porthole then keeps a prompt until it ends.
    public static func beginsActivity(_ words: [String]) -> Bool {
        guard let name = words.first, let spec = CommandTable.command(named: name) else { return false }
        do throws(CommandError) {
            let invocation = try Invocation(spec: spec, words: words.dropFirst())
            return !invocation.wantsHelp && spec.beginsActivity(invocation)
        } catch {
            return false
        }
    }

    /// Whether a lesson or quiz is under way.
    public var isInActivity: Bool { activity != nil }

    /// The prompt's word, without the `> `: `porthole`, or the lesson or quiz under way.
    public var promptLabel: String { activity?.prompt ?? "porthole" }

    /// Whether text output is coloured now.
    public var colorsText: Bool {
        switch settings.color {
        case .always: true
        case .never: false
        case .auto: environment.stdoutIsTerminal && !environment.colorForbidden
        }
    }

    /// Whether long answers should go through a pager now (`set pager`); the terminal
    /// decides whether there is one.
    public var pagesText: Bool { settings.pager }

    var textContext: TextContext {
        TextContext(
            width: environment.terminalWidth() ?? 80, color: colorsText, terminal: environment.stdoutIsTerminal,
            ascii: environment.asciiOnly)
    }
}

/// The transcript a running command writes parts of its answer to (`who --watch`), in the
/// format and with the header its own command asked for.
struct AnswerParts {
    let transcript: Transcript
    let command: String
    let format: OutputFormat?
    let header: Bool?

    /// Writes `part` now; false when the reader has gone and the command should stop.
    func emit(_ part: any CommandResult) -> Bool {
        let outcome = Outcome(command: command, result: .success(part), format: format, header: header, partial: true)
        return transcript.record(outcome) == .open
    }
}

/// What a command may use: its host's facts through the session's loaded maps, and the
/// settings it runs under. Commands get this, never the explorer itself.
struct CommandContext {
    let maps: LoadedMaps
    let settings: Settings
    let input: InputMode
    let stdoutIsTerminal: Bool
    let commands: [CommandSpec]

    init(explorer: Explorer, format: OutputFormat) {
        maps = explorer.maps
        var settings = explorer.settings
        settings.format = format
        self.settings = settings
        input = explorer.environment.input
        stdoutIsTerminal = explorer.environment.stdoutIsTerminal
        commands = explorer.commands
    }

    /// Where a command that answers as it goes writes its parts; nil when nothing reads as it
    /// goes (a command evaluated for its value alone).
    var parts: AnswerParts?

    var host: any Host { maps.host }

    func loadedRegistry() throws(CommandError) -> LoadedRegistry { try maps.loadedRegistry() }
    func registry() throws(CommandError) -> Registry { try maps.loadedRegistry().registry }
    func otherMaps() -> OtherMaps { maps.others() }
    var today: Day { host.today() }
    var isInterrupted: Bool { host.isInterrupted() }

    /// Ends the command when the user pressed Ctrl-C; long loops call it as they go.
    func checkInterrupt() throws(CommandError) {
        if host.isInterrupted() { throw .interrupted }
    }

    /// What a listener speaks, asked of the host (`--probe`).
    func probe(_ target: ProbeTarget) throws(CommandError) -> ProbeResult {
        try host.probe(target)
    }

    /// The territory on these ports and transports.
    public func listeners(_ request: TerritoryRequest) throws(CommandError) -> TerritoryScan {
        try host.listeners(request)
    }

    /// The facts beside the registry that the ghost rules and `explain` read: the other maps,
    /// the kernel's port settings, and the listeners on `ports` — nil scans every port, an
    /// empty list scans none. Scanning only the ports a command is about lets the host skip
    /// work on ports nobody asked about.
    func facts(listenersOn ports: [ClosedRange<UInt16>]?) throws(CommandError) -> HostFacts {
        let listeners: ListenerFacts
        if let ports, ports.isEmpty {
            listeners = .notLooked
        } else {
            do throws(CommandError) {
                let scan = try host.listeners(TerritoryRequest(ports: ports))
                listeners = .seen(scan.listeners.map(ListenerFact.init), source: scan.source, notes: scan.notes)
            } catch  where error.kind == .interrupted {
                throw error
            } catch {
                listeners = .unavailable(error.problem)
            }
        }
        return HostFacts(maps: otherMaps(), listeners: listeners, settings: host.portSettings())
    }
}
