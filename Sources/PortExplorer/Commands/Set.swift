extension CommandSpec {
    static let set = CommandSpec(
        name: "set",
        synopsis: "format text|json|csv|tsv | color auto|always|never | pager on|off",
        summary: "Change the output format, colour or pager for the rest of the session",
        help: """
            'set format json' prints one JSON object per command, on its own line (JSON Lines); \
            'set format csv' and 'set format tsv' print each command's table (who's listeners, lookup's \
            records, ghosts' page, stats' counts, history, the command list) as CSV or TSV, and any \
            other answer as text; 'set format text' returns to aligned tables. 'set color never' turns \
            colour off; 'auto' colours only on a terminal and never when NO_COLOR is set. 'set pager off' \
            prints long answers at the prompt straight to the terminal instead of through $PAGER \
            (less -FRX when unset); scripts and pipes never page. Without arguments, shows the settings.

              set format json
              set format csv
              set color never
              set pager off
            """,
        completion: { previous in
            switch previous.count {
            case 0: [.words(["format", "color", "pager"])]
            case 1 where previous[0] == "format": [.words(OutputFormat.allCases.map(\.rawValue))]
            case 1 where previous[0] == "color": [.words(ColorMode.allCases.map(\.rawValue))]
            case 1 where previous[0] == "pager": [.words(["on", "off"])]
            default: []
            }
        },
        run: { invocation, context throws(CommandError) in
            let args = invocation.arguments
            if args.isEmpty {
                return SettingsResult(settings: context.settings, changed: nil)
            }
            guard args.count == 2 else {
                throw CommandError("set", "expected a setting and a value, e.g. 'set format json'")
            }
            var settings = context.settings
            let change: SessionEffect
            switch args[0].lowercased() {
            case "format":
                guard let value = OutputFormat(rawValue: args[1].lowercased()) else {
                    throw CommandError("set format", "expected text, json, csv or tsv, not '\(args[1])'")
                }
                settings.format = value
                change = .format(value)
            case "color", "colour":
                guard let value = ColorMode(rawValue: args[1].lowercased()) else {
                    throw CommandError("set color", "expected auto, always or never, not '\(args[1])'")
                }
                settings.color = value
                change = .color(value)
            case "pager":
                let value: Bool
                switch args[1].lowercased() {
                case "on": value = true
                case "off": value = false
                default: throw CommandError("set pager", "expected on or off, not '\(args[1])'")
                }
                settings.pager = value
                change = .pager(value)
            default:
                throw CommandError("set", "unknown setting '\(args[0])'; the settings are format, color and pager")
            }
            return SettingsResult(settings: settings, changed: change)
        }
    )
}

struct SettingsResult: CommandResult {
    let settings: Settings
    /// The change made, or nil when the settings were only shown.
    let changed: SessionEffect?

    var effect: SessionEffect { changed ?? .none }

    func text(_ context: TextContext) -> String {
        switch changed {
        case .format(let format): "format is now \(format.rawValue)"
        case .color(let color): "color is now \(color.rawValue)"
        case .pager(let on): "pager is now \(on ? "on" : "off")"
        default:
            "format \(settings.format.rawValue)\ncolor  \(settings.color.rawValue)\npager  \(settings.pager ? "on" : "off")"
        }
    }

    var json: [String: JSON] {
        [
            "format": .string(settings.format.rawValue), "color": .string(settings.color.rawValue),
            "pager": .bool(settings.pager),
        ]
    }
}
