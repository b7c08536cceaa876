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
        case .ranges: "The three port ranges, and where this host takes its own ports from"
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
        case .nmap: "nmap's open frequencies, and what they measure"
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
        case .ghosts, .map, .listening: true
        default: false
        }
    }
}

extension CommandSpec {
    static let explain = CommandSpec(
        name: "explain",
        synopsis: "[TOPIC | PORT[/TRANSPORT] | NAME] [--probe[=nmap]]",
        summary: "Explain a topic, or tell the story of one port from live data",
        help: """
            Without an argument, lists the topics. With a topic, explains it in a few short \
            paragraphs, quoting this host's real settings and the active registry where they \
            matter. With a port (or a service name), tells what the registry says about it, \
            how complete that is, its range, the ghost verdict, what this system's services \
            file and nmap say, whether anything listens here, and how to check elsewhere. \
            --probe asks each listener on the port what it speaks, as 'who --probe' does \
            (loopback only; --probe=nmap through nmap -sV).

              explain ranges
              explain 2991
              explain 53/udp
              explain ssh
              explain 8080 --probe
            """,
        options: [
            OptionSpec(
                "--probe", help: "Ask the port's listeners what they speak (loopback only; =nmap: nmap -sV)",
                inlineValues: ["nmap"])
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
                    var registry: Result<Registry, CommandError>?
                    if topic.needsRegistry {
                        do throws(CommandError) { registry = .success(try context.registry()) } catch {
                            registry = .failure(error)
                        }
                    }
                    let facts = try context.facts(listenersOn: topic.needsListeners ? nil : [])
                    return ExplainTopicText.result(topic, registry: registry, facts: facts)
                }
                let registry = try context.registry()
                let target = try ExplainTarget.parse(word, registry: registry)
                var facts = try context.facts(listenersOn: target.ports(in: registry))
                if let method = WhoProbe.method(invocation) {
                    facts = try ExplainPort.probed(facts, target: target, registry: registry, method: method, context)
                }
                return ExplainPort.result(for: target, registry: registry, facts: facts)
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
    let body: String
    /// The facts the text was built from.
    let facts: [String: JSON]

    func text(_ context: TextContext) -> String {
        context.heading(title) + "\n\n" + Wrap.text(body, width: context.width)
    }

    var json: [String: JSON] {
        var out = facts
        out["topic"] = .string(topic)
        out["title"] = .string(title)
        out["text"] = .string(body)
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
