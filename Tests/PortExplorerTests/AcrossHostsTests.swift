import PortListeners
import PortRegistry
import Testing

@testable import PortExplorer

/// Territory commands across hosts read from files: `ghosts --listening` names the hosts a
/// ghost's port is open on.
@Suite struct AcrossHostsTests {
    /// Three hosts as `fleetctl query --json` gives them: python3 on wkstn-mon's port on two,
    /// sshd on the third.
    static let fleet = """
        {"host":"lab1","rows":[{"address":"0.0.0.0","family":"2","name":"python3","pid":"7","port":"2991","protocol":"6"}]}
        {"host":"lab4","rows":[{"address":"127.0.0.1","family":"2","name":"python3","pid":"8","port":"2991","protocol":"6"},{"address":"0.0.0.0","family":"2","name":"sshd","pid":"9","port":"22","protocol":"6"}]}
        {"host":"lab9","rows":[{"address":"0.0.0.0","family":"2","name":"sshd","pid":"9","port":"22","protocol":"6"}]}

        """

    static func explorer(format: OutputFormat = .text, territory: [String: String] = ["fleet.jsonl": fleet])
        -> Explorer
    {
        let host = FixedHost(
            registry: ghostRegistry(GhostSurveyTests.records), maps: OtherMaps(),
            territory: [
                Listener(transport: .tcp, address: "0.0.0.0", port: 5555, uid: 0, user: "root", inode: 1, v6Only: nil)
            ])
        let explorer = makeExplorer(host: host, format: format)
        _ = explorer.maps.territories.add(
            territory.sorted { $0.key < $1.key }.map {
                TerritoryFile(path: $0.key, modified: 0, bytes: .success(Array($0.value.utf8)))
            })
        return explorer
    }

    @Test func ghostsListeningNamesTheHosts() {
        let out = text(of: "ghosts --listening", in: Self.explorer())
        #expect(out.contains("The only ghost port something listens on on the 3 hosts read from files:"), "\(out)")
        #expect(out.contains("2991  wkstn-mon"), "\(out)")
        #expect(out.contains("on 2 of 3 hosts: lab1, lab4"), "\(out)")
        #expect(out.contains("listening on the 3 hosts read from files"), "\(out)")
        #expect(!out.contains("On this host"), "\(out)")
    }

    @Test func ghostsListeningJSONHasHostsPerGhost() throws {
        let out = text(of: "ghosts --listening", in: Self.explorer(format: .json))
        let root = try JSONReader.parse(Array(out.utf8))
        guard case .array(let ghosts)? = root.objectFields?["ghosts"] else {
            Issue.record("no ghosts: \(out)")
            return
        }
        #expect(ghosts.count == 1)
        #expect(ghosts.first?.objectFields?["hosts"] == .strings(["lab1", "lab4"]))
    }

    @Test func ghostsListeningOverHostsWithNothingThere() {
        let quiet =
            #"{"host":"lab9","rows":[{"address":"0.0.0.0","family":"2","name":"sshd","pid":"9","port":"22","protocol":"6"}]}"#
        let out = text(of: "ghosts --listening", in: Self.explorer(territory: ["a.jsonl": quiet]))
        #expect(out.contains("Nothing on the 1 host read from files listens on a ghost's port."), "\(out)")
    }

    @Test func hostileHostNamesAreShownVisibly() {
        let evil =
            #"{"host":"\u001b]0;PWN\u0007","rows":[{"address":"0.0.0.0","family":"2","name":"x","pid":"1","port":"2991","protocol":"6"}]}"#
        let out = text(of: "ghosts --listening", in: Self.explorer(territory: ["a.jsonl": evil]))
        #expect(!out.contains("\u{1B}") && !out.contains("\u{07}"), "\(out)")
        #expect(out.contains("on 1 of 1 host: "), "\(out)")
    }
}
