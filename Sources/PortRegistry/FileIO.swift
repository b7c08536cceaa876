import PortSystem

/// The registry's files, through PortSystem; PortRegistry does not import Foundation
/// (start-up cost). Every failure becomes a `RegistryError` naming the file.
enum FileIO {
    /// An open file that is not a directory, with its status; nil when it does not exist.
    /// The caller closes the descriptor.
    private static func openFile(_ path: String) throws(RegistryError) -> (fd: Int32, status: stat)? {
        let fd: CInt
        do {
            fd = try openForReading(path)
        } catch {
            if error == Errno(ENOENT) { return nil }
            throw RegistryError(file: path, problem: "cannot open: \(error)")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let failure = Errno.current
            close(fd)
            throw RegistryError(file: path, problem: "cannot stat: \(failure)")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw RegistryError(file: path, problem: "is a directory, not a file")
        }
        return (fd, st)
    }

    /// The whole file, or nil when it does not exist; other failures throw.
    static func readIfPresent(_ path: String) throws(RegistryError) -> [UInt8]? {
        guard let (fd, st) = try openFile(path) else { return nil }
        defer { close(fd) }
        do {
            // One read for a regular file of known size (plus one to see its end).
            return try readAll(from: fd, chunk: max(Int(st.st_size), 0) + 1)
        } catch {
            throw RegistryError(file: path, problem: "cannot read: \(error)")
        }
    }

    static func readFile(_ path: String) throws(RegistryError) -> [UInt8] {
        guard let bytes = try readIfPresent(path) else {
            throw RegistryError(file: path, problem: "no such file")
        }
        return bytes
    }

    /// Maps a file read-only; nil when it does not exist. Empty files come back as a copy of
    /// nothing (mmap cannot map zero bytes).
    static func map(_ path: String) throws(RegistryError) -> ByteOwner? {
        guard let (fd, st) = try openFile(path) else { return nil }
        defer { close(fd) }
        guard (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else {
            // Pipes, devices and empty files: read them.
            return ByteOwner(copying: try readFile(path))
        }
        let size = Int(st.st_size)
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            return ByteOwner(copying: try readFile(path))
        }
        return ByteOwner(mapping: UnsafeRawBufferPointer(start: p, count: size))
    }

    static func unmap(_ buffer: UnsafeRawBufferPointer) {
        if let base = buffer.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), buffer.count) }
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Creates `path` and its missing parents with mode 0700.
    static func makeDirectories(_ path: String) throws(RegistryError) {
        do {
            try AtomicFile.makeFolders(path, mode: 0o700)
        } catch {
            throw RegistryError(error)
        }
    }

    /// Writes `bytes` to `path` atomically (see `AtomicFile`), creating its folder first.
    /// On failure the old file is untouched and no temporary file is left.
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(RegistryError) {
        try makeDirectories(folder(of: path))
        do {
            try AtomicFile(path: path, mode: mode, temporaryPrefix: ".registry-").write(bytes)
        } catch {
            throw RegistryError(error)
        }
    }
}

extension RegistryError {
    /// A failed file replacement, in the registry's words: the path concerned and the step.
    init(_ failure: AtomicFile.Failure) {
        self.init(file: failure.path, problem: failure.problem)
    }
}
