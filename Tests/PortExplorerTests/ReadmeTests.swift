import Foundation
import Testing

@testable import PortExplorer

/// The README's command reference and ghost rules come from the same declarations as `help`
/// and the rules themselves; these tests keep them in step.
@Suite struct ReadmeTests {
    static let readme: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return (try? String(contentsOf: url.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
    }()

    static func normalized(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test func everyCommandIsInTheReference() {
        for spec in CommandTable.all {
            let usage = spec.usage.replacingOccurrences(of: "|", with: "\\|")
            #expect(Self.readme.contains("| `\(usage)` | \(spec.summary) |"), "README lacks \(spec.name)")
        }
    }

    @Test func theGhostRulesAreTheOnesApplied() {
        let readme = Self.normalized(Self.readme)
        for paragraph in GhostRules.text.components(separatedBy: "\n\n") {
            #expect(readme.contains(Self.normalized(paragraph)), "README lacks: \(paragraph.prefix(60))…")
        }
    }

    @Test func everyExplainTopicIsNamed() {
        for topic in ExplainTopics.names {
            #expect(Self.readme.contains("`\(topic)`"), "README lacks explain topic \(topic)")
        }
    }
}
