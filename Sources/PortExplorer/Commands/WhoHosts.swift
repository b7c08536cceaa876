import PortListeners
import PortRegistry

/// `who --hosts`: over territories read from files, one line per port and transport — the
/// registered service, on how many hosts, which programs, which verdicts — so a class or a
/// fleet is read at a glance ("2991/tcp: python3 on 3 of 30 hosts — registered to wkstn-mon,
/// differs").
enum WhoHosts {
    struct PortKey: Hashable, Comparable {
        var port: UInt16
        var transport: SocketTransport

        static func < (a: PortKey, b: PortKey) -> Bool {
            (a.port, a.transport.rawValue) < (b.port, b.transport.rawValue)
        }
    }

    /// What the map says of one listener's owners on one port, judged once for every host
    /// where the same programs hold it (a fleet repeats itself).
    private struct JudgeKey: Hashable {
        var port: PortKey
        var processes: [String]
        var commands: [String]
    }

    /// One port's tally across hosts.
    struct Line: Sendable {
        var key: PortKey
        var registered: [String]
        var hosts: [String] = []
        /// Program → on how many hosts, in the order first seen.
        var programs: [(name: String, hosts: Int)] = []
        var verdicts: [(verdict: JoinedListener.Verdict, hosts: Int)] = []
    }

    static func run(
        _ hosts: [TerritoryHost], request: TerritoryRequest, filters: WhoFilters, registry: Registry, targets: [String],
        context: CommandContext?
    ) throws(CommandError) -> WhoHostsResult {
        var lines: [PortKey: Line] = [:]
        var judged: [JudgeKey: (JoinedListener.Verdict, [String])] = [:]
        for host in hosts {
            try context?.checkInterrupt()
            // What this host has on each port: its programs and verdicts, each once.
            var here: [PortKey: (programs: [String], verdicts: [JoinedListener.Verdict], registered: [String])] = [:]
            for listener in host.listeners where request.contains(listener) && filters.admits(listener) {
                let key = PortKey(port: listener.port, transport: listener.transport)
                let verdict: JoinedListener.Verdict
                let registered: [String]
                // A port registered to nothing is judged by its number alone: the owners
                // cannot change the verdict, so it is judged once for every host.
                let unowned = JudgeKey(port: key, processes: [], commands: [])
                if let known = judged[unowned] {
                    (verdict, registered) = known
                } else if registry.serviceNames(
                    onPort: listener.port, transport: listener.transport == .tcp ? .tcp : .udp
                ).isEmpty {
                    let joined = JoinedListener(
                        listener: Listener(
                            transport: listener.transport, address: "", port: listener.port, uid: 0, user: "", inode: 0,
                            v6Only: nil),
                        registry: registry)
                    (verdict, registered) = (joined.verdict, joined.registered)
                    judged[unowned] = (verdict, registered)
                } else if let known = judged[
                    JudgeKey(
                        port: key, processes: listener.owners.map(\.process), commands: listener.owners.map(\.command))]
                {
                    (verdict, registered) = known
                } else {
                    let joined = JoinedListener(listener: listener, registry: registry)
                    (verdict, registered) = (joined.verdict, joined.registered)
                    judged[
                        JudgeKey(
                            port: key, processes: listener.owners.map(\.process),
                            commands: listener.owners.map(\.command))] = (verdict, registered)
                }
                var entry = here[key] ?? ([], [], registered)
                let names = listener.owners.isEmpty ? ["(unseen)"] : listener.owners.map(\.process)
                for name in names where !entry.programs.contains(name) { entry.programs.append(name) }
                if !entry.verdicts.contains(verdict) { entry.verdicts.append(verdict) }
                here[key] = entry
            }
            for (key, entry) in here {
                // Mutated in place: a copy out of the dictionary would copy its host list each time.
                Self.tally(&lines[key, default: Line(key: key, registered: entry.registered)], host.name, entry)
            }
        }
        let sorted = lines.keys.sorted().map { key in
            var line = lines[key]!
            line.programs.sort { ($1.hosts, $0.name) < ($0.hosts, $1.name) }
            line.verdicts.sort { ($1.hosts, $0.verdict.rawValue) < ($0.hosts, $1.verdict.rawValue) }
            return line
        }
        return WhoHostsResult(lines: sorted, hostCount: hosts.count, targets: targets, filters: filters)
    }

    private static func tally(
        _ line: inout Line, _ host: String,
        _ entry: (programs: [String], verdicts: [JoinedListener.Verdict], registered: [String])
    ) {
        line.hosts.append(host)
        for name in entry.programs {
            if let at = line.programs.firstIndex(where: { $0.name == name }) {
                line.programs[at].hosts += 1
            } else {
                line.programs.append((name, 1))
            }
        }
        for verdict in entry.verdicts {
            if let at = line.verdicts.firstIndex(where: { $0.verdict == verdict }) {
                line.verdicts[at].hosts += 1
            } else {
                line.verdicts.append((verdict, 1))
            }
        }
    }
}

struct WhoHostsResult: CommandResult {
    let lines: [WhoHosts.Line]
    let hostCount: Int
    let targets: [String]
    let filters: WhoFilters

    /// `2991/tcp: python3 on 3 of 30 hosts — registered to wkstn-mon, differs`.
    static func sentence(_ line: WhoHosts.Line, of total: Int) -> String {
        let n = line.hosts.count
        let programs =
            line.programs.count == 1
            ? Visible.text(line.programs[0].name)
            : line.programs.map { "\(Visible.text($0.name)) (\($0.hosts))" }.joined(separator: ", ")
        var text =
            "\(line.key.port)/\(line.key.transport.rawValue): \(programs) on \(n) of \(total) host\(total == 1 ? "" : "s")"
        text += " — "
        text +=
            line.registered.isEmpty
            ? "registered to nothing" : "registered to \(Visible.text(line.registered.joined(separator: ", ")))"
        if line.verdicts.count == 1 {
            text += ", \(line.verdicts[0].verdict.rawValue)"
        } else {
            text += "; " + line.verdicts.map { "\($0.verdict.rawValue) on \($0.hosts)" }.joined(separator: ", ")
        }
        return text
    }

    func text(_ context: TextContext) -> String {
        guard !lines.isEmpty else {
            return
                "Nothing listens on \(targets.isEmpty ? "any port" : targets.map(Visible.typed).joined(separator: ", ")) on the \(hostCount) host\(hostCount == 1 ? "" : "s")."
        }
        // A fleet gives tens of thousands of lines: one the wrap would give back unchanged is
        // taken as it is, without splitting it into words.
        var out = ""
        out.reserveCapacity(lines.count * 72)
        for (i, line) in lines.enumerated() {
            if i > 0 { out += "\n" }
            let sentence = Self.sentence(line, of: hostCount)
            out +=
                Wrap.keepsWhole(sentence, width: context.width) ? sentence : Wrap.text(sentence, width: context.width)
        }
        out +=
            "\n\n"
            + "\(lines.count) port\(lines.count == 1 ? "" : "s") across \(hostCount) host\(hostCount == 1 ? "" : "s")"
        if !filters.isEmpty { out += " (\(filters.described))" }
        return out + "."
    }

    var json: [String: JSON] {
        var out: [String: JSON] = [
            "hosts": .int(hostCount),
            "ports": .array(
                lines.map { line in
                    .fields([
                        ("port", .int(Int(line.key.port))), ("transport", .string(line.key.transport.rawValue)),
                        ("hosts", .int(line.hosts.count)), ("of", .int(hostCount)),
                        ("registered", .strings(line.registered)),
                        (
                            "programs",
                            .array(
                                line.programs.map { .fields([("name", .string($0.name)), ("hosts", .int($0.hosts))]) })
                        ),
                        (
                            "verdicts",
                            .array(
                                line.verdicts.map {
                                    .fields([("verdict", .string($0.verdict.rawValue)), ("hosts", .int($0.hosts))])
                                })
                        ),
                        ("hostNames", .strings(line.hosts)),
                    ])
                }),
            "filters": filters.json,
        ]
        if !targets.isEmpty { out["query"] = .string(targets.joined(separator: " ")) }
        return out
    }

    var table: ResultTable? {
        var table = ResultTable(columns: [
            "port", "transport", "hosts", "of", "registered", "programs", "verdicts", "hostNames",
        ])
        for line in lines {
            table.rows.append([
                String(line.key.port), line.key.transport.rawValue, String(line.hosts.count), String(hostCount),
                line.registered.joined(separator: ";"),
                line.programs.map { "\($0.name):\($0.hosts)" }.joined(separator: ";"),
                line.verdicts.map { "\($0.verdict.rawValue):\($0.hosts)" }.joined(separator: ";"),
                line.hosts.joined(separator: ";"),
            ])
        }
        return table
    }
}
