import PortRegistry

extension CommandSpec {
    static let lookup = CommandSpec(
        name: "lookup",
        synopsis: "QUERY... [--search WORD] [--limit N]",
        summary: "What the registry (the map) says about a port, range, name or keyword",
        help: """
            Each QUERY is a port (2991), a port on one transport (2991/udp), a range (8000-8100), \
            a service name, matched case-insensitively and also through this system's services(5) \
            aliases (wkstn-mon, WWW), or a keyword over names and descriptions (~monitor). Several \
            queries may follow one another.

            For a port it shows its range class and every record on it, merged across transports \
            when the facts agree: description, assignee and contact by name, dates, references, \
            notes; what this system's /etc/services says about the same port and transport \
            (agrees, differs or absent); and nmap's open frequency when nmap is installed. Ranges \
            and keywords give a table, at most --limit rows (100 unless given; 0 means all).

              lookup 2991
              lookup 22 80/tcp wkstn-mon
              lookup 8000-8100
              lookup ~monitor
            """,
        options: [
            OptionSpec("--search", value: "WORD", help: "Search names and descriptions for WORD (same as ~WORD)"),
            OptionSpec("--limit", value: "N", help: "Show at most N rows for ranges and keywords (0: all)"),
        ],
        completion: { _ in [.serviceNames] },
        run: { invocation, context throws(CommandError) in try Lookup.run(invocation, context) }
    )
}

enum Lookup {
    static func run(_ invocation: Invocation, _ context: CommandContext) throws(CommandError) -> LookupResult {
        var queries: [(String, PortQuery)] = []
        for argument in invocation.arguments {
            queries.append((argument, try PortQuery.parse(argument, command: "lookup")))
        }
        if let word = invocation.options["--search"] {
            guard !word.isEmpty else { throw CommandError("lookup", "--search needs a non-empty word") }
            queries.append(("~" + word, .keyword(word)))
        }
        guard !queries.isEmpty else {
            throw CommandError("lookup", "expected a port, range, service name or ~keyword, e.g. 'lookup 2991'")
        }
        let limit = try invocation.integer("--limit", in: 0...1_000_000) ?? 100
        let loaded = try context.loadedRegistry()
        let registry = loaded.registry
        let maps = context.otherMaps()
        var answers: [LookupAnswer] = []
        for (text, query) in queries {
            answers.append(try answer(text, query, registry: registry, maps: maps, limit: limit))
        }
        return LookupResult(
            registry: registry, source: loaded.sourceJSON, answers: answers,
            stale: registry.source.isStale(today: context.today)
        )
    }

    static func answer(_ text: String, _ query: PortQuery, registry: Registry, maps: OtherMaps, limit: Int)
        throws(CommandError) -> LookupAnswer
    {
        switch query {
        case .port(let port, let transport):
            let records = registry.records(onPort: port).filter { transport == nil || $0.transport == transport }
            return LookupAnswer(
                query: text, kind: "port",
                details: [PortDetail(port: port, transport: transport, records: records, maps: maps)])
        case .name(let name):
            var records = registry.records(named: name)
            var via: String?
            if records.isEmpty {
                // services(5) aliases: `www` is an alias of `http` there.
                let aliases = maps.servicesEntries(named: name)
                for official in Set(aliases.map(\.official)) {
                    records += registry.records(named: official)
                }
                if let first = aliases.first {
                    via = "\(name) is an alias of \(first.official) in \(maps.servicesPath)"
                }
            }
            guard !records.isEmpty else {
                throw .unknown(
                    "lookup", "no service named '\(name)' in the registry", word: name,
                    candidates: registry.serviceNames(),
                    maxDistance: 2, otherwise: "try 'lookup ~\(name)' to search descriptions"
                )
            }
            let ports = Set(records.compactMap { $0.ports?.lower }).sorted()
            var details = ports.map { port in
                PortDetail(port: port, transport: nil, records: records.filter { $0.ports?.lower == port }, maps: maps)
            }
            let portless = records.filter { $0.ports == nil }
            if !portless.isEmpty {
                details.append(PortDetail(port: nil, transport: nil, records: portless, maps: maps))
            }
            return LookupAnswer(query: text, kind: "name", details: details, note: via)
        case .range(let range, let transport):
            let rows = RecordRows(registry, registry.recordIndices(in: range, transport: transport))
            return LookupAnswer(query: text, kind: "range", rows: rows, limit: limit)
        case .keyword(let word):
            return LookupAnswer(
                query: text, kind: "keyword", rows: RecordRows(registry, registry.searchIndices(word)), limit: limit)
        }
    }
}

/// Everything `lookup` shows about one port.
struct PortDetail: Sendable {
    /// nil for names registered without a port.
    let port: UInt16?
    let transport: Transport?
    let records: [ServiceRecord]
    let services: [ServicesComparison]
    /// nil when nmap-services is not installed.
    let nmap: [(Transport, NmapEntry)]?
    /// The ghost rules on each registration here, from the map and this host's other maps;
    /// `lookup` reads only maps, so the territory is left to `who` and `explain`.
    let assessments: [GhostAssessment]

    init(port: UInt16?, transport: Transport?, records: [ServiceRecord], maps: OtherMaps) {
        self.port = port
        self.transport = transport
        self.records = records
        let facts = HostFacts(maps: maps, listeners: .notLooked, settings: HostFacts.none.settings)
        assessments = Registration.group(records).map { GhostRules.assess($0, facts: facts.ghostFacts(for: $0)) }
        guard let port else {
            services = []
            nmap = nil
            return
        }
        var transports = transport.map { [$0] } ?? Array(Set(records.compactMap(\.transport))).sorted()
        if transports.isEmpty { transports = [.tcp, .udp] }
        services = transports.map { t in
            let registered = Set(records.filter { $0.transport == t }.compactMap { $0.name?.lowercased() })
            return ServicesComparison(
                transport: t, listed: maps.services[ServiceKey(port: port, transport: t)] ?? [], registered: registered)
        }
        nmap = maps.nmap.map { table in
            transports.compactMap { t in table[ServiceKey(port: port, transport: t)].map { (t, $0) } }
        }
    }
}

/// What services(5) says about a port and transport, against the registry.
struct ServicesComparison: Sendable {
    enum Status: String, Sendable { case agrees, differs, absent }
    let transport: Transport
    /// Official name first, then aliases.
    let listed: [String]
    let status: Status

    init(transport: Transport, listed: [String], registered: Set<String>) {
        self.transport = transport
        self.listed = listed
        if listed.isEmpty {
            status = .absent
        } else if listed.contains(where: { registered.contains($0.lowercased()) }) {
            status = .agrees
        } else {
            status = .differs
        }
    }
}

/// A range's or keyword's records, kept as indices: a broad answer shows a page of them, so
/// only the records shown are decoded.
struct RecordRows: Sendable {
    let registry: Registry?
    let indices: [Int]

    init(_ registry: Registry?, _ indices: [Int]) {
        self.registry = registry
        self.indices = indices
    }

    static let none = RecordRows(nil, [])

    var count: Int { indices.count }

    /// The first `limit` records (all when nil), decoded.
    func records(limit: Int? = nil) -> [ServiceRecord] {
        guard let registry else { return [] }
        return (limit.map { indices.prefix($0) } ?? indices[...]).map(registry.record(at:))
    }

    /// Rows of records equal but for their transport, as indices.
    func merged() -> [MergedRow] { registry?.mergedRows(indices) ?? [] }

    /// One merged row, decoded.
    func record(_ row: MergedRow) -> MergedRecord {
        var record = registry?.record(at: row.first) ?? ServiceRecord()
        record.transport = nil
        return MergedRecord(record: record, transports: row.transports)
    }
}

struct LookupAnswer: Sendable {
    let query: String
    let kind: String
    var details: [PortDetail] = []
    /// Range and keyword answers: records in a table.
    var rows = RecordRows.none
    var limit = 0
    var note: String?

    /// The records answered, at most `limit` of a table's rows (all when nil).
    func records(limit: Int? = nil) -> [ServiceRecord] {
        guard details.isEmpty else {
            let all = details.flatMap(\.records)
            return limit.map { Array(all.prefix($0)) } ?? all
        }
        return rows.records(limit: limit)
    }
}

struct LookupResult: CommandResult {
    let registry: Registry
    /// `registry.source` as JSON, encoded once per session.
    let source: JSON
    let answers: [LookupAnswer]
    /// The registry is over a year old, or undated.
    let stale: Bool

    func text(_ context: TextContext) -> String {
        var blocks = answers.map { answer in
            guard !answer.details.isEmpty else { return table(answer, context) }
            // A note (`webcache is an alias of http-alt`) speaks for the whole answer: said once.
            let details = answer.details.map { detail($0, context) }.joined(separator: "\n\n")
            return answer.note.map { context.dim(Visible.text($0)) + "\n" + details } ?? details
        }
        var footer = "source: " + registry.source.summary
        if stale { footer += registry.source.staleness }
        blocks.append(context.dim(Wrap.text(footer, width: context.width)))
        return blocks.joined(separator: "\n\n")
    }

    private func detail(_ detail: PortDetail, _ context: TextContext) -> String {
        var lines: [String] = []
        if let port = detail.port {
            let range = RangeClass(port: port)
            let asked = detail.transport.map { "\(port)/\($0.rawValue)" } ?? "\(port)"
            lines.append(context.heading("Port \(asked)") + " · " + range.title + " range (\(range.span))")
        } else {
            lines.append(context.heading("No port") + " · registered as a name only")
        }
        let merged = MergedRecord.merge(detail.records)
        if merged.isEmpty {
            let what = detail.transport.map { " on \($0.rawValue)" } ?? ""
            lines.append("  The registry has no record for this port\(what).")
        }
        // A registration (name and port, all transports) may span several merged entries
        // when its transports disagree on some field; its verdict follows the last of them.
        func assessment(_ entry: MergedRecord) -> GhostAssessment? {
            guard let name = entry.record.name?.lowercased() else { return nil }
            return detail.assessments.first {
                $0.registration.name.lowercased() == name && $0.registration.ports == entry.record.ports
            }
        }
        for (i, entry) in merged.enumerated() {
            var table = describe(entry)
            if let found = assessment(entry),
                !merged[(i + 1)...].contains(where: { assessment($0)?.registration == found.registration })
            {
                addVerdict(found, to: &table, context)
            }
            let span = entry.record.ports.map { $0.isSinglePort ? "" : " (span \($0))" } ?? ""
            lines.append("  " + context.accent(Visible.text(entry.title)) + "  " + entry.transportList + span)
            if !table.rows.isEmpty { lines.append(table.render(context, indent: 4, wrapping: true)) }
        }
        if detail.port != nil {
            var table = Table()
            for comparison in detail.services {
                let verdict: String
                switch comparison.status {
                case .absent: verdict = context.dim("absent")
                case .agrees:
                    verdict = context.good("agrees") + ": " + Visible.text(comparison.listed.joined(separator: ", "))
                case .differs:
                    verdict =
                        context.warn("differs") + ": lists " + Visible.text(comparison.listed.joined(separator: ", "))
                }
                table.add(["services(5) \(comparison.transport.rawValue)", verdict])
            }
            if let nmap = detail.nmap {
                if nmap.isEmpty {
                    table.add(["nmap", context.dim("not listed")])
                }
                for (transport, entry) in nmap {
                    table.add([
                        "nmap \(transport.rawValue)",
                        "\(Visible.text(entry.name)), open on \(GhostRules.percent(entry.frequency)) of hosts nmap scanned",
                    ])
                }
            } else {
                table.add(["nmap", context.dim("nmap-services not installed")])
            }
            lines.append(table.render(context, indent: 2))
        }
        return lines.joined(separator: "\n")
    }

    private func describe(_ entry: MergedRecord) -> Table {
        let record = entry.record
        var table = Table()
        if !record.description.isEmpty, record.name != nil || !(record.isReserved || record.isUnassigned) {
            table.add(["description", Visible.text(record.description)])
        }
        if record.name != nil || !record.assignees.isEmpty {
            table.add(["assignee", names(record.assignees)])
            table.add(["contact", names(record.contacts)])
            table.add(["registered", record.registered?.description ?? "—"])
            table.add(["modified", record.modified?.description ?? "—"])
            table.add([
                "references",
                record.references.isEmpty
                    ? "none" : Visible.text(record.references.map(\.display).joined(separator: ", ")),
            ])
        }
        if let code = record.serviceCode { table.add(["service code", Visible.text(code)]) }
        if let notes = record.notes { table.add(["notes", Visible.text(notes)]) }
        if let uses = record.unauthorizedUses { table.add(["unauthorized", Visible.text(uses)]) }
        return table
    }

    /// The ghost verdict with its evidence, as `ghosts` and `explain` give it.
    private func addVerdict(_ assessment: GhostAssessment, to table: inout Table, _ context: TextContext) {
        let word: String
        switch assessment.verdict {
        case .documented, .observed: word = context.good(assessment.phrase)
        case .legacy, .faint: word = context.warn(assessment.phrase)
        case .ghost: word = context.bad(assessment.phrase)
        }
        table.add(["verdict", word + " by the ghost rules ('explain ghosts')"])
        if assessment.transportsDisagree { table.add(["by transport", Visible.text(assessment.perTransportPhrase)]) }
        table.add(["sources", Visible.text(assessment.basis)])
        for item in assessment.evidence {
            table.add([
                item.strength == .noted ? "noted" : "\(item.strength.rawValue) evidence", Visible.text(item.sentence),
            ])
        }
        if !assessment.missing.isEmpty {
            table.add(["missing", assessment.missing.joined(separator: ", ")])
        }
    }

    private func names(_ ids: [String]) -> String {
        ids.isEmpty ? "—" : Visible.text(ids.map { registry.personName($0) }.joined(separator: ", "))
    }

    private func table(_ answer: LookupAnswer, _ context: TextContext) -> String {
        let merged = answer.rows.merged()
        let title = (answer.kind == "range" ? "Range " : "Search ") + Visible.typed(answer.query)
        guard !merged.isEmpty else {
            return context.heading(title) + "\n  nothing in the registry matches"
        }
        let shown = answer.limit == 0 ? merged[...] : merged.prefix(answer.limit)
        // JSON's `total` counts records; a row here is a record with its transports merged.
        let records = answer.rows.count
        let count =
            merged.count == records
            ? "\(GapWords.number(records)) record\(records == 1 ? "" : "s")"
            : "\(GapWords.number(records)) records in \(GapWords.number(merged.count)) rows (transports merged)"
        var text =
            context.heading(title) + " · " + count + "\n" + RecordTable.render(answer.rows, shown, context, indent: 2)
        if shown.count < merged.count {
            text +=
                "\n  "
                + context.dim(
                    "… \(GapWords.number(merged.count - shown.count)) more rows; narrow the query or use --limit 0 for all"
                )
        }
        return text
    }

    /// One row per record of every query (a port's records, or a range's or keyword's rows
    /// up to --limit), with the query it answers.
    var table: ResultTable? {
        var table = ResultTable(columns: [
            "query", "kind", "name", "port", "portEnd", "transport", "description", "rangeClass", "assignees",
            "contacts", "registered", "modified", "references",
        ])
        let names: ([String]) -> String = { ids in ids.map { registry.personName($0) }.joined(separator: ";") }
        for answer in answers {
            for record in answer.records(limit: answer.details.isEmpty && answer.limit > 0 ? answer.limit : nil) {
                table.rows.append([
                    answer.query, answer.kind, record.name ?? "", record.ports.map { String($0.lower) } ?? "",
                    record.ports.map { String($0.upper) } ?? "", record.transport?.rawValue ?? "", record.description,
                    record.ports.map { RangeClass(port: $0.lower).rawValue } ?? "", names(record.assignees),
                    names(record.contacts), record.registered.map { "\($0)" } ?? "",
                    record.modified.map { "\($0)" } ?? "",
                    record.references.map { "\($0.kind.rawValue):\($0.value)" }.joined(separator: ";"),
                ])
            }
        }
        return table
    }

    var json: [String: JSON] {
        let known = PeopleSeen(registry)
        let personName: (String) -> String = { known.name($0) }
        // Names its people once each already: PeopleSeen would only hash their ids again.
        var fast = RecordJSON(registry, personName: registry.personName)
        return [
            "source": source,
            "results": .array(
                answers.map { answer in
                    var object: [JSON.Member] = [
                        .init("query", .string(answer.query)),
                        .init("kind", .string(answer.kind)),
                        .init("records", records(answer, fast: &fast, personName: personName)),
                    ]
                    if answer.details.contains(where: { $0.port != nil }) {
                        object.append(
                            .init(
                                "ports",
                                .array(
                                    answer.details.compactMap { detail in
                                        guard let port = detail.port else { return nil }
                                        var object = JSON.Writer()
                                        object.add("port", Int(port))
                                        object.add("rangeClass", RangeClass(port: port).rawValue)
                                        object.add("servicesFile", objects: detail.services) {
                                            $0.add("transport", $1.transport.rawValue)
                                            $0.add("status", $1.status.rawValue)
                                            $0.add("names", .strings($1.listed))
                                        }
                                        object.add(
                                            "ghosts",
                                            .array(
                                                detail.assessments.map {
                                                    GhostsResult.json(
                                                        $0,
                                                        contacts: $0.registration.personIDs.map {
                                                            registry.personName($0)
                                                        })
                                                }))
                                        if let entries = detail.nmap {
                                            object.add("nmap", objects: entries) {
                                                $0.add("transport", $1.0.rawValue)
                                                $0.add("name", $1.1.name)
                                                $0.add("frequency", .double($1.1.frequency))
                                            }
                                        } else {
                                            object.add("nmap", .null)
                                        }
                                        return object.finished()
                                    })))
                    }
                    if answer.kind == "range" || answer.kind == "keyword" {
                        object.append(.init("total", .int(answer.rows.count)))
                    }
                    if let note = answer.note { object.append(.init("note", .string(note))) }
                    return .fields(object)
                }),
            "stale": .bool(stale),
        ]
    }
}

extension LookupResult {
    /// An answer's records as a JSON array: a range's or keyword's rows written straight from
    /// the fast form's bytes, a port's or name's records from the records decoded for it.
    private func records(_ answer: LookupAnswer, fast: inout RecordJSON, personName: (String) -> String) -> JSON {
        let limit = answer.limit == 0 ? nil : answer.limit
        guard answer.details.isEmpty, let rows = answer.rows.registry, rows === registry else {
            return JSON.Writer.array(answer.records(limit: limit)) { $1.write(into: &$0, personName: personName) }
        }
        let indices = limit.map { answer.rows.indices.prefix($0) } ?? answer.rows.indices[...]
        var out: [UInt8] = []
        fast.writeArray(indices, into: &out)
        return .encoded(out)
    }
}

/// People looked up once each: a broad lookup's JSON names the same assignees on thousands
/// of records, and each lookup is a binary search and a decode.
private final class PeopleSeen {
    let registry: Registry
    var seen: [String: String] = [:]

    init(_ registry: Registry) { self.registry = registry }

    /// Only the name is kept: copying a whole Person per mention cost more than the lookup.
    func name(_ id: String) -> String {
        if let name = seen[id] { return name }
        let name = registry.personName(id)
        seen[id] = name
        return name
    }
}
