/// A lesson or a quiz under way. While one is, every line read is offered to it first: an
/// answer to its question, a command it suggested (or any other), or Enter to go on. It lives
/// in the session, so the same activity runs at the prompt, from a pipe and from a `-f` file.
///
/// An activity is begun by a command (`lesson 1`, `quiz`) whose result asks for it with
/// `SessionEffect.begin`; the session then calls `start`, and `respond` for each later line.
protocol Activity: AnyObject {
    /// The command that began it: what it writes is written as that command's answers.
    var command: String { get }
    /// The prompt while it goes, without the `> ` (`lesson 4 · 3/8`).
    var prompt: String { get }
    /// Says the first step, going on until it needs a line.
    func start(_ turn: ActivityTurn) -> ActivityProgress
    /// Answers one line: `line` is trimmed, and empty when the person pressed Enter.
    func respond(to line: String, _ turn: ActivityTurn) -> ActivityProgress
    /// The person left before the end (Ctrl-C at the prompt, the end of input): a last word,
    /// e.g. the score so far or where the lesson will resume.
    func leave(_ turn: ActivityTurn)
}

/// Where an activity stands after a turn.
enum ActivityProgress: Equatable {
    /// It waits for the next line.
    case goesOn
    /// It said its last word; the prompt is porthole's again.
    case ended
}

/// What an activity may do during one turn: say things, run commands as if typed, and read the
/// host through a command's context. Everything it writes goes through the session's
/// transcript, so formats, warnings and the escaping of outside text are the usual ones.
final class ActivityTurn {
    private let explorer: Explorer
    private let transcript: Transcript
    private let line: Int
    private let command: String
    /// Set when a command run for the activity ended the session (`quit`, the reader gone).
    private(set) var endsSession = false
    /// Set when Ctrl-C stopped a command run for the activity: the command stops, the activity
    /// goes on.
    private(set) var commandWasInterrupted = false
    /// Set when Ctrl-C stopped the activity's own wait (a lesson watching the territory): the
    /// activity is left.
    private(set) var wasLeftByInterrupt = false

    init(explorer: Explorer, transcript: Transcript, line: Int, command: String) {
        self.explorer = explorer
        self.transcript = transcript
        self.line = line
        self.command = command
    }

    /// The host, maps and settings, as a command sees them.
    var context: CommandContext { CommandContext(explorer: explorer, format: explorer.settings.format) }

    /// Whether the person is at porthole's prompt (not a pipe, a file or `-c`).
    var isInteractive: Bool { explorer.environment.input == .interactive }

    /// Writes `result` as one of the activity's answers; false when nobody reads any more.
    /// `format` is the one its command asked for (`quiz --json`), over the session's.
    @discardableResult
    func say(_ result: any CommandResult, format: OutputFormat? = nil) -> Bool {
        record(Outcome(command: command, result: .success(result), format: format))
    }

    /// Writes `error` as the activity's failed answer (a malformed reply), going on after it.
    @discardableResult
    func fail(_ error: CommandError, format: OutputFormat? = nil) -> Bool {
        record(Outcome(command: command, result: .failure(error), format: format))
    }

    /// Runs `text` as a line of commands typed at the prompt, writing each answer; returns the
    /// outcomes, stopping at Ctrl-C, `quit` or a reader gone.
    @discardableResult
    func run(_ text: String) -> [Outcome] {
        let lines: [[String]]
        do {
            lines = try Tokenizer.commands(in: text)
        } catch {
            let outcome = Explorer.unsplittable(text, error)
            _ = record(outcome)
            return [outcome]
        }
        var outcomes: [Outcome] = []
        for words in lines {
            let outcome = explorer.run(words, transcript: transcript)
            explorer.keep(outcome)
            outcomes.append(outcome)
            if outcome.wasInterrupted {
                commandWasInterrupted = true
                break
            }
            guard record(outcome) else { break }
            if outcome.quits {
                endsSession = true
                break
            }
        }
        return outcomes
    }

    /// Notes that Ctrl-C stopped the activity's own wait (a lesson watching for a listener).
    func leftByInterrupt() { wasLeftByInterrupt = true }

    private func record(_ outcome: Outcome) -> Bool {
        switch transcript.record(outcome, line: line) {
        case .open, .interrupted: return true
        case .readerGone, .failed:
            endsSession = true
            return false
        }
    }
}

/// An activity carried by a command's result to the session that starts it. Activities are
/// used on the session's one thread only.
struct ActivityStart: @unchecked Sendable, Equatable {
    let activity: any Activity

    static func == (lhs: ActivityStart, rhs: ActivityStart) -> Bool { lhs.activity === rhs.activity }
}

/// Words that answer an activity alike, whatever it asks.
enum ActivityWords {
    /// `stop` or `leave` typed while an activity goes: leave the activity, not porthole
    /// (`quit` still ends porthole).
    static func leaves(_ line: String) -> Bool {
        ["stop", "leave"].contains(line.lowercased())
    }

    /// Enter or `next`: go on (run the suggested command, show the next step).
    static func goesOn(_ line: String) -> Bool {
        line.isEmpty || ["next", "n"].contains(line.lowercased())
    }
}
