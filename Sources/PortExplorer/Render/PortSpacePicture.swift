import PortRegistry

/// The port space drawn to scale, for `map` and `explain ranges`.
///
/// Drawn linearly, the System range (0-1023) is 1.6% of the line: a column or two, too thin to
/// show the ports in it. Rather than bend the scale, which would mislead, the picture draws two
/// linear lines and says each one's scale: all 65,536 ports, then the System range magnified
/// 64 times. Over each bar, a mark on every port something listens on; under it, a span of
/// this host's kernel settings (the ephemeral range, or the privileged ports), kept on a row of
/// its own so that no mark hides where a span ends.
enum PortSpacePicture {
    /// The characters a picture is drawn with: block and box-drawing, or ASCII.
    struct Glyphs {
        let system: Character
        let user: Character
        let dynamic: Character
        let spanLeft: Character
        let spanFill: Character
        let spanRight: Character
        let spanOne: Character
        let mark: Character

        static let unicode = Glyphs(
            system: "█", user: "▒", dynamic: "░", spanLeft: "├", spanFill: "─", spanRight: "┤", spanOne: "│",
            mark: "▼")
        static let ascii = Glyphs(
            system: "#", user: "=", dynamic: ".", spanLeft: "|", spanFill: "-", spanRight: "|", spanOne: "|",
            mark: "v")

        var span: String { String([spanLeft, spanFill, spanRight]) }
    }

    /// The picture's width: the terminal's, but at least 40 columns, where the three ranges can
    /// still be told apart, and at most 120, beyond which a line is hard to follow by eye.
    static func columns(_ context: TextContext) -> Int { min(120, max(40, context.width)) }

    /// Ports a line of `columns` columns holds, per column, in words.
    static func perColumn(_ ports: Int, _ columns: Int) -> String {
        if ports % columns == 0 { return "1 column is \(GapWords.number(ports / columns)) ports" }
        let each = (Double(ports) / Double(columns)).rounded()
        return "1 column is about \(GapWords.number(Int(each))) ports"
    }

    /// The column of `port` on a line of `columns` columns that shows ports 0 to `ports - 1`.
    static func column(_ port: Int, ports: Int, columns: Int) -> Int { min(columns - 1, port * columns / ports) }

    static func render(_ space: PortSpace, _ context: TextContext) -> String {
        let n = columns(context)
        let g = context.ascii ? Glyphs.ascii : .unicode
        let marks = space.listening.marks
        var out: [String] = []

        // All the ports. Each column is drawn as the range its first port is in.
        out.append(prose("All 65,536 ports to scale: \(perColumn(65536, n)).", n))
        out.append(axis([(0, "0", .left), (firstColumn(49152, n), "49152", .left), (n - 1, "65535", .right)], n))
        let userStart = firstColumn(1024, n)
        let dynamicStart = firstColumn(49152, n)
        out.append(markRow(marks, ports: 65536, columns: n, g))
        out.append(
            String((0..<n).map { $0 < userStart ? g.system : $0 < dynamicStart ? g.user : g.dynamic }))
        var row = [Character](repeating: " ", count: n)
        if let ephemeral = space.settings.ephemeralRange {
            span(
                &row, column(Int(ephemeral.lowerBound), ports: 65536, columns: n),
                column(Int(ephemeral.upperBound), ports: 65536, columns: n), g)
            out.append(trimmed(row))
        }
        out.append(
            legend(
                String(g.system),
                "System 0-1023, 1.6% of the ports (\(userStart == 1 ? "1 column" : "\(userStart) columns") here)", n))
        out.append(legend(String(g.user), "User 1024-49151, 73.4%", n))
        out.append(legend(String(g.dynamic), "Dynamic 49152-65535, 25%", n))
        if let ephemeral = space.settings.ephemeralRange {
            out.append(
                legend(g.span, "this host's ephemeral range, \(ephemeral.spelled) (ip_local_port_range)", n))
        } else {
            out.append(legend(nil, "this host's ephemeral range cannot be read here", n))
        }
        let marked = !marks.isEmpty || isUnavailable(space.listening)
        out.append(legend(marked ? String(g.mark) : nil, listeningWords(space.listening, marks), n))

        // The System range, magnified.
        let low = marks.filter { $0.port < 1024 }
        out.append("")
        out.append(prose("The System range, 0-1023, magnified 64 times: \(perColumn(1024, n)).", n))
        out.append(axis([(0, "0", .left), (n - 1, "1023", .right)], n))
        out.append(markRow(low, ports: 1024, columns: n, g))
        out.append(String(repeating: g.system, count: n))
        if let privileged = space.privileged {
            row = [Character](repeating: " ", count: n)
            span(&row, 0, column(Int(min(privileged.upperBound, 1023)), ports: 1024, columns: n), g)
            out.append(trimmed(row))
        }
        out.append(legend(privilegedGlyph(space, g), privilegedWords(space.settings), n))
        if isUnavailable(space.listening) {
            out.append(legend(String(g.mark), listeningWords(space.listening, low), n))
        } else if low.isEmpty {
            out.append(legend(nil, "nothing listens below 1024 \(whereWords(space.listening))", n))
        } else {
            out.append(legend(String(g.mark), listeningWords(space.listening, low), n))
        }
        return out.joined(separator: "\n")
    }

    /// A mark over the column of every port in `marks` (the ports below `ports`); an empty
    /// line when there are none, so the bar stays where the eye expects it.
    static func markRow(_ marks: [PortSpace.Mark], ports: Int, columns: Int, _ g: Glyphs) -> String {
        var row = [Character](repeating: " ", count: columns)
        for mark in marks where Int(mark.port) < ports {
            row[column(Int(mark.port), ports: ports, columns: columns)] = g.mark
        }
        return trimmed(row)
    }

    /// The first column whose first port is at or above `port`: the column a range starting
    /// there is drawn from.
    static func firstColumn(_ port: Int, _ columns: Int) -> Int { (port * columns + 65535) / 65536 }

    static func span(_ row: inout [Character], _ from: Int, _ to: Int, _ g: Glyphs) {
        guard from < to else {
            row[from] = g.spanOne
            return
        }
        row[from] = g.spanLeft
        for c in (from + 1)..<to { row[c] = g.spanFill }
        row[to] = g.spanRight
    }

    enum Alignment { case left, right }

    /// Labels placed at their columns; a label that would touch the one before is left out
    /// (the legend says every number anyway).
    static func axis(_ labels: [(column: Int, text: String, alignment: Alignment)], _ columns: Int) -> String {
        var row = [Character](repeating: " ", count: columns)
        var used = -2
        for label in labels {
            let start = label.alignment == .left ? label.column : label.column - label.text.count + 1
            guard start > used + 1, start + label.text.count <= columns else { continue }
            for (i, ch) in label.text.enumerated() { row[start + i] = ch }
            used = start + label.text.count - 1
        }
        return trimmed(row)
    }

    static func trimmed(_ row: [Character]) -> String {
        var s = String(row)
        while s.last == " " { s.removeLast() }
        return s
    }

    static func prose(_ text: String, _ columns: Int) -> String { Wrap.fill(text, width: columns, first: "", rest: "") }

    /// `glyph text`, the text wrapped under itself; with no glyph (nothing drawn), the text alone.
    static func legend(_ glyph: String?, _ text: String, _ columns: Int) -> String {
        guard let glyph else { return Wrap.fill(Visible.text(text), width: columns, first: "", rest: "") }
        let lead = String(repeating: " ", count: DisplayWidth.of(glyph) + 1)
        return Wrap.fill(Visible.text(text), width: columns, first: glyph + " ", rest: lead)
    }

    static func isUnavailable(_ listening: PortSpace.Listening) -> Bool {
        if case .unavailable = listening { return true }
        return false
    }

    static func whereWords(_ listening: PortSpace.Listening) -> String {
        switch listening {
        case .here, .unavailable: "here"
        case .hosts(_, let names): "on the \(names.count == 1 ? "host" : "\(names.count) hosts") read from files"
        }
    }

    /// `listening here: 22, 631 and 2991`, at most a dozen ports named.
    static func listeningWords(_ listening: PortSpace.Listening, _ marks: [PortSpace.Mark]) -> String {
        if case .unavailable(let why) = listening { return "listeners: porthole cannot see them here (\(why))" }
        guard !marks.isEmpty else { return "nothing listens \(whereWords(listening))" }
        let shown = 12
        var ports = marks.prefix(shown).map { String($0.port) }
        if marks.count > shown { ports.append("\(marks.count - shown) more") }
        let count = marks.count == 1 ? "1 port" : "\(GapWords.number(marks.count)) ports"
        return "listening \(whereWords(listening)), \(count): \(GapWords.list(ports))"
    }

    static func privilegedGlyph(_ space: PortSpace, _ g: Glyphs) -> String? {
        guard let privileged = space.privileged else { return nil }
        return privileged.upperBound == 0 ? String(g.spanOne) : g.span
    }

    static func privilegedWords(_ settings: HostPortSettings) -> String {
        switch settings.unprivilegedPortStart {
        case nil:
            "ip_unprivileged_port_start cannot be read here; on most Unix systems only privileged programs may bind ports below 1024"
        case 0?:
            "no port needs privilege here: ip_unprivileged_port_start is 0"
        case let start?:
            "only privileged programs may bind \(start == 1 ? "port 0" : "0-\(start - 1)") here (ip_unprivileged_port_start is \(start))"
        }
    }
}
