import PortRegistry

/// A range's or keyword's table (`PORT NAME TRANSPORT DESCRIPTION`) laid out straight from
/// the fast form's bytes: no `ServiceRecord` per row, and no String for a cell of printable
/// ASCII without a backslash, which `Visible.text` would give back unchanged and which is one
/// column a byte. Any other text is decoded, made visible and measured as `Table` does it
/// (`Visible.text`, `DisplayWidth`, `Table.cut`), so every line reads byte for byte as
/// `Table.render(context, indent:)` lays out `RecordTable.generalCells` of the same rows.
struct RecordTable {
    static let header = ["PORT", "NAME", "TRANSPORT", "DESCRIPTION"]

    /// A cell's bytes, in the registry's texts (`text`, valid while it lives) or else at
    /// `start` in `arena`, and its width in columns; `plain`: printable ASCII, cut by bytes.
    private struct Cell {
        var text: UnsafePointer<UInt8>?
        var start: Int32
        var count: Int32
        var width: Int32
        var plain: Bool

        init(text: UnsafePointer<UInt8>? = nil, start: Int, count: Int, width: Int, plain: Bool) {
            self.text = text
            self.start = Int32(start)
            self.count = Int32(count)
            self.width = Int32(width)
            self.plain = plain
        }
    }

    private var arena: [UInt8] = []
    private var cells: [Cell] = []

    /// The cells of a merged row as the general path builds them from the decoded record.
    static func generalCells(_ entry: MergedRecord) -> [String] {
        let description = entry.record.name == nil ? "" : entry.record.description
        return [
            entry.record.ports?.description ?? "—", Visible.text(entry.title), entry.transportList,
            Visible.text(description),
        ]
    }

    /// The table of `shown`, rows of `rows`, laid out as `Table.render(context, indent:)` would.
    static func render(
        _ rows: RecordRows, _ shown: some Collection<MergedRow>, _ context: TextContext, indent: Int
    ) -> String {
        var table = RecordTable()
        table.arena.reserveCapacity(64 * (shown.count + 1))
        table.cells.reserveCapacity(4 * (shown.count + 1))
        for cell in header { table.add(cell) }
        for row in shown { table.add(row, of: rows) }
        return table.layout(context, indent: indent)
    }

    private mutating func add(_ row: MergedRow, of rows: RecordRows) {
        guard let registry = rows.registry, let r = registry.recordFields(at: row.first) else {
            // Unreadable (never in a verified file): the general path's cells.
            for cell in Self.generalCells(rows.record(row)) { add(cell) }
            return
        }
        // PORT
        if let ports = r.ports {
            let start = arena.count
            JSON.appendDecimal(Int(ports.lower), to: &arena)
            if ports.lower != ports.upper {
                arena.append(UInt8(ascii: "-"))
                JSON.appendDecimal(Int(ports.upper), to: &arena)
            }
            cells.append(Cell(start: start, count: arena.count - start, width: arena.count - start, plain: true))
        } else {
            add("—")
        }
        // NAME: the name, or what a span nobody owns is (`MergedRecord.title`).
        if r.name != Registry.noText {
            text(registry.textBytes(r.name), registry)
        } else if registry.textBytes(r.description).startsCaseless(with: "unassigned") {
            add(plain: "unassigned")
        } else if registry.textBytes(r.description).startsCaseless(with: "reserved") {
            add(plain: "reserved")
        } else {
            add(plain: "(no name)")
        }
        // TRANSPORT: `tcp, udp`, in order of appearance.
        let start = arena.count
        row.forEachTransport { transport in
            if arena.count > start {
                arena.append(UInt8(ascii: ","))
                arena.append(UInt8(ascii: " "))
            }
            switch transport {
            case .tcp: append("tcp")
            case .udp: append("udp")
            case .sctp: append("sctp")
            case .dccp: append("dccp")
            }
        }
        if arena.count == start {
            add("—")
        } else {
            cells.append(Cell(start: start, count: arena.count - start, width: arena.count - start, plain: true))
        }
        // DESCRIPTION: none for a span nobody owns (its description is its title).
        if r.name == Registry.noText || r.description == Registry.noText {
            add("")
        } else {
            text(registry.textBytes(r.description), registry)
        }
    }

    /// A text from the fast form: copied when `Visible.text` keeps it as it is, otherwise
    /// decoded as `record(at:)` decodes it and made visible.
    private mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, _ registry: Registry) {
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\\") }) {
            cells.append(Cell(text: bytes.baseAddress, start: 0, count: bytes.count, width: bytes.count, plain: true))
        } else {
            add(Visible.text(String(decoding: bytes, as: UTF8.self)))
        }
    }

    /// A cell already as shown, measured by `DisplayWidth`.
    private mutating func add(_ shown: String) {
        let start = arena.count
        arena.append(contentsOf: shown.utf8)
        cells.append(Cell(start: start, count: arena.count - start, width: DisplayWidth.of(shown), plain: false))
    }

    /// A cell of printable ASCII written by porthole.
    private mutating func add(plain: StaticString) {
        let start = arena.count
        append(plain)
        cells.append(Cell(start: start, count: arena.count - start, width: arena.count - start, plain: true))
    }

    private mutating func append(_ literal: StaticString) {
        arena.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// `Table.render(context, indent:)` without wrapping, over four columns, the last one
    /// cut on a terminal.
    private func layout(_ context: TextContext, indent: Int) -> String {
        let columns = Self.header.count
        let rowCount = cells.count / columns
        var widths = [Int](repeating: 0, count: columns)
        for (k, cell) in cells.enumerated() { widths[k % columns] = max(widths[k % columns], Int(cell.width)) }
        var limit: Int?
        if context.terminal {
            var excess = indent + widths.reduce(0, +) + 2 * (columns - 1) - context.width
            let column = columns - 1
            for narrowest in [Table.narrowest, 2] where excess > 0 {
                let fitted = max(widths[column] - excess, min(widths[column], narrowest))
                excess -= widths[column] - fitted
                limit = fitted
                widths[column] = fitted
            }
        }
        var out = ByteBuffer(capacity: rowCount * (indent + widths.reduce(0, +) + 2 * columns + 1) + 64)
        defer { out.free() }
        arena.withUnsafeBufferPointer { arena in
            for n in 0..<rowCount {
                if n > 0 { out.append(UInt8(ascii: "\n")) }
                let lineStart = out.count
                out.appendSpaces(indent)
                for i in 0..<columns {
                    let cell = cells[n * columns + i]
                    let bytes = UnsafeBufferPointer(
                        start: cell.text ?? arena.baseAddress.map { $0 + Int(cell.start) }, count: Int(cell.count))
                    var cellWidth = Int(cell.width)
                    if i == columns - 1, let limit, cellWidth > limit {
                        if cell.plain {
                            // `Table.cut`: the first columns but one, no trailing spaces, then `…`.
                            var kept = limit - 1
                            while kept > 0, bytes[kept - 1] == UInt8(ascii: " ") { kept -= 1 }
                            out.append(UnsafeBufferPointer(rebasing: bytes[..<kept]))
                            out.append("…")
                            cellWidth = kept + 1
                        } else {
                            let cut = Table.cut(String(decoding: bytes, as: UTF8.self), to: limit)
                            out.append(Array(cut.utf8))
                            cellWidth = DisplayWidth.of(cut)
                        }
                    } else {
                        out.append(bytes)
                    }
                    if i < columns - 1 { out.appendSpaces(widths[i] - cellWidth + 2) }
                }
                out.dropTrailingSpaces(downTo: lineStart)
                if n == 0, context.color {
                    let line = String(decoding: out.written(from: lineStart), as: UTF8.self)
                    out.truncate(to: lineStart)
                    out.append(Array(context.dim(line).utf8))
                }
            }
        }
        return String(decoding: out.written(from: 0), as: UTF8.self)
    }
}
