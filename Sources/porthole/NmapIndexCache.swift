import PortRegistry
import PortSystem

/// nmap-services' index by port and transport, kept in `$XDG_CACHE_HOME/porthole/nmap-index`
/// (default `~/.cache/porthole/nmap-index`) so that `ghosts`, `who` and broad lookups do not
/// parse all of nmap-services on every run. Like `NmapCalibrationCache`, it is used only while
/// nmap-services is the same file (path, device, inode, size, modification time) and the
/// index's format is the same; it is safe to delete, a stale or damaged one is ignored and
/// written again, and any problem reading or writing it only means parsing the file again.
struct NmapIndexCache: Sendable {
    let kept: KeptFile
    let file: NmapServicesFile

    /// Far above any index nmap-services can give (28 bytes an entry).
    static let largestIndex = 16 << 20

    init?(file: NmapServicesFile, environment: [String: String]) {
        guard let kept = KeptFile(named: "nmap-index", largest: Self.largestIndex, environment: environment) else {
            return nil
        }
        self.kept = kept
        self.file = file
    }

    /// The kept index when it was made from this very file, else the file parsed now (and kept).
    func index() -> NmapServicesIndex {
        guard let header = header() else { return file.index() }
        if let bytes = kept.bytes(after: header), let index = NmapServicesIndex(cached: bytes, file: file) {
            return index
        }
        let index = file.index()
        kept.keep(index.cacheBytes(), after: header)
        return index
    }

    /// One text line naming what the index was made from, then the index's own bytes.
    private func header() -> [UInt8]? {
        fileIdentity(file.path).map {
            Array("porthole nmap-index \(NmapServicesIndex.cacheFormat)\t\(file.path)\t\($0)\n".utf8)
        }
    }
}
