/// What a command computed, before anyone decides how to show it.
///
/// Computing and rendering are separate: a command returns one of these, and the same
/// value is rendered as aligned text for people or as one JSON object for scripts.
public protocol CommandResult: Sendable {
    /// The text shown on a terminal or piped in text mode; empty prints nothing.
    func text(_ context: TextContext) -> String
    /// Fields of the command's JSON object besides `command` and `ok`.
    var json: [String: JSON] { get }
}

/// A result that is only words, e.g. `set` confirming a change.
public struct MessageResult: CommandResult {
    public let message: String
    public var fields: [String: JSON]

    public init(_ message: String, fields: [String: JSON] = [:]) {
        self.message = message
        self.fields = fields
    }

    public func text(_ context: TextContext) -> String { Wrap.text(message, width: context.width) }
    public var json: [String: JSON] {
        var out = fields
        out["message"] = .string(message)
        return out
    }
}

/// One command's outcome, as the terminal layer receives it.
public struct Outcome: Sendable {
    /// The command's name as declared (or the word typed, when it named no command).
    public let command: String
    public let result: Result<any CommandResult, CommandError>
    /// The command asked the session to end (`quit`).
    public var quits: Bool = false

    public init(command: String, result: Result<any CommandResult, CommandError>, quits: Bool = false) {
        self.command = command
        self.result = result
        self.quits = quits
    }

    public var succeeded: Bool {
        if case .success = result { return true }
        return false
    }
}
