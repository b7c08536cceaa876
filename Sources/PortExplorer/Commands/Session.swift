import PortRegistry

// The built-in commands that change or describe the session itself.

extension CommandSpec {
    static let set = CommandSpec(
        name: "set",
        synopsis: "format text|json | color auto|always|never",
        summary: "Change the output format or colour for the rest of the session",
        help: """
            'set format json' prints one JSON object per command, on its own line (JSON Lines); \
            'set format text' returns to tables. 'set color never' turns colour off; 'auto' colours \
            only on a terminal and never when NO_COLOR is set. Without arguments, shows the settings.

              set format json
              set color never
            """,
        completion: { previous in
            switch previous.count {
            case 0: [.words(["format", "color"])]
            case 1 where previous[0] == "format": [.words(OutputFormat.allCases.map(\.rawValue))]
            case 1 where previous[0] == "color": [.words(ColorMode.allCases.map(\.rawValue))]
            default: []
            }
        },
        run: { invocation, explorer throws(CommandError) in
            let args = invocation.arguments
            if args.isEmpty {
                return SettingsResult(format: explorer.format, color: explorer.color, changed: nil)
            }
            guard args.count == 2 else {
                throw CommandError("set: expected a setting and a value, e.g. 'set format json'")
            }
            switch args[0].lowercased() {
            case "format":
                guard let value = OutputFormat(rawValue: args[1].lowercased()) else {
                    throw CommandError("set format: expected text or json, not '\(args[1])'")
                }
                explorer.format = value
            case "color", "colour":
                guard let value = ColorMode(rawValue: args[1].lowercased()) else {
                    throw CommandError("set color: expected auto, always or never, not '\(args[1])'")
                }
                explorer.color = value
            default:
                throw CommandError("set: unknown setting '\(args[0])'; the settings are format and color")
            }
            return SettingsResult(format: explorer.format, color: explorer.color, changed: args[0].lowercased())
        }
    )

    static let history = CommandSpec(
        name: "history",
        synopsis: "",
        summary: "Show the commands typed in this and earlier interactive sessions",
        help: """
            Lists the saved history, oldest first. History is kept only for interactive sessions, \
            in $XDG_STATE_HOME/porthole/history (mode 0600); piped and one-shot commands are never saved.
            """,
        run: { invocation, explorer throws(CommandError) in
            try invocation.expectNoArguments()
            guard explorer.environment.input == .interactive, let entries = explorer.historyProvider?() else {
                throw CommandError("history: only interactive sessions keep history; piped and one-shot commands are not saved")
            }
            return HistoryResult(entries: entries)
        }
    )

    static let version = CommandSpec(
        name: "version",
        synopsis: "",
        summary: "Show porthole's version and the registry it answers from",
        help: "Prints porthole's version, and which registry is active, with its date.",
        run: { invocation, explorer throws(CommandError) in
            try invocation.expectNoArguments()
            let source = try? explorer.registry().registry.source
            return VersionResult(version: PortholeVersion.current, source: source)
        }
    )

    static let quit = CommandSpec(
        name: "quit",
        aliases: ["exit"],
        synopsis: "",
        summary: "Leave porthole (Ctrl-D does the same)",
        help: "Ends the session; history is saved first.",
        run: { invocation, _ throws(CommandError) in
            try invocation.expectNoArguments()
            return QuitResult()
        }
    )
}

struct SettingsResult: CommandResult {
    let format: OutputFormat
    let color: ColorMode
    let changed: String?

    func text(_ context: TextContext) -> String {
        switch changed {
        case "format": "format is now \(format.rawValue)"
        case "color", "colour": "color is now \(color.rawValue)"
        default: "format \(format.rawValue)\ncolor  \(color.rawValue)"
        }
    }

    var json: [String: JSON] { ["format": .string(format.rawValue), "color": .string(color.rawValue)] }
}

struct HistoryResult: CommandResult {
    let entries: [String]

    func text(_ context: TextContext) -> String {
        var table = Table()
        table.rightAligned = [0]
        for (i, entry) in entries.enumerated() { table.add([String(i + 1), entry]) }
        return entries.isEmpty ? "no history yet" : table.render(context)
    }

    var json: [String: JSON] { ["history": .strings(entries)] }
}

struct VersionResult: CommandResult {
    let version: String
    let source: RegistrySource?

    func text(_ context: TextContext) -> String {
        var line = "porthole \(version)"
        if let source { line += "\nregistry: " + source.summary }
        return line
    }

    var json: [String: JSON] {
        var out: [String: JSON] = ["version": .string(version)]
        if let source { out["source"] = source.json }
        return out
    }
}

struct QuitResult: CommandResult {
    func text(_ context: TextContext) -> String { "" }
    var json: [String: JSON] { [:] }
}
