import PortRegistry

extension CommandSpec {
    static let ghosts = CommandSpec(
        name: "ghosts",
        synopsis: "[LOW-HIGH] [tcp|udp|sctp|dccp] [--limit N] [--random N] [--listening] [--year YYYY]",
        summary: "Find registrations with nothing behind them but a name, a port and a contact",
        help: """
            Judges every named registration by the ghost rules (see 'explain ghosts'), transport \
            by transport: documented when it cites a document, observed when nmap or this host \
            saw it open, legacy when it is an undated System port from the lists kept before RFC \
            6335, faint when only weak hints say more than the name, ghost when nothing does. \
            Prints counts per port range, then a page of ghosts with what is missing for each.

            A port range and a transport narrow the survey; --year keeps registrations first \
            registered that year (undated ones are left out), and lists that year's ghosts. --random picks a random sample of \
            ghosts instead of the first ones; --listening shows only ghost ports that something \
            on this host is listening on, where the territory overrides the map. With territories \
            loaded ('territory add', --territory), --listening judges by what listens on those \
            hosts instead, and names the hosts each ghost's port is open on.

              ghosts
              ghosts 1024-49151 udp --limit 5
              ghosts --random 10
              ghosts --listening
            """,
        options: [
            OptionSpec("--limit", value: "N", help: "Show at most N ghosts (default 20; 0 for the counts only)"),
            OptionSpec("--random", value: "N", help: "Show a random sample of N ghosts"),
            OptionSpec(
                "--listening", help: "Only ghost ports that something listens on here, or on the territories loaded"),
            OptionSpec("--year", value: "YYYY", help: "Only registrations first registered in this year"),
        ],
        completion: { _ in [.words(Transport.allCases.map(\.rawValue))] },
        run: { invocation, context throws(CommandError) in
            let request = try GhostsRequest(invocation)
            let registry = try context.registry()
            var random = SystemRandomNumberGenerator()
            let territories = context.maps.territories
            if request.listening, !territories.isEmpty {
                // Across hosts: the listeners of every host read from files, not this host's.
                var facts = try context.facts(listenersOn: [])
                facts.listeners = .seen(
                    territories.hosts.flatMap { $0.listeners.map(ListenerFact.init) }, source: "territories",
                    notes: [])
                return try GhostsResult(
                    request: request, registry: registry, facts: facts, hosts: territories.hosts, random: &random,
                    stop: { context.isInterrupted })
            }
            let facts = try context.facts(listenersOn: nil)
            return try GhostsResult(
                request: request, registry: registry, facts: facts, random: &random, stop: { context.isInterrupted })
        }
    )
}

/// `ghosts`' arguments, checked.
struct GhostsRequest: Sendable, Equatable {
    var filter = GhostFilter()
    var limit = 20
    var sample: Int?
    var listening = false

    init(filter: GhostFilter = GhostFilter(), limit: Int = 20, sample: Int? = nil, listening: Bool = false) {
        self.filter = filter
        self.limit = limit
        self.sample = sample
        self.listening = listening
    }

    init(_ invocation: Invocation) throws(CommandError) {
        for argument in invocation.arguments {
            if let transport = Transport(rawValue: argument.lowercased()) {
                if let previous = filter.transport {
                    throw CommandError(
                        "ghosts", "give one transport, not both '\(previous.rawValue)' and '\(argument)'")
                }
                filter.transport = transport
            } else if argument.first?.isNumber == true {
                if filter.ports != nil {
                    throw CommandError("ghosts", "give one port range, not several ('\(argument)' is the second)")
                }
                filter.ports = try PortQuery.portRange(argument, command: "ghosts")
            } else {
                throw .unknown(
                    "ghosts",
                    "expected a port range such as 1024-49151 or a transport (tcp, udp, sctp, dccp), not '\(argument)'",
                    word: argument, candidates: Transport.allCases.map(\.rawValue)
                )
            }
        }
        limit = try invocation.integer("--limit", in: 0...100_000) ?? 20
        sample = try invocation.integer("--random", in: 1...100_000)
        filter.year = try invocation.integer("--year", in: 1970...2100)
        listening = invocation.flags.contains("--listening")
        if sample != nil, invocation.options["--limit"] != nil {
            throw CommandError("ghosts", "--random N already sets how many to show; drop --limit")
        }
    }
}

struct GhostsResult: CommandResult {
    let request: GhostsRequest
    let survey: GhostSurvey
    /// The ghosts shown, with their contacts' names.
    let page: [(GhostAssessment, [String])]
    /// How many ghosts the page was drawn from (all, or those with a listener).
    let pool: Int
    let facts: HostFacts
    let source: RegistrySource
    /// With `--listening` over territories read from files: every host loaded, and for each
    /// ghost on the page the names of the hosts where something else listens on its port.
    let hosts: [TerritoryHost]?
    let onHosts: [[String]]

    init(
        request: GhostsRequest, registry: Registry, facts: HostFacts, hosts: [TerritoryHost]? = nil,
        random: inout some RandomNumberGenerator, stop: () -> Bool = { false }
    ) throws(CommandError) {
        if request.listening, case .unavailable(let why) = facts.listeners {
            throw CommandError("ghosts --listening", "cannot see what listens on this host: \(why)")
        }
        self.request = request
        self.facts = facts
        self.source = registry.source
        facts.maps.indexAll()
        survey = GhostSurvey(
            registry: registry, kept: facts.maps.registrationOutlines(of: registry), filter: request.filter,
            facts: facts.surveyFacts(), stop: stop)
        if stop() { throw .interrupted }
        // Positions in the survey rather than copies of its judgements: shuffling them draws
        // the same order, and only the chosen ones are copied.
        let judgements = survey.judgements
        var candidates = judgements.indices.filter { judgements[$0].verdict == .ghost }
        if request.listening { candidates = candidates.filter { judgements[$0].hasOtherListener } }
        pool = candidates.count
        let chosen =
            (request.sample.map { Array(candidates.shuffled(using: &random).prefix($0)) }
            ?? Array(candidates.prefix(request.limit))).map { judgements[$0] }
        // Over territories, the listeners are told per host below, not as sockets "on this host";
        // a ghost here has none that looks like it, so leaving them out changes no verdict.
        let across = hosts != nil
        let assessing = { (registration: Registration) -> GhostFacts in
            var f = facts.ghostFacts(for: registration)
            if across {
                f.listeners = []
                f.listenersPlace = "on the hosts read from files"
            }
            return f
        }
        page = chosen.map { judgement in
            let assessment = GhostSurvey.assess(judgement, registry: registry, facts: assessing)
            return (assessment, assessment.registration.personIDs.map { registry.personName($0) })
        }
        self.hosts = hosts
        onHosts = page.map { assessment, _ in
            guard let hosts else { return [] }
            let r = assessment.registration
            return hosts.filter { host in
                host.listeners.contains { listener in
                    guard r.ports.lower...r.ports.upper ~= listener.port else { return false }
                    let fact = ListenerFact(listener)
                    return r.transports.contains(fact.transport) && fact.resemblance(to: r.name) == .differs
                }
            }.map(\.name)
        }
    }

    func text(_ context: TextContext) -> String {
        var out: [String] = []
        let scope = request.filter.phrase
        out.append(
            context.heading(
                Wrap.text("Ghost survey\(scope.isEmpty ? "" : " of \(scope)"), \(source.summary)", width: context.width)
            ))

        // Every column is a count, so none can be cut: on a narrow terminal the ranges lose their spans.
        func table(spans: Bool) -> Table {
            var table = Table(header: ["range", "named", "documented", "observed", "legacy", "faint", "ghosts"])
            table.rightAligned = [1, 2, 3, 4, 5, 6]
            func row(_ label: String, _ c: GhostCounts) -> [String] {
                [
                    label, GapWords.number(c.registrations), GapWords.number(c.documented), GapWords.number(c.observed),
                    GapWords.number(c.legacy), GapWords.number(c.faint), GapWords.number(c.ghosts),
                ]
            }
            for (rangeClass, counts) in survey.byRange where counts.registrations > 0 || request.filter.ports == nil {
                table.add(row(Self.shortTitle(rangeClass) + (spans ? " \(rangeClass.span)" : ""), counts))
            }
            table.add(row("all", survey.total))
            return table
        }
        let full = table(spans: true)
        out.append((full.width() > context.width ? table(spans: false) : full).render(context))

        var notes = [
            "Named registrations by range and verdict (see 'explain ghosts'): \(GapWords.number(survey.total.noReference))"
                + " cite no document, \(GapWords.number(survey.total.restatesName)) have no description beyond the name,"
                + " \(GapWords.number(survey.total.documentedAndObserved)) documented ones are observed too, and"
                + " \(GapWords.number(survey.total.disagreeing)) have transports that disagree."
        ]
        if survey.undated > 0 {
            notes.append(
                "\(GapWords.number(survey.undated)) undated registrations are left out, since --year can only match dated ones."
            )
        }
        notes.append(sourcesSentence)
        out.append(Wrap.text(notes.joined(separator: " "), width: context.width))

        if survey.total.registrations == 0 {
            out.append("No named registrations match.")
            return out.joined(separator: "\n\n")
        }
        if request.limit == 0 && request.sample == nil { return out.joined(separator: "\n\n") }
        out.append(Wrap.text(pageHeading(context), width: context.width))
        for (index, (assessment, contacts)) in page.enumerated() {
            var block = render(assessment, contacts: contacts, context)
            if let hosts {
                let names = onHosts[index]
                block +=
                    "\n"
                    + Wrap.fill(
                        "on \(GapWords.number(names.count)) of \(GapWords.number(hosts.count)) host\(hosts.count == 1 ? "" : "s"): "
                            + names.map(Visible.text).joined(separator: ", "), width: context.width, first: "      ",
                        rest: "        ")
            }
            out.append(block)
        }
        return out.joined(separator: "\n\n")
    }

    static func shortTitle(_ rangeClass: RangeClass) -> String {
        switch rangeClass {
        case .system: "System"
        case .user: "User"
        case .dynamic: "Dynamic"
        }
    }

    private func pageHeading(_ context: TextContext) -> String {
        let one = pool == 1
        let place = hosts.map { "on the \($0.count) host\($0.count == 1 ? "" : "s") read from files" } ?? "here"
        let kind =
            request.listening
            ? (one ? "ghost port something listens on \(place)" : "ghost ports something listens on \(place)")
            : (one ? "ghost" : "ghosts")
        if pool == 0 {
            if let hosts {
                return
                    "Nothing on the \(hosts.count) host\(hosts.count == 1 ? "" : "s") read from files listens on a ghost's port."
            }
            return request.listening
                ? "Nothing on this host listens on a ghost's port."
                : "No ghosts: every registration here has some evidence."
        }
        if let sample = request.sample {
            if sample >= pool {
                return context.heading(
                    one ? "The only \(kind):" : "All \(GapWords.number(pool)) \(kind), in random order:")
            }
            return context.heading("A random sample of \(GapWords.number(sample)) of \(GapWords.number(pool)) \(kind):")
        }
        let more = page.count < pool ? " (--limit N for more, --random N for a sample)" : ""
        if page.count == pool {
            return context.heading(one ? "The only \(kind):" : "All \(GapWords.number(pool)) \(kind), in port order:")
        }
        return context.heading(
            "The first \(GapWords.number(page.count)) of \(GapWords.number(pool)) \(kind), in port order\(more):")
    }

    private func render(_ assessment: GhostAssessment, contacts: [String], _ context: TextContext) -> String {
        let r = assessment.registration
        let who = contacts.isEmpty ? "no contact named" : Visible.text(contacts.joined(separator: ", "))
        var lines = [
            context.accent("\(r.ports)")
                + "  \(Visible.text(r.name))  \(r.transports.map(\.rawValue).joined(separator: ", "))  \(who)"
        ]
        let indent = "      "
        if assessment.transportsDisagree {
            lines.append(
                Wrap.fill(
                    "by transport: " + Visible.text(assessment.perTransportPhrase), width: context.width, first: indent,
                    rest: indent + "  "))
        }
        lines.append(
            Wrap.fill(Visible.text(assessment.basis), width: context.width, first: indent, rest: indent + "  "))
        if !assessment.missing.isEmpty {
            lines.append(
                Wrap.fill(
                    "missing: " + assessment.missing.joined(separator: ", "), width: context.width, first: indent,
                    rest: indent + "  "))
        }
        for item in assessment.evidence {
            lines.append(
                Wrap.fill(
                    "\(item.strength.rawValue): " + Visible.text(item.sentence), width: context.width, first: indent,
                    rest: indent + "  "))
        }
        return lines.joined(separator: "\n")
    }

    private var sourcesSentence: String {
        var checked: [String] = []
        var unchecked: [String] = []
        if facts.hasServicesFile {
            checked.append("this system's services file (\(facts.maps.servicesPath))")
        } else {
            unchecked.append("no services file could be read")
        }
        if facts.maps.nmap != nil {
            checked.append("nmap's open frequencies (\(facts.maps.nmapPath ?? "nmap-services"))")
        } else {
            unchecked.append("nmap-services is not installed, so no nmap frequencies")
        }
        switch facts.listeners {
        case .seen(let listeners, _, _) where hosts != nil:
            let n = hosts?.count ?? 0
            checked.append(
                "the \(GapWords.number(listeners.count)) socket\(listeners.count == 1 ? "" : "s") listening on the \(n) host\(n == 1 ? "" : "s") read from files ('territory list')"
            )
        case .seen(let listeners, let source, _):
            checked.append(
                listeners.count == 1
                    ? "the 1 socket listening here (read via \(source))"
                    : "the \(GapWords.number(listeners.count)) sockets listening here (read via \(source))")
        case .unavailable(let why): unchecked.append("listeners not checked: \(why)")
        case .notLooked: unchecked.append("listeners not checked")
        }
        var sentence =
            "Beside the registry, the verdicts use " + (checked.isEmpty ? "nothing else" : GapWords.list(checked)) + "."
        if !unchecked.isEmpty { sentence += " Not used: " + unchecked.joined(separator: "; ") + "." }
        return sentence
    }

    /// The page of ghosts, one per row (the survey's counts are in the text and JSON).
    var table: ResultTable? {
        guard hosts != nil, var table = ghostTable else { return ghostTable }
        // Over territories the hosts come last, so the other columns keep their places.
        table.columns.append("hosts")
        for index in table.rows.indices { table.rows[index].append(onHosts[index].joined(separator: ";")) }
        return table
    }

    private var ghostTable: ResultTable? {
        ResultTable(
            columns: [
                "name", "ports", "low", "high", "transports", "rangeClass", "description", "contacts", "registered",
                "verdict", "byTransport", "sources", "missing", "evidence",
            ],
            rows: page.map { assessment, contacts in
                let r = assessment.registration
                return [
                    r.name, r.ports.description, String(r.ports.lower), String(r.ports.upper),
                    r.transports.map(\.rawValue).joined(separator: ";"), RangeClass(port: r.ports.lower).rawValue,
                    r.records.first?.description ?? "", contacts.joined(separator: ";"),
                    r.records.compactMap(\.registered).min().map { "\($0)" } ?? "", assessment.verdict.rawValue,
                    assessment.perTransport.map { "\($0.transport.rawValue)=\($0.phrase)" }.joined(separator: ";"),
                    assessment.basis,
                    assessment.missing.joined(separator: ";"),
                    assessment.evidence.map { "\($0.strength.rawValue): \($0.sentence)" }.joined(separator: ";"),
                ]
            })
    }

    var json: [String: JSON] {
        var summary = survey.total.json
        if var fields = summary.objectFields {
            fields["byRange"] = .object(
                Dictionary(uniqueKeysWithValues: survey.byRange.map { ($0.0.rawValue, $0.1.json) }))
            fields["undated"] = .int(survey.undated)
            summary = .object(fields)
        }
        return [
            "summary": summary,
            "filter": [
                "ports": .optional(request.filter.ports?.description),
                "transport": .optional(request.filter.transport?.rawValue),
                "year": .optional(request.filter.year), "listening": .bool(request.listening),
                "limit": .int(request.limit), "random": .optional(request.sample),
            ],
            "ghosts": .array(
                page.enumerated().map { index, item in
                    var ghost = Self.json(item.0, contacts: item.1)
                    if hosts != nil, var fields = ghost.objectFields {
                        fields["hosts"] = .strings(onHosts[index])
                        ghost = .object(fields)
                    }
                    return ghost
                }),
            "pool": .int(pool),
            "sources": facts.sourcesJSON,
            "registry": source.json,
        ]
    }

    static func json(_ assessment: GhostAssessment, contacts: [String]) -> JSON {
        let r = assessment.registration
        var fields: [String: JSON] = [
            "name": .string(r.name), "ports": .string(r.ports.description), "low": .int(Int(r.ports.lower)),
            "high": .int(Int(r.ports.upper)),
            "transports": .strings(r.transports.map(\.rawValue)), "rangeClass": .string(r.rangeClass.rawValue),
            "description": .string(r.description), "contacts": .strings(contacts),
            "registered": .optional(r.registered?.description),
            "verdict": .string(assessment.verdict.rawValue),
            "evidence": .array(assessment.evidence.map(\.json)), "missing": .strings(assessment.missing),
        ]
        fields.merge(assessment.json) { $1 }
        return .object(fields)
    }
}

/// Small wording helpers shared by `ghosts` and `explain`.
enum GapWords {
    /// `12345` → `12,345`.
    static func number(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }

    /// `a`, `a and b`, `a, b and c`.
    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: ""
        case 1: items[0]
        default: items.dropLast().joined(separator: ", ") + " and " + items.last!
        }
    }
}
