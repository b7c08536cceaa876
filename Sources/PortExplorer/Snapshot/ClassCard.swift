import PortListeners
import PortRegistry

/// What a student hands in (`snapshot --card`): a short Markdown page — host, time, registry,
/// every listener with its verdict, and the ghosts among them — and the same as JSON, which
/// carries the whole snapshot document so the card reads back later as that host's territory.
///
/// The card goes to someone else, so its snapshot keeps each owner's process name, pid and user
/// but not the command line, which can hold secrets (passwords, tokens in arguments).
struct ClassCard: Sendable {
    /// The `format` field of the card's JSON.
    static let formatName = "porthole-card"
    static let currentVersion = 1

    /// A listener on a port whose registration is a ghost by the ghost rules.
    struct Ghost: Sendable {
        let entry: TerritorySnapshot.Entry
        /// The ghost registrations on its port and transport.
        let names: [String]
    }

    /// The snapshot as the card carries it: command lines left out.
    let snapshot: TerritorySnapshot
    let ghosts: [Ghost]
    /// `embedded IANA registry of 2025-12-15`.
    let registrySummary: String

    /// The card of `snapshot`, its listeners' registrations judged by the ghost rules with the
    /// other maps and the snapshot's own listeners as evidence (as `ghosts --listening` does).
    init(_ snapshot: TerritorySnapshot, registry: Registry, maps: OtherMaps) {
        var shared = snapshot
        for index in shared.listeners.indices {
            shared.listeners[index].listener.owners = shared.listeners[index].listener.owners.map { owner in
                var copy = SocketOwner(
                    pid: owner.pid, process: owner.process, command: "", uid: owner.uid, user: owner.user,
                    startedAt: owner.startedAt)
                copy.container = owner.container
                return copy
            }
        }
        self.snapshot = shared
        registrySummary = registry.source.summary
        let facts = HostFacts(
            maps: maps, listeners: .seen(snapshot.listeners.map { ListenerFact($0.listener) }, source: "", notes: []),
            settings: snapshot.settings)
        var ghosts: [Ghost] = []
        for entry in shared.listeners where !entry.registered.isEmpty {
            let transport: Transport = entry.listener.transport == .tcp ? .tcp : .udp
            let records = registry.records(onPort: entry.listener.port).filter {
                $0.transport == transport && $0.name != nil
            }
            let names = Registration.group(records)
                .filter { GhostRules.assess($0, facts: facts.ghostFacts(for: $0)).verdict == .ghost }
                .map(\.name)
            if !names.isEmpty { ghosts.append(Ghost(entry: entry, names: names)) }
        }
        self.ghosts = ghosts
    }

    /// Listeners per verdict, in `who`'s order of verdicts, leaving out the ones with none.
    var verdictCounts: [(String, Int)] {
        var counts: [String: Int] = [:]
        for entry in snapshot.listeners { counts[entry.verdict, default: 0] += 1 }
        let known = PrometheusTextfile.verdicts
        return (known + counts.keys.filter { !known.contains($0) }.sorted()).compactMap { verdict in
            counts[verdict].map { (verdict, $0) }
        }
    }

    // MARK: Markdown

    var markdown: String {
        let host = Self.md(snapshot.machine.hostName)
        let n = snapshot.listeners.count
        var lines = [
            "# Ports on \(host)", "",
            "- Host: \(host)" + (snapshot.machine.operatingSystem.map { " (\(Self.md($0)))" } ?? ""),
            "- Taken: \(Timestamp.iso8601(snapshot.takenAt))",
            "- Registry: \(Self.md(registrySummary))",
            "- Listeners: \(n)"
                + (n == 0 ? "" : " (" + verdictCounts.map { "\($0.1) \($0.0)" }.joined(separator: ", ") + ")"),
            "- Ghosts among them: \(ghosts.count)",
            "- Written by porthole \(Self.md(snapshot.writer))", "",
        ]
        if n == 0 {
            lines.append("Nothing was listening.")
        } else {
            lines += [
                "## Listeners", "",
                "| Port | Transport | Address | Process | User | Registered | Verdict |",
                "|---:|---|---|---|---|---|---|",
            ]
            for entry in snapshot.listeners {
                let l = entry.listener
                let owners = l.owners.map { "\(Self.md($0.process)) (pid \($0.pid))" }.joined(separator: ", ")
                lines.append(
                    "| \(l.port) | \(l.transport.rawValue) | \(Self.md(l.address)) | \(owners.isEmpty ? "—" : owners) | "
                        + "\(Self.md(l.user)) | \(entry.registered.isEmpty ? "—" : entry.registered.map(Self.md).joined(separator: ", ")) | "
                        + "\(Self.md(entry.verdict)) |")
            }
        }
        lines.append("")
        lines.append("## Ghosts among them")
        lines.append("")
        if ghosts.isEmpty {
            lines.append("No listener here sits on a ghost's port.")
        } else {
            for ghost in ghosts {
                let l = ghost.entry.listener
                let processes = l.owners.map { Self.md($0.process) }
                let holder = processes.isEmpty ? "a process porthole could not see" : processes.joined(separator: ", ")
                let one = ghost.names.count == 1
                lines.append(
                    "- \(l.port)/\(l.transport.rawValue) at \(Self.md(l.address)): \(holder) listens where the "
                        + "registry names \(ghost.names.map(Self.md).joined(separator: ", ")), "
                        + (one ? "a ghost" : "ghosts") + " (nothing behind "
                        + (one ? "it" : "them") + " but a name, a port and a contact); verdict "
                        + "\(Self.md(ghost.entry.verdict)).")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Outside text for Markdown: made visible as everywhere (`Visible.text`), then the
    /// characters Markdown would read as markup (a `|` ending a table cell, `*`, `_`, `[`, `<`…)
    /// escaped with a backslash, so a process name shows as itself.
    static func md(_ text: String) -> String {
        var out = ""
        for character in Visible.text(text) {
            if "\\`*_[]<>|~".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    // MARK: JSON

    var json: JSON {
        .fields([
            ("format", .string(Self.formatName)),
            ("version", .int(Self.currentVersion)),
            ("host", .string(snapshot.machine.hostName)),
            ("takenAt", .string(Timestamp.iso8601(snapshot.takenAt))),
            (
                "registry",
                .fields([("summary", .string(registrySummary)), ("updated", .optional(snapshot.registry.updated))])
            ),
            ("listeners", .int(snapshot.listeners.count)),
            ("verdicts", .fields(verdictCounts.map { ($0.0, .int($0.1)) })),
            (
                "ghosts",
                .array(
                    ghosts.map { ghost in
                        let l = ghost.entry.listener
                        return .fields([
                            ("port", .int(Int(l.port))), ("transport", .string(l.transport.rawValue)),
                            ("address", .string(l.address)), ("names", .strings(ghost.names)),
                            ("processes", .strings(l.owners.map(\.process))), ("verdict", .string(ghost.entry.verdict)),
                        ])
                    })
            ),
            ("markdown", .string(markdown)),
            ("snapshot", snapshot.json),
        ])
    }

    /// The JSON as a file holds it: one line and a newline.
    var bytes: [UInt8] { Array(json.line.utf8) }

    /// Where a card named FILE goes: `FILE.card.md` and `FILE.card.json`, after dropping a
    /// `.card.md`, `.card.json`, `.md` or `.json` already typed (`alice.md` → `alice.card.md`).
    static func paths(for file: String) -> (markdown: String, json: String) {
        var stem = Substring(file)
        for suffix in [".card.md", ".card.json", ".md", ".json"]
        where stem.hasSuffix(suffix) && stem.count > suffix.count {
            stem = stem.dropLast(suffix.count)
            break
        }
        return (stem + SnapshotForm.cardMarkdown.savedSuffix, stem + SnapshotForm.cardJSON.savedSuffix)
    }
}
