import Foundation
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

/// A static file server on 127.0.0.1 (an ephemeral port), stopped by the test.
final class LocalHTTPServer {
    let process = Process()
    let port: Int
    let directory: URL

    init(directory: URL) throws {
        self.directory = directory
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-u", "-c", """
            import http.server, socketserver, sys, os
            os.chdir(sys.argv[1])
            class Quiet(http.server.SimpleHTTPRequestHandler):
                def log_message(self, *a): pass
            server = socketserver.TCPServer(("127.0.0.1", 0), Quiet)
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """, directory.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw CocoaError(.fileReadCorruptFile)
        }
        self.port = port
    }

    func url(_ name: String) -> String { "http://127.0.0.1:\(port)/\(name)" }

    deinit {
        // SIGKILL: the test runner's threads block SIGTERM, and children inherit that mask.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

@Suite(.serialized, .enabled(if: haveSharedRegistry && havePython && haveCurl, "needs ../shared/iana, python3 and curl"))
struct UpdateCommandTests {
    @Test func goodDownloadReplacesAndBadOnesLeaveItIntact() throws {
        let home = try Porthole.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let site = home.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        let xml = try Data(contentsOf: sharedRegistryXML)
        try xml.write(to: site.appendingPathComponent("good.xml"))
        // Cut just after a record, as a dropped connection might: well-formed so far, then nothing.
        let half = xml.prefix(xml.count / 2)
        let cut = try #require(half.range(of: Data("</record>".utf8), options: .backwards)).upperBound
        try xml.prefix(upTo: cut).write(to: site.appendingPathComponent("truncated.xml"))
        try Data("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>".utf8).write(to: site.appendingPathComponent("error.html"))
        let server = try LocalHTTPServer(directory: site)
        let env = Porthole.environment(home: home)

        let good = try Porthole.runIn(home: home, ["update", "--url", server.url("good.xml")], environment: env)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("date: the embedded snapshot → 2025-12-15") || good.stdout.contains("→ 2025-12-15"))
        #expect(good.stdout.contains("records: 14,496"))
        let installed = home.appendingPathComponent("data/porthole/registry.bin")
        let before = try Data(contentsOf: installed)
        let attributes = try FileManager.default.attributesOfItem(atPath: installed.path)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 == 0 } ?? false)

        for (name, reason) in [("truncated.xml", "unexpected end of input"), ("error.html", "not a registry: looks like HTML"), ("missing.xml", "404")] {
            let bad = try Porthole.runIn(home: home, ["update", "--url", server.url(name)], environment: env)
            #expect(bad.status == 1)
            #expect(bad.stderr.contains(reason), "\(name): \(bad.stderr)")
            #expect(bad.stderr.contains("the previous registry is still active"))
            #expect(try Data(contentsOf: installed) == before, "\(name) changed the installed registry")
        }

        let after = try Porthole.runIn(home: home, ["version"], environment: env)
        #expect(after.stdout.contains("updated IANA registry of 2025-12-15"))
    }
}

extension Porthole {
    /// Runs porthole with a given HOME, so several runs share one user's files.
    static func runIn(home: URL, _ arguments: [String], environment: [String: String]) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self), status: process.terminationStatus)
    }
}
