import Foundation
import PortListeners
import PortRegistry
import Testing

@testable import PortExplorer

/// Text other people chose (process names, command lines, user names, registry fields, services
/// and nmap names, history) reaches the text renderer full of escapes, and must not reach the
/// terminal: every command's own rendering already shows it escaped (checked before the
/// transcript's last line of defence), and JSON keeps the original.
@Suite struct HostileTextTests {
    /// ESC ] 0 ; … BEL (retitle), CSI (cursor), OSC 52 (clipboard), a C1 CSI, a bidi override
    /// and a zero-width joiner.
    static let hostile = "\u{1B}]0;PWN\u{07}x\u{1B}[2J\u{1B}]52;c;cHduZWQ=\u{07}\u{9B}31m\u{202E}evil\u{200D}"
    static let process = "py" + hostile
    static let command = "python3 -c 'evil'\n\u{1B}[1A\u{1B}[2Kfake line"
    static let user = "u\u{1B}[8m"

    static let records: [ServiceRecord] = [
        ServiceRecord(
            name: "wkstn-mon", ports: PortRange(2991), transport: .tcp, description: "WKSTN" + hostile,
            assignees: ["Mallory"], contacts: ["Mallory"], notes: "a note\n\u{1B}[31mred"),
        ServiceRecord(
            name: "evil\u{1B}name", ports: PortRange(2992), transport: .tcp, description: "tab\there",
            unauthorizedUses: "uses\u{07}"),
    ]

    static let listener = Listener(
        transport: .tcp, address: "127.0.0.1", port: 2991, uid: 1000, user: user, inode: 77, v6Only: nil,
        owners: [SocketOwner(pid: 4242, process: process, command: command, uid: 1000, user: user, startedAt: nil)])

    static func explorer(color: ColorMode = .auto) -> Explorer {
        let maps = OtherMaps(
            services: [ServiceKey(port: 2991, transport: .tcp): ["svc\u{1B}]0;x\u{07}"]], servicesPath: "/etc/services",
            nmap: [ServiceKey(port: 2991, transport: .tcp): NmapEntry(name: "nm\u{202E}ap", frequency: 0.001)],
            nmapPath: "/usr/share/nmap/nmap-services")
        let host = FixedHost(
            registry: makeRegistry(
                records: records, people: [Person(id: "Mallory", name: "Mal\u{1B}[5mlory", organization: "Org\u{9B}")]),
            maps: maps, territory: [listener],
            settings: HostPortSettings(ephemeralRange: 40000...50000, unprivilegedPortStart: 1024, reservedPorts: []),
            history: ["lookup \u{1B}[31m22"])
        return Explorer(
            host: host, environment: ExplorerEnvironment(input: .interactive), settings: Settings(color: color))
    }

    /// Every character that acts on a terminal or hides itself, with its offset; line breaks
    /// and, when colours are on, porthole's palette are allowed.
    static func rawControls(in text: String, colors: Bool) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var found: [String] = []
        var i = 0
        while i < scalars.count {
            if colors, scalars[i] == "\u{1B}", let n = Palette.sequenceLength(in: scalars, at: i, value: \.value) {
                i += n
                continue
            }
            if scalars[i] != "\n", Visible.isHidden(scalars[i]) {
                found.append("U+\(String(scalars[i].value, radix: 16)) at \(i)")
            }
            i += 1
        }
        return found
    }

    static let lines = [
        "who", "who 2991", "who --wide", "who 2991 --process py", "explain 2991", "explain 2991/tcp",
        "ghosts --listening", "ghosts --limit 0", "ghosts 2990-2995", "lookup 2991", "lookup 2992", "lookup 2990-2995",
        "lookup ~wkstn", "history", "explain wkstn-mon",
    ]

    @Test(arguments: lines)
    func commandsRenderNoRawControlCharacter(line: String) throws {
        let explorer = Self.explorer()
        for outcome in explorer.evaluate(line) {
            let result = try outcome.result.get()
            for context in [
                TextContext(width: 80), TextContext(width: 80, color: true, terminal: true),
                TextContext(width: 40, color: true, terminal: true),
            ] {
                let text = result.text(context)
                #expect(Self.rawControls(in: text, colors: context.color) == [], "\(line): \(text.debugDescription)")
            }
            if let table = result.table {
                for format in [OutputFormat.csv, .tsv] {
                    let out = Transcript(explorer: explorer, output: RecordedOutput())
                        .render(outcome, format: format, line: 1).stdout
                    let layout = format == .csv ? "\r\n\t" : "\t\n"
                    let stray = out.unicodeScalars.filter {
                        Visible.isHidden($0) && !layout.unicodeScalars.contains($0)
                    }
                    #expect(stray.isEmpty, "\(line) as \(format) (\(table.rows.count) rows): \(out.debugDescription)")
                }
            }
        }
    }

    @Test func whoShowsTheEscapesOnItsRow() throws {
        let text = try Territory.text("who 2991 --wide", in: Self.explorer())
        let row = try #require(text.split(separator: "\n").dropFirst().first)
        #expect(
            row.contains(
                #"py\e]0;PWN\x07x\e[2J\e]52;c;cHduZWQ=\x07\x9b31m<U+202E>evil<U+200D>/4242  u\e[8m"#),
            "\(text)")
        // The command line's line break is written out: no line of the answer starts with
        // what came after it.
        #expect(text.contains(#"\n\e[1A\e[2Kfake"#) && !text.contains("\nfake"), "\(text)")
    }

    @Test func jsonKeepsTheOriginals() throws {
        let line = JSON.object(try Territory.json("who 2991", in: Self.explorer())).line
        // Escaped as \uXXXX, C1 and bidi characters too: the decoded strings are the originals.
        #expect(!line.unicodeScalars.dropLast().contains { Visible.isHidden($0) }, "\(line)")
        let decoded = try #require(
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        let listener = try #require((decoded["listeners"] as? [[String: Any]])?.first)
        let owner = try #require((listener["owners"] as? [[String: Any]])?.first)
        #expect(owner["process"] as? String == Self.process)
        #expect(owner["command"] as? String == Self.command)
        #expect(listener["user"] as? String == Self.user)
        #expect(line.contains(#""process":"py\u001b]0;PWN\u0007x\u001b[2J"#), "\(line)")
        #expect(line.contains(#"\u009b31m\u202eevil\u200d""#), "\(line)")
        let lookup = JSON.object(try Territory.json("lookup 2991", in: Self.explorer())).line
        #expect(lookup.contains(#""description":"WKSTN\u001b]0;PWN\u0007x"#), "\(lookup)")
    }

    @Test func theTranscriptLetsOnlyItsOwnColoursThrough() {
        let explorer = Self.explorer(color: .always)
        let output = RecordedOutput()
        let transcript = Transcript(explorer: explorer, output: output)
        // A message that quotes what was typed, with an escape in it.
        for outcome in explorer.evaluate("lookup \u{1B}[31mX\u{07}; who 2991") { transcript.record(outcome, line: 1) }
        #expect(Self.rawControls(in: output.stdout, colors: true) == [], "\(output.stdout.debugDescription)")
        #expect(Self.rawControls(in: output.stderr, colors: false) == [], "\(output.stderr.debugDescription)")
        #expect(output.stderr.contains(#"'\e[31mX\x07'"#), "\(output.stderr.debugDescription)")
    }

    @Test func namesWithEscapesAreNeverOfferedForCompletion() {
        let explorer = Self.explorer()
        #expect(explorer.complete("lookup ev").candidates == [])
        #expect(explorer.complete("lookup wk").candidates == ["wkstn-mon"])
    }

    @Test func escapesHaveOneStyle() {
        #expect(Visible.text("a\u{1B}b\u{07}c\u{7F}d\u{85}e\t\n\r\\") == #"a\eb\x07c\x7fd\x85e\t\n\r\\"#)
        #expect(
            Visible.text("x\u{202E}y\u{200B}z\u{FEFF}\u{2028}\u{AD}") == "x<U+202E>y<U+200B>z<U+FEFF><U+2028><U+00AD>")
        #expect(Visible.text("plain ünïcödé 日本語 ✓ 😀") == "plain ünïcödé 日本語 ✓ 😀")
        #expect(
            Visible.output("keep\n\u{1B}[1mbold\u{1B}[0m \u{1B}[8mhidden", colors: true)
                == "keep\n\u{1B}[1mbold\u{1B}[0m \\e[8mhidden")
        #expect(Visible.output("\u{1B}[1mbold", colors: false) == "\\e[1mbold")
        #expect(Visible.output(#"C:\path"#, colors: false) == #"C:\path"#)
        #expect(Visible.typed("explain a\\b\u{1B}") == #"explain a\b\e"#)
    }

    @Test func widthsAreMeasuredOnWhatIsPrinted() {
        var table = Table(header: ["A", "B"])
        table.add([Visible.text("x\u{1B}y"), "end"])
        table.add(["plain", "end"])
        let lines = table.render(TextContext(width: 80)).split(separator: "\n")
        #expect(lines.map { $0.firstRange(of: "end")?.lowerBound.utf16Offset(in: $0) } == [nil, 7, 7])
        #expect(DisplayWidth.of("a\u{07}b") == 6 && DisplayWidth.of("\u{1B}[1mab\u{1B}[0m") == 2)
        // Without an escape sequence, scalar by scalar: punctuation 1, wide 2, marks 0,
        // hidden characters as their escapes.
        #expect(DisplayWidth.of("—") == 1 && DisplayWidth.of("a–b “c” d…") == 10)
        #expect(DisplayWidth.of("日本") == 4 && DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("a\u{202E}b") == 10 && DisplayWidth.of("é\u{07}") == 5)
    }
}
