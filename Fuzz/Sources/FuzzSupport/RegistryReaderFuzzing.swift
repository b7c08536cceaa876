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
