/// Text that someone other than porthole chose, made visible instead of obeyed.
///
/// porthole is often run as root and prints what any local user can choose (process names,
/// command lines), what any registry or services file says, and what other hosts report. A
/// terminal obeys the control characters in such text: ESC and C1 sequences can retitle the
/// window, write the clipboard (OSC 52), move the cursor and fake or hide lines; bidirectional
/// overrides and zero-width characters make one name read as another. So text output shows
/// them the way `ls -b` and C string literals do, in one style:
///
/// - `\e` for ESC; `\n`, `\r`, `\t` for those; `\xHH` for every other C0 control, DEL and the
///   C1 controls (U+0080–U+009F);
/// - `<U+202E>` for format characters (bidi controls, zero-width spaces and joiners, the BOM,
///   soft hyphens) and the line and paragraph separators;
/// - and, in outside text only, `\\` for a backslash, so an escape shown is never one typed.
///
/// Two layers apply it. `Visible.text` is called on every outside string where a command lays
/// it out, so tables are measured on what is printed and a newline inside a command line stays
/// on its row. `Visible.output` runs over every text the transcript writes, as the last line of
/// defence: whatever a command forgot, only porthole's own colour codes (`Palette`) and line
/// breaks reach the terminal raw. JSON keeps the original strings: its writer escapes them.
public enum Visible {
    /// `text` from outside porthole, every character that could act on a terminal or hide
    /// itself written out (see the type's rules); printable text, backslash aside, is unchanged.
    public static func text(_ text: String) -> String {
        rewrite(text, escapingBackslash: true, keeping: [], colors: false)
    }

    /// What the person typed (history, a query repeated back): written out like `text`, but a
    /// backslash stays single, as it was typed and would be typed again.
    public static func typed(_ text: String) -> String {
        rewrite(text, escapingBackslash: false, keeping: [], colors: false)
    }

    /// A whole output text, about to be written: control and format characters are escaped
    /// as in `text`, except the layout characters in `keeping` (line breaks; CSV keeps tabs and
    /// CR too) and, when `colors` is on, porthole's own colour codes. Backslashes stay:
    /// porthole's own texts may hold them.
    public static func output(_ text: String, colors: Bool, keeping: Set<Unicode.Scalar> = ["\n"]) -> String {
        rewrite(text, escapingBackslash: false, keeping: keeping, colors: colors)
    }

    /// Whether `scalar` is written out rather than printed.
    static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 || (0x7f...0x9f).contains(v) { return true }
        if v < 0xa0 { return false }
        switch scalar.properties.generalCategory {
        case .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    /// How `scalar` is shown when hidden, e.g. `\e`, `\x07`, `<U+202E>`.
    static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\u{1B}": return "\\e"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default: break
        }
        let v = scalar.value
        if v < 0xa0 { return "\\x" + hex(v, digits: 2, uppercase: false) }
        return "<U+" + hex(v, digits: 4, uppercase: true) + ">"
    }

    private static func hex(_ value: UInt32, digits: Int, uppercase: Bool) -> String {
        let text = String(value, radix: 16, uppercase: uppercase)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// Whether all eight bytes of `word` are printable ASCII (0x20 to 0x7e) and none is a
    /// backslash when `backslashes` is eight of them (zero: backslashes are printable here).
    @inline(__always) private static func printableASCII(_ word: UInt64, _ backslashes: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // Each test is exact as a yes or no for the whole word: a byte below 0x20, a byte of
        // 0x7f (adding one sets its high bit), a byte with the high bit, a backslash.
        if word & highs != 0 { return false }
        if (word &- ones &* 0x20) & ~word & highs != 0 { return false }
        if (word &+ ones) & highs != 0 { return false }
        if backslashes != 0 {
            let x = word ^ backslashes
            if (x &- ones) & ~x & highs != 0 { return false }
        }
        return true
    }

    /// The scalar whose UTF-8 is `bytes[start..<end]`, as decoding those bytes gives it first.
    @inline(__always) private static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int)
        -> Unicode.Scalar
    {
        let lead = UInt32(bytes[start])
        var value: UInt32
        switch end - start {
        case 2 where lead >= 0xC2 && lead < 0xE0: value = lead & 0x1F
        case 3 where lead >= 0xE0 && lead < 0xF0: value = lead & 0x0F
        case 4 where lead >= 0xF0 && lead < 0xF5: value = lead & 0x07
        default: value = 0x11_0000
        }
        var k = start + 1
        while value < 0x11_0000, k < end {
            let byte = UInt32(bytes[k])
            value = byte & 0xC0 == 0x80 ? value << 6 | (byte & 0x3F) : 0x11_0000
            k += 1
        }
        // Overlong forms, surrogates and anything else amiss: as String decodes them.
        let shortest: UInt32 = end - start == 2 ? 0x80 : end - start == 3 ? 0x800 : 0x1_0000
        if value >= shortest, let scalar = Unicode.Scalar(value) { return scalar }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self).unicodeScalars.first
            ?? "\u{FFFD}"
    }

    /// Copies `text` byte by byte, decoding only what is not printable ASCII: the net runs over
    /// every answer, and most of every answer needs nothing.
    private static func rewrite(
        _ text: String, escapingBackslash: Bool, keeping: Set<Unicode.Scalar>, colors: Bool
    ) -> String {
        var kept: UInt32 = 0
        for scalar in keeping where scalar.value < 0x20 { kept |= 1 << scalar.value }
        var copy = text
        return copy.withUTF8 { bytes -> String in
            func plain(_ byte: UInt8) -> Bool {
                (byte >= 0x20 && byte < 0x7f && !(escapingBackslash && byte == UInt8(ascii: "\\")))
                    || (byte < 0x20 && kept & (1 << UInt32(byte)) != 0)
            }
            // Where the run of plain bytes from `start` ends: eight bytes at a time while a
            // word holds only printable ASCII (and no backslash, when those are escaped), then
            // byte by byte. A whole answer is mostly such runs between line breaks.
            let backslashes: UInt64 = escapingBackslash ? 0x5c5c_5c5c_5c5c_5c5c : 0
            func plainRunEnd(from start: Int) -> Int {
                var j = start
                while true {
                    if let base = bytes.baseAddress {
                        let raw = UnsafeRawPointer(base)
                        while j + 8 <= bytes.count,
                            Self.printableASCII(raw.loadUnaligned(fromByteOffset: j, as: UInt64.self), backslashes)
                        {
                            j += 8
                        }
                    }
                    // Past a plain byte that is not printable (a line break kept), words again.
                    let stop = min(bytes.count, j + 8)
                    while j < stop, plain(bytes[j]) { j += 1 }
                    if j < stop || j == bytes.count { return j }
                }
            }
            // The first byte written otherwise than it stands: a whole answer that holds a few
            // characters beyond ASCII but nothing to escape is given back without a copy.
            var first = plainRunEnd(from: 0)
            while first < bytes.count {
                let byte = bytes[first]
                if plain(byte) {
                    first = plainRunEnd(from: first)
                } else if byte == 0x1B, colors,
                    let length = Palette.sequenceLength(in: bytes, at: first, value: UInt32.init)
                {
                    first += length
                } else if byte < 0x80 {
                    break
                } else {
                    let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                    let end = min(bytes.count, first + length)
                    if isHidden(Self.scalar(bytes, first, end)) { break }
                    first = end
                }
            }
            guard first < bytes.count else { return text }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16)
            out.append(contentsOf: bytes[..<first])
            var i = first
            while i < bytes.count {
                let byte = bytes[i]
                if plain(byte) {
                    let end = plainRunEnd(from: i)
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<end]))
                    i = end
                } else if byte == UInt8(ascii: "\\") {
                    out.append(contentsOf: "\\\\".utf8)
                    i += 1
                } else if byte == 0x1B, colors,
                    let length = Palette.sequenceLength(in: bytes, at: i, value: UInt32.init)
                {
                    out.append(contentsOf: bytes[i..<(i + length)])
                    i += length
                } else if byte < 0x80 {
                    out.append(contentsOf: escape(Unicode.Scalar(byte)).utf8)
                    i += 1
                } else {
                    let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                    let end = min(bytes.count, i + length)
                    let scalar = String(decoding: bytes[i..<end], as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
                    if isHidden(scalar) {
                        out.append(contentsOf: escape(scalar).utf8)
                    } else {
                        out.append(contentsOf: bytes[i..<end])
                    }
                    i = end
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}

/// The colours porthole paints with, and the only escape sequences it writes: `ESC [ code m`.
enum Palette: String, CaseIterable, Sendable {
    case reset = "0"
    case bold = "1"
    case dim = "2"
    case red = "31"
    case green = "32"
    case yellow = "33"
    case cyan = "36"

    var sequence: String { "\u{1B}[\(rawValue)m" }

    /// The length of the palette sequence starting at `index` (an ESC) in bytes or scalars,
    /// or nil when what follows is anything else.
    static func sequenceLength<Items: RandomAccessCollection>(
        in items: Items, at index: Int, value: (Items.Element) -> UInt32
    ) -> Int? where Items.Index == Int {
        guard index + 2 < items.endIndex, value(items[index + 1]) == 0x5B else { return nil }
        var code = ""
        var end = index + 2
        while end < items.endIndex, end - index <= 4, (0x30...0x39).contains(value(items[end])) {
            code.unicodeScalars.append(Unicode.Scalar(UInt8(value(items[end]))))
            end += 1
        }
        guard end < items.endIndex, value(items[end]) == 0x6D, Palette(rawValue: code) != nil else { return nil }
        return end - index + 1
    }
}
