extension CommandSpec {
    static let diff = CommandSpec(
        name: "diff",
        synopsis: "[OLD [NEW]]",
        summary: "What appeared, disappeared and changed since a snapshot",
        help: """
            Compares two looks at the territory and says, one sentence each, which listeners \
            are new, which are gone, and which changed owner, address, IPv6-only setting or \
            verdict. OLD and NEW are each a saved baseline's NAME ('snapshot --save NAME') or \
            a snapshot FILE; with only OLD, it is compared with this host now; with neither, \
            the newest saved baseline is.

            A listener is the same one across the two when it has the same network namespace, \
            transport, port and address family (IPv4 or IPv6) and the same address; if one \
            such listener is left on each side, it moved to another address. So a new process \
            on the same port is a changed owner, not one gone and one new.

            The exit status is that of diff(1): 0 when nothing changed, 1 when something did, \
            2 when the two could not be compared (a file missing, damaged, not a snapshot, \
            too large, or from a newer porthole) — in scripts too, where porthole ends with the \
            highest status of its commands. A word with a '/' or ending in .json is always a \
            file.

            With territories loaded ('territory add', --territory), 'diff BASELINE' compares each \
            host read from files with the host of the same name in BASELINE, a file or folder of \
            territories read the same way (the newer of two files naming one host wins): what is \
            new, gone and changed per host, and hosts only on one side ('new host', 'host gone'). \
            Both sides are judged against the active registry.

              diff
              diff before-upgrade
              diff monday.json tuesday.json
              diff nightly --json
              diff lab-monday/        (with territories loaded)
            """,
        statuses: .comparison,
        run: { invocation, context throws(CommandError) in try Diff.run(invocation, context) }
    )
}

enum Diff {
    /// One side of the comparison, as the text names it.
    struct Side: Sendable {
        let snapshot: TerritorySnapshot
        /// `baseline 'nightly'`, `'/tmp/a.json'` or `this host now`.
        let label: String
        let location: SnapshotLocation?
    }

    static func run(_ invocation: Invocation, _ context: CommandContext) throws(CommandError) -> any CommandResult {
        if !context.maps.territories.isEmpty { return try DiffHosts.run(invocation, context) }
        if invocation.arguments.count > 2 {
            throw CommandError("diff", "unexpected argument '\(invocation.arguments[2])'; it compares OLD with NEW")
        }
        let saved = try context.host.savedSnapshots()
        let oldLocation: SnapshotLocation
        if let word = invocation.arguments.first {
            oldLocation = location(of: word, saved: saved)
        } else {
            guard let newest = saved.first else {
                throw CommandError(
                    "diff", problem: "there is no saved baseline to compare with; 'snapshot --save NAME' keeps one",
                    kind: .unavailable)
            }
            oldLocation = .saved(newest.name)
        }
        let old = try read(oldLocation, context)
        let new: Side
        if invocation.arguments.count == 2 {
            new = try read(location(of: invocation.arguments[1], saved: saved), context)
        } else {
            let live = try TerritorySnapshot.capture(context, allNetworkNamespaces: old.snapshot.allNetworkNamespaces)
            new = Side(snapshot: live, label: "this host now", location: nil)
        }
        return DiffResult(
            old: old, new: new, diff: TerritoryDiff(old: old.snapshot.listeners, new: new.snapshot.listeners))
    }

    /// A word that could be a baseline's name and is one is that baseline; anything else
    /// (a path, `x.json`, a name nothing is saved under) is a file.
    static func location(of word: String, saved: [SavedSnapshot]) -> SnapshotLocation {
        if !word.contains("/"), !word.hasSuffix(".json"), SnapshotName.isValid(word),
            saved.contains(where: { $0.name == word })
        {
            return .saved(word)
        }
        return .file(word)
    }

    static func label(_ location: SnapshotLocation) -> String {
        switch location {
        case .saved(let name): "baseline '\(name)'"
        case .file(let path): "'\(path)'"
        }
    }

    /// Reads and decodes one side; every way it can fail is one error naming the file.
    static func read(_ location: SnapshotLocation, _ context: CommandContext) throws(CommandError) -> Side {
        let bytes: [UInt8]
        do throws(CommandError) {
            bytes = try context.host.readSnapshot(location, limit: TerritorySnapshot.maximumBytes)
        } catch  where error.kind != .interrupted {
            var hint: String?
            if case .file(let word) = location, SnapshotName.isValid(word), error.problem.hasPrefix("cannot read") {
                hint = "nor is a baseline saved under that name; 'snapshot --list' shows them"
            }
            throw CommandError("diff", problem: error.problem, kind: .unavailable, hint: hint)
        }
        do throws(TerritorySnapshot.ReadError) {
            return Side(snapshot: try TerritorySnapshot.decode(bytes), label: label(location), location: location)
        } catch {
            throw CommandError("diff", problem: "\(label(location)) \(error.message)", kind: .unavailable)
        }
    }
}

struct DiffResult: CommandResult {
    let old: Diff.Side
    let new: Diff.Side
    let diff: TerritoryDiff

    var foundDifferences: Bool { !diff.changes.isEmpty }

    private static func described(_ side: Diff.Side) -> String {
        let when = Timestamp.iso8601(side.snapshot.takenAt)
        return "\(Visible.typed(side.label)) (\(Visible.text(side.snapshot.machine.hostName)), \(when))"
    }

    func text(_ context: TextContext) -> String {
        var blocks = [
            Wrap.text("Compared \(Self.described(old)) with \(Self.described(new)).", width: context.width)
        ]
        if !diff.changes.isEmpty {
            blocks.append(
                diff.changes.map { Wrap.text(TerritoryDiff.sentence($0), width: context.width) }.joined(
                    separator: "\n"))
        }
        if diff.changes.isEmpty {
            let n = diff.unchanged
            blocks.append(
                Wrap.text(
                    "No change: the same \(n) listener\(n == 1 ? "" : "s"), with the same owners, addresses and verdicts.",
                    width: context.width))
        } else {
            blocks.append(
                "\(diff.added) new, \(diff.removed) gone, \(diff.changed) changed, \(diff.unchanged) the same.")
        }
        let notes = self.notes
        if !notes.isEmpty {
            blocks.append(
                notes.map { context.dim(Wrap.text("note: " + $0, width: context.width)) }.joined(separator: "\n"))
        }
        return blocks.joined(separator: "\n\n")
    }

    /// What a reader should know before trusting the changes.
    var notes: [String] {
        var notes: [String] = []
        let a = old.snapshot
        let b = new.snapshot
        if let x = a.machine.machineID, let y = b.machine.machineID, x != y {
            notes.append(
                "the two are of different machines (\(Visible.text(a.machine.hostName)) and \(Visible.text(b.machine.hostName)))"
            )
        }
        if a.registry.updated != b.registry.updated {
            notes.append(
                "the verdicts come from different registries (\(a.registry.updated ?? "undated") and \(b.registry.updated ?? "undated")), so a verdict may change with the map alone"
            )
        }
        if a.allNetworkNamespaces != b.allNetworkNamespaces {
            notes.append("only one of the two searched every network namespace (--all-netns)")
        }
        return notes
    }

    private static func sideJSON(_ side: Diff.Side) -> JSON {
        var source: JSON = "live"
        var path: JSON = .null
        switch side.location {
        case .saved(let name)?:
            source = "baseline"
            path = .string(name)
        case .file(let file)?:
            source = "file"
            path = .string(file)
        case nil: break
        }
        return .fields([
            ("source", source), ("name", path), ("takenAt", .string(Timestamp.iso8601(side.snapshot.takenAt))),
            ("host", .string(side.snapshot.machine.hostName)),
            ("machineId", .optional(side.snapshot.machine.machineID)),
            ("version", .int(side.snapshot.version)), ("listeners", .int(side.snapshot.listeners.count)),
        ])
    }

    var json: [String: JSON] {
        [
            "old": Self.sideJSON(old), "new": Self.sideJSON(new),
            "changes": .array(diff.changes.map(TerritoryDiff.json)),
            "summary": .fields([
                ("added", .int(diff.added)), ("removed", .int(diff.removed)), ("changed", .int(diff.changed)),
                ("unchanged", .int(diff.unchanged)),
            ]),
            "differences": .bool(foundDifferences),
            "notes": .strings(notes),
        ]
    }
}
