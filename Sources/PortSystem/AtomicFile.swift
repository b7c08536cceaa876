/// A file replaced all at once: readers see the old content or the new, never half of it,
/// and a crash or full disk leaves the old file as it was.
///
/// The new content goes to a temporary file beside the target (mkostemp, close-on-exec),
/// whose mode is set with fchmod; the caller's body writes it through the descriptor; then
/// fsync, rename over the target, and fsync of the folder so the rename itself is durable.
/// On any failure the temporary file is unlinked.
public struct AtomicFile: Sendable {
    /// Which step failed, so messages can say what could not be done.
    public enum Step: Sendable, Hashable {
        case makeFolder, createTemporary, setMode, write, sync, replace
    }

    /// Why a file could not be replaced (or a folder made): the step, the path concerned
    /// (the folder, the temporary file or the target) and the system's reason.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        /// The step that failed.
        public let step: Step
        /// The path the step was working on.
        public let path: String
        /// The system's reason.
        public let errno: Errno

        /// Makes a failure (public so callers' tests can build expected values).
        public init(step: Step, path: String, errno: Errno) {
            self.step = step
            self.path = path
            self.errno = errno
        }

        /// What could not be done, in the words users see: `cannot write: No space left on device`.
        public var problem: String {
            let action =
                switch step {
                case .makeFolder: "cannot create directory"
                case .createTemporary: "cannot create a temporary file"
                case .setMode: "cannot set the mode"
                case .write: "cannot write"
                case .sync: "cannot fsync"
                case .replace: "cannot replace"
                }
            return "\(action): \(errno)"
        }

        /// `path: problem`.
        public var description: String { "\(path): \(problem)" }
    }

    /// The file to replace.
    public let path: String
    /// The permissions the new file gets (set with fchmod, whatever the umask).
    public let mode: mode_t
    /// Names the temporary file (`.registry-` → `.registry-a1B2c3`), so strays are recognisable.
    public let temporaryPrefix: String

    /// Describes a replacement of `path`; nothing is touched until `write`.
    public init(path: String, mode: mode_t = 0o600, temporaryPrefix: String = ".tmp-") {
        self.path = path
        self.mode = mode
        self.temporaryPrefix = temporaryPrefix
    }

    /// Replaces the file with what `body` writes to the descriptor it is given (it must not
    /// close it). With `blockingSignals`, SIGHUP, SIGTERM and SIGINT are held back until the
    /// swap is over, so a closing terminal cannot interrupt it; they are delivered after.
    public func write(blockingSignals: Bool = false, _ body: (CInt) throws(Errno) -> Void) throws(Failure) {
        if blockingSignals {
            try Signals.holdingTerminations { () throws(Failure) in try replace(body) }
        } else {
            try replace(body)
        }
    }

    /// Replaces the file with `bytes`.
    public func write(_ bytes: [UInt8], blockingSignals: Bool = false) throws(Failure) {
        try write(blockingSignals: blockingSignals) { (fd) throws(Errno) in try writeAll(bytes, to: fd) }
    }

    private func replace(_ body: (CInt) throws(Errno) -> Void) throws(Failure) {
        let folder = PortSystem.folder(of: path)
        let temporary: (descriptor: CInt, path: String)
        do {
            temporary = try makeTemporaryFile(in: folder, prefix: temporaryPrefix)
        } catch {
            throw Failure(step: .createTemporary, path: folder, errno: error)
        }
        var replaced = false
        var open = true
        defer {
            if open { close(temporary.descriptor) }
            if !replaced { unlink(temporary.path) }
        }
        func step(_ step: Step, _ action: () throws(Errno) -> Void) throws(Failure) {
            do { try action() } catch { throw Failure(step: step, path: temporary.path, errno: error) }
        }
        try step(.setMode) { () throws(Errno) in try nothingOrErrno { fchmod(temporary.descriptor, mode) } }
        try step(.write) { () throws(Errno) in try body(temporary.descriptor) }
        try step(.sync) { () throws(Errno) in try nothingOrErrno { fsync(temporary.descriptor) } }
        open = false
        // close can report a deferred write error (NFS); the data is already synced, so it is
        // checked like any other step.
        try step(.write) { () throws(Errno) in
            try nothingOrErrno(retryOnInterrupt: false) { close(temporary.descriptor) }
        }
        do {
            try nothingOrErrno { rename(temporary.path, path) }
        } catch {
            throw Failure(step: .replace, path: path, errno: error)
        }
        replaced = true
        // The rename is done; syncing the folder makes it survive a power cut, and a failure
        // here cannot undo it, so it is not reported.
        if let folderFD = try? openDirectory(folder) {
            _ = fsync(folderFD)
            close(folderFD)
        }
    }

    /// Creates `path` and its missing parents with `mode`; a folder that is already there is
    /// fine (whatever mkdir said about it), a file in the way is ENOTDIR.
    public static func makeFolders(_ path: String, mode: mode_t = 0o700) throws(Failure) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, mode) != 0 {
                let failure = Errno.current
                var status = stat()
                let isFolder = stat(prefix, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
                if !isFolder {
                    throw Failure(
                        step: .makeFolder, path: prefix,
                        errno: failure.rawValue == EEXIST ? Errno(ENOTDIR) : failure)
                }
            }
            prefix += "/"
        }
    }
}
