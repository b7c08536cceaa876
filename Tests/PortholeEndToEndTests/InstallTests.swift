import Foundation
import PortExplorer
import PortholeTestSupport
import Testing

@testable import porthole

/// porthole(1) comes from the same declarations as `--help` and `help`, renders cleanly, and
/// `make install` puts the binary, the page and the completion scripts where a system looks.
@Suite("Install: the manual page and make install")
struct InstallTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let macros: Set<String> = [".TH", ".SH", ".SS", ".TP", ".PP", ".RS", ".RE", ".nf", ".fi", ".B", ".I", ".BR"]

    static func manPage() throws -> String {
        let run = try Porthole.run(["--generate-man-page"])
        #expect(run.status == 0, "\(run)")
        return run.stdout
    }

    @Test("The manual page has every section, command, option and flag, from their declarations")
    func manPageIsInStep() throws {
        let page = try Self.manPage()
        #expect(page == ManPage.render(commands: Explorer.allCommands, flags: GlobalFlags.all))
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS", "EXIT STATUS", "ENVIRONMENT"]
            + ["FILES", "EXAMPLES", "SEE ALSO"]
        {
            #expect(page.contains("\n.SH \(section)\n"), "no \(section)")
        }
        for flag in GlobalFlags.all {
            #expect(page.contains("\\fB\(ManPage.escape(flag.name, hyphens: true))\\fR"), "no \(flag.name)")
            #expect(page.contains(ManPage.escape(flag.help)), "no help for \(flag.name)")
        }
        for spec in Explorer.allCommands {
            #expect(page.contains("\n.SS \"\(ManPage.escape(spec.usage, hyphens: true))\"\n"), "no \(spec.name)")
            #expect(page.contains(ManPage.escape(spec.summary)), "no summary for \(spec.name)")
            let firstParagraph = spec.help.components(separatedBy: "\n\n")[0].replacingOccurrences(of: "\n", with: " ")
            #expect(page.contains(ManPage.escape(firstParagraph)), "no help for \(spec.name)")
            for option in spec.options {
                #expect(page.contains("\\fB\(ManPage.escape(option.name, hyphens: true))\\fR"), "no \(option.name)")
            }
        }
        // Plain ASCII roff: every request is a known macro, nothing else starts with . or '.
        #expect(page.utf8.allSatisfy { $0 < 0x80 })
        for line in page.split(separator: "\n") where line.hasPrefix(".") || line.hasPrefix("'") {
            #expect(Self.macros.contains(String(line.split(separator: " ")[0])), "\(line)")
        }
    }

    @Test("Roff's specials are escaped")
    func escaping() {
        #expect(ManPage.escape(".hidden request") == "\\&.hidden request")
        #expect(ManPage.escape("'quoted") == "\\&'quoted")
        #expect(ManPage.escape("a\\b") == "a\\eb")
        #expect(
            ManPage.escape("lookup --limit 5 -f x wkstn-mon 8000-8100")
                == "lookup \\-\\-limit 5 \\-f x wkstn-mon 8000-8100")
        #expect(ManPage.escape("--all-netns", hyphens: true) == "\\-\\-all\\-netns")
        #expect(ManPage.escape("LOW-HIGH", hyphens: true) == "LOW\\-HIGH")
        #expect(ManPage.escape("a — b") == "a \\[u2014] b")
    }

    @Test("The manual page renders without a warning (groff -ww, man -l --warnings)")
    func manPageRenders() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        try folder.write("porthole.1", Array(try Self.manPage().utf8))
        guard let groff = findExecutable("groff"), let man = findExecutable("man") else {
            try Test.cancel("needs groff and man (apt-get install man-db groff-base)")
        }
        let strict = try TestProcess.run([groff, "-man", "-Tutf8", "-ww", "-z", folder.file("porthole.1")])
        #expect(strict.status == 0 && strict.stderr.isEmpty, "\(strict)")
        let rendered = try TestProcess.run(
            [man, "-l", "--warnings", folder.file("porthole.1")],
            environment: ["MANWIDTH": "80", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
        #expect(rendered.status == 0 && rendered.stderr.isEmpty, "\(rendered)")
        #expect(rendered.stdout.contains("PORTHOLE(1)"))
        #expect(rendered.stdout.contains("lookup QUERY... [--search WORD] [--limit N]"))
    }

    @Test("make install DESTDIR PREFIX puts each file in place, and make uninstall removes exactly those")
    func makeInstall() throws {
        guard let make = findExecutable("make") else { try Test.cancel("needs make") }
        let root = try TemporaryFolder()
        defer { root.cleanup() }
        try FileManager.default.createDirectory(
            atPath: root.file("usr/share/man/man1"), withIntermediateDirectories: true)
        try root.write("usr/share/man/man1/other.1", Array("kept\n".utf8))
        let arguments = [
            make, "-s", "-C", Self.repository.path, "BIN=\(Porthole.executable.path)", "DESTDIR=\(root.path)",
            "PREFIX=/usr",
        ]
        let install = try TestProcess.run(arguments + ["install"], environment: ProcessInfo.processInfo.environment)
        #expect(install.status == 0, "\(install)")

        func own(_ arguments: [String]) throws -> String { try Porthole.run(arguments).stdout }
        let expected: [(String, String?, Int)] = [
            ("usr/bin/porthole", nil, 0o755),
            ("usr/share/man/man1/porthole.1", try own(["--generate-man-page"]), 0o644),
            (
                "usr/share/bash-completion/completions/porthole", try own(["--generate-completion-script", "bash"]),
                0o644
            ),
            ("usr/share/zsh/site-functions/_porthole", try own(["--generate-completion-script", "zsh"]), 0o644),
            (
                "usr/share/fish/vendor_completions.d/porthole.fish", try own(["--generate-completion-script", "fish"]),
                0o644
            ),
        ]
        for (path, text, mode) in expected {
            let attributes = try FileManager.default.attributesOfItem(atPath: root.file(path))
            #expect((attributes[.posixPermissions] as? Int) == mode, "\(path)")
            if let text {
                #expect(root.read(path) == Array(text.utf8), "\(path)")
            } else {
                #expect(
                    root.read(path) == FileManager.default.contents(atPath: Porthole.executable.path).map(Array.init))
            }
        }
        #expect(
            try own(["--generate-completion-script", "bash"]).contains("complete -o default -F _porthole porthole"))

        // The README's first commands, with porthole found on PATH (and a HOME of their own:
        // porthole may keep files there, which are not part of the installation).
        let user = try TemporaryFolder()
        defer { user.cleanup() }
        let onPath = try TestProcess.run(
            ["/bin/sh", "-c", "porthole version && porthole lookup 2991"],
            environment: Porthole.environment(home: user.url, extra: ["PATH": root.file("usr/bin") + ":/usr/bin:/bin"]))
        #expect(onPath.status == 0, "\(onPath)")
        #expect(onPath.stdout.hasPrefix("porthole 0."))
        #expect(onPath.stdout.contains("wkstn-mon"))

        let uninstall = try TestProcess.run(arguments + ["uninstall"], environment: ProcessInfo.processInfo.environment)
        #expect(uninstall.status == 0, "\(uninstall)")
        let left = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }.filter {
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: root.file($0), isDirectory: &isFolder) && !isFolder.boolValue
        }
        #expect(left == ["usr/share/man/man1/other.1"])
    }
}
