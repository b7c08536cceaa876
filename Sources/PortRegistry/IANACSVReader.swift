/// Reads IANA's `service-names-port-numbers.csv` (RFC 4180: quoted fields may hold commas,
/// doubled quotes and line breaks).
///
/// Columns: Service Name, Port Number, Transport Protocol, Description, Assignee, Contact,
/// Registration Date, Modification Date, Reference, Service Code, Known Unauthorized Uses,
/// Assignment Notes. Assignee and Contact are `[Person_Id]` lists; the CSV carries no
/// people block, so people are derived from the ids (`William_David` → `William David`).
/// References are `[RFC6335]` → rfc `rfc6335`, `[draft-…]`/`[RFC-ietf-…]` → draft,
/// `[http…]` → uri, `[1]` → note (footnote), anything else → text.
/// The CSV has no registry date; `RegistryDocument.updated` falls back to the newest record date.
public enum IANACSVReader {
    public static let columns = [
        "Service Name", "Port Number", "Transport Protocol", "Description", "Assignee", "Contact",
        "Registration Date", "Modification Date", "Reference", "Service Code",
        "Known Unauthorized Uses", "Assignment Notes",
    ]

    public static func read(_ bytes: [UInt8], file: String) throws(RegistryError) -> RegistryDocument {
        var rows = CSVRows(bytes: bytes, file: file)
        guard let header = try rows.next() else {
            throw RegistryError(file: file, location: "line 1", problem: "empty file: no CSV header")
        }
        let names = header.fields.map { $0.trimmedASCII() }
        if let first = names.first,
            first.lowercased().hasPrefix("<!doctype html") || first.lowercased().hasPrefix("<html")
        {
            throw RegistryError(file: file, location: "line 1", problem: "not a registry: looks like HTML")
        }
        guard names == columns else {
            if names.count != columns.count {
                throw RegistryError(
                    file: file, location: "line 1",
                    problem:
                        "header has \(names.count) columns, expected \(columns.count) (\(columns.joined(separator: ",")))"
                )
            }
            let i = columns.indices.first(where: { names[$0] != columns[$0] }) ?? 0
            throw RegistryError(
                file: file, location: "line 1",
                problem: "header column \(i + 1) is \"\(names[i])\", expected \"\(columns[i])\"")
        }
        try refuseForbiddenCharacters(bytes, from: rows.pos, line: rows.line, file: file)
        var records: [ServiceRecord] = []
        records.reserveCapacity(16_384)
        var personIDs: [String] = []
        var seen = Set<String>()
        while let row = try rows.next() {
            let f = row.fields
            func fail(_ problem: String) -> RegistryError {
                RegistryError(file: file, location: "line \(row.line)", problem: problem)
            }
            if f.count == 1 && f[0].isEmpty { continue }  // blank line
            guard f.count == columns.count else {
                throw fail("row has \(f.count) fields, expected \(columns.count)")
            }
            var r = ServiceRecord()
            let name = f[0].trimmedASCII()
            r.name = name.isEmpty ? nil : name
            let port = f[1].trimmedASCII()
            if !port.isEmpty {
                switch PortText.parse(port) {
                case .success(let p): r.ports = p
                case .failure(let why): throw fail("Port Number \(why.message)")
                }
            }
            let tr = f[2].trimmedASCII()
            if !tr.isEmpty {
                guard let t = Transport(rawValue: tr.lowercased()) else {
                    throw fail("Transport Protocol \"\(tr)\" is not a known transport (tcp, udp, sctp, dccp)")
                }
                r.transport = t
            }
            r.description = f[3].trimmedASCII()
            r.assignees = bracketed(f[4])
            r.contacts = bracketed(f[5])
            for (i, column) in [(6, "Registration Date"), (7, "Modification Date")] {
                let text = f[i].trimmedASCII()
                if text.isEmpty { continue }
                guard let d = Day(iso: text) else {
                    throw fail("\(column) \"\(text)\" is not a date (YYYY-MM-DD or YYYY-MM)")
                }
                if i == 6 { r.registered = d } else { r.modified = d }
            }
            r.references = bracketed(f[8]).map(reference)
            let sc = f[9].trimmedASCII()
            r.serviceCode = sc.isEmpty ? nil : sc
            let un = f[10].trimmedASCII()
            r.unauthorizedUses = un.isEmpty ? nil : un
            let notes = f[11].trimmedASCII()
            r.notes = notes.isEmpty ? nil : notes
            for id in r.assignees + r.contacts where seen.insert(id).inserted { personIDs.append(id) }
            records.append(r)
        }
        return RegistryDocument(
            records: records, people: personIDs.map { Person(id: $0) }, declaredUpdated: nil, format: .ianaCSV)
    }

    /// A control character (or U+FFFE/U+FFFF) in a row refuses the whole file, naming the line,
    /// as every other bad row does: IANA's CSV is generated from its XML, which cannot hold
    /// one, so such a file is not IANA's, and a description must not carry an escape sequence
    /// to the terminal. Checked after the header, so a file that is no registry at all is
    /// still said to be one by its header.
    static func refuseForbiddenCharacters(_ bytes: [UInt8], from start: Int, line: Int, file: String)
        throws(RegistryError)
    {
        try bytes.withUnsafeBufferPointer { (buffer) throws(RegistryError) in
            guard let (offset, value) = ForbiddenCharacters.firstInXML(buffer, from: start) else { return }
            var number = line
            for i in start..<offset where buffer[i] == 10 { number += 1 }
            throw RegistryError(
                file: file, location: "line \(number)",
                problem: "character \(ForbiddenCharacters.name(value)) is not allowed in a registry")
        }
    }

    /// `[A][B]` → `["A", "B"]`; text outside brackets counts as one more item.
    static func bracketed(_ field: String) -> [String] {
        let text = field.trimmedASCII()
        if text.isEmpty { return [] }
        var items: [String] = []
        var current: [Character] = []
        var depth = 0
        var outside: [Character] = []
        for c in text {
            if c == "[" {
                if depth > 0 { current.append(c) }
                depth += 1
            } else if c == "]" && depth > 0 {
                depth -= 1
                if depth == 0 {
                    let s = String(current).trimmedASCII()
                    if !s.isEmpty { items.append(s) }
                    current.removeAll()
                } else {
                    current.append(c)
                }
            } else if depth > 0 {
                current.append(c)
            } else {
                outside.append(c)
            }
        }
        if depth > 0 { outside += ["["] + current }
        let rest = String(outside).trimmedASCII()
        if !rest.isEmpty { items.append(rest) }
        return items
    }

    static func reference(_ item: String) -> Reference {
        let lower = item.lowercased()
        if lower.hasPrefix("rfc"), lower.count > 3, lower.dropFirst(3).allSatisfy(\.isASCII),
            lower.dropFirst(3).allSatisfy(\.isNumber)
        {
            return Reference(kind: .rfc, value: lower)
        }
        if lower.hasPrefix("draft-") || lower.hasPrefix("rfc-") { return Reference(kind: .draft, value: item) }
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("ftp://") {
            return Reference(kind: .uri, value: item)
        }
        if item.allSatisfy({ $0.isASCII && $0.isNumber }) { return Reference(kind: .note, value: item) }
        return Reference(kind: .text, value: item)
    }
}

/// RFC 4180 rows over bytes; CRLF or LF line ends; a UTF-8 BOM is skipped.
struct CSVRows {
    struct Row {
        var fields: [String]
        /// 1-based line where the row starts.
        var line: Int
    }

    let bytes: [UInt8]
    let file: String
    var pos = 0
    var line = 1
    var field: [UInt8] = []

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
    }

    mutating func next() throws(RegistryError) -> Row? {
        guard pos < bytes.count else { return nil }
        let startLine = line
        var fields: [String] = []
        field.removeAll(keepingCapacity: true)
        var quoted = false
        var inQuotes = false
        while pos < bytes.count {
            let b = bytes[pos]
            if inQuotes {
                if b == 34 {
                    if pos + 1 < bytes.count && bytes[pos + 1] == 34 {
                        field.append(34)
                        pos += 2
                        continue
                    }
                    inQuotes = false
                    pos += 1
                    continue
                }
                if b == 10 { line += 1 }
                field.append(b)
                pos += 1
                continue
            }
            switch b {
            case 44:
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                quoted = false
                pos += 1
            case 34:
                if field.isEmpty && !quoted {
                    quoted = true
                    inQuotes = true
                    pos += 1
                } else {
                    throw RegistryError(
                        file: file, location: "line \(line)",
                        problem: "stray quote in field \(fields.count + 1) (a quoted field must start with the quote)")
                }
            case 13 where pos + 1 < bytes.count && bytes[pos + 1] == 10:
                pos += 1
            case 10:
                pos += 1
                line += 1
                fields.append(String(decoding: field, as: UTF8.self))
                return Row(fields: fields, line: startLine)
            default:
                if quoted {
                    throw RegistryError(
                        file: file, location: "line \(line)",
                        problem: "text after the closing quote of field \(fields.count + 1)")
                }
                field.append(b)
                pos += 1
            }
        }
        if inQuotes {
            throw RegistryError(
                file: file, location: "line \(startLine)",
                problem: "unterminated quoted field \(fields.count + 1) (the file ends inside quotes)")
        }
        fields.append(String(decoding: field, as: UTF8.self))
        return Row(fields: fields, line: startLine)
    }
}
