import PortRegistry
import Testing

@testable import PortExplorer

/// A registry shaped like IANA's around port 2991.
let sampleRecords: [ServiceRecord] = [
    ServiceRecord(
        name: "ssh", ports: PortRange(22), transport: .tcp, description: "The Secure Shell (SSH) Protocol",
        references: [Reference(kind: .rfc, value: "rfc4251")]),
    ServiceRecord(
        name: "ssh", ports: PortRange(22), transport: .udp, description: "The Secure Shell (SSH) Protocol",
        references: [Reference(kind: .rfc, value: "rfc4251")]),
    ServiceRecord(
        name: "http", ports: PortRange(80), transport: .tcp, description: "World Wide Web HTTP",
        assignees: ["Tim_Berners_Lee"], contacts: ["Tim_Berners_Lee"]),
    ServiceRecord(
        name: "wkstn-mon", ports: PortRange(2991), transport: .tcp, description: "WKSTN-MON",
        assignees: ["William_David"], contacts: ["William_David"]),
    ServiceRecord(
        name: "wkstn-mon", ports: PortRange(2991), transport: .udp, description: "WKSTN-MON",
        assignees: ["William_David"], contacts: ["William_David"]),
    ServiceRecord(
        name: "avenyo", ports: PortRange(2992), transport: .tcp, description: "Avenyo Server",
        assignees: ["Bodo_Rueskamp"], contacts: ["Bodo_Rueskamp"],
        registered: Day(year: 2006, month: 3, day: 1)),
    ServiceRecord(ports: PortRange(2993, 2995), transport: .tcp, description: "Unassigned"),
    ServiceRecord(name: "netmon", ports: PortRange(2996), transport: .udp, description: "Network Monitor Agent"),
    ServiceRecord(name: "_dnssd", description: "a name without a port"),
]

func sampleExplorer(format: OutputFormat = .text, maps: OtherMaps = OtherMaps()) -> Explorer {
    let registry = Registry(
        records: sampleRecords, people: [Person(id: "William_David")],
        source: RegistrySource(kind: .file, path: "sample.xml", updated: Day(year: 2025, month: 12, day: 15)))
    return makeExplorer(host: FixedHost(registry: registry, maps: maps), format: format)
}

@Suite struct PortQueryTests {
    @Test(arguments: [
        ("2991", PortQuery.port(2991, nil)),
        ("2991/udp", .port(2991, .udp)),
        ("0", .port(0, nil)),
        ("65535/TCP", .port(65535, .tcp)),
        ("8000-8100", .range(PortRange(8000, 8100), nil)),
        ("8000-8100/tcp", .range(PortRange(8000, 8100), .tcp)),
        ("wkstn-mon", .name("wkstn-mon")),
        ("WWW", .name("WWW")),
        ("~monitor", .keyword("monitor")),
    ])
    func parses(text: String, expected: PortQuery) throws {
        #expect(try PortQuery.parse(text, command: "lookup") == expected)
    }

    @Test(arguments: [
        ("65536", "lookup: port 65536 is out of range; ports run from 0 to 65535"),
        ("99999999999999999999", "lookup: port 99999999999999999999 is out of range; ports run from 0 to 65535"),
        ("-1", "lookup: '-1' is not a port number; ports are whole numbers from 0 to 65535"),
        ("12a", "lookup: '12a' is not a port number; ports are whole numbers from 0 to 65535"),
        ("100-50", "lookup: range '100-50' runs backwards; write the lower port first (50-100)"),
        ("80/icmp", "lookup: unknown transport 'icmp' in '80/icmp'; expected tcp, udp, sctp or dccp"),
        ("http/tcp", "lookup: a transport goes with a port ('2991/udp'), not with a name ('http/tcp')"),
        ("~", "lookup: '~' needs a keyword after it, e.g. ~monitor"),
        ("a b", "lookup: 'a b' is not a port (0-65535), a range (LOW-HIGH), a service name or a ~keyword"),
    ])
    func rejectsWithAPreciseMessage(text: String, message: String) {
        #expect(errorMessage { () throws(CommandError) in _ = try PortQuery.parse(text, command: "lookup") } == message)
    }
}

@Suite struct LookupTests {
    @Test func portShowsMergedRecordRangeAndPeople() {
        let out = text(of: "lookup 2991", in: sampleExplorer())
        #expect(out.contains("Port 2991 · User (registered) range (1024-49151)"))
        #expect(out.contains("  wkstn-mon  tcp, udp\n"))
        #expect(out.contains("description  WKSTN-MON"))
        #expect(out.contains("assignee     William David"))
        #expect(out.contains("references   none"))
        #expect(out.contains("verdict      ghost by the ghost rules ('explain ghosts')"))
        #expect(
            out.contains(
                "missing      a reference, a description beyond the name, assignment notes\n"))
        #expect(out.contains("sources      ghost by the registry; no services(5) file was read, nmap's"))
        #expect(out.contains("source: sample.xml of 2025-12-15"))
        #expect(!out.contains("over a year old"))
    }

    @Test func transportNarrowsThePort() {
        let out = text(of: "lookup 2996/tcp", in: sampleExplorer())
        #expect(out.contains("The registry has no record for this port on tcp."))
    }

    @Test func unassignedSpansAreStated() {
        let out = text(of: "lookup 2994", in: sampleExplorer())
        #expect(out.contains("unassigned  tcp (span 2993-2995)"))
    }

    @Test func servicesFileAndNmapAreCompared() {
        let maps = OtherMaps(
            services: [
                ServiceKey(port: 2991, transport: .tcp): ["wkstn-mon"],
                ServiceKey(port: 2991, transport: .udp): ["other", "alias"],
            ],
            nmap: [ServiceKey(port: 2991, transport: .tcp): NmapEntry(name: "wkstn-mon", frequency: 0.000076)],
            nmapPath: "/usr/share/nmap/nmap-services"
        )
        let out = text(of: "lookup 2991", in: sampleExplorer(maps: maps))
        #expect(out.contains("services(5) tcp  agrees: wkstn-mon"))
        #expect(out.contains("services(5) udp  differs: lists other, alias"))
        #expect(out.contains("nmap tcp         wkstn-mon, open on 0.0076% of hosts nmap scanned"))
        let absent = text(of: "lookup 22", in: sampleExplorer())
        #expect(absent.contains("services(5) tcp  absent"))
        #expect(absent.contains("nmap             nmap-services not installed"))
    }

    @Test func namesMatchCaseInsensitivelyAndThroughAliases() {
        #expect(text(of: "lookup WKSTN-MON", in: sampleExplorer()).contains("Port 2991"))
        let maps = OtherMaps(services: [ServiceKey(port: 80, transport: .tcp): ["http", "www"]])
        let out = text(of: "lookup WWW", in: sampleExplorer(maps: maps))
        #expect(out.contains("WWW is an alias of http in /etc/services"))
        #expect(out.contains("Port 80 · System (well-known) range (0-1023)"))
    }

    @Test func unknownNamesSuggestNearOnes() {
        #expect(
            failure(of: "lookup wkstn-mn", in: sampleExplorer())
                == "lookup: no service named 'wkstn-mn' in the registry; did you mean 'wkstn-mon'?")
        #expect(
            failure(of: "lookup zebra", in: sampleExplorer())
                == "lookup: no service named 'zebra' in the registry; try 'lookup ~zebra' to search descriptions")
        #expect(
            failure(of: "lookup", in: sampleExplorer())
                == "lookup: expected a port, range, service name or ~keyword, e.g. 'lookup 2991'")
        #expect(
            failure(of: "lookup 22 --limit x", in: sampleExplorer())
                == "lookup: --limit expects a whole number from 0 to 1000000, not 'x'")
    }

    @Test func rangesAndKeywordsGiveTables() {
        let range = text(of: "lookup 2990-2999", in: sampleExplorer())
        #expect(range.contains("Range 2990-2999 · 5 records in 4 rows (transports merged)"))
        #expect(range.contains("2993-2995  unassigned  tcp"))
        let keyword = text(of: "lookup --search MONITOR", in: sampleExplorer())
        #expect(keyword.contains("Search ~MONITOR · 1 record\n"))
        #expect(keyword.contains("2996  netmon  udp        Network Monitor Agent"))
        let limited = text(of: "lookup 0-65535 --limit 2", in: sampleExplorer())
        #expect(limited.contains("… 4 more rows; narrow the query or use --limit 0 for all"))
    }

    @Test func anAliasNoteIsSaidOncePerAnswer() {
        let services: [ServiceKey: [String]] = [
            ServiceKey(port: 2991, transport: .tcp): ["wkstn-mon", "wmon"],
            ServiceKey(port: 2991, transport: .udp): ["wkstn-mon", "wmon"],
        ]
        let out = text(of: "lookup wmon", in: sampleExplorer(maps: OtherMaps(services: services)))
        #expect(out.components(separatedBy: "wmon is an alias of wkstn-mon in /etc/services").count == 2)
    }

    @Test func severalQueriesInOneCommand() {
        let out = text(of: "lookup 22 2991", in: sampleExplorer())
        #expect(out.contains("Port 22 ·") && out.contains("Port 2991 ·"))
    }

    @Test func jsonFollowsTheContract() {
        let out = text(of: "lookup 2991", in: sampleExplorer(format: .json))
        #expect(out.hasPrefix("{\"command\":\"lookup\",\"ok\":true,\"results\":[{\"query\":\"2991\",\"kind\":\"port\""))
        #expect(
            out.contains(
                #"{"name":"wkstn-mon","port":2991,"portEnd":2991,"transport":"tcp","description":"WKSTN-MON","assignees":[{"id":"William_David","name":"William David"}],"contacts":[{"id":"William_David","name":"William David"}],"registered":null,"modified":null,"references":[],"rangeClass":"user","serviceCode":null,"unauthorizedUses":null,"notes":null,"reserved":false,"unassigned":false}"#
            ))
        #expect(out.contains(#""source":{"kind":"file","path":"sample.xml","updated":"2025-12-15"}"#))
        #expect(out.hasSuffix("}\n") && out.split(separator: "\n").count == 1)
    }

    @Test func oldRegistriesSuggestUpdate() {
        let registry = Registry(
            records: sampleRecords, people: [],
            source: RegistrySource(kind: .embedded, path: nil, updated: Day(year: 2014, month: 7, day: 9)))
        let explorer = makeExplorer(host: FixedHost(registry: registry))
        #expect(
            text(of: "lookup 22", in: explorer).replacing("\n", with: " ").contains(
                "source: embedded IANA registry of 2014-07-09 — over a year old; 'update' fetches the current one"))
    }
}
