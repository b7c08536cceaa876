/// A minimal, strict JSON reader for what container runtimes print (`podman ps --format
/// json`, `docker ps --format '{{json .}}'`, Docker's `config.v2.json`).
///
/// porthole keeps Foundation out of its modules for start-up time, and the runtimes' output
/// is text another program wrote: so this reader accepts RFC 8259 JSON only, nests at most
/// `maxDepth` deep (no stack overflow on `[[[[…`), and never traps on any input.
enum RuntimeJSON: Equatable, Sendable {
    case null
    case bool(Bool)
    /// Kept as written; `int` reads it when it is a whole number.
    case number(String)
    case string(String)
    case array([RuntimeJSON])
    /// Members in document order; a repeated key keeps its first value when read by `[key]`.
    case object([(String, RuntimeJSON)])

    static let maxDepth = 64

    /// Why a text is not JSON, and where.
    struct Malformed: Error, Equatable, Sendable, CustomStringConvertible {
        var offset: Int
        var problem: String
        var description: String { "not JSON at byte \(offset): \(problem)" }
    }

    static func == (a: RuntimeJSON, b: RuntimeJSON) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)):
            x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// One JSON value filling all of `bytes` (whitespace aside).
    static func parse(_ bytes: [UInt8]) throws(Malformed) -> RuntimeJSON {
        var reader = Reader(bytes: bytes)
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.index == bytes.count else { throw reader.fail("text after the value") }
        return value
    }

    subscript(key: String) -> RuntimeJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var array: [RuntimeJSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// A whole number that fits an Int; nil for fractions, exponents and anything else.
    var int: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        func fail(_ problem: String) -> Malformed { Malformed(offset: index, problem: problem) }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ word: String) throws(Malformed) {
            for b in word.utf8 {
                guard index < bytes.count, bytes[index] == b else { throw fail("expected '\(word)'") }
                index += 1
            }
        }

        mutating func value(depth: Int) throws(Malformed) -> RuntimeJSON {
            guard depth < RuntimeJSON.maxDepth else { throw fail("nested deeper than \(RuntimeJSON.maxDepth)") }
            guard index < bytes.count else { throw fail("unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"):
                try expect("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expect("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expect("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw fail("unexpected character")
            }
        }

        mutating func object(depth: Int) throws(Malformed) -> RuntimeJSON {
            index += 1
            var members: [(String, RuntimeJSON)] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                let key = try string()
                skipSpace()
                try expect(":")
                skipSpace()
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard index < bytes.count else { throw fail("unexpected end in an object") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(members)
                } else {
                    throw fail("expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws(Malformed) -> RuntimeJSON {
            index += 1
            var elements: [RuntimeJSON] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipSpace()
                elements.append(try value(depth: depth + 1))
                skipSpace()
                guard index < bytes.count else { throw fail("unexpected end in an array") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(elements)
                } else {
                    throw fail("expected ',' or ']'")
                }
            }
        }

        mutating func number() throws(Malformed) -> RuntimeJSON {
            let start = index
            func digits(_ r: inout Reader) -> Int {
                let from = r.index
                while r.index < r.bytes.count, (0x30...0x39).contains(r.bytes[r.index]) { r.index += 1 }
                return r.index - from
            }
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            let intStart = index
            let whole = digits(&self)
            guard whole > 0 else { throw fail("a number needs digits") }
            if whole > 1, bytes[intStart] == UInt8(ascii: "0") { throw fail("leading zero") }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits(&self) > 0 else { throw fail("a fraction needs digits") }
            }
            if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    index += 1
                }
                guard digits(&self) > 0 else { throw fail("an exponent needs digits") }
            }
            return .number(String(decoding: bytes[start..<index], as: UTF8.self))
        }

        mutating func hex4() throws(Malformed) -> UInt32 {
            guard index + 4 <= bytes.count else { throw fail("short \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[index]
                let d: UInt8
                switch c {
                case 0x30...0x39: d = c - 0x30
                case 0x41...0x46: d = c - 0x41 + 10
                case 0x61...0x66: d = c - 0x61 + 10
                default: throw fail("bad \\u escape")
                }
                v = v << 4 | UInt32(d)
                index += 1
            }
            return v
        }

        mutating func string() throws(Malformed) -> String {
            index += 1
            var out: [UInt8] = []
            while true {
                guard index < bytes.count else { throw fail("unterminated string") }
                let c = bytes[index]
                index += 1
                switch c {
                case UInt8(ascii: "\""):
                    // Invalid UTF-8 becomes U+FFFD: runtimes pass names through, and no reader
                    // of ours should fail a whole listing on one byte.
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { throw fail("unterminated escape") }
                    let e = bytes[index]
                    index += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar), index + 6 <= bytes.count,
                            bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                        {
                            let save = index
                            index += 2
                            let low = try hex4()
                            if (0xDC00...0xDFFF).contains(low) {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                index = save
                            }
                        }
                        // A lone surrogate is no scalar: it becomes U+FFFD.
                        out += Array(String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
                    default: throw fail("bad escape")
                    }
                case 0..<0x20: throw fail("control character in a string")
                default: out.append(c)
                }
            }
        }
    }
}
