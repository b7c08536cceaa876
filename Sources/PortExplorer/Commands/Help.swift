extension CommandSpec {
    static let help = CommandSpec(
        name: "help",
        aliases: ["?"],
        synopsis: "[COMMAND]",
        summary: "List the commands, or explain one",
        help: """
            Without an argument, lists every command with a one-line summary. With a command's \
            name, shows how to call it, its options and examples.

              help lookup
            """,
        completion: { previous in previous.isEmpty ? [.commandNames] : [] },
        run: { invocation, context throws(CommandError) in
            switch invocation.arguments.count {
            case 0:
                return HelpResult(topic: nil, commands: context.commands)
            case 1:
                let name = invocation.arguments[0]
                guard let spec = CommandTable.command(named: name) else {
                    throw .unknown(
                        "help", "no command named '\(name)'", word: name, candidates: context.commands.map(\.name))
                }
                return HelpResult(topic: spec, commands: context.commands)
            default:
                throw CommandError("help", "expected at most one command name, got \(invocation.arguments.count)")
            }
        }
    )
}

struct HelpResult: CommandResult {
    let topic: CommandSpec?
    let commands: [CommandSpec]

    func text(_ context: TextContext) -> String {
        guard let spec = topic else {
            var table = Table()
            for spec in commands { table.add([context.accent(spec.name), spec.summary]) }
            return table.render(context, wrapping: true) + "\n\n"
                + context.dim(
                    Wrap.text(
                        "Type 'help COMMAND' for its arguments and examples. Separate commands with ';'.",
                        width: context.width))
        }
        var parts = [
            context.heading(Wrap.text(spec.usage, width: context.width)),
            Wrap.text(spec.summary + ".", width: context.width),
        ]
        parts.append(Wrap.text(spec.help, width: context.width))
        var table = Table()
        for option in spec.options + CommonOptions.all {
            table.add([option.value.map { "\(option.name) \($0)" } ?? option.name, option.help])
        }
        parts.append("Options:\n" + table.render(context, indent: 2, wrapping: true))
        if !spec.aliases.isEmpty {
            parts.append("Also: " + spec.aliases.joined(separator: ", "))
        }
        return parts.joined(separator: "\n\n")
    }

    /// The command list is a table; one command's help is prose, written as text.
    var table: ResultTable? {
        guard topic == nil else { return nil }
        return ResultTable(
            columns: ["name", "synopsis", "summary", "aliases"],
            rows: commands.map { [$0.name, $0.synopsis, $0.summary, $0.aliases.joined(separator: ";")] })
    }

    var json: [String: JSON] {
        func describe(_ spec: CommandSpec) -> JSON {
            [
                "name": .string(spec.name), "synopsis": .string(spec.synopsis), "summary": .string(spec.summary),
                "aliases": .strings(spec.aliases),
            ]
        }
        guard let spec = topic else { return ["commands": .array(commands.map(describe))] }
        guard var fields = describe(spec).objectFields else { return [:] }
        fields["help"] = .string(spec.help)
        fields["options"] = .array(
            spec.options.map { ["name": .string($0.name), "value": .optional($0.value), "help": .string($0.help)] })
        return ["topic": .object(fields)]
    }
}
