/// A small, fast, non-validating XML tokenizer for the shape of IANA's registries.
///
/// It handles the five predefined entities and numeric character references, CDATA sections,
/// comments, processing instructions, a DOCTYPE without an internal subset, and mixed content.
/// It does not resolve namespaces (prefixes are kept as part of names) or external entities.
/// Malformed input throws a `RegistryError` naming the line, and so does a character XML 1.0
/// forbids (`checkCharacters()` for the bytes, the reference decoder for `&#27;`).
struct XMLScanner {
    enum Token: Equatable {
        case start(name: String, attributes: [(String, String)], selfClosing: Bool)
        case end(name: String)
        case text(String)
        case eof

        static func == (a: Token, b: Token) -> Bool {
            switch (a, b) {
            case (.start(let n1, let a1, let s1), .start(let n2, let a2, let s2)):
                n1 == n2 && s1 == s2 && a1.map { $0.0 } == a2.map { $0.0 } && a1.map { $0.1 } == a2.map { $0.1 }
            case (.end(let n1), .end(let n2)): n1 == n2
            case (.text(let t1), .text(let t2)): t1 == t2
            case (.eof, .eof): true
            default: false
            }
        }
    }

    let bytes: UnsafeBufferPointer<UInt8>
    let file: String
    private(set) var pos = 0
    /// Offset where the most recent token began; for error lines.
    private(set) var tokenStart = 0
    private var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, file: String) {
        self.bytes = bytes
        self.file = file
        // A UTF-8 byte order mark is allowed before the prolog.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { pos = 3 }
        scratch.reserveCapacity(256)
    }

    /// 1-based line of a byte offset.
    func line(at offset: Int) -> Int {
        var n = 1
        var i = 0
        let end = min(offset, bytes.count)
        while i < end {
            if bytes[i] == 10 { n += 1 }
            i += 1
        }
        return n
    }

    /// Throws for the first character XML 1.0 forbids anywhere in the bytes (text, attribute
    /// values, comments, tags): one pass before tokenizing, so that no token's loop has to look.
    func checkCharacters() throws(RegistryError) {
        if let (offset, value) = ForbiddenCharacters.firstInXML(bytes, from: pos) {
            throw error("character \(ForbiddenCharacters.name(value)) is not allowed in XML", at: offset)
        }
    }

    func error(_ problem: String, at offset: Int? = nil) -> RegistryError {
        RegistryError(file: file, location: "line \(line(at: offset ?? tokenStart))", problem: problem)
    }

    private func starts(with literal: StaticString, at i: Int) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        let p = literal.utf8Start
        for k in 0..<n where bytes[i + k] != p[k] { return false }
        return true
    }

    private func find(_ literal: StaticString, from i: Int) -> Int? {
        let n = literal.utf8CodeUnitCount
        let first = literal.utf8Start[0]
        var j = i
        while j + n <= bytes.count {
            if bytes[j] == first && starts(with: literal, at: j) { return j }
            j += 1
        }
        return nil
    }

    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 10 || b == 13 || b == 9 }
    @inline(__always) private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57)
            || b == 45 || b == 95 || b == 46 || b == 58 || b >= 0x80
    }

    /// The next token; comments, processing instructions and DOCTYPE are skipped.
    /// Adjacent text and CDATA come back as separate `.text` tokens.
    mutating func next() throws(RegistryError) -> Token {
        while true {
            tokenStart = pos
            guard pos < bytes.count else { return .eof }
            if bytes[pos] != UInt8(ascii: "<") { return .text(try readText()) }
            if starts(with: "<!--", at: pos) {
                guard let end = find("-->", from: pos + 4) else { throw error("unterminated comment") }
                pos = end + 3
                continue
            }
            if starts(with: "<![CDATA[", at: pos) {
                guard let end = find("]]>", from: pos + 9) else { throw error("unterminated CDATA section") }
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[(pos + 9)..<end]), as: UTF8.self)
                pos = end + 3
                return .text(text)
            }
            if starts(with: "<?", at: pos) {
                guard let end = find("?>", from: pos + 2) else { throw error("unterminated processing instruction") }
                pos = end + 2
                continue
            }
            if starts(with: "<!", at: pos) {
                // DOCTYPE or other declaration; an internal subset is not supported.
                var j = pos + 2
                while j < bytes.count && bytes[j] != 62 {
                    if bytes[j] == UInt8(ascii: "[") { throw error("DOCTYPE internal subsets are not supported") }
                    j += 1
                }
                guard j < bytes.count else { throw error("unterminated declaration") }
                pos = j + 1
                continue
            }
            if pos + 1 < bytes.count && bytes[pos + 1] == UInt8(ascii: "/") {
                pos += 2
                let name = try readName()
                skipSpace()
                guard pos < bytes.count, bytes[pos] == 62 else { throw error("malformed end tag </\(name)") }
                pos += 1
                return .end(name: name)
            }
            pos += 1
            let name = try readName()
            var attributes: [(String, String)] = []
            while true {
                skipSpace()
                guard pos < bytes.count else { throw error("unterminated start tag <\(name)") }
                let b = bytes[pos]
                if b == 62 {
                    pos += 1
                    return .start(name: name, attributes: attributes, selfClosing: false)
                }
                if b == 47 {
                    guard pos + 1 < bytes.count, bytes[pos + 1] == 62 else {
                        throw error("malformed start tag <\(name)")
                    }
                    pos += 2
                    return .start(name: name, attributes: attributes, selfClosing: true)
                }
                let attr = try readName()
                skipSpace()
                guard pos < bytes.count, bytes[pos] == 61 else {
                    throw error("attribute \(attr) of <\(name)> has no value")
                }
                pos += 1
                skipSpace()
                guard pos < bytes.count, bytes[pos] == 34 || bytes[pos] == 39 else {
                    throw error("attribute \(attr) of <\(name)> is not quoted")
                }
                let quote = bytes[pos]
                pos += 1
                let value = try readUntil(quote)
                attributes.append((attr, value))
            }
        }
    }

    private mutating func skipSpace() {
        while pos < bytes.count && Self.isSpace(bytes[pos]) { pos += 1 }
    }

    private mutating func readName() throws(RegistryError) -> String {
        let start = pos
        while pos < bytes.count && Self.isNameByte(bytes[pos]) { pos += 1 }
        guard pos > start else {
            if pos >= bytes.count { throw error("unexpected end of input inside a tag") }
            throw error("expected a name, found \(Self.show(bytes[pos]))", at: pos)
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
    }

    static func show(_ b: UInt8) -> String {
        b >= 32 && b < 127 ? "'\(Character(Unicode.Scalar(b)))'" : "byte \(b)"
    }

    /// Text up to the next `<`, entities decoded.
    private mutating func readText() throws(RegistryError) -> String {
        let start = pos
        var hasEntity = false
        while pos < bytes.count && bytes[pos] != 60 {
            if bytes[pos] == 38 { hasEntity = true }
            pos += 1
        }
        if !hasEntity {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        }
        return try decodeEntities(start, pos)
    }

    /// An attribute value up to the closing quote, entities decoded.
    private mutating func readUntil(_ quote: UInt8) throws(RegistryError) -> String {
        let start = pos
        var hasEntity = false
        while pos < bytes.count && bytes[pos] != quote {
            if bytes[pos] == 38 { hasEntity = true }
            if bytes[pos] == 60 { throw error("'<' inside an attribute value", at: pos) }
            pos += 1
        }
        guard pos < bytes.count else { throw error("unterminated attribute value", at: start) }
        let end = pos
        pos += 1
        if !hasEntity {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        return try decodeEntities(start, end)
    }

    private mutating func decodeEntities(_ start: Int, _ end: Int) throws(RegistryError) -> String {
        scratch.removeAll(keepingCapacity: true)
        var i = start
        while i < end {
            let b = bytes[i]
            if b != 38 {
                scratch.append(b)
                i += 1
                continue
            }
            var j = i + 1
            while j < end && j - i < 12 && bytes[j] != 59 { j += 1 }
            guard j < end, bytes[j] == 59 else { throw error("unterminated entity reference", at: i) }
            let ref = UnsafeBufferPointer(rebasing: bytes[(i + 1)..<j])
            let name = String(decoding: ref, as: UTF8.self)
            switch name {
            case "amp": scratch.append(38)
            case "lt": scratch.append(60)
            case "gt": scratch.append(62)
            case "quot": scratch.append(34)
            case "apos": scratch.append(39)
            default:
                guard name.hasPrefix("#") else { throw error("unknown entity &\(name);", at: i) }
                let digits = name.dropFirst()
                let value: UInt32? =
                    digits.hasPrefix("x") || digits.hasPrefix("X")
                    ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
                guard let value, value == 0 || Unicode.Scalar(value) != nil else {
                    throw error("invalid character reference &\(name);", at: i)
                }
                // A reference may not name what the bytes may not hold: `&#x1b;` is ESC all the same.
                guard ForbiddenCharacters.xmlAllows(value), let scalar = Unicode.Scalar(value) else {
                    throw error("character \(ForbiddenCharacters.name(value)) is not allowed in XML", at: i)
                }
                scratch.append(contentsOf: String(Character(scalar)).utf8)
            }
            i = j + 1
        }
        return String(decoding: scratch, as: UTF8.self)
    }
}
