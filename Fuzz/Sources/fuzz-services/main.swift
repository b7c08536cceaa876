// services(5) on arbitrary bytes: parseServices must throw RegistryError or return entries,
// never crash; every entry it returns has a name and at least one transport; and a port's
// entries found by the per-port search are exactly the lenient whole-file reader's; and no
// entry's text holds a control character.
import FuzzSupport
import PortRegistry

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = inputBytes(data, size)
    let file = ServicesFile(bytes: bytes, path: "services")
    guard
        let entries = checkPortSearch(
            bytes, readable: file.readableEntries(), port: { $0.port }, onPort: { file.entries(onPort: $0) },
            strict: { () throws(RegistryError) in try file.allEntries() }
        )
    else { return 0 }
    for entry in entries {
        check(!entry.name.isEmpty, "an entry with an empty name")
        check(!entry.transports.isEmpty, "entry \(entry.name) has no transport")
        checkNoControlCharacters([entry.name, entry.comment] + entry.aliases, "services")
    }
    return 0
}

runFuzzer { data, size in fuzz(data ?? emptyInput, size) }
