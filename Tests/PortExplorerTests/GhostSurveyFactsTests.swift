import PortRegistry
import Testing

@testable import PortExplorer

/// A survey gathers each registration's facts through `HostFacts.surveyFacts()`, which reads
/// what all registrations share once and nmap's frequencies from its index, entries only where a comment may cite; `explain`
/// and a survey's page use `ghostFacts(for:)`. The two must give the same facts for every
/// registration, under every combination of the host's maps, with and without listeners.
@Suite struct GhostSurveyFactsTests {
    /// nmap-services as the porthole executable reads it (`NmapTable.reading`): port by
    /// port from the file, and from its index once indexed, with the survey's first look at
    /// the index too. This host's file when installed, else the repository's fixture.
    static func indexedNmap() throws -> OtherMaps? {
        var fixture = #filePath
        for _ in 0..<2 { fixture = String(fixture[..<(fixture.lastIndex(of: "/") ?? fixture.startIndex)]) }
        fixture += "/PortRegistryTests/Fixtures/nmap-services"
        guard let file = try NmapServicesFile.loadInstalled(paths: ServicesFiles.nmapServicesPaths + [fixture]) else {
            return nil
        }
        let index = file.index()
        return OtherMaps(
            services: GhostFairnessTests.services.map { ServicesTable($0, combine: +) },
            nmap: NmapTable.reading(file, index: { index }), nmapPath: file.path,
            nmapIndexedSighting: { NmapTable.sightings(in: index) })
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

    /// A registration asked about alone (`explain 95`, `lookup 95`: nmap read port by port
    /// from the file) gets the facts a survey gives it (nmap read from its index): a document
    /// cited in nmap-services' comment counts in both, so their verdicts agree.
    @Test func aRegistrationAskedAloneHasTheSurveysFacts() throws {
        let registry = try Registry.embedded()
        let citing = Set(
            try #require(try Self.indexedNmap()).nmap!.everything.filter { !$0.value.citations.isEmpty }.map(\.key.port)
        )
        // The fixture cites nothing; nmap's own file (installed in CI) cites two dozen documents.
        guard !citing.isEmpty else { return }
        let survey = HostFacts(
            maps: try #require(try Self.indexedNmap()), listeners: .notLooked, settings: HostFacts.none.settings
        )
        .surveyFacts()
        var compared = 0
        for outline in registry.registrationOutlines()
        where (outline.ports.lower...outline.ports.upper).contains(where: citing.contains) {
            let alone = HostFacts(
                maps: try #require(try Self.indexedNmap()), listeners: .notLooked, settings: HostFacts.none.settings)
            #expect(alone.ghostFacts(for: outline) == survey(outline), "\(outline.name) on \(outline.ports)")
            compared += 1
        }
        #expect(compared > 0)
    }
}
