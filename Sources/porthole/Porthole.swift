import ArgumentParser
import PortExplorer
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct Porthole: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "porthole",
        abstract: "Explore TCP/UDP ports: the IANA registry (the map) beside what listens here (the territory).",
        discussion: """
            With no command, porthole starts an interactive prompt when stdin and stdout are \
            terminals, and otherwise reads one command per line from stdin. Type 'help' at the \
            prompt, or run 'porthole help', for the commands.
            """,
        version: PortholeVersion.current
    )

    @Option(name: .customShort("c"), help: ArgumentHelp("Run these commands (separated by ';' or newlines) and exit.", valueName: "commands"))
    var commands: String?

    @Option(name: .customShort("f"), help: ArgumentHelp("Run the commands in this file, one per line, and exit.", valueName: "file"))
    var file: String?

    @Flag(help: "Print one JSON object per command (JSON Lines).")
    var json = false

    @Option(help: ArgumentHelp("Colour text output: auto, always or never.", valueName: "when"))
    var color: ColorMode = .auto

    @Flag(help: "Stop at the first command that fails.")
    var bail = false

    @Option(help: ArgumentHelp("Answer from this registry file (IANA XML or CSV) instead of the installed one.", valueName: "path"))
    var registry: String?

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("A command and its arguments, run once.", valueName: "command"))
    var words: [String] = []

    func validate() throws {
        let sources = [commands != nil, file != nil, !words.isEmpty].filter { $0 }.count
        // Options are captured with the command words when they come first; these are ours.
        switch words.first {
        case "--help", "-h": throw CleanExit.helpRequest(self)
        case "--version": throw CleanExit.message(PortholeVersion.current)
        default: break
        }
        if let first = words.first, first.hasPrefix("-"), first != "-" {
            throw ValidationError("unknown option '\(first)'")
        }
        if sources > 1 {
            throw ValidationError("give commands one way: -c, -f or command words, not several")
        }
    }

    var options: Options {
        Options(commands: commands, file: file, json: json, color: color, bail: bail, registry: registry, words: words)
    }

    static func main() {
        signal(SIGPIPE, SIG_IGN)
        // removeFirst, not Array(dropFirst()): copying a slice goes through a generic path
        // that looks its storage type up by name, a measurable share of a one-shot run.
        var arguments = CommandLine.arguments
        if !arguments.isEmpty { arguments.removeFirst() }
        Session(options: QuickFlags.parse(arguments) ?? parseOrExit(arguments)).runAndExit()
    }

    /// The full parser: help, version, usage errors, and every form `QuickFlags` declines.
    static func options(parsing arguments: [String]) throws -> Options {
        try parse(arguments).options
    }

    private static func parseOrExit(_ arguments: [String]) -> Options {
        do {
            return try options(parsing: arguments)
        } catch {
            // --help and --version arrive as errors that mean success.
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Platform.exit(0)
            }
            Platform.writeError("porthole: \(message(for: error))\nUsage: \(usageString())\nRun 'porthole --help' for usage.\n")
            Platform.exit(2)
        }
    }

    mutating func run() throws {}
}

extension ColorMode: ExpressibleByArgument {}
