import Foundation
import PortholeTestSupport
import Testing

/// Processes on loopback whose names (`comm`, at most 15 bytes, set with prctl) and command
/// lines carry terminal escapes: what porthole prints of them is checked byte by byte.
/// 40841 is cscp, a ghost in the embedded registry; 40831 and 40832 are unassigned.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"))
struct HostileTextEndToEndTests {
    /// Retitle the window and clear the screen; write the clipboard (OSC 52); a C1 CSI, a
    /// bidi override and a zero-width joiner.
    static let names = [
        40841: "\u{1B}[2J\u{1B}]0;PWN\u{07}",
        40831: "\u{1B}]52;c;eA==\u{07}",
        40832: "\u{9B}2J\u{202E}ab\u{200D}",
    ]

    /// Bytes a terminal would act on: C0 controls but line breaks, DEL, and the UTF-8 of C1
    /// controls, bidi controls and zero-width characters.
    static func rawControls(_ text: String) -> [String] {
        text.unicodeScalars.compactMap { scalar in
            let v = scalar.value
            let hidden =
                (v < 0x20 && scalar != "\n") || (0x7f...0x9f).contains(v) || (0x200b...0x200f).contains(v)
                || (0x202a...0x202e).contains(v) || (0x2066...0x2069).contains(v) || v == 0xfeff
            return hidden ? "U+\(String(v, radix: 16))" : nil
        }
    }

    func withListeners(_ body: ([Int: NamedListener]) throws -> Void) throws {
        var started: [Int: NamedListener] = [:]
        for (port, name) in Self.names {
            guard let listener = try NamedListener(port: port, name: name) else {
                try Test.cancel("port \(port) is in use on this host")
            }
            started[port] = listener
        }
        defer { for listener in started.values { listener.process.stop() } }
        try body(started)
    }

    @Test func textShowsEscapesAndNeverWritesThem() throws {
        try withListeners { listeners in
            for arguments in [
                ["who", "40831", "40832", "40841", "--wide"], ["who"], ["explain", "40841"], ["explain", "40832"],
                ["ghosts", "--listening"], ["who", "40841", "--format", "csv"], ["who", "40832", "--format", "tsv"],
            ] {
                let run = try Porthole.run(arguments)
                #expect(run.status == 0, "\(arguments): \(run)")
                // CSV ends records with CR LF and TSV separates fields with tabs: their layout.
                let layout: Set<String> = arguments.contains("csv") ? ["U+d"] : arguments.contains("tsv") ? ["U+9"] : []
                #expect(
                    Self.rawControls(run.stdout).filter { !layout.contains($0) } == [],
                    "\(arguments): \(run.stdout.debugDescription)")
                #expect(Self.rawControls(run.stderr) == [], "\(arguments): \(run.stderr.debugDescription)")
            }
            let who = try Porthole.run(["who", "40831", "40832", "40841"]).stdout
            #expect(who.contains(#"\e[2J\e]0;PWN\x07/\#(listeners[40841]!.pid)"#), "\(who)")
            #expect(who.contains(#"\e]52;c;eA==\x07/\#(listeners[40831]!.pid)"#), "\(who)")
            #expect(who.contains(#"\x9b2J<U+202E>ab<U+200D>/\#(listeners[40832]!.pid)"#), "\(who)")
            let ghosts = try Porthole.run(["ghosts", "--listening"]).stdout
            #expect(ghosts.contains("cscp") && ghosts.contains(#"\e[2J\e]0;PWN\x07"#), "\(ghosts)")
            // The command line (python's multi-line program, with the name as an argument)
            // keeps its line breaks escaped on its row.
            let wide = try Porthole.run(["who", "40832", "--wide"]).stdout
            #expect(wide.contains(#"time\nport,"#) && !wide.contains("\nport,"), "\(wide)")
        }
    }

    @Test func jsonCarriesTheOriginals() throws {
        try withListeners { listeners in
            let run = try Porthole.run(["--json", "who", "40831", "40832", "40841"])
            #expect(run.status == 0, "\(run)")
            #expect(Self.rawControls(run.stdout) == [], "\(run.stdout.debugDescription)")
            let rows = try WhoTests.listeners(run)
            for (port, name) in Self.names {
                let row = try #require(rows.first { $0["port"] as? Int == port })
                let owner = try #require((row["owners"] as? [[String: Any]])?.first)
                #expect(owner["process"] as? String == name)
                #expect(owner["pid"] as? Int == Int(listeners[port]!.pid))
                #expect((owner["command"] as? String)?.contains("\n") == true)
                #expect((owner["command"] as? String)?.contains(name) == true)
            }
        }
    }
}
