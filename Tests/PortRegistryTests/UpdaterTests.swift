import Foundation
import PortholeTestSupport
import Testing

@testable import PortRegistry

@Suite(.serialized) struct UpdaterTests {
    @Test func diffKeyIsNameTransportAndPorts() {
        let a = ServiceRecord(name: "a", ports: PortRange(1), transport: .tcp, description: "A")
        let b = ServiceRecord(name: "b", ports: PortRange(2), transport: .tcp, description: "B")
        let b2 = ServiceRecord(name: "B", ports: PortRange(2), transport: .tcp, description: "B changed")
        let c = ServiceRecord(name: "c", ports: PortRange(3), transport: .udp, description: "C")
        let r = ServiceRecord(ports: PortRange(4, 9), description: "Reserved")
        let d = RegistryUpdater.diff(old: [a, b, r], new: [b2, c, r, r])
        #expect(d.added == 2)  // c, and a second identical reserved span
        #expect(d.removed == 1)  // a
        #expect(d.changed == 1)  // b's description
    }

    @Test(arguments: [
        ([UInt8](), "f: not a registry: the file is empty"),
        (
            Array("<!DOCTYPE html>\n<html><body>Service unavailable</body></html>".utf8),
            "f: not a registry: looks like HTML"
        ),
        (Array("\n  <html lang=\"en\"><head>".utf8), "f: not a registry: looks like HTML"),
        (syntheticXML(count: 100), "f: only 100 records, expected at least 5000: not a complete registry"),
        (
            Array(
                String(decoding: syntheticXML(count: 5_000), as: UTF8.self)
                    .split(separator: "\n").filter { !$0.contains("<updated>") && !$0.contains("date=") }.joined(
                        separator: "\n"
                    ).utf8),
            "f: only 0 records, expected at least 5000: not a complete registry"
        ),
    ])
    func validation(bytes: [UInt8], message: String) {
        #expect(errorMessage { () throws(RegistryError) in try RegistryUpdater.validate(bytes, file: "f") } == message)
    }

    @Test func undatedRegistryIsRejected() {
        var s = String(decoding: syntheticXML(count: 5_000), as: UTF8.self)
        s = s.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("<updated>") }.joined(
            separator: "\n")
        s = s.split(separator: " date=\"2020-01-01\"", omittingEmptySubsequences: false).joined()
        #expect(
            errorMessage { () throws(RegistryError) in try RegistryUpdater.validate(Array(s.utf8), file: "f") }
                == "f: the registry has no updated date")
    }

    @Test func updateFromLocalFileInstallsAtomicallyAndReports() throws {
        let dir = try TemporaryFolder()
        defer { dir.cleanup() }
        try dir.write("v1.xml", syntheticXML(count: 6_000))
        try dir.write("v2.xml", syntheticXML(count: 6_004, updated: "2025-06-01", descriptionSuffix: " v2"))
        let dest = dir.path + "/data/porthole/registry.bin"
        let updater = RegistryUpdater(destination: dest)
        let first = try updater.update(from: .file(dir.file("v1.xml")))
        #expect(first.comparedWith == .embedded)
        #expect(first.oldUpdated == day("2025-12-15"))
        #expect(first.newUpdated == day("2025-01-02"))
        #expect(first.newRecordCount == 6_000)
        #expect(first.added == 6_000)
        #expect(first.removed == 14_496)
        #expect(first.previousProblem == nil)
        var st = stat()
        #expect(stat(dir.path + "/data/porthole", &st) == 0 && st.st_mode & 0o777 == 0o700)
        #expect(stat(dest, &st) == 0 && st.st_mode & 0o777 == 0o600)
        let second = try updater.update(from: .file(dir.file("v2.xml")))
        #expect(
            second
                == UpdateReport(
                    path: dest, oldUpdated: day("2025-01-02"), newUpdated: day("2025-06-01"),
                    oldRecordCount: 6_000, newRecordCount: 6_004, comparedWith: .updated,
                    added: 4, removed: 0, changed: 6_000, previousProblem: nil))
        let installed = try Registry.load(path: dest)
        #expect(installed.recordCount == 6_004)
        #expect(installed.originalFormat == .ianaXML)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/data/porthole") == ["registry.bin"])
    }

    @Test func missingCurlIsAClearError() throws {
        let dir = try TemporaryFolder()
        defer { dir.cleanup() }
        let updater = RegistryUpdater(destination: dir.file("registry.bin"), curlPath: "/nonexistent/bin/curl")
        #expect(
            errorMessage { () throws(RegistryError) in try updater.update(from: .url("http://127.0.0.1:9/x.xml")) }
                == "http://127.0.0.1:9/x.xml: cannot download: curl is not installed (/nonexistent/bin/curl not found; install curl, or use `update --from FILE`)"
        )
        #expect(
            errorMessage { () throws(RegistryError) in
                try updater.fetch("http://127.0.0.1:9/x.xml", environment: ["PATH": "/nonexistent"])
            } != nil)
    }

    @Test(.enabled(if: RegistryUpdater.findExecutable("curl", path: RegistryUpdater.processPath()) != nil))
    func updateOverHTTPNeverDamagesThePreviousCopy() throws {
        let dir = try TemporaryFolder()
        defer { dir.cleanup() }
        try FileIO.makeDirectories(dir.file("www"))
        let good = Fixtures.hasRealXML ? try FileIO.readFile(Fixtures.realXML) : syntheticXML(count: 6_000)
        try dir.write("www/good.xml", good)
        try dir.write("www/truncated.xml", Array(good[..<(good.count / 2)]))
        try dir.write(
            "www/error.xml",
            Array("<!DOCTYPE html>\n<html><head><title>503</title></head><body>Try later</body></html>\n".utf8))
        try dir.write("www/small.xml", syntheticXML(count: 50))
        let server = try TestHTTPServer(serving: URL(fileURLWithPath: dir.file("www")))
        defer { server.stop() }

        let dest = dir.file("data/registry.bin")
        let updater = RegistryUpdater(destination: dest, maxTimeSeconds: 30)
        let report = try updater.update(from: .url(server.url("good.xml")))
        #expect(report.newRecordCount == (Fixtures.hasRealXML ? 14_496 : 6_000))
        let installed = try #require(dir.read("data/registry.bin"))

        let failures: [(String, (String) -> Bool)] = [
            ("truncated.xml", { $0.hasPrefix(server.url("truncated.xml") + ": line ") }),
            ("error.xml", { $0 == server.url("error.xml") + ": not a registry: looks like HTML" }),
            (
                "small.xml",
                { $0 == server.url("small.xml") + ": only 50 records, expected at least 5000: not a complete registry" }
            ),
            (
                "missing.xml",
                { $0.hasPrefix(server.url("missing.xml") + ": download failed: curl: (22) ") && $0.contains("404") }
            ),
        ]
        for (name, check) in failures {
            let message = errorMessage { () throws(RegistryError) in try updater.update(from: .url(server.url(name))) }
            #expect(message.map(check) == true, "\(name): \(message ?? "no error")")
            #expect(dir.read("data/registry.bin") == installed, "\(name) touched the previous copy")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("data")) == ["registry.bin"])
        #expect(try Registry.load(path: dest).recordCount == report.newRecordCount)
    }
}
