/// One record's fields as the fast form holds them: texts as interned string ids, read as
/// bytes in place (`textBytes`), for writers that copy them out without making Strings.
public struct RecordFields: Sendable {
    public let name: UInt32
    public let ports: PortRange?
    public let transport: Transport?
    public let description: UInt32
    public let registered: Day?
    public let modified: Day?
    public let serviceCode: UInt32
    public let unauthorizedUses: UInt32
    public let notes: UInt32
    let assignees: UInt32
    let contacts: UInt32
    let references: UInt32
}

extension Registry {
    /// The id of no text: a field the record does not have.
    public static let noText: UInt32 = FastForm.none

    /// Every text id is below this: a table indexed by text id can be this long.
    public var textIDCount: Int { store.stringCount }

    /// Record `index`'s fields; nil exactly when `record(at:)` finds the record unreadable,
    /// since every text id, date and list is checked here as decoding checks them.
    public func recordFields(at index: Int) -> RecordFields? {
        try? store.recordFields(index)
    }

    /// The bytes of a text id from `recordFields` (empty for `noText`), valid while the
    /// registry lives. `record(at:)` decodes the same bytes as UTF-8.
    public func textBytes(_ id: UInt32) -> UnsafeBufferPointer<UInt8> {
        guard id != FastForm.none, let bytes = store.stringSpan(id) else {
            return UnsafeBufferPointer(start: nil, count: 0)
        }
        return bytes.bindMemory(to: UInt8.self)
    }

    /// The text id of the name `personName(_:)` gives for the id that is text `id`, found by
    /// the id's bytes; nil when that name is not a text of its own (no entry for the id, an
    /// entry without a name, or a non-ASCII id), where `personName(_:)` is the way.
    public func personNameText(forID id: UInt32) -> UInt32? {
        let key = textBytes(id)
        // An ASCII id reads the same as the String `personName(_:)` searches with.
        guard key.allSatisfy({ $0 < 0x80 }) else { return nil }
        let p = store.people
        let i = store.lowerBound(p) { store.compare(store.u32(p.offset + 20 * $0) ?? FastForm.none, key) < 0 }
        guard i < p.count, store.compare(store.u32(p.offset + 20 * i) ?? FastForm.none, key) == 0 else { return nil }
        return (try? store.personNameID(at: i)) ?? nil
    }

    /// The text ids of a record's assignees, in the order `record(at:).assignees` has them.
    public func forEachAssignee(_ fields: RecordFields, _ body: (UInt32) -> Void) {
        store.forEachListItem(fields.assignees, stride: 1) { if $0.value != FastForm.none { body($0.value) } }
    }

    /// The text ids of a record's contacts, in the order `record(at:).contacts` has them.
    public func forEachContact(_ fields: RecordFields, _ body: (UInt32) -> Void) {
        store.forEachListItem(fields.contacts, stride: 1) { if $0.value != FastForm.none { body($0.value) } }
    }

    /// A record's references in order: each one's kind and its value's text id (`noText`
    /// decodes as an empty value).
    public func forEachReference(_ fields: RecordFields, _ body: (Reference.Kind, UInt32) -> Void) {
        var kind = Reference.Kind.other
        store.forEachListItem(fields.references, stride: 2) { item in
            if item.offset == 0 {
                let kinds = Reference.Kind.allCases
                kind = Int(item.value) < kinds.count ? kinds[Int(item.value)] : .other
            } else {
                body(kind, item.value)
            }
        }
    }
}

extension FastStore {
    /// `record(_:)`'s checks, all of them, without making a String.
    func recordFields(_ index: Int) throws(RegistryError) -> RecordFields {
        guard index >= 0, index < recordCount else { throw corrupt("record \(index) out of range") }
        let base = records.offset + index * FastForm.recordSize
        guard let name = u32(base), let lo = u16(base + 4), let hi = u16(base + 6), let description = u32(base + 12),
            let registered = u32(base + 16), let modified = u32(base + 20), let serviceCode = u32(base + 24),
            let unauthorized = u32(base + 28), let notes = u32(base + 32), let assignees = u32(base + 36),
            let contacts = u32(base + 40), let references = u32(base + 44)
        else { throw corrupt("record \(index) out of bounds") }
        let flags = raw[base + 8]
        let tcode = Int(raw[base + 9])
        guard tcode < FastForm.transports.count else { throw corrupt("record \(index) has transport code \(tcode)") }
        guard flags & 1 == 0 || lo <= hi else { throw corrupt("record \(index) has a backwards port range") }
        try checkText(name)
        try checkText(description)
        try checkText(serviceCode)
        try checkText(unauthorized)
        try checkText(notes)
        try checkTexts(inList: assignees, stride: 1)
        try checkTexts(inList: contacts, stride: 1)
        try checkTexts(inList: references, stride: 2)
        return RecordFields(
            name: name, ports: flags & 1 == 1 ? PortRange(lo, hi) : nil, transport: FastForm.transports[tcode],
            description: description, registered: try day(registered), modified: try day(modified),
            serviceCode: serviceCode, unauthorizedUses: unauthorized, notes: notes, assignees: assignees,
            contacts: contacts, references: references)
    }

    /// Throws where `string(_:)` would.
    @inline(__always) private func checkText(_ id: UInt32) throws(RegistryError) {
        if id != FastForm.none, stringSpan(id) == nil { throw corrupt("string \(id) out of bounds") }
    }

    /// Throws where `list(_:stride:)` would, or decoding the text that ends each item.
    private func checkTexts(inList at: UInt32, stride: Int) throws(RegistryError) {
        if at == FastForm.none { return }
        let start = Int(at)
        guard start < lists.count, let c = u32(lists.offset + 4 * start) else {
            throw corrupt("list \(at) out of bounds")
        }
        let count = Int(c) * stride
        guard start + 1 + count <= lists.count else { throw corrupt("list \(at) overruns the lists section") }
        var k = stride - 1
        while k < count {
            guard let id = u32(lists.offset + 4 * (start + 1 + k)) else { throw corrupt("list \(at) out of bounds") }
            try checkText(id)
            k += stride
        }
    }
}
