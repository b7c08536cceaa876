import CPortSystem

// Reading and writing whole buffers through file descriptors. Every descriptor made here is
// close-on-exec, so a child such as curl never inherits a file porthole has open.

/// Writes every byte to `fd`: retries EINTR, waits with poll(POLLOUT) when a non-blocking
/// descriptor is full (never spins), and throws any other failure as it is.
public func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: CInt) throws(Errno) {
    var offset = 0
    while offset < bytes.count {
        let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if written >= 0 {
            offset += written
            continue
        }
        let failure = Errno.current
        if failure.isInterrupted { continue }
        guard failure.wouldBlock else { throw failure }
        try waitUntilReady(fd, for: Int16(POLLOUT))
    }
}

/// As `writeAll(_:to:)`, for an array of bytes.
public func writeAll(_ bytes: [UInt8], to fd: CInt) throws(Errno) {
    // withUnsafeBytes only rethrows untyped errors: carry the typed one out by value.
    let failure = bytes.withUnsafeBytes { raw -> Errno? in
        do throws(Errno) { try writeAll(raw, to: fd) } catch { return error }
        return nil
    }
    if let failure { throw failure }
}

/// As `writeAll(_:to:)`, for text (written as UTF-8).
public func writeAll(_ text: String, to fd: CInt) throws(Errno) {
    try writeAll(Array(text.utf8), to: fd)
}

/// Reads `fd` to its end. EINTR is retried and EAGAIN waited for with poll(POLLIN); `chunk`
/// is the buffer asked for per read (procfs hands out about a page per read however much).
public func readAll(from fd: CInt, chunk: Int = 16 * 1024) throws(Errno) -> [UInt8] {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: max(chunk, 1))
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n > 0 {
            out.append(contentsOf: buffer[0..<n])
            continue
        }
        if n == 0 { return out }
        let failure = Errno.current
        if failure.isInterrupted { continue }
        guard failure.wouldBlock else { throw failure }
        try waitUntilReady(fd, for: Int16(POLLIN))
    }
}

/// Reads what is available from `fd` into `buffer` (at least one byte, blocking as needed),
/// returning the count, 0 at the end. EAGAIN is waited for with poll(POLLIN); EINTR is
/// retried unless `retryOnInterrupt` is false (a script run that must notice Ctrl-C).
public func readSome(from fd: CInt, into buffer: UnsafeMutableRawBufferPointer, retryOnInterrupt: Bool = true)
    throws(Errno) -> Int
{
    while true {
        let n = read(fd, buffer.baseAddress, buffer.count)
        if n >= 0 { return n }
        let failure = Errno.current
        if failure.isInterrupted && retryOnInterrupt { continue }
        guard failure.wouldBlock else { throw failure }
        try waitUntilReady(fd, for: Int16(POLLIN))
    }
}

/// The whole content of the file at `path` (opened close-on-exec, read to its end).
public func readWholeFile(at path: String, chunk: Int = 16 * 1024) throws(Errno) -> [UInt8] {
    let fd = try openForReading(path)
    defer { close(fd) }
    return try readAll(from: fd, chunk: chunk)
}

/// Blocks until `fd` is ready for `events` (POLLIN or POLLOUT), or reports why it cannot be.
/// Readiness includes POLLERR/POLLHUP: the next read or write then reports the real error.
public func waitUntilReady(_ fd: CInt, for events: Int16) throws(Errno) {
    var entry = pollfd(fd: fd, events: events, revents: 0)
    _ = try valueOrErrno { poll(&entry, 1, -1) }
    if entry.revents & Int16(POLLNVAL) != 0 { throw Errno(EBADF) }
}

/// Opens a file read-only and close-on-exec, relative to `directory` (a descriptor from
/// `openDirectory`) or the working directory; the caller closes it.
public func openForReading(_ path: String, relativeTo directory: CInt = AT_FDCWD) throws(Errno) -> CInt {
    try valueOrErrno { openat(directory, path, O_RDONLY | O_CLOEXEC) }
}

/// As `openForReading`, for a file read line by line: a directory opens but cannot be read, so
/// it fails here, with EISDIR, rather than at the first read.
public func openFileForReading(_ path: String) throws(Errno) -> CInt {
    let fd = try openForReading(path)
    var status = stat()
    if fstat(fd, &status) != 0 || (status.st_mode & S_IFMT) == S_IFDIR {
        let failure = (status.st_mode & S_IFMT) == S_IFDIR ? Errno(EISDIR) : Errno.current
        close(fd)
        throw failure
    }
    return fd
}

/// Opens a directory (for `openat`, `fdopendir` or `fsync`), read-only and close-on-exec.
public func openDirectory(_ path: String, relativeTo directory: CInt = AT_FDCWD) throws(Errno) -> CInt {
    try valueOrErrno { openat(directory, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
}

/// A pipe whose two ends are close-on-exec from the start (a child gets an end only when
/// spawn file actions dup2 it, which clears the flag on the copy).
public func makePipe() throws(Errno) -> (reading: CInt, writing: CInt) {
    var fds: [CInt] = [-1, -1]
    try nothingOrErrno { fds.withUnsafeMutableBufferPointer { cps_pipe_cloexec($0.baseAddress!) } }
    return (fds[0], fds[1])
}

/// A new, empty, 0600, close-on-exec file named `prefix` plus six random characters in
/// `folder` (mkostemp): beside its target, so a rename over the target is atomic.
public func makeTemporaryFile(in folder: String, prefix: String) throws(Errno) -> (descriptor: CInt, path: String) {
    var template = Array((folder + "/" + prefix + "XXXXXX").utf8CString)
    let fd = try valueOrErrno { template.withUnsafeMutableBufferPointer { cps_make_temporary($0.baseAddress!) } }
    let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    return (fd, path)
}

/// Whether the descriptor's close-on-exec flag is set: what tests check of every helper here.
public func isCloseOnExec(_ fd: CInt) throws(Errno) -> Bool {
    let flags = try valueOrErrno { fcntl(fd, F_GETFD) }
    return flags & FD_CLOEXEC != 0
}

/// The folder part of a path (`.` for a bare name, `/` for a file at the root).
public func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
}

/// Device, inode, size and modification time of a file, as one string: it changes when the
/// file is edited or replaced, so it keys what was derived from the file. nil if unreadable.
public func fileIdentity(_ path: String) -> String? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    #if canImport(Darwin)
        let modified = info.st_mtimespec
    #else
        let modified = info.st_mtim
    #endif
    return "\(info.st_dev) \(info.st_ino) \(info.st_size) \(modified.tv_sec).\(modified.tv_nsec)"
}
