import Foundation
import PortholeTestSupport
import Testing

/// `quiz` in the built binary: from a pipe with the answers in it, the answer key, and at the
/// prompt on a real pseudo-terminal.
///
/// Seed 9 asks a ghost, an owner and a range question first, all from the registry, so what
/// these tests expect does not move while other processes on this machine open and close
/// listeners; its questions 4 and 5 are about the host.
@Suite("quiz end to end", .timeLimit(.minutes(1)))
struct QuizEndToEndTests {
    struct KeyItem {
        let kind: String
        let text: String
        let aboutThisHost: Bool
        /// The right reply: a letter, yes or no, or a port.
        let right: String
        /// A reply that answers, wrongly.
        let wrong: String
        let reason: String
    }

    /// The answer key of `quiz --seed SEED --count COUNT`, read from its JSON.
    static func key(seed: Int, count: Int) throws -> [KeyItem] {
        let run = try Porthole.run(["--json", "-c", "quiz --seed \(seed) --count \(count) --answers"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let questions = try #require(object["questions"] as? [[String: Any]])
        return try questions.map { q in
            let style = try #require(q["style"] as? String)
            let right: String
            let wrong: String
            switch style {
            case "number":
                right = try #require(q["answer"] as? String)
                wrong = right == "1" ? "2" : "1"
            case "yesNo":
                right = try #require(q["correct"] as? String)
                wrong = right == "yes" ? "no" : "yes"
            default:
                right = try #require(q["correct"] as? String)
                wrong = right == "a" ? "b" : "a"
            }
            return KeyItem(
                kind: try #require(q["kind"] as? String), text: try #require(q["text"] as? String),
                aboutThisHost: try #require(q["aboutThisHost"] as? Bool), right: right, wrong: wrong,
                reason: try #require(q["reason"] as? String))
        }
    }

    @Test func aPipedQuizWithItsAnswersInThePipe() throws {
        let key = try Self.key(seed: 9, count: 3)
        #expect(key.map(\.kind) == ["ghost", "owner", "range"])
        let replies = [key[0].right, key[1].wrong, key[2].right.uppercased()]
        let run = try Porthole.run(
            [], input: (["quiz --seed 9 --count 3"] + replies + ["version"]).joined(separator: "\n"))
        #expect(run.status == 0)
        #expect(run.stderr == "")
        #expect(run.stdout.hasPrefix("Quiz: 3 questions, seed 9 ('quiz --seed 9 --count 3' asks them again)."))
        #expect(run.stdout.contains("Question 3 of 3\n"))
        #expect(run.stdout.contains("Wrong: you said \(key[1].wrong)) "))
        #expect(run.stdout.contains("Score: 2 of 3 right. 'quiz --seed 9 --count 3' asks the same questions again.\n"))
        #expect(run.stdout.hasSuffix("porthole 0.1.0\nregistry: embedded IANA registry of 2025-12-15\n"))
        #expect(!run.stdout.contains("porthole>") && !run.stdout.contains("quiz 1/3>"))
    }

    /// Replies that answer other questions than those asked still keep their places: each is
    /// counted wrong, the quiz ends with its score, and porthole exits 0.
    @Test func repliesOutOfStepFromAPipe() throws {
        let run = try Porthole.run([], input: "quiz --seed 7 --count 3\nb\nyes\n2991\n")
        #expect(run.status == 0)
        #expect(run.stdout.contains("Question 3 of 3"))
        #expect(run.stdout.contains(" of 3 right. 'quiz --seed 7 --count 3' asks the same questions again.\n"))
    }

    @Test func theAnswerKeyFromAPipeIsTheSameTwice() throws {
        let first = try Porthole.run([], input: "quiz --seed 9 --count 3 --answers\n")
        let second = try Porthole.run([], input: "quiz --seed 9 --count 3 --answers\n")
        #expect(first.status == 0 && first.stderr == "")
        #expect(first.stdout == second.stdout)
        #expect(first.stdout.hasPrefix("Answer key: seed 9, 3 questions\n"))
        #expect(first.stdout.components(separatedBy: "   Answer: ").count == 4)

        // With questions about this host too: the same kinds and registry questions; the host's
        // own answers may move as listeners come and go.
        let one = try Self.key(seed: 9, count: 10)
        let two = try Self.key(seed: 9, count: 10)
        #expect(one.map(\.kind) == two.map(\.kind))
        #expect(one.filter(\.aboutThisHost).count == 4)
        for (a, b) in zip(one, two) where !a.aboutThisHost {
            #expect(a.text == b.text && a.right == b.right && a.reason == b.reason)
        }
    }

    @Test("A quiz at the prompt: a wrong answer, a right one, then Ctrl-C leaves with the score")
    func aQuizAtThePrompt() throws {
        let key = try Self.key(seed: 9, count: 5)
        let session = try PTYSession.atPrompt()
        defer { session.close() }
        try session.line("quiz --seed 9")
        try session.expect("Question 1 of 5\n")
        try session.expect(key[0].text)
        try session.expectPrompt("quiz 1/5> ")
        try session.line("maybe")
        try session.expect("error: quiz: answer yes or no; 'stop' leaves the quiz")
        try session.expectPrompt("quiz 1/5> ")
        try session.line(key[0].wrong)
        try session.expect("Wrong: you said \(key[0].wrong); the answer is \(key[0].right).")
        try session.expect("Question 2 of 5\n")
        try session.expectPrompt("quiz 2/5> ")
        try session.line(key[1].right)
        try session.expect("Right: \(key[1].right)) ")
        try session.expect("Question 3 of 5\n")
        try session.expectPrompt("quiz 3/5> ")
        try session.send("\u{3}")
        try session.expect("^C\n")
        try session.expect(
            "Left the quiz after 2 of 5 questions: 1 right. 'quiz --seed 9' asks the same questions again.")
        try session.expectPrompt()
        try session.command("version", answers: "porthole 0.1.0\n")
        #expect(try session.controlD() == 0)
    }
}
