import Foundation
import PortholeTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `snapshot --prometheus` and `snapshot --card` on this host: the textfile passes
/// `promtool check metrics`, Debian's node_exporter serves a listener the test started back
/// from its `/metrics`, and both kinds of file replace the old one by rename (a hard link to the
/// old file keeps the old bytes), with no temporary file left behind.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"))
struct PrometheusTests {
    static let promtool = findExecutable("promtool", preferring: ["/usr/bin/promtool"])
    static let nodeExporter = findExecutable(
        "prometheus-node-exporter", preferring: ["/usr/bin/prometheus-node-exporter"])
    static let curl = findExecutable("curl", preferring: ["/usr/bin/curl"])

    /// The folder's names, temporary files included.
    static func names(in folder: TemporaryFolder) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }

    /// A listener on loopback under `name`, on a port the kernel had free.
    static func listener(named name: String) throws -> (SocketHolder, Int) {
        for _ in 0..<5 {
            let port = try PTYWatchTests.freePort()
            if let holder = try SocketHolder(address: "127.0.0.1", port: port, name: name) { return (holder, port) }
        }
        throw TestFailure("no free port on 127.0.0.1 after five tries")
    }

    @Test func theTextfileIsReplacedByRenameAndPassesPromtool() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let (holder, port) = try Self.listener(named: "prom\"q\\b")
        defer { holder.stop() }
        let file = folder.file("porthole.prom")
        try folder.write("porthole.prom", Array("old\n".utf8))
        #expect(link(file, folder.file("old-link")) == 0)

        let run = try Porthole.run(["snapshot", "--prometheus", file])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("porthole_listener_info series"), "\(run)")
        #expect(Self.names(in: folder) == ["old-link", "porthole.prom"], "no temporary file is left")
        #expect(folder.read("old-link") == Array("old\n".utf8), "the old file was replaced, not rewritten")
        #expect(Self.mode(file) == 0o644)
        let text = String(decoding: folder.read("porthole.prom") ?? [], as: UTF8.self)
        #expect(text.hasSuffix("\n") && !text.hasSuffix("\n\n"))
        #expect(
            text.contains(
                #"porthole_listener_info{port="\#(port)",transport="tcp",address="127.0.0.1",process="prom\"q\\b",registered=""#
            ), "\(text)")
        #expect(text.contains("porthole_snapshot_timestamp_seconds{"))
        #expect(text.contains("porthole_registry_age_seconds{"))

        guard let promtool = Self.promtool else {
            try Test.cancel("promtool is not installed (apt-get install prometheus)")
        }
        let check = try TestProcess.run(
            ["/bin/sh", "-c", "exec \"$0\" check metrics < \"$1\"", promtool, file], timeout: 60)
        #expect(check.status == 0, "promtool check metrics: \(check)")
    }

    @Test func nodeExporterServesTheListenerFromTheTextfile() throws {
        guard let exporter = Self.nodeExporter else {
            try Test.cancel("prometheus-node-exporter is not installed (apt-get install prometheus-node-exporter)")
        }
        guard let curl = Self.curl else { try Test.cancel("curl is not installed") }
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let (holder, port) = try Self.listener(named: "porthole-prom")
        defer { holder.stop() }
        let run = try Porthole.run(["snapshot", "--prometheus", folder.file("porthole.prom")])
        #expect(run.status == 0, "\(run)")

        // Only the textfile collector: the others read the host's hardware and take time.
        let webPort = try PTYWatchTests.freePort()
        let server = try TestProcess([
            exporter, "--web.listen-address=127.0.0.1:\(webPort)", "--collector.disable-defaults",
            "--collector.textfile", "--collector.textfile.directory=\(folder.path)",
        ])
        defer {
            server.stop()
            _ = server.wait(timeout: 5)
        }
        var metrics = ""
        let deadline = monotonicSeconds() + 20
        while monotonicSeconds() < deadline {
            let fetched = try TestProcess.run(
                [curl, "-sS", "--max-time", "5", "http://127.0.0.1:\(webPort)/metrics"], timeout: 10)
            if fetched.status == 0, fetched.stdout.contains("porthole_") {
                metrics = fetched.stdout
                break
            }
            if server.poll() { break }
            usleep(100_000)
        }
        let series = metrics.split(separator: "\n").filter {
            $0.hasPrefix("porthole_listener_info{") && $0.contains(#"port="\#(port)""#)
        }
        #expect(series.count == 1, "node_exporter's /metrics: \(metrics.prefix(3000)); stderr: \(server.stderr)")
        for expected in [
            #"process="porthole-prom""#, #"address="127.0.0.1""#, #"transport="tcp""#, #"verdict=""#, #"host=""#,
        ] {
            #expect(series.first?.contains(expected) == true, "\(series)")
        }
        #expect(series.first?.hasSuffix("} 1") == true, "\(series)")
        #expect(metrics.contains("porthole_listeners{"))
        #expect(
            metrics.split(separator: "\n").contains("node_textfile_scrape_error 0"),
            "node_exporter read the file without error: \(metrics.prefix(2000))")
    }

    /// The cron line and the systemd service in Examples/fleet run the same command; run as
    /// written (the built binary for /usr/local/bin/porthole, a temporary folder for
    /// node_exporter's), it writes the textfile.
    @Test func theFleetExamplesRunTheDocumentedCommand() throws {
        let fleet = ExamplesTests.examples.appendingPathComponent("fleet")
        func read(_ name: String) throws -> String {
            try String(contentsOf: fleet.appendingPathComponent(name), encoding: .utf8)
        }
        let command =
            "/usr/local/bin/porthole snapshot --prometheus /var/lib/prometheus/node-exporter/porthole.prom"
        let cron = try read("porthole-prometheus.cron").split(separator: "\n").filter {
            !$0.hasPrefix("#") && !$0.isEmpty
        }
        #expect(cron.count == 1)
        #expect(cron.first?.hasPrefix("*/5 * * * * root \(command)") == true, "\(cron)")
        #expect(try read("porthole-prometheus.service").contains("\nExecStart=\(command)\n"))
        #expect(try read("porthole-prometheus.timer").contains("\nOnUnitActiveSec=5min\n"))

        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let words = command.split(separator: " ").map(String.init)
        let run = try Porthole.run(Array(words.dropFirst().dropLast()) + [folder.file("porthole.prom")])
        #expect(run.status == 0, "\(run)")
        #expect(
            String(decoding: folder.read("porthole.prom") ?? [], as: UTF8.self).contains(
                "# TYPE porthole_listeners gauge"))
    }

    @Test func theCardIsWrittenAsMarkdownAndJSONByRename() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let (holder, port) = try Self.listener(named: "card|test")
        defer { holder.stop() }
        try folder.write("alice.card.json", Array("{}\n".utf8))
        #expect(link(folder.file("alice.card.json"), folder.file("old-link")) == 0)

        let run = try Porthole.run(["snapshot", "--card", folder.file("alice.md")])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("alice.card.md and"), "\(run)")
        #expect(
            Self.names(in: folder) == ["alice.card.json", "alice.card.md", "old-link"], "no temporary file is left")
        #expect(folder.read("old-link") == Array("{}\n".utf8), "the old card was replaced, not rewritten")
        #expect(Self.mode(folder.file("alice.card.md")) == 0o600)

        let markdown = String(decoding: folder.read("alice.card.md") ?? [], as: UTF8.self)
        #expect(markdown.hasPrefix("# Ports on "))
        #expect(markdown.contains("| \(port) | tcp | 127.0.0.1 | card\\|test (pid \(holder.pid)) |"), "\(markdown)")
        #expect(markdown.contains("## Ghosts among them"))

        let json = try JSONSerialization.jsonObject(with: Data(folder.read("alice.card.json") ?? [])) as? [String: Any]
        #expect(json?["format"] as? String == "porthole-card")
        #expect(json?["markdown"] as? String == markdown)
        let snapshot = json?["snapshot"] as? [String: Any]
        #expect(snapshot?["format"] as? String == "porthole-snapshot")
        let listeners = snapshot?["listeners"] as? [[String: Any]] ?? []
        let mine = listeners.first { $0["port"] as? Int == port }
        let owners = mine?["owners"] as? [[String: Any]] ?? []
        #expect(owners.first?["process"] as? String == "card|test", "\(listeners)")
        #expect(owners.first?["command"] as? String == "", "command lines stay home")
        // The kernel chose the port: unregistered, dynamic or registered to something else.
        #expect(["unregistered", "dynamic", "differs"].contains(mine?["verdict"] as? String ?? ""), "\(mine ?? [:])")
    }
}
