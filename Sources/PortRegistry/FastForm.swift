/// porthole's compact binary form of a whole registry: what `update` writes to
/// `~/.local/share/porthole/registry.bin` and what the embedded snapshot holds.
///
/// Layout (all integers little-endian, offsets in bytes from the start of the file):
///
///     header (112 bytes)
///       0  magic "\x89PHR\r\n\x1a\n"        8  format version (2)   12 header size (112)
///       16 total size                        20 reserved              24 checksum (UInt64, bytes 112..<total)
///       32 updated day (y<<9|m<<5|d, d 0 = month only, 0 = none)   36 source format (1 xml, 2 csv, 3 fast, 0 unknown)
///       40 record count   44 records offset
///       48 string count   52 string offsets offset (count+1 UInt32)   56 string blob offset   60 blob size
///       64 lists offset   68 lists size in UInt32 words
///       72 single-port index offset  76 count  (8 bytes each: port UInt32, record UInt32; sorted by port, record)
///       80 range index offset        84 count  (8 bytes each: lower UInt16, upper UInt16, record UInt32)
///       88 name index offset         92 count  (8 bytes each: lowercased-name string, record; sorted by bytes, record)
///       96 people offset            100 count  (20 bytes each: id, name, org, uri strings, updated day; sorted by id bytes)
///     records (48 bytes each): name, lower UInt16, upper UInt16, flags UInt8 (1 = has ports),
///       transport UInt8 (0 none, 1 tcp, 2 udp, 3 sctp, 4 dccp), 2 pad, description, registered,
///       modified, service code, unauthorized, notes, assignees list, contacts list, references list.
///     Strings are indices into the string table (0xFFFFFFFF = none). Lists are word offsets into
///     the lists area holding a count then items (references: kind, string); 0xFFFFFFFF = empty.
///
/// Opening validates the magic, version, size, every section's bounds and (for files read
/// from disk) the checksum; every later read is bounds-checked again, so a corrupted file
/// yields a `RegistryError`, never a crash. A lookup decodes only the records it returns.
public enum FastForm {
    public static let magic: [UInt8] = [0x89, 0x50, 0x48, 0x52, 0x0D, 0x0A, 0x1A, 0x0A]
    /// 2 since dates keep their precision (a day of 0 is a month-only date); version 1 files
    /// gave month-only dates an invented day 1, so they are refused and rebuilt by `update`.
    public static let version: UInt32 = 2
    static let headerSize = 112
    static let recordSize = 48
    static let none: UInt32 = 0xFFFF_FFFF

    /// Encodes a registry document.
    public static func encode(_ document: RegistryDocument) -> [UInt8] {
        encode(records: document.records, people: document.people, updated: document.updated, format: document.format)
    }

    public static func encode(records: [ServiceRecord], people: [Person], updated: Day?, format: RegistryFormat?)
        -> [UInt8]
    {
        var w = Writer()
        return w.encode(records: records, people: people, updated: updated, format: format)
    }

    static func pack(_ d: Day?) -> UInt32 {
        guard let d else { return 0 }
        return UInt32(d.year) << 9 | UInt32(d.month) << 5 | UInt32(d.day ?? 0)
    }

    /// Day bits 0 mean a month-only date (version 2; version 1 wrote such dates as day 1).
    static func unpack(_ v: UInt32) -> Day? {
        guard v != 0 else { return nil }
        let day = Int(v & 31)
        return day == 0
            ? Day(year: Int(v >> 9), month: Int((v >> 5) & 15))
            : Day(year: Int(v >> 9), month: Int((v >> 5) & 15), day: day)
    }

    static func transportCode(_ t: Transport?) -> UInt8 {
        switch t {
        case nil: 0
        case .tcp: 1
        case .udp: 2
        case .sctp: 3
        case .dccp: 4
        }
    }

    static let transports: [Transport?] = [nil, .tcp, .udp, .sctp, .dccp]

    static func formatCode(_ f: RegistryFormat?) -> UInt32 {
        switch f {
        case nil: 0
        case .ianaXML: 1
        case .ianaCSV: 2
        case .fastForm: 3
        }
    }

    static let formats: [RegistryFormat?] = [nil, .ianaXML, .ianaCSV, .fastForm]

    /// A 64-bit checksum over words; detects corruption and truncation, not tampering.
    static func checksum(_ p: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(p.count)
        var i = 0
        let n = p.count
        while i + 8 <= n {
            let w = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            h = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(p[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 32)
    }

    struct Writer {
        var strings: [[UInt8]] = []
        var stringIndex: [[UInt8]: UInt32] = [:]
        var lists: [UInt32] = []
        var listIndex: [[UInt32]: UInt32] = [:]

        mutating func string(_ s: String?) -> UInt32 {
            guard let s else { return none }
            let b = Array(s.utf8)
            if let i = stringIndex[b] { return i }
            let i = UInt32(strings.count)
            strings.append(b)
            stringIndex[b] = i
            return i
        }

        mutating func list(_ items: [UInt32], count: Int) -> UInt32 {
            if count == 0 { return none }
            let key = [UInt32(count)] + items
            if let i = listIndex[key] { return i }
            let i = UInt32(lists.count)
            lists.append(contentsOf: key)
            listIndex[key] = i
            return i
        }

        mutating func encode(records: [ServiceRecord], people: [Person], updated: Day?, format: RegistryFormat?)
            -> [UInt8]
        {
            var recordBytes: [UInt8] = []
            recordBytes.reserveCapacity(records.count * recordSize)
            var singles: [(UInt32, UInt32)] = []
            var ranges: [(UInt16, UInt16, UInt32)] = []
            var names: [([UInt8], UInt32, UInt32)] = []
            for (i, r) in records.enumerated() {
                let idx = UInt32(i)
                let name = string(r.name)
                if let n = r.name {
                    let lowered = n.lowercased()
                    names.append((Array(lowered.utf8), string(lowered), idx))
                }
                if let p = r.ports {
                    if p.isSinglePort {
                        singles.append((UInt32(p.lower), idx))
                    } else {
                        ranges.append((p.lower, p.upper, idx))
                    }
                }
                let fields: [UInt32] = [
                    string(r.description), pack(r.registered), pack(r.modified),
                    string(r.serviceCode), string(r.unauthorizedUses), string(r.notes),
                    list(r.assignees.map { string($0) }, count: r.assignees.count),
                    list(r.contacts.map { string($0) }, count: r.contacts.count),
                    list(
                        r.references.flatMap { ref in
                            [UInt32(Reference.Kind.allCases.firstIndex(of: ref.kind) ?? 0), string(ref.value)]
                        }, count: r.references.count),
                ]
                recordBytes.append32(name)
                recordBytes.append16(r.ports?.lower ?? 0)
                recordBytes.append16(r.ports?.upper ?? 0)
                recordBytes.append(r.ports == nil ? 0 : 1)
                recordBytes.append(transportCode(r.transport))
                recordBytes.append16(0)
                for f in fields { recordBytes.append32(f) }
            }
            singles.sort { ($0.0, $0.1) < ($1.0, $1.1) }
            names.sort { a, b in
                a.0.lexicographicallyPrecedes(b.0) || (a.0 == b.0 && a.2 < b.2)
            }
            var seenPeople = Set<String>()
            let sortedPeople = people.filter { seenPeople.insert($0.id).inserted }
                .sorted { Array($0.id.utf8).lexicographicallyPrecedes(Array($1.id.utf8)) }
            var peopleBytes: [UInt8] = []
            for p in sortedPeople {
                peopleBytes.append32(string(p.id))
                peopleBytes.append32(string(p.name))
                peopleBytes.append32(string(p.organization))
                peopleBytes.append32(string(p.uri))
                peopleBytes.append32(pack(p.updated))
            }
            var out = [UInt8](repeating: 0, count: headerSize)
            func align() { while out.count % 4 != 0 { out.append(0) } }
            let recordsOffset = out.count
            out += recordBytes
            let stringOffsetsOffset = out.count
            var off: UInt32 = 0
            out.append32(0)
            for s in strings {
                off += UInt32(s.count)
                out.append32(off)
            }
            let blobOffset = out.count
            for s in strings { out += s }
            let blobSize = out.count - blobOffset
            align()
            let listsOffset = out.count
            for v in lists { out.append32(v) }
            let singlesOffset = out.count
            for (p, r) in singles {
                out.append32(p)
                out.append32(r)
            }
            let rangesOffset = out.count
            for (lo, hi, r) in ranges {
                out.append16(lo)
                out.append16(hi)
                out.append32(r)
            }
            let namesOffset = out.count
            for (_, s, r) in names {
                out.append32(s)
                out.append32(r)
            }
            let peopleOffset = out.count
            out += peopleBytes
            let header: [UInt32] = [
                version, UInt32(headerSize), UInt32(out.count), 0, 0, 0,
                pack(updated), formatCode(format),
                UInt32(records.count), UInt32(recordsOffset),
                UInt32(strings.count), UInt32(stringOffsetsOffset), UInt32(blobOffset), UInt32(blobSize),
                UInt32(listsOffset), UInt32(lists.count),
                UInt32(singlesOffset), UInt32(singles.count),
                UInt32(rangesOffset), UInt32(ranges.count),
                UInt32(namesOffset), UInt32(names.count),
                UInt32(peopleOffset), UInt32(sortedPeople.count),
                0, 0,
            ]
            for (i, b) in magic.enumerated() { out[i] = b }
            for (i, v) in header.enumerated() { out.put32(v, at: 8 + 4 * i) }
            let sum = out.withUnsafeBytes { checksum(UnsafeRawBufferPointer(rebasing: $0[headerSize...])) }
            out.put32(UInt32(truncatingIfNeeded: sum), at: 24)
            out.put32(UInt32(truncatingIfNeeded: sum >> 32), at: 28)
            return out
        }
    }
}

extension [UInt8] {
    mutating func append16(_ v: UInt16) {
        append(UInt8(truncatingIfNeeded: v))
        append(UInt8(truncatingIfNeeded: v >> 8))
    }

    mutating func append32(_ v: UInt32) {
        for s in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: v >> UInt32(s))) }
    }

    mutating func put32(_ v: UInt32, at i: Int) {
        for k in 0..<4 { self[i + k] = UInt8(truncatingIfNeeded: v >> UInt32(8 * k)) }
    }
}

/// Keeps the bytes a `FastStore` reads alive (nil owner: static storage such as the snapshot).
final class ByteOwner: @unchecked Sendable {
    let buffer: UnsafeRawBufferPointer
    private let mapped: Bool

    init(copying bytes: [UInt8]) {
        let b = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(bytes.count, 1), alignment: 8)
        bytes.withUnsafeBytes { src in
            if let base = src.baseAddress { b.baseAddress?.copyMemory(from: base, byteCount: src.count) }
        }
        buffer = UnsafeRawBufferPointer(rebasing: b[0..<bytes.count])
        mapped = false
    }

    /// Takes ownership of a read-only mapping made by `FileIO.map`.
    init(mapping: UnsafeRawBufferPointer) {
        buffer = mapping
        mapped = true
    }

    deinit {
        if mapped {
            FileIO.unmap(buffer)
        } else {
            UnsafeMutableRawPointer(mutating: buffer.baseAddress)?.deallocate()
        }
    }
}

/// A validated, lazily read fast form.
struct FastStore: @unchecked Sendable {
    struct Section {
        let offset: Int
        let count: Int
    }

    let raw: UnsafeRawBufferPointer
    let owner: ByteOwner?
    let file: String
    let updated: Day?
    let format: RegistryFormat?
    let recordCount: Int
    let records: Section
    let stringCount: Int
    let stringOffsets: Section
    let blob: Section
    let lists: Section
    let singles: Section
    let ranges: Section
    let names: Section
    let people: Section

    init(bytes: [UInt8], file: String, verifyChecksum: Bool) throws(RegistryError) {
        let owner = ByteOwner(copying: bytes)
        try self.init(raw: owner.buffer, owner: owner, file: file, verifyChecksum: verifyChecksum)
    }

    init(raw: UnsafeRawBufferPointer, owner: ByteOwner?, file: String, verifyChecksum: Bool) throws(RegistryError) {
        self.raw = raw
        self.owner = owner
        self.file = file
        func fail(_ problem: String, _ offset: Int? = nil) -> RegistryError {
            RegistryError(file: file, location: offset.map { "offset \($0)" }, problem: problem)
        }
        let n = raw.count
        guard n >= FastForm.magic.count, raw.prefix(FastForm.magic.count).elementsEqual(FastForm.magic) else {
            throw fail("not a porthole registry file (bad magic)")
        }
        guard n >= FastForm.headerSize else {
            throw fail("truncated: \(n) bytes, shorter than the \(FastForm.headerSize)-byte header")
        }
        func h(_ i: Int) -> Int { Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt32.self))) }
        let version = h(8)
        guard version == Int(FastForm.version) else {
            if version == 1 {
                throw fail(
                    "written by an older porthole (fast form version 1, which gave month-only registration dates an "
                        + "invented day); run 'update' to fetch and convert the registry again", 8)
            }
            throw fail(
                "fast form version \(version) is not supported (this porthole reads version \(FastForm.version))", 8)
        }
        guard h(12) == FastForm.headerSize else { throw fail("header size \(h(12)) is not \(FastForm.headerSize)", 12) }
        guard h(16) == n else {
            throw fail(
                h(16) > n
                    ? "truncated: header says \(h(16)) bytes, file has \(n)"
                    : "header says \(h(16)) bytes, file has \(n) (trailing garbage)", 16)
        }
        if verifyChecksum {
            let stored = UInt64(h(24)) | UInt64(h(28)) << 32
            let actual = FastForm.checksum(UnsafeRawBufferPointer(rebasing: raw[FastForm.headerSize...]))
            guard stored == actual else { throw fail("checksum mismatch: the file is corrupted", 24) }
        }
        let updatedRaw = UInt32(h(32))
        guard updatedRaw == 0 || FastForm.unpack(updatedRaw) != nil else {
            throw fail("updated date \(updatedRaw) is invalid", 32)
        }
        updated = FastForm.unpack(updatedRaw)
        let fmt = h(36)
        guard fmt < FastForm.formats.count else { throw fail("unknown source format \(fmt)", 36) }
        format = FastForm.formats[fmt]
        func section(_ at: Int, _ countAt: Int?, elementSize: Int, count fixed: Int? = nil, name: String)
            throws(RegistryError) -> Section
        {
            let offset = h(at)
            let count = fixed ?? h(countAt ?? at)
            guard offset >= FastForm.headerSize, offset + count * elementSize <= n else {
                throw fail(
                    "\(name) section (offset \(offset), \(count) × \(elementSize) bytes) lies outside the \(n)-byte file",
                    at)
            }
            return Section(offset: offset, count: count)
        }
        recordCount = h(40)
        records = try section(44, 40, elementSize: FastForm.recordSize, name: "records")
        stringCount = h(48)
        stringOffsets = try section(52, nil, elementSize: 4, count: stringCount + 1, name: "string offsets")
        blob = try section(56, 60, elementSize: 1, name: "string data")
        lists = try section(64, 68, elementSize: 4, name: "lists")
        singles = try section(72, 76, elementSize: 8, name: "port index")
        ranges = try section(80, 84, elementSize: 8, name: "range index")
        names = try section(88, 92, elementSize: 8, name: "name index")
        people = try section(96, 100, elementSize: 20, name: "people")
        guard let last = u32(stringOffsets.offset + 4 * stringCount), Int(last) <= blob.count else {
            throw fail("string table overruns its data", 52)
        }
    }

    @inline(__always) func u32(_ off: Int) -> UInt32? {
        guard off >= 0, off + 4 <= raw.count else { return nil }
        return UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: off, as: UInt32.self))
    }

    @inline(__always) func u16(_ off: Int) -> UInt16? {
        guard off >= 0, off + 2 <= raw.count else { return nil }
        return UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: off, as: UInt16.self))
    }

    func corrupt(_ what: String) -> RegistryError {
        RegistryError(file: file, problem: "corrupted: \(what)")
    }

    /// The bytes of string `id`, bounds-checked.
    func stringBytes(_ id: UInt32) throws(RegistryError) -> UnsafeRawBufferPointer {
        guard let bytes = stringSpan(id) else { throw corrupt("string \(id) out of bounds") }
        return bytes
    }

    /// `stringBytes`, nil where it throws: the offsets table was bounds-checked when the
    /// file was opened, so only the id and the two offsets read are checked here.
    @inline(__always) func stringSpan(_ id: UInt32) -> UnsafeRawBufferPointer? {
        let i = Int(id)
        guard i < stringCount, let base = raw.baseAddress else { return nil }
        let at = stringOffsets.offset + 4 * i
        let a = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
        let b = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self)))
        guard a <= b, b <= blob.count else { return nil }
        return UnsafeRawBufferPointer(start: base + blob.offset + a, count: b - a)
    }

    func string(_ id: UInt32) throws(RegistryError) -> String? {
        if id == FastForm.none { return nil }
        return String(decoding: try stringBytes(id), as: UTF8.self)
    }

    func list(_ at: UInt32, stride: Int) throws(RegistryError) -> [UInt32] {
        if at == FastForm.none { return [] }
        let start = Int(at)
        guard start < lists.count, let c = u32(lists.offset + 4 * start) else {
            throw corrupt("list \(at) out of bounds")
        }
        let count = Int(c) * stride
        guard start + 1 + count <= lists.count else { throw corrupt("list \(at) overruns the lists section") }
        var out: [UInt32] = []
        out.reserveCapacity(count)
        for k in 0..<count {
            guard let v = u32(lists.offset + 4 * (start + 1 + k)) else { throw corrupt("list \(at) out of bounds") }
            out.append(v)
        }
        return out
    }

    func day(_ v: UInt32) throws(RegistryError) -> Day? {
        if v == 0 { return nil }
        guard let d = FastForm.unpack(v) else { throw corrupt("invalid date \(v)") }
        return d
    }

    func record(_ index: Int) throws(RegistryError) -> ServiceRecord {
        guard index >= 0, index < recordCount else { throw corrupt("record \(index) out of range") }
        let base = records.offset + index * FastForm.recordSize
        func w(_ k: Int) throws(RegistryError) -> UInt32 {
            guard let v = u32(base + 12 + 4 * (k - 3)) else { throw corrupt("record \(index) out of bounds") }
            return v
        }
        guard let nameID = u32(base), let lo = u16(base + 4), let hi = u16(base + 6) else {
            throw corrupt("record \(index) out of bounds")
        }
        let flags = raw[base + 8]
        let tcode = Int(raw[base + 9])
        guard tcode < FastForm.transports.count else { throw corrupt("record \(index) has transport code \(tcode)") }
        guard flags & 1 == 0 || lo <= hi else { throw corrupt("record \(index) has a backwards port range") }
        var r = ServiceRecord()
        r.name = try string(nameID)
        r.ports = flags & 1 == 1 ? PortRange(lo, hi) : nil
        r.transport = FastForm.transports[tcode]
        r.description = try string(try w(3)) ?? ""
        r.registered = try day(try w(4))
        r.modified = try day(try w(5))
        r.serviceCode = try string(try w(6))
        r.unauthorizedUses = try string(try w(7))
        r.notes = try string(try w(8))
        for id in try list(try w(9), stride: 1) { if let s = try string(id) { r.assignees.append(s) } }
        for id in try list(try w(10), stride: 1) { if let s = try string(id) { r.contacts.append(s) } }
        let refs = try list(try w(11), stride: 2)
        var k = 0
        while k + 1 < refs.count {
            let kinds = Reference.Kind.allCases
            let kind = Int(refs[k]) < kinds.count ? kinds[Int(refs[k])] : .other
            r.references.append(Reference(kind: kind, value: try string(refs[k + 1]) ?? ""))
            k += 2
        }
        return r
    }

    /// Name and transport only, for joining listeners with the map.
    func nameAndTransport(_ index: Int) throws(RegistryError) -> (String?, Transport?) {
        let base = records.offset + index * FastForm.recordSize
        guard index < recordCount, let n = u32(base), base + 9 < raw.count else {
            throw corrupt("record \(index) out of range")
        }
        let tcode = Int(raw[base + 9])
        guard tcode < FastForm.transports.count else { throw corrupt("record \(index) has transport code \(tcode)") }
        return (try string(n), FastForm.transports[tcode])
    }

    /// Name and description only, for keyword search.
    func nameAndDescription(_ index: Int) throws(RegistryError) -> (String?, String) {
        let base = records.offset + index * FastForm.recordSize
        guard index < recordCount, let n = u32(base), let d = u32(base + 12) else {
            throw corrupt("record \(index) out of range")
        }
        return (try string(n), try string(d) ?? "")
    }

    func entry(_ s: Section, _ i: Int) -> (UInt32, UInt32) {
        (u32(s.offset + 8 * i) ?? 0, u32(s.offset + 8 * i + 4) ?? FastForm.none)
    }

    func person(at i: Int) throws(RegistryError) -> Person {
        let base = people.offset + 20 * i
        guard i < people.count, let id = u32(base), let name = u32(base + 4), let org = u32(base + 8),
            let uri = u32(base + 12), let upd = u32(base + 16)
        else { throw corrupt("person \(i) out of range") }
        guard let pid = try string(id) else { throw corrupt("person \(i) has no id") }
        return Person(
            id: pid, name: try string(name), organization: try string(org), uri: try string(uri), updated: try day(upd))
    }

    /// `person(at:).name`, decoding only the name: it fails exactly when `person(at:)` does
    /// (the other fields are checked as bytes, not made into Strings).
    func personName(at i: Int) throws(RegistryError) -> String {
        let (id, name) = try checkedPerson(at: i)
        guard name != FastForm.none else {
            return String(decoding: try stringBytes(id), as: UTF8.self).replacingUnderscores()
        }
        return String(decoding: try stringBytes(name), as: UTF8.self)
    }

    /// The string id of `personName(at:)`'s text when the person has a name of their own, nil
    /// when it is derived from the id; it fails exactly when `personName(at:)` does.
    func personNameID(at i: Int) throws(RegistryError) -> UInt32? {
        let (_, name) = try checkedPerson(at: i)
        return name == FastForm.none ? nil : name
    }

    /// Person `i`'s id and name string ids, after the checks `person(at:)` makes.
    private func checkedPerson(at i: Int) throws(RegistryError) -> (id: UInt32, name: UInt32) {
        let base = people.offset + 20 * i
        guard i < people.count, let id = u32(base), let name = u32(base + 4), let org = u32(base + 8),
            let uri = u32(base + 12), let upd = u32(base + 16)
        else { throw corrupt("person \(i) out of range") }
        if id == FastForm.none { throw corrupt("person \(i) has no id") }
        _ = try stringBytes(id)
        if name != FastForm.none { _ = try stringBytes(name) }
        if org != FastForm.none { _ = try stringBytes(org) }
        if uri != FastForm.none { _ = try stringBytes(uri) }
        _ = try day(upd)
        return (id, name)
    }

    /// Compares string `id`'s bytes with `key`.
    func compare(_ id: UInt32, _ key: [UInt8]) -> Int {
        key.withUnsafeBufferPointer { compare(id, $0) }
    }

    /// Compares string `id`'s bytes with `key`.
    func compare(_ id: UInt32, _ key: UnsafeBufferPointer<UInt8>) -> Int {
        guard let s = stringSpan(id) else { return -1 }
        let n = Swift.min(s.count, key.count)
        var i = 0
        while i < n {
            if s[i] != key[i] { return s[i] < key[i] ? -1 : 1 }
            i += 1
        }
        return s.count == key.count ? 0 : (s.count < key.count ? -1 : 1)
    }

    /// First index in `section` (8-byte entries) whose key is not less than the target.
    func lowerBound(_ section: Section, _ less: (Int) -> Bool) -> Int {
        (0..<section.count).partitioningIndex { !less($0) }
    }
}
