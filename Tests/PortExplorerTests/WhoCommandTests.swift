import PortListeners
import PortRegistry
import Testing

@testable import PortExplorer

/// `who` on a fixed territory: one listener per verdict, the exact table, detail lines and JSON.
@Suite struct WhoCommandTests {
    let host: FixedHost
    let explorer: Explorer

    init() {
        host = Territory.host()
        explorer = makeExplorer(host: host)
    }

    /// The one row `who` gives for a listener, and its JSON fields.
    func row(_ listener: Listener) throws -> (text: String, json: [String: JSON]) {
        let explorer = makeExplorer(host: Territory.host(territory: [listener]))
        let fields = try Territory.json("who \(listener.port)", in: explorer)
        guard case .array(let rows)? = fields["listeners"], rows.count == 1, let object = rows[0].objectFields else {
            throw Territory.Unexpected(outcomes: 0)
        }
        return (try Territory.text("who \(listener.port)", in: explorer), object)
    }

    @Test(
        arguments: [
            (
                Territory.sshd, "matches", ["ssh"], "the map says ssh; sshd, pid 812 looks like it",
                """
                PROTO  ADDRESS  PORT  PROCESS   USER  REGISTERED  VERDICT
                tcp    0.0.0.0    22  sshd/812  root  ssh         matches
                """
            ),
            (
                Territory.python, "differs", ["wkstn-mon"],
                "the map says wkstn-mon; the territory says python3, pid 4242",
                """
                PROTO  ADDRESS    PORT  PROCESS       USER   REGISTERED  VERDICT
                tcp    127.0.0.1  2991  python3/4242  alice  wkstn-mon   differs

                2991/tcp: the map says wkstn-mon; the territory says python3, pid 4242
                """
            ),
            (
                Territory.node, "unregistered", [], "nothing is registered on 3000/tcp",
                """
                PROTO  ADDRESS   PORT  PROCESS    USER   REGISTERED  VERDICT
                tcp    :: (+v4)  3000  node/5000  alice  —           unregistered
                """
            ),
            (
                Territory.dynamic, "dynamic", [], "dynamic range: for ephemeral and private use, never registered",
                """
                PROTO  ADDRESS   PORT  PROCESS    USER   REGISTERED  VERDICT
                udp    0.0.0.0  50000  game/6000  alice  —           dynamic
                """
            ),
            (
                Territory.hidden, "unknown", ["ipp"], "the map says ipp; which process holds it is unknown",
                """
                PROTO  ADDRESS    PORT  PROCESS  USER  REGISTERED  VERDICT
                tcp    127.0.0.1   631  ?        root  ipp         unknown

                631/tcp: the map says ipp; which process holds it is unknown — owned by another
                user; run as root to see it
                """
            ),
        ] as [(Listener, String, [String], String, String)])
    func verdicts(listener: Listener, verdict: String, registered: [String], explanation: String, text: String) throws {
        let (shown, json) = try row(listener)
        #expect(shown == text)
        #expect(json["verdict"] == .string(verdict))
        #expect(json["registered"] == .strings(registered))
        #expect(json["explanation"] == .string(explanation))
        #expect(json["port"] == .int(Int(listener.port)))
        #expect(json["ownerVisible"] == .bool(listener.ownerVisible))
    }

    @Test func matches() throws {
        let json = try row(Territory.sshd).json
        #expect(json["verdict"] == "matches")
        // Read back from the bytes `who` wrote, so compared without their order (which
        // `WhoJSONWriterTests` checks).
        #expect(
            json["owners"]
                == Territory.readBack([
                    [
                        "pid": 812, "process": "sshd", "command": "/usr/sbin/sshd -D", "user": "root", "uid": 0,
                        "startedAt": nil,
                    ]
                ]))
    }

    @Test func differs() throws {
        let (text, json) = try row(Territory.python)
        #expect(json["verdict"] == "differs")
        #expect(text.hasSuffix("\n\n2991/tcp: the map says wkstn-mon; the territory says python3, pid 4242"))
    }

    @Test func unregistered() throws {
        let json = try row(Territory.node).json
        #expect(json["verdict"] == "unregistered" && json["registered"] == .strings([]))
        #expect(json["v6Only"] == false && json["address"] == "::")
    }

    @Test func dynamic() throws {
        let json = try row(Territory.dynamic).json
        #expect(json["verdict"] == "dynamic" && json["transport"] == "udp")
    }

    @Test func unknownWhenOwnersAreHidden() throws {
        let (text, json) = try row(Territory.hidden)
        #expect(json["verdict"] == "unknown")
        #expect(json["owners"] == .array([]))
        #expect(json["ownerVisible"] == false)
        #expect(json["ownerHiddenReason"] == "owned by another user; run as root to see it")
        #expect(text.contains("  ?        root  ipp"))
    }

    @Test func everythingEndsWithASummary() throws {
        let text = try Territory.text("who", in: explorer)
        #expect(
            text == """
                PROTO  ADDRESS     PORT  PROCESS       USER   REGISTERED  VERDICT
                tcp    0.0.0.0       22  sshd/812      root   ssh         matches
                tcp    127.0.0.1   2991  python3/4242  alice  wkstn-mon   differs
                tcp    :: (+v4)    3000  node/5000     alice  —           unregistered
                udp    0.0.0.0    50000  game/6000     alice  —           dynamic
                tcp    127.0.0.1    631  ?             root   ipp         unknown

                2991/tcp: the map says wkstn-mon; the territory says python3, pid 4242
                631/tcp: the map says ipp; which process holds it is unknown — owned by another
                user; run as root to see it

                5 listeners, 1 on ports registered to something else, 1 on unregistered ports, 1
                matching the registry, 1 in the dynamic range, 1 that cannot be told.
                """)
        let json = try Territory.json("who", in: explorer)
        #expect(
            json["summary"] == [
                "listeners": 5, "found": 5, "differs": 1, "unregistered": 1, "matches": 1, "dynamic": 1, "unknown": 1,
            ])
        #expect(json["socketSource"] == "fixed" && json["query"] == nil)
    }

    @Test func aListenersJSONKeysComeInTheREADMEsOrder() {
        let explorer = makeExplorer(host: Territory.host(), format: .json)
        let line = text(of: "who 631", in: explorer)
        let keys = [
            "transport", "address", "port", "uid", "user", "inode", "owners", "ownerVisible", "registered", "verdict",
            "explanation", "v6Only", "ownerHiddenReason",
        ]
        let positions = keys.map { line.range(of: "\"\($0)\":")?.lowerBound }
        #expect(!positions.contains(nil), "\(line)")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "\(line)")
    }

    @Test func aPortOnlyAsksForThatPort() throws {
        _ = try Territory.text("who 22", in: explorer)
        #expect(
            host.requests == [
                TerritoryRequest(ports: [22...22], transports: [.tcp, .udp], allNetworkNamespaces: false)
            ])
        _ = try Territory.text("who 8000-9000 udp", in: explorer)
        #expect(host.requests.last == TerritoryRequest(ports: [8000...9000], transports: [.udp]))
        _ = try Territory.text("who", in: explorer)
        #expect(host.requests.last == TerritoryRequest(ports: nil))
    }

    @Test func allNetnsIsPassedToTheHost() throws {
        _ = try Territory.text("who --all-netns", in: explorer)
        #expect(host.requests == [TerritoryRequest(ports: nil, allNetworkNamespaces: true)])
    }

    @Test(arguments: [
        ("who 22", "Nothing listens on 22 (tcp or udp) here. The registry expects ssh (tcp) there."),
        ("who 2991", "Nothing listens on 2991 (tcp or udp) here. The registry expects wkstn-mon (tcp,\nudp) there."),
        (
            "who 4",
            "Nothing listens on 4 (tcp or udp) here. The registry has it as unassigned, so\nnothing is expected there."
        ),
        ("who 23 udp", "Nothing listens on 23 (udp) here."),
        ("who 22 udp", "Nothing listens on 22 (udp) here."),
        ("who", "Nothing listens on tcp or udp here."),
        ("who wkstn-mon", "Nothing listens on the ports registered to wkstn-mon (tcp or udp) here."),
    ])
    func nothingListensSaysWhatTheRegistryExpects(line: String, expected: String) throws {
        let explorer = makeExplorer(host: Territory.host(territory: []))
        #expect(try Territory.text(line, in: explorer) == expected)
    }

    @Test func expectedIsInTheJSON() throws {
        let json = try Territory.json("who 2991", in: makeExplorer(host: Territory.host(territory: [])))
        #expect(json["expected"] == [["name": "wkstn-mon", "transports": ["tcp", "udp"], "description": "WKSTN-MON"]])
        #expect(json["listeners"] == .array([]) && json["query"] == "2991")
    }

    @Test func aNameAsksForItsPorts() throws {
        let text = try Territory.text("who wkstn-mon", in: explorer)
        #expect(
            text == """
                PROTO  ADDRESS    PORT  PROCESS       USER   REGISTERED  VERDICT
                tcp    127.0.0.1  2991  python3/4242  alice  wkstn-mon   differs

                2991/tcp: the map says wkstn-mon; the territory says python3, pid 4242
                """)
        #expect(host.requests == [TerritoryRequest(ports: [2991...2991])])
        #expect(
            failure(of: "who wkstn-mom", in: explorer)
                == "who: no service named 'wkstn-mom' in the registry; did you mean 'wkstn-mon'?")
    }

    @Test func anUnreadableTerritoryIsAnError() {
        let explorer = makeExplorer(host: Territory.host(territory: nil))
        let outcome = explorer.evaluate("who")[0]
        guard case .failure(let error) = outcome.result else {
            Issue.record("who succeeded")
            return
        }
        #expect(error.message == "who: this host's sockets cannot be read")
        #expect(error.kind == .unavailable)
        #expect(!outcome.wasInterrupted)
    }
}
