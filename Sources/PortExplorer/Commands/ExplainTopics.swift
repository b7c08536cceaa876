import PortRegistry

/// The topic texts. Each is built from facts: the host's port settings read now, the active
/// registry's counts, the listeners seen; a fact that cannot be had is said to be missing.
enum ExplainTopicText {
    static func result(_ topic: ExplainTopic, registry: Result<Registry, CommandError>?, facts: HostFacts)
        -> ExplainResult
    {
        var fields: [String: JSON] = [:]
        let paragraphs: [String]
        switch topic {
        case .ranges: paragraphs = ranges(facts.settings, &fields)
        case .registration: paragraphs = registration(registry, &fields)
        case .ghosts: paragraphs = ghosts(registry, facts, &fields)
        case .map: paragraphs = map(registry, facts, &fields)
        case .listening: paragraphs = listening(facts, &fields)
        case .tcp, .udp, .sctp, .dccp: paragraphs = transport(topic, registry, &fields)
        case .privileged: paragraphs = privileged(facts.settings, &fields)
        case .ephemeral: paragraphs = ephemeral(facts.settings, &fields)
        case .servicesFile: paragraphs = servicesFile(facts, &fields)
        case .squatting: paragraphs = squatting(registry, &fields)
        case .security: paragraphs = security()
        case .nmap: paragraphs = nmap(facts, &fields)
        }
        return ExplainResult(
            topic: topic.rawValue, title: topic.title, body: paragraphs.joined(separator: "\n\n"), facts: fields)
    }

    // MARK: - Live facts, said in sentences

    static func rangeJSON(_ range: ClosedRange<UInt16>?) -> JSON {
        range.map { ["low": .int(Int($0.lowerBound)), "high": .int(Int($0.upperBound))] } ?? .null
    }

    static func settingsFields(_ settings: HostPortSettings, _ fields: inout [String: JSON]) {
        fields["ephemeralRange"] = rangeJSON(settings.ephemeralRange)
        fields["unprivilegedPortStart"] = .optional(settings.unprivilegedPortStart)
        fields["reservedPorts"] = settings.reservedPorts.map { .array($0.map { rangeJSON($0) }) } ?? .null
    }

    /// Where this host takes ephemeral ports from, and how that sits against IANA's ranges.
    static func ephemeralSentence(_ settings: HostPortSettings) -> String {
        guard let range = settings.ephemeralRange else {
            return "porthole cannot read \(HostPortSettings.ephemeralPath) here (it exists only on Linux). "
                + "By default Linux picks ephemeral ports from \(HostPortSettings.linuxDefaultEphemeral.spelled), FreeBSD "
                + "from \(HostPortSettings.freeBSDDefaultEphemeral.spelled), and macOS, NetBSD and Windows from "
                + "\(HostPortSettings.ianaDynamic.spelled), IANA's Dynamic range."
        }
        var sentence =
            "On this host the kernel picks source ports for outgoing connections from \(range.spelled), "
            + "\(GapWords.number(range.size)) ports (read just now from \(HostPortSettings.ephemeralPath))."
        let user = RangeClass.user.span
        if range.lowerBound <= user.upper && range.upperBound >= user.lower {
            let low = max(range.lowerBound, user.lower)
            let high = min(range.upperBound, user.upper)
            sentence +=
                " That is not IANA's Dynamic range: \((low...high).spelled) of it lies in the User range, so an "
                + "outgoing connection can briefly hold a port that a registered service would like to listen on."
        } else if range.lowerBound >= RangeClass.dynamic.span.lower {
            sentence += " It lies inside IANA's Dynamic range."
        }
        return sentence
    }

    static func unprivilegedSentence(_ settings: HostPortSettings) -> String {
        switch settings.unprivilegedPortStart {
        case nil:
            "porthole cannot read \(HostPortSettings.unprivilegedPath) here. The traditional Unix rule, and Linux's "
                + "default, is that only privileged programs may bind ports below 1024; Windows has no such rule."
        case 0?:
            "Here \(HostPortSettings.unprivilegedPath) is 0: any program may bind any port, with no privilege at all. "
                + "Container runtimes often set it so."
        case let start?:
            "Here \(HostPortSettings.unprivilegedPath) is \(start): ordinary programs may bind ports from \(start) up; "
                + "below that they need root or the CAP_NET_BIND_SERVICE capability."
        }
    }

    static func reservedSentence(_ settings: HostPortSettings) -> String {
        guard let reserved = settings.reservedPorts else {
            return "porthole cannot read \(HostPortSettings.reservedPath) here, so it cannot say which ports "
                + "are kept out of the ephemeral range (on Linux the list is empty by default)."
        }
        if reserved.isEmpty {
            return
                "No ports are kept out of the ephemeral range here: \(HostPortSettings.reservedPath) is empty, as it is by default."
        }
        return
            "The kernel never picks these ports as ephemeral ones, because \(HostPortSettings.reservedPath) lists them: "
            + reserved.map(\.spelled).joined(separator: ", ") + "."
    }

    static func registryProblem(_ error: CommandError) -> String {
        "The active registry could not be loaded (\(error.message)), so this text gives no counts from it."
    }

    static func listenersSentence(_ listeners: ListenerFacts) -> String {
        switch listeners {
        case .seen(let list, let source, _):
            let tcp = list.filter { $0.transport == .tcp }.count
            let udp = list.count - tcp
            let ports = Set(list.map(\.port)).count
            let sockets = list.count == 1 ? "1 socket listens" : "\(GapWords.number(list.count)) sockets listen"
            let distinct = ports == 1 ? "1 port" : "\(GapWords.number(ports)) distinct ports"
            return "Right now \(sockets) on this host (\(tcp) TCP, \(udp) UDP) on \(distinct), as read from \(source)."
        case .unavailable(let why):
            return "porthole cannot list the listeners on this host: \(why)."
        case .notLooked:
            return "porthole did not look at this host's listeners for this text."
        }
    }

    // MARK: - Topics

    static func ranges(_ settings: HostPortSettings, _ fields: inout [String: JSON]) -> [String] {
        settingsFields(settings, &fields)
        fields["ranges"] = PortSpace.rangesJSON
        return [
            "A port number is 16 bits wide, so each transport has 65,536 of them, 0 to 65535. RFC 6335 cuts them "
                + "into three ranges, and IANA treats each one differently.",
            """
            - System ports, 0-1023, often called well-known: assigned only through IETF Review or IESG Approval, for \
            protocols the whole Internet relies on. Many systems also limit who may bind them (see 'explain privileged').
            - User ports, 1024-49151, often called registered: assigned by IANA to vendors, projects and standards \
            bodies alike, most often after a designated expert has reviewed the request.
            - Dynamic and/or private ports, 49152-65535: never assigned to anyone. A host hands them out at run time, \
            for example as short-lived source ports; since any program may be given one at any moment, RFC 6335 \
            (section 8.1.2) says none of them may serve as a service's fixed port.
            """,
            "Why three ranges? The System range is small and precious, so it has the strictest rules. The User "
                + "range is where most applications get a fixed, agreed number. The Dynamic range stays free, so a "
                + "system always has numbers it can hand out without asking anyone.",
            ephemeralSentence(settings),
            unprivilegedSentence(settings) + " " + reservedSentence(settings),
        ]
    }

    static func registration(_ registry: Result<Registry, CommandError>?, _ fields: inout [String: JSON]) -> [String] {
        var paragraphs = [
            "IANA, the Internet Assigned Numbers Authority, keeps a single registry of service names and port numbers "
                + "for TCP, UDP, SCTP and DCCP. RFC 6335 (2011) sets out how it is run; RFC 7605 (2015) advises protocol "
                + "designers on whether and when to ask for a number.",
            "How a port is assigned depends on its range (RFC 6335, section 8.1):",
            """
            - System ports, 0-1023: IETF Review or IESG Approval, so in practice a port here comes with an IETF document.
            - User ports, 1024-49151: IETF Review, IESG Approval or Expert Review. Most requests go to a designated \
            expert, who checks that the request is complete, that the protocol really needs a fixed port, and that it \
            does not duplicate an existing assignment.
            - Dynamic ports, 49152-65535: never assigned.
            """,
            "A service name on its own is assigned first come, first served. Names are 1 to 15 characters of letters, "
                + "digits and hyphens, and a name may be registered with no port at all, for use with DNS SRV records. A "
                + "name that comes with a port goes through that port's procedure. Since RFC 6335, a port is assigned only "
                + "for the transports the protocol uses; older assignments usually cover both TCP and UDP, because IANA "
                + "used to hand out the pair together.",
            "What a registration does: it tells everyone that this name and number are spoken for, so that two "
                + "protocols do not collide, and it records who to contact. What it does not do: IANA does not certify "
                + "the protocol, test any software, check that anyone uses it, or stop anyone else from using the number. "
                + "Nothing expires either.",
            "Registrations can end, but someone has to act. The assignee may ask for de-registration (RFC 6335, section "
                + "8.2), section 8.3 governs when a number that was given back may be reused, and section 8.4 covers revoking "
                + "an assignment. When nobody acts, the entry simply stays: see 'explain ghosts'.",
        ]
        switch registry {
        case .success(let registry)?:
            let registrations = Registration.group(registry.allRecords())
            var perRange: [RangeClass: Int] = [:]
            for r in registrations { perRange[r.rangeClass, default: 0] += 1 }
            let undocumented = registrations.filter { r in
                !r.records.flatMap(\.references).contains { GhostRules.documentingReferences.contains($0.kind) }
            }.count
            fields["registrations"] = .int(registrations.count)
            fields["byRange"] = .object(
                Dictionary(uniqueKeysWithValues: RangeClass.allCases.map { ($0.rawValue, JSON.int(perRange[$0] ?? 0)) })
            )
            fields["withoutReference"] = .int(undocumented)
            paragraphs.append(
                "The active registry (\(registry.source.summary)) holds \(GapWords.number(registrations.count)) named "
                    + "registrations with a port: \(GapWords.number(perRange[.system] ?? 0)) System, "
                    + "\(GapWords.number(perRange[.user] ?? 0)) User and \(GapWords.number(perRange[.dynamic] ?? 0)) Dynamic. "
                    + "\(GapWords.number(undocumented)) of them cite no RFC, draft, web page or text at all.")
        case .failure(let error)?: paragraphs.append(registryProblem(error))
        case nil: break
        }
        return paragraphs
    }

    static func ghosts(_ registry: Result<Registry, CommandError>?, _ facts: HostFacts, _ fields: inout [String: JSON])
        -> [String]
    {
        var paragraphs = [
            "Many entries in IANA's registry are a name, a port and a contact, with nothing to show that the "
                + "protocol was ever published or run. porthole calls them ghosts, and finds them with these rules:"
        ]
        paragraphs += GhostRules.text.split(separator: "\n\n").map(String.init)
        paragraphs.append(calibrationSentence(facts, &fields))
        switch registry {
        case .success(let registry)?:
            facts.maps.indexAll()
            let survey = GhostSurvey(registry: registry, facts: facts.ghostFacts(for:))
            fields["summary"] = survey.total.json
            let t = survey.total
            paragraphs.append(
                "In the active registry (\(registry.source.summary)), of \(GapWords.number(t.registrations)) named "
                    + "registrations, \(GapWords.number(t.documented)) are documented (\(GapWords.number(t.documentedAndObserved)) "
                    + "of them observed too), \(GapWords.number(t.observed)) observed, \(GapWords.number(t.legacy)) legacy, "
                    + "\(GapWords.number(t.faint)) faint and \(GapWords.number(t.ghosts)) ghosts by these rules; "
                    + "\(GapWords.number(t.disagreeing)) have transports that disagree. "
                    + "\(GapWords.number(t.noReference)) cite no document, and \(GapWords.number(t.restatesName)) have a "
                    + "description that only restates the name, or none. \(sourcesUsed(facts)) "
                    + "Type 'ghosts' for the list, or 'explain PORT' for one of them.")
        case .failure(let error)?: paragraphs.append(registryProblem(error))
        case nil: break
        }
        return paragraphs
    }

    /// The cut-offs and the services(5) file's kind, with this host's values.
    static func calibrationSentence(_ facts: HostFacts, _ fields: inout [String: JSON]) -> String {
        var parts: [String] = []
        if let calibration = facts.maps.nmapCalibration {
            let shown = Transport.allCases.compactMap { t -> String? in
                guard let n = calibration.nonZero[t] else { return nil }
                let cutoff = calibration.cutoffs[t].map { "open on \(GhostRules.percent($0)) of hosts" } ?? "no cut-off"
                return "\(t.rawValue.uppercased()) \(cutoff) (of \(GapWords.number(n)) non-zero frequencies)"
            }
            parts.append("Here nmap's cut-offs are: " + GapWords.list(shown) + ".")
            fields["nmapCutoffs"] = .object(
                Dictionary(uniqueKeysWithValues: calibration.cutoffs.map { ($0.key.rawValue, JSON.double($0.value)) }))
        } else {
            parts.append(
                "nmap-services is not installed here, so there are no cut-offs and nothing is observed by nmap.")
            fields["nmapCutoffs"] = .null
        }
        switch facts.maps.servicesFileKind {
        case .curated(let n)?:
            parts.append(
                "This host's services file (\(facts.maps.servicesPath)) is curated, with \(GapWords.number(n)) port and "
                    + "transport entries, so a listing there is a weak hint.")
            fields["servicesFile"] = .string("curated")
        case .wholesale(let n)?:
            parts.append(
                "This host's services file (\(facts.maps.servicesPath)) has \(GapWords.number(n)) port and transport "
                    + "entries, a copy of the registry, so a listing there counts for nothing.")
            fields["servicesFile"] = .string("wholesale")
        case nil:
            parts.append("No services file could be read here.")
            fields["servicesFile"] = .null
        }
        return parts.joined(separator: " ")
    }

    /// Which of this host's sources the verdicts used.
    static func sourcesUsed(_ facts: HostFacts) -> String {
        var used: [String] = []
        var missing: [String] = []
        if facts.hasServicesFile {
            used.append("this system's services file")
        } else {
            missing.append("no services file")
        }
        if facts.maps.nmap != nil {
            used.append("nmap's frequencies")
        } else {
            missing.append("no nmap frequencies (nmap is not installed)")
        }
        if facts.listeners.wasChecked { used.append("the listeners here") } else { missing.append("no listener facts") }
        var sentence =
            used.isEmpty ? "Only the registry was used." : "Beside the registry, they used " + GapWords.list(used) + "."
        if !missing.isEmpty { sentence += " They had " + GapWords.list(missing) + ", which can only make more ghosts." }
        return sentence
    }

    static func map(_ registry: Result<Registry, CommandError>?, _ facts: HostFacts, _ fields: inout [String: JSON])
        -> [String]
    {
        var paragraphs = [
            "porthole keeps two pictures apart. The map is IANA's registry: which names and numbers have been promised "
                + "to whom. The territory is what actually happens: which programs listen on which ports, on this host "
                + "and across the Internet.",
            "They disagree all the time, in both directions. A port can be registered and unused everywhere (a ghost). "
                + "A port can be busy with something nobody registered, or with something other than its registered "
                + "service (see 'explain squatting'). This host also carries smaller maps of its own: the services file, "
                + "which names ports for local programs, and, when nmap is installed, nmap's table of how often scanners "
                + "found each port open.",
            "When they disagree, ask what the question is. For \"what is running on this port?\", believe the "
                + "territory: a listener is whatever program holds the socket, whatever the registry says. For \"which "
                + "number should my new protocol use?\", believe the map: it tells you what is spoken for.",
        ]
        var live: [String] = []
        switch registry {
        case .success(let registry)?:
            fields["registryRecords"] = .int(registry.recordCount)
            fields["registry"] = registry.source.json
            live.append(
                "Here the map is the \(registry.source.summary), with \(GapWords.number(registry.recordCount)) records."
            )
        case .failure(let error)?: live.append(registryProblem(error))
        case nil: break
        }
        fields["listeners"] = facts.listeners.json
        live.append(listenersSentence(facts.listeners))
        paragraphs.append(live.joined(separator: " "))
        return paragraphs
    }

    static func listening(_ facts: HostFacts, _ fields: inout [String: JSON]) -> [String] {
        fields["listeners"] = facts.listeners.json
        return [
            "A server waits for clients by listening: it asks the operating system for a socket bound to a port, and "
                + "the system hands it the traffic that arrives for that port. For TCP, that socket is in the LISTEN state "
                + "and accepts connections. UDP has no connections: a UDP server just binds a socket and receives "
                + "datagrams, which is why tools show it as UNCONN rather than LISTEN.",
            "The address matters as much as the port. A socket bound to 0.0.0.0 or :: takes traffic arriving on every "
                + "interface; one bound to 127.0.0.1 or ::1 only from this machine. Normally only one socket can hold a "
                + "given address, port and transport, but TCP port 53 and UDP port 53 are separate, and so are "
                + "127.0.0.1:8080 and 192.0.2.10:8080.",
            "To list listeners and the programs that own them on Linux (l for listening sockets, t for TCP, u for "
                + "UDP, n for numbers rather than names, p for the owning processes):",
            "  ss -ltnup",
            "On macOS, TCP listeners and then bound UDP sockets:",
            """
              lsof -nP -iTCP -sTCP:LISTEN
              lsof -nP -iUDP
            """,
            "On Windows, in a command prompt or in PowerShell:",
            """
              netstat -ano
              Get-NetTCPConnection -State Listen
              Get-NetUDPEndpoint
            """,
            "To look at one port, here 2991 (put your own in its place):",
            """
              Linux:    ss -ltnup 'sport = :2991'
              macOS:    lsof -nP -i :2991
              Windows:  netstat -ano | findstr :2991
                        Get-NetTCPConnection -LocalPort 2991
            """,
            "Without root (Administrator on Windows), these tools still show the sockets, but may hide which program "
                + "owns another user's socket. From another machine, a scanner can tell only whether the port answers: "
                + "see 'explain nmap'.",
            listenersSentence(facts.listeners),
        ]
    }

    static func transport(
        _ topic: ExplainTopic, _ registry: Result<Registry, CommandError>?, _ fields: inout [String: JSON]
    ) -> [String] {
        let transport = Transport(rawValue: topic.rawValue)!
        var paragraphs: [String]
        switch transport {
        case .tcp:
            paragraphs = [
                "TCP (RFC 9293, which replaced the original RFC 793 in 2022) gives two programs a reliable, ordered "
                    + "stream of bytes. A connection is named by four values: both addresses and both ports. The server's "
                    + "port stays the same while every client brings its own source port, which is how one web server on "
                    + "port 443 holds thousands of connections at once.",
                "A TCP port is open for clients when a socket on it is in the LISTEN state; the accepted connections "
                    + "then show up as ESTABLISHED sockets sharing that local port. After a connection closes, the side "
                    + "that closed first keeps it in TIME-WAIT for a while (a minute on Linux), which is why a restarted "
                    + "server sometimes cannot bind its port at once unless it sets SO_REUSEADDR.",
            ]
        case .udp:
            paragraphs = [
                "UDP (RFC 768, 1980) sends single datagrams, with no connection, no delivery guarantee and no ordering. "
                    + "Its ports work like TCP's, but the two are separate spaces: UDP port 53 and TCP port 53 are "
                    + "different sockets, even though DNS uses both.",
                "With no connection there is no LISTEN state: a UDP server is just a bound socket. A scanner cannot "
                    + "easily tell an open UDP port from a filtered one, since silence can mean either, so UDP scans are "
                    + "slow and their answers less certain. Much new traffic runs over UDP anyway: QUIC, under HTTP/3, "
                    + "uses UDP port 443.",
            ]
        case .sctp:
            paragraphs = [
                "SCTP (RFC 9260, which replaced RFC 4960 in 2022) is a reliable transport that carries messages rather "
                    + "than a byte stream. One association can carry several independent streams, so a lost message on one "
                    + "stream does not hold up the others, and each end can use several addresses, so the association "
                    + "survives the loss of one network path.",
                "It is used mostly in telephone networks, for signalling over IP (SIGTRAN, Diameter), and inside WebRTC "
                    + "data channels, where it runs over DTLS and UDP rather than directly over IP. SCTP shares IANA's "
                    + "port registry with TCP and UDP; on Linux, 'ss -S' lists SCTP sockets.",
            ]
        case .dccp:
            paragraphs = [
                "DCCP (RFC 4340, 2006) carries unreliable datagrams like UDP, but adds a connection handshake and "
                    + "congestion control like TCP: it was meant for media that would rather drop late data than wait for "
                    + "it to be sent again.",
                "DCCP also has service codes (RFC 5595): a 32-bit number the client sends to say which service it wants, "
                    + "recorded by IANA next to DCCP ports. In practice DCCP saw little use; applications chose UDP, and "
                    + "later QUIC, and built congestion control themselves. Linux deprecated its DCCP code in 6.4 and removed it in 6.16 (2025).",
            ]
        }
        switch registry {
        case .success(let registry)?:
            let records = registry.allRecords().filter {
                $0.transport == transport && $0.name != nil && $0.ports != nil
            }
            fields["assignments"] = .int(records.count)
            var sentence =
                "The active registry (\(registry.source.summary)) has \(GapWords.number(records.count)) "
                + "\(transport.rawValue.uppercased()) assignments with a port."
            if transport == .dccp {
                let coded = records.filter { $0.serviceCode != nil }.count
                fields["withServiceCode"] = .int(coded)
                sentence += " \(GapWords.number(coded)) of them record a service code."
            }
            paragraphs.append(sentence)
        case .failure(let error)?: paragraphs.append(registryProblem(error))
        case nil: break
        }
        return paragraphs
    }

    static func privileged(_ settings: HostPortSettings, _ fields: inout [String: JSON]) -> [String] {
        settingsFields(settings, &fields)
        return [
            "On traditional Unix systems only root may bind a port below 1024. The idea came from shared, multi-user "
                + "machines: a connection from a low port had to come from a program the administrator started, and old "
                + "tools such as rsh and rlogin trusted it for that. The trust means nothing today, since anyone can run "
                + "their own machine and send from any port they like.",
            "Linux turns the boundary into a setting, net.ipv4.ip_unprivileged_port_start (since Linux 4.11). Binding a "
                + "port below it needs the CAP_NET_BIND_SERVICE capability. Root has it, and it can be given to a single "
                + "program instead of running that program as root:",
            "  setcap cap_net_bind_service=+ep PROGRAM",
            "or, in a systemd unit:",
            "  AmbientCapabilities=CAP_NET_BIND_SERVICE",
            "macOS dropped the rule in version 10.14 (Mojave): any program may bind a port below 1024 on the wildcard "
                + "address (0.0.0.0 or ::); binding one on a specific address still needs root.",
            unprivilegedSentence(settings) + " Windows has no privileged ports at all.",
        ]
    }

    static func ephemeral(_ settings: HostPortSettings, _ fields: inout [String: JSON]) -> [String] {
        settingsFields(settings, &fields)
        var paragraphs = [
            "When a program connects without choosing its own source port, which is almost always, the operating "
                + "system picks one from its ephemeral range and frees it when the connection ends. Servers listen on "
                + "fixed ports; clients use ephemeral ones, so the high, changing number in a connection is usually the "
                + "client's side.",
            ephemeralSentence(settings),
        ]
        if let range = settings.ephemeralRange {
            paragraphs.append(
                "One ephemeral port can serve connections to different destinations at the same time, so the limit of "
                    + "\(GapWords.number(range.size)) applies per destination address and port, not to the host as a whole."
            )
        }
        paragraphs.append(
            "RFC 6335 (section 6) also calls the Dynamic range, 49152-65535, the Ephemeral Ports, but no RFC requires "
                + "a system to pick source ports only there, and systems differ: macOS, NetBSD and Windows use it, "
                + "FreeBSD uses 10000-65535 and Linux 32768-60999. Where the ephemeral range reaches into the User range, "
                + "a server meant to listen on a registered port can lose a race to an outgoing connection; Linux's "
                + "ip_local_reserved_ports keeps chosen ports out of the kernel's picks. " + reservedSentence(settings))
        paragraphs.append(
            "RFC 6056 (section 3.2) recommends the opposite of a narrow range: pick ephemeral ports unpredictably, "
                + "from the whole range 1024-65535, which makes blind attacks on other people's connections harder. A "
                + "wider range also means more connections to one destination at once.")
        return paragraphs
    }

    static func servicesFile(_ facts: HostFacts, _ fields: inout [String: JSON]) -> [String] {
        let services = facts.maps.services.everything
        fields["servicesFile"] = facts.hasServicesFile ? .string(facts.maps.servicesPath) : .null
        fields["entries"] = .int(services.count)
        let live: String
        if facts.hasServicesFile {
            let ports = Set(services.keys.map(\.port)).count
            live =
                "This host's file, \(facts.maps.servicesPath), names \(GapWords.number(services.count)) port and "
                + "transport pairs on \(GapWords.number(ports)) distinct ports; IANA's registry has many times more. "
                + "Compare them with 'lookup PORT'."
        } else {
            live = "porthole could not read a services file at \(facts.maps.servicesPath) on this host."
        }
        return [
            "/etc/services is a plain text file that pairs service names with port numbers, one per line, such as "
                + "'ssh 22/tcp'. The C library reads it for getservbyname() and getservbyport(), so programs can accept "
                + "a name where a number is expected, and tools such as ss and netstat can print names instead of numbers. "
                + "Windows keeps one too, in C:\\Windows\\System32\\drivers\\etc\\services.",
            "It is a local, partial copy of IANA's list, chosen by whoever packages it (the netbase package on Debian and "
                + "Ubuntu) and often years behind. It has no authority: it reserves nothing, starts nothing and blocks "
                + "nothing. Adding a line changes the names tools print; it does not change which program listens.",
            live,
        ]
    }

    static func squatting(_ registry: Result<Registry, CommandError>?, _ fields: inout [String: JSON]) -> [String] {
        var paragraphs = [
            "Squatting means using a port number that IANA has not assigned to you: picking an unassigned number and "
                + "shipping it, or, worse, taking a number already assigned to someone else. RFC 7605, \"Recommendations on "
                + "Using Assigned Transport Port Numbers\" (BCP 165, 2015), discusses port squatting and asks designers "
                + "not to do it; the registry itself notes that assigned System and User ports should not be used without, "
                + "or before, an IANA assignment.",
            "It matters because a squatted port collides with whatever else picked it, and confuses firewalls and "
                + "monitoring that go by number; once software is deployed, the number is hard to change. It also works the "
                + "other way round: a program squatting on a ghost's number is, on the networks where it runs, what that "
                + "port means in practice.",
            "The alternatives: ask IANA for a number, or for just a service name and find the port with DNS SRV records; "
                + "let the system choose a port at run time and tell clients some other way; for experiments, use ports "
                + "1021 and 1022, which RFC 4727 set aside for that; for a private service on your own network, pick an "
                + "unassigned User port (1024-49151; 'lookup' shows which are) and write the choice down where your "
                + "network is documented, or register it. Not a Dynamic port: RFC 6335 (section 8.1.2) says a port from "
                + "49152 up MUST NOT be used as a service's identifier, because the system may hand it to any outgoing "
                + "connection.",
        ]
        if case .success(let registry)? = registry {
            let flagged = registry.allRecords().filter { !($0.unauthorizedUses ?? "").isEmpty }.count
            fields["unauthorizedUseRecords"] = .int(flagged)
            if flagged > 0 {
                paragraphs.append(
                    "The active registry records a known unauthorized use on \(GapWords.number(flagged)) of its entries: "
                        + "squatting that IANA chose to write down.")
            }
        } else if case .failure(let error)? = registry {
            paragraphs.append(registryProblem(error))
        }
        return paragraphs
    }

    static func security() -> [String] {
        [
            "A port number says which number a program asked for, not what the program is. Any program may listen on "
                + "any free port (below 1024 it needs privilege on many systems, and nothing more), so SSH can run on 443 "
                + "and malware can answer on 80. The service the registry names for a port says nothing about the program "
                + "actually there.",
            "Firewall rules by port are rules about traffic: 'allow TCP 443 in' lets in whatever answers on 443. To "
                + "control programs, use what the system offers for that (per-application firewall rules, sandboxes, "
                + "SELinux or AppArmor). To know what answers, look at the listener (see 'explain listening'), or probe "
                + "the protocol itself: 'nmap -sV' compares replies, not numbers.",
            "The old trust in low source ports, where rsh and rlogin believed a client started by root because its "
                + "port was below 1024, is the classic case of a number taken for an identity. It was never safe once "
                + "someone else controlled the other machine.",
        ]
    }

    static func nmap(_ facts: HostFacts, _ fields: inout [String: JSON]) -> [String] {
        var paragraphs = [
            "nmap ships a table, nmap-services, that gives each port it knows a name and an open frequency: the "
                + "fraction of hosts, in large scans run by nmap's authors, on which that port answered as open. nmap uses "
                + "it to decide which ports to try first; its default scan covers the 1,000 most frequent TCP ports.",
            "From outside, 'nmap -p 2991 HOST' says whether port 2991 on HOST answers (add -sU for UDP), and "
                + "'nmap -sV -p 2991 HOST' tries to recognise what answers, by the replies rather than the number. Scan "
                + "only machines you are allowed to scan.",
            "The frequency measures how often a port is found open, not what runs on it, and the scans behind it are "
                + "years old. porthole counts a port as observed when its frequency is at or above the 90th percentile of "
                + "the non-zero frequencies nmap gives that transport, since its UDP and TCP figures differ in scale; "
                + "anything above zero but below that is only noted.",
        ]
        if let table = facts.maps.nmap?.everything {
            let cutoffs = facts.maps.nmapCalibration?.cutoffs ?? [:]
            let common = table.filter { key, entry in cutoffs[key.transport].map { entry.frequency >= $0 } ?? false }
                .count
            fields["nmapServices"] = .optional(facts.maps.nmapPath)
            fields["entries"] = .int(table.count)
            fields["atOrAboveThreshold"] = .int(common)
            paragraphs.append(
                "Here nmap's table\(facts.maps.nmapPath.map { " (\($0))" } ?? "") has \(GapWords.number(table.count)) "
                    + "port and transport entries; \(GapWords.number(common)) of them are at or above their transport's cut-off."
            )
        } else {
            fields["nmapServices"] = .null
            paragraphs.append(
                "nmap is not installed on this host, so porthole has no frequencies here, and the ghost rules do without them."
            )
        }
        return paragraphs
    }
}
