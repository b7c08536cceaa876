import PortRegistry

extension CommandSpec {
    static let quiz = CommandSpec(
        name: "quiz",
        synopsis: "[--seed N] [--count N] [--answers]",
        summary: "Quiz yourself on ports, from the registry and this host, with a score",
        help: """
            Asks questions made just now from the registry and this host: which range a port is \
            in, which service the registry lists on a port (or which port a service has), whether \
            a registration is a ghost by the ghost rules, what listens on a port here, and this \
            host's ephemeral range. Answer with a letter, yes or no, a number or a name, in any \
            case ('b', 'System', '2991/tcp', 'python3'); porthole says right or wrong, the answer \
            and why, then the score at the end. 'stop' or Ctrl-C leaves with the score so far.

            The same --seed asks the same questions wherever porthole answers from the same \
            registry: the seed picks each question's kind and the registry ports it asks about. \
            Questions about this host (what listens, the ephemeral range) are asked everywhere \
            but answered from each host's own listeners, taken in port order, and its kernel, \
            so their answers differ between hosts; where the host cannot tell, a range question \
            takes their place. Without --seed porthole picks one and shows it. --answers prints \
            the teacher's answer key instead of asking, from a pipe or at the prompt.

              quiz
              quiz --seed 7 --count 10
              quiz --seed 7 --answers
            """,
        options: [
            OptionSpec("--seed", value: "N", help: "Ask the questions of this seed, the same for a whole class"),
            OptionSpec("--count", value: "N", help: "Ask N questions (default 5, at most 50)"),
            OptionSpec("--answers", help: "Print every question with its answer and reason, without asking"),
        ],
        beginsActivity: { !$0.flags.contains("--answers") },
        run: { invocation, context throws(CommandError) in
            try invocation.expectNoArguments()
            let seedGiven = try invocation.integer("--seed", in: 0...999_999_999)
            let count = try invocation.integer("--count", in: 1...QuizRequest.maximumCount) ?? 5
            let seed = seedGiven.map(UInt64.init) ?? UInt64.random(in: 1...99_999)
            let quiz = try Quiz(seed: seed, seedGiven: seedGiven != nil, count: count, context: context)
            if invocation.flags.contains("--answers") { return QuizKeyResult(quiz: quiz) }
            return QuizIntroResult(
                quiz: quiz, start: ActivityStart(activity: QuizActivity(quiz: quiz, format: invocation.format)))
        }
    )
}

enum QuizRequest {
    /// Enough for a long class; a bound, so a typo cannot ask a million questions.
    static let maximumCount = 50
}

/// A quiz made: its seed and questions, and where its answers came from.
struct Quiz: Sendable {
    let seed: UInt64
    /// The seed was typed (`--seed`), not picked.
    let seedGiven: Bool
    let questions: [QuizQuestion]
    /// The host the questions about this host were answered from.
    let hostName: String
    let source: RegistrySource

    init(seed: UInt64, seedGiven: Bool, count: Int, context: CommandContext) throws(CommandError) {
        let registry = try context.registry()
        let facts = try context.facts(listenersOn: nil)
        facts.maps.indexAll()
        self.init(
            seed: seed, seedGiven: seedGiven,
            questions: QuizMaker(seed: seed, registry: registry, facts: facts).questions(count: count),
            hostName: context.host.machine().hostName, source: registry.source)
    }

    init(seed: UInt64, seedGiven: Bool, questions: [QuizQuestion], hostName: String, source: RegistrySource) {
        self.seed = seed
        self.seedGiven = seedGiven
        self.questions = questions
        self.hostName = hostName
        self.source = source
    }

    /// `quiz --seed 7 --count 10`: what asks these questions again.
    var again: String {
        "quiz --seed \(seed)" + (questions.count == 5 ? "" : " --count \(questions.count)")
    }
}
