import PortListeners
import PortRegistry
import Testing

@testable import PortExplorer

/// Territory commands across hosts read from files: `ghosts --listening` names the hosts a
/// ghost's port is open on; `diff BASELINE` compares each host with its baseline.
@Suite struct AcrossHostsTests {
    /// Three hosts as `fleetctl query --json` gives them: python3 on wkstn-mon's port on two,
    /// sshd on the third.
    static let fleet = """
        {"host":"lab1","rows":[{"address":"0.0.0.0","family":"2","name":"python3","pid":"7","port":"2991","protocol":"6"}]}
        {"host":"lab4","rows":[{"address":"127.0.0.1","family":"2","name":"python3","pid":"8","port":"2991","protocol":"6"},{"address":"0.0.0.0","family":"2","name":"sshd","pid":"9","port":"22","protocol":"6"}]}
        {"host":"lab9","rows":[{"address":"0.0.0.0","family":"2","name":"sshd","pid":"9","port":"22","protocol":"6"}]}

        """

    static func explorer(
        format: OutputFormat = .text, territory: [String: String] = ["fleet.jsonl": fleet],
        baseline: [String: String] = [:]
    ) -> Explorer {
        let host = FixedHost(
            registry: ghostRegistry(GhostSurveyTests.records), maps: OtherMaps(),
            territory: [
                Listener(transport: .tcp, address: "0.0.0.0", port: 5555, uid: 0, user: "root", inode: 1, v6Only: nil)
            ])
        for (path, text) in baseline { host.territoryFiles[path] = Array(text.utf8) }
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

    @Test func ghostsListeningCSVEndsWithTheHosts() {
        let out = text(of: "ghosts --listening", in: Self.explorer(format: .csv))
        let rows = out.split(separator: "\r\n")
        #expect(rows.first?.hasSuffix(",evidence,hosts") == true, "\(out)")
        #expect(rows.dropFirst().first?.hasSuffix(",lab1;lab4") == true, "\(out)")
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

    /// Monday's lab: lab1 had sshd where python3 now is, lab4 the same as now, lab7 since gone;
    /// lab9 is new since.
    static let monday = """
        {"host":"lab1","rows":[{"address":"0.0.0.0","family":"2","name":"sshd","pid":"3","port":"2991","protocol":"6"},{"address":"0.0.0.0","family":"2","name":"cupsd","pid":"4","port":"631","protocol":"6"}]}
        {"host":"lab4","rows":[{"address":"127.0.0.1","family":"2","name":"python3","pid":"8","port":"2991","protocol":"6"},{"address":"0.0.0.0","family":"2","name":"sshd","pid":"9","port":"22","protocol":"6"}]}
        {"host":"lab7","rows":[{"address":"0.0.0.0","family":"2","name":"sshd","pid":"9","port":"22","protocol":"6"}]}

        """

    @Test func diffSaysPerHostWhatChangedAndWhichHostsCameAndWent() {
        let explorer = Self.explorer(baseline: ["monday/fleet.jsonl": Self.monday])
        let out = text(of: "diff monday", in: explorer)
        #expect(out.contains("'monday' (3 hosts), host by host."), "\(out)")
        #expect(out.contains("lab1: 0 new, 1 gone, 1 changed, 0 the same"), "\(out)")
        #expect(out.contains("  gone: cupsd (pid 4, user ?) no longer listens on 631/tcp at 0.0.0.0"), "\(out)")
        #expect(out.contains("  changed: 2991/tcp at 0.0.0.0 — owner was sshd (pid 3, user ?), now python3"), "\(out)")
        #expect(!out.contains("lab4:"), "\(out)")
        #expect(out.contains("new host: lab9 (1 listener, not in the baseline)"), "\(out)")
        #expect(out.contains("host gone: lab7 (1 listener in the baseline)"), "\(out)")
        #expect(out.contains("1 host changed, 1 the same, 1 new, 1 gone."), "\(out)")
        #expect(explorer.evaluate("diff monday").first?.exitStatus == 1)
    }

    @Test func diffJSONCarriesTheHostOnEveryChange() throws {
        let out = text(of: "diff monday", in: Self.explorer(format: .json, baseline: ["monday/a.jsonl": Self.monday]))
        let root = try JSONReader.parse(Array(out.utf8))
        guard case .array(let changes)? = root.objectFields?["changes"] else {
            Issue.record("no changes: \(out)")
            return
        }
        #expect(changes.count == 2)
        #expect(changes.allSatisfy { $0.objectFields?["host"] == .string("lab1") })
        #expect(changes.compactMap { $0.objectFields?["action"] } == [.string("removed"), .string("changed")])
        #expect(out.contains(#"{"host":"lab9","status":"new","listeners":1}"#), "\(out)")
        #expect(out.contains(#"{"host":"lab7","status":"gone","listeners":1}"#), "\(out)")
        #expect(root.objectFields?["differences"] == .bool(true))
    }

    @Test func diffAgainstTheSameHostsIsNoChangeAndStatusZero() {
        let explorer = Self.explorer(baseline: ["same.jsonl": Self.fleet])
        let out = text(of: "diff same.jsonl", in: explorer)
        #expect(out.contains("No change on any of the 3 hosts"), "\(out)")
        #expect(explorer.evaluate("diff same.jsonl").first?.exitStatus == 0)
    }

    @Test func diffOverTerritoriesNeedsOneReadableBaseline() {
        let explorer = Self.explorer(baseline: ["empty.jsonl": ""])
        #expect(failure(of: "diff", in: explorer)?.contains("give one BASELINE file or folder") == true)
        #expect(failure(of: "diff a b", in: explorer)?.contains("give one BASELINE file or folder") == true)
        #expect(failure(of: "diff nowhere", in: explorer)?.contains("cannot read 'nowhere'") == true)
        #expect(failure(of: "diff empty.jsonl", in: explorer)?.contains("no host could be read") == true)
        #expect(explorer.evaluate("diff nowhere").first?.exitStatus == 2)
    }
}
