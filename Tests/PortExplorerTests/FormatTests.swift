import PortListeners
import PortRegistry
import Testing

@testable import PortExplorer

/// CSV and TSV: one table per result, written the same way by both, with or without a header.
@Suite struct FormatTests {
    /// A command line with a comma, quotes, a tab and a line break.
    static let awkward = Listener(
        transport: .tcp, address: "::1", port: 8080, uid: 1000, user: "alice", inode: 2001, v6Only: true,
        owners: [
            Territory.owner(
                "python3", pid: 77, command: "python3 -c \"print('a,b')\"\tx\ny", user: "alice", uid: 1000)
        ])

    func explorer(_ territory: [Listener] = [awkward, Territory.hidden], format: OutputFormat = .text) -> Explorer {
        makeExplorer(host: Territory.host(territory: territory), format: format)
    }

    static let csvHeader =
        "transport,address,port,v6Only,user,uid,inode,pid,process,command,registered,verdict,explanation,netns,probe,container,containerName,image,runtime,forwardsTo\r\n"

    @Test func csvQuotesByRFC4180WithCRLF() {
        let out = text(of: "who --format csv", in: explorer())
        #expect(
            out == Self.csvHeader
                + "tcp,::1,8080,true,alice,1000,2001,77,python3,\"python3 -c \"\"print('a,b')\"\"\tx\ny\",,unregistered,"
                + "nothing is registered on 8080/tcp,,,,,,,\r\n"
                + "tcp,127.0.0.1,631,,root,0,1005,,,,ipp,unknown,"
                + "the map says ipp; which process holds it is unknown,,,,,,,\r\n")
    }

    @Test func tsvEscapesTabsAndLineBreaks() {
        let out = text(of: "who 8080", in: explorer(format: .tsv))
        #expect(
            out == """
                transport\taddress\tport\tv6Only\tuser\tuid\tinode\tpid\tprocess\tcommand\tregistered\tverdict\texplanation\tnetns\tprobe\tcontainer\tcontainerName\timage\truntime\tforwardsTo
                tcp\t::1\t8080\ttrue\talice\t1000\t2001\t77\tpython3\tpython3 -c "print('a,b')"\\tx\\ny\t\tunregistered\tnothing is registered on 8080/tcp\t\t\t\t\t\t\t

                """)
        #expect(Delimited.tsvField("a\\b\r") == "a\\\\b\\r")
    }

    @Test func noHeaderLeavesOutTheColumnNames() {
        let perCommand = text(of: "who 631 --format csv --no-header", in: explorer())
        #expect(
            perCommand
                == "tcp,127.0.0.1,631,,root,0,1005,,,,ipp,unknown,the map says ipp; which process holds it is unknown,,,,,,,\r\n"
        )
        let session = Explorer(
            host: Territory.host(territory: [Territory.hidden]), environment: ExplorerEnvironment(input: .script),
            settings: Settings(format: .csv, header: false))
        #expect(text(of: "who", in: session) == perCommand)
    }

    @Test func setFormatCSVAndTSV() {
        let explorer = explorer([Territory.hidden])
        #expect(text(of: "set format csv", in: explorer) == "format is now csv\n")
        #expect(
            text(of: "who", in: explorer) == Self.csvHeader
                + "tcp,127.0.0.1,631,,root,0,1005,,,,ipp,unknown,the map says ipp; which process holds it is unknown,,,,,,,\r\n"
        )
        #expect(text(of: "set format tsv", in: explorer) == "format is now tsv\n")
        #expect(text(of: "help", in: explorer).hasPrefix("name\tsynopsis\tsummary\taliases\nlookup\t"))
        #expect(failure(of: "set format xml") == "set format: expected text, json, csv or tsv, not 'xml'")
    }

    @Test func formatAndJSONMustAgree() {
        #expect(failure(of: "help --json --format csv") == "help: two formats asked for, json and csv; give one")
        #expect(text(of: "version --format json --json", in: explorer()).hasPrefix("{\"command\":\"version\""))
        #expect(failure(of: "help --format yaml") == "help: --format expects text, json, csv or tsv, not 'yaml'")
    }

    @Test func answersWithoutATableAreText() {
        let out = text(of: "help set; help", in: explorer(format: .csv))
        #expect(out.hasPrefix("set format text|json|csv|tsv | color auto|always|never | pager on|off\n"))
        #expect(out.contains("\nname,synopsis,summary,aliases\r\nlookup,"))
    }

    @Test func everyTableIsRectangular() throws {
        let host = FixedHost(
            registry: makeRegistry(records: Territory.records, people: [william]), territory: Territory.all,
            history: ["who", "lookup 22, 80"])
        let explorer = makeExplorer(host: host, input: .interactive)
        for line in ["who", "lookup 22 2991 1-100 ~mon", "ghosts", "stats", "history", "help"] {
            let table = try #require(try explorer.evaluate(line)[0].result.get().table, "\(line)")
            #expect(!table.rows.isEmpty, "\(line)")
            #expect(table.rows.allSatisfy { $0.count == table.columns.count }, "\(line)")
        }
        #expect(try explorer.evaluate("explain ranges")[0].result.get().table == nil)
        #expect(try explorer.evaluate("help who")[0].result.get().table == nil)
    }
}
