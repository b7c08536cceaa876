import PortRegistry
import PortSystem

/// nmap-services' index by port and transport, kept in `$XDG_CACHE_HOME/porthole/nmap-index`
/// (default `~/.cache/porthole/nmap-index`) so that `ghosts`, `who` and broad lookups do not
/// parse all of nmap-services on every run. Like `NmapCalibrationCache`, it is used only while
/// nmap-services is the same file (path, device, inode, size, modification time) and the
/// index's format is the same; it is safe to delete, a stale or damaged one is ignored and
/// written again, and any problem reading or writing it only means parsing the file again.
struct NmapIndexCache: Sendable {
    let cachePath: String
    let file: NmapServicesFile

    init?(file: NmapServicesFile, environment: [String: String]) {
        guard let folder = Self.cacheFolder(environment) else { return nil }
        cachePath = folder + "/nmap-index"
        self.file = file
    }

    /// porthole's cache folder, as the XDG base directory rules place it.
    static func cacheFolder(_ environment: [String: String]) -> String? {
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") { return cache + "/porthole" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.cache/porthole" }
        return nil
    }

    /// Far above any index nmap-services can give (20 bytes an entry): a larger file there was
    /// not written by porthole, and is replaced unread.
    static let largestIndex = 16 << 20

    /// The kept index when it was made from this very file, else the file parsed now (and kept).
    func index() -> NmapServicesIndex {
        guard let header = header() else { return file.index() }
        var kept = stat()
        if stat(cachePath, &kept) == 0, Int(kept.st_size) <= Self.largestIndex,
            let bytes = try? readWholeFile(at: cachePath, chunk: 1 << 20), bytes.starts(with: header),
            let kept = NmapServicesIndex(cached: Array(bytes[header.count...]), file: file)
        {
            return kept
        }
        let index = file.index()
        try? AtomicFile.makeFolders(folder(of: cachePath))
        try? AtomicFile(path: cachePath, mode: 0o600, temporaryPrefix: ".nmap-index-").write(
            header + index.cacheBytes())
        return index
    }

    /// One text line naming what the index was made from, then the index's own bytes.
    private func header() -> [UInt8]? {
        fileIdentity(file.path).map {
            Array("porthole nmap-index \(NmapServicesIndex.cacheFormat)\t\(file.path)\t\($0)\n".utf8)
        }
    }
}
