import Foundation
import PortholeTestSupport
import Testing

/// `--territory` and `territory add|list|clear` end to end, over the fixtures beside this file:
/// real `ss -Htlunp`/`-Htlunpe` captures and a real `porthole snapshot` from the machine the
/// tests were written on, and osquery output written by hand from osquery's table specs
/// (osquery cannot be installed there; see Fixtures/territory-README.md).
@Suite struct TerritoryTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/territory")
    static func fixture(_ path: String) -> String { fixtures.appendingPathComponent(path).path }

    @Test func whoOverSeveralTerritoriesShowsTheHost() throws {
        let run = try Porthole.run([
            "--territory", Self.fixture("ss/web1.ss"), "--territory", Self.fixture("ss/web2"), "--territory",
            Self.fixture("osquery/fleet.jsonl"), "who", "2991",
        ])
        #expect(run.status == 0, "\(run)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("HOST  PROTO") == true, "\(run)")
        for host in ["web1", "web2", "app1"] {
            #expect(lines.contains { $0.hasPrefix(host + " ") && $0.contains("2991") }, "\(host): \(run)")
        }
        #expect(run.stderr.isEmpty, "\(run)")
    }

    @Test func ghostsListeningNamesTheHostsAGhostsPortIsOpenOn() throws {
        let run = try Porthole.run(["--territory", Self.fixtures.path, "ghosts", "--listening"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("ghost port something listens on on the 8 hosts read from files"), "\(run)")
        #expect(run.stdout.contains("on 7 of 8 hosts: db1, app1, cache1, vm, web1, web2, web3"), "\(run)")
        let json = try Porthole.run(["--territory", Self.fixtures.path, "--json", "ghosts", "--listening"])
        #expect(json.stdout.contains(#""hosts":["db1","app1","cache1","vm","web1","web2","web3"]"#), "\(json)")
    }

    @Test func diffComparesEachHostWithItsBaseline() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-diff-\(getpid())")
        try? FileManager.default.removeItem(at: base)
        try FileManager.default.copyItem(at: Self.fixtures, to: base)
        defer { try? FileManager.default.removeItem(at: base) }
        // The baseline: web1 without its 2991 listener, web3 not yet there.
        let web1 = base.appendingPathComponent("ss/web1.ss")
        let lines = try String(contentsOf: web1, encoding: .utf8).split(separator: "\n").filter {
            !$0.contains(":2991 ")
        }
        try (lines.joined(separator: "\n") + "\n").write(to: web1, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: base.appendingPathComponent("ss/web3.txt"))
        let run = try Porthole.run(["--territory", Self.fixtures.path, "diff", base.path])
        #expect(run.status == 1, "\(run)")
        #expect(run.stdout.contains("web1: 1 new, 0 gone, 0 changed, 4 the same"), "\(run)")
        #expect(
            run.stdout.contains("  new: python3 (pid 1093, user ?) and python3 (pid 1051, user ?) listens on"), "\(run)"
        )
        #expect(run.stdout.contains("new host: web3 (3 listeners, not in the baseline)"), "\(run)")
        #expect(run.stdout.contains("1 host changed, 6 the same, 1 new, 0 gone."), "\(run)")
        let same = try Porthole.run(["--territory", Self.fixtures.path, "--json", "diff", Self.fixtures.path])
        #expect(same.status == 0, "\(same)")
        #expect(same.stdout.contains(#""differences":false"#), "\(same)")
        let json = try Porthole.run(["--territory", Self.fixtures.path, "--json", "diff", base.path])
        #expect(json.stdout.contains(#""changes":[{"host":"web1","action":"added""#), "\(json)")
        let missing = try Porthole.run(["--territory", Self.fixtures.path, "diff", base.path + "-nowhere"])
        #expect(missing.status == 2, "\(missing)")
    }

    @Test func whoJSONAndCSVCarryTheHost() throws {
        let json = try Porthole.run(["--territory", Self.fixture("ss"), "--json", "who", "2222"])
        #expect(json.stdout.contains(#"{"host":"web1","transport":"tcp","address":"::","port":2222"#), "\(json)")
        let csv = try Porthole.run(["--territory", Self.fixture("ss"), "--format", "csv", "who", "9100"])
        let rows = csv.stdout.split(separator: "\r\n")
        #expect(rows.first?.hasSuffix(",forwardsTo,host") == true, "\(csv)")
        #expect(
            rows.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).last } == [
                "web1", "web2",
            ])
    }

    @Test func whoHostsCountsPerPort() throws {
        let run = try Porthole.run(["--territory", Self.fixture(""), "who", "--hosts"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("22/tcp: sshd on 4 of 8 hosts — registered to ssh, matches"), "\(run)")
        #expect(
            run.stdout.contains("2991/tcp: python3 on 7 of 8 hosts — registered to wkstn-mon, differs"), "\(run)")
        let json = try Porthole.run(["--territory", Self.fixture(""), "--json", "who", "--hosts", "2991"])
        #expect(
            json.stdout.contains(
                #"{"port":2991,"transport":"tcp","hosts":7,"of":8,"registered":["wkstn-mon"],"programs":[{"name":"python3","hosts":7}],"verdicts":[{"verdict":"differs","hosts":7}]"#
            ), "\(json)")
    }

    @Test func aBadFileIsNamedAndTheOthersStillAnswer() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let good = try String(contentsOfFile: Self.fixture("ss/web1.ss"), encoding: .utf8)
        try good.write(to: folder.url.appendingPathComponent("web1.ss"), atomically: true, encoding: .utf8)
        try "[{\"port\":\"22\",".write(
            to: folder.url.appendingPathComponent("db9.json"), atomically: true, encoding: .utf8)
        try "".write(to: folder.url.appendingPathComponent("empty.txt"), atomically: true, encoding: .utf8)
        // A 1 GB file, sparse: refused by its size before a byte is read.
        let huge = folder.url.appendingPathComponent("huge.ss")
        FileManager.default.createFile(atPath: huge.path, contents: nil)
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 1 << 30)
        try handle.close()
        let run = try Porthole.run(["--territory", folder.url.path, "who", "--hosts"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("2991/tcp: python3 on 1 of 1 host"), "\(run)")
        #expect(run.stderr.contains("db9.json' is cut short"), "\(run)")
        #expect(run.stderr.contains("empty.txt' is empty"), "\(run)")
        #expect(run.stderr.contains("huge.ss' is 1.0 GiB (1073741824 bytes)"), "\(run)")
        #expect(run.peakMemoryKiB < 200_000, "\(run)")
        // Nothing readable at all: like a wrong --registry, nothing runs.
        let none = try Porthole.run(["--territory", folder.url.appendingPathComponent("db9.json").path, "who"])
        #expect(none.status == 2 && none.stdout.isEmpty, "\(none)")
    }

    @Test func territoryAddListClearInAScript() throws {
        let script = """
            territory add \(Self.fixture("osquery"))
            territory list
            who 22
            territory clear
            territory list
            who --hosts

            """
        let run = try Porthole.run([], input: script)
        #expect(run.status == 1, "\(run)")
        #expect(run.stdout.contains("Added 4 hosts; 4 in all."), "\(run)")
        #expect(run.stdout.contains("cache1  osqueryd results log"), "\(run)")
        #expect(run.stdout.contains("db1     tcp    ::"), "\(run)")
        #expect(run.stdout.contains("Forgot 4 hosts"), "\(run)")
        #expect(run.stdout.contains("No territories are loaded"), "\(run)")
        #expect(run.stderr.contains("line 6: who: --hosts summarises territories read from files"), "\(run)")
    }

    @Test func hostileHostNamesAreWrittenOut() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let line =
            #"{"host":"\u001b]0;PWN\u0007","rows":[{"address":"0.0.0.0","family":"2","name":"py\nthon\u001b[2J","pid":"1","port":"2991","protocol":"6"}]}"#
        try line.write(to: folder.url.appendingPathComponent("fleet.jsonl"), atomically: true, encoding: .utf8)
        for command in [["who"], ["who", "--hosts"], ["territory", "list"]] {
            let run = try Porthole.run(["--territory", folder.url.path] + command)
            #expect(run.status == 0, "\(run)")
            #expect(!run.stdout.contains("\u{1B}") && !run.stderr.contains("\u{1B}"), "\(run)")
        }
        let who = try Porthole.run(["--territory", folder.url.path, "who"])
        #expect(who.stdout.contains(#"\e]0;PWN\x07"#) && who.stdout.contains(#"py\nthon\e[2J/1"#), "\(who)")
    }

    @Test func explainPortSaysWhatListensOnEachHost() throws {
        let run = try Porthole.run(["--territory", Self.fixture("osquery"), "explain", "2991"])
        #expect(run.status == 0, "\(run)")
        let flat = run.stdout.replacingOccurrences(of: "\n", with: " ")
        #expect(
            flat.contains(
                "Across the 4 hosts read from files ('territory list'): python3 on 2991/tcp on db1, app1 and cache1. Nothing listens there on the other one."
            ), "\(run)")
        let json = try Porthole.run(["--territory", Self.fixture("osquery"), "--json", "explain", "2991/tcp"])
        #expect(json.stdout.contains(#"{"host":"app2","listeners":[]}"#), "\(json)")
    }

    @Test func anEmptyPortIsSaidOfTheHostsNotOfThisOne() throws {
        let run = try Porthole.run(["--territory", Self.fixture("ss"), "who", "9999"])
        #expect(run.stdout.hasPrefix("Nothing listens on 9999 (tcp or udp) on the hosts read from files."), "\(run)")
    }
}
