import PortListeners
import Testing

@testable import PortExplorer
@testable import PortRegistry

/// `quiz` over a fixed host: seeded questions, answers that agree with their sources, forgiving
/// replies, the score, the answer key and JSON.
@Suite struct QuizTests {
    /// The command tests' registry with a few more names, so that a question has four choices.
    static let records: [ServiceRecord] =
        Territory.records + [
            ServiceRecord(
                name: "http", ports: PortRange(80), transport: .tcp, description: "World Wide Web HTTP",
                references: [Reference(kind: .rfc, value: "rfc9110")]),
            ServiceRecord(
                name: "domain", ports: PortRange(53), transport: .udp, description: "Domain Name Server",
                references: [Reference(kind: .rfc, value: "rfc1035")]),
            ServiceRecord(name: "finger", ports: PortRange(79), transport: .tcp, description: "Finger"),
            ServiceRecord(name: "acme-mon", ports: PortRange(4000), transport: .tcp, description: "ACME-MON"),
            ServiceRecord(name: "zork-lsn", ports: PortRange(5000), transport: .udp, description: "ZORK LSN"),
            ServiceRecord(
                name: "hbci", ports: PortRange(3000), transport: .tcp, description: "HBCI",
                references: [Reference(kind: .uri, value: "https://example.org/hbci")]),
        ]

    static func host(
        territory: [Listener]? = Territory.all,
        settings: HostPortSettings = HostPortSettings(
            ephemeralRange: 40000...50000, unprivilegedPortStart: 80, reservedPorts: [])
    ) -> FixedHost {
        FixedHost(
            registry: makeRegistry(records: records, people: [william]), territory: territory, settings: settings)
    }

    /// The quiz `line` makes (a `quiz ... --answers` line).
    static func quiz(_ line: String, host: FixedHost = host()) throws -> Quiz {
        let outcome = makeExplorer(host: host).evaluate(line)
        let key = try #require(try outcome.first?.result.get() as? QuizKeyResult)
        return key.quiz
    }

    /// Everything a session writes for these lines.
    static func converse(_ lines: [String], host: FixedHost = host(), input: InputMode = .script) -> (
        status: Int32, output: RecordedOutput
    ) {
        let explorer = makeExplorer(host: host, input: input)
        let output = RecordedOutput()
        var source = GivenLines(lines.map { .text($0) })
        let status = explorer.converse(&source, transcript: Transcript(explorer: explorer, output: output))
        return (status, output)
    }

    /// The reply that is right for a question, as a student would type it.
    static func rightReply(_ question: QuizQuestion) -> String {
        if let correct = question.correct {
            return question.style == .letters ? QuizQuestion.letters[correct] : question.choices[correct].text
        }
        return "\(question.ports[0].lower)"
    }

    /// A reply that is a valid answer but wrong.
    static func wrongReply(_ question: QuizQuestion) -> String {
        if let correct = question.correct {
            let other = (correct + 1) % question.choices.count
            return question.style == .letters ? QuizQuestion.letters[other] : question.choices[other].text
        }
        return "\(question.ports[0].lower == 1 ? 2 : 1)"
    }

    @Test func theSameSeedAsksTheSameQuestions() throws {
        let first = try Self.quiz("quiz --seed 7 --count 10 --answers")
        let second = try Self.quiz("quiz --seed 7 --count 10 --answers")
        #expect(first.questions == second.questions)
        #expect(first.questions.count == 10)
        #expect(
            text(of: "quiz --seed 7 --count 10 --answers", in: makeExplorer(host: Self.host()))
                == text(of: "quiz --seed 7 --count 10 --answers", in: makeExplorer(host: Self.host())))
    }

    @Test func differentSeedsAskDifferentQuestions() throws {
        let quizzes = try (1...6).map { try Self.quiz("quiz --seed \($0) --count 5 --answers").questions }
        #expect(Set(quizzes.map { $0.map(\.text) }).count == quizzes.count)
    }

    @Test func eachRoundAsksEveryKind() throws {
        let quiz = try Self.quiz("quiz --seed 11 --count 10 --answers")
        for round in [quiz.questions[0..<5], quiz.questions[5..<10]] {
            let kinds = Set(round.map { $0.kind == .port ? .owner : $0.kind })
            #expect(kinds == Set(QuizMaker.round))
        }
    }

    /// Another host, with other listeners and another ephemeral range: the same kinds and the
    /// same registry questions; only the answers about the host differ.
    @Test func theSeedChoosesTheSameQuestionsOnAnotherHost() throws {
        let other = Self.host(
            territory: [Territory.sshd],
            settings: HostPortSettings(ephemeralRange: 49152...65535, unprivilegedPortStart: 1024, reservedPorts: []))
        for seed in 1...8 {
            let here = try Self.quiz("quiz --seed \(seed) --count 10 --answers").questions
            let there = try Self.quiz("quiz --seed \(seed) --count 10 --answers", host: other).questions
            #expect(here.map(\.kind) == there.map(\.kind))
            for (a, b) in zip(here, there) where !a.aboutThisHost {
                #expect(a == b)
            }
        }
    }

    /// Every stated answer, checked against the registry, the `ghosts` command and the host.
    @Test func everyAnswerAgreesWithItsSource() throws {
        let host = Self.host()
        let registry = makeRegistry(records: Self.records, people: [william])
        var kinds: Set<QuizQuestion.Kind> = []
        for seed in 1...30 {
            for question in try Self.quiz("quiz --seed \(seed) --count 5 --answers", host: host).questions {
                kinds.insert(question.kind)
                let correct = question.correct.map { question.choices[$0].text }
                switch question.kind {
                case .range:
                    let port = try #require(question.port)
                    #expect(question.correct == RangeClass.allCases.firstIndex(of: RangeClass(port: port)))
                case .owner:
                    let port = try #require(question.port)
                    #expect(registry.records(onPort: port).contains { $0.name == correct })
                case .port:
                    let name = try #require(question.name)
                    let ports = registry.records(named: name).compactMap(\.ports)
                    #expect(Set(question.ports) == Set(ports))
                case .ghost:
                    // `ghosts` on that one port lists the name exactly when the quiz says yes.
                    let port = try #require(question.port)
                    let json = try Territory.json("ghosts \(port)-\(port) --limit 100", in: makeExplorer(host: host))
                    let names = json["ghosts"]?.quizItems?.compactMap { $0.objectFields?["name"]?.quizText } ?? []
                    #expect(names.contains(try #require(question.name)) == (correct == "yes"), "\(question.text)")
                case .listener:
                    let port = try #require(question.port)
                    let processes = Territory.all.filter { $0.port == port }.flatMap { $0.owners.map(\.process) }
                    if Territory.all.contains(where: { $0.port == port }) {
                        #expect(
                            processes.contains(correct ?? "")
                                || (processes.isEmpty && correct == "a process porthole cannot see"))
                    } else {
                        #expect(correct == "nothing")
                    }
                case .ephemeral:
                    #expect(correct == "40000-50000")
                }
            }
        }
        #expect(kinds == Set(QuizQuestion.Kind.allCases))
    }

    @Test func aHostThatCannotTellGetsRangeQuestionsInstead() throws {
        let blind = Self.host(
            territory: nil,
            settings: HostPortSettings(ephemeralRange: nil, unprivilegedPortStart: nil, reservedPorts: nil))
        let quiz = try Self.quiz("quiz --seed 3 --count 10 --answers", host: blind)
        #expect(!quiz.questions.contains { $0.aboutThisHost })
        #expect(quiz.questions.filter { $0.kind == .range }.count >= 4)
    }

    static let range = QuizQuestion(
        kind: .range, style: .letters, text: "Which of IANA's ranges is port 2991 in?", port: 2991,
        choices: RangeClass.allCases.map {
            QuizChoice("\(GhostsResult.shortTitle($0)) (\($0.span))", forms: QuizMaker.rangeWords[$0]!)
        },
        correct: 1, reason: "")

    @Test(arguments: [
        "b", "B", "(b)", "b)", "b.", "User", "user range", "the User range", "REGISTERED", "1024-49151",
        "1024 to 49151", "1024–49151", "User (1024-49151)",
    ])
    func forgivingRangeReplies(_ reply: String) throws {
        let judged = try #require(Self.range.judge(reply))
        #expect(judged.right && judged.choice == 1)
    }

    @Test(arguments: ["a", "System", "well-known", "0-1023", "dynamic", "ephemeral", "c"])
    func wrongRangeRepliesAreUnderstood(_ reply: String) throws {
        let judged = try #require(Self.range.judge(reply))
        #expect(!judged.right)
    }

    @Test(arguments: ["", "e", "zz", "lookup 2991", "65536"])
    func repliesThatAnswerNothing(_ reply: String) {
        #expect(Self.range.judge(reply) == nil)
    }

    @Test func portsNamesAndYesOrNo() throws {
        let port = QuizQuestion(
            kind: .port, style: .number, text: "", name: "wkstn-mon", ports: [PortRange(2991)], reason: "")
        for reply in ["2991", "2991/tcp", "port 2991", " 2991/UDP ", "tcp/2991"] {
            #expect(port.judge(reply)?.right == true, "\(reply)")
        }
        #expect(port.judge("2992")?.right == false)
        #expect(port.judge("wkstn") == nil)
        let ghost = QuizQuestion(kind: .ghost, style: .yesNo, text: "", choices: [.yes, .no], correct: 0, reason: "")
        for reply in ["yes", "Y", "YES!", "a ghost"] { #expect(ghost.judge(reply)?.right == true, "\(reply)") }
        for reply in ["no", "N", "nope", "not a ghost"] { #expect(ghost.judge(reply)?.right == false, "\(reply)") }
        #expect(ghost.judge("b") == nil)
        let owner = QuizQuestion(
            kind: .owner, style: .letters, text: "", port: 2991,
            choices: ["ssh", "wkstn-mon", "ipp"].map { QuizChoice($0, forms: [$0]) }, correct: 1,
            alsoRight: ["wkstn-mon-alt"], reason: "")
        #expect(owner.judge("WKSTN-MON")?.right == true)
        #expect(owner.judge("wkstn-mon-alt")?.right == true)
        #expect(owner.judge("SSH")?.right == false)
        #expect(owner.judge("d") == nil)
    }

    @Test func aPipedQuizIsAnsweredAndScored() throws {
        let quiz = try Self.quiz("quiz --seed 5 --count 4 --answers")
        let replies = quiz.questions.enumerated().map { $0 == 1 ? Self.wrongReply($1) : Self.rightReply($1) }
        let (status, output) = Self.converse(["quiz --seed 5 --count 4"] + replies + ["version"])
        #expect(status == 0)
        #expect(output.stderr == "")
        #expect(output.stdout.hasPrefix("Quiz: 4 questions, seed 5 ('quiz --seed 5 --count 4' asks them again)."))
        for (index, question) in quiz.questions.enumerated() {
            #expect(output.stdout.contains("Question \(index + 1) of 4"))
            #expect(output.stdout.contains(Wrap.text(question.text, width: 80)))
        }
        #expect(output.stdout.contains("Wrong: you said "))
        #expect(output.stdout.contains("; the answer is \(quiz.questions[1].answer)."))
        #expect(output.stdout.ranges(of: "Right: ").count == 3)
        #expect(output.stdout.contains("Score: 3 of 4 right. 'quiz --seed 5 --count 4' asks the same questions again."))
        // The quiz ended: the next line is a command again.
        #expect(output.stdout.hasSuffix("porthole \(PortholeVersion.current)\nregistry: test.xml of 2025-12-15\n"))
    }

    @Test func aPipedReplyThatAnswersNothingCountsWrongAndKeepsThePlace() throws {
        let quiz = try Self.quiz("quiz --seed 5 --count 2 --answers")
        let (status, output) = Self.converse([
            "quiz --seed 5 --count 2", "# a comment", "", "banana", Self.rightReply(quiz.questions[1]),
        ])
        #expect(status == 0)
        #expect(
            output.stdout.replacing("\n", with: " ").contains(
                "Wrong: 'banana' answers nothing here (\(quiz.questions[0].howToAnswer)); the answer is \(quiz.questions[0].answer)."
            ))
        #expect(output.stdout.contains("Score: 1 of 2 right."))
    }

    @Test func atThePromptAReplyThatAnswersNothingIsAskedAgain() throws {
        let quiz = try Self.quiz("quiz --seed 5 --count 1 --answers")
        let question = quiz.questions[0]
        let (status, output) = Self.converse(
            ["quiz --seed 5 --count 1", "banana", Self.rightReply(question)], input: .interactive)
        #expect(status == 0)
        #expect(output.stderr == "error: quiz: \(question.howToAnswer); 'stop' leaves the quiz\n")
        #expect(output.stdout.contains("Score: 1 of 1 right."))
    }

    @Test func stopAndTheEndOfInputLeaveWithTheScoreSoFar() throws {
        let quiz = try Self.quiz("quiz --seed 9 --answers")
        let stopped = Self.converse(["quiz --seed 9", Self.rightReply(quiz.questions[0]), "stop", "version"])
        #expect(stopped.output.stdout.contains("Left the quiz after 1 of 5 questions: 1 right. 'quiz --seed 9' asks"))
        #expect(stopped.output.stdout.contains("registry: test.xml"))
        let ended = Self.converse(["quiz --seed 9", Self.wrongReply(quiz.questions[0])])
        #expect(
            ended.output.stdout.hasSuffix(
                "Left the quiz after 1 of 5 questions: 0 right. 'quiz --seed 9' asks the same\nquestions again.\n"))
    }

    @Test func ctrlCAtThePromptAndQuitSayTheScoreSoFar() throws {
        let quiz = try Self.quiz("quiz --seed 9 --answers")
        let explorer = makeExplorer(host: Self.host(), input: .interactive)
        let output = RecordedOutput()
        var lines = GivenLines([
            .text("quiz --seed 9"), .text(Self.rightReply(quiz.questions[0])), .cancelled, .text("version"),
        ])
        _ = explorer.converse(&lines, transcript: Transcript(explorer: explorer, output: output))
        #expect(output.stdout.contains("^C\nLeft the quiz after 1 of 5 questions: 1 right."))
        #expect(output.stdout.contains("registry: test.xml"))

        let quit = Self.converse(["quiz --seed 9", "quit", "version"])
        #expect(quit.status == 0)
        #expect(
            quit.output.stdout.hasSuffix(
                "Left the quiz after 0 of 5 questions: 0 right. 'quiz --seed 9' asks the same\nquestions again.\n"))
    }

    @Test func thePromptCountsTheQuestions() throws {
        let activity = QuizActivity(quiz: try Self.quiz("quiz --seed 2 --count 3 --answers"), format: nil)
        #expect(activity.prompt == "quiz 1/3")
        let explorer = makeExplorer(host: Self.host())
        var lines = GivenLines([.text("quiz --seed 2 --count 3"), .text("stop")])
        _ = explorer.converse(&lines, transcript: Transcript(explorer: explorer, output: RecordedOutput()))
        #expect(explorer.promptLabel == "porthole")
    }

    @Test func theAnswerKey() throws {
        let quiz = try Self.quiz("quiz --seed 4 --count 5 --answers")
        let key = text(of: "quiz --seed 4 --count 5 --answers", in: makeExplorer(host: Self.host()))
        #expect(
            key.hasPrefix(
                "Answer key: seed 4, 5 questions\n\n'quiz --seed 4' asks these questions (registry: test.xml of 2025-12-15)."
            ))
        #expect(
            key.replacing("\n", with: " ").contains(
                "Questions 3 and 4 are about the host the quiz runs on; this key answers for fixed."))
        for (index, question) in quiz.questions.enumerated() {
            #expect(key.contains("\(index + 1). "))
            #expect(key.contains("   Answer: \(question.answer).\n"))
        }
        #expect(key.split(separator: "\n").allSatisfy { $0.count <= 80 && $0.last != " " })
    }

    @Test func jsonForEveryQuestionAnswerAndTheScore() throws {
        let quiz = try Self.quiz("quiz --seed 6 --count 2 --answers")
        let (status, output) = Self.converse(
            ["quiz --seed 6 --count 2 --json", Self.rightReply(quiz.questions[0]), Self.wrongReply(quiz.questions[1])])
        #expect(status == 0)
        let lines = output.stdout.split(separator: "\n").map { try? JSONReader.parse(Array($0.utf8)) }
        #expect(lines.count == 6)
        let objects = lines.map { $0?.objectFields ?? [:] }
        #expect(objects.allSatisfy { $0["command"]?.quizText == "quiz" && $0["ok"] == true })
        #expect(objects[0]["quiz"]?.objectFields?["seed"] == .int(6))
        let question = try #require(objects[1]["question"]?.objectFields)
        #expect(question["number"] == .int(1) && question["of"] == .int(2))
        #expect(question["text"]?.quizText == quiz.questions[0].text)
        #expect(question["kind"]?.quizText == quiz.questions[0].kind.rawValue)
        let answer = try #require(objects[2]["answer"]?.objectFields)
        #expect(answer["right"] == true && answer["answer"]?.quizText == quiz.questions[0].answer)
        #expect(answer["reason"]?.quizText == quiz.questions[0].reason)
        #expect(objects[3]["question"]?.objectFields?["number"] == .int(2))
        #expect(objects[4]["answer"]?.objectFields?["right"] == false)
        let score = try #require(objects[5]["score"]?.objectFields)
        #expect(score["right"] == .int(1) && score["count"] == .int(2) && score["finished"] == true)

        let key = try Territory.json("quiz --seed 6 --count 2 --answers --json", in: makeExplorer(host: Self.host()))
        #expect(key["key"]?.objectFields?["seed"] == .int(6))
        let items = try #require(key["questions"]?.quizItems)
        #expect(items.count == 2)
        #expect(items[0].objectFields?["answer"]?.quizText == quiz.questions[0].answer)
        #expect(items[0].objectFields?["reason"]?.quizText == quiz.questions[0].reason)
    }

    @Test func withoutASeedOneIsPickedAndShown() throws {
        let (_, output) = Self.converse(["quiz --count 1", "stop"])
        let intro = try #require(output.stdout.split(separator: "\n").first)
        #expect(intro.hasPrefix("Quiz: 1 question, seed "))
        let seed = intro.dropFirst("Quiz: 1 question, seed ".count).prefix { $0.isNumber }
        #expect(!seed.isEmpty && output.stdout.contains("'quiz --seed \(seed) --count 1' asks them again"))
    }

    @Test(arguments: [
        ("quiz --count 0", "quiz: --count expects a whole number from 1 to 50, not '0'"),
        ("quiz --count 51", "quiz: --count expects a whole number from 1 to 50, not '51'"),
        ("quiz --seed -3", "quiz: --seed expects a whole number from 0 to 999999999, not '-3'"),
        ("quiz 7", "quiz: unexpected argument '7'; 'quiz' takes none"),
    ])
    func badOptions(_ line: String, _ message: String) {
        #expect(failure(of: line, in: makeExplorer(host: Self.host())) == message)
    }

    @Test func splitMix64IsTheReferenceSequence() {
        // The first outputs for seed 1234567, as the reference implementation gives them.
        var generator = SplitMix64(seed: 1_234_567)
        #expect(
            (0..<3).map { _ in generator.next() } == [
                6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
            ])
    }
}

extension JSON {
    fileprivate var quizItems: [JSON]? {
        if case .array(let items) = self { return items }
        return nil
    }

    fileprivate var quizText: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
