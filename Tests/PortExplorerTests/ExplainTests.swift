import Foundation
import PortRegistry
import Testing

@testable import PortExplorer

/// Every line fits the width, unless it is a single word that cannot be broken.
func fits(_ text: String, width: Int) -> Bool {
    text.split(separator: "\n").allSatisfy { line in
        DisplayWidth.of(String(line)) <= width || line.split(separator: " ").count == 1
    }
}

func explainResult(_ words: [String], in explorer: Explorer) throws -> any CommandResult {
    try explorer.run(["explain"] + words).result.get()
}

/// What /proc says right now, read independently of porthole.
func procText(_ path: String) -> String? {
    (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
}

let explainRecords: [ServiceRecord] =
    wkstnMon + [
        ServiceRecord(
            name: "ssh", ports: PortRange(22), transport: .tcp, description: "The Secure Shell (SSH) Protocol",
            registered: Day(year: 2006, month: 1, day: 1), references: [Reference(kind: .rfc, value: "rfc4251")]),
        ServiceRecord(name: nil, ports: PortRange(4), transport: .tcp, description: "Unassigned"),
        ServiceRecord(name: nil, ports: PortRange(1023), transport: .tcp, description: "Reserved"),
        ServiceRecord(name: "my-dnssd", ports: nil, transport: nil, description: "A DNS-SD name"),
    ]

func hostFacts(listeners: [ListenerFact]? = []) -> HostFacts {
    HostFacts(
        maps: OtherMaps(
            services: [ServiceKey(port: 22, transport: .tcp): ["ssh"]],
            nmap: [
                ServiceKey(port: 2991, transport: .tcp): NmapEntry(name: "wkstn-mon", frequency: 0.000076),
                ServiceKey(port: 22, transport: .tcp): NmapEntry(name: "ssh", frequency: 0.182),
            ]),
        listeners: listeners.map { .seen($0, source: "test", notes: []) } ?? .unavailable("not supported here"),
        settings: HostPortSettings(ephemeralRange: 32768...60999, unprivilegedPortStart: 1024, reservedPorts: [])
    )
}

@Suite struct ExplainTopicTests {
    let explorer = makeExplorer(records: explainRecords, people: [william])

    @Test func listsEveryTopicWithOneLine() throws {
        let out = try explainResult([], in: explorer).text(TextContext())
        for name in ExplainTopics.names { #expect(out.contains(name)) }
        #expect(ExplainTopics.names.count >= 15)
        #expect(
            Set([
                "ranges", "registration", "ghosts", "map", "listening", "tcp", "udp", "sctp", "dccp", "privileged",
                "ephemeral", "services-file", "squatting", "security",
            ]).isSubset(of: Set(ExplainTopics.names)))
    }

    @Test(arguments: ExplainTopic.allCases)
    func everyTopicRendersAndWraps(topic: ExplainTopic) throws {
        let result = try explainResult([topic.rawValue], in: explorer)
        for width in [50, 80, 120] {
            let out = result.text(TextContext(width: width))
            #expect(out.count > 200)
            #expect(fits(out, width: width), "\(topic) at \(width)")
        }
        guard case .string(let text)? = result.json["text"] else {
            Issue.record("no text")
            return
        }
        #expect(!text.isEmpty && result.json["topic"] == .string(topic.rawValue))
    }

    @Test func rangesCitesThisHostsLiveValues() throws {
        let result = try explainResult(["ranges"], in: explorer)
        let out = result.text(TextContext(width: 80))
        if let proc = procText(HostPortSettings.ephemeralPath) {
            let bounds = proc.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
            #expect(result.json["ephemeralRange"] == ["low": .int(bounds[0]), "high": .int(bounds[1])])
            #expect(out.contains("\(bounds[0])-\(bounds[1])"))
        } else {
            #expect(result.json["ephemeralRange"] == JSON.null)
            #expect(out.contains("cannot read"))
        }
        if let start = procText(HostPortSettings.unprivilegedPath).flatMap({ Int($0) }) {
            #expect(result.json["unprivilegedPortStart"] == .int(start))
            #expect(out.contains("ip_unprivileged_port_start is \(start)"))
        }
    }

    @Test func unreadableSettingsAreSaidWithTheDefaults() {
        let facts = HostFacts.none
        let out = ExplainTopicText.result(.ranges, registry: nil, facts: facts).body
        #expect(out.contains("cannot read /proc/sys/net/ipv4/ip_local_port_range"))
        #expect(out.contains("32768-60999") && out.contains("49152-65535"))
        let privileged = ExplainTopicText.result(.privileged, registry: nil, facts: facts).body
        #expect(privileged.contains("cannot read") && privileged.contains("below 1024"))
    }

    @Test func reservedPortsAndContainerSettingsAreReported() {
        var facts = HostFacts.none
        facts.settings = HostPortSettings(
            ephemeralRange: 49152...65535, unprivilegedPortStart: 0, reservedPorts: [8080...8080, 9000...9010])
        let out = ExplainTopicText.result(.ranges, registry: nil, facts: facts).body
        #expect(out.contains("8080, 9000-9010"))
        #expect(out.contains("is 0: any program may bind any port"))
        #expect(out.contains("inside IANA's Dynamic range"))
    }

    @Test func ghostsTopicGivesLiveCounts() throws {
        let result = ExplainTopicText.result(
            .ghosts, registry: .success(ghostRegistry(explainRecords)), facts: hostFacts())
        #expect(
            result.body.contains(
                "of 2 named registrations, 1 are documented (0 of them observed too), 0 observed, 0 legacy, 0 faint and 1 ghosts"
            ))
        #expect(result.body.contains("Here nmap's cut-offs are: TCP no cut-off (of 2 non-zero frequencies)."))
        #expect(result.body.contains("is curated, with 1 port and transport entries"))
        #expect(result.json["summary"] != nil)
        let failed = ExplainTopicText.result(
            .ghosts, registry: .failure(CommandError(problem: "no registry")), facts: hostFacts())
        #expect(failed.body.contains("could not be loaded (no registry)"))
    }

    @Test func completionOffersTopics() {
        #expect(explorer.complete("explain ra").candidates.contains("ranges"))
        #expect(explorer.complete("explain services").candidates == ["services-file"])
    }

    @Test func jsonCarriesTopicTextAndFacts() {
        let line =
            text(of: "set format json; explain ephemeral", in: explorer).split(separator: "\n").last.map(String.init)
            ?? ""
        #expect(line.contains("\"command\":\"explain\""))
        #expect(line.contains("\"topic\":\"ephemeral\""))
        #expect(line.contains("\"text\":\""))
        #expect(line.contains("\"ephemeralRange\":"))
    }
}

@Suite struct ExplainPortTests {
    let registry = ghostRegistry(explainRecords)

    func story(_ word: String, listeners: [ListenerFact]? = []) throws -> ExplainResult {
        ExplainPort.result(
            for: try ExplainTarget.parse(word, registry: registry), registry: registry,
            facts: hostFacts(listeners: listeners))
    }

    @Test func ghostWithoutAListener() throws {
        let r = try story("2991")
        #expect(r.body.contains("registered to wkstn-mon for TCP and UDP"))
        #expect(r.body.contains("only restates the name"))
        #expect(r.body.contains("William David"))
        #expect(r.body.contains("wkstn-mon is a ghost"))
        #expect(r.body.contains("0.0076%"))
        #expect(r.body.contains("Nothing listens on port 2991"))
        #expect(r.body.contains("'explain listening' gives the commands for Linux, macOS and Windows"))
        #expect(!r.body.contains("ss -ltnup"))
        #expect(r.json["verdict"] == "ghost")
        #expect(fits(r.text(TextContext(width: 50)), width: 50))
    }

    @Test func ghostWithAListenerChangesTheStory() throws {
        let python = ListenerFact(
            transport: .tcp, address: "127.0.0.1", port: 2991, processes: ["python3"], pids: [4242])
        let without = try story("2991")
        let with = try story("2991", listeners: [python])
        #expect(with.body != without.body)
        #expect(with.body.contains("python3 (pid 4242) listens on 127.0.0.1:2991/tcp"))
        #expect(with.body.contains("None of that looks like wkstn-mon"))
        #expect(with.body.contains("Believe the territory"))
        #expect(!with.body.contains("Nothing listens"))
        #expect(with.json["verdict"] == "ghost")
        guard case .array(let listeners)? = with.json["listeners"] else {
            Issue.record("no listeners")
            return
        }
        #expect(listeners.count == 1)
    }

    @Test func matchingListenerMakesItObserved() throws {
        let daemon = ListenerFact(transport: .tcp, port: 2991, processes: ["wkstnmond"], pids: [9])
        let r = try story("2991", listeners: [daemon])
        #expect(r.json["verdict"] == "observed")
        #expect(r.body.contains("the map and the territory agree"))
    }

    @Test func unseenListenersAreSaid() throws {
        let r = try story("2991", listeners: nil)
        #expect(r.body.contains("cannot see this host's listeners (not supported here)"))
    }

    @Test func differentPortsTellDifferentStories() throws {
        let texts = try ["2991", "22", "4", "1023", "50000", "0", "40000"].map { try story($0).body }
        #expect(Set(texts).count == texts.count)
        #expect(
            texts[1].contains("ssh is documented") && texts[1].contains("RFC 4251")
                && texts[1].contains("agreeing with the registry"))
        #expect(texts[1].contains("only privileged programs may bind it"))
        #expect(texts[2].contains("Unassigned") && texts[2].contains("IETF Review or IESG Approval"))
        #expect(texts[3].contains("marked Reserved"))
        #expect(
            texts[4].contains("Dynamic range") && texts[4].contains("never assigns")
                && texts[4].contains("client's side"))
        #expect(texts[5].contains("given a free port chosen by the system"))
        #expect(texts[6].contains("no entry at all") && texts[6].contains("ephemeral range"))
    }

    @Test func transportAndNameTargets() throws {
        let udp = try story("22/udp")
        #expect(udp.body.contains("registered to ssh, but not on UDP"))
        let byName = try story("SSH")
        #expect(byName.title == "Port 22")
        let portless = try story("my-dnssd")
        #expect(portless.body.contains("without a port number"))
    }

    @Test(arguments: [
        ("explain 70000", "explain: port 70000 is out of range; ports run from 0 to 65535"),
        ("explain 22/tpc", "explain: unknown transport 'tpc' in '22/tpc'; expected tcp, udp, sctp or dccp"),
        ("explain 22x", "explain: '22x' is not a port number; ports are whole numbers from 0 to 65535"),
        (
            "explain rangse",
            "explain: no topic, port or service named 'rangse'; did you mean 'ranges'? (type 'explain' for the topics)"
        ),
        (
            "explain wkstn-mom",
            "explain: no topic, port or service named 'wkstn-mom'; did you mean 'wkstn-mon'? (type 'explain' for the topics)"
        ),
        ("explain 22 23", "explain: expected one topic, port or name, got 2 words (quote a name with spaces)"),
    ])
    func preciseErrors(line: String, message: String) {
        #expect(failure(of: line, in: makeExplorer(records: explainRecords)) == message)
    }

    @Test func jsonHasTextAndFacts() {
        let explorer = makeExplorer(records: explainRecords, people: [william], format: .json)
        let line = text(of: "explain 2991", in: explorer)
        #expect(line.contains("\"topic\":\"port\""))
        #expect(line.contains("\"port\":2991"))
        #expect(line.contains("\"verdict\":\"ghost\""))
        #expect(line.contains("\"evidence\":["))
        #expect(line.contains("\"rangeClass\":\"user\""))
        #expect(line.contains("\"text\":\"In the "))
        #expect(line.contains("\"answer\":{\"map\":\"wkstn-mon (TCP, UDP), citing no document\""))
        #expect(!line.contains("ss -ltnup"))
    }
}
