import PortListeners
import PortRegistry

/// `diff BASELINE` while territories are loaded: each loaded host against the host of the same
/// name in BASELINE, a file or folder of territories read as `territory add` reads them (the
/// newer of two files naming one host wins). The loaded hosts are "now", BASELINE is "before";
/// both sides are judged against the active registry, so a verdict changes only with what
/// listens. Hosts are matched by name alone; within a host, listeners by diff's identity rule
/// (`TerritoryDiff`).
enum DiffHosts {
    static func run(_ invocation: Invocation, _ context: CommandContext) throws(CommandError) -> DiffHostsResult {
        guard invocation.arguments.count == 1, let path = invocation.arguments.first else {
            throw CommandError(
                "diff",
                "with territories loaded, diff compares each host with its baseline: give one BASELINE file or folder of territories (diff BASELINE), or 'territory clear' first"
            )
        }
        let files: [TerritoryFile]
        do throws(CommandError) {
            files = try context.host.readTerritory(path, limit: TerritoryReader.maximumBytes)
        } catch  where error.kind != .interrupted {
            throw CommandError("diff", problem: error.problem, kind: .unavailable)
        }
        let baseline = Territories()
        let report = baseline.add(files)
        if baseline.isEmpty {
            let why = report.problems.isEmpty ? "it holds no host" : report.problems.joined(separator: "; ")
            throw CommandError(
                "diff", problem: "no host could be read from the baseline '\(Visible.text(path))': \(why)",
                kind: .unavailable)
        }
        let registry = try context.registry()
        return DiffHostsResult(
            baselinePath: path, now: context.maps.territories.hosts, before: baseline.hosts, registry: registry,
            notes: report.problems + report.notes)
    }
}

struct DiffHostsResult: CommandResult {
    /// One host's comparison: in both (with its diff), only now, or only in the baseline.
    enum Outcome {
        case compared(TerritoryDiff)
        case new(listeners: Int)
        case gone(listeners: Int)
    }

    let baselinePath: String
    let hostsNow: Int
    let hostsBefore: Int
    let hosts: [(name: String, outcome: Outcome)]
    let notes: [String]

    init(baselinePath: String, now: [TerritoryHost], before: [TerritoryHost], registry: Registry, notes: [String]) {
        self.baselinePath = baselinePath
        hostsNow = now.count
        hostsBefore = before.count
        self.notes = notes
        func entries(_ host: TerritoryHost) -> [TerritorySnapshot.Entry] {
            host.listeners.map { TerritorySnapshot.Entry(JoinedListener(listener: $0, registry: registry)) }
        }
        var byName: [String: TerritoryHost] = [:]
        for host in before { byName[host.name] = host }
        var hosts: [(String, Outcome)] = []
        for host in now {
            if let old = byName.removeValue(forKey: host.name) {
                hosts.append((host.name, .compared(TerritoryDiff(old: entries(old), new: entries(host)))))
            } else {
                hosts.append((host.name, .new(listeners: host.listeners.count)))
            }
        }
        for host in before where byName[host.name] != nil {
            hosts.append((host.name, .gone(listeners: host.listeners.count)))
        }
        self.hosts = hosts
    }

    private var counts: (changed: Int, same: Int, new: Int, gone: Int) {
        var c = (changed: 0, same: 0, new: 0, gone: 0)
        for (_, outcome) in hosts {
            switch outcome {
            case .compared(let diff): if diff.changes.isEmpty { c.same += 1 } else { c.changed += 1 }
            case .new: c.new += 1
            case .gone: c.gone += 1
            }
        }
        return c
    }

    var foundDifferences: Bool {
        let c = counts
        return c.changed + c.new + c.gone > 0
    }

    private static func hosts(_ n: Int) -> String { "\(n) host\(n == 1 ? "" : "s")" }
    private static func listeners(_ n: Int) -> String { "\(n) listener\(n == 1 ? "" : "s")" }

    func text(_ context: TextContext) -> String {
        var blocks = [
            Wrap.text(
                "Compared the \(Self.hosts(hostsNow)) read from files ('territory list') with the baseline "
                    + "'\(Visible.text(baselinePath))' (\(Self.hosts(hostsBefore))), host by host.",
                width: context.width)
        ]
        var onlyOneSide: [String] = []
        for (name, outcome) in hosts {
            switch outcome {
            case .compared(let diff) where !diff.changes.isEmpty:
                var lines = [
                    context.accent(Visible.text(name))
                        + ": \(diff.added) new, \(diff.removed) gone, \(diff.changed) changed, \(diff.unchanged) the same"
                ]
                for change in diff.changes {
                    lines.append(
                        Wrap.fill(TerritoryDiff.sentence(change), width: context.width, first: "  ", rest: "    "))
                }
                blocks.append(lines.joined(separator: "\n"))
            case .compared: break
            case .new(let n):
                onlyOneSide.append("new host: \(Visible.text(name)) (\(Self.listeners(n)), not in the baseline)")
            case .gone(let n):
                onlyOneSide.append("host gone: \(Visible.text(name)) (\(Self.listeners(n)) in the baseline)")
            }
        }
        if !onlyOneSide.isEmpty {
            blocks.append(onlyOneSide.map { Wrap.text($0, width: context.width) }.joined(separator: "\n"))
        }
        let c = counts
        if foundDifferences {
            blocks.append(
                Wrap.text(
                    "\(c.changed) host\(c.changed == 1 ? "" : "s") changed, \(c.same) the same, \(c.new) new, \(c.gone) gone.",
                    width: context.width))
        } else {
            blocks.append(
                Wrap.text(
                    "No change on any of the \(Self.hosts(c.same)): the same listeners, with the same owners, addresses and verdicts.",
                    width: context.width))
        }
        if !notes.isEmpty {
            blocks.append(
                notes.map { context.dim(Wrap.text("note: " + $0, width: context.width)) }.joined(separator: "\n"))
        }
        return blocks.joined(separator: "\n\n")
    }

    var json: [String: JSON] {
        var changes: [JSON] = []
        var perHost: [JSON] = []
        for (name, outcome) in hosts {
            switch outcome {
            case .compared(let diff):
                for change in diff.changes {
                    var members: [(String, JSON)] = [("host", .string(name))]
                    if case .fields(let rest) = TerritoryDiff.json(change) {
                        members += rest.map { ($0.key, $0.value) }
                    }
                    changes.append(.fields(members))
                }
                perHost.append(
                    .fields([
                        ("host", .string(name)), ("status", .string(diff.changes.isEmpty ? "same" : "changed")),
                        ("added", .int(diff.added)), ("removed", .int(diff.removed)), ("changed", .int(diff.changed)),
                        ("unchanged", .int(diff.unchanged)),
                    ]))
            case .new(let n):
                perHost.append(.fields([("host", .string(name)), ("status", "new"), ("listeners", .int(n))]))
            case .gone(let n):
                perHost.append(.fields([("host", .string(name)), ("status", "gone"), ("listeners", .int(n))]))
            }
        }
        let c = counts
        return [
            "baseline": .fields([("path", .string(baselinePath)), ("hosts", .int(hostsBefore))]),
            "hostsRead": .int(hostsNow),
            "hosts": .array(perHost),
            "changes": .array(changes),
            "summary": .fields([
                ("changed", .int(c.changed)), ("same", .int(c.same)), ("new", .int(c.new)), ("gone", .int(c.gone)),
            ]),
            "differences": .bool(foundDifferences),
            "notes": .strings(notes),
        ]
    }
}
