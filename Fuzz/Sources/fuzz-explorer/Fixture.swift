import PortExplorer
import PortRegistry

/// A small hand-made registry with the shapes the real one has: single ports on each
/// transport, ranges, reserved and unassigned rows, a portless DNS-SD name, people, odd text.
enum Fixture {
    static let registry: Registry = {
        let day = { (y: Int, m: Int, d: Int) in Day(year: y, month: m, day: d) }
        var records: [ServiceRecord] = [
            ServiceRecord(name: nil, ports: PortRange(0), transport: .tcp, description: "Reserved",
                          assignees: ["Jon_Postel"], contacts: ["Jon_Postel"]),
            ServiceRecord(name: nil, ports: PortRange(0), transport: .udp, description: "Reserved"),
            ServiceRecord(name: "tcpmux", ports: PortRange(1), transport: .tcp, description: "TCP Port Service Multiplexer",
                          assignees: ["Mark_Lottor"], contacts: ["Mark_Lottor"], references: [Reference(kind: .rfc, value: "rfc1078")]),
            ServiceRecord(name: nil, ports: PortRange(4), transport: .tcp, description: "Unassigned"),
            ServiceRecord(name: "ssh", ports: PortRange(22), transport: .tcp, description: "The Secure Shell (SSH) Protocol",
                          registered: day(2006, 1, 1), references: [Reference(kind: .rfc, value: "rfc4251")]),
            ServiceRecord(name: "ssh", ports: PortRange(22), transport: .sctp, description: "SSH",
                          references: [Reference(kind: .rfc, value: "rfc4960")]),
            ServiceRecord(name: "domain", ports: PortRange(53), transport: .udp, description: "Domain Name Server",
                          assignees: ["Paul_Mockapetris"], references: [Reference(kind: .rfc, value: "rfc1035")]),
            ServiceRecord(name: "http", ports: PortRange(80), transport: .tcp, description: "World Wide Web HTTP",
                          references: [Reference(kind: .rfc, value: "rfc9110"), Reference(kind: .uri, value: "https://example.org/x")]),
            ServiceRecord(name: "www", ports: PortRange(80), transport: .tcp, description: "World Wide Web HTTP (alias)"),
            ServiceRecord(name: nil, ports: PortRange(225, 241), transport: nil, description: "Reserved"),
            ServiceRecord(name: nil, ports: PortRange(1023), transport: .tcp, description: "Reserved"),
            ServiceRecord(name: "exp1", ports: PortRange(1021), transport: .dccp, description: "RFC3692-style Experiment 1",
                          assignees: ["IESG"], contacts: ["IETF_Chair"], registered: day(2001, 2, 3), modified: day(2013, 5, 1),
                          serviceCode: "1145656131"),
            ServiceRecord(name: "wkstn-mon", ports: PortRange(2991), transport: .tcp, description: "WKSTN-MON",
                          assignees: ["William_David"], contacts: ["William_David"], registered: day(1995, 6, 1)),
            ServiceRecord(name: "wkstn-mon", ports: PortRange(2991), transport: .udp, description: "WKSTN-MON",
                          assignees: ["William_David"], contacts: ["William_David"], registered: day(1995, 6, 1)),
            ServiceRecord(name: "martalk", ports: PortRange(7073), transport: .tcp, description: "MarTalk protocol",
                          assignees: ["Mahr_GmbH_Göttingen"], contacts: ["Kevin_Bube"], registered: day(2013, 9, 2),
                          references: [Reference(kind: .draft, value: "draft-ietf-foo-bar-01"), Reference(kind: .text, value: "ISO/IEC 1234")],
                          unauthorizedUses: "Seen in the wild", notes: "Line one\nLine two"),
            ServiceRecord(name: "http-alt", ports: PortRange(8080), transport: .tcp, description: "HTTP Alternate (see port 80)"),
            ServiceRecord(name: "x11", ports: PortRange(6000, 6063), transport: .tcp, description: "X Window System",
                          references: [Reference(kind: .person, value: "Stephen_Gildea")]),
            ServiceRecord(name: "日本語-svc", ports: PortRange(40000), transport: .udp, description: "Ünïcödé \u{1F600} \"quoted\" \t tab"),
            ServiceRecord(name: nil, ports: PortRange(49152, 65535), transport: nil, description: "Unassigned"),
            ServiceRecord(name: "edge", ports: PortRange(65535), transport: .tcp, description: ""),
            ServiceRecord(name: "my-dnssd", ports: nil, transport: nil, description: "A DNS-SD name", registered: day(2014, 7, 9)),
        ]
        for port: UInt16 in [3000, 3001, 3002, 3003, 3004] {
            records.append(ServiceRecord(name: "ghost-\(port)", ports: PortRange(port), transport: .tcp,
                                         description: "ghost \(port)", assignees: ["William_David"], registered: day(2008, 3, 4)))
        }
        let people = [
            Person(id: "Jon_Postel", name: "Jon Postel"),
            Person(id: "William_David", name: "William David", organization: "Example Corp", uri: "mailto:wd@example.com", updated: day(2010, 1, 1)),
            Person(id: "IESG", name: "IESG", uri: "mailto:iesg@ietf.org"),
            Person(id: "Mahr_GmbH_Göttingen", name: "Mahr GmbH Göttingen"),
        ]
        return Registry(records: records, people: people,
                        source: RegistrySource(kind: .file, path: "fuzz.xml", updated: day(2025, 12, 15)))
    }()

    static let maps = OtherMaps(
        services: [
            ServiceKey(port: 22, transport: .tcp): ["ssh"],
            ServiceKey(port: 80, transport: .tcp): ["http", "www", "www-http"],
            ServiceKey(port: 53, transport: .udp): ["domain"],
            ServiceKey(port: 8080, transport: .tcp): ["http-alt", "webcache"],
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

    static let settings = HostPortSettings(ephemeralRange: 32768...60999, unprivilegedPortStart: 1024, reservedPorts: [8080...8080, 9000...9010])

    /// Hand-made listeners: what `ghosts`/`explain` would see, without a scan.
    static let seen = HostFacts(
        maps: maps,
        listeners: .seen([
            ListenerFact(transport: .tcp, address: "0.0.0.0", port: 22, processes: ["sshd"], commands: ["/usr/sbin/sshd -D"], pids: [1]),
            ListenerFact(transport: .tcp, address: "::", port: 2991, processes: ["node", "node"], pids: [10, 11]),
            ListenerFact(transport: .udp, address: "127.0.0.53", port: 53, processes: ["systemd-resolve"], pids: [200]),
            ListenerFact(transport: .tcp, address: "127.0.0.1", port: 3000, hiddenReason: "owned by another user"),
        ], source: "fuzz", notes: ["a note"]),
        settings: settings
    )

    /// Facts as on a host whose listeners cannot be read.
    static let unavailable = HostFacts(
        maps: OtherMaps(), listeners: .unavailable("fuzz: no scan"),
        settings: HostPortSettings(ephemeralRange: nil, unprivilegedPortStart: nil, reservedPorts: nil)
    )
}
