/// What happened to a write: the terminal reports, the transcript decides what follows.
public enum OutputState: Sendable, Equatable {
    case open
    /// The reader went away (EPIPE, e.g. `| head -1`): stop quietly, as that was its choice.
    case readerGone
    /// Any other write error, in words (`No space left on device`).
    case failed(String)
    /// Ctrl-C while the text was being written: the rest was dropped.
    case interrupted
}

/// Where a transcript's text goes: stdout and stderr, in order.
public protocol TranscriptOutput: AnyObject {
    func write(stdout: String, stderr: String) -> OutputState
    /// The same with stdout as UTF-8 bytes in pieces, written one after another (a JSON line,
    /// whose records may have been encoded apart from it); `asItGoes` as below.
    func write(stdoutPieces: [[UInt8]], stderr: String, asItGoes: Bool) -> OutputState
    /// Writes whatever is still held back.
    func flush() -> OutputState
    /// Writes what is for the person at the prompt and no part of the answers (the banner,
    /// `^C`, the newline after Ctrl-D): to the terminal even when stdout is a pipe.
    func write(terminal: String) -> OutputState
    /// Writes stdout and stderr; `asItGoes` for a part of an answer still being made (a watch's
    /// lines): written at once, even to a pipe, and never through a pager.
    func write(stdout: String, stderr: String, asItGoes: Bool) -> OutputState
}

extension TranscriptOutput {
    public func write(terminal: String) -> OutputState { write(stdout: terminal, stderr: "") }
    public func write(stdout: String, stderr: String, asItGoes: Bool) -> OutputState {
        write(stdout: stdout, stderr: stderr)
    }

    /// Unless an output takes bytes as they are, they become a String; the console takes
    /// them, so a multi-megabyte answer is never turned back into a String.
    public func write(stdoutPieces: [[UInt8]], stderr: String, asItGoes: Bool) -> OutputState {
        write(stdout: String(decoding: stdoutPieces.joined(), as: UTF8.self), stderr: stderr, asItGoes: asItGoes)
    }
}

/// Everything a session writes, in one place: each outcome rendered in its format, text blocks
/// set apart by one blank line (except the first after a prompt), errors labelled for where
/// the line came from, warnings said once, and the exit status. Every text it writes passes
/// `Visible.output`, so no control character but porthole's own colours reaches the terminal.
public final class Transcript {
    let explorer: Explorer
    let output: any TranscriptOutput
    /// The highest status any command gave (never at the prompt): 0 while every command
    /// succeeded and found nothing different, 1 after a failure or a `diff` that found
    /// differences, 2 after a `diff` that could not compare.
    private(set) var status: Int32 = 0
    /// The next text block starts with a blank line.
    private var separateNext = false
    /// Whether output stopped for good (the reader left, or a write failed).
    private(set) var closed: OutputState = .open
    /// The last block written was part of an answer still being written (`who --watch`).
    private var continuingAnswer = false

    public init(explorer: Explorer, output: any TranscriptOutput) {
        self.explorer = explorer
        self.output = output
    }

    /// A prompt was shown: the next block needs no blank line before it.
    func promptShown() { separateNext = false }

    /// Writes one outcome. `line` is the script line it came from.
    @discardableResult
    func record(_ outcome: Outcome, line: Int? = nil) -> OutputState {
        // At the prompt a failure is reported and the session goes on; it ends with 0.
        if !outcome.wasInterrupted, explorer.environment.input != .interactive {
            status = max(status, outcome.exitStatus)
        }
        let format = outcome.format ?? explorer.settings.format
        // The parts of one answer written as it goes follow each other directly.
        let continuing = outcome.partial && continuingAnswer
        continuingAnswer = outcome.partial
        if format == .json, case .success(let result) = outcome.result {
            // A JSON line goes out as the bytes it was encoded into; it is never text, so the
            // block after it needs no blank line.
            separateNext = false
            return write(
                stdoutPieces: jsonLine(result, command: outcome.command), stderr: "", asItGoes: outcome.partial)
        }
        var (stdout, stderr) = render(outcome, format: format, line: line, header: outcome.header)
        // Text blocks are set apart by a blank line; JSON Lines, CSV and TSV never, and a text
        // block right after them has none (a blank line would read as an empty record).
        if writesText(outcome, format: format) {
            if !stdout.isEmpty {
                if separateNext && !continuing { stdout = "\n" + stdout }
                separateNext = true
            }
        } else if !stdout.isEmpty {
            separateNext = false
        }
        return write(stdout: stdout, stderr: stderr, asItGoes: outcome.partial)
    }

    /// Writes text that is no command's outcome (the banner, `^C`, the newline after Ctrl-D)
    /// to the person at the prompt.
    @discardableResult
    func say(terminal: String) -> OutputState {
        // Warnings found on the way (the banner loads the registry) come first, on stderr.
        let state = write(stdout: "", stderr: "")
        guard state == .open else { return state }
        return output.write(terminal: Visible.output(terminal, colors: explorer.textContext.color))
    }

    /// Flushes what is held back and gives the status the session ends with: 1, and a
    /// message, after a write error; the status so far when all was written or the reader left.
    /// A session ended by a signal keeps the signal's status (128 + its number).
    func endStatus(signalled signalStatus: Int32? = nil) -> Int32 {
        if closed == .open {
            let state = output.flush()
            if case .failed = state { closed = state }
        }
        if let signalStatus { return signalStatus }
        if case .failed(let reason) = closed {
            _ = output.write(stdout: "", stderr: "porthole: write error: \(reason)\n")
            return 1
        }
        return status
    }

    private func write(stdout: String, stderr: String, asItGoes: Bool = false) -> OutputState {
        guard closed == .open else { return closed }
        return noting(output.write(stdout: stdout, stderr: takeWarnings() + stderr, asItGoes: asItGoes))
    }

    private func write(stdoutPieces: [[UInt8]], stderr: String, asItGoes: Bool) -> OutputState {
        guard closed == .open else { return closed }
        return noting(output.write(stdoutPieces: stdoutPieces, stderr: takeWarnings() + stderr, asItGoes: asItGoes))
    }

    /// Warnings found on the way, said once, before what they came with.
    private func takeWarnings() -> String {
        explorer.takeWarnings().map { "porthole: warning: \(Visible.output($0, colors: false))\n" }.joined()
    }

    /// Keeps a write's state: output stops for good when the reader left or a write failed.
    private func noting(_ state: OutputState) -> OutputState {
        switch state {
        case .readerGone, .failed: closed = state
        case .open, .interrupted: break
        }
        return state
    }

    /// Whether the outcome is written as text: in text mode, and in CSV or TSV mode by a
    /// command whose answer is no table.
    private func writesText(_ outcome: Outcome, format: OutputFormat) -> Bool {
        switch format {
        case .text: true
        case .json: false
        case .csv, .tsv: (try? outcome.result.get().table) == nil
        }
    }

    /// An outcome as text, JSON, CSV or TSV for stdout, and what stderr says beside it.
    ///
    /// In JSON mode every command prints exactly one object on its own line, with `command`
    /// and `ok`; a failure carries `error.message` (and `error.line` from a script) and is
    /// also said on stderr for the person watching. In CSV and TSV mode a command writes its
    /// table, headed by the column names unless `header` (or the session's setting) is off;
    /// a command whose answer is no table writes its text instead, and a failure only stderr.
    func render(_ outcome: Outcome, format: OutputFormat, line: Int?, header: Bool? = nil) -> (
        stdout: String, stderr: String
    ) {
        switch outcome.result {
        case .success(let result):
            switch format {
            case .json:
                return (String(decoding: jsonLine(result, command: outcome.command).joined(), as: UTF8.self), "")
            case .csv, .tsv:
                guard let table = result.table else { fallthrough }
                let header = header ?? explorer.settings.header
                let rows =
                    format == .csv
                    ? Visible.output(Delimited.csv(table, header: header), colors: false, keeping: Delimited.csvLayout)
                    : Visible.output(Delimited.tsv(table, header: header), colors: false, keeping: ["\t", "\n"])
                return (rows, "")
            case .text:
                let context = explorer.textContext
                let text = Visible.output(result.text(context), colors: context.color)
                return (text.isEmpty ? "" : text + "\n", "")
            }
        case .failure(let error):
            // The message may quote what was typed or read: shown, not obeyed.
            let stderr = Visible.output(errorLine(error, line: line), colors: false) + "\n"
            guard format == .json else { return ("", stderr) }
            var detail: [String: JSON] = ["message": .string(error.message)]
            if let line, explorer.environment.input == .script { detail["line"] = .int(line) }
            let object: JSON = ["command": .string(outcome.command), "ok": false, "error": .object(detail)]
            return (object.line, stderr)
        }
    }

    /// A successful answer as one JSON line, in pieces (`JSON.linePieces`): `command` and `ok`
    /// lead; the command's own fields follow in key order.
    private func jsonLine(_ result: any CommandResult, command: String) -> [[UInt8]] {
        let fields = result.json.sorted { $0.key < $1.key }.map { JSON.Member($0.key, $0.value) }
        let object = JSON.fields([JSON.Member("command", .string(command)), JSON.Member("ok", true)] + fields)
        return object.linePieces
    }

    /// `porthole: line N: message` from scripts, `error: message` at the prompt,
    /// `porthole: message` otherwise.
    func errorLine(_ error: CommandError, line: Int?) -> String {
        switch explorer.environment.input {
        case .script: line.map { "porthole: line \($0): \(error.message)" } ?? "porthole: \(error.message)"
        case .interactive: "error: \(error.message)"
        case .oneShot: "porthole: \(error.message)"
        }
    }
}
