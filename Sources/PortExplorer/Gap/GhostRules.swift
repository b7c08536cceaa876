import PortRegistry

/// What this host and nmap say about one registration: the facts beside the registry.
///
/// `HostFacts.ghostFacts(for:)` fills this from the services(5) file,
/// nmap-services and a listener scan; tests fill it by hand.
struct GhostFacts: Sendable, Equatable {
    /// The registration's name (or an alias) is listed for its port and a transport of it
    /// in this system's services(5) file.
    var inServicesFile: Bool
    /// The highest open frequency nmap gives any of its port/transport entries; nil when
    /// nmap lists none of them.
    var nmapFrequency: Double?
    /// Sockets listening here on its port(s) and transport(s).
    var listeners: [ListenerFact]
    /// Which sources were actually consulted; an unconsulted source proves nothing either way.
    var servicesFileChecked: Bool
    var nmapChecked: Bool
    var listenersChecked: Bool

    init(
        inServicesFile: Bool = false, nmapFrequency: Double? = nil, listeners: [ListenerFact] = [],
        servicesFileChecked: Bool = true, nmapChecked: Bool = true, listenersChecked: Bool = true
    ) {
        self.inServicesFile = inServicesFile
        self.nmapFrequency = nmapFrequency
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
    /// Shows the service exists beyond its registration.
    case strong
    /// Someone wrote or kept something about it, but it proves no use.
    case weak
    /// Worth saying, but not evidence that the registered service exists.
    case noted

    static func < (a: GhostStrength, b: GhostStrength) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One fact for or about a registration, with the sentence that says it.
struct GhostEvidence: Hashable, Sendable {
    enum Kind: String, Sendable, CaseIterable {
        case reference, nmap, listener, description, notes, dates, servicesFile
        case otherListener, unidentifiedListener, rareInNmap, unauthorizedUse
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

/// The ghost rules' answer for one registration.
enum GhostVerdict: String, Sendable, CaseIterable {
    /// At least one strong piece of evidence.
    case documented
    /// No strong evidence, but something weak.
    case faint
    /// Nothing beyond the registration itself.
    case ghost

    var meaning: String {
        switch self {
        case .documented: "documented: something outside the registry shows this service exists"
        case .faint:
            "faint: the registry or this system says a little more than the name, but nothing shows the service in use"
        case .ghost: "ghost: a name, a port and a contact, and nothing else"
        }
    }
}

/// A registration with its evidence, its verdict and what is missing.
struct GhostAssessment: Sendable {
    let registration: Registration
    let evidence: [GhostEvidence]
    let verdict: GhostVerdict
    /// Short phrases for what was looked for and not found: `a reference`, `dates`.
    let missing: [String]

    /// The registration cites no RFC, draft, web page or text.
    var hasNoReference: Bool { !evidence.contains { $0.kind == .reference } }
    /// The description is empty or only restates the name.
    var restatesName: Bool { !evidence.contains { $0.kind == .description } }
    var hasOtherListener: Bool { evidence.contains { $0.kind == .otherListener } }
}

/// The ghost rules: which facts count as evidence that a registered service exists.
enum GhostRules {
    /// nmap's frequency is the fraction of scanned hosts where it found the port open;
    /// at or above 1 in 2,000 counts as seen in the wild.
    static let nmapThreshold = 0.0005

    /// Reference kinds that document a service: RFCs, drafts, web pages and free text.
    /// Person references only name who asked, and document nothing.
    static let documentingReferences: Set<Reference.Kind> = [.rfc, .draft, .uri, .text]

    /// Words that say nothing about what a service is.
    static let genericWords: Set<String> = [
        "server", "servers", "service", "services", "protocol", "protocols", "port", "ports", "daemon",
        "the", "and", "for", "system", "systems", "of", "a", "an",
    ]

    static func assess(_ registration: Registration, facts: GhostFacts) -> GhostAssessment {
        var evidence: [GhostEvidence] = []
        var missing: [String] = []
        let name = registration.name
        let ports = registration.ports.isSinglePort ? "port \(registration.ports)" : "ports \(registration.ports)"

        // Strong: documents.
        let references = registration.records.flatMap(\.references).filter { documentingReferences.contains($0.kind) }
        var seenReferences: Set<Reference> = []
        let unique = references.filter { seenReferences.insert($0).inserted }
        if !unique.isEmpty {
            let shown = unique.prefix(4).map(describe)
            let more = unique.count > 4 ? " and \(unique.count - 4) more" : ""
            let list =
                shown.count == 1
                ? shown[0]
                : shown.dropLast().joined(separator: ", ")
                    + (more.isEmpty ? " and " + shown.last! : ", " + shown.last! + more)
            evidence.append(GhostEvidence(.reference, .strong, "The registry cites \(list)."))
        }
        if references.isEmpty { missing.append("a reference") }

        // Strong or noted: nmap.
        if let frequency = facts.nmapFrequency, frequency > 0 {
            if frequency >= nmapThreshold {
                evidence.append(
                    GhostEvidence(
                        .nmap, .strong,
                        "nmap found \(ports) open on \(percent(frequency)) of the hosts it scanned, at or above porthole's threshold of 1 in 2,000."
                    ))
            } else {
                evidence.append(
                    GhostEvidence(
                        .rareInNmap, .noted,
                        "nmap found \(ports) open on only \(percent(frequency)) of the hosts it scanned, below porthole's threshold of 1 in 2,000."
                    ))
                missing.append("nmap sightings above 1 in 2,000")
            }
        } else if facts.nmapChecked {
            missing.append("nmap sightings")
        }

        // Strong or noted: the territory.
        let matching = facts.listeners.filter { $0.looksLike(name) }
        for listener in matching {
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
        if matching.isEmpty, !untold, facts.listenersChecked { missing.append("a listener here that looks like it") }

        // Weak: words and dates in the registry.
        let description = registration.description
        if isBlank(description) {
            missing.append("a description")
        } else if restatesName(description: description, name: name) {
            missing.append("a description beyond the name")
        } else {
            evidence.append(
                GhostEvidence(.description, .weak, "Its description, \"\(description)\", says more than the name."))
        }
        let notes = registration.records.compactMap(\.notes).filter { !$0.trimmingWhitespace().isEmpty }
        let noteReferences = registration.records.flatMap(\.references).filter { $0.kind == .note }
        if let note = notes.first ?? noteReferences.first?.value {
            evidence.append(
                GhostEvidence(.notes, .weak, "The registry keeps an assignment note: \"\(shorten(note))\"."))
        } else {
            missing.append("assignment notes")
        }
        switch (registration.registered, registration.modified) {
        case (let r?, let m?) where r != m:
            evidence.append(
                GhostEvidence(.dates, .weak, "It was registered \(r.onOrIn) and last modified \(m.onOrIn)."))
        case (let r?, _):
            evidence.append(GhostEvidence(.dates, .weak, "It was registered \(r.onOrIn)."))
        case (nil, let m?):
            evidence.append(GhostEvidence(.dates, .weak, "It was last modified \(m.onOrIn)."))
        case (nil, nil):
            missing.append("dates")
        }
        if facts.inServicesFile {
            evidence.append(
                GhostEvidence(.servicesFile, .weak, "This system's services file lists \(name) on \(ports)."))
        } else if facts.servicesFileChecked {
            missing.append("a services(5) entry")
        }

        // Noted: unauthorized uses IANA knows of.
        for use in Set(registration.records.compactMap(\.unauthorizedUses)) where !use.isEmpty {
            evidence.append(
                GhostEvidence(.unauthorizedUse, .noted, "IANA records a known unauthorized use: \"\(shorten(use))\"."))
        }

        let verdict: GhostVerdict =
            evidence.contains { $0.strength == .strong }
            ? .documented
            : evidence.contains { $0.strength == .weak } ? .faint : .ghost
        let ordered = evidence.enumerated().sorted {
            ($0.element.strength, $0.offset) < ($1.element.strength, $1.offset)
        }.map(\.element)
        return GhostAssessment(registration: registration, evidence: ordered, verdict: verdict, missing: missing)
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
        return name.withUTF8 { nameText in
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
                    return description.withUTF8 { text in
                        restates(text, name: name, wordEnds: UnsafeBufferPointer(rebasing: wordEnds[0..<words]))
                    }
                }
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
        // What is left, compared with the name as it grows: it matches while `leftMatches`.
        var leftMatches = true
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
            if leftMatches, leftLength + (i - start) <= name.count, equal(start, i, leftLength, leftLength + i - start)
            {
                leftLength += i - start
            } else {
                leftMatches = false
            }
        }
        return !anyLeft || (leftMatches && leftLength == name.count)
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

        Strong evidence that the service exists: the registry cites a document for it (an \
        RFC, an Internet-Draft, a web page or a text; a person's name is not a document); nmap \
        found its port open on at least 1 in 2,000 of the hosts it scanned (an open frequency \
        of 0.0005 or more in nmap-services, on any of its port and transport entries); or a \
        process listening here on its port and transport looks like the service: it is the \
        service's daemon by name (never a generic runtime such as python3, java or node), or \
        a probe found it speaking the registered protocol.

        Weak evidence: a description that says more than the name (after dropping the \
        name's own words and generic words such as server, service, protocol, port, daemon, \
        the, and, for and system, something is left: "WKSTN-MON" for wkstn-mon says \
        nothing more, and neither does "Avenyo Server" for avenyo); assignment notes; a \
        registration or modification date; or this system's services(5) file listing the \
        name, or an alias, for that port.

        Noted, but not evidence: a different program listening on the port (the territory \
        overrides the map: the port is used, but that does not make the registered service \
        real); a listener that cannot be told apart (its owner is hidden, or it said nothing \
        porthole recognises when probed), which counts neither for nor against; an nmap frequency above zero but below 1 in 2,000.

        The verdict: documented when there is any strong evidence, faint when there is only \
        weak evidence, and ghost when there is nothing at all.
        """
}
