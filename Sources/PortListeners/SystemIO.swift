import PortSystem

/// A small file the scan can do without (a process that exited, a missing /etc/passwd):
/// its bytes, or nil when it cannot be read.
func readIfReadable(_ path: String) -> [UInt8]? { try? readWholeFile(at: path) }

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
