// services(5) on arbitrary bytes: parseServices must throw RegistryError or return entries,
// never crash; every entry it returns has a name and at least one transport.
import FuzzSupport
import PortRegistry

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let entries = try? ServicesFiles.parseServices(inputBytes(data, size), file: "services") else { return 0 }
    for entry in entries {
        check(!entry.name.isEmpty, "an entry with an empty name")
        check(!entry.transports.isEmpty, "entry \(entry.name) has no transport")
    }
    return 0
}

runFuzzer { data, size in fuzz(data ?? emptyInput, size) }
