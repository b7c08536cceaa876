import PortRegistry

/// The topics `explain` knows, in the order it lists them. `names` feeds Tab completion.
enum ExplainTopics {
    static let names: [String] = ExplainTopic.allCases.map(\.rawValue)
}

/// One thing `explain` can teach, apart from single ports.
enum ExplainTopic: String, CaseIterable, Sendable {
    case ranges, registration, ghosts, map, listening
    case tcp, udp, sctp, dccp
    case privileged, ephemeral
    case servicesFile = "services-file"
    case squatting, security, nmap

    var summary: String {
        switch self {
        case .ranges: "The three port ranges drawn to scale, and where this host takes its own ports from"
        case .registration: "How IANA assigns names and ports, and what an assignment promises"
        case .ghosts: "The ghost rules: when a registration has nothing behind it"
        case .map: "The map (IANA's registry) beside the territory (what really listens)"
        case .listening: "What a listening socket is, and how to list them on any system"
        case .tcp: "TCP: connections, and how one port serves many clients"
        case .udp: "UDP: datagrams, and why a UDP port is never 'LISTEN'"
        case .sctp: "SCTP: messages, streams and several addresses per end"
        case .dccp: "DCCP: congestion-controlled datagrams and service codes"
        case .privileged: "Ports below 1024, root and CAP_NET_BIND_SERVICE"
        case .ephemeral: "The source ports this system picks for outgoing connections"
        case .servicesFile: "/etc/services: what it is and what it is not"
        case .squatting: "Using a port nobody assigned you, and what to do instead"
        case .security: "Why a port number is not an identity"
        case .nmap: "nmap: asking a port from outside, and what its open frequencies measure"
        }
    }

    var title: String {
        switch self {
        case .ranges: "The three port ranges"
        case .registration: "How ports and names are registered"
        case .ghosts: "Ghost registrations"
        case .map: "The map and the territory"
        case .listening: "Listening sockets"
        case .tcp: "TCP ports"
        case .udp: "UDP ports"
        case .sctp: "SCTP ports"
        case .dccp: "DCCP ports"
        case .privileged: "Privileged ports"
        case .ephemeral: "Ephemeral ports"
        case .servicesFile: "The services file"
        case .squatting: "Port squatting"
        case .security: "Ports and security"
        case .nmap: "nmap's port frequencies"
        }
    }

    /// Topics that quote counts from the active registry.
    var needsRegistry: Bool {
        switch self {
        case .registration, .ghosts, .map, .tcp, .udp, .sctp, .dccp, .squatting: true
        default: false
        }
    }

    /// Topics that say what listens here now.
    var needsListeners: Bool {
        switch self {
        case .ranges, .ghosts, .map, .listening: true
        default: false
        }
    }
}

extension CommandSpec {
    static let explain = CommandSpec(
        name: "explain",
        synopsis: "[TOPIC | PORT[/TRANSPORT] | NAME] [--brief] [--probe[=nmap]]",
        summary: "Explain a topic, or tell the story of one port from live data",
        help: """
            Without an argument, lists the topics. With a topic, explains it in a few short \
            paragraphs, quoting this host's real settings and the active registry where they \
            matter. With a port (or a service name), leads with a three-line answer (what the \
            map says, what the territory here shows, the verdict), then tells what the registry \
            says about it, how complete that is, its range, the ghost verdict, what this \
            system's services file and nmap say, and whether anything listens here; \
            'explain listening' and 'explain nmap' say how to check other machines. --brief \
            prints the three lines alone. --probe asks each listener on the port what it \
            speaks, as 'who --probe' does (loopback only; --probe=nmap through nmap -sV).

              explain ranges
              explain 2991
              explain 2991 --brief
              explain 53/udp
              explain ssh
              explain 8080 --probe
            """,
        options: [
            OptionSpec("--brief", help: "Only the three-line answer: the map, the territory, the verdict"),
            OptionSpec(
                "--probe", help: "Ask the port's listeners what they speak (loopback only; =nmap: nmap -sV)",
                inlineValues: ["nmap"]),
        ],
        completion: { previous in previous.isEmpty ? [.explainTopics, .serviceNames] : [] },
        run: { invocation, context throws(CommandError) in
            switch invocation.arguments.count {
            case 0:
                return ExplainListResult()
            case 1:
                let word = invocation.arguments[0]
                if let topic = ExplainTopic(rawValue: word.lowercased()) {
                    if invocation.flags.contains("--probe") {
                        throw CommandError("explain", "--probe asks the listeners on a port; give a port or a name")
                    }
                    if invocation.flags.contains("--brief") {
                        throw CommandError("explain", "--brief shortens the story of a port; give a port or a name")
                    }
                    var registry: Result<Registry, CommandError>?
                    if topic.needsRegistry {
                        do throws(CommandError) { registry = .success(try context.registry()) } catch {
                            registry = .failure(error)
                        }
                    }
                    // Over territories, the ranges' picture marks their listeners, not this host's.
                    let overTerritories = topic == .ranges && !context.maps.territories.isEmpty
                    let facts = try context.facts(listenersOn: topic.needsListeners && !overTerritories ? nil : [])
                    var result = ExplainTopicText.result(topic, registry: registry, facts: facts)
                    if topic == .ranges {
                        // The ranges drawn to scale after the list of them, marked as 'map' marks them.
                        let space = overTerritories ? try PortSpace.gather(context) : PortSpace.from(facts)
                        result.picture = space
                        result.pictureAfter = 2
                        result = result.adding(space.json)
                    }
                    return result
                }
                let registry = try context.registry()
                let target = try ExplainTarget.parse(word, registry: registry)
                var facts = try context.facts(listenersOn: target.ports(in: registry))
                if let method = WhoProbe.method(invocation) {
                    facts = try ExplainPort.probed(facts, target: target, registry: registry, method: method, context)
                }
                var story = ExplainPort.result(for: target, registry: registry, facts: facts)
                story.brief = invocation.flags.contains("--brief")
                let territories = context.maps.territories
                // Brief, the answer is this host's; the hosts read from files are in the full story.
                guard !territories.isEmpty, !story.brief else { return story }
                return ExplainAcrossHosts.adding(to: story, hosts: territories.hosts, ports: target.ports(in: registry))
            default:
                throw CommandError(
                    "explain",
                    "expected one topic, port or name, got \(invocation.arguments.count) words (quote a name with spaces)"
                )
            }
        }
    )
}

/// The text and facts of one explanation.
struct ExplainResult: CommandResult {
    /// `ranges`, …, or `port` for a single port.
    let topic: String
    let title: String
    /// Paragraphs separated by blank lines, unwrapped.
    var body: String
    /// The facts the text was built from.
    var facts: [String: JSON]
    /// A picture drawn after the body's first `pictureAfter` paragraphs (`explain ranges`); text
    /// only, since JSON carries the numbers behind it among the facts, never the drawing.
    var picture: PortSpace? = nil
    var pictureAfter = 0
    /// A port's story leads with its three-line answer; `brief`, the answer is all there is.
    var answer: ExplainAnswer? = nil
    var brief = false

    func text(_ context: TextContext) -> String {
        if let answer {
            if brief { return answer.text(context) }
            return context.heading(title) + "\n\n" + answer.text(context) + "\n\n"
                + Wrap.text(body, width: context.width)
        }
        guard let picture else { return context.heading(title) + "\n\n" + Wrap.text(body, width: context.width) }
        let paragraphs = body.split(separator: "\n\n", omittingEmptySubsequences: false)
        let before = paragraphs.prefix(pictureAfter).joined(separator: "\n\n")
        let after = paragraphs.dropFirst(pictureAfter).joined(separator: "\n\n")
        return
            ([
                context.heading(title), Wrap.text(before, width: context.width),
                PortSpacePicture.render(picture, context),
            ]
            + (after.isEmpty ? [] : [Wrap.text(after, width: context.width)])).joined(separator: "\n\n")
    }

    /// The same explanation with more facts; a fact already there is kept.
    func adding(_ more: [String: JSON]) -> ExplainResult {
        var copy = self
        copy.facts.merge(more) { kept, _ in kept }
        return copy
    }

    var json: [String: JSON] {
        var out = facts
        out["topic"] = .string(topic)
        out["title"] = .string(title)
        // Brief, the text is the three lines as printed; else the story, whose answer is a field.
        if let answer {
            out["brief"] = .bool(brief)
            out["text"] = .string(brief ? "\(answer.map)\n\(answer.territory)\n\(answer.verdict)" : body)
        } else {
            out["text"] = .string(body)
        }
        return out
    }
}

/// `explain` alone: the topics, one line each.
struct ExplainListResult: CommandResult {
    func text(_ context: TextContext) -> String {
        var table = Table()
        for topic in ExplainTopic.allCases { table.add([context.accent(topic.rawValue), topic.summary]) }
        return table.render(context) + "\n\n"
            + Wrap.text(
                "Type 'explain TOPIC', or 'explain PORT' (e.g. 'explain 2991', 'explain 53/udp') for the story of one port.",
                width: context.width)
    }

    var json: [String: JSON] {
        [
            "topics": .array(
                ExplainTopic.allCases.map { ["name": .string($0.rawValue), "summary": .string($0.summary)] })
        ]
    }
}

/// `explain PORT` while territories are loaded: this host's story, then one short paragraph
/// on what listens there on the hosts read from files, hosts with the same listeners named
/// together.
enum ExplainAcrossHosts {
    /// Hosts named in a group before the rest are counted.
    static let named = 5

    static func adding(to story: ExplainResult, hosts: [TerritoryHost], ports: [ClosedRange<UInt16>]) -> ExplainResult {
        var groups: [(what: String, hosts: [String])] = []
        var perHost: [JSON] = []
        var silent = 0
        for host in hosts {
            var items: [String] = []
            var listeners: [JSON] = []
            for l in host.listeners where ports.contains(where: { $0.contains(l.port) }) {
                let owners = l.owners.isEmpty ? ["an unseen process"] : l.owners.map { Visible.text($0.process) }
                var unique: [String] = []
                for o in owners where !unique.contains(o) { unique.append(o) }
                let item = "\(unique.joined(separator: " and ")) on \(l.port)/\(l.transport.rawValue)"
                if !items.contains(item) { items.append(item) }
                listeners.append(
                    .fields([
                        ("transport", .string(l.transport.rawValue)), ("address", .string(l.address)),
                        ("port", .int(Int(l.port))), ("processes", .strings(l.owners.map(\.process))),
                    ]))
            }
            perHost.append(.fields([("host", .string(host.name)), ("listeners", .array(listeners))]))
            guard !items.isEmpty else {
                silent += 1
                continue
            }
            let what = items.joined(separator: "; ")
            if let at = groups.firstIndex(where: { $0.what == what }) {
                groups[at].hosts.append(host.name)
            } else {
                groups.append((what, [host.name]))
            }
        }
        let total = hosts.count
        var paragraph = "Across the \(total) host\(total == 1 ? "" : "s") read from files ('territory list'): "
        if groups.isEmpty {
            paragraph += "nothing listens there on any of them."
        } else {
            paragraph +=
                groups.map { group in
                    var names = group.hosts.prefix(named).map(Visible.text)
                    if group.hosts.count > named { names.append("\(group.hosts.count - named) more") }
                    return "\(group.what) on \(GapWords.list(names))"
                }.joined(separator: "; ") + "."
            if silent > 0 {
                paragraph += " Nothing listens there on the other \(silent == 1 ? "one" : String(silent))."
            }
        }
        // A copy, so the story keeps its three-line answer.
        var told = story
        told.facts["hosts"] = .array(perHost)
        told.body = story.body + "\n\n" + paragraph
        return told
    }
}
