/// Every command porthole knows, in the order `help` lists them. A new command adds its
/// declaration here and its code in `Commands/NAME.swift`.
enum CommandTable {
    static let all: [CommandSpec] = [
        .lookup, .who, .snapshot, .diff, .ghosts, .stats, .map, .update, .explain, .lesson, .quiz,
        .territory, .help, .set, .history, .version, .quit,
    ]

    /// The command declared under this name or alias, in any case.
    static func command(named name: String) -> CommandSpec? {
        let lowered = name.lowercased()
        return all.first { $0.name == lowered || $0.aliases.contains(lowered) }
    }
}

/// porthole's version, shown by `version`, `--version` and the banner.
public enum PortholeVersion {
    public static let current = "0.1.0"
}
