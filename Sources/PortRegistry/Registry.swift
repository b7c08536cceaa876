/// Where the active registry came from, said in the banner, `stats` and every `lookup`.
public struct RegistrySource: Hashable, Sendable {
    public enum Kind: String, Sendable {
        /// Compiled into the binary.
        case embedded
        /// The user's copy written by `update`.
        case updated
        /// `PORTHOLE_REGISTRY`.
        case environment
        /// `--registry PATH`.
        case file
    }
    public let kind: Kind
    public let path: String?
    /// The registry's own `<updated>` date, or the newest date in its records when it has none.
    public let updated: Day?

    public init(kind: Kind, path: String?, updated: Day?) {
        self.kind = kind
        self.path = path
        self.updated = updated
    }
}

/// The map: every record of one registry, searchable by port, name, range and keyword.
///
/// This is the query surface the language uses; how records are stored behind it is the
/// registry's own business.
public final class Registry: Sendable {
    public let source: RegistrySource
    private let records: [ServiceRecord]
    private let people: [String: Person]

    public init(records: [ServiceRecord], people: [Person], source: RegistrySource) {
        self.records = records
        self.people = Dictionary(people.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.source = source
    }

    public var recordCount: Int { records.count }

    /// Every record, in registry order.
    public func allRecords() -> [ServiceRecord] { records }

    /// Records whose port span contains `port`, including Reserved and Unassigned spans.
    public func records(onPort port: UInt16) -> [ServiceRecord] {
        records.filter { $0.ports?.contains(port) ?? false }
    }

    /// Records whose port span overlaps `range`.
    public func records(in range: PortRange) -> [ServiceRecord] {
        records.filter { $0.ports?.overlaps(range) ?? false }
    }

    /// Records with this service name, compared case-insensitively.
    public func records(named name: String) -> [ServiceRecord] {
        let wanted = name.lowercased()
        return records.filter { $0.name?.lowercased() == wanted }
    }

    /// Named records whose name or description contains `keyword`, case-insensitively.
    public func search(_ keyword: String) -> [ServiceRecord] {
        let wanted = keyword.lowercased()
        return records.filter {
            ($0.name?.lowercased().contains(wanted) ?? false) || $0.description.lowercased().contains(wanted)
        }
    }

    /// Distinct service names, lowercased and sorted: for completion and suggestions.
    public func serviceNames() -> [String] {
        Array(Set(records.compactMap { $0.name?.lowercased() })).sorted()
    }

    public func person(_ id: String) -> Person {
        people[id] ?? Person(id: id)
    }

    public func allPeople() -> [Person] { Array(people.values) }
}
