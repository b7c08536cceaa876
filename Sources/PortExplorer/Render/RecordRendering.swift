import PortRegistry

/// Records that agree in every field but the transport, shown once with all transports:
/// IANA lists `wkstn-mon` twice (tcp and udp) with identical facts.
struct MergedRecord: Sendable {
    var record: ServiceRecord
    var transports: [Transport]

    static func merge(_ records: [ServiceRecord]) -> [MergedRecord] {
        var merged: [MergedRecord] = []
        var index: [MergeKey: Int] = [:]
        index.reserveCapacity(records.count)
        for record in records {
            var key = record
            key.transport = nil
            if let i = index[MergeKey(record: key)] {
                if let t = record.transport, !merged[i].transports.contains(t) { merged[i].transports.append(t) }
            } else {
                index[MergeKey(record: key)] = merged.count
                merged.append(MergedRecord(record: key, transports: record.transport.map { [$0] } ?? []))
            }
        }
        return merged
    }

    /// A record compared in full but hashed by name, span and description only: equal records
    /// still meet, and hashing every field of every row was most of a broad lookup's merge.
    private struct MergeKey: Hashable {
        let record: ServiceRecord

        func hash(into hasher: inout Hasher) {
            hasher.combine(record.name)
            hasher.combine(record.ports)
            hasher.combine(record.description)
        }
    }

    var transportList: String { transports.isEmpty ? "—" : transports.map(\.rawValue).joined(separator: ", ") }

    /// `wkstn-mon`, or `Unassigned` / `Reserved` for spans nobody owns.
    var title: String {
        if let name = record.name { return name }
        if record.isUnassigned { return "unassigned" }
        if record.isReserved { return "reserved" }
        return "(no name)"
    }
}

extension ServiceRecord {
    /// The record as `lookup`'s JSON contract describes it.
    func json(personName: (String) -> String) -> JSON {
        var object = JSON.Writer()
        write(into: &object, personName: personName)
        return object.finished()
    }

    /// The record's members, written into an object already open: a broad lookup writes all
    /// its records into one buffer.
    func write(into object: inout JSON.Writer, personName: (String) -> String) {
        object.add("name", name)
        object.add("port", ports.map { Int($0.lower) })
        object.add("portEnd", ports.map { Int($0.upper) })
        object.add("transport", transport?.rawValue)
        object.add("description", description)
        object.add("assignees", objects: assignees) {
            $0.add("id", $1)
            $0.add("name", personName($1))
        }
        object.add("contacts", objects: contacts) {
            $0.add("id", $1)
            $0.add("name", personName($1))
        }
        object.add("registered", registered?.description)
        object.add("modified", modified?.description)
        object.add("references", objects: references) {
            $0.add("type", $1.kind.rawValue)
            $0.add("id", $1.value)
        }
        object.add("rangeClass", ports.map { RangeClass(port: $0.lower).rawValue })
        object.add("serviceCode", serviceCode)
        object.add("unauthorizedUses", unauthorizedUses)
        object.add("notes", notes)
        object.add("reserved", isReserved)
        object.add("unassigned", isUnassigned)
    }
}

extension Reference {
    /// `RFC 6335`, `draft-ietf-…`, or the address itself.
    var display: String {
        switch kind {
        case .rfc:
            let digits = value.drop { !$0.isNumber }
            return digits.isEmpty ? value.uppercased() : "RFC \(digits)"
        default:
            return value
        }
    }
}
