/// What a command computed, before anyone decides how to show it.
///
/// Computing and rendering are separate: a command returns one of these, and the same
/// value is rendered as aligned text for people or as one JSON object for scripts.
protocol CommandResult: Sendable {
    /// The text shown on a terminal or piped in text mode; empty prints nothing.
    func text(_ context: TextContext) -> String
    /// Fields of the command's JSON object besides `command` and `ok`.
    var json: [String: JSON] { get }
    /// What the session must change once this result stands.
    var effect: SessionEffect { get }
    /// The answer as one table, for CSV and TSV; nil when the answer is not a table (it is
    /// then written as text).
    var table: ResultTable? { get }
    /// The answer is "these differ" (`diff`): the command succeeded, and scripts see status 1.
    var foundDifferences: Bool { get }
}

extension CommandResult {
    var effect: SessionEffect { .none }
    var table: ResultTable? { nil }
    var foundDifferences: Bool { false }
}

/// A result's answer as columns and rows of plain text, given once and written as CSV or TSV
/// alike. Column names are the JSON contract's field names; a list in a cell is joined by ';'.
struct ResultTable: Sendable, Equatable {
    var columns: [String]
    var rows: [[String]]

    init(columns: [String], rows: [[String]] = []) {
        self.columns = columns
        self.rows = rows
    }
}

/// A change a command asks of its session, applied by the explorer after the command: commands
/// read their context but never change the session themselves.
enum SessionEffect: Sendable, Equatable {
    case none
    case format(OutputFormat)
    case color(ColorMode)
    /// `set pager on|off`.
    case pager(Bool)
    /// The registry on disk changed (`update`): read it again on next use.
    case reloadRegistry
    /// End the session (`quit`).
    case quit
    /// Begin a lesson or a quiz: the session's next lines go to it first.
    case begin(ActivityStart)
}

/// A result that is only words, e.g. `set` confirming a change.
struct MessageResult: CommandResult {
    let message: String
    var fields: [String: JSON]

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
struct Outcome: Sendable {
    /// The command's name as declared (or the word typed, when it named no command).
    public let command: String
    var result: Result<any CommandResult, CommandError>
    /// The command asked the session to end (`quit`).
    var quits: Bool = false
    /// The format this one command asked for (`lookup 22 --json`), over the session's.
    var format: OutputFormat?
    /// `--no-header` on this one command: false, over the session's setting.
    var header: Bool?
    /// A part of an answer written as the command goes (`who --watch`): it follows the part
    /// before it without a blank line, and never goes through a pager.
    var partial = false
    /// The status a failure gives: 1, or 2 for a command that compares (`ExitStatuses`).
    var failureStatus: Int32 = 1

    public init(
        command: String, result: Result<any CommandResult, CommandError>, quits: Bool = false,
        format: OutputFormat? = nil, header: Bool? = nil, partial: Bool = false
    ) {
        self.command = command
        self.result = result
        self.quits = quits
        self.format = format
        self.header = header
        self.partial = partial
    }

    /// The user pressed Ctrl-C while it ran.
    var wasInterrupted: Bool {
        if case .failure(let error) = result { return error.kind == .interrupted }
        return false
    }

    var succeeded: Bool {
        if case .success = result { return true }
        return false
    }

    /// What this outcome alone would make the exit status: 0, 1 for differences found, or
    /// its failure status.
    var exitStatus: Int32 {
        switch result {
        case .success(let answer): answer.foundDifferences ? 1 : 0
        case .failure: failureStatus
        }
    }
}
