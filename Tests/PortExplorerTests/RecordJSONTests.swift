import PortRegistry
import Testing

@testable import PortExplorer

/// A broad lookup writes its records' JSON straight from the fast form's bytes
/// (`RecordJSON`); every record must read byte for byte as the general path
/// (`ServiceRecord.write(into:personName:)`) writes it.
@Suite struct RecordJSONTests {
    /// The general path's array, as `lookup` wrote it before the fast path.
    static func general(_ registry: Registry, _ indices: [Int]) -> String {
        JSON.Writer.array(indices.map(registry.record(at:))) { $1.write(into: &$0, personName: registry.personName) }
            .encoded
    }

    static func fast(_ registry: Registry, _ indices: [Int]) -> String {
        var writer = RecordJSON(registry, personName: registry.personName)
        var out: [UInt8] = []
        writer.writeArray(indices, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Record by record, so a difference names its record.
    static func expectSame(_ registry: Registry, _ indices: [Int]) {
        var writer = RecordJSON(registry, personName: registry.personName)
        for index in indices {
            var out: [UInt8] = []
            writer.writeArray([index], into: &out)
            let want = general(registry, [index])
            let got = String(decoding: out, as: UTF8.self)
            #expect(got == want, "record \(index)")
            if got != want { return }
        }
        #expect(fast(registry, indices) == general(registry, indices))
    }

    @Test func everyRecordOfTheEmbeddedRegistry() throws {
        let registry = try Registry.embedded()
        #expect(registry.recordCount > 10_000)
        Self.expectSame(registry, Array(0..<registry.recordCount))
    }

    @Test func hostileTexts() {
        let hostile = [
            "plain", "", "quote \" and backslash \\", "line\nbreak\r\ttab", "nul \u{0} bell \u{7} del \u{7f}",
            "escape \u{1b}[31mred", "caf\u{e9} \u{2014} dash", "C1 \u{85} \u{9b}", "bidi \u{202e}gnp.exe",
            "zero\u{200b}width \u{feff}", "emoji \u{1f600} and \u{10ffff}", "abcdefgh\u{202e}ijklmnop",
            String(repeating: "x", count: 70) + "\"",
        ]
        var records: [ServiceRecord] = []
        var people: [Person] = []
        for (i, text) in hostile.enumerated() {
            let id = "Person_\(i)"
            people.append(Person(id: id, name: i % 3 == 0 ? nil : text, organization: text, uri: "mailto:\(i)@x"))
            records.append(
                ServiceRecord(
                    name: "n\(i)" + text, ports: PortRange(UInt16(i * 4000), UInt16(i * 4000 + i)),
                    transport: Transport.allCases[i % 4], description: text,
                    assignees: [id, "Nobody_\(i)", text], contacts: [text, id],
                    registered: Day(year: 1900 + i, month: 1 + i % 12, day: 1 + i),
                    modified: i % 2 == 0 ? Day(year: 2020, month: 2) : nil,
                    references: Reference.Kind.allCases.map { Reference(kind: $0, value: text) },
                    serviceCode: text, unauthorizedUses: i % 2 == 0 ? text : nil, notes: text))
            records.append(ServiceRecord(ports: PortRange(UInt16(i)), description: text))
        }
        // Records without a name are reserved or unassigned by a case-insensitive prefix.
        for description in [
            "Reserved", "RESERVED for later", "reserved\u{301}", "Unassigned", "unassigned \u{e9}", "UNASSİGNED",
            "Unassign", "reserve", " Reserved", "Reserved\u{202e}",
        ] {
            records.append(ServiceRecord(ports: PortRange(40000, 40010), transport: .udp, description: description))
            records.append(ServiceRecord(name: "named", ports: PortRange(1), description: description))
        }
        records.append(ServiceRecord(name: "_portless", description: "a name without a port"))
        records.append(ServiceRecord(name: "Ünïcode_id", assignees: ["Ünïcode_Person", "Plain_Person"]))
        people.append(Person(id: "Ünïcode_Person", name: "Named \u{202e}"))
        let registry = makeRegistry(records: records, people: people)
        Self.expectSame(registry, Array(0..<registry.recordCount))
    }

    /// A record that cannot be read takes the general path, which says so.
    @Test func unreadableRecordsTakeTheGeneralPath() {
        let registry = makeRegistry(records: sampleRecords)
        #expect(registry.recordFields(at: registry.recordCount) == nil)
        #expect(registry.recordFields(at: -1) == nil)
        let indices = [0, registry.recordCount, 1, -1]
        #expect(Self.fast(registry, indices) == Self.general(registry, indices))
        #expect(Self.fast(registry, indices).contains("unreadable record"))
        #expect(Self.fast(registry, []) == "[]")
    }
}
