import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

struct PTYError: Error, CustomStringConvertible {
    let description: String
}

/// porthole on a real pseudo-terminal (forkpty), driven like a person at a keyboard.
///
/// Rules that keep it honest and robust under load: a clean environment; a fixed window
/// size; before typing, wait for the prompt *and* for the terminal to leave canonical mode
/// (libedit is reading); assert on what a command printed after Enter, never on libedit's
/// repaint stream; every wait has a time-out, after which the child is killed by pid.
final class PTYSession {
    static let defaultTimeout: Double = 10
    static let prompt = "porthole> "

    let pid: pid_t
    let home: URL
    private var master: Int32
    /// Everything read from the terminal, as bytes.
    private(set) var raw: [UInt8] = []
    /// `raw` without escape sequences and with "\r\n" as "\n".
    private(set) var plain: [UInt8] = []
    /// Where the next `expect` starts looking in `plain`.
    private(set) var cursor = 0
    private var status: Int32?
    private var ownsHome: Bool
    /// The child's side of the terminal is closed: nothing more will come.
    private var endOfOutput = false
    /// The read end of the child's stdout when it is a pipe (`porthole | cat`), else -1.
    private var pipeReader: Int32 = -1
    /// Everything the child wrote to that pipe.
    private(set) var piped: [UInt8] = []

    /// Starts porthole with `arguments` in a private HOME (or `home`, kept afterwards).
    /// `launcher`, when given, is a command that ends by running the words after it (`unshare
    /// --net -- …`): porthole then runs inside it, under the same pid.
    init(
        arguments: [String] = ["--color", "never"], home: URL? = nil, environment extra: [String: String] = [:],
        columns: UInt16 = 100, rows: UInt16 = 30, stdoutToPipe: Bool = false, launcher: [String] = []
    ) throws {
        let home = try home ?? Porthole.temporaryHome()
        self.ownsHome = false
        self.home = home
        var env = [
            "HOME": home.path,
            "LANG": "C.UTF-8",
            "TERM": "xterm-256color",
            "PATH": "/usr/bin:/bin",
            "XDG_STATE_HOME": home.appendingPathComponent("state").path,
            "XDG_DATA_HOME": home.appendingPathComponent("data").path,
            // Only read under --sanitize=address: libedit's own leak is not ours to report.
            "LSAN_OPTIONS": "suppressions=" + PTYSession.leakSuppressions,
        ]
        for (key, value) in extra { env[key] = value }
        env = env.filter { !$0.value.isEmpty }

        // Everything the child needs is built before fork: after it only execve and _exit.
        guard let path = strdup(launcher.first ?? Porthole.executable.path) else {
            throw PTYError(description: "out of memory")
        }
        let argv = Self.cArray(launcher + [Porthole.executable.path] + arguments)
        let envp = Self.cArray(env.map { "\($0.key)=\($0.value)" }.sorted())
        defer {
            free(path)
            Self.freeCArray(argv)
            Self.freeCArray(envp)
        }
        // The forking thread may block signals (Dispatch workers do); the mask survives
        // exec, so the child starts from an empty one.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        var output: [Int32] = [-1, -1]
        if stdoutToPipe, pipe(&output) != 0 { throw PTYError(description: "pipe failed: errno \(errno)") }
        var fd: Int32 = -1
        let child = forkpty(&fd, nil, nil, &size)
        if child == 0 {
            if stdoutToPipe {
                dup2(output[1], 1)
                Glibc.close(output[0])
                Glibc.close(output[1])
            }
            sigprocmask(SIG_SETMASK, &noSignals, nil)
            execve(path, argv, envp)
            _exit(127)
        }
        if stdoutToPipe { Glibc.close(output[1]) }
        guard child > 0 else { throw PTYError(description: "forkpty failed: errno \(errno)") }
        pid = child
        master = fd
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
        if stdoutToPipe {
            pipeReader = output[0]
            _ = fcntl(pipeReader, F_SETFL, fcntl(pipeReader, F_GETFL) | O_NONBLOCK)
        }
    }

    /// A session whose private HOME is removed by `close()`.
    static let leakSuppressions: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        url.deleteLastPathComponent()
        return url.appendingPathComponent("lsan-suppressions.txt").path
    }()

    /// A fresh session already showing its first prompt (start-up may be slow under load).
    static func atPrompt(
        arguments: [String] = ["--color", "never"], environment: [String: String] = [:], columns: UInt16 = 100,
        rows: UInt16 = 30, stdoutToPipe: Bool = false, launcher: [String] = []
    ) throws -> PTYSession {
        let session = try fresh(
            arguments: arguments, environment: environment, columns: columns, rows: rows, stdoutToPipe: stdoutToPipe,
            launcher: launcher)
        do {
            try session.expectPrompt(timeout: 20)
        } catch {
            session.close()
            throw error
        }
        return session
    }

    static func fresh(
        arguments: [String] = ["--color", "never"], environment: [String: String] = [:], columns: UInt16 = 100,
        rows: UInt16 = 30, stdoutToPipe: Bool = false, launcher: [String] = []
    ) throws -> PTYSession {
        let session = try PTYSession(
            arguments: arguments, environment: environment, columns: columns, rows: rows, stdoutToPipe: stdoutToPipe,
            launcher: launcher)
        session.ownsHome = true
        return session
    }

    deinit { close() }

    /// Kills the child if it still runs, reaps it and closes the terminal.
    func close() {
        if status == nil {
            kill(pid, SIGKILL)
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
            status = Self.decode(raw)
        }
        if master >= 0 {
            Glibc.close(master)
            master = -1
        }
        if pipeReader >= 0 {
            Glibc.close(pipeReader)
            pipeReader = -1
        }
        if ownsHome { try? FileManager.default.removeItem(at: home) }
    }

    /// Closes the terminal's master side: the child's terminal hangs up (SIGHUP).
    func hangUp() {
        if master >= 0 {
            Glibc.close(master)
            master = -1
        }
    }

    // MARK: Typing

    func send(_ text: String) throws {
        var bytes = Array(text.utf8)
        var offset = 0
        let deadline = Self.now() + Self.defaultTimeout
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(master, $0.baseAddress! + offset, $0.count - offset) }
            if n > 0 {
                offset += n
            } else if n < 0 && (errno == EAGAIN || errno == EINTR) {
                guard Self.now() < deadline else { throw failure("timed out typing \(text.debugDescription)") }
                pump(milliseconds: 10)
            } else {
                throw failure("cannot type \(text.debugDescription): errno \(errno)")
            }
        }
    }

    /// Types a line and presses Enter.
    func line(_ text: String) throws { try send(text + "\r") }

    /// Runs one command at the prompt: waits for `answer` in its output, then for the next
    /// prompt.
    func command(_ text: String, answers answer: String, editing: Bool = true) throws {
        try line(text)
        try expect(answer)
        try expectPrompt(editing: editing)
    }

    /// Ctrl-D at an empty prompt; returns porthole's exit status.
    func controlD() throws -> Int32 {
        try send("\u{4}")
        return try waitForExit()
    }

    // MARK: Waiting

    /// Waits until `needle` appears after the cursor; returns the text before it and moves
    /// the cursor past it.
    @discardableResult
    func expect(_ needle: String, timeout: Double = defaultTimeout) throws -> String {
        let bytes = Array(needle.utf8)
        let deadline = Self.now() + timeout
        while true {
            if let start = Self.find(bytes, in: plain, from: cursor) {
                let before = String(decoding: plain[cursor..<start], as: UTF8.self)
                cursor = start + bytes.count
                return before
            }
            guard Self.now() < deadline else { throw failure("timed out waiting for \(needle.debugDescription)") }
            if !pump(milliseconds: 50), endOfOutput || master < 0 {
                throw failure("porthole ended before printing \(needle.debugDescription)")
            }
        }
    }

    /// Waits for the next prompt (`prompt`: porthole's, or a quiz's or lesson's) and for libedit
    /// to have the terminal (canonical mode off), so that what is typed next reaches the line
    /// editor and not the kernel's line buffer.
    @discardableResult
    func expectPrompt(
        _ prompt: String = PTYSession.prompt, editing: Bool = true, timeout: Double = defaultTimeout
    ) throws -> String {
        let before = try expect(prompt, timeout: timeout)
        guard editing else { return before }
        let deadline = Self.now() + timeout
        while true {
            var modes = termios()
            if tcgetattr(master, &modes) == 0, modes.c_lflag & tcflag_t(ICANON) == 0 { return before }
            guard Self.now() < deadline else { throw failure("timed out waiting for the line editor (ICANON off)") }
            pump(milliseconds: 10)
        }
    }

    /// Waits for porthole to end; returns its exit status (128 + signal when killed).
    func waitForExit(timeout: Double = defaultTimeout) throws -> Int32 {
        if let status { return status }
        let deadline = Self.now() + timeout
        while true {
            var raw: Int32 = 0
            let done = waitpid(pid, &raw, WNOHANG)
            if done == pid {
                status = Self.decode(raw)
                pump(milliseconds: 0)
                return status!
            }
            if Self.now() >= deadline {
                let state = diagnostics()
                close()
                throw failure("timed out waiting for porthole to exit (killed)\n\(state)")
            }
            if !pump(milliseconds: 20) { usleep(10_000) }
        }
    }

    /// All output so far, without escape sequences.
    var text: String { String(decoding: plain, as: UTF8.self) }

    /// Everything written to the stdout pipe so far (`stdoutToPipe`).
    var pipedText: String {
        drainPipe()
        return String(decoding: piped, as: UTF8.self)
    }

    /// Waits until the stdout pipe holds `needle`.
    func expectPiped(_ needle: String, timeout: Double = defaultTimeout) throws {
        let deadline = Self.now() + timeout
        while !pipedText.contains(needle) {
            guard Self.now() < deadline else {
                throw failure("timed out waiting for \(needle.debugDescription) in the pipe; it has \(pipedText)")
            }
            pump(milliseconds: 20)
        }
    }

    private func drainPipe() {
        guard pipeReader >= 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(pipeReader, $0.baseAddress, $0.count) }
            if n > 0 {
                piped += chunk[..<n]
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
    }

    // MARK: Internals

    /// Reads what is available (waiting up to `milliseconds`); false when nothing came.
    @discardableResult
    private func pump(milliseconds: Int32) -> Bool {
        guard master >= 0 else { return false }
        var entry = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ready = poll(&entry, 1, milliseconds)
        guard ready > 0 else { return false }
        var got = false
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if n > 0 {
                raw += chunk[..<n]
                got = true
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n == 0 || (n < 0 && errno != EAGAIN) { endOfOutput = true }  // EIO: the child's side closed
            break
        }
        if got { plain = Self.strip(raw) }
        return got
    }

    /// What the child was doing, from /proc (and gdb when PTY_DEBUG_GDB is set).
    private func diagnostics() -> String {
        var lines: [String] = []
        for name in ["wchan", "syscall"] {
            if let text = try? String(contentsOfFile: "/proc/\(pid)/\(name)", encoding: .utf8) {
                lines.append("\(name): \(text)")
            }
        }
        if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) {
            lines += status.split(separator: "\n").filter { $0.hasPrefix("Sig") || $0.hasPrefix("State") }.map(
                String.init)
        }
        if ProcessInfo.processInfo.environment["PTY_DEBUG_GDB"] != nil {
            let gdb = Process()
            gdb.executableURL = URL(fileURLWithPath: "/usr/bin/gdb")
            gdb.arguments = ["-p", "\(pid)", "-batch", "-ex", "thread apply all bt"]
            let pipe = Pipe()
            gdb.standardOutput = pipe
            gdb.standardError = pipe
            if (try? gdb.run()) != nil {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                gdb.waitUntilExit()
                lines.append(String(decoding: data, as: UTF8.self))
            }
        }
        return lines.joined(separator: "\n")
    }

    private func failure(_ message: String) -> PTYError {
        let tail = String(decoding: plain.suffix(1500), as: UTF8.self)
        return PTYError(description: "\(message)\n--- output (escape sequences removed) ---\n\(tail)\n---")
    }

    static func strip(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == 0x1B, i + 1 < bytes.count {
                let kind = bytes[i + 1]
                i += 2
                if kind == UInt8(ascii: "[") {
                    while i < bytes.count, !(0x40...0x7E).contains(bytes[i]) { i += 1 }
                    i += 1
                } else if kind == UInt8(ascii: "]") {
                    while i < bytes.count, bytes[i] != 0x07, bytes[i] != 0x1B { i += 1 }
                    i += bytes.count > i && bytes[i] == 0x1B ? 2 : 1
                } else if kind == UInt8(ascii: "(") || kind == UInt8(ascii: ")") {
                    i += 1
                }
                continue
            }
            if byte == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A {
                i += 1
                continue
            }
            if byte == 0x07 {
                i += 1
                continue
            }
            out.append(byte)
            i += 1
        }
        return out
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    private static func decode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7F
        return signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
    }

    private static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    private static func cArray(_ strings: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let array = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: strings.count + 1)
        for (i, string) in strings.enumerated() { array[i] = strdup(string) }
        array[strings.count] = nil
        return array
    }

    private static func freeCArray(_ array: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) {
        var i = 0
        while let item = array[i] {
            free(item)
            i += 1
        }
        array.deallocate()
    }
}

/// The history file a session in `home` writes (XDG_STATE_HOME is `home/state`).
func historyFile(in home: URL) -> URL {
    home.appendingPathComponent("state/porthole/history")
}

/// libedit's history file decoded: the `_HiStOrY_V2_` cookie dropped, `\040`-style octal
/// escapes (strvis) turned back into bytes.
func historyLines(in home: URL) throws -> [String] {
    let data = try Data(contentsOf: historyFile(in: home))
    var lines: [String] = []
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line != "_HiStOrY_V2_" {
        var bytes: [UInt8] = []
        let raw = Array(line.utf8)
        var i = 0
        while i < raw.count {
            if raw[i] == UInt8(ascii: "\\"), i + 4 <= raw.count,
                let value = UInt8(String(decoding: raw[(i + 1)..<(i + 4)], as: UTF8.self), radix: 8)
            {
                bytes.append(value)
                i += 4
            } else {
                bytes.append(raw[i])
                i += 1
            }
        }
        lines.append(String(decoding: bytes, as: UTF8.self))
    }
    return lines
}
