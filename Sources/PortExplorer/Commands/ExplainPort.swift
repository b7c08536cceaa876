import PortListeners
import PortRegistry

/// What `explain` was asked about, when it is not a topic.
enum ExplainTarget: Equatable, Sendable {
    case port(UInt16, Transport?)
    case name(String)

    /// The ports whose listeners the story needs: one port, or the ports of a name.
    func ports(in registry: Registry) -> [ClosedRange<UInt16>] {
        switch self {
        case .port(let port, _): return [port...port]
        case .name(let name):
            return Registration.group(registry.records(named: name)).map { $0.ports.lower...$0.ports.upper }
        }
    }

    static func parse(_ word: String, registry: Registry) throws(CommandError) -> ExplainTarget {
        // Offer only the forms explain takes: PortQuery's own message would suggest ranges and
        // ~keywords, which explain refuses.
        let portLike = word.first.map { $0.isASCII && ($0.isNumber || $0 == "-" || $0 == "+") } ?? false
        if !portLike, !word.hasPrefix("~"), !PortQuery.isServiceName(Substring(word.split(separator: "/").first ?? ""))
        {
            throw CommandError(
                "explain",
                problem: "'\(word)' is not a topic, a port (0-65535, optionally /tcp or /udp) or a service name",
                hint: "type 'explain' for the topics")
        }
        switch try PortQuery.parse(word, command: "explain") {
        case .port(let port, let transport): return .port(port, transport)
        case .range, .keyword:
            throw CommandError(
                "explain", "'\(word)' names several ports; explain takes one port or name (try 'lookup \(word)')")
        case .name: break
        }
        if !registry.records(named: word).isEmpty { return .name(word) }
        let topic = Suggest.nearest(to: word.lowercased(), in: ExplainTopics.names)
        var error = CommandError.unknown(
            "explain", "no topic, port or service named '\(word)'", word: word, candidates: registry.serviceNames(),
            hint: "type 'explain' for the topics"
        )
        error.suggestion = topic ?? error.suggestion
        throw error
    }
}

/// The story of one port, told from the registry, this host and nmap.
enum ExplainPort {
    /// Pure: a session passes `explorer.hostFacts(listenersOn: target.ports(in:))`.
    static func result(for target: ExplainTarget, registry: Registry, facts: HostFacts) -> ExplainResult {
        switch target {
        case .port(let port, let transport):
            return narrative(port: port, transport: transport, focus: nil, registry: registry, facts: facts)
        case .name(let name):
            let registrations = Registration.group(registry.records(named: name))
            guard let first = registrations.first else { return portless(name, registry: registry) }
            return narrative(port: first.ports.lower, transport: nil, focus: name, registry: registry, facts: facts)
        }
    }

    /// The facts with every listener on the story's port probed (`explain PORT --probe`).
    static func probed(
        _ facts: HostFacts, target: ExplainTarget, registry: Registry, method: ProbeTarget.Method,
        _ context: CommandContext
    ) throws(CommandError) -> HostFacts {
        guard case .seen(let listeners, let source, let notes) = facts.listeners else { return facts }
        let port: UInt16
        switch target {
        case .port(let p, _): port = p
        case .name(let name):
            guard let first = Registration.group(registry.records(named: name)).first else { return facts }
            port = first.ports.lower
        }
        var out: [ListenerFact] = []
        for var listener in listeners {
            if listener.port == port {
                let names = registry.serviceNames(onPort: port, transport: listener.transport)
                let probeTarget = ProbeTarget(
                    transport: listener.transport == .tcp ? .tcp : .udp, address: listener.address, port: port,
                    expected: names.flatMap(ProbeProtocol.expected(forService:)), method: method)
                do throws(CommandError) {
                    listener.probe = try context.probe(probeTarget)
                } catch  where error.kind != .interrupted {
                    throw CommandError("explain", problem: error.problem, kind: error.kind)
                }
            }
            out.append(listener)
        }
        var probed = facts
        probed.listeners = .seen(out, source: source, notes: notes)
        return probed
    }

    static func narrative(port: UInt16, transport: Transport?, focus: String?, registry: Registry, facts: HostFacts)
        -> ExplainResult
    {
        let p = "\(port)"
        let shown = transport.map { "\(p)/\($0.rawValue)" } ?? p
        let rangeClass = RangeClass(port: port)
        let settings = facts.settings
        let allRecords = registry.records(onPort: port)
        let records = allRecords.filter { transport == nil || $0.transport == nil || $0.transport == transport }
        var registrations = Registration.group(records)
        if let focus {
            let wanted = focus.lowercased()
            registrations.sort { ($0.name.lowercased() == wanted ? 0 : 1) < ($1.name.lowercased() == wanted ? 0 : 1) }
        }
        let assessments = registrations.map { GhostRules.assess($0, facts: facts.ghostFacts(for: $0)) }
        let listeners = facts.listeners(onPort: port, transport: transport)
        let transportsAsked =
            transport.map { [$0] }
            ?? Array(Set(registrations.flatMap(\.transports) + [.tcp, .udp])).sorted()
        var paragraphs: [String] = []
        var fields: [String: JSON] = [
            "port": .int(Int(port)), "transport": .optional(transport?.rawValue),
            "rangeClass": .string(rangeClass.rawValue),
            "registry": registry.source.json,
        ]

        // Paragraphs that quote the map or the territory are shown through `Visible.text`; the
        // JSON fields beside them keep the original strings.

        // 1. The map.
        let source = "the \(registry.source.summary)"
        var map: [String] = []
        let status: String
        if !registrations.isEmpty {
            status = "registered"
            for (i, r) in registrations.prefix(3).enumerated() {
                map.append(describe(r, port: port, shown: shown, first: i == 0, source: source, registry: registry))
            }
            if registrations.count > 3 {
                map.append("\(registrations.count - 3) more names share this port; 'lookup \(p)' lists them all.")
            }
        } else if port == 0 {
            status = "reserved"
            map.append(
                "In \(source), port 0 is Reserved, and no service can be found there: a program that asks to bind port 0 is given a free port chosen by the system instead, so no socket ever listens on port 0."
            )
        } else if records.contains(where: \.isReserved) {
            status = "reserved"
            map.append("In \(source), port \(shown) is marked Reserved: IANA holds it back and assigns it to no one.")
        } else if records.contains(where: \.isUnassigned) {
            status = "unassigned"
            let how =
                rangeClass == .system ? ", through IETF Review or IESG Approval" : ", most likely after Expert Review"
            map.append(
                "In \(source), port \(shown) is Unassigned: nobody holds it, so IANA could still give it to a new protocol\(how)."
            )
        } else if rangeClass == .dynamic {
            status = "dynamic"
            map.append(
                "\(source.prefix(1).uppercased() + source.dropFirst()) has no entry for port \(shown): like every port from 49152 up, it lies in the Dynamic range, which IANA never assigns."
            )
        } else {
            status = "absent"
            map.append(
                "\(source.prefix(1).uppercased() + source.dropFirst()) has no entry at all for port \(shown), not even an Unassigned row, so this copy of the registry may be partial."
            )
        }
        if let transport, registrations.isEmpty {
            let elsewhere = Registration.group(allRecords.filter { $0.transport != transport })
            if let other = elsewhere.first {
                map.append(
                    "On \(GapWords.list(other.transports.map { $0.rawValue.uppercased() })) it is registered to \(other.name), but not on \(transport.rawValue.uppercased())."
                )
            }
        }
        fields["status"] = .string(status)
        paragraphs.append(Visible.text(map.joined(separator: " ")))

        // 2. The range, and this host's settings for it.
        paragraphs.append(rangeParagraph(port: port, shown: shown, rangeClass: rangeClass, settings: settings, &fields))

        // 3. The ghost verdicts.
        if !assessments.isEmpty {
            paragraphs.append(Visible.text(assessments.prefix(3).map(verdictSentences).joined(separator: " ")))
        }

        // 4. This system's services file and nmap.
        paragraphs.append(
            Visible.text(
                otherMapsParagraph(
                    port: port, transports: transportsAsked, names: Set(registrations.map { $0.name.lowercased() }),
                    facts: facts, &fields)))

        // 5. The territory here.
        paragraphs.append(
            Visible.text(
                listenerParagraph(
                    port: port, shown: shown, rangeClass: rangeClass, listeners: listeners,
                    primary: registrations.first,
                    facts: facts)))
        fields["listeners"] =
            facts.listeners.wasChecked
            ? .array(
                listeners.map {
                    [
                        "endpoint": .string($0.endpoint), "processes": .strings($0.processes),
                        "pids": .array($0.pids.map { .int(Int($0)) }),
                    ]
                })
            : .null

        // 6. How to check elsewhere, said once in the topics rather than in every story
        // (nothing can listen on port 0, so there is nothing to check).
        if port != 0 {
            paragraphs.append(
                "To look for a listener on port \(p) on another machine, 'explain listening' gives the commands for Linux, macOS and Windows; to ask it from outside, 'explain nmap'."
            )
        }

        // 7. What it means.
        paragraphs.append(
            Visible.text(
                meaning(
                    port: p, rangeClass: rangeClass, settings: settings, status: status, primary: assessments.first,
                    listeners: listeners, checked: facts.listeners.wasChecked,
                    nmapOpen: transportsAsked.compactMap { t in
                        facts.maps.nmap?[ServiceKey(port: port, transport: t)].flatMap {
                            $0.frequency > 0 ? (t, $0.frequency) : nil
                        }
                    })))

        fields["registrations"] = .array(
            assessments.map { a in
                var object = GhostsResult.json(a, contacts: a.registration.personIDs.map { registry.personName($0) })
                if var f = object.objectFields {
                    f["range"] = nil
                    object = .object(f)
                }
                return object
            })
        fields["verdict"] = .optional(assessments.first?.verdict.rawValue)
        fields["evidence"] = assessments.first.map { .array($0.evidence.map(\.json)) } ?? .array([])
        let answer = ExplainAnswer(
            port: port, shown: shown, status: status, rangeClass: rangeClass, registrations: registrations,
            primary: assessments.first, listeners: listeners, territory: facts.listeners)
        fields["answer"] = answer.json
        var result = ExplainResult(
            topic: "port", title: "Port \(shown)", body: paragraphs.joined(separator: "\n\n"), facts: fields)
        result.answer = answer
        return result
    }

    /// What the registry says about one registration on this port, and how complete that is.
    static func describe(
        _ r: Registration, port: UInt16, shown: String, first: Bool, source: String, registry: Registry
    ) -> String {
        let transports = GapWords.list(r.transports.map { $0.rawValue.uppercased() })
        var s = first ? "In \(source), port \(shown) is registered to \(r.name)" : "It is also registered to \(r.name)"
        if !transports.isEmpty { s += " for \(transports)" }
        if !r.ports.isSinglePort { s += ", as part of the range \(r.ports)" }
        let description = r.description.trimmingWhitespace()
        if !description.isEmpty {
            s +=
                GhostRules.restatesName(description: description, name: r.name)
                ? ", with the description \"\(description)\", which only restates the name"
                : ", described as \"\(description)\""
        }
        s += "."
        func named(_ id: String) -> String {
            let person = registry.person(id)
            return person.organization.map { "\(person.name) (\($0))" } ?? person.name
        }
        let people = perTransport(r) { record in
            var seen: Set<String> = []
            return (record.assignees + record.contacts).filter { seen.insert($0).inserted }.map(named)
        }
        if people.isEmpty {
            s += " No contact is named."
        } else if people.count == 1, people[0].items.count == 1 {
            s += " The contact named is \(people[0].items[0])."
        } else {
            s += " The contacts named are " + perTransportPhrase(people) + "."
        }
        let documents = perTransport(r) { record in
            var seen: Set<Reference> = []
            return record.references.filter {
                GhostRules.documentingReferences.contains($0.kind) && seen.insert($0).inserted
            }.prefix(3).map(GhostRules.describe)
        }
        var absent: [String] = []
        if documents.isEmpty { absent.append("cites no RFC, draft or web page") }
        if r.records.allSatisfy({ ($0.notes ?? "").isEmpty }) { absent.append("has no notes") }
        if r.registered == nil && r.modified == nil { absent.append("carries no dates") }
        var present: [String] = []
        if !documents.isEmpty { present.append("cites " + perTransportPhrase(documents)) }
        if let date = r.registered { present.append("was registered \(date.onOrIn)") }
        if !present.isEmpty { s += " It " + GapWords.list(present) + "." }
        if !absent.isEmpty {
            s +=
                absent.count == 3
                ? " That is the whole entry: it " + GapWords.list(absent) + "." : " It " + GapWords.list(absent) + "."
        }
        return s
    }

    /// What the records of one registration say, grouped by transport when the transports disagree:
    /// `https` names Kipp E B Hickman for TCP and UDP but Randall Stewart for SCTP, and saying
    /// "Kipp E B Hickman and Randall Stewart" would make one contact of two.
    static func perTransport(_ r: Registration, _ items: (ServiceRecord) -> [String]) -> [(
        transports: [Transport], items: [String]
    )] {
        var groups: [(transports: [Transport], items: [String])] = []
        for record in r.records {
            let list = items(record)
            guard !list.isEmpty else { continue }
            if let i = groups.firstIndex(where: { $0.items == list }) {
                if let t = record.transport, !groups[i].transports.contains(t) { groups[i].transports.append(t) }
            } else {
                groups.append((record.transport.map { [$0] } ?? [], list))
            }
        }
        return groups
    }

    /// `X and Y`, or `X for TCP and UDP, and Y for SCTP` when the transports differ.
    static func perTransportPhrase(_ groups: [(transports: [Transport], items: [String])]) -> String {
        if groups.count == 1 { return GapWords.list(groups[0].items) }
        return groups.map { group in
            let on = GapWords.list(group.transports.sorted().map { $0.rawValue.uppercased() })
            return GapWords.list(group.items) + (on.isEmpty ? "" : " for \(on)")
        }.joined(separator: ", and ")
    }

    static func rangeParagraph(
        port: UInt16, shown: String, rangeClass: RangeClass, settings: HostPortSettings, _ fields: inout [String: JSON]
    ) -> String {
        var s: String
        switch rangeClass {
        case .system where port == 0:
            s =
                "Port 0 sits at the bottom of the System range (0-1023), but no program can listen on it: it stands for \"any free port\"."
        case .system:
            s = "Port \(port) is a System port (0-1023), where new assignments need IETF Review or IESG Approval."
            if let start = settings.unprivilegedPortStart {
                s +=
                    Int(port) < start
                    ? " On this host only privileged programs may bind it (ip_unprivileged_port_start is \(start))."
                    : " On this host any program may bind it, because ip_unprivileged_port_start is \(start)."
            } else {
                s += " On most Unix systems only privileged programs may bind it."
            }
        case .user:
            s =
                "Port \(port) is a User port (1024-49151), the range where IANA assigns numbers to vendors and projects, mostly after Expert Review."
        case .dynamic:
            s =
                "Port \(port) is in the Dynamic range (49152-65535), which IANA never assigns: systems hand its ports out at run time, so RFC 6335 (section 8.1.2) says no service may use one as its fixed port."
        }
        if let ephemeral = settings.ephemeralRange {
            let inside = ephemeral.contains(port)
            fields["inEphemeralRange"] = .bool(inside)
            if inside {
                s +=
                    " It also lies in this host's ephemeral range, \(ephemeral.spelled), so the kernel may use it as the source port of an outgoing connection"
                s +=
                    rangeClass == .dynamic
                    ? "; seen on a connection, it is most likely the client's side."
                    : ", and a server that wants it could find it briefly taken."
            } else if rangeClass == .dynamic {
                s +=
                    " It is outside this host's ephemeral range, \(ephemeral.spelled), so the kernel never picks it by itself; a socket on it here was placed there on purpose."
            }
        }
        if settings.isReserved(port) {
            s += " It is listed in ip_local_reserved_ports, so the kernel never picks it as an ephemeral port."
        }
        fields["ephemeralRange"] = ExplainTopicText.rangeJSON(settings.ephemeralRange)
        fields["privileged"] = settings.unprivilegedPortStart.map { .bool(Int(port) < $0) } ?? .null
        fields["reservedHere"] = settings.reservedPorts == nil ? .null : .bool(settings.isReserved(port))
        return s
    }

    static func verdictSentences(_ a: GhostAssessment) -> String {
        let name = a.registration.name
        let strong = a.evidence.filter { $0.strength == .strong }.map(\.sentence)
        let weak = a.evidence.filter { $0.strength == .weak }.map(\.sentence)
        // What listens here has a paragraph of its own; the verdict does not repeat it.
        let noted = a.evidence.filter { $0.strength == .noted && $0.kind != .otherListener }.map(\.sentence)
        var s: String
        switch a.verdict {
        case .documented, .observed:
            s = "By porthole's ghost rules, \(name) is \(a.phrase). " + strong.prefix(3).joined(separator: " ")
        case .legacy:
            s =
                "By porthole's ghost rules, \(name) is legacy: nothing documents it or shows it in use, but it is an "
                + "old assignment, not a ghost. " + weak.joined(separator: " ")
        case .faint:
            s =
                "By porthole's ghost rules, \(name) is faint: nothing documents it or shows it in use, only this. "
                + weak.joined(separator: " ")
        case .ghost:
            s =
                "By porthole's ghost rules, \(name) is a ghost: nothing beyond the registration itself. Missing: "
                + GapWords.list(a.missing) + "."
        }
        if a.transportsDisagree { s += " By transport: \(a.perTransportPhrase)." }
        s += " It is \(a.basis)"
        if !noted.isEmpty { s += " Noted, but not evidence: " + noted.joined(separator: " ") }
        return s
    }

    static func otherMapsParagraph(
        port: UInt16, transports: [Transport], names: Set<String>, facts: HostFacts, _ fields: inout [String: JSON]
    ) -> String {
        var s: String
        let maps = facts.maps
        if !facts.hasServicesFile {
            s =
                "porthole could not read a services file here, so it cannot say what local programs would call this port."
            fields["servicesFile"] = .null
        } else {
            let listed = transports.compactMap { t in
                maps.services[ServiceKey(port: port, transport: t)].map { (t, $0) }
            }
            fields["servicesFile"] = .array(
                listed.map { ["transport": .string($0.0.rawValue), "names": .strings($0.1)] })
            if listed.isEmpty {
                s =
                    "This system's services file (\(maps.servicesPath)) does not list port \(port), so tools here show it as a bare number."
            } else {
                let parts = listed.map { t, list in
                    "\(port)/\(t.rawValue) as \(list[0])"
                        + (list.count > 1 ? " (also \(list.dropFirst().joined(separator: ", ")))" : "")
                }
                s = "This system's services file (\(maps.servicesPath)) lists \(GapWords.list(parts))"
                let localNames = Set(listed.flatMap { $0.1.map { $0.lowercased() } })
                if names.isEmpty {
                    s += ", a name the registry does not give this port."
                } else if !localNames.isDisjoint(with: names) {
                    s += ", agreeing with the registry."
                } else {
                    s += ", which is not the registry's name for it."
                }
            }
        }
        if let nmap = maps.nmap {
            let entries = transports.compactMap { t in nmap[ServiceKey(port: port, transport: t)].map { (t, $0) } }
            fields["nmap"] = .array(
                entries.map {
                    [
                        "transport": .string($0.0.rawValue), "name": .string($0.1.name),
                        "frequency": .double($0.1.frequency),
                    ]
                })
            if entries.isEmpty {
                s += " nmap's table does not list port \(port)."
            } else {
                let parts = entries.map { t, e in
                    let named =
                        e.name == "unknown"
                        ? "has no name for \(port)/\(t.rawValue)" : "calls \(port)/\(t.rawValue) \(e.name)"
                    return e.frequency > 0
                        ? "\(named) and found it open on \(GhostRules.percent(e.frequency)) of the hosts it scanned"
                        : "\(named) but never found it open"
                }
                s += " nmap " + parts.joined(separator: "; it ") + "."
            }
        } else {
            fields["nmap"] = .null
            s += " nmap is not installed here, so there is no frequency to quote."
        }
        return s
    }

    static func listenerParagraph(
        port: UInt16, shown: String, rangeClass: RangeClass, listeners: [ListenerFact], primary: Registration?,
        facts: HostFacts
    ) -> String {
        switch facts.listeners {
        case .unavailable(let why):
            return
                "porthole cannot see this host's listeners (\(why)), so it cannot say whether anything uses port \(port) here."
        case .notLooked:
            return "porthole did not look at this host's listeners for this answer."
        case .seen(_, let source, _):
            guard !listeners.isEmpty else {
                return "Nothing listens on port \(shown) on this host right now (read from \(source))."
            }
            var s =
                "On this host, "
                + listeners.prefix(4).map { l in
                    "\(l.owner) listens on \(l.endpoint)" + (l.probe.map { " and, when probed, \($0.phrase)" } ?? "")
                }.joined(separator: "; ") + "."
            if listeners.count == 5 { s += " 1 more socket uses this port." }
            if listeners.count > 5 { s += " \(listeners.count - 4) more sockets use this port." }
            if let primary {
                let untold = listeners.filter { $0.resemblance(to: primary.name) == .cannotTell }
                if listeners.contains(where: { $0.looksLike(primary.name) }) {
                    s +=
                        " That looks like \(primary.name), the registered service: here the map and the territory agree."
                } else if let first = untold.first {
                    s +=
                        " Whether that is \(primary.name) cannot be told from here: \(first.whyUntold)."
                    if first.probe == nil { s += " 'explain \(port) --probe' asks it what it speaks." }
                } else {
                    s +=
                        " None of that looks like \(primary.name): the port is in use here, by something the registry does not describe."
                }
            } else if rangeClass == .dynamic {
                s +=
                    " Nobody registers ports in this range, so the program chose the number itself, which is what the Dynamic range is for."
            } else {
                s +=
                    " Nobody registered this port, so the program chose the number on its own (see 'explain squatting')."
            }
            return s
        }
    }

    static func meaning(
        port: String, rangeClass: RangeClass, settings: HostPortSettings, status: String, primary: GhostAssessment?,
        listeners: [ListenerFact], checked: Bool, nmapOpen: [(Transport, Double)] = []
    ) -> String {
        let owners = GapWords.list(Array(Set(listeners.flatMap(\.processes))).sorted())
        let who = owners.isEmpty ? "a program porthole cannot see" : owners
        if let primary {
            let name = primary.registration.name
            let matching = listeners.contains { $0.looksLike(name) }
            let untold = !listeners.isEmpty && listeners.allSatisfy { $0.resemblance(to: name) == .cannotTell }
            switch (primary.verdict, listeners.isEmpty) {
            case (_, false) where matching:
                return
                    "In short: \(name) is registered here and something that looks like it is running. For this port, the map describes the territory."
            case (_, false) where untold:
                return
                    "In short: \(name) is registered here and \(who) listens on port \(port), but nothing shows whether it is \(name) or something else. Ask the process, or what it speaks, not the registry."
            case (.ghost, false), (.faint, false), (.legacy, false):
                return
                    "In short: the registry promises \(name), and this host runs \(who) on port \(port). Believe the territory: on this machine, port \(port) means \(who), whatever the registry says."
            case (.documented, false), (.observed, false):
                return
                    "In short: \(name) is a real protocol (\(primary.phrase)), but what listens on port \(port) here is \(who). A port number is not an identity (see 'explain security')."
            case (.observed, true):
                return
                    "In short: \(name) is seen open in the wild, though the registry cites no document for it; this host just \(checked ? "does not run it right now" : "could not be checked for it")."
            case (.legacy, true):
                return
                    "In short: \(name) is an old assignment from before RFC 6335, with nothing on record to show it still runs. If you find port \(port) open somewhere, ask the process holding it, not the registry."
            case (.documented, true):
                return
                    "In short: \(name) is a real, documented protocol; this host just \(checked ? "does not run it right now" : "could not be checked for it")."
            case (.faint, true):
                return
                    "In short: \(name) has a little paperwork but nothing showing it in use. Treat the name as a hint, not a fact: if you find port \(port) open somewhere, ask the process holding it, not the registry."
            case (.ghost, true):
                return
                    "In short: port \(port) is a name in a ledger. Someone registered it, and nothing shows the protocol ever ran in public. If you find it open somewhere, the registry will not tell you what it is; the process holding the socket will."
            }
        }
        switch (status, listeners.isEmpty) {
        case ("dynamic", true):
            // nmap finds some Dynamic ports open on many hosts (49152/tcp on 0.79%): a listener
            // there is a program the system or its configuration put there, not a client.
            let sightings = nmapOpen.map {
                "\(port)/\($0.0.rawValue) open on \(GhostRules.percent($0.1)) of the hosts it scanned"
            }
            let seen =
                sightings.isEmpty
                ? " Listening there, it is a program that picked the number or was handed it at run time."
                : " Yet servers do listen here: nmap found \(GapWords.list(sightings)), so a listener on it is a program that picked the number or was handed it at run time."
            return
                "In short: port \(port) belongs to no one. As the local port of an outgoing connection it is most likely a client's source port.\(seen)"
        case ("dynamic", false):
            return
                "In short: port \(port) belongs to no one, and here \(who) uses it; that is exactly what the Dynamic range allows."
        case ("reserved", _) where port == "0":
            return
                "In short: port 0 is a placeholder, not a service. Binding it means \"give me any free port\", so no program listens on it; packets that carry port 0 on the wire come from scanners or broken software, not from a service."
        case ("reserved", _):
            return
                "In short: port \(port) is held back on paper; anything using it is doing so without any assignment behind it."
        case (_, false):
            return
                "In short: nobody holds port \(port) on paper, and \(who) uses it here anyway. It works until something else picks the same number."
        default:
            return
                "In short: nothing claims port \(port), on paper or\(checked ? "" : " (as far as porthole could check)") on this host."
        }
    }

    /// A name registered without a port.
    static func portless(_ name: String, registry: Registry) -> ExplainResult {
        let records = registry.records(named: name)
        let spelled = records.first?.name ?? name
        var s =
            "\(spelled) is registered in the \(registry.source.summary) as a service name without a port number. Names like this are used with DNS SRV records and DNS-SD, which tell each client which port to use on each host, so there is no fixed port to look at."
        if let description = records.map(\.description).first(where: { !$0.isEmpty }) {
            s += " Its description reads \"\(description)\"."
        }
        let people = Array(Set(records.flatMap { $0.assignees + $0.contacts })).sorted().map {
            registry.personName($0)
        }
        if !people.isEmpty { s += " The contact named is \(GapWords.list(people))." }
        let answer = ExplainAnswer(
            map: "a name without a port, for DNS SRV and DNS-SD", territory: "no fixed port to look for here",
            verdict: "name only: DNS tells each client which port to use")
        var result = ExplainResult(
            topic: "name", title: Visible.text(spelled), body: Visible.text(s),
            facts: ["name": .string(spelled), "port": .null, "registry": registry.source.json, "answer": answer.json])
        result.answer = answer
        return result
    }
}

/// The three lines a port's story leads with, and all that `explain PORT --brief` prints: what
/// the map says, what the territory here shows, and the verdict on the two together.
struct ExplainAnswer: Sendable, Equatable {
    let map: String
    let territory: String
    let verdict: String

    init(map: String, territory: String, verdict: String) {
        self.map = map
        self.territory = territory
        self.verdict = verdict
    }

    init(
        port: UInt16, shown: String, status: String, rangeClass: RangeClass, registrations: [Registration],
        primary: GhostAssessment?, listeners: [ListenerFact], territory: ListenerFacts
    ) {
        map = Self.map(port: port, status: status, registrations: registrations)
        switch territory {
        case .seen:
            if let first = listeners.first {
                let more = listeners.count - 1
                // The reason an owner is hidden is the story's to tell; a line has room for the fact.
                let owner = first.processes.isEmpty ? "a process porthole cannot see" : first.owner
                self.territory =
                    "\(owner) on \(first.endpoint)"
                    + (more == 0 ? "" : more == 1 ? " and 1 more socket" : " and \(more) more sockets")
            } else {
                self.territory = "nothing listens on \(shown) here"
            }
        case .unavailable(let why): self.territory = "cannot be seen here (\(why))"
        case .notLooked: self.territory = "not looked at"
        }
        verdict = Self.verdict(
            port: port, status: status, rangeClass: rangeClass, primary: primary, listeners: listeners,
            checked: territory.wasChecked)
    }

    /// What the registry says, in a phrase: the first name, its transports and what it cites.
    static func map(port: UInt16, status: String, registrations: [Registration]) -> String {
        guard let first = registrations.first else {
            switch status {
            case "reserved" where port == 0: return "Reserved: port 0 stands for \"any free port\""
            case "reserved": return "Reserved: IANA holds it back and assigns it to no one"
            case "unassigned": return "Unassigned: nobody holds it"
            case "dynamic": return "no entry: the Dynamic range, which IANA never assigns"
            default: return "no entry at all (this copy of the registry may be partial)"
            }
        }
        let transports = first.transports.map { $0.rawValue.uppercased() }
        var s = first.name + (transports.isEmpty ? "" : " (\(transports.joined(separator: ", ")))")
        let documents = Array(
            Set(
                first.records.flatMap(\.references).filter { GhostRules.documentingReferences.contains($0.kind) }
                    .map(GhostRules.describe))
        ).sorted()
        s += documents.isEmpty ? ", citing no document" : ", citing \(GapWords.list(Array(documents.prefix(2))))"
        if registrations.count > 1 {
            s += "; \(registrations.count - 1) more name\(registrations.count == 2 ? "" : "s")"
        }
        return s
    }

    /// The map and the territory judged together: as `who` judges a listener when something
    /// listens, else by the ghost rules (or, with no registration, by what the map says).
    static func verdict(
        port: UInt16, status: String, rangeClass: RangeClass, primary: GhostAssessment?, listeners: [ListenerFact],
        checked: Bool
    ) -> String {
        let who = GapWords.list(Array(Set(listeners.flatMap(\.processes))).sorted())
        let holder = who.isEmpty ? "a process porthole cannot see" : who
        if let primary {
            let name = primary.registration.name
            if !listeners.isEmpty {
                if listeners.contains(where: { $0.looksLike(name) }) { return "matches: \(holder) looks like \(name)" }
                if listeners.allSatisfy({ $0.resemblance(to: name) == .cannotTell }) {
                    return "unknown: cannot tell from here whether this is \(name)"
                }
                return "differs: \(holder), not \(name) (\(primary.phrase))"
            }
            let here = checked ? "not running here now" : "listeners here unseen"
            switch primary.verdict {
            case .ghost: return "ghost: nothing shows \(name) ever ran" + (checked ? "" : " (\(here))")
            case .faint: return "faint: some paperwork, nothing shows \(name) in use" + (checked ? "" : " (\(here))")
            case .legacy: return "legacy: an old assignment; \(checked ? "nothing shows it still runs" : here)"
            case .documented: return "\(primary.phrase): a real protocol, \(here)"
            case .observed: return "observed: seen open in the wild, \(here)"
            }
        }
        if !listeners.isEmpty {
            return rangeClass == .dynamic
                ? "dynamic: \(holder) uses a number IANA never assigns"
                : "unregistered: \(holder) took a number nobody holds"
        }
        let here = checked ? "or here" : "or, as far as porthole could check, here"
        switch status {
        case "reserved" where port == 0: return "placeholder: binding port 0 asks for any free port"
        case "reserved": return "reserved: held back on paper, \(checked ? "unused here" : "unchecked here")"
        case "dynamic": return "free: no one's on paper \(here); the kernel may hand it out"
        default: return "free: nothing claims port \(port), on paper \(here)"
        }
    }

    /// The three lines, the labels in a column and each line wrapped under itself.
    func text(_ context: TextContext) -> String {
        var table = Table()
        table.add(["map", Visible.text(map)])
        table.add(["territory", Visible.text(territory)])
        table.add(["verdict", Visible.text(verdict)])
        return table.render(context, wrapping: true)
    }

    var json: JSON {
        .fields([("map", .string(map)), ("territory", .string(territory)), ("verdict", .string(verdict))])
    }
}
