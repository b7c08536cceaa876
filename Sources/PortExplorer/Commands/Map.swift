import PortRegistry

extension CommandSpec {
    static let map = CommandSpec(
        name: "map",
        synopsis: "",
        summary: "Draw the port space to scale: IANA's ranges, this host's ranges and its listeners",
        help: """
            Draws all 65,536 ports to scale in one line: IANA's System (0-1023), User \
            (1024-49151) and Dynamic (49152-65535) ranges, this host's ephemeral range from the \
            kernel, and a mark over every port something listens on here. Drawn linearly, the \
            System range is 1.6% of the line, a column or two; so a second line magnifies it 64 \
            times, with the ports only privileged programs may bind here \
            (ip_unprivileged_port_start) and the listeners among them. A legend under each line \
            gives the exact numbers. The picture follows the terminal's width (at least 40 \
            columns) and is drawn in ASCII when the locale is not UTF-8 or TERM is dumb. With \
            territories loaded, the marks are the ports listening on the hosts read from files; \
            the kernel's ranges stay this machine's, since those files do not carry them. --json \
            gives the numbers, not the drawing.

              map
              map --json
            """,
        run: { invocation, context throws(CommandError) in
            try invocation.expectNoArguments()
            return MapResult(space: try PortSpace.gather(context))
        }
    )
}

/// The numbers behind the port-space picture: the kernel's ranges and the ports something
/// listens on, here or on the territories loaded.
struct PortSpace: Sendable, Equatable {
    /// A port something listens on, with how many sockets (and, over territories, hosts) hold it.
    struct Mark: Sendable, Equatable {
        let port: UInt16
        var transports: [Transport]
        var sockets: Int
        /// Over territories: on how many of the hosts it listens; nil for this host.
        var hosts: Int?
    }

    /// Where the marks come from.
    enum Listening: Sendable, Equatable {
        /// This host's sockets, read from `source`.
        case here([Mark], source: String)
        /// The hosts read from files, by name.
        case hosts([Mark], names: [String])
        /// This host's sockets could not be read: why.
        case unavailable(String)

        var marks: [Mark] {
            switch self {
            case .here(let marks, _), .hosts(let marks, _): marks
            case .unavailable: []
            }
        }
    }

    let settings: HostPortSettings
    let listening: Listening

    /// The ports only privileged programs may bind here; nil when none need privilege
    /// (ip_unprivileged_port_start is 0) or the setting cannot be read.
    var privileged: ClosedRange<UInt16>? {
        guard let start = settings.unprivilegedPortStart, start > 0 else { return nil }
        return 0...UInt16(min(start - 1, 65535))
    }

    /// The marks for a list of sockets, one per port, in port order.
    static func marks(_ sockets: [(port: UInt16, transport: Transport, host: String?)]) -> [Mark] {
        var byPort: [UInt16: (mark: Mark, hosts: Set<String>)] = [:]
        for socket in sockets {
            var entry = byPort[socket.port] ?? (Mark(port: socket.port, transports: [], sockets: 0), [])
            if !entry.mark.transports.contains(socket.transport) { entry.mark.transports.append(socket.transport) }
            entry.mark.transports.sort()
            entry.mark.sockets += 1
            if let host = socket.host {
                entry.hosts.insert(host)
                entry.mark.hosts = entry.hosts.count
            }
            byPort[socket.port] = entry
        }
        return byPort.values.map(\.mark).sorted { $0.port < $1.port }
    }

    /// This host's settings and listeners, or the loaded territories' listeners.
    static func gather(_ context: CommandContext) throws(CommandError) -> PortSpace {
        let territories = context.maps.territories
        if !territories.isEmpty {
            let sockets = territories.hosts.flatMap { host in
                host.listeners.map {
                    (port: $0.port, transport: $0.transport == .tcp ? Transport.tcp : .udp, host: Optional(host.name))
                }
            }
            return PortSpace(
                settings: context.host.portSettings(),
                listening: .hosts(marks(sockets), names: territories.hosts.map(\.name)))
        }
        // The sockets alone: the other maps (services(5), nmap-services) say nothing here.
        let listening: Listening
        do throws(CommandError) {
            let scan = try context.listeners(TerritoryRequest(ports: nil))
            listening = .here(
                marks(scan.listeners.map { ($0.port, $0.transport == .tcp ? Transport.tcp : .udp, nil) }),
                source: scan.source)
        } catch  where error.kind == .interrupted {
            throw error
        } catch {
            listening = .unavailable(error.problem)
        }
        return PortSpace(settings: context.host.portSettings(), listening: listening)
    }

    /// The picture's numbers from facts already gathered (`explain ranges`).
    static func from(_ facts: HostFacts) -> PortSpace {
        let listening: Listening
        switch facts.listeners {
        case .seen(let listeners, let source, _):
            listening = .here(marks(listeners.map { ($0.port, $0.transport, nil) }), source: source)
        case .unavailable(let why): listening = .unavailable(why)
        case .notLooked: listening = .unavailable("porthole did not look")
        }
        return PortSpace(settings: facts.settings, listening: listening)
    }

    /// IANA's three ranges with their share of the port space, as the legend states them.
    static var rangesJSON: JSON {
        .array(
            RangeClass.allCases.map { range in
                let ports = Int(range.span.upper) - Int(range.span.lower) + 1
                return .fields([
                    ("name", .string(range.rawValue)), ("title", .string(range.title)),
                    ("low", .int(Int(range.span.lower))),
                    ("high", .int(Int(range.span.upper))), ("ports", .int(ports)),
                    ("percent", .double(Double(ports) * 100 / 65536)),
                ])
            })
    }

    var json: [String: JSON] {
        var out: [String: JSON] = [
            "ranges": Self.rangesJSON,
            "ephemeralRange": ExplainTopicText.rangeJSON(settings.ephemeralRange),
            "unprivilegedPortStart": .optional(settings.unprivilegedPortStart),
            "privileged": ExplainTopicText.rangeJSON(privileged),
        ]
        let marks = listening.marks.map { mark in
            var fields: [(String, JSON)] = [
                ("port", .int(Int(mark.port))), ("transports", .strings(mark.transports.map(\.rawValue))),
                ("sockets", .int(mark.sockets)),
            ]
            if let hosts = mark.hosts { fields.append(("hosts", .int(hosts))) }
            return JSON.fields(fields)
        }
        switch listening {
        case .here(_, let source):
            out["listening"] = .array(marks)
            out["listenersFrom"] = .fields([("source", .string(source))])
        case .hosts(_, let names):
            out["listening"] = .array(marks)
            out["listenersFrom"] = .fields([("hosts", .strings(names))])
        case .unavailable(let why):
            out["listening"] = .null
            out["listenersFrom"] = .fields([("problem", .string(why))])
        }
        return out
    }
}

/// `map`: the picture, and its numbers in JSON.
struct MapResult: CommandResult {
    let space: PortSpace

    func text(_ context: TextContext) -> String { PortSpacePicture.render(space, context) }

    var json: [String: JSON] { space.json }
}
