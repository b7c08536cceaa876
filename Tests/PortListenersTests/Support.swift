import Glibc
import PortholeTestSupport
import Testing

@testable import PortListeners

/// A real python3 (not a pyenv shim, which another user could not run).
let python3 = findExecutable("python3", preferring: ["/usr/bin/python3", "/usr/local/bin/python3"])
let ipTool = findExecutable("ip", preferring: ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip"])
let setprivTool = findExecutable("setpriv", preferring: ["/usr/bin/setpriv"])
let ssTool = findExecutable("ss", preferring: ["/usr/bin/ss", "/usr/sbin/ss", "/bin/ss"])
let isRoot = geteuid() == 0

extension TestProcess {
    /// A helper whose stdin is a pipe: closing it (or the test process dying) makes the
    /// helper scripts exit; its stdout is a pipe of `emit` lines. Nil when it cannot start.
    static func helper(_ argv: [String]) -> TestProcess? {
        try? TestProcess(argv, stdin: .pipe, stdout: .pipe)
    }

    /// Starts `python3 -c script args…`, optionally behind a prefix such as setpriv.
    static func python(_ script: String, _ args: [String] = [], prefix: [String] = []) -> TestProcess? {
        guard let python3 else { return nil }
        return helper(prefix + [python3, "-c", script] + args)
    }
}

/// The python side of the helpers: `emit(sock, kind)` prints
/// `kind address port inode pid` for a socket, and `hold()` waits for stdin to close.
let pythonPrelude = """
    import os, socket, sys
    def emit(s, kind):
        name = s.getsockname()
        # One write(2) per line: atomic on a pipe, so forked writers never interleave.
        os.write(1, ("%s %s %d %d %d\\n" % (kind, name[0], name[1], os.fstat(s.fileno()).st_ino, os.getpid())).encode())
    def hold():
        try:
            sys.stdin.read()
        except Exception:
            pass
        os._exit(0)

    """

/// One line of `emit`.
struct Emitted: Hashable {
    var kind: String
    var address: String
    var port: UInt16
    var inode: UInt64
    var pid: Int32

    init?(_ line: String?) {
        guard let parts = line?.split(separator: " "), parts.count == 5,
            let port = UInt16(parts[2]), let inode = UInt64(parts[3]), let pid = Int32(parts[4])
        else { return nil }
        kind = String(parts[0])
        address = String(parts[1])
        self.port = port
        self.inode = inode
        self.pid = pid
    }
}

// MARK: in-process sockets

/// A socket of this test process, closed on deinit.
final class TestSocket: @unchecked Sendable {
    let fd: Int32
    let port: UInt16
    let inode: UInt64

    /// Binds `address` (IPv4 or IPv6 text) on port `port` (0: ephemeral); TCP listens.
    init(
        _ transport: SocketTransport, _ address: String, port: UInt16 = 0, v6Only: Bool? = nil,
        listen doListen: Bool = true
    ) throws {
        let ipv6 = address.contains(":")
        let type = transport == .tcp ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue)
        let s = socket(ipv6 ? AF_INET6 : AF_INET, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard s >= 0 else { throw TestFailure("socket: \(errno)") }
        fd = s
        if let v6Only {
            var flag: Int32 = v6Only ? 1 : 0
            setsockopt(s, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &flag, socklen_t(MemoryLayout<Int32>.size))
        }
        var bound: Int32
        if ipv6 {
            var sa = sockaddr_in6()
            sa.sin6_family = sa_family_t(AF_INET6)
            sa.sin6_port = port.bigEndian
            inet_pton(AF_INET6, address, &sa.sin6_addr)
            bound = withUnsafePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(s, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var sa = sockaddr_in()
            sa.sin_family = sa_family_t(AF_INET)
            sa.sin_port = port.bigEndian
            inet_pton(AF_INET, address, &sa.sin_addr)
            bound = withUnsafePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard bound == 0 else {
            let e = errno
            close(s)
            throw TestFailure("bind \(address): errno \(e)")
        }
        if transport == .tcp && doListen { _ = Glibc.listen(s, 16) }
        var storage = sockaddr_in6()
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &length) }
        }
        // sin_port and sin6_port sit at the same offset.
        self.port = UInt16(bigEndian: storage.sin6_port)
        var st = stat()
        fstat(s, &st)
        inode = UInt64(st.st_ino)
    }

    /// Connects this (UDP or TCP) socket to a loopback port.
    func connect(to port: UInt16, address: String = "127.0.0.1") -> Bool {
        if address.contains(":") {
            var sa = sockaddr_in6()
            sa.sin6_family = sa_family_t(AF_INET6)
            sa.sin6_port = port.bigEndian
            inet_pton(AF_INET6, address, &sa.sin6_addr)
            return withUnsafePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            } == 0
        }
        var sa = sockaddr_in()
        sa.sin_family = sa_family_t(AF_INET)
        sa.sin_port = port.bigEndian
        inet_pton(AF_INET, address, &sa.sin_addr)
        return withUnsafePointer(to: &sa) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        } == 0
    }

    deinit { close(fd) }
}

func scanPort(_ port: UInt16, _ transports: Set<SocketTransport> = [.tcp, .udp], allNamespaces: Bool = false) throws
    -> ListenerScan
{
    try ListenerScanner.scan(
        ListenerQuery(transports: transports, ports: port...port, allNetworkNamespaces: allNamespaces))
}

/// Runs a command to completion, returning its stdout (nil when it could not start or failed).
func run(_ argv: [String]) -> String? {
    guard let run = try? TestProcess.run(argv, timeout: 30), run.status == 0 else { return nil }
    return run.stdout
}
