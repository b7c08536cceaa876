extension CommandSpec {
    static let history = CommandSpec(
        name: "history",
        synopsis: "[--clear]",
        summary: "Show the commands typed at porthole's prompt, or clear them",
        help: """
            Lists the saved history, oldest first: the commands typed at the prompt in this and \
            earlier sessions, kept in $XDG_STATE_HOME/porthole/history (mode 0600). From the \
            shell ('porthole history') it reads that file; piped and one-shot commands are never \
            saved. --clear empties the file (and, at the prompt, the history Up-arrow walks).

              history
              history --clear
            """,
        options: [OptionSpec("--clear", help: "Forget every saved command")],
        run: { invocation, context throws(CommandError) in
            try invocation.expectNoArguments()
            if invocation.flags.contains("--clear") {
                let count = try context.host.history()?.count ?? 0
                try context.host.clearHistory()
                return MessageResult(
                    "history cleared (\(count) entr\(count == 1 ? "y" : "ies") forgotten)",
                    fields: ["cleared": .int(count)])
            }
            guard let entries = try context.host.history() else {
                throw CommandError(
                    "history", problem: "neither XDG_STATE_HOME nor HOME is set, so no history is kept",
                    kind: .unavailable)
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
        for (i, entry) in entries.enumerated() { table.add([String(i + 1), Visible.typed(entry)]) }
        return entries.isEmpty ? "no history yet" : table.render(context)
    }

    var json: [String: JSON] { ["history": .strings(entries)] }

    var table: ResultTable? {
        ResultTable(
            columns: ["number", "command"], rows: entries.enumerated().map { [String($0.offset + 1), $0.element] })
    }
}
