import PortExplorer
import PortSystem

/// porthole's entry: reads its own flags, then runs every way of using it (command words,
/// `-c`, `-f`, a pipe, the prompt) through the language's one loop.
@main
enum Porthole {
    static func main() {
        signal(SIGPIPE, SIG_IGN)
        var arguments = CommandLine.arguments
        if !arguments.isEmpty { arguments.removeFirst() }
        let options: LaunchOptions
        do {
            options = try LaunchOptions.parse(arguments)
        } catch {
            Platform.writeError("porthole: \(error)\nRun 'porthole --help' for usage.\n")
            Platform.exit(2)
        }
        Launch(options: options).runAndExit()
    }
}

/// One run of porthole: where its lines come from, the explorer over this host, and the
/// transcript they are written to.
struct Launch {
    let options: LaunchOptions

    /// Runs and ends the process with the session's status. The session's objects are left
    /// to the exit rather than torn down one by one: freeing the registry and nmap's table
    /// changes nothing.
    func runAndExit() -> Never {
        var kept: Explorer?
        let status = run(keeping: &kept)
        withExtendedLifetime(kept) { Platform.exit(status) }
    }

    private func run(keeping kept: inout Explorer?) -> Int32 {
        let variables = Platform.environment()
        let host = LiveHost(registryPath: options.registry, variables: variables)
        switch options.action {
        case .help:
            return printing(LaunchOptions.helpText(commands: Explorer.allCommands))
        case .version:
            return printing("porthole \(PortholeVersion.current)\n")
        case .completionScript(let shell):
            return printing(ShellCompletion.script(for: shell))
        case .manPage:
            return printing(ManPage.render(commands: Explorer.allCommands, flags: GlobalFlags.all))
        case .complete(let line):
            let explorer = Explorer(host: host, environment: ExplorerEnvironment(input: .oneShot))
            kept = explorer
            let candidates = ShellCompletion.candidates(for: line, explorer: explorer)
            return printing(candidates.map { $0 + "\n" }.joined())
        case .run:
            break
        }
        if let problem = explicitRegistryProblem(host: host) {
            Platform.writeError("porthole: \(problem)\n")
            return 2
        }

        // The prompt follows stdin, as python's and sqlite3's do: `porthole | tee log` keeps it,
        // with the prompt and editing on the terminal and the answers in the pipe.
        let stdoutIsTerminal = isTerminal(1)
        var terminal: CInt = 1
        let promptWanted =
            isTerminal(0) && variables["TERM"] != "dumb" && options.commands == nil && options.file == nil
        // `porthole lesson 1` from a shell: the lesson needs replies, so a prompt is kept until it ends.
        let activityFromShell = promptWanted && Explorer.beginsActivity(options.words)
        var interactive = promptWanted && (options.words.isEmpty || activityFromShell)
        if interactive && !stdoutIsTerminal {
            do throws(Errno) {
                terminal = try openControllingTerminal()
            } catch {
                // No terminal to show a prompt on: read stdin as a script.
                interactive = false
            }
        }
        let input: InputMode =
            interactive ? .interactive : (options.words.isEmpty && options.commands == nil ? .script : .oneShot)
        do throws(Errno) {
            try Signals.install(interruptRestartsCalls: interactive)
        } catch {
            Platform.writeError("porthole: warning: cannot handle signals: \(error)\n")
        }
        if !interactive {
            // Without a prompt there is no history to save: SIGHUP and SIGTERM end porthole at
            // once, as they would any filter; only Ctrl-C is caught, to end with status 130.
            signal(SIGHUP, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
        let environment = ExplorerEnvironment(
            input: input,
            stdoutIsTerminal: stdoutIsTerminal,
            colorForbidden: variables["NO_COLOR"].map { !$0.isEmpty } == true || variables["TERM"] == "dumb",
            asciiOnly: !TerminalLocale.isUTF8(variables) || variables["TERM"] == "dumb",
            terminalWidth: { stdoutIsTerminal ? terminalSize(1)?.columns : nil }
        )
        let explorer = Explorer(
            host: host, environment: environment,
            settings: Settings(format: options.format ?? .text, color: options.color, header: options.header))
        kept = explorer
        if !options.territories.isEmpty {
            let loaded = explorer.addTerritories(options.territories)
            if loaded.hosts == 0 {
                // Like a wrong --registry: nothing to answer from, so nothing runs (status 2).
                for problem in loaded.problems {
                    Platform.writeError("porthole: " + Visible.output(problem, colors: false) + "\n")
                }
                Platform.writeError("porthole: no territory could be read from --territory\n")
                return 2
            }
        }
        // Paging is for a person reading at the prompt: never into a pipe or from a script.
        let pager =
            interactive && stdoutIsTerminal ? Pager(environment: variables, wanted: { explorer.pagesText }) : nil
        let console = Console(immediate: interactive, pager: pager, terminal: terminal)
        let transcript = Transcript(explorer: explorer, output: console)
        let conversation = ConversationOptions(bail: options.bail)

        if !options.words.isEmpty, !interactive {
            var lines = GivenLines([.words(options.words)])
            return explorer.converse(&lines, transcript: transcript, options: conversation)
        }
        if let text = options.commands {
            var lines = GivenLines(text: text)
            return explorer.converse(&lines, transcript: transcript, options: conversation)
        }
        if let path = options.file {
            let fd: CInt
            do throws(Errno) {
                fd = try openFileForReading(path)
            } catch {
                Platform.writeError(
                    "porthole: " + CommandError.clippingTokens("cannot read '\(path)': \(error)") + "\n")
                return 2
            }
            defer { close(fd) }
            var lines = ScriptLines(fd: fd)
            return explorer.converse(&lines, transcript: transcript, options: conversation)
        }
        if !interactive {
            var lines = ScriptLines(fd: 0)
            return explorer.converse(&lines, transcript: transcript, options: conversation)
        }
        let editor = LineEditor(
            historyPath: LineEditor.historyPath(environment: variables), output: terminal,
            colors: { explorer.colorsText },
            complete: { explorer.complete($0) },
            label: { explorer.promptLabel }
        )
        host.editor = editor
        defer { editor.close() }
        if activityFromShell {
            var lines = ActivityLines(words: options.words, prompt: PromptLines(editor: editor), explorer: explorer)
            return explorer.converse(&lines, transcript: transcript, options: ConversationOptions(bail: options.bail))
        }
        var lines = PromptLines(editor: editor)
        let conversationAtPrompt = ConversationOptions(bail: options.bail, banner: explorer.banner())
        return explorer.converse(&lines, transcript: transcript, options: conversationAtPrompt)
    }

    /// Why the registry the user named (`--registry` or `PORTHOLE_REGISTRY`) cannot be used, or
    /// nil. It is loaded before anything runs, so a wrong file stops porthole at once (status 2,
    /// like any other wrong argument) instead of surfacing at the first command that needs it.
    private func explicitRegistryProblem(host: LiveHost) -> String? {
        guard host.namesRegistryFile else { return nil }
        do throws(CommandError) {
            try host.preloadRegistry()
            return nil
        } catch {
            return error.description
        }
    }

    /// Writes porthole's own answer (help, version, completions) and says whether it arrived.
    private func printing(_ text: String) -> Int32 {
        do throws(Errno) {
            try writeAll(text, to: 1)
            return 0
        } catch {
            if error.meansReaderGone { return 0 }
            Platform.writeError("porthole: write error: \(error)\n")
            return 1
        }
    }
}

/// Lines from a pipe or a `-f` file.
struct ScriptLines: LineSource {
    private var reader: LineReader

    init(fd: CInt) { reader = LineReader(fd: fd) }

    mutating func next() -> SourceLine {
        switch reader.next() {
        case .text(let text): return .text(text)
        case .invalid(let reason): return .invalid(reason)
        case nil: return Signals.interrupted ? .terminated(SIGINT) : .end
        }
    }
}

/// A lesson or quiz begun from the shell (`porthole lesson 1`): its command, then the replies
/// typed at the prompt while it goes; when it ends, so does porthole.
struct ActivityLines: LineSource {
    let words: [String]
    var prompt: PromptLines
    let explorer: Explorer
    private var begun = false

    init(words: [String], prompt: PromptLines, explorer: Explorer) {
        self.words = words
        self.prompt = prompt
        self.explorer = explorer
    }

    mutating func next() -> SourceLine {
        guard begun else {
            begun = true
            return .words(words)
        }
        return explorer.isInActivity ? prompt.next() : .end
    }
}

/// Lines typed at the prompt: each one is remembered in the history, and Ctrl-C is
/// forgotten before the line runs.
struct PromptLines: LineSource {
    let editor: LineEditor

    mutating func next() -> SourceLine {
        let input = editor.readLine()
        Signals.clearInterrupt()
        switch input {
        case .line(let line):
            // Enter on an empty line goes on in a lesson; elsewhere it is an empty line.
            guard !line.allSatisfy(\.isWhitespace) else { return .text("") }
            var entry = Substring(line)
            while entry.last?.isWhitespace == true { entry.removeLast() }
            editor.remember(String(entry))
            return .text(line)
        case .invalid(let reason): return .invalid(reason)
        case .cancelled: return .cancelled
        case .end: return .end
        case .terminated(let signal): return .terminated(signal)
        }
    }
}
