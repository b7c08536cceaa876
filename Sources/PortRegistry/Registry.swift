import CSnapshot

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

    /// True when the registry is more than a year older than `today` (or has no date; a
    /// month-only date counts from the end of its month):
    /// time to suggest `update`.
    public func isStale(today: Day) -> Bool {
        guard let updated else { return true }
        let oneYearLater =
            Day(year: updated.year + 1, month: updated.month, day: updated.day ?? 31) ?? updated
        return oneYearLater < today
    }
}

/// The map: every record of one registry, searchable by port, name, range and keyword.
///
/// This is the query surface the language uses; behind it the records live in the fast form
/// (`FastForm`), read lazily: a lookup by port or name binary-searches an index and decodes
/// only the records it returns.
public final class Registry: Sendable {
    public let source: RegistrySource
    let store: FastStore
    /// Which port-span records overlap each block of 64 ports (a CSR table: the items of
    /// block b are `spanItems[spanStart[b]..<spanStart[b + 1]]`), so a port lookup checks a
    /// handful of spans instead of all ~1,300.
    let spanStart: [Int32]
    let spanItems: [Int32]

    /// Builds a registry from records in memory (encodes them in the fast form); throws when
    /// the encoding does not read back, rather than handing out an empty registry.
    public static func encoding(records: [ServiceRecord], people: [Person], source: RegistrySource)
        throws(RegistryError) -> Registry
    {
        try Registry(
            encoded: FastForm.encode(records: records, people: people, updated: source.updated, format: nil),
            source: source)
    }

    /// As `encoding(records:people:source:)`, for fixtures that cannot throw: it stops the
    /// program with the reason if the encoding does not read back (it never should).
    public convenience init(records: [ServiceRecord], people: [Person], source: RegistrySource) {
        let bytes = FastForm.encode(records: records, people: people, updated: source.updated, format: nil)
        let store: FastStore
        do {
            store = try Registry.store(encoded: bytes, source: source)
        } catch {
            preconditionFailure("the fast form's own encoding does not read back: \(error)")
        }
        self.init(store: store, source: source)
    }

    /// A registry over bytes this process encoded (so the checksum is not verified); the
    /// one place where an in-memory registry is opened, and where its failure surfaces.
    convenience init(encoded bytes: [UInt8], source: RegistrySource) throws(RegistryError) {
        self.init(store: try Registry.store(encoded: bytes, source: source), source: source)
    }

    private static func store(encoded bytes: [UInt8], source: RegistrySource) throws(RegistryError) -> FastStore {
        try FastStore(bytes: bytes, file: source.path ?? "registry", verifyChecksum: false)
    }

    init(store: FastStore, source: RegistrySource) {
        self.store = store
        self.source = source
        (spanStart, spanItems) = Registry.spanBlocks(store)
    }

    static let spanBlockShift = 6

    static func spanBlocks(_ store: FastStore) -> ([Int32], [Int32]) {
        let blocks = 65536 >> spanBlockShift
        var counts = [Int32](repeating: 0, count: blocks + 1)
        var spans: [(Int, Int, Int32)] = []
        spans.reserveCapacity(store.ranges.count)
        for k in 0..<store.ranges.count {
            let off = store.ranges.offset + 8 * k
            guard let lo = store.u16(off), let hi = store.u16(off + 2), lo <= hi else { continue }
            let first = Int(lo) >> spanBlockShift
            let last = Int(hi) >> spanBlockShift
            spans.append((first, last, Int32(k)))
            for b in first...last { counts[b + 1] += 1 }
        }
        for b in 0..<blocks { counts[b + 1] += counts[b] }
        var fill = counts
        var items = [Int32](repeating: 0, count: Int(counts[blocks]))
        for (first, last, k) in spans {
            for b in first...last {
                items[Int(fill[b])] = k
                fill[b] += 1
            }
        }
        return (counts, items)
    }

    /// Reads a registry document (already parsed) into a registry; throws when its encoding
    /// does not read back (too large for the fast form's 32-bit offsets, say).
    public convenience init(document: RegistryDocument, source: RegistrySource) throws(RegistryError) {
        try self.init(encoded: FastForm.encode(document), source: source)
    }

    /// Opens fast-form bytes (validated; the checksum is verified).
    public static func open(fastForm bytes: [UInt8], file: String, kind: RegistrySource.Kind = .file)
        throws(RegistryError) -> Registry
    {
        let store = try FastStore(bytes: bytes, file: file, verifyChecksum: true)
        return Registry(store: store, source: RegistrySource(kind: kind, path: file, updated: store.updated))
    }

    /// Loads IANA XML, IANA CSV or the fast form, detected from the file's first bytes.
    /// A fast-form file is mapped, not copied, and its checksum verified.
    public static func load(path: String, kind: RegistrySource.Kind = .file) throws(RegistryError) -> Registry {
        guard let registry = try loadIfPresent(path: path, kind: kind) else {
            throw RegistryError(file: path, problem: "no such file")
        }
        return registry
    }

    /// As `load(path:)`, nil when the file does not exist.
    static func loadIfPresent(path: String, kind: RegistrySource.Kind) throws(RegistryError) -> Registry? {
        guard let owner = try FileIO.map(path) else { return nil }
        if RegistryFormat.detect(owner.buffer.prefix(64)) == .fastForm {
            let store = try FastStore(raw: owner.buffer, owner: owner, file: path, verifyChecksum: true)
            return Registry(store: store, source: RegistrySource(kind: kind, path: path, updated: store.updated))
        }
        return try load(bytes: Array(owner.buffer), file: path, kind: kind)
    }

    /// As `load(path:)`, from bytes already in memory; `file` names them in errors.
    public static func load(bytes: [UInt8], file: String, kind: RegistrySource.Kind = .file) throws(RegistryError)
        -> Registry
    {
        if RegistryFormat.detect(bytes) == .fastForm { return try open(fastForm: bytes, file: file, kind: kind) }
        let document = try RegistryDocument.read(bytes, file: file)
        return try Registry(
            document: document, source: RegistrySource(kind: kind, path: file, updated: document.updated))
    }

    /// The snapshot compiled into the binary. Its header and section bounds are validated;
    /// the checksum is not (it would touch every byte), a test verifies it instead.
    public static func embedded() throws(RegistryError) -> Registry {
        let size = porthole_snapshot_size()
        guard size > 0, let base = porthole_snapshot_bytes() else {
            throw RegistryError(
                file: "embedded snapshot",
                problem: "empty: this binary was built without a snapshot (run scripts/make-snapshot)")
        }
        let raw = UnsafeRawBufferPointer(start: base, count: size)
        let store = try FastStore(raw: raw, owner: nil, file: "embedded snapshot", verifyChecksum: false)
        return Registry(store: store, source: RegistrySource(kind: .embedded, path: nil, updated: store.updated))
    }

    /// The format the registry was imported from (the fast form remembers it).
    public var originalFormat: RegistryFormat? { store.format }

    /// The encoded fast form of this registry, e.g. to write to disk.
    public func fastFormBytes() -> [UInt8] { Array(store.raw) }

    /// Verifies the checksum and decodes every record and person; throws on the first problem.
    public func verify() throws(RegistryError) {
        let stored = UInt64(store.u32(24) ?? 0) | UInt64(store.u32(28) ?? 0) << 32
        let actual = FastForm.checksum(UnsafeRawBufferPointer(rebasing: store.raw[FastForm.headerSize...]))
        guard stored == actual else {
            throw RegistryError(
                file: store.file, location: "offset 24", problem: "checksum mismatch: the file is corrupted")
        }
        for i in 0..<store.recordCount { _ = try store.record(i) }
        for i in 0..<store.people.count { _ = try store.person(at: i) }
        for s in [store.singles, store.ranges, store.names] {
            for i in 0..<s.count where Int(store.entry(s, i).1) >= store.recordCount {
                throw store.corrupt("index entry \(i) points past the records")
            }
        }
    }

    func decode(_ index: Int) -> ServiceRecord {
        do {
            return try store.record(index)
        } catch {
            // Unreachable for files whose checksum was verified; never crash on a bad one.
            return ServiceRecord(description: "(unreadable record \(index): \(error.problem))")
        }
    }

    private func decode(_ indices: [Int]) -> [ServiceRecord] { indices.map(decode) }

    public var recordCount: Int { store.recordCount }

    /// Every record, in registry order.
    public func allRecords() -> [ServiceRecord] { (0..<store.recordCount).map(decode) }

    /// Indices (registry order) of records whose span contains `port`.
    func indices(onPort port: UInt16) -> [Int] {
        indices(in: PortRange(port))
    }

    func indices(in range: PortRange) -> [Int] {
        var out: [Int] = []
        let s = store.singles
        var i = store.lowerBound(s) { store.entry(s, $0).0 < UInt32(range.lower) }
        while i < s.count {
            let (p, r) = store.entry(s, i)
            if p > UInt32(range.upper) { break }
            if Int(r) < store.recordCount { out.append(Int(r)) }
            i += 1
        }
        let blocks = (Int(range.lower) >> Self.spanBlockShift)...(Int(range.upper) >> Self.spanBlockShift)
        var seen = Set<Int32>()  // a span reaching over several blocks is listed in each
        for block in blocks {
            for item in spanItems[Int(spanStart[block])..<Int(spanStart[block + 1])]
            where blocks.count == 1 || seen.insert(item).inserted {
                let off = store.ranges.offset + 8 * Int(item)
                guard let lo = store.u16(off), let hi = store.u16(off + 2), let r = store.u32(off + 4) else { continue }
                if lo <= range.upper && range.lower <= hi && Int(r) < store.recordCount { out.append(Int(r)) }
            }
        }
        out.sort()
        return out
    }

    /// Records whose port span contains `port`, including Reserved and Unassigned spans.
    public func records(onPort port: UInt16) -> [ServiceRecord] { decode(indices(onPort: port)) }

    /// The service names registered on a port for one transport, in registry order, without
    /// decoding whole records: `who` asks this once per listener.
    public func serviceNames(onPort port: UInt16, transport: Transport) -> [String] {
        var names: [String] = []
        for index in indices(onPort: port) {
            guard let (name, t) = try? store.nameAndTransport(index), t == transport, let name, !names.contains(name)
            else { continue }
            names.append(name)
        }
        return names
    }

    /// Records whose port span overlaps `range`.
    public func records(in range: PortRange) -> [ServiceRecord] { decode(indices(in: range)) }

    /// Records with this service name, compared case-insensitively.
    public func records(named name: String) -> [ServiceRecord] {
        let key = Array(name.lowercased().utf8)
        let s = store.names
        var i = store.lowerBound(s) { store.compare(store.entry(s, $0).0, key) < 0 }
        var out: [Int] = []
        while i < s.count {
            let (id, r) = store.entry(s, i)
            if store.compare(id, key) != 0 { break }
            if Int(r) < store.recordCount { out.append(Int(r)) }
            i += 1
        }
        return decode(out.sorted())
    }

    /// Named records whose name or description contains `keyword`, case-insensitively.
    public func search(_ keyword: String) -> [ServiceRecord] { decode(searchIndices(keyword)) }

    /// Distinct service names starting with `prefix` (compared lowercased), sorted: what
    /// completion offers, found by binary search rather than a scan.
    public func serviceNames(withPrefix prefix: String) -> [String] {
        let prefix = prefix.lowercased()
        let names = serviceNames()
        let first = names.partitioningIndex { $0 >= prefix }
        return Array(names[first...].prefix { $0.hasPrefix(prefix) })
    }

    /// Distinct service names, lowercased and sorted: for completion and suggestions.
    public func serviceNames() -> [String] {
        var out: [String] = []
        var last: UInt32 = FastForm.none
        for i in 0..<store.names.count {
            let (id, _) = store.entry(store.names, i)
            if id == last { continue }
            last = id
            if let s = try? store.string(id) { out.append(s) }
        }
        return out
    }

    /// The person with this id, or one derived from the id when the registry has no entry.
    public func person(_ id: String) -> Person {
        guard let i = personIndex(id) else { return Person(id: id) }
        return (try? store.person(at: i)) ?? Person(id: id)
    }

    /// `person(id).name`, without decoding the rest of the person: a broad lookup names
    /// thousands of people and shows nothing else of them.
    public func personName(_ id: String) -> String {
        guard let i = personIndex(id), let name = try? store.personName(at: i) else { return Person(id: id).name }
        return name
    }

    /// Where the person with this id is in the sorted people table, or nil.
    private func personIndex(_ id: String) -> Int? {
        let key = Array(id.utf8)
        let p = store.people
        let i = store.lowerBound(p) { store.compare(store.u32(p.offset + 20 * $0) ?? FastForm.none, key) < 0 }
        return i < p.count && store.compare(store.u32(p.offset + 20 * i) ?? FastForm.none, key) == 0 ? i : nil
    }

    /// Every person, sorted by id.
    public func allPeople() -> [Person] {
        (0..<store.people.count).compactMap { try? store.person(at: $0) }
    }

    /// Whether the registry has a person entry for `id` (otherwise `person(_:)` derives one).
    public func hasPerson(_ id: String) -> Bool { personIndex(id) != nil }
}
