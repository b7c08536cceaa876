import PortListeners
import PortRegistry

/// How output is written: aligned text for people, JSON Lines for scripts.
public enum OutputFormat: String, Sendable, CaseIterable {
    case text, json
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

/// The facts about porthole's surroundings that commands and rendering depend on.
public struct ExplorerEnvironment: Sendable {
    public var input: InputMode
    public var stdoutIsTerminal: Bool
    /// `NO_COLOR` is set (https://no-color.org), or `TERM` is `dumb`.
    public var colorForbidden: Bool
    /// The terminal's width now, or nil when stdout is not a terminal.
    public var terminalWidth: @Sendable () -> Int?
    public var today: Day
    /// Process environment, for XDG paths and `PORTHOLE_REGISTRY`.
    public var variables: [String: String]

    public init(
        input: InputMode, stdoutIsTerminal: Bool = false, colorForbidden: Bool = false,
        terminalWidth: @escaping @Sendable () -> Int? = { nil }, today: Day = Day(year: 2026, month: 1, day: 1)!,
        variables: [String: String] = [:]
    ) {
        self.input = input
        self.stdoutIsTerminal = stdoutIsTerminal
        self.colorForbidden = colorForbidden
        self.terminalWidth = terminalWidth
        self.today = today
        self.variables = variables
    }
}

/// The registry a session answers from, with anything worth telling the user once.
public struct LoadedRegistry: Sendable {
    public let registry: Registry
    /// E.g. a corrupted cached copy that was skipped.
    public let warnings: [String]
    private let encodedSource = Memo<JSON>()

    public init(registry: Registry, warnings: [String] = []) {
        self.registry = registry
        self.warnings = warnings
    }

    /// The registry's `source` object, encoded on first use and then kept: every
    /// `lookup --json` line carries it, and text output never needs it.
    public var sourceJSON: JSON {
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

/// One porthole session: settings, the map (loaded on first use), and the command table.
/// A line goes in, typed outcomes come out; nothing here touches the terminal.
public final class Explorer {
    public var format: OutputFormat
    public var color: ColorMode
    public let environment: ExplorerEnvironment
    public let commands: [CommandSpec]

    /// The interactive line editor's history, when there is one.
    public var historyProvider: (() -> [String])?
    /// Set by the terminal layer when the user pressed Ctrl-C during a command.
    public var isInterrupted: () -> Bool = { false }

    private let loadRegistry: () throws(CommandError) -> LoadedRegistry
    private let loadOtherMaps: () -> OtherMaps
    private var otherMapsCache: OtherMaps?
    private var loaded: Result<LoadedRegistry, CommandError>?
    private var pendingWarnings: [String] = []

    public init(
        environment: ExplorerEnvironment,
        format: OutputFormat = .text,
        color: ColorMode = .auto,
        registry: @escaping () throws(CommandError) -> LoadedRegistry,
        otherMaps: @escaping () -> OtherMaps = { OtherMaps() }
    ) {
        self.loadOtherMaps = otherMaps
        self.environment = environment
        self.format = format
        self.color = color
        self.loadRegistry = registry
        self.commands = CommandTable.all
    }

    /// The active registry; loaded once, on first use, so commands that don't need the map
    /// don't pay for it.
    public func registry() throws(CommandError) -> LoadedRegistry {
        if let loaded { return try loaded.get() }
        do {
            let value = try loadRegistry()
            loaded = .success(value)
            pendingWarnings += value.warnings
            return value
        } catch {
            loaded = .failure(error)
            throw error
        }
    }

    /// Drops the loaded registry so the next use reads it again (after `update`).
    public func forgetRegistry() {
        loaded = nil
    }

    /// This host's services(5) and nmap-services, read once, on first use.
    public func otherMaps() -> OtherMaps {
        if let otherMapsCache { return otherMapsCache }
        let maps = loadOtherMaps()
        otherMapsCache = maps
        return maps
    }

    /// Warnings not yet shown (each is shown once).
    public func takeWarnings() -> [String] {
        defer { pendingWarnings = [] }
        return pendingWarnings
    }

    /// The command declared under this name or alias.
    public func command(named name: String) -> CommandSpec? {
        let lowered = name.lowercased()
        return commands.first { $0.name == lowered || $0.aliases.contains(lowered) }
    }

    /// Runs every command on a line.
    public func evaluate(_ line: String) -> [Outcome] {
        let commandWords: [[String]]
        do {
            commandWords = try Tokenizer.commands(in: line)
        } catch {
            let first = line.split(separator: " ").first.map(String.init) ?? ""
            return [Outcome(command: first, result: .failure(error))]
        }
        var outcomes: [Outcome] = []
        for words in commandWords {
            let outcome = run(words)
            outcomes.append(outcome)
            if outcome.quits { break }
        }
        return outcomes
    }

    /// Runs one command given as words.
    public func run(_ words: [String]) -> Outcome {
        // An empty or blank word (`porthole ''`) names no command; no suggestion fits it.
        guard let first = words.first, !first.allSatisfy(\.isWhitespace) else {
            return Outcome(command: "", result: .failure(CommandError("empty command")))
        }
        guard let spec = command(named: first) else {
            let names = commands.flatMap { [$0.name] + $0.aliases }
            return Outcome(command: first, result: .failure(.unknownCommand(first, candidates: names)))
        }
        do {
            let invocation = try Invocation(spec: spec, words: words.dropFirst())
            let result = try spec.run(invocation, self)
            return Outcome(command: spec.name, result: .success(result), quits: result is QuitResult)
        } catch {
            return Outcome(command: spec.name, result: .failure(error))
        }
    }

    /// Whether text output is coloured now.
    public var colorsText: Bool {
        switch color {
        case .always: true
        case .never: false
        case .auto: environment.stdoutIsTerminal && !environment.colorForbidden
        }
    }

    public var textContext: TextContext {
        TextContext(width: environment.terminalWidth() ?? 80, color: colorsText)
    }
}
