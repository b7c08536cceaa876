import Foundation
import PortholeTestSupport
import Testing

/// A registry or download chosen by someone else must not carry escape sequences to the
/// terminal (issue 16): `--registry`, `PORTHOLE_REGISTRY` and `update --from` refuse a file
/// holding a character XML 1.0 forbids, naming the line and the character; `update` downloads
/// over HTTP and HTTPS only. Every refusal leaves the previous registry in place.
@Suite("Hostile registries and downloads are refused", .serialized)
struct HostileRegistryTests {
    /// An IANA-shaped registry: wkstn-mon (2991/tcp) on line 4 with `description` (raw bytes),
    /// then `filler` ordinary records, so that `update` would take it were it not refused.
    static func registry(description: [UInt8], filler: Int = 5_000) -> [UInt8] {
        var bytes = Array(
            """
            <?xml version='1.0' encoding='UTF-8'?>
            <registry xmlns="http://www.iana.org/assignments" id="service-names-port-numbers">
            <updated>2025-01-02</updated>
            <record date="2020-01-01"><name>wkstn-mon</name><protocol>tcp</protocol><number>2991</number><description>
            """.utf8)
        bytes += description + Array("</description></record>\n".utf8)
        for i in 0..<filler {
            bytes += Array(
                "<record><name>svc-\(i)</name><protocol>tcp</protocol><number>\(10_000 + i)</number><description>Service \(i)</description></record>\n"
                    .utf8)
        }
        return bytes + Array("</registry>\n".utf8)
    }

    static let hostile: [(String, [UInt8])] = [
        ("reference", Array("WKSTN-MON &#x1b;]0;PWN&#x7;".utf8)), ("decimal", Array("WKSTN-MON &#27;[2J".utf8)),
        ("raw", Array("WKSTN-MON ".utf8) + [0x1B] + Array("]0;PWN".utf8) + [0x07]),
    ]

    static func noEscape(_ run: TestRun) -> Bool {
        !run.stdout.unicodeScalars.contains("\u{1B}") && !run.stderr.unicodeScalars.contains("\u{1B}")
    }

    @Test("--registry and PORTHOLE_REGISTRY refuse a registry holding ESC, by reference or raw, at start-up, status 2")
    func namedRegistryIsRefused() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        for (name, description) in Self.hostile {
            let path = folder.file("\(name).xml")
            try folder.write("\(name).xml", Self.registry(description: description, filler: 3))
            let message = "porthole: cannot use the registry: \(path): line 4: character U+001B is not allowed in XML\n"
            let flag = try Porthole.run(["--registry", path, "lookup", "2991"], home: folder.url)
            #expect(flag.status == 2, "\(name): \(flag)")
            #expect(flag.stderr == message, "\(name): \(flag)")
            #expect(flag.stdout.isEmpty && Self.noEscape(flag), "\(name): \(flag)")
            let variable = try Porthole.run(
                ["-c", "lookup 2991"], environment: ["PORTHOLE_REGISTRY": path], home: folder.url)
            #expect(variable.status == 2, "\(name): \(variable)")
            #expect(variable.stderr == message, "\(name): \(variable)")
        }
        // The same registry without the escape is read: the refusal is the character's.
        try folder.write("plain.xml", Self.registry(description: Array("Workstation monitor".utf8), filler: 3))
        let plain = try Porthole.run(["--registry", folder.file("plain.xml"), "lookup", "2991"], home: folder.url)
        #expect(plain.status == 0, "\(plain)")
        #expect(plain.stdout.contains("Workstation monitor"), "\(plain)")
    }

    @Test("update --from refuses a registry holding ESC, names the line, and keeps the previous registry")
    func updateFromIsRefused() throws {
        let home = try TemporaryFolder()
        defer { home.cleanup() }
        try home.write("good.xml", Self.registry(description: Array("Workstation monitor".utf8)))
        let good = try Porthole.run(["update", "--from", home.file("good.xml")], home: home.url)
        #expect(good.status == 0, "\(good)")
        let installed = home.url.appendingPathComponent("data/porthole/registry.bin")
        let before = try Data(contentsOf: installed)
        for (name, description) in Self.hostile {
            let path = home.file("\(name).xml")
            try home.write("\(name).xml", Self.registry(description: description))
            let run = try Porthole.run(["update", "--from", path], home: home.url)
            #expect(run.status == 1, "\(name): \(run)")
            #expect(
                run.stderr
                    == "porthole: update: \(path): line 4: character U+001B is not allowed in XML; the previous registry is still active\n",
                "\(name): \(run)")
            #expect(Self.noEscape(run))
            #expect(try Data(contentsOf: installed) == before, "\(name) changed the installed registry")
        }
        let lookup = try Porthole.run(["lookup", "2991"], home: home.url)
        #expect(lookup.stdout.contains("Workstation monitor"), "\(lookup)")
        #expect(Self.noEscape(lookup))
    }

    /// Status 1, as every command that fails in a one-shot run or script ends (`update --url A
    /// --from B` too); 2 is for what stops porthole before any command runs.
    @Test("update --url refuses a scheme other than http and https before running curl")
    func updateURLSchemeIsRefused() throws {
        let home = try TemporaryFolder()
        defer { home.cleanup() }
        for (url, scheme) in [
            ("file:///etc/passwd", "file"), ("gopher://127.0.0.1:70/", "gopher"), ("FTP://x/", "ftp"),
        ] {
            let run = try Porthole.run(["update", "--url", url], home: home.url)
            #expect(run.status == 1, "\(url): \(run)")
            #expect(
                run.stderr == "porthole: update: only http and https URLs can be downloaded, not '\(scheme)'\n",
                "\(url): \(run)")
            #expect(run.stdout.isEmpty)
        }
        // Nothing was downloaded, created or installed.
        #expect(!FileManager.default.fileExists(atPath: home.file("data/porthole")))
    }

    @Test(
        "A redirect from http to file:// or ftp:// is refused by curl, said clearly, and installs nothing",
        .enabled(if: haveCurl, "needs curl"))
    func redirectElsewhereIsRefused() throws {
        let home = try TemporaryFolder()
        defer { home.cleanup() }
        let server = try TestHTTPServer { path in
            path == "to-file" ? .redirect(to: "file:///etc/passwd") : .redirect(to: "ftp://127.0.0.1:9/r.xml")
        }
        defer { server.stop() }
        for path in ["to-file", "to-ftp"] {
            let run = try Porthole.run(["update", "--url", server.url(path), "--timeout", "30"], home: home.url)
            #expect(run.status == 1, "\(path): \(run)")
            #expect(
                run.stderr.hasPrefix(
                    "porthole: update: \(server.url(path)): download failed: the server redirected to a URL that is not http or https, which was refused (curl: (1) "
                ), "\(path): \(run)")
            #expect(run.stderr.hasSuffix("; the previous registry is still active\n"), "\(path): \(run)")
            #expect(!FileManager.default.fileExists(atPath: home.file("data/porthole/registry.bin")), "\(path)")
        }
    }
}
