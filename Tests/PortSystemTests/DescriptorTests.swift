import PortSystem
import Testing

@Suite struct DescriptorTests {
    init() {
        // A write to a pipe without a reader must report EPIPE, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
    }

    @Test func writingToAPipeWhoseReaderClosedMeansTheReaderIsGone() throws {
        let pipe = try makePipe()
        close(pipe.reading)
        defer { close(pipe.writing) }
        #expect(throws: Errno(EPIPE)) { try writeAll("hello\n", to: pipe.writing) }
        #expect(Errno(EPIPE).meansReaderGone)
    }

    @Test func aFullDiskIsAFailureNotAReaderGone() throws {
        let fd = open("/dev/full", O_WRONLY | O_CLOEXEC)
        try #require(fd >= 0, "no /dev/full here")
        defer { close(fd) }
        do {
            try writeAll([UInt8](repeating: 65, count: 100), to: fd)
            Issue.record("writing to /dev/full succeeded")
        } catch {
            #expect(error == Errno(ENOSPC))
            #expect(!error.meansReaderGone)
            #expect(error.description == "No space left on device")
        }
    }

    @Test func writingThroughAFullNonBlockingPipeWaitsForTheReader() throws {
        let pipe = try makePipe()
        _ = fcntl(pipe.writing, F_SETFL, fcntl(pipe.writing, F_GETFL) | O_NONBLOCK)
        let payload = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let reader = ReadBack()
        let thread = try JoinableThread { [reading = pipe.reading] in
            // Start late, so the writer finds the pipe full and has to wait.
            usleep(50_000)
            reader.bytes = try? readAll(from: reading)
        }
        try writeAll(payload, to: pipe.writing)
        close(pipe.writing)
        thread.join()
        close(pipe.reading)
        #expect(reader.bytes == payload)
    }

    @Test func readingAnEmptyNonBlockingPipeWaitsForTheWriter() throws {
        let pipe = try makePipe()
        _ = fcntl(pipe.reading, F_SETFL, fcntl(pipe.reading, F_GETFL) | O_NONBLOCK)
        let thread = try JoinableThread { [writing = pipe.writing] in
            usleep(20_000)
            try? writeAll("late\n", to: writing)
            close(writing)
        }
        let bytes = try readAll(from: pipe.reading)
        thread.join()
        close(pipe.reading)
        #expect(bytes == Array("late\n".utf8))
    }

    @Test func readingSomeReturnsWhatIsThereThenTheEnd() throws {
        let pipe = try makePipe()
        _ = fcntl(pipe.reading, F_SETFL, fcntl(pipe.reading, F_GETFL) | O_NONBLOCK)
        defer { close(pipe.reading) }
        try writeAll("abc", to: pipe.writing)
        var buffer = [UInt8](repeating: 0, count: 16)
        let first = try buffer.withUnsafeMutableBytes { (raw) throws(Errno) in
            try readSome(from: pipe.reading, into: raw)
        }
        #expect(first == 3 && Array(buffer[0..<3]) == Array("abc".utf8))
        close(pipe.writing)
        let last = try buffer.withUnsafeMutableBytes { (raw) throws(Errno) in
            try readSome(from: pipe.reading, into: raw)
        }
        #expect(last == 0)
    }

    @Test func readsAWholeFile() throws {
        let bytes = try readWholeFile(at: "/proc/self/status")
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("Name:"))
        #expect(throws: Errno(ENOENT)) { try readWholeFile(at: "/nonexistent/porthole") }
    }

    @Test func everyDescriptorMadeHereIsCloseOnExec() throws {
        let file = try openForReading("/dev/null")
        defer { close(file) }
        #expect(try isCloseOnExec(file))
        let directory = try openDirectory("/")
        defer { close(directory) }
        #expect(try isCloseOnExec(directory))
        let pipe = try makePipe()
        defer {
            close(pipe.reading)
            close(pipe.writing)
        }
        #expect(try isCloseOnExec(pipe.reading))
        #expect(try isCloseOnExec(pipe.writing))
        let folder = try TemporaryFolder()
        let temporary = try makeTemporaryFile(in: folder.path, prefix: ".t-")
        defer { close(temporary.descriptor) }
        #expect(try isCloseOnExec(temporary.descriptor))
        #expect(temporary.path.hasPrefix(folder.path + "/.t-"))
        let plain = open("/dev/null", O_RDONLY)
        defer { close(plain) }
        #expect(try !isCloseOnExec(plain))
    }

    @Test func valueOrErrnoRetriesInterruptedCallsUnlessAsked() throws {
        var calls = 0
        let value = try valueOrErrno { () -> CInt in
            calls += 1
            if calls == 1 {
                errno = EINTR
                return -1
            }
            return 7
        }
        #expect(value == 7 && calls == 2)
        #expect(throws: Errno(EINTR)) {
            try valueOrErrno(retryOnInterrupt: false) { () -> CInt in
                errno = EINTR
                return -1
            }
        }
        #expect(Errno(EINTR).isInterrupted && Errno(EAGAIN).wouldBlock && Errno(EWOULDBLOCK).wouldBlock)
        #expect(!Errno(EPIPE).isInterrupted && !Errno(EINTR).wouldBlock)
    }

    @Test func terminalQuestionsAboutAPipe() throws {
        let pipe = try makePipe()
        defer {
            close(pipe.reading)
            close(pipe.writing)
        }
        #expect(!isTerminal(pipe.reading))
        #expect(terminalSize(pipe.writing) == nil)
    }

    @Test func theEnvironmentIsReadAndHandedOn() {
        setenv("PORTHOLE_SYSTEM_TEST", "yes", 1)
        #expect(ProcessEnvironment.value(named: "PORTHOLE_SYSTEM_TEST") == "yes")
        #expect(ProcessEnvironment.value(named: "PORTHOLE_SYSTEM_TEST_UNSET") == nil)
        #expect(ProcessEnvironment.inherited?.pointee != nil)
    }
}

/// A result carried from a reader thread back to the test (the join orders the accesses).
final class ReadBack: @unchecked Sendable {
    var bytes: [UInt8]?
}

/// A fresh folder under /tmp, removed with everything in it when the test ends.
final class TemporaryFolder {
    let path: String

    init() throws {
        var template = Array("/tmp/portsystem-test-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw Errno.current
        }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// The names in the folder, sorted.
    func names() -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var out: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { out.append(name) }
        }
        return out.sorted()
    }

    deinit {
        for name in names() { unlink(path + "/" + name) }
        rmdir(path)
    }
}
