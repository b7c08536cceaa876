import PortRegistry

/// A broad lookup's records written as JSON straight from the fast form's bytes into one
/// buffer, with no `ServiceRecord` and no String for a text of printable ASCII: such texts
/// are copied as they stand, the others decoded and escaped by `JSON.encodeString`, so every
/// record reads byte for byte as `ServiceRecord.write(into:personName:)` writes it.
struct RecordJSON {
    let registry: Registry
    let personName: (String) -> String
    /// Where each person's `{"id":…,"name":…}` is in `people`, by the text id of their id
    /// (-1: not written yet): the same people are named on many records.
    private var personStart: [Int32]
    private var personEnd: [Int32]
    private var people: [UInt8] = []
    /// Texts that need escapes, and unreadable records, are encoded here first.
    private var scratch: [UInt8] = []

    init(_ registry: Registry, personName: @escaping (String) -> String) {
        self.registry = registry
        self.personName = personName
        personStart = [Int32](repeating: -1, count: registry.textIDCount)
        personEnd = [Int32](repeating: 0, count: registry.textIDCount)
    }

    /// The records at `indices` as a JSON array of objects, appended to `out`.
    mutating func writeArray(_ indices: some Collection<Int>, into out: inout [UInt8]) {
        // Records are written into a small buffer that is moved to `out` whenever it fills: a
        // second buffer the size of the answer would be as many fresh pages to fault in.
        let chunk = 1 << 15
        var buffer = ByteBuffer(capacity: 2 * chunk)
        defer { buffer.free() }
        out.reserveCapacity(out.count + 2 + 400 * indices.count)
        buffer.append(UInt8(ascii: "["))
        var first = true
        for index in indices {
            if buffer.count >= chunk { buffer.moveAll(to: &out) }
            if !first { buffer.append(UInt8(ascii: ",")) }
            first = false
            if let fields = registry.recordFields(at: index) {
                write(fields, into: &buffer)
            } else {
                // Unreadable (never in a verified file): the general path says why.
                scratch.removeAll(keepingCapacity: true)
                registry.record(at: index).json(personName: personName).encode(into: &scratch)
                buffer.append(scratch)
            }
        }
        buffer.append(UInt8(ascii: "]"))
        buffer.moveAll(to: &out)
    }

    private mutating func write(_ r: RecordFields, into out: inout ByteBuffer) {
        out.append(#"{"name":"#)
        text(r.name, into: &out)
        if let ports = r.ports {
            out.append(#","port":"#)
            out.appendDecimal(ports.lower)
            out.append(#","portEnd":"#)
            out.appendDecimal(ports.upper)
        } else {
            out.append(#","port":null,"portEnd":null"#)
        }
        switch r.transport {
        case nil: out.append(#","transport":null"#)
        case .tcp: out.append(#","transport":"tcp""#)
        case .udp: out.append(#","transport":"udp""#)
        case .sctp: out.append(#","transport":"sctp""#)
        case .dccp: out.append(#","transport":"dccp""#)
        }
        out.append(#","description":"#)
        // A record without a description decodes with an empty one.
        if r.description == Registry.noText { out.append(#""""#) } else { text(r.description, into: &out) }
        out.append(#","assignees":["#)
        var first = true
        registry.forEachAssignee(r) { id in
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            person(id, into: &out)
        }
        out.append(#"],"contacts":["#)
        first = true
        registry.forEachContact(r) { id in
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            person(id, into: &out)
        }
        out.append(#"],"registered":"#)
        day(r.registered, into: &out)
        out.append(#","modified":"#)
        day(r.modified, into: &out)
        out.append(#","references":["#)
        first = true
        registry.forEachReference(r) { kind, value in
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(#"{"type":"#)
            scratch.removeAll(keepingCapacity: true)
            JSON.encodeString(kind.rawValue, into: &scratch)
            out.append(scratch)
            out.append(#","id":"#)
            // A reference without a value decodes with an empty one.
            if value == Registry.noText { out.append(#""""#) } else { text(value, into: &out) }
            out.append(UInt8(ascii: "}"))
        }
        if let ports = r.ports {
            switch RangeClass(port: ports.lower) {
            case .system: out.append(#"],"rangeClass":"system""#)
            case .user: out.append(#"],"rangeClass":"user""#)
            case .dynamic: out.append(#"],"rangeClass":"dynamic""#)
            }
        } else {
            out.append(#"],"rangeClass":null"#)
        }
        out.append(#","serviceCode":"#)
        text(r.serviceCode, into: &out)
        out.append(#","unauthorizedUses":"#)
        text(r.unauthorizedUses, into: &out)
        out.append(#","notes":"#)
        text(r.notes, into: &out)
        // As `ServiceRecord.isReserved` and `isUnassigned`: only records without a name.
        let unnamed = r.name == Registry.noText
        out.append(
            unnamed && registry.textBytes(r.description).startsCaseless(with: "reserved")
                ? #","reserved":true"# : #","reserved":false"#)
        out.append(
            unnamed && registry.textBytes(r.description).startsCaseless(with: "unassigned")
                ? #","unassigned":true}"# : #","unassigned":false}"#)
    }

    /// A text as a JSON string, `null` for none.
    private mutating func text(_ id: UInt32, into out: inout ByteBuffer) {
        guard id != Registry.noText else {
            out.append("null")
            return
        }
        let bytes = registry.textBytes(id)
        if JSON.mayNeedEscape(bytes) {
            scratch.removeAll(keepingCapacity: true)
            JSON.encodeString(String(decoding: bytes, as: UTF8.self), into: &scratch)
            out.append(scratch)
        } else {
            out.append(UInt8(ascii: "\""))
            out.append(bytes)
            out.append(UInt8(ascii: "\""))
        }
    }

    /// `{"id":…,"name":…}`, written once per person and copied after.
    private mutating func person(_ id: UInt32, into out: inout ByteBuffer) {
        let slot = Int(id)
        if slot < personStart.count, personStart[slot] >= 0 {
            people.withUnsafeBufferPointer {
                out.append(UnsafeBufferPointer(rebasing: $0[Int(personStart[slot])..<Int(personEnd[slot])]))
            }
            return
        }
        let start = out.count
        out.append(#"{"id":"#)
        text(id, into: &out)
        out.append(#","name":"#)
        if let name = registry.personNameText(forID: id) {
            text(name, into: &out)
        } else {
            scratch.removeAll(keepingCapacity: true)
            JSON.encodeString(personName(String(decoding: registry.textBytes(id), as: UTF8.self)), into: &scratch)
            out.append(scratch)
        }
        out.append(UInt8(ascii: "}"))
        if slot < personStart.count {
            personStart[slot] = Int32(people.count)
            people.append(contentsOf: out.written(from: start))
            personEnd[slot] = Int32(people.count)
        }
    }

    /// `Day.description` as a JSON string: `"2003-04-17"`, or `"2003-04"`; `null` for none.
    private mutating func day(_ day: Day?, into out: inout ByteBuffer) {
        guard let day else {
            out.append("null")
            return
        }
        guard (1000...9999).contains(day.year), (0...99).contains(day.month), (0...99).contains(day.day ?? 0) else {
            scratch.removeAll(keepingCapacity: true)
            JSON.encodeString(day.description, into: &scratch)
            out.append(scratch)
            return
        }
        out.append(UInt8(ascii: "\""))
        out.appendDecimal(UInt16(day.year))
        out.append(UInt8(ascii: "-"))
        out.appendTwoDigits(day.month)
        if let d = day.day {
            out.append(UInt8(ascii: "-"))
            out.appendTwoDigits(d)
        }
        out.append(UInt8(ascii: "\""))
    }

}
