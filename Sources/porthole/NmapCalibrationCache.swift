import PortExplorer
import PortRegistry
import PortSystem

/// nmap's per-transport calibration, kept in `$XDG_CACHE_HOME/porthole/nmap-calibration`
/// (default `~/.cache/porthole/nmap-calibration`) so that a one-off command does not read all
/// of nmap-services to learn two numbers. It is used only while nmap-services is the same file
/// (path, device, inode, size, modification time) and the calibration rule is the same; any
/// problem reading or writing it only means computing the numbers again.
struct NmapCalibrationCache: Sendable {
    let kept: KeptFile
    let nmapPath: String

    init?(nmapPath: String, environment: [String: String]) {
        // A line per transport: a few hundred bytes.
        guard let kept = KeptFile(named: "nmap-calibration", largest: 1 << 16, environment: environment) else {
            return nil
        }
        self.kept = kept
        self.nmapPath = nmapPath
    }

    var store: CalibrationStore {
        CalibrationStore(load: { rule in load(rule) }, save: { rule, cutoffs, nonZero in save(rule, cutoffs, nonZero) })
    }

    /// The first line names what the numbers were made from; each other line is a transport,
    /// how many non-zero frequencies it has, and its cut-off (`-` for none).
    private func header(_ rule: String) -> String? {
        fileIdentity(nmapPath).map { "\(rule)\t\(nmapPath)\t\($0)" }
    }

    func load(_ rule: String) -> (cutoffs: [Transport: Double], nonZero: [Transport: Int])? {
        guard let header = header(rule), let bytes = kept.bytes(after: Array((header + "\n").utf8)) else { return nil }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        var cutoffs: [Transport: Double] = [:]
        var nonZero: [Transport: Int] = [:]
        for line in lines where !line.isEmpty {
            let fields = line.split(separator: "\t")
            guard fields.count == 3, let transport = Transport(rawValue: String(fields[0])),
                let count = Int(fields[1])
            else { return nil }
            nonZero[transport] = count
            if fields[2] != "-" {
                guard let cutoff = Double(String(fields[2])) else { return nil }
                cutoffs[transport] = cutoff
            }
        }
        return (cutoffs, nonZero)
    }

    func save(_ rule: String, _ cutoffs: [Transport: Double], _ nonZero: [Transport: Int]) {
        guard let header = header(rule) else { return }
        var text = ""
        for transport in Transport.allCases {
            guard let count = nonZero[transport] else { continue }
            // `description` of a Double reads back exactly.
            text += "\(transport.rawValue)\t\(count)\t\(cutoffs[transport].map { "\($0)" } ?? "-")\n"
        }
        kept.keep(Array(text.utf8), after: Array((header + "\n").utf8))
    }
}
