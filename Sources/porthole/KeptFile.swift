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
    /// The header is read on its own and the rest straight into an array of the file's size:
    /// a kept file is read on every broad question, and a zeroed read buffer, an array grown
    /// chunk by chunk and a copy without the header each cost as much as the read.
    func bytes(after header: [UInt8]) -> [UInt8]? {
        guard let fd = try? openForReading(path) else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, Int(info.st_size) <= largest,
            let head = Self.read(fd, upTo: header.count), head == header,
            var rest = Self.read(fd, upTo: max(Int(info.st_size) - header.count, 0))
        else { return nil }
        // A file that grew since fstat: the rest as any read to the end would give it.
        guard let more = try? readAll(from: fd, chunk: 4096) else { return nil }
        rest += more
        return rest
    }

    /// Up to `count` bytes from `fd`, fewer only at its end; nil when a read fails.
    private static func read(_ fd: CInt, upTo count: Int) -> [UInt8]? {
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, filled in
            while filled < count {
                let free = UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[filled...]))
                guard let n = try? readSome(from: fd, into: free) else {
                    failed = true
                    return
                }
                if n == 0 { return }
                filled += n
            }
        }
        return failed ? nil : bytes
    }

    /// Replaces the file with `header` and `bytes`; a failure leaves the old one (or none).
    func keep(_ bytes: [UInt8], after header: [UInt8]) {
        let name = path[path.index(after: path.lastIndex(of: "/")!)...]
        try? AtomicFile.makeFolders(folder(of: path))
        try? AtomicFile(path: path, mode: 0o600, temporaryPrefix: ".\(name)-").write(header + bytes)
    }
}
