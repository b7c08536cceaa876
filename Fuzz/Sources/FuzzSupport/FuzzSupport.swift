import CFuzzDriver

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The signature of `LLVMFuzzerTestOneInput` as C sees it.
public typealias FuzzTestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Runs libFuzzer over `testOneInput` with this process's arguments and exits with its status.
/// Called from each fuzzer's top-level code (see `CFuzzDriver.h` for why not libFuzzer's main).
public func runFuzzer(_ testOneInput: FuzzTestOneInput) -> Never {
    exit(porthole_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, testOneInput))
}

/// A valid pointer for the empty input (libFuzzer may pass NULL with size 0).
nonisolated(unsafe) public let emptyInput: UnsafePointer<UInt8> = {
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    p.initialize(to: 0)
    return UnsafePointer(p)
}()

/// The input as an array.
@inline(__always)
public func inputBytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
    Array(UnsafeBufferPointer(start: data, count: size))
}

/// An invariant of the code under test: stops the process (a libFuzzer crash) with a message.
public func check(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition() {
        fatalError("fuzz invariant failed: \(message())", file: file, line: line)
    }
}

/// A small deterministic generator (SplitMix64), so runs replay exactly.
public struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Every port the input writes as `DIGITS/`, wherever it stands (a port field, a comment,
/// a malformed line): the ports worth asking a per-port search about.
public func portsNamedBy(_ bytes: [UInt8]) -> Set<UInt16> {
    var ports: Set<UInt16> = []
    var value = 0
    var digits = 0
    for byte in bytes {
        if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            value = digits < 6 ? value * 10 + Int(byte - UInt8(ascii: "0")) : value
            digits += 1
        } else {
            if byte == UInt8(ascii: "/"), digits > 0, digits <= 5, value <= 65535 { ports.insert(UInt16(value)) }
            value = 0
            digits = 0
        }
    }
    return ports
}
