import Testing

@testable import PortRegistry

@Suite struct FastFormTests {
    static func fixtureDocuments() throws -> [RegistryDocument] {
        [
            try IANAXMLReader.read(try Fixtures.bytes("small.xml"), file: "small.xml"),
            try IANACSVReader.read(try Fixtures.bytes("small.csv"), file: "small.csv"),
        ]
    }

    @Test func roundTripEqualsTheInput() throws {
        for doc in try Self.fixtureDocuments() {
            let bytes = FastForm.encode(doc)
            let reg = try Registry.open(fastForm: bytes, file: "rt.bin")
            try reg.verify()
            #expect(reg.allRecords() == doc.records)
            #expect(Set(reg.allPeople()) == Set(doc.people))
            #expect(reg.source.updated == doc.updated)
            #expect(reg.originalFormat == doc.format)
            #expect(reg.fastFormBytes() == bytes)
            // Decoding it again as a document gives the same document (format aside).
            let again = try RegistryDocument.read(bytes, file: "rt.bin")
            #expect(again.records == doc.records)
        }
    }

    @Test(.enabled(if: Fixtures.hasRealCSV)) func roundTripOfTheRealCSV() throws {
        let doc = try RegistryDocument.read(try FileIO.readFile(Fixtures.realCSV), file: Fixtures.realCSV)
        let reg = try Registry.open(fastForm: FastForm.encode(doc), file: "rt.bin")
        #expect(reg.allRecords() == doc.records)
        #expect(reg.allPeople() == doc.people.sorted { Array($0.id.utf8).lexicographicallyPrecedes(Array($1.id.utf8)) })
    }

    /// IANA records many dates to the month only; the fast form must not invent a day for them.
    @Test func monthOnlyDatesKeepTheirPrecision() throws {
        let month = try #require(Day(iso: "2003-04"))
        let full = try #require(Day(iso: "2003-04-01"))
        #expect(month.isMonthOnly && !full.isMonthOnly)
        #expect(month.description == "2003-04" && full.description == "2003-04-01")
        #expect(month != full && month < full)
        let records = [
            ServiceRecord(name: "a", ports: PortRange(5000), transport: .tcp, registered: month, modified: full)
        ]
        let reg = try Registry.open(
            fastForm: FastForm.encode(records: records, people: [], updated: month, format: .ianaXML), file: "d.bin")
        let back = try #require(reg.allRecords().first)
        #expect(back.registered?.description == "2003-04")
        #expect(back.modified?.description == "2003-04-01")
        #expect(reg.source.updated?.description == "2003-04")
    }

    @Test func queriesMatchTheNaiveDefinitions() throws {
        for doc in try Self.fixtureDocuments() {
            let reg = try Registry(document: doc, source: RegistrySource(kind: .file, path: nil, updated: nil))
            for port: UInt16 in [0, 1, 63, 80, 224, 225, 230, 241, 242, 1021, 2991, 65535] {
                #expect(reg.records(onPort: port) == doc.records.filter { $0.ports?.contains(port) ?? false })
            }
            for range in [PortRange(0, 100), PortRange(240, 1021), PortRange(2000, 65535)] {
                #expect(reg.records(in: range) == doc.records.filter { $0.ports?.overlaps(range) ?? false })
            }
            for name in ["HTTP", "whoispp", "CAFÉ-DÉMO", "nope", "exp1"] {
                #expect(reg.records(named: name) == doc.records.filter { $0.name?.lowercased() == name.lowercased() })
            }
            for keyword in ["reserved", "WWW", "é"] {
                #expect(
                    reg.search(keyword)
                        == doc.records.filter {
                            ($0.name?.lowercased().contains(keyword.lowercased()) ?? false)
                                || $0.description.lowercased().contains(keyword.lowercased())
                        })
            }
            #expect(reg.serviceNames() == Array(Set(doc.records.compactMap { $0.name?.lowercased() })).sorted())
        }
    }

    @Test func peopleResolveAndUnknownIdsAreDerived() throws {
        let doc = try IANAXMLReader.read(try Fixtures.bytes("small.xml"), file: "small.xml")
        let reg = try Registry(document: doc, source: RegistrySource(kind: .file, path: nil, updated: nil))
        #expect(reg.person("IETF_Chair").organization == "IETF")
        #expect(reg.person("Zoë_Müller").name == "Zoë Müller")
        #expect(reg.hasPerson("IESG"))
        #expect(!reg.hasPerson("Jon_Postel"))
        #expect(reg.person("Jon_Postel") == Person(id: "Jon_Postel", name: "Jon Postel"))
    }

    static func valid() throws -> [UInt8] {
        FastForm.encode(try IANAXMLReader.read(try Fixtures.bytes("small.xml"), file: "small.xml"))
    }

    static func withChecksum(_ b: [UInt8]) -> [UInt8] {
        var b = b
        let sum = b.withUnsafeBytes { FastForm.checksum(UnsafeRawBufferPointer(rebasing: $0[FastForm.headerSize...])) }
        b.put32(UInt32(truncatingIfNeeded: sum), at: 24)
        b.put32(UInt32(truncatingIfNeeded: sum >> 32), at: 28)
        return b
    }

    @Test func corruptedFilesAreTypedErrors() throws {
        let good = try Self.valid()
        func open(_ b: [UInt8]) -> String? {
            errorMessage { () throws(RegistryError) in try Registry.open(fastForm: b, file: "c.bin") }
        }
        #expect(open(Array("garbage, not a registry at all".utf8)) == "c.bin: not a porthole registry file (bad magic)")
        #expect(open([]) == "c.bin: not a porthole registry file (bad magic)")
        #expect(open(Array(good[..<20])) == "c.bin: truncated: 20 bytes, shorter than the 112-byte header")
        #expect(
            open(Array(good[..<500])) == "c.bin: offset 16: truncated: header says \(good.count) bytes, file has 500")
        #expect(
            open(good + [0])
                == "c.bin: offset 16: header says \(good.count) bytes, file has \(good.count + 1) (trailing garbage)")
        var v3 = good
        v3.put32(3, at: 8)
        #expect(open(v3) == "c.bin: offset 8: fast form version 3 is not supported (this porthole reads version 2)")
        // Version 1 gave month-only dates an invented day: refused, with what to do.
        var v1 = good
        v1.put32(1, at: 8)
        #expect(
            open(v1)
                == "c.bin: offset 8: written by an older porthole (fast form version 1, which gave month-only registration dates an invented day); run 'update' to fetch and convert the registry again"
        )
        var flipped = good
        flipped[good.count / 2] ^= 0x40
        #expect(open(flipped) == "c.bin: offset 24: checksum mismatch: the file is corrupted")
        var outside = good
        outside.put32(1_000_000, at: 40)  // record count far past the end, checksum made consistent
        #expect(
            open(Self.withChecksum(outside))
                == "c.bin: offset 44: records section (offset 112, 1000000 × 48 bytes) lies outside the \(good.count)-byte file"
        )
        var badDate = good
        badDate.put32(13 << 5 | 1, at: 32)
        #expect(open(Self.withChecksum(badDate)) == "c.bin: offset 32: updated date 417 is invalid")
        // load(path:)/load(bytes:) detect the magic and report through the same reader.
        #expect(
            errorMessage { () throws(RegistryError) in try Registry.load(bytes: Array(good[..<500]), file: "c.bin") }
                == "c.bin: offset 16: truncated: header says \(good.count) bytes, file has 500")
    }

    /// Corruption that keeps the checksum consistent (a hostile or buggy writer) must still
    /// never crash: open throws, or every query answers.
    @Test func mutationsWithValidChecksumNeverCrash() throws {
        let good = try Self.valid()
        var rng = SplitMix(seed: 42)
        for round in 0..<400 {
            var b = good
            for _ in 0..<(1 + round % 4) {
                let i = Int(rng.next() % UInt64(b.count - 32)) + 32
                b[i] = UInt8(truncatingIfNeeded: rng.next())
            }
            b = Self.withChecksum(b)
            guard let reg = try? Registry.open(fastForm: b, file: "m.bin") else { continue }
            _ = try? reg.verify()
            _ = reg.allRecords()
            _ = reg.allPeople()
            _ = reg.records(onPort: 80)
            _ = reg.records(in: PortRange(0, 65535))
            _ = reg.records(named: "http")
            _ = reg.search("e")
            _ = reg.serviceNames()
            _ = reg.person("IESG")
        }
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
