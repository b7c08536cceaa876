#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole file with our own buffer (procfs hands out at most a page per read).
func readWholeFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    return readAll(fd)
}

/// Reads `fd` to its end; nil on a read error (e.g. ESRCH when the process exited).
func readAll(_ fd: Int32, chunk: Int = 16 * 1024) -> [UInt8]? {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: chunk)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, chunk) }
        if n < 0 {
            if errno == EINTR { continue }
            return nil
        }
        if n == 0 { return out }
        out.append(contentsOf: buffer[0..<n])
    }
}

/// Name service lookup for a uid that /etc/passwd did not list (LDAP, systemd-userdb, …).
func lookUpUserName(_ uid: UInt32) -> String? {
    var pwd = passwd()
    var result: UnsafeMutablePointer<passwd>?
    var buffer = [CChar](repeating: 0, count: 4096)
    let rc = buffer.withUnsafeMutableBufferPointer { buf in
        getpwuid_r(uid_t(uid), &pwd, buf.baseAddress!, buf.count, &result)
    }
    guard rc == 0, result != nil, let name = pwd.pw_name else { return nil }
    return String(cString: name)
}
