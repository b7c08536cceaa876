import PortExplorer
import PortSystem

/// stdout and stderr as the transcript writes them: stderr at once, stdout buffered when
/// piped and written as it comes on a terminal, in small pieces so Ctrl-C can stop a long
/// answer between two of them. Flushed in order, so piped `2>&1` output keeps its sequence.
final class Console: TranscriptOutput {
    private var pending: [UInt8] = []
    /// Write stdout as it is made, in pieces with a look for Ctrl-C between them (a person is
    /// watching); piped output goes out in whole buffers, after the same look.
    let immediate: Bool
    /// Where long answers go at the prompt, when they do.
    let pager: Pager?
    /// The prompt's terminal: stdout, or `/dev/tty` when stdout is a pipe.
    let terminal: CInt
    private static let piece = 4096
    private static let bufferLimit = 1 << 16

    init(immediate: Bool, pager: Pager? = nil, terminal: CInt = 1) {
        self.immediate = immediate
        self.pager = pager
        self.terminal = terminal
        pending.reserveCapacity(Self.bufferLimit)
    }

    func write(stdout: String, stderr: String) -> OutputState {
        write(stdout: stdout, stderr: stderr, asItGoes: false)
    }

    func write(stdout: String, stderr: String, asItGoes: Bool) -> OutputState {
        let state = write(stderr: stderr)
        guard state == .open, !stdout.isEmpty else { return state }
        if !asItGoes, let pager, pager.wants(stdout) {
            let state = flush()
            guard state == .open else { return state }
            guard let failure = pager.show(stdout) else {
                // Ctrl-C in the pager ends this command's line, as it would while printing.
                return Signals.interrupted ? .interrupted : .open
            }
            Platform.writeError("porthole: warning: \(failure)\n")
        }
        return buffer(stdout.utf8, now: asItGoes)
    }

    /// As `write(stdout:stderr:asItGoes:)`, the answer as bytes in pieces: piped, a long piece
    /// goes out from where it is (`buffer`), the short ones around it through the buffer, in
    /// order; at the prompt the pager decides on the whole text, so they are read as text first.
    func write(stdoutPieces: [[UInt8]], stderr: String, asItGoes: Bool) -> OutputState {
        if pager != nil, !asItGoes {
            return write(
                stdout: String(decoding: stdoutPieces.joined(), as: UTF8.self), stderr: stderr, asItGoes: false)
        }
        var state = write(stderr: stderr)
        var wrote = false
        for piece in stdoutPieces where state == .open && !piece.isEmpty {
            state = buffer(piece, now: false)
            wrote = true
        }
        return state == .open && wrote && asItGoes ? flush() : state
    }

    /// stderr at once, after the stdout held back before it, so the two keep their order.
    private func write(stderr: String) -> OutputState {
        guard !stderr.isEmpty else { return .open }
        let state = flush()
        guard state == .open else { return state }
        // A failed stderr is not worth ending the session over: stdout carries the answers.
        try? writeAll(stderr, to: 2)
        return .open
    }

    /// Holds stdout back until the buffer fills, or writes it now for a person watching or
    /// a part of an answer still being made (`now`).
    private func buffer(_ bytes: some Collection<UInt8>, now: Bool) -> OutputState {
        pending.append(contentsOf: bytes)
        return immediate || now || pending.count >= Self.bufferLimit ? flush() : .open
    }

    /// As `buffer(_:now:)`, but an answer longer than the buffer goes out from where it is,
    /// after what was pending: copying it in first would touch as many fresh pages again.
    private func buffer(_ bytes: [UInt8], now: Bool) -> OutputState {
        guard bytes.count >= Self.bufferLimit else { return buffer(bytes[...], now: now) }
        let state = flush()
        guard state == .open else { return state }
        return bytes.withUnsafeBytes { send($0) }
    }

    func write(terminal text: String) -> OutputState {
        guard terminal != 1 else { return write(stdout: text, stderr: "") }
        // The person's terminal, not the answers' pipe: failing here loses nothing of theirs.
        try? writeAll(text, to: terminal)
        return .open
    }

    func flush() -> OutputState {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending.withUnsafeBytes { send($0) }
    }

    /// Writes `bytes` to stdout: in pieces when a person is watching, with a look for Ctrl-C
    /// before each.
    private func send(_ bytes: UnsafeRawBufferPointer) -> OutputState {
        var offset = 0
        while offset < bytes.count {
            if Signals.interrupted { return .interrupted }
            let end = immediate ? min(bytes.count, offset + Self.piece) : bytes.count
            let failure: Errno?
            do throws(Errno) {
                try writeAll(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), to: 1)
                failure = nil
            } catch {
                failure = error
            }
            // A closed stdout (`>&-`, EBADF) has no reader either.
            if let failure {
                return failure.meansReaderGone || failure.rawValue == EBADF ? .readerGone : .failed(failure.description)
            }
            offset = end
        }
        return .open
    }
}
