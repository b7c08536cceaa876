import Foundation
import PortholeTestSupport
import Testing

/// porthole's own command line: flags before or after the command, help from anywhere, shell
/// completion through the same declarations as the prompt's, and honest exit statuses.
@Suite struct CommandLineTests {
    @Test(
        "Flags after the command words are porthole's own",
        arguments: [
            ["lookup", "2991", "--json"], ["--json", "lookup", "2991"], ["lookup", "--json", "2991"],
        ])
    func flagsAfterTheCommand(arguments: [String]) throws {
        let run = try Porthole.run(arguments)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("{\"command\":\"lookup\",\"ok\":true,"))
        #expect(run.stdout.components(separatedBy: "\n").count == 2)
    }

    @Test func afterADoubleDashEveryWordIsTheCommands() throws {
        let run = try Porthole.run(["--", "lookup", "--json"])
        #expect(run.status == 1)
        #expect(
            run.stderr == "porthole: lookup: expected a port, range, service name or ~keyword, e.g. 'lookup 2991'\n")
    }

    @Test func aCommandsHelpIsTheSameFromEveryDoor() throws {
        let long = try Porthole.run(["lookup", "--help"])
        let short = try Porthole.run(["lookup", "-h"])
        let command = try Porthole.run(["help", "lookup"])
        let prompt = try Porthole.run([], input: "lookup -h\n")
        #expect(long.status == 0 && short.status == 0 && command.status == 0 && prompt.status == 0)
        #expect(long.stdout.hasPrefix("lookup QUERY... [--search WORD] [--limit N]\n"))
        #expect(long.stdout.contains("  --json "))
        #expect(long.stdout == short.stdout)
        #expect(long.stdout == command.stdout)
        #expect(long.stdout == prompt.stdout)
        let who = try Porthole.run(["who", "-h"])
        #expect(who.status == 0)
        #expect(who.stdout.hasPrefix("who [PORT|NAME|LOW-HIGH...] [tcp|udp] [--pid N] [--process NAME]"))
    }

    @Test func porthole_helpListsTheFlagsAndTheCommands() throws {
        let run = try Porthole.run(["--help"])
        #expect(run.status == 0)
        for needle in [
            "  -c COMMANDS", "  --color WHEN", "  -h, --help", "  --complete LINE", "  lookup ", "  explain ",
        ] {
            #expect(run.stdout.contains(needle), "--help lacks \(needle)")
        }
    }

    @Test func aFullDiskIsAWriteErrorWithStatusOne() throws {
        for arguments in [["lookup", "22"], ["-c", "version; lookup 2991"], ["--help"]] {
            let run = try shell("\(porthole) \(arguments.map(quoted).joined(separator: " ")) >/dev/full")
            #expect(run.status == 1, "\(arguments)")
            #expect(run.stderr == "porthole: write error: No space left on device\n", "\(arguments)")
        }
    }

    @Test func aReaderThatLeavesEndsOutputQuietly() throws {
        let run = try shell("\(porthole) lookup 0-65535 --limit 0 | head -1; echo \"status ${PIPESTATUS[0]}\"")
        #expect(run.stdout.hasPrefix("Range 0-65535"))
        #expect(run.stdout.hasSuffix("status 0\n"))
        #expect(run.stderr.isEmpty)
    }

    @Test func completionListsCandidatesFromTheDeclarations() throws {
        #expect(try Porthole.run(["--complete", "lo"]).stdout == "lookup\n")
        #expect(try Porthole.run(["--complete", "lookup wkst"]).stdout == "wkstn-mon\n")
        #expect(try Porthole.run(["--complete", "--json lookup --li"]).stdout == "--limit\n")
        #expect(try Porthole.run(["--complete", "--color "]).stdout == "auto\nalways\nnever\n")
        #expect(try Porthole.run(["--complete", "--js"]).stdout == "--json\n")
        #expect(try Porthole.run(["--complete", "explain rang"]).stdout == "ranges\n")
    }

    @Test("The bash script, sourced in a real bash, completes commands and service names")
    func bashCompletion() throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else { return }
        let folder = Porthole.executable.deletingLastPathComponent().path
        let script = """
            export PATH=\(quoted(folder)):$PATH
            source <(porthole --generate-completion-script bash)
            complete_line() {
                COMP_LINE="$1"; COMP_POINT=${#1}
                read -r -a COMP_WORDS <<< "$1"; COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
                _porthole porthole "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
                echo "${COMPREPLY[*]}"
            }
            complete -p porthole
            complete_line "porthole lo"
            complete_line "porthole lookup wkst"
            """
        let run = try shell(script)
        #expect(run.stdout == "complete -o default -F _porthole porthole\nlookup\nwkstn-mon\n", "\(run.stderr)")
    }

    @Test(arguments: ["zsh", "fish"])
    func otherShellScriptsCallBackIntoPorthole(shell name: String) throws {
        let run = try Porthole.run(["--generate-completion-script", name])
        #expect(run.status == 0)
        #expect(run.stdout.contains("porthole --complete"))
    }

    @Test("SIGINT to a piped run ends it with status 130")
    func interruptedScript() throws {
        // The scan waits (PORTHOLE_TEST_SCAN_DELAY) while stdin stays open; SIGINT ends it.
        let run = try shell(
            """
            fifo=$(mktemp -u); mkfifo "$fifo"
            PORTHOLE_TEST_SCAN_DELAY=20 \(porthole) < "$fifo" & pid=$!
            exec 3>"$fifo"; rm "$fifo"
            echo 'who 1' >&3; sleep 1
            kill -INT $pid; wait $pid; echo "status $?"
            exec 3>&-
            """
        )
        #expect(run.stdout.hasSuffix("status 130\n"), "\(run.stdout) \(run.stderr)")
    }

    // MARK: Helpers

    private var porthole: String { quoted(Porthole.executable.path) }

    private func quoted(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    private func shell(_ script: String) throws -> TestRun {
        let home = try TemporaryFolder()
        defer { home.cleanup() }
        return try TestProcess.run(["/bin/bash", "-c", script], environment: Porthole.environment(home: home.url))
    }
}
