import Testing

@testable import PortExplorer

/// The strict reader: what RFC 8259 allows comes back as written; everything else is refused
/// with the place it went wrong.
@Suite struct JSONReaderTests {
    static func parse(_ text: String) throws(JSONReader.Failure) -> JSON { try JSONReader.parse(Array(text.utf8)) }

    @Test func readsEveryKindOfValue() throws {
        let value = try Self.parse(
            #" { "a" : [1, -0, 2.5, -1e3, 1E+2, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"], "b": {} } "#)
        #expect(
            value
                == .object([
                    "a": [
                        1, 0, .double(2.5), .double(-1000), .double(100), true, false, nil, "x\"\\/\u{8}\u{c}\n\r\té😀",
                    ],
                    "b": .object([:]),
                ]))
        #expect(try Self.parse("9223372036854775807") == .int(Int.max))
        #expect(try Self.parse("92233720368547758070") == .double(92_233_720_368_547_758_070))
    }

    @Test func whatTheWriterWritesReadsBack() throws {
        let hostile = "\u{1B}]0;pwned\u{07} \u{202E}evil\u{200B} \"quoted\" \\ \u{0} end"
        let written: JSON = .object(["name": .string(hostile), "list": [1, "two", nil, .object(["deep": true])]])
        #expect(try JSONReader.parse(Array(written.encoded.utf8)) == written)
    }

    @Test(arguments: [
        ("", JSONReader.Failure.Problem.empty, 1, 1),
        ("  \n ", .empty, 2, 2),
        ("{\"a\":1", .unexpectedEnd(expecting: "',' or '}'"), 1, 7),
        ("[1,]", .unexpected(byte: UInt8(ascii: "]"), expecting: "a value"), 1, 4),
        ("{\"a\":1,}", .unexpected(byte: UInt8(ascii: "}"), expecting: "a key in double quotes"), 1, 8),
        ("{'a':1}", .unexpected(byte: UInt8(ascii: "'"), expecting: "a key in double quotes"), 1, 2),
        ("[01]", .invalidNumber, 1, 2),
        ("[1.]", .invalidNumber, 1, 2),
        ("[-]", .invalidNumber, 1, 2),
        ("[NaN]", .unexpected(byte: UInt8(ascii: "N"), expecting: "a value"), 1, 2),
        ("[1e999]", .invalidNumber, 1, 2),
        ("[tru]", .unexpected(byte: UInt8(ascii: "]"), expecting: "'true'"), 1, 5),
        ("\"a\tb\"", .controlCharacterInString, 1, 3),
        ("\"\\x\"", .invalidEscape, 1, 2),
        ("\"\\u12\"", .invalidUnicodeEscape, 1, 6),
        ("\"\\ud800\"", .unpairedSurrogate, 1, 2),
        ("\"\\udc00\"", .unpairedSurrogate, 1, 2),
        ("{\"a\":1,\n\"a\":2}", .duplicateKey("a"), 2, 1),
        ("{} {}", .trailingText, 1, 4),
        ("\u{FEFF}{}", .byteOrderMark, 1, 1),
        ("// c\n{}", .unexpected(byte: UInt8(ascii: "/"), expecting: "a value"), 1, 1),
    ])
    func refusesWhatIsNotStrictJSON(text: String, problem: JSONReader.Failure.Problem, line: Int, column: Int) {
        #expect(throws: JSONReader.Failure.self) { try Self.parse(text) }
        do {
            _ = try Self.parse(text)
        } catch {
            #expect(error.problem == problem)
            #expect(error.line == line)
            #expect(error.column == column)
        }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: JSONReader.Failure.self) { try JSONReader.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONReader.Failure.self) { try JSONReader.parse([0x22, 0xED, 0xA0, 0x80, 0x22]) }
    }

    @Test func nestingStopsAtTheLimit() throws {
        let limit = JSONReader.maximumDepth
        _ = try Self.parse(String(repeating: "[", count: limit) + String(repeating: "]", count: limit))
        let deep = String(repeating: "[", count: 1_000_000)
        do {
            _ = try Self.parse(deep)
            Issue.record("a million '[' parsed")
        } catch {
            #expect(error.problem == .tooDeep)
            #expect(error.offset == limit)
            #expect(error.description == "arrays and objects nested deeper than 64 at line 1, column 65 (byte 64)")
        }
    }
}
