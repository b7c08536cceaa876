import PortExplorer

/// porthole(1), written from the same declarations as `porthole --help` and `help COMMAND`
/// (`porthole --generate-man-page`; `make install` puts it in man1), so the manual cannot
/// drift from the program.
enum ManPage {
    /// The whole page in roff with man(7) macros.
    static func render(commands: [CommandSpec], flags: [GlobalFlag], date: String = "") -> String {
        var page: [String] = []
        func text(_ prose: String) { page.append(escape(prose)) }
        func paragraph(_ prose: String) {
            page.append(".PP")
            text(prose)
        }

        page.append(".TH PORTHOLE 1 \(quoted(date)) \(quoted("porthole \(PortholeVersion.current)")) \"User Commands\"")
        page.append(".SH NAME")
        text("porthole - explore TCP/UDP ports: the IANA registry beside what listens here")
        page.append(".SH SYNOPSIS")
        page.append(".B porthole")
        text("[OPTIONS] [COMMAND [ARGUMENTS...]]")
        page.append(".SH DESCRIPTION")
        text("porthole: " + LaunchOptions.about)
        paragraph(LaunchOptions.modes)

        page.append(".SH OPTIONS")
        for flag in flags {
            page.append(".TP")
            let names = ([flag.short].compactMap { $0 } + [flag.name]).map { "\\fB\(escape($0, hyphens: true))\\fR" }
            page.append(names.joined(separator: ", ") + (flag.value.map { " \\fI\(escape($0))\\fR" } ?? ""))
            text(flag.help + ".")
        }

        page.append(".SH COMMANDS")
        text("At the prompt, in a script, after -c or as porthole's own arguments:")
        for spec in commands {
            page.append(".SS \(quoted(escape(spec.usage, hyphens: true)))")
            text(spec.summary + ".")
            page += helpParagraphs(spec.help)
            if !spec.aliases.isEmpty { paragraph("Also: " + spec.aliases.joined(separator: ", ") + ".") }
            paragraph("Options:")
            for option in spec.options + CommonOptions.all {
                page.append(".TP")
                page.append(
                    "\\fB\(escape(option.name, hyphens: true))\\fR"
                        + (option.value.map { " \\fI\(escape($0))\\fR" } ?? ""))
                text(option.help + ".")
            }
        }

        page.append(".SH EXIT STATUS")
        for (status, meaning) in [
            ("0", "Every command succeeded (and diff found nothing changed)."),
            (
                "1",
                "A command failed, diff found differences, or output could not be written (a reader that went "
                    + "away is no failure)."
            ),
            (
                "2",
                "porthole's own arguments were wrong, the -f file could not be read, the registry named by "
                    + "--registry or PORTHOLE_REGISTRY could not be used, or diff could not compare. With several "
                    + "commands, porthole ends with the highest status any of them gave."
            ),
            ("130", "Ctrl-C ended a script, a pipe or a one-shot run (128 plus the signal's number for others)."),
        ] {
            page.append(".TP")
            page.append(".B \(status)")
            text(meaning)
        }

        page.append(".SH ENVIRONMENT")
        for (name, meaning) in [
            ("PORTHOLE_REGISTRY", "An IANA XML or CSV registry file to answer from; --registry outranks it."),
            (
                "XDG_DATA_HOME",
                "Where update keeps the current registry and snapshot --save its baselines (default ~/.local/share)."
            ),
            ("XDG_STATE_HOME", "Where the prompt keeps its history (default ~/.local/state)."),
            ("HOME", "The base of both defaults."),
            ("NO_COLOR", "When set and not empty, text is never coloured with --color auto."),
            ("TERM", "dumb turns off the prompt, line editing and colour."),
        ] {
            page.append(".TP")
            page.append(".B \(name)")
            text(meaning)
        }

        page.append(".SH FILES")
        for (path, meaning) in [
            ("$XDG_DATA_HOME/porthole/registry.bin", "The registry written by update, in porthole's fast form."),
            ("$XDG_STATE_HOME/porthole/history", "The prompt's history (mode 0600)."),
            (
                "$XDG_CACHE_HOME/porthole/nmap-calibration",
                "nmap's per-transport cut-offs, kept while nmap-services is the same file; safe to delete."
            ),
            ("/etc/services", "This system's services(5), compared with the registry."),
            ("/usr/share/nmap/nmap-services", "nmap's open frequencies, when nmap is installed."),
            ("~/.editrc", "libedit's settings for the prompt."),
        ] {
            page.append(".TP")
            page.append(".I \(escape(path))")
            text(meaning)
        }

        page.append(".SH EXAMPLES")
        page.append(".nf")
        page.append(".RS 4")
        for example in [
            "porthole lookup 2991", "porthole -c 'lookup 22; who 22'", "porthole --json -c 'lookup 2991' | jq .",
            "echo 'explain ranges' | porthole", "porthole -f lesson.porthole",
            "porthole --generate-completion-script bash > ~/.local/share/bash-completion/completions/porthole",
        ] {
            page.append(escape(example, hyphens: true))
        }
        page.append(".RE")
        page.append(".fi")
        page.append(".SH SEE ALSO")
        page.append(".BR services (5),")
        page.append(".BR ss (8),")
        page.append(".BR lsof (8),")
        page.append(".BR nmap (1)")
        return page.joined(separator: "\n") + "\n"
    }

    /// `help` text as roff: paragraphs split at blank lines; lines indented by two spaces are
    /// examples, kept as typed.
    private static func helpParagraphs(_ help: String) -> [String] {
        var lines: [String] = []
        for block in help.split(separator: "\n\n", omittingEmptySubsequences: true) {
            let blockLines = block.split(separator: "\n")
            if blockLines.allSatisfy({ $0.hasPrefix("  ") }) {
                lines += [".PP", ".RS 4", ".nf"]
                lines += blockLines.map { escape(String($0.dropFirst(2)), hyphens: true) }
                lines += [".fi", ".RE"]
            } else {
                lines += [".PP", escape(blockLines.joined(separator: " "))]
            }
        }
        return lines
    }

    /// `text` safe as roff input: a backslash is `\e`, anything beyond ASCII is `\[uXXXX]`, a
    /// line that would start with `.` or `'` (a request) starts with `\&`, and a hyphen is
    /// `\-` (a minus that stays one, as options need) when `hyphens` is set or it begins a
    /// word (`--limit`, `-f` in prose).
    static func escape(_ text: String, hyphens: Bool = false) -> String {
        var out = ""
        var previous: Unicode.Scalar?
        var inOption = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\e"
            case "\n": out += "\n"
            case "-":
                let startsWord = previous.map { !($0.properties.isAlphabetic || ("0"..."9").contains($0)) } ?? true
                inOption = inOption || startsWord
                out += hyphens || inOption ? "\\-" : "-"
            case _ where !scalar.isASCII:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\[u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "]"
            default: out.unicodeScalars.append(scalar)
            }
            if scalar != "-", !(scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) { inOption = false }
            previous = scalar
        }
        return out.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix(".") || line.hasPrefix("'") ? "\\&" + line : String(line)
        }.joined(separator: "\n")
    }

    /// A macro argument in double quotes; a quote inside becomes `\(dq`.
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingAll("\"", with: "\\(dq") + "\""
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}
