/// Every command porthole knows, in the order `help` lists them. A new command adds its
/// declaration here and its code in `Commands/NAME.swift`.
enum CommandTable {
    static let all: [CommandSpec] = [
        .lookup, .who, .ghosts, .stats, .update, .explain,
        .help, .set, .history, .version, .quit,
    ]
}

/// porthole's version, shown by `version`, `--version` and the banner.
public enum PortholeVersion {
    public static let current = "0.1.0"
}
