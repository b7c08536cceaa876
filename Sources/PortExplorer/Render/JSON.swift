/// A JSON value with a deterministic encoding: no spaces, one line; keys of dictionaries
/// sorted, keys of object literals in the order written.
///
/// porthole writes JSON Lines at up to 100,000 commands a second, so this is a small
/// hand-written encoder rather than Foundation's (which would also cost start-up time).
enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])
    /// An object written as a literal: kept as pairs in the order written (no hashing).
    case fields([Member])
    /// Bytes already encoded as JSON: a value written many times over (a registry's
    /// `source`), or an object from `JSON.Writer`, which skips building a tree.
    case encoded([UInt8])

    /// One key and value of an object literal. A struct, not a tuple: arrays of tuples are
    /// destroyed through the runtime's generic tuple code, a visible cost at 100,000 lines/s.
    struct Member: Sendable {
        var key: String
        var value: JSON

        init(_ key: String, _ value: JSON) {
            self.key = key
            self.value = value
        }
    }

    /// An object literal with its keys in this order.
    static func fields(_ pairs: [(String, JSON)]) -> JSON {
        .fields(pairs.map { Member($0.0, $0.1) })
    }

    /// This value encoded once, to be written many times.
    var preEncoded: JSON { .encoded(bytes(endingWithNewline: false)) }

    /// The members of an object, whichever way it was built; nil for other values.
    var objectFields: [String: JSON]? {
        switch self {
        case .object(let fields): fields
        case .fields(let members): Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        default: nil
        }
    }

    static func == (a: JSON, b: JSON) -> Bool { a.encoded == b.encoded }

    static func optional(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }
    static func optional(_ value: Int?) -> JSON { value.map(JSON.int) ?? .null }
    static func strings(_ values: [String]) -> JSON { .array(values.map(JSON.string)) }

    /// The encoded text, without a trailing newline.
    var encoded: String { String(decoding: bytes(endingWithNewline: false), as: UTF8.self) }

    /// One JSON Lines line: the encoded text and a newline.
    var line: String { String(decoding: lineBytes, as: UTF8.self) }

    /// The same line as UTF-8 bytes, for output that takes them as they are.
    var lineBytes: [UInt8] { bytes(endingWithNewline: true) }

    private func bytes(endingWithNewline newline: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        encode(into: &out)
        if newline { out.append(UInt8(ascii: "\n")) }
        return out
    }

    /// The same line in pieces that, written one after another, are `lineBytes`: each part
    /// already encoded and at least `ownPiece` bytes long is a piece of its own, the very array
    /// it was encoded into, so a broad answer of megabytes is not copied into its line.
    var linePieces: [[UInt8]] {
        var pieces: [[UInt8]]? = []
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        encode(into: &out, pieces: &pieces)
        out.append(UInt8(ascii: "\n"))
        pieces!.append(out)
        return pieces!
    }

    /// How long an encoded part must be to go out as a piece of its own.
    static let ownPiece = 1 << 16

    borrowing func encode(into out: inout [UInt8]) {
        var whole: [[UInt8]]? = nil
        encode(into: &out, pieces: &whole)
    }

    /// `pieces`, when given, takes `out` so far and each long encoded part as they come.
    private borrowing func encode(into out: inout [UInt8], pieces: inout [[UInt8]]?) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): JSON.appendDecimal(i, to: &out)
        case .double(let d):
            if d.isFinite {
                if d == d.rounded(), abs(d) < 1e15 {
                    out.append(contentsOf: String(Int(d)).utf8)
                } else {
                    out.append(contentsOf: String(d).utf8)
                }
            } else {
                out.append(contentsOf: "null".utf8)
            }
        case .string(let s): JSON.encodeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for i in items.indices {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                items[i].encode(into: &out, pieces: &pieces)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (i, key) in fields.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSON.encodeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                fields[key]!.encode(into: &out, pieces: &pieces)
            }
            out.append(UInt8(ascii: "}"))
        case .fields(let members):
            // Written as a literal in code: its keys keep the order they were written in,
            // which is deterministic and reads in a sensible order (name before details).
            out.append(UInt8(ascii: "{"))
            for i in members.indices {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSON.encodeString(members[i].key, into: &out)
                out.append(UInt8(ascii: ":"))
                members[i].value.encode(into: &out, pieces: &pieces)
            }
            out.append(UInt8(ascii: "}"))
        case .encoded(let bytes) where pieces != nil && bytes.count >= JSON.ownPiece:
            pieces!.append(out)
            pieces!.append(bytes)
            out = []
            out.reserveCapacity(4096)
        case .encoded(let bytes):
            // Room for what follows too: growing by the bytes alone, the next comma or
            // bracket would move a long answer again.
            if out.capacity - out.count < bytes.count {
                out.reserveCapacity(Swift.max(2 * out.capacity, out.count + bytes.count + bytes.count / 16 + 64))
            }
            out.append(contentsOf: bytes)
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// Writes one object's members straight to bytes, in the order written. For objects
    /// made once per line at 100,000 lines a second (a lookup's records and ports), where
    /// building a tree of values and tearing it down cost more than the encoding.
    struct Writer {
        private var bytes: [UInt8] = []
        private var needsComma = false

        init() {
            bytes.reserveCapacity(512)
            bytes.append(UInt8(ascii: "{"))
        }

        /// Keys are literals in code, written as they are.
        private mutating func key(_ key: StaticString) {
            if needsComma { bytes.append(UInt8(ascii: ",")) }
            needsComma = true
            bytes.append(UInt8(ascii: "\""))
            key.withUTF8Buffer { bytes.append(contentsOf: $0) }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
        }

        mutating func add(_ name: StaticString, _ value: String?) {
            key(name)
            if let value { JSON.encodeString(value, into: &bytes) } else { bytes.append(contentsOf: "null".utf8) }
        }

        mutating func add(_ name: StaticString, _ value: Int?) {
            key(name)
            guard let value else {
                bytes.append(contentsOf: "null".utf8)
                return
            }
            JSON.appendDecimal(value, to: &bytes)
        }

        mutating func add(_ name: StaticString, _ value: Bool) {
            key(name)
            bytes.append(contentsOf: (value ? "true" : "false").utf8)
        }

        mutating func add(_ name: StaticString, _ value: JSON) {
            key(name)
            value.encode(into: &bytes)
        }

        /// An array of strings, without making a value of each first.
        mutating func add(_ name: StaticString, strings: [String]) {
            key(name)
            bytes.append(UInt8(ascii: "["))
            for i in strings.indices {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                JSON.encodeString(strings[i], into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        }

        /// An array of values (often already encoded), without making an array value first.
        mutating func add(_ name: StaticString, values: some Sequence<JSON>) {
            key(name)
            bytes.append(UInt8(ascii: "["))
            var first = true
            for value in values {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                value.encode(into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        }

        /// An array of objects, each written in place by `member`.
        mutating func add<Element>(
            _ name: StaticString, objects: some Collection<Element>, _ member: (inout Writer, Element) -> Void
        ) {
            key(name)
            bytes.append(UInt8(ascii: "["))
            for (i, element) in objects.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(UInt8(ascii: "{"))
                needsComma = false
                member(&self, element)
                bytes.append(UInt8(ascii: "}"))
            }
            bytes.append(UInt8(ascii: "]"))
            needsComma = true
        }

        /// An array of objects, each written in place by `member`, as one encoded value: a
        /// broad lookup's thousands of records share one buffer instead of one each. `reserving`:
        /// the bytes expected, when the caller can tell, so the buffer is not moved as it grows.
        static func array<Element>(
            _ elements: some Collection<Element>, reserving: Int = 0, _ member: (inout Writer, Element) -> Void
        ) -> JSON {
            var writer = Writer(opening: UInt8(ascii: "["))
            writer.bytes.reserveCapacity(reserving)
            for (i, element) in elements.enumerated() {
                if i > 0 { writer.bytes.append(UInt8(ascii: ",")) }
                writer.bytes.append(UInt8(ascii: "{"))
                writer.needsComma = false
                member(&writer, element)
                writer.bytes.append(UInt8(ascii: "}"))
            }
            writer.bytes.append(UInt8(ascii: "]"))
            return .encoded(writer.bytes)
        }

        private init(opening: UInt8) {
            bytes.reserveCapacity(512)
            bytes.append(opening)
        }

        consuming func finished() -> JSON {
            bytes.append(UInt8(ascii: "}"))
            return .encoded(bytes)
        }
    }

    /// Control characters, and the characters `Visible` writes out on a terminal (C1 controls,
    /// bidi and zero-width characters), are written as `\uXXXX`: the decoded string is the
    /// original, and the encoded line cannot act on the terminal it is printed on.
    static func encodeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            // Most strings are printable ASCII throughout: copied whole once that is known.
            if !mayNeedEscape(bytes) {
                out.append(contentsOf: bytes)
                return
            }
            // Copy runs of bytes that need no escape in one go; most strings are one run. An
            // escape is appended byte by byte: an array literal per escape was a heap
            // allocation each, and command lines can hold thousands of line breaks.
            var runStart = 0
            for (i, byte) in bytes.enumerated()
            where byte < 0x20 || byte == 0x22 || byte == 0x5c || byte == 0x7f || byte >= 0xC0 {
                if byte >= 0xC0 {
                    // A lead byte: the scalar is escaped only when it would hide or act.
                    let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                    let end = min(bytes.count, i + length)
                    guard let scalar = String(decoding: bytes[i..<end], as: UTF8.self).unicodeScalars.first,
                        Visible.isHidden(scalar)
                    else { continue }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                    runStart = end
                    for unit in String(scalar).utf16 { appendUnicodeEscape(unit, to: &out) }
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                runStart = i + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "\n"): out.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): out.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): out.append(UInt8(ascii: "t"))
                default: appendUnicodeDigits(UInt16(byte), to: &out)
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// False only when no byte is below 0x20, a quote, a backslash, DEL or non-ASCII: eight
    /// bytes are looked at together, and a true answer sends the string to the byte loop.
    static func mayNeedEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // Whether some byte of `word` is zero (exact as a yes or no for the whole word).
        @inline(__always) func hasZero(_ word: UInt64) -> Bool { (word &- ones) & ~word & highs != 0 }
        @inline(__always) func suspicious(_ word: UInt64) -> Bool {
            word & highs != 0 || (word &- ones &* 0x20) & ~word & highs != 0 || hasZero(word ^ (ones &* 0x22))
                || hasZero(word ^ (ones &* 0x5c)) || hasZero(word ^ (ones &* 0x7f))
        }
        let raw = UnsafeRawPointer(base)
        var at = 0
        while at + 8 <= bytes.count {
            if suspicious(raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)) { return true }
            at += 8
        }
        while at < bytes.count {
            let byte = bytes[at]
            if byte < 0x20 || byte == 0x22 || byte == 0x5c || byte >= 0x7f { return true }
            at += 1
        }
        return false
    }

    /// `String(value)`'s digits, written without making the String (ports and counts are
    /// written by the thousand).
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        guard value >= 0 else {
            out.append(contentsOf: String(value).utf8)
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var rest = value
            var at = 20
            repeat {
                at -= 1
                digits[at] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[at..<20]))
        }
    }

    /// `\uXXXX`.
    private static func appendUnicodeEscape(_ unit: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        appendUnicodeDigits(unit, to: &out)
    }

    /// `uXXXX`, after a backslash already written.
    private static func appendUnicodeDigits(_ unit: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "u"))
        out.append(hex[Int(unit >> 12 & 0xf)])
        out.append(hex[Int(unit >> 8 & 0xf)])
        out.append(hex[Int(unit >> 4 & 0xf)])
        out.append(hex[Int(unit & 0xf)])
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: JSON...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSON)...) {
        self = JSON.fields(elements)
    }
    init(nilLiteral: ()) { self = .null }
}
