import PortRegistry

/// The checks shared by the IANA XML and CSV fuzzers: a reader given arbitrary bytes must
/// throw `RegistryError` or return a document, never crash; a document it returns must
/// survive the fast form (encode, open with the checksum verified, decode every record) and
/// answer a few queries.
public func fuzzRegistryReader(
    _ bytes: [UInt8], format: String, read: ([UInt8]) throws(RegistryError) -> RegistryDocument
) {
    guard let document = try? read(bytes) else { return }
    _ = document.updated
    // Issue 16: what a reader accepts holds no character XML 1.0 forbids (an escape sequence
    // must not get into a description on its way to the terminal).
    for record in document.records {
        let texts =
            [record.name, record.description, record.notes, record.unauthorizedUses, record.serviceCode]
            + (record.assignees + record.contacts + record.references.map(\.value)).map(Optional.some)
        for text in texts { checkXMLCharacters(text, format) }
    }
    for person in document.people {
        for text in [person.id, person.name, person.organization, person.uri] { checkXMLCharacters(text, format) }
    }
    let encoded = FastForm.encode(document)
    let registry: Registry
    do {
        registry = try Registry.open(fastForm: encoded, file: "encoded")
    } catch {
        check(false, "a document the \(format) reader returned does not reopen from its fast form: \(error)")
        return
    }
    check(
        registry.recordCount == document.records.count,
        "fast form holds \(registry.recordCount) records, the document \(document.records.count)")
    check(registry.allRecords().count == document.records.count, "allRecords() lost records")
    for record in document.records.prefix(8) {
        if let ports = record.ports { _ = registry.records(in: ports) }
        if let name = record.name { _ = registry.records(named: name) }
    }
    for person in document.people.prefix(4) { _ = registry.person(person.id) }
    _ = registry.serviceNames()
}

/// For services(5) and nmap-services: the per-port search and the lenient whole-file reader
/// agree on every port the input names, and when the strict reader accepts the file it
/// reads what the lenient one does. Returns the strict reading, or nil when it throws.
public func checkPortSearch<Entry: Equatable>(
    _ bytes: [UInt8], readable: [Entry], port: (Entry) -> UInt16,
    onPort: (UInt16) -> [Entry], strict: () throws(RegistryError) -> [Entry]
) -> [Entry]? {
    for number in Set(readable.map(port)).union(portsNamedBy(bytes)) {
        check(onPort(number) == readable.filter { port($0) == number }, "per-port search disagrees on port \(number)")
    }
    guard let entries = try? strict() else { return nil }
    check(entries == readable, "the strict and lenient readers disagree on a file that parses")
    return entries
}

/// No C0 control but tab, line feed and carriage return, and no U+FFFE or U+FFFF.
func checkXMLCharacters(_ text: String?, _ format: String) {
    guard let text else { return }
    for scalar in text.unicodeScalars {
        let v = scalar.value
        check(
            (v >= 0x20 || v == 0x9 || v == 0xA || v == 0xD) && v != 0xFFFE && v != 0xFFFF,
            "the \(format) reader let U+\(String(v, radix: 16)) through in \(text.debugDescription)")
    }
}

/// What the services(5) and nmap-services readers return holds no control character: no C0
/// but tab, no DEL, no C1.
public func checkNoControlCharacters(_ texts: [String?], _ file: String) {
    for case let text? in texts {
        for scalar in text.unicodeScalars {
            let v = scalar.value
            check(
                (v >= 0x20 || v == 0x9) && !(0x7F...0x9F).contains(v),
                "the \(file) reader let U+\(String(v, radix: 16)) through in \(text.debugDescription)")
        }
    }
}
