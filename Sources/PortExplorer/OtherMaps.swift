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

/// nmap's view of a port: the name it uses, how often nmap's scans found it open, and the
/// documents its comment cites.
public struct NmapEntry: Hashable, Sendable {
    public let name: String
    /// Fraction of scanned hosts where the port was open (0...1).
    let frequency: Double
    /// The line's comment, kept for the documents it may cite.
    let comment: String?

    public init(name: String, frequency: Double, comment: String? = nil) {
        self.name = name
        self.frequency = frequency
        self.comment = comment
    }

    /// Documents named in the comment: `RFC 1078`, `supdupd(8)`. Read only for the entries a
    /// registration asks about, not for the whole table.
    var citations: [String] { comment.map(NmapServiceEntry.citations(in:)) ?? [] }
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
        // Keys as sorted numbers, searched by halves: a survey looks up every registration's
        // ports, and comparing numbers costs less than hashing a key for a dictionary.
        let sorted = everything.map { (code: Self.code($0.key), value: $0.value) }.sorted { $0.code < $1.code }
        let codes = sorted.map(\.code)
        let values = sorted.map(\.value)
        let lookup: (ServiceKey) -> Value? = { key in
            let code = Self.code(key)
            var low = 0
            var high = codes.count
            while low < high {
                let middle = (low + high) / 2
                if codes[middle] < code { low = middle + 1 } else { high = middle }
            }
            return low < codes.count && codes[low] == code ? values[low] : nil
        }
        indexed = lookup
        return lookup
    }

    private static func code(_ key: ServiceKey) -> Int { Int(key.port) &* 4 &+ key.transport.order }

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

extension PortTable where Value == NmapEntry {
    /// nmap-services as a host reads it: port by port from the file for a few ports, and from
    /// `index` (made once, perhaps kept between runs) for many. Both give the name, the
    /// frequency and the comment, so a verdict never depends on which one answered.
    public static func reading(_ file: NmapServicesFile, index: @escaping @Sendable () -> NmapServicesIndex)
        -> NmapTable
    {
        NmapTable(
            onPort: { port in
                file.entries(onPort: port).map {
                    ($0.transport, NmapEntry(name: $0.name, frequency: $0.frequency, comment: $0.comment))
                }
            },
            all: {
                index().allEntries().map {
                    (
                        ServiceKey(port: $0.port, transport: $0.transport),
                        NmapEntry(name: $0.name, frequency: $0.frequency, comment: $0.comment)
                    )
                }
            },
            index: {
                let whole = index()
                return { port, transport in
                    whole.entry(port: port, transport: transport).map {
                        NmapEntry(name: $0.name, frequency: $0.frequency, comment: $0.comment)
                    }
                }
            },
            combine: moreFrequent
        )
    }

    /// The survey's first look at `index` (`OtherMaps.nmapIndexedSighting`): a frequency, and
    /// whether the comment may cite a document, without a String.
    public static func sightings(in index: NmapServicesIndex)
        -> @Sendable (UInt16, Transport) -> (frequency: Double, mayCite: Bool)?
    {
        { port, transport in index.sighting(port: port, transport: transport) }
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
    /// Each transport's non-zero nmap frequencies, one per port, when the file can give them
    /// without the whole table (nil: taken from the whole table).
    var nmapFrequencies: (@Sendable () -> [Transport: [Double]])?
    /// When given, makes a lookup of what a survey needs first of the entry `nmap` gives a port
    /// and transport once indexed (`indexAll`): its open frequency, and whether its comment may
    /// cite a document (`NmapServiceEntry.mayCite`). A survey then reads a number per port, and the
    /// whole entry, name and comment, only for the few that may cite (`HostFacts.surveyFacts`).
    var nmapIndexedSighting: (@Sendable () -> (UInt16, Transport) -> (frequency: Double, mayCite: Bool)?)?
    /// Where the host keeps a calibration between runs, keyed by the rule that made it: a
    /// one-off `lookup` then reads two numbers instead of all of nmap-services.
    var calibrationStore: CalibrationStore?
    /// Where the host keeps the registry's registrations between runs (`OutlineStore`), so a
    /// survey need not group every record again; nil: grouped on every survey.
    var outlineStore: OutlineStore?

    public init(
        services: ServicesTable?, servicesPath: String = "/etc/services", nmap: NmapTable?, nmapPath: String? = nil,
        nmapFrequencies: (@Sendable () -> [Transport: [Double]])? = nil,
        nmapIndexedSighting: (@Sendable () -> (UInt16, Transport) -> (frequency: Double, mayCite: Bool)?)? = nil,
        calibrationStore: CalibrationStore? = nil, outlineStore: OutlineStore? = nil
    ) {
        self.services = services ?? ServicesTable([:], combine: +)
        self.servicesFileRead = services != nil
        self.servicesPath = servicesPath
        self.nmap = nmap
        self.nmapPath = nmapPath
        self.nmapFrequencies = nmapFrequencies
        self.nmapIndexedSighting = nmapIndexedSighting
        self.calibrationStore = calibrationStore
        self.outlineStore = outlineStore
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

    /// Derived from whole tables, once per session.
    private let derived = Derived()

    private final class Derived: @unchecked Sendable {
        var calibration: NmapCalibration??
        var servicesKind: ServicesFileKind??
    }

    /// nmap's per-transport cut-offs, from the loaded table; nil without nmap-services.
    var nmapCalibration: NmapCalibration? {
        if let known = derived.calibration { return known }
        let made = nmap.map { table in
            if let kept = calibrationStore?.load(NmapCalibration.rule) {
                return NmapCalibration(cutoffs: kept.cutoffs, nonZero: kept.nonZero)
            }
            let calibration = NmapCalibration(
                frequencies: nmapFrequencies?() ?? NmapCalibration.nonZero(table.everything))
            calibrationStore?.save(NmapCalibration.rule, calibration.cutoffs, calibration.nonZero)
            return calibration
        }
        derived.calibration = .some(made)
        return made
    }

    /// Whether the services(5) file is a curated list or a copy of the registry; nil without one.
    var servicesFileKind: ServicesFileKind? {
        if let known = derived.servicesKind { return known }
        let made = servicesFileRead ? ServicesFileKind(entries: services.everything.count) : nil
        derived.servicesKind = .some(made)
        return made
    }

    /// Where services(5) lists this name or alias, case-insensitively, with its official name.
    func servicesEntries(named name: String) -> [(key: ServiceKey, official: String)] {
        let wanted = name.lowercased()
        return services.everything.compactMap { key, names in
            names.contains { $0.lowercased() == wanted } ? (key, names[0]) : nil
        }.sorted { ($0.key.port, $0.key.transport) < ($1.key.port, $1.key.transport) }
    }
}

/// Keeps a registry's registrations (`Registry.registrationOutlines()`) between runs, as the
/// bytes `Registry.outlinesCacheBytes` makes, under the registry's `outlinesKey`. `load` gives
/// nothing when no bytes were kept under that key; the registry checks whatever it gives.
public struct OutlineStore: Sendable {
    public let load: @Sendable (_ key: String) -> [UInt8]?
    public let save: @Sendable (_ key: String, _ bytes: [UInt8]) -> Void

    public init(
        load: @escaping @Sendable (String) -> [UInt8]?, save: @escaping @Sendable (String, [UInt8]) -> Void
    ) {
        self.load = load
        self.save = save
    }
}

extension OtherMaps {
    /// The registry's registrations, read back from the host's keep when it holds them for this
    /// very registry, else grouped now (and kept), with whether each one's description says
    /// more than its name (`GhostRules.describes`). Either way the same answers.
    func registrationOutlines(of registry: Registry) -> (outlines: [RegistrationOutline], describes: [Bool]) {
        func made() -> ([RegistrationOutline], [Bool]) {
            let outlines = registry.registrationOutlines()
            return (outlines, outlines.map(GhostRules.describes))
        }
        guard let outlineStore else { return made() }
        let key = registry.outlinesKey + " describes \(GhostRules.describesRule)"
        if let bytes = outlineStore.load(key), let (outlines, extra) = registry.registrationOutlines(cached: bytes),
            extra.count == outlines.count, extra.allSatisfy({ $0 <= 1 })
        {
            let describes = extra.map { $0 == 1 }
            // A spot check of the kept judgements against the rule as it is now.
            if stride(from: 0, to: outlines.count, by: 61).allSatisfy({
                GhostRules.describes(outlines[$0]) == describes[$0]
            }) {
                return (outlines, describes)
            }
        }
        let (outlines, describes) = made()
        outlineStore.save(key, registry.outlinesCacheBytes(outlines, extra: describes.map { $0 ? 1 : 0 }))
        return (outlines, describes)
    }
}

/// Keeps a host's nmap calibration between runs. `load` gives nothing when the file it was
/// made from, or the rule, has changed since.
public struct CalibrationStore: Sendable {
    public let load: @Sendable (_ rule: String) -> (cutoffs: [Transport: Double], nonZero: [Transport: Int])?
    public let save: @Sendable (_ rule: String, _ cutoffs: [Transport: Double], _ nonZero: [Transport: Int]) -> Void

    public init(
        load: @escaping @Sendable (String) -> (cutoffs: [Transport: Double], nonZero: [Transport: Int])?,
        save: @escaping @Sendable (String, [Transport: Double], [Transport: Int]) -> Void
    ) {
        self.load = load
        self.save = save
    }
}

/// nmap's open frequencies, calibrated per transport: a frequency counts as a sighting when
/// it is at or above the 90th percentile of that transport's non-zero frequencies.
///
/// nmap's TCP and UDP scans differ so much that one threshold cannot serve both: most UDP
/// entries sit near the scans' floor, while most TCP ones are far below it. A percentile
/// asks the same of each transport: to be more often open than nine in ten of the ports
/// nmap ever saw open on it.
struct NmapCalibration: Sendable, Equatable {
    static let percentile = 90
    /// Fewer non-zero entries than this calibrate nothing (nmap's SCTP column is all zeros).
    static let minimumSample = 100
    /// The rule in words, so a kept calibration made by another rule is never used.
    static let rule = "nearest-rank p\(percentile) of non-zero frequencies, at least \(minimumSample)"

    /// The cut-off per transport; a transport without one has no sightings.
    let cutoffs: [Transport: Double]
    /// How many non-zero frequencies each transport has.
    let nonZero: [Transport: Int]

    init(cutoffs: [Transport: Double], nonZero: [Transport: Int] = [:]) {
        self.cutoffs = cutoffs
        self.nonZero = nonZero
    }

    init(_ table: [ServiceKey: NmapEntry]) {
        self.init(frequencies: Self.nonZero(table))
    }

    /// From each transport's non-zero frequencies, one per port.
    init(frequencies byTransport: [Transport: [Double]]) {
        var cutoffs: [Transport: Double] = [:]
        for (transport, values) in byTransport where values.count >= Self.minimumSample {
            cutoffs[transport] = Self.nearestRank(unsorted: values, percent: Self.percentile)
        }
        self.init(cutoffs: cutoffs, nonZero: byTransport.mapValues(\.count))
    }

    /// A whole table's non-zero frequencies by transport.
    static func nonZero(_ table: [ServiceKey: NmapEntry]) -> [Transport: [Double]] {
        var byTransport: [Transport: [Double]] = [:]
        for (key, entry) in table where entry.frequency > 0 {
            byTransport[key.transport, default: []].append(entry.frequency)
        }
        return byTransport
    }

    /// The nearest-rank percentile of sorted values.
    static func nearestRank(_ sorted: [Double], percent: Int) -> Double {
        sorted[rankIndex(sorted.count, percent)]
    }

    /// The same of values in any order, found by selection rather than a full sort.
    static func nearestRank(unsorted values: [Double], percent: Int) -> Double {
        var values = values
        let wanted = rankIndex(values.count, percent)
        var low = 0
        var high = values.count - 1
        // Quickselect (Hoare's partition, middle pivot): only the side holding the rank is kept.
        while low < high {
            let pivot = values[(low + high) / 2]
            var i = low
            var j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if wanted <= j {
                high = j
            } else if wanted >= i {
                low = i
            } else {
                break
            }
        }
        return values[wanted]
    }

    private static func rankIndex(_ count: Int, _ percent: Int) -> Int {
        max(0, min(count - 1, (count * percent + 99) / 100 - 1))
    }
}

/// What kind of services(5) file this host has. Debian's netbase keeps a curated few
/// hundred entries for software people run, so a listing there is a hint; some systems
/// install the whole registry as /etc/services, and a listing there proves nothing.
enum ServicesFileKind: Sendable, Equatable {
    case curated(entries: Int)
    case wholesale(entries: Int)

    /// More port/transport entries than this is a copy of the registry: netbase lists a few
    /// hundred, the registry about 11,000 named TCP and UDP entries.
    static let wholesaleAbove = 2_000

    init(entries: Int) {
        self = entries > Self.wholesaleAbove ? .wholesale(entries: entries) : .curated(entries: entries)
    }

    var isCurated: Bool { if case .curated = self { true } else { false } }
    var entries: Int {
        switch self {
        case .curated(let n), .wholesale(let n): n
        }
    }
}
