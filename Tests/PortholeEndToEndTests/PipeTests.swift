import Foundation
import PortholeTestSupport
import Testing

/// The built binary driven through pipes, files and arguments, as scripts use it.
@Suite struct PipeTests {
    @Test func oneShotHelpListsCommands() throws {
        let run = try Porthole.run(["-c", "help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("lookup     What the registry (the map) says"))
        #expect(run.stdout.contains("quit"))
        #expect(run.stderr.isEmpty)
    }

    @Test func pipedInputHasNoPromptOrBanner() throws {
        let run = try Porthole.run([], input: "help\n")
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("lookup     What the registry"))
        #expect(!run.stdout.contains("porthole>"))
    }

    @Test func jsonPrintsOneObjectPerCommand() throws {
        let run = try Porthole.run(["--json", "-c", "help; version; nosuch"])
        #expect(run.status == 1)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["command"] != nil)
            #expect(object["ok"] is Bool)
        }
        #expect(
            lines[2]
                == #"{"command":"nosuch","ok":false,"error":{"message":"unknown command 'nosuch' (type 'help' for the list)"}}"#
        )
    }

    @Test func scriptErrorsNameTheLineAndProcessingContinues() throws {
        let script = """
            # a lesson
            version

            lokup 2991
            set format xml; version
            """
        let run = try Porthole.run([], input: script)
        #expect(run.status == 1)
        #expect(
            run.stderr == """
                porthole: line 4: unknown command 'lokup'; did you mean 'lookup'? (type 'help' for the list)
                porthole: line 5: set format: expected text, json, csv or tsv, not 'xml'

                """)
        #expect(run.stdout.components(separatedBy: "porthole 0.").count == 3)
    }

    @Test func jsonErrorsFromScriptsCarryTheLine() throws {
        let run = try Porthole.run(["--json"], input: "version\nnosuch\n")
        #expect(run.stdout.contains(#"{"command":"nosuch","ok":false,"error":{"line":2,"message":"#))
    }

    @Test func bailStopsAtTheFirstError() throws {
        let run = try Porthole.run(["--bail"], input: "version\nnosuch\nversion\n")
        #expect(run.status == 1)
        #expect(run.stdout.components(separatedBy: "porthole 0.").count == 2)
        #expect(run.stderr == "porthole: line 2: unknown command 'nosuch' (type 'help' for the list)\n")
    }

    @Test func fileInputWorksLikeAPipe() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "porthole-\(UUID().uuidString).porthole")
        try "version\n# done\n".write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        let run = try Porthole.run(["-f", path.path])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("porthole 0."))
        let missing = try Porthole.run(["-f", "/nonexistent/porthole-script"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "porthole: cannot read '/nonexistent/porthole-script': No such file or directory\n")
    }

    @Test func textBlocksAreSetApartButJSONLinesAreNot() throws {
        let text = try Porthole.run(["-c", "set format text; version; version"])
        #expect(text.stdout.contains("\n\nporthole 0."))
        #expect(!text.stdout.hasPrefix("\n"))
        let json = try Porthole.run(["--json", "-c", "version; version"])
        #expect(!json.stdout.contains("\n\n"))
    }

    @Test func oneShotWordsFormOneCommand() throws {
        let run = try Porthole.run(["lookup", "2991", "--limit", "5"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("wkstn-mon  tcp, udp"))
        #expect(run.stdout.contains("verdict      ghost"))
        let bad = try Porthole.run(["lookup", "65536"])
        #expect(bad.status == 1)
        #expect(bad.stderr == "porthole: lookup: port 65536 is out of range; ports run from 0 to 65535\n")
    }

    @Test func quitEndsAScriptEarly() throws {
        let run = try Porthole.run([], input: "version\nquit\nnosuch\n")
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
    }

    @Test(arguments: [
        (["--bogus"], "unknown option '--bogus'"),
        (["-c", "help", "-f", "x"], "give commands one way: -c, -f or command words, not several"),
        (["--color", "purple"], "--color"),
        (["-c"], "option '-c' needs a value (COMMANDS)"),
        (["--jsn"], "unknown option '--jsn'; did you mean '--json'?"),
        (["--json", "--json", "version"], "option '--json' is given twice"),
    ])
    func usageErrorsExitTwo(arguments: [String], fragment: String) throws {
        let run = try Porthole.run(arguments)
        #expect(run.status == 2)
        #expect(run.stderr.contains(fragment))
        #expect(run.stdout.isEmpty)
    }

    @Test func helpAndVersionFlags() throws {
        let help = try Porthole.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Usage: porthole [OPTIONS] [COMMAND [ARGUMENTS...]]"))
        #expect(help.stdout.contains("  --json "))
        #expect(help.stdout.contains("  lookup "))
        let version = try Porthole.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("porthole 0."))
    }

    @Test func badInputLinesGetErrorsNotCrashes() throws {
        var input = Data("version\n".utf8)
        input.append(Data(repeating: UInt8(ascii: "a"), count: 1_048_576))
        input.append(Data("\nver\u{0}sion\n".utf8))
        input.append(Data([0x76, 0xff, 0xfe, 0x0a]))
        input.append(Data("version".utf8))  // no final newline
        let run = try Porthole.run([], stdin: input)
        #expect(run.status == 1)
        #expect(
            run.stderr == """
                porthole: line 2: line too long (1048576 bytes; the limit is 65535, not counting the newline)
                porthole: line 3: line contains a NUL byte at column 4
                porthole: line 4: line is not valid UTF-8

                """)
        #expect(run.stdout.components(separatedBy: "porthole 0.").count == 3)
    }

    @Test func emptyAndBlankInputSucceedQuietly() throws {
        for input in ["", "\n\n", "   \n\t\n", "# only a comment\n"] {
            let run = try Porthole.run([], input: input)
            #expect(run.status == 0)
            #expect(run.stdout.isEmpty && run.stderr.isEmpty)
        }
    }

    @Test func aClosedPipeEndsQuietly() throws {
        // Enough output to fill the pipe many times over, read by `head -1` which then exits.
        let commands = Array(repeating: "help", count: 2_000).joined(separator: ";")
        let run = try TestProcess.run([
            "/bin/bash", "-c", "set -o pipefail; \"$0\" -c \"$1\" | head -1 >/dev/null", Porthole.executable.path,
            commands,
        ])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
    }
}
