// services(5) on arbitrary bytes: parseServices must throw RegistryError or return entries,
// never crash; every entry it returns has a name and at least one transport; and a port's
// entries found by the per-port search are exactly the lenient whole-file reader's.
import FuzzSupport
import PortRegistry

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = inputBytes(data, size)
    let file = ServicesFile(bytes: bytes, path: "services")
    let readable = file.readableEntries()
    for port in Set(readable.map(\.port)).union(portsNamedBy(bytes)) {
        check(file.entries(onPort: port) == readable.filter { $0.port == port }, "per-port search disagrees on port \(port)")
    }
    guard let entries = try? ServicesFiles.parseServices(bytes, file: "services") else { return 0 }
    check(entries == readable, "the strict and lenient readers disagree on a file that parses")
    for entry in entries {
        check(!entry.name.isEmpty, "an entry with an empty name")
        check(!entry.transports.isEmpty, "entry \(entry.name) has no transport")
    }
    return 0
}

runFuzzer { data, size in fuzz(data ?? emptyInput, size) }
