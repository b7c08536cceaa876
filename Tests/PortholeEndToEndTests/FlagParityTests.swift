import Testing
@testable import porthole

/// `QuickFlags` reads the common command lines without swift-argument-parser; whatever it
/// accepts, ArgumentParser (the declaration in `Porthole`) must read the same way.
@Suite struct FlagParityTests {
    /// Pieces of command lines: flags, values, command words and things that must be declined.
    static let pieces = [
        "-c", "lookup 2991", "-f", "script.txt", "--json", "--bail", "--color", "always", "ALWAYS",
        "--color=never", "--registry", "r.xml", "--registry=x.csv", "lookup", "2991", "--help", "-h",
        "--version", "-x", "--", "", "-", "-cfoo", "--json=1", "--colour", "-c=lookup",
    ]

    @Test func everyLineOfUpToTwoPiecesReadsAlike() throws {
        var accepted = 0
        var lines: [[String]] = [[]]
        for a in Self.pieces {
            lines.append([a])
            for b in Self.pieces { lines.append([a, b]) }
        }
        for line in lines {
            guard let quick = QuickFlags.parse(line) else { continue }
            accepted += 1
            #expect(quick == (try porthole.Porthole.options(parsing: line)), "\(line)")
        }
        // The fast path must actually carry the everyday lines, or it is dead weight.
        #expect(accepted > 150)
    }

    /// Longer lines from the pieces that make up everyday command lines, every order of up
    /// to four of them.
    @Test func longerLinesReadAlike() throws {
        let common = ["-c", "lookup 2991", "--json", "--bail", "--color", "never", "lookup", "--registry=x.csv"]
        var accepted = 0
        for a in common {
            for b in common {
                for c in common {
                    for d in common {
                        let line = [a, b, c, d]
                        guard let quick = QuickFlags.parse(line) else { continue }
                        accepted += 1
                        #expect(quick == (try porthole.Porthole.options(parsing: line)), "\(line)")
                    }
                }
            }
        }
        #expect(accepted > 250)
    }

    @Test(arguments: [
        (["-c", "lookup 2991"], Options(commands: "lookup 2991")),
        (["--json", "lookup", "2991"], Options(json: true, words: ["lookup", "2991"])),
        (["lookup", "--json", "2991"], Options(words: ["lookup", "--json", "2991"])),
        (["--color=never", "--registry", "r.xml", "-f", "s"], Options(file: "s", color: .never, registry: "r.xml")),
        ([], Options()),
    ])
    func everydayLinesTakeTheFastPath(line: [String], expected: Options) {
        #expect(QuickFlags.parse(line) == expected)
    }

    @Test(arguments: [
        ["--help"], ["--version"], ["-c", "a", "-c", "b"], ["-c", "--json"], ["--color", "ALWAYS"],
        ["-c", "x", "lookup"], ["--bogus"], ["-cfoo"], ["--", "lookup"], [""],
    ])
    func anythingElseGoesToArgumentParser(line: [String]) {
        #expect(QuickFlags.parse(line) == nil)
    }
}
