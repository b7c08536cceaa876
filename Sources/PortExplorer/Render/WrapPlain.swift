extension Wrap {
    /// `generalFill` on the bytes of plain text: printable ASCII without a quote (so no span
    /// to keep whole), with indents of printable ASCII, where a byte is a column and a word is
    /// a run of bytes between spaces. nil for any other text, which takes the general way:
    /// a page of ghosts wraps a hundred such lines, and splitting each into Strings cost more
    /// than the rest of the page. A test holds the two ways equal.
    static func plainFill(_ text: String, width: Int, first: String, rest: String) -> String? {
        guard isPlain(first, quotes: true), isPlain(rest, quotes: true) else { return nil }
        var text = text
        let filled = text.withUTF8 { bytes -> [UInt8]? in
            guard isPlain(bytes, quotes: false) else { return nil }
            var out = Array(first.utf8)
            out.reserveCapacity(out.count + bytes.count + 16)
            var lineWidth = out.count
            var empty = true
            var i = 0
            while i < bytes.count {
                while i < bytes.count, bytes[i] == UInt8(ascii: " ") { i += 1 }
                let start = i
                while i < bytes.count, bytes[i] != UInt8(ascii: " ") { i += 1 }
                guard i > start else { break }
                let w = i - start
                if !empty && lineWidth + 1 + w > width {
                    out.append(UInt8(ascii: "\n"))
                    out.append(contentsOf: rest.utf8)
                    lineWidth = rest.utf8.count
                    empty = true
                }
                if !empty {
                    out.append(UInt8(ascii: " "))
                    lineWidth += 1
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                lineWidth += w
                empty = false
            }
            return out
        }
        return filled.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether every byte is printable ASCII (a space included), and, unless `quotes`, none is `'`.
    private static func isPlain(_ text: String, quotes: Bool) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && (quotes || $0 != UInt8(ascii: "'")) }
    }

    private static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>, quotes: Bool) -> Bool {
        bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F && (quotes || $0 != UInt8(ascii: "'")) }
    }
}
