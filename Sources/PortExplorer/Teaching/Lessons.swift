import PortListeners
import PortRegistry

/// porthole's lessons. Each fact a step states is checked against a primary source listed in
/// the teacher's guide (`Examples/README.md`); every answer to a prediction is computed from
/// the registry and this host when the student answers.
enum Lessons {
    static let all: [Lesson] = [ranges, registration, ghosts, territory, maps]

    static func lesson(_ number: Int) -> Lesson? { all.first { $0.number == number } }

    static let ranges = Lesson(
        number: 1, title: "The three port ranges",
        goal: "Tell System, User and Dynamic ports apart, and find the range this computer picks its own ports from.",
        minutes: 10,
        steps: [
            .command(
                """
                A port number has 16 bits: it goes from 0 to 65535. IANA divides them into three ranges, \
                each with its own rules for handing numbers out. Here they are, drawn to scale, with \
                the ports this computer listens on marked.
                """, run: "map"),
            .predict(
                "Time to predict before you look.",
                rangeQuestion(id: "range-50000", port: 50000)),
            .predict(
                "And a port in the middle of the line.",
                rangeQuestion(id: "range-2991", port: 2991)),
            .predict(
                """
                Your computer picks ports by itself too: each connection it opens gets a source port \
                from the kernel's ephemeral range.
                """,
                Prediction(
                    id: "ephemeral",
                    question: "Does this computer take those source ports only from IANA's Dynamic range, 49152-65535?",
                    choices: ["yes", "no"], evidence: "explain ephemeral", isDeferred: false,
                    truth: { facts in
                        guard let range = facts.settings.ephemeralRange else {
                            return .unknown("porthole cannot read this computer's ephemeral range")
                        }
                        if range.lowerBound >= 49152 {
                            return .answer(
                                "yes",
                                why: "This computer's range is \(range.spelled), inside the Dynamic range.")
                        }
                        return .answer(
                            "no",
                            why: """
                                This computer's range is \(range.spelled): it starts in the User range, so the kernel may \
                                pick a number IANA registered to some service.
                                """)
                    })),
            .command(
                """
                Below a line, usually 1024, Linux lets only privileged programs listen. The line is a \
                kernel setting, not one of IANA's rules.
                """, run: "explain privileged"),
        ])

    static let registration = Lesson(
        number: 2, title: "How a port gets its name",
        goal: "Read a registration, say who approves one, and say what it does not promise.",
        minutes: 10,
        steps: [
            .command(
                """
                A name on a port is a registration: a record IANA keeps because someone asked for the \
                number. Here is how that works.
                """, run: "explain registration"),
            .command(
                """
                One record, field by field: name, transports, description, assignee, contact, dates and \
                references. Which fields would tell you the service really exists?
                """, run: "lookup 22"),
            .predict(
                "A company wants a number of its own for a new product.",
                Prediction(
                    id: "who-reviews",
                    question: "Who decides on a request for a User port (1024-49151)?",
                    choices: ["nobody", "expert", "ietf"], evidence: nil, isDeferred: false,
                    truth: { _ in
                        .answer(
                            "expert",
                            why: """
                                RFC 6335 (section 8.1) sends User port requests to Expert Review: a reviewer \
                                appointed by the IESG checks each one. System ports need IETF Review or IESG \
                                Approval, and Dynamic ports are never assigned.
                                """)
                    })),
            .predict(
                "Now a registration from the middle of the User range.",
                Prediction(
                    id: "2991-cites",
                    question: "Port 2991 is registered to wkstn-mon. Does its record cite a document, such as an RFC?",
                    choices: ["yes", "no"], evidence: "lookup 2991", isDeferred: false,
                    truth: { facts in
                        citesDocument(port: 2991, facts: facts)
                    })),
            .command(
                """
                Registrations accumulate: nothing expires, and giving a number back is up to its \
                assignee. See when the dated ones were made, and what share carries no date at all.
                """, run: "stats --timeline"),
        ])

    static let ghosts = Lesson(
        number: 3, title: "Ghosts, and how to argue about evidence",
        goal: "Judge a registration by its evidence, and argue with the rules that judge it.",
        minutes: 15,
        steps: [
            .command(
                """
                Some registrations have nothing behind them: no document, no sign that anyone runs \
                the service. porthole calls them ghosts, by rules you can read and dispute.
                """, run: "explain ghosts"),
            .predict(
                "A port every computer on the internet uses.",
                ghostQuestion(id: "53-ghost", port: 53, name: "domain")),
            .predict(
                "And the port this project started from.",
                ghostQuestion(id: "2991-ghost", port: 2991, name: "wkstn-mon")),
            .command(
                """
                Draw three registrations at random. Pick one and search for it: a product, a paper, a \
                mailing-list post. If you find something, which rule should have caught it?
                """, run: "ghosts --random 3"),
            .command(
                "The survey: every verdict, counted over the whole registry.", run: "ghosts --limit 5"),
        ])

    static let territory = Lesson(
        number: 4, title: "The map and the territory, on your own computer",
        goal: "Show that the program holding a port, not the port's registered name, is what runs.",
        minutes: 15,
        steps: [
            .command(
                """
                The registry is a map. What really listens on this computer is the territory. First, \
                the territory as it is now.
                """, run: "who"),
            .predict(
                """
                Soon you will start Python's small web server on port 2991, which the registry gives \
                to wkstn-mon.
                """,
                Prediction(
                    id: "2991-name",
                    question: "Will porthole say the program listening on 2991 is wkstn-mon?",
                    choices: ["yes", "no"], evidence: nil, isDeferred: true,
                    truth: { facts in listenerName(port: 2991, registered: "wkstn-mon", facts: facts) })),
            .experiment(
                """
                In a second terminal, run:

                    python3 -m http.server 2991 --bind 127.0.0.1

                The option --bind 127.0.0.1 keeps it on this computer: without it, anyone on your \
                network could read the folder it serves. porthole watches port 2991 and goes on by itself.
                """,
                Experiment(port: 2991, transport: .tcp, appears: true, then: "who 2991")),
            .reveal("Your prediction, against what is there now.", prediction: "2991-name"),
            .command(
                "porthole's verdict sets the map's name beside the program it found.", run: "explain 2991"),
            .experiment(
                """
                Now stop the server: press Ctrl-C in the second terminal. porthole waits for the port \
                to close.
                """,
                Experiment(port: 2991, transport: .tcp, appears: false, then: "who 2991")),
            .command("Map and territory, in one page.", run: "explain map"),
        ])

    static let maps = Lesson(
        number: 5, title: "Many maps, and why they disagree",
        goal: "Compare IANA's registry, this computer's /etc/services and nmap's table, and explain a disagreement.",
        minutes: 10,
        steps: [
            .command(
                """
                IANA's registry is not the only map. Your system keeps its own short list, \
                /etc/services, and nmap carries a table of how often each port was found open.
                """, run: "explain services-file"),
            .predict(
                "The services file is short on purpose.",
                Prediction(
                    id: "2991-services",
                    question: "Does this computer's /etc/services name port 2991?",
                    choices: ["yes", "no"], evidence: "lookup 2991", isDeferred: false,
                    truth: { facts in
                        guard let names = facts.servicesNames(port: 2991) else {
                            return .unknown("this computer has no services file porthole could read")
                        }
                        return names.isEmpty
                            ? .answer(
                                "no",
                                why: "Its services file has no line for 2991/tcp: it lists the ports in common use.")
                            : .answer("yes", why: "Its services file names 2991/tcp \(names.joined(separator: ", ")).")
                    })),
            .predict(
                "A port every web developer meets.",
                Prediction(
                    id: "8080-nmap",
                    question: "Do IANA and nmap give port 8080/tcp the same name?",
                    choices: ["yes", "no"], evidence: "lookup 8080", isDeferred: false,
                    truth: { facts in sameName(port: 8080, facts: facts) })),
            .command(
                "nmap's numbers come from scanning: how often each port was found open.", run: "explain nmap"),
            .command(
                """
                Which map would you trust to write a firewall rule? To name a port in a report? To \
                guess what runs on a server you have never seen?
                """, run: "explain security"),
        ])

    // MARK: Answers from live data

    private static func rangeQuestion(id: String, port: UInt16) -> Prediction {
        Prediction(
            id: id, question: "Which range is port \(port) in?",
            choices: ["system", "user", "dynamic"], evidence: "lookup \(port)", isDeferred: false,
            truth: { _ in
                let range = RangeClass(port: port)
                let why =
                    switch range {
                    case .system:
                        "0-1023 is the System range: IANA assigns it only through IETF Review or IESG Approval."
                    case .user: "1024-49151 is the User range: anyone may ask IANA for a number there."
                    case .dynamic: "49152-65535 is the Dynamic range: IANA never assigns these numbers to a service."
                    }
                return .answer(range.rawValue, why: why + " (RFC 6335, section 6)")
            })
    }

    private static func ghostQuestion(id: String, port: UInt16, name: String) -> Prediction {
        Prediction(
            id: id, question: "Is port \(port) (\(name)) a ghost?", choices: ["yes", "no"],
            evidence: "explain \(port) --brief", isDeferred: false,
            truth: { facts in
                do throws(CommandError) {
                    guard let assessment = try facts.assessment(port: port) else {
                        return .unknown("the registry has no record on port \(port)")
                    }
                    let ghost = assessment.verdict == .ghost
                    let phrase = ghost ? "a ghost" : assessment.phrase
                    var why = "By porthole's rules, \(assessment.registration.name) is \(phrase)"
                    if let first = assessment.evidence.first(where: { $0.strength == .strong })
                        ?? assessment.evidence.first(where: { $0.strength == .weak })
                    {
                        why += ": " + first.sentence
                    } else {
                        why += ": nothing but the registration. Missing: " + GapWords.list(assessment.missing) + "."
                    }
                    return .answer(ghost ? "yes" : "no", why: why)
                } catch {
                    return .unknown(error.message)
                }
            })
    }

    private static func citesDocument(port: UInt16, facts: LessonFacts) -> Truth {
        do throws(CommandError) {
            guard let assessment = try facts.assessment(port: port) else {
                return .unknown("the registry has no record on port \(port)")
            }
            let references = assessment.registration.records.flatMap(\.references).filter {
                GhostRules.documentingReferences.contains($0.kind)
            }
            guard let reference = references.first else {
                return .answer(
                    "no",
                    why: "Its record names no reference: only a name, a port, a contact and a description.")
            }
            return .answer("yes", why: "Its record cites \(GhostRules.describe(reference)).")
        } catch {
            return .unknown(error.message)
        }
    }

    private static func listenerName(port: UInt16, registered: String, facts: LessonFacts) -> Truth {
        do throws(CommandError) {
            let listeners = try facts.listeners(port: port, transport: .tcp)
            guard !listeners.isEmpty else { return .unknown("nothing listens on \(port)/tcp now") }
            let owners = listeners.flatMap(\.owners)
            guard let owner = owners.first else {
                return .answer(
                    "no",
                    why: """
                        porthole cannot see which program holds it (it belongs to another user), but a \
                        registration never starts a program: whatever runs there is the territory's.
                        """)
            }
            let same = owners.contains { $0.process.lowercased() == registered.lowercased() }
            return .answer(
                same ? "yes" : "no",
                why: """
                    The program holding the socket is \(owner.process) (pid \(owner.pid)). The registry's name, \
                    \(registered), is only the map's.
                    """)
        } catch {
            return .unknown(error.message)
        }
    }

    private static func sameName(port: UInt16, facts: LessonFacts) -> Truth {
        guard let nmap = facts.nmapName(port: port) else {
            return .unknown("nmap is not installed on this computer, so there is no nmap table to compare")
        }
        do throws(CommandError) {
            let iana = try facts.registeredNames(port: port)
            guard let nmapName = nmap else {
                return .answer("no", why: "nmap's table has no name for \(port)/tcp.")
            }
            let same = iana.contains { $0.lowercased() == nmapName.lowercased() }
            let ianaNames = iana.isEmpty ? "no name" : iana.joined(separator: ", ")
            return .answer(
                same ? "yes" : "no",
                why: same
                    ? "Both call it \(nmapName)."
                    : "IANA says \(ianaNames); nmap says \(nmapName), the name its scans and probes use.")
        } catch {
            return .unknown(error.message)
        }
    }
}
