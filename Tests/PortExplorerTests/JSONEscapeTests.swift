import Foundation
import PortRegistry
import Testing

@testable import PortExplorer

/// Strings of printable ASCII are copied whole, found eight bytes at a time; every byte that
/// needs an escape must still be found wherever it stands in the word.
@Suite struct JSONEscapeTests {
    /// The encoding of one ASCII byte, as the rules in `JSON.encodeString` have it.
    static func expected(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\""): return "\\\""
        case UInt8(ascii: "\\"): return "\\\\"
        case UInt8(ascii: "\n"): return "\\n"
        case UInt8(ascii: "\r"): return "\\r"
        case UInt8(ascii: "\t"): return "\\t"
        case 0..<0x20, 0x7f:
            let hex = String(byte, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: return String(UnicodeScalar(byte))
        }
    }

    /// Every ASCII byte at every place of words of `a`s, around the lengths eight-byte runs
    /// break at: `body(text, byte, before, after, where)`, with the `a`s before and after it.
    static func everyASCIIByteAtEveryPlace(_ body: (String, UInt8, String, String, String) -> Void) {
        for length in [1, 7, 8, 9, 16, 19] {
            for at in 0..<length {
                for byte in UInt8(0)..<0x80 {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[at] = byte
                    body(
                        String(decoding: bytes, as: UTF8.self), byte, String(repeating: "a", count: at),
                        String(repeating: "a", count: length - at - 1), "byte \(byte) at \(at) of \(length)")
                }
            }
        }
    }

    @Test func everyASCIIByteAtEveryPlaceOfAWord() {
        Self.everyASCIIByteAtEveryPlace { text, byte, before, after, place in
            #expect(JSON.string(text).encoded == "\"" + before + Self.expected(byte) + after + "\"", "\(place)")
        }
    }

    @Test func nonASCIIStillGoesThroughTheScalarRules() {
        #expect(JSON.string("abcdefgh\u{e9}ijklmnop").encoded == "\"abcdefgh\u{e9}ijklmnop\"")
        #expect(JSON.string("abcdefgh\u{202e}ijklmnop").encoded == "\"abcdefgh\\u202eijklmnop\"")
        #expect(JSON.string("").encoded == "\"\"")
    }
}

/// Text output copies runs of printable ASCII eight bytes at a time; every byte that is
/// written out must still be found wherever it stands in the word.
@Suite struct VisibleRunTests {
    @Test func everyASCIIByteAtEveryPlaceOfAWord() {
        JSONEscapeTests.everyASCIIByteAtEveryPlace { text, byte, before, after, place in
            let scalar = Unicode.Scalar(byte)
            let printable = byte >= 0x20 && byte < 0x7f
            let outside =
                byte == UInt8(ascii: "\\") ? "\\\\" : printable ? String(scalar) : Visible.escape(scalar)
            #expect(Visible.text(text) == before + outside + after, "\(place)")
            let whole = printable || byte == 0x0a ? String(scalar) : Visible.escape(scalar)
            #expect(Visible.output(text, colors: false) == before + whole + after, "\(place)")
        }
    }

    @Test func runsAroundNonASCIIAndColours() {
        let dash = "abcdefghij\u{2014}klmnopqrstuvwxyz\nabcdefgh\u{202e}ijklmnop"
        #expect(Visible.text(dash) == "abcdefghij\u{2014}klmnopqrstuvwxyz\\nabcdefgh<U+202E>ijklmnop")
        let painted = "abcdefgh\(Palette.red.sequence)ijklmnopq\(Palette.reset.sequence)rstuvwxyz"
        #expect(Visible.output(painted, colors: true) == painted)
        #expect(Visible.output(painted, colors: false) == painted.replacingOccurrences(of: "\u{1B}", with: "\\e"))
    }
}

@Suite struct JSONNumberTests {
    @Test func integersAreWrittenAsStringWritesThem() {
        for value in [0, 1, 9, 10, 99, 100, 65535, 65536, Int.max, -1, -65535, Int.min] {
            var out: [UInt8] = []
            JSON.appendDecimal(value, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(value))
            #expect(JSON.int(value).encoded == String(value))
        }
    }
}

/// A JSON line in pieces (`linePieces`) is, written one after another, the line itself, with
/// each long encoded part a piece of its own, the array it was encoded into.
@Suite struct JSONLinePiecesTests {
    static let long = Array(("[" + String(repeating: "1,", count: JSON.ownPiece / 2) + "1]").utf8)
    static let short: [UInt8] = Array("[1,2]".utf8)

    @Test(arguments: [
        JSON.fields([.init("command", "lookup"), .init("ok", true), .init("records", .encoded(long))]),
        JSON.fields([.init("a", .encoded(long)), .init("b", .encoded(long)), .init("c", .encoded(short))]),
        JSON.array([.encoded(long), .fields([.init("inner", .encoded(long))]), "x"]),
        ["k": .encoded(long), "l": .encoded(short), "m": .null],
        JSON.fields([.init("records", .encoded(short))]),
        JSON.encoded(long),
    ])
    func piecesMakeTheLine(_ value: JSON) {
        let pieces = value.linePieces
        #expect(Array(pieces.joined()) == value.lineBytes)
        let longOnes = pieces.filter { $0.count >= JSON.ownPiece }
        #expect(longOnes.allSatisfy { $0 == Self.long })
        #expect(pieces.last?.last == UInt8(ascii: "\n"))
    }

    /// The transcript writes a JSON answer in pieces; an output that takes them whole joins them.
    @Test func aTranscriptWritesTheWholeLine() throws {
        let explorer = makeExplorer(host: FixedHost(registry: try Registry.embedded(), maps: OtherMaps()))
        let output = RecordedOutput()
        let transcript = Transcript(explorer: explorer, output: output)
        for outcome in explorer.evaluate("lookup 0-65535 --limit 0 --json") { transcript.record(outcome, line: 1) }
        let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        #expect(object?["command"] as? String == "lookup")
        #expect(output.stdout.hasSuffix("}\n") && output.stdout.utf8.count > JSON.ownPiece)
    }
}
