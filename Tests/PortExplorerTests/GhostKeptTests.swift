import PortRegistry
import Synchronization
import Testing

@testable import PortExplorer

/// `ghosts` reads the registry's registrations, and whether each description says more than
/// its name, from the host's keep (`OutlineStore`) when it holds them for the same registry.
/// What is read back must judge exactly as what is made afresh, on every registration of the
/// embedded registry, and anything damaged must be refused rather than believed.
@Suite struct GhostKeptTests {
    static func registries() -> [(String, Registry)] { GhostJudgeTests.registries() }

    /// An `OutlineStore` in memory, counting its loads and saves.
    final class MemoryStore: Sendable {
        let kept = Mutex<[String: [UInt8]]>([:])
        let saves = Mutex(0)

        var store: OutlineStore {
            OutlineStore(
                load: { key in self.kept.withLock { $0[key] } },
                save: { key, bytes in
                    self.kept.withLock { $0[key] = bytes }
                    self.saves.withLock { $0 += 1 }
                })
        }
    }

    static func expectSame(_ kept: RegistrationOutline, _ made: RegistrationOutline, _ label: String) {
        #expect(kept.name == made.name, "\(label)")
        #expect(kept.lowercasedName == made.lowercasedName, "\(label)")
        #expect(kept.description == made.description, "\(label)")
        #expect(kept.ports == made.ports, "\(label)")
        #expect(kept.records == made.records, "\(label)")
        #expect(kept.transports == made.transports, "\(label)")
        #expect(kept.registered == made.registered, "\(label)")
        for transport in Transport.allCases {
            #expect(kept.recordCount(on: transport) == made.recordCount(on: transport), "\(label)")
            #expect(kept.hasNotes(on: transport) == made.hasNotes(on: transport), "\(label)")
            for kind in Reference.Kind.allCases {
                #expect(
                    kept.cites(on: transport) { $0 == kind } == made.cites(on: transport) { $0 == kind }, "\(label)")
            }
        }
    }

    @Test func keptOutlinesReadBackAsMade() throws {
        for (registryName, registry) in Self.registries() {
            let made = registry.registrationOutlines()
            let extra = made.map { GhostRules.describes($0) ? UInt8(1) : 0 }
            let read = try #require(
                registry.registrationOutlines(cached: registry.outlinesCacheBytes(made, extra: extra)))
            #expect(read.extra == extra, "\(registryName)")
            #expect(read.outlines.count == made.count, "\(registryName)")
            for (kept, fresh) in zip(read.outlines, made) {
                Self.expectSame(kept, fresh, "\(registryName): \(fresh.name) on \(fresh.ports)")
            }
        }
    }

    /// The fast path (kept outlines, kept descriptions' judgements) against the general
    /// judgement of each registration, under every combination of the host's maps.
    @Test func keptJudgementsAreTheGeneralOnes() throws {
        for (registryName, registry) in Self.registries() {
            let made = registry.registrationOutlines()
            let memory = MemoryStore()
            var maps = OtherMaps()
            maps.outlineStore = memory.store
            _ = maps.registrationOutlines(of: registry)
            let kept = maps.registrationOutlines(of: registry)
            #expect(memory.saves.withLock { $0 } == 1, "\(registryName): read back, not made again")
            #expect(kept.outlines.count == made.count)
            for (mapsName, configuration) in GhostFairnessTests.configurations() {
                for listeners in [ListenerFacts.notLooked, .seen(GhostJudgeTests.listeners, source: "test", notes: [])]
                {
                    let facts = HostFacts(maps: configuration, listeners: listeners, settings: HostFacts.none.settings)
                    for (i, outline) in made.enumerated() {
                        let general = GhostRules.judge(outline, facts: facts.ghostFacts(for: outline))
                        let fast = GhostRules.judge(
                            kept.outlines[i], facts: facts.ghostFacts(for: kept.outlines[i]),
                            describes: kept.describes[i])
                        let label = "\(outline.name) on \(outline.ports), \(registryName), \(mapsName)"
                        #expect(fast.verdict == general.verdict, "\(label)")
                        #expect(fast.perTransport == general.perTransport, "\(label)")
                        #expect(fast.hasNoReference == general.hasNoReference, "\(label)")
                        #expect(fast.restatesName == general.restatesName, "\(label)")
                        #expect(fast.hasOtherListener == general.hasOtherListener, "\(label)")
                    }
                    for filter in [
                        GhostFilter(), GhostFilter(ports: PortRange(1024, 49151), transport: .udp),
                        GhostFilter(year: 2005),
                    ] {
                        let general = GhostSurvey(registry: registry, filter: filter, facts: facts.ghostFacts(for:))
                        let fast = GhostSurvey(
                            registry: registry, kept: kept, filter: filter, facts: facts.ghostFacts(for:))
                        #expect(fast.total == general.total, "\(registryName), \(mapsName)")
                        #expect(fast.undated == general.undated, "\(registryName), \(mapsName)")
                        #expect(fast.byRange.map(\.1) == general.byRange.map(\.1), "\(registryName), \(mapsName)")
                        #expect(
                            fast.judgements.map(\.outline.records) == general.judgements.map(\.outline.records),
                            "\(registryName), \(mapsName)")
                    }
                }
            }
        }
    }

    /// Damaged, cut or foreign bytes are refused, and a keep holding them is written again.
    @Test func damagedKeptBytesAreRefused() throws {
        let registry = try Registry.embedded()
        let made = registry.registrationOutlines()
        let bytes = registry.outlinesCacheBytes(made, extra: made.map { GhostRules.describes($0) ? 1 : 0 })
        #expect(registry.registrationOutlines(cached: []) == nil)
        #expect(registry.registrationOutlines(cached: Array(bytes.dropLast(4))) == nil)
        #expect(registry.registrationOutlines(cached: Array(bytes.dropFirst(4))) == nil)
        for at in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 97)) {
            var damaged = bytes
            damaged[at] ^= 0x5A
            #expect(registry.registrationOutlines(cached: damaged) == nil, "byte \(at)")
        }
        // Another registry's outlines are kept under another key.
        let other = ghostRegistry(GhostJudgeTests.oddities)
        #expect(other.outlinesKey != registry.outlinesKey)

        let memory = MemoryStore()
        var maps = OtherMaps()
        maps.outlineStore = memory.store
        let key = registry.outlinesKey + " describes \(GhostRules.describesRule)"
        var damaged = bytes
        damaged[bytes.count / 2] ^= 0xFF
        memory.kept.withLock { $0[key] = damaged }
        let read = maps.registrationOutlines(of: registry)
        #expect(read.outlines.map(\.records) == made.map(\.records))
        #expect(read.describes == made.map(GhostRules.describes))
        #expect(memory.saves.withLock { $0 } == 1)
        #expect(memory.kept.withLock { $0[key] } == bytes)
    }
}
