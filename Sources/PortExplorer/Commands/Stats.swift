import PortRegistry

extension CommandSpec {
    static let stats = CommandSpec(
        name: "stats",
        synopsis: "[--timeline]",
        summary: "Totals for the active registry: ranges, transports, references, decades, people",
        help: """
            Counts the active registry's records by range class and by transport; named and \
            unnamed records; records with and without any reference; reserved and unassigned \
            spans and the ports they cover; named registrations (a service name on a port or \
            range, with all its transports, as the ghost rules count them) per decade of their \
            first registration date; and \
            the number of distinct people named as assignee or contact. Says which registry \
            answered and its date.

            --timeline draws those registrations per year as a bar chart instead, with RFC 1700 \
            (1994) and RFC 6335 (2011) marked and the share that carries no date stated: IANA's \
            file dates few registrations before 2000, so the chart shows when the dated ones were \
            made, not how the registry grew. --json gives the counts, not the drawing.

              stats
              stats --timeline
            """,
        options: [
            OptionSpec("--timeline", help: "Registrations per year of first registration, as a bar chart")
        ],
        run: { invocation, context throws(CommandError) in
            try invocation.expectNoArguments()
            let registry = try context.registry()
            if invocation.flags.contains("--timeline") {
                return TimelineResult(registry: registry, today: context.today)
            }
            return StatsResult(registry: registry, today: context.today)
        }
    )
}

struct StatsResult: CommandResult {
    let source: RegistrySource
    let stale: Bool
    let total: Int
    let byRange: [(RangeClass, Int)]
    let byTransport: [(String, Int)]
    let named: Int
    let unnamed: Int
    let withReference: Int
    let withoutReference: Int
    let reserved: (records: Int, ports: Int)
    let unassigned: (records: Int, ports: Int)
    let portless: Int
    let byDecade: [(Int, Int)]
    let undated: Int
    let people: Int

    init(registry: Registry, today: Day) {
        source = registry.source
        stale = registry.source.isStale(today: today)
        let census = registry.census()
        total = census.records
        var decades: [Int: Int] = [:]
        // Registrations, not records: wkstn-mon's tcp and udp rows are one registration, as
        // everywhere else in porthole (`explain registration`, the ghost rules).
        for (year, n) in census.registrationsByYear { decades[year / 10 * 10, default: 0] += n }
        byRange = RangeClass.allCases.map { ($0, census.byRangeClass[$0] ?? 0) }
        let none = ("none", census.byTransport[nil] ?? 0)
        byTransport = Transport.allCases.map { ($0.rawValue, census.byTransport[$0] ?? 0) } + [none]
        named = census.named
        unnamed = total - named
        withReference = census.withReference
        withoutReference = total - withReference
        reserved = census.reserved
        unassigned = census.unassigned
        portless = census.portless
        byDecade = decades.sorted { $0.key < $1.key }
        undated = census.registrationsUndated
        people = census.people
    }

    func text(_ context: TextContext) -> String {
        var table = Table()
        table.rightAligned = [1]
        func row(_ label: String, _ value: Int, _ note: String = "") {
            table.add([label, GapWords.number(value), note])
        }
        row("records", total)
        for (range, n) in byRange { row("  \(range.rawValue)", n, "\(range.title), \(range.span)") }
        row("  no port", portless, "names registered without a port")
        for (transport, n) in byTransport where n > 0 { row("  \(transport)", n, "transport") }
        row("named", named)
        row("unnamed", unnamed, "reserved and unassigned spans, mostly")
        row("with a reference", withReference, "RFC, draft, URI or text")
        row("without one", withoutReference)
        row("reserved", reserved.records, "records covering \(GapWords.number(reserved.ports)) ports")
        row("unassigned", unassigned.records, "records covering \(GapWords.number(unassigned.ports)) ports")
        row("people", people, "distinct assignees and contacts")
        var decades = Table(header: ["DECADE", "REGISTRATIONS"])
        decades.rightAligned = [1]
        for (decade, n) in byDecade { decades.add(["\(decade)s", GapWords.number(n)]) }
        decades.add(["undated", GapWords.number(undated)])
        var footer = "source: " + source.summary
        if stale { footer += source.staleness }
        return [
            table.render(context), "Named registrations by registration date:\n" + decades.render(context, indent: 2),
            context.dim(Wrap.text(footer, width: context.width)),
        ]
        .joined(separator: "\n\n")
    }

    /// Every count as a row, named by its JSON field (`byRangeClass.system`).
    var table: ResultTable? {
        var rows: [[String]] = [["records", String(total)]]
        rows += byRange.map { ["byRangeClass.\($0.0.rawValue)", String($0.1)] }
        rows.append(["noPort", String(portless)])
        rows += byTransport.map { ["byTransport.\($0.0)", String($0.1)] }
        rows += [
            ["named", String(named)], ["unnamed", String(unnamed)], ["withReference", String(withReference)],
            ["withoutReference", String(withoutReference)], ["reserved.records", String(reserved.records)],
            ["reserved.ports", String(reserved.ports)], ["unassigned.records", String(unassigned.records)],
            ["unassigned.ports", String(unassigned.ports)],
        ]
        rows += byDecade.map { ["registrationsByDecade.\($0.0)s", String($0.1)] }
        rows += [["undated", String(undated)], ["people", String(people)]]
        return ResultTable(columns: ["statistic", "value"], rows: rows)
    }

    var json: [String: JSON] {
        [
            "source": source.json,
            "stale": .bool(stale),
            "records": .int(total),
            "byRangeClass": .object(Dictionary(uniqueKeysWithValues: byRange.map { ($0.0.rawValue, JSON.int($0.1)) })),
            "noPort": .int(portless),
            "byTransport": .object(Dictionary(uniqueKeysWithValues: byTransport.map { ($0.0, JSON.int($0.1)) })),
            "named": .int(named),
            "unnamed": .int(unnamed),
            "withReference": .int(withReference),
            "withoutReference": .int(withoutReference),
            "reserved": ["records": .int(reserved.records), "ports": .int(reserved.ports)],
            "unassigned": ["records": .int(unassigned.records), "ports": .int(unassigned.ports)],
            "registrationsByDecade": .object(
                Dictionary(uniqueKeysWithValues: byDecade.map { ("\($0.0)s", JSON.int($0.1)) })),
            "undated": .int(undated),
            "people": .int(people),
        ]
    }
}

/// `stats --timeline`: named registrations per year of their earliest registration date, the
/// numbers behind the bar chart (`RegistrationTimeline` draws it).
struct TimelineResult: CommandResult {
    /// A year the chart marks, with why it matters.
    struct Marker: Sendable, Equatable {
        let year: Int
        let label: String
        let meaning: String
    }

    /// RFC 1700 (October 1994), the last Assigned Numbers RFC, after which the list lived only
    /// online (RFC 3232 says so); RFC 6335 (August 2011), the procedures IANA follows today.
    static let markers = [
        Marker(
            year: 1994, label: "RFC 1700",
            meaning: "was the last Assigned Numbers RFC, after which the list lived only online"),
        Marker(
            year: 2011, label: "RFC 6335",
            meaning: "set the rules IANA follows today: the three ranges and Expert Review"),
    ]

    let source: RegistrySource
    let stale: Bool
    /// Every year from the first dated registration to the last, zeros included, in order.
    let years: [(year: Int, registrations: Int)]
    let undated: Int

    init(registry: Registry, today: Day) {
        let census = registry.census()
        self.init(
            byYear: census.registrationsByYear, undated: census.registrationsUndated, source: registry.source,
            stale: registry.source.isStale(today: today))
    }

    init(byYear: [Int: Int], undated: Int, source: RegistrySource, stale: Bool = false) {
        self.source = source
        self.stale = stale
        self.undated = undated
        if let first = byYear.keys.min(), let last = byYear.keys.max() {
            years = (first...last).map { ($0, byYear[$0] ?? 0) }
        } else {
            years = []
        }
    }

    var dated: Int { years.reduce(0) { $0 + $1.registrations } }
    var total: Int { dated + undated }

    func text(_ context: TextContext) -> String {
        var footer = "source: " + source.summary
        if stale { footer += source.staleness }
        return RegistrationTimeline.render(self, context) + "\n\n"
            + context.dim(Wrap.text(footer, width: context.width))
    }

    /// One row a year.
    var table: ResultTable? {
        ResultTable(
            columns: ["year", "registrations"], rows: years.map { [String($0.year), String($0.registrations)] })
    }

    var json: [String: JSON] {
        [
            "source": source.json,
            "stale": .bool(stale),
            "timeline": .fields([
                (
                    "byYear",
                    .array(years.map { .fields([("year", .int($0.year)), ("registrations", .int($0.registrations))]) })
                ),
                ("dated", .int(dated)), ("undated", .int(undated)), ("registrations", .int(total)),
                (
                    "markers",
                    .array(Self.markers.map { .fields([("year", .int($0.year)), ("label", .string($0.label))]) })
                ),
            ]),
        ]
    }
}
