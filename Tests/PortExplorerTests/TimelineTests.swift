import PortRegistry
import Testing

@testable import PortExplorer

/// `stats --timeline` over a small registry of known dates, as exact text and as numbers.
@Suite struct TimelineTests {
    /// Registrations dated 2009 (3), 2011 (1, on two transports) and 2012 (24), and 2 undated.
    static let records: [ServiceRecord] = {
        func dated(_ name: String, _ port: UInt16, _ year: Int?, _ transport: Transport = .tcp) -> ServiceRecord {
            ServiceRecord(
                name: name, ports: PortRange(port), transport: transport, description: name,
                registered: year.flatMap { Day(year: $0, month: 3, day: 1) })
        }
        var records = (0..<3).map { dated("old\($0)", 3000 + UInt16($0), 2009) }
        records += [dated("mid", 3100, 2011, .tcp), dated("mid", 3100, 2011, .udp)]
        records += (0..<24).map { dated("new\($0)", 3200 + UInt16($0), 2012) }
        records += [dated("ghost-a", 3300, nil), dated("ghost-b", 3301, nil)]
        return records
    }()

    func timeline(width: Int, ascii: Bool) throws -> String {
        try makeExplorer(records: Self.records).evaluate("stats --timeline")[0].result.get()
            .text(TextContext(width: width, ascii: ascii))
    }

    @Test(arguments: [
        (60, false, TimelinePictures.timeline60UTF8), (60, true, TimelinePictures.timeline60ASCII),
        (100, false, TimelinePictures.timeline100UTF8), (100, true, TimelinePictures.timeline100ASCII),
    ])
    func drawnExactly(width: Int, ascii: Bool, expected: String) throws {
        #expect(try timeline(width: width, ascii: ascii) == expected)
    }

    @Test func theJSONAndCSVCarryTheCountsNotTheDrawing() throws {
        let json = try Territory.json("stats --timeline", in: makeExplorer(records: Self.records))
        #expect(
            json["timeline"]
                == [
                    "byYear": [
                        ["year": 2009, "registrations": 3], ["year": 2010, "registrations": 0],
                        ["year": 2011, "registrations": 1], ["year": 2012, "registrations": 24],
                    ],
                    "dated": 28, "undated": 2, "registrations": 30,
                    "markers": [["year": 1994, "label": "RFC 1700"], ["year": 2011, "label": "RFC 6335"]],
                ])
        let line = text(of: "stats --timeline --json", in: makeExplorer(records: Self.records))
        #expect(!line.contains("█") && !line.contains("1 column"))
        #expect(
            text(of: "stats --timeline --format csv", in: makeExplorer(records: Self.records))
                == "year,registrations\r\n2009,3\r\n2010,0\r\n2011,1\r\n2012,24\r\n")
    }

    /// The real registry: every year from the first dated registration to the last, summing to
    /// the census, and every bar fits.
    @Test func theEmbeddedRegistryFitsAndAddsUp() throws {
        let registry = try Registry.embedded()
        let result = TimelineResult(registry: registry, today: Day(year: 2026, month: 1, day: 1)!)
        let census = registry.census()
        #expect(result.dated == census.registrationsByYear.values.reduce(0, +))
        #expect(result.undated == census.registrationsUndated)
        #expect(zip(result.years, result.years.dropFirst()).allSatisfy { $0.year + 1 == $1.year })
        for width in [40, 60, 100] {
            for ascii in [false, true] {
                let out = result.text(TextContext(width: width, ascii: ascii))
                #expect(fits(out, width: width), "\(width) \(ascii)")
                #expect(out.contains(ascii ? "2011  " : "2011  █") && out.contains("RFC 6335"))
            }
        }
    }

    @Test(arguments: [(312, 56, 10), (24, 38, 1), (39, 38, 2), (100, 38, 5), (0, 10, 1), (560, 56, 10), (561, 56, 20)])
    func theScaleIsARoundNumberThatFits(largest: Int, room: Int, expected: Int) {
        #expect(RegistrationTimeline.scale(largest: largest, room: room) == expected)
    }

    @Test func barsAreDrawnToTheNearestEighthOrColumn() {
        #expect(RegistrationTimeline.bar(99, scale: 10, ascii: false) == "█████████▉")
        #expect(RegistrationTimeline.bar(99, scale: 10, ascii: true) == "##########")
        #expect(RegistrationTimeline.bar(4, scale: 10, ascii: false) == "▍")
        #expect(RegistrationTimeline.bar(4, scale: 10, ascii: true) == "")
        #expect(RegistrationTimeline.bar(0, scale: 1, ascii: false) == "")
    }

    @Test func aRegistryWithoutDatesSaysThereIsNothingToDraw() throws {
        let out = try makeExplorer(records: wkstnMon).evaluate("stats --timeline")[0].result.get().text(
            TextContext(width: 60))
        #expect(
            out.contains(
                "\n\nNo registration in this registry carries a date (1 undated),\nso there is nothing to draw.\n\n"))
        #expect(!out.contains("█"))
    }
}

/// The expected charts.
enum TimelinePictures {
    static let timeline60UTF8 = """
        Named registrations by the year of their first registration
        date (one name on one port or range, with all its
        transports):

        1994  ◀ RFC 1700
          ⋮
        2009  ███ 3
        2010  0
        2011  █ 1  ◀ RFC 6335
        2012  ████████████████████████ 24

        1 column is 1 registration.
        ◀ RFC 1700 (1994) was the last Assigned Numbers RFC, after
          which the list lived only online.
        ◀ RFC 6335 (2011) set the rules IANA follows today: the
          three ranges and Expert Review.

        2 of the 30 registrations (7%) carry no date and are not
        drawn. This registry dates no registration before 2000,
        though many ports were assigned long before; their dates
        were not recorded, so the chart cannot say when they were
        made. It counts the registrations still in the registry,
        each at its earliest date; those removed since, and later
        changes, do not show.

        source: test.xml of 2025-12-15
        """

    static let timeline60ASCII = """
        Named registrations by the year of their first registration
        date (one name on one port or range, with all its
        transports):

        1994  <- RFC 1700
          :
        2009  ### 3
        2010  0
        2011  # 1  <- RFC 6335
        2012  ######################## 24

        1 column is 1 registration.
        <- RFC 1700 (1994) was the last Assigned Numbers RFC, after
           which the list lived only online.
        <- RFC 6335 (2011) set the rules IANA follows today: the
           three ranges and Expert Review.

        2 of the 30 registrations (7%) carry no date and are not
        drawn. This registry dates no registration before 2000,
        though many ports were assigned long before; their dates
        were not recorded, so the chart cannot say when they were
        made. It counts the registrations still in the registry,
        each at its earliest date; those removed since, and later
        changes, do not show.

        source: test.xml of 2025-12-15
        """

    static let timeline100UTF8 = """
        Named registrations by the year of their first registration date (one name on one port or range,
        with all its transports):

        1994  ◀ RFC 1700
          ⋮
        2009  ███ 3
        2010  0
        2011  █ 1  ◀ RFC 6335
        2012  ████████████████████████ 24

        1 column is 1 registration.
        ◀ RFC 1700 (1994) was the last Assigned Numbers RFC, after which the list lived only online.
        ◀ RFC 6335 (2011) set the rules IANA follows today: the three ranges and Expert Review.

        2 of the 30 registrations (7%) carry no date and are not drawn. This registry dates no registration
        before 2000, though many ports were assigned long before; their dates were not recorded, so the
        chart cannot say when they were made. It counts the registrations still in the registry, each at its
        earliest date; those removed since, and later changes, do not show.

        source: test.xml of 2025-12-15
        """

    static let timeline100ASCII = """
        Named registrations by the year of their first registration date (one name on one port or range,
        with all its transports):

        1994  <- RFC 1700
          :
        2009  ### 3
        2010  0
        2011  # 1  <- RFC 6335
        2012  ######################## 24

        1 column is 1 registration.
        <- RFC 1700 (1994) was the last Assigned Numbers RFC, after which the list lived only online.
        <- RFC 6335 (2011) set the rules IANA follows today: the three ranges and Expert Review.

        2 of the 30 registrations (7%) carry no date and are not drawn. This registry dates no registration
        before 2000, though many ports were assigned long before; their dates were not recorded, so the
        chart cannot say when they were made. It counts the registrations still in the registry, each at its
        earliest date; those removed since, and later changes, do not show.

        source: test.xml of 2025-12-15
        """
}
