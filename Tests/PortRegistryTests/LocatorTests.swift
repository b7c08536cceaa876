import Foundation
import PortholeTestSupport
import Testing

@testable import PortRegistry

@Suite struct LocatorTests {
    @Test func userCopyPath() {
        #expect(
            RegistryLocator.userCopyPath(environment: ["XDG_DATA_HOME": "/x/data", "HOME": "/home/u"])
                == "/x/data/porthole/registry.bin")
        #expect(
            RegistryLocator.userCopyPath(environment: ["XDG_DATA_HOME": "relative", "HOME": "/home/u"])
                == "/home/u/.local/share/porthole/registry.bin")
        #expect(
            RegistryLocator.userCopyPath(environment: ["HOME": "/home/u"])
                == "/home/u/.local/share/porthole/registry.bin")
        #expect(RegistryLocator.userCopyPath(environment: [:]) == nil)
    }

    @Test func precedence() throws {
        let dir = try TemporaryFolder()
        defer { dir.cleanup() }
        let xmlPath = Fixtures.path("small.xml")
        let csvPath = Fixtures.path("small.csv")
        let env = ["XDG_DATA_HOME": dir.path]
        // Nothing: the embedded snapshot.
        var (reg, warnings) = try RegistryLocator.active(flagPath: nil, environment: env)
        #expect(reg.source.kind == .embedded)
        #expect(warnings.isEmpty)
        // A user copy beats the snapshot.
        let userDoc = try RegistryUpdater.validate(syntheticXML(count: 10), file: "syn", minimumRecords: 1)
        _ = try RegistryUpdater(destination: dir.path + "/porthole/registry.bin").install(userDoc)
        (reg, warnings) = try RegistryLocator.active(flagPath: nil, environment: env)
        #expect(
            reg.source
                == RegistrySource(kind: .updated, path: dir.path + "/porthole/registry.bin", updated: day("2025-01-02"))
        )
        #expect(reg.recordCount == 10)
        // PORTHOLE_REGISTRY beats the user copy.
        (reg, _) = try RegistryLocator.active(
            flagPath: nil, environment: env.merging(["PORTHOLE_REGISTRY": csvPath]) { a, _ in a })
        #expect(reg.source == RegistrySource(kind: .environment, path: csvPath, updated: day("2014-07-09")))
        // --registry beats everything.
        (reg, _) = try RegistryLocator.active(
            flagPath: xmlPath, environment: env.merging(["PORTHOLE_REGISTRY": csvPath]) { a, _ in a })
        #expect(reg.source == RegistrySource(kind: .file, path: xmlPath, updated: day("2025-12-15")))
        #expect(reg.records(onPort: 2991).first?.name == "café-démo")
    }

    @Test func explicitPathsThatFailAreErrors() throws {
        #expect(
            errorMessage { () throws(RegistryError) in
                try RegistryLocator.active(flagPath: "/nonexistent/r.xml", environment: [:])
            }
                == "/nonexistent/r.xml: no such file")
        #expect(
            errorMessage { () throws(RegistryError) in
                try RegistryLocator.active(flagPath: nil, environment: ["PORTHOLE_REGISTRY": Fixtures.path("services")])
            }
                == "\(Fixtures.path("services")): line 1: header has 2 columns, expected 12 (\(IANACSVReader.columns.joined(separator: ",")))"
        )
        #expect(
            errorMessage { () throws(RegistryError) in
                try RegistryLocator.active(flagPath: Fixtures.directory, environment: [:])
            }
                == "\(Fixtures.directory): is a directory, not a file")
    }

    @Test func corruptedUserCopyWarnsOnceAndFallsBack() throws {
        let dir = try TemporaryFolder()
        defer { dir.cleanup() }
        let path = dir.path + "/porthole/registry.bin"
        try FileIO.makeDirectories(dir.path + "/porthole")
        let good = FastForm.encode(try IANAXMLReader.read(try Fixtures.bytes("small.xml"), file: "x"))
        try dir.write("porthole/registry.bin", Array(good[..<300]))
        let (reg, warnings) = try RegistryLocator.active(flagPath: nil, environment: ["XDG_DATA_HOME": dir.path])
        #expect(reg.source.kind == .embedded)
        #expect(
            warnings == [
                "ignoring the updated registry: \(path): offset 16: truncated: header says \(good.count) bytes, file has 300; using the embedded snapshot (run `update` to replace it)"
            ])
    }

    @Test(arguments: [
        ("2014-07-09", "2015-07-09", false),
        ("2014-07-09", "2015-07-10", true),
        ("2025-12-15", "2026-01-01", false),
        ("2024-02-29", "2025-03-01", true),
        // A month-only date is stale only once all of its month is more than a year ago.
        ("2025-12", "2026-12-31", false),
        ("2025-12", "2027-01-01", true),
    ])
    func staleness(updated: String, today: String, stale: Bool) throws {
        let source = RegistrySource(kind: .embedded, path: nil, updated: day(updated))
        #expect(source.isStale(today: try #require(day(today))) == stale)
    }

    @Test func undatedIsStale() throws {
        #expect(RegistrySource(kind: .file, path: nil, updated: nil).isStale(today: try #require(day("2020-01-01"))))
    }
}

@Suite struct LocatorUserCopyTests {
    @Test("No updated copy is no news: not there, or a file where a folder on its path should be")
    func absentCopyIsQuiet() throws {
        let dir = try TemporaryFolder()
        defer { dir.cleanup() }
        try dir.write("plain", [])
        for data in [dir.path, dir.file("plain")] {
            let (registry, warnings) = try RegistryLocator.active(flagPath: nil, environment: ["XDG_DATA_HOME": data])
            #expect(registry.source.kind == .embedded)
            #expect(warnings.isEmpty, "\(data): \(warnings)")
        }
    }

    @Test("A damaged updated copy is ignored, saying why")
    func damagedCopyIsIgnored() throws {
        let dir = try TemporaryFolder()
        defer { dir.cleanup() }
        try FileManager.default.createDirectory(atPath: dir.file("porthole"), withIntermediateDirectories: true)
        try dir.write("porthole/registry.bin", Array("not a registry".utf8))
        let (registry, warnings) = try RegistryLocator.active(flagPath: nil, environment: ["XDG_DATA_HOME": dir.path])
        #expect(registry.source.kind == .embedded)
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("ignoring the updated registry: \(dir.path)/porthole/registry.bin") == true)
    }
}
