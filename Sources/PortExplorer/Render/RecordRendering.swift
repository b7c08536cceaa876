import PortRegistry

/// Records that agree in every field but the transport, shown once with all transports:
/// IANA lists `wkstn-mon` twice (tcp and udp) with identical facts.
struct MergedRecord: Sendable {
    var record: ServiceRecord
    var transports: [Transport]

    static func merge(_ records: [ServiceRecord]) -> [MergedRecord] {
        var merged: [MergedRecord] = []
        for record in records {
            var key = record
            key.transport = nil
            if let i = merged.firstIndex(where: { $0.record == key }) {
                if let t = record.transport, !merged[i].transports.contains(t) { merged[i].transports.append(t) }
            } else {
                merged.append(MergedRecord(record: key, transports: record.transport.map { [$0] } ?? []))
            }
        }
        return merged
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
    func json(people: (String) -> Person) -> JSON {
        func persons(_ ids: [String]) -> JSON {
            .array(ids.map { id in ["id": .string(id), "name": .string(people(id).name)] })
        }
        return [
            "name": .optional(name),
            "port": .optional(ports.map { Int($0.lower) }),
            "portEnd": .optional(ports.map { Int($0.upper) }),
            "transport": .optional(transport?.rawValue),
            "description": .string(description),
            "assignees": persons(assignees),
            "contacts": persons(contacts),
            "registered": .optional(registered?.description),
            "modified": .optional(modified?.description),
            "references": .array(references.map { ["type": .string($0.kind.rawValue), "id": .string($0.value)] }),
            "rangeClass": .optional(ports.map { RangeClass(port: $0.lower).rawValue }),
            "serviceCode": .optional(serviceCode),
            "unauthorizedUses": .optional(unauthorizedUses),
            "notes": .optional(notes),
            "reserved": .bool(isReserved),
            "unassigned": .bool(isUnassigned),
        ]
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
