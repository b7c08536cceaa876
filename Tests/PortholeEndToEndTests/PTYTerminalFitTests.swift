import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What the prompt writes fits the terminal; long answers go through the pager; the prompt
/// follows stdin.
@Suite("The prompt on terminals of different widths, the pager and pipes", .timeLimit(.minutes(2)))
struct PTYTerminalFitTests {
    static let battery = [
        "lookup 22", "lookup 2991", "lookup 1-40", "lookup ~monitor --limit 30", "lookup kerberos", "who",
        "who 22", "ghosts", "ghosts 1-1024", "stats", "stats --timeline", "map", "explain", "explain ghosts",
        "explain ranges", "explain 2991", "explain 2991 --brief", "explain 80", "help", "help lookup", "help set",
        "help ghosts", "version", "history", "set",
    ]

    /// The lines of a session's answers: every line but the prompt's own (libedit draws it).
    static func answerLines(_ text: String) -> [Substring] {
        text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains(PTYSession.prompt) }
    }

    @Test("Every answer fits the width and no line ends in spaces", arguments: [60, 80, 120] as [UInt16])
    func everyLineFits(columns: UInt16) throws {
        let session = try PTYSession.atPrompt(environment: ["PAGER": "cat"], columns: columns)
        defer { session.close() }
        for command in Self.battery {
            try session.line(command)
            let answer = try session.expectPrompt(timeout: 20)
            for line in Self.answerLines(answer) {
                // A web address longer than the line has nowhere to break.
                let unbreakable = line.split(separator: " ").count == 1 && line.count > columns
                #expect(
                    unbreakable || line.count <= Int(columns),
                    "\(command) at \(columns): \(line.count) columns: \(line)")
                #expect(!line.hasSuffix(" "), "\(command) at \(columns) ends in a space: \(line)")
            }
        }
        #expect(try session.controlD() == 0)
    }

    @Test("At 60 columns the banner wraps and a table cuts its descriptions")
    func exactTextAtSixty() throws {
        let session = try PTYSession.fresh(environment: ["PAGER": "cat"], columns: 60)
        defer { session.close() }
        let banner = try session.expectPrompt(timeout: 20)
        // The registry's age is said only once it is over a year old: that part follows the date.
        #expect(
            banner.hasPrefix(
                """
                porthole 0.1.0 — the IANA port registry beside what listens
                here.
                Registry: embedded IANA registry of 2025-12-15
                """))
        #expect(banner.hasSuffix("Type 'help' or 'lesson 1'; Tab completes, Ctrl-D quits.\n"))
        #expect(banner.split(separator: "\n").allSatisfy { $0.count <= 60 }, "\(banner)")
        try session.line("lookup 2988-2991")
        let table = try session.expectPrompt()
        #expect(
            table.contains(
                """
                Range 2988-2991 · 8 records in 4 rows (transports merged)
                  PORT  NAME       TRANSPORT  DESCRIPTION
                  2988  hippad     tcp, udp   HIPPA Reporting Protocol
                  2989  zarkov     tcp, udp   ZARKOV Intelligent Agent Comm…
                  2990  boscap     tcp, udp   BOSCAP
                  2991  wkstn-mon  tcp, udp   WKSTN-MON

                source: embedded IANA registry of 2025-12-15
                """))
        #expect(table.split(separator: "\n").allSatisfy { $0.count <= 60 }, "\(table)")
        #expect(try session.controlD() == 0)
    }

    @Test("The same table piped keeps its descriptions whole")
    func pipedTablesAreWhole() throws {
        let run = try Porthole.run(["lookup", "2988-2991"])
        #expect(run.stdout.contains("ZARKOV Intelligent Agent Communication"))
        #expect(!run.stdout.contains("…"))
    }

    /// A pager that keeps what it is given in `received` beside it, then `then` (shell). The
    /// returned command runs it through `sh`: executing a file just written can fail with
    /// ETXTBSY while another test's child, forked in between, still holds it open.
    static func fakePager(in home: URL, then: String = "") throws -> (pager: String, received: URL) {
        let pager = home.appendingPathComponent("pager")
        let received = home.appendingPathComponent("received")
        try "#!/bin/sh\ncat > '\(received.path)'\n\(then)\n".write(to: pager, atomically: true, encoding: .utf8)
        chmod(pager.path, 0o755)
        return ("/bin/sh " + pager.path, received)
    }

    @Test("Long answers go through $PAGER; short ones and 'set pager off' print directly")
    func longAnswersArePaged() throws {
        let home = try Porthole.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let (pager, received) = try Self.fakePager(in: home)
        let session = try PTYSession(home: home, environment: ["PAGER": pager], rows: 20)
        defer { session.close() }
        try session.expectPrompt(timeout: 20)

        try session.line("lookup 1-40")
        let paged = try session.expectPrompt()
        #expect(!paged.contains("Range 1-40"))
        let text = try String(contentsOf: received, encoding: .utf8)
        #expect(text.hasPrefix("Range 1-40 · "))
        #expect(text.contains("source: embedded IANA registry"))

        try FileManager.default.removeItem(at: received)
        try session.command("version", answers: "porthole 0.1.0\n")
        try session.command("set pager off", answers: "pager is now off")
        try session.command("lookup 1-40", answers: "Range 1-40 · ")
        #expect(!FileManager.default.fileExists(atPath: received.path))
        #expect(try session.controlD() == 0)
    }

    @Test("Ctrl-C in the pager returns to the prompt")
    func controlCInThePager() throws {
        let home = try Porthole.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let (pager, received) = try Self.fakePager(in: home, then: "sleep 30")
        let session = try PTYSession(home: home, environment: ["PAGER": pager], rows: 20)
        defer { session.close() }
        try session.expectPrompt(timeout: 20)
        try session.line("lookup 1-40; version")
        // Wait until the pager has the text, then interrupt it.
        let deadline = Date().addingTimeInterval(10)
        while !((try? String(contentsOf: received, encoding: .utf8))?.contains("source:") ?? false) {
            #expect(Date() < deadline, "the pager never got the answer")
            if Date() >= deadline { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        try session.send("\u{3}")
        let after = try session.expectPrompt(timeout: 5)
        #expect(!after.contains("porthole 0.1.0"), "the rest of the line must not run")
        try session.command("version", answers: "porthole 0.1.0\n")
        #expect(try session.controlD() == 0)
    }

    @Test("A pager that cannot start: the answer is printed directly, and why is said once")
    func aMissingPagerIsSaidOnce() throws {
        let session = try PTYSession.atPrompt(environment: ["PAGER": "/nonexistent/pager -x"], rows: 20)
        defer { session.close() }
        try session.command("lookup 1-40", answers: "Range 1-40 · ")
        try session.command("lookup 41-80", answers: "Range 41-80 · ")
        let warnings = session.text.components(separatedBy: "cannot start the pager").count - 1
        #expect(warnings == 1)
        #expect(session.text.contains("porthole: warning: cannot start the pager '/nonexistent/pager -x'"))
        #expect(try session.controlD() == 0)
    }

    @Test("With stdout a pipe the prompt stays on the terminal, answers go to the pipe, nothing is paged")
    func stdoutPipeKeepsThePrompt() throws {
        let home = try Porthole.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let (pager, received) = try Self.fakePager(in: home)
        let session = try PTYSession(
            arguments: [], home: home, environment: ["PAGER": pager], rows: 20, stdoutToPipe: true)
        defer { session.close() }
        let banner = try session.expectPrompt(timeout: 20)
        #expect(banner.contains("Type 'help' or 'lesson 1'; Tab completes, Ctrl-D quits."))
        try session.send("vers\t")
        try session.line("")
        try session.expectPiped("porthole 0.1.0\n")
        try session.expectPrompt()
        try session.line("lookup 1-40")
        try session.expectPiped("Range 1-40 · ")
        try session.expectPrompt()
        #expect(try session.controlD() == 0)
        #expect(!session.text.contains("Range 1-40"))
        #expect(!FileManager.default.fileExists(atPath: received.path))
        // Not coloured (stdout is no terminal), no banner and no prompt in the pipe.
        #expect(!session.pipedText.contains("\u{1B}["))
        #expect(!session.pipedText.contains("porthole>"))
        #expect(!session.pipedText.contains("Tab completes"))
        #expect(try historyLines(in: home) == ["version", "lookup 1-40"])
    }

    @Test("Ctrl-D leaves the prompt with a newline and no ^D")
    func controlDIsNotEchoed() throws {
        let session = try PTYSession.atPrompt()
        defer { session.close() }
        try session.command("version", answers: "porthole 0.1.0\n")
        try session.send("ab\u{1}\u{4}")  // Ctrl-D inside a line deletes a character
        try session.line("")
        try session.expect("unknown command 'b'")
        try session.expectPrompt()
        #expect(try session.controlD() == 0)
        #expect(!session.text.contains("^D"))
        #expect(session.text.hasSuffix(PTYSession.prompt + "\n"))
    }
}
