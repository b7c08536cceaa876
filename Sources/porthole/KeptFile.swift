import PortSystem

/// One of porthole's cache files in `$XDG_CACHE_HOME/porthole` (default `~/.cache/porthole`): a
/// header line naming what its bytes were made from, then the bytes. It is read only when the
/// header is the one asked for and the file is no larger than porthole writes, and written whole
/// or not at all (mode 0600). Every cache is safe to delete: any problem reading or writing one
/// only means computing its contents again.
struct KeptFile: Sendable {
    let path: String
    /// A larger file was not written by porthole: it is replaced unread.
    let largest: Int

    init?(named name: String, largest: Int, environment: [String: String]) {
        guard let folder = Self.cacheFolder(environment) else { return nil }
        path = folder + "/" + name
        self.largest = largest
    }

    /// porthole's cache folder, as the XDG base directory rules place it.
    static func cacheFolder(_ environment: [String: String]) -> String? {
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") { return cache + "/porthole" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.cache/porthole" }
        return nil
    }

    /// The bytes kept after `header`, or nil when there are none made from what it names.
    func bytes(after header: [UInt8]) -> [UInt8]? {
        var info = stat()
        guard stat(path, &info) == 0, Int(info.st_size) <= largest,
            let bytes = try? readWholeFile(at: path, chunk: 1 << 20), bytes.starts(with: header)
        else { return nil }
        return Array(bytes[header.count...])
    }

    /// Replaces the file with `header` and `bytes`; a failure leaves the old one (or none).
    func keep(_ bytes: [UInt8], after header: [UInt8]) {
        let name = path[path.index(after: path.lastIndex(of: "/")!)...]
        try? AtomicFile.makeFolders(folder(of: path))
        try? AtomicFile(path: path, mode: 0o600, temporaryPrefix: ".\(name)-").write(header + bytes)
    }
}
