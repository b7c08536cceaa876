import PortListeners
import Testing

@testable import PortExplorer
@testable import PortRegistry

/// The commands that read no territory, and those that change the session, on a fixed host.
@Suite struct SessionCommandTests {
    let host: FixedHost
    let explorer: Explorer

    init() {
        host = Territory.host()
        explorer = makeExplorer(host: host)
    }

    /// Everything a transcript writes for these lines, given in advance.
    func converse(_ lines: [String], explorer: Explorer) -> (status: Int32, output: RecordedOutput) {
        let output = RecordedOutput()
        var source = GivenLines(lines.map { .text($0) })
        let status = explorer.converse(&source, transcript: Transcript(explorer: explorer, output: output))
        return (status, output)
    }

    @Test func lookupAPort() throws {
        #expect(
            try Territory.text("lookup 22", in: explorer) == """
                Port 22 · System (well-known) range (0-1023)
                  ssh  tcp
                    description      The Secure Shell (SSH) Protocol
                    assignee         —
                    contact          —
                    registered       —
                    modified         —
                    references       RFC 4251
                    verdict          documented by the ghost rules ('explain ghosts')
                    sources          documented by the registry; no services(5) file was read,
                                     nmap's frequencies were not available and the listeners
                                     here were not checked.
                    strong evidence  The registry cites RFC 4251.
                    weak evidence    Its description, "The Secure Shell (SSH) Protocol", says
                                     more than the name.
                    noted            Port 22 is a System port whose TCP and UDP records carry no
                                     registration date: an assignment inherited from the Well
                                     Known Ports lists kept before RFC 6335, which rarely carry
                                     references.
                    missing          assignment notes
                  services(5) tcp  absent
                  nmap             nmap-services not installed

                source: test.xml of 2025-12-15
                """)
        #expect(host.requests.isEmpty)
    }

    @Test func lookupJSONOverridesTheSessionForOneCommand() {
        let (status, output) = converse(["lookup 22 --json; version"], explorer: explorer)
        #expect(status == 0)
        let lines = output.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix(#"{"command":"lookup","ok":true,"#))
        #expect(lines[0].contains(#""query":"22""#))
        // A JSON line is no text block: the text after it needs no blank line.
        #expect(lines.dropFirst().joined(separator: "\n") == "porthole 0.1.0\nregistry: test.xml of 2025-12-15\n")
        #expect(explorer.settings.format == .text)
    }

    @Test func ghostsOnTheFixedTerritory() throws {
        let text = try Territory.text("ghosts", in: explorer)
        #expect(
            text.contains(
                """
                Named registrations by range and verdict (see 'explain ghosts'): 2 cite no
                document, 1 have no description beyond the name, 1 documented ones are observed
                too, and 0 have transports that disagree. Beside the registry, the verdicts use
                the 5 sockets listening here (read via fixed).
                """))
        #expect(
            text.hasSuffix(
                """
                2991  wkstn-mon  tcp, udp  William David
                      ghost by the registry and the listeners here; no services(5) file was read
                        and nmap's frequencies were not available, which could only add
                        evidence.
                      missing: a reference, a listener here that looks like it, a description
                        beyond the name, assignment notes
                      noted: On this host python3 (pid 4242) listens on 127.0.0.1:2991/tcp; it
                        does not look like wkstn-mon, so it shows the port is used, not that
                        wkstn-mon exists.
                """))
        #expect(host.requests == [TerritoryRequest(ports: nil)])
        let json = try Territory.json("ghosts --listening", in: explorer)
        #expect(json["pool"] == 1)
        #expect(
            failure(of: "ghosts --listening", in: makeExplorer(host: Territory.host(territory: nil)))
                == "ghosts --listening: cannot see what listens on this host: this host's sockets cannot be read")
    }

    @Test func stats() throws {
        let text = try Territory.text("stats", in: explorer)
        #expect(text.hasPrefix("records           5"))
        #expect(text.contains("\n  tcp             4  transport\n"))
        #expect(
            text.hasSuffix(
                """
                Named registrations by registration date:
                  DECADE   REGISTRATIONS
                  undated              3

                source: test.xml of 2025-12-15
                """))
        let json = try Territory.json("stats", in: explorer)
        #expect(json["records"] == 5 && json["named"] == 4 && json["people"] == 1 && json["stale"] == false)
    }

    @Test func helpListsTheCommands() throws {
        let text = try Territory.text("help", in: explorer)
        #expect(text.hasPrefix("lookup     What the registry (the map) says about a port, range, name or keyword\n"))
        #expect(
            text.hasSuffix(
                "quit       Leave porthole (Ctrl-D does the same)\n\nType 'help COMMAND' for its arguments and examples. Separate commands with ';'."
            ))
    }

    @Test(arguments: [
        "lookup", "who", "snapshot", "diff", "ghosts", "stats", "update", "explain", "help", "set", "history",
        "version", "quit",
    ])
    func helpNameIsTheSameAsDashDashHelp(command: String) throws {
        let help = try Territory.text("help \(command)", in: explorer)
        #expect(try Territory.text("\(command) --help", in: explorer) == help)
        #expect(try Territory.text("\(command) -h", in: explorer) == help)
        #expect(host.requests.isEmpty)
    }

    @Test func helpLookup() throws {
        let help = try Territory.text("lookup -h", in: explorer)
        #expect(
            help.hasPrefix(
                """
                lookup QUERY... [--search WORD] [--limit N]

                What the registry (the map) says about a port, range, name or keyword.

                Each QUERY is a port (2991), a port on one transport (2991/udp), a range
                """))
        #expect(
            help.hasSuffix(
                """
                Options:
                  --search WORD    Search names and descriptions for WORD (same as ~WORD)
                  --limit N        Show at most N rows for ranges and keywords (0: all)
                  --help           Show this command's help (also -h)
                  --json           Print this command's answer as JSON, one object a line
                  --format FORMAT  Print this command's answer as text, json, csv or tsv
                  --no-header      Leave out the header row in CSV and TSV
                """))
    }

    @Test func setFormatJSONAppliesToTheSession() {
        let (status, output) = converse(["set format json", "version"], explorer: explorer)
        #expect(status == 0)
        #expect(
            output.stdout == """
                {"command":"set","ok":true,"color":"auto","format":"json","pager":true}
                {"command":"version","ok":true,"source":{"kind":"file","path":"test.xml","updated":"2025-12-15"},"version":"0.1.0"}

                """)
        #expect(explorer.settings.format == .json)
    }

    @Test func setColorNeverStopsColouringOnATerminal() throws {
        let explorer = Explorer(
            host: host, environment: ExplorerEnvironment(input: .interactive, stdoutIsTerminal: true))
        #expect(explorer.colorsText)
        #expect(text(of: "help", in: explorer).contains("\u{1B}[36mlookup\u{1B}[0m"))
        #expect(text(of: "set color never", in: explorer) == "color is now never\n")
        #expect(explorer.settings.color == .never && !explorer.colorsText)
        #expect(!text(of: "help", in: explorer).contains("\u{1B}["))
        #expect(text(of: "set", in: explorer) == "format text\ncolor  never\npager  on\n")
    }

    @Test func setPagerOffIsASetting() throws {
        let explorer = Explorer(host: host, environment: ExplorerEnvironment(input: .interactive))
        #expect(explorer.pagesText)
        #expect(text(of: "set pager off", in: explorer) == "pager is now off\n")
        #expect(!explorer.pagesText)
        #expect(text(of: "set", in: explorer).hasSuffix("pager  off\n"))
        #expect(text(of: "set pager ON", in: explorer) == "pager is now on\n")
        #expect(explorer.pagesText)
        let (_, output) = converse(["set pager maybe"], explorer: explorer)
        #expect(output.stderr == "error: set pager: expected on or off, not 'maybe'\n")
    }

    @Test func version() throws {
        #expect(try Territory.text("version", in: explorer) == "porthole 0.1.0\nregistry: test.xml of 2025-12-15")
        #expect(
            try Territory.json("version", in: explorer) == [
                "version": "0.1.0", "source": ["kind": "file", "path": "test.xml", "updated": "2025-12-15"],
            ])
    }

    @Test func historyAtThePrompt() throws {
        let explorer = makeExplorer(host: Territory.host(history: ["a", "b"]), input: .interactive)
        #expect(try Territory.text("history", in: explorer) == "1  a\n2  b")
        #expect(try Territory.json("history", in: explorer) == ["history": ["a", "b"]])
    }

    @Test func historyWorksInAScriptAndClears() throws {
        let host = Territory.host(history: ["a", "b, \"c\""])
        let explorer = makeExplorer(host: host, input: .script)
        #expect(try Territory.text("history", in: explorer) == "1  a\n2  b, \"c\"")
        #expect(text(of: "history --format csv", in: explorer) == "number,command\r\n1,a\r\n2,\"b, \"\"c\"\"\"\r\n")
        #expect(try Territory.text("history --clear", in: explorer) == "history cleared (2 entries forgotten)")
        #expect(host.savedHistory == [])
        #expect(try Territory.text("history", in: explorer) == "no history yet")
        #expect(failure(of: "history 3", in: explorer) == "history: unexpected argument '3'; 'history' takes none")
        let none = makeExplorer(host: Territory.host(history: nil), input: .interactive)
        #expect(
            failure(of: "history", in: none)
                == "history: neither XDG_STATE_HOME nor HOME is set, so no history is kept")
        #expect(failure(of: "history --clear", in: none) == "history --clear: this host keeps no history")
    }

    @Test func quitEndsTheConversation() {
        let (status, output) = converse(["version", "quit", "version"], explorer: explorer)
        #expect(status == 0)
        #expect(output.stdout == "porthole 0.1.0\nregistry: test.xml of 2025-12-15\n")
        #expect(output.stderr == "")
    }

    static let report = UpdateReport(
        path: "/data/registry.bin", oldUpdated: Day(year: 2025, month: 12, day: 15),
        newUpdated: Day(year: 2026, month: 11, day: 20),
        oldRecordCount: 5, newRecordCount: 6_000, comparedWith: .updated, added: 5_996, removed: 1, changed: 2,
        previousProblem: nil
    )

    @Test func updateHandsTheRequestToTheHost() throws {
        var asked: [RegistryInstall] = []
        host.install = { request throws(CommandError) in
            asked.append(request)
            return Self.report
        }
        let text = try Territory.text("update --from /tmp/iana.xml --timeout 30", in: explorer)
        #expect(asked == [RegistryInstall(origin: .file("/tmp/iana.xml"), timeoutSeconds: 30, showProgress: false)])
        #expect(
            text == """
                Updated the registry at /data/registry.bin.
                date: 2025-12-15 → 2026-11-20
                records: 6,000 (was 5)
                compared with the previous copy: 5,996 added, 1 removed, 2 changed
                note: the session still answers from test.xml (--registry), which takes precedence
                """)
        _ = try Territory.text("update", in: explorer)
        #expect(
            asked.last
                == RegistryInstall(origin: .url(RegistryUpdater.defaultURL), timeoutSeconds: 120, showProgress: false))
        let terminal = Explorer(
            host: host, environment: ExplorerEnvironment(input: .interactive, stdoutIsTerminal: true))
        _ = try Territory.text("update --url https://example.org/r.xml", in: terminal)
        #expect(
            asked.last
                == RegistryInstall(origin: .url("https://example.org/r.xml"), timeoutSeconds: 120, showProgress: true))
        _ = try Territory.json("update --json", in: terminal)
        #expect(asked.last?.showProgress == false)
    }

    @Test func aRefusedInstallIsTheCommandsError() {
        host.install = { _ throws(CommandError) in
            throw CommandError(
                "update", problem: "curl: (6) Could not resolve host; the previous registry is still active",
                kind: .unavailable)
        }
        #expect(
            failure(of: "update", in: explorer)
                == "update: curl: (6) Could not resolve host; the previous registry is still active")
        #expect(failure(of: "update --url a --from b", in: explorer) == "update: give either --url or --from, not both")
    }

    @Test func theFixedHostRefusesToInstall() {
        #expect(
            failure(of: "update", in: explorer) == "update: this host's registry is fixed; nothing can be installed")
    }
}
