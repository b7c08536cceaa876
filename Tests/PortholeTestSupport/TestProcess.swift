import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process of the test, started with posix_spawn.
///
/// posix_spawn rather than Foundation's `Process`: the child starts with an empty signal mask
/// and default dispositions (the test runner's threads block SIGTERM, and a mask survives
/// exec), and it is stopped with SIGKILL by pid. The pid cannot be reused while it is ours
/// and unreaped, so `stop()` kills only the child this object started. Every descriptor the
/// test side holds is close-on-exec, so children of parallel tests never inherit each other's.
public final class TestProcess: @unchecked Sendable {
    /// What the child reads.
    public enum Input: Sendable {
        case null
        case file(String)
        /// Written through a pipe by another thread, then closed: the child sees a pipe, as
        /// under a shell's `|`, and may stop reading early.
        case bytes([UInt8])
        /// A pipe the test holds open: helpers that read stdin to its end live until
        /// `closeInput()` or `stop()`, or until the test process dies.
        case pipe
    }

    /// Where the child's stdout goes (stderr always goes to a file).
    public enum Output: Sendable {
        /// A file, read back with `stdout` (no pipe to fill, however much is printed).
        case file
        /// A pipe, read line by line with `readLine(timeout:)`.
        case pipe
        /// fd 1 closed in the child, as by a shell's `>&-`.
        case closed
    }

    public let pid: pid_t
    private let captures: TemporaryFolder
    private var inputFD: Int32 = -1
    private var outputFD: Int32 = -1
    private var pending: [UInt8] = []
    private var rawStatus: Int32?
    /// Peak resident set size of the child in KiB: VmHWM sampled while it runs (wait4's
    /// ru_maxrss is useless here: a spawned child inherits the test runner's peak).
    public private(set) var peakMemoryKiB = 0

    /// Starts `argv` (argv[0] a path). `environment` nil: the test process's own.
    public init(_ argv: [String], environment: [String: String]? = nil, stdin: Input = .null, stdout: Output = .file)
        throws
    {
        let captures = try TemporaryFolder(prefix: "porthole-process")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The child's ends of pipes, closed here once it has them.
        var childEnds: [Int32] = []
        defer { for fd in childEnds { close(fd) } }
        // Our ends of pipes; until the child runs, they and the capture folder are released here.
        var inputEnd: Int32 = -1
        var outputEnd: Int32 = -1
        var started = false
        defer {
            if !started {
                for fd in [inputEnd, outputEnd] where fd >= 0 { close(fd) }
                captures.cleanup()
            }
        }
        var written: [UInt8]?
        switch stdin {
        case .null: posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .file(let path): posix_spawn_file_actions_addopen(&actions, 0, path, O_RDONLY, 0)
        case .bytes, .pipe:
            let ends = try Self.pipe()
            posix_spawn_file_actions_adddup2(&actions, ends.read, 0)
            childEnds.append(ends.read)
            inputEnd = ends.write
            if case .bytes(let bytes) = stdin { written = bytes }
        }
        switch stdout {
        case .file:
            posix_spawn_file_actions_addopen(&actions, 1, captures.file("stdout"), O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        case .closed: posix_spawn_file_actions_addclose(&actions, 1)
        case .pipe:
            let ends = try Self.pipe()
            posix_spawn_file_actions_adddup2(&actions, ends.write, 1)
            childEnds.append(ends.write)
            outputEnd = ends.read
        }
        posix_spawn_file_actions_addopen(&actions, 2, captures.file("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signo in [SIGINT, SIGTERM, SIGPIPE, SIGHUP] { sigaddset(&defaults, signo) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for p in cArgs + (cEnv ?? []) { free(p) } }
        var child: pid_t = 0
        let rc =
            cEnv.map { posix_spawn(&child, argv[0], &actions, &attributes, cArgs, $0) }
            ?? posix_spawn(&child, argv[0], &actions, &attributes, cArgs, environ)
        guard rc == 0 else {
            throw TestFailure("cannot start \(argv[0]): \(String(cString: strerror(rc)))")
        }
        started = true
        pid = child
        self.captures = captures
        outputFD = outputEnd
        if let written {
            Self.feed(written, to: inputEnd)
        } else {
            inputFD = inputEnd
        }
    }

    /// A close-on-exec pipe, made so atomically: a child spawned by another thread in between
    /// would otherwise keep an end open, and the reader would never see the end of input.
    private static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard LinuxCalls.pipe2(&fds, O_CLOEXEC) == 0 else {
            throw TestFailure("pipe: \(String(cString: strerror(errno)))")
        }
        return (fds[0], fds[1])
    }

    /// Writes `bytes` to `fd` on a thread of its own, then closes it. SIGPIPE is blocked on
    /// that thread, so a child that stops reading ends the write (EPIPE) and not the test run;
    /// the signal stays pending on the thread and goes with it.
    private static func feed(_ bytes: [UInt8], to fd: Int32) {
        let thread = Thread {
            var block = sigset_t()
            sigemptyset(&block)
            sigaddset(&block, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &block, nil)
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { break }
            }
            close(fd)
        }
        thread.start()
    }

    // MARK: The child's end

    /// Exit status, or 128 + signal when a signal ended it (as a shell reports it); nil while
    /// it runs.
    public var status: Int32? {
        rawStatus.map { ($0 & 0x7f) == 0 ? ($0 >> 8) & 0xff : 128 + ($0 & 0x7f) }
    }

    /// The signal that ended the child, if one did.
    public var terminatingSignal: Int32? {
        rawStatus.flatMap { ($0 & 0x7f) == 0 ? nil : $0 & 0x7f }
    }

    /// Reaps the child if it has ended; true when it has.
    @discardableResult
    public func poll() -> Bool {
        if rawStatus != nil { return true }
        sampleMemory()
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return false }
        rawStatus = raw
        return true
    }

    /// Waits up to `timeout` seconds; false (and still running) when it did not end.
    public func wait(timeout: Double) -> Bool {
        let deadline = monotonicSeconds() + timeout
        while !poll() {
            if monotonicSeconds() >= deadline { return false }
            usleep(5_000)
        }
        return true
    }

    /// Closes the stdin pipe: a helper reading it to its end exits by itself.
    public func closeInput() {
        if inputFD >= 0 { close(inputFD) }
        inputFD = -1
    }

    /// SIGKILL by pid, then reap. Safe to call twice: the pid stays ours until reaped.
    public func stop() {
        closeInput()
        if rawStatus == nil {
            sampleMemory()
            kill(pid, SIGKILL)
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            rawStatus = raw
        }
        if outputFD >= 0 { close(outputFD) }
        outputFD = -1
    }

    /// VmHWM (the peak so far) from /proc; absent once the child is a zombie.
    private func sampleMemory() {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kib = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return }
        peakMemoryKiB = max(peakMemoryKiB, kib)
    }

    // MARK: Output

    /// What the child wrote to stdout so far (with `.file`).
    public var stdout: String { String(decoding: captures.read("stdout") ?? [], as: UTF8.self) }
    /// What the child wrote to stderr so far.
    public var stderr: String { String(decoding: captures.read("stderr") ?? [], as: UTF8.self) }

    /// The next line of stdout (with `.pipe`), or nil at its end or after `timeout` seconds.
    public func readLine(timeout: Double = 20) -> String? {
        let deadline = monotonicSeconds() + timeout
        while true {
            if let newline = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let left = deadline - monotonicSeconds()
            guard outputFD >= 0, left > 0 else { return nil }
            var entry = pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0)
            let ready = Glibc.poll(&entry, 1, Int32(left * 1000))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { return nil }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = read(outputFD, &buffer, buffer.count)
            if n <= 0 { return nil }
            pending += buffer[0..<n]
        }
    }

    deinit {
        stop()
        captures.cleanup()
    }

    // MARK: Runs to completion

    /// Runs `argv` to its end, killing it after `timeout` seconds. stdout `.pipe` has no
    /// reader here: use `.file` or `.closed`.
    public static func run(
        _ argv: [String], environment: [String: String]? = nil, stdin: Input = .null, stdout: Output = .file,
        timeout: Double = 120
    ) throws -> TestRun {
        let start = monotonicSeconds()
        let process = try TestProcess(argv, environment: environment, stdin: stdin, stdout: stdout)
        let finished = process.wait(timeout: timeout)
        if !finished { process.stop() }
        return TestRun(
            stdout: process.stdout, stderr: process.stderr, status: finished ? process.status : nil,
            seconds: monotonicSeconds() - start, peakMemoryKiB: process.peakMemoryKiB)
    }
}

/// What a finished (or timed-out) `TestProcess.run` did; its description is made for a
/// failing expectation's message.
public struct TestRun: Sendable, CustomStringConvertible {
    public let stdout: String
    public let stderr: String
    /// Exit status; 128 + signal when a signal ended it; nil when it timed out (then it was killed).
    public let status: Int32?
    public let seconds: Double
    public let peakMemoryKiB: Int

    public var description: String {
        "status \(status.map(String.init) ?? "timed out") after \(String(format: "%.2f", seconds)) s, \(peakMemoryKiB) KiB\nstdout: \(stdout.prefix(2000))\nstderr: \(stderr.prefix(2000))"
    }
}
