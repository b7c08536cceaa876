/// One line as its source gives it.
public enum SourceLine: Sendable, Equatable {
    /// A line of commands, as typed or read.
    case text(String)
    /// One command already split into words (porthole's own command line).
    case words([String])
    /// A line that could not be read as text; it becomes that line's error.
    case invalid(String)
    /// Ctrl-C at the prompt: the half-typed line was dropped.
    case cancelled
    /// End of input (Ctrl-D, end of file).
    case end
    /// SIGHUP or SIGTERM arrived.
    case terminated(Int32)
}

/// Where lines come from: the line editor, a pipe or file, or porthole's own arguments.
public protocol LineSource {
    /// The next line; called again after each line has been answered.
    mutating func next() -> SourceLine
}

/// A source of lines given in advance: `-c` text or command words.
public struct GivenLines: LineSource {
    private var lines: [SourceLine]

    public init(_ lines: [SourceLine]) { self.lines = lines.reversed() }

    /// `-c` text: one line per newline (each may hold several commands separated by `;`).
    public init(text: String) {
        self.init(text.split(separator: "\n", omittingEmptySubsequences: false).map { .text(String($0)) })
    }

    public mutating func next() -> SourceLine { lines.popLast() ?? .end }
}

/// How a conversation behaves beyond its lines.
public struct ConversationOptions: Sendable {
    /// Stop at the first command that fails (`--bail`).
    var bail: Bool
    /// Text to show before the first prompt.
    public var banner: String?

    public init(bail: Bool = false, banner: String? = nil) {
        self.bail = bail
        self.banner = banner
    }
}

extension Explorer {
    /// The one loop every way of using porthole runs: lines from `source` are evaluated
    /// command by command and written to `transcript`, until the input ends, `quit`, a
    /// failure under `bail`, a closed reader, or a signal. Returns the exit status.
    ///
    /// At the prompt, Ctrl-C stops the running command and the prompt returns under the `^C`
    /// the terminal echoed;
    /// anywhere else it ends the session with status 130, as it would a shell script.
    public func converse(
        _ source: inout some LineSource, transcript: Transcript, options: ConversationOptions = ConversationOptions()
    ) -> Int32 {
        let interactive = environment.input == .interactive
        if let banner = options.banner { transcript.say(terminal: banner) }
        var number = 0
        while true {
            if interactive { transcript.promptShown() }
            if !interactive, host.isInterrupted() { return transcript.endStatus(signalled: 130) }
            let commands: [[String]]
            switch source.next() {
            case .text(let text):
                number += 1
                if let activity {
                    let turn = ActivityTurn(
                        explorer: self, transcript: transcript, line: number, command: activity.command)
                    let progress = activity.respond(to: text.trimmingWhitespace(), turn)
                    if let status = settle(turn, progress, of: activity, transcript: transcript, line: number) {
                        return status
                    }
                    continue
                }
                do {
                    commands = try Tokenizer.commands(in: text)
                } catch {
                    transcript.record(Self.unsplittable(text, error), line: number)
                    if options.bail { return transcript.endStatus() }
                    continue
                }
            case .words(let words):
                number += 1
                commands = [words]
            case .invalid(let reason):
                number += 1
                transcript.record(Outcome(command: "", result: .failure(CommandError(problem: reason))), line: number)
                if options.bail { return transcript.endStatus() }
                continue
            case .cancelled:
                transcript.say(terminal: "^C\n")
                leaveActivity(transcript: transcript, line: number)
                continue
            case .end:
                if interactive { transcript.say(terminal: "\n") }
                leaveActivity(transcript: transcript, line: number)
                return transcript.endStatus()
            case .terminated(let signal):
                return transcript.endStatus(signalled: 128 + signal)
            }
            commandsOnLine: for words in commands {
                let outcome = run(words, transcript: transcript)
                defer { keep(outcome) }
                switch outcome.wasInterrupted ? .interrupted : transcript.record(outcome, line: number) {
                case .open: break
                case .readerGone, .failed: return transcript.endStatus()
                case .interrupted:
                    guard interactive else { return transcript.endStatus(signalled: 130) }
                    // The terminal itself echoed `^C` (the command ran in cooked mode); end its line,
                    // and drop the rest of it.
                    host.clearInterrupt()
                    transcript.say(terminal: "\n")
                    break commandsOnLine
                }
                if outcome.quits { return transcript.endStatus() }
                if options.bail, !outcome.succeeded { return transcript.endStatus() }
                if let begun = takeBegunActivity() {
                    // A lesson or quiz takes the rest of the line's place: its first step is next.
                    if let status = begin(begun, transcript: transcript, line: number) { return status }
                    break commandsOnLine
                }
            }
        }
    }

    /// After an activity's turn: keeps it, replaces it with one its commands began, or ends it;
    /// returns the session's status when the turn ended the session.
    private func settle(
        _ turn: ActivityTurn, _ progress: ActivityProgress, of current: any Activity, transcript: Transcript, line: Int
    ) -> Int32? {
        if turn.endsSession { return transcript.endStatus() }
        if turn.commandWasInterrupted || turn.wasLeftByInterrupt {
            guard environment.input == .interactive else { return transcript.endStatus(signalled: 130) }
            // As after any command Ctrl-C stopped: the terminal echoed `^C`; end its line.
            host.clearInterrupt()
            transcript.say(terminal: "\n")
            if turn.wasLeftByInterrupt { leaveActivity(transcript: transcript, line: line) }
            return nil
        }
        if let begun = takeBegunActivity() {
            // `lesson 2` typed during a lesson: the new one takes over.
            return begin(begun, transcript: transcript, line: line)
        }
        if progress == .ended, activity === current { activity = nil }
        return nil
    }

    /// Makes `begun` the activity under way and says its first step.
    private func begin(_ begun: any Activity, transcript: Transcript, line: Int) -> Int32? {
        activity = begun
        let turn = ActivityTurn(explorer: self, transcript: transcript, line: line, command: begun.command)
        return settle(turn, begun.start(turn), of: begun, transcript: transcript, line: line)
    }

    /// Ctrl-C at the prompt or the end of input while a lesson or quiz goes: its last word.
    private func leaveActivity(transcript: Transcript, line: Int) {
        guard let current = activity else { return }
        activity = nil
        current.leave(ActivityTurn(explorer: self, transcript: transcript, line: line, command: current.command))
    }
}

extension Explorer {
    /// The greeting at the prompt: the version, the registry and its age, and how to start,
    /// each sentence wrapped to the terminal.
    public func banner() -> String {
        var sentences = ["porthole \(PortholeVersion.current) — the IANA port registry beside what listens here."]
        do throws(CommandError) {
            let source = try registry().registry.source
            var text = "Registry: \(source.summary)"
            if source.isStale(today: host.today()) { text += source.staleness }
            sentences.append(text + ".")
        } catch {
            // Said at once: otherwise the first command needing the registry would be the first to know.
            sentences.append("Registry: none — \(error).")
        }
        sentences.append("Type 'help' or 'lesson 1'; Tab completes, Ctrl-D quits.")
        let width = textContext.width
        return sentences.map { Wrap.text($0, width: width) + "\n" }.joined()
    }
}
