import Foundation
import PortholeTestSupport
import Testing

/// `--format csv|tsv` from the shell, read back by Python's csv module.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"))
struct FormatEndToEndTests {
    /// An IANA CSV registry whose descriptions hold a comma, quotes and a line break.
    static let registry = """
        Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,Modification Date,Reference,Service Code,Known Unauthorized Uses,Assignment Notes
        awkward,5000,tcp,"Says ""hi"", then
        leaves",[Ann_Example],[Ann_Example],2001-02-03,,[RFC9999],,,
        plain,5001,udp,Plain,,,,,,,,

        """

    /// The rows Python's csv module reads from `text`, with CRLF line endings left to it.
    static func pythonRows(_ text: String, delimiter: String = ",") throws -> [[String]] {
        let script = """
            import csv, io, json, sys
            print(json.dumps(list(csv.reader(io.TextIOWrapper(sys.stdin.buffer, newline=''), delimiter=sys.argv[1]))))
            """
        let run = try TestProcess.run(
            ["/usr/bin/python3", "-c", script, delimiter], stdin: .bytes(Array(text.utf8)))
        guard run.status == 0 else { throw TestFailure("python3: \(run)") }
        return try JSONDecoder().decode([[String]].self, from: Data(run.stdout.utf8))
    }

    func porthole(_ arguments: [String]) throws -> TestRun {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        try folder.write("registry.csv", Array(Self.registry.utf8))
        return try Porthole.run(["--registry", folder.file("registry.csv")] + arguments)
    }

    @Test func csvReadsBackWithCommasQuotesAndLineBreaks() throws {
        let run = try porthole(["--format", "csv", "lookup", "5000-5001"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.utf8.count > 0 && run.stdout.hasSuffix("\r\n"))
        let rows = try Self.pythonRows(run.stdout)
        #expect(rows.count == 3)
        #expect(rows.first?.prefix(4) == ["query", "kind", "name", "port"])
        let awkward = try #require(rows.dropFirst().first)
        #expect(awkward[2] == "awkward" && awkward[3] == "5000")
        #expect(awkward[6] == "Says \"hi\", then\nleaves")
        #expect(awkward[10] == "2001-02-03" && awkward[12] == "rfc:rfc9999", "\(awkward)")
        #expect(rows.last?[2] == "plain")
    }

    @Test func tsvAndNoHeader() throws {
        let run = try porthole(["lookup", "5000", "5001", "--format=tsv", "--no-header"])
        #expect(run.status == 0, "\(run)")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines.last == "")
        #expect(lines[0].hasPrefix("5000\tport\tawkward\t5000\t5000\ttcp\tSays \"hi\", then\\nleaves\t"))
        #expect(try Self.pythonRows(run.stdout, delimiter: "\t").map { $0[2] } == ["awkward", "plain"])
    }

    @Test func formatAndJSONConflictUnlessTheyAgree() throws {
        let conflict = try Porthole.run(["--json", "--format", "csv", "help"])
        #expect(conflict.status == 2)
        #expect(conflict.stderr.hasPrefix("porthole: '--json' and '--format csv' disagree; give one\n"))
        let agree = try Porthole.run(["--format", "json", "version", "--json"])
        #expect(agree.status == 0 && agree.stdout.hasPrefix("{\"command\":\"version\""))
        let unknown = try Porthole.run(["--format", "xml", "help"])
        #expect(unknown.status == 2 && unknown.stderr.contains("expects text, json, csv or tsv, not 'xml'"))
    }

    @Test func setFormatCSVInAScript() throws {
        let run = try porthole(["-c", "set format csv; lookup 5001; set format text; version"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.hasPrefix("format is now csv\nquery,kind,name,port,"))
        #expect(
            run.stdout.contains(
                "\r\n5001,port,plain,5001,5001,udp,Plain,user,,,,,\r\nformat is now text\n\nporthole 0.1.0"))
    }
}
