import Foundation
import PortholeTestSupport
import Testing

@testable import PortRegistry

/// `update` downloads over HTTP and HTTPS only.
@Suite(.serialized) struct DownloadSchemeTests {
    @Test(
        "porthole refuses a URL that is not http or https before it looks for curl",
        arguments: [
            ("file:///etc/passwd", "only http and https URLs can be downloaded, not 'file'"),
            ("FILE:///etc/passwd", "only http and https URLs can be downloaded, not 'file'"),
            ("gopher://127.0.0.1:70/x", "only http and https URLs can be downloaded, not 'gopher'"),
            ("ftp://ftp.example.org/r.xml", "only http and https URLs can be downloaded, not 'ftp'"),
            ("dict://127.0.0.1/", "only http and https URLs can be downloaded, not 'dict'"),
            (
                "ftp.example.org/r.xml",
                "only http and https URLs can be downloaded, and this one names no scheme (start it with https://)"
            ),
            (
                "-o/tmp/x",
                "only http and https URLs can be downloaded, and this one names no scheme (start it with https://)"
            ),
        ])
    func refusedSchemes(url: String, problem: String) throws {
        #expect(RegistryUpdater.downloadRefusal(url) == problem)
        let dir = try TemporaryFolder()
        defer { dir.cleanup() }
        // A curl that does not exist: the refusal comes first, so nothing was looked for or run.
        let updater = RegistryUpdater(destination: dir.file("data/registry.bin"), curlPath: "/nonexistent/bin/curl")
        #expect(
            errorMessage { () throws(RegistryError) in try updater.update(from: .url(url)) } == "\(url): \(problem)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("data")))
    }

    @Test func allowedSchemes() {
        for url in ["http://127.0.0.1/x", "https://www.iana.org/x.xml", "HTTPS://www.iana.org/", "http:x"] {
            #expect(RegistryUpdater.downloadRefusal(url) == nil, "\(url)")
        }
    }

    @Test("curl is told to speak only HTTP and HTTPS, redirects included")
    func curlArguments() throws {
        let dir = try TemporaryFolder()
        defer { dir.cleanup() }
        // A stand-in curl that writes its arguments down and fails as a 404 would.
        try dir.write("curl", Array("#!/bin/sh\nprintf '%s\\n' \"$@\" > \"\(dir.file("arguments"))\"\nexit 22\n".utf8))
        chmod(dir.file("curl"), 0o755)
        let updater = RegistryUpdater(destination: dir.file("data/registry.bin"), curlPath: dir.file("curl"))
        // Running a file just written can fail with ETXTBSY while another test's child, forked
        // in between, still holds it open: then it is run again.
        var written: [UInt8]?
        for _ in 0..<50 where written == nil {
            _ = errorMessage { () throws(RegistryError) in try updater.fetch("https://www.iana.org/r.xml") }
            written = dir.read("arguments")
            if written == nil { usleep(20_000) }
        }
        let arguments = String(decoding: try #require(written), as: UTF8.self).split(separator: "\n")
        let pairs = zip(arguments, arguments.dropFirst()).map { "\($0) \($1)" }
        #expect(pairs.contains("--proto =https,http"), "\(arguments)")
        #expect(pairs.contains("--proto-redir =https,http"), "\(arguments)")
        #expect(arguments.last == "https://www.iana.org/r.xml")
    }

    @Test(
        "A redirect to file:// or ftp:// is refused by curl, said clearly, and installs nothing",
        .enabled(if: RegistryUpdater.findExecutable("curl", path: RegistryUpdater.processPath()) != nil),
        arguments: ["file:///etc/passwd", "ftp://127.0.0.1:9/r.xml", "gopher://127.0.0.1:9/1"])
    func redirectsElsewhereAreRefused(target: String) throws {
        let dir = try TemporaryFolder()
        defer { dir.cleanup() }
        let server = try TestHTTPServer { _ in .redirect(to: target) }
        defer { server.stop() }
        let updater = RegistryUpdater(destination: dir.file("data/registry.bin"), maxTimeSeconds: 30)
        let message = errorMessage { () throws(RegistryError) in try updater.update(from: .url(server.url("r.xml"))) }
        #expect(
            message?.hasPrefix(
                server.url("r.xml")
                    + ": download failed: the server redirected to a URL that is not http or https, which was refused (curl: (1) "
            ) == true, "\(message ?? "no error")")
        #expect(!FileManager.default.fileExists(atPath: dir.file("data/registry.bin")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("data")).isEmpty)
    }
}
