/// The characters a registry may not hold, found on bytes.
///
/// Registry text is printed to the terminal of whoever runs porthole (often root), and a file
/// given to `--registry` or `update` may come from anyone. XML 1.0 allows only
/// `#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]`, so a document
/// holding ESC or BEL is not XML at all, and IANA's CSV is generated from that XML: both
/// readers refuse the whole file rather than carry an escape sequence into a description.
enum ForbiddenCharacters {
    /// Whether XML 1.0's `Char` production allows this scalar value.
    @inline(__always) static func xmlAllows(_ value: UInt32) -> Bool {
        if value < 0x20 { return value == 0x9 || value == 0xA || value == 0xD }
        return value <= 0xD7FF || (value >= 0xE000 && value <= 0xFFFD) || (value >= 0x10000 && value <= 0x10FFFF)
    }

    /// `U+001B`: how the error messages name a character.
    static func name(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// The first character XML 1.0 forbids in `bytes[from...]`, as its offset and value: a C0
    /// control other than tab, line feed and carriage return, or U+FFFE / U+FFFF (UTF-8
    /// `EF BF BE` / `EF BF BF`). Malformed UTF-8 is not looked for here: decoding turns it into
    /// U+FFFD, which is harmless.
    ///
    /// Sixteen bytes at a time, because this pass runs over the whole 3.8 MB registry on
    /// `update` and `make snapshot`: a block is looked at byte by byte only when it holds a
    /// byte below 0x20 other than the three allowed, or an 0xEF lead byte (rare in IANA's text).
    static func firstInXML(_ bytes: UnsafeBufferPointer<UInt8>, from: Int = 0) -> (offset: Int, value: UInt32)? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        let raw = UnsafeRawPointer(base)
        let space = SIMD16<UInt8>(repeating: 0x20)
        let tab = SIMD16<UInt8>(repeating: 0x09)
        let lineFeed = SIMD16<UInt8>(repeating: 0x0A)
        let carriageReturn = SIMD16<UInt8>(repeating: 0x0D)
        let lead = SIMD16<UInt8>(repeating: 0xEF)
        var i = max(0, from)
        while i + 16 <= count {
            let block = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            let control = (block .< space) .& (block .!= tab) .& (block .!= lineFeed) .& (block .!= carriageReturn)
            if any(control .| (block .== lead)) {
                if let found = firstInXMLSlowly(base, i, i + 16, count) { return found }
            }
            i += 16
        }
        return firstInXMLSlowly(base, i, count, count)
    }

    /// The same, byte by byte, over `start..<end` (a three-byte sequence may run up to `count`).
    private static func firstInXMLSlowly(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ count: Int) -> (
        offset: Int, value: UInt32
    )? {
        var i = start
        while i < end {
            let b = base[i]
            if b < 0x20, b != 0x09, b != 0x0A, b != 0x0D { return (i, UInt32(b)) }
            if b == 0xEF, i + 2 < count, base[i + 1] == 0xBF, base[i + 2] == 0xBE || base[i + 2] == 0xBF {
                return (i, base[i + 2] == 0xBE ? 0xFFFE : 0xFFFF)
            }
            i += 1
        }
        return nil
    }

    /// Whether `bytes` may hold a control character by the line readers' rule: false when it
    /// surely holds none (no byte below 0x20 but tab and line feed, no DEL, no 0xC2 lead byte).
    /// One pass, sixteen bytes at a time, so that a clean file (every installed one) skips
    /// `firstControlInLine` on each of nmap-services' 27,000 lines.
    static func mayHoldLineControl(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let count = bytes.count
        let raw = UnsafeRawPointer(base)
        let space = SIMD16<UInt8>(repeating: 0x20)
        let tab = SIMD16<UInt8>(repeating: 0x09)
        let lineFeed = SIMD16<UInt8>(repeating: 0x0A)
        let delete = SIMD16<UInt8>(repeating: 0x7F)
        let lead = SIMD16<UInt8>(repeating: 0xC2)
        var i = 0
        while i + 16 <= count {
            let block = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            let control = (block .< space) .& (block .!= tab) .& (block .!= lineFeed)
            if any(control .| (block .== delete) .| (block .== lead)) { return true }
            i += 16
        }
        while i < count {
            let b = base[i]
            if (b < 0x20 && b != 0x09 && b != 0x0A) || b == 0x7F || b == 0xC2 { return true }
            i += 1
        }
        return false
    }

    /// The first control character in `bytes[start..<end]`, for the line readers of services(5)
    /// and nmap-services: a C0 control other than tab, DEL, or a C1 control (UTF-8 `C2 80` to
    /// `C2 9F`). Carriage returns at the very end are the line end of a CRLF file, not text.
    static func firstControlInLine(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (
        offset: Int, value: UInt32
    )? {
        var end = end
        while end > start, base[end - 1] == 0x0D { end -= 1 }
        var i = start
        while i < end {
            let b = base[i]
            if (b < 0x20 && b != 0x09) || b == 0x7F { return (i, UInt32(b)) }
            if b == 0xC2, i + 1 < end, base[i + 1] >= 0x80, base[i + 1] <= 0x9F { return (i, UInt32(base[i + 1])) }
            i += 1
        }
        return nil
    }
}
