import PortListeners
import PortRegistry

extension CommandSpec {
    static let who = CommandSpec(
        name: "who",
        synopsis: "[PORT|NAME|LOW-HIGH] [tcp|udp] [--all-netns]",
        summary: "What listens on this host (the territory), joined with the map",
        help: """
            Lists listening TCP sockets and bound UDP sockets on this host, IPv4 and IPv6, with \
            the processes that hold them (every owner of a shared socket), and sets each beside \
            the registry: the names registered on its port and transport, and a verdict — \
            'matches' (the process looks like the registered service), 'differs' (the port is \
            registered to something else), 'unregistered', 'dynamic' (49152-65535, for \
            ephemeral and private use), or 'unknown' (the owner is not visible to this user).

            With a PORT, a service NAME (the ports registered to it) or a LOW-HIGH range, only \
            those ports; 'tcp' or 'udp' narrows the transport. When nothing listens, it says \
            what the registry expects there. Sockets whose owner this user may not see are still \
            listed, with their user and the reason. --all-netns (as root) also searches every \
            other network namespace (containers). porthole only reads: it never signals or \
            changes a process.

              who
              who 22
              who ssh tcp
              who 8000-9000
            """,
        options: [OptionSpec("--all-netns", help: "Also search every other network namespace (needs root)")],
        completion: { _ in [.words(["tcp", "udp"]), .serviceNames] },
        run: { invocation, context throws(CommandError) in try Who.run(invocation, context) }
    )
}

enum Who {
    static func run(_ invocation: Invocation, _ context: CommandContext) throws(CommandError) -> WhoResult {
        var transports: Set<SocketTransport> = []
        var target: (text: String, query: PortQuery)?
        for argument in invocation.arguments {
            if let t = SocketTransport(rawValue: argument.lowercased()) {
                transports.insert(t)
                continue
            }
            guard target == nil else {
                throw CommandError("who", "expected one port, name or range, got '\(target!.text)' and '\(argument)'")
            }
            let query = try PortQuery.parse(argument, command: "who")
            switch query {
            case .keyword:
                throw CommandError("who", "keywords search the registry; use 'lookup \(argument)' and then 'who PORT'")
            case .port(_, let t), .range(_, let t):
                if let t {
                    guard let s = SocketTransport(rawValue: t.rawValue) else {
                        throw CommandError("who", "porthole finds tcp and udp listeners, not \(t.rawValue)")
                    }
                    transports.insert(s)
                }
            case .name:
                break
            }
            target = (argument, query)
        }
        if transports.isEmpty { transports = [.tcp, .udp] }
        let registry = try context.registry()

        // The ports to scan: nil means all.
        var ports: [ClosedRange<UInt16>]?
        var registeredName: String?
        switch target?.query {
        case .port(let port, _): ports = [port...port]
        case .range(let range, _): ports = [range.lower...range.upper]
        case .name(let name):
            let records = registry.records(named: name).filter { $0.ports != nil }
            guard !records.isEmpty else {
                throw .unknown(
                    "who", "no service named '\(name)' in the registry", word: name,
                    candidates: registry.serviceNames(), maxDistance: 2
                )
            }
            registeredName = records[0].name
            ports = Array(Set(records.compactMap(\.ports))).sorted().map { $0.lower...$0.upper }
        case .keyword, nil: break
        }

        let request = TerritoryRequest(
            ports: ports, transports: transports, allNetworkNamespaces: invocation.flags.contains("--all-netns"))
        let scan: TerritoryScan
        do throws(CommandError) {
            scan = try context.listeners(request)
        } catch  where error.kind != .interrupted {
            throw CommandError("who", problem: error.problem, kind: .unavailable)
        }
        let listeners = scan.listeners
        let notes = scan.notes
        let source = scan.source
        let rows = listeners.map { JoinedListener(listener: $0, registry: registry) }
        var expected: [ServiceRecord] = []
        if rows.isEmpty, let target, case .port(let port, _) = target.query {
            expected = registry.records(onPort: port).filter { record in
                record.transport.map { t in transports.contains { $0.rawValue == t.rawValue } } ?? true
            }
        }
        return WhoResult(
            target: target?.text, registeredName: registeredName, transports: transports, rows: rows,
            expected: expected, notes: notes, socketSource: source, everything: target == nil
        )
    }
}

/// A listener set beside the map.
struct JoinedListener: Sendable {
    enum Verdict: String, Sendable {
        case matches, differs, unregistered, dynamic, unknown
    }

    let listener: Listener
    let registered: [String]
    let verdict: Verdict
    /// The verdict in a sentence: "the map says wkstn-mon; the territory says python3, pid 4242".
    let explanation: String

    init(listener: Listener, registry: Registry) {
        self.listener = listener
        let transport: Transport = listener.transport == .tcp ? .tcp : .udp
        let names = registry.serviceNames(onPort: listener.port, transport: transport)
        registered = names
        let owners = listener.owners.map { "\($0.process), pid \($0.pid)" }.joined(separator: "; ")
        if names.isEmpty {
            if RangeClass(port: listener.port) == .dynamic {
                verdict = .dynamic
                explanation = "dynamic range: for ephemeral and private use, never registered"
            } else {
                verdict = .unregistered
                explanation = "nothing is registered on \(listener.port)/\(listener.transport.rawValue)"
            }
        } else if listener.owners.isEmpty {
            verdict = .unknown
            explanation = "the map says \(names.joined(separator: ", ")); which process holds it is unknown"
        } else if listener.owners.contains(where: { owner in
            names.contains { ServiceMatch.looksLike(process: owner.process, command: owner.command, service: $0) }
        }) {
            verdict = .matches
            explanation = "the map says \(names.joined(separator: ", ")); \(owners) looks like it"
        } else {
            verdict = .differs
            explanation = "the map says \(names.joined(separator: ", ")); the territory says \(owners)"
        }
    }
}

struct WhoResult: CommandResult {
    let target: String?
    let registeredName: String?
    let transports: Set<SocketTransport>
    let rows: [JoinedListener]
    /// What the registry expects on an asked port where nothing listens.
    let expected: [ServiceRecord]
    let notes: [String]
    let socketSource: String
    /// `who` without arguments: ends with a summary.
    let everything: Bool

    private var transportWords: String {
        transports.count == 2 ? "tcp or udp" : transports.first!.rawValue
    }

    func text(_ context: TextContext) -> String {
        var blocks: [String] = []
        if rows.isEmpty {
            blocks.append(Wrap.text(nothingListening, width: context.width))
        } else {
            var table = Table(header: ["PROTO", "ADDRESS", "PORT", "PROCESS", "USER", "REGISTERED", "VERDICT"])
            table.rightAligned = [2]
            // Process, then registered names, addresses and users give way on a narrow
            // terminal; the verdict never does.
            table.flexible = [3, 5, 1, 4]
            // One pass: the table row, and a detail line for what needs a sentence
            // (shared sockets repeat theirs, so they are said once).
            var details: [String] = []
            var said = Set<String>()
            for row in rows {
                let l = row.listener
                var address = l.address
                if l.v6Only == false { address += " (+v4)" }
                let process =
                    l.owners.isEmpty
                    ? context.dim("?") : l.owners.map { "\($0.process)/\($0.pid)" }.joined(separator: ",")
                table.add([
                    l.transport.rawValue, address, String(l.port), process, l.user,
                    row.registered.isEmpty ? "—" : row.registered.joined(separator: ","), paint(row.verdict, context),
                ])
                var line: String
                if row.verdict == .differs || row.verdict == .unknown {
                    line = "\(l.port)/\(l.transport.rawValue): \(row.explanation)"
                    if let reason = l.ownerHiddenReason { line += " — \(reason)" }
                    if let ns = l.netns { line += " [\(ns)]" }
                } else if let ns = l.netns {
                    line = "\(l.port)/\(l.transport.rawValue) \(l.address): in \(ns)"
                } else {
                    continue
                }
                if said.insert(line).inserted { details.append(line) }
            }
            blocks.append(table.render(context))
            if !details.isEmpty {
                blocks.append(details.map { Wrap.text($0, width: context.width) }.joined(separator: "\n"))
            }
            if everything { blocks.append(Wrap.text(summaryText, width: context.width)) }
        }
        if !notes.isEmpty { blocks.append(notes.map { context.dim("note: " + $0) }.joined(separator: "\n")) }
        return blocks.joined(separator: "\n\n")
    }

    private func paint(_ verdict: JoinedListener.Verdict, _ context: TextContext) -> String {
        switch verdict {
        case .matches: context.good(verdict.rawValue)
        case .differs: context.warn(verdict.rawValue)
        case .unknown: context.dim(verdict.rawValue)
        case .unregistered, .dynamic: verdict.rawValue
        }
    }

    private var nothingListening: String {
        guard let target else { return "Nothing listens on \(transportWords) here." }
        var text = "Nothing listens on \(target) (\(transportWords)) here."
        if let registeredName {
            text = "Nothing listens on the ports registered to \(registeredName) (\(transportWords)) here."
        } else if !expected.isEmpty {
            let merged = MergedRecord.merge(expected)
            let named = merged.filter { $0.record.name != nil }
            if named.isEmpty {
                text +=
                    " The registry has it as \(merged.map(\.title).joined(separator: ", ")), so nothing is expected there."
            } else {
                let list = named.map { "\($0.title) (\($0.transportList))" }.joined(separator: ", ")
                text += " The registry expects \(list) there."
            }
        }
        return text
    }

    private var counts: (matches: Int, differs: Int, unregistered: Int, dynamic: Int, unknown: Int) {
        var c = (matches: 0, differs: 0, unregistered: 0, dynamic: 0, unknown: 0)
        for row in rows {
            switch row.verdict {
            case .matches: c.matches += 1
            case .differs: c.differs += 1
            case .unregistered: c.unregistered += 1
            case .dynamic: c.dynamic += 1
            case .unknown: c.unknown += 1
            }
        }
        return c
    }

    private var summaryText: String {
        let c = counts
        let n = rows.count
        var parts = ["\(n) listener\(n == 1 ? "" : "s")"]
        parts.append("\(c.differs) on ports registered to something else")
        parts.append("\(c.unregistered) on unregistered ports")
        parts.append("\(c.matches) matching the registry")
        if c.dynamic > 0 { parts.append("\(c.dynamic) in the dynamic range") }
        if c.unknown > 0 { parts.append("\(c.unknown) with owners not visible") }
        return parts.joined(separator: ", ") + "."
    }

    var json: [String: JSON] {
        var out: [String: JSON] = [
            "listeners": .array(
                rows.map { row in
                    let l = row.listener
                    var object: [String: JSON] = [
                        "transport": .string(l.transport.rawValue),
                        "address": .string(l.address),
                        "port": .int(Int(l.port)),
                        "uid": .int(Int(l.uid)),
                        "user": .string(l.user),
                        "inode": .int(Int(l.inode)),
                        "owners": .array(
                            l.owners.map { owner in
                                [
                                    "pid": .int(Int(owner.pid)), "process": .string(owner.process),
                                    "command": .string(owner.command),
                                    "user": .string(owner.user), "uid": .int(Int(owner.uid)),
                                    "startedAt": owner.startedAt.map { .string(Timestamp.iso8601($0)) } ?? .null,
                                ]
                            }),
                        "ownerVisible": .bool(l.ownerVisible),
                        "registered": .strings(row.registered),
                        "verdict": .string(row.verdict.rawValue),
                        "explanation": .string(row.explanation),
                        "v6Only": l.v6Only.map(JSON.bool) ?? .null,
                    ]
                    if let reason = l.ownerHiddenReason { object["ownerHiddenReason"] = .string(reason) }
                    if let ns = l.netns { object["netns"] = .string(ns) }
                    return .object(object)
                }),
            "notes": .strings(notes),
            "socketSource": .string(socketSource),
        ]
        if let target { out["query"] = .string(target) }
        if rows.isEmpty, !expected.isEmpty {
            out["expected"] = .array(
                MergedRecord.merge(expected).map {
                    [
                        "name": .optional($0.record.name), "transports": .strings($0.transports.map(\.rawValue)),
                        "description": .string($0.record.description),
                    ]
                })
        }
        if everything {
            let c = counts
            out["summary"] = [
                "listeners": .int(rows.count), "differs": .int(c.differs), "unregistered": .int(c.unregistered),
                "matches": .int(c.matches), "dynamic": .int(c.dynamic), "unknown": .int(c.unknown),
            ]
        }
        return out
    }
}
