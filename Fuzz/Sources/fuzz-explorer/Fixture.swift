import PortListeners
import PortRegistry

@testable import PortExplorer

/// A small hand-made registry with the shapes the real one has: single ports on each
/// transport, ranges, reserved and unassigned rows, a portless DNS-SD name, people, odd text.
enum Fixture {
    static let registry: Registry = {
        let day = { (y: Int, m: Int, d: Int) in Day(year: y, month: m, day: d) }
        var records: [ServiceRecord] = [
            ServiceRecord(
                name: nil, ports: PortRange(0), transport: .tcp, description: "Reserved",
                assignees: ["Jon_Postel"], contacts: ["Jon_Postel"]),
            ServiceRecord(name: nil, ports: PortRange(0), transport: .udp, description: "Reserved"),
            ServiceRecord(
                name: "tcpmux", ports: PortRange(1), transport: .tcp, description: "TCP Port Service Multiplexer",
                assignees: ["Mark_Lottor"], contacts: ["Mark_Lottor"],
                references: [Reference(kind: .rfc, value: "rfc1078")]),
            ServiceRecord(name: nil, ports: PortRange(4), transport: .tcp, description: "Unassigned"),
            ServiceRecord(
                name: "ssh", ports: PortRange(22), transport: .tcp, description: "The Secure Shell (SSH) Protocol",
                registered: day(2006, 1, 1), references: [Reference(kind: .rfc, value: "rfc4251")]),
            ServiceRecord(
                name: "ssh", ports: PortRange(22), transport: .sctp, description: "SSH",
                references: [Reference(kind: .rfc, value: "rfc4960")]),
            ServiceRecord(
                name: "domain", ports: PortRange(53), transport: .udp, description: "Domain Name Server",
                assignees: ["Paul_Mockapetris"], references: [Reference(kind: .rfc, value: "rfc1035")]),
            ServiceRecord(
                name: "http", ports: PortRange(80), transport: .tcp, description: "World Wide Web HTTP",
                references: [
                    Reference(kind: .rfc, value: "rfc9110"), Reference(kind: .uri, value: "https://example.org/x"),
                ]),
            ServiceRecord(
                name: "www", ports: PortRange(80), transport: .tcp, description: "World Wide Web HTTP (alias)"),
            ServiceRecord(name: nil, ports: PortRange(225, 241), transport: nil, description: "Reserved"),
            ServiceRecord(name: nil, ports: PortRange(1023), transport: .tcp, description: "Reserved"),
            ServiceRecord(
                name: "exp1", ports: PortRange(1021), transport: .dccp, description: "RFC3692-style Experiment 1",
                assignees: ["IESG"], contacts: ["IETF_Chair"], registered: day(2001, 2, 3), modified: day(2013, 5, 1),
                serviceCode: "1145656131"),
            ServiceRecord(
                name: "wkstn-mon", ports: PortRange(2991), transport: .tcp, description: "WKSTN-MON",
                assignees: ["William_David"], contacts: ["William_David"], registered: day(1995, 6, 1)),
            ServiceRecord(
                name: "wkstn-mon", ports: PortRange(2991), transport: .udp, description: "WKSTN-MON",
                assignees: ["William_David"], contacts: ["William_David"], registered: day(1995, 6, 1)),
            ServiceRecord(
                name: "martalk", ports: PortRange(7073), transport: .tcp, description: "MarTalk protocol",
                assignees: ["Mahr_GmbH_Göttingen"], contacts: ["Kevin_Bube"], registered: day(2013, 9, 2),
                references: [
                    Reference(kind: .draft, value: "draft-ietf-foo-bar-01"),
                    Reference(kind: .text, value: "ISO/IEC 1234"),
                ],
                unauthorizedUses: "Seen in the wild", notes: "Line one\nLine two"),
            ServiceRecord(
                name: "http-alt", ports: PortRange(8080), transport: .tcp, description: "HTTP Alternate (see port 80)"),
            ServiceRecord(
                name: "x11", ports: PortRange(6000, 6063), transport: .tcp, description: "X Window System",
                references: [Reference(kind: .person, value: "Stephen_Gildea")]),
            ServiceRecord(
                name: "日本語-svc", ports: PortRange(40000), transport: .udp,
                description: "Ünïcödé \u{1F600} \"quoted\" \t tab"),
            ServiceRecord(name: nil, ports: PortRange(49152, 65535), transport: nil, description: "Unassigned"),
            ServiceRecord(name: "edge", ports: PortRange(65535), transport: .tcp, description: ""),
            ServiceRecord(
                name: "hostile", ports: PortRange(6666), transport: .tcp,
                description: "Text \u{1B}]0;title\u{07} \u{9B}2J \u{202E}rev\u{200D}", assignees: ["Mallory"],
                notes: "line\n\u{1B}[31mred\\"),
            ServiceRecord(
                name: "my-dnssd", ports: nil, transport: nil, description: "A DNS-SD name", registered: day(2014, 7, 9)),
        ]
        for port: UInt16 in [3000, 3001, 3002, 3003, 3004] {
            records.append(
                ServiceRecord(
                    name: "ghost-\(port)", ports: PortRange(port), transport: .tcp,
                    description: "ghost \(port)", assignees: ["William_David"], registered: day(2008, 3, 4)))
        }
        let people = [
            Person(id: "Jon_Postel", name: "Jon Postel"),
            Person(
                id: "William_David", name: "William David", organization: "Example Corp", uri: "mailto:wd@example.com",
                updated: day(2010, 1, 1)),
            Person(id: "IESG", name: "IESG", uri: "mailto:iesg@ietf.org"),
            Person(id: "Mallory", name: "Mal\u{1B}[8mlory"),
            Person(id: "Mahr_GmbH_Göttingen", name: "Mahr GmbH Göttingen"),
        ]
        return Registry(
            records: records, people: people,
            source: RegistrySource(kind: .file, path: "fuzz.xml", updated: day(2025, 12, 15)))
    }()

    static let maps = OtherMaps(
        services: [
            ServiceKey(port: 22, transport: .tcp): ["ssh"],
            ServiceKey(port: 80, transport: .tcp): ["http", "www", "www-http"],
            ServiceKey(port: 53, transport: .udp): ["domain"],
            ServiceKey(port: 8080, transport: .tcp): ["http-alt", "webcache"],
            ServiceKey(port: 6666, transport: .tcp): ["irc\u{1B}[2J"],
        ],
        servicesPath: "/etc/services",
        nmap: [
            ServiceKey(port: 22, transport: .tcp): NmapEntry(name: "ssh", frequency: 0.182),
            ServiceKey(port: 2991, transport: .tcp): NmapEntry(name: "wkstn-mon", frequency: 0.000076),
            ServiceKey(port: 3000, transport: .tcp): NmapEntry(name: "ppp", frequency: 0.0),
            ServiceKey(port: 80, transport: .tcp): NmapEntry(name: "http", frequency: 1.0),
        ],
        nmapPath: "/usr/share/nmap/nmap-services"
    )

    static let settings = HostPortSettings(
        ephemeralRange: 32768...60999, unprivilegedPortStart: 1024, reservedPorts: [8080...8080, 9000...9010])

    static func owner(_ process: String, pid: Int32, command: String, user: String = "root", uid: UInt32 = 0)
        -> SocketOwner
    {
        SocketOwner(pid: pid, process: process, command: command, uid: uid, user: user, startedAt: 1_700_000_000.5)
    }

    /// Hand-made listeners, one or more for each of `who`'s verdicts: a matching sshd, a shared
    /// socket on a ghost's port, a DNS resolver, an owner hidden on a registered port, an
    /// unregistered port, the dynamic range, a socket in another network namespace, and a
    /// process whose name and command line are terminal escapes, on a port whose registry
    /// record is full of them too.
    static let listeners: [Listener] = [
        Listener(
            transport: .tcp, address: "0.0.0.0", port: 22, uid: 0, user: "root", inode: 1, v6Only: nil,
            owners: [owner("sshd", pid: 1, command: "/usr/sbin/sshd -D")]),
        Listener(
            transport: .tcp, address: "::", port: 2991, uid: 1000, user: "dev", inode: 2, v6Only: false,
            owners: [
                owner("node", pid: 10, command: "node a.js", user: "dev", uid: 1000),
                owner("node", pid: 11, command: "node a.js", user: "dev", uid: 1000),
            ]),
        Listener(
            transport: .udp, address: "127.0.0.53", port: 53, uid: 101, user: "systemd-resolve", inode: 3, v6Only: nil,
            owners: [
                owner(
                    "systemd-resolve", pid: 200, command: "/lib/systemd/systemd-resolved", user: "systemd-resolve",
                    uid: 101)
            ]),
        Listener(
            transport: .tcp, address: "127.0.0.1", port: 3000, uid: 0, user: "root", inode: 4, v6Only: nil,
            ownerHiddenReason: "owned by another user"),
        Listener(
            transport: .tcp, address: "::1", port: 5555, uid: 1000, user: "dev", inode: 5, v6Only: true,
            owners: [owner("日本語 ✓", pid: 300, command: "", user: "dev", uid: 1000)]),
        Listener(
            transport: .udp, address: "0.0.0.0", port: 50000, uid: 1000, user: "dev", inode: 6, v6Only: nil,
            owners: [owner("game", pid: 400, command: "./game --port 50000", user: "dev", uid: 1000)]),
        Listener(
            transport: .tcp, address: "127.0.0.1", port: 6666, uid: 1000, user: "u\u{1B}[8m", inode: 8, v6Only: nil,
            owners: [owner("\u{1B}]52;c;eA==\u{07}", pid: 600, command: "a\nb\u{1B}[1A\u{9B}", user: "dev", uid: 1000)]),
        Listener(
            transport: .tcp, address: "0.0.0.0", port: 80, uid: 0, user: "root", inode: 7, v6Only: nil,
            owners: [owner("nginx", pid: 500, command: "nginx: master process")], netns: "net:[4026532000]"),
    ]

    /// A fresh host over the fixture: listeners until a line takes them away, `install` refusing.
    static func host() -> FixedHost {
        let host = FixedHost(
            registry: registry, warnings: ["fuzz: a warning"], maps: maps, territory: listeners, settings: settings,
            history: ["lookup 22", "who", "  ", "explain 'a b'"], today: Day(year: 2026, month: 11, day: 27)!
        )
        host.install = { _ throws(CommandError) in
            throw CommandError("update", problem: "fuzz: no network, no files", kind: .unavailable)
        }
        return host
    }
}
