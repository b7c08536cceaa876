import Foundation
import PortholeTestSupport
import Testing

@testable import PortRegistry

/// services(5) and nmap-services lines holding a control character are malformed.
@Suite struct HostileServicesLineTests {
    static let controls: [(String, String)] = [
        ("\u{1B}", "U+001B"), ("\u{7}", "U+0007"), ("\u{7F}", "U+007F"), ("\u{9B}", "U+009B"), ("\u{85}", "U+0085"),
        ("\r", "U+000D"), ("\u{0}", "U+0000"),
    ]

    @Test("A services line with a control character in its name, an alias or its comment is passed over")
    func servicesLines() throws {
        for (control, name) in Self.controls {
            for line in [
                "evil\(control) 2991/tcp", "wkstn-mon 2991/tcp al\(control)ias",
                "wkstn-mon 2991/tcp # x\(control)]0;PWN",
            ] {
                let text = "ssh 22/tcp # fine\r\n\(line)\n# a comment \(control) never shown\nwww 80/tcp\thttp\n"
                let file = ServicesFile(bytes: Array(text.utf8), path: "services")
                #expect(file.readableEntries().map(\.name) == ["ssh", "www"], "\(line.debugDescription)")
                #expect(file.entries(onPort: 2991).isEmpty, "\(line.debugDescription)")
                #expect(file.entries(onPort: 22).first?.comment == "fine")
                #expect(
                    errorMessage { () throws(RegistryError) in try file.allEntries() }
                        == "services: line 2: control character \(name) in the line", "\(line.debugDescription)")
            }
        }
    }

    @Test("An nmap-services line with a control character is passed over by every reader, the frequency scan too")
    func nmapLines() throws {
        for (control, name) in Self.controls {
            for line in [
                "evil\(control)\t2991/tcp\t0.5", "wkstn-mon\t2991/tcp\t0.5\t# x\(control)]0;PWN",
                "wkstn-mon\t2991/tcp\t0.5 \(control) x", "wkstn-mon\(control)\t2991/tcp\t0.5",
            ] {
                let text = "ssh\t22/tcp\t0.25\t# fine\n\(line)\nwww\t80/tcp\t0.125\r\n"
                let file = NmapServicesFile(bytes: Array(text.utf8), path: "nmap-services")
                #expect(file.readableEntries().map(\.name) == ["ssh", "www"], "\(line.debugDescription)")
                #expect(file.entries(onPort: 2991).isEmpty)
                #expect(file.index().entry(port: 2991, transport: .tcp) == nil)
                #expect(file.nonZeroFrequencies()[.tcp]?.sorted() == [0.125, 0.25], "\(line.debugDescription)")
                #expect(
                    errorMessage { () throws(RegistryError) in try file.allEntries() }
                        == "nmap-services: line 2: control character \(name) in the line", "\(line.debugDescription)")
            }
        }
    }

    @Test("Random nmap lines with control characters: the frequency scan, the index and the readers agree")
    func randomControlLinesReadAlike() {
        var generator = SystemRandomNumberGenerator()
        let pieces = [
            "a", "\t", " ", "22/tcp", "7/udp", "0.5", "0.25", "#", "# c", "\u{1B}", "\u{7F}", "\u{9B}", "\u{A9}", "\r",
            "x\u{1B}]0;T\u{7}", "80/tcp/udp",
        ]
        for _ in 0..<200 {
            var text = ""
            for _ in 0..<30 {
                let line = (0..<Int.random(in: 1...6, using: &generator)).map { _ in
                    pieces.randomElement(using: &generator)!
                }
                text += line.joined(separator: Bool.random(using: &generator) ? "\t" : " ") + "\n"
            }
            let file = NmapServicesFile(bytes: Array(text.utf8), path: "random")
            let fromIndex = file.index().allEntries().filter { $0.frequency > 0 }
            let scanned = file.nonZeroFrequencies().mapValues { $0.sorted() }
            var expected: [Transport: [Double]] = [:]
            for entry in fromIndex { expected[entry.transport, default: []].append(entry.frequency) }
            #expect(scanned == expected.mapValues { $0.sorted() }, "\(text.debugDescription)")
            for entry in file.readableEntries() {
                #expect(!entry.name.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
                #expect(
                    !(entry.comment ?? "").unicodeScalars.contains {
                        ($0.value < 0x20 && $0 != "\t") || (0x7F...0x9F).contains($0.value)
                    })
            }
        }
    }
}
