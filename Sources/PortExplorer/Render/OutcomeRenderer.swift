/// What to write for one outcome: the terminal layer only copies these to stdout and stderr.
public struct RenderedOutcome: Sendable, Equatable {
    public var stdout: String
    public var stderr: String
}

extension Explorer {
    /// Renders an outcome in the session's format. `line` is the script line it came from.
    ///
    /// In JSON mode every command prints exactly one object on its own line, with `command`
    /// and `ok`; a failure carries `error.message` (and `error.line` from a script) and is
    /// also said on stderr for the person watching.
    public func render(_ outcome: Outcome, line: Int? = nil) -> RenderedOutcome {
        var stderr = takeWarnings().map { "porthole: warning: \($0)\n" }.joined()
        switch outcome.result {
        case .success(let result):
            switch format {
            case .json:
                // `command` and `ok` lead; the command's own fields follow in key order.
                let fields = result.json.sorted { $0.key < $1.key }.map { JSON.Member($0.key, $0.value) }
                let object = JSON.fields([JSON.Member("command", .string(outcome.command)), JSON.Member("ok", true)] + fields)
                return RenderedOutcome(stdout: object.line, stderr: stderr)
            case .text:
                let text = result.text(textContext)
                return RenderedOutcome(stdout: text.isEmpty ? "" : text + "\n", stderr: stderr)
            }
        case .failure(let error):
            stderr += errorLine(error, line: line) + "\n"
            guard format == .json else { return RenderedOutcome(stdout: "", stderr: stderr) }
            var detail: [String: JSON] = ["message": .string(error.message)]
            if let line { detail["line"] = .int(line) }
            let object: JSON = ["command": .string(outcome.command), "ok": false, "error": .object(detail)]
            return RenderedOutcome(stdout: object.line, stderr: stderr)
        }
    }

    /// `porthole: line N: message` from scripts, `porthole: message` otherwise.
    public func errorLine(_ error: CommandError, line: Int?) -> String {
        if environment.input == .script, let line {
            return "porthole: line \(line): \(error.message)"
        }
        return environment.input == .interactive ? "error: \(error.message)" : "porthole: \(error.message)"
    }
}
