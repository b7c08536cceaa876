/// A quiz under way: asks each question, judges the reply, and keeps the score.
///
/// At the prompt a reply that answers nothing is refused and the question stands; from a pipe
/// or a file it counts as wrong, so the replies that follow stay with their questions.
final class QuizActivity: Activity {
    let command = "quiz"
    let quiz: Quiz
    /// The format `quiz` itself was asked in (`quiz --json`), over the session's.
    let format: OutputFormat?
    /// The question being asked (0-based); `questions.count` once all are answered.
    private(set) var current = 0
    private(set) var right = 0

    init(quiz: Quiz, format: OutputFormat?) {
        self.quiz = quiz
        self.format = format
    }

    var prompt: String { "quiz \(min(current + 1, quiz.questions.count))/\(quiz.questions.count)" }

    func start(_ turn: ActivityTurn) -> ActivityProgress {
        ask(turn)
        return .goesOn
    }

    func respond(to line: String, _ turn: ActivityTurn) -> ActivityProgress {
        let question = quiz.questions[current]
        // Scripts skip blank lines and comments; at the prompt Enter asks again.
        if line.isEmpty || line.hasPrefix("#") {
            if turn.isInteractive { ask(turn) }
            return .goesOn
        }
        if ActivityWords.leaves(line) {
            turn.say(score, format: format)
            return .ended
        }
        if line.lowercased() == "quit" {
            turn.say(score, format: format)
            turn.run("quit")
            return .ended
        }
        var reply: QuizReply
        if let judged = question.judge(line) {
            reply = judged
        } else if turn.isInteractive {
            turn.fail(CommandError("quiz", "\(question.howToAnswer); 'stop' leaves the quiz"), format: format)
            return .goesOn
        } else {
            reply = QuizReply(given: line, right: false, choice: nil)
            reply.understood = false
        }
        if reply.right { right += 1 }
        current += 1
        turn.say(QuizAnswerResult(question: question, number: current, reply: reply), format: format)
        if current == quiz.questions.count {
            turn.say(score, format: format)
            return .ended
        }
        ask(turn)
        return .goesOn
    }

    func leave(_ turn: ActivityTurn) {
        turn.say(score, format: format)
    }

    private var score: QuizScoreResult { QuizScoreResult(quiz: quiz, right: right, answered: current) }

    private func ask(_ turn: ActivityTurn) {
        turn.say(
            QuizQuestionResult(
                question: quiz.questions[current], number: current + 1, of: quiz.questions.count,
                hostName: quiz.hostName), format: format)
    }
}
