extension CommandSpec {
    static let quit = CommandSpec(
        name: "quit",
        aliases: ["exit"],
        synopsis: "",
        summary: "Leave porthole (Ctrl-D does the same)",
        help: "Ends the session; history is saved first.",
        run: { invocation, _ throws(CommandError) in
            try invocation.expectNoArguments()
            return QuitResult()
        }
    )
}

struct QuitResult: CommandResult {
    var effect: SessionEffect { .quit }
    func text(_ context: TextContext) -> String { "" }
    var json: [String: JSON] { [:] }
}
