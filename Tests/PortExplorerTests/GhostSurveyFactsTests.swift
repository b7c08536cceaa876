import PortRegistry
import Testing

@testable import PortExplorer

/// A survey gathers each registration's facts through `HostFacts.surveyFacts()`, which reads
/// what all registrations share once and nmap's frequencies alone from its index; `explain`
/// and a survey's page use `ghostFacts(for:)`. The two must give the same facts for every
/// registration, under every combination of the host's maps, with and without listeners.
@Suite struct GhostSurveyFactsTests {
    /// nmap-services as the porthole executable reads it (`LiveHost.loadOtherMaps`): port by
    /// port from the file, and from its index once indexed, with the index's frequencies
    /// given alone too. This host's file when installed, else the repository's fixture.
    static func indexedNmap() throws -> OtherMaps? {
        var fixture = #filePath
        for _ in 0..<2 { fixture = String(fixture[..<(fixture.lastIndex(of: "/") ?? fixture.startIndex)]) }
        fixture += "/PortRegistryTests/Fixtures/nmap-services"
        guard let file = try NmapServicesFile.loadInstalled(paths: ServicesFiles.nmapServicesPaths + [fixture]) else {
            return nil
        }
        let index = file.index()
        let table = NmapTable(
            onPort: { port in
                file.entries(onPort: port).map {
                    ($0.transport, NmapEntry(name: $0.name, frequency: $0.frequency, comment: $0.comment))
                }
            },
            all: {
                index.allEntries().map {
                    (
                        ServiceKey(port: $0.port, transport: $0.transport),
                        NmapEntry(name: $0.name, frequency: $0.frequency)
                    )
                }
            },
            index: {
                { port, transport in
                    index.entry(port: port, transport: transport).map {
                        NmapEntry(name: $0.name, frequency: $0.frequency)
                    }
                }
            },
            combine: NmapTable.moreFrequent)
        return OtherMaps(
            services: GhostFairnessTests.services.map { ServicesTable($0, combine: +) }, nmap: table,
            nmapPath: file.path,
            nmapIndexedFrequency: { { port, transport in index.frequency(port: port, transport: transport) } })
    }

    @Test func surveyFactsAreEachRegistrationsFacts() throws {
        var configurations = GhostFairnessTests.configurations()
        if let indexed = try Self.indexedNmap() { configurations.append(("nmap's index", indexed)) }
        for (registryName, registry) in GhostJudgeTests.registries() {
            let outlines = registry.registrationOutlines()
            for (mapsName, maps) in configurations {
                for listeners in [
                    ListenerFacts.notLooked, .unavailable("test"),
                    .seen(GhostJudgeTests.listeners, source: "test", notes: []),
                ] {
                    let facts = HostFacts(maps: maps, listeners: listeners, settings: HostFacts.none.settings)
                    let survey = facts.surveyFacts()
                    var differing = 0
                    for outline in outlines where survey(outline) != facts.ghostFacts(for: outline) {
                        differing += 1
                        if differing <= 5 {
                            Issue.record("\(outline.name) on \(outline.ports), \(registryName), \(mapsName)")
                        }
                    }
                    #expect(differing == 0, "\(registryName), \(mapsName)")
                }
            }
        }
    }
}
