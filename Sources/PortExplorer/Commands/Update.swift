import PortRegistry

extension CommandSpec {
    static let update = CommandSpec(
        name: "update",
        synopsis: "[--url URL | --from FILE] [--timeout SECONDS]",
        summary: "Fetch the current IANA registry and make it the active one",
        help: """
            Downloads IANA's registry (with curl) from \(RegistryUpdater.defaultURL), or reads \
            it from --from FILE, and validates it fully: it must parse, hold at least 5,000 \
            records and carry its updated date. Only then is it converted to porthole's fast \
            form and swapped in atomically as $XDG_DATA_HOME/porthole/registry.bin (default \
            ~/.local/share/porthole/registry.bin). A failed, truncated or wrong download leaves \
            the previous registry in place and says why. Reports the old and new dates and how \
            many records were added, removed and changed (a record is its name, port range and \
            transport; changed means the same key with different facts).

              update
              update --from ~/Downloads/service-names-port-numbers.xml
            """,
        options: [
            OptionSpec("--url", value: "URL", help: "Download from this address instead of IANA's"),
            OptionSpec("--from", value: "FILE", help: "Read a registry file (XML or CSV) already on disk"),
            OptionSpec("--timeout", value: "SECONDS", help: "Give up on a download after this long (default 120)"),
        ],
        run: { invocation, context throws(CommandError) in try UpdateCommand.run(invocation, context) }
    )
}

enum UpdateCommand {
    static func run(_ invocation: Invocation, _ context: CommandContext) throws(CommandError) -> UpdateResult {
        try invocation.expectNoArguments()
        let url = invocation.options["--url"]
        let file = invocation.options["--from"]
        if url != nil && file != nil {
            throw CommandError("update", "give either --url or --from, not both")
        }
        let timeout = try invocation.integer("--timeout", in: 1...3600) ?? 120
        let origin: RegistryInstall.Origin = file.map { .file($0) } ?? .url(url ?? RegistryUpdater.defaultURL)
        // --registry and PORTHOLE_REGISTRY outrank the user's copy before and after the update.
        let active = try? context.registry().source
        let report = try context.host.installRegistry(
            RegistryInstall(
                origin: origin, timeoutSeconds: timeout,
                showProgress: context.stdoutIsTerminal && context.settings.format == .text)
        )
        var overridden: String?
        if let active, active.kind == .file || active.kind == .environment {
            overridden =
                "the session still answers from \(active.path ?? "another file") (\(active.kind == .file ? "--registry" : "PORTHOLE_REGISTRY")), which takes precedence"
        }
        return UpdateResult(report: report, overridden: overridden)
    }
}

struct UpdateResult: CommandResult {
    let report: UpdateReport
    let overridden: String?

    var effect: SessionEffect { .reloadRegistry }

    func text(_ context: TextContext) -> String {
        let r = report
        let old = r.oldUpdated?.description ?? (r.comparedWith == .embedded ? "the embedded snapshot" : "none")
        var lines = [
            "Updated the registry at \(r.path).",
            "date: \(old) → \(r.newUpdated?.description ?? "undated")",
            "records: \(GapWords.number(r.newRecordCount))"
                + (r.oldRecordCount.map { " (was \(GapWords.number($0)))" } ?? ""),
            "compared with the \(r.comparedWith == .embedded ? "embedded snapshot" : "previous copy"): \(GapWords.number(r.added)) added, \(GapWords.number(r.removed)) removed, \(GapWords.number(r.changed)) changed",
        ]
        if let problem = r.previousProblem {
            lines.append(context.warn("the previous copy was unreadable (\(problem)) and has been replaced"))
        }
        if let overridden { lines.append(context.warn("note: " + overridden)) }
        return lines.joined(separator: "\n")
    }

    var json: [String: JSON] {
        let r = report
        return [
            "path": .string(r.path),
            "oldUpdated": .optional(r.oldUpdated?.description),
            "newUpdated": .optional(r.newUpdated?.description),
            "oldRecords": .optional(r.oldRecordCount),
            "newRecords": .int(r.newRecordCount),
            "comparedWith": .string(r.comparedWith.rawValue),
            "added": .int(r.added), "removed": .int(r.removed), "changed": .int(r.changed),
            "previousProblem": .optional(r.previousProblem),
            "overridden": .optional(overridden),
        ]
    }
}
