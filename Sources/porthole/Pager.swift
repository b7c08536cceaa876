import PortSystem

/// Long answers at the prompt through `$PAGER` (`less -FRX` when unset), as psql and git do:
/// only at the prompt with stdout a terminal, which `Launch` decides by giving a console one.
final class Pager {
    /// The pager's words, or nil when `PAGER` is empty or `cat` (which pages nothing).
    let command: [String]?
    /// Whether the session wants paging now (`set pager`).
    let wanted: () -> Bool
    /// Cleared after a pager could not be started: it is said once, and not tried again.
    private var working = true

    static let defaultCommand = "less -FRX"

    init(environment: [String: String], wanted: @escaping () -> Bool) {
        self.wanted = wanted
        let text = environment["PAGER"] ?? Self.defaultCommand
        let trimmed = text.split(whereSeparator: \.isWhitespace).map(String.init)
        if trimmed.isEmpty || trimmed == ["cat"] {
            command = nil
        } else if text.contains(where: { "\"'\\$`|&;<>()*?~{}".contains($0) }) {
            // Quotes, variables or pipes need a shell, as git gives its pager one.
            command = ["/bin/sh", "-c", text]
        } else {
            command = trimmed
        }
    }

    /// Whether `text` needs paging: more lines than fit above the next prompt.
    func wants(_ text: String) -> Bool {
        guard working, command != nil, wanted(), let rows = terminalSize(1)?.rows else { return false }
        var lines = 0
        for byte in text.utf8 where byte == UInt8(ascii: "\n") {
            lines += 1
            if lines >= rows { return true }
        }
        return false
    }

    /// Shows `text` through the pager and waits for it; nil when it was shown (its exit status
    /// otherwise is its own affair), or why it could not start, for the caller to print directly.
    func show(_ text: String) -> String? {
        guard let command else { return "no pager" }
        let shown = command.count == 3 && command[0] == "/bin/sh" ? command[2] : command.joined(separator: " ")
        do throws(ChildProcess.Failure) {
            let status = try ChildProcess.feeding(Array(text.utf8), to: command)
            // The shell's "command not found" or "not executable".
            if command[0] == "/bin/sh", status == 126 || status == 127 {
                working = false
                return "cannot start the pager '\(shown)' (status \(status)); printing directly"
            }
            return nil
        } catch {
            working = false
            return "cannot start the pager '\(shown)': \(error.errno); printing directly"
        }
    }
}
