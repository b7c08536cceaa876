import PortRegistry

/// Which registrations a ghost survey looks at.
struct GhostFilter: Sendable, Equatable {
    var ports: PortRange?
    var transport: Transport?
    /// Only registrations first registered in this year (undated ones are left out).
    var year: Int?

    init(ports: PortRange? = nil, transport: Transport? = nil, year: Int? = nil) {
        self.ports = ports
        self.transport = transport
        self.year = year
    }

    func admits(_ registration: Registration) -> Bool {
        if let ports, !ports.overlaps(registration.ports) { return false }
        if let transport, !registration.transports.contains(transport) { return false }
        if let year, registration.registered?.year != year { return false }
        return true
    }

    /// `1024-49151/tcp registered in 2008`, or empty.
    var phrase: String {
        var parts: [String] = []
        if let ports {
            parts.append(transport.map { "\(ports)/\($0.rawValue)" } ?? "\(ports)")
        } else if let transport {
            parts.append(transport.rawValue)
        }
        if let year { parts.append("registered in \(year)") }
        return parts.joined(separator: " ")
    }
}

/// Counts for one slice of a survey.
struct GhostCounts: Sendable, Equatable {
    var registrations = 0
    var noReference = 0
    var restatesName = 0
    var documented = 0
    /// Documented ones that are observed too.
    var documentedAndObserved = 0
    var observed = 0
    var legacy = 0
    var faint = 0
    var ghosts = 0
    /// Registrations whose transports earn different verdicts.
    var disagreeing = 0

    init() {}

    mutating func add(_ judgement: GhostJudgement) {
        registrations += 1
        if judgement.hasNoReference { noReference += 1 }
        if judgement.restatesName { restatesName += 1 }
        if judgement.transportsDisagree { disagreeing += 1 }
        switch judgement.verdict {
        case .documented:
            documented += 1
            if judgement.isObserved { documentedAndObserved += 1 }
        case .observed: observed += 1
        case .legacy: legacy += 1
        case .faint: faint += 1
        case .ghost: ghosts += 1
        }
    }

    var json: JSON {
        [
            "registrations": .int(registrations), "noReference": .int(noReference), "restatesName": .int(restatesName),
            "documented": .int(documented), "documentedAndObserved": .int(documentedAndObserved),
            "observed": .int(observed), "legacy": .int(legacy), "faint": .int(faint), "ghosts": .int(ghosts),
            "disagreeing": .int(disagreeing),
        ]
    }
}

/// Every registration in a registry, judged by the ghost rules: the verdicts of all, to count,
/// and the evidence of only those a command shows (`assess`).
struct GhostSurvey: Sendable {
    let filter: GhostFilter
    let judgements: [GhostJudgement]
    let total: GhostCounts
    let byRange: [(RangeClass, GhostCounts)]
    /// Registrations left out by `--year` because they carry no date.
    let undated: Int

    /// Pure: `facts` is usually `HostFacts.ghostFacts(for:)`; tests pass their own. `kept`,
    /// when given, is the registry's `registrationOutlines()` and each one's
    /// `GhostRules.describes`, kept from an earlier run. When `stop` turns true (Ctrl-C) the
    /// survey ends early, incomplete, and the caller drops it.
    init(
        registry: Registry, kept: (outlines: [RegistrationOutline], describes: [Bool])? = nil,
        filter: GhostFilter = GhostFilter(), facts: (RegistrationOutline) -> GhostFacts, stop: () -> Bool = { false }
    ) {
        self.filter = filter
        let outlines = kept?.outlines ?? registry.registrationOutlines()
        let describes = kept?.describes
        var candidates = Array(outlines.indices)
        if let ports = filter.ports { candidates = candidates.filter { ports.overlaps(outlines[$0].ports) } }
        if let transport = filter.transport {
            candidates = candidates.filter { outlines[$0].transports.contains(transport) }
        }
        var undated = 0
        if let year = filter.year {
            undated = candidates.filter { outlines[$0].registered == nil }.count
            candidates = candidates.filter { outlines[$0].registered?.year == year }
        }
        var judgements: [GhostJudgement] = []
        judgements.reserveCapacity(candidates.count)
        for i in candidates {
            if judgements.count.isMultiple(of: 256), stop() { break }
            let outline = outlines[i]
            judgements.append(GhostRules.judge(outline, facts: facts(outline), describes: describes?[i]))
        }
        self.judgements = judgements
        var total = GhostCounts()
        var perRange = RangeClass.allCases.map { _ in GhostCounts() }
        // Judgements read in place, through their buffer, not copied one by one.
        judgements.withUnsafeBufferPointer { judgements in
            for judgement in judgements.indices {
                total.add(judgements[judgement])
                // Positions in `RangeClass.allCases`, which lists the classes in this order.
                let slot =
                    switch RangeClass(port: judgements[judgement].outline.ports.lower) {
                    case .system: 0
                    case .user: 1
                    case .dynamic: 2
                    }
                perRange[slot].add(judgements[judgement])
            }
        }
        self.total = total
        self.byRange = Array(zip(RangeClass.allCases, perRange))
        self.undated = undated
    }

    var ghosts: [GhostJudgement] { judgements.filter { $0.verdict == .ghost } }

    /// A registration judged here, assessed in full: its records decoded, its evidence in words.
    static func assess(
        _ judgement: GhostJudgement, registry: Registry, facts: (Registration) -> GhostFacts
    ) -> GhostAssessment {
        let outline = judgement.outline
        let registration = Registration(
            name: outline.name, ports: outline.ports, records: outline.records.map(registry.record(at:)))
        return GhostRules.assess(registration, facts: facts(registration))
    }
}
