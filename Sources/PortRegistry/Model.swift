/// The transport protocols IANA assigns service names and ports for.
public enum Transport: String, Sendable, CaseIterable, Comparable, Codable {
    case tcp, udp, sctp, dccp

    public static func < (a: Transport, b: Transport) -> Bool {
        a.order < b.order
    }

    /// Hashes the position rather than the raw-value String: the ghost rules key small
    /// dictionaries by transport for every registration in a survey.
    public func hash(into hasher: inout Hasher) { hasher.combine(order) }

    /// The position in `allCases`, without building the array on every comparison.
    public var order: Int {
        switch self {
        case .tcp: 0
        case .udp: 1
        case .sctp: 2
        case .dccp: 3
        }
    }

    /// From a protocol name in any case, as services files write it (`tcp`, `TCP`). Matched
    /// on bytes: the readers call this on every line of nmap-services.
    init?(asciiLowercasing name: some Collection<UInt8>) {
        var key: UInt32 = 0
        var length = 0
        for byte in name {
            guard length < 4, byte < 0x80 else { return nil }
            key = key << 8 | UInt32(byte >= 65 && byte <= 90 ? byte + 32 : byte)
            length += 1
        }
        switch key {
        case 0x74_63_70 where length == 3: self = .tcp
        case 0x75_64_70 where length == 3: self = .udp
        case 0x73_63_74_70: self = .sctp
        case 0x64_63_63_70: self = .dccp
        default: return nil
        }
    }
}

/// An inclusive span of port numbers; a single port is a span of one.
public struct PortRange: Hashable, Sendable, Comparable {
    public let lower: UInt16
    public let upper: UInt16

    public init(_ lower: UInt16, _ upper: UInt16) {
        precondition(lower <= upper, "PortRange lower bound above upper bound")
        self.lower = lower
        self.upper = upper
    }

    public init(_ port: UInt16) { self.init(port, port) }

    public var isSinglePort: Bool { lower == upper }
    public var count: Int { Int(upper) - Int(lower) + 1 }
    public func contains(_ port: UInt16) -> Bool { lower <= port && port <= upper }
    public func overlaps(_ other: PortRange) -> Bool { lower <= other.upper && other.lower <= upper }

    public static func < (a: PortRange, b: PortRange) -> Bool {
        (a.lower, a.upper) < (b.lower, b.upper)
    }
}

extension PortRange: CustomStringConvertible {
    public var description: String { isSinglePort ? "\(lower)" : "\(lower)-\(upper)" }
}

/// The three port ranges of RFC 6335 section 6.
public enum RangeClass: String, Sendable, CaseIterable {
    case system, user, dynamic

    public init(port: UInt16) {
        switch port {
        case 0...1023: self = .system
        case 1024...49151: self = .user
        default: self = .dynamic
        }
    }

    public var span: PortRange {
        switch self {
        case .system: PortRange(0, 1023)
        case .user: PortRange(1024, 49151)
        case .dynamic: PortRange(49152, 65535)
        }
    }

    /// The name RFC 6335 uses, with the older name people still say.
    public var title: String {
        switch self {
        case .system: "System (well-known)"
        case .user: "User (registered)"
        case .dynamic: "Dynamic/Private"
        }
    }
}

/// A date as IANA writes it: a calendar day (`YYYY-MM-DD`) or, for many older entries, only a
/// month (`YYYY-MM`). The month-only dates stay month-only: a day of 1 would be invented.
public struct Day: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    /// Nil when the registry gives only the year and month.
    public let day: Int?

    public init?(year: Int, month: Int, day: Int) {
        guard (1900...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A month-only date, such as IANA's `2003-04`.
    public init?(year: Int, month: Int) {
        guard (1900...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
        self.day = nil
    }

    /// Parses `YYYY-MM-DD`, or `YYYY-MM` as a month-only date.
    public init?(iso text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3 || parts.count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]),
            parts[0].count == 4, parts[1].count == 2
        else { return nil }
        if parts.count == 2 {
            self.init(year: y, month: m)
        } else {
            guard parts[2].count == 2, let d = Int(parts[2]) else { return nil }
            self.init(year: y, month: m, day: d)
        }
    }

    public var isMonthOnly: Bool { day == nil }

    /// A month-only date sorts before every day of its month.
    public static func < (a: Day, b: Day) -> Bool {
        (a.year, a.month, a.day ?? 0) < (b.year, b.month, b.day ?? 0)
    }

    /// `2003-04-17`, or `2003-04` for a month-only date.
    public var description: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let month = "\(pad(year, 4))-\(pad(month, 2))"
        return day.map { "\(month)-\(pad($0, 2))" } ?? month
    }

    /// `on 2003-04-17`, or `in 2003-04` for a month-only date.
    public var onOrIn: String { (isMonthOnly ? "in " : "on ") + description }
}

/// A person or organisation named in the registry's `<people>` block, or only by id in CSV.
public struct Person: Hashable, Sendable {
    /// IANA's id, e.g. `William_David`.
    public let id: String
    /// The display name; when the source has none, the id with underscores as spaces.
    public let name: String
    public let organization: String?
    /// A `mailto:` or `http(s):` address, when published.
    public let uri: String?
    public let updated: Day?

    public init(id: String, name: String? = nil, organization: String? = nil, uri: String? = nil, updated: Day? = nil) {
        self.id = id
        self.name = name ?? id.replacingUnderscores()
        self.organization = organization
        self.uri = uri
        self.updated = updated
    }
}

extension String {
    func replacingUnderscores() -> String {
        String(map { $0 == "_" ? " " : $0 })
    }
}

/// A citation attached to a record.
public struct Reference: Hashable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case rfc, draft, uri, text, note, person, registry, other
    }
    public let kind: Kind
    /// `rfc6335`, a draft name, a URL, or free text.
    public let value: String

    public init(kind: Kind, value: String) {
        self.kind = kind
        self.value = value
    }
}

/// One row of IANA's registry: a name, a port or range, a transport, and what is known of it.
public struct ServiceRecord: Hashable, Sendable {
    /// Absent for Reserved and Unassigned rows.
    public var name: String?
    /// Absent for names registered without a port (e.g. DNS-SD service names).
    public var ports: PortRange?
    /// Absent for rows that apply to no transport in particular.
    public var transport: Transport?
    public var description: String
    /// Person ids; resolve with `Registry.person(_:)`.
    public var assignees: [String]
    public var contacts: [String]
    public var registered: Day?
    public var modified: Day?
    public var references: [Reference]
    public var serviceCode: String?
    public var unauthorizedUses: String?
    public var notes: String?

    public init(
        name: String? = nil, ports: PortRange? = nil, transport: Transport? = nil,
        description: String = "", assignees: [String] = [], contacts: [String] = [],
        registered: Day? = nil, modified: Day? = nil, references: [Reference] = [],
        serviceCode: String? = nil, unauthorizedUses: String? = nil, notes: String? = nil
    ) {
        self.name = name
        self.ports = ports
        self.transport = transport
        self.description = description
        self.assignees = assignees
        self.contacts = contacts
        self.registered = registered
        self.modified = modified
        self.references = references
        self.serviceCode = serviceCode
        self.unauthorizedUses = unauthorizedUses
        self.notes = notes
    }

    /// IANA marks spans nobody owns with these descriptions and no name.
    public var isReserved: Bool { name == nil && description.lowercased().hasPrefix("reserved") }
    public var isUnassigned: Bool { name == nil && description.lowercased().hasPrefix("unassigned") }
}
