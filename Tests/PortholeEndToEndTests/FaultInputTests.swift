import Foundation
import PortholeTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Hostile input and hostile surroundings (PipeTests covers stdin's 1 MB line, NUL, invalid
/// UTF-8, blank stdin, `--bogus` and `| head -1` of -c; these cover the rest).
@Suite("Faults: input, flags, closed stdout, resized terminal")
struct FaultInputTests {
    @Test(
        "A 100,000-line script completes in sane time with the right exit status and line number",
        arguments: ["stdin", "-f"])
    func hundredThousandLines(how: String) throws {
        let home = try FaultHome()
        defer { home.cleanup() }
        var lines: [String] = []
        lines.reserveCapacity(100_000)
        var versions = 0
        for i in 1...100_000 {
            switch i {
            case 77_777: lines.append("nosuch")
            case _ where i % 1_000 == 0: lines.append("lookup 2991")
            case _ where i % 4 == 0:
                lines.append("version")
                versions += 1
            case _ where i % 4 == 1: lines.append("# a comment")
            case _ where i % 4 == 2: lines.append("")
            default: lines.append("   \t ")
            }
        }
        let script = home.url.appendingPathComponent("long.porthole")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: script)
        let run =
            how == "-f"
            ? try home.run(["-f", script.path], timeout: 180) : try home.run([], timeout: 180, stdinPath: script.path)
        #expect(
            run.status == 1,
            "\(run.status.map(String.init) ?? "timed out") after \(run.seconds) s: \(run.stderr.prefix(500))")
        #expect(run.stderr == "porthole: line 77777: unknown command 'nosuch' (type 'help' for the list)\n")
        #expect(run.stdout.components(separatedBy: "porthole 0.").count - 1 == versions)
        #expect(run.stdout.components(separatedBy: "Port 2991 ·").count - 1 == 100)
        #expect(run.seconds < 90, "took \(run.seconds) s")
        print(
            "100,000-line script via \(how): \(String(format: "%.2f", run.seconds)) s, \(run.peakMemoryKiB / 1024) MiB peak"
        )
    }

    @Test("A -f file with a 1 MB line, a NUL byte and invalid UTF-8: one error each, the rest runs")
    func badBytesInAFile() throws {
        let home = try FaultHome()
        defer { home.cleanup() }
        var input = Data("version\n".utf8)
        input.append(Data(repeating: UInt8(ascii: "7"), count: 1_048_576))
        input.append(Data("\nlookup 29\u{0}91\n".utf8))
        input.append(Data([0x6c, 0x6f, 0x6f, 0x6b, 0x75, 0x70, 0x20, 0xc3, 0x28, 0x0a]))
        input.append(Data("lookup 2991".utf8))
        let file = home.url.appendingPathComponent("bad.porthole")
        try input.write(to: file)
        let run = try home.run(["-f", file.path], timeout: 60)
        #expect(run.status == 1)
        #expect(
            run.stderr == """
                porthole: line 2: line too long (1048576 bytes; the limit is 65535, not counting the newline)
                porthole: line 3: line contains a NUL byte at column 10
                porthole: line 4: line is not valid UTF-8

                """)
        #expect(run.stdout.hasPrefix("porthole 0."))
        #expect(run.stdout.contains("wkstn-mon"))
    }

    @Test("Invalid UTF-8 and a 100 KB argument on the command line get errors, not crashes")
    func hostileArguments() throws {
        let home = try FaultHome()
        defer { home.cleanup() }
        // Bytes no Swift String can carry: bash builds the argument.
        let invalid = try home.run(
            ["-c", #"exec "$0" -c "$(printf 'lookup \377\376; version')""#, Porthole.executable.path],
            timeout: 30, argv0: ["/bin/bash"])
        #expect(invalid.status == 1, "\(invalid)")
        #expect(invalid.stderr.hasPrefix("porthole: lookup: "), "\(invalid)")
        #expect(invalid.stdout.contains("porthole 0."), "\(invalid)")
        let huge = try home.run(["lookup", String(repeating: "9", count: 100_000)], timeout: 30)
        #expect(huge.status == 1, "\(huge)")
        #expect(huge.stderr.hasPrefix("porthole: lookup: port 9999"), "\(huge)")
        #expect(huge.stderr.hasSuffix(" is out of range; ports run from 0 to 65535\n"), "\(huge)")
        let long = try home.run(["-c", String(repeating: "version;", count: 12_000)], timeout: 60)
        #expect(long.status == 0, "\(long.status.map(String.init) ?? "timed out") \(long.stderr.prefix(300))")
        #expect(long.stdout.components(separatedBy: "porthole 0.").count - 1 == 12_000)
    }

    @Test(
        "Bad ports get the specific error from lookup and who, in text and JSON",
        arguments: [
            ("-1", "'-1' is not a port number; ports are whole numbers from 0 to 65535"),
            ("65536", "port 65536 is out of range; ports run from 0 to 65535"),
            ("99999999999999999999", "port 99999999999999999999 is out of range; ports run from 0 to 65535"),
        ])
    func badPorts(port: String, message: String) throws {
        for command in ["lookup", "who"] {
            let text = try Porthole.run([command, port])
            #expect(text.status == 1)
            #expect(text.stderr == "porthole: \(command): \(message)\n")
            #expect(text.stdout.isEmpty)
            let script = try Porthole.run(["-c", "\(command) \(port); version"])
            #expect(script.status == 1)
            #expect(script.stderr == "porthole: \(command): \(message)\n")
            #expect(script.stdout.hasPrefix("porthole 0."))
            let json = try Porthole.run(["--json", command, port])
            #expect(json.status == 1)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(object["ok"] as? Bool == false)
            #expect((object["error"] as? [String: Any])?["message"] as? String == "\(command): \(message)")
        }
    }

    @Test(
        "Unknown or malformed flags exit 2 with usage on stderr",
        arguments: [
            ["-x"], ["--colour", "never"], ["-c", "help", "--nope"], ["--bail=yes", "-c", "version"],
            ["--json", "--bogus", "version"], ["--registry"], ["-cversion", "-c", "help"],
        ])
    func unknownFlags(arguments: [String]) throws {
        let run = try Porthole.run(arguments)
        #expect(run.status == 2, "\(arguments): \(run.stdout) \(run.stderr)")
        #expect(run.stderr.hasPrefix("porthole: "), "\(arguments): \(run.stderr)")
        #expect(run.stderr.hasSuffix("Run 'porthole --help' for usage.\n"), "\(arguments): \(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test("Empty and whitespace-only commands: nothing to do is not an error")
    func emptyCommands() throws {
        let home = try FaultHome()
        defer { home.cleanup() }
        let blank = home.url.appendingPathComponent("blank.porthole")
        try Data(" \n\t\n\n ; ;\n".utf8).write(to: blank)
        let empty = home.url.appendingPathComponent("empty.porthole")
        try Data().write(to: empty)
        for arguments in [
            ["-c", ""], ["-c", "   "], ["-c", ";;;"], ["-c", " ; \t ; "], ["-c", "\n\n"], ["-f", blank.path],
            ["-f", empty.path],
        ] {
            let run = try home.run(arguments, timeout: 30)
            #expect(run.status == 0, "\(arguments): \(run)")
            #expect(run.stdout.isEmpty && run.stderr.isEmpty, "\(arguments): \(run)")
        }
        // An empty command word is a mistake, reported plainly.
        for word in ["", "   "] {
            let run = try home.run([word], timeout: 30)
            #expect(run.status == 1, "\(word.debugDescription): \(run)")
            #expect(run.stderr == "porthole: empty command\n", "\(word.debugDescription): \(run)")
        }
    }

    @Test("stdout closed entirely (>&-): output is dropped quietly; errors still reach stderr")
    func closedStdout() throws {
        let home = try FaultHome()
        defer { home.cleanup() }
        let many = try home.run(
            ["-c", Array(repeating: "help", count: 500).joined(separator: ";")], timeout: 30, closeStdout: true)
        #expect(many.status == 0, "\(many)")
        #expect(many.stderr.isEmpty, "\(many)")
        for arguments in [["lookup", "2991"], ["--json", "who"], ["version"]] {
            let run = try home.run(arguments, timeout: 30, closeStdout: true)
            #expect(run.status == 0, "\(arguments): \(run)")
            #expect(run.stderr.isEmpty, "\(arguments): \(run)")
        }
        let failing = try home.run(["-c", "nosuch"], timeout: 30, closeStdout: true)
        #expect(failing.status == 1, "\(failing)")
        #expect(failing.stderr == "porthole: unknown command 'nosuch' (type 'help' for the list)\n")
        // With fd 1 closed, the next file porthole opens gets fd 1: an installed registry must
        // not be written to as if it were stdout.
        let xml = home.url.appendingPathComponent("small.xml")
        var text =
            "<?xml version='1.0'?>\n<registry xmlns=\"http://www.iana.org/assignments\">\n<updated>2025-01-02</updated>\n"
        for i in 0..<5_000 {
            text += "<record><name>c\(i)</name><protocol>udp</protocol><number>\(40_000 + i)</number></record>\n"
        }
        try Data((text + "</registry>\n").utf8).write(to: xml)
        let update = try home.run(["update", "--from", xml.path], timeout: 60, closeStdout: true)
        #expect(update.status == 0, "\(update)")
        let installed = try Data(contentsOf: home.registryFile)
        for arguments in [["-c", "lookup 40001; stats; help; lookup 40002"], ["update", "--from", xml.path]] {
            let run = try home.run(arguments, timeout: 60, closeStdout: true)
            #expect(run.status == 0, "\(arguments): \(run)")
            #expect(try Data(contentsOf: home.registryFile) == installed, "\(arguments) changed the registry")
        }
        let version = try home.run(["version"], timeout: 30)
        #expect(version.stdout.contains("updated IANA registry of 2025-01-02"), "\(version)")
        #expect(version.stderr.isEmpty, "\(version)")
    }

    @Test("A reader that goes away: endless piped input to | head -1 ends quietly, exit 0")
    func endlessInputIntoHead() throws {
        let home = try FaultHome()
        defer { home.cleanup() }
        let run = try home.run(
            [
                "-c",
                #"yes help | "$0" | head -1 >/dev/null; s=${PIPESTATUS[1]}; yes version | "$0" --json | head -1 >/dev/null; echo "$s ${PIPESTATUS[1]}""#,
                Porthole.executable.path,
            ], timeout: 60, argv0: ["/bin/bash"])
        #expect(run.stdout == "0 0\n", "\(run)")
        #expect(run.stderr.isEmpty, "\(run)")
    }

    @Test("The terminal resized again and again while a long listing prints: it ends cleanly", .timeLimit(.minutes(1)))
    func resizedMidOutput() throws {
        // No pager: each answer is taller than some of the sizes, and this is about printing.
        let session = try PTYSession.fresh(environment: ["PAGER": "cat"])
        defer { session.close() }
        try session.expectPrompt(timeout: 20)
        // The slave side, as porthole has it: TIOCSWINSZ there sends SIGWINCH to porthole.
        let tty = open("/proc/\(session.pid)/fd/0", O_RDWR | O_NOCTTY)
        try #require(tty >= 0, "cannot open porthole's terminal: errno \(errno)")
        defer { Glibc.close(tty) }
        // Modest: PTYSession re-strips everything read on each read, so a huge listing costs time squared.
        let count = 60
        // Another thread resizes the window every millisecond until the listing has ended.
        final class Resizer: @unchecked Sendable {
            let lock = NSLock()
            var running = true
            var count = 0
        }
        let resizer = Resizer()
        let thread = Thread {
            var n = 0
            while resizer.lock.withLock({ resizer.running }) {
                var size = winsize(
                    ws_row: UInt16(10 + n % 40), ws_col: UInt16(60 + (n * 37) % 140), ws_xpixel: 0, ws_ypixel: 0)
                if ioctl(tty, UInt(TIOCSWINSZ), &size) == 0 {
                    n += 1
                    resizer.lock.withLock { resizer.count = n }
                }
                usleep(1_000)
            }
        }
        thread.start()
        defer {
            resizer.lock.withLock { resizer.running = false }
            let until = monotonicSeconds() + 5
            while !thread.isFinished && monotonicSeconds() < until { usleep(1_000) }
        }
        try session.line(Array(repeating: "help", count: count).joined(separator: "; ") + "; end-of-the-listing")
        let resizesBefore = resizer.lock.withLock { resizer.count }
        let printed = try session.expect("unknown command 'end-of-the-listing'", timeout: 60)
        let resizes = resizer.lock.withLock { resizer.count } - resizesBefore
        #expect(resizes >= 3, "only \(resizes) resizes")
        #expect(
            // The hint is wrapped to each width; its start fits on one line at 60 columns and more.
            printed.components(separatedBy: "Type 'help COMMAND' for its arguments").count - 1 == count,
            "the listing was cut short")
        print("resized the terminal \(resizes) times during a \(printed.utf8.count)-byte listing")
        try session.expectPrompt(timeout: 20)
        try session.line("version")
        try session.expect("registry: ")
        try session.expectPrompt()
        try session.line("quit")
        #expect(try session.waitForExit() == 0)
    }
}
