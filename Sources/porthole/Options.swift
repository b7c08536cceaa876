import PortExplorer

/// What the command line asked for, whichever parser read it.
struct Options: Equatable {
    var commands: String?
    var file: String?
    var json = false
    var color: ColorMode = .auto
    var bail = false
    var registry: String?
    var words: [String] = []
}

/// Reads the everyday command lines (`-c '…'`, `--json`, `lookup 2991`) without
/// swift-argument-parser, whose reflection costs about one hello-world start-up on its own
/// (measured with a seven-option program; see `scripts/bench lookup`).
///
/// `Porthole` stays the one declaration of the flags: it writes help, usage and every error.
/// This reader accepts only lines it is sure of and returns nil for anything else (help,
/// repeats, unknown or attached forms, a value that looks like a flag, conflicting sources),
/// and `FlagParityTests` checks that whatever it accepts, ArgumentParser reads the same way.
enum QuickFlags {
    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        // An array, not a Set: a first generic instantiation costs more at start-up than
        // this whole scan.
        var seen: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("-") else {
                // The first word starts the command; everything after it belongs to it.
                guard !argument.isEmpty else { return nil }
                options.words = Array(arguments[index...])
                break
            }
            let (name, attached) = split(argument)
            guard !seen.contains(name) else { return nil }
            seen.append(name)
            switch name {
            case "--json", "--bail":
                guard attached == nil else { return nil }
                if name == "--json" { options.json = true } else { options.bail = true }
                index += 1
                continue
            case "-c", "-f", "--color", "--registry":
                break
            default:
                return nil
            }
            let value: String
            if let attached {
                guard name.hasPrefix("--") else { return nil }
                value = attached
                index += 1
            } else {
                guard index + 1 < arguments.count, !arguments[index + 1].hasPrefix("-") else { return nil }
                value = arguments[index + 1]
                index += 2
            }
            switch name {
            case "-c": options.commands = value
            case "-f": options.file = value
            case "--registry": options.registry = value
            default:
                guard let color = ColorMode(rawValue: value) else { return nil }
                options.color = color
            }
        }
        let sources = [options.commands != nil, options.file != nil, !options.words.isEmpty].filter { $0 }.count
        return sources > 1 ? nil : options
    }

    /// `--name=value` → ("--name", "value"); anything else → (argument, nil).
    private static func split(_ argument: String) -> (String, String?) {
        guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }
}
