/// A registration read from the fast form's fixed fields and interned string ids: one service
/// name (any case) on one port or span, with every transport it was registered for, and what
/// its records say transport by transport, without decoding the records. A question about
/// every registration reads these, and decodes only the registrations it shows.
///
/// Records without a name, with an empty one, or without a port are not registrations.
///
/// Its texts stay in the fast form as interned string ids until asked for: a survey judges
/// every registration from their bytes (`withTexts`) and decodes only those it shows.
public struct RegistrationOutline: Sendable {
    let registry: Registry
    let nameID: UInt32
    let lowercasedID: UInt32
    /// The description's id when every record reads raw and they share one; else the text,
    /// picked from the decoded records.
    let descriptionID: UInt32
    let pickedDescription: String?
    /// The name when a record had to be decoded for it (never, for a verified file).
    let decodedName: String?
    public let ports: PortRange
    /// Its records' indices, in registry order (`Registry.record(at:)` decodes them).
    public let records: [Int]
    /// Its transports, sorted; records without one add none.
    public let transports: [Transport]
    /// The earliest registration date on any of its records.
    public let registered: Day?
    /// Per transport code (`FastForm.transports`: none, tcp, udp, sctp, dccp), what its records
    /// on that transport say.
    let byCode: ByTransportCode
    /// The name as the registry spells it first, and lowercased.
    public var name: String { decodedName ?? registry.text(nameID) }
    public var lowercasedName: String { registry.text(lowercasedID) }
    /// The records' common description, else the longest (the first of those).
    public var description: String { pickedDescription ?? registry.text(descriptionID) }

    /// Calls `body` with the description's and the name's UTF-8 bytes, decoding neither when
    /// they are read from the fast form.
    public func withTexts<R>(
        _ body: (_ description: UnsafeBufferPointer<UInt8>, _ name: UnsafeBufferPointer<UInt8>) -> R
    ) -> R {
        func withName(_ name: UnsafeBufferPointer<UInt8>) -> R {
            guard var picked = pickedDescription else {
                return registry.withTextBytes(descriptionID) { body($0, name) }
            }
            return picked.withUTF8 { body($0, name) }
        }
        guard var decoded = decodedName else { return registry.withTextBytes(nameID, withName) }
        return decoded.withUTF8(withName)
    }

    /// What the records on one transport code say.
    struct RecordsOnTransport: Sendable {
        var records = 0
        var undated = 0
        /// Reference kinds cited, one bit per `Reference.Kind.allCases` position.
        var referenceKinds: UInt32 = 0
        /// A notes field that is not blank, or a note reference.
        var hasNotes = false
    }

    /// A `RecordsOnTransport` per transport code, stored inline rather than in an array: a
    /// survey makes one per registration.
    struct ByTransportCode: Sendable {
        private var none = RecordsOnTransport()
        private var tcp = RecordsOnTransport()
        private var udp = RecordsOnTransport()
        private var sctp = RecordsOnTransport()
        private var dccp = RecordsOnTransport()

        subscript(code: Int) -> RecordsOnTransport {
            get {
                switch code {
                case 1: tcp
                case 2: udp
                case 3: sctp
                case 4: dccp
                default: none
                }
            }
            set {
                switch code {
                case 1: tcp = newValue
                case 2: udp = newValue
                case 3: sctp = newValue
                case 4: dccp = newValue
                default: none = newValue
                }
            }
        }
    }

    /// Whether a record on `transport`, or one without a transport, cites a reference of a kind
    /// that `kinds` admits.
    public func cites(on transport: Transport, _ kinds: (Reference.Kind) -> Bool) -> Bool {
        let mask = byCode[0].referenceKinds | byCode[Int(FastForm.transportCode(transport))].referenceKinds
        return Reference.Kind.allCases.indices.contains { mask & (1 << $0) != 0 && kinds(Reference.Kind.allCases[$0]) }
    }

    /// Whether a record on `transport`, or one without a transport, keeps a note: a notes field
    /// that is not blank, or a note reference.
    public func hasNotes(on transport: Transport) -> Bool {
        byCode[0].hasNotes || byCode[Int(FastForm.transportCode(transport))].hasNotes
    }

    /// How many of its records are on `transport` (not counting those without one), and how many
    /// of those carry no registration date.
    public func recordCount(on transport: Transport) -> (records: Int, undated: Int) {
        let facts = byCode[Int(FastForm.transportCode(transport))]
        return (facts.records, facts.undated)
    }
}

extension Registry {
    /// Every registration, in the order of `(ports, lowercased name)`: the fast form's name
    /// index already holds each named record's lowercased name as an interned string id, so
    /// records are grouped by comparing ids, and only each registration's notes are decoded
    /// (its name and description are kept as ids).
    public func registrationOutlines() -> [RegistrationOutline] {
        struct Group {
            let lowercasedID: UInt32
            /// The rank of its lowercased name among all names (the name index is sorted by them).
            let nameRank: Int
            let ports: PortRange
            var records: [Int]
        }
        var groups: [Group] = []
        let index = store.names
        var rank = -1
        var last = FastForm.none
        var lastIsEmpty = true
        var runStart = 0
        for i in 0..<index.count {
            let (lowered, record) = store.entry(index, i)
            if lowered != last || rank < 0 {
                last = lowered
                rank += 1
                runStart = groups.count
                lastIsEmpty = (try? store.stringBytes(lowered))?.isEmpty ?? true
            }
            guard !lastIsEmpty, Int(record) < store.recordCount, let ports = portsOfNamedRecord(Int(record)) else {
                continue
            }
            // A name's records are few: its groups are found by a scan of its own run.
            if let at = groups[runStart...].firstIndex(where: { $0.ports == ports }) {
                groups[at].records.append(Int(record))
            } else {
                // Room for the usual tcp and udp records and a few more, so that they need not regrow.
                var records: [Int] = []
                records.reserveCapacity(4)
                records.append(Int(record))
                groups.append(Group(lowercasedID: lowered, nameRank: rank, ports: ports, records: records))
            }
        }
        groups.sort { ($0.ports, $0.nameRank) < ($1.ports, $1.nameRank) }
        for i in groups.indices { groups[i].records.sort() }
        return groups.map { outline(records: $0.records, ports: $0.ports, lowercasedID: $0.lowercasedID) }
    }

    /// An interned string's text; empty for none, or for an id out of bounds (a verified file has none).
    func text(_ id: UInt32) -> String {
        withTextBytes(id) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with an interned string's bytes, empty for none (as `text`).
    func withTextBytes<R>(_ id: UInt32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard id != FastForm.none, let bytes = try? store.stringBytes(id) else {
            return body(UnsafeBufferPointer(start: nil, count: 0))
        }
        return body(bytes.bindMemory(to: UInt8.self))
    }

    /// A named record's port span, nil when it has none.
    private func portsOfNamedRecord(_ index: Int) -> PortRange? {
        if let raw = store.rawRecord(index) { return raw.ports }
        return decode(index).ports
    }

    private func outline(records: [Int], ports: PortRange, lowercasedID: UInt32) -> RegistrationOutline {
        var byCode = RegistrationOutline.ByTransportCode()
        var transportCodes: UInt8 = 0
        var nameID: UInt32?
        var decodedName: String?
        var registered: Day?
        // The first record's description id, and whether every record reads raw and shares it.
        var descriptionID: UInt32?
        var oneDescription = true
        var decodedRecords = false
        let kinds = Reference.Kind.allCases
        let noteKind = UInt32(kinds.firstIndex(of: .note) ?? 0)
        let otherKind = UInt32(kinds.firstIndex(of: .other) ?? 0)
        func isBlank(_ text: String) -> Bool { text.allSatisfy(\.isWhitespace) }
        for index in records {
            guard let raw = store.rawRecord(index) else {
                // Unreachable for a verified file: read it as the decoder does.
                decodedRecords = true
                let record = decode(index)
                let code = Int(FastForm.transportCode(record.transport))
                if code != 0 { transportCodes |= 1 << code }
                decodedName = decodedName ?? record.name
                if let date = record.registered, registered.map({ date < $0 }) ?? true { registered = date }
                byCode[code].records += 1
                if record.registered == nil { byCode[code].undated += 1 }
                for reference in record.references {
                    byCode[code].referenceKinds |= 1 << (kinds.firstIndex(of: reference.kind) ?? 0)
                    if reference.kind == .note { byCode[code].hasNotes = true }
                }
                if let notes = record.notes, !isBlank(notes) { byCode[code].hasNotes = true }
                continue
            }
            let code = Int(FastForm.transportCode(raw.transport))
            if code != 0 { transportCodes |= 1 << code }
            if nameID == nil, decodedName == nil, raw.name != FastForm.none { nameID = raw.name }
            if let date = raw.registered, registered.map({ date < $0 }) ?? true { registered = date }
            if let first = descriptionID, first != raw.description { oneDescription = false }
            descriptionID = descriptionID ?? raw.description
            byCode[code].records += 1
            if raw.registered == nil { byCode[code].undated += 1 }
            if raw.notes != FastForm.none, let notes = (try? store.string(raw.notes)) ?? nil, !isBlank(notes) {
                byCode[code].hasNotes = true
            }
            store.forEachListItem(raw.references, stride: 2) { item in
                guard item.offset == 0 else { return }
                // An unknown kind decodes as `.other`.
                let kind = item.value < UInt32(kinds.count) ? item.value : otherKind
                byCode[code].referenceKinds |= 1 << kind
                if kind == noteKind { byCode[code].hasNotes = true }
            }
        }
        // Transport codes run in `Transport`'s own order, so these come out sorted.
        var transports: [Transport] = []
        for (code, transport) in FastForm.transports.enumerated() where transportCodes & (1 << code) != 0 {
            if let transport { transports.append(transport) }
        }
        var pickedDescription: String?
        // Equal ids are equal texts: the usual case keeps one id.
        if decodedRecords || !oneDescription || descriptionID == nil {
            pickedDescription = Self.pickDescription(records.map { decode($0).description })
        }
        return RegistrationOutline(
            registry: self, nameID: nameID ?? FastForm.none, lowercasedID: lowercasedID,
            descriptionID: descriptionID ?? FastForm.none, pickedDescription: pickedDescription,
            decodedName: nameID == nil ? decodedName : nil, ports: ports, records: records,
            transports: transports, registered: registered, byCode: byCode)
    }

    /// A registration's description from its records': the common one, else the longest, the
    /// first of those.
    static func pickDescription(_ texts: [String]) -> String {
        if let first = texts.first, texts.allSatisfy({ $0 == first }) { return first }
        return texts.max { $0.count < $1.count } ?? ""
    }
}

/// `registrationOutlines()` kept between runs: the grouping depends on the registry alone, so a
/// host may keep its bytes (`cacheBytes`) beside the registry's identity (`outlinesKey`) and
/// read them back (`registrationOutlines(cached:)`) instead of grouping every record again.
/// What is read back is checked whole: a checksum over the bytes, then every id, index, span
/// and date against this registry; anything amiss gives nil, and the caller groups afresh.
extension Registry {
    /// The layout of the kept bytes; a change to it, or to what an outline holds, changes this.
    static let outlinesCacheFormat = 1

    /// Names the registry the kept outlines were made from: the layout, the fast form's version,
    /// its checksum, size and record count.
    public var outlinesKey: String {
        let sum = UInt64(store.u32(24) ?? 0) | UInt64(store.u32(28) ?? 0) << 32
        return "registrations \(Self.outlinesCacheFormat) fast-form \(FastForm.version) \(String(sum, radix: 16))"
            + " \(store.raw.count) \(store.recordCount)"
    }

    /// `outlines` (this registry's `registrationOutlines()`) as bytes: little-endian words, then
    /// `extra` (what the caller derived from them, read back as it was given), then the fast
    /// form's checksum over all of it.
    public func outlinesCacheBytes(_ outlines: [RegistrationOutline], extra: [UInt8] = []) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(outlines.count * 48)
        func word(_ value: UInt32) {
            withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
        }
        func text(_ value: String) {
            let bytes = Array(value.utf8)
            word(UInt32(bytes.count))
            out.append(contentsOf: bytes)
            while out.count % 4 != 0 { out.append(0) }
        }
        word(UInt32(outlines.count))
        for outline in outlines {
            var transports: UInt32 = 0
            for transport in outline.transports { transports |= 1 << UInt32(FastForm.transportCode(transport)) }
            var present: UInt32 = 0
            for code in 0..<5
            where outline.byCode[code].records > 0 || outline.byCode[code].referenceKinds != 0
                || outline.byCode[code].hasNotes || outline.byCode[code].undated > 0
            {
                present |= 1 << UInt32(code)
            }
            var flags = transports | present << 8
            if outline.registered != nil { flags |= 1 << 16 }
            if outline.registered?.day != nil { flags |= 1 << 17 }
            if outline.pickedDescription != nil { flags |= 1 << 18 }
            if outline.decodedName != nil { flags |= 1 << 19 }
            word(flags)
            word(outline.nameID)
            word(outline.lowercasedID)
            word(outline.descriptionID)
            word(UInt32(outline.ports.lower) | UInt32(outline.ports.upper) << 16)
            if let day = outline.registered {
                word(UInt32(day.year) << 16 | UInt32(day.month) << 8 | UInt32(day.day ?? 0))
            }
            word(UInt32(outline.records.count))
            for record in outline.records { word(UInt32(record)) }
            for code in 0..<5 where present & (1 << UInt32(code)) != 0 {
                let facts = outline.byCode[code]
                word(UInt32(facts.records))
                word(UInt32(facts.undated))
                word(facts.referenceKinds)
                word(facts.hasNotes ? 1 : 0)
            }
            if let picked = outline.pickedDescription { text(picked) }
            if let name = outline.decodedName { text(name) }
        }
        word(UInt32(extra.count))
        out.append(contentsOf: extra)
        while out.count % 4 != 0 { out.append(0) }
        let sum = out.withUnsafeBytes { FastForm.checksum($0) }
        withUnsafeBytes(of: sum.littleEndian) { out.append(contentsOf: $0) }
        return out
    }

    /// The outlines `outlinesCacheBytes` kept, and the extra bytes kept with them, when `bytes`
    /// read back whole and agree with this registry; nil otherwise.
    public func registrationOutlines(cached bytes: [UInt8]) -> (outlines: [RegistrationOutline], extra: [UInt8])? {
        bytes.withUnsafeBytes { raw -> ([RegistrationOutline], [UInt8])? in
            guard raw.count >= 12, raw.count % 4 == 0 else { return nil }
            let body = UnsafeRawBufferPointer(rebasing: raw[..<(raw.count - 8)])
            let stored = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: raw.count - 8, as: UInt64.self))
            guard FastForm.checksum(body) == stored else { return nil }
            var at = 0
            let end = body.count
            guard let base = body.baseAddress else { return nil }
            @inline(__always) func word() -> UInt32? {
                guard end - at >= 4 else { return nil }
                let value = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt32.self))
                at &+= 4
                return value
            }
            func text() -> String? {
                guard let length = word().map(Int.init), length <= body.count - at else { return nil }
                let value = String(decoding: UnsafeRawBufferPointer(rebasing: body[at..<(at + length)]), as: UTF8.self)
                at += (length + 3) / 4 * 4
                return at <= body.count ? value : nil
            }
            func validID(_ id: UInt32) -> Bool { id == FastForm.none || Int(id) < store.stringCount }
            // Every set of transport codes shares one array.
            let transportSets: [[Transport]] = (0..<32).map { mask in
                FastForm.transports.enumerated().compactMap { code, transport in
                    mask & (1 << code) != 0 ? transport : nil
                }
            }
            guard let count = word().map(Int.init), count <= store.recordCount else { return nil }
            var outlines: [RegistrationOutline] = []
            outlines.reserveCapacity(count)
            for _ in 0..<count {
                guard let flags = word(), flags >> 20 == 0, flags & 0xE0E1 == 0,
                    let nameID = word(), validID(nameID), let lowercasedID = word(), validID(lowercasedID),
                    let descriptionID = word(), validID(descriptionID), let span = word(), span & 0xFFFF <= span >> 16
                else { return nil }
                let ports = PortRange(UInt16(span & 0xFFFF), UInt16(span >> 16))
                var registered: Day?
                if flags & (1 << 16) != 0 {
                    guard let date = word() else { return nil }
                    let (year, month, day) = (Int(date >> 16), Int(date >> 8 & 0xFF), Int(date & 0xFF))
                    registered =
                        flags & (1 << 17) != 0
                        ? Day(year: year, month: month, day: day) : (day == 0 ? Day(year: year, month: month) : nil)
                    guard registered != nil else { return nil }
                } else if flags & (1 << 17) != 0 {
                    return nil
                }
                guard let recordCount = word().map(Int.init), recordCount > 0, recordCount <= store.recordCount
                else { return nil }
                var records: [Int] = []
                records.reserveCapacity(recordCount)
                for _ in 0..<recordCount {
                    guard let record = word().map(Int.init), record < store.recordCount,
                        records.last.map({ $0 < record }) ?? true
                    else { return nil }
                    records.append(record)
                }
                var byCode = RegistrationOutline.ByTransportCode()
                for code in 0..<5 where flags & (1 << UInt32(8 + code)) != 0 {
                    guard let records = word(), let undated = word(), undated <= records, let kinds = word(),
                        kinds >> Reference.Kind.allCases.count == 0, let notes = word(), notes <= 1
                    else { return nil }
                    byCode[code] = RegistrationOutline.RecordsOnTransport(
                        records: Int(records), undated: Int(undated), referenceKinds: kinds, hasNotes: notes == 1)
                }
                var picked: String?
                if flags & (1 << 18) != 0 {
                    guard let text = text() else { return nil }
                    picked = text
                }
                var decodedName: String?
                if flags & (1 << 19) != 0 {
                    guard let text = text() else { return nil }
                    decodedName = text
                }
                outlines.append(
                    RegistrationOutline(
                        registry: self, nameID: nameID, lowercasedID: lowercasedID, descriptionID: descriptionID,
                        pickedDescription: picked, decodedName: decodedName, ports: ports, records: records,
                        transports: transportSets[Int(flags & 0x1F)], registered: registered, byCode: byCode))
            }
            guard let extraCount = word().map(Int.init), extraCount <= end - at, (extraCount + 3) / 4 * 4 == end - at
            else { return nil }
            return (outlines, Array(UnsafeRawBufferPointer(rebasing: body[at..<(at + extraCount)])))
        }
    }
}
