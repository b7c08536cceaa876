import Testing

@testable import PortExplorer

/// Tables and prose fit the width they are given, keep commands whole and end no line in spaces.
@Suite struct TextFitTests {
    static let terminal60 = TextContext(width: 60, terminal: true)
    static let piped = TextContext(width: 60, terminal: false)

    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    static var services: Table {
        var table = Table(header: ["PORT", "NAME", "DESCRIPTION"])
        table.add(["2991", "wkstn-mon", "WKSTN-MON Workstation Monitor, a long description that goes on and on"])
        table.add(["22", "ssh", "The Secure Shell (SSH) Protocol"])
        table.add(["7", "echo", ""])
        return table
    }

    @Test func onATerminalTheLastColumnIsCutWithAnEllipsis() {
        let text = Self.services.render(Self.terminal60)
        #expect(
            text == """
                PORT  NAME       DESCRIPTION
                2991  wkstn-mon  WKSTN-MON Workstation Monitor, a long desc…
                22    ssh        The Secure Shell (SSH) Protocol
                7     echo
                """)
        #expect(Self.lines(text).allSatisfy { DisplayWidth.of($0) <= 60 })
    }

    @Test func pipedRowsStayWhole() {
        let text = Self.services.render(Self.piped)
        #expect(text.contains("a long description that goes on and on"))
        #expect(!text.contains("…"))
    }

    @Test func noLineEndsInSpaces() {
        var table = Table()
        table.rightAligned = [1]
        table.add(["records", "12", ""])
        table.add(["  named", "3", "registered with a name"])
        for context in [Self.terminal60, Self.piped] {
            #expect(Self.lines(table.render(context, indent: 2)).allSatisfy { !$0.hasSuffix(" ") })
        }
        #expect(Self.services.render(Self.piped).hasSuffix("7     echo"))
    }

    @Test func flexibleColumnsGiveWayInOrderAndColoursAreClosed() {
        var table = Table(header: ["PROTO", "PROCESS", "VERDICT"])
        table.flexible = [1]
        table.add(["tcp", "\u{1B}[2mportholePackageTests/12345\u{1B}[0m", "unregistered"])
        let text = table.render(TextContext(width: 30, color: true, terminal: true))
        #expect(text.contains("\u{1B}[2mporthole…\u{1B}[0m"))
        #expect(text.hasSuffix("unregistered"))
        #expect(Self.lines(text).allSatisfy { DisplayWidth.of($0) <= 30 })
    }

    @Test func aCutColumnKeepsAFewCharactersWhileAnotherCanGiveWay() {
        var table = Table()
        table.add([String(repeating: "x", count: 50), "a description of some length"])
        #expect(table.render(Self.terminal60).hasSuffix("  a descr…"))
        var two = Table()
        two.flexible = [1, 2]
        two.add([String(repeating: "x", count: 40), "a process name", "a user name", "verdict"])
        let text = two.render(Self.terminal60)
        #expect(text == String(repeating: "x", count: 40) + "  a…  a us…  verdict")
        #expect(DisplayWidth.of(text) <= 60)
    }

    @Test func wrappedTablesFitEvenWhenTheTextHasDoubleSpaces() {
        var table = Table()
        table.add(["notes", "Defined TXT keys:  u=<username> p=<password> and some more words here"])
        let text = table.render(TextContext(width: 40), indent: 4, wrapping: true)
        #expect(Self.lines(text).allSatisfy { DisplayWidth.of($0) <= 40 && !$0.hasSuffix(" ") })
    }

    @Test func aQuotedCommandIsNeverSplitAcrossLines() {
        let prose =
            "From outside, 'nmap -p 2991 HOST' says whether the port answers (add -sU for UDP), and "
            + "'nmap -sV -p 2991 HOST' tries to recognise what answers ('explain ghosts')."
        for width in 30...90 {
            let lines = Self.lines(Wrap.text(prose, width: width))
            let text = lines.joined(separator: "\n")
            #expect(text.contains("'nmap -p 2991 HOST'"), "width \(width)")
            #expect(text.contains("'nmap -sV -p 2991 HOST'"), "width \(width)")
            #expect(text.contains("('explain ghosts')"), "width \(width)")
            #expect(lines.allSatisfy { DisplayWidth.of($0) <= width }, "width \(width)")
        }
    }

    @Test func apostrophesAndLongSpansWrapAsWords() {
        // A possessive opens no span, and a quote too long for a line breaks between its words.
        #expect(Wrap.units("porthole's map 'a b' c") == ["porthole's", "map", "'a b'", "c"])
        #expect(Wrap.units("'unclosed words go on") == ["'unclosed", "words", "go", "on"])
        let long = "'" + Array(repeating: "word", count: 8).joined(separator: " ") + "'"
        #expect(Self.lines(Wrap.text(long, width: 20)).allSatisfy { DisplayWidth.of($0) <= 20 })
    }
}
