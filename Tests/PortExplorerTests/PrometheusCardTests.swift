import PortListeners
import Testing

@testable import PortExplorer

/// `snapshot --prometheus` and `snapshot --card` over a fixed host: the textfile's exact text,
/// hostile process names escaped so they stay one label value and reach no terminal, and the
/// card's Markdown and JSON, the JSON readable back as the host's territory.
@Suite struct PrometheusCardTests {
    @Test func theTextfileOfAFixedHostIsExactly() throws {
        let host = Territory.host(territory: [Territory.sshd, Territory.python])
        let explorer = makeExplorer(host: host)
        let said = try Territory.text("snapshot --prometheus /metrics/porthole.prom", in: explorer)
        #expect(said.hasPrefix("Wrote 2 listeners of fixed as 2 porthole_listener_info series"), "\(said)")
        let file = try #require(host.otherFiles["/metrics/porthole.prom"])
        #expect(file.mode == 0o644, "node_exporter reads it as its own user")
        #expect(host.snapshotFiles.isEmpty, "only the textfile is written")
        #expect(!said.contains(".prom."), "the name ends in .prom: nothing to warn about")
        let elsewhere = try Territory.text("snapshot --prometheus /metrics/porthole.txt", in: explorer)
        #expect(elsewhere.hasSuffix("reads only files whose names end in\n.prom."), "\(elsewhere)")
        let expected = """
            # HELP porthole_listener_info A socket listening on this host, joined with the IANA registry: its port, transport, address, processes, registered names and verdict. The value is the number of sockets with these labels.
            # TYPE porthole_listener_info gauge
            porthole_listener_info{port="22",transport="tcp",address="0.0.0.0",process="sshd",registered="ssh",verdict="matches",host="fixed"} 1
            porthole_listener_info{port="2991",transport="tcp",address="127.0.0.1",process="python3",registered="wkstn-mon",verdict="differs",host="fixed"} 1
            # HELP porthole_listeners Sockets listening on this host, by verdict against the IANA registry.
            # TYPE porthole_listeners gauge
            porthole_listeners{verdict="matches",host="fixed"} 1
            porthole_listeners{verdict="differs",host="fixed"} 1
            porthole_listeners{verdict="unregistered",host="fixed"} 0
            porthole_listeners{verdict="dynamic",host="fixed"} 0
            porthole_listeners{verdict="unknown",host="fixed"} 0
            # HELP porthole_registry_info The registry the verdicts come from: its kind and the date it was updated.
            # TYPE porthole_registry_info gauge
            porthole_registry_info{kind="file",updated="2025-12-15",host="fixed"} 1
            # HELP porthole_registry_updated_timestamp_seconds When the registry was updated (midnight UTC of its date), in seconds since the Unix epoch.
            # TYPE porthole_registry_updated_timestamp_seconds gauge
            porthole_registry_updated_timestamp_seconds{host="fixed"} 1765756800
            # HELP porthole_registry_age_seconds How old the registry was when the snapshot was taken, in seconds ('porthole update' renews it).
            # TYPE porthole_registry_age_seconds gauge
            porthole_registry_age_seconds{host="fixed"} 30019246
            # HELP porthole_snapshot_timestamp_seconds When porthole looked, in seconds since the Unix epoch.
            # TYPE porthole_snapshot_timestamp_seconds gauge
            porthole_snapshot_timestamp_seconds{host="fixed"} 1795776046

            """
        #expect(String(decoding: file.bytes, as: UTF8.self) == expected)
    }

    @Test func hostileProcessNamesStayOneLabelValueAndReachNoTerminal() throws {
        var evil = Territory.python
        evil.owners = [
            Territory.owner("a\"b\\c\nd\u{1B}]0;pwned\u{07}\u{202E}x", pid: 7, command: "evil", user: "mallory")
        ]
        let host = Territory.host(territory: [evil])
        try Territory.text("snapshot --prometheus /p.prom", in: makeExplorer(host: host))
        let text = String(decoding: try #require(host.otherFiles["/p.prom"]).bytes, as: UTF8.self)
        let series = text.split(separator: "\n").filter { $0.hasPrefix("porthole_listener_info{") }
        #expect(series.count == 1, "the newline is escaped, so the series stays on its line")
        #expect(series.first?.contains(#"process="a\"b\\c\nd\\e]0;pwned\\x07<U+202E>x""#) == true, "\(series)")
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E })
    }

    @Test func sharedLabelsMakeOneSeriesCountingTheSockets() throws {
        let s = Territory.sshd
        let twin = Listener(
            transport: s.transport, address: s.address, port: s.port, uid: s.uid, user: s.user, inode: s.inode + 1,
            v6Only: s.v6Only, owners: [Territory.owner("sshd", pid: 813, command: "/usr/sbin/sshd -D")])
        let host = Territory.host(territory: [Territory.sshd, twin])
        try Territory.text("snapshot --prometheus /p.prom", in: makeExplorer(host: host))
        let text = String(decoding: try #require(host.otherFiles["/p.prom"]).bytes, as: UTF8.self)
        #expect(
            text.split(separator: "\n").filter { $0.hasPrefix("porthole_listener_info{") } == [
                #"porthole_listener_info{port="22",transport="tcp",address="0.0.0.0",process="sshd",registered="ssh",verdict="matches",host="fixed"} 2"#
            ])
        #expect(text.contains(#"porthole_listeners{verdict="matches",host="fixed"} 2"#))
    }

    @Test func prometheusWritesNothingElseAndSaysWhy() {
        let explorer = makeExplorer(host: Territory.host())
        for line in [
            "snapshot --prometheus p.prom --save base", "snapshot --prometheus p.prom other.json",
            "snapshot --prometheus p.prom --card", "snapshot --list --prometheus p.prom",
            "snapshot --prometheus ''",
        ] {
            let message = failure(of: line, in: explorer)
            #expect(message?.hasPrefix("snapshot: ") == true, "\(line): \(message ?? "succeeded")")
        }
    }

    @Test func theCardPrintsMarkdownWithTheGhostsAmongTheListeners() throws {
        var listeners = Territory.all
        listeners[1].owners = [Territory.owner("py|thon*", pid: 4242, command: "python3 --token=s3cret", user: "alice")]
        let host = Territory.host(territory: listeners)
        let markdown = try Territory.text("snapshot --card", in: makeExplorer(host: host))
        #expect(markdown.hasPrefix("# Ports on fixed\n\n- Host: fixed (Debian GNU/Linux 12 (bookworm))\n"))
        #expect(markdown.contains("- Taken: 2026-11-27T10:40:46Z\n"))
        #expect(markdown.contains("- Registry: test.xml of 2025-12-15\n"))
        #expect(markdown.contains("- Listeners: 5 (1 matches, 1 differs, 1 unregistered, 1 dynamic, 1 unknown)\n"))
        #expect(markdown.contains("- Ghosts among them: 1\n"))
        #expect(markdown.contains("| 22 | tcp | 0.0.0.0 | sshd (pid 812) | root | ssh | matches |\n"))
        #expect(markdown.contains(#"| 2991 | tcp | 127.0.0.1 | py\|thon\* (pid 4242) | alice | wkstn-mon | differs |"#))
        #expect(markdown.contains("| 631 | tcp | 127.0.0.1 | — | root | ipp | unknown |"))
        #expect(
            markdown.contains(
                #"- 2991/tcp at 127.0.0.1: py\|thon\* listens where the registry names wkstn-mon, a ghost"#))
        #expect(!markdown.contains("s3cret"))
        #expect(host.snapshotFiles.isEmpty && host.otherFiles.isEmpty, "printed, not written")
    }

    @Test func aWrittenCardIsMarkdownAndJSONThatReadsBackAsTheTerritory() throws {
        let host = Territory.host()
        let explorer = makeExplorer(host: host)
        let said = try Territory.text("snapshot --card /hand-in/alice.md", in: explorer)
        #expect(
            said
                == "Wrote the class card of fixed (5 listeners, 1 on a ghost's port) to\n/hand-in/alice.card.md and /hand-in/alice.card.json."
        )
        let markdown = try #require(host.otherFiles["/hand-in/alice.card.md"])
        let json = try #require(host.otherFiles["/hand-in/alice.card.json"])
        #expect(markdown.mode == 0o600 && json.mode == 0o600)
        let root = try JSONReader.parse(json.bytes)
        guard case .object(let card) = root else { throw Territory.Unexpected(outcomes: 0) }
        #expect(card["format"] == .string("porthole-card"))
        #expect(card["host"] == .string("fixed"))
        #expect(card["markdown"] == .string(String(decoding: markdown.bytes, as: UTF8.self)))
        guard case .array(let ghosts) = card["ghosts"], case .object(let ghost) = ghosts.first else {
            throw Territory.Unexpected(outcomes: 1)
        }
        #expect(ghosts.count == 1 && ghost["port"] == .int(2991) && ghost["names"] == .array([.string("wkstn-mon")]))
        let snapshot = try TerritorySnapshot.decode(Array(try #require(card["snapshot"]).line.utf8))
        #expect(snapshot.machine.hostName == "fixed")
        #expect(snapshot.listeners.count == 5)
        let python = try #require(snapshot.listeners.first { $0.listener.port == 2991 })
        #expect(python.verdict == "differs" && python.listener.owners.map(\.process) == ["python3"])
        #expect(python.listener.owners.map(\.command) == [""], "command lines stay home")
    }

    @Test func aSavedCardKeepsTheBaselineBesideIt() throws {
        let host = Territory.host()
        let explorer = makeExplorer(host: host)
        let said = try Territory.text("snapshot --card --save lab3", in: explorer)
        #expect(said.contains("kept the\nbaseline 'lab3' (/fixed/snapshots/lab3.json) for 'diff lab3'."), "\(said)")
        #expect(host.snapshotFiles[.saved("lab3")] != nil)
        #expect(host.otherFiles["/fixed/snapshots/lab3.card.md"] != nil)
        #expect(host.otherFiles["/fixed/snapshots/lab3.card.json"] != nil)
        #expect(failure(of: "snapshot --save x.card", in: explorer)?.contains("ends in '.card'") == true)
    }

    @Test func cardPaths() {
        #expect(ClassCard.paths(for: "alice") == ("alice.card.md", "alice.card.json"))
        #expect(ClassCard.paths(for: "a/alice.card.json") == ("a/alice.card.md", "a/alice.card.json"))
        #expect(ClassCard.paths(for: "alice.json") == ("alice.card.md", "alice.card.json"))
        #expect(ClassCard.paths(for: ".md") == (".md.card.md", ".md.card.json"))
    }
}
