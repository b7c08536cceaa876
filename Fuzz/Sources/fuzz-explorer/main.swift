import FuzzSupport

// The command language end to end: each input is up to 16 lines, evaluated in order by one
// fresh Explorer over a FixedHost (Fixture.swift): a small hand-made registry and other maps,
// fixed port settings, and a territory that alternates line by line between hand-made
// listeners and one that cannot be read. Every line runs through `Explorer.evaluate`, every
// command included (`who`, `ghosts`, `update`): the host never scans, and its `install`
// refuses, so nothing reaches the network or the file system. Each outcome is recorded by a
// Transcript and also rendered as text (plain, coloured, narrow) and as JSON; Tab completion
// runs on every line. The fixture's hostile names and descriptions, and the input's own bytes,
// must never reach rendered text raw: only line breaks and porthole's colours may. A third of
// the inputs run through the conversation loop instead, where `lesson` and `quiz` take the
// lines after them as replies.
@testable import PortExplorer

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if size.isMultiple(of: 3) { return converse(text, size: size) }
    let host = Fixture.host()
    // `history` answers only at the prompt; half the inputs are typed there.
    let input: InputMode = size.isMultiple(of: 2) ? .script : .interactive
    let explorer = Explorer(host: host, environment: ExplorerEnvironment(input: input))
    let transcript = Transcript(explorer: explorer, output: Discarded())
    let contexts = [
        TextContext(width: 80), TextContext(width: 80, color: true), TextContext(width: 20 + size % 100, color: true),
    ]
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(16).enumerated() {
        let line = String(line)
        host.territory = index.isMultiple(of: 2) ? Fixture.listeners : nil
        if input == .interactive { transcript.promptShown() }
        _ = explorer.complete(line)
        for outcome in explorer.evaluate(line) {
            transcript.record(outcome, line: index + 1)
            render(outcome, line: index + 1, in: transcript, contexts: contexts)
            if outcome.quits { return 0 }
        }
    }
    _ = transcript.endStatus()
    return 0
}

/// The same lines through the session's one loop, as a pipe gives them: a lesson or quiz begun on
/// one line takes the next ones as its replies. Every byte written is checked as it goes. The
/// host's Ctrl-C comes after a few pauses, so a watch or a lesson's wait ends.
func converse(_ text: String, size: Int) -> CInt {
    let host = Fixture.host()
    host.territory = Fixture.listeners
    host.interrupted = { [unowned host] in host.pauses > 6 }
    let input: InputMode = size.isMultiple(of: 2) ? .script : .interactive
    let explorer = Explorer(
        host: host, environment: ExplorerEnvironment(input: input, terminalWidth: { 20 + size % 100 }))
    let output = CheckedOutput()
    var lines = GivenLines(
        text.split(separator: "\n", omittingEmptySubsequences: false).prefix(16).map { .text(String($0)) })
    _ = explorer.converse(&lines, transcript: Transcript(explorer: explorer, output: output))
    return 0
}

/// A transcript's output that keeps nothing and checks everything written to it.
final class CheckedOutput: TranscriptOutput {
    func write(stdout: String, stderr: String) -> OutputState {
        check(shownOnly(stdout, colors: false), "stdout holds a raw control character: \(stdout.debugDescription)")
        check(shownOnly(stderr, colors: false), "stderr holds a raw control character: \(stderr.debugDescription)")
        return .open
    }
    func flush() -> OutputState { .open }
}

/// Renders an outcome every way porthole can. JSON is exactly one object on one line.
func render(_ outcome: Outcome, line: Int, in transcript: Transcript, contexts: [TextContext]) {
    _ = transcript.render(outcome, format: .text, line: line)
    let json = transcript.render(outcome, format: .json, line: line).stdout
    check(
        json.hasSuffix("\n") && !json.dropLast().contains("\n"),
        "JSON output of '\(outcome.command)' is not one line: \(json.debugDescription)")
    check(json.first == "{", "JSON output of '\(outcome.command)' is not an object: \(json.debugDescription)")
    if case .success(let result) = outcome.result {
        for context in contexts {
            let text = result.text(context)
            check(
                shownOnly(text, colors: context.color),
                "text of '\(outcome.command)' holds a raw control character: \(text.debugDescription)")
        }
    }
}

/// Whether `text` holds no character that acts on a terminal or hides itself but line breaks
/// and, with colours, porthole's own palette: outside text must have been shown through
/// `Visible` before the transcript's last line of defence.
func shownOnly(_ text: String, colors: Bool) -> Bool {
    let scalars = Array(text.unicodeScalars)
    var i = 0
    while i < scalars.count {
        if colors, scalars[i] == "\u{1B}", let n = Palette.sequenceLength(in: scalars, at: i, value: \.value) {
            i += n
            continue
        }
        if scalars[i] != "\n", Visible.isHidden(scalars[i]) { return false }
        i += 1
    }
    return true
}

/// A transcript's output that keeps nothing.
final class Discarded: TranscriptOutput {
    func write(stdout: String, stderr: String) -> OutputState { .open }
    func flush() -> OutputState { .open }
}

runFuzzer { data, size in fuzz(data ?? emptyInput, size) }
