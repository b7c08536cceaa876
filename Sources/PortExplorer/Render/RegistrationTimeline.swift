/// `stats --timeline` drawn: one row a year, a bar as long as that year's registrations, the
/// marked RFCs beside their years, and what the chart leaves out said under it.
enum RegistrationTimeline {
    /// Bars in eighths of a column (UTF-8), or whole columns of `#` (ASCII).
    static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]

    /// Registrations one column stands for: the smallest round number (1, 2 or 5 times a power
    /// of ten) that fits the longest bar in `room` columns, so the legend reads easily.
    static func scale(largest: Int, room: Int) -> Int {
        var unit = 1
        while true {
            for step in [1, 2, 5] where largest <= room * step * unit { return step * unit }
            unit *= 10
        }
    }

    static func bar(_ count: Int, scale: Int, ascii: Bool) -> String {
        if ascii { return String(repeating: "#", count: (count * 2 + scale) / (2 * scale)) }
        let total = (count * 16 + scale) / (2 * scale)
        var out = String(repeating: "█", count: total / 8)
        if total % 8 > 0 { out.append(eighths[total % 8 - 1]) }
        return out
    }

    static func render(_ timeline: TimelineResult, _ context: TextContext) -> String {
        let width = max(40, context.width)
        let arrow = context.ascii ? "<-" : "◀"
        var out = [
            Wrap.fill(
                "Named registrations by the year of their first registration date (one name on one port or range, with all its transports):",
                width: width, first: "", rest: "")
        ]
        guard let first = timeline.years.first?.year, let last = timeline.years.last?.year else {
            out.append("")
            out.append(
                Wrap.fill(
                    "No registration in this registry carries a date (\(GapWords.number(timeline.undated)) undated), so there is nothing to draw.",
                    width: width, first: "", rest: ""))
            return out.joined(separator: "\n")
        }
        let inside = TimelineResult.markers.filter { (first...last).contains($0.year) }
        let countWidth = timeline.years.map { GapWords.number($0.registrations).count }.max() ?? 1
        let markerWidth = inside.map { 3 + arrow.count + $0.label.count }.max() ?? 0
        let room = max(8, width - 6 - 1 - countWidth - markerWidth)
        let largest = timeline.years.map(\.registrations).max() ?? 0
        let perColumn = scale(largest: max(1, largest), room: room)
        let gap = context.ascii ? "  :" : "  ⋮"
        out.append("")
        for marker in TimelineResult.markers where marker.year < first {
            out.append("\(marker.year)  \(arrow) \(marker.label)")
            out.append(gap)
        }
        for (year, count) in timeline.years {
            var row = "\(year)  " + bar(count, scale: perColumn, ascii: context.ascii)
            row += (row.hasSuffix(" ") ? "" : " ") + GapWords.number(count)
            if let marker = inside.first(where: { $0.year == year }) { row += "  \(arrow) \(marker.label)" }
            out.append(row)
        }
        for marker in TimelineResult.markers where marker.year > last {
            out.append(gap)
            out.append("\(marker.year)  \(arrow) \(marker.label)")
        }
        out.append("")
        let share = timeline.total == 0 ? 0 : (timeline.undated * 100 + timeline.total / 2) / timeline.total
        // The scale and the marked years as a legend, then what the chart leaves out.
        out.append("1 column is \(perColumn == 1 ? "1 registration" : "\(GapWords.number(perColumn)) registrations").")
        for marker in TimelineResult.markers {
            let lead = String(repeating: " ", count: arrow.count + 1)
            out.append(
                Wrap.fill(
                    "\(marker.label) (\(marker.year)) \(marker.meaning).", width: width, first: arrow + " ", rest: lead)
            )
        }
        out.append("")
        var notes =
            "\(GapWords.number(timeline.undated)) of the \(GapWords.number(timeline.total)) registrations "
            + "(\(share)%) carry no date and are not drawn. "
        let early = timeline.years.filter { $0.year < 2000 }.reduce(0) { $0 + $1.registrations }
        if early * 20 < timeline.dated {
            notes +=
                "This registry dates \(early == 0 ? "no" : "only \(GapWords.number(early))") registration\(early == 1 || early == 0 ? "" : "s") "
                + "before 2000, though many ports were assigned long before; their dates were not recorded, so the "
                + "chart cannot say when they were made. "
        }
        notes +=
            "It counts the registrations still in the registry, each at its earliest date; those removed since, "
            + "and later changes, do not show."
        out.append(Wrap.fill(notes, width: width, first: "", rest: ""))
        return out.joined(separator: "\n")
    }
}
