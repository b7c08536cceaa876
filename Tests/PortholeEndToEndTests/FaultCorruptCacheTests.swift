import Foundation
import PortholeTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A damaged `$XDG_DATA_HOME/porthole/registry.bin` is noticed at start-up, reported once on
/// stderr, and porthole answers from the embedded snapshot with exit status 0.
@Suite("Faults: a corrupted cached registry falls back to the embedded one")
struct FaultCorruptCacheTests {
    /// A valid fast-form file, made by `update --from` of a synthetic 6,000-record XML.
    static let valid: Result<Data, TestFailure> = {
        do {
            let home = try FaultHome()
            defer { home.cleanup() }
            var xml =
                "<?xml version='1.0' encoding='UTF-8'?>\n<registry xmlns=\"http://www.iana.org/assignments\" id=\"service-names-port-numbers\">\n<updated>2025-03-04</updated>\n"
            for i in 0..<6_000 {
                xml +=
                    "<record><name>fault-\(i / 2)</name><protocol>\(i % 2 == 0 ? "tcp" : "udp")</protocol><description>Fault \(i / 2)</description><number>\(20_000 + i / 2)</number></record>\n"
            }
            xml += "</registry>\n"
            let source = home.url.appendingPathComponent("synthetic.xml")
            try Data(xml.utf8).write(to: source)
            let run = try home.run(["update", "--from", source.path], timeout: 60)
            guard run.status == 0 else { throw TestFailure("update --from synthetic.xml: \(run)") }
            return .success(try Data(contentsOf: home.registryFile))
        } catch let error as TestFailure {
            return .failure(error)
        } catch {
            return .failure(TestFailure("\(error)"))
        }
    }()

    enum Damage: String, CaseIterable, CustomStringConvertible {
        case empty, headerOnly, truncatedHalf, truncatedByOne, garbage, wrongVersion, versionZero, badMagic,
            flippedByte, trailingGarbage
        var description: String { rawValue }

        func apply(_ good: Data) -> Data {
            var b = [UInt8](good)
            switch self {
            case .empty: b = []
            case .headerOnly: b = Array(b[..<112])
            case .truncatedHalf: b = Array(b[..<(b.count / 2)])
            case .truncatedByOne: b.removeLast()
            case .garbage: b = (0..<4_096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
            case .wrongVersion: b.replaceSubrange(8..<12, with: [3, 0, 0, 0])
            case .versionZero: b.replaceSubrange(8..<12, with: [0, 0, 0, 0])
            case .badMagic: b[1] = UInt8(ascii: "X")
            case .flippedByte: b[b.count / 2] ^= 0x40
            case .trailingGarbage: b += [0, 1, 2, 3]
            }
            return Data(b)
        }

        /// A fragment of the warning's reason.
        var reason: String {
            switch self {
            case .empty: "empty file"
            case .headerOnly, .truncatedHalf, .truncatedByOne: "truncated"
            case .garbage: "registry.bin: "
            case .wrongVersion: "offset 8: fast form version 3 is not supported"
            case .versionZero: "offset 8: fast form version 0 is not supported"
            case .badMagic: "registry.bin: "
            case .flippedByte: "checksum mismatch"
            case .trailingGarbage: "trailing garbage"
            }
        }
    }

    @Test("Damaged registry.bin: one warning, embedded registry, exit 0", arguments: Damage.allCases)
    func damagedCopy(damage: Damage) throws {
        let good = try Self.valid.get()
        let home = try FaultHome()
        defer { home.cleanup() }
        try home.install(damage.apply(good))
        let damaged = try Data(contentsOf: home.registryFile)
        let warning = "porthole: warning: ignoring the updated registry: \(home.registryFile.path): "
        let tail = "; using the embedded snapshot (run `update` to replace it)\n"

        // One-shot, several commands (-c), a piped script and JSON: the warning comes once each time.
        for (arguments, stdin) in [
            (["-c", "lookup 2991; lookup 80; version"], nil), ([], "lookup 2991\nlookup 80\nversion\n"),
            (["--json", "-c", "lookup 2991; version"], nil), (["lookup", "2991"], nil),
        ] as [([String], String?)] {
            var stdinPath: String?
            if let stdin {
                stdinPath = home.url.appendingPathComponent("script").path
                try Data(stdin.utf8).write(to: URL(fileURLWithPath: stdinPath!))
            }
            let run = try home.run(arguments, timeout: 30, stdinPath: stdinPath)
            #expect(run.status == 0, "\(damage) \(arguments): \(run)")
            #expect(run.stdout.contains("wkstn-mon"), "\(damage) \(arguments): \(run)")
            if arguments.last == "lookup 2991; lookup 80; version" || stdin != nil {
                #expect(run.stdout.contains("registry: embedded IANA registry of"), "\(damage): \(run)")
            }
            #expect(
                run.stderr.components(separatedBy: "porthole: warning:").count == 2,
                "\(damage) \(arguments): warned \(run.stderr.components(separatedBy: "porthole: warning:").count - 1) times: \(run.stderr)"
            )
            #expect(
                run.stderr.hasPrefix(warning) && run.stderr.hasSuffix(tail), "\(damage) \(arguments): \(run.stderr)")
            #expect(run.stderr.contains(damage.reason), "\(damage): \(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1, "\(damage): \(run.stderr)")
        }
        // Start-up only reads: the damaged file is left for `update` to replace.
        #expect(try Data(contentsOf: home.registryFile) == damaged)
    }

    @Test("update replaces a damaged copy and says so", arguments: [Damage.garbage, .wrongVersion])
    func updateReplacesDamage(damage: Damage) throws {
        let good = try Self.valid.get()
        let home = try FaultHome()
        defer { home.cleanup() }
        try home.install(damage.apply(good))
        let xml = home.url.appendingPathComponent("fresh.xml")
        var text =
            "<?xml version='1.0' encoding='UTF-8'?>\n<registry xmlns=\"http://www.iana.org/assignments\">\n<updated>2025-05-06</updated>\n"
        for i in 0..<5_000 {
            text += "<record><name>r\(i)</name><protocol>tcp</protocol><number>\(30_000 + i)</number></record>\n"
        }
        try Data((text + "</registry>\n").utf8).write(to: xml)
        let run = try home.run(["update", "--from", xml.path], timeout: 60)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("the previous copy was unreadable"), "\(run)")
        let version = try home.run(["version"], timeout: 30)
        #expect(version.stdout.contains("updated IANA registry of 2025-05-06"), "\(version)")
        #expect(version.stderr.isEmpty, "\(version)")
    }
}
