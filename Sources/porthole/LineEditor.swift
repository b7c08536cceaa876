import CEdit
import PortExplorer
import PortSystem

/// The interactive line editor: libedit (emacs keys, ~/.editrc, Tab completion, a
/// persistent history) or, when the user's editrc says `edit off`, a plain reader.
final class LineEditor {
    enum Input: Equatable {
        /// A line as typed, without its newline.
        case line(String)
        /// A line that could not be read as text (plain reader only).
        case invalid(String)
        /// Ctrl-C: the half-typed line was dropped.
        case cancelled
        /// Ctrl-D on an empty line, or the terminal closed.
        case end
        /// SIGHUP or SIGTERM arrived.
        case terminated(Int32)
    }

    static let historySize: Int32 = 1000
    static let maximumListed = 120

    /// Where the history is kept; nil when no home folder is known.
    let historyPath: String?
    /// Whether the prompt is coloured (asked each time it is drawn: `set color` changes it).
    let colors: () -> Bool
    /// Completion of the text before the cursor.
    let complete: (String) -> Completion
    /// The prompt's word (`porthole`, or the lesson under way), asked each time it is drawn.
    let label: () -> String
    /// Where the prompt, the echo and completion lists go: stdout, or the terminal when
    /// stdout is a pipe.
    let output: CInt

    private var editLine: OpaquePointer?
    private let history: OpaquePointer?
    private var plainReader: LineReader?
    private var promptBuffer: UnsafeMutablePointer<CChar>?
    /// What the prompt buffer was made from.
    private var promptMadeFrom: (label: String, colored: Bool)?
    private var cancelledLine = false
    private var closed = false
    private var warnedAboutSaving = false

    static func plainPrompt(_ label: String) -> String { label + "> " }
    /// The coloured prompt for `EL_PROMPT_ESC`: escape sequences between `\1` markers,
    /// so libedit counts only the visible `porthole> ` (and it does not end with a marker).
    static func coloredPrompt(_ label: String) -> String { "\u{1}\u{1B}[1;36m\u{1}\(label)>\u{1}\u{1B}[0m\u{1} " }

    init(
        historyPath: String?, output: CInt = 1, colors: @escaping () -> Bool,
        complete: @escaping (String) -> Completion, label: @escaping () -> String = { "porthole" }
    ) {
        self.historyPath = historyPath
        self.output = output
        self.colors = colors
        self.complete = complete
        self.label = label
        Self.ensureUTF8Locale()

        guard cedit_load() != 0 else {
            // Without libedit the prompt still works, as the plain reader, without history.
            let reason = cedit_load_error().map { String(cString: $0) } ?? "not found"
            Platform.writeError(
                "porthole: warning: line editing and history are off: cannot load libedit (\(reason))\n")
            history = nil
            plainReader = LineReader(fd: 0)
            return
        }
        history = cedit_history_init()
        if let history {
            cedit_history_set_size(history, Self.historySize)
            cedit_history_set_unique(history, 1)
            if let historyPath { _ = cedit_history_load(history, historyPath) }
        }

        guard let el = cedit_init("porthole", output) else {
            plainReader = LineReader(fd: 0)
            return
        }
        editLine = el
        cedit_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        cedit_set_editor(el, "emacs")
        cedit_set_prompt_esc(el, { el in LineEditor.from(el)?.prompt() ?? LineEditor.emptyPrompt }, 1)
        cedit_set_signal(el, 1)
        // Ctrl-C must reach the key binding, not the kernel: "intr" off, sticky in edit mode.
        cedit_setty(el, "-d", "-intr")
        if let history { cedit_set_history(el, history) }
        cedit_add_function(
            el, "porthole-complete", "Complete the word before the cursor",
            { el, _ in
                LineEditor.from(el)?.completeWord() ?? UInt8(CC_ERROR)
            })
        cedit_add_function(
            el, "porthole-end-or-delete", "End input on an empty line, else delete the next character",
            { el, _ in
                LineEditor.from(el)?.endOrDelete() ?? UInt8(CC_ERROR)
            })
        cedit_add_function(
            el, "porthole-interrupt", "Drop the line and prompt again",
            { el, _ in
                LineEditor.from(el)?.cancelLine() ?? UInt8(CC_ERROR)
            })
        _ = cedit_source_editrc(el)
        // After the user's editrc, so these win.
        cedit_bind(el, "^I", "porthole-complete")
        cedit_bind(el, "^C", "porthole-interrupt")
        cedit_bind(el, "^D", "porthole-end-or-delete")
        if cedit_get_editmode(el) == 0 {
            cedit_end(el)
            editLine = nil
            plainReader = LineReader(fd: 0)
        }
    }

    deinit {
        close()
        promptBuffer?.deallocate()
    }

    // MARK: Reading

    /// The next line from the user.
    func readLine() -> Input {
        if let signo = Signals.terminatingSignal { return .terminated(signo) }
        guard let el = editLine else { return readPlain() }
        if Signals.takeResize() { cedit_resize(el) }
        var attempts = 0
        while true {
            cancelledLine = false
            var count: Int32 = 0
            let line = cedit_gets(el, &count)
            let failure = errno
            cedit_flush_stdout()
            if let signo = Signals.terminatingSignal { return .terminated(signo) }
            if cancelledLine { return .cancelled }
            if let line, count > 0 {
                var text = String(cString: line)
                while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
                return .line(text)
            }
            // NULL: 0 is end of input (Ctrl-D on an empty line); -1 a read error.
            if count < 0 && failure == EINTR && attempts < 100 {
                attempts += 1
                continue
            }
            return .end
        }
    }

    private func readPlain() -> Input {
        let out = Array(Self.plainPrompt(label()).utf8)
        _ = out.withUnsafeBytes { write(output, $0.baseAddress, $0.count) }
        if plainReader == nil { plainReader = LineReader(fd: 0) }
        let next = plainReader!.next()
        if let signo = Signals.terminatingSignal { return .terminated(signo) }
        switch next {
        case .text(let text): return .line(text)
        case .invalid(let reason): return .invalid(reason)
        case nil: return .end
        }
    }

    // MARK: History

    /// Adds a typed line to the history (adjacent duplicates are dropped) and saves it.
    func remember(_ line: String) {
        guard let history, !line.allSatisfy(\.isWhitespace) else { return }
        cedit_history_enter(history, line)
        saveHistory()
    }

    /// Forgets every entry and saves the empty history (`history --clear` at the prompt).
    func clearHistory() -> Bool {
        guard let history else { return false }
        cedit_history_clear(history)
        return saveHistory()
    }

    /// The history, oldest first.
    func historyEntries() -> [String] {
        guard let history else { return [] }
        var entries: [String] = []
        var entry = cedit_history_oldest(history)
        while let current = entry {
            entries.append(String(cString: current))
            entry = cedit_history_newer(history)
        }
        return entries
    }

    /// Writes the history atomically (a new file swapped in, with SIGHUP, SIGTERM and
    /// SIGINT held back so a closing terminal cannot leave a half-written file).
    @discardableResult
    func saveHistory() -> Bool {
        guard let history, let path = historyPath else { return false }
        do throws(AtomicFile.Failure) {
            try AtomicFile.makeFolders(folder(of: path))
            try AtomicFile(path: path, mode: 0o600, temporaryPrefix: ".history-").write(blockingSignals: true) {
                fd throws(Errno) in
                if cedit_history_save_fd(history, fd) < 0 { throw Errno.current }
            }
            return true
        } catch {
            if !warnedAboutSaving {
                warnedAboutSaving = true
                Platform.writeError("porthole: warning: cannot save the history to \(path): \(error.errno)\n")
            }
            return false
        }
    }

    /// Saves the history and gives the terminal back. Safe to call twice.
    func close() {
        guard !closed else { return }
        closed = true
        saveHistory()
        if let el = editLine {
            cedit_end(el)
            editLine = nil
        }
        if let history { cedit_history_end(history) }
    }

    /// `$XDG_STATE_HOME/porthole/history`, or `~/.local/state/porthole/history`.
    static func historyPath(environment: [String: String]) -> String? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/porthole/history"
        }
        var home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        if home == nil, let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir {
            home = String(cString: dir)
        }
        guard let home, home.hasPrefix("/") else { return nil }
        return home + "/.local/state/porthole/history"
    }

    // MARK: Prompt

    nonisolated(unsafe) private static let emptyPrompt: UnsafeMutablePointer<CChar> = {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        buffer.pointee = 0
        return buffer
    }()

    private func prompt() -> UnsafeMutablePointer<CChar> {
        let colored = colors()
        let label = label()
        if promptMadeFrom?.label != label || promptMadeFrom?.colored != colored || promptBuffer == nil {
            promptBuffer?.deallocate()
            let bytes = Array((colored ? Self.coloredPrompt(label) : Self.plainPrompt(label)).utf8CString)
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
            buffer.initialize(from: bytes, count: bytes.count)
            promptBuffer = buffer
            promptMadeFrom = (label, colored)
        }
        return promptBuffer!
    }

    private static func from(_ el: OpaquePointer?) -> LineEditor? {
        guard let el, let data = cedit_get_clientdata(el) else { return nil }
        return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
    }

    // MARK: Key functions

    /// Ctrl-C: end `el_gets` with the line marked as dropped.
    private func cancelLine() -> UInt8 {
        cancelledLine = true
        return UInt8(CC_NEWLINE)
    }

    /// Ctrl-D: libedit's own binding echoes `^D` before ending the input; this ends it
    /// quietly (the session writes the newline), and otherwise deletes as emacs does.
    private func endOrDelete() -> UInt8 {
        guard let el = editLine, let info = cedit_line(el)?.pointee, let cursor = info.cursor,
            let start = info.buffer, let end = info.lastchar
        else {
            return UInt8(CC_ERROR)
        }
        if start == end { return UInt8(CC_EOF) }
        guard cursor < end else { return UInt8(CC_ERROR) }
        _ = cedit_cursor(el, 1)
        cedit_deletestr(el, 1)
        return UInt8(CC_REFRESH)
    }

    /// Tab: one candidate is inserted with a space; a longer common prefix is inserted;
    /// several are listed in columns; none beeps.
    private func completeWord() -> UInt8 {
        guard let el = editLine, let info = cedit_line(el)?.pointee, let start = info.buffer, let cursor = info.cursor
        else {
            return UInt8(CC_ERROR)
        }
        let before = UnsafeRawBufferPointer(start: start, count: cursor - start)
        let text = String(decoding: before, as: UTF8.self)
        let completion = complete(text)
        switch completion.candidates.count {
        case 0:
            return UInt8(CC_REFRESH_BEEP)
        case 1:
            replaceWord(completion.prefix, with: completion.candidates[0] + " ")
            return UInt8(CC_REFRESH)
        default:
            let common = completion.commonPrefix
            if common.count > completion.prefix.count {
                replaceWord(completion.prefix, with: common)
                return UInt8(CC_REFRESH)
            }
            list(completion.candidates)
            return UInt8(CC_REDISPLAY)
        }
    }

    /// Inserts the rest of `word` after the typed `prefix`, or replaces the prefix when
    /// its case differs (matching ignores case).
    private func replaceWord(_ prefix: String, with word: String) {
        guard let el = editLine else { return }
        if word.hasPrefix(prefix) {
            let rest = String(word.dropFirst(prefix.count))
            if !rest.isEmpty { cedit_insertstr(el, rest) }
        } else {
            if !prefix.isEmpty { cedit_deletestr(el, Int32(prefix.unicodeScalars.count)) }
            cedit_insertstr(el, word)
        }
    }

    /// Prints candidates in columns under the line; libedit redraws the line after.
    private func list(_ candidates: [String]) {
        let size = terminalSize(output)
        let width = max(20, size?.columns ?? 80)
        let height = max(8, size?.rows ?? 24)
        // As many as fit in the window above the redrawn line (and never more than the cap).
        let widest = (candidates.prefix(Self.maximumListed).map(\.count).max() ?? 0) + 2
        let columns = max(1, width / widest)
        let fitting = min(Self.maximumListed, columns * (height - 3))
        let shown = Array(candidates.prefix(fitting))
        let columnWidth = widest
        let rows = (shown.count + columns - 1) / columns
        var text = "\n"
        for row in 0..<rows {
            var line = ""
            for column in 0..<columns {
                let index = column * rows + row
                guard index < shown.count else { break }
                let item = shown[index]
                let isLast = column == columns - 1 || (column + 1) * rows + row >= shown.count
                line += isLast ? item : item + String(repeating: " ", count: columnWidth - item.count)
            }
            text += line + "\n"
        }
        if candidates.count > shown.count {
            text += "… and \(candidates.count - shown.count) more; type more letters to narrow\n"
        }
        cedit_flush_stdout()
        // A candidate list that cannot be shown is not worth more than the beep it replaces.
        try? writeAll(text, to: output)
    }

    // MARK: Locale

    /// libedit decodes input with the C library's multibyte functions and never calls
    /// setlocale: without a UTF-8 LC_CTYPE it silently drops non-ASCII input.
    static func ensureUTF8Locale() {
        setlocale(LC_CTYPE, "")
        if !currentCodesetIsUTF8() {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
    }

    private static func currentCodesetIsUTF8() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).lowercased().filter { $0 != "-" }
        return name == "utf8"
    }
}
