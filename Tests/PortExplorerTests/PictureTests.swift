import PortListeners
import PortRegistry
import Testing

@testable import PortExplorer

/// `map` and `explain ranges` drawn over a fixed host (ephemeral range 40000-50000, ports below 80
/// privileged, listeners on 22, 631, 2991, 3000 and 50000), as exact text.
@Suite struct MapPictureTests {
    func map(width: Int, ascii: Bool, host: FixedHost = Territory.host()) throws -> String {
        try makeExplorer(host: host).evaluate("map")[0].result.get().text(TextContext(width: width, ascii: ascii))
    }

    @Test(arguments: [
        (60, false, MapPictures.map60UTF8), (60, true, MapPictures.map60ASCII),
        (100, false, MapPictures.map100UTF8), (100, true, MapPictures.map100ASCII),
    ])
    func drawnExactly(width: Int, ascii: Bool, expected: String) throws {
        #expect(try map(width: width, ascii: ascii) == expected)
    }

    @Test(arguments: [40, 41, 47, 59, 64, 80, 99, 119, 120, 200])
    func everyLineFitsAndASCIIIsASCII(width: Int) throws {
        let unicode = try map(width: width, ascii: false)
        let ascii = try map(width: width, ascii: true)
        for line in (unicode + "\n" + ascii).split(separator: "\n") {
            #expect(DisplayWidth.of(String(line)) <= max(40, min(width, 120)), "\(width): \(line)")
        }
        #expect(ascii.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(unicode.contains("█") && !unicode.contains("#"))
        // The same picture, glyph for glyph: only the characters change.
        #expect(unicode.split(separator: "\n").map(\.count) == ascii.split(separator: "\n").map(\.count))
    }

    @Test func narrowerThanFortyIsDrawnAtForty() throws {
        let forty = try map(width: 40, ascii: false)
        #expect(try map(width: 20, ascii: false) == forty)
    }

    @Test func theJSONCarriesTheNumbersNotTheDrawing() throws {
        let host = Territory.host()
        let json = try Territory.json("map", in: makeExplorer(host: host))
        // One scan of every port, for the marks.
        #expect(host.requests == [TerritoryRequest(ports: nil)])
        #expect(json["ephemeralRange"] == ["low": 40000, "high": 50000])
        #expect(json["unprivilegedPortStart"] == 80)
        #expect(json["privileged"] == ["low": 0, "high": 79])
        #expect(
            json["ranges"]
                == [
                    [
                        "name": "system", "title": "System (well-known)", "low": 0, "high": 1023, "ports": 1024,
                        "percent": .double(1.5625),
                    ],
                    [
                        "name": "user", "title": "User (registered)", "low": 1024, "high": 49151, "ports": 48128,
                        "percent": .double(73.4375),
                    ],
                    [
                        "name": "dynamic", "title": "Dynamic/Private", "low": 49152, "high": 65535, "ports": 16384,
                        "percent": .double(25),
                    ],
                ])
        #expect(
            json["listening"]
                == [
                    ["port": 22, "transports": ["tcp"], "sockets": 1],
                    ["port": 631, "transports": ["tcp"], "sockets": 1],
                    ["port": 2991, "transports": ["tcp"], "sockets": 1],
                    ["port": 3000, "transports": ["tcp"], "sockets": 1],
                    ["port": 50000, "transports": ["udp"], "sockets": 1],
                ])
        #expect(json["listenersFrom"] == ["source": "fixed"])
        let line = text(of: "map --json", in: makeExplorer(host: Territory.host()))
        #expect(!line.contains("█") && !line.contains("All 65,536"))
    }

    @Test func unknownSettingsAndAnUnseenTerritoryAreSaid() throws {
        let host = Territory.host(
            territory: nil,
            settings: HostPortSettings(ephemeralRange: nil, unprivilegedPortStart: nil, reservedPorts: nil))
        let out = try map(width: 60, ascii: false, host: host)
        #expect(out.contains("\nthis host's ephemeral range cannot be read here\n"))
        #expect(!out.contains("├"))
        #expect(out.contains("ip_unprivileged_port_start cannot be read here"))
        #expect(out.contains("▼ listeners: porthole cannot see them here (this host's\n  sockets cannot be read)"))
        #expect(!out.contains("▼\n") && !out.contains(" ▼ "))
        let json = try Territory.json("map", in: makeExplorer(host: host))
        #expect(json["listening"] == .null && json["ephemeralRange"] == .null && json["privileged"] == .null)
        #expect(json["listenersFrom"] == ["problem": "this host's sockets cannot be read"])
    }

    @Test func anyProgramMayBindWhenTheStartIsZero() throws {
        let host = Territory.host(
            territory: [],
            settings: HostPortSettings(ephemeralRange: 49152...65535, unprivilegedPortStart: 0, reservedPorts: []))
        let out = try map(width: 60, ascii: false, host: host)
        #expect(out.contains("\nno port needs privilege here: ip_unprivileged_port_start is\n0\n"))
        #expect(out.contains("\nnothing listens here\n") && out.hasSuffix("\nnothing listens below 1024 here"))
        #expect(!out.contains("▼"))
        #expect(out.contains("\n                                             ├─────────────┤\n"))
    }

    @Test func withTerritoriesLoadedTheMarksAreTheirs() throws {
        let host = Territory.host()
        let explorer = makeExplorer(host: host)
        _ = explorer.maps.territories.add([
            TerritoryFile(path: "fleet.jsonl", modified: 0, bytes: .success(Array(AcrossHostsTests.fleet.utf8)))
        ])
        let out = try explorer.evaluate("map")[0].result.get().text(TextContext(width: 60))
        #expect(out.contains("▼ listening on the 3 hosts read from files, 2 ports: 22 and\n  2991"))
        #expect(out.contains("├─┤ this host's ephemeral range, 40000-50000"))
        let json = try Territory.json("map", in: explorer)
        #expect(
            json["listening"]
                == [
                    ["port": 22, "transports": ["tcp"], "sockets": 2, "hosts": 2],
                    ["port": 2991, "transports": ["tcp"], "sockets": 2, "hosts": 2],
                ])
        #expect(json["listenersFrom"] == ["hosts": ["lab1", "lab4", "lab9"]])
        let ranges = try explorer.evaluate("explain ranges")[0].result.get().text(TextContext(width: 60))
        #expect(ranges.contains("▼ listening on the 3 hosts read from files, 2 ports: 22 and\n  2991"))
        #expect(host.requests.isEmpty)
    }

    @Test func explainRangesDrawsTheSamePictureAfterTheList() throws {
        let explorer = makeExplorer(host: Territory.host())
        let out = try explorer.evaluate("explain ranges")[0].result.get().text(TextContext(width: 60))
        #expect(
            out.contains(
                "them may serve as a service's fixed port.\n\n" + MapPictures.map60UTF8 + "\n\nWhy three ranges?"))
        let json = try Territory.json("explain ranges", in: explorer)
        let map = try Territory.json("map", in: explorer)
        #expect(json["listening"] == map["listening"])
        guard case .string(let body)? = json["text"] else {
            Issue.record("no text")
            return
        }
        #expect(!body.contains("█") && !body.contains("All 65,536 ports"))
    }
}

/// The expected pictures.
enum MapPictures {
    static let map60UTF8 = """
        All 65,536 ports to scale: 1 column is about 1,092 ports.
        0                                            49152     65535
        ▼ ▼                                          ▼
        █▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒░░░░░░░░░░░░░░░
                                            ├────────┤
        █ System 0-1023, 1.6% of the ports (1 column here)
        ▒ User 1024-49151, 73.4%
        ░ Dynamic 49152-65535, 25%
        ├─┤ this host's ephemeral range, 40000-50000
            (ip_local_port_range)
        ▼ listening here, 5 ports: 22, 631, 2991, 3000 and 50000

        The System range, 0-1023, magnified 64 times: 1 column is
        about 17 ports.
        0                                                       1023
         ▼                                  ▼
        ████████████████████████████████████████████████████████████
        ├───┤
        ├─┤ only privileged programs may bind 0-79 here
            (ip_unprivileged_port_start is 80)
        ▼ listening here, 2 ports: 22 and 631
        """

    static let map60ASCII = """
        All 65,536 ports to scale: 1 column is about 1,092 ports.
        0                                            49152     65535
        v v                                          v
        #============================================...............
                                            |--------|
        # System 0-1023, 1.6% of the ports (1 column here)
        = User 1024-49151, 73.4%
        . Dynamic 49152-65535, 25%
        |-| this host's ephemeral range, 40000-50000
            (ip_local_port_range)
        v listening here, 5 ports: 22, 631, 2991, 3000 and 50000

        The System range, 0-1023, magnified 64 times: 1 column is
        about 17 ports.
        0                                                       1023
         v                                  v
        ############################################################
        |---|
        |-| only privileged programs may bind 0-79 here
            (ip_unprivileged_port_start is 80)
        v listening here, 2 ports: 22 and 631
        """

    static let map100UTF8 = """
        All 65,536 ports to scale: 1 column is about 655 ports.
        0                                                                          49152               65535
        ▼   ▼                                                                       ▼
        ██▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒░░░░░░░░░░░░░░░░░░░░░░░░░
                                                                     ├──────────────┤
        █ System 0-1023, 1.6% of the ports (2 columns here)
        ▒ User 1024-49151, 73.4%
        ░ Dynamic 49152-65535, 25%
        ├─┤ this host's ephemeral range, 40000-50000 (ip_local_port_range)
        ▼ listening here, 5 ports: 22, 631, 2991, 3000 and 50000

        The System range, 0-1023, magnified 64 times: 1 column is about 10 ports.
        0                                                                                               1023
          ▼                                                          ▼
        ████████████████████████████████████████████████████████████████████████████████████████████████████
        ├──────┤
        ├─┤ only privileged programs may bind 0-79 here (ip_unprivileged_port_start is 80)
        ▼ listening here, 2 ports: 22 and 631
        """

    static let map100ASCII = """
        All 65,536 ports to scale: 1 column is about 655 ports.
        0                                                                          49152               65535
        v   v                                                                       v
        ##=========================================================================.........................
                                                                     |--------------|
        # System 0-1023, 1.6% of the ports (2 columns here)
        = User 1024-49151, 73.4%
        . Dynamic 49152-65535, 25%
        |-| this host's ephemeral range, 40000-50000 (ip_local_port_range)
        v listening here, 5 ports: 22, 631, 2991, 3000 and 50000

        The System range, 0-1023, magnified 64 times: 1 column is about 10 ports.
        0                                                                                               1023
          v                                                          v
        ####################################################################################################
        |------|
        |-| only privileged programs may bind 0-79 here (ip_unprivileged_port_start is 80)
        v listening here, 2 ports: 22 and 631
        """
}
