import PortRegistry
import Testing

@testable import PortExplorer

/// A range's or keyword's text table is laid out straight from the fast form's bytes
/// (`RecordTable`); every line must read byte for byte as `Table.render` lays out the
/// general path's cells (`RecordTable.generalCells` of each decoded row).
@Suite struct RecordTableTests {
    static let contexts: [TextContext] = [20, 40, 60, 80, 120].flatMap { width in
        [
            TextContext(width: width, terminal: true), TextContext(width: width, terminal: false),
            TextContext(width: width, color: true, terminal: true),
        ]
    }

    /// The general path's table, as `lookup` laid it out before the fast path.
    static func general(_ rows: RecordRows, _ cells: [[String]], _ context: TextContext) -> String {
        var table = Table(header: RecordTable.header)
        for row in cells { table.add(row) }
        return table.render(context, indent: 2)
    }

    /// Line by line, so a difference names its row.
    static func expectSame(_ rows: RecordRows) {
        let merged = rows.merged()
        let cells = merged.map { RecordTable.generalCells(rows.record($0)) }
        for context in contexts {
            let want = general(rows, cells, context)
            let got = RecordTable.render(rows, merged, context, indent: 2)
            // Byte for byte: String equality would take canonically equivalent texts as equal.
            guard !got.utf8.elementsEqual(want.utf8) else { continue }
            let wantLines = want.split(separator: "\n", omittingEmptySubsequences: false)
            let gotLines = got.split(separator: "\n", omittingEmptySubsequences: false)
            let first =
                (0..<min(wantLines.count, gotLines.count)).first { wantLines[$0] != gotLines[$0] }
                ?? min(wantLines.count, gotLines.count)
            let gotLine = first < gotLines.count ? String(gotLines[first]) : "(none)"
            let wantLine = first < wantLines.count ? String(wantLines[first]) : "(none)"
            let message =
                "width \(context.width) terminal \(context.terminal) color \(context.color), line \(first): "
                + "\(gotLine) != \(wantLine)"
            Issue.record(Comment(rawValue: message))
            return
        }
    }

    @Test func everyRowOfTheEmbeddedRegistry() throws {
        let registry = try Registry.embedded()
        let rows = RecordRows(registry, Array(0..<registry.recordCount))
        #expect(rows.merged().count > 7_000)
        Self.expectSame(rows)
        // A page of rows, and a keyword's.
        let keyword = RecordRows(registry, registry.searchIndices("e"))
        Self.expectSame(RecordRows(registry, Array(keyword.indices.prefix(50))))
    }

    @Test func hostileTexts() {
        let hostile = [
            "plain", "", "quote \" and backslash \\", "line\nbreak\r\ttab", "nul \u{0} bell \u{7} del \u{7f}",
            "escape \u{1b}[31mred", "colour \u{1b}[2mdim\u{1b}[0m", "caf\u{e9} \u{2014} dash", "C1 \u{85} \u{9b}",
            "bidi \u{202e}gnp.exe", "zero\u{200b}width \u{feff}", "emoji \u{1f600} and \u{10ffff}",
            "abcdefgh\u{202e}ijklmnop", "wide 漢字漢字漢字漢字漢字漢字漢字漢字 columns", "e\u{301}\u{301} marks",
            "trailing spaces       before the cut point and more words after it",
            "a                                          b", String(repeating: "x", count: 70) + "\"",
            String(repeating: "long words ", count: 12), "tab\tin the middle of a long enough description",
        ]
        var records: [ServiceRecord] = []
        for (i, text) in hostile.enumerated() {
            records.append(
                ServiceRecord(
                    name: i % 5 == 4 ? text : "n\(i)" + text, ports: PortRange(UInt16(i * 3000), UInt16(i * 3000 + i)),
                    transport: Transport.allCases[i % 4], description: text))
            records.append(
                ServiceRecord(
                    name: i % 5 == 4 ? text : "n\(i)" + text, ports: PortRange(UInt16(i * 3000), UInt16(i * 3000 + i)),
                    transport: Transport.allCases[(i + 1) % 4], description: text))
            records.append(ServiceRecord(ports: PortRange(UInt16(i)), description: text))
        }
        // Records without a name are reserved or unassigned by a case-insensitive prefix.
        for description in [
            "Reserved", "RESERVED for later", "reserved\u{301}", "Unassigned", "unassigned \u{e9}", "UNASSİGNED",
            "Unassign", "reserve", " Reserved", "Reserved\u{202e}", "",
        ] {
            records.append(ServiceRecord(ports: PortRange(40000, 40010), transport: .udp, description: description))
            records.append(ServiceRecord(name: "named", ports: PortRange(1), description: description))
        }
        records.append(ServiceRecord(name: "_portless", description: "a name without a port"))
        records.append(ServiceRecord(name: "", ports: PortRange(65535), description: "an empty name"))
        records.append(ServiceRecord(name: "nodescription", ports: PortRange(7)))
        let registry = makeRegistry(records: records)
        Self.expectSame(RecordRows(registry, Array(0..<registry.recordCount)))
        // Rows of one kind only, so each hostile text sets the widths and is cut.
        for (i, _) in hostile.enumerated() {
            Self.expectSame(RecordRows(registry, [3 * i, 3 * i + 1, 3 * i + 2]))
        }
    }

    /// A record that cannot be read takes the general path, which says so.
    @Test func unreadableRecordsTakeTheGeneralPath() {
        let registry = makeRegistry(records: sampleRecords)
        let rows = RecordRows(registry, [0, registry.recordCount, 1])
        #expect(registry.recordFields(at: registry.recordCount) == nil)
        Self.expectSame(rows)
    }

    /// `Visible`'s net gives a text back whole when nothing in it is escaped, and escapes
    /// what follows any number of characters beyond ASCII: scalar by scalar, as a reference.
    @Test func visibleAfterCharactersBeyondASCII() {
        func reference(_ text: String, backslash: Bool, colors: Bool) -> String {
            let scalars = Array(text.unicodeScalars)
            var out = ""
            var i = 0
            while i < scalars.count {
                let scalar = scalars[i]
                if scalar == "\u{1B}", colors, let n = Palette.sequenceLength(in: scalars, at: i, value: \.value) {
                    out.unicodeScalars.append(contentsOf: scalars[i..<(i + n)])
                    i += n
                    continue
                }
                if scalar == "\n" && !backslash {
                    out.unicodeScalars.append(scalar)
                } else if scalar == "\\" && backslash {
                    out += "\\\\"
                } else if Visible.isHidden(scalar) {
                    out += Visible.escape(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
                i += 1
            }
            return out
        }
        let pieces = [
            "plain words ", "\n", "·", "—", "…", "é", "e\u{301}", "漢", "\u{1f600}", "\u{10ffff}", "\u{7f}", "\u{85}",
            "\u{a0}", "\u{ad}", "\u{200b}", "\u{2028}", "\u{202e}", "\u{feff}", "\u{1B}[2m", "\u{1B}[0m", "\u{1B}]0;x",
            "\\", "\t", "\r", "\u{0}", "12345678", "abcdefghijklmnop",
        ]
        var texts = pieces
        for a in pieces { for b in pieces { texts.append(a + b + "tail") } }
        for a in pieces {
            texts.append(String(repeating: "row of text — ", count: 9) + "\n" + a + String(repeating: "x", count: 13))
        }
        for text in texts {
            for colors in [false, true] {
                let got = Visible.output(text, colors: colors)
                #expect(got.utf8.elementsEqual(reference(text, backslash: false, colors: colors).utf8), "\(text)")
            }
            #expect(Visible.text(text).utf8.elementsEqual(reference(text, backslash: true, colors: false).utf8))
        }
    }
}
