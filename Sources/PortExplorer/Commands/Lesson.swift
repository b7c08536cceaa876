import PortListeners

extension CommandSpec {
    static let lesson = CommandSpec(
        name: "lesson",
        synopsis: "[N] [--restart] [--print]",
        summary: "Take a lesson step by step, on this computer's own ports",
        help: """
            Without N, lists the lessons with their length, goal and where you stand in each. \
            'lesson N' begins lesson N, or resumes it where you left it: each step is a few lines to \
            read and a command to type (Enter runs it for you; Tab completes). At some steps you \
            predict first ('yes' or 'no'), then see the live evidence and why you were right or wrong. \
            Lesson 4 waits while you start and stop a server in a second terminal, and goes on by \
            itself when porthole sees it. Type 'stop' or press Ctrl-C to leave; progress is kept in \
            $XDG_STATE_HOME/porthole/lessons.

            With --print, every step is shown with its commands' answers and the right predictions, \
            without waiting: for a projector, a pipe or a handout. Answers come from this computer and \
            the registry now, so two machines can differ.

              lesson
              lesson 1
              lesson 4 --restart
              lesson 2 --print
            """,
        options: [
            OptionSpec("--restart", help: "Begin the lesson again from its first step"),
            OptionSpec("--print", help: "Show every step with its answers, without waiting"),
        ],
        completion: { previous in previous.isEmpty ? [.words(Lessons.all.map { String($0.number) })] : [] },
        beginsActivity: { !$0.arguments.isEmpty && !$0.flags.contains("--print") },
        run: { invocation, context throws(CommandError) in
            let progress = LessonProgress(text: try? context.host.readState(.lessons))
            guard let word = invocation.arguments.first else {
                for flag in ["--restart", "--print"] where invocation.flags.contains(flag) {
                    throw CommandError("lesson", "\(flag) needs a lesson number, e.g. 'lesson 1 \(flag)'")
                }
                return LessonListResult(lessons: Lessons.all, progress: progress)
            }
            guard invocation.arguments.count == 1 else {
                throw CommandError("lesson", "one lesson at a time, e.g. 'lesson \(word)'")
            }
            let numbers = Lessons.all.map { String($0.number) }
            guard let number = Int(word), let lesson = Lessons.lesson(number) else {
                throw CommandError(
                    "lesson", problem: "no lesson '\(word)'",
                    otherwise: "the lessons are \(GapWords.list(numbers))", hint: "'lesson' lists them")
            }
            let printing = invocation.flags.contains("--print")
            var start = 0
            var resumed = false
            if !printing, !invocation.flags.contains("--restart"), case .at(let step) = progress.standing(of: number),
                step < lesson.steps.count
            {
                start = step
                resumed = step > 0
            }
            let run = LessonRun(lesson: lesson, from: start, printing: printing, format: invocation.format)
            return LessonIntro(
                lesson: lesson, from: start, resumed: resumed, printing: printing, run: ActivityStart(activity: run))
        }
    )
}

/// Where each lesson stands, as kept in the `lessons` state file: one line per lesson begun,
/// `N STEP` (the next step, counted from 0) or `N done`. Lines it cannot read are skipped, so
/// a damaged file costs a lesson's place, never a lesson.
struct LessonProgress: Equatable {
    enum Standing: Equatable {
        case notStarted
        case at(step: Int)
        case done
    }

    private(set) var standings: [Int: Standing] = [:]

    init(text: String?) {
        for line in (text ?? "").split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 2, let number = Int(fields[0]), number > 0 else { continue }
            if fields[1] == "done" {
                standings[number] = .done
            } else if let step = Int(fields[1]), step >= 0 {
                standings[number] = .at(step: step)
            }
        }
    }

    func standing(of number: Int) -> Standing { standings[number] ?? .notStarted }

    mutating func set(_ number: Int, _ standing: Standing) { standings[number] = standing }

    var text: String {
        standings.keys.sorted().compactMap { number in
            switch standings[number]! {
            case .notStarted: nil
            case .at(let step): "\(number) \(step)\n"
            case .done: "\(number) done\n"
            }
        }.joined()
    }
}

/// A lesson under way: it shows a step, takes the student's line, and goes on. With `printing`
/// it goes through every step at once, answering its own predictions.
final class LessonRun: Activity {
    let lesson: Lesson
    let printing: Bool
    /// The format `lesson N` asked for (`--json`), over the session's, for the lesson's own words.
    let format: OutputFormat?
    /// The step shown and not yet done.
    private var index: Int
    /// The answers to predictions judged later (by a `reveal`).
    private var predictions: [String: String] = [:]
    private var right = 0
    private var judged = 0
    private var warnedAboutSaving = false

    /// How often the territory is looked at while waiting for an experiment, and for how long.
    static let pollSeconds = 0.5
    static let waitSeconds = 600.0

    init(lesson: Lesson, from step: Int, printing: Bool, format: OutputFormat? = nil) {
        self.lesson = lesson
        self.index = step
        self.printing = printing
        self.format = format
    }

    var command: String { "lesson" }
    var prompt: String { "lesson \(lesson.number) (\(min(index + 1, lesson.steps.count))/\(lesson.steps.count))" }

    func start(_ turn: ActivityTurn) -> ActivityProgress { advance(turn) }

    func respond(to line: String, _ turn: ActivityTurn) -> ActivityProgress {
        // A script's comment answers nothing.
        if line.hasPrefix("#") { return .goesOn }
        if ActivityWords.leaves(line) {
            leave(turn)
            return .ended
        }
        guard index < lesson.steps.count else { return .ended }
        switch lesson.steps[index].kind {
        case .command(let expected):
            if ActivityWords.goesOn(line) {
                return ran(expected, turn) ? next(turn) : .goesOn
            }
            turn.run(line)
            guard !turn.endsSession, !turn.commandWasInterrupted else { return .goesOn }
            if Self.line(line, matches: expected) { return next(turn) }
            tell(turn, LessonNote("This step asks for '\(expected)': type it, or press Enter to have it run."))
            return .goesOn
        case .predict(let prediction):
            guard let choice = prediction.choice(for: line) else {
                complain(
                    turn,
                    CommandError(
                        "lesson", problem: "answer \(Self.alternatives(prediction.choices))",
                        hint: "'stop' leaves the lesson"))
                return .goesOn
            }
            if prediction.isDeferred {
                predictions[prediction.id] = choice
                tell(turn, LessonNote("You said \(choice). You will see."))
                return next(turn)
            }
            if let evidence = prediction.evidence, !ran(evidence, turn) { return .goesOn }
            judge(prediction, answer: choice, turn)
            return next(turn)
        case .experiment, .reveal:
            // Only a wait that ended without its change stops here: Enter looks again.
            if ActivityWords.goesOn(line) { return advance(turn) }
            turn.run(line)
            return .goesOn
        }
    }

    func leave(_ turn: ActivityTurn) {
        guard !printing, index < lesson.steps.count else { return }
        save(.at(step: index), turn)
        tell(
            turn,
            LessonNote(
                "Left lesson \(lesson.number) at step \(index + 1) of \(lesson.steps.count); "
                    + "'lesson \(lesson.number)' resumes there."))
    }

    // MARK: Steps

    @discardableResult
    private func tell(_ turn: ActivityTurn, _ result: any CommandResult) -> Bool {
        turn.say(result, format: format)
    }

    private func complain(_ turn: ActivityTurn, _ error: CommandError) {
        turn.fail(error, format: format)
    }

    /// The current step is done: on to the next.
    private func next(_ turn: ActivityTurn) -> ActivityProgress {
        index += 1
        return advance(turn)
    }

    /// Shows steps from the current one until one needs the student's line, or the lesson ends.
    private func advance(_ turn: ActivityTurn) -> ActivityProgress {
        while index < lesson.steps.count {
            let step = lesson.steps[index]
            if !printing { save(.at(step: index), turn) }
            guard tell(turn, LessonCard(lesson: lesson, index: index, step: step, printing: printing)) else {
                return .ended
            }
            switch step.kind {
            case .command(let command):
                guard printing else { return .goesOn }
                guard ran(command, turn) else { return .ended }
            case .predict(let prediction):
                guard printing else { return .goesOn }
                if let evidence = prediction.evidence, !ran(evidence, turn) { return .ended }
                if !prediction.isDeferred { judge(prediction, answer: nil, turn) }
            case .experiment(let experiment):
                if !printing {
                    switch watch(experiment, turn) {
                    case .seen: break
                    case .stopped: return .goesOn
                    }
                }
                if let then = experiment.then, !ran(then, turn) { return printing ? .ended : .goesOn }
            case .reveal(let id):
                if let prediction = prediction(id) { judge(prediction, answer: predictions[id], turn) }
            }
            index += 1
        }
        return finish(turn)
    }

    private func finish(_ turn: ActivityTurn) -> ActivityProgress {
        if !printing { save(.done, turn) }
        var words = "Lesson \(lesson.number) done"
        if judged > 0 { words += ": \(right) of \(judged) prediction\(judged == 1 ? "" : "s") right" }
        words += "."
        if let following = Lessons.lesson(lesson.number + 1) {
            words += " Next: lesson \(following.number), \(following.title) ('lesson \(following.number)')."
        }
        tell(turn, LessonNote(words, fields: ["done": true, "right": .int(right), "predictions": .int(judged)]))
        return .ended
    }

    /// Runs a step's command as if typed; false when it did not get through (Ctrl-C, `quit`, the
    /// reader gone), so the step stays.
    private func ran(_ command: String, _ turn: ActivityTurn) -> Bool {
        turn.run(command)
        return !turn.endsSession && !turn.commandWasInterrupted
    }

    private func prediction(_ id: String) -> Prediction? {
        for step in lesson.steps {
            if case .predict(let prediction) = step.kind, prediction.id == id { return prediction }
        }
        return nil
    }

    /// Says whether `answer` was right, with the live reason; without an answer (printing), the
    /// right one.
    private func judge(_ prediction: Prediction, answer: String?, _ turn: ActivityTurn) {
        let truth = prediction.truth(LessonFacts(context: turn.context))
        tell(turn, PredictionResult(question: prediction.question, answer: answer, truth: truth))
        if case .answer(let correct, _) = truth, let answer {
            judged += 1
            if answer == correct { right += 1 }
        }
    }

    private enum WatchEnd { case seen, stopped }

    /// Waits until the experiment's change shows in the territory: polled as `who --watch`
    /// polls, until Ctrl-C (which leaves the lesson) or `waitSeconds` pass.
    private func watch(_ experiment: Experiment, _ turn: ActivityTurn) -> WatchEnd {
        let context = turn.context
        let request = TerritoryRequest(
            ports: [experiment.port...experiment.port], transports: [experiment.transport], polling: true)
        for _ in 0..<Int(Self.waitSeconds / Self.pollSeconds) {
            do throws(CommandError) {
                let listeners = try context.listeners(request).listeners
                if listeners.isEmpty != experiment.appears {
                    tell(turn, LessonNote(Self.seen(listeners, experiment)))
                    return .seen
                }
                try context.host.pause(seconds: Self.pollSeconds)
            } catch  where error.kind == .interrupted {
                turn.leftByInterrupt()
                return .stopped
            } catch {
                complain(
                    turn,
                    CommandError(
                        "lesson", problem: "cannot watch \(experiment.spelled): \(error.message)",
                        hint: "Enter tries again, 'stop' leaves"))
                return .stopped
            }
        }
        let minutes = Int(Self.waitSeconds / 60)
        tell(
            turn,
            LessonNote(
                "Nothing changed on \(experiment.spelled) in \(minutes) minutes. Press Enter to watch again, "
                    + "or type 'stop' to leave."))
        return .stopped
    }

    private static func seen(_ listeners: [Listener], _ experiment: Experiment) -> String {
        guard experiment.appears else { return "\(experiment.spelled) is closed again: nothing listens on it." }
        let owner = listeners.flatMap(\.owners).first
        let who = owner.map { "\(Visible.text($0.process)) (pid \($0.pid))" } ?? "a program porthole cannot see"
        let address = listeners.first.map { " at \(Visible.text($0.address))" } ?? ""
        return "Seen: \(who) listens on \(experiment.spelled)\(address)."
    }

    private func save(_ standing: LessonProgress.Standing, _ turn: ActivityTurn) {
        let host = turn.context.host
        var progress = LessonProgress(text: try? host.readState(.lessons))
        progress.set(lesson.number, standing)
        do throws(CommandError) {
            try host.writeState(.lessons, progress.text)
        } catch {
            guard !warnedAboutSaving else { return }
            warnedAboutSaving = true
            tell(turn, LessonNote("Note: your progress cannot be kept (\(error.problem)); the lesson goes on."))
        }
    }

    /// `yes or no`, `system, user or dynamic`.
    static func alternatives(_ choices: [String]) -> String {
        choices.count < 2 ? choices.joined() : choices.dropLast().joined(separator: ", ") + " or " + choices.last!
    }

    /// Whether a typed line is the step's command: the same command and every word the step
    /// names, in any case; options the student adds (`--json`) are theirs.
    static func line(_ typed: String, matches expected: String) -> Bool {
        guard let typedWords = try? Tokenizer.commands(in: typed).first,
            let expectedWords = try? Tokenizer.commands(in: expected).first,
            let typedName = typedWords.first, let expectedName = expectedWords.first,
            CommandTable.command(named: typedName)?.name == CommandTable.command(named: expectedName)?.name
        else { return false }
        let typedSet = Set(typedWords.dropFirst().map { $0.lowercased() })
        return expectedWords.dropFirst().allSatisfy { typedSet.contains($0.lowercased()) }
    }
}

// MARK: Results

/// The lessons, each with its length, goal and where the student stands.
struct LessonListResult: CommandResult {
    let lessons: [Lesson]
    let progress: LessonProgress

    private func standing(_ lesson: Lesson) -> String {
        switch progress.standing(of: lesson.number) {
        case .notStarted: "not started"
        case .at(let step): step == 0 ? "begun" : "at step \(step + 1) of \(lesson.steps.count)"
        case .done: "done"
        }
    }

    func text(_ context: TextContext) -> String {
        var out = lessons.map { lesson in
            let number = "\(lesson.number). "
            let rest = String(repeating: " ", count: number.count)
            let length = "\(lesson.steps.count) steps, \(lesson.minutes) minutes · \(standing(lesson))"
            return [
                Wrap.fill(context.paint(lesson.title, .bold), width: context.width, first: number, rest: rest),
                Wrap.fill(length, width: context.width, first: rest, rest: rest),
                Wrap.fill(lesson.goal, width: context.width, first: rest, rest: rest),
            ].joined(separator: "\n")
        }.joined(separator: "\n")
        out += "\n\n"
        out += Wrap.text(
            "'lesson N' begins one or resumes it; 'lesson N --print' shows all of it with the answers.",
            width: context.width)
        return out
    }

    var json: [String: JSON] {
        [
            "lessons": .array(
                lessons.map { lesson in
                    let standing = progress.standing(of: lesson.number)
                    var object: [JSON.Member] = [
                        JSON.Member("number", .int(lesson.number)), JSON.Member("title", .string(lesson.title)),
                        JSON.Member("goal", .string(lesson.goal)), JSON.Member("minutes", .int(lesson.minutes)),
                        JSON.Member("steps", .int(lesson.steps.count)),
                    ]
                    switch standing {
                    case .notStarted: object.append(JSON.Member("progress", .string("not started")))
                    case .at(let step):
                        object.append(JSON.Member("progress", .string("begun")))
                        object.append(JSON.Member("nextStep", .int(step + 1)))
                    case .done: object.append(JSON.Member("progress", .string("done")))
                    }
                    return .fields(object)
                })
        ]
    }

    var table: ResultTable? {
        ResultTable(
            columns: ["number", "title", "steps", "minutes", "progress", "goal"],
            rows: lessons.map {
                [String($0.number), $0.title, String($0.steps.count), String($0.minutes), standing($0), $0.goal]
            })
    }
}

/// `lesson N`'s first answer: the lesson's title, goal and how to take it. The lesson itself
/// follows, step by step.
struct LessonIntro: CommandResult {
    let lesson: Lesson
    let from: Int
    let resumed: Bool
    let printing: Bool
    let run: ActivityStart

    func text(_ context: TextContext) -> String {
        var out = context.paint(Wrap.text("Lesson \(lesson.number): \(lesson.title)", width: context.width), .bold)
        out += "\n\(lesson.steps.count) steps, about \(lesson.minutes) minutes.\n"
        out += Wrap.fill(lesson.goal, width: context.width, first: "Goal: ", rest: "      ")
        let how =
            printing
            ? "Every step follows, with its commands' answers and the predictions' answers from this computer."
            : (resumed ? "Resuming at step \(from + 1). " : "")
                + "At each step, type the command shown, or press Enter to have it run. 'stop' leaves."
        return out + "\n\n" + Wrap.text(how, width: context.width)
    }

    var json: [String: JSON] {
        [
            "lesson": .int(lesson.number), "title": .string(lesson.title), "goal": .string(lesson.goal),
            "minutes": .int(lesson.minutes), "steps": .int(lesson.steps.count), "step": .int(from + 1),
            "printing": .bool(printing),
        ]
    }

    var effect: SessionEffect { .begin(run) }
}

/// One step as the student sees it: a few lines, then what to do.
struct LessonCard: CommandResult {
    let lesson: Lesson
    let index: Int
    let step: LessonStep
    let printing: Bool

    private var kind: String {
        switch step.kind {
        case .command: "command"
        case .predict: "predict"
        case .experiment: "experiment"
        case .reveal: "reveal"
        }
    }

    private var action: String? {
        switch step.kind {
        case .command(let command):
            printing ? "$ \(command)" : "Type '\(command)', or press Enter to have it run."
        case .predict(let prediction):
            "Predict: \(prediction.question) (\(prediction.choices.joined(separator: "/")))"
        case .experiment(let experiment):
            printing
                ? "(Here the lesson waits until \(Self.change(experiment)).)"
                : "Waiting until \(Self.change(experiment))… Ctrl-C leaves the lesson."
        case .reveal: nil
        }
    }

    static func change(_ experiment: Experiment) -> String {
        experiment.appears
            ? "something listens on \(experiment.spelled)" : "nothing listens on \(experiment.spelled)"
    }

    func text(_ context: TextContext) -> String {
        var out = context.paint("Step \(index + 1) of \(lesson.steps.count)", .bold) + "\n"
        out += Wrap.text(step.text, width: context.width)
        if let action {
            out += "\n\n" + Wrap.fill(action, width: context.width, first: "", rest: "  ")
        }
        return out
    }

    var json: [String: JSON] {
        var fields: [String: JSON] = [
            "lesson": .int(lesson.number), "step": .int(index + 1), "steps": .int(lesson.steps.count),
            "kind": .string(kind), "text": .string(step.text),
        ]
        if let command = step.command { fields["run"] = .string(command) }
        switch step.kind {
        case .predict(let prediction):
            fields["question"] = .string(prediction.question)
            fields["choices"] = .strings(prediction.choices)
        case .experiment(let experiment):
            fields["port"] = .int(Int(experiment.port))
            fields["transport"] = .string(experiment.transport.rawValue)
            fields["waitsFor"] = .string(experiment.appears ? "listener" : "closed")
        case .command, .reveal: break
        }
        return fields
    }
}

/// A prediction judged: right or wrong, the answer, and why, from live data.
struct PredictionResult: CommandResult {
    let question: String
    /// What the student said; nil when the lesson is printed.
    let answer: String?
    let truth: Truth

    func text(_ context: TextContext) -> String {
        let line: String
        switch truth {
        case .unknown(let reason):
            line = "This computer cannot answer that: \(Visible.text(reason)). The prediction does not count."
        case .answer(let correct, let why):
            let reason = Visible.text(why)
            if let answer {
                line =
                    answer == correct
                    ? context.paint("Right:", .green) + " \(correct). \(reason)"
                    : context.paint("Not this time:", .yellow)
                        + " you said \(answer), the answer is \(correct). \(reason)"
            } else {
                line = "Answer: \(correct). \(reason)"
            }
        }
        return Wrap.text(line, width: context.width)
    }

    var json: [String: JSON] {
        var fields: [String: JSON] = ["question": .string(question), "answer": .optional(answer)]
        switch truth {
        case .unknown(let reason):
            fields["unknown"] = .string(reason)
        case .answer(let correct, let why):
            fields["correct"] = .string(correct)
            fields["why"] = .string(why)
            if let answer { fields["right"] = .bool(answer == correct) }
        }
        return fields
    }
}

/// A short word from the lesson: a hint, a note, the end.
struct LessonNote: CommandResult {
    let words: String
    var fields: [String: JSON] = [:]

    init(_ words: String, fields: [String: JSON] = [:]) {
        self.words = words
        self.fields = fields
    }

    func text(_ context: TextContext) -> String { Wrap.text(words, width: context.width) }

    var json: [String: JSON] {
        var out = fields
        out["note"] = .string(words)
        return out
    }
}
