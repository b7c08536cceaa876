// The command language end to end: each input is up to 16 lines, evaluated in order by one
// fresh Explorer over a small hand-made registry (Fixture.swift), each outcome rendered as
// text (plain, coloured, narrow) and as JSON; Tab completion runs on every line too.
//
// No listener scan, no network, no files written: a command that would scan this host or
// reach the network is never run through the Explorer. `who` and `update` are skipped; `ghosts`
// and `explain PORT|NAME|ghosts|map|listening` (which scan) are run through their own code with
// hand-made listener facts instead (`@testable`), so their parsing and rendering are fuzzed
// all the same. Which commands those are is decided with the Explorer's own tokenizer and
// option parser, so quoting, aliases, case and `--` cannot slip a scan past the filter.
@testable import PortExplorer
import FuzzSupport
import PortRegistry

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let explorer = Explorer(
        environment: ExplorerEnvironment(input: .script, today: Day(year: 2026, month: 11, day: 27)!),
        registry: { LoadedRegistry(registry: Fixture.registry, warnings: ["fuzz: a warning"]) },
        otherMaps: { Fixture.maps }
    )
    let narrow = TextContext(width: 20 + size % 100, color: true)
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(16).enumerated() {
        let line = String(line)
        _ = explorer.complete(line)
        let facts = index.isMultiple(of: 2) ? Fixture.seen : Fixture.unavailable
        for outcome in outcomes(of: line, in: explorer, facts: facts, seed: UInt64(size)) {
            render(outcome, line: index + 1, in: explorer, narrow: narrow)
            if outcome.quits { return 0 }
        }
    }
    return 0
}

/// The outcomes of one line, as `Explorer.evaluate` gives them, minus scans (see above).
func outcomes(of line: String, in explorer: Explorer, facts: HostFacts, seed: UInt64) -> [Outcome] {
    guard let commands = try? Tokenizer.commands(in: line), !commands.isEmpty else {
        return explorer.evaluate(line)  // a tokenizer error or nothing to run: no command runs
    }
    if commands.allSatisfy({ scanFree($0, in: explorer) }) { return explorer.evaluate(line) }
    var out: [Outcome] = []
    for words in commands {
        guard let outcome = scanFree(words, in: explorer)
            ? explorer.run(words) : withoutScan(words, in: explorer, facts: facts, seed: seed)
        else { continue }
        out.append(outcome)
        if outcome.quits { break }
    }
    return out
}

/// Whether running these words through the Explorer cannot scan listeners or reach the network.
func scanFree(_ words: [String], in explorer: Explorer) -> Bool {
    guard let first = words.first, let spec = explorer.command(named: first) else { return true }
    guard let invocation = try? Invocation(spec: spec, words: words.dropFirst()) else { return true }
    switch spec.name {
    case "who", "update", "ghosts":
        return false
    case "explain":
        guard invocation.arguments.count == 1 else { return true }
        guard let topic = ExplainTopic(rawValue: invocation.arguments[0].lowercased()) else { return false }
        return !topic.needsListeners
    default:
        return true
    }
}

/// `ghosts` and `explain` as their command code runs them, with hand-made facts instead of a
/// scan; nil for the commands that are skipped (`who`, `update`).
func withoutScan(_ words: [String], in explorer: Explorer, facts: HostFacts, seed: UInt64) -> Outcome? {
    guard let spec = explorer.command(named: words[0]) else { return nil }
    let result: Result<any CommandResult, CommandError>
    do throws(CommandError) {
        let invocation = try Invocation(spec: spec, words: words.dropFirst())
        let registry = try explorer.registry().registry
        switch spec.name {
        case "ghosts":
            var random = SeededGenerator(seed: seed)
            result = .success(try GhostsResult(request: try GhostsRequest(invocation), registry: registry, facts: facts, random: &random))
        case "explain":
            let word = invocation.arguments[0]
            if let topic = ExplainTopic(rawValue: word.lowercased()) {
                result = .success(ExplainTopicText.result(topic, registry: .success(registry), facts: facts))
            } else {
                let target = try ExplainTarget.parse(word, registry: registry)
                result = .success(ExplainPort.result(for: target, registry: registry, facts: facts))
            }
        default:
            return nil
        }
    } catch {
        result = .failure(error)
    }
    return Outcome(command: spec.name, result: result)
}

/// Renders an outcome every way porthole can: text and JSON through the Explorer, and text
/// in colour at another width. JSON mode prints exactly one object on one line.
func render(_ outcome: Outcome, line: Int, in explorer: Explorer, narrow: TextContext) {
    let saved = explorer.format
    defer { explorer.format = saved }
    explorer.format = .text
    _ = explorer.render(outcome, line: line)
    explorer.format = .json
    let json = explorer.render(outcome, line: line).stdout
    check(json.hasSuffix("\n") && !json.dropLast().contains("\n"),
          "JSON output of '\(outcome.command)' is not one line: \(json.debugDescription)")
    check(json.first == "{", "JSON output of '\(outcome.command)' is not an object: \(json.debugDescription)")
    if case .success(let result) = outcome.result {
        _ = result.text(narrow)
    }
}

runFuzzer { data, size in fuzz(data ?? emptyInput, size) }
