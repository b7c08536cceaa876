import Foundation
import Testing

@testable import PortRegistry

enum Fixtures {
    static let directory: String = {
        let here = #filePath
        let dir = here[..<(here.lastIndex(of: "/") ?? here.endIndex)]
        return dir + "/Fixtures"
    }()

    static func path(_ name: String) -> String { directory + "/" + name }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    /// The real IANA XML, read at run time only (never committed or embedded).
    static let realXML = "/work/shared/iana/service-names-port-numbers.xml"
    static let realCSV = "/usr/share/ipv6toolkit/service-names-port-numbers.csv"
    static var hasRealXML: Bool { FileManager.default.isReadableFile(atPath: realXML) }
    static var hasRealCSV: Bool { FileManager.default.isReadableFile(atPath: realCSV) }
}

/// The message a throwing call produced, or nil when it did not throw.
func errorMessage<T>(_ body: () throws(RegistryError) -> T) -> String? {
    do {
        _ = try body()
        return nil
    } catch {
        return error.description
    }
}

func day(_ s: String) -> Day? { Day(iso: s) }

/// A synthetic but valid IANA XML registry of `count` records (tcp and udp pairs).
func syntheticXML(count: Int, updated: String = "2025-01-02", descriptionSuffix: String = "") -> [UInt8] {
    var s =
        "<?xml version='1.0' encoding='UTF-8'?>\n<registry xmlns=\"http://www.iana.org/assignments\" id=\"service-names-port-numbers\">\n"
    s += "  <updated>\(updated)</updated>\n"
    for i in 0..<count {
        let port = 1024 + i / 2
        s += "  <record date=\"2020-01-01\"><name>svc-\(i / 2)</name><protocol>\(i % 2 == 0 ? "tcp" : "udp")</protocol>"
        s += "<description>Service \(i / 2)\(descriptionSuffix)</description><number>\(port)</number>"
        s += "<xref type=\"person\" data=\"Person_\(i % 7)\"/></record>\n"
    }
    s += "  <people>\n"
    for k in 0..<7 { s += "    <person id=\"Person_\(k)\"><name>Person \(k)</name></person>\n" }
    s += "  </people>\n</registry>\n"
    return Array(s.utf8)
}
