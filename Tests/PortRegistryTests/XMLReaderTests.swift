import Testing

@testable import PortRegistry

@Suite struct XMLReaderTests {
    let document: RegistryDocument

    init() throws {
        document = try IANAXMLReader.read(try Fixtures.bytes("small.xml"), file: "small.xml")
    }

    @Test func readsRegistryDateAndCounts() {
        #expect(document.format == .ianaXML)
        #expect(document.declaredUpdated == day("2025-12-15"))
        #expect(document.updated == day("2025-12-15"))
        #expect(document.records.count == 7)
        #expect(document.people.count == 4)
    }

    @Test func reservedSingleAndRangeWithoutNameOrTransport() {
        let r0 = document.records[0]
        #expect(
            r0
                == ServiceRecord(
                    ports: PortRange(0), transport: .tcp, description: "Reserved",
                    modified: day("2024-12-20"), references: [Reference(kind: .rfc, value: "rfc6335")]))
        #expect(r0.isReserved)
        let r1 = document.records[1]
        #expect(r1.name == nil)
        #expect(r1.transport == nil)
        #expect(r1.ports == PortRange(225, 241))
        #expect(r1.assignees == ["Jon_Postel"])
        #expect(r1.contacts == ["Jon_Postel"])
    }

    @Test func assigneeBlockAndDirectPersonSplitLikeIANAsCSV() {
        let http = document.records[2]
        #expect(http.name == "http")
        #expect(http.assignees == ["IESG"])
        #expect(http.contacts == ["IETF_Chair"])
        #expect(http.references == [Reference(kind: .rfc, value: "rfc9110")])
        #expect(http.notes == "Defined TXT keys: u=<username> p=<password>")
        #expect(http.modified == day("2021-10-01"))
    }

    @Test func mixedContentDatesServiceCodeUnauthorized() {
        let w = document.records[3]
        #expect(w.description == "whois++\nIANA assigned this well-formed name as a replacement for \"whois++\".")
        #expect(w.registered == day("2009-06-18"))
        // updated="2013-05": the month only, never an invented 2013-05-01.
        #expect(w.modified == day("2013-05"))
        #expect(w.modified?.description == "2013-05")
        #expect(w.serviceCode == "1145656131")
        #expect(w.unauthorizedUses == "Unauthorized use by some (see [RFC4146])")
        #expect(w.transport == .udp)
    }

    @Test func unicodeEntitiesCDATAAndReferenceKinds() {
        let c = document.records[4]
        #expect(c.name == "café-démo")
        #expect(c.transport == .sctp)
        #expect(c.description == "Café <demo> & co — Ünïcode")
        #expect(c.assignees == ["Zoë_Müller"])
        #expect(
            c.references == [
                Reference(kind: .note, value: "1"),
                Reference(kind: .draft, value: "draft-ietf-tsvwg-example-03"),
                Reference(kind: .uri, value: "https://example.org/spec"),
                Reference(kind: .text, value: "n/a"),
            ])
        #expect(c.notes == "De-assigned, previously by [Bernie_Volz]\nand [RFC9900]")
    }

    @Test func nameWithoutPortAndUnknownElementsSkipped() {
        #expect(document.records[5].ports == nil)
        #expect(document.records[5].transport == nil)
        let exp = document.records[6]
        #expect(exp.assignees == ["IESG"])
        #expect(exp.contacts == ["IETF_Chair"])
        #expect(exp.transport == .dccp)
    }

    @Test func people() {
        let byID = Dictionary(uniqueKeysWithValues: document.people.map { ($0.id, $0) })
        #expect(
            byID["IETF_Chair"]
                == Person(
                    id: "IETF_Chair", name: "IETF Chair", organization: "IETF",
                    uri: "mailto:chair&ietf.org", updated: day("2002-05")))
        // An organisation with no <name> is displayed by its org.
        #expect(byID["_88solutions_Corporation"]?.name == "88solutions Corporation")
        #expect(byID["Zoë_Müller"]?.name == "Zoë Müller")
    }

    @Test(arguments: [
        (
            "<registry>\n<updated>2025-01-01</updated>\n<record>\n<name>x</name>\n",
            "t.xml: line 5: unexpected end of input: <record> (line 3) is not closed"
        ),
        (
            "<registry>\n<record><name>x</na",
            "t.xml: line 2: malformed end tag </na"
        ),
        ("<?xml version='1.0'?>\n<foo/>", "t.xml: line 2: root element is <foo>, expected <registry>"),
        ("<!DOCTYPE html>\n<html><body>404</body></html>", "t.xml: line 2: not a registry: looks like HTML"),
        (
            "<registry>\n<record>\n<number>12a</number>\n</record>\n</registry>",
            "t.xml: line 3: <number> \"12a\" is not a port number"
        ),
        (
            "<registry>\n<record>\n<number>70000</number>\n</record>\n</registry>",
            "t.xml: line 3: <number> \"70000\" is out of the port range 0-65535"
        ),
        (
            "<registry>\n<record>\n<number>300-200</number>\n</record>\n</registry>",
            "t.xml: line 3: <number> \"300-200\" is a backwards port range"
        ),
        (
            "<registry>\n<record>\n<number>1-99999999999999999999</number>\n</record>\n</registry>",
            "t.xml: line 3: <number> \"1-99999999999999999999\" is out of the port range 0-65535"
        ),
        (
            "<registry>\n<record><protocol>quic</protocol></record></registry>",
            "t.xml: line 2: <protocol> \"quic\" is not a known transport (tcp, udp, sctp, dccp)"
        ),
        (
            "<registry>\n\n<record date=\"2020-13-01\"></record></registry>",
            "t.xml: line 3: <record> attribute date=\"2020-13-01\" is not a date (YYYY-MM-DD or YYYY-MM)"
        ),
        (
            "<registry>\n<record><name>x</protocol></record></registry>",
            "t.xml: line 2: mismatched </protocol>, expected </name>"
        ),
        ("<registry><record><name>a&foo;b</name></record></registry>", "t.xml: line 1: unknown entity &foo;"),
        (
            "<registry><record><name>a&#xD800;b</name></record></registry>",
            "t.xml: line 1: invalid character reference &#xD800;"
        ),
        ("<registry><record><name>a &amp b</name></record></registry>", "t.xml: line 1: unterminated entity reference"),
        ("<registry></registry>", "t.xml: line 1: <registry> holds no records"),
        ("<registry><updated>2020-01-01</updated></registry>\n<x/>", "t.xml: line 2: content after the root element"),
        (
            "<registry><updated>yesterday</updated></registry>",
            "t.xml: line 1: <updated> \"yesterday\" is not a date (YYYY-MM-DD or YYYY-MM)"
        ),
        (
            "<registry><people>\n<person><name>n</name></person></people></registry>",
            "t.xml: line 2: <person> has no id"
        ),
        ("<registry><!-- never closed", "t.xml: line 1: unterminated comment"),
        ("<registry><record a=b></record></registry>", "t.xml: line 1: attribute a of <record> is not quoted"),
        ("", "t.xml: line 1: empty document: no root element"),
        ("just text", "t.xml: line 1: not XML: text before the root element"),
    ])
    func malformedInputIsATypedErrorNamingTheLine(input: String, message: String) {
        #expect(
            errorMessage { () throws(RegistryError) in try IANAXMLReader.read(Array(input.utf8), file: "t.xml") }
                == message)
    }

    @Test func everyTruncationOfTheFixtureFailsOrIsShorterNeverCrashes() throws {
        let full = try Fixtures.bytes("small.xml")
        let complete = try IANAXMLReader.read(full, file: "small.xml")
        for cut in stride(from: 0, to: full.count - 12, by: 7) {
            // Cutting anywhere before </registry> must be an error, never a half-load.
            let result = errorMessage { () throws(RegistryError) in
                try IANAXMLReader.read(Array(full[..<cut]), file: "cut.xml")
            }
            #expect(result != nil, "cut at \(cut) loaded \(complete.records.count) records' worth silently")
        }
    }
}
