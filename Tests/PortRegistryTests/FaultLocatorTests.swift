import Foundation
import PortholeTestSupport
import Testing

@testable import PortRegistry

/// The locator under every kind of damage to the user's copy: it never crashes, never
/// answers from a damaged file, and warns exactly once, naming the file.
@Suite struct FaultLocatorTests {
    static func good() throws -> [UInt8] {
        FastForm.encode(try IANAXMLReader.read(syntheticXML(count: 400), file: "synthetic.xml"))
    }

    func expectFallback(_ bytes: [UInt8], _ label: String, in dir: TemporaryFolder) throws {
        try dir.write("porthole/registry.bin", bytes)
        let path = dir.path + "/porthole/registry.bin"
        let (registry, warnings) = try RegistryLocator.active(
            flagPath: nil, environment: ["XDG_DATA_HOME": dir.path, "HOME": "/nonexistent"])
        #expect(registry.source.kind == .embedded, "\(label): answered from \(registry.source.kind)")
        #expect(warnings.count == 1, "\(label): \(warnings)")
        #expect(warnings.first?.hasPrefix("ignoring the updated registry: \(path): ") ?? false, "\(label): \(warnings)")
        #expect(
            warnings.first?.hasSuffix("; using the embedded snapshot (run `update` to replace it)") ?? false,
            "\(label): \(warnings)")
    }

    @Test("Truncated at 300 points from 0 bytes to one short of the whole file")
    func everyTruncation() throws {
        let dir = try TemporaryFolder()
        defer { dir.cleanup() }
        try FileIO.makeDirectories(dir.path + "/porthole")
        let good = try Self.good()
        var cuts = Set((0..<300).map { $0 * good.count / 300 })
        cuts.formUnion([1, 7, 8, 11, 12, 111, 112, 113, good.count - 1])
        for cut in cuts.sorted() {
            try expectFallback(Array(good[..<cut]), "cut at \(cut)", in: dir)
        }
    }

    @Test("Header bytes overwritten: magic, version, sizes, checksum")
    func headerDamage() throws {
        let dir = try TemporaryFolder()
        defer { dir.cleanup() }
        try FileIO.makeDirectories(dir.path + "/porthole")
        let good = try Self.good()
        // Every header byte but the reserved word at 20..<24, which readers ignore by design.
        for offset in 0..<32 where !(20..<24).contains(offset) {
            for value: UInt8 in [0x00, 0xFF, 0x02] where good[offset] != value {
                var b = good
                b[offset] = value
                try expectFallback(b, "byte \(offset) = \(value)", in: dir)
            }
        }
        for version: UInt32 in [0, 1, 3, 0xFFFF_FFFF] {
            var b = good
            b.put32(version, at: 8)
            try expectFallback(b, "version \(version)", in: dir)
        }
    }

    @Test("Garbage of many sizes, including text that looks like other formats")
    func garbage() throws {
        let dir = try TemporaryFolder()
        defer { dir.cleanup() }
        try FileIO.makeDirectories(dir.path + "/porthole")
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        for size in [1, 2, 16, 111, 112, 113, 4_096, 65_537] {
            try expectFallback((0..<size).map { _ in next() }, "\(size) random bytes", in: dir)
        }
        for text in [
            "", "\n", "<?xml version='1.0'?>\n<registry>", "Service Name,Port Number\n",
            "<html><body>oops</body></html>", "\u{FEFF}",
        ] {
            try expectFallback(Array(text.utf8), text.debugDescription, in: dir)
        }
        // The magic followed by garbage.
        try expectFallback(FastForm.magic + (0..<200).map { _ in next() }, "magic + garbage", in: dir)
    }
}
