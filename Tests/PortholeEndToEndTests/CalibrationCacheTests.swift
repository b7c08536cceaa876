import Foundation
import PortholeTestSupport
import Testing

/// nmap's calibration is kept between runs, and only while nmap-services and the rule are the
/// same: a one-off lookup then reads two numbers instead of the whole table.
@Suite struct CalibrationCacheTests {
    static let nmapServices = "/usr/share/nmap/nmap-services"

    @Test func aKeptCalibrationIsUsedOnlyWhileItsFileIsTheSame() throws {
        guard FileManager.default.fileExists(atPath: Self.nmapServices) else { return }
        let home = try TemporaryFolder()
        defer { home.cleanup() }
        let cache = home.url.appendingPathComponent(".cache/porthole/nmap-calibration")
        let environment = ["XDG_CACHE_HOME": ""]  // the default under HOME
        let first = try Porthole.run(["lookup", "2991"], environment: environment, home: home.url)
        #expect(first.status == 0)
        let kept = try String(contentsOf: cache, encoding: .utf8)
        let lines = kept.split(separator: "\n")
        #expect(lines.first?.contains("\t\(Self.nmapServices)\t") == true, "\(kept)")
        #expect(lines.contains { $0.hasPrefix("tcp\t") })

        // The kept numbers are what the next run uses…
        let header = String(lines[0])
        try (header + "\ntcp\t4000\t0.5\nudp\t15000\t0.5\n").write(to: cache, atomically: true, encoding: .utf8)
        let second = try Porthole.run(["lookup", "2991"], environment: environment, home: home.url)
        #expect(second.stdout.contains("TCP cut-off of 50%"), "\(second.stdout)")

        // …but not once the file they were made from is another one.
        let stale = header.replacingOccurrences(of: Self.nmapServices, with: "/elsewhere/nmap-services")
        try (stale + "\ntcp\t4000\t0.5\nudp\t15000\t0.5\n").write(to: cache, atomically: true, encoding: .utf8)
        let third = try Porthole.run(["lookup", "2991"], environment: environment, home: home.url)
        #expect(third.stdout == first.stdout)
        #expect(try String(contentsOf: cache, encoding: .utf8) == kept, "made again and kept again")
    }

    /// nmap-services' index is kept too, and answers are the same whether it is absent,
    /// kept, stale, damaged or not even a file: a bad one is parsed again and written again.
    @Test func aKeptNmapIndexNeverChangesAnAnswer() throws {
        guard FileManager.default.fileExists(atPath: Self.nmapServices) else { return }
        let home = try TemporaryFolder()
        defer { home.cleanup() }
        let cache = home.url.appendingPathComponent(".cache/porthole/nmap-index")
        // System ports only: other tests listen on ephemeral ports while this one runs.
        let questions = [["--json", "ghosts", "0-1023"], ["--json", "ghosts", "0-1023", "--limit", "0"]]
        func answers() throws -> [String] { try Self.answers(to: questions, home: home) }
        let first = try answers()
        let kept = try Data(contentsOf: cache)
        let header = String(decoding: kept.prefix { $0 != 0x0a }, as: UTF8.self)
        #expect(header.hasPrefix("porthole nmap-index "), "\(header)")
        #expect(header.contains("\t\(Self.nmapServices)\t"), "\(header)")
        #expect(try answers() == first, "the kept index answers as the file does")

        let damages =
            Self.damages(
                of: kept, header: header, cutBy: 7, lengthenedBy: [1, 2, 3], mask: 0x04,
                flipping: [
                    header.utf8.count + 1, header.utf8.count + 3, header.utf8.count + 20, kept.count / 2,
                    kept.count - 1,
                ])
            + [
                ("far too large to be porthole's", kept + Data(count: 17 << 20)),
                (
                    "another file's",
                    Data(header.replacingOccurrences(of: Self.nmapServices, with: "/elsewhere/nmap-services").utf8)
                        + kept.dropFirst(header.utf8.count)
                ),
                (
                    "another format's",
                    Data(header.replacingOccurrences(of: "porthole nmap-index ", with: "porthole nmap-index 0").utf8)
                        + kept.dropFirst(header.utf8.count)
                ),
            ]
        try Self.expectHarmless(damages, to: cache, kept: kept, first: first, answers: answers)
    }

    /// The registry's registrations are kept too (`registrations`), and answers are the same
    /// whether they are absent, kept, stale, damaged or not even a file.
    @Test func keptRegistrationsNeverChangeAnAnswer() throws {
        let home = try TemporaryFolder()
        defer { home.cleanup() }
        let cache = home.url.appendingPathComponent(".cache/porthole/registrations")
        let questions = [
            ["--json", "ghosts"], ["--json", "ghosts", "--limit", "0"], ["--json", "ghosts", "1024-49151", "udp"],
            ["--json", "ghosts", "--year", "2005"],
        ]
        func answers() throws -> [String] { try Self.answers(to: questions, home: home) }
        let first = try answers()
        let kept = try Data(contentsOf: cache)
        let header = String(decoding: kept.prefix { $0 != 0x0a }, as: UTF8.self)
        #expect(header.hasPrefix("porthole registrations "), "\(header)")
        #expect(try answers() == first, "the kept registrations answer as the registry does")

        let damages =
            Self.damages(
                of: kept, header: header, cutBy: 8, lengthenedBy: [1, 2, 3, 4], mask: 0x01,
                flipping: [
                    header.utf8.count + 1, header.utf8.count + 5, kept.count / 3, kept.count / 2, kept.count - 1,
                ])
            + [
                (
                    "another registry's",
                    Data(header.replacingOccurrences(of: " fast-form ", with: " fast-form 9").utf8)
                        + kept.dropFirst(header.utf8.count)
                )
            ]
        try Self.expectHarmless(damages, to: cache, kept: kept, first: first, answers: answers)
    }

    /// The answers to `questions` (JSON), without the count of sockets: other tests listen
    /// while these run, and that count is no part of what is compared.
    static func answers(to questions: [[String]], home: TemporaryFolder) throws -> [String] {
        try questions.map { question in
            // XDG_CACHE_HOME empty: the default under HOME.
            let run = try Porthole.run(question, environment: ["XDG_CACHE_HOME": ""], home: home.url)
            #expect(run.status == 0, "\(question): \(run.stderr)")
            return run.stdout.replacingOccurrences(
                of: #""listeners":\{[^}]*\}"#, with: "", options: .regularExpression)
        }
    }

    /// What any kept file may suffer: emptied, cut to its header, cut short by `cutBy` bytes,
    /// lengthened, replaced by garbage, and one byte changed (by `mask`) at each of `flipping`.
    static func damages(
        of kept: Data, header: String, cutBy: Int, lengthenedBy: [UInt8], mask: UInt8, flipping: [Int]
    ) -> [(String, Data)] {
        var damages: [(String, Data)] = [
            ("empty", Data()), ("header only", Data(kept.prefix(header.utf8.count + 1))),
            ("cut short", kept.dropLast(cutBy)), ("lengthened", kept + Data(lengthenedBy)),
            ("garbage", Data((0..<kept.count).map { UInt8(truncatingIfNeeded: $0 &* 131) })),
        ]
        for at in flipping {
            var flipped = kept
            flipped[at] ^= mask
            damages.append(("byte \(at) changed", flipped))
        }
        return damages
    }

    /// Each damage written over `cache` leaves the answers as `first`, and the file is made
    /// and kept again; then, with a folder where the file would be, nothing is kept and the
    /// answers stand.
    static func expectHarmless(
        _ damages: [(String, Data)], to cache: URL, kept: Data, first: [String], answers: () throws -> [String]
    ) throws {
        for (damage, bytes) in damages {
            try bytes.write(to: cache)
            #expect(try answers() == first, "\(damage)")
            #expect(try Data(contentsOf: cache) == kept, "\(damage): made again and kept again")
        }
        try FileManager.default.removeItem(at: cache)
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: false)
        #expect(try answers() == first)
    }
}
