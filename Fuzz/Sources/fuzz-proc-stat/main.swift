import FuzzSupport

// /proc/PID/stat and the other /proc/PID files porthole reads (status, cmdline), /proc/stat's
// btime, /etc/passwd and a socket link, on arbitrary bytes: never a crash.
@testable import PortListeners

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = inputBytes(data, size)
    if let stat = ProcParsers.stat(bytes) {
        check(!bytes.isEmpty, "a stat from nothing")
        _ = stat.comm
    }
    _ = ProcParsers.statusEffectiveUID(bytes)
    _ = ProcParsers.cmdline(bytes)
    _ = ProcParsers.bootTime(bytes)
    _ = ProcParsers.passwd(bytes)
    _ = ProcParsers.socketInode(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

runFuzzer { data, size in fuzz(data ?? emptyInput, size) }
