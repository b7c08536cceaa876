import PortRegistry
import Testing

@testable import PortExplorer

/// wkstn-mon as the embedded snapshot has it: tcp and udp, "WKSTN-MON", William_David, nothing else.
let wkstnMon: [ServiceRecord] = [.tcp, .udp].map {
    ServiceRecord(
        name: "wkstn-mon", ports: PortRange(2991), transport: $0, description: "WKSTN-MON",
        assignees: ["William_David"], contacts: ["William_David"])
}
let william = Person(id: "William_David", name: "William David")

func ghostRegistry(_ records: [ServiceRecord]) -> Registry {
    Registry(records: records, people: [william], source: RegistrySource(kind: .file, path: "test.xml", updated: nil))
}

func registration(_ records: [ServiceRecord]) -> Registration {
    Registration.group(records)[0]
}

/// Checked sources that found nothing.
let nothingFound = GhostFacts()

@Suite struct GhostRuleTests {
    @Test func wkstnMonAsInTheSnapshotIsAGhost() {
        let a = GhostRules.assess(registration(wkstnMon), facts: nothingFound)
        #expect(a.verdict == .ghost)
        #expect(a.evidence.isEmpty)
        #expect(a.hasNoReference && a.restatesName)
        #expect(
            a.missing.contains("a reference") && a.missing.contains("a services(5) entry"))
        #expect(a.registration.transports == [.tcp, .udp])
    }

    @Test(arguments: [Reference.Kind.rfc, .draft, .uri, .text])
    func documentingReferenceIsStrong(kind: Reference.Kind) {
        var records = wkstnMon
        records[0].references = [Reference(kind: kind, value: kind == .rfc ? "rfc9999" : "something")]
        let a = GhostRules.assess(registration(records), facts: nothingFound)
        #expect(a.verdict == .documented)
        #expect(a.evidence.first?.kind == .reference && a.evidence.first?.strength == .strong)
    }

    @Test func personReferenceIsNotEvidence() {
        var records = wkstnMon
        records[0].references = [Reference(kind: .person, value: "William_David")]
        #expect(GhostRules.assess(registration(records), facts: nothingFound).verdict == .ghost)
    }

    static let cutoffs: [Transport: Double] = [.tcp: 0.00038, .udp: 0.001036]

    @Test func nmapAtItsTransportsCutOffIsObservedBelowIsOnlyNoted() {
        let at = GhostRules.assess(
            registration(wkstnMon),
            facts: GhostFacts(nmap: [.tcp: NmapSighting(frequency: 0.00038)], nmapCutoffs: Self.cutoffs))
        #expect(at.verdict == .observed && at.isObserved && !at.isDocumented)
        #expect(at.evidence.contains { $0.kind == .nmap && $0.strength == .strong })
        #expect(at.perTransport.map(\.verdict) == [.observed, .ghost] && at.transportsDisagree)
        #expect(at.perTransportPhrase == "observed on tcp; ghost on udp")
        let below = GhostRules.assess(
            registration(wkstnMon),
            facts: GhostFacts(nmap: [.tcp: NmapSighting(frequency: 0.000076)], nmapCutoffs: Self.cutoffs))
        #expect(below.verdict == .ghost)
        #expect(below.evidence.map(\.kind) == [.rareInNmap])
        #expect(below.evidence[0].sentence.contains("0.0076%"))
        let zero = GhostRules.assess(
            registration(wkstnMon),
            facts: GhostFacts(nmap: [.tcp: NmapSighting(frequency: 0)], nmapCutoffs: Self.cutoffs))
        #expect(zero.verdict == .ghost && zero.evidence.isEmpty)
    }

    /// msg-icp's UDP figure is above the old single threshold of 1 in 2,000 but below UDP's cut-off.
    @Test func oneThresholdNoLongerServesEveryTransport() {
        let a = GhostRules.assess(
            registration(wkstnMon),
            facts: GhostFacts(nmap: [.udp: NmapSighting(frequency: 0.00056)], nmapCutoffs: Self.cutoffs))
        #expect(a.verdict == .ghost)
        let uncalibrated = GhostRules.assess(
            registration(wkstnMon), facts: GhostFacts(nmap: [.tcp: NmapSighting(frequency: 0.5)], nmapCutoffs: [:]))
        #expect(uncalibrated.verdict == .ghost && uncalibrated.evidence.map(\.kind) == [.uncalibratedNmap])
    }

    @Test func calibrationIsANearestRankPercentilePerTransport() {
        var table: [ServiceKey: NmapEntry] = [:]
        for port in 1...200 {
            table[ServiceKey(port: UInt16(port), transport: .tcp)] = NmapEntry(name: "t", frequency: Double(port) / 1e5)
            table[ServiceKey(port: UInt16(port), transport: .udp)] = NmapEntry(name: "u", frequency: Double(port) / 1e3)
        }
        table[ServiceKey(port: 1, transport: .sctp)] = NmapEntry(name: "s", frequency: 0.5)
        table[ServiceKey(port: 300, transport: .tcp)] = NmapEntry(name: "z", frequency: 0)
        let calibration = NmapCalibration(table)
        #expect(calibration.cutoffs == [.tcp: 180 / 1e5, .udp: 180 / 1e3])
        #expect(calibration.nonZero == [.tcp: 200, .udp: 200, .sctp: 1])
    }

    @Test func nmapCommentsCiteDocuments() {
        #expect(
            NmapServiceEntry.citations(in: "TCP Port Service Multiplexer [rfc-1078] | TCP Port Service Multiplexer")
                == [
                    "RFC 1078"
                ])
        #expect(NmapServiceEntry.citations(in: "BSD supdupd(8)") == ["supdupd(8)"])
        #expect(NmapServiceEntry.citations(in: "Post Office Protocol - Version 3 [RFC1939], RFC 1939") == ["RFC 1939"])
        #expect(
            NmapServiceEntry.citations(in: "BSD box").isEmpty && NmapServiceEntry.citations(in: "WKSTN-MON").isEmpty)
        let cited = GhostRules.assess(
            registration(wkstnMon), facts: GhostFacts(nmap: [.tcp: NmapSighting(frequency: 0, citations: ["RFC 1078"])])
        )
        #expect(cited.verdict == .documented && cited.perTransportPhrase == "documented on tcp; ghost on udp")
    }

    @Test func nmapCitationsCountOnlyUnderTheSameName() {
        let maps = OtherMaps(nmap: [
            ServiceKey(port: 2991, transport: .tcp): NmapEntry(name: "other", frequency: 0, comment: "[RFC 1]"),
            ServiceKey(port: 2991, transport: .udp): NmapEntry(name: "wkstn-mon", frequency: 0, comment: "RFC 2"),
        ])
        let facts = HostFacts(maps: maps, listeners: .notLooked, settings: HostFacts.none.settings)
            .ghostFacts(for: registration(wkstnMon))
        #expect(facts.nmap[.tcp]?.citations == [] && facts.nmap[.udp]?.citations == ["RFC 2"])
    }

    @Test func matchingListenerIsStrongOtherListenerIsNoted() {
        let matching = ListenerFact(transport: .tcp, port: 2991, processes: ["wkstnmond"], pids: [40])
        let a = GhostRules.assess(registration(wkstnMon), facts: GhostFacts(listeners: [matching]))
        #expect(a.verdict == .observed)
        #expect(a.perTransportPhrase == "observed on tcp; ghost on udp")
        let other = ListenerFact(transport: .tcp, address: "127.0.0.1", port: 2991, processes: ["python3"], pids: [41])
        let b = GhostRules.assess(registration(wkstnMon), facts: GhostFacts(listeners: [other]))
        #expect(b.verdict == .ghost)
        #expect(b.hasOtherListener)
        #expect(
            b.evidence[0].sentence.contains("python3 (pid 41)") && b.evidence[0].sentence.contains("127.0.0.1:2991/tcp")
        )
    }

    @Test func weakEvidenceMakesItFaint() {
        var described = wkstnMon
        described[0].description = "Workstation Monitor"
        var noted = wkstnMon
        noted[1].notes = "Defined TXT keys: none"
        let cases: [(Registration, GhostFacts, GhostEvidence.Kind)] = [
            (registration(described), nothingFound, .description),
            (registration(noted), nothingFound, .notes),
            (registration(wkstnMon), GhostFacts(servicesFileTransports: [.tcp, .udp]), .servicesFile),
        ]
        for (r, facts, kind) in cases {
            let a = GhostRules.assess(r, facts: facts)
            #expect(a.verdict == .faint, "\(kind)")
            #expect(a.evidence.contains { $0.kind == kind && $0.strength == .weak }, "\(kind)")
        }
        // A note on one transport's record speaks for that transport only.
        #expect(
            GhostRules.assess(registration(noted), facts: nothingFound).perTransportPhrase
                == "ghost on tcp; faint on udp")
    }

    @Test func aDateIsContextNotEvidence() {
        var dated = wkstnMon
        dated[0].registered = Day(year: 1998, month: 3, day: 2)
        let a = GhostRules.assess(registration(dated), facts: nothingFound)
        #expect(a.verdict == .ghost)
        #expect(a.evidence.contains { $0.kind == .dates && $0.strength == .noted })
    }

    @Test func aWholesaleServicesFileProvesNothing() {
        let a = GhostRules.assess(
            registration(wkstnMon), facts: GhostFacts(servicesFileTransports: [.tcp, .udp], servicesFileCurated: false))
        #expect(a.verdict == .ghost && a.evidence.map(\.kind) == [.wholesaleServicesFile])
        #expect(a.basis.contains("services(5) (a copy of the registry)"))
        #expect(ServicesFileKind(entries: 318).isCurated && !ServicesFileKind(entries: 11_000).isCurated)
    }

    @Test func citationsOnSCTPRecordsLendNothingToTCP() {
        let http: [ServiceRecord] = [
            ServiceRecord(name: "http", ports: PortRange(80), transport: .tcp, description: "World Wide Web HTTP"),
            ServiceRecord(
                name: "http", ports: PortRange(80), transport: .sctp, description: "HTTP",
                registered: Day(year: 2010, month: 1, day: 1), references: [Reference(kind: .rfc, value: "rfc4960")]),
        ]
        let a = GhostRules.assess(registration(http), facts: nothingFound)
        #expect(a.perTransport.map(\.verdict) == [.legacy, .documented])
        #expect(a.evidence.contains { $0.sentence == "The registry cites RFC 4960 on sctp." })
        #expect(a.perTransportPhrase == "legacy on tcp; documented on sctp")
    }

    @Test func undatedSystemPortsAreLegacyUndatedUserPortsAreNot() {
        let supdup = wkstnMon.map {
            ServiceRecord(
                name: "supdup", ports: PortRange(95), transport: $0.transport, description: "SUPDUP",
                assignees: ["Mark_Crispin"])
        }
        #expect(GhostRules.assess(registration(supdup), facts: nothingFound).verdict == .legacy)
        var dated = supdup
        dated[0].registered = Day(year: 2005, month: 1, day: 1)
        #expect(GhostRules.assess(registration(dated), facts: nothingFound).verdict == .ghost)
        #expect(GhostRules.assess(registration(wkstnMon), facts: nothingFound).verdict == .ghost)
    }

    @Test func everyVerdictNamesItsSources() {
        let a = GhostRules.assess(
            registration(wkstnMon), facts: GhostFacts(nmapChecked: false, listenersChecked: false))
        #expect(
            a.basis
                == "ghost by the registry and services(5); nmap's frequencies were not available and the listeners here were not checked, which could only add evidence."
        )
    }

    @Test func uncheckedSourcesAreNotListedAsMissing() {
        let a = GhostRules.assess(registration(wkstnMon), facts: .registryOnly)
        #expect(a.verdict == .ghost)
        #expect(!a.missing.contains("a services(5) entry") && !a.missing.contains("nmap sightings"))
    }

    @Test(arguments: [
        ("WKSTN-MON", "wkstn-mon", true),
        ("Avenyo Server", "avenyo", true),
        ("The Foo Protocol Daemon", "foo", true),
        ("", "foo", true),
        ("Workstation Monitor", "wkstn-mon", false),
        ("Secure Shell Login", "ssh", false),
        ("WKSTNMON service", "wkstn-mon", true),
    ])
    func restatesName(description: String, name: String, expected: Bool) {
        #expect(GhostRules.restatesName(description: description, name: name) == expected)
    }

    @Test func registrationsGroupByNameAndPortAcrossTransports() {
        let records =
            wkstnMon + [
                ServiceRecord(name: "WKSTN-MON", ports: PortRange(2991), transport: .sctp),
                ServiceRecord(name: nil, ports: PortRange(2992), transport: .tcp, description: "Unassigned"),
                ServiceRecord(name: "dnssd-only", ports: nil, transport: nil),
                ServiceRecord(name: "x11", ports: PortRange(6000, 6063), transport: .tcp),
            ]
        let groups = Registration.group(records)
        #expect(groups.map(\.name) == ["wkstn-mon", "x11"])
        #expect(groups[0].transports == [.tcp, .udp, .sctp])
        #expect(groups[1].rangeClass == .user)
    }

    @Test func hostFactsFindServicesFileNmapAndListenersForARange() {
        let x11 = Registration.group([ServiceRecord(name: "x11", ports: PortRange(6000, 6063), transport: .tcp)])[0]
        let maps = OtherMaps(
            services: [ServiceKey(port: 6000, transport: .tcp): ["x11", "x11-0"]],
            nmap: [ServiceKey(port: 6001, transport: .tcp): NmapEntry(name: "X11:1", frequency: 0.0011)]
        )
        let listener = ListenerFact(transport: .tcp, port: 6010, processes: ["Xorg"])
        let facts = HostFacts(
            maps: maps, listeners: .seen([listener], source: "test", notes: []), settings: HostFacts.none.settings
        )
        .ghostFacts(for: x11)
        #expect(facts.servicesFileTransports == [.tcp])
        #expect(facts.nmap[.tcp]?.frequency == 0.0011)
        #expect(facts.listeners == [listener])
        // One nmap entry calibrates nothing, so the curated services file's listing is all there is.
        #expect(GhostRules.assess(x11, facts: facts).verdict == .faint)
    }

    @Test func rulesTextStatesTheCalibrationAndWhatIsNotARegistration() {
        #expect(GhostRules.text.contains("90th percentile") && GhostRules.text.contains("Legacy"))
        #expect(GhostRules.text.contains("without a port"))
    }
}

@Suite struct GhostSurveyTests {
    static let records: [ServiceRecord] =
        wkstnMon + [
            ServiceRecord(
                name: "ssh", ports: PortRange(22), transport: .tcp, description: "The Secure Shell (SSH) Protocol",
                references: [Reference(kind: .rfc, value: "rfc4251")]),
            ServiceRecord(
                name: "avenyo", ports: PortRange(2981), transport: .tcp, description: "Avenyo Server",
                registered: Day(year: 2008, month: 1, day: 10)),
            ServiceRecord(
                name: "old-ghost", ports: PortRange(700), transport: .udp, description: "OLD-GHOST",
                contacts: ["William_David"]),
            ServiceRecord(name: "new-ghost", ports: PortRange(40000), transport: .tcp, description: "New Ghost"),
        ]

    @Test func countsByRangeClass() {
        let survey = GhostSurvey(registry: ghostRegistry(Self.records), facts: { _ in nothingFound })
        #expect(survey.total.registrations == 5)
        #expect(survey.total.documented == 1 && survey.total.legacy == 1 && survey.total.ghosts == 3)
        #expect(survey.total.noReference == 4)
        #expect(survey.total.restatesName == 5 - 1)  // only ssh says more than its name
        let system = survey.byRange.first { $0.0 == .system }!.1
        #expect(system.registrations == 2 && system.ghosts == 0 && system.legacy == 1)
    }

    @Test func filtersByRangeTransportAndYear() {
        let registry = ghostRegistry(Self.records)
        #expect(
            GhostSurvey(
                registry: registry, filter: GhostFilter(ports: PortRange(1024, 49151)), facts: { _ in nothingFound }
            ).total.registrations == 3)
        #expect(
            GhostSurvey(registry: registry, filter: GhostFilter(transport: .udp), facts: { _ in nothingFound }).total
                .registrations == 2)
        let dated = GhostSurvey(registry: registry, filter: GhostFilter(year: 2008), facts: { _ in nothingFound })
        #expect(dated.judgements.map(\.outline.name) == ["avenyo"])
        #expect(dated.ghosts.map(\.outline.name) == ["avenyo"])
        #expect(dated.undated == 4)
    }
}

@Suite struct GhostsCommandTests {
    func explorer(format: OutputFormat = .text) -> Explorer {
        makeExplorer(records: GhostSurveyTests.records, people: [william], format: format)
    }

    @Test func textShowsSummaryAndPage() {
        let out = text(of: "ghosts", in: explorer())
        #expect(out.contains("documented") && out.contains("ghosts"))
        #expect(out.contains("System") && out.contains("User") && out.contains("legacy"))
        #expect(out.contains("2991  wkstn-mon  tcp, udp  William David"))
        #expect(out.contains("missing: a reference"))
        #expect(!out.contains("ssh"))
        for line in out.split(separator: "\n") { #expect(DisplayWidth.of(String(line)) <= 80, "\(line)") }
    }

    @Test func limitAndEmptyResults() {
        let out = text(of: "ghosts --limit 1", in: explorer())
        #expect(out.contains("The first 1 of 3 ghosts"))
        #expect(text(of: "ghosts 20-30", in: explorer()).contains("No ghosts"))
        #expect(
            text(of: "ghosts --limit 0", in: explorer()).contains("all")
                && !text(of: "ghosts --limit 0", in: explorer()).contains("wkstn-mon  tcp"))
    }

    @Test(arguments: [
        ("ghosts 2991", "The only ghost:"),
        ("ghosts", "All 3 ghosts, in port order:"),
        ("ghosts --random 50", "All 3 ghosts, in random order:"),
        ("ghosts --random 2", "A random sample of 2 of 3 ghosts:"),
        ("ghosts --limit 2", "The first 2 of 3 ghosts, in port order (--limit N for more, --random N for a"),
    ])
    func pageHeadingsCountInWords(line: String, heading: String) {
        #expect(text(of: line, in: explorer()).contains("\n" + heading + "\n"), "\(line)")
    }

    @Test func json() throws {
        let line = text(of: "ghosts udp", in: explorer(format: .json))
        #expect(line.hasPrefix("{") && line.contains("\"command\":\"ghosts\""))
        #expect(line.contains("\"summary\":{"))
        #expect(line.contains("\"byRange\":{"))
        #expect(line.contains("\"ghosts\":[{"))
        #expect(line.contains("\"name\":\"wkstn-mon\""))
        #expect(line.contains("\"evidence\":["))
        #expect(line.contains("\"contacts\":[\"William David\"]"))
        #expect(line.contains("\"transport\":\"udp\""))
    }

    @Test func randomSampleHasTheRightSizeAndMembers() throws {
        let registry = ghostRegistry(GhostSurveyTests.records)
        var random = SystemRandomNumberGenerator()
        let ghosts = Set(["wkstn-mon", "avenyo", "new-ghost"])
        for n in 1...4 {
            let result = try GhostsResult(
                request: GhostsRequest(sample: n), registry: registry, facts: .none, random: &random)
            #expect(result.page.count == min(n, 3))
            #expect(Set(result.page.map(\.0.registration.name)).isSubset(of: ghosts))
            #expect(Set(result.page.map(\.0.registration.name)).count == result.page.count)
        }
    }

    @Test func listeningNeedsListenerFactsAndKeepsOnlyOverriddenGhosts() throws {
        let registry = ghostRegistry(GhostSurveyTests.records)
        var random = SystemRandomNumberGenerator()
        #expect(throws: CommandError.self) {
            try GhostsResult(
                request: GhostsRequest(listening: true), registry: registry,
                facts: HostFacts(
                    maps: OtherMaps(), listeners: .unavailable("no netlink"), settings: HostFacts.none.settings),
                random: &random)
        }
        let python = ListenerFact(transport: .tcp, port: 2991, processes: ["python3"], pids: [7])
        let facts = HostFacts(
            maps: OtherMaps(), listeners: .seen([python], source: "test", notes: []), settings: HostFacts.none.settings)
        let result = try GhostsResult(
            request: GhostsRequest(listening: true), registry: registry, facts: facts, random: &random)
        #expect(result.page.map(\.0.registration.name) == ["wkstn-mon"])
        #expect(result.text(TextContext()).contains("python3 (pid 7)"))
    }

    @Test(arguments: [
        // One range parser: ghosts words a bad range as lookup does.
        ("ghosts 70000-80000", "ghosts: port 70000 is out of range; ports run from 0 to 65535"),
        ("ghosts 500-100", "ghosts: range '500-100' runs backwards; write the lower port first (100-500)"),
        ("ghosts 1-2-3", "ghosts: '1-2-3' is not a port number; ports are whole numbers from 0 to 65535"),
        ("ghosts 5/udp", "ghosts: expected a port range such as 1024-49151 or a single port, not '5/udp'"),
        ("ghosts --year 1969", "ghosts: --year expects a whole number from 1970 to 2100, not '1969'"),
        ("ghosts --year 2101", "ghosts: --year expects a whole number from 1970 to 2100, not '2101'"),
        ("ghosts --limit many", "ghosts: --limit expects a whole number from 0 to 100000, not 'many'"),
        ("ghosts --random 0", "ghosts: --random expects a whole number from 1 to 100000, not '0'"),
        (
            "ghosts tpc",
            "ghosts: expected a port range such as 1024-49151 or a transport (tcp, udp, sctp, dccp), not 'tpc'; did you mean 'tcp'?"
        ),
        ("ghosts tcp udp", "ghosts: give one transport, not both 'tcp' and 'udp'"),
        ("ghosts 1-10 20-30", "ghosts: give one port range, not several ('20-30' is the second)"),
        ("ghosts --random 3 --limit 2", "ghosts: --random N already sets how many to show; drop --limit"),
    ])
    func preciseErrors(line: String, message: String) {
        #expect(failure(of: line, in: explorer()) == message)
    }
}

@Suite struct NearestRankTests {
    @Test func selectionFindsWhatSortingFinds() {
        var generator = SystemRandomNumberGenerator()
        for count in [1, 2, 3, 10, 99, 100, 1000] {
            for _ in 0..<20 {
                // Repeated values too: nmap's frequencies repeat a great deal.
                let values = (0..<count).map { _ in Double(Int.random(in: 0..<50, using: &generator)) / 1000 }
                for percent in [1, 50, 90, 100] {
                    #expect(
                        NmapCalibration.nearestRank(unsorted: values, percent: percent)
                            == NmapCalibration.nearestRank(values.sorted(), percent: percent))
                }
            }
        }
    }
}
