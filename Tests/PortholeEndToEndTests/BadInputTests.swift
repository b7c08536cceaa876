import Foundation
import PortholeTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Input porthole cannot use gets a clear answer at once: a `-f` that is no readable file,
/// lines at and past the 64 KiB limit, tokens too long to repeat, and a registry named on the
/// command line that cannot be loaded.
@Suite("Bad input: -f files, line limits, long tokens, a named registry that cannot be used")
struct BadInputTests {
    static let setpriv = findExecutable("setpriv", preferring: ["/usr/bin/setpriv"])
    static let asNobody = ["--reuid", "nobody", "--regid", "nogroup", "--clear-groups"]

    @Test("-f on a directory or a missing file names it, says why, and exits 2")
    func fileThatIsNotAFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let directory = try Porthole.run(["-f", folder.path])
        #expect(directory.status == 2, "\(directory)")
        #expect(directory.stderr == "porthole: cannot read '\(folder.path)': Is a directory\n")
        #expect(directory.stdout.isEmpty)
        let missing = try Porthole.run(["-f", folder.file("nothing.porthole")])
        #expect(missing.status == 2, "\(missing)")
        #expect(
            missing.stderr == "porthole: cannot read '\(folder.file("nothing.porthole"))': No such file or directory\n")
    }

    @Test("-f on a file this user may not read names it, says why, and exits 2")
    func unreadableFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        try folder.write("secret.porthole", Array("version\n".utf8))
        chmod(folder.path, 0o755)
        chmod(folder.file("secret.porthole"), 0)
        let run: TestRun
        if getuid() != 0 {
            run = try Porthole.run(["-f", folder.file("secret.porthole")])
        } else {
            guard let setpriv = Self.setpriv else { try Test.cancel("as root, needs setpriv to read as nobody") }
            run = try TestProcess.run(
                [setpriv] + Self.asNobody + [Porthole.executable.path, "-f", folder.file("secret.porthole")],
                environment: Porthole.environment(home: folder.url))
        }
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr == "porthole: cannot read '\(folder.file("secret.porthole"))': Permission denied\n")
    }

    /// A line of exactly `length` bytes before its newline, that runs `version` when accepted.
    static func line(_ length: Int) -> String { "version" + String(repeating: " ", count: length - 7) }

    @Test(
        "A line may hold 65,535 bytes before its newline; 65,536 and more is an error, wherever reads split it",
        arguments: [65_535, 65_536, 65_537, 131_072])
    func lineLimit(length: Int) throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        // The first line shifts the long one across the reader's 64 KiB reads.
        try folder.write("long.porthole", Array(("version\n" + Self.line(length) + "\nversion\n").utf8))
        for run in [
            try Porthole.run(["-f", folder.file("long.porthole")]),
            try Porthole.run([], stdin: Data(("version\n" + Self.line(length) + "\nversion\n").utf8)),
        ] {
            let versions = run.stdout.components(separatedBy: "porthole 0.").count - 1
            if length <= 65_535 {
                #expect(run.status == 0, "\(run)")
                #expect(run.stderr.isEmpty)
                #expect(versions == 3)
            } else {
                #expect(run.status == 1, "\(run)")
                #expect(
                    run.stderr
                        == "porthole: line 2: line too long (\(length) bytes; the limit is 65535, not counting the newline)\n"
                )
                #expect(versions == 2)
            }
        }
    }

    @Test("The last line, without a newline, has the same limit")
    func lastLineLimit() throws {
        let accepted = try Porthole.run([], stdin: Data(("version\n" + Self.line(65_535)).utf8))
        #expect(accepted.status == 0, "\(accepted)")
        #expect(accepted.stdout.components(separatedBy: "porthole 0.").count - 1 == 2)
        let refused = try Porthole.run([], stdin: Data(("version\n" + Self.line(65_536)).utf8))
        #expect(refused.status == 1, "\(refused)")
        #expect(
            refused.stderr
                == "porthole: line 2: line too long (65536 bytes; the limit is 65535, not counting the newline)\n")
    }

    @Test("An error repeats at most 80 characters of a long command, name, option, port or path")
    func longTokensAreClipped() throws {
        let long = String(repeating: "x", count: 10_000)
        let shown = String(repeating: "x", count: 80) + "…"
        let command = try Porthole.run([long])
        #expect(command.stderr == "porthole: unknown command '\(shown)' (type 'help' for the list)\n")
        let name = try Porthole.run(["lookup", long])
        #expect(name.stderr.hasPrefix("porthole: lookup: '\(shown)' is not a port"), "\(name)")
        let port = try Porthole.run(["who", String(repeating: "9", count: 10_000)])
        #expect(
            port.stderr
                == "porthole: who: port \(String(repeating: "9", count: 80))… is out of range; ports run from 0 to 65535\n"
        )
        let option = try Porthole.run(["--" + long])
        #expect(option.status == 2)
        #expect(option.stderr.hasPrefix("porthole: unknown option '--\(String(repeating: "x", count: 78))…'\n"))
        let file = try Porthole.run(["-f", "/" + long])
        #expect(file.status == 2)
        #expect(file.stderr == "porthole: cannot read '/\(String(repeating: "x", count: 79))…': File name too long\n")
        for run in [command, name, port, option, file] { #expect(run.stderr.count < 300, "\(run)") }
    }

    @Test(
        "A registry named by --registry or PORTHOLE_REGISTRY that cannot be used stops porthole at start-up, status 2",
        arguments: [["version"], ["help"], ["-c", "version"], []])
    func namedRegistryFailsAtStartUp(commands: [String]) throws {
        let message = "porthole: cannot use the registry: /etc/passwd: line 1: header has"
        let flag = try Porthole.run(["--registry", "/etc/passwd"] + commands, input: "version\n")
        #expect(flag.status == 2, "\(flag)")
        #expect(flag.stderr.hasPrefix(message), "\(flag)")
        #expect(flag.stdout.isEmpty)
        let variable = try Porthole.run(commands, input: "version\n", environment: ["PORTHOLE_REGISTRY": "/etc/passwd"])
        #expect(variable.status == 2, "\(variable)")
        #expect(variable.stderr.hasPrefix(message), "\(variable)")
        let missing = try Porthole.run(["--registry", "/nonexistent/r.xml"] + commands, input: "version\n")
        #expect(missing.status == 2, "\(missing)")
        #expect(missing.stderr == "porthole: cannot use the registry: /nonexistent/r.xml: no such file\n")
    }

    @Test("porthole's own answers (--version, --help, completion scripts) need no registry")
    func ownAnswersNeedNoRegistry() throws {
        for arguments in [["--version"], ["--help"], ["--generate-completion-script", "bash"]] {
            let run = try Porthole.run(["--registry", "/etc/passwd"] + arguments)
            #expect(run.status == 0, "\(arguments): \(run)")
        }
    }

    @Test("At the prompt, a named registry that cannot be used ends porthole before the banner")
    func namedRegistryAtThePrompt() throws {
        let session = try PTYSession(arguments: ["--registry", "/etc/passwd"])
        defer { session.close() }
        #expect(try session.waitForExit() == 2)
        #expect(session.text.contains("porthole: cannot use the registry: /etc/passwd"), "\(session.text)")
        #expect(!session.text.contains("porthole>"))
    }

    @Test("A HOME this user may not enter is said as such, not as a damaged updated registry")
    func unreachableUserCopy() throws {
        guard getuid() == 0, let setpriv = Self.setpriv else { try Test.cancel("needs root and setpriv") }
        let home = try TemporaryFolder()
        defer { home.cleanup() }
        chmod(home.path, 0o700)
        let run = try TestProcess.run(
            [setpriv] + Self.asNobody + [Porthole.executable.path, "version"],
            environment: Porthole.environment(home: home.url))
        #expect(run.status == 0, "\(run)")
        #expect(
            run.stderr == """
                porthole: warning: cannot read \(home.path)/data/porthole/registry.bin: Permission denied; \
                using the embedded snapshot

                """)
        #expect(run.stdout.contains("registry: embedded IANA registry"))
    }
}
