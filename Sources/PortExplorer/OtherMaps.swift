import PortRegistry

/// A port on one transport: the key both services(5) and nmap-services use.
public struct ServiceKey: Hashable, Sendable {
    let port: UInt16
    let transport: Transport

    public init(port: UInt16, transport: Transport) {
        self.port = port
        self.transport = transport
    }
}

/// nmap's view of a port: the name it uses and how often nmap's scans found it open.
public struct NmapEntry: Hashable, Sendable {
    public let name: String
    /// Fraction of scanned hosts where the port was open (0...1).
    let frequency: Double

    public init(name: String, frequency: Double) {
        self.name = name
        self.frequency = frequency
    }
}

/// A table keyed by port and transport, looked up port by port: built from a per-port search
/// for one-off questions, and switching to a full index once a command asks about many
/// ports. So `lookup 2991` never parses all of nmap-services or /etc/services, but `ghosts`
/// and `who` parse each once.
///
/// A session is single-threaded; the cache is not shared across threads.
public final class PortTable<Value: Sendable>: @unchecked Sendable {
    private let portEntries: (UInt16) -> [(Transport, Value)]
    private let allEntries: () -> [(ServiceKey, Value)]
    /// How two entries for the same port and transport become one, in file order.
    private let combine: (Value, Value) -> Value
    /// Builds a lookup over the whole table, already combined, for tables with their own index.
    private let makeIndex: (() -> (UInt16, Transport) -> Value?)?
    private var byPort: [UInt16: [Transport: Value]] = [:]
    private var full: [ServiceKey: Value]?
    private var indexed: ((ServiceKey) -> Value?)?
    /// After this many distinct ports, parsing everything once is cheaper.
    private let indexAfter = 64

    /// `onPort` gives one port's entries and `all` every entry, each in file order; the
    /// table combines entries on the same port and transport, both ways alike. `index`, when
    /// given, answers lookups over the whole table instead of a dictionary built from `all`,
    /// which is then read only when a caller asks for `everything`.
    public init(
        onPort: @escaping (UInt16) -> [(Transport, Value)], all: @escaping () -> [(ServiceKey, Value)],
        index: (() -> (UInt16, Transport) -> Value?)? = nil, combine: @escaping (Value, Value) -> Value
    ) {
        portEntries = onPort
        allEntries = all
        makeIndex = index
        self.combine = combine
    }

    /// A table given whole (tests, small tables).
    public convenience init(_ entries: [ServiceKey: Value], combine: @escaping (Value, Value) -> Value) {
        self.init(
            onPort: { port in entries.filter { $0.key.port == port }.map { ($0.key.transport, $0.value) } },
            all: { entries.map { ($0.key, $0.value) } },
            combine: combine
        )
    }

    subscript(key: ServiceKey) -> Value? {
        if let indexed { return indexed(key) }
        if let full { return full[key] }
        if let known = byPort[key.port] { return known[key.transport] }
        if byPort.count >= indexAfter { return indexWhole()(key) }
        var entries: [Transport: Value] = [:]
        for (transport, entry) in portEntries(key.port) {
            entries[transport] = entries[transport].map { combine($0, entry) } ?? entry
        }
        byPort[key.port] = entries
        return entries[key.transport]
    }

    /// Parses the whole table now, for a question about many ports.
    func indexAll() { _ = indexWhole() }

    private func indexWhole() -> (ServiceKey) -> Value? {
        if let indexed { return indexed }
        if let makeIndex {
            let byPortAndTransport = makeIndex()
            let lookup: (ServiceKey) -> Value? = { byPortAndTransport($0.port, $0.transport) }
            indexed = lookup
            return lookup
        }
        let all = everything
        return { all[$0] }
    }

    /// The whole table, parsed once.
    var everything: [ServiceKey: Value] {
        if let full { return full }
        let entries = allEntries()
        var all: [ServiceKey: Value] = [:]
        all.reserveCapacity(entries.count)
        for (key, entry) in entries {
            all[key] = all[key].map { combine($0, entry) } ?? entry
        }
        full = all
        return all
    }
}

/// nmap's table: a port's name and open frequency.
public typealias NmapTable = PortTable<NmapEntry>

extension PortTable where Value == NmapEntry {
    /// nmap lists some ports twice; the more frequent name wins, the first on a tie.
    public static func moreFrequent(_ kept: NmapEntry, _ next: NmapEntry) -> NmapEntry {
        kept.frequency < next.frequency ? next : kept
    }
}

/// services(5) by port and transport: the official name first, then aliases, in file order.
public typealias ServicesTable = PortTable<[String]>

/// Maps other than IANA's that this host carries: its services(5) file and, when nmap is
/// installed, nmap-services. They are compared with the registry, never merged into it.
public struct OtherMaps: Sendable {
    /// Names (the official name first, then aliases) by port and transport.
    var services: ServicesTable
    /// Whether a services(5) file was read: only then does "absent" mean anything.
    var servicesFileRead: Bool
    var servicesPath: String
    /// nil when nmap-services is not installed.
    var nmap: NmapTable?
    var nmapPath: String?

    public init(
        services: ServicesTable?, servicesPath: String = "/etc/services", nmap: NmapTable?, nmapPath: String? = nil
    ) {
        self.services = services ?? ServicesTable([:], combine: +)
        self.servicesFileRead = services != nil
        self.servicesPath = servicesPath
        self.nmap = nmap
        self.nmapPath = nmapPath
    }

    /// With both tables given whole (tests, small tables); an empty services table counts
    /// as no file.
    public init(
        services: [ServiceKey: [String]] = [:], servicesPath: String = "/etc/services",
        nmap: [ServiceKey: NmapEntry]? = nil, nmapPath: String? = nil
    ) {
        self.init(
            services: services.isEmpty ? nil : ServicesTable(services, combine: +), servicesPath: servicesPath,
            nmap: nmap.map { NmapTable($0, combine: NmapTable.moreFrequent) }, nmapPath: nmapPath
        )
    }

    /// Parses both tables whole now: for a question about every registration, one pass over
    /// each file beats searching it port by port.
    public func indexAll() {
        services.indexAll()
        nmap?.indexAll()
    }

    /// Where services(5) lists this name or alias, case-insensitively, with its official name.
    func servicesEntries(named name: String) -> [(key: ServiceKey, official: String)] {
        let wanted = name.lowercased()
        return services.everything.compactMap { key, names in
            names.contains { $0.lowercased() == wanted } ? (key, names[0]) : nil
        }.sorted { ($0.key.port, $0.key.transport) < ($1.key.port, $1.key.transport) }
    }
}
