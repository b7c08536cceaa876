import FuzzSupport

// The /proc/net/{tcp,tcp6,udp,udp6} parser on arbitrary text: whole tables in all four
// variants, and the line parser on the whole input as one line. It must never crash, and
// whatever it returns is a listener with the requested transport.
@testable import PortListeners

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = inputBytes(data, size)
    for transport in SocketTransport.allCases {
        for ipv6 in [false, true] {
            for socket in ProcParsers.procNet(bytes, transport: transport, ipv6: ipv6) {
                check(socket.transport == transport, "asked for \(transport), got \(socket.transport)")
                _ = socket.address.text
            }
            _ = ProcParsers.procNetLine(
                UnsafeRawBufferPointer(start: data, count: size), transport: transport, ipv6: ipv6)
        }
    }
    return 0
}

runFuzzer { data, size in fuzz(data ?? emptyInput, size) }
