import Glibc
import PortholeTestSupport
import Testing

@testable import PortListeners

/// Listeners held by helper processes (python3), including other users, forks and churn.
@Suite("Owners among other processes", .enabled(if: python3 != nil, "python3 not found"))
struct ProcessTests {
    @Test func samePortTwoAddressesTwoProcesses() throws {
        let a = try #require(
            TestProcess.python(
                pythonPrelude + """
                    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); emit(s, "tcp"); hold()
                    """))
        defer { a.stop() }
        let first = try #require(Emitted(a.readLine()))
        let b = try #require(
            TestProcess.python(
                pythonPrelude + """
                    s = socket.socket(socket.AF_INET6); s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                    s.bind(("::1", int(sys.argv[1]))); s.listen(); emit(s, "tcp"); hold()
                    """, [String(first.port)]))
        defer { b.stop() }
        let second = try #require(Emitted(b.readLine()), "could not bind ::1 on the same port")
        let scan = try scanPort(first.port, [.tcp])
        let byInode = Dictionary(scan.listeners.map { ($0.inode, $0) }, uniquingKeysWith: { x, _ in x })
        let l1 = try #require(byInode[first.inode])
        let l2 = try #require(byInode[second.inode])
        #expect(l1.address == "127.0.0.1" && l1.owners.map(\.pid) == [first.pid])
        #expect(l2.address == "::1" && l2.owners.map(\.pid) == [second.pid])
        #expect(l1.owners.first?.process == "python3")
    }

    @Test func socketSharedAfterForkHasBothOwners() throws {
        let child = try #require(
            TestProcess.python(
                pythonPrelude + """
                    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
                    r, w = os.pipe()
                    pid = os.fork()
                    if pid == 0:
                        os.close(w); os.read(r, 1); os._exit(0)   # the child holds s until the parent goes
                    emit(s, "tcp"); os.write(1, b"child %d\\n" % pid); hold()
                    """))
        defer { child.stop() }
        let emitted = try #require(Emitted(child.readLine()))
        let forkLine = try #require(child.readLine()).split(separator: " ")
        let forked = try #require(Int32(forkLine.last ?? ""))
        let scan = try scanPort(emitted.port, [.tcp])
        let l = try #require(scan.listeners.first { $0.inode == emitted.inode })
        #expect(l.owners.map(\.pid) == [emitted.pid, forked].sorted())
        // The forked child exits when its parent is killed (its pipe closes).
    }

    @Test func socketOfAnotherUserSeenAsRoot() throws {
        guard let setprivTool, isRoot else { try Test.cancel("needs setpriv and root") }
        let child = try #require(
            TestProcess.python(
                pythonPrelude + """
                    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); emit(s, "tcp"); hold()
                    """, prefix: [setprivTool, "--reuid", "nobody", "--regid", "nogroup", "--clear-groups"]))
        defer { child.stop() }
        let emitted = try #require(Emitted(child.readLine()))
        let scan = try scanPort(emitted.port, [.tcp])
        let l = try #require(scan.listeners.first { $0.inode == emitted.inode })
        #expect(l.uid == 65534)
        #expect(l.user == "nobody")
        #expect(l.owners.map(\.pid) == [emitted.pid])
        #expect(l.owners.first?.uid == 65534)
        #expect(l.owners.first?.user == "nobody")
        #expect(l.ownerVisible)
    }

    @Test func churnNeverMisattributes() throws {
        // A python parent forks short-lived children; each binds listeners, says which
        // inodes it holds, lives a few milliseconds and exits. We scan meanwhile.
        let churn = try #require(
            TestProcess.python(
                pythonPrelude + """
                    import random, time
                    end = time.time() + float(sys.argv[1])
                    kids = []
                    while time.time() < end:
                        pid = os.fork()
                        if pid == 0:
                            held = []
                            for _ in range(3):
                                s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); held.append(s)
                            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0)); held.append(u)
                            for s in held: emit(s, "x")
                            time.sleep(random.uniform(0.001, 0.03))
                            os._exit(0)
                        kids.append(pid)
                        time.sleep(0.002)
                        while kids:
                            done, _ = os.waitpid(-1, os.WNOHANG)
                            if done == 0: break
                            kids.remove(done)
                    for k in kids: os.waitpid(k, 0)
                    os.write(1, b"done\\n")
                    """, ["2.5"]))
        defer { churn.stop() }
        var scans: [ListenerScan] = []
        let end = monotonicSeconds() + 2.5
        while monotonicSeconds() < end {
            scans.append(try ListenerScanner.scan(ListenerQuery()))
        }
        // The truth: which pid held which inode.
        var truth: [UInt64: Int32] = [:]
        var churnPIDs: Set<Int32> = []
        while let line = churn.readLine(timeout: 10), line != "done" {
            if let e = Emitted(line) {
                truth[e.inode] = e.pid
                churnPIDs.insert(e.pid)
            }
        }
        #expect(truth.count > 20, "the churn helper made too few sockets")
        var checked = 0
        for scan in scans {
            for l in scan.listeners {
                for owner in l.owners where churnPIDs.contains(owner.pid) {
                    checked += 1
                    #expect(
                        truth[l.inode] == owner.pid,
                        "pid \(owner.pid) reported for inode \(l.inode) \(l.transport) \(l.address):\(l.port); that pid's truth: \(truth.filter { $0.value == owner.pid })"
                    )
                }
                if let holder = truth[l.inode] {
                    #expect(l.owners.allSatisfy { $0.pid == holder })
                }
            }
        }
        #expect(scans.count >= 3)
        _ = checked
    }

    @Test(.enabled(if: ssTool != nil, "ss not found"))
    func agreesWithSS() throws {
        let child = try #require(
            TestProcess.python(
                pythonPrelude + """
                    held = []
                    for fam, addr, typ in [(socket.AF_INET, "127.0.0.1", socket.SOCK_STREAM), (socket.AF_INET6, "::1", socket.SOCK_STREAM),
                                           (socket.AF_INET, "127.0.0.1", socket.SOCK_DGRAM), (socket.AF_INET6, "::1", socket.SOCK_DGRAM)]:
                        s = socket.socket(fam, typ)
                        if fam == socket.AF_INET6: s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                        s.bind((addr, 0))
                        if typ == socket.SOCK_STREAM: s.listen()
                        held.append(s)
                        emit(s, "tcp" if typ == socket.SOCK_STREAM else "udp")
                    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.bind(("127.0.0.1", 0)); c.connect(("127.0.0.1", held[2].getsockname()[1]))
                    emit(c, "connected")
                    hold()
                    """))
        defer { child.stop() }
        var ours: [Emitted] = []
        for _ in 0..<5 { ours.append(try #require(Emitted(child.readLine()))) }
        let ports = Set(ours.map(\.port))
        let ssOut = try #require(run([ssTool!, "-ltunH"]))
        struct Key: Hashable {
            var transport: String
            var address: String
            var port: UInt16
        }
        var fromSS: Set<Key> = []
        for line in ssOut.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 5, let colon = f[4].lastIndex(of: ":"),
                let port = UInt16(f[4][f[4].index(after: colon)...]),
                ports.contains(port)
            else { continue }
            var address = String(f[4][..<colon])
            if address.hasPrefix("[") { address = String(address.dropFirst().dropLast()) }
            if let percent = address.firstIndex(of: "%") { address = String(address[..<percent]) }
            fromSS.insert(Key(transport: String(f[0]), address: address, port: port))
        }
        let scan = try ListenerScanner.scan(ListenerQuery())
        let mine = Set(
            scan.listeners.filter { ports.contains($0.port) }.map {
                Key(transport: $0.transport.rawValue, address: $0.address, port: $0.port)
            })
        // Other tests' sockets may share these port numbers (another transport or address):
        // the sets must agree, and hold exactly our four listeners.
        #expect(mine == fromSS)
        let expected = Set(ours.prefix(4).map { Key(transport: $0.kind, address: $0.address, port: $0.port) })
        #expect(mine.isSuperset(of: expected))
        #expect(
            Set(
                scan.listeners.filter { ours.map(\.inode).contains($0.inode) }.map {
                    Key(transport: $0.transport.rawValue, address: $0.address, port: $0.port)
                }) == expected)
        #expect(!scan.listeners.contains { $0.inode == ours[4].inode })
    }

    @Test(.enabled(if: ipTool != nil && isRoot, "needs ip and root"))
    func listenerInAnotherNetworkNamespace() throws {
        let name = "porthole-test-\(getpid())"
        guard run([ipTool!, "netns", "add", name]) != nil else {
            try Test.cancel("ip netns add is not permitted here")
        }
        defer { _ = run([ipTool!, "netns", "del", name]) }
        _ = run([ipTool!, "-n", name, "link", "set", "lo", "up"])
        let ownBefore = NetNamespaces.own()
        let child = try #require(
            TestProcess.helper([
                ipTool!, "netns", "exec", name, python3!, "-c",
                pythonPrelude + """
                    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); emit(s, "tcp"); hold()
                    """,
            ]))
        defer { child.stop() }
        let emitted = try #require(Emitted(child.readLine()))
        // Not visible from our own namespace…
        let plain = try scanPort(emitted.port, [.tcp])
        #expect(!plain.listeners.contains { $0.inode == emitted.inode })
        // …but found when every namespace is searched, with its owner (inodes are global).
        let scan = try scanPort(emitted.port, [.tcp], allNamespaces: true)
        let l = try #require(scan.listeners.first { $0.inode == emitted.inode }, "notes: \(scan.notes)")
        #expect(l.owners.map(\.pid) == [emitted.pid])
        let label = try #require(l.netns)
        #expect(label.hasPrefix("net:["))
        #expect(label.contains("ip netns \(name)"))
        // The scanning process never leaves its namespace.
        #expect(NetNamespaces.own() == ownBefore)
        var buffer = [CChar](repeating: 0, count: 64)
        let n = readlink("/proc/self/ns/net", &buffer, 63)
        #expect(
            n > 0
                && String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    == "net:[\(ownBefore ?? 0)]"
        )
    }
}
