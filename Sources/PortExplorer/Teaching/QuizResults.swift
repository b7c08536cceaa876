import PortRegistry

/// `quiz`'s own answer: what is about to be asked, and how to repeat it. It begins the quiz.
struct QuizIntroResult: CommandResult {
    let quiz: Quiz
    /// The quiz to run, carried to the session.
    let start: ActivityStart

    func text(_ context: TextContext) -> String {
        let count = quiz.questions.count
        return Wrap.text(
            "Quiz: \(count) question\(count == 1 ? "" : "s"), seed \(quiz.seed) ('\(quiz.again)' asks them again). "
                + "Answer with a letter, yes or no, a number or a name; 'stop' leaves the quiz.", width: context.width)
    }

    var json: [String: JSON] {
        [
            "quiz": [
                "seed": .int(Int(quiz.seed)), "count": .int(quiz.questions.count), "again": .string(quiz.again),
                "host": .string(quiz.hostName),
            ],
            "registry": quiz.source.json,
        ]
    }

    var effect: SessionEffect { .begin(start) }
}

/// One question, as asked.
struct QuizQuestionResult: CommandResult {
    let question: QuizQuestion
    let number: Int
    let of: Int
    let hostName: String

    func text(_ context: TextContext) -> String {
        var heading = "Question \(number) of \(of)"
        if question.aboutThisHost { heading += ", about this host (\(Visible.text(hostName)))" }
        return
            ([context.heading(heading), Wrap.text(question.text, width: context.width)]
            + QuizQuestionResult.choiceLines(question, context)).joined(separator: "\n")
    }

    static func choiceLines(_ question: QuizQuestion, _ context: TextContext) -> [String] {
        switch question.style {
        case .letters:
            return question.choices.indices.map {
                Wrap.fill(question.label($0), width: context.width, first: "  ", rest: "     ")
            }
        case .yesNo: return ["  yes or no"]
        case .number: return ["  type the port number"]
        }
    }

    var json: [String: JSON] { ["question": Self.json(question, number: number, of: of)] }

    static func json(_ question: QuizQuestion, number: Int, of: Int) -> JSON {
        .object([
            "number": .int(number), "of": .int(of), "kind": .string(question.kind.rawValue),
            "style": .string(question.style.rawValue), "text": .string(question.text),
            "aboutThisHost": .bool(question.aboutThisHost), "port": .optional(question.port.map(Int.init)),
            "name": .optional(question.name),
            "choices": .array(
                question.choices.indices.map { index in
                    [
                        "letter": question.style == .letters ? .string(QuizQuestion.letters[index]) : .null,
                        "text": .string(question.choices[index].text),
                    ]
                }),
        ])
    }
}

/// The verdict on one reply: right or wrong, the answer, and why.
struct QuizAnswerResult: CommandResult {
    let question: QuizQuestion
    let number: Int
    let reply: QuizReply

    func text(_ context: TextContext) -> String {
        let verdict: String
        if reply.right {
            verdict = context.good("Right") + ": \(question.answer)."
        } else if !reply.understood {
            verdict =
                context.bad("Wrong")
                + ": '\(Visible.text(reply.given))' answers nothing here (\(question.howToAnswer)); the answer is \(question.answer)."
        } else {
            let said = reply.choice.map(question.label) ?? Visible.text(reply.given)
            verdict = context.bad("Wrong") + ": you said \(said); the answer is \(question.answer)."
        }
        return Wrap.text(verdict, width: context.width) + "\n" + Wrap.text(question.reason, width: context.width)
    }

    var json: [String: JSON] {
        [
            "answer": [
                "number": .int(number), "given": .string(reply.given), "right": .bool(reply.right),
                "understood": .bool(reply.understood),
                "chose": .optional(
                    reply.choice.map {
                        question.style == .letters ? QuizQuestion.letters[$0] : question.choices[$0].text
                    }),
                "answer": .string(question.answer), "reason": .string(question.reason),
            ]
        ]
    }
}

/// The score, at the end or when the quiz is left.
struct QuizScoreResult: CommandResult {
    let quiz: Quiz
    let right: Int
    /// How many questions were answered.
    let answered: Int

    var finished: Bool { answered == quiz.questions.count }

    func text(_ context: TextContext) -> String {
        let count = quiz.questions.count
        let score =
            finished
            ? "Score: \(right) of \(count) right."
            : "Left the quiz after \(answered) of \(count) question\(count == 1 ? "" : "s"): \(right) right."
        return Wrap.text(
            context.heading(score) + " '\(quiz.again)' asks the same questions again.", width: context.width)
    }

    var json: [String: JSON] {
        [
            "score": [
                "right": .int(right), "answered": .int(answered), "count": .int(quiz.questions.count),
                "finished": .bool(finished), "seed": .int(Int(quiz.seed)), "again": .string(quiz.again),
            ]
        ]
    }
}

/// The teacher's answer key: every question with its choices, answer and reason.
struct QuizKeyResult: CommandResult {
    let quiz: Quiz

    func text(_ context: TextContext) -> String {
        let count = quiz.questions.count
        var out = [
            context.heading(
                Wrap.text(
                    "Answer key: seed \(quiz.seed), \(count) question\(count == 1 ? "" : "s")", width: context.width))
        ]
        let hostNumbers = quiz.questions.indices.filter { quiz.questions[$0].aboutThisHost }.map { String($0 + 1) }
        var about =
            "'\(quiz.again)' asks these questions (registry: \(quiz.source.summary))."
        if !hostNumbers.isEmpty {
            let which =
                hostNumbers.count == 1 ? "Question \(hostNumbers[0]) is" : "Questions \(GapWords.list(hostNumbers)) are"
            about +=
                " \(which) about the host the quiz runs on; this key answers for \(Visible.text(quiz.hostName))."
        }
        out.append(Wrap.text(about, width: context.width))
        for (index, question) in quiz.questions.enumerated() {
            var lines = [
                Wrap.fill(
                    "\(index + 1). " + question.text + (question.aboutThisHost ? " (this host)" : ""),
                    width: context.width,
                    first: "", rest: "   ")
            ]
            lines += QuizQuestionResult.choiceLines(question, context).map { " " + $0 }
            lines.append(Wrap.fill("Answer: \(question.answer).", width: context.width, first: "   ", rest: "   "))
            lines.append(Wrap.fill(question.reason, width: context.width, first: "   ", rest: "   "))
            out.append(lines.joined(separator: "\n"))
        }
        return out.joined(separator: "\n\n")
    }

    var json: [String: JSON] {
        let count = quiz.questions.count
        return [
            "key": [
                "seed": .int(Int(quiz.seed)), "count": .int(count), "again": .string(quiz.again),
                "host": .string(quiz.hostName),
            ],
            "questions": .array(
                quiz.questions.enumerated().map { index, question in
                    var fields = QuizQuestionResult.json(question, number: index + 1, of: count).objectFields ?? [:]
                    fields["answer"] = .string(question.answer)
                    fields["correct"] = .optional(
                        question.correct.map {
                            question.style == .letters ? QuizQuestion.letters[$0] : question.choices[$0].text
                        })
                    fields["reason"] = .string(question.reason)
                    return .object(fields)
                }),
            "registry": quiz.source.json,
        ]
    }
}
