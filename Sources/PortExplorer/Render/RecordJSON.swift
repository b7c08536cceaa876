import PortRegistry

/// A broad lookup's records written as JSON straight from the fast form's bytes into one
/// buffer, with no `ServiceRecord` and no String for a text of printable ASCII: such texts
/// are copied as they stand, the others decoded and escaped by `JSON.encodeString`, so every
/// record reads byte for byte as `ServiceRecord.write(into:personName:)` writes it.
struct RecordJSON {
    let registry: Registry
    let personName: (String) -> String
    /// Where each person's encoded name is in `names`, by the text id of their id (-1: not
    /// written yet): the same people are named on many records.
    private var nameStart: [Int32]
    private var nameEnd: [Int32]
    private var names: [UInt8] = []

    init(_ registry: Registry, personName: @escaping (String) -> String) {
        self.registry = registry
        self.personName = personName
        nameStart = [Int32](repeating: -1, count: registry.textIDCount)
        nameEnd = [Int32](repeating: 0, count: registry.textIDCount)
    }

    /// The records at `indices` as a JSON array of objects, appended to `out`.
    mutating func writeArray(_ indices: some Collection<Int>, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        var first = true
        for index in indices {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            if let fields = registry.recordFields(at: index) {
                write(fields, into: &out)
            } else {
                // Unreadable (never in a verified file): the general path says why.
                registry.record(at: index).json(personName: personName).encode(into: &out)
            }
        }
        out.append(UInt8(ascii: "]"))
    }

    private mutating func write(_ r: RecordFields, into out: inout [UInt8]) {
        append(#"{"name":"#, to: &out)
        text(r.name, into: &out)
        if let ports = r.ports {
            append(#","port":"#, to: &out)
            JSON.appendDecimal(Int(ports.lower), to: &out)
            append(#","portEnd":"#, to: &out)
            JSON.appendDecimal(Int(ports.upper), to: &out)
        } else {
            append(#","port":null,"portEnd":null"#, to: &out)
        }
        append(#","transport":"#, to: &out)
        if let transport = r.transport {
            JSON.encodeString(transport.rawValue, into: &out)
        } else {
            append("null", to: &out)
        }
        append(#","description":"#, to: &out)
        // A record without a description decodes with an empty one.
        if r.description == Registry.noText { append(#""""#, to: &out) } else { text(r.description, into: &out) }
        append(#","assignees":["#, to: &out)
        var first = true
        registry.forEachAssignee(r) { id in
            person(id, first: first, into: &out)
            first = false
        }
        append(#"],"contacts":["#, to: &out)
        first = true
        registry.forEachContact(r) { id in
            person(id, first: first, into: &out)
            first = false
        }
        append(#"],"registered":"#, to: &out)
        day(r.registered, into: &out)
        append(#","modified":"#, to: &out)
        day(r.modified, into: &out)
        append(#","references":["#, to: &out)
        first = true
        registry.forEachReference(r) { kind, value in
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            append(#"{"type":"#, to: &out)
            JSON.encodeString(kind.rawValue, into: &out)
            append(#","id":"#, to: &out)
            // A reference without a value decodes with an empty one.
            if value == Registry.noText { append(#""""#, to: &out) } else { text(value, into: &out) }
            out.append(UInt8(ascii: "}"))
        }
        append(#"],"rangeClass":"#, to: &out)
        if let ports = r.ports {
            JSON.encodeString(RangeClass(port: ports.lower).rawValue, into: &out)
        } else {
            append("null", to: &out)
        }
        append(#","serviceCode":"#, to: &out)
        text(r.serviceCode, into: &out)
        append(#","unauthorizedUses":"#, to: &out)
        text(r.unauthorizedUses, into: &out)
        append(#","notes":"#, to: &out)
        text(r.notes, into: &out)
        // As `ServiceRecord.isReserved` and `isUnassigned`: only records without a name.
        let unnamed = r.name == Registry.noText
        append(#","reserved":"#, to: &out)
        append(unnamed && startsWith(r.description, "reserved") ? "true" : "false", to: &out)
        append(#","unassigned":"#, to: &out)
        append(unnamed && startsWith(r.description, "unassigned") ? "true" : "false", to: &out)
        out.append(UInt8(ascii: "}"))
    }

    @inline(__always) private func append(_ literal: StaticString, to out: inout [UInt8]) {
        literal.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// A text as a JSON string, `null` for none.
    private func text(_ id: UInt32, into out: inout [UInt8]) {
        guard id != Registry.noText else {
            append("null", to: &out)
            return
        }
        JSON.encodeString(bytes: registry.textBytes(id), into: &out)
    }

    /// `{"id":…,"name":…}`, the name written once per person and copied after.
    private mutating func person(_ id: UInt32, first: Bool, into out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        append(#"{"id":"#, to: &out)
        text(id, into: &out)
        append(#","name":"#, to: &out)
        let slot = Int(id)
        if slot >= nameStart.count {
            JSON.encodeString(personName(String(decoding: registry.textBytes(id), as: UTF8.self)), into: &out)
        } else {
            if nameStart[slot] < 0 {
                nameStart[slot] = Int32(names.count)
                JSON.encodeString(personName(String(decoding: registry.textBytes(id), as: UTF8.self)), into: &names)
                nameEnd[slot] = Int32(names.count)
            }
            names.withUnsafeBufferPointer {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[Int(nameStart[slot])..<Int(nameEnd[slot])]))
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `Day.description` as a JSON string: `"2003-04-17"`, or `"2003-04"`; `null` for none.
    private func day(_ day: Day?, into out: inout [UInt8]) {
        guard let day else {
            append("null", to: &out)
            return
        }
        guard (1000...9999).contains(day.year) else {
            JSON.encodeString(day.description, into: &out)
            return
        }
        out.append(UInt8(ascii: "\""))
        JSON.appendDecimal(day.year, to: &out)
        out.append(UInt8(ascii: "-"))
        twoDigits(day.month, into: &out)
        if let d = day.day {
            out.append(UInt8(ascii: "-"))
            twoDigits(d, into: &out)
        }
        out.append(UInt8(ascii: "\""))
    }

    private func twoDigits(_ n: Int, into out: inout [UInt8]) {
        guard (0...99).contains(n) else {
            JSON.appendDecimal(n, to: &out)
            return
        }
        out.append(UInt8(ascii: "0") &+ UInt8(n / 10))
        out.append(UInt8(ascii: "0") &+ UInt8(n % 10))
    }

    /// `String(text).lowercased().hasPrefix(prefix)`, read as bytes when the text is ASCII.
    private func startsWith(_ id: UInt32, _ prefix: StaticString) -> Bool {
        guard id != Registry.noText else { return false }
        let bytes = registry.textBytes(id)
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            return String(decoding: bytes, as: UTF8.self).lowercased().hasPrefix(prefix.description)
        }
        return prefix.withUTF8Buffer { want in
            guard bytes.count >= want.count else { return false }
            for k in 0..<want.count {
                let byte = bytes[k]
                if (byte >= 65 && byte <= 90 ? byte | 0x20 : byte) != want[k] { return false }
            }
            return true
        }
    }
}
