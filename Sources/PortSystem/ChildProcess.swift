/// Running another program (curl) and waiting for it, with posix_spawn: no fork of a
/// threaded process, and the child starts with default signal handling and mask.
public enum ChildProcess {
    /// What a finished child reported.
    public struct Outcome: Hashable, Sendable {
        /// The exit status, or 128 + the signal number when a signal ended it (as shells say).
        public var status: CInt
        /// Its standard error, when captured (at most `captureLimit` bytes are kept).
        public var standardError: [UInt8]
        /// Its standard output, when captured instead (at most `captureLimit` bytes are kept).
        public var standardOutput: [UInt8] = []
    }

    /// Which step failed: creating the pipe, starting the program, or waiting for it.
    public enum Step: Sendable, Hashable { case pipe, spawn, wait }

    /// Why a child could not be run or waited for.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        /// The step that failed.
        public let step: Step
        /// The system's reason.
        public let errno: Errno
        /// The step and the reason, e.g. `spawn: No such file or directory`.
        public var description: String { "\(step): \(errno)" }

        /// Whether the time `output(of:timeoutSeconds:)` allowed ran out.
        public var timedOut: Bool { step == .wait && errno == Errno(ETIMEDOUT) }
    }

    /// Captured standard error beyond this is read and dropped, so the child never blocks on a full pipe.
    public static let captureLimit = 65536

    /// Runs `arguments[0]` (a path) with `arguments`, standard input and output on /dev/null,
    /// standard error captured or inherited, the environment inherited, and waits for it.
    /// With `capturingStandardOutput`, output is captured instead and standard error goes to
    /// /dev/null: one pipe, so the child can never block on the one not being read.
    public static func run(_ arguments: [String], capturingStandardError: Bool, capturingStandardOutput: Bool = false)
        throws(Failure) -> Outcome
    {
        var errorPipe: (reading: CInt, writing: CInt)?
        if capturingStandardError || capturingStandardOutput {
            do { errorPipe = try makePipe() } catch { throw Failure(step: .pipe, errno: error) }
        }
        let spawned = spawn(arguments, searchingPath: false) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            if capturingStandardOutput {
                posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            } else {
                posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            }
            if let errorPipe {
                // dup2 gives the child a copy without close-on-exec; both pipe ends themselves are
                // close-on-exec, so neither leaks into the child (or any other child).
                posix_spawn_file_actions_adddup2(&actions, errorPipe.writing, capturingStandardOutput ? 1 : 2)
            }
        }
        if let errorPipe { close(errorPipe.writing) }
        let pid: pid_t
        switch spawned {
        case .success(let child): pid = child
        case .failure(let failure):
            if let errorPipe { close(errorPipe.reading) }
            throw failure
        }
        var captured: [UInt8] = []
        if let errorPipe {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                guard
                    let n = try? valueOrErrno({
                        buffer.withUnsafeMutableBytes { read(errorPipe.reading, $0.baseAddress, $0.count) }
                    }),
                    n > 0
                else { break }
                if captured.count < captureLimit { captured += buffer[0..<n] }
            }
            close(errorPipe.reading)
        }
        let code = try wait(for: pid)
        return capturingStandardOutput
            ? Outcome(status: code, standardError: [], standardOutput: captured)
            : Outcome(status: code, standardError: captured)
    }
}

extension ChildProcess {
    /// Runs `arguments[0]` (a path) as `run` does, capturing standard output, but gives it
    /// at most `timeoutSeconds` and keeps at most `limit` bytes: a CLI that hangs (a container runtime waiting on a lock) must
    /// not hang porthole. When time runs out the child, which this call started and has not
    /// yet reaped (so its pid cannot have been reused), is killed and reaped, and a failure
    /// of the wait step with ETIMEDOUT (`timedOut`) is thrown.
    public static func output(of arguments: [String], timeoutSeconds: Double, limit: Int = 4 << 20) throws(Failure)
        -> Outcome
    {
        let pipe: (reading: CInt, writing: CInt)
        do { pipe = try makePipe() } catch { throw Failure(step: .pipe, errno: error) }
        let spawned = spawn(arguments, searchingPath: false) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, pipe.writing, 1)
        }
        close(pipe.writing)
        defer { close(pipe.reading) }
        let pid: pid_t
        switch spawned {
        case .success(let child): pid = child
        case .failure(let failure): throw failure
        }
        var captured: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let deadline = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 + timeoutSeconds
        while true {
            clock_gettime(CLOCK_MONOTONIC, &now)
            let left = deadline - (Double(now.tv_sec) + Double(now.tv_nsec) / 1e9)
            var ready = pollfd(fd: pipe.reading, events: Int16(POLLIN), revents: 0)
            let polled = left > 0 ? poll(&ready, 1, Int32(min(left * 1000, 60_000)) + 1) : 0
            if polled < 0, errno == EINTR { continue }
            guard polled > 0 else {
                kill(pid, SIGKILL)
                _ = try? wait(for: pid)
                throw Failure(step: .wait, errno: Errno(ETIMEDOUT))
            }
            let n = buffer.withUnsafeMutableBytes { read(pipe.reading, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            // Beyond `limit` output is read and dropped, so the child never blocks on a full pipe.
            if captured.count < limit { captured += buffer[0..<n] }
        }
        let code = try wait(for: pid)
        return Outcome(status: code, standardError: [], standardOutput: captured)
    }

    /// Runs `arguments[0]` (looked up in PATH unless it holds a slash) with `input` on its
    /// standard input and this process's standard output and error, as a pager runs, and
    /// waits for it; returns its status as `run` does. A child that stops reading early (a
    /// pager's `q`) is no failure: the rest of the input is dropped. SIGPIPE must be ignored.
    public static func feeding(_ input: [UInt8], to arguments: [String]) throws(Failure) -> CInt {
        let pipe: (reading: CInt, writing: CInt)
        do { pipe = try makePipe() } catch { throw Failure(step: .pipe, errno: error) }
        let spawned = spawn(arguments, searchingPath: true) { actions in
            posix_spawn_file_actions_adddup2(&actions, pipe.reading, 0)
        }
        close(pipe.reading)
        let pid: pid_t
        switch spawned {
        case .success(let child): pid = child
        case .failure(let failure):
            close(pipe.writing)
            throw failure
        }
        // EPIPE when the child has quit, so the caller must ignore SIGPIPE (porthole does).
        try? writeAll(input, to: pipe.writing)
        close(pipe.writing)
        return try wait(for: pid)
    }
}

extension ChildProcess {
    #if canImport(Darwin)
        typealias FileActions = posix_spawn_file_actions_t?
    #else
        typealias FileActions = posix_spawn_file_actions_t
    #endif

    /// Starts a child with its descriptors arranged by `arrange`, an empty signal mask and
    /// default dispositions for the signals porthole handles: the child must not inherit
    /// this process's blocked signals (test runners and dispatch threads block some) nor its
    /// handlers, or it could not be interrupted.
    static func spawn(
        _ arguments: [String], searchingPath: Bool, arrange: (inout FileActions) -> Void
    ) -> Result<pid_t, Failure> {
        #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t?
            var attributes: posix_spawnattr_t?
        #else
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        arrange(&actions)
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signo in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, signo) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        defer { for p in argv { free(p) } }
        var pid = pid_t()
        let rc =
            searchingPath
            ? posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, ProcessEnvironment.inherited)
            : posix_spawn(&pid, arguments[0], &actions, &attributes, argv, ProcessEnvironment.inherited)
        return rc == 0 ? .success(pid) : .failure(Failure(step: .spawn, errno: Errno(rc)))
    }

    /// Waits for a child; its exit status, or 128 + the signal that ended it.
    static func wait(for pid: pid_t) throws(Failure) -> CInt {
        var status: CInt = 0
        do {
            _ = try valueOrErrno { waitpid(pid, &status, 0) }
        } catch {
            throw Failure(step: .wait, errno: error)
        }
        let exited = status & 0x7f == 0
        return exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
