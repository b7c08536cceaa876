import FuzzSupport

// Registry.open(fastForm:) on arbitrary bytes: a corrupted file must be a RegistryError,
// never a crash, including every later lookup. Each input is tried twice: as it is (the
// checksum rejects almost every mutation), and with its total-size and checksum fields
// recomputed, so the fuzzer reaches the section-bounds checks and the lazy decoding behind
// them.
@testable import PortRegistry

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = inputBytes(data, size)
    exercise(bytes)
    if bytes.count >= FastForm.headerSize {
        store(UInt32(truncatingIfNeeded: bytes.count), at: 16, in: &bytes)
        let sum = bytes.withUnsafeBytes {
            FastForm.checksum(UnsafeRawBufferPointer(rebasing: $0[FastForm.headerSize...]))
        }
        store(sum, at: 24, in: &bytes)
        exercise(bytes)
    }
    return 0
}

func store<T: FixedWidthInteger>(_ value: T, at offset: Int, in bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { raw in
        for (i, b) in raw.enumerated() { bytes[offset + i] = b }
    }
}

func exercise(_ bytes: [UInt8]) {
    guard let registry = try? Registry.open(fastForm: bytes, file: "fuzz.bin") else { return }
    _ = try? registry.verify()
    _ = registry.originalFormat
    let records = registry.allRecords()
    check(records.count == registry.recordCount, "allRecords() returned \(records.count) of \(registry.recordCount)")
    for port: UInt16 in [0, 1, 22, 80, 443, 1023, 1024, 49151, 49152, 65535] {
        _ = registry.records(onPort: port)
    }
    _ = registry.records(in: PortRange(0, 65535))
    _ = registry.records(in: PortRange(1000, 1100))
    for record in records.prefix(8) {
        if let name = record.name { _ = registry.records(named: name) }
        if let ports = record.ports { _ = registry.records(onPort: ports.lower) }
        for id in (record.assignees + record.contacts).prefix(4) {
            _ = registry.person(id)
            _ = registry.hasPerson(id)
        }
    }
    _ = registry.records(named: "http")
    _ = registry.search("e")
    _ = registry.serviceNames()
    _ = registry.allPeople()
    _ = registry.person("nobody")
    // What it writes back must open again, checksum and all.
    let again = try? Registry.open(fastForm: registry.fastFormBytes(), file: "again.bin")
    check(again != nil, "an opened fast form does not reopen from its own bytes")
}

runFuzzer { data, size in fuzz(data ?? emptyInput, size) }
