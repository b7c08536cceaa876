import PortListeners
import Testing

@testable import PortExplorer

/// The territory readers on bytes: each format detected from its content, `ss` on lines
/// captured for real (`ss -Htlunp` and `-e` on the machine the tests were written on), osquery
/// on rows written from its table specs, and bad files refused with a reason.
@Suite struct TerritoryReaderTests {
    static let ssPlain = """
        udp UNCONN 0      0      127.0.0.53%lo:5353 0.0.0.0:* users:(("python3",pid=1093,fd=5),("python3",pid=1051,fd=5))
        tcp LISTEN 0      128          0.0.0.0:9100 0.0.0.0:* users:(("python3",pid=1096,fd=3))
        tcp LISTEN 0      128             [::]:2222    [::]:* users:(("python3",pid=1093,fd=4),("python3",pid=1051,fd=4))

        """
    static let ssExtended = """
        tcp LISTEN 0      128          0.0.0.0:9100 0.0.0.0:* users:(("python3",pid=1096,fd=3)) uid:65534 ino:3944916 sk:756eb cgroup:/ <->
        tcp LISTEN 0      128            *:8080       *:* users:(("python3",pid=433,fd=4)) ino:3943907 sk:756e9 cgroup:/ v6only:0 <->
        tcp LISTEN 0      128      0.0.0.0:2024 0.0.0.0:* ino:640 sk:1 cgroup:/ <->

        """

    static func read(_ text: String, path: String = "lab/web1.ss") throws(TerritoryReadError) -> [TerritoryHost] {
        try TerritoryReader.read(Array(text.utf8), path: path, modified: 0)
    }

    @Test func ssOwnersAddressesAndTransports() throws {
        let hosts = try Self.read(Self.ssPlain)
        #expect(hosts.map(\.name) == ["web1"])
        #expect(hosts[0].format == .ss)
        let l = hosts[0].listeners
        #expect(l.count == 3)
        let dns = try #require(l.first { $0.port == 5353 })
        #expect(dns.transport == .udp && dns.address == "127.0.0.53")
        #expect(dns.owners.map(\.pid) == [1093, 1051] && dns.owners.allSatisfy { $0.process == "python3" })
        let v6 = try #require(l.first { $0.port == 2222 })
        #expect(v6.address == "::" && v6.v6Only == true)
        #expect(v6.user == "?")
    }

    @Test func ssExtendedGivesUidInodeAndDualStack() throws {
        let l = try Self.read(Self.ssExtended, path: "fetched/web2/ss.txt")
        #expect(l[0].name == "web2")
        let node = try #require(l[0].listeners.first { $0.port == 9100 })
        #expect(node.uid == 65534 && node.inode == 3_944_916)
        let dual = try #require(l[0].listeners.first { $0.port == 8080 })
        #expect(dual.address == "::" && dual.v6Only == false && dual.uid == 0)
        let hidden = try #require(l[0].listeners.first { $0.port == 2024 })
        #expect(hidden.owners.isEmpty && hidden.ownerHiddenReason != nil)
    }

    @Test func osqueryiRowsBecomeListeners() throws {
        let json = """
            [{"address":"0.0.0.0","cmdline":"/usr/sbin/sshd -D","family":"2","name":"sshd","net_namespace":"4026531840","path":"/usr/sbin/sshd","pid":"812","port":"22","protocol":"6"},
             {"address":"0.0.0.0","cmdline":"nginx: worker","family":"2","name":"nginx","net_namespace":"4026531840","path":"/usr/sbin/nginx","pid":"13","port":"80","protocol":"6"},
             {"address":"0.0.0.0","cmdline":"nginx: master","family":"2","name":"nginx","net_namespace":"4026531840","path":"/usr/sbin/nginx","pid":"12","port":"80","protocol":"6"},
             {"address":"127.0.0.53","cmdline":"","family":"2","name":"systemd-resolve","net_namespace":"4026531840","path":"","pid":"640","port":"53","protocol":"17"},
             {"address":"","cmdline":"","family":"1","name":"","net_namespace":"","path":"/run/x.sock","pid":"1","port":"0","protocol":"0"}]
            """
        let hosts = try Self.read(json, path: "db1.json")
        #expect(hosts[0].format == .osqueryi && hosts[0].name == "db1")
        let l = hosts[0].listeners
        #expect(l.count == 3)
        #expect(l.first { $0.port == 80 }?.owners.map(\.pid) == [13, 12])
        #expect(l.first { $0.port == 53 }?.transport == .udp)
    }

    @Test func fleetctlLinesNameTheirHosts() throws {
        let lines = """
            {"host":"app1","rows":[{"address":"0.0.0.0","family":"2","name":"sshd","pid":"1","port":"22","protocol":"6"}]}
            {"host":"app2","rows":[]}
            """
        let hosts = try Self.read(lines, path: "fleet.jsonl")
        #expect(hosts.map(\.name) == ["app1", "app2"])
        #expect(hosts.allSatisfy { $0.format == .fleetctl })
        #expect(hosts[0].listeners.count == 1 && hosts[1].listeners.isEmpty)
    }

    @Test func osquerydLogAppliesActionsInOrder() throws {
        let row22 = #"{"address":"0.0.0.0","family":"2","name":"sshd","pid":"7","port":"22","protocol":"6"}"#
        let row11211 =
            #"{"address":"127.0.0.1","family":"2","name":"memcached","pid":"9","port":"11211","protocol":"6"}"#
        let row2991 = #"{"address":"127.0.0.1","family":"2","name":"python3","pid":"8","port":"2991","protocol":"6"}"#
        let log = """
            {"name":"listening","hostIdentifier":"cache1","unixTime":100,"action":"snapshot","snapshot":[\(row22),\(row11211)]}
            {"name":"listening","hostIdentifier":"cache1","unixTime":"200","action":"added","columns":\(row2991)}
            {"name":"listening","hostIdentifier":"cache1","unixTime":300,"action":"removed","columns":\(row11211)}
            {"name":"procs","hostIdentifier":"cache1","unixTime":300,"action":"added","columns":{"pid":"1","name":"init"}}
            """
        let hosts = try Self.read(log, path: "osqueryd.results.log")
        #expect(hosts.map(\.name) == ["cache1"] && hosts[0].format == .osqueryd)
        #expect(hosts[0].listeners.map(\.port) == [22, 2991])
        #expect(hosts[0].takenAt == 300)
    }

    @Test func snapshotDocumentsAreReadWithTheirHost() throws {
        var snapshot = try TerritorySnapshot.decode(
            Array(
                #"{"format":"porthole-snapshot","version":1,"takenAt":"2026-11-30T09:00:00Z","writtenBy":"porthole 0.1.0","host":{"name":"lab7","machineId":null,"kernel":{"name":"Linux","release":"6.1","machine":"x86_64"},"os":null},"portSettings":{"ephemeralRange":null,"unprivilegedPortStart":null,"reservedPorts":null},"registry":{"kind":"embedded","path":null,"updated":null},"allNetworkNamespaces":false,"socketSource":"netlink","notes":[],"listeners":[]}"#
                    .utf8))
        snapshot.listeners = [
            TerritorySnapshot.Entry(
                listener: Listener(
                    transport: .tcp, address: "127.0.0.1", port: 2991, uid: 0, user: "root", inode: 5, v6Only: nil,
                    owners: [
                        SocketOwner(
                            pid: 4, process: "python3", command: "python3", uid: 0, user: "root", startedAt: nil)
                    ]),
                registered: ["wkstn-mon"], verdict: "differs", explanation: "")
        ]
        let hosts = try TerritoryReader.read(snapshot.bytes, path: "x/whatever.ss", modified: 0)
        #expect(hosts.map(\.name) == ["lab7"] && hosts[0].format == .snapshot)
        #expect(hosts[0].listeners.map(\.port) == [2991])
        #expect(hosts[0].takenAt == snapshot.takenAt)
    }

    @Test(arguments: [
        ("", "is empty"),
        ("   \n", "blank space"),
        ("[{\"port\":\"22\",\"protocol\":\"6\"", "cut short"),
        ("{\"format\":\"porthole-snapshot\",\"version\":1", "cut short"),
        ("hello world\n", "not a line of 'ss -Htlunp' output"),
        ("tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:((\"sshd\",pid=8", "not a line of 'ss -Htlunp' output"),
        ("{\"host\":\"a\",\"rows\":[]}\n[1]\n", "line 2 is a JSON array"),
        ("{\"a\":1}\n", "none of the formats"),
        ("{\"name\":\"q\",\"hostIdentifier\":\"h\",\"unixTime\":1,\"action\":\"exploded\",\"columns\":{}}", "action"),
    ])
    func badFilesAreRefusedWithAReason(input: String, reason: String) {
        #expect(throws: TerritoryReadError.self) { try Self.read(input) }
        do {
            _ = try Self.read(input)
        } catch {
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }

    @Test func hostileNamesNeverReachTheTerminal() throws {
        let evil = "\u{1B}]0;PWN\u{07}"
        let lines = """
            {"host":"\\u001b]0;PWN\\u0007","rows":[{"address":"0.0.0.0","family":"2","name":"a\\nb\\u001b[31m","pid":"1","port":"2991","protocol":"6"}]}
            """
        let hosts = try Self.read(lines)
        #expect(hosts[0].name == evil)
        let explorer = makeExplorer(host: makeHost())
        _ = explorer.maps.territories.add([
            TerritoryFile(path: "fleet.jsonl", modified: 0, bytes: .success(Array(lines.utf8)))
        ])
        for command in ["who", "who --hosts", "territory list", "who --format csv", "explain 2991"] {
            let out = text(of: command, in: explorer)
            #expect(!out.contains("\u{1B}") && !out.contains("\u{07}"), "\(command): \(out)")
        }
        #expect(text(of: "who", in: explorer).contains(#"\e]0;PWN\x07"#))
    }

    @Test func duplicateHostsKeepTheNewer() {
        let old =
            #"{"host":"web1","rows":[{"address":"0.0.0.0","family":"2","name":"old","pid":"1","port":"22","protocol":"6"}]}"#
        let new =
            #"{"host":"web1","rows":[{"address":"0.0.0.0","family":"2","name":"new","pid":"1","port":"22","protocol":"6"}]}"#
        let territories = Territories()
        let report = territories.add([
            TerritoryFile(path: "b.jsonl", modified: 200, bytes: .success(Array(new.utf8))),
            TerritoryFile(path: "a.jsonl", modified: 100, bytes: .success(Array(old.utf8))),
        ])
        #expect(territories.hosts.count == 1)
        #expect(territories.hosts[0].listeners[0].owners[0].process == "new")
        #expect(report.notes.count == 1 && report.notes[0].contains("kept 'b.jsonl', the newer"))
    }
}
