/// A strict RFC 8259 reader into porthole's own `JSON` values, for snapshot files.
///
/// porthole had only a writer; reading what it wrote back (and whatever else lands in a file
/// with that name) needs a parser that refuses anything doubtful rather than guessing: no
/// comments, trailing commas, leading zeros, `NaN`, single quotes, byte-order mark, unpaired
/// surrogates, invalid UTF-8, raw control characters in strings, or duplicate keys. Nesting
/// is limited (`maximumDepth`) so a file of ten million `[` cannot exhaust the stack. Like the
/// writer it avoids Foundation, for start-up time.
///
/// Objects come back as `.object`, whole numbers that fit an `Int` as `.int`, other numbers
/// as `.double`.
enum JSONReader {
    /// How deep arrays and objects may nest; snapshots need five.
    static let maximumDepth = 64

    /// What is wrong with a text and where: the byte offset (from 0), and the line and column
    /// (from 1, columns counted in bytes) of the first byte that could not be read.
    struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        enum Problem: Equatable, Sendable {
            case empty
            case unexpectedEnd(expecting: String)
            case unexpected(byte: UInt8, expecting: String)
            case invalidNumber
            case invalidEscape
            case invalidUnicodeEscape
            case unpairedSurrogate
            case controlCharacterInString
            case invalidUTF8
            case duplicateKey(String)
            case tooDeep
            case trailingText
            case byteOrderMark
        }

        let problem: Problem
        let offset: Int
        let line: Int
        let column: Int

        var description: String { "\(what) at line \(line), column \(column) (byte \(offset))" }

        /// The problem in words; a byte is named as a character when printable, else in hex.
        var what: String {
            switch problem {
            case .empty: return "no JSON value: the text is empty"
            case .unexpectedEnd(let expecting): return "the text ends where \(expecting) should follow"
            case .unexpected(let byte, let expecting):
                let shown =
                    (0x21...0x7e).contains(byte)
                    ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16, uppercase: true))"
                return "\(shown) where \(expecting) should be"
            case .invalidNumber: return "a malformed number"
            case .invalidEscape: return "an unknown escape in a string"
            case .invalidUnicodeEscape: return "a \\u escape without four hex digits"
            case .unpairedSurrogate: return "a \\u escape of half a surrogate pair"
            case .controlCharacterInString: return "a raw control character inside a string"
            case .invalidUTF8: return "bytes that are not UTF-8"
            case .duplicateKey(let key): return "the key \"\(Visible.text(String(key.prefix(80))))\" given twice"
            case .tooDeep: return "arrays and objects nested deeper than \(JSONReader.maximumDepth)"
            case .trailingText: return "more text after the JSON value"
            case .byteOrderMark: return "a byte-order mark before the JSON value"
            }
        }
    }

    /// The one JSON value `bytes` hold, or where and why they do not.
    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSON {
        try bytes.withUnsafeBufferPointer { (buffer) throws(Failure) -> JSON in
            var parser = Parser(bytes: buffer)
            return try parser.document()
        }
    }

    /// The reader itself; `TerritorySnapshot.decodeDirect` drives it member by member.
    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var depth = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func fail(_ problem: Failure.Problem, at offset: Int? = nil) -> Failure {
            let offset = min(offset ?? index, bytes.count)
            var line = 1
            var lineStart = 0
            for i in 0..<offset where bytes[i] == UInt8(ascii: "\n") {
                line += 1
                lineStart = i + 1
            }
            return Failure(problem: problem, offset: offset, line: line, column: offset - lineStart + 1)
        }

        mutating func document() throws(Failure) -> JSON {
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { throw fail(.byteOrderMark) }
            skipWhitespace()
            if index == bytes.count { throw fail(.empty) }
            let value = try self.value()
            skipWhitespace()
            if index != bytes.count { throw fail(.trailingText) }
            return value
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func value() throws(Failure) -> JSON {
            guard index < bytes.count else { throw fail(.unexpectedEnd(expecting: "a value")) }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object()
            case UInt8(ascii: "["): return try array()
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            case let byte: throw fail(.unexpected(byte: byte, expecting: "a value"))
            }
        }

        mutating func literal(_ word: StaticString, _ value: JSON) throws(Failure) -> JSON {
            let start = index
            for expected in UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount) {
                guard index < bytes.count else { throw fail(.unexpectedEnd(expecting: "'\(word)'")) }
                guard bytes[index] == expected else {
                    throw fail(
                        .unexpected(byte: bytes[index], expecting: "'\(word)'"), at: index == start ? start : index)
                }
                index += 1
            }
            return value
        }

        mutating func enter() throws(Failure) {
            depth += 1
            if depth > JSONReader.maximumDepth { throw fail(.tooDeep) }
        }

        mutating func expect(_ byte: UInt8, _ expecting: String) throws(Failure) {
            skipWhitespace()
            guard index < bytes.count else { throw fail(.unexpectedEnd(expecting: expecting)) }
            guard bytes[index] == byte else { throw fail(.unexpected(byte: bytes[index], expecting: expecting)) }
            index += 1
        }

        mutating func object() throws(Failure) -> JSON {
            try enter()
            index += 1
            var members: [String: JSON] = [:]
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                depth -= 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count else { throw fail(.unexpectedEnd(expecting: "a key")) }
                guard bytes[index] == UInt8(ascii: "\"") else {
                    throw fail(.unexpected(byte: bytes[index], expecting: "a key in double quotes"))
                }
                let keyStart = index
                let key = try string()
                try expect(UInt8(ascii: ":"), "':' after a key")
                skipWhitespace()
                let value = try self.value()
                guard members.updateValue(value, forKey: key) == nil else {
                    throw fail(.duplicateKey(key), at: keyStart)
                }
                skipWhitespace()
                guard index < bytes.count else { throw fail(.unexpectedEnd(expecting: "',' or '}'")) }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    depth -= 1
                    return .object(members)
                case let byte: throw fail(.unexpected(byte: byte, expecting: "',' or '}'"))
                }
            }
        }

        mutating func array() throws(Failure) -> JSON {
            try enter()
            index += 1
            var items: [JSON] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return .array(items)
            }
            while true {
                skipWhitespace()
                items.append(try value())
                skipWhitespace()
                guard index < bytes.count else { throw fail(.unexpectedEnd(expecting: "',' or ']'")) }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    depth -= 1
                    return .array(items)
                case let byte: throw fail(.unexpected(byte: byte, expecting: "',' or ']'"))
                }
            }
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, exactly.
        mutating func number() throws(Failure) -> JSON {
            let start = index
            var integral = true
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            func isDigit(_ i: Int) -> Bool { i < bytes.count && (0x30...0x39).contains(bytes[i]) }
            guard isDigit(index) else { throw fail(.invalidNumber, at: start) }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
                if isDigit(index) { throw fail(.invalidNumber, at: start) }
            } else {
                while isDigit(index) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                integral = false
                index += 1
                guard isDigit(index) else { throw fail(.invalidNumber, at: start) }
                while isDigit(index) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                integral = false
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    index += 1
                }
                guard isDigit(index) else { throw fail(.invalidNumber, at: start) }
                while isDigit(index) { index += 1 }
            }
            // Up to 18 digits cannot overflow an Int: summed here, with no text made.
            let digits = index - start - (bytes[start] == UInt8(ascii: "-") ? 1 : 0)
            if integral, digits <= 18 {
                var whole = 0
                for i in (index - digits)..<index { whole = whole &* 10 &+ Int(bytes[i] &- UInt8(ascii: "0")) }
                return .int(bytes[start] == UInt8(ascii: "-") ? -whole : whole)
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if integral, let whole = Int(text) { return .int(whole) }
            guard let real = Double(text), real.isFinite else { throw fail(.invalidNumber, at: start) }
            return .double(real)
        }

        /// A string, from its opening quote; escapes decoded, UTF-8 checked.
        mutating func string() throws(Failure) -> String {
            index += 1
            // Most strings hold no escape: made straight from their bytes, with no copy between.
            let start = index
            var high: UInt8 = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let run = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    if high < 0x80 { return String(decoding: run, as: UTF8.self) }
                    return try utf8(run, endingAt: index)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                high |= byte
                index += 1
            }
            index = start
            var out: [UInt8] = []
            var runStart = index
            while true {
                guard index < bytes.count else { throw fail(.unexpectedEnd(expecting: "a closing '\"'")) }
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                    index += 1
                    return try utf8(out, endingAt: index)
                case UInt8(ascii: "\\"):
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                    try escape(into: &out)
                    runStart = index
                case 0..<0x20:
                    throw fail(.controlCharacterInString)
                default:
                    index += 1
                }
            }
        }

        /// The bytes of one string as text, refusing invalid UTF-8 (the stdlib would repair it).
        func utf8<Bytes: Collection<UInt8>>(_ bytes: Bytes, endingAt end: Int) throws(Failure) -> String {
            var iterator = bytes.makeIterator()
            var decoder = UTF8()
            while true {
                switch decoder.decode(&iterator) {
                case .scalarValue: continue
                case .emptyInput: return String(decoding: bytes, as: UTF8.self)
                case .error: throw fail(.invalidUTF8, at: end - 1)
                }
            }
        }

        mutating func escape(into out: inout [UInt8]) throws(Failure) {
            let start = index
            index += 1
            guard index < bytes.count else { throw fail(.unexpectedEnd(expecting: "an escape")) }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(byte)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = UInt32(try hex4())
                if (0xD800...0xDBFF).contains(scalar) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u")
                    else { throw fail(.unpairedSurrogate, at: start) }
                    index += 2
                    let low = UInt32(try hex4())
                    guard (0xDC00...0xDFFF).contains(low) else { throw fail(.unpairedSurrogate, at: start) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw fail(.unpairedSurrogate, at: start)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw fail(.invalidUnicodeEscape, at: start) }
                out.append(contentsOf: String(unicode).utf8)
            default:
                throw fail(.invalidEscape, at: start)
            }
        }

        mutating func hex4() throws(Failure) -> UInt16 {
            var value: UInt16 = 0
            for _ in 0..<4 {
                guard index < bytes.count else { throw fail(.unexpectedEnd(expecting: "four hex digits")) }
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail(.invalidUnicodeEscape)
                }
                value = value << 4 | UInt16(digit)
                index += 1
            }
            return value
        }
    }
}
