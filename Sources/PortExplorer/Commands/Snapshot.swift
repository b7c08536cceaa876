extension CommandSpec {
    static let snapshot = CommandSpec(
        name: "snapshot",
        synopsis: "[FILE | --save NAME | --list] [--all-netns]",
        summary: "Record what listens here as one JSON document, for 'diff'",
        help: """
            Writes what listens on this host as one self-describing JSON document: the format \
            and its version, the host's name, machine id, kernel and OS, the time (UTC), the \
            port settings (ephemeral range, unprivileged-port start, reserved ports), every \
            listener with its owners (pid, process, command line, user, start time), address, \
            IPv6-only setting, network namespace, the names registered on its port, verdict \
            and explanation, and the registry the verdicts come from. The README and \
            docs/snapshot.schema.json describe every field.

            Without FILE it prints the document. With FILE it writes it there; --save NAME \
            keeps it as a named baseline in $XDG_DATA_HOME/porthole/snapshots/NAME.json \
            (default ~/.local/share/porthole/snapshots), for 'diff NAME'. A NAME is 1 to 64 \
            letters, digits and - _ . + @, not starting with '.'. Files are written whole or \
            not at all (a temporary file, then rename), readable by you only, since command \
            lines can hold secrets. --list shows the saved baselines, newest first, with \
            their time, host and number of listeners. --all-netns (as root) also records every \
            other network namespace.

              snapshot --save before-upgrade
              snapshot /var/tmp/ports.json
              snapshot --list
              snapshot | jq '.listeners | length'
            """,
        options: [
            OptionSpec("--save", value: "NAME", help: "Keep it as a named baseline, for 'diff NAME'"),
            OptionSpec("--list", help: "List the saved baselines"),
            OptionSpec("--all-netns", help: "Also record every other network namespace (needs root)"),
        ],
        run: { invocation, context throws(CommandError) in try Snapshot.run(invocation, context) }
    )
}

enum Snapshot {
    static func run(_ invocation: Invocation, _ context: CommandContext) throws(CommandError) -> any CommandResult {
        let name = invocation.options["--save"]
        if invocation.arguments.count > 1 {
            throw CommandError("snapshot", "unexpected argument '\(invocation.arguments[1])'; give one FILE at most")
        }
        let file = invocation.arguments.first
        if invocation.flags.contains("--list") {
            if let other = file ?? name.map({ "--save \($0)" }) {
                throw CommandError("snapshot", "--list writes nothing, so '\(other)' has no place beside it")
            }
            return try list(context)
        }
        if let file, let name {
            throw CommandError("snapshot", "give FILE ('\(file)') or --save \(name), not both")
        }
        if let name { try SnapshotName.check(name, command: "snapshot") }
        if let file, file.isEmpty { throw CommandError("snapshot", "FILE needs a name that is not empty") }
        let snapshot = try TerritorySnapshot.capture(
            context, allNetworkNamespaces: invocation.flags.contains("--all-netns"))
        let location: SnapshotLocation
        if let name {
            location = .saved(name)
        } else if let file {
            location = .file(file)
        } else {
            return SnapshotResult(snapshot: snapshot, written: nil)
        }
        do throws(CommandError) {
            let path = try context.host.writeSnapshot(snapshot.bytes, to: location)
            return SnapshotResult(snapshot: snapshot, written: (location, path))
        } catch  where error.kind != .interrupted {
            throw CommandError("snapshot", problem: error.problem, kind: error.kind)
        }
    }

    /// Each saved baseline with its time, host and listeners; one that cannot be read is
    /// listed with the reason, not left out.
    static func list(_ context: CommandContext) throws(CommandError) -> SnapshotListResult {
        var rows: [SnapshotListResult.Row] = []
        for saved in try context.host.savedSnapshots() {
            try context.checkInterrupt()
            do throws(CommandError) {
                let bytes = try context.host.readSnapshot(
                    .saved(saved.name), limit: TerritorySnapshot.maximumBytes)
                do throws(TerritorySnapshot.ReadError) {
                    rows.append(.init(saved: saved, snapshot: try TerritorySnapshot.decode(bytes), problem: nil))
                } catch {
                    rows.append(.init(saved: saved, snapshot: nil, problem: error.message))
                }
            } catch  where error.kind != .interrupted {
                rows.append(.init(saved: saved, snapshot: nil, problem: error.problem))
            }
        }
        return SnapshotListResult(rows: rows)
    }
}

/// A baseline's name: it becomes a file name, so it may not climb out of the folder (`/`),
/// hide (leading `.`), or be long or strange enough to trouble a file system or a terminal.
enum SnapshotName {
    static let maximumLength = 64

    static func check(_ name: String, command: String) throws(CommandError) {
        let rule = "a baseline name is 1 to \(maximumLength) letters, digits and - _ . + @, not starting with '.'"
        guard !name.isEmpty else { throw CommandError(command, "\(rule); this one is empty") }
        guard name.count <= maximumLength else {
            throw CommandError(command, "\(rule); '\(name)' has \(name.count) characters")
        }
        guard !name.hasPrefix(".") else { throw CommandError(command, "\(rule); '\(name)' starts with '.'") }
        if let bad = name.first(where: { !($0.isLetter || $0.isNumber || "-_.+@".contains($0)) }) {
            let shown = bad == "/" ? "a '/'" : bad.isWhitespace ? "a space" : "'\(Visible.typed(String(bad)))'"
            throw CommandError(command, "\(rule); '\(name)' has \(shown)")
        }
    }

    /// Whether `word` could be a baseline's name (so `diff WORD` looks for one first).
    static func isValid(_ word: String) -> Bool {
        do throws(CommandError) {
            try check(word, command: "")
            return true
        } catch {
            return false
        }
    }
}

struct SnapshotResult: CommandResult {
    let snapshot: TerritorySnapshot
    /// Where it was written, and the path the host resolved; nil when printed.
    let written: (location: SnapshotLocation, path: String)?

    func text(_ context: TextContext) -> String {
        guard let written else { return snapshot.json.encoded }
        let n = snapshot.listeners.count
        let what = "\(n) listener\(n == 1 ? "" : "s") of \(Visible.text(snapshot.machine.hostName))"
        switch written.location {
        case .saved(let name):
            return Wrap.text(
                "Saved \(what) as baseline '\(Visible.typed(name))' (\(Visible.typed(written.path))); "
                    + "'diff \(Visible.typed(name))' compares this host with it.", width: context.width)
        case .file:
            return Wrap.text(
                "Wrote \(what), taken \(Timestamp.iso8601(snapshot.takenAt)), to \(Visible.typed(written.path)).",
                width: context.width)
        }
    }

    var json: [String: JSON] {
        guard let written else { return ["snapshot": snapshot.json] }
        var out: [String: JSON] = [
            "path": .string(written.path), "listeners": .int(snapshot.listeners.count),
            "takenAt": .string(Timestamp.iso8601(snapshot.takenAt)),
        ]
        if case .saved(let name) = written.location { out["name"] = .string(name) }
        return out
    }
}

struct SnapshotListResult: CommandResult {
    struct Row: Sendable {
        let saved: SavedSnapshot
        let snapshot: TerritorySnapshot?
        let problem: String?
    }

    let rows: [Row]

    func text(_ context: TextContext) -> String {
        guard !rows.isEmpty else {
            return Wrap.text("No saved baselines yet; 'snapshot --save NAME' keeps one.", width: context.width)
        }
        var table = Table(header: ["NAME", "TAKEN", "LISTENERS", "HOST"])
        table.rightAligned = [2]
        table.flexible = [3, 0]
        var problems: [String] = []
        for row in rows {
            if let snapshot = row.snapshot {
                table.add([
                    Visible.text(row.saved.name), Timestamp.iso8601(snapshot.takenAt), String(snapshot.listeners.count),
                    Visible.text(snapshot.machine.hostName),
                ])
            } else {
                table.add([Visible.text(row.saved.name), "—", "—", "unreadable"])
                problems.append(
                    Wrap.text(
                        "\(Visible.text(row.saved.name)): \(Visible.text(row.problem ?? ""))", width: context.width))
            }
        }
        return ([table.render(context)] + (problems.isEmpty ? [] : [problems.joined(separator: "\n")]))
            .joined(separator: "\n\n")
    }

    var table: ResultTable? {
        var table = ResultTable(columns: ["name", "path", "takenAt", "listeners", "host", "problem"])
        for row in rows {
            table.rows.append([
                row.saved.name, row.saved.path, row.snapshot.map { Timestamp.iso8601($0.takenAt) } ?? "",
                row.snapshot.map { String($0.listeners.count) } ?? "", row.snapshot?.machine.hostName ?? "",
                row.problem ?? "",
            ])
        }
        return table
    }

    var json: [String: JSON] {
        [
            "baselines": .array(
                rows.map { row in
                    .fields([
                        ("name", .string(row.saved.name)), ("path", .string(row.saved.path)),
                        ("takenAt", row.snapshot.map { .string(Timestamp.iso8601($0.takenAt)) } ?? .null),
                        ("listeners", row.snapshot.map { .int($0.listeners.count) } ?? .null),
                        ("host", .optional(row.snapshot?.machine.hostName)), ("problem", .optional(row.problem)),
                    ])
                })
        ]
    }
}
