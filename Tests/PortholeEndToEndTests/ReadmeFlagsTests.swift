import Foundation
import PortExplorer
import Testing

@testable import porthole

/// The README's flag table comes from the same declarations as the parser and `--help`.
@Suite struct ReadmeFlagsTests {
    static let readme: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return (try? String(contentsOf: url.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
    }()

    @Test func everyFlagIsInTheTable() {
        for flag in GlobalFlags.all {
            #expect(Self.readme.contains("| `\(flag.usage)` | \(flag.help) |"), "README lacks \(flag.name)")
        }
    }

    @Test func noCommandOptionSharesAFlagsName() {
        let flagNames = Set(GlobalFlags.spellings)
        for spec in Explorer.allCommands {
            for option in spec.options {
                #expect(
                    !flagNames.contains(option.name), "\(spec.name) \(option.name) would be taken as porthole's own")
            }
        }
    }
}
