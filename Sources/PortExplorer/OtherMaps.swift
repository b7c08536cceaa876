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

/// Maps other than IANA's that this host carries: its services(5) file and, when nmap is
/// installed, nmap-services. They are compared with the registry, never merged into it.
public struct OtherMaps: Sendable {
    /// Names (the official name first, then aliases) by port and transport.
    public var services: [ServiceKey: [String]]
    public var servicesPath: String
    /// nil when nmap-services is not installed.
    public var nmap: [ServiceKey: NmapEntry]?
    public var nmapPath: String?

    public init(services: [ServiceKey: [String]] = [:], servicesPath: String = "/etc/services", nmap: [ServiceKey: NmapEntry]? = nil, nmapPath: String? = nil) {
        self.services = services
        self.servicesPath = servicesPath
        self.nmap = nmap
        self.nmapPath = nmapPath
    }

    /// Where services(5) lists this name or alias, case-insensitively, with its official name.
    public func servicesEntries(named name: String) -> [(key: ServiceKey, official: String)] {
        let wanted = name.lowercased()
        return services.compactMap { key, names in
            names.contains { $0.lowercased() == wanted } ? (key, names[0]) : nil
        }.sorted { ($0.key.port, $0.key.transport) < ($1.key.port, $1.key.transport) }
    }
}
