import PortRegistry

/// Makes a quiz from a seed, the registry and this host's facts.
///
/// The seed alone decides each question's kind and the registry ports it asks about, so a
/// class that types the same seed gets the same questions wherever porthole answers from the
/// same registry. Only the answers about this host come from it: what listens (its listeners in
/// port order, the seed picking a position) and its ephemeral range. Each question draws from
/// a stream of its own, so what one host has cannot shift the questions after it.
struct QuizMaker {
    let seed: UInt64
    let registry: Registry
    let facts: HostFacts
    /// Registrations on one port, in the registry's (port, name) order.
    private let single: [RegistrationOutline]
    private let system: [RegistrationOutline]

    init(seed: UInt64, registry: Registry, facts: HostFacts) {
        self.seed = seed
        self.registry = registry
        self.facts = facts
        single = registry.registrationOutlines().filter { $0.ports.lower == $0.ports.upper }
        system = single.filter { $0.ports.lower <= RangeClass.system.span.upper }
    }

    /// The kinds asked in turn: each round of five asks each kind once, in an order the seed draws.
    static let round: [QuizQuestion.Kind] = [.range, .owner, .ghost, .listener, .ephemeral]

    func questions(count: Int) -> [QuizQuestion] {
        var order = SplitMix64(seed: seed)
        var kinds: [QuizQuestion.Kind] = []
        while kinds.count < count { kinds += order.shuffle(Self.round) }
        return (0..<count).map { question($0, kind: kinds[$0]) }
    }

    func question(_ index: Int, kind: QuizQuestion.Kind) -> QuizQuestion {
        var stream = SplitMix64(seed: seed, stream: index)
        switch kind {
        case .range: return range(&stream)
        case .owner, .port: return stream.below(2) == 0 ? owner(&stream) : port(&stream)
        case .ghost: return ghost(&stream)
        case .listener: return listener(&stream) ?? range(&stream)
        case .ephemeral: return ephemeral(&stream) ?? range(&stream)
        }
    }

    /// Half the time a System port, which a student may know; else any registration.
    private func registration(_ stream: inout SplitMix64) -> RegistrationOutline? {
        let fromSystem = stream.below(2) == 0
        return stream.pick(fromSystem && !system.isEmpty ? system : single)
    }

    // MARK: The map

    private func range(_ stream: inout SplitMix64) -> QuizQuestion {
        let rangeClass = RangeClass.allCases[stream.below(RangeClass.allCases.count)]
        let span = rangeClass.span
        let registered = single.filter { span.lower <= $0.ports.lower && $0.ports.lower <= span.upper }
        let port =
            rangeClass == .dynamic || registered.isEmpty
            ? UInt16(Int(span.lower) + stream.below(Int(span.upper) - Int(span.lower) + 1))
            : stream.pick(registered)!.ports.lower
        let choices = RangeClass.allCases.map { c in
            QuizChoice("\(GhostsResult.shortTitle(c)) (\(c.span))", forms: Self.rangeWords[c, default: []])
        }
        let names = registeredNames(on: port)
        var reason =
            "\(port) lies in \(span), the \(rangeClass.title) range of RFC 6335"
        switch rangeClass {
        case .dynamic: reason += ", which IANA never assigns."
        case .system, .user:
            reason +=
                names.isEmpty
                ? "; the registry lists no service on it." : "; the registry lists \(Self.some(names)) on it."
        }
        return QuizQuestion(
            kind: .range, style: .letters, text: "Which of IANA's ranges is port \(port) in?", port: port,
            choices: choices,
            correct: RangeClass.allCases.firstIndex(of: rangeClass), reason: reason)
    }

    static let rangeWords: [RangeClass: Set<String>] = [
        .system: ["system", "well-known", "well known", "wellknown", "0-1023", "privileged"],
        .user: ["user", "registered", "1024-49151"],
        .dynamic: ["dynamic", "private", "dynamic/private", "dynamic private", "ephemeral", "49152-65535"],
    ]

    private func owner(_ stream: inout SplitMix64) -> QuizQuestion {
        guard let chosen = registration(&stream) else { return range(&stream) }
        let port = chosen.ports.lower
        let here = Set(registeredNames(on: port).map { $0.lowercased() })
        let rangeClass = RangeClass(port: port)
        let sameRange =
            rangeClass == .system ? system : single.filter { RangeClass(port: $0.ports.lower) == rangeClass }
        var others: [String] = []
        for _ in 0..<64 where others.count < 3 {
            guard let other = stream.pick(sameRange) else { break }
            let name = other.name
            if !here.contains(name.lowercased()), !others.contains(where: { $0.lowercased() == name.lowercased() }) {
                others.append(name)
            }
        }
        // A registry too small to offer another name cannot make this a question.
        guard !others.isEmpty else { return range(&stream) }
        let names = stream.shuffle([chosen.name] + others)
        return QuizQuestion(
            kind: .owner, style: .letters, text: "Which service does the registry list on port \(port)?", port: port,
            choices: names.map { QuizChoice(Visible.text($0), forms: [$0]) },
            correct: names.firstIndex(of: chosen.name), alsoRight: here, reason: registrySays(port, about: chosen))
    }

    private func port(_ stream: inout SplitMix64) -> QuizQuestion {
        guard let chosen = registration(&stream) else { return range(&stream) }
        var spans: [PortRange] = []
        for record in registry.records(named: chosen.name) {
            if let ports = record.ports, !spans.contains(ports) { spans.append(ports) }
        }
        return QuizQuestion(
            kind: .port, style: .number, text: "Which port does the registry give \(Visible.text(chosen.name))?",
            name: chosen.name,
            ports: spans.sorted { $0.lower < $1.lower }, reason: registrySays(chosen.ports.lower, about: chosen))
    }

    /// `The registry lists wkstn-mon on 2991 for tcp and udp ("WKSTN-MON").`
    private func registrySays(_ port: UInt16, about chosen: RegistrationOutline) -> String {
        var sentence =
            "The registry lists \(Visible.text(chosen.name)) on \(port) for \(GapWords.list(chosen.transports.map(\.rawValue)))"
        let description = chosen.description
        if !description.isEmpty, description.count <= 60,
            description.lowercased() != chosen.name.lowercased()
        {
            sentence += " (\"\(Visible.text(description))\")"
        }
        let others = registeredNames(on: port).filter { $0.lowercased() != chosen.lowercasedName }
        if !others.isEmpty { sentence += ", and also \(Self.some(others))" }
        return sentence + "."
    }

    /// The names the registry lists on a port, first spelling of each, in its order.
    private func registeredNames(on port: UInt16) -> [String] {
        var names: [String] = []
        for record in registry.records(onPort: port) {
            guard let name = record.name, !name.isEmpty else { continue }
            if !names.contains(where: { $0.lowercased() == name.lowercased() }) { names.append(name) }
        }
        return names
    }

    /// `a`, `a and b`, or `a, b and 3 more`, each name made visible.
    static func some(_ names: [String]) -> String {
        let shown = names.prefix(3).map(Visible.text)
        if names.count <= 3 { return GapWords.list(shown) }
        return shown.joined(separator: ", ") + " and \(names.count - 3) more"
    }

    /// Whether a registration is a ghost. The seed picks a registration that the registry
    /// alone would call a ghost or not, half and half, so the pick is the same on every host;
    /// the answer is the ghost rules' verdict with this host's maps and listeners, exactly as
    /// `ghosts` gives it.
    private func ghost(_ stream: inout SplitMix64) -> QuizQuestion {
        let wantGhost = stream.below(2) == 0
        var chosen: RegistrationOutline?
        for _ in 0..<400 {
            guard let candidate = stream.pick(single) else { break }
            if (GhostRules.judge(candidate, facts: .registryOnly).verdict == .ghost) == wantGhost {
                chosen = candidate
                break
            }
        }
        guard let chosen = chosen ?? stream.pick(single) else { return range(&stream) }
        let judgement = GhostRules.judge(chosen, facts: facts.ghostFacts(for: chosen))
        let assessment = GhostSurvey.assess(judgement, registry: registry, facts: facts.ghostFacts(for:))
        let isGhost = assessment.verdict == .ghost
        let by = "by \(GapWords.list(assessment.consulted))"
        let reason: String
        if isGhost {
            let missing = assessment.missing
            reason =
                "A ghost \(by); missing: \(missing.prefix(3).joined(separator: ", "))"
                + (missing.count > 3 ? " and \(missing.count - 3) more" : "") + "."
        } else {
            // The evidence that earned the verdict, not merely the strongest said.
            let earned: Set<GhostEvidence.Kind> =
                switch assessment.verdict {
                case .documented: [.reference]
                case .observed: [.nmap, .nmapCitation, .listener]
                case .legacy: [.legacy]
                case .faint, .ghost: []
                }
            let best =
                (assessment.evidence.first { earned.contains($0.kind) } ?? assessment.evidence.first)
                .map { ". " + Visible.text($0.sentence) } ?? "."
            reason = "Not a ghost: \(assessment.phrase) \(by)\(best)"
        }
        let transports = chosen.transports.map(\.rawValue).joined(separator: ", ")
        return QuizQuestion(
            kind: .ghost, style: .yesNo,
            text:
                "Is \(Visible.text(chosen.name)) (\(chosen.ports) \(transports)) a ghost by the ghost rules ('explain ghosts')?",
            port: chosen.ports.lower, name: chosen.name,
            choices: [.yes, .no], correct: isGhost ? 0 : 1, reason: reason.hasSuffix(".") ? reason : reason + ".")
    }

    // MARK: The territory

    /// What listens on a port here. Three times in four the seed picks a position among this
    /// host's listening ports in port order; else a registered port, which usually has nothing.
    /// Nil when this host's listeners cannot be seen.
    private func listener(_ stream: inout SplitMix64) -> QuizQuestion? {
        guard case .seen(let all, _, _) = facts.listeners else { return nil }
        let askEmpty = stream.below(4) == 0
        let position = stream.below(1 << 30)
        let fallback = registration(&stream)?.ports.lower ?? 8080
        let ports = Array(Set(all.map(\.port))).sorted()
        let seen = Array(Set(all.filter { !$0.processes.isEmpty }.map(\.port))).sorted()
        let pool = seen.isEmpty ? ports : seen
        let port = askEmpty || pool.isEmpty ? fallback : pool[position % pool.count]
        let here = all.filter { $0.port == port }
        var processes: [String] = []
        for name in here.flatMap(\.processes).sorted() where !processes.contains(name) { processes.append(name) }
        let nothing = QuizChoice("nothing", forms: ["nothing", "none", "no", "nobody", "no one", "-", "empty"])
        let unseen = "a process porthole cannot see"
        let answer =
            here.isEmpty
            ? nothing : QuizChoice(Visible.text(processes.first ?? unseen), forms: Set(processes.map { $0 }))
        // Wrong choices: the name the map gives the port (when it is not what runs), nothing,
        // and other processes of this host.
        var wrong: [QuizChoice] = []
        func add(_ choice: QuizChoice) {
            guard wrong.count < 3, choice.text != answer.text, !wrong.contains(where: { $0.text == choice.text }),
                !processes.contains(where: { choice.forms.contains($0.lowercased()) })
            else { return }
            wrong.append(choice)
        }
        if let registered = registeredNames(on: port).first,
            !here.contains(where: { $0.looksLike(registered) })
        {
            add(QuizChoice(Visible.text(registered), forms: [registered]))
        }
        if !here.isEmpty { add(nothing) }
        var others: [String] = []
        for name in all.flatMap(\.processes).sorted() where !others.contains(name) { others.append(name) }
        for name in stream.shuffle(others + Self.usualServers) { add(QuizChoice(Visible.text(name), forms: [name])) }
        let choices = stream.shuffle([answer] + wrong)
        let registered = registeredNames(on: port)
        let map =
            registered.isEmpty ? "the registry lists nothing there" : "the registry lists \(Self.some(registered))"
        let reason: String
        if here.isEmpty {
            reason = "Nothing listens on \(port) here, on any transport; \(map)."
        } else {
            // Owners porthole cannot see are said briefly; 'who PORT' says why.
            let sockets = here.prefix(2).map {
                ($0.processes.isEmpty ? unseen : $0.owner) + " listens on \($0.endpoint)"
            }
            let more = here.count > 2 ? " (and \(here.count - 2) more sockets)" : ""
            reason = "Here " + sockets.joined(separator: " and ") + more + "; \(map)."
        }
        return QuizQuestion(
            kind: .listener, style: .letters, text: "On this host, what listens on port \(port)?", port: port,
            aboutThisHost: true,
            choices: choices, correct: choices.firstIndex(of: answer),
            alsoRight: Set(processes.map { $0.lowercased() }),
            reason: Visible.text(reason))
    }

    /// Names of servers often found listening, for wrong choices when a host has few.
    static let usualServers = ["sshd", "nginx", "cupsd", "postgres", "redis-server", "dnsmasq", "chronyd", "mysqld"]

    /// This host's ephemeral range, beside the ranges other systems use. Nil when the kernel's
    /// setting cannot be read.
    private func ephemeral(_ stream: inout SplitMix64) -> QuizQuestion? {
        guard let range = facts.settings.ephemeralRange else { return nil }
        let usual: [ClosedRange<UInt16>] = [
            HostPortSettings.ianaDynamic, HostPortSettings.linuxDefaultEphemeral,
            HostPortSettings.freeBSDDefaultEphemeral, 1024...5000, 1024...65535,
        ]
        let wrong = Array(stream.shuffle(usual.filter { $0 != range }).prefix(3))
        let choices = stream.shuffle([range] + wrong)
        return QuizQuestion(
            kind: .ephemeral, style: .letters,
            text: "From which range does this host's kernel pick source ports for outgoing connections?",
            aboutThisHost: true,
            choices: choices.map { QuizChoice($0.spelled, forms: [$0.spelled]) },
            correct: choices.firstIndex(of: range),
            reason:
                "The kernel here says \(range.spelled), \(GapWords.number(range.size)) ports (read just now from \(HostPortSettings.ephemeralPath))."
        )
    }
}
