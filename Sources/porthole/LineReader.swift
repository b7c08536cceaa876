import PortSystem

/// Reads lines from a file descriptor without line editing: for pipes and `-f` files.
///
/// Every line is checked before it reaches the language: a line longer than
/// `maximumLineBytes`, with a NUL byte or with invalid UTF-8 becomes an error for that
/// line alone, and reading goes on.
struct LineReader {
    enum Line: Equatable {
        case text(String)
        case invalid(String)
    }

    /// The most bytes a line may hold, not counting its newline (a `\r` before it counts): with
    /// its newline, a line fits in 64 KiB, and 65,536 bytes or more is an error.
    static let maximumLineBytes = 64 * 1024 - 1

    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(1 << 16)
    }

    /// The next line, or nil at end of input. A read error ends input.
    ///
    /// A line is measured when its end is found, whatever the reads' boundaries: part of it
    /// may have arrived in an earlier read. Once the bytes held exceed the limit they are
    /// dropped and only counted, so an endless line costs no memory.
    mutating func next() -> Line? {
        var droppedBytes = 0
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[start..<newline]
                start = newline + 1
                return Self.checked(line, droppedBytes: droppedBytes)
            }
            let pending = buffer.count - start
            if pending > Self.maximumLineBytes {
                droppedBytes += pending
                buffer.removeAll(keepingCapacity: true)
                start = 0
            }
            if atEnd {
                guard start < buffer.count || droppedBytes > 0 else { return nil }
                let line = buffer[start...]
                start = buffer.count
                return Self.checked(line, droppedBytes: droppedBytes)
            }
            fill()
        }
    }

    private static func checked(_ line: ArraySlice<UInt8>, droppedBytes: Int) -> Line {
        let length = droppedBytes + line.count
        return length > maximumLineBytes ? .invalid(tooLong(length)) : decode(line)
    }

    private mutating func fill() {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        let chunk = 1 << 16
        let old = buffer.count
        buffer.reserveCapacity(old + chunk)
        var readCount = 0
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        while true {
            readCount = buffer.withUnsafeMutableBytes { raw in
                read(fd, raw.baseAddress! + old, chunk)
            }
            guard readCount < 0 else { break }
            let failure = Errno.current
            // Ctrl-C ends a script run: its read is not restarted, so it lands here.
            if failure.isInterrupted, !Signals.interrupted { continue }
            if failure.wouldBlock, (try? waitUntilReady(fd, for: Int16(POLLIN))) != nil { continue }
            break
        }
        buffer.removeSubrange((old + max(0, readCount))...)
        if readCount <= 0 { atEnd = true }
    }

    static func tooLong(_ bytes: Int) -> String {
        "line too long (\(bytes) bytes; the limit is \(maximumLineBytes), not counting the newline)"
    }

    static func decode(_ bytes: ArraySlice<UInt8>) -> Line {
        var bytes = bytes
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        if let nul = bytes.firstIndex(of: 0) {
            return .invalid("line contains a NUL byte at column \(nul - bytes.startIndex + 1)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .invalid("line is not valid UTF-8")
        }
        return .text(text)
    }
}
