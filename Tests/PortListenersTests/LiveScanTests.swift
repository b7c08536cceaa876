import Glibc
import PortholeTestSupport
import Testing

@testable import PortListeners

/// Real sockets on loopback, made by the tests on ephemeral ports.
@Suite("Scanning real loopback sockets")
struct LiveScanTests {
    let me = getpid()

    /// Other suites in this test process start children (forkpty, posix_spawn). Between fork
    /// and exec a child still holds every socket of this process, close-on-exec or not, so a
    /// scan taken then lists it as a second owner. This scans again, for up to two seconds,
    /// while one of `inodes` has an owner that is a child of this process, so the assertions
    /// see the steady state.
    func settled(_ inodes: Set<UInt64>, _ scan: () throws -> ListenerScan) throws -> ListenerScan {
        var result = try scan()
        let deadline = monotonicSeconds() + 2
        func caughtChild(_ scan: ListenerScan) -> Bool {
            scan.listeners.contains {
                inodes.contains($0.inode) && $0.owners.contains { $0.pid != me && parent(of: $0.pid) == me }
            }
        }
        while caughtChild(result) {
            guard monotonicSeconds() < deadline else { break }
            usleep(5_000)
            result = try scan()
        }
        return result
    }

    /// The parent of `pid` from /proc/PID/stat (after the command, which may hold ')').
    func parent(of pid: Int32) -> Int32? {
        guard let file = fopen("/proc/\(pid)/stat", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let line = String(cString: buffer)
        guard let close = line.lastIndex(of: ")") else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }

    func only(_ scan: ListenerScan, inode: UInt64) throws -> Listener {
        let matches = scan.listeners.filter { $0.inode == inode }
        try #require(matches.count == 1, "expected inode \(inode) once in \(scan.listeners)")
        return matches[0]
    }

    @Test(arguments: [
        ("127.0.0.1", nil as Bool?, "127.0.0.1", nil as Bool?),
        ("0.0.0.0", nil, "0.0.0.0", nil),
        ("::1", true, "::1", true),
        ("::1", false, "::1", true),  // the kernel sets v6only when binding a specific IPv6 address
        ("::", true, "::", true),
        ("::", false, "::", false),
        ("::ffff:127.0.0.1", false, "127.0.0.1", false),
    ])
    func tcpListenerAddresses(bindTo: String, v6Only: Bool?, shown: String, expectedV6Only: Bool?) throws {
        let s = try TestSocket(.tcp, bindTo, v6Only: v6Only)
        let scan = try settled([s.inode]) { try scanPort(s.port, [.tcp]) }
        #expect(scan.socketSource == "netlink")
        let l = try only(scan, inode: s.inode)
        #expect(l.transport == .tcp)
        #expect(l.address == shown)
        #expect(l.port == s.port)
        #expect(l.v6Only == expectedV6Only)
        #expect(l.uid == geteuid())
        #expect(l.user == (geteuid() == 0 ? "root" : l.user))
        #expect(l.owners.map(\.pid) == [me])
        #expect(l.ownerVisible)
        let owner = try #require(l.owners.first)
        #expect(owner.uid == geteuid())
        #expect(!owner.command.isEmpty)
        let started = try #require(owner.startedAt)
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        #expect(started <= Double(now.tv_sec) + 2 && started > Double(now.tv_sec) - 3 * 86400)
    }

    @Test func udpBoundIsListedConnectedIsNot() throws {
        let bound = try TestSocket(.udp, "127.0.0.1")
        let connected = try TestSocket(.udp, "127.0.0.1")
        #expect(connected.connect(to: bound.port))
        let bound6 = try TestSocket(.udp, "::1")
        let boundScan = try settled([bound.inode]) { try scanPort(bound.port, [.udp]) }
        #expect(try only(boundScan, inode: bound.inode).owners.map(\.pid) == [me])
        #expect(try only(try scanPort(bound6.port, [.udp]), inode: bound6.inode).address == "::1")
        let connectedScan = try scanPort(connected.port, [.udp])
        #expect(!connectedScan.listeners.contains { $0.inode == connected.inode })
        // And not as TCP either.
        #expect(try scanPort(bound.port, [.tcp]).listeners.allSatisfy { $0.inode != bound.inode })
    }

    @Test func establishedConnectionIsNotAListener() throws {
        let server = try TestSocket(.tcp, "127.0.0.1")
        let client = try TestSocket(.tcp, "127.0.0.1", listen: false)
        #expect(client.connect(to: server.port))
        let accepted = accept(server.fd, nil, nil)
        defer { if accepted >= 0 { close(accepted) } }
        #expect(accepted >= 0)
        var st = stat()
        fstat(accepted, &st)
        let scan = try scanPort(server.port)
        // The accepted socket shares the port; only the listening one is reported (other
        // tests may hold the same port number on another transport or address).
        #expect(scan.listeners.filter { $0.inode == server.inode }.count == 1)
        #expect(!scan.listeners.contains { $0.inode == UInt64(st.st_ino) || $0.inode == client.inode })
        let clientScan = try scanPort(client.port)
        #expect(!clientScan.listeners.contains { $0.inode == client.inode })
    }

    @Test func unusedPortIsEmpty() throws {
        let probe = try TestSocket(.tcp, "127.0.0.1", listen: false)
        let port = probe.port
        _ = probe  // bound but not listening: not a listener
        let scan = try scanPort(port)
        #expect(scan.listeners.isEmpty)
        #expect(scan.notes.isEmpty)
    }

    @Test func portRangeAndTransportFilter() throws {
        let t = try TestSocket(.tcp, "127.0.0.1")
        let u = try TestSocket(.udp, "127.0.0.1")
        let lo = min(t.port, u.port)
        let hi = max(t.port, u.port)
        let both = try ListenerScanner.scan(ListenerQuery(ports: lo...hi))
        #expect(both.listeners.allSatisfy { (lo...hi).contains($0.port) })
        #expect(Set(both.listeners.map(\.inode)).isSuperset(of: [t.inode, u.inode]))
        let tcpOnly = try ListenerScanner.scan(ListenerQuery(transports: [.tcp], ports: lo...hi))
        #expect(tcpOnly.listeners.allSatisfy { $0.transport == .tcp })
        #expect(tcpOnly.listeners.contains { $0.inode == t.inode })
        #expect(!tcpOnly.listeners.contains { $0.inode == u.inode })
    }

    @Test func procfsFallbackFindsTheSameSockets() throws {
        let t4 = try TestSocket(.tcp, "127.0.0.1")
        let t6 = try TestSocket(.tcp, "::1", v6Only: true)
        let u = try TestSocket(.udp, "127.0.0.1")
        for s in [t4, t6, u] {
            let scan = try settled([s.inode]) {
                try LinuxBackend(forceProcfs: true).scan(ListenerQuery(ports: s.port...s.port))
            }
            #expect(scan.socketSource == "procfs")
            let l = try only(scan, inode: s.inode)
            #expect(l.owners.map(\.pid) == [me])
            #expect(l.v6Only == nil)  // procfs does not say
        }
        let full = try LinuxBackend(forceProcfs: true).scan(ListenerQuery())
        let viaNetlink = try ListenerScanner.scan(ListenerQuery())
        let ours: Set<UInt64> = [t4.inode, t6.inode, u.inode]
        #expect(Set(full.listeners.map(\.inode)).isSuperset(of: ours))
        #expect(Set(viaNetlink.listeners.map(\.inode)).isSuperset(of: ours))
    }

    @Test func fullScanIsSortedAndIncludesOurSockets() throws {
        let t = try TestSocket(.tcp, "127.0.0.1")
        let scan = try settled([t.inode]) { try ListenerScanner.scan(ListenerQuery()) }
        #expect(scan.listeners.contains { $0.inode == t.inode && $0.owners.map(\.pid) == [me] })
        let keys = scan.listeners.map(\.port)
        #expect(keys == keys.sorted())
    }

    @Test func otherNamespacesNeedRootNote() throws {
        let scan = try LinuxBackend(callerUID: 65534).scan(ListenerQuery(ports: 1...1, allNetworkNamespaces: true))
        #expect(scan.notes.contains("other network namespaces not searched: needs root"))
    }
}
