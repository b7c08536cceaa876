import PortRegistry

/// What nmap-services says about one transport of a registration's port(s).
struct NmapSighting: Sendable, Equatable {
    /// The highest open frequency among its entries.
    var frequency: Double
    /// Documents cited in the comments of entries under the registration's own name.
    var citations: [String]

    init(frequency: Double, citations: [String] = []) {
        self.frequency = frequency
        self.citations = citations
    }

    /// One more nmap line on the registration's ports. Only a line under the registration's
    /// own name (`lowercasedName`, asked for only when the line has a comment) speaks for it.
    mutating func add(_ entry: NmapEntry, lowercasedName: () -> String) {
        frequency = max(frequency, entry.frequency)
        if entry.comment != nil, entry.name.lowercased() == lowercasedName() {
            citations += entry.citations.filter { !citations.contains($0) }
        }
    }
}

/// What this host and nmap say about one registration: the facts beside the registry.
///
/// `HostFacts.ghostFacts(for:)` fills this from the services(5) file,
/// nmap-services and a listener scan; tests fill it by hand.
struct GhostFacts: Sendable, Equatable {
    /// The transports on which this system's services(5) file lists the name or an alias
    /// for its port.
    var servicesFileTransports: Set<Transport>
    /// Whether that file is curated (a hint) rather than a copy of the registry (no evidence).
    var servicesFileCurated: Bool
    /// nmap's entries per transport; a transport nmap does not list is absent.
    var nmap: PerTransport<NmapSighting>
    /// The open frequency at or above which nmap counts as a sighting, per transport
    /// (`NmapCalibration`); a transport without one has no sightings. Kept inline, as
    /// `PerTransport`: every registration of a survey carries them.
    var nmapCutoffs: PerTransport<Double>
    /// Sockets listening here on its port(s) and transport(s).
    var listeners: [ListenerFact]
    /// Which sources were actually consulted; an unconsulted source proves nothing either way.
    var servicesFileChecked: Bool
    var nmapChecked: Bool
    var listenersChecked: Bool
    /// Where the listeners were looked for, as the basis and missing evidence say it: `here`,
    /// or the hosts read from files (`ghosts --listening` over territories).
    var listenersPlace = "here"

    init(
        servicesFileTransports: Set<Transport> = [], servicesFileCurated: Bool = true,
        nmap: PerTransport<NmapSighting> = [:], nmapCutoffs: [Transport: Double] = [:],
        listeners: [ListenerFact] = [], servicesFileChecked: Bool = true, nmapChecked: Bool = true,
        listenersChecked: Bool = true
    ) {
        self.servicesFileTransports = servicesFileTransports
        self.servicesFileCurated = servicesFileCurated
        self.nmap = nmap
        self.nmapCutoffs = PerTransport(nmapCutoffs)
        self.listeners = listeners
        self.servicesFileChecked = servicesFileChecked
        self.nmapChecked = nmapChecked
        self.listenersChecked = listenersChecked
    }

    /// Only the registry: nothing about the host or nmap was looked at.
    static let registryOnly = GhostFacts(servicesFileChecked: false, nmapChecked: false, listenersChecked: false)
}

/// How much a piece of evidence counts.
enum GhostStrength: String, Sendable, CaseIterable, Comparable {
    /// Documents the service, or shows it open.
    case strong
    /// Someone wrote or kept something about it, but it proves no use.
    case weak
    /// Worth saying (context), but not evidence that the registered service exists.
    case noted

    static func < (a: GhostStrength, b: GhostStrength) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One fact for or about a registration, with the sentence that says it.
struct GhostEvidence: Hashable, Sendable {
    enum Kind: String, Sendable, CaseIterable {
        case reference, nmapCitation, nmap, listener, legacy, description, notes, servicesFile, dates
        case otherListener, unidentifiedListener, rareInNmap, uncalibratedNmap, wholesaleServicesFile
        case unauthorizedUse
    }
    let kind: Kind
    let strength: GhostStrength
    let sentence: String

    init(_ kind: Kind, _ strength: GhostStrength, _ sentence: String) {
        self.kind = kind
        self.strength = strength
        self.sentence = sentence
    }

    var json: JSON {
        ["kind": .string(kind.rawValue), "strength": .string(strength.rawValue), "text": .string(sentence)]
    }
}

/// The ghost rules' answer for one transport, or a registration: the first that applies.
enum GhostVerdict: String, Sendable, CaseIterable, Comparable {
    /// Cites a document.
    case documented
    /// Seen open (nmap, or a matching listener here), but cites nothing.
    case observed
    /// A System port inherited, undated, from the lists kept before RFC 6335.
    case legacy
    /// Only weak hints.
    case faint
    /// Nothing beyond the registration itself.
    case ghost

    static func < (a: GhostVerdict, b: GhostVerdict) -> Bool { a.rank < b.rank }

    /// The position in `allCases`, without building the array on every comparison.
    var rank: Int {
        switch self {
        case .documented: 0
        case .observed: 1
        case .legacy: 2
        case .faint: 3
        case .ghost: 4
        }
    }

    var meaning: String {
        switch self {
        case .documented: "documented: a document describes this service"
        case .observed: "observed: seen open in nmap's data or here, though no document is cited"
        case .legacy: "legacy: an undated System port from the lists kept before RFC 6335"
        case .faint: "faint: only weak hints, nothing documents it or shows it in use"
        case .ghost: "ghost: a name, a port and a contact, and nothing else"
        }
    }
}

/// One transport's verdict.
struct TransportVerdict: Sendable, Equatable {
    let transport: Transport
    let verdict: GhostVerdict
    let documented: Bool
    let observed: Bool

    /// `documented and observed`, `ghost`.
    var phrase: String { documented && observed ? "documented and observed" : verdict.rawValue }
}

/// A registration with its evidence, its verdict and what is missing.
struct GhostAssessment: Sendable {
    let registration: Registration
    let evidence: [GhostEvidence]
    /// The best of its transports' verdicts.
    let verdict: GhostVerdict
    let perTransport: [TransportVerdict]
    /// Short phrases for what was looked for and not found: `a reference`, `nmap sightings`.
    let missing: [String]
    /// The sources the verdict used, and the ones it could not.
    let consulted: [String]
    let notConsulted: [String]

    var isDocumented: Bool { perTransport.contains(where: \.documented) }
    var isObserved: Bool { perTransport.contains(where: \.observed) }
    /// `documented and observed`, or the verdict's word.
    var phrase: String { isDocumented && isObserved ? "documented and observed" : verdict.rawValue }
    /// Whether its transports earn different verdicts.
    var transportsDisagree: Bool { Set(perTransport.map(\.phrase)).count > 1 }

    /// `documented on tcp and udp; ghost on sctp`, or empty when they agree.
    var perTransportPhrase: String {
        guard transportsDisagree else { return "" }
        var groups: [(String, [String])] = []
        for t in perTransport {
            if let at = groups.firstIndex(where: { $0.0 == t.phrase }) {
                groups[at].1.append(t.transport.rawValue)
            } else {
                groups.append((t.phrase, [t.transport.rawValue]))
            }
        }
        return groups.map { "\($0.0) on \(GapWords.list($0.1))" }.joined(separator: "; ")
    }

    /// `ghost by the registry and services(5); nmap's frequencies were not available, which
    /// could only add evidence.`
    var basis: String {
        var s = "\(phrase) by \(GapWords.list(consulted))"
        if !notConsulted.isEmpty {
            s += "; \(GapWords.list(notConsulted))"
            s += verdict == .documented ? "" : ", which could only add evidence"
        }
        return s + "."
    }

    /// The registration cites no RFC, draft, web page or text.
    var hasNoReference: Bool { !evidence.contains { $0.kind == .reference } }
    /// The description is empty or only restates the name.
    var restatesName: Bool { !evidence.contains { $0.kind == .description } }
    var hasOtherListener: Bool { evidence.contains { $0.kind == .otherListener } }

    var json: [String: JSON] {
        [
            "verdict": .string(verdict.rawValue), "documented": .bool(isDocumented), "observed": .bool(isObserved),
            "perTransport": .object(
                Dictionary(uniqueKeysWithValues: perTransport.map { ($0.transport.rawValue, .string($0.phrase)) })),
            "consulted": .strings(consulted), "notConsulted": .strings(notConsulted), "basis": .string(basis),
        ]
    }
}

/// Transports as bits: `judge` asks "which transports" of every registration in a survey,
/// where hashing into a `Set` cost more than the rules themselves.
struct TransportMask {
    private var bits: UInt8 = 0

    var isEmpty: Bool { bits == 0 }
    mutating func insert(_ transport: Transport) { bits |= 1 << transport.order }
    func contains(_ transport: Transport) -> Bool { bits & (1 << transport.order) != 0 }
}

/// One optional value per transport, stored inline: gathered for every registration in a
/// survey, where an array or a dictionary each cost an allocation. Written as a dictionary
/// literal, `[.tcp: value]`.
struct PerTransport<Value>: ExpressibleByDictionaryLiteral {
    private var tcp: Value?
    private var udp: Value?
    private var sctp: Value?
    private var dccp: Value?

    subscript(transport: Transport) -> Value? {
        get {
            switch transport {
            case .tcp: tcp
            case .udp: udp
            case .sctp: sctp
            case .dccp: dccp
            }
        }
        set {
            switch transport {
            case .tcp: tcp = newValue
            case .udp: udp = newValue
            case .sctp: sctp = newValue
            case .dccp: dccp = newValue
            }
        }
    }

    init() {}

    init(dictionaryLiteral elements: (Transport, Value)...) {
        for (transport, value) in elements { self[transport] = value }
    }

    init(_ dictionary: [Transport: Value]) {
        for (transport, value) in dictionary { self[transport] = value }
    }

    /// The values present, in transport order.
    var values: [Value] { [tcp, udp, sctp, dccp].compactMap { $0 } }
}

extension PerTransport: Equatable where Value: Equatable {}
extension PerTransport: Sendable where Value: Sendable {}

/// A registration's verdicts without their evidence: what a survey counts.
struct GhostJudgement: Sendable {
    let outline: RegistrationOutline
    let verdict: GhostVerdict
    /// Each transport's verdict, kept inline: a survey judges every registration, and an
    /// array each cost an allocation.
    private let verdicts: PerTransport<TransportVerdict>
    /// As `GhostAssessment`'s properties of the same names.
    let hasNoReference: Bool
    let restatesName: Bool
    let hasOtherListener: Bool
    let isObserved: Bool
    let transportsDisagree: Bool

    init(
        outline: RegistrationOutline, verdict: GhostVerdict, verdicts: PerTransport<TransportVerdict>,
        hasNoReference: Bool, restatesName: Bool, hasOtherListener: Bool
    ) {
        self.outline = outline
        self.verdict = verdict
        self.verdicts = verdicts
        self.hasNoReference = hasNoReference
        self.restatesName = restatesName
        self.hasOtherListener = hasOtherListener
        var observed = false
        // Two transports' phrases (`TransportVerdict.phrase`) differ exactly when these differ.
        var first: Int?
        var disagree = false
        for t in Transport.allCases {
            guard let v = verdicts[t] else { continue }
            if v.observed { observed = true }
            let phrase = v.documented && v.observed ? -1 : v.verdict.rank
            if let first, first != phrase { disagree = true }
            if first == nil { first = phrase }
        }
        isObserved = observed
        transportsDisagree = disagree
    }

    /// Its transports' verdicts, in the order of its transports.
    var perTransport: [TransportVerdict] { outline.transports.compactMap { verdicts[$0] } }
}

/// The ghost rules: which facts count as evidence that a registered service exists.
enum GhostRules {
    /// Reference kinds that document a service: RFCs, drafts, web pages and free text.
    /// Person references only name who asked, and document nothing.
    static let documentingReferences: Set<Reference.Kind> = [.rfc, .draft, .uri, .text]

    /// Words that say nothing about what a service is.
    static let genericWords: Set<String> = [
        "server", "servers", "service", "services", "protocol", "protocols", "port", "ports", "daemon",
        "the", "and", "for", "system", "systems", "of", "a", "an",
    ]

    /// Whether a registration is inherited from the lists kept before RFC 6335: a System
    /// port none of whose TCP or UDP records carries a registration date. IANA's dates
    /// begin in 2002; a later SCTP or DCCP record does not make the old assignment new.
    static func isLegacy(_ registration: Registration) -> Bool {
        guard registration.rangeClass == .system else { return false }
        let old = registration.records.filter { $0.transport == .tcp || $0.transport == .udp }
        return !old.isEmpty && old.allSatisfy { $0.registered == nil }
    }

    /// The verdicts `assess` reaches, without a sentence of evidence: a survey judges every
    /// registration this way, from the fast form's fields, and assesses in full only the ones
    /// it shows. Each step mirrors the step of `assess` named in its comment, and a test holds
    /// the two to the same verdicts and counts over the whole embedded registry.
    /// `describes`, when given, is `describes(outline)` kept from an earlier run.
    static func judge(_ outline: RegistrationOutline, facts: GhostFacts, describes: Bool? = nil) -> GhostJudgement {
        let transports = outline.transports
        // Documented: the registry's citations, transport by transport.
        var documented = TransportMask()
        // A closure that captures nothing: a method of the set as a value would be a new closure
        // context, allocated and freed, for every transport of every registration.
        for t in transports where outline.cites(on: t, { documentingReferences.contains($0) }) { documented.insert(t) }
        let cited = !documented.isEmpty
        // Documented or observed: nmap, transport by transport.
        var observed = TransportMask()
        for t in transports {
            guard let sighting = facts.nmap[t] else { continue }
            if !sighting.citations.isEmpty { documented.insert(t) }
            if sighting.frequency > 0, let cutoff = facts.nmapCutoffs[t], sighting.frequency >= cutoff {
                observed.insert(t)
            }
        }
        // Observed, or noted: the territory.
        var otherListener = false
        for listener in facts.listeners {
            switch listener.resemblance(to: outline.name) {
            case .looksLike: observed.insert(listener.transport)
            case .differs: otherListener = true
            case .cannotTell: break
            }
        }
        // Legacy: an undated System port from the old lists.
        let tcp = outline.recordCount(on: .tcp)
        let udp = outline.recordCount(on: .udp)
        let legacy =
            RangeClass(port: outline.ports.lower) == .system && tcp.records + udp.records > 0
            && tcp.undated == tcp.records && udp.undated == udp.records
        // Weak: words in the registry, and a curated services(5) file.
        var hinted = TransportMask()
        let describes = describes ?? Self.describes(outline)
        for t in transports where describes || outline.hasNotes(on: t) { hinted.insert(t) }
        if facts.servicesFileCurated {
            for t in transports where facts.servicesFileTransports.contains(t) { hinted.insert(t) }
        }

        var best = GhostVerdict.ghost
        var verdicts = PerTransport<TransportVerdict>()
        for t in transports {
            let verdict = verdict(
                documented: documented.contains(t), observed: observed.contains(t),
                legacy: legacy && (t == .tcp || t == .udp), hinted: hinted.contains(t))
            best = min(best, verdict)
            verdicts[t] = TransportVerdict(
                transport: t, verdict: verdict, documented: documented.contains(t), observed: observed.contains(t))
        }
        return GhostJudgement(
            outline: outline, verdict: best, verdicts: verdicts, hasNoReference: !cited,
            restatesName: !describes, hasOtherListener: otherListener)
    }

    /// Whether a registration's description says more than its name: neither blank nor
    /// restating it. It depends on the registry alone, so a host may keep it between runs
    /// (`OtherMaps.registrationOutlines(of:)`) under `describesRule`.
    static func describes(_ outline: RegistrationOutline) -> Bool {
        outline.withTexts { description, name in
            !isBlank(description) && !restatesName(description: description, name: name)
        }
    }

    /// Names the rule `describes` follows (with `restatesName` and `isBlank`): change it when
    /// they change, so that judgements kept under the old rule are made again.
    static let describesRule = 1

    /// One transport's verdict: the first that applies.
    static func verdict(documented: Bool, observed: Bool, legacy: Bool, hinted: Bool) -> GhostVerdict {
        documented ? .documented : observed ? .observed : legacy ? .legacy : hinted ? .faint : .ghost
    }

    static func assess(_ registration: Registration, facts: GhostFacts) -> GhostAssessment {
        var evidence: [GhostEvidence] = []
        var missing: [String] = []
        let name = registration.name
        let ports = registration.ports
        let transports = registration.transports
        func records(_ t: Transport) -> [ServiceRecord] {
            registration.records.filter { $0.transport == t || $0.transport == nil }
        }
        func on(_ ts: [Transport]) -> String {
            ts.count == transports.count ? "" : " on \(GapWords.list(ts.map(\.rawValue)))"
        }

        // Documented: the registry's citations, transport by transport.
        var documented: Set<Transport> = []
        var cited: [(Reference, [Transport])] = []
        for t in transports {
            for reference in records(t).flatMap(\.references) where documentingReferences.contains(reference.kind) {
                documented.insert(t)
                if let at = cited.firstIndex(where: { $0.0 == reference }) {
                    if !cited[at].1.contains(t) { cited[at].1.append(t) }
                } else {
                    cited.append((reference, [t]))
                }
            }
        }
        var byTransports: [([Transport], [Reference])] = []
        for (reference, ts) in cited {
            if let at = byTransports.firstIndex(where: { $0.0 == ts }) {
                byTransports[at].1.append(reference)
            } else {
                byTransports.append((ts, [reference]))
            }
        }
        for (ts, references) in byTransports {
            let shown = references.prefix(4).map(describe)
            let more = references.count > 4 ? " and \(references.count - 4) more" : ""
            evidence.append(
                GhostEvidence(.reference, .strong, "The registry cites \(GapWords.list(Array(shown)))\(more)\(on(ts)).")
            )
        }
        if cited.isEmpty { missing.append("a reference") }

        // Documented or observed: nmap, transport by transport.
        var observed: Set<Transport> = []
        for t in transports {
            guard let sighting = facts.nmap[t] else { continue }
            let spot = "\(ports)/\(t.rawValue)"
            if !sighting.citations.isEmpty {
                documented.insert(t)
                evidence.append(
                    GhostEvidence(
                        .nmapCitation, .strong,
                        "nmap-services cites \(GapWords.list(sighting.citations)) for \(name) on \(spot)."))
            }
            guard sighting.frequency > 0 else { continue }
            let transportName = t.rawValue.uppercased()
            if let cutoff = facts.nmapCutoffs[t] {
                if sighting.frequency >= cutoff {
                    observed.insert(t)
                    evidence.append(
                        GhostEvidence(
                            .nmap, .strong,
                            "nmap found \(spot) open on \(percent(sighting.frequency)) of the hosts it scanned, at or above its \(transportName) cut-off of \(percent(cutoff))."
                        ))
                } else {
                    evidence.append(
                        GhostEvidence(
                            .rareInNmap, .noted,
                            "nmap found \(spot) open on only \(percent(sighting.frequency)) of the hosts it scanned, below its \(transportName) cut-off of \(percent(cutoff))."
                        ))
                }
            } else {
                evidence.append(
                    GhostEvidence(
                        .uncalibratedNmap, .noted,
                        "nmap found \(spot) open on \(percent(sighting.frequency)) of the hosts it scanned, but has too few \(transportName) sightings to tell common from rare."
                    ))
            }
        }
        if facts.nmapChecked, observed.isEmpty {
            missing.append(
                facts.nmap.values.contains { $0.frequency > 0 } ? "nmap sightings above the cut-off" : "nmap sightings")
        }

        // Observed, or noted: the territory.
        let matching = facts.listeners.filter { $0.looksLike(name) }
        for listener in matching {
            observed.insert(listener.transport)
            let speaks = listener.probe.flatMap { $0.protocolFound == nil ? nil : " (it \($0.phrase))" } ?? ""
            evidence.append(
                GhostEvidence(
                    .listener, .strong,
                    "On this host \(listener.owner) listens on \(listener.endpoint), and looks like \(name)\(speaks)."))
        }
        var untold = false
        for listener in facts.listeners where !listener.looksLike(name) {
            if listener.resemblance(to: name) == .cannotTell {
                untold = true
                evidence.append(
                    GhostEvidence(
                        .unidentifiedListener, .noted,
                        "On this host \(listener.owner) listens on \(listener.endpoint); whether it is \(name) cannot be told (\(listener.whyUntold)), so it counts neither for nor against \(name)."
                    ))
                continue
            }
            let speaks = listener.probe.flatMap { $0.protocolFound == nil ? nil : " (it \($0.phrase))" } ?? ""
            evidence.append(
                GhostEvidence(
                    .otherListener, .noted,
                    "On this host \(listener.owner) listens on \(listener.endpoint)\(speaks); it does not look like \(name), so it shows the port is used, not that \(name) exists."
                ))
        }
        if matching.isEmpty, !untold, facts.listenersChecked {
            missing.append("a listener \(facts.listenersPlace) that looks like it")
        }

        // Legacy: an undated System port from the old lists.
        let legacy = isLegacy(registration)
        if legacy {
            evidence.append(
                GhostEvidence(
                    .legacy, .noted,
                    "Port \(ports) is a System port whose TCP and UDP records carry no registration date: an assignment inherited from the Well Known Ports lists kept before RFC 6335, which rarely carry references."
                ))
        }

        // Weak: words in the registry, and a curated services(5) file.
        var hinted: Set<Transport> = []
        let description = registration.description
        if isBlank(description) {
            missing.append("a description")
        } else if restatesName(description: description, name: name) {
            missing.append("a description beyond the name")
        } else {
            hinted.formUnion(transports)
            evidence.append(
                GhostEvidence(.description, .weak, "Its description, \"\(description)\", says more than the name."))
        }
        var noted: [(String, [Transport])] = []
        for t in transports {
            let notes =
                records(t).compactMap(\.notes).filter { !$0.trimmingWhitespace().isEmpty }
                + records(t).flatMap(\.references).filter { $0.kind == .note }.map(\.value)
            guard let note = notes.first else { continue }
            hinted.insert(t)
            if let at = noted.firstIndex(where: { $0.0 == note }) {
                noted[at].1.append(t)
            } else {
                noted.append((note, [t]))
            }
        }
        for (note, ts) in noted {
            evidence.append(
                GhostEvidence(.notes, .weak, "The registry keeps an assignment note\(on(ts)): \"\(shorten(note))\"."))
        }
        if noted.isEmpty { missing.append("assignment notes") }
        let listed = transports.filter(facts.servicesFileTransports.contains)
        if !listed.isEmpty, facts.servicesFileCurated {
            hinted.formUnion(listed)
            evidence.append(
                GhostEvidence(
                    .servicesFile, .weak,
                    "This system's curated services file lists \(name) on \(ports)/\(listed.map(\.rawValue).joined(separator: ","))."
                ))
        } else if !listed.isEmpty {
            evidence.append(
                GhostEvidence(
                    .wholesaleServicesFile, .noted,
                    "This system's services file lists \(name), but it is a copy of the registry, so that proves nothing."
                ))
        } else if facts.servicesFileChecked, facts.servicesFileCurated {
            missing.append("a services(5) entry")
        }

        // Context: dates and unauthorized uses.
        switch (registration.registered, registration.modified) {
        case (let r?, let m?) where r != m:
            evidence.append(
                GhostEvidence(.dates, .noted, "It was registered \(r.onOrIn) and last modified \(m.onOrIn)."))
        case (let r?, _):
            evidence.append(GhostEvidence(.dates, .noted, "It was registered \(r.onOrIn)."))
        case (nil, let m?):
            evidence.append(GhostEvidence(.dates, .noted, "It was last modified \(m.onOrIn)."))
        case (nil, nil):
            break
        }
        for use in Set(registration.records.compactMap(\.unauthorizedUses)) where !use.isEmpty {
            evidence.append(
                GhostEvidence(.unauthorizedUse, .noted, "IANA records a known unauthorized use: \"\(shorten(use))\"."))
        }

        let perTransport = transports.map { t in
            TransportVerdict(
                transport: t,
                verdict: GhostRules.verdict(
                    documented: documented.contains(t), observed: observed.contains(t),
                    legacy: legacy && (t == .tcp || t == .udp), hinted: hinted.contains(t)),
                documented: documented.contains(t), observed: observed.contains(t))
        }
        let verdict = perTransport.map(\.verdict).min() ?? .ghost
        let ordered = evidence.enumerated().sorted {
            ($0.element.strength, $0.offset) < ($1.element.strength, $1.offset)
        }.map(\.element)
        var consulted = ["the registry"]
        var notConsulted: [String] = []
        if facts.servicesFileChecked {
            consulted.append(facts.servicesFileCurated ? "services(5)" : "services(5) (a copy of the registry)")
        } else {
            notConsulted.append("no services(5) file was read")
        }
        if facts.nmapChecked {
            consulted.append("nmap's frequencies")
        } else {
            notConsulted.append("nmap's frequencies were not available")
        }
        if facts.listenersChecked {
            consulted.append("the listeners \(facts.listenersPlace)")
        } else {
            notConsulted.append("the listeners \(facts.listenersPlace) were not checked")
        }
        return GhostAssessment(
            registration: registration, evidence: ordered, verdict: verdict, perTransport: perTransport,
            missing: missing, consulted: consulted, notConsulted: notConsulted)
    }

    /// Whether a description only restates the service name: after dropping the name's own
    /// words and generic words (server, service, protocol…), nothing is left.
    /// `WKSTN-MON` restates `wkstn-mon`; `Avenyo Server` restates `avenyo`.
    ///
    /// Runs once per registration in a survey, so it works in place on both texts' bytes,
    /// with the name's words in stack buffers, instead of making arrays of words.
    static func restatesName(description: String, name: String) -> Bool {
        var name = name
        var description = description
        return name.withUTF8 { name in description.withUTF8 { restatesName(description: $0, name: name) } }
    }

    /// As `restatesName(description:name:)`, on the texts' UTF-8 bytes.
    static func restatesName(description: UnsafeBufferPointer<UInt8>, name nameText: UnsafeBufferPointer<UInt8>) -> Bool
    {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(nameText.count, 1)) { joined in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: max(nameText.count, 1)) { wordEnds in
                // The name's word bytes, lowercased and run together, and where each word ends.
                var length = 0
                var words = 0
                for byte in nameText {
                    if let c = wordByte(byte) {
                        joined[length] = c
                        length += 1
                    } else if length > 0, words == 0 || wordEnds[words - 1] != length {
                        wordEnds[words] = length
                        words += 1
                    }
                }
                if length > 0, words == 0 || wordEnds[words - 1] != length {
                    wordEnds[words] = length
                    words += 1
                }
                let name = UnsafeBufferPointer(rebasing: joined[0..<length])
                return restates(description, name: name, wordEnds: UnsafeBufferPointer(rebasing: wordEnds[0..<words]))
            }
        }
    }

    /// The check itself: `name` is the name's words run together, `wordEnds` where each ends.
    private static func restates(
        _ text: UnsafeBufferPointer<UInt8>, name: UnsafeBufferPointer<UInt8>, wordEnds: UnsafeBufferPointer<Int>
    ) -> Bool {
        // Whether text[start..<end], lowercased, equals name[from..<to].
        func equal(_ start: Int, _ end: Int, _ from: Int, _ to: Int) -> Bool {
            guard end - start == to - from else { return false }
            var k = 0
            while k < end - start {
                if wordByte(text[start + k]) != name[from + k] { return false }
                k += 1
            }
            return true
        }
        func isNameWord(_ start: Int, _ end: Int) -> Bool {
            var from = 0
            for to in wordEnds {
                if equal(start, end, from, to) { return true }
                from = to
            }
            return false
        }
        func isGeneric(_ start: Int, _ end: Int) -> Bool {
            guard end - start <= 9 else { return false }
            return genericWordBytes.contains { word in
                word.count == end - start
                    && word.withUnsafeBufferPointer { w in
                        var k = 0
                        while k < w.count, wordByte(text[start + k]) == w[k] { k += 1 }
                        return k == w.count
                    }
            }
        }
        func inName(_ start: Int, _ end: Int) -> Bool {
            let n = end - start
            guard n <= name.count else { return false }
            for from in 0...(name.count - n) where equal(start, end, from, from + n) { return true }
            return false
        }
        var anyLeft = false
        // What is left, compared with the name as it grows.
        var leftLength = 0
        var i = 0
        while i < text.count {
            while i < text.count, wordByte(text[i]) == nil { i += 1 }
            let start = i
            while i < text.count, wordByte(text[i]) != nil { i += 1 }
            guard i > start else { break }
            if isNameWord(start, i) || isGeneric(start, i) || equal(start, i, 0, name.count)
                || (i - start >= 3 && inName(start, i))
            {
                continue
            }
            anyLeft = true
            if leftLength + (i - start) <= name.count, equal(start, i, leftLength, leftLength + i - start) {
                leftLength += i - start
            } else {
                // A word left over that does not continue the name: nothing after it can
                // make the description a restatement, so the rest is not read.
                return false
            }
        }
        return !anyLeft || leftLength == name.count
    }

    /// An ASCII letter lowercased or a digit; nil for anything else, which separates words.
    @inline(__always) private static func wordByte(_ byte: UInt8) -> UInt8? {
        let lower = byte >= 65 && byte <= 90 ? byte | 0x20 : byte
        return (lower >= 97 && lower <= 122) || (lower >= 48 && lower <= 57) ? lower : nil
    }

    /// Whether the text is empty or only whitespace; a text that starts with a visible ASCII
    /// character (most descriptions) is answered without walking its characters.
    private static func isBlank(_ text: String) -> Bool {
        if let first = text.utf8.first, first > 0x20, first < 0x7F { return false }
        return text.trimmingWhitespace().isEmpty
    }

    /// As `isBlank` on a text's UTF-8 bytes.
    private static func isBlank(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        if let first = text.first, first > 0x20, first < 0x7F { return false }
        return isBlank(String(decoding: text, as: UTF8.self))
    }

    /// `genericWords` as bytes, checked without making a String per word.
    private static let genericWordBytes: [[UInt8]] = genericWords.map { Array($0.utf8) }

    /// Lowercase runs of ASCII letters and digits; anything else separates words.
    static func words(_ text: String) -> [String] {
        var out: [String] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            let lower = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
            if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(lower)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(lower)
            {
                current.append(lower)
            } else if !current.isEmpty {
                out.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { out.append(String(decoding: current, as: UTF8.self)) }
        return out
    }

    /// Whether `needle` occurs in `haystack`, byte for byte (both are short ASCII words).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return needle.isEmpty }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            return true
        }
        return false
    }

    static func describe(_ reference: Reference) -> String {
        switch reference.kind {
        case .rfc:
            let digits = reference.value.filter(\.isNumber)
            return digits.isEmpty ? reference.value : "RFC \(digits)"
        case .draft: return "the Internet-Draft \(reference.value)"
        case .uri: return "the web page \(reference.value)"
        default: return "\"\(shorten(reference.value))\""
        }
    }

    static func shorten(_ text: String, to limit: Int = 120) -> String {
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
    }

    /// 0.000076 → "0.0076%", 0.4 → "40%".
    static func percent(_ fraction: Double) -> String {
        let value = fraction * 100
        if value == 0 { return "0%" }
        var digits = 0
        while digits < 6, (value * pow10(digits)).rounded() < 10 { digits += 1 }
        return format(value, digits: digits) + "%"
    }

    static func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { acc, _ in acc * 10 } }

    /// A fixed-point number without Foundation.
    static func format(_ value: Double, digits: Int) -> String {
        let scale = pow10(digits)
        let scaled = Int((value * scale).rounded())
        guard digits > 0 else { return String(scaled) }
        let whole = scaled / Int(scale)
        let fraction = scaled % Int(scale)
        let fractionText = String(fraction)
        return "\(whole).\(String(repeating: "0", count: digits - fractionText.count))\(fractionText)"
    }

    /// The rules in words, for `explain ghosts`, `help ghosts` and the README.
    static let text = """
        A registration is one service name on one port or range, with every transport it was \
        registered for: wkstn-mon on 2991 for tcp and udp is one registration. Registry rows \
        without a name (Reserved, Unassigned) or without a port (names kept for DNS-SD only) \
        are not registrations here, because there is no port to look for them on.

        Each transport is judged on its own records: a citation or note on one transport's \
        record speaks for that transport only, so the SCTP records that cite RFC 4960 lend \
        nothing to TCP or UDP. The registration takes the best of its transports' verdicts, \
        and when they disagree the verdict names each one. The first of these that applies is \
        the verdict:

        Documented: the registry cites a document for it (an RFC, an Internet-Draft, a web \
        page or a text; a person's name is not a document), or nmap-services' comment for that \
        port and transport, under the same name, cites an RFC or a BSD manual page.

        Observed: nmap found its port open on that transport often enough, or a process \
        listening here on its port and transport looks like the service: it is the service's \
        daemon by name (never a generic runtime such as python3, java or node), or a probe \
        found it speaking the registered protocol. A registration can be both documented and \
        observed. "Often enough" is calibrated per transport from the nmap-services in use: \
        at or above the 90th percentile (nearest rank) of that transport's non-zero open \
        frequencies, because nmap's UDP figures crowd near its scans' floor while most of its \
        TCP figures lie far below it. A transport with fewer than 100 non-zero frequencies \
        gets no cut-off (nmap's SCTP column is all zeros).

        Legacy: a System port (0-1023) whose TCP and UDP records carry no registration date. \
        IANA's dates begin in 2002; the undated System ports come from the Well Known Ports \
        lists kept before RFC 6335, assigned to protocols in use, and those rarely cite \
        anything. Undated User ports are not legacy: the old Registered Ports list only \
        recorded requests, which is how wkstn-mon got 2991.

        Faint: only weak hints: a description that says more than the name (after dropping \
        the name's own words and generic words such as server, service, protocol, port, \
        daemon, the, and, for and system, something is left: "WKSTN-MON" for wkstn-mon says \
        nothing more, and neither does "Avenyo Server" for avenyo); an assignment note; or a \
        curated services(5) file listing the name, or an alias, for that port and transport. \
        A services(5) file with more than 2,000 port and transport entries is a wholesale \
        copy of the registry (Debian's netbase keeps about 300, for software people run; the \
        registry has about 11,000 named TCP and UDP entries), so a listing there is only noted.

        Ghost: nothing at all.

        Context, shown but not evidence: a registration or modification date (so 'ghosts \
        --year' finds the ghosts of any year); a different program listening on the port \
        (the territory overrides the map: the port is used, but that does not make the \
        registered service real); a listener that cannot be told apart (its owner is hidden, \
        or it said nothing porthole recognises when probed), which counts neither for nor \
        against; an nmap frequency above zero but below its transport's cut-off.

        Every verdict names the sources it used (the registry, services(5), nmap's \
        frequencies, the listeners here) and the ones it could not; a missing source can only \
        withhold evidence, so a ghost without nmap or the listeners is provisional.
        """
}
