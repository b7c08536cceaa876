#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered writes to a file descriptor. A reader that went away (EPIPE, e.g. `| head -1`)
/// ends porthole quietly: that is the reader's choice, not porthole's failure.
final class Output {
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// Flush after every write (on a terminal, output must appear as it is made).
    var immediate: Bool
    /// Called once when the reader has gone; the default ends the process.
    var onClosed: () -> Never = { exit(0) }

    init(fd: Int32, immediate: Bool) {
        self.fd = fd
        self.immediate = immediate
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ text: String) {
        guard !text.isEmpty else { return }
        buffer.append(contentsOf: text.utf8)
        if immediate || buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { raw in
                #if canImport(Glibc)
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                #else
                Darwin.write(fd, raw.baseAddress! + offset, raw.count - offset)
                #endif
            }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                buffer.removeAll(keepingCapacity: true)
                onClosed()
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// stdout and stderr, flushed in order so that piped `2>&1` output keeps its sequence.
final class Console {
    let out: Output
    let err: Output
    /// Whether a command's text has been written yet (the next one is set apart by a blank line).
    var wroteOutput = false

    init(interactive: Bool) {
        out = Output(fd: 1, immediate: interactive)
        err = Output(fd: 2, immediate: true)
    }

    func print(stdout: String, stderr: String) {
        if !stderr.isEmpty {
            out.flush()
            err.write(stderr)
        }
        out.write(stdout)
    }

    func flush() {
        out.flush()
        err.flush()
    }
}
