import PortRegistry

extension CommandSpec {
    static let version = CommandSpec(
        name: "version",
        synopsis: "",
        summary: "Show porthole's version and the registry it answers from",
        help: "Prints porthole's version, and which registry is active, with its date.",
        run: { invocation, context throws(CommandError) in
            try invocation.expectNoArguments()
            let source = try? context.registry().source
            return VersionResult(version: PortholeVersion.current, source: source)
        }
    )
}

struct VersionResult: CommandResult {
    let version: String
    let source: RegistrySource?

    func text(_ context: TextContext) -> String {
        var line = "porthole \(version)"
        if let source { line += "\nregistry: " + source.summary }
        return line
    }

    var json: [String: JSON] {
        var out: [String: JSON] = ["version": .string(version)]
        if let source { out["source"] = source.json }
        return out
    }
}
