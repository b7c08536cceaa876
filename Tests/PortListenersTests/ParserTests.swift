import Testing

@testable import PortListeners

@Suite("Pure parsers on captured /proc text")
struct ParserTests {
    func parse(_ text: String, _ transport: SocketTransport, ipv6: Bool) -> [RawSocket] {
        ProcParsers.procNet(Array(text.utf8), transport: transport, ipv6: ipv6)
    }

    @Test func tcpListenKeptEstablishedDropped() {
        let text = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 586 1 00000000e46ae7f9 100 0 0 10 0
               1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41238 1 0000000000000000 100 0 0 10 0
               2: 0100007F:1F90 0100007F:D2C4 01 00000000:00000000 00:00000000 00000000  1000        0 41239 1 0000000000000000 20 4 30 10 -1
               3: 0100007F:D2C4 0100007F:1F90 06 00000000:00000000 03:00000ABC 00000000     0        0 0 3 0000000000000000
            """
        let sockets = parse(text, .tcp, ipv6: false)
        #expect(sockets.count == 2)
        #expect(
            sockets[0].address.text == "0.0.0.0" && sockets[0].port == 2024 && sockets[0].uid == 0
                && sockets[0].inode == 586)
        #expect(
            sockets[1].address.text == "127.0.0.1" && sockets[1].port == 8080 && sockets[1].uid == 1000
                && sockets[1].inode == 41238)
        #expect(sockets.allSatisfy { $0.v6Only == nil && $0.transport == .tcp })
    }

    @Test func udpOnlyUnconnected() {
        let text = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
              123: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 12345 2 0000000000000000 0
              200: 0100007F:A000 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 22222 2 0000000000000000 0
              201: 0100007F:A001 00000000:0000 01 00000000:00000000 00:00000000 00000000     0        0 22223 2 0000000000000000 0
            """
        let sockets = parse(text, .udp, ipv6: false)
        #expect(sockets.count == 1)
        #expect(sockets.first?.address.text == "127.0.0.53")
        #expect(sockets.first?.port == 53)
        #expect(sockets.first?.uid == 101)
    }

    @Test func ipv6AddressesAreLittleEndianWords() {
        let text = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 100 1 0000000000000000 100 0 0 10 0
               1: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 101 1 0000000000000000 100 0 0 10 0
               2: 0000000000000000FFFF00000100007F:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 102 1 0000000000000000 100 0 0 10 0
               3: B80D0120000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 103 1 0000000000000000 100 0 0 10 0
            """
        let sockets = parse(text, .tcp, ipv6: true)
        #expect(sockets.map(\.address.text) == ["::1", "::", "127.0.0.1", "2001:db8::1"])
        #expect(sockets.map(\.port) == [631, 22, 8080, 80])
        #expect(sockets.allSatisfy { $0.v6Only == nil })
    }

    @Test func malformedLinesAreSkipped() {
        let text = "header\n   0: 0100007F:1F90 garbage\n\n   1: XYZ:1 00000000:0000 0A 0:0 0:0 0 0 0 5\n"
        #expect(parse(text, .tcp, ipv6: false).isEmpty)
    }

    @Test func statWithParenthesisAndNewlineInComm() throws {
        let text =
            "4242 (evil) name\nx) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 123456 1000000 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
        let stat = try #require(ProcParsers.stat(Array(text.utf8)))
        #expect(stat.comm == "evil) name\nx")
        #expect(stat.state == UInt8(ascii: "S"))
        #expect(stat.ppid == 1)
        #expect(stat.startTicks == 123456)
    }

    @Test func statTruncatedIsNil() {
        #expect(ProcParsers.stat(Array("12 (a) S 1 2 3".utf8)) == nil)
        #expect(ProcParsers.stat(Array("no parens at all".utf8)) == nil)
    }

    @Test func statusEffectiveUID() {
        let text = "Name:\tsshd\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t0\t65534\t65534\t65534\nGid:\t0\t0\t0\t0\n"
        #expect(ProcParsers.statusEffectiveUID(Array(text.utf8)) == 65534)
        #expect(ProcParsers.statusEffectiveUID(Array("Name:\tx\n".utf8)) == nil)
        // The last line without its newline, empty lines, one number only, the first Uid line.
        #expect(ProcParsers.statusEffectiveUID(Array("Name:\tx\nUid:\t1\t2\t3\t4".utf8)) == 2)
        #expect(ProcParsers.statusEffectiveUID(Array("\n\nUid: 7 8\n\n".utf8)) == 8)
        #expect(ProcParsers.statusEffectiveUID(Array("Uid:\t5\nUid:\t1\t2\n".utf8)) == nil)
        #expect(ProcParsers.statusEffectiveUID(Array("Uid:\t1\t9\nUid:\t1\t2\n".utf8)) == 9)
        #expect(ProcParsers.statusEffectiveUID([UInt8]()) == nil)
        #expect(ProcParsers.statusEffectiveUID(Array("Uid:\t1\tx\n".utf8)) == nil)
        #expect(ProcParsers.statusEffectiveUID(Array("Name:\tUid:\nXUid:\t1\t2\n".utf8)[...]) == nil)
    }

    @Test func cmdlineJoinsArguments() {
        #expect(ProcParsers.cmdline(Array("python3\0-c\0print(1)\0".utf8)) == "python3 -c print(1)")
        #expect(ProcParsers.cmdline([UInt8]()) == "")
    }

    @Test func bootTimeAndPasswd() {
        #expect(
            ProcParsers.bootTime(Array("cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n".utf8)) == 1_700_000_000)
        let users = ProcParsers.passwd(
            Array(
                "root:x:0:0:root:/root:/bin/bash\n#c\nnobody:x:65534:65534::/:/bin/false\nbad\ntoor:x:0:0::/:/bin/sh\n"
                    .utf8))
        #expect(users == [0: "root", 65534: "nobody"])
    }

    @Test func socketLinks() {
        func inode(_ s: String) -> UInt64? { Array(s.utf8).withUnsafeBytes { ProcParsers.socketInode($0) } }
        #expect(inode("socket:[12345]") == 12345)
        #expect(inode("pipe:[12345]") == nil)
        #expect(inode("socket:[12a]") == nil)
        #expect(inode("socket:[]") == nil)
        #expect(inode("/dev/null") == nil)
    }

    @Test func addressText() {
        func v6(_ bytes: [UInt8]) -> String { bytes.withUnsafeBytes { IPAddress(isIPv6: true, bytes: $0).text } }
        #expect(v6([UInt8](repeating: 0, count: 16)) == "::")
        #expect(v6([UInt8](repeating: 0, count: 15) + [1]) == "::1")
        #expect(v6([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]) == "127.0.0.1")
        #expect(v6([0xfe, 0x80] + [UInt8](repeating: 0, count: 12) + [0, 1]) == "fe80::1")
        #expect(v6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]) == "2001:db8:0:1::1")
        #expect(v6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]) == "2001:db8::1:0:0:1")
        #expect(v6([0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]) == "1:0:1:1:1:1:1:1")
        #expect(IPAddress(ipv4: 10, 0, 0, 255).text == "10.0.0.255")
    }

    @Test func namespaceLinks() {
        func id(_ s: String) -> UInt64? { Array(s.utf8).withUnsafeBytes { NetNamespaces.parseLink($0) } }
        #expect(id("net:[4026531840]") == 4_026_531_840)
        #expect(id("mnt:[4026531840]") == nil)
    }
}

@Suite("Owner visibility wording (unit seam: no other user or container needed)")
struct OwnerVisibilityTests {
    let none = OwnerVisibility.Context(callerUID: 1000, deniedPIDs: 0, deniedUIDs: [])

    @Test func foundOwnersNeedNoReason() {
        #expect(
            OwnerVisibility.reason(socketUID: 0, socketUser: "root", inode: 5, ownersFound: true, context: none) == nil)
    }

    @Test func otherUserAsNonRoot() {
        let ctx = OwnerVisibility.Context(callerUID: 1000, deniedPIDs: 3, deniedUIDs: [0])
        #expect(
            OwnerVisibility.reason(socketUID: 0, socketUser: "root", inode: 5, ownersFound: false, context: ctx)
                == "owner not visible to this user (socket owned by uid 0 (root)); try as root")
    }

    @Test func sameUserHiddenProcess() throws {
        let ctx = OwnerVisibility.Context(callerUID: 1000, deniedPIDs: 1, deniedUIDs: [1000])
        let r = try #require(
            OwnerVisibility.reason(socketUID: 1000, socketUser: "me", inode: 5, ownersFound: false, context: ctx))
        #expect(r.contains("non-dumpable") && r.contains("try as root"))
        let r2 = try #require(
            OwnerVisibility.reason(socketUID: 1000, socketUser: "me", inode: 5, ownersFound: false, context: none))
        #expect(r2.contains("hidepid"))
    }

    @Test func rootCases() throws {
        let root = OwnerVisibility.Context(callerUID: 0, deniedPIDs: 0, deniedUIDs: [])
        #expect(
            try #require(
                OwnerVisibility.reason(socketUID: 0, socketUser: "root", inode: 5, ownersFound: false, context: root)
            ).contains("another pid namespace"))
        #expect(
            OwnerVisibility.reason(socketUID: 0, socketUser: "root", inode: 0, ownersFound: false, context: root)
                == "held by the kernel, not by any process")
        let denied = OwnerVisibility.Context(callerUID: 0, deniedPIDs: 2, deniedUIDs: [0])
        #expect(
            try #require(
                OwnerVisibility.reason(socketUID: 0, socketUser: "root", inode: 5, ownersFound: false, context: denied)
            ).contains("CAP_SYS_PTRACE"))
    }
}
