import Foundation
import Testing

/// Every lesson in Examples/ runs as a teacher would run it: `porthole -f FILE`, exit 0.
@Suite struct ExamplesTests {
    static let examples: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples")

    static let scripts: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: examples.path)) ?? []
        return names.filter { $0.hasSuffix(".porthole") }.sorted()
    }()

    /// Words each lesson must show, whatever this host looks like.
    static let expected: [String: [String]] = [
        "01-three-ranges.porthole": [
            "The three port ranges", "Port 2991", "Port 50000", "Ephemeral ports", "CAP_NET_BIND_SERVICE",
        ],
        "02-ghost-hunt.porthole": ["Ghost registrations", "Ghost survey", "wkstn-mon is a ghost", "ssh is documented"],
        "03-who-is-listening.porthole": [
            "Listening sockets", "Port 2991", "The map and the territory", "Ports and security",
        ],
    ]

    @Test func thereAreAtLeastThreeLessonsAndAGuide() {
        #expect(Self.scripts.count >= 3)
        #expect(FileManager.default.fileExists(atPath: Self.examples.appendingPathComponent("README.md").path))
    }

    @Test(arguments: scripts)
    func runsAsItIs(script: String) throws {
        let path = Self.examples.appendingPathComponent(script).path
        let header = try String(contentsOfFile: path, encoding: .utf8)
        #expect(header.contains("relies on:"), "\(script) says what it relies on")
        let run = try Porthole.run(["-f", path])
        #expect(run.status == 0, "\(script): \(run.stderr)")
        #expect(run.stderr.isEmpty, "\(script): \(run.stderr)")
        for word in Self.expected[script] ?? [] {
            #expect(run.stdout.contains(word), "\(script) shows '\(word)'")
        }
    }
}
