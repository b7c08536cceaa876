// nmap-services on arbitrary bytes: parseNmapServices must throw RegistryError or return
// entries, never crash; every frequency it returns lies in 0...1.
import FuzzSupport
import PortRegistry

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let entries = try? ServicesFiles.parseNmapServices(inputBytes(data, size), file: "nmap-services") else { return 0 }
    for entry in entries {
        check(!entry.name.isEmpty, "an entry with an empty name")
        check(entry.frequency >= 0 && entry.frequency <= 1, "frequency \(entry.frequency) outside 0...1")
    }
    return 0
}

runFuzzer { data, size in fuzz(data ?? emptyInput, size) }
