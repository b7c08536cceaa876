/// Counts over every record, read from the fast form's fixed fields and string ids: a
/// question about the whole registry (`stats`) then decodes no record.
public struct RegistryCensus: Sendable, Equatable {
    public var records = 0
    /// Records by the range class of their first port; records without a port are `portless`.
    public var byRangeClass: [RangeClass: Int] = [:]
    public var portless = 0
    /// nil: records without a transport.
    public var byTransport: [Transport?: Int] = [:]
    public var named = 0
    /// Records citing anything but a person.
    public var withReference = 0
    /// `ServiceRecord.isReserved` and `isUnassigned`, and the ports they cover.
    public var reserved = (records: 0, ports: 0)
    public var unassigned = (records: 0, ports: 0)
    /// Named records by year of registration, and named records without a date.
    public var namedByYear: [Int: Int] = [:]
    public var namedUndated = 0
    /// Registrations (one name, any case, on one port or span, all its transports) by the year
    /// of their earliest registration date, and registrations without any date.
    public var registrationsByYear: [Int: Int] = [:]
    public var registrationsUndated = 0
    /// Distinct ids named as assignee or contact.
    public var people = 0

    public static func == (a: RegistryCensus, b: RegistryCensus) -> Bool {
        a.records == b.records && a.byRangeClass == b.byRangeClass && a.portless == b.portless
            && a.byTransport == b.byTransport && a.named == b.named && a.withReference == b.withReference
            && a.reserved == b.reserved && a.unassigned == b.unassigned && a.namedByYear == b.namedByYear
            && a.namedUndated == b.namedUndated && a.people == b.people
            && a.registrationsByYear == b.registrationsByYear && a.registrationsUndated == b.registrationsUndated
    }
}

extension Registry {
    /// The census of every record. Strings are interned in the fast form, so distinct people
    /// are distinct string ids, and a Reserved or Unassigned description is read once per id.
    public func census() -> RegistryCensus {
        var c = RegistryCensus()
        var people = Set<UInt32>()
        var spanWords: [UInt32: (reserved: Bool, unassigned: Bool)] = [:]
        let personKind = UInt32(Reference.Kind.allCases.firstIndex(of: .person) ?? 0)
        // Counted by code in arrays, turned into the dictionaries at the end: hashing an
        // enum per record cost more than reading it.
        var byRange = [0, 0, 0]
        var byTransport = [Int](repeating: 0, count: FastForm.transports.count)
        // A registration's key: its name lowercased (each distinct name id decoded once) and span.
        struct RegistrationKey: Hashable {
            let name: String
            let low: UInt16
            let high: UInt16
        }
        var lowercasedNames: [UInt32: String] = [:]
        var earliest: [RegistrationKey: Day?] = [:]
        func register(_ name: String, _ ports: PortRange, _ date: Day?) {
            let key = RegistrationKey(name: name, low: ports.lower, high: ports.upper)
            if let known = earliest[key] {
                if let date, known.map({ date < $0 }) ?? true { earliest[key] = date }
            } else {
                earliest[key] = date
            }
        }
        for index in 0..<store.recordCount {
            guard let raw = store.rawRecord(index) else {
                // Unreachable for a verified file; count it as the decoder would.
                let record = decode(index)
                Self.add(record, to: &c, people: &people)
                if let name = record.name, !name.isEmpty, let ports = record.ports {
                    register(name.lowercased(), ports, record.registered)
                }
                continue
            }
            c.records += 1
            if let ports = raw.ports {
                switch RangeClass(port: ports.lower) {
                case .system: byRange[0] += 1
                case .user: byRange[1] += 1
                case .dynamic: byRange[2] += 1
                }
            } else {
                c.portless += 1
            }
            byTransport[Int(FastForm.transportCode(raw.transport))] += 1
            let named = raw.name != FastForm.none
            if named {
                c.named += 1
                if let year = raw.registered?.year { c.namedByYear[year, default: 0] += 1 } else { c.namedUndated += 1 }
                if let ports = raw.ports {
                    let name: String
                    if let known = lowercasedNames[raw.name] {
                        name = known
                    } else {
                        name = ((try? store.string(raw.name)) ?? nil)?.lowercased() ?? ""
                        lowercasedNames[raw.name] = name
                    }
                    if !name.isEmpty { register(name, ports, raw.registered) }
                }
            } else {
                let words: (reserved: Bool, unassigned: Bool)
                if let known = spanWords[raw.description] {
                    words = known
                } else {
                    let text = ((try? store.string(raw.description)) ?? nil)?.lowercased() ?? ""
                    words = (text.hasPrefix("reserved"), text.hasPrefix("unassigned"))
                    spanWords[raw.description] = words
                }
                if words.reserved {
                    c.reserved.records += 1
                    c.reserved.ports += raw.ports?.count ?? 0
                }
                if words.unassigned {
                    c.unassigned.records += 1
                    c.unassigned.ports += raw.ports?.count ?? 0
                }
            }
            var cites = false
            store.forEachListItem(raw.references, stride: 2) { item in
                if item.offset == 0, item.value != personKind { cites = true }
            }
            if cites { c.withReference += 1 }
            store.forEachListItem(raw.assignees, stride: 1) { people.insert($0.value) }
            store.forEachListItem(raw.contacts, stride: 1) { people.insert($0.value) }
        }
        for (k, rangeClass) in [RangeClass.system, .user, .dynamic].enumerated() where byRange[k] > 0 {
            c.byRangeClass[rangeClass, default: 0] += byRange[k]
        }
        for (k, transport) in FastForm.transports.enumerated() where byTransport[k] > 0 {
            c.byTransport[transport, default: 0] += byTransport[k]
        }
        c.people = people.count
        for date in earliest.values {
            if let year = date?.year {
                c.registrationsByYear[year, default: 0] += 1
            } else {
                c.registrationsUndated += 1
            }
        }
        return c
    }

    /// Adds a decoded record, for a record the fixed fields cannot be read from.
    private static func add(_ record: ServiceRecord, to c: inout RegistryCensus, people: inout Set<UInt32>) {
        c.records += 1
        if let ports = record.ports {
            c.byRangeClass[RangeClass(port: ports.lower), default: 0] += 1
        } else {
            c.portless += 1
        }
        c.byTransport[record.transport, default: 0] += 1
        if record.name != nil {
            c.named += 1
            if let year = record.registered?.year { c.namedByYear[year, default: 0] += 1 } else { c.namedUndated += 1 }
        }
        if record.references.contains(where: { $0.kind != .person }) { c.withReference += 1 }
    }
}

/// One record's fixed fields, strings and lists left as ids.
struct RawRecord {
    let name: UInt32
    let ports: PortRange?
    let transport: Transport?
    let description: UInt32
    let registered: Day?
    let notes: UInt32
    let assignees: UInt32
    let contacts: UInt32
    let references: UInt32
}

extension FastStore {
    /// Record `index`'s fixed fields, or nil when they do not read.
    func rawRecord(_ index: Int) -> RawRecord? {
        guard index >= 0, index < recordCount else { return nil }
        let base = records.offset + index * FastForm.recordSize
        guard let name = u32(base), let lo = u16(base + 4), let hi = u16(base + 6), let description = u32(base + 12),
            let registered = u32(base + 16), let notes = u32(base + 32), let assignees = u32(base + 36),
            let contacts = u32(base + 40),
            let references = u32(base + 44)
        else { return nil }
        let flags = raw[base + 8]
        let tcode = Int(raw[base + 9])
        guard tcode < FastForm.transports.count, flags & 1 == 0 || lo <= hi,
            registered == 0 || FastForm.unpack(registered) != nil
        else { return nil }
        return RawRecord(
            name: name, ports: flags & 1 == 1 ? PortRange(lo, hi) : nil, transport: FastForm.transports[tcode],
            description: description, registered: FastForm.unpack(registered), notes: notes, assignees: assignees,
            contacts: contacts, references: references)
    }

    /// Calls `body` with each word of list `at` and its offset within its item (`stride`
    /// words per item), without building an array; a list out of bounds yields nothing.
    func forEachListItem(_ at: UInt32, stride: Int, _ body: ((offset: Int, value: UInt32)) -> Void) {
        if at == FastForm.none { return }
        let start = Int(at)
        guard start < lists.count, let c = u32(lists.offset + 4 * start) else { return }
        let count = Int(c) * stride
        guard start + 1 + count <= lists.count else { return }
        for k in 0..<count {
            guard let v = u32(lists.offset + 4 * (start + 1 + k)) else { return }
            body((k % stride, v))
        }
    }
}
