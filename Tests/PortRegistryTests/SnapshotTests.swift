import Testing

@testable import PortRegistry

@Suite struct EmbeddedSnapshotTests {
    @Test func wkstnMonOn2991() throws {
        let reg = try Registry.embedded()
        #expect(reg.source == RegistrySource(kind: .embedded, path: nil, updated: day("2025-12-15")))
        #expect(reg.recordCount == 14_496)
        let records = reg.records(onPort: 2991)
        #expect(records.map(\.name) == ["wkstn-mon", "wkstn-mon"])
        #expect(records.map(\.transport) == [.tcp, .udp])
        #expect(records.allSatisfy { $0.description == "WKSTN-MON" && $0.assignees == ["William_David"] })
        #expect(reg.person("William_David").name == "William David")
        #expect(RangeClass(port: 2991) == .user)
        #expect(reg.records(named: "WKSTN-MON").count == 2)
    }

    /// `personName` decodes only the name, and gives what `person(id).name` gives, for every
    /// person and for ids the registry does not hold.
    @Test func personNameIsThePersonsName() throws {
        let registry = try Registry.embedded()
        let people = registry.allPeople()
        #expect(!people.isEmpty)
        for person in people {
            #expect(registry.personName(person.id) == registry.person(person.id).name, "\(person.id)")
        }
        for id in ["No_Such_Person", "", "zzz"] {
            #expect(registry.personName(id) == registry.person(id).name)
        }
    }

    @Test func checksumAndEveryRecordVerify() throws {
        try Registry.embedded().verify()
    }

    /// The snapshot is IANA's XML of 2025-12-15 (not committed: compared when it is beside the repository).
    @Test(.enabled(if: Fixtures.hasRealXML)) func embeddedEqualsAFreshImportOfItsSource() throws {
        let doc = try RegistryUpdater.validate(try FileIO.readFile(Fixtures.realXML), file: Fixtures.realXML)
        #expect(try Registry.embedded().fastFormBytes() == FastForm.encode(doc))
    }

    /// Most of the registry's dates are given to the month only, and stay so.
    @Test func embeddedDatesKeepTheirPrecision() throws {
        let dates = try Registry.embedded().allRecords().compactMap(\.registered)
        #expect(dates.count == 4_694)
        #expect(dates.filter(\.isMonthOnly).count == 2_618)
    }

    @Test(.enabled(if: Fixtures.hasRealXML)) func realIANAXML2025() throws {
        let reg = try Registry.load(path: Fixtures.realXML)
        #expect(reg.recordCount == 14_496)
        #expect(reg.allPeople().count == 5_588)
        #expect(reg.source.updated == day("2025-12-15"))
        let w = reg.records(onPort: 2991)
        #expect(w.map(\.name) == ["wkstn-mon", "wkstn-mon"])
        #expect(reg.person(try #require(w.first?.assignees.first)).name == "William David")
        #expect(reg.hasPerson("William_David"))
        // Every person referenced by a record resolves to the <people> block.
        let all = reg.allRecords()
        let referenced = Set(all.flatMap { $0.assignees + $0.contacts })
        let unresolved = referenced.filter { !reg.hasPerson($0) }
        #expect(unresolved.count <= referenced.count / 50, "unresolved: \(unresolved.sorted().prefix(10))")
        #expect(
            reg.records(onPort: 80).contains {
                $0.name == "http" && $0.assignees == ["IESG"] && $0.contacts == ["IETF_Chair"]
            })
    }
}

@Suite struct SnapshotSourceTests {
    /// Evaluates the C string literal(s) the renderer produced, as a C compiler would.
    static func evaluate(_ c: String) -> [UInt8] {
        var out: [UInt8] = []
        for line in c.split(separator: "\n") where line.hasPrefix("\"") {
            var body = Array(line.utf8.dropFirst())
            if body.last == 59 { body.removeLast() }  // ;
            body.removeLast()  // closing quote
            var i = 0
            while i < body.count {
                if body[i] != 92 {
                    out.append(body[i])
                    i += 1
                    continue
                }
                i += 1
                let e = body[i]
                if e >= 48 && e <= 55 {
                    var v = 0
                    var n = 0
                    while n < 3 && i < body.count && body[i] >= 48 && body[i] <= 55 {
                        v = v * 8 + Int(body[i] - 48)
                        i += 1
                        n += 1
                    }
                    out.append(UInt8(v))
                } else {
                    out.append(e)
                    i += 1
                }
            }
        }
        return out
    }

    @Test func escapingRoundTripsAndAvoidsPitfalls() {
        let tricky: [UInt8] =
            Array("??=??/ \"quoted\" back\\slash ".utf8) + [0, 49, 50, 7, 56, 0, 0, 255, 10, 13, 57, 9]
            + Array(repeating: 65, count: 250) + [1, 51]
        let c = SnapshotSource.render(tricky, comment: "test */ comment")
        #expect(Self.evaluate(c) == tricky)
        #expect(!c.contains("??"))
        #expect(c.contains("\\0001") && c.contains("\\0078"))  // octal followed by a digit: three digits
        #expect(c.contains("size_t porthole_snapshot_size(void) { return sizeof bytes - 1; }"))
        #expect(c.contains(" * test * / comment"))
    }
}
