import PortListeners
import Testing

@testable import PortExplorer

/// `snapshot` and `diff` over a fixed host: the document round-trips, the identity rule
/// pairs listeners as documented, bad files are refused with their reason, and the exit
/// statuses are diff(1)'s.
@Suite struct SnapshotCommandTests {
    /// The fixture's territory, one owner with a start time (whole seconds, as written).
    static func territory() -> [Listener] {
        var listeners = Territory.all
        listeners[1].owners = [
            SocketOwner(
                pid: 4242, process: "python3", command: "python3 -m http.server 2991", uid: 1000, user: "alice",
                startedAt: 1_795_770_000)
        ]
        return listeners
    }

    static func owned(_ listener: Listener, by process: String, pid: Int32) -> Listener {
        var copy = listener
        copy.owners = [Territory.owner(process, pid: pid, command: process, user: "bob", uid: 1001)]
        return copy
    }

    static func moved(_ l: Listener, to address: String, v6Only: Bool? = nil) -> Listener {
        Listener(
            transport: l.transport, address: address, port: l.port, uid: l.uid, user: l.user, inode: l.inode + 100,
            v6Only: v6Only, owners: l.owners, ownerHiddenReason: l.ownerHiddenReason, netns: l.netns)
    }

    @Test func aSavedSnapshotReadsBackAsTaken() throws {
        let host = Territory.host(territory: Self.territory())
        let explorer = makeExplorer(host: host)
        let saved = try Territory.text("snapshot --save base", in: explorer)
        #expect(saved.hasPrefix("Saved 5 listeners of fixed as baseline 'base' (/fixed/snapshots/base.json);"))
        let bytes = try #require(host.snapshotFiles[.saved("base")])
        let read = try TerritorySnapshot.decode(bytes)

        #expect(read.version == 1)
        #expect(read.takenAt == host.time)
        #expect(read.machine == host.machineFacts)
        #expect(read.settings == host.settings)
        #expect(read.registry.updated == "2025-12-15")
        #expect(read.listeners.map(\.listener) == Self.territory().sorted(by: TerritorySnapshot.order))
        let python = try #require(read.listeners.first { $0.listener.port == 2991 })
        #expect(python.registered == ["wkstn-mon"])
        #expect(python.verdict == "differs")
        #expect(python.explanation == "the map says wkstn-mon; the territory says python3, pid 4242")
        #expect(python.listener.owners.first?.startedAt == 1_795_770_000)
        #expect(read.bytes == bytes, "written again, it is the same bytes")

        // Printed, it is the same document.
        let printed = try Territory.text("snapshot", in: explorer)
        #expect(try TerritorySnapshot.decode(Array(printed.utf8)) == read)
    }

    @Test func nothingChangedIsStatusZero() {
        let host = Territory.host(territory: Self.territory())
        let run = converse(["snapshot --save base", "diff", "diff base"], input: .script, host: host)
        #expect(run.status == 0)
        #expect(
            run.output.stdout.contains("No change: the same 5 listeners, with the same owners, addresses and verdicts.")
        )
    }

    @Test func aNewListenerAndAGoneOneAreSaidInOneSentenceEach() throws {
        let host = Territory.host(territory: Array(Self.territory().dropFirst()))
        let explorer = makeExplorer(host: host)
        _ = try Territory.text("snapshot --save base", in: explorer)
        host.territory = Array(Self.territory().dropLast())
        host.time += 60
        let text = try Territory.text("diff base", in: explorer)
        #expect(
            text == """
                Compared baseline 'base' (fixed, 2026-11-27T10:40:46Z) with this host now
                (fixed, 2026-11-27T10:41:46Z).

                new: sshd (pid 812, user root) listens on 22/tcp at 0.0.0.0, registered to ssh —
                matches
                gone: a process porthole cannot see (socket of user root) no longer listens on
                631/tcp at 127.0.0.1

                1 new, 1 gone, 0 changed, 3 the same.
                """)
        let outcome = explorer.evaluate("diff base")[0]
        #expect(outcome.exitStatus == 1)
        let json = try outcome.result.get().json
        guard case .array(let changes) = json["changes"] else { throw Territory.Unexpected(outcomes: 0) }
        #expect(changes.map { $0.objectFields?["action"] } == ["added", "removed"])
        #expect(json["differences"] == true)
    }

    @Test func aNewOwnerOnTheSameSocketIsAChangeNotANewListener() throws {
        let base = Self.territory()
        var now = base
        now[1] = Self.owned(base[1], by: "wkstn-mon", pid: 9000)
        let diff = TerritoryDiff(old: entries(base), new: entries(now))
        #expect(diff.changes.count == 1)
        guard case .changed(_, _, let aspects) = diff.changes.first else {
            Issue.record("not a change: \(diff.changes)")
            return
        }
        #expect(aspects == [.owner, .verdict])
        #expect(
            TerritoryDiff.sentence(diff.changes[0])
                == "changed: 2991/tcp at 127.0.0.1 — owner was python3 (pid 4242, user alice), now wkstn-mon (pid 9000, "
                + "user bob); verdict was differs (wkstn-mon), now matches (wkstn-mon)")
    }

    @Test func theIdentityRule() {
        let base = Self.territory()
        let node = base[2]  // :: port 3000, v6Only false
        // A v6-only flip on the same address is a change.
        let flipped = TerritoryDiff(
            old: entries(base), new: entries(base.map { $0 == node ? Self.moved(node, to: "::", v6Only: true) : $0 }))
        #expect(flipped.changes.map(\.action) == ["changed"])
        if case .changed(_, _, let aspects) = flipped.changes.first { #expect(aspects == [.v6Only]) }
        #expect(
            TerritoryDiff.sentence(flipped.changes[0]) == "changed: 3000/tcp at :: — was IPv6 and IPv4, now IPv6 only")
        // The one listener of an identity moving to another address of its family is a change.
        let python = base[1]
        let rebound = TerritoryDiff(
            old: entries(base), new: entries(base.map { $0 == python ? Self.moved(python, to: "0.0.0.0") : $0 }))
        #expect(rebound.changes.map(\.action) == ["changed"])
        // Another family is another listener.
        let v6 = TerritoryDiff(
            old: entries(base), new: entries(base.map { $0 == python ? Self.moved(python, to: "::1") : $0 }))
        #expect(v6.changes.map(\.action).sorted() == ["added", "removed"])
        // Two listeners of one identity both moving: which became which cannot be told.
        let second = Self.moved(Self.owned(python, by: "other", pid: 77), to: "10.0.0.1")
        let two = TerritoryDiff(
            old: entries([python, second]),
            new: entries([Self.moved(python, to: "10.0.0.2"), Self.moved(second, to: "10.0.0.3")]))
        #expect(two.changes.map(\.action) == ["removed", "removed", "added", "added"])
        // Same address: each keeps its own pids, so only the one that changed is said.
        let shared = Self.moved(Self.owned(python, by: "other", pid: 77), to: "127.0.0.1")
        let reuse = TerritoryDiff(
            old: entries([python, shared]), new: entries([shared, Self.owned(python, by: "third", pid: 88)]))
        #expect(reuse.changes.map(\.action) == ["changed"])
        #expect(reuse.unchanged == 1)
    }

    func entries(_ listeners: [Listener]) -> [TerritorySnapshot.Entry] {
        let registry = makeRegistry(records: Territory.records)
        return listeners.map {
            let joined = JoinedListener(listener: $0, registry: registry)
            return .init(
                listener: $0, registered: joined.registered, verdict: joined.verdict.rawValue,
                explanation: joined.explanation)
        }
    }

    @Test func exitStatusesAreDiffsOwnInScriptsToo() {
        let host = Territory.host(territory: Self.territory())
        #expect(converse(["snapshot --save base", "diff base"], input: .script, host: host).status == 0)
        host.territory = Array(Self.territory().dropFirst())
        #expect(converse(["diff base"], input: .script, host: host).status == 1)
        #expect(converse(["diff base", "lookup 99999"], input: .script, host: host).status == 1)
        #expect(converse(["diff nothing-saved-so"], input: .script, host: host).status == 2)
        #expect(converse(["diff base", "diff a b c"], input: .script, host: host).status == 2)
        // At the prompt a session ends with 0 whatever its commands said.
        #expect(converse(["diff base", "diff nothing"], input: .interactive, host: host).status == 0)
        // Differences are an answer: --bail goes on past them.
        let explorer = makeExplorer(host: host)
        var lines = GivenLines([.text("diff base"), .text("version")])
        let output = RecordedOutput()
        let status = explorer.converse(
            &lines, transcript: Transcript(explorer: explorer, output: output), options: ConversationOptions(bail: true)
        )
        #expect(status == 1)
        #expect(output.stdout.hasSuffix(versionText))
    }

    @Test func withoutABaselineDiffSaysSo() {
        let run = converse(["diff"], input: .oneShot, host: Territory.host())
        #expect(run.status == 2)
        #expect(
            run.output.stderr
                == "porthole: diff: there is no saved baseline to compare with; 'snapshot --save NAME' keeps one\n")
    }

    static let good: String = {
        let host = Territory.host()
        _ = makeExplorer(host: host).evaluate("snapshot --save base")
        return String(decoding: host.snapshotFiles[.saved("base")]!, as: UTF8.self)
    }()

    @Test(arguments: [
        ("", "is cut short, or empty: no JSON value: the text is empty at line 1, column 1 (byte 0)"),
        (String(good.prefix(100)), "is cut short, or empty: the text ends where "),
        ("<html>", "is not JSON: '<' where a value should be at line 1, column 1 (byte 0)"),
        ("[1,2]", "is not a porthole snapshot: it is a JSON array, not an object"),
        (#"{"version":1}"#, #"is not a porthole snapshot: it has no "format": "porthole-snapshot" field"#),
        (
            #"{"format":"osquery","version":1}"#,
            #"is not a porthole snapshot: its format is "osquery", not "porthole-snapshot""#
        ),
        (
            good.replacingOccurrences(of: #""version":1"#, with: #""version":7"#),
            "was written by a newer porthole (version 7); this one reads up to 1"
        ),
        (
            good.replacingOccurrences(of: #""port":2991"#, with: #""port":99999"#),
            "is a damaged snapshot: listeners[2].port should be a whole number from 0 to 65535"
        ),
        (
            good.replacingOccurrences(of: #""takenAt":"2026-11-27T10:40:46Z""#, with: #""takenAt":"yesterday""#),
            "is a damaged snapshot: takenAt should be a time as YYYY-MM-DDTHH:MM:SSZ"
        ),
    ])
    func aBadFileIsRefusedWithItsReason(content: String, reason: String) {
        let host = Territory.host()
        host.snapshotFiles[.file("old.json")] = Array(content.utf8)
        let run = converse(["diff old.json"], input: .oneShot, host: host)
        #expect(run.status == 2)
        #expect(run.output.stderr.hasPrefix("porthole: diff: 'old.json' \(reason)"), "\(run.output.stderr)")
    }

    @Test func aFileOverTheLimitIsNotRead() {
        let host = Territory.host()
        host.snapshotFiles[.file("big.json")] = [UInt8](repeating: 0x20, count: TerritorySnapshot.maximumBytes + 1)
        let run = converse(["diff big.json"], input: .oneShot, host: host)
        #expect(run.status == 2)
        #expect(
            run.output.stderr
                == "porthole: diff: 'big.json' is 64.0 MiB (67108865 bytes); porthole reads snapshots of up to 64.0 MiB (67108864 bytes), so it was not read\n"
        )
    }

    @Test func aFailedWriteLeavesTheFileAsItWas() {
        let host = Territory.host()
        host.snapshotFiles[.file("keep.json")] = Array("precious".utf8)
        host.writeProblem = "/x/.snapshot-a1: cannot write: No space left on device; nothing was written"
        let run = converse(["snapshot keep.json"], input: .oneShot, host: host)
        #expect(run.status == 1)
        #expect(run.output.stderr == "porthole: snapshot: \(host.writeProblem!)\n")
        #expect(host.snapshotFiles[.file("keep.json")] == Array("precious".utf8))
        // A territory that cannot be read writes nothing either.
        host.writeProblem = nil
        host.territory = nil
        #expect(converse(["snapshot keep.json"], input: .oneShot, host: host).status == 1)
        #expect(host.snapshotFiles[.file("keep.json")] == Array("precious".utf8))
    }

    @Test(arguments: [
        ("snapshot --save ../up", "'../up' starts with '.'"),
        ("snapshot --save a/b", "'a/b' has a '/'"),
        ("snapshot --save .hidden", "'.hidden' starts with '.'"),
        ("snapshot --save 'two words'", "'two words' has a space"),
        ("snapshot --save ''", "this one is empty"),
        ("snapshot --save \(String(repeating: "n", count: 65))", "has 65 characters"),
    ])
    func aBaselineNameMustBeSafeAsAFileName(line: String, reason: String) {
        let message = failure(of: line, in: makeExplorer(host: Territory.host()))
        #expect(message?.hasPrefix("snapshot: a baseline name is 1 to 64 letters, digits and - _ . + @") == true)
        #expect(message?.hasSuffix(reason) == true, "\(message ?? "")")
    }

    @Test func theListShowsEachBaselineNewestFirst() throws {
        let host = Territory.host()
        let explorer = makeExplorer(host: host)
        #expect(
            try Territory.text("snapshot --list", in: explorer)
                == "No saved baselines yet; 'snapshot --save NAME' keeps one.")
        _ = try Territory.text("snapshot --save monday", in: explorer)
        host.time += 86_400
        host.territory = [Territory.sshd]
        _ = try Territory.text("snapshot --save tuesday", in: explorer)
        host.snapshotFiles[.saved("tuesday")]! += [0x7B]
        let listed = try Territory.text("snapshot --list", in: explorer)
        #expect(
            listed == """
                NAME     TAKEN                 LISTENERS  HOST
                tuesday  —                             —  unreadable
                monday   2026-11-27T10:40:46Z          5  fixed

                tuesday: is not JSON: more text after the JSON value at line 2, column 1 (byte
                \(host.snapshotFiles[.saved("tuesday")]!.count - 1))
                """)
        // With no name given, diff takes the newest baseline.
        let failed = failure(of: "diff", in: explorer)
        #expect(failed?.hasPrefix("diff: baseline 'tuesday' is not JSON") == true)
    }
}
