extension CommandSpec {
    static let history = CommandSpec(
        name: "history",
        synopsis: "",
        summary: "Show the commands typed in this and earlier interactive sessions",
        help: """
            Lists the saved history, oldest first. History is kept only for interactive sessions, \
            in $XDG_STATE_HOME/porthole/history (mode 0600); piped and one-shot commands are never saved.
            """,
        run: { invocation, context throws(CommandError) in
            try invocation.expectNoArguments()
            guard context.input == .interactive, let entries = context.host.history() else {
                throw CommandError(
                    "history", "only interactive sessions keep history; piped and one-shot commands are not saved")
            }
            return HistoryResult(entries: entries)
        }
    )
}

struct HistoryResult: CommandResult {
    let entries: [String]

    func text(_ context: TextContext) -> String {
        var table = Table()
        table.rightAligned = [0]
        for (i, entry) in entries.enumerated() { table.add([String(i + 1), entry]) }
        return entries.isEmpty ? "no history yet" : table.render(context)
    }

    var json: [String: JSON] { ["history": .strings(entries)] }

    var table: ResultTable? {
        ResultTable(
            columns: ["number", "command"], rows: entries.enumerated().map { [String($0.offset + 1), $0.element] })
    }
}
