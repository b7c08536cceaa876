import FuzzSupport

// Territory files, which `--territory` and `territory add` read from other hosts: the bytes go
// to the format detector and every reader (porthole snapshot, `ss -Htlunp` text, osqueryi
// --json, fleetctl lines, osqueryd's results log), under three file names, then through
// `territory list`, `who` and `who --hosts` rendered as text and JSON. Invariants: a reader
// either returns hosts or a message; every host has a name; no text holds a raw control or
// format character (host names, process names and paths go through `Visible`).
import PortListeners
import PortRegistry

@testable import PortExplorer

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for path in ["web1.ss", "lab/web2/ss.txt", "\u{1B}]0;x\u{07}.json"] {
        do throws(TerritoryReadError) {
            let hosts = try TerritoryReader.read(bytes, path: path, modified: 0)
            for host in hosts { check(!host.name.isEmpty || path.isEmpty, "a host without a name") }
        } catch {
            check(
                !error.message.unicodeScalars.contains { $0 != "\n" && Visible.isHidden($0) },
                "an error message holds a raw control character: \(error.message.debugDescription.prefix(200))")
        }
    }
    let territories = Territories()
    let report = territories.add([TerritoryFile(path: "web1.ss", modified: 0, bytes: .success(bytes))])
    guard !territories.isEmpty else {
        check(!report.problems.isEmpty, "nothing read and no reason given")
        return 0
    }
    let registry = Registry(
        records: [], people: [], source: RegistrySource(kind: .file, path: "fuzz.xml", updated: nil))
    let list = TerritoryListResult(hosts: territories.hosts)
    let hostsResult = try? WhoHosts.run(
        territories.hosts, request: TerritoryRequest(ports: nil), filters: WhoFilters(), registry: registry,
        targets: [], context: nil)
    for text in [list.text(TextContext(width: 80)), hostsResult?.text(TextContext(width: 40)) ?? ""] {
        check(
            !text.unicodeScalars.contains { $0 != "\n" && Visible.isHidden($0) },
            "territory text holds a raw control or format character: \(text.debugDescription.prefix(300))")
    }
    if let hostsResult {
        check(JSON.object(hostsResult.json).line.filter { $0 == "\n" }.count == 1, "who --hosts JSON is not one line")
    }
    return 0
}

runFuzzer { data, size in fuzz(data ?? emptyInput, size) }
