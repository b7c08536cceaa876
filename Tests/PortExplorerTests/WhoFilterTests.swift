import PortListeners
import PortRegistry
import Testing

@testable import PortExplorer

/// `who`'s filters and several targets on the fixed territory: exact text, JSON and what the host was asked.
@Suite struct WhoFilterTests {
    let host: FixedHost
    let explorer: Explorer

    /// The kernel shortens `comm` to 15 bytes; the command's basename is the full name.
    static let resolved = Listener(
        transport: .udp, address: "127.0.0.53", port: 53, uid: 991, user: "systemd-resolve", inode: 1006,
        v6Only: nil,
        owners: [
            Territory.owner(
                "systemd-resolve", pid: 700, command: "/usr/lib/systemd/systemd-resolved --quiet, \"really\"",
                user: "systemd-resolve", uid: 991)
        ])

    init() {
        host = Territory.host(territory: Territory.all + [Self.resolved])
        explorer = makeExplorer(host: host)
    }

    func rows(_ line: String) throws -> [String] {
        guard case .array(let rows)? = try Territory.json(line, in: explorer)["listeners"] else { return [] }
        return rows.compactMap { row in
            guard case .int(let port)? = row.objectFields?["port"] else { return nil }
            return String(port)
        }
    }

    @Test func processFilterCountsWhatItShows() throws {
        #expect(
            try Territory.text("who --process SSHD", in: explorer) == """
                PROTO  ADDRESS  PORT  PROCESS   USER  REGISTERED  VERDICT
                tcp    0.0.0.0    22  sshd/812  root  ssh         matches

                1 of 6 listeners shown (--process SSHD), 0 on ports registered to something
                else, 0 on unregistered ports, 1 matching the registry.
                """)
        let json = try Territory.json("who --process sshd", in: explorer)
        #expect(json["filters"] == ["process": "sshd"])
        #expect(json["hidden"] == 5)
        #expect(
            json["summary"] == [
                "listeners": 1, "found": 6, "differs": 0, "unregistered": 0, "matches": 1, "dynamic": 0,
                "unknown": 0,
            ])
    }

    @Test func processFilterKnowsTheCommandsBasename() throws {
        #expect(try rows("who --process systemd-resolved") == ["53"])
        #expect(try rows("who --process systemd-resolve") == ["53"])
        #expect(try rows("who --process systemd") == [])
    }

    @Test func pidFilter() throws {
        #expect(try rows("who --pid 4242") == ["2991"])
        #expect(try Territory.json("who --pid 4242", in: explorer)["filters"] == ["pid": 4242])
        #expect(
            failure(of: "who --pid x", in: explorer)
                == "who: --pid expects a whole number from 1 to 2147483647, not 'x'")
    }

    @Test func userFilterTakesANameOrAUid() throws {
        #expect(try rows("who --user alice") == ["2991", "3000", "50000"])
        #expect(try rows("who --user 1000") == ["2991", "3000", "50000"])
        #expect(try rows("who --user 0") == ["22", "631"])
        #expect(try Territory.json("who --user root", in: explorer)["filters"] == ["user": "root"])
    }

    @Test func addressFilterIsExactAsShown() throws {
        #expect(try rows("who --address ::") == ["3000"])
        #expect(try rows("who --address 0.0.0.0") == ["22", "50000"])
        #expect(try rows("who --address 127.0.0.1") == ["2991", "631"])
        // The scanner shows IPv4-mapped IPv6 as IPv4, so the mapped form finds the same sockets.
        #expect(try rows("who --address ::FFFF:127.0.0.1") == ["2991", "631"])
        #expect(try rows("who --address [::]") == ["3000"])
        #expect(try rows("who --address 127.0.0") == [])
    }

    @Test func filtersCombine() throws {
        #expect(try rows("who --user alice --address 127.0.0.1") == ["2991"])
        let json = try Territory.json("who 2991 --user alice --address 127.0.0.1", in: explorer)
        #expect(json["filters"] == ["user": "alice", "address": "127.0.0.1"])
        #expect(json["query"] == "2991")
    }

    @Test func nothingLeftAfterTheFiltersSaysSoPrecisely() throws {
        #expect(
            try Territory.text("who --process nginx --user www", in: explorer)
                == "None of the 6 listeners on tcp or udp here match --process nginx --user www.")
        #expect(
            try Territory.text("who 22 --user alice", in: explorer)
                == "The one listener on 22 (tcp or udp) does not match --user alice.")
        #expect(
            try Territory.text("who 23 --user alice", in: explorer)
                == "Nothing listens on 23 (tcp or udp) here.")
        let json = try Territory.json("who --process nginx", in: explorer)
        #expect(json["listeners"] == .array([]) && json["hidden"] == 6)
    }

    @Test func severalTargetsAreAskedInOneRequest() throws {
        let text = try Territory.text("who 22 80 wkstn-mon 2990-2995", in: explorer)
        #expect(
            host.requests == [TerritoryRequest(ports: [22...22, 80...80, 2990...2995])],
            "overlapping targets are scanned once")
        #expect(
            text == """
                PROTO  ADDRESS    PORT  PROCESS       USER   REGISTERED  VERDICT
                tcp    0.0.0.0      22  sshd/812      root   ssh         matches
                tcp    127.0.0.1  2991  python3/4242  alice  wkstn-mon   differs

                2991/tcp: the map says wkstn-mon; the territory says python3, pid 4242
                Nothing listens on 80 (tcp or udp) here.
                """)
        #expect(try Territory.json("who 22 80", in: explorer)["query"] == "22 80")
        #expect(
            try Territory.text("who 80 81 tcp", in: explorer) == "Nothing listens on 80 or 81 (tcp) here.")
    }

    @Test func wideShowsTheCommandLineWrapped() throws {
        let text = try Territory.text("who 53 22 --wide", in: explorer)
        // Past the 80 columns, the command still wraps at 20.
        #expect(
            text == """
                PROTO  ADDRESS     PORT  PROCESS              USER             REGISTERED  VERDICT       COMMAND
                tcp    0.0.0.0       22  sshd/812             root             ssh         matches       /usr/sbin/sshd -D
                udp    127.0.0.53    53  systemd-resolve/700  systemd-resolve  —           unregistered  /usr/lib/systemd/systemd-resolved
                                                                                                         --quiet, "really"
                """)
    }
}
