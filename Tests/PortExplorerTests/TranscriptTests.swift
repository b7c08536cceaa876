import Testing

@testable import PortExplorer

/// What `version` prints on the test host.
let versionText = "porthole 0.1.0\nregistry: test.xml of 2025-12-15\n"

/// A session's whole conversation over lines given in advance.
func converse(
    _ lines: [String], input: InputMode, host: FixedHost = Territory.host(), output: RecordedOutput = RecordedOutput()
) -> (status: Int32, output: RecordedOutput) {
    let explorer = makeExplorer(host: host, input: input)
    var source = GivenLines(lines.map { .text($0) })
    let status = explorer.converse(&source, transcript: Transcript(explorer: explorer, output: output))
    return (status, output)
}

/// Ctrl-C on a fixed host: the host's `interrupted` closure is the key.
@Suite struct InterruptTests {
    @Test(arguments: ["ghosts", "who", "who 22", "explain ghosts", "explain 2991", "version"])
    func aPressedKeyInterruptsTheCommand(line: String) {
        let host = Territory.host()
        host.interrupted = { true }
        let outcomes = makeExplorer(host: host).evaluate(line + "; version")
        #expect(outcomes.count == 1, "the line stops at the interrupted command")
        #expect(outcomes[0].wasInterrupted)
        #expect(!outcomes[0].succeeded)
    }

    /// Lines given in advance, with Ctrl-C held down while one of them runs; like the prompt,
    /// the key is let go before each line is given.
    struct PressDuring: LineSource {
        var lines: GivenLines
        let pressed: String
        let key: Key

        final class Key { var down = false }

        mutating func next() -> SourceLine {
            let line = lines.next()
            key.down = line == .text(pressed)
            return line
        }
    }

    func session(_ input: InputMode) -> (status: Int32, output: RecordedOutput, host: FixedHost) {
        let key = PressDuring.Key()
        let host = Territory.host()
        host.interrupted = { key.down }
        let explorer = makeExplorer(host: host, input: input)
        var source = PressDuring(
            lines: GivenLines([.text("version"), .text("ghosts"), .text("version")]), pressed: "ghosts", key: key)
        let output = RecordedOutput()
        let status = explorer.converse(&source, transcript: Transcript(explorer: explorer, output: output))
        return (status, output, host)
    }

    @Test func aScriptEndsWith130() {
        let (status, output, _) = session(.script)
        #expect(status == 130)
        #expect(output.stdout == versionText)
        #expect(output.stderr == "")
    }

    @Test func thePromptEndsTheEchoedCtrlCsLineAndGoesOn() {
        // The terminal echoes `^C` itself (the command ran in cooked mode); porthole ends that line.
        let (status, output, host) = session(.interactive)
        #expect(status == 0)
        #expect(output.stdout == versionText + "\n" + versionText + "\n")
        #expect(output.stderr == "")
        // The loop answered the key once, so the next line is not taken for interrupted too.
        #expect(host.interruptsCleared == 1)
    }

    @Test func aScriptStopsBeforeItsFirstLineWhenTheKeyIsDown() {
        let host = Territory.host()
        host.interrupted = { true }
        let (status, output) = converse(["version"], input: .script, host: host)
        #expect(status == 130 && output.stdout == "")
    }

    @Test func aCancelledLineAtThePromptSaysCtrlC() {
        let explorer = makeExplorer(host: Territory.host(), input: .interactive)
        var source = GivenLines([.text("version"), .cancelled, .text("version")])
        let output = RecordedOutput()
        #expect(explorer.converse(&source, transcript: Transcript(explorer: explorer, output: output)) == 0)
        #expect(output.stdout == versionText + "^C\n" + versionText + "\n")
    }
}

/// The transcript: blank lines between text blocks, JSON Lines, labels and the exit status.
@Suite struct TranscriptTests {
    @Test func textBlocksAreSetApartInAScript() {
        let (status, output) = converse(["version; version", "version"], input: .script)
        #expect(status == 0)
        #expect(output.stdout == versionText + "\n" + versionText + "\n" + versionText)
    }

    @Test func atThePromptTheFirstBlockAfterAPromptHasNoBlankLine() {
        let (status, output) = converse(["version; version", "version"], input: .interactive)
        #expect(status == 0)
        #expect(output.stdout == versionText + "\n" + versionText + versionText + "\n")
    }

    @Test(arguments: [InputMode.script, .interactive])
    func jsonLinesNeverGetBlankLines(input: InputMode) {
        let (_, output) = converse(["set format json; version; version", "version; lokup"], input: input)
        let lines = output.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let end = input == .interactive ? ["", ""] : [""]
        #expect(lines.count == 5 + end.count)
        #expect(lines.prefix(5).allSatisfy { $0.hasPrefix("{\"command\":") })
        #expect(Array(lines.suffix(end.count)) == end.map { Substring($0) })
    }

    @Test func anErrorInAScriptCarriesItsLineNumber() {
        let (status, output) = converse(["version", "lokup 22", "version"], input: .script)
        #expect(status == 1)
        #expect(
            output.stderr
                == "porthole: line 2: unknown command 'lokup'; did you mean 'lookup'? (type 'help' for the list)\n")
        #expect(output.stdout == versionText + "\n" + versionText)
    }

    @Test func anErrorAtThePromptIsLabelledAndLeavesTheStatusAlone() {
        let (status, output) = converse(["lokup 22"], input: .interactive)
        #expect(status == 0)
        #expect(output.stderr == "error: unknown command 'lokup'; did you mean 'lookup'? (type 'help' for the list)\n")
    }

    @Test func aWarningIsSaidOnce() {
        let host = FixedHost(
            registry: makeRegistry(records: Territory.records), warnings: ["the cached copy is corrupt"])
        let (_, output) = converse(["version", "version"], input: .script, host: host)
        #expect(output.stderr == "porthole: warning: the cached copy is corrupt\n")
    }

    @Test func aReaderThatLeftEndsQuietlyWithTheStatusSoFar() {
        let gone = RecordedOutput()
        gone.state = .readerGone
        let quiet = converse(["version; lokup", "lokup"], input: .script, output: gone)
        #expect(quiet.status == 0)
        #expect(quiet.output.stdout == "" && quiet.output.stderr == "")

        let failedFirst = RecordedOutput()
        failedFirst.state = .readerGone
        let afterFailure = converse(["lokup; version", "lokup"], input: .script, output: failedFirst)
        #expect(afterFailure.status == 1)
        #expect(
            afterFailure.output.stderr
                == "porthole: line 1: unknown command 'lokup'; did you mean 'lookup'? (type 'help' for the list)\n")
    }

    @Test func aFailedWriteEndsWith1AndSaysWhy() {
        let full = RecordedOutput()
        full.state = .failed("No space left on device")
        let (status, output) = converse(["version", "version"], input: .script, output: full)
        #expect(status == 1)
        #expect(output.stdout == "")
        #expect(output.stderr == "porthole: write error: No space left on device\n")
    }

    @Test func endOfInputAtThePromptEndsTheLine() {
        let (status, output) = converse([], input: .interactive)
        #expect(status == 0 && output.stdout == "\n")
    }
}

/// Ctrl-C while an answer is being written: the terminal drops the rest of it.
@Suite struct InterruptedWriteTests {
    /// An output where Ctrl-C lands during the `n`th write of stdout.
    final class KeyDuringWrite: TranscriptOutput {
        var stdout = ""
        var writes = 0
        let interruptedWrite: Int

        init(interruptedWrite: Int) { self.interruptedWrite = interruptedWrite }

        func write(stdout: String, stderr: String) -> OutputState {
            guard !stdout.isEmpty else { return .open }
            writes += 1
            if writes == interruptedWrite { return .interrupted }
            self.stdout += stdout
            return .open
        }

        func flush() -> OutputState { .open }
    }

    @Test func atThePromptTheLineEndsAndTheNextCommandRuns() {
        let explorer = makeExplorer(host: Territory.host(), input: .interactive)
        let output = KeyDuringWrite(interruptedWrite: 1)
        var lines = GivenLines([.text("stats; version"), .text("version")])
        let status = explorer.converse(&lines, transcript: Transcript(explorer: explorer, output: output))
        #expect(status == 0)
        // stats was cut short, the rest of its line dropped, the next line answered, then the
        // newline after Ctrl-D (the end of input).
        #expect(output.stdout == "\n" + versionText + "\n")
    }

    @Test func inAScriptItEndsWith130() {
        let explorer = makeExplorer(host: Territory.host(), input: .script)
        let output = KeyDuringWrite(interruptedWrite: 1)
        var lines = GivenLines([.text("stats"), .text("version")])
        #expect(explorer.converse(&lines, transcript: Transcript(explorer: explorer, output: output)) == 130)
        #expect(output.stdout == "")
    }
}
