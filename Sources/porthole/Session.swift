import PortExplorer
import PortRegistry
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Chooses how porthole talks (prompt, pipe, one-shot), feeds lines to the language, and
/// turns outcomes into output and an exit status.
struct Session {
    let options: Options

    /// Where the commands come from.
    enum Source {
        case words([String])
        case text(String)
        case file(String)
        case standardInput
        case terminal
    }

    func source(variables: [String: String]) -> Source {
        if !options.words.isEmpty { return .words(options.words) }
        if let commands = options.commands { return .text(commands) }
        if let file = options.file { return .file(file) }
        if Platform.isTerminal(0), Platform.isTerminal(1), variables["TERM"] != "dumb" { return .terminal }
        return .standardInput
    }

    /// Runs the session and ends the process with its status. The session's objects are
    /// left to the exit rather than torn down one by one: unmapping and freeing the registry
    /// and nmap's table cost a one-shot lookup measurable time and change nothing.
    func runAndExit() -> Never {
        var explorer: Explorer?
        let status = run(keeping: &explorer)
        withExtendedLifetime(explorer) { Platform.exit(status) }
    }

    private func run(keeping kept: inout Explorer?) -> Int32 {
        let variables = Platform.environment()
        let source = self.source(variables: variables)
        let input: InputMode
        switch source {
        case .words, .text: input = .oneShot
        case .file, .standardInput: input = .script
        case .terminal: input = .interactive
        }
        let stdoutIsTerminal = Platform.isTerminal(1)
        let environment = ExplorerEnvironment(
            input: input,
            stdoutIsTerminal: stdoutIsTerminal,
            colorForbidden: variables["NO_COLOR"].map { !$0.isEmpty } == true || variables["TERM"] == "dumb",
            terminalWidth: { stdoutIsTerminal ? Platform.terminalWidth() : nil },
            today: Platform.today(),
            variables: variables
        )
        let registryPath = options.registry
        let explorer = Explorer(
            environment: environment,
            format: options.json ? .json : .text,
            color: options.color,
            registry: { () throws(CommandError) in try ActiveRegistry.load(flagPath: registryPath, environment: variables) },
            otherMaps: ActiveRegistry.otherMaps
        )
        kept = explorer
        let console = Console(interactive: input == .interactive)
        defer { console.flush() }

        switch source {
        case .words(let words):
            let outcome = explorer.run(words)
            emit(outcome, explorer: explorer, console: console, line: nil)
            return outcome.succeeded ? 0 : 1
        case .text(let text):
            return runScript(lines: text.split(separator: "\n", omittingEmptySubsequences: false).map { .text(String($0)) }, explorer: explorer, console: console)
        case .file(let path):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                Platform.writeError("porthole: cannot read '\(path)': \(String(cString: strerror(errno)))\n")
                return 2
            }
            defer { close(fd) }
            var reader = LineReader(fd: fd)
            return runScript(lines: AnyIterator { reader.next() }, explorer: explorer, console: console)
        case .standardInput:
            var reader = LineReader(fd: 0)
            return runScript(lines: AnyIterator { reader.next() }, explorer: explorer, console: console)
        case .terminal:
            return Interactive(explorer: explorer, console: console).run()
        }
    }

    /// Runs lines one by one: errors are reported and counted, and with `--bail` the first
    /// one stops the run.
    private func runScript(lines: some Sequence<LineReader.Line>, explorer: Explorer, console: Console) -> Int32 {
        var status: Int32 = 0
        var number = 0
        for line in lines {
            number += 1
            let outcomes: [Outcome]
            switch line {
            case .text(let text):
                outcomes = explorer.evaluate(text)
            case .invalid(let reason):
                outcomes = [Outcome(command: "", result: .failure(CommandError(reason)))]
            }
            for outcome in outcomes {
                emit(outcome, explorer: explorer, console: console, line: number)
                if !outcome.succeeded {
                    status = 1
                    if options.bail { return status }
                }
                if outcome.quits { return status }
            }
        }
        return status
    }

    private func emit(_ outcome: Outcome, explorer: Explorer, console: Console, line: Int?) {
        var rendered = explorer.render(outcome, line: explorer.environment.input == .script ? line : nil)
        // Text blocks from consecutive commands are separated by a blank line; JSON Lines never.
        if explorer.format == .text, !rendered.stdout.isEmpty {
            if console.wroteOutput { rendered.stdout = "\n" + rendered.stdout }
            console.wroteOutput = true
        }
        console.print(stdout: rendered.stdout, stderr: rendered.stderr)
    }
}
