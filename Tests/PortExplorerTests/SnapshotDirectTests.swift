import Foundation
import PortListeners
import Testing

@testable import PortExplorer

/// The snapshot reader that works straight from the bytes (`TerritorySnapshot.decodeDirect`)
/// against the general one (`decode`, a JSON tree first): on every document the direct reader
/// accepts, both give the same snapshot; every document the general reader refuses, the
/// direct one passes on (nil), so the general reader still words the reason. Documents come
/// from `scripts/make-fleet`, the end-to-end tests' real `porthole snapshot`, snapshots
/// written by porthole itself, hand-written odd ones, and thousands of damaged copies.
@Suite struct SnapshotDirectTests {
    static let root: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path
    }()

    /// Both readers on one document: equal when the direct one answers, and it answers
    /// whenever `mustAnswer`; nil whenever the general one refuses the bytes.
    static func agree(_ bytes: [UInt8], mustAnswer: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        let direct = TerritorySnapshot.decodeDirect(bytes)
        do {
            let general = try TerritorySnapshot.decode(bytes)
            if let direct { #expect(direct == general, sourceLocation: sourceLocation) }
            if mustAnswer {
                #expect(direct != nil, "\(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
            }
        } catch {
            #expect(direct == nil, "refused as \(error.message)", sourceLocation: sourceLocation)
            #expect(!mustAnswer, "refused as \(error.message)", sourceLocation: sourceLocation)
        }
    }

    /// A snapshot with a bit of everything porthole writes: owners with and without start
    /// times, hidden owners, namespaces, IPv6-only flags, registrations, escapes and Unicode.
    static func written() -> TerritorySnapshot {
        var listeners = SnapshotCommandTests.territory()
        listeners.append(
            Listener(
                transport: .udp, address: "::", port: 5353, uid: 4_294_967_295, user: "nobödy", inode: UInt64.max,
                v6Only: true, owners: [], ownerHiddenReason: "the owner is in another \"namespace\"\n(not ours)",
                netns: "net:[4026532288]"))
        listeners.append(
            Listener(
                transport: .tcp, address: "127.0.0.1", port: 65535, uid: 0, user: "root", inode: 0, v6Only: false,
                owners: [
                    SocketOwner(
                        pid: Int32.max, process: "py\u{1B}[31mthon", command: "tab\there \\ back / slash 🙂 \u{7F}",
                        uid: 0, user: "root", startedAt: 0),
                    SocketOwner(pid: 0, process: "", command: "", uid: 12, user: "ünïcode", startedAt: nil),
                ]))
        let entries = listeners.sorted(by: TerritorySnapshot.order).enumerated().map { i, listener in
            TerritorySnapshot.Entry(
                listener: listener, registered: i % 2 == 0 ? [] : ["wkstn-mon", "x\u{00E9}"],
                verdict: i % 3 == 0 ? "matches" : "a verdict added later",
                explanation: "nothing is registered on \(listener.port)/\(listener.transport.rawValue) — “quoted”")
        }
        return TerritorySnapshot(
            version: 1, takenAt: 1_795_770_000, writer: "0.1.0",
            machine: MachineFacts(
                hostName: "lab7", machineID: nil, kernelName: "Linux", kernelRelease: "6.1", architecture: "x86_64",
                operatingSystem: "Debian GNU/Linux 12 (bookworm)"),
            settings: HostPortSettings(
                ephemeralRange: 32768...60999, unprivilegedPortStart: 1024, reservedPorts: [8080...8080, 9000...9100]),
            registry: TerritorySnapshot.RegistryStamp(kind: "embedded", path: "/a \"quoted\" path", updated: nil),
            allNetworkNamespaces: true, socketSource: "netlink", notes: ["one note", "ünïcode note"],
            listeners: entries)
    }

    @Test func fleetSnapshotsFromMakeFleetReadTheSame() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "direct-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", Self.root + "/scripts/make-fleet", folder.path, "12", "40"]
        try python.run()
        python.waitUntilExit()
        try #require(python.terminationStatus == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names.count == 12)
        for name in names {
            let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(name)))
            Self.agree(bytes, mustAnswer: true)
            let snapshot = try #require(TerritorySnapshot.decodeDirect(bytes))
            #expect(snapshot.listeners.count == 40 && snapshot.machine.hostName + ".json" == name)
        }
    }

    @Test func aRealSnapshotReadsTheSame() throws {
        let path = Self.root + "/Tests/PortholeEndToEndTests/Fixtures/territory/snapshot/lab1.json"
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        Self.agree(bytes, mustAnswer: true)
        #expect(TerritorySnapshot.decodeDirect(bytes)?.listeners.isEmpty == false)
    }

    @Test func whatPortholeWritesReadsBackTheSame() throws {
        let snapshot = Self.written()
        #expect(TerritorySnapshot.decodeDirect(snapshot.bytes) == snapshot)
        Self.agree(snapshot.bytes, mustAnswer: true)
        // Parsed and written again from the tree: keys in another order, the same document.
        let reordered = try JSONReader.parse(snapshot.bytes).lineBytes
        #expect(reordered != snapshot.bytes)
        Self.agree(reordered, mustAnswer: true)
        #expect(TerritorySnapshot.decodeDirect(reordered) == snapshot)
    }

    static let base =
        #"{"format":"porthole-snapshot","version":1,"takenAt":"2026-11-30T09:00:00Z","writtenBy":"porthole 0.1.0","host":{"name":"lab7","machineId":"abc","kernel":{"name":"Linux","release":"6.1","machine":"x86_64"},"os":"Debian"},"portSettings":{"ephemeralRange":{"low":32768,"high":60999},"unprivilegedPortStart":1024,"reservedPorts":[{"low":1,"high":2}]},"registry":{"kind":"embedded","path":null,"updated":"2025-12-15"},"allNetworkNamespaces":false,"socketSource":"netlink","notes":[],"listeners":[{"transport":"tcp","address":"0.0.0.0","port":22,"v6Only":null,"netns":null,"uid":0,"user":"root","inode":100000,"owners":[{"pid":1000,"process":"sshd","command":"/usr/sbin/sshd -D","user":"root","uid":0,"startedAt":"2026-11-30T08:00:00Z"}],"ownerHiddenReason":null,"registered":["ssh"],"verdict":"matches","explanation":"sshd is ssh"}]}"#

    /// Hand-written documents the direct reader must read, each the base with one change.
    @Test(arguments: [
        // Escapes and Unicode in values.
        (#""process":"sshd""#, #""process":"s\u0073hd\n\t\"\\\/\u00e9\ud83d\ude00""#),
        (#""user":"root","inode""#, #""user":"rööt 🙂 ☃","inode""#),
        (#""command":"/usr/sbin/sshd -D""#, #""command":"\u001b[31m\u0000 red""#),
        // Optional fields missing, or null.
        (#""machineId":"abc","#, ""),
        (#","os":"Debian""#, ""),
        (#""v6Only":null,"netns":null,"#, ""),
        (#","ownerHiddenReason":null"#, ""),
        (#","startedAt":"2026-11-30T08:00:00Z""#, ""),
        (#""startedAt":"2026-11-30T08:00:00Z""#, #""startedAt":null"#),
        (
            #""ephemeralRange":{"low":32768,"high":60999},"unprivilegedPortStart":1024,"reservedPorts":[{"low":1,"high":2}]"#,
            ""
        ),
        (#""reservedPorts":[{"low":1,"high":2}]"#, #""reservedPorts":null"#),
        (#""path":null,"updated":"2025-12-15""#, #""updated":null"#),
        // Values of other kinds the readers accept.
        (#""v6Only":null"#, #""v6Only":true"#),
        (#""netns":null"#, #""netns":"net:[1]""#),
        (#""inode":100000"#, #""inode":-7"#),
        (#""inode":100000"#, #""inode":9223372036854775807"#),
        (#""owners":[{"#, #""owners":[],"x":[{"#),
        (#""notes":[]"#, #""notes":["a","b"]"#),
        // Members the readers do not know, at every level, and whitespace everywhere.
        (#""format":"#, #""later":{"deep":[1,2.5e3,{"a":null}],"b":"\u00e9"},"format":"#),
        (#""pid":1000,"#, #""pid":1000,"extra":[true,false,null],"#),
        (#""kernel":{"#, #""kernel":{"arch2":"x","#),
        (#","verdict""#, " ,\n\t\"verdict\" "),
        (#""port":22"#, #""port" : 22 "#),
        // Members in another order.
        (#""format":"porthole-snapshot","version":1,"#, #""version":1,"format":"porthole-snapshot","#),
        (#""low":32768,"high":60999"#, #""high":60999,"low":32768"#),
    ])
    func oddDocumentsReadTheSame(change: (String, String)) throws {
        let text = Self.base.replacingOccurrences(of: change.0, with: change.1)
        #expect(text != Self.base)
        Self.agree(Array(text.utf8), mustAnswer: true)
    }

    /// Documents the general reader refuses (or reads a way the direct one leaves to it).
    @Test(arguments: [
        // Numbers as strings: osquery's readers accept them, a snapshot's do not.
        (#""port":22"#, #""port":"22""#, true),
        (#""pid":1000"#, #""pid":"1000""#, true),
        (#""version":1"#, #""version":"1""#, true),
        (#""version":1"#, #""version":1.0"#, true),
        (#""version":1"#, #""version":2"#, true),
        (#""port":22"#, #""port":65536"#, true),
        (#""port":22"#, #""port":1e1"#, true),
        (#""uid":0,"user":"root","inode""#, #""uid":-1,"user":"root","inode""#, true),
        (#""inode":100000"#, #""inode":9223372036854775808"#, true),
        (#""transport":"tcp""#, #""transport":"sctp""#, true),
        (#""startedAt":"2026-11-30T08:00:00Z""#, #""startedAt":"2026-02-30T08:00:00Z""#, true),
        (#""low":32768,"high":60999"#, #""low":60999,"high":32768"#, true),
        (#""format":"porthole-snapshot""#, #""format":"porthole-snapshot2""#, true),
        // Missing required members, wrong kinds.
        (#""verdict":"matches","#, "", true),
        (#""kernel":{"name":"Linux","#, #""kernel":{"#, true),
        (#""notes":[]"#, #""notes":null"#, true),
        (#""notes":[]"#, #""notes":[1]"#, true),
        (#""allNetworkNamespaces":false"#, #""allNetworkNamespaces":0"#, true),
        (#""os":"Debian""#, #""os":true"#, true),
        // Not JSON: duplicate keys (known, unknown, escaped), trailing commas, junk.
        (#""port":22"#, #""port":22,"port":22"#, true),
        (#""pid":1000"#, #""pid":1000,"x":1,"x":2"#, true),
        (#""pid":1000"#, #""pid":1000,"x":{"y":1,"y":2}"#, true),
        (#""port":22"#, #""port":22,"p\u006frt":22"#, true),
        (#""notes":[]"#, #""notes":["a",]"#, true),
        (#""pid":1000,"#, #""pid":1000,,"#, true),
        (#""ssh"]"#, #""ssh",]"#, true),
        (#"sshd is ssh"}]}"#, #"sshd is ssh"}]} x"#, true),
        (#"sshd is ssh"}]}"#, #"sshd is ssh"}]"#, true),
        (#""process":"sshd""#, "\"process\":\"s\u{01}hd\"", true),
        (#""process":"sshd""#, #""process":"s\xhd""#, true),
        (#""process":"sshd""#, #""process":"\ud83d""#, true),
        (#""version":1"#, #""version":01"#, true),
        (#""verdict":"matches""#, #""verdict":'matches'"#, true),
        // Valid, but left to the general reader: a key written with an escape.
        (#""port":22"#, #""p\u006frt":22"#, false),
    ])
    func otherDocumentsArePassedOn(change: (String, String, Bool)) throws {
        let text = Self.base.replacingOccurrences(of: change.0, with: change.1)
        #expect(text != Self.base)
        let bytes = Array(text.utf8)
        #expect(TerritorySnapshot.decodeDirect(bytes) == nil)
        #expect(((try? TerritorySnapshot.decode(bytes)) == nil) == change.2)
        Self.agree(bytes, mustAnswer: false)
    }

    @Test func invalidUTF8BOMAndDepthArePassedOn() {
        let base = Array(Self.base.utf8)
        var broken = base
        broken.insert(0xFF, at: base.firstIndex(of: UInt8(ascii: "s"))!)
        Self.agree(broken, mustAnswer: false)
        #expect(TerritorySnapshot.decodeDirect(broken) == nil)
        Self.agree([0xEF, 0xBB, 0xBF] + base, mustAnswer: false)
        #expect(TerritorySnapshot.decodeDirect([0xEF, 0xBB, 0xBF] + base) == nil)
        // An unknown member nested past the reader's limit, and one just within it.
        for depth in [58, 59, 60] {
            let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let text = Self.base.replacingOccurrences(of: #""pid":1000"#, with: #""pid":1000,"d":"# + deep)
            Self.agree(Array(text.utf8), mustAnswer: false)
            #expect(
                (TerritorySnapshot.decodeDirect(Array(text.utf8)) == nil)
                    == ((try? TerritorySnapshot.decode(Array(text.utf8))) == nil))
        }
    }

    /// Thousands of damaged copies (a byte changed, dropped or doubled; a cut): whatever the
    /// direct reader accepts, the general one reads the same; whatever that refuses, the
    /// direct one passes on.
    @Test func damagedCopiesNeverDisagree() {
        var generator = SplitMix64(seed: 14)
        let documents = [Array(Self.base.utf8), Self.written().bytes]
        let alphabet = Array(#"{}[]:,"\ 0123456789-.eEtrufalsn/u"#.utf8) + [0x00, 0x0A, 0xC3, 0xA9, 0xFF]
        for document in documents {
            for _ in 0..<1500 {
                var bytes = document
                let at = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 4 {
                case 0: bytes[at] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: at)
                case 2: bytes.insert(bytes[at], at: at)
                default: bytes.removeSubrange(at...)
                }
                Self.agree(bytes, mustAnswer: false)
            }
        }
    }

    /// Through the territory reader, a damaged snapshot still says what is wrong with it.
    @Test func damagedSnapshotsKeepTheirReasons() {
        let text = Self.base.replacingOccurrences(of: #""port":22"#, with: #""port":"22""#)
        #expect(
            throws: TerritoryReadError(
                "is a damaged snapshot: listeners[0].port should be a whole number from 0 to 65535")
        ) {
            try TerritoryReader.read(Array(text.utf8), path: "web1.json", modified: 0)
        }
        let hosts = try? TerritoryReader.read(Array(Self.base.utf8), path: "web1.json", modified: 0)
        #expect(hosts?.map(\.name) == ["lab7"] && hosts?.first?.format == .snapshot)
    }
}
