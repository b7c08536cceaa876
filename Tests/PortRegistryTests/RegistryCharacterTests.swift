import Foundation
import PortholeTestSupport
import Testing

@testable import PortRegistry

/// Readers refuse what their format forbids (issue 16): registry text reaches the terminal of
/// whoever runs porthole, so an escape sequence must not get in through a registry, services
/// file or download.
@Suite struct HostileRegistryTextTests {
    /// A small registry whose second record's description is `description` (raw bytes).
    static func xml(description: [UInt8]) -> [UInt8] {
        Array("<registry>\n<updated>2025-01-02</updated>\n<record><name>a</name><number>1</number></record>\n".utf8)
            + Array("<record><name>wkstn-mon</name><protocol>tcp</protocol><number>2991</number><description>".utf8)
            + description + Array("</description></record>\n</registry>\n".utf8)
    }

    static func read(_ bytes: [UInt8]) -> String? {
        errorMessage { () throws(RegistryError) in try IANAXMLReader.read(bytes, file: "t.xml") }
    }

    @Test(
        "A character reference to a character XML 1.0 forbids is refused, naming the line and the character",
        arguments: [
            ("&#x1b;]0;PWN&#x7;", "U+001B"), ("WKSTN &#27;[2J", "U+001B"), ("bell &#7;", "U+0007"),
            ("&#X1B;", "U+001B"), ("nul &#0;", "U+0000"), ("&#x1F;", "U+001F"), ("&#xFFFE;", "U+FFFE"),
            ("&#xffff;", "U+FFFF"),
        ])
    func forbiddenReferences(description: String, character: String) {
        #expect(
            Self.read(Self.xml(description: Array(description.utf8)))
                == "t.xml: line 4: character \(character) is not allowed in XML")
    }

    @Test(
        "A raw byte XML 1.0 forbids is refused wherever it is: text, attribute, comment, tag",
        arguments: [
            ([0x1B], "U+001B"), ([0x07], "U+0007"), ([0x00], "U+0000"), ([0x0F], "U+000F"),
            ([0xEF, 0xBF, 0xBE], "U+FFFE"), ([0xEF, 0xBF, 0xBF], "U+FFFF"),
        ] as [([UInt8], String)])
    func forbiddenRawBytes(bytes: [UInt8], character: String) {
        let message = "t.xml: line 4: character \(character) is not allowed in XML"
        #expect(Self.read(Self.xml(description: Array("x".utf8) + bytes + Array("]0;PWN".utf8))) == message)
        let places: [(String, String)] = [
            ("<record note=\"", "\"><name>b</name></record>"), ("<!-- ", " -->"), ("<record", "/>"),
        ]
        for (before, after) in places {
            let file =
                Array("<registry>\n<updated>2025-01-02</updated>\n<record><name>a</name></record>\n".utf8)
                + Array(before.utf8) + bytes + Array(after.utf8) + Array("\n</registry>\n".utf8)
            #expect(Self.read(file) == message, "\(before)…\(after)")
        }
    }

    @Test("The raw scan finds a forbidden byte at every position of its 16-byte blocks, and the line is right")
    func everyPosition() {
        for padding in 0..<40 {
            for line in [0, 1, 3] {
                let text = Array(String(repeating: "\n", count: line).utf8) + Array(repeating: 0x61, count: padding)
                let message = Self.read(Self.xml(description: text + [0x1B]))
                #expect(message == "t.xml: line \(4 + line): character U+001B is not allowed in XML", "\(padding)")
                let special = Self.read(Self.xml(description: text + [0xEF, 0xBF, 0xBF]))
                #expect(special == "t.xml: line \(4 + line): character U+FFFF is not allowed in XML", "\(padding)")
            }
        }
    }

    @Test("What XML 1.0 allows still reads: tab, line breaks, DEL and C1 (for the renderer), U+FFFD, astral")
    func allowedCharacters() throws {
        let allowed = "a\tb &#9;&#xA;&#xD; \u{7F} \u{9B} &#x85; \u{FFFD} &#xFFFD; 😀 &#x1F600; \u{FEFF}"
        let document = try IANAXMLReader.read(Self.xml(description: Array(allowed.utf8)), file: "t.xml")
        let description = document.records.last?.description ?? ""
        #expect(description.contains("\u{7F} \u{9B} \u{85} \u{FFFD} \u{FFFD}"), "\(description)")
        #expect(description.contains("😀 😀"))
        #expect(!description.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r" })
    }

    @Test("The real IANA registry holds no forbidden character")
    func realRegistryReads() throws {
        guard Fixtures.hasRealXML else { return }
        #expect(try IANAXMLReader.read(FileIO.readFile(Fixtures.realXML), file: "iana.xml").records.count == 14_496)
    }

    static let csvHeader = IANACSVReader.columns.joined(separator: ",") + "\n"

    @Test("A CSV row holding a control character refuses the file, naming its line, as other bad rows do")
    func csvControlCharacters() {
        func read(_ text: String) -> String? {
            errorMessage { () throws(RegistryError) in try IANACSVReader.read(Array(text.utf8), file: "f.csv") }
        }
        let good = "http,80,tcp,World Wide Web,[Tim],[Tim],,,[RFC9110],,,\n"
        #expect(read(Self.csvHeader + good) == nil)
        #expect(
            read(Self.csvHeader + good + "wkstn-mon,2991,tcp,\"x\u{1B}]0;PWN\u{7}\",,,,,,,,\n")
                == "f.csv: line 3: character U+001B is not allowed in a registry")
        // A quoted field over three lines: the line of the character itself.
        #expect(
            read(Self.csvHeader + "a,1,tcp,\"one\ntwo\nthree\u{7}\",,,,,,,,\n")
                == "f.csv: line 4: character U+0007 is not allowed in a registry")
        #expect(
            read(Self.csvHeader + "a,1,tcp,\"x\u{FFFF}\",,,,,,,,\n")
                == "f.csv: line 2: character U+FFFF is not allowed in a registry")
        // Garbage is still said to be no registry by its header.
        #expect(read("\u{1B}[2J,x\n")?.hasPrefix("f.csv: line 1: header has 2 columns") == true)
    }

    @Test("update refuses a registry holding a forbidden character and keeps the previous copy")
    func updateRefusesAndKeepsThePreviousCopy() throws {
        let dir = try TemporaryFolder()
        defer { dir.cleanup() }
        try dir.write("good.xml", syntheticXML(count: 5_000))
        try dir.write("reference.xml", syntheticXML(count: 5_000, descriptionSuffix: " &#x1b;]0;PWN&#x7;"))
        try dir.write("raw.xml", syntheticXML(count: 5_000, descriptionSuffix: " \u{1B}]0;PWN\u{7}"))
        let dest = dir.file("data/registry.bin")
        let updater = RegistryUpdater(destination: dest)
        _ = try updater.update(from: .file(dir.file("good.xml")))
        let installed = try #require(dir.read("data/registry.bin"))
        for name in ["reference.xml", "raw.xml"] {
            let message = errorMessage { () throws(RegistryError) in try updater.update(from: .file(dir.file(name))) }
            #expect(message == dir.file(name) + ": line 4: character U+001B is not allowed in XML")
            #expect(dir.read("data/registry.bin") == installed, "\(name) touched the previous copy")
        }
    }
}
