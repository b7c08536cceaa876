import PortListeners
import PortRegistry

/// Where the listener facts came from, or why there are none.
enum ListenerFacts: Sendable {
    /// A scan ran: every listener it found, and which socket table answered.
    case seen([ListenerFact], source: String, notes: [String])
    /// A scan was attempted and failed; the reason in plain words.
    case unavailable(String)
    /// No scan was attempted (the command did not need one).
    case notLooked

    var listeners: [ListenerFact] {
        if case .seen(let listeners, _, _) = self { return listeners }
        return []
    }

    var wasChecked: Bool {
        if case .seen = self { return true }
        return false
    }

    var json: JSON {
        switch self {
        case .seen(let listeners, let source, let notes):
            ["checked": true, "source": .string(source), "count": .int(listeners.count), "notes": .strings(notes)]
        case .unavailable(let why): ["checked": false, "reason": .string(why)]
        case .notLooked: ["checked": false]
        }
    }
}

/// Everything beside the registry that the ghost rules and `explain` read: this system's
/// services(5) file and nmap's open frequencies (`OtherMaps`), the listening sockets and the
/// kernel's port settings. Each part may be missing, and the texts say so.
struct HostFacts: Sendable {
    var maps: OtherMaps
    var listeners: ListenerFacts {
        didSet { listenersByPort = Memo() }
    }
    var settings: HostPortSettings
    /// Where each port's listeners stand in `listeners`, made on first use: a survey asks about
    /// every registration, and filtering every listener for each one is registrations ×
    /// listeners on a busy host.
    private var listenersByPort = Memo<[UInt16: [Int]]>()

    init(maps: OtherMaps, listeners: ListenerFacts, settings: HostPortSettings) {
        self.maps = maps
        self.listeners = listeners
        self.settings = settings
    }

    /// Nothing known beyond the registry.
    static let none = HostFacts(
        maps: OtherMaps(), listeners: .notLooked,
        settings: HostPortSettings(ephemeralRange: nil, unprivilegedPortStart: nil, reservedPorts: nil)
    )

    /// Whether a services(5) file was read, so that a name missing from it means something.
    var hasServicesFile: Bool { maps.servicesFileRead }

    /// The facts about one registration, transport by transport.
    func ghostFacts(for registration: Registration) -> GhostFacts {
        ghostFacts(
            lowercasedName: { registration.name.lowercased() }, ports: registration.ports, registration.transports)
    }

    func ghostFacts(for outline: RegistrationOutline) -> GhostFacts {
        ghostFacts(lowercasedName: { outline.lowercasedName }, ports: outline.ports, outline.transports)
    }

    /// `lowercasedName` is asked for only when services(5) lists a name on the registration's
    /// port: a survey asks this of every registration, and most have no such entry.
    private func ghostFacts(lowercasedName: () -> String, ports: PortRange, _ transports: [Transport]) -> GhostFacts {
        var known: String?
        func name() -> String {
            if let known { return known }
            let name = lowercasedName()
            known = name
            return name
        }
        // Per transport, gathered in place: a survey asks this of every registration, and
        // growing a dictionary per port cost more than the lookups.
        var listed = TransportMask()
        var nmap = PerTransport<NmapSighting>()
        for port in ports.lower...ports.upper {
            for transport in transports {
                let key = ServiceKey(port: port, transport: transport)
                if !listed.contains(transport), let names = maps.services[key],
                    names.contains(where: { $0.lowercased() == name() })
                {
                    listed.insert(transport)
                }
                guard let entry = maps.nmap?[key] else { continue }
                var sighting = nmap[transport] ?? NmapSighting(frequency: 0)
                sighting.add(entry, lowercasedName: name)
                nmap[transport] = sighting
            }
        }
        let all = listeners.listeners
        var here: [ListenerFact] = []
        if !all.isEmpty {
            let byPort = listenersByPort.value { Dictionary(grouping: all.indices, by: { all[$0].port }) }
            // Positions, sorted back into the listeners' own order, as a filter of them would give.
            let span = ports.lower...ports.upper
            let positions =
                span.count <= byPort.count
                ? span.flatMap { byPort[$0] ?? [] } : all.indices.filter { span.contains(all[$0].port) }
            here = (positions.count > 1 ? positions.sorted() : positions).map { all[$0] }.filter {
                transports.contains($0.transport)
            }
        }
        return GhostFacts(
            servicesFileTransports: Set(transports.filter(listed.contains)),
            servicesFileCurated: maps.servicesFileKind?.isCurated ?? true,
            nmap: nmap, nmapCutoffs: maps.nmapCalibration?.cutoffs ?? [:], listeners: here,
            servicesFileChecked: hasServicesFile, nmapChecked: maps.nmap != nil, listenersChecked: listeners.wasChecked
        )
    }

    /// `ghostFacts(for:)` for every registration of a survey, made once for all of them: what
    /// is the same for each (nmap's cut-offs, the services file's kind, which sources were read,
    /// the listeners by port) is read here, not per registration, and nmap's frequencies come
    /// from `OtherMaps.nmapIndexedSighting` when the host gives it, with an entry and its name
    /// made only where the comment may cite a document. Both tables are indexed first, so `ghostFacts(for:)` reads the same entries;
    /// a test holds the two equal on every registration.
    func surveyFacts() -> (RegistrationOutline) -> GhostFacts {
        maps.indexAll()
        let services = maps.services
        let nmapTable = maps.nmap
        let indexedSighting = maps.nmapIndexedSighting?()
        let curated = maps.servicesFileKind?.isCurated ?? true
        let cutoffs = PerTransport(maps.nmapCalibration?.cutoffs ?? [:])
        let servicesChecked = hasServicesFile
        let nmapChecked = maps.nmap != nil
        let listenersChecked = listeners.wasChecked
        let all = listeners.listeners
        let byPort =
            all.isEmpty ? [:] : listenersByPort.value { Dictionary(grouping: all.indices, by: { all[$0].port }) }
        // Which ports and transports services(5) lists, and which ports something listens on:
        // most registrations have neither, and a bit answers that before any lookup.
        var listedKeys = PortBits(count: 65536 * 4)
        for key in services.everything.keys { listedKeys.insert(Int(key.port) &* 4 &+ key.transport.order) }
        var listenedPorts = PortBits(count: 65536)
        for listener in all { listenedPorts.insert(Int(listener.port)) }
        return { outline in
            let ports = outline.ports
            let transports = outline.transports
            var lowercasedName: String?
            var facts = GhostFacts(
                servicesFileCurated: curated, servicesFileChecked: servicesChecked, nmapChecked: nmapChecked,
                listenersChecked: listenersChecked)
            facts.nmapCutoffs = cutoffs
            var listed = TransportMask()
            var listening = false
            for port in ports.lower...ports.upper {
                if listenedPorts.contains(Int(port)) { listening = true }
                for transport in transports {
                    let key = ServiceKey(port: port, transport: transport)
                    if !listed.contains(transport), listedKeys.contains(Int(port) &* 4 &+ transport.order),
                        let names = services[key]
                    {
                        let name = lowercasedName ?? outline.lowercasedName
                        lowercasedName = name
                        if names.contains(where: { $0.lowercased() == name }) { listed.insert(transport) }
                    }
                    let frequency: Double
                    let entry: NmapEntry?
                    if let indexedSighting {
                        guard let found = indexedSighting(port, transport) else { continue }
                        frequency = found.frequency
                        // Only a comment that may cite is worth the whole entry, name and all.
                        entry = found.mayCite ? nmapTable?[key] : nil
                    } else {
                        guard let found = nmapTable?[key] else { continue }
                        frequency = found.frequency
                        entry = found
                    }
                    var sighting = facts.nmap[transport] ?? NmapSighting(frequency: frequency)
                    sighting.frequency = max(sighting.frequency, frequency)
                    // The name is decoded again here: a line with a comment that may cite is rare.
                    if let entry { sighting.add(entry, lowercasedName: { outline.lowercasedName }) }
                    facts.nmap[transport] = sighting
                }
            }
            if listening {
                let span = ports.lower...ports.upper
                let positions =
                    span.count <= byPort.count
                    ? span.flatMap { byPort[$0] ?? [] } : all.indices.filter { span.contains(all[$0].port) }
                facts.listeners = (positions.count > 1 ? positions.sorted() : positions).map { all[$0] }.filter {
                    transports.contains($0.transport)
                }
            }
            if !listed.isEmpty { facts.servicesFileTransports = Set(transports.filter(listed.contains)) }
            return facts
        }
    }

    /// Listeners on one port, any transport or one.
    func listeners(onPort port: UInt16, transport: Transport? = nil) -> [ListenerFact] {
        listeners.listeners.filter { $0.port == port && (transport == nil || $0.transport == transport) }
    }

    var sourcesJSON: JSON {
        [
            "servicesFile": hasServicesFile ? .string(maps.servicesPath) : .null,
            "nmapServices": .optional(maps.nmap == nil ? nil : maps.nmapPath ?? "nmap-services"),
            "listeners": listeners.json,
        ]
    }
}

/// A set of small numbers as bits: a port, or a port and transport (`port * 4 + order`).
struct PortBits {
    private var words: [UInt64]

    init(count: Int) { words = Array(repeating: 0, count: (count + 63) / 64) }

    mutating func insert(_ n: Int) { words[n >> 6] |= 1 << UInt64(n & 63) }
    func contains(_ n: Int) -> Bool { words[n >> 6] & (1 << UInt64(n & 63)) != 0 }
}
