import PortListeners
import PortRegistry

/// One lesson: a handful of short steps a student takes at the prompt, on their own machine.
struct Lesson: Sendable {
    let number: Int
    let title: String
    /// What the student can do afterwards, in one sentence.
    let goal: String
    /// How long it takes with the questions, as the teacher's guide says.
    let minutes: Int
    let steps: [LessonStep]
}

/// A few lines to read, then something to do.
struct LessonStep: Sendable {
    enum Kind: Sendable {
        /// Type the command (Enter runs it).
        case command(String)
        /// Answer first, then see the evidence.
        case predict(Prediction)
        /// Wait until the territory changes as asked, then run a command.
        case experiment(Experiment)
        /// Judge a prediction asked earlier, now that its evidence exists (after an experiment).
        case reveal(prediction: String)
    }

    /// Paragraphs separated by blank lines; a line starting with spaces is a command to copy.
    let text: String
    let kind: Kind

    static func command(_ text: String, run command: String) -> LessonStep {
        LessonStep(text: text, kind: .command(command))
    }

    static func predict(_ text: String, _ prediction: Prediction) -> LessonStep {
        LessonStep(text: text, kind: .predict(prediction))
    }

    static func experiment(_ text: String, _ experiment: Experiment) -> LessonStep {
        LessonStep(text: text, kind: .experiment(experiment))
    }

    static func reveal(_ text: String, prediction: String) -> LessonStep {
        LessonStep(text: text, kind: .reveal(prediction: prediction))
    }

    /// The command this step runs, if any.
    var command: String? {
        switch kind {
        case .command(let command): command
        case .predict(let prediction): prediction.evidence
        case .experiment(let experiment): experiment.then
        case .reveal: nil
        }
    }

    /// Whether the step waits for the student's line.
    var needsLine: Bool {
        switch kind {
        case .command: true
        case .predict: true
        case .experiment, .reveal: false
        }
    }
}

/// A question asked before the student sees the answer, judged from live data.
struct Prediction: Sendable {
    /// Names it for a later `reveal`.
    let id: String
    let question: String
    /// What the student may answer; a unique prefix of one is taken as it.
    let choices: [String]
    /// The command run once the student answered, showing the evidence; nil when there is none
    /// to run.
    let evidence: String?
    /// Judged by a later `reveal` step, once an experiment has made the evidence.
    let isDeferred: Bool
    /// The right answer and why, from this host and the registry now.
    let truth: @Sendable (LessonFacts) -> Truth

    /// The choice `answer` names: the choice itself or a unique prefix of it, in any case.
    func choice(for answer: String) -> String? {
        let typed = answer.lowercased()
        guard !typed.isEmpty else { return nil }
        if let exact = choices.first(where: { $0.lowercased() == typed }) { return exact }
        let prefixed = choices.filter { $0.lowercased().hasPrefix(typed) }
        return prefixed.count == 1 ? prefixed[0] : nil
    }
}

/// The answer to a prediction on this host, or why it cannot be had here.
enum Truth: Sendable, Equatable {
    case answer(String, why: String)
    /// This host cannot say (no nmap, no kernel setting): the step says so and moves on.
    case unknown(String)
}

/// A change the student makes to the territory in another terminal, which the lesson watches for.
struct Experiment: Sendable {
    let port: UInt16
    let transport: SocketTransport
    /// Wait for a listener to appear (true) or to go (false).
    let appears: Bool
    /// Run once the change is seen.
    let then: String?

    var spelled: String { "\(port)/\(transport.rawValue)" }
}

/// What predictions are judged on: the registry, the other maps and this host, asked through a
/// command's context so that lessons use the very rules `lookup`, `ghosts` and `explain` use.
struct LessonFacts {
    let context: CommandContext

    /// The registration on `port` and the ghost rules' assessment of it; nil when none.
    func assessment(port: UInt16) throws(CommandError) -> GhostAssessment? {
        let registry = try context.registry()
        guard let registration = Registration.group(registry.records(onPort: port)).first else { return nil }
        let facts = try context.facts(listenersOn: [port...port])
        return GhostRules.assess(registration, facts: facts.ghostFacts(for: registration))
    }

    /// The names the registry gives `port`, in registry order.
    func registeredNames(port: UInt16) throws(CommandError) -> [String] {
        var names: [String] = []
        for record in try context.registry().records(onPort: port) {
            if let name = record.name, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// This host's services(5) names for `port` over TCP; nil when no services file was read.
    func servicesNames(port: UInt16) -> [String]? {
        let maps = context.otherMaps()
        guard maps.servicesFileRead else { return nil }
        return maps.services[ServiceKey(port: port, transport: .tcp)] ?? []
    }

    /// nmap's name for `port` over TCP; nil when nmap-services is not installed.
    func nmapName(port: UInt16) -> String?? {
        guard let nmap = context.otherMaps().nmap else { return nil }
        return .some(nmap[ServiceKey(port: port, transport: .tcp)]?.name)
    }

    /// The kernel's port settings now.
    var settings: HostPortSettings { context.host.portSettings() }

    /// What listens on `port` over `transport` now.
    func listeners(port: UInt16, transport: SocketTransport) throws(CommandError) -> [Listener] {
        try context.listeners(TerritoryRequest(ports: [port...port], transports: [transport])).listeners
    }
}
