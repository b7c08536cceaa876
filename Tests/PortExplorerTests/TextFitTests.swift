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

    /// `Wrap.keepsWhole` says a line comes back from the wrap unchanged only when it does, and
    /// says so for `who --hosts`' usual sentences (their dash included), so they skip the wrap.
    @Test func keepsWholeOnlyWhatTheWrapKeeps() {
        let sentences = [
            "22/tcp: sshd on 1000 of 1000 hosts — registered to ssh, matches",
            "2991/tcp: python3 on 100 of 1000 hosts — registered to wkstn-mon, differs",
            "1042/udp: python3 (3), node (2) on 5 of 1000 hosts — registered to afrog; differs on 3, matches on 2",
        ]
        for s in sentences {
            #expect(Wrap.keepsWhole(s, width: 80) == (s.unicodeScalars.count <= 80))
            #expect(Wrap.text(s, width: 80) == s || !Wrap.keepsWhole(s, width: 80))
        }
        #expect(DisplayWidth.of("—") == 1)
        let odd = [
            "", " ", "a", "a ", " a", "a  b", "- a list", "$ a command", "a\nb", "a\n\nb", "a\rb", "tab\there",
            "\u{1B}[31mred\u{1B}[0m", "wide 漢字漢字漢字漢字", "e\u{301} accent", "a \u{301}b", "zero\u{200B}width",
            "'quoted span of words' after", "a — b — c", "—", "\u{7F}", "ünïcode words here", "🙂 🙂 🙂 🙂",
            "x — " + String(repeating: "y", count: 60), String(repeating: "ab ", count: 30) + "end",
        ]
        var checked = 0
        for text in odd {
            for width in [1, 5, 10, 20, 40, 80] {
                if Wrap.keepsWhole(text, width: width) {
                    #expect(Wrap.text(text, width: width) == text, "\(text.debugDescription) at \(width)")
                    checked += 1
                }
            }
        }
        #expect(checked > 20)
        #expect(!Wrap.keepsWhole("a  b", width: 80) && !Wrap.keepsWhole("a\nb", width: 80))
        #expect(!Wrap.keepsWhole("- a", width: 80) && !Wrap.keepsWhole("x — y", width: 4))
        #expect(Wrap.keepsWhole("x — y", width: 5) && Wrap.keepsWhole("wide 漢字", width: 9))
        #expect(!Wrap.keepsWhole("wide 漢字", width: 8))
    }

    /// The byte-level wrap of plain lines gives what the general wrap gives, at every width.
    @Test func plainLinesWrapAsTheGeneralWay() {
        var texts = [
            "1024/tcp: memcached (1), nginx (1), python3 (1) on 3 of 1000 hosts — registered to nothing, unregistered",
            "22/tcp: sshd on 1000 of 1000 hosts — registered to ssh, matches",
            "a", "averyveryverylongwordthatdoesnotfitanywhere and then — some more words",
            "x —— y — z", "(\"quoted\") [brackets] {braces} \\back\\slash ~tilde` 100% #1 a&b",
        ]
        var generator = SystemRandomNumberGenerator()
        let words = ["a", "bb", "ccc", "dddddddd", "—", "x—y", "registered", "(1),", "0123456789012345678901234"]
        for _ in 0..<200 {
            let count = Int.random(in: 1...30, using: &generator)
            texts.append((0..<count).map { _ in words.randomElement(using: &generator)! }.joined(separator: " "))
        }
        var plain = 0
        for text in texts {
            for width in [1, 3, 8, 20, 33, 60, 80, 120] {
                let general = Wrap.generalFill(text, width: width, first: "", rest: "")
                if let fast = Wrap.plainLine(text, width: width) {
                    #expect(fast == general, "\(text.debugDescription) at \(width)")
                    plain += 1
                }
                #expect(Wrap.text(text, width: width) == general)
            }
        }
        #expect(plain == texts.count * 8)
        for odd in ["", " a", "a ", "a  b", "- a", "$ a", "it's", "a\nb", "tab\tx", "ünï", "a \u{1B}[1m"] {
            #expect(Wrap.plainLine(odd, width: 2) == nil, "\(odd.debugDescription)")
        }
    }

    /// The byte-level fill of plain text with indents gives what the general fill gives, at
    /// every width; anything else (a quote, a tab, a character beyond ASCII) is left to it.
    @Test func plainFillsAsTheGeneralWay() {
        var texts = [
            "missing: a reference, nmap sightings above the cut-off, a listener here that looks like it",
            "noted: nmap found 356/udp open on only 0.061% of the hosts it scanned, below its UDP cut-off of 0.10%.",
            "ghost by the registry, services(5), nmap's frequencies and the listeners here.", "", " ", "a",
            "  leading and trailing  ", "runs   of    spaces", "averyveryverylongwordthatdoesnotfitanywhere x",
            "(\"quoted\") [brackets] {braces} \\back\\slash ~tilde` 100% #1 a&b",
        ]
        var generator = SystemRandomNumberGenerator()
        let words = ["a", "bb", "ccc", "dddddddd", "", " ", "(1),", "0123456789012345678901234", "it's", "'x y'", "é"]
        for _ in 0..<300 {
            let count = Int.random(in: 1...30, using: &generator)
            texts.append((0..<count).map { _ in words.randomElement(using: &generator)! }.joined(separator: " "))
        }
        let indents = [("", ""), ("      ", "        "), ("- ", "  "), ("on 3 of 5 hosts: ", "    ")]
        var plain = 0
        for text in texts {
            for width in [1, 3, 8, 20, 33, 60, 80, 120] {
                for (first, rest) in indents {
                    let general = Wrap.generalFill(text, width: width, first: first, rest: rest)
                    let fast = Wrap.plainFill(text, width: width, first: first, rest: rest)
                    if let fast {
                        #expect(fast == general, "\(text.debugDescription) at \(width), \(first.debugDescription)")
                        plain += 1
                    }
                    #expect(Wrap.fill(text, width: width, first: first, rest: rest) == general)
                }
            }
        }
        // Every fixed text but the one with a quote is plain, at every width and indent.
        #expect(plain >= 9 * 8 * indents.count)
        for odd in ["it's", "a\tb", "a\nb", "ünï", "a \u{1B}[1m", "x — y"] {
            #expect(Wrap.plainFill(odd, width: 2, first: "", rest: "") == nil, "\(odd.debugDescription)")
        }
        #expect(Wrap.plainFill("a", width: 2, first: "\t", rest: "") == nil)
    }
}
