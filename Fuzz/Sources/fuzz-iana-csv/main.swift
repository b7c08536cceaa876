// The IANA CSV reader on arbitrary bytes (checks in FuzzSupport's fuzzRegistryReader).
import FuzzSupport
import PortRegistry

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzRegistryReader(inputBytes(data, size), format: "CSV") { bytes throws(RegistryError) in
        try IANACSVReader.read(bytes, file: "fuzz.csv")
    }
    return 0
}

runFuzzer { data, size in fuzz(data ?? emptyInput, size) }
