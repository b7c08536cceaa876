import Glibc
import Testing
@testable import PortListeners

/// Finds an executable: the given absolute paths first, then $PATH.
func findExecutable(_ name: String, preferring: [String] = []) -> String? {
    for path in preferring where access(path, X_OK) == 0 { return path }
    guard let pathVariable = getenv("PATH") else { return nil }
    for dir in String(cString: pathVariable).split(separator: ":") {
        let path = "\(dir)/\(name)"
        if access(path, X_OK) == 0 { return path }
    }
    return nil
}

/// A real python3 (not a pyenv shim, which another user could not run).
let python3 = findExecutable("python3", preferring: ["/usr/bin/python3", "/usr/local/bin/python3"])
let ipTool = findExecutable("ip", preferring: ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip"])
let setprivTool = findExecutable("setpriv", preferring: ["/usr/bin/setpriv"])
let ssTool = findExecutable("ss", preferring: ["/usr/bin/ss", "/usr/sbin/ss", "/bin/ss"])
let isRoot = geteuid() == 0

/// A helper process started with posix_spawn. Its stdin is a pipe: closing it (or the test
/// process dying) makes the helper scripts exit; `stop()` also kills it by pid and reaps it.
final class Child: @unchecked Sendable {
    let pid: pid_t
    private let stdinFD: Int32
    private let stdoutFD: Int32
    private var pending: [UInt8] = []
    private var stopped = false

    init?(_ argv: [String]) {
        var toChild: [Int32] = [0, 0]
        var fromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0 else { return nil }
        guard pipe(&fromChild) == 0 else { close(toChild[0]); close(toChild[1]); return nil }
        // Close-on-exec, so helpers started by parallel tests never inherit each other's pipes
        // (dup2 onto 0 and 1 in the child clears the flag there).
        for fd in toChild + fromChild { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var childPID: pid_t = 0
        let rc = posix_spawn(&childPID, argv[0], &actions, nil, &cArgs, environ)
        close(toChild[0])
        close(fromChild[1])
        guard rc == 0 else { close(toChild[1]); close(fromChild[0]); return nil }
        pid = childPID
        stdinFD = toChild[1]
        stdoutFD = fromChild[0]
    }

    /// Starts `python3 -c script args…`, optionally behind a prefix such as setpriv.
    static func python(_ script: String, _ args: [String] = [], prefix: [String] = []) -> Child? {
        guard let python3 else { return nil }
        return Child(prefix + [python3, "-c", script] + args)
    }

    /// The next line of output, or nil on EOF or after `timeout` seconds.
    func readLine(timeout: Double = 20) -> String? {
        let deadline = monotonicSeconds() + timeout
        while true {
            if let nl = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<nl], as: UTF8.self)
                pending.removeSubrange(...nl)
                return line
            }
            let left = deadline - monotonicSeconds()
            if left <= 0 { return nil }
            var p = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
            let r = poll(&p, 1, Int32(left * 1000))
            if r < 0 && errno == EINTR { continue }
            if r <= 0 { return nil }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = read(stdoutFD, &buffer, buffer.count)
            if n <= 0 { return nil }
            pending += buffer[0..<n]
        }
    }

    /// Kills the helper (it is still our unreaped child, so the pid cannot have been reused)
    /// and reaps it.
    func stop() {
        guard !stopped else { return }
        stopped = true
        close(stdinFD)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        close(stdoutFD)
    }

    /// Waits for the helper to exit by itself; returns its wait status.
    func waitForExit() -> Int32 {
        guard !stopped else { return -1 }
        stopped = true
        close(stdinFD)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        close(stdoutFD)
        return status
    }

    deinit { stop() }
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
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
        kind = String(parts[0]); address = String(parts[1]); self.port = port; self.inode = inode; self.pid = pid
    }
}

// MARK: in-process sockets

/// A socket of this test process, closed on deinit.
final class TestSocket: @unchecked Sendable {
    let fd: Int32
    let port: UInt16
    let inode: UInt64

    /// Binds `address` (IPv4 or IPv6 text) on port `port` (0: ephemeral); TCP listens.
    init(_ transport: SocketTransport, _ address: String, port: UInt16 = 0, v6Only: Bool? = nil, listen doListen: Bool = true) throws {
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
            bound = withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        } else {
            var sa = sockaddr_in()
            sa.sin_family = sa_family_t(AF_INET)
            sa.sin_port = port.bigEndian
            inet_pton(AF_INET, address, &sa.sin_addr)
            bound = withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        guard bound == 0 else { let e = errno; close(s); throw TestFailure("bind \(address): errno \(e)") }
        if transport == .tcp && doListen { _ = Glibc.listen(s, 16) }
        var storage = sockaddr_in6()
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        _ = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &length) } }
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
            return withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } } == 0
        }
        var sa = sockaddr_in()
        sa.sin_family = sa_family_t(AF_INET)
        sa.sin_port = port.bigEndian
        inet_pton(AF_INET, address, &sa.sin_addr)
        return withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
    }

    deinit { close(fd) }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

func scanPort(_ port: UInt16, _ transports: Set<SocketTransport> = [.tcp, .udp], allNamespaces: Bool = false) throws -> ListenerScan {
    try ListenerScanner.scan(ListenerQuery(transports: transports, ports: port...port, allNetworkNamespaces: allNamespaces))
}

/// Runs a command to completion, returning its stdout (nil when it could not start or failed).
func run(_ argv: [String]) -> String? {
    guard let child = Child(argv) else { return nil }
    var out = ""
    while let line = child.readLine(timeout: 30) { out += line + "\n" }
    return child.waitForExit() == 0 ? out : nil
}
