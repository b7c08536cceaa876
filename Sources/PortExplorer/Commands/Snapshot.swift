extension CommandSpec {
    static let snapshot = CommandSpec(
        name: "snapshot",
        synopsis: "[FILE | --save NAME | --list | --prometheus FILE] [--card] [--all-netns]",
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

            --prometheus FILE writes, instead of the document, the same look at the territory \
            in node_exporter's textfile-collector format (mode 0644, no pids or command lines): \
            porthole_listener_info per listener, porthole_listeners per verdict, the \
            registry's date and age and the snapshot's time. Point FILE into node_exporter's \
            --collector.textfile.directory, with a name ending in .prom.

            --card writes a class card: a short Markdown page (host, time, registry, every \
            listener with its verdict, the ghosts among them) and the same as JSON, which \
            carries the snapshot without command lines. Alone it prints the Markdown (--json: \
            the JSON); with FILE it writes FILE.card.md and FILE.card.json; with --save NAME \
            it keeps the baseline NAME and writes NAME.card.md and NAME.card.json beside it.

              snapshot --save before-upgrade
              snapshot /var/tmp/ports.json
              snapshot --list
              snapshot | jq '.listeners | length'
              snapshot --prometheus /var/lib/prometheus/node-exporter/porthole.prom
              snapshot --card lab3-alice
            """,
        options: [
            OptionSpec("--save", value: "NAME", help: "Keep it as a named baseline, for 'diff NAME'"),
            OptionSpec("--list", help: "List the saved baselines"),
            OptionSpec(
                "--prometheus", value: "FILE", help: "Write it for node_exporter's textfile collector instead"),
            OptionSpec("--card", help: "Write a class card: Markdown and JSON to hand in"),
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
        let prometheus = invocation.options["--prometheus"]
        let card = invocation.flags.contains("--card")
        if invocation.flags.contains("--list") {
            let others =
                [file, name.map { "--save \($0)" }, prometheus.map { "--prometheus \($0)" }, card ? "--card" : nil]
            if let other = others.compactMap({ $0 }).first {
                throw CommandError("snapshot", "--list writes nothing, so '\(other)' has no place beside it")
            }
            return try list(context)
        }
        if let prometheus {
            if let other = file ?? name.map({ "--save \($0)" }) ?? (card ? "--card" : nil) {
                throw CommandError(
                    "snapshot",
                    "--prometheus \(prometheus) writes only the metrics file; take '\(other)' in a second 'snapshot'")
            }
            if prometheus.isEmpty { throw CommandError("snapshot", "--prometheus needs a FILE that is not empty") }
        }
        if let file, let name {
            throw CommandError("snapshot", "give FILE ('\(file)') or --save \(name), not both")
        }
        if let name { try SnapshotName.check(name, command: "snapshot") }
        if let file, file.isEmpty { throw CommandError("snapshot", "FILE needs a name that is not empty") }
        let snapshot = try TerritorySnapshot.capture(
            context, allNetworkNamespaces: invocation.flags.contains("--all-netns"))
        do throws(CommandError) {
            if let prometheus {
                let text = PrometheusTextfile.text(snapshot)
                let path = try context.host.writeSnapshot(
                    Array(text.utf8), as: .prometheus, to: .file(prometheus))
                return PrometheusResult(snapshot: snapshot, path: path, text: text)
            }
            if card {
                return try writeCard(snapshot, file: file, name: name, context)
            }
            let location: SnapshotLocation
            if let name {
                location = .saved(name)
            } else if let file {
                location = .file(file)
            } else {
                return SnapshotResult(snapshot: snapshot, written: nil)
            }
            let path = try context.host.writeSnapshot(snapshot.bytes, to: location)
            return SnapshotResult(snapshot: snapshot, written: (location, path))
        } catch  where error.kind != .interrupted {
            throw CommandError("snapshot", problem: error.problem, kind: error.kind)
        }
    }

    /// The card printed, or written as FILE.card.md and FILE.card.json, or beside the baseline
    /// NAME (which is kept too, so the student can 'diff NAME' later). The JSON goes last: a
    /// folder of cards is read by their JSON, so one whose Markdown failed is not half there.
    static func writeCard(
        _ snapshot: TerritorySnapshot, file: String?, name: String?, _ context: CommandContext
    ) throws(CommandError) -> CardResult {
        let card = ClassCard(snapshot, registry: try context.registry(), maps: context.otherMaps())
        let host = context.host
        if let name {
            let baseline = try host.writeSnapshot(snapshot.bytes, to: .saved(name))
            let markdown = try host.writeSnapshot(Array(card.markdown.utf8), as: .cardMarkdown, to: .saved(name))
            let json = try host.writeSnapshot(card.bytes, as: .cardJSON, to: .saved(name))
            return CardResult(card: card, written: (markdown, json), baseline: (name, baseline))
        }
        if let file {
            let paths = ClassCard.paths(for: file)
            let markdown = try host.writeSnapshot(
                Array(card.markdown.utf8), as: .cardMarkdown, to: .file(paths.markdown))
            let json = try host.writeSnapshot(card.bytes, as: .cardJSON, to: .file(paths.json))
            return CardResult(card: card, written: (markdown, json), baseline: nil)
        }
        return CardResult(card: card, written: nil, baseline: nil)
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
        // `NAME.card.json` is a class card's file in the same folder, never a baseline.
        guard !name.hasSuffix(".card") else {
            throw CommandError(command, "\(rule); '\(name)' ends in '.card', which class cards' files use")
        }
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

/// `snapshot --prometheus FILE`: what was written where.
struct PrometheusResult: CommandResult {
    let snapshot: TerritorySnapshot
    let path: String
    /// The file's text, for the series count.
    let text: String

    var series: Int { PrometheusTextfile.listenerSeries(snapshot).count }

    func text(_ context: TextContext) -> String {
        let n = snapshot.listeners.count
        return Wrap.text(
            "Wrote \(n) listener\(n == 1 ? "" : "s") of \(Visible.text(snapshot.machine.hostName)) as \(series) "
                + "porthole_listener_info series, taken \(Timestamp.iso8601(snapshot.takenAt)), to "
                + "\(Visible.typed(path)) (node_exporter's textfile format)."
                + (path.hasSuffix(".prom")
                    ? "" : " node_exporter's textfile collector reads only files whose names end in .prom."),
            width: context.width)
    }

    var json: [String: JSON] {
        [
            "path": .string(path), "listeners": .int(snapshot.listeners.count), "series": .int(series),
            "takenAt": .string(Timestamp.iso8601(snapshot.takenAt)), "bytes": .int(text.utf8.count),
        ]
    }
}

/// `snapshot --card`: the Markdown printed, or the card's two files (and the baseline) written.
struct CardResult: CommandResult {
    let card: ClassCard
    let written: (markdown: String, json: String)?
    /// `--save NAME`: the name and the baseline's path.
    let baseline: (name: String, path: String)?

    func text(_ context: TextContext) -> String {
        guard let written else { return card.markdown }
        let n = card.snapshot.listeners.count
        let g = card.ghosts.count
        var sentence =
            "Wrote the class card of \(Visible.text(card.snapshot.machine.hostName)) (\(n) listener\(n == 1 ? "" : "s"), "
            + "\(g) on \(g == 1 ? "a ghost's port" : "ghosts' ports")) to \(Visible.typed(written.markdown)) and "
            + "\(Visible.typed(written.json))"
        if let baseline {
            sentence +=
                ", and kept the baseline '\(Visible.typed(baseline.name))' (\(Visible.typed(baseline.path))) for "
                + "'diff \(Visible.typed(baseline.name))'"
        }
        return Wrap.text(sentence + ".", width: context.width)
    }

    var json: [String: JSON] {
        guard let written else { return ["card": card.json] }
        var out: [String: JSON] = [
            "markdownPath": .string(written.markdown), "jsonPath": .string(written.json),
            "listeners": .int(card.snapshot.listeners.count), "ghosts": .int(card.ghosts.count),
            "takenAt": .string(Timestamp.iso8601(card.snapshot.takenAt)),
        ]
        if let baseline {
            out["name"] = .string(baseline.name)
            out["path"] = .string(baseline.path)
        }
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
