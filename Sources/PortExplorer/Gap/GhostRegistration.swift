import PortListeners
import PortRegistry

/// A registration, for the ghost rules: one service name on one port or range, with every
/// transport it was registered for. `wkstn-mon` on 2991 for tcp and udp is one registration.
///
/// Records without a name (Reserved, Unassigned) or without a port (names registered for
/// DNS-SD only) are not registrations here: there is no port to look for them on.
struct Registration: Hashable, Sendable {
    /// The name as the registry spells it first.
    let name: String
    let ports: PortRange
    let transports: [Transport]
    let records: [ServiceRecord]

    init(name: String, ports: PortRange, records: [ServiceRecord]) {
        self.name = name
        self.ports = ports
        self.records = records
        var transports: [Transport] = []
        for case let transport? in records.map(\.transport) where !transports.contains(transport) {
            transports.append(transport)
        }
        self.transports = transports.sorted()
    }

    /// Groups records by lowercased name and port range, in port order. Each name is
    /// lowercased once, and the groups are sorted by that key rather than re-lowercasing
    /// names in every comparison.
    static func group(_ records: [ServiceRecord]) -> [Registration] {
        struct Key: Hashable {
            let name: String
            let ports: PortRange
        }
        var keys: [Key] = []
        var members: [[ServiceRecord]] = []
        var groups: [Key: Int] = [:]
        groups.reserveCapacity(records.count)
        for record in records {
            guard let name = record.name, !name.isEmpty, let ports = record.ports else { continue }
            let key = Key(name: name.lowercased(), ports: ports)
            if let at = groups[key] {
                members[at].append(record)
            } else {
                groups[key] = keys.count
                keys.append(key)
                members.append([record])
            }
        }
        return keys.indices
            .sorted { (keys[$0].ports, keys[$0].name) < (keys[$1].ports, keys[$1].name) }
            .map { Registration(name: members[$0][0].name!, ports: keys[$0].ports, records: members[$0]) }
    }

    var rangeClass: RangeClass { RangeClass(port: ports.lower) }

    /// The earliest registration date on any of its records.
    var registered: Day? { records.compactMap(\.registered).min() }
    var modified: Day? { records.compactMap(\.modified).max() }

    /// The longest description among its records (they usually agree).
    var description: String {
        // Usually every record says the same; then there is nothing to count.
        if let first = records.first?.description, records.allSatisfy({ $0.description == first }) { return first }
        return records.map(\.description).max { $0.count < $1.count } ?? ""
    }

    /// Person ids named as assignee or contact, in order, without repeats.
    var personIDs: [String] {
        var seen: Set<String> = []
        return records.flatMap { $0.assignees + $0.contacts }.filter { seen.insert($0).inserted }
    }

    /// `2991 tcp,udp`.
    var label: String { "\(ports) \(transports.map(\.rawValue).joined(separator: ", "))" }
}

/// A socket listening on this host, as the ghost rules and `explain` need it.
///
/// Built from `PortListeners.Listener` with `init(_:)`, so any scanner
/// result can be handed in; tests build them by hand.
struct ListenerFact: Hashable, Sendable {
    let transport: Transport
    let address: String
    let port: UInt16
    /// The processes holding the socket: their short names (`comm`), command lines and ids.
    let processes: [String]
    let commands: [String]
    let pids: [Int32]
    /// Why the owners are unknown, when they are.
    let hiddenReason: String?
    /// What it spoke when probed (`explain PORT --probe`); nil when not probed.
    var probe: ProbeResult?

    init(
        transport: Transport, address: String = "0.0.0.0", port: UInt16, processes: [String] = [],
        commands: [String] = [], pids: [Int32] = [], hiddenReason: String? = nil
    ) {
        self.transport = transport
        self.address = address
        self.port = port
        self.processes = processes
        self.commands = commands.count == processes.count ? commands : processes
        self.pids = pids
        self.hiddenReason = hiddenReason
    }

    init(_ listener: Listener) {
        self.init(
            transport: listener.transport == .tcp ? .tcp : .udp,
            address: listener.address, port: listener.port,
            processes: listener.owners.map(\.process), commands: listener.owners.map(\.command),
            pids: listener.owners.map(\.pid), hiddenReason: listener.ownerHiddenReason
        )
    }

    /// Whether one of its processes, or what it speaks, looks like `service` (see `ServiceMatch`).
    func looksLike(_ service: String) -> Bool { resemblance(to: service) == .looksLike }

    func resemblance(to service: String) -> Resemblance {
        Resemblance.judge(processes: processes, commands: commands, probe: probe, services: [service])
    }

    /// Why it cannot be told whether this is `service`, in a clause.
    var whyUntold: String {
        if processes.isEmpty { return "porthole cannot see which process holds it" }
        if let probe, probe.protocolFound == nil { return "when probed, it \(probe.phrase)" }
        let runtimes = Array(Set(processes.filter(ServiceMatch.isGenericRuntime))).sorted()
        return
            "\(GapWords.list(runtimes)) \(runtimes.count == 1 ? "is a generic runtime" : "are generic runtimes"), whose name says nothing of what it serves"
    }

    /// `sshd (pid 812)`, `an unseen process (needs root)`.
    var owner: String {
        guard !processes.isEmpty else {
            return hiddenReason.map { "a process porthole cannot see (\($0))" } ?? "a process porthole cannot see"
        }
        return zip(processes, pids + Array(repeating: -1, count: max(0, processes.count - pids.count)))
            .map { $1 >= 0 ? "\($0) (pid \($1))" : $0 }
            .joined(separator: ", ")
    }

    /// `0.0.0.0:2991/tcp`, `[::]:2991/tcp`.
    var endpoint: String {
        let host = address.contains(":") ? "[\(address)]" : address
        return "\(host):\(port)/\(transport.rawValue)"
    }
}
