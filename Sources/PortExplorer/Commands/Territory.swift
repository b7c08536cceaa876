import PortListeners

extension CommandSpec {
    static let territory = CommandSpec(
        name: "territory",
        synopsis: "add PATH... | list | clear",
        summary: "Answer from other hosts' listeners, read from files",
        help: """
            Adds territories read from files or folders (a folder is read recursively): each host \
            in them becomes a labelled territory: 'who' then answers from them instead of this \
            host's live sockets, with a HOST column; 'who --hosts' sums up per port (the registered \
            service, on how many hosts, which programs, which verdicts); 'explain PORT' adds what \
            listens there on each host; 'ghosts --listening' names the hosts each ghost's port is \
            open on; 'diff BASELINE' compares each host with its namesake in BASELINE, a file or \
            folder of territories. 'territory clear' forgets them, and commands answer from \
            this host again. The same as porthole's --territory PATH option.

            The format is told from the content, not the name: porthole's own snapshot \
            documents; 'ss -Htlunp' (or -Htlunpe) text, the host named by the file (web1.ss, \
            web1.txt) or, for a generic name such as ss.txt, by its folder (web1/ss.txt, as \
            Ansible's fetch lays files out); osqueryi --json output of listening_ports joined \
            with processes, named by its file; fleetctl query --json lines; and osqueryd's \
            results log (added, removed and snapshot lines applied in order). A file porthole \
            cannot read is named with the reason, and the others are still read. Two files with \
            one host: the newer wins (the time the file says it was taken, else its modification \
            time), and a note says which.

              territory add lab/
              territory add web1.ss web2.ss osquery-results.log
              territory list
              territory clear
            """,
        completion: { previous in previous.isEmpty ? [.words(["add", "list", "clear"])] : [] },
        run: { invocation, context throws(CommandError) in
            let args = invocation.arguments
            let territories = context.maps.territories
            switch args.first?.lowercased() {
            case nil, "list":
                guard args.count <= 1 else { throw CommandError("territory", "'territory list' takes no arguments") }
                return TerritoryListResult(hosts: territories.hosts)
            case "clear":
                guard args.count == 1 else { throw CommandError("territory", "'territory clear' takes no arguments") }
                let count = territories.hosts.count
                territories.clear()
                return TerritoryClearResult(cleared: count)
            case "add":
                guard args.count > 1 else {
                    throw CommandError("territory", "'territory add' needs a file or folder (territory add PATH...)")
                }
                let report = TerritoryLoading.add(Array(args.dropFirst()), context.maps)
                guard !report.added.isEmpty || !report.notes.isEmpty else {
                    throw CommandError(
                        "territory", problem: "no host could be read: " + report.problems.joined(separator: "; "),
                        kind: .unavailable)
                }
                return TerritoryAddResult(report: report, total: territories.hosts.count)
            default:
                throw .unknown(
                    "territory", "unknown subcommand '\(args[0])'", word: args[0], candidates: ["add", "list", "clear"])
            }
        }
    )
}

/// Reading territories, shared by `territory add` and porthole's `--territory`: the host finds
/// and reads the files; the language parses them. Files that could not be read become warnings.
enum TerritoryLoading {
    static func add(_ paths: [String], _ maps: LoadedMaps) -> Territories.Report {
        var files: [TerritoryFile] = []
        var unreadable: [String] = []
        for path in paths {
            do throws(CommandError) {
                files += try maps.host.readTerritory(path, limit: TerritoryReader.maximumBytes)
            } catch {
                unreadable.append(error.problem)
            }
        }
        var report = maps.territories.add(files)
        report.problems = unreadable + report.problems
        maps.pendingWarnings += report.problems + report.notes
        return report
    }
}

struct TerritoryAddResult: CommandResult {
    let report: Territories.Report
    let total: Int

    func text(_ context: TextContext) -> String {
        let n = report.added.count
        var text = "Added \(n) host\(n == 1 ? "" : "s"); \(total) in all. "
        text +=
            "'who', 'who --hosts', 'ghosts --listening' and 'diff BASELINE' now answer from them, and 'explain PORT' adds them ('territory clear' forgets them)."
        return TerritoryListResult(hosts: report.added).text(context) + "\n\n" + Wrap.text(text, width: context.width)
    }

    var json: [String: JSON] {
        [
            "added": .array(report.added.map(TerritoryListResult.json)), "hosts": .int(total),
            "problems": .strings(report.problems), "notes": .strings(report.notes),
        ]
    }

    var table: ResultTable? { TerritoryListResult(hosts: report.added).table }
}

struct TerritoryListResult: CommandResult {
    let hosts: [TerritoryHost]

    func text(_ context: TextContext) -> String {
        guard !hosts.isEmpty else {
            return "No territories are loaded: commands answer from this host's live sockets."
        }
        var table = Table(header: ["HOST", "FORMAT", "LISTENERS", "TAKEN", "FILE"])
        table.rightAligned = [2]
        table.flexible = [4, 0]
        for host in hosts {
            table.add([
                Visible.text(host.name), host.format.rawValue, String(host.listeners.count),
                Timestamp.iso8601(host.takenAt), Visible.text(host.path),
            ])
        }
        return table.render(context)
    }

    static func json(_ host: TerritoryHost) -> JSON {
        .fields([
            ("host", .string(host.name)), ("format", .string(host.format.rawValue)),
            ("listeners", .int(host.listeners.count)), ("takenAt", .string(Timestamp.iso8601(host.takenAt))),
            ("path", .string(host.path)),
        ])
    }

    var json: [String: JSON] { ["territories": .array(hosts.map(Self.json))] }

    var table: ResultTable? {
        var table = ResultTable(columns: ["host", "format", "listeners", "takenAt", "path"])
        for h in hosts {
            table.rows.append([
                h.name, h.format.rawValue, String(h.listeners.count), Timestamp.iso8601(h.takenAt), h.path,
            ])
        }
        return table
    }
}

struct TerritoryClearResult: CommandResult {
    let cleared: Int

    func text(_ context: TextContext) -> String {
        "Forgot \(cleared) host\(cleared == 1 ? "" : "s"); commands answer from this host's live sockets again."
    }

    var json: [String: JSON] { ["cleared": .int(cleared)] }
}
