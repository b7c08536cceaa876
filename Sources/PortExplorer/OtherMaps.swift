import PortRegistry

/// A port on one transport: the key both services(5) and nmap-services use.
public struct ServiceKey: Hashable, Sendable {
    public let port: UInt16
    public let transport: Transport

    public init(port: UInt16, transport: Transport) {
        self.port = port
        self.transport = transport
    }
}

/// nmap's view of a port: the name it uses and how often nmap's scans found it open.
public struct NmapEntry: Hashable, Sendable {
    public let name: String
    /// Fraction of scanned hosts where the port was open (0...1).
    public let frequency: Double

    public init(name: String, frequency: Double) {
        self.name = name
        self.frequency = frequency
    }
}

/// nmap's table, looked up port by port. Built from a per-port search for one-off questions
/// and switching to a full index once a command asks about many ports, so `lookup 2991`
/// never parses the whole file but `ghosts` parses it once.
///
/// A session is single-threaded; the cache is not shared across threads.
public final class NmapTable: @unchecked Sendable {
    private let portEntries: (UInt16) -> [(Transport, NmapEntry)]
    private let allEntries: () -> [ServiceKey: NmapEntry]
    private var byPort: [UInt16: [Transport: NmapEntry]] = [:]
    private var full: [ServiceKey: NmapEntry]?
    /// After this many distinct ports, parsing everything once is cheaper.
    private let indexAfter = 64

    public init(onPort: @escaping (UInt16) -> [(Transport, NmapEntry)], all: @escaping () -> [ServiceKey: NmapEntry]) {
        portEntries = onPort
        allEntries = all
    }

    public convenience init(_ entries: [ServiceKey: NmapEntry]) {
        self.init(
            onPort: { port in entries.filter { $0.key.port == port }.map { ($0.key.transport, $0.value) } },
            all: { entries }
        )
    }

    public subscript(key: ServiceKey) -> NmapEntry? {
        if let full { return full[key] }
        if let known = byPort[key.port] { return known[key.transport] }
        if byPort.count >= indexAfter { return everything[key] }
        var entries: [Transport: NmapEntry] = [:]
        for (transport, entry) in portEntries(key.port) where entries[transport].map({ $0.frequency < entry.frequency }) ?? true {
            entries[transport] = entry
        }
        byPort[key.port] = entries
        return entries[key.transport]
    }

    /// The whole table, parsed once.
    public var everything: [ServiceKey: NmapEntry] {
        if let full { return full }
        let all = allEntries()
        full = all
        return all
    }
}

/// Maps other than IANA's that this host carries: its services(5) file and, when nmap is
/// installed, nmap-services. They are compared with the registry, never merged into it.
public struct OtherMaps: Sendable {
    /// Names (the official name first, then aliases) by port and transport.
    public var services: [ServiceKey: [String]]
    public var servicesPath: String
    /// nil when nmap-services is not installed.
    public var nmap: NmapTable?
    public var nmapPath: String?

    public init(services: [ServiceKey: [String]] = [:], servicesPath: String = "/etc/services", nmap: NmapTable?, nmapPath: String? = nil) {
        self.services = services
        self.servicesPath = servicesPath
        self.nmap = nmap
        self.nmapPath = nmapPath
    }

    /// With nmap's table given whole (tests, small tables).
    public init(services: [ServiceKey: [String]] = [:], servicesPath: String = "/etc/services", nmap: [ServiceKey: NmapEntry]? = nil, nmapPath: String? = nil) {
        self.init(services: services, servicesPath: servicesPath, nmap: nmap.map(NmapTable.init), nmapPath: nmapPath)
    }

    /// Where services(5) lists this name or alias, case-insensitively, with its official name.
    public func servicesEntries(named name: String) -> [(key: ServiceKey, official: String)] {
        let wanted = name.lowercased()
        return services.compactMap { key, names in
            names.contains { $0.lowercased() == wanted } ? (key, names[0]) : nil
        }.sorted { ($0.key.port, $0.key.transport) < ($1.key.port, $1.key.transport) }
    }
}
