import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The interactive prompt on a real pseudo-terminal.
@Suite("Interactive prompt on a pseudo-terminal", .timeLimit(.minutes(1)))
struct PTYTests {
    @Test("he<Tab> completes to 'help ' and Enter shows the command list")
    func tabCompletesCommand() throws {
        let session = try PTYSession.atPrompt()
        defer { session.close() }
        try session.send("he\t")
        try session.send("\r")
        try session.expect("Type 'help COMMAND' for its arguments and examples.")
        try session.expectPrompt()
        #expect(try session.controlD() == 0)
    }

    @Test("The prompt loads libedit; one-shot and piped runs never do")
    func libeditIsLoadedOnlyForThePrompt() throws {
        let session = try PTYSession.atPrompt()
        defer { session.close() }
        // Read to the end: /proc files have no size, and a one-shot read can stop early.
        let handle = try #require(FileHandle(forReadingAtPath: "/proc/\(session.pid)/maps"))
        let maps = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        try handle.close()
        #expect(maps.contains("libswiftCore"), "the map of the process was cut short")
        #expect(maps.contains("libedit"))
        #expect(try session.controlD() == 0)

        // The dynamic loader lists every library it opens, dlopen included.
        for arguments in [["-c", "lookup 2991"], ["--json", "lookup", "22"]] {
            let run = try Porthole.run(arguments, environment: ["LD_DEBUG": "libs"])
            #expect(run.status == 0)
            #expect(run.stderr.contains("libswiftCore"), "LD_DEBUG gave no list to check")
            #expect(!run.stderr.contains("libedit"))
        }
    }

    @Test("set f<Tab> completes to 'set format '")
    func tabCompletesArgument() throws {
        let session = try PTYSession.atPrompt()
        defer { session.close() }
        try session.send("set f\t")
        try session.command("text", answers: "format is now text")
        try session.line("quit")
        #expect(try session.waitForExit() == 0)
    }

    @Test("Tab with several candidates lists them, then the line is redrawn")
    func tabListsCandidates() throws {
        let session = try PTYSession.atPrompt()
        defer { session.close() }
        try session.send("h\t")
        try session.expect("\nhelp     history\n")
        try session.expect(PTYSession.prompt)
        try session.send("is\t")
        try session.send("\r")
        try session.expect("1  history\n")
        try session.expectPrompt()
        #expect(try session.controlD() == 0)
    }

    @Test("Ctrl-C stops a running command and the prompt comes back")
    func controlCStopsACommand() throws {
        // Every listener scan waits 20 s here, so `who` is still running when Ctrl-C comes.
        let session = try PTYSession.atPrompt(environment: ["PORTHOLE_TEST_SCAN_DELAY": "20"])
        defer { session.close() }
        try session.line("who 2991; version")
        Thread.sleep(forTimeInterval: 0.5)
        try session.send("\u{3}")
        let answer = try session.expectPrompt(timeout: 5)
        #expect(answer.contains("^C\n"))
        #expect(!answer.contains("porthole 0.1.0"), "the rest of the line must not run")
        try session.command("version", answers: "porthole 0.1.0\n")
        #expect(try session.controlD() == 0)
    }

    @Test("Ctrl-C drops a half-typed line and the prompt goes on")
    func controlCClearsLine() throws {
        let session = try PTYSession.atPrompt()
        defer { session.close() }
        try session.send("hel")
        try session.send("\u{3}")
        try session.expect("^C")
        try session.expectPrompt()
        try session.command("version", answers: "porthole 0.1.0\n")
        #expect(try session.controlD() == 0)
        #expect(!session.text.contains("error:"))
        #expect(try historyLines(in: session.home) == ["version"])
    }

    @Test("The banner names the registry, its date, and suggests update when it is old")
    func bannerNamesTheRegistry() throws {
        let session = try PTYSession.atPrompt()
        defer { session.close() }
        #expect(session.text.contains("porthole 0.1.0"))
        // The embedded registry is of 2025-12-15: stale, honestly, only from 2026-12-16 (UTC) on.
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        let today = (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
        let stale = today > (2026, 12, 15)
        #expect(session.text.contains("Registry: embedded IANA registry of 2025-12-15"))
        #expect(session.text.contains("over a year old; 'update' fetches the current one.") == stale)
        #expect(session.text.contains("Type 'help'"))
        #expect(try session.controlD() == 0)
    }

    @Test("Ctrl-D on an empty line ends with status 0, even after a failed command")
    func controlDExitsZero() throws {
        let session = try PTYSession.atPrompt()
        defer { session.close() }
        try session.command("nonsense", answers: "error: ")
        #expect(try session.controlD() == 0)
    }

    @Test("History is saved with mode 0600 and the next session lists it")
    func historyPersists() throws {
        let home = try Porthole.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }

        let first = try PTYSession(home: home)
        defer { first.close() }
        try first.expectPrompt(timeout: 20)
        try first.command("help", answers: "Type 'help COMMAND' for its arguments and examples.")
        try first.command("version", answers: "porthole 0.1.0\n")
        try first.line("quit")
        #expect(try first.waitForExit() == 0)

        let path = historyFile(in: home).path
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o777 } == 0o600)
        #expect(try historyLines(in: home) == ["help", "version", "quit"])
        var folder = stat()
        #expect(stat(historyFile(in: home).deletingLastPathComponent().path, &folder) == 0)
        #expect(folder.st_mode & 0o777 == 0o700)

        let second = try PTYSession(home: home)
        defer { second.close() }
        try second.expectPrompt(timeout: 20)
        try second.line("history")
        let listing = try second.expectPrompt()
        let entries = listing.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(entries.contains(["1", "help"]))
        #expect(entries.contains(["2", "version"]))
        #expect(entries.contains(["3", "quit"]))
        #expect(entries.contains(["4", "history"]))
        // --clear empties the editor's history as well as the file: only what follows is kept.
        try second.command("history --clear", answers: "history cleared (5 entries forgotten)")
        try second.command("history", answers: "1  history\n")
        #expect(try second.controlD() == 0)
        #expect(try historyLines(in: home) == ["history"])
    }

    @Test("Without XDG_STATE_HOME the history goes to ~/.local/state/porthole")
    func historyDefaultsToLocalState() throws {
        let session = try PTYSession.fresh(environment: ["XDG_STATE_HOME": ""])
        defer { session.close() }
        try session.expectPrompt(timeout: 20)
        try session.command("version", answers: "porthole 0.1.0\n")
        #expect(try session.controlD() == 0)
        let path = session.home.appendingPathComponent(".local/state/porthole/history").path
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test("Piped commands never write the history")
    func pipedRunsKeepNoHistory() throws {
        let home = try Porthole.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let run = try Porthole.run(
            [], input: "help\nversion\n",
            environment: ["HOME": home.path, "XDG_STATE_HOME": home.appendingPathComponent("state").path]
        )
        #expect(run.status == 0)
        #expect(run.stdout.contains("Type 'help COMMAND' for its arguments and examples."))
        #expect(!FileManager.default.fileExists(atPath: historyFile(in: home).path))
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent(".local").path))
    }

    @Test("Non-ASCII input reaches the command intact")
    func nonASCIIInput() throws {
        let session = try PTYSession.atPrompt()
        defer { session.close() }
        try session.command(
            "set format café", answers: "error: set format: expected text, json, csv or tsv, not 'café'")
        #expect(try session.controlD() == 0)
        #expect(try historyLines(in: session.home) == ["set format café"])
    }

    @Test("A closed terminal (SIGHUP) keeps the history")
    func hangupKeepsHistory() throws {
        let session = try PTYSession.atPrompt()
        defer { session.close() }
        try session.command("version", answers: "porthole 0.1.0\n")
        try session.send("hel")
        session.hangUp()
        let status = try session.waitForExit()
        #expect(status == 0 || status == 128 + SIGHUP)
        #expect(try historyLines(in: session.home) == ["version"])
    }

    @Test("SIGTERM or SIGHUP while editing saves the history and exits", arguments: [SIGTERM, SIGHUP])
    func terminationWhileEditing(signal: Int32) throws {
        let session = try PTYSession.atPrompt()
        defer { session.close() }
        try session.command("version", answers: "porthole 0.1.0\n")
        try session.send("hel")
        kill(session.pid, signal)
        #expect(try session.waitForExit() == 128 + signal)
        #expect(try historyLines(in: session.home) == ["version"])
    }

    @Test("An editrc with 'edit off' falls back to a plain reader")
    func editOffFallsBack() throws {
        let home = try Porthole.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        try "edit off\n".write(to: home.appendingPathComponent(".editrc"), atomically: true, encoding: .utf8)
        let session = try PTYSession(home: home)
        defer { session.close() }
        try session.expectPrompt(editing: false, timeout: 20)
        try session.command("version", answers: "porthole 0.1.0\n", editing: false)
        #expect(try session.controlD() == 0)
        #expect(try historyLines(in: home) == ["version"])
    }

    @Test("With colour on, the prompt is coloured")
    func coloredPrompt() throws {
        let session = try PTYSession.fresh(arguments: ["--color", "always"])
        defer { session.close() }
        try session.expectPrompt(timeout: 20)
        #expect(try session.controlD() == 0)
        let raw = String(decoding: session.raw, as: UTF8.self)
        #expect(raw.contains("\u{1B}[1;36mporthole>\u{1B}[0m "))
        #expect(!raw.contains("\u{1}"))
    }
}
