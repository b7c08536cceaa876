import Foundation
import PortholeTestSupport
import Testing

/// The 2025 IANA registry shipped to developers and CI beside the repository (never committed).
let sharedRegistryXML: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("../shared/iana/service-names-port-numbers.xml").standardized
}()

let haveSharedRegistry = FileManager.default.fileExists(atPath: sharedRegistryXML.path)
let havePython = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
let haveCurl = FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")

@Suite(.serialized, .enabled(if: haveSharedRegistry && haveCurl, "needs ../shared/iana and curl"))
struct UpdateCommandTests {
    @Test func goodDownloadReplacesAndBadOnesLeaveItIntact() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let home = folder.url
        let site = home.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        let xml = try Data(contentsOf: sharedRegistryXML)
        try xml.write(to: site.appendingPathComponent("good.xml"))
        // Cut just after a record, as a dropped connection might: well-formed so far, then nothing.
        let half = xml.prefix(xml.count / 2)
        let cut = try #require(half.range(of: Data("</record>".utf8), options: .backwards)).upperBound
        try xml.prefix(upTo: cut).write(to: site.appendingPathComponent("truncated.xml"))
        try Data("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>".utf8).write(
            to: site.appendingPathComponent("error.html"))
        let server = try TestHTTPServer(serving: site)

        let good = try Porthole.run(["update", "--url", server.url("good.xml")], home: home)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(
            good.stdout.contains("date: the embedded snapshot → 2025-12-15") || good.stdout.contains("→ 2025-12-15"))
        #expect(good.stdout.contains("records: 14,496"))
        let installed = home.appendingPathComponent("data/porthole/registry.bin")
        let before = try Data(contentsOf: installed)
        let attributes = try FileManager.default.attributesOfItem(atPath: installed.path)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 == 0 } ?? false)

        for (name, reason) in [
            ("truncated.xml", "unexpected end of input"), ("error.html", "not a registry: looks like HTML"),
            ("missing.xml", "404"),
        ] {
            let bad = try Porthole.run(["update", "--url", server.url(name)], home: home)
            #expect(bad.status == 1)
            #expect(bad.stderr.contains(reason), "\(name): \(bad.stderr)")
            #expect(bad.stderr.contains("the previous registry is still active"))
            #expect(try Data(contentsOf: installed) == before, "\(name) changed the installed registry")
        }

        let after = try Porthole.run(["version"], home: home)
        #expect(after.stdout.contains("updated IANA registry of 2025-12-15"))
    }
}
