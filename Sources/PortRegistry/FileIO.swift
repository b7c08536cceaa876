#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain POSIX file access; PortRegistry does not import Foundation (start-up cost).
enum FileIO {
    /// The whole file, or nil when it does not exist; other failures throw.
    /// An open file that is not a directory, with its status; nil when it does not exist.
    /// The caller closes the descriptor.
    private static func openFile(_ path: String) throws(RegistryError) -> (fd: Int32, status: stat)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            if e == ENOENT { return nil }
            throw RegistryError(file: path, problem: "cannot open: \(errorText(e))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw RegistryError(file: path, problem: "cannot stat: \(errorText(e))")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw RegistryError(file: path, problem: "is a directory, not a file")
        }
        return (fd, st)
    }

    static func readIfPresent(_ path: String) throws(RegistryError) -> [UInt8]? {
        guard let (fd, st) = try openFile(path) else { return nil }
        defer { close(fd) }
        var capacity = max(Int(st.st_size), 0) + 1
        var out = [UInt8](repeating: 0, count: capacity)
        var used = 0
        while true {
            if used == capacity {
                capacity *= 2
                out.append(contentsOf: repeatElement(0, count: capacity - out.count))
            }
            let n = out.withUnsafeMutableBytes { buf in
                read(fd, buf.baseAddress! + used, capacity - used)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw RegistryError(file: path, problem: "cannot read: \(errorText(errno))")
            }
            if n == 0 { break }
            used += n
        }
        out.removeSubrange(used...)
        return out
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

    static func errorText(_ code: Int32) -> String {
        guard let s = strerror(code) else { return "error \(code)" }
        return String(cString: s)
    }

    /// Creates `path` and its missing parents with mode 0700.
    static func makeDirectories(_ path: String) throws(RegistryError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw RegistryError(file: prefix, problem: "cannot create directory: \(errorText(errno))")
            }
            prefix += "/"
        }
    }

    /// Writes `bytes` to `path` atomically: a temporary file in the same directory, fsync,
    /// rename over the target, fsync the directory. On failure the old file is untouched.
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(RegistryError) {
        let dir = directory(of: path)
        try makeDirectories(dir)
        var template = Array((dir + "/.registry-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw RegistryError(file: dir, problem: "cannot create a temporary file: \(errorText(errno))")
        }
        let tmp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var ok = false
        defer {
            if !ok { unlink(tmp) }
        }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { buf in write(fd, buf.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                close(fd)
                throw RegistryError(file: tmp, problem: "cannot write: \(errorText(e))")
            }
            written += n
        }
        if fsync(fd) != 0 {
            let e = errno
            close(fd)
            throw RegistryError(file: tmp, problem: "cannot fsync: \(errorText(e))")
        }
        fchmod(fd, mode)
        close(fd)
        guard rename(tmp, path) == 0 else {
            throw RegistryError(file: path, problem: "cannot replace: \(errorText(errno))")
        }
        ok = true
        let dfd = open(dir, O_RDONLY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }
}
