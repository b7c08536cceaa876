import Foundation
import PortholeTestSupport
import Testing

/// nmap's calibration is kept between runs, and only while nmap-services and the rule are the
/// same: a one-off lookup then reads two numbers instead of the whole table.
@Suite struct CalibrationCacheTests {
    static let nmapServices = "/usr/share/nmap/nmap-services"

    @Test func aKeptCalibrationIsUsedOnlyWhileItsFileIsTheSame() throws {
        guard FileManager.default.fileExists(atPath: Self.nmapServices) else { return }
        let home = try TemporaryFolder()
        defer { home.cleanup() }
        let cache = home.url.appendingPathComponent(".cache/porthole/nmap-calibration")
        let environment = ["XDG_CACHE_HOME": ""]  // the default under HOME
        let first = try Porthole.run(["lookup", "2991"], environment: environment, home: home.url)
        #expect(first.status == 0)
        let kept = try String(contentsOf: cache, encoding: .utf8)
        let lines = kept.split(separator: "\n")
        #expect(lines.first?.contains("\t\(Self.nmapServices)\t") == true, "\(kept)")
        #expect(lines.contains { $0.hasPrefix("tcp\t") })

        // The kept numbers are what the next run uses…
        let header = String(lines[0])
        try (header + "\ntcp\t4000\t0.5\nudp\t15000\t0.5\n").write(to: cache, atomically: true, encoding: .utf8)
        let second = try Porthole.run(["lookup", "2991"], environment: environment, home: home.url)
        #expect(second.stdout.contains("TCP cut-off of 50%"), "\(second.stdout)")

        // …but not once the file they were made from is another one.
        let stale = header.replacingOccurrences(of: Self.nmapServices, with: "/elsewhere/nmap-services")
        try (stale + "\ntcp\t4000\t0.5\nudp\t15000\t0.5\n").write(to: cache, atomically: true, encoding: .utf8)
        let third = try Porthole.run(["lookup", "2991"], environment: environment, home: home.url)
        #expect(third.stdout == first.stdout)
        #expect(try String(contentsOf: cache, encoding: .utf8) == kept, "made again and kept again")
    }
}
