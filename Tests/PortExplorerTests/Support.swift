import PortListeners
import PortRegistry

@testable import PortExplorer

/// A small hand-made registry, dated 2025-12-15.
func makeRegistry(records: [ServiceRecord] = [], people: [Person] = []) -> Registry {
    Registry(
        records: records, people: people,
        source: RegistrySource(kind: .file, path: "test.xml", updated: Day(year: 2025, month: 12, day: 15))
    )
}

/// A fixed host over a small hand-made registry, on 2026-11-27.
func makeHost(
    records: [ServiceRecord] = [], people: [Person] = [], maps: OtherMaps = OtherMaps(), territory: [Listener]? = []
) -> FixedHost {
    FixedHost(registry: makeRegistry(records: records, people: people), maps: maps, territory: territory)
}

/// A session over a fixed host, as scripts see it (no terminal).
func makeExplorer(
    records: [ServiceRecord] = [], people: [Person] = [], input: InputMode = .script, format: OutputFormat = .text
) -> Explorer {
    makeExplorer(host: makeHost(records: records, people: people), input: input, format: format)
}

func makeExplorer(host: any Host, input: InputMode = .script, format: OutputFormat = .text) -> Explorer {
    Explorer(host: host, environment: ExplorerEnvironment(input: input), settings: Settings(format: format))
}

/// Everything a transcript wrote, kept in memory.
final class RecordedOutput: TranscriptOutput {
    var stdout = ""
    var stderr = ""
    /// What the next writes report (a closed reader, a full disk, Ctrl-C).
    var state = OutputState.open

    func write(stdout: String, stderr: String) -> OutputState {
        self.stderr += stderr
        guard state == .open else { return state }
        self.stdout += stdout
        return .open
    }

    func flush() -> OutputState { state }
}

/// The rendered text of the commands on one line, as a script prints it.
func text(of line: String, in explorer: Explorer) -> String {
    let output = RecordedOutput()
    let transcript = Transcript(explorer: explorer, output: output)
    for outcome in explorer.evaluate(line) { transcript.record(outcome, line: 1) }
    return output.stdout
}

/// The message of a single command that must fail.
func failure(of line: String, in explorer: Explorer = makeExplorer()) -> String? {
    guard case .failure(let error) = explorer.evaluate(line).first?.result else { return nil }
    return error.message
}

/// The message of a typed error, or nil when the body succeeds.
func errorMessage(_ body: () throws(CommandError) -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return error.message
    }
}
