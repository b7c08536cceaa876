import PortExplorer

/// The interactive prompt: a person at a terminal, so failed commands are reported and the
/// session goes on; Ctrl-D or `quit` ends it with status 0, history saved.
struct Interactive {
    let explorer: Explorer
    let console: Console

    func run() -> Int32 {
        let explorer = self.explorer
        let editor = LineEditor(
            historyPath: LineEditor.historyPath(environment: explorer.environment.variables),
            colors: { explorer.colorsText },
            complete: { explorer.complete($0) }
        )
        explorer.historyProvider = { [weak editor] in editor?.historyEntries() ?? [] }
        explorer.isInterrupted = { Signals.interrupted }
        defer { editor.close() }

        banner()
        while true {
            switch editor.readLine() {
            case .line(let line):
                guard !line.allSatisfy(\.isWhitespace) else { continue }
                var entry = Substring(line)
                while entry.last?.isWhitespace == true { entry.removeLast() }
                editor.remember(String(entry))
                Signals.clearInterrupt()
                for outcome in explorer.evaluate(line) {
                    let rendered = explorer.render(outcome)
                    console.print(stdout: rendered.stdout, stderr: rendered.stderr)
                    if outcome.quits { return 0 }
                    if Signals.terminatingSignal != nil { break }
                }
                console.flush()
            case .invalid(let reason):
                console.print(stdout: "", stderr: explorer.errorLine(CommandError(reason), line: nil) + "\n")
            case .cancelled:
                console.print(stdout: "^C\n", stderr: "")
            case .end:
                console.print(stdout: "\n", stderr: "")
                return 0
            case .terminated(let signo):
                editor.close()
                return 128 + signo
            }
            if let signo = Signals.terminatingSignal {
                editor.close()
                return 128 + signo
            }
        }
    }

    private func banner() {
        var text = "porthole \(PortholeVersion.current) — the IANA port registry beside what listens here.\n"
        if let source = try? explorer.registry().registry.source {
            text += "Registry: \(source.summary)"
            if source.isStale(today: explorer.environment.today) { text += source.staleness }
            text += ".\n"
        }
        text += "Type 'help', Tab completes, Ctrl-D quits.\n"
        let warnings = explorer.takeWarnings().map { "porthole: warning: \($0)\n" }.joined()
        console.print(stdout: text, stderr: warnings)
        console.flush()
    }
}
