import Foundation
import PortholeTestSupport
import Testing

@testable import PortRegistry

@Suite struct BinarySearchTests {
    @Test func partitioningIndexMatchesALinearSearch() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let count = Int.random(in: 0...40, using: &generator)
            let values = (0..<count).map { _ in Int.random(in: 0...20, using: &generator) }.sorted()
            let pivot = Int.random(in: -1...21, using: &generator)
            let expected = values.firstIndex { $0 >= pivot } ?? values.endIndex
            #expect(values.partitioningIndex { $0 >= pivot } == expected, "\(values) pivot \(pivot)")
            // A slice keeps its own indices.
            let tail = values.dropFirst(count / 2)
            #expect(tail.partitioningIndex { $0 >= pivot } == (tail.firstIndex { $0 >= pivot } ?? tail.endIndex))
        }
        #expect([Int]().partitioningIndex { _ in true } == 0)
        #expect([1, 2, 3].partitioningIndex { _ in false } == 3)
        #expect([1, 2, 3].partitioningIndex { _ in true } == 0)
    }

    @Test func serviceNamesWithAPrefixAreTheSortedMatches() throws {
        let doc = try IANAXMLReader.read(try Fixtures.bytes("small.xml"), file: "small.xml")
        let registry = try Registry(document: doc, source: RegistrySource(kind: .file, path: nil, updated: nil))
        let all = registry.serviceNames()
        for prefix in ["", "h", "HT", "http", "zzz", "w", "é", "c"] {
            #expect(
                registry.serviceNames(withPrefix: prefix) == all.filter { $0.hasPrefix(prefix.lowercased()) },
                "\(prefix)")
        }
    }
}

@Suite struct RegistryConstructionTests {
    @Test func anEncodingThatDoesNotReadBackIsAnErrorNotAnEmptyRegistry() {
        let source = RegistrySource(kind: .file, path: "in-memory", updated: nil)
        do {
            _ = try Registry(encoded: [0x89, 0x50, 0x48], source: source)
            Issue.record("bytes that are not the fast form opened as a registry")
        } catch {
            #expect(error.file == "in-memory")
            #expect(error.problem.contains("bad magic"))
        }
        var truncated = FastForm.encode(records: [], people: [], updated: nil, format: nil)
        truncated.removeLast(4)
        #expect(throws: RegistryError.self) { try Registry(encoded: truncated, source: source) }
    }

    @Test func recordsInMemoryBecomeARegistryOrAnError() throws {
        let records = [ServiceRecord(name: "demo", ports: PortRange(4242), transport: .tcp, description: "Demo")]
        let registry = try Registry.encoding(
            records: records, people: [], source: RegistrySource(kind: .file, path: nil, updated: nil))
        #expect(registry.records(onPort: 4242) == records)
        #expect(Registry(records: records, people: [], source: registry.source).allRecords() == records)
    }
}

@Suite struct RegistryFileTests {
    @Test func anAtomicWriteLeavesOnlyTheTargetAndAFailedOneSaysWhichStep() throws {
        let dir = try TemporaryFolder()
        defer { dir.cleanup() }
        let target = dir.path + "/deep/er/registry.bin"
        try FileIO.writeAtomically([1, 2, 3], to: target)
        #expect(try FileIO.readFile(target) == [1, 2, 3])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/deep/er") == ["registry.bin"])
        do throws(RegistryError) {
            try FileIO.writeAtomically([4], to: target + "/below")
            Issue.record("wrote below a file")
        } catch {
            #expect(error.problem.hasPrefix("cannot create directory: "))
        }
        #expect(try FileIO.readFile(target) == [1, 2, 3])
    }
}
