import Testing

@testable import PortRegistry

@Suite struct CSVReaderTests {
    let document: RegistryDocument

    init() throws {
        document = try IANACSVReader.read(try Fixtures.bytes("small.csv"), file: "small.csv")
    }

    @Test func recordsAndDates() {
        #expect(document.format == .ianaCSV)
        #expect(document.records.count == 6)
        #expect(document.declaredUpdated == nil)
        // The CSV carries no date: the newest record date stands in.
        #expect(document.updated == day("2014-07-09"))
    }

    @Test func rangesMissingNamesMultilineAndQuotes() {
        #expect(
            document.records[0]
                == ServiceRecord(
                    ports: PortRange(0), transport: .tcp, description: "Reserved",
                    assignees: ["Jon_Postel"], contacts: ["Jon_Postel"]))
        #expect(document.records[1].ports == PortRange(225, 241))
        #expect(document.records[1].transport == nil)
        #expect(
            document.records[2].description
                == "whois++\nIANA assigned this well-formed service name as a replacement for \"whois++\".")
        #expect(document.records[3].description == "RFC3692-style Experiment 1, with a comma")
    }

    @Test func peopleReferencesAndUnicode() {
        let exp = document.records[3]
        #expect(exp.assignees == ["IESG"])
        #expect(exp.contacts == ["IETF_Chair"])
        #expect(exp.registered == day("2001-02-03"))
        #expect(exp.modified?.description == "2013-05")
        #expect(
            exp.references == [
                Reference(kind: .note, value: "1"), Reference(kind: .rfc, value: "rfc4727"),
                Reference(kind: .rfc, value: "rfc6335"),
            ])
        let m = document.records[4]
        #expect(m.assignees == ["Mahr_GmbH_Göttingen"])
        #expect(
            m.references == [
                Reference(kind: .draft, value: "draft-ietf-foo-bar-01"),
                Reference(kind: .uri, value: "http://example.com/x"),
                Reference(kind: .text, value: "ISO/IEC 1234"),
            ])
        #expect(m.serviceCode == "1145656131")
        #expect(m.unauthorizedUses == "Seen in the wild")
        #expect(m.notes == "Line one\nLine two")
        let d = document.records[5]
        #expect(d.name == "_dns-sd")
        #expect(d.ports == nil)
        #expect(d.assignees == ["A_B", "C_D"])
        let people = Dictionary(uniqueKeysWithValues: document.people.map { ($0.id, $0.name) })
        #expect(people["Mahr_GmbH_Göttingen"] == "Mahr GmbH Göttingen")
        #expect(people["Jon_Postel"] == "Jon Postel")
        #expect(document.people.count == 8)
    }

    static let header = IANACSVReader.columns.joined(separator: ",")

    @Test(arguments: [
        ("", "t.csv: line 1: empty file: no CSV header"),
        (
            "Service Name,Port Number\n",
            "t.csv: line 1: header has 2 columns, expected 12 (\(IANACSVReader.columns.joined(separator: ",")))"
        ),
        (
            IANACSVReader.columns.map { $0 == "Contact" ? "Kontakt" : $0 }.joined(separator: ",") + "\n",
            "t.csv: line 1: header column 6 is \"Kontakt\", expected \"Contact\""
        ),
        (header + "\nx,1,tcp,d,,,,,,,,\nx,1,tcp,d,,,,,,,\n", "t.csv: line 3: row has 11 fields, expected 12"),
        (header + "\nx,abc,tcp,d,,,,,,,,\n", "t.csv: line 2: Port Number \"abc\" is not a port number"),
        (header + "\nx,70000,tcp,d,,,,,,,,\n", "t.csv: line 2: Port Number \"70000\" is out of the port range 0-65535"),
        (header + "\nx,-5,tcp,d,,,,,,,,\n", "t.csv: line 2: Port Number \"-5\" is not a port number"),
        (
            header + "\nx,1,quic,d,,,,,,,,\n",
            "t.csv: line 2: Transport Protocol \"quic\" is not a known transport (tcp, udp, sctp, dccp)"
        ),
        (
            header + "\nx,1,tcp,d,,,2014-13-01,,,,,\n",
            "t.csv: line 2: Registration Date \"2014-13-01\" is not a date (YYYY-MM-DD or YYYY-MM)"
        ),
        (
            header + "\nx,1,tcp,\"multi\nline\",,,,,,,,\ny,2,tcp,\"never closed\n",
            "t.csv: line 4: unterminated quoted field 4 (the file ends inside quotes)"
        ),
        (
            header + "\nx,1,tcp,ab\"c,,,,,,,,\n",
            "t.csv: line 2: stray quote in field 4 (a quoted field must start with the quote)"
        ),
        (header + "\nx,1,tcp,\"ab\"c,,,,,,,,\n", "t.csv: line 2: text after the closing quote of field 4"),
        ("<!DOCTYPE html>\n<html>\n", "t.csv: line 1: not a registry: looks like HTML"),
    ])
    func malformedInputIsATypedErrorNamingTheLine(input: String, message: String) {
        #expect(
            errorMessage { () throws(RegistryError) in try IANACSVReader.read(Array(input.utf8), file: "t.csv") }
                == message)
    }

    @Test(.enabled(if: Fixtures.hasRealCSV)) func realCSVFromIpv6toolkit() throws {
        let doc = try RegistryDocument.read(try FileIO.readFile(Fixtures.realCSV), file: Fixtures.realCSV)
        #expect(doc.records.count == 13_521)
        #expect(doc.updated == day("2014-07-09"))
        #expect(doc.records.filter { $0.name == "wkstn-mon" }.map(\.transport) == [.tcp, .udp])
    }
}
