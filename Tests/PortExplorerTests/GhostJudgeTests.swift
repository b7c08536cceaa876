import PortRegistry
import Testing

@testable import PortExplorer

/// A survey counts registrations by `GhostRules.judge` over `Registry.registrationOutlines`,
/// and shows them by `GhostRules.assess` over `Registration.group`: the two must agree on
/// every registration, under every combination of the host's maps and with listeners of
/// every resemblance.
@Suite struct GhostJudgeTests {
    /// Shapes the real registries may not have: records without a transport, blank and
    /// padded notes, note references, an unknown reference kind, descriptions that differ,
    /// names that differ only in case, one name on two ports, empty names, portless records.
    static let oddities: [ServiceRecord] = [
        ServiceRecord(name: "mixed", ports: PortRange(3000), transport: .tcp, description: "Mixed"),
        ServiceRecord(name: "MIXED", ports: PortRange(3000), transport: nil, description: "A longer description"),
        ServiceRecord(name: "mixed", ports: PortRange(3000), transport: .sctp, description: "Mixed"),
        ServiceRecord(name: "mixed", ports: PortRange(3001), transport: .udp, notes: "  \n "),
        ServiceRecord(name: "noted", ports: PortRange(3002), transport: .udp, notes: " kept "),
        ServiceRecord(
            name: "noted", ports: PortRange(3002), transport: .tcp, references: [Reference(kind: .note, value: "")]),
        ServiceRecord(name: "loose", ports: PortRange(3003), transport: nil, notes: "for all"),
        ServiceRecord(name: "loose", ports: PortRange(3003), transport: .tcp),
        ServiceRecord(
            name: "other-kind", ports: PortRange(3004), transport: .dccp,
            references: [Reference(kind: .other, value: "x"), Reference(kind: .person, value: "y")]),
        ServiceRecord(name: "old", ports: PortRange(90), transport: .tcp),
        ServiceRecord(name: "old", ports: PortRange(90), transport: .sctp, registered: Day(year: 2010, month: 3)),
        ServiceRecord(name: "half-old", ports: PortRange(91), transport: .tcp),
        ServiceRecord(name: "half-old", ports: PortRange(91), transport: .udp, registered: Day(year: 2004, month: 1)),
        ServiceRecord(name: "", ports: PortRange(3005), transport: .tcp),
        ServiceRecord(name: "portless", transport: .tcp),
        ServiceRecord(ports: PortRange(3006, 3010), description: "Unassigned"),
        ServiceRecord(name: "span", ports: PortRange(3006, 3008), transport: .udp, description: "A span of three"),
    ]

    static func registries() -> [(String, Registry)] {
        GhostFairnessTests.registries() + [("oddities", ghostRegistry(oddities))]
    }

    /// Listeners that look like, differ from and cannot be told from what is registered.
    static let listeners: [ListenerFact] = [
        ListenerFact(transport: .tcp, port: 22, processes: ["sshd"], pids: [1]),
        ListenerFact(transport: .tcp, port: 2991, processes: ["python3"], pids: [2]),
        ListenerFact(transport: .udp, port: 2991, processes: ["nginx"], pids: [3]),
        ListenerFact(transport: .tcp, port: 3000, hiddenReason: "needs root"),
        ListenerFact(transport: .udp, port: 3007, processes: ["spand"], pids: [4]),
        ListenerFact(transport: .tcp, port: 80, processes: ["nginx"], pids: [5]),
    ]

    @Test func outlinesAreTheRegistrationsOfTheRecords() {
        for (registryName, registry) in Self.registries() {
            let outlines = registry.registrationOutlines()
            let registrations = Registration.group(registry.allRecords())
            #expect(outlines.count == registrations.count, "\(registryName)")
            for (outline, registration) in zip(outlines, registrations) {
                let label = "\(registryName): \(registration.name) on \(registration.ports)"
                #expect(outline.name == registration.name, "\(label)")
                #expect(outline.lowercasedName == registration.name.lowercased(), "\(label)")
                #expect(outline.ports == registration.ports, "\(label)")
                #expect(outline.transports == registration.transports, "\(label)")
                #expect(outline.records.map(registry.record(at:)) == registration.records, "\(label)")
                #expect(outline.description == registration.description, "\(label)")
                #expect(outline.registered == registration.registered, "\(label)")
            }
        }
    }

    @Test func judgementsAreTheAssessmentsVerdicts() {
        for (registryName, registry) in Self.registries() {
            let outlines = registry.registrationOutlines()
            let registrations = Registration.group(registry.allRecords())
            for (mapsName, maps) in GhostFairnessTests.configurations() {
                for listeners in [ListenerFacts.notLooked, .seen(Self.listeners, source: "test", notes: [])] {
                    let facts = HostFacts(maps: maps, listeners: listeners, settings: HostFacts.none.settings)
                    for (outline, registration) in zip(outlines, registrations) {
                        let judged = GhostRules.judge(outline, facts: facts.ghostFacts(for: outline))
                        let assessed = GhostRules.assess(registration, facts: facts.ghostFacts(for: registration))
                        let label = "\(registration.name) on \(registration.ports), \(registryName), \(mapsName)"
                        #expect(judged.verdict == assessed.verdict, "\(label)")
                        #expect(judged.perTransport == assessed.perTransport, "\(label)")
                        #expect(judged.hasNoReference == assessed.hasNoReference, "\(label)")
                        #expect(judged.restatesName == assessed.restatesName, "\(label)")
                        #expect(judged.hasOtherListener == assessed.hasOtherListener, "\(label)")
                        #expect(judged.transportsDisagree == assessed.transportsDisagree, "\(label)")
                        #expect(judged.isObserved == assessed.isObserved, "\(label)")
                    }
                }
            }
        }
    }
}
