import PortRegistry
import Testing

@testable import PortExplorer

/// Sentences checked against primary sources (RFCs, kernel headers); each test names its source.
@Suite struct TrueTextTests {
    func topic(_ topic: ExplainTopic, _ facts: HostFacts = hostFacts(), registry: Registry? = nil) -> String {
        ExplainTopicText.result(topic, registry: registry.map { .success($0) }, facts: facts).body
    }

    /// FreeBSD's netinet/in.h: IPPORT_EPHEMERALFIRST 10000, IPPORT_EPHEMERALLAST 65535.
    @Test func freeBSDsEphemeralRangeIsItsOwn() {
        let unreadable = topic(.ranges, HostFacts.none)
        #expect(unreadable.contains("FreeBSD from 10000-65535"))
        #expect(!unreadable.contains("the BSDs"))
        #expect(topic(.ephemeral).contains("FreeBSD uses 10000-65535"))
    }

    /// RFC 6056 section 3.2 (the whole range 1024-65535); RFC 6335 section 6 only names the range.
    @Test func ephemeralTopicQuotesRFC6056AndNotAnRFC6335Suggestion() {
        let out = topic(.ephemeral)
        #expect(out.contains("from the whole range 1024-65535"))
        #expect(!out.contains("RFC 6335 suggests"))
        var facts = hostFacts()
        facts.settings = HostPortSettings(ephemeralRange: 49152...65535, unprivilegedPortStart: 1024, reservedPorts: [])
        #expect(!topic(.ranges, facts).contains("as RFC 6335 suggests"))
    }

    /// RFC 6335 section 8.1.2: a Dynamic port MUST NOT be used as a service identifier.
    @Test func squattingDoesNotRecommendTheDynamicRange() {
        let out = topic(.squatting)
        #expect(!out.contains("use the Dynamic range"))
        #expect(out.contains("pick an unassigned User port"))
        #expect(out.contains("MUST NOT be used as a service's identifier"))
    }

    /// macOS 10.14 lets any program bind a low port on the wildcard address.
    @Test func privilegedTopicKnowsMojave() {
        #expect(topic(.privileged).contains("macOS dropped the rule in version 10.14 (Mojave)"))
    }

    @Test func oneSocketIsSingular() {
        let one = ListenerFact(transport: .tcp, port: 22, processes: ["sshd"], pids: [1])
        let out = topic(.listening, hostFacts(listeners: [one]))
        #expect(out.contains("Right now 1 socket listens on this host (1 TCP, 0 UDP) on 1 port"))
        let five = (0..<5).map {
            ListenerFact(transport: .tcp, address: "10.0.0.\($0)", port: 2991, processes: ["x"], pids: [1])
        }
        let story = ExplainPort.result(
            for: .port(2991, nil), registry: ghostRegistry(explainRecords), facts: hostFacts(listeners: five)
        ).body
        #expect(story.contains("1 more socket uses this port."))
        #expect(!story.contains("1 more sockets"))
    }

    /// Port 0 cannot be listened on, and the text never says otherwise.
    @Test func portZeroDoesNotContradictItself() {
        let registry = ghostRegistry([
            ServiceRecord(ports: PortRange(0), transport: .tcp, description: "Reserved"),
            ServiceRecord(ports: PortRange(0), transport: .udp, description: "Reserved"),
        ])
        let body = ExplainPort.result(for: .port(0, nil), registry: registry, facts: hostFacts()).body
        #expect(!body.contains("anything using it"))
        #expect(!body.contains("a listener on port 0 on another machine"))
        #expect(!body.contains("It is not a real port"))
        #expect(body.contains("no socket ever listens on port 0"))
        #expect(body.contains("In short: port 0 is a placeholder, not a service."))
    }

    /// nmap-services: 49152/tcp open on 0.79% of hosts; a listener there is no client.
    @Test func dynamicPortStoryQuotesNmap() {
        var facts = hostFacts()
        facts.maps = OtherMaps(
            services: [:],
            nmap: [ServiceKey(port: 49152, transport: .tcp): NmapEntry(name: "unknown", frequency: 0.0079)])
        let body = ExplainPort.result(for: .port(49152, nil), registry: ghostRegistry([]), facts: facts).body
        #expect(!body.contains("Seen in use, it is most likely a client's source port"))
        #expect(body.contains("nmap found 49152/tcp open on 0.79% of the hosts it scanned"))
        #expect(!body.contains("free for temporary and private use"))
    }

    /// IANA's https: TCP and UDP name one person, SCTP another; two contacts, each on its transports.
    @Test func contactsAndReferencesArePerTransport() {
        let records: [ServiceRecord] =
            [Transport.tcp, .udp].map {
                ServiceRecord(
                    name: "https", ports: PortRange(443), transport: $0, description: "http protocol over TLS/SSL",
                    assignees: ["Kipp_E_B_Hickman"], contacts: ["Kipp_E_B_Hickman"],
                    references: [Reference(kind: .rfc, value: "rfc9110")])
            } + [
                ServiceRecord(
                    name: "https", ports: PortRange(443), transport: .sctp, description: "HTTPS",
                    assignees: ["Randall_Stewart"], contacts: ["Randall_Stewart"],
                    references: [Reference(kind: .rfc, value: "rfc4960")])
            ]
        let registry = Registry(
            records: records, people: [],
            source: RegistrySource(kind: .file, path: "test.xml", updated: nil))
        let body = ExplainPort.result(for: .port(443, nil), registry: registry, facts: hostFacts()).body
        #expect(!body.contains("The contact named is Kipp E B Hickman and Randall Stewart"))
        #expect(body.contains("The contacts named are Kipp E B Hickman for TCP and UDP, and Randall Stewart for SCTP."))
        #expect(body.contains("for TCP and UDP, and RFC 4960 for SCTP"))
    }

    /// IANA gives many registration dates to the month only: shown as such, never with day 01.
    @Test func monthOnlyDatesAreShownAsMonths() throws {
        let records = [Transport.tcp, .udp].map {
            ServiceRecord(
                name: "old-svc", ports: PortRange(3001), transport: $0, description: "An old service",
                registered: Day(year: 2003, month: 4))
        }
        let explorer = makeExplorer(records: records)
        #expect(text(of: "lookup 3001", in: explorer).contains("registered   2003-04\n"))
        #expect(text(of: "explain 3001", in: explorer).contains("registered in 2003-04"))
        #expect(!text(of: "explain 3001", in: explorer).contains("2003-04-01"))
        let json = makeExplorer(records: records, format: .json)
        #expect(text(of: "lookup 3001", in: json).contains("\"registered\":\"2003-04\""))
        #expect(text(of: "ghosts --year 2003", in: json).contains("\"registrations\":1,"))
        #expect(text(of: "ghosts --year 2004", in: json).contains("\"registrations\":0,"))
    }

    /// A registration is one name on one port or range with all its transports (Registration.group).
    @Test func statsCountsRegistrationsNotRecords() {
        let records = [Transport.tcp, .udp].map {
            ServiceRecord(
                name: "old-svc", ports: PortRange(3001), transport: $0, registered: Day(year: 2003, month: 4))
        }
        let explorer = makeExplorer(records: records)
        let out = text(of: "stats", in: explorer)
        #expect(out.contains("  2000s                1\n"))
        #expect(
            text(of: "stats", in: makeExplorer(records: records, format: .json))
                .contains("\"registrationsByDecade\":{\"2000s\":1}"))
    }
}
