/// What text rendering needs to know about the screen.
public struct TextContext: Sendable {
    /// Columns to wrap prose at: the terminal's width, or 80 when piped.
    var width: Int
    var color: Bool
    /// Output goes to a terminal: tables cut their free-text column to fit the width, since a
    /// person reads them there; piped, they keep every word for the program reading them.
    var terminal: Bool
    /// Pictures use ASCII only, not block and box-drawing characters (a locale that is not
    /// UTF-8, or `TERM=dumb`).
    var ascii: Bool

    public init(width: Int = 80, color: Bool = false, terminal: Bool = false, ascii: Bool = false) {
        self.width = max(20, width)
        self.color = color
        self.terminal = terminal
        self.ascii = ascii
    }

    func paint(_ text: String, _ colour: Palette) -> String {
        color && !text.isEmpty ? colour.sequence + text + Palette.reset.sequence : text
    }

    func heading(_ text: String) -> String { paint(text, .bold) }
    func dim(_ text: String) -> String { paint(text, .dim) }
    func good(_ text: String) -> String { paint(text, .green) }
    func warn(_ text: String) -> String { paint(text, .yellow) }
    func bad(_ text: String) -> String { paint(text, .red) }
    func accent(_ text: String) -> String { paint(text, .cyan) }
}

/// Columns on a terminal: how wide a string shows, counting East Asian wide characters as
/// two, combining marks and porthole's colour codes as nothing, and any other control or
/// format character as the escape `Visible` writes in its place.
enum DisplayWidth {
    static func of(_ text: String) -> Int {
        // Printable ASCII is one column a byte: the common case, without Unicode tables.
        let ascii =
            text.utf8.withContiguousStorageIfAvailable { bytes in
                bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7f } ? bytes.count : nil
            } ?? (text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7f } ? text.utf8.count : nil)
        if let ascii { return ascii }
        // No escape sequence to skip: the scalars one by one, without a copy of them.
        if !text.utf8.contains(0x1B) {
            var width = 0
            for scalar in text.unicodeScalars { width += of(scalar) }
            return width
        }
        let scalars = Array(text.unicodeScalars)
        var width = 0
        var i = 0
        while i < scalars.count {
            if scalars[i] == "\u{1B}", let length = Palette.sequenceLength(in: scalars, at: i, value: \.value) {
                i += length
                continue
            }
            width += of(scalars[i])
            i += 1
        }
        return width
    }

    static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        // Printable ASCII, and the dashes, quotes and ellipsis answers use (`—` in every
        // table with an unregistered port), without looking up Unicode properties.
        if (0x20..<0x7f).contains(v) || (0x2010...0x2027).contains(v) { return 1 }
        if Visible.isHidden(scalar) { return Visible.escape(scalar).unicodeScalars.count }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark: return 0
        default: break
        }
        if (0x1100...0x115f).contains(v) || (0x2e80...0xa4cf).contains(v) || (0xac00...0xd7a3).contains(v)
            || (0xf900...0xfaff).contains(v) || (0xfe30...0xfe4f).contains(v) || (0xff00...0xff60).contains(v)
            || (0xffe0...0xffe6).contains(v) || (0x1f300...0x1f64f).contains(v) || (0x1f900...0x1f9ff).contains(v)
            || (0x20000...0x3fffd).contains(v)
        {
            return 2
        }
        return 1
    }
}

/// Left-aligned columns separated by two spaces; no line ends in spaces.
public struct Table: Sendable {
    var header: [String]?
    var rows: [[String]] = []
    /// Columns whose cells are numbers, aligned right.
    var rightAligned: Set<Int> = []
    /// The free-text columns that give way, in this order, on a terminal too narrow for the
    /// rows: their cells are cut short with `…`. The last column unless set.
    var flexible: [Int]?
    /// A flexible column is never cut narrower than this, so what is left still says something.
    static let narrowest = 8

    public init(header: [String]? = nil) { self.header = header }

    public mutating func add(_ row: [String]) { rows.append(row) }

    /// Columns the widest row takes, uncut, after `indent` spaces.
    func width(indent: Int = 0) -> Int {
        let all = (header.map { [$0] } ?? []) + rows
        var widths: [Int] = []
        for row in all {
            for (i, cell) in row.enumerated() {
                if i == widths.count { widths.append(0) }
                widths[i] = max(widths[i], DisplayWidth.of(cell))
            }
        }
        return indent + widths.reduce(0, +) + 2 * max(0, widths.count - 1)
    }

    /// With `wrapping`, a long last column is wrapped to the context's width and its
    /// continuation lines are indented under it; without it, on a terminal, the flexible
    /// column is cut so rows fit the width.
    public func render(_ context: TextContext, indent: Int = 0, wrapping: Bool = false) -> String {
        // The header, then the rows, by position: a table of tens of thousands of rows is
        // neither copied nor given an array of widths per row.
        let first = header == nil ? 0 : 1
        let count = rows.count + first
        func row(_ n: Int) -> [String] { n < first ? header! : rows[n - first] }
        var columns = header?.count ?? 0
        for r in rows { columns = max(columns, r.count) }
        guard columns > 0 else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        var cellWidths = [Int](repeating: 0, count: count * columns)
        for n in 0..<count {
            let cells = row(n)
            for i in cells.indices {
                let w = DisplayWidth.of(cells[i])
                cellWidths[n * columns + i] = w
                widths[i] = max(widths[i], w)
            }
        }
        var limits: [Int: Int] = [:]
        if !wrapping, context.terminal {
            var excess = indent + widths.reduce(0, +) + 2 * (columns - 1) - context.width
            // Each column keeps a few characters while another can give way; then only `x…`.
            for narrowest in [Self.narrowest, 2] {
                for column in flexible ?? [columns - 1] where excess > 0 && column < columns {
                    let fitted = max(widths[column] - excess, min(widths[column], narrowest))
                    excess -= widths[column] - fitted
                    limits[column] = fitted
                    widths[column] = fitted
                }
            }
        }
        // Lines are laid out as bytes: appending to a String per cell cost more than the rest.
        let aligned = (0..<columns).map { rightAligned.contains($0) }
        let cutTo = (0..<columns).map { limits[$0] }
        var out: [UInt8] = []
        out.reserveCapacity(count * (indent + widths.reduce(0, +) + 2 * columns + 1))
        for n in 0..<count {
            let row = row(n)
            let isHeader = header != nil && n == 0
            if n > 0 { out.append(UInt8(ascii: "\n")) }
            let lineStart = out.count
            Self.appendSpaces(indent, to: &out)
            for (i, original) in row.enumerated() {
                var cellWidth = cellWidths[n * columns + i]
                var cut: String?
                if let limit = cutTo[i], cellWidth > limit {
                    cut = Self.cut(original, to: limit)
                    cellWidth = DisplayWidth.of(cut!)
                }
                let gap = widths[i] - cellWidth
                let isLast = i == row.count - 1
                if aligned[i] { Self.appendSpaces(gap, to: &out) }
                out.append(contentsOf: (cut ?? original).utf8)
                if !isLast {
                    if !aligned[i] { Self.appendSpaces(gap, to: &out) }
                    out.append(UInt8(ascii: " "))
                    out.append(UInt8(ascii: " "))
                }
            }
            while out.count > lineStart, out[out.count - 1] == UInt8(ascii: " ") { out.removeLast() }
            let wraps = wrapping && !isHeader && row.count == columns && row.last != nil
            guard wraps || (isHeader && context.color) else { continue }
            var line = String(decoding: out[lineStart...], as: UTF8.self)
            if wraps, let last = row.last, line.hasSuffix(last) {
                let lead = indent + widths.dropLast().reduce(0) { $0 + $1 + 2 }
                let wrapped = Wrap.fill(last, width: max(20, context.width - lead), first: "", rest: "")
                    .split(separator: "\n").map(String.init)
                line = String(line.dropLast(last.count)) + wrapped[0]
                for more in wrapped.dropFirst() { line += "\n" + String(repeating: " ", count: lead) + more }
            }
            out.removeSubrange(lineStart...)
            out.append(contentsOf: (isHeader ? context.dim(line) : line).utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` cut to `width` columns, its last one `…`; colour codes are kept and closed.
    static func cut(_ text: String, to width: Int) -> String {
        guard DisplayWidth.of(text) > width else { return text }
        var out = String.UnicodeScalarView()
        var used = 0
        var colored = false
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            if scalars[i] == "\u{1B}", let length = Palette.sequenceLength(in: scalars, at: i, value: \.value) {
                out.append(contentsOf: scalars[i..<(i + length)])
                colored = true
                i += length
                continue
            }
            let w = DisplayWidth.of(scalars[i])
            if used + w > width - 1 { break }
            out.append(scalars[i])
            used += w
            i += 1
        }
        var result = String(out)
        Self.dropTrailingSpaces(&result)
        return result + "…" + (colored ? Palette.reset.sequence : "")
    }

    private static func dropTrailingSpaces(_ line: inout String) {
        while line.last == " " { line.removeLast() }
    }

    private static func appendSpaces(_ count: Int, to bytes: inout [UInt8]) {
        if count > 0 { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count)) }
    }
}

/// Wraps prose to a width, paragraph by paragraph (blank lines separate paragraphs).
/// Lines that start with spaces are kept as they are: they are examples or lists.
public enum Wrap {
    public static func text(_ text: String, width: Int, indent: String = "") -> String {
        if indent.isEmpty, let plain = plainLine(text, width: width) { return plain }
        var out: [String] = []
        for paragraph in text.split(separator: "\n\n", omittingEmptySubsequences: false) {
            let lines = paragraph.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.contains(where: { $0.hasPrefix(" ") || $0.hasPrefix("-") || $0.hasPrefix("$") }) {
                out.append(
                    lines.map { line -> String in
                        if line.hasPrefix("- ") {
                            return fill(
                                String(line.dropFirst(2)), width: width, first: indent + "- ", rest: indent + "  ")
                        }
                        return indent + line
                    }.joined(separator: "\n"))
            } else {
                out.append(fill(lines.joined(separator: " "), width: width, first: indent, rest: indent))
            }
        }
        return out.joined(separator: "\n\n")
    }

    /// Whether `text(line, width: width)` would give `line` back unchanged: one line, no
    /// run of spaces to collapse, no leading space, `-` or `$` that makes it an example, and
    /// no wider than `width`. A caller with many short lines checks this instead of wrapping
    /// each, since wrapping splits every line into words; the answer is exact, never a guess.
    public static func keepsWhole(_ line: String, width: Int) -> Bool {
        var text = line
        let simple: Bool? = text.withUTF8 { bytes in
            var columns = 0
            var previous = UInt8(ascii: " ")
            var plain = true
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                if byte < 0x80 {
                    // A control character (a line break, an escape) or a second space: not kept.
                    guard byte >= 0x20, byte < 0x7f, byte != UInt8(ascii: " ") || previous != byte else {
                        return false
                    }
                    columns += 1
                } else if byte == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0x94 {
                    // The dash sentences are joined with (U+2014): one column.
                    columns += 1
                    i += 2
                } else {
                    plain = false
                }
                previous = byte
                i += 1
            }
            guard previous != UInt8(ascii: " "), let head = bytes.first, head != UInt8(ascii: "-"),
                head != UInt8(ascii: "$")
            else { return false }
            return plain ? columns <= width : nil
        }
        if let simple { return simple }
        // Other characters beyond ASCII: counted scalar by scalar, as the wrap counts them.
        var columns = 0
        for scalar in line.unicodeScalars {
            columns += scalar.value < 0x7f ? 1 : DisplayWidth.of(scalar)
            if columns > width { return false }
        }
        return true
    }

    /// One line of plain words wrapped on its bytes, as `fill` would wrap it: printable ASCII
    /// and the dash (U+2014) only, single spaces, no quote that could open a span, no leading
    /// `-` or `$`. nil for any other text, which takes the general way: splitting it into
    /// Strings costs far more than the wrap itself, and a fleet's answer wraps thousands of lines.
    static func plainLine(_ text: String, width: Int) -> String? {
        var copy = text
        // nil: not plain; an empty array: plain, with nothing to break.
        let wrapped = copy.withUTF8 { bytes -> [UInt8]? in
            guard let head = bytes.first, head != UInt8(ascii: " "), head != UInt8(ascii: "-"),
                head != UInt8(ascii: "$"), bytes[bytes.count - 1] != UInt8(ascii: " ")
            else { return nil }
            var out: [UInt8]?
            var lineWidth = 0
            var wordStart = 0
            var wordWidth = 0
            var i = 0
            while i <= bytes.count {
                let byte = i < bytes.count ? bytes[i] : UInt8(ascii: " ")
                if byte == UInt8(ascii: " ") {
                    guard i > wordStart else { return nil }
                    // The space before this word becomes a line break when the word does not fit.
                    if wordStart > 0, lineWidth + 1 + wordWidth > width {
                        if out == nil { out = Array(bytes) }
                        out![wordStart - 1] = UInt8(ascii: "\n")
                        lineWidth = wordWidth
                    } else {
                        lineWidth += (wordStart > 0 ? 1 : 0) + wordWidth
                    }
                    wordStart = i + 1
                    wordWidth = 0
                } else if byte >= 0x21, byte < 0x7f, byte != UInt8(ascii: "'") {
                    wordWidth += 1
                } else if byte == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0x94 {
                    wordWidth += 1
                    i += 2
                } else {
                    return nil
                }
                i += 1
            }
            return out ?? []
        }
        guard let wrapped else { return nil }
        return wrapped.isEmpty ? text : String(decoding: wrapped, as: UTF8.self)
    }

    static func fill(_ text: String, width: Int, first: String, rest: String) -> String {
        if let plain = plainFill(text, width: width, first: first, rest: rest) { return plain }
        return generalFill(text, width: width, first: first, rest: rest)
    }

    /// `fill` for any text: words as Strings, quoted spans kept whole, widths by `DisplayWidth`.
    static func generalFill(_ text: String, width: Int, first: String, rest: String) -> String {
        var lines: [String] = []
        var current = first
        var currentWidth = DisplayWidth.of(first)
        var empty = true
        let room = width - DisplayWidth.of(rest)
        for unit in units(text) {
            // A quoted command wider than a whole line is wrapped word by word after all.
            let w = DisplayWidth.of(unit)
            // A unit holds a space only when it holds the byte; the Character test runs only then.
            let spaced = w > room && unit.utf8.contains(UInt8(ascii: " ")) && unit.contains(" ")
            let words = spaced ? unit.split(separator: " ").map(String.init) : [unit]
            for word in words {
                let w = words.count == 1 ? w : DisplayWidth.of(word)
                if !empty && currentWidth + 1 + w > width {
                    lines.append(current)
                    current = rest
                    currentWidth = DisplayWidth.of(rest)
                    empty = true
                }
                if !empty {
                    current += " "
                    currentWidth += 1
                }
                current += word
                currentWidth += w
                empty = false
            }
        }
        lines.append(current)
        return lines.joined(separator: "\n")
    }

    /// The words of `text`, except that a quoted span ('nmap -sV -p 22 HOST') is one unit:
    /// a command shown in prose is not split across lines, where it could not be copied whole.
    static func units(_ text: String) -> [String] {
        // Strings, not Substrings: appending a Substring goes through a generic path whose
        // first use costs more than the whole wrap.
        let words: [String]
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            // Every ASCII byte is a Character of its own ("\r\n" aside, which holds no space), so
            // splitting the bytes splits as the Characters would, without walking graphemes.
            words = text.utf8.split(separator: UInt8(ascii: " ")).map { String(Substring($0)) }
        } else {
            words = text.split(separator: " ").map(String.init)
        }
        var units: [String] = []
        units.reserveCapacity(words.count)
        var i = 0
        while i < words.count {
            let word = words[i]
            // Only a word holding a quote byte can open a quoted span.
            guard word.utf8.contains(UInt8(ascii: "'")) else {
                units.append(word)
                i += 1
                continue
            }
            let opening = word.drop { $0 == "(" || $0 == "\"" }
            if opening.hasPrefix("'"), !opening.dropFirst().contains("'"),
                let end = words[(i + 1)...].prefix(maximumSpan).firstIndex(where: { $0.contains("'") })
            {
                units.append(words[i...end].joined(separator: " "))
                i = end + 1
            } else {
                units.append(word)
                i += 1
            }
        }
        return units
    }

    /// Words a quoted span may hold; an opening quote with no close this near is left alone.
    static let maximumSpan = 8
}
