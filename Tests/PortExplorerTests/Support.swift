@testable import PortExplorer
import PortRegistry

/// A session over a small hand-made registry, as scripts see it (no terminal).
func makeExplorer(
    records: [ServiceRecord] = [], people: [Person] = [], input: InputMode = .script, format: OutputFormat = .text
) -> Explorer {
    let registry = Registry(
        records: records, people: people,
        source: RegistrySource(kind: .file, path: "test.xml", updated: Day(year: 2025, month: 12, day: 15))
    )
    return Explorer(
        environment: ExplorerEnvironment(input: input, today: Day(year: 2026, month: 11, day: 27)!),
        format: format,
        registry: { LoadedRegistry(registry: registry) }
    )
}

/// The rendered text of a single command that must succeed.
func text(of line: String, in explorer: Explorer) -> String {
    let outcomes = explorer.evaluate(line)
    return outcomes.map { explorer.render($0, line: 1).stdout }.joined()
}

/// The message of a single command that must fail.
func failure(of line: String, in explorer: Explorer = makeExplorer()) -> String? {
    guard case .failure(let error) = explorer.evaluate(line).first?.result else { return nil }
    return error.message
}
