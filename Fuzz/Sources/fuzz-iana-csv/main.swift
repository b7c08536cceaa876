// The IANA CSV reader on arbitrary bytes: it must throw RegistryError or return a
// document, never crash; a document it returns must survive the fast form (encode, open
// with the checksum verified, decode every record) and answer a few queries.
import FuzzSupport
import PortRegistry

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = inputBytes(data, size)
    guard let document = try? IANACSVReader.read(bytes, file: "fuzz.csv") else { return 0 }
    _ = document.updated
    let encoded = FastForm.encode(document)
    let registry: Registry
    do {
        registry = try Registry.open(fastForm: encoded, file: "encoded")
    } catch {
        check(false, "a document the CSV reader returned does not reopen from its fast form: \(error)")
        return 0
    }
    check(registry.recordCount == document.records.count,
          "fast form holds \(registry.recordCount) records, the document \(document.records.count)")
    check(registry.allRecords().count == document.records.count, "allRecords() lost records")
    for record in document.records.prefix(8) {
        if let ports = record.ports { _ = registry.records(in: ports) }
        if let name = record.name { _ = registry.records(named: name) }
    }
    for person in document.people.prefix(4) { _ = registry.person(person.id) }
    _ = registry.serviceNames()
    return 0
}

runFuzzer { data, size in fuzz(data ?? emptyInput, size) }
