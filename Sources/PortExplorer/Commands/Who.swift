import PortListeners
import PortRegistry

extension CommandSpec {
    static let who = CommandSpec(
        name: "who",
        synopsis:
            "[PORT|NAME|LOW-HIGH...] [tcp|udp] [--pid N] [--process NAME] [--user NAME] [--address ADDR] [--wide] "
            + "[--all-netns] [--probe[=nmap]] [--watch [--interval S]] [--hosts]",
        summary: "What listens on this host (the territory), joined with the map",
        help: """
            Lists listening TCP sockets and bound UDP sockets on this host, IPv4 and IPv6, with \
            the processes that hold them (every owner of a shared socket), and sets each beside \
            the registry: the names registered on its port and transport, and a verdict — \
            'matches' (the process is the registered service's daemon, or a probe heard it \
            speak the registered protocol), 'differs' (the port is registered to something \
            else), 'unregistered', 'dynamic' (49152-65535, for ephemeral and private use), or \
            'unknown' (it cannot be told: the owner is not visible to this user, or it said \
            nothing porthole recognises when probed). A generic runtime (python3, java, node and the like) \
            never matches by name: only a probe can show what it serves.

            --probe connects to each listener shown, over loopback (or this host's own address \
            it is bound to; never another host), as you would with nc, and says what it speaks \
            — HTTP, TLS, SSH, SMTP, FTP, POP3, IMAP, Redis, MySQL, PostgreSQL, DNS over UDP — \
            with the server's own banner, within 1 second a port. It waits for a greeting, then \
            sends a minimal harmless request (HEAD / HTTP/1.0, a TLS ClientHello, PING, an \
            SSLRequest, a DNS query for '.'). --probe=nmap asks nmap's version detection \
            (nmap -sV against 127.0.0.1 or ::1) instead, when nmap is installed.

            With PORTs, service NAMEs (the ports registered to them) or LOW-HIGH ranges, only \
            those ports; 'tcp' or 'udp' narrows the transport. When nothing listens, it says \
            what the registry expects there. Sockets whose owner this user may not see are still \
            listed, with their user and the reason. --all-netns (as root) also searches every \
            other network namespace, listing each container's listeners under its name. porthole \
            only reads: it never signals or changes a process.

            An owner inside a container (podman, Docker, containerd, CRI-O) is shown with its \
            runtime and name. A port that podman's conmon or Docker's docker-proxy holds is \
            followed to the container port it lands on, learned from podman or docker ps (or \
            docker-proxy's command line), and the verdict is judged on what listens there; \
            seeing inside the container needs root.

            The filters keep the listeners held by a process id (--pid), a process name (--process: \
            the kernel's short name or the command's basename, in any case), a user name or uid \
            (--user: the socket's or an owner's), or bound to an address written as 'who' shows it \
            (--address 127.0.0.1, ::, 0.0.0.0; an IPv4-mapped ::ffff:a.b.c.d is shown, and \
            matched, as a.b.c.d). --wide adds each owner's full command line, wrapped.

            --watch prints the listing once, then a line for each change as it happens: '+' a \
            listener appeared, '-' it went, '~' its owners, address or verdict changed, with the \
            time, in the sentence 'diff' would write — until Ctrl-C, which returns to the prompt \
            (or ends porthole when its output is piped). It looks again every --interval seconds (1 by default, 0.1 \
            to 3600), so a listener that comes and goes between two looks is never seen. Each look \
            reads the kernel's socket table; the processes are searched for owners only when a new \
            socket appears or an owner has exited. With --json each change is one JSON line \
            (the object 'diff' writes for it, with "action" added, removed or changed, and "time").

              who
              who 22 80 2991
              who ssh tcp
              who 8000-9000
              who --process sshd --wide
              who --user alice --address 127.0.0.1
              who 8080 --probe
              who --watch
              who 8000-9000 --watch --interval 5
            """,
        options: [
            OptionSpec("--pid", value: "N", help: "Only the listeners this process id holds"),
            OptionSpec("--process", value: "NAME", help: "Only the listeners of processes with this name"),
            OptionSpec("--user", value: "NAME", help: "Only the listeners of this user (a name or a uid)"),
            OptionSpec("--address", value: "ADDR", help: "Only the listeners bound to this address"),
            OptionSpec("--wide", help: "Show each owner's full command line"),
            OptionSpec("--hosts", help: "Over territories: one line per port, on how many hosts and by which programs"),
            OptionSpec("--all-netns", help: "Also search every other network namespace (needs root)"),
            OptionSpec(
                "--probe", help: "Ask each listener what it speaks (loopback only; =nmap: nmap -sV)",
                inlineValues: ["nmap"]),
            OptionSpec("--watch", help: "Keep watching: print each change as it happens, until Ctrl-C"),
            OptionSpec("--interval", value: "S", help: "Seconds between two looks of --watch (default 1)"),
        ],
        completion: { _ in [.words(["tcp", "udp"]), .serviceNames] },
        run: { invocation, context throws(CommandError) in
            try WhoWatch.isAsked(invocation) ? WhoWatch.run(invocation, context) : Who.answer(invocation, context)
        }
    )
}

enum Who {
    /// `known`: the listeners of a watch's last look, by inode; one found unchanged is not
    /// joined with the map again.
    static func run(
        _ invocation: Invocation, _ context: CommandContext, known: [UInt64: JoinedListener] = [:]
    ) throws(CommandError) -> WhoResult {
        guard let listing = try answer(invocation, context, known: known) as? WhoResult else {
            throw CommandError("who", "--hosts gives no listing to watch")
        }
        return listing
    }

    /// The listing, or with `--hosts` over territories, the summary per port.
    static func answer(
        _ invocation: Invocation, _ context: CommandContext, known: [UInt64: JoinedListener] = [:]
    ) throws(CommandError) -> any CommandResult {
        var transports: Set<SocketTransport> = []
        var targets: [(text: String, query: PortQuery)] = []
        for argument in invocation.arguments {
            if let t = SocketTransport(rawValue: argument.lowercased()) {
                transports.insert(t)
                continue
            }
            let query = try PortQuery.parse(argument, command: "who")
            switch query {
            case .keyword:
                throw CommandError("who", "keywords search the registry; use 'lookup \(argument)' and then 'who PORT'")
            case .port(_, let t), .range(_, let t):
                if let t {
                    guard let s = SocketTransport(rawValue: t.rawValue) else {
                        throw CommandError("who", "porthole finds tcp and udp listeners, not \(t.rawValue)")
                    }
                    transports.insert(s)
                }
            case .name:
                break
            }
            targets.append((argument, query))
        }
        if transports.isEmpty { transports = [.tcp, .udp] }
        let filters = try WhoFilters(invocation)
        let registry = try context.registry()

        // The ports to scan, target by target; nil means all.
        var asked: [[ClosedRange<UInt16>]] = []
        var registeredName: String?
        for target in targets {
            switch target.query {
            case .port(let port, _): asked.append([port...port])
            case .range(let range, _): asked.append([range.lower...range.upper])
            case .name(let name):
                let records = registry.records(named: name).filter { $0.ports != nil }
                guard !records.isEmpty else {
                    throw .unknown(
                        "who", "no service named '\(name)' in the registry", word: name,
                        candidates: registry.serviceNames(), maxDistance: 2
                    )
                }
                registeredName = records[0].name
                asked.append(Array(Set(records.compactMap(\.ports))).sorted().map { $0.lower...$0.upper })
            case .keyword: break
            }
        }
        let ports = targets.isEmpty ? nil : merged(asked.flatMap { $0 })

        let request = TerritoryRequest(
            ports: ports, transports: transports, allNetworkNamespaces: invocation.flags.contains("--all-netns"),
            polling: WhoWatch.isAsked(invocation))
        let territories = context.maps.territories
        if !territories.isEmpty {
            for flag in ["--probe", "--watch", "--all-netns"] where invocation.flags.contains(flag) {
                throw CommandError(
                    "who",
                    "\(flag) looks at this host, not at territories read from files ('territory clear' returns to it)")
            }
        } else if invocation.flags.contains("--hosts") {
            throw CommandError(
                "who",
                "--hosts summarises territories read from files; add some first ('territory add PATH' or --territory)")
        }
        if invocation.flags.contains("--hosts") {
            return try WhoHosts.run(
                territories.hosts, request: request, filters: filters, registry: registry, targets: targets.map(\.text),
                context: context)
        }
        var scan: TerritoryScan
        var hostOfRow: [String]?
        if territories.isEmpty {
            do throws(CommandError) {
                scan = try context.listeners(request)
            } catch  where error.kind != .interrupted {
                throw CommandError("who", problem: error.problem, kind: .unavailable)
            }
        } else {
            scan = TerritoryScan(source: "territories")
            var names: [String] = []
            for host in territories.hosts {
                for listener in host.listeners where request.contains(listener) {
                    scan.listeners.append(listener)
                    names.append(host.name)
                }
            }
            hostOfRow = names
        }
        let found = scan.listeners
        let method = WhoProbe.method(invocation)
        var rows: [JoinedListener] = []
        rows.reserveCapacity(found.count)
        var rowHosts: [String] = []
        for (index, listener) in found.enumerated() where filters.admits(listener) {
            if let names = hostOfRow { rowHosts.append(names[index]) }
            if let same = known[listener.inode], same.listener == listener, listener.inode != 0 {
                rows.append(same)
                continue
            }
            let probe = try method.map { m throws(CommandError) in
                try WhoProbe.probe(listener, registry: registry, method: m, context: context, command: "who")
            }
            rows.append(JoinedListener(listener: listener, registry: registry, probe: probe))
        }
        var expected: [ServiceRecord] = []
        if found.isEmpty, targets.count == 1, case .port(let port, _) = targets[0].query {
            expected = registry.records(onPort: port).filter { record in
                record.transport.map { t in transports.contains { $0.rawValue == t.rawValue } } ?? true
            }
        }
        // With several targets, the ones where nothing listens are named.
        let silent =
            targets.count > 1
            ? zip(targets, asked).filter { _, ranges in
                !found.contains { l in ranges.contains { $0.contains(l.port) } }
            }.map(\.0.text) : []
        var result = WhoResult(
            targets: targets.map(\.text), registeredName: targets.count == 1 ? registeredName : nil,
            transports: transports, filters: filters, found: found.count, rows: rows, expected: expected,
            silentTargets: silent, notes: scan.notes, socketSource: scan.source, everything: targets.isEmpty,
            wide: invocation.flags.contains("--wide")
        )
        if hostOfRow != nil { result.hosts = rowHosts }
        return result
    }

    /// Sorted ranges with overlaps joined, so no port is scanned (and listed) twice.
    static func merged(_ ranges: [ClosedRange<UInt16>]) -> [ClosedRange<UInt16>] {
        var out: [ClosedRange<UInt16>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = out.last, Int(range.lowerBound) <= Int(last.upperBound) + 1 {
                out[out.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                out.append(range)
            }
        }
        return out
    }
}

/// `who`'s filters: a listener stays when it passes every one given.
struct WhoFilters: Sendable, Equatable {
    var pid: Int32?
    var process: String?
    var user: String?
    var address: String?

    init(pid: Int32? = nil, process: String? = nil, user: String? = nil, address: String? = nil) {
        self.pid = pid
        self.process = process
        self.user = user
        self.address = address
    }

    init(_ invocation: Invocation) throws(CommandError) {
        pid = try invocation.integer("--pid", in: 1...Int(Int32.max)).map { Int32($0) }
        process = invocation.options["--process"]
        user = invocation.options["--user"]
        address = invocation.options["--address"]
        for (option, value) in [("--process", process), ("--user", user), ("--address", address)] {
            if let value, value.allSatisfy(\.isWhitespace) {
                throw CommandError("who", "\(option) needs a value that is not empty")
            }
        }
    }

    var isEmpty: Bool { pid == nil && process == nil && user == nil && address == nil }

    /// The filters as typed, e.g. `--process sshd --user alice`.
    var described: String {
        var words: [String] = []
        if let pid { words.append("--pid \(pid)") }
        if let process { words.append("--process \(process)") }
        if let user { words.append("--user \(user)") }
        if let address { words.append("--address \(address)") }
        // As typed, which from a script can be anything.
        return Visible.typed(words.joined(separator: " "))
    }

    /// The filters given, in a fixed order.
    var json: JSON {
        var members: [JSON.Member] = []
        if let pid { members.append(JSON.Member("pid", .int(Int(pid)))) }
        if let process { members.append(JSON.Member("process", .string(process))) }
        if let user { members.append(JSON.Member("user", .string(user))) }
        if let address { members.append(JSON.Member("address", .string(address))) }
        return .fields(members)
    }

    func admits(_ listener: Listener) -> Bool {
        if let pid, !listener.owners.contains(where: { $0.pid == pid }) { return false }
        if let process {
            let wanted = process.lowercased()
            let named = listener.owners.contains { owner in
                owner.process.lowercased() == wanted || Self.basename(of: owner.command).lowercased() == wanted
            }
            if !named { return false }
        }
        if let user {
            let users = [(listener.user, listener.uid)] + listener.owners.map { ($0.user, $0.uid) }
            if !users.contains(where: { $0.0 == user || String($0.1) == user }) { return false }
        }
        if let address, Self.normalized(listener.address) != Self.normalized(address) { return false }
        return true
    }

    /// The program a command line runs, without its folder: `/usr/sbin/sshd -D` → `sshd`.
    static func basename(of command: String) -> String {
        let program = command.split(separator: " ").first ?? ""
        return String(program.split(separator: "/").last ?? "")
    }

    /// An address as `who` shows it: lower case, without brackets, and an IPv4-mapped IPv6
    /// address as its IPv4 (the scanner shows `::ffff:127.0.0.1` as `127.0.0.1`).
    static func normalized(_ address: String) -> String {
        var text = address.lowercased()
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        for prefix in ["::ffff:", "0:0:0:0:0:ffff:"] where text.hasPrefix(prefix) {
            let rest = text.dropFirst(prefix.count)
            if rest.contains(".") { return String(rest) }
        }
        return text
    }
}

/// `--probe` for `who` and `explain`: one listener, asked through the host.
enum WhoProbe {
    /// The probe asked for, nil without `--probe`.
    static func method(_ invocation: Invocation) -> ProbeTarget.Method? {
        guard invocation.flags.contains("--probe") else { return nil }
        return invocation.options["--probe"] == "nmap" ? .nmap : .builtIn
    }

    static func probe(
        _ listener: Listener, registry: Registry, method: ProbeTarget.Method, context: CommandContext, command: String
    ) throws(CommandError) -> ProbeResult {
        // Loopback here is this namespace's: a socket in another one cannot be reached through it.
        if let ns = listener.netns { return ProbeResult(.refused("it is in another network namespace (\(ns))")) }
        let transport: Transport = listener.transport == .tcp ? .tcp : .udp
        let names = registry.serviceNames(onPort: listener.port, transport: transport)
        let target = ProbeTarget(
            transport: listener.transport, address: listener.address, port: listener.port,
            expected: names.flatMap(ProbeProtocol.expected(forService:)), method: method)
        do throws(CommandError) {
            return try context.probe(target)
        } catch  where error.kind != .interrupted {
            throw CommandError(command, problem: error.problem, kind: error.kind)
        }
    }
}

/// A listener set beside the map.
struct JoinedListener: Sendable {
    enum Verdict: String, Sendable {
        case matches, differs, unregistered, dynamic, unknown
    }

    let listener: Listener
    let registered: [String]
    let verdict: Verdict
    /// The verdict in a sentence: "the map says wkstn-mon; the territory says python3, pid 4242".
    let explanation: String
    /// What `--probe` found; nil when not asked.
    let probe: ProbeResult?

    init(listener: Listener, registry: Registry, probe: ProbeResult? = nil) {
        self.listener = listener
        self.probe = probe
        let transport: Transport = listener.transport == .tcp ? .tcp : .udp
        let names = registry.serviceNames(onPort: listener.port, transport: transport)
        registered = names
        let heard = probe.map { "; when probed, it \($0.phrase)" } ?? ""
        // Nothing registered: the owners play no part, so no sentence is made of them (most
        // rows on a busy host).
        if names.isEmpty {
            if RangeClass(port: listener.port) == .dynamic {
                verdict = .dynamic
                explanation = "dynamic range: for ephemeral and private use, never registered" + heard
            } else {
                verdict = .unregistered
                explanation = "nothing is registered on \(listener.port)/\(listener.transport.rawValue)" + heard
            }
            return
        }
        // A published port is judged on what serves it inside the container, not on the
        // runtime's process that holds it on the host; when that cannot be seen, on nothing.
        let judged = listener.forwardsTo.map(\.servers) ?? listener.owners
        let owners = judged.map { owner in
            "\(owner.process), pid \(owner.pid)" + (owner.container.map { " in container \($0.label)" } ?? "")
        }.joined(separator: "; ")
        let map = "the map says \(names.joined(separator: ", "))"
        let holder = owners.isEmpty ? "a process porthole cannot see" : owners
        let processes = judged.map(\.process)
        let resemblance = Resemblance.judge(
            processes: processes, commands: judged.map(\.command), probe: probe, services: names)
        switch resemblance {
        case .looksLike:
            verdict = .matches
            if let probe, probe.protocolFound != nil {
                explanation = "\(map); \(holder) \(probe.phrase)"
            } else {
                explanation = "\(map); \(owners) looks like it" + heard
            }
        case .differs:
            verdict = .differs
            explanation = "\(map); the territory says \(owners.isEmpty ? holder : owners)" + heard
        case .cannotTell:
            verdict = .unknown
            if let forwarding = listener.forwardsTo, processes.isEmpty {
                explanation =
                    "\(map); what serves port \(forwarding.port)/\(forwarding.transport.rawValue) in container \(forwarding.container.label) is unknown"
                    + heard
            } else if processes.isEmpty {
                explanation = "\(map); which process holds it is unknown" + heard
            } else {
                explanation = "\(map); whether \(owners) is it cannot be told" + heard
            }
        }
    }
}

extension JoinedListener.Verdict {
    /// The verdict's word in its colour.
    func painted(_ context: TextContext) -> String {
        switch self {
        case .matches: context.good(rawValue)
        case .differs: context.warn(rawValue)
        case .unknown: context.dim(rawValue)
        case .unregistered, .dynamic: rawValue
        }
    }
}

extension JoinedListener {
    /// The listener as `who`'s JSON contract describes it, in the order the README lists
    /// its keys (a literal keeps its order).
    var json: JSON { json(owner: ContainerJSON.owner) }

    /// The same, with each owner's object made by `owner` (`who` encodes each process once).
    /// `host`, over territories read from files, comes first.
    func json(owner: (SocketOwner) -> JSON, host: String? = nil) -> JSON {
        let l = listener
        var object: [JSON.Member] = host.map { [JSON.Member("host", .string($0))] } ?? []
        object += [
            JSON.Member("transport", .string(l.transport.rawValue)),
            JSON.Member("address", .string(l.address)),
            JSON.Member("port", .int(Int(l.port))),
            JSON.Member("uid", .int(Int(l.uid))),
            JSON.Member("user", .string(l.user)),
            JSON.Member("inode", .int(Int(l.inode))),
            JSON.Member("owners", .array(l.owners.map(owner))),
            JSON.Member("ownerVisible", .bool(l.ownerVisible)),
            JSON.Member("registered", .strings(registered)),
            JSON.Member("verdict", .string(verdict.rawValue)),
            JSON.Member("explanation", .string(explanation)),
            JSON.Member("probe", probe.map(ProbeJSON.json) ?? .null),
            JSON.Member("v6Only", l.v6Only.map(JSON.bool) ?? .null),
        ]
        if let reason = l.ownerHiddenReason {
            object.append(JSON.Member("ownerHiddenReason", .string(reason)))
        }
        if let ns = l.netns { object.append(JSON.Member("netns", .string(ns))) }
        if let c = l.container { object.append(JSON.Member("container", ContainerJSON.json(c))) }
        if let f = l.forwardsTo { object.append(JSON.Member("forwardsTo", ContainerJSON.json(f))) }
        return .fields(object)
    }

    /// The same members as `json(owner:host:)`, written straight into `object`: `who --json`
    /// on a busy host writes tens of thousands of them, where building a tree of values
    /// first costs more than the writing.
    func write(into object: inout JSON.Writer, owner: (SocketOwner) -> JSON, host: String? = nil) {
        let l = listener
        if let host { object.add("host", host) }
        object.add("transport", l.transport.rawValue)
        object.add("address", l.address)
        object.add("port", Int(l.port))
        object.add("uid", Int(l.uid))
        object.add("user", l.user)
        object.add("inode", Int(l.inode))
        withoutActuallyEscaping(owner) { owner in object.add("owners", values: l.owners.lazy.map(owner)) }
        object.add("ownerVisible", l.ownerVisible)
        object.add("registered", strings: registered)
        object.add("verdict", verdict.rawValue)
        object.add("explanation", explanation)
        object.add("probe", probe.map(ProbeJSON.json) ?? .null)
        object.add("v6Only", l.v6Only.map(JSON.bool) ?? .null)
        if let reason = l.ownerHiddenReason { object.add("ownerHiddenReason", reason) }
        if let ns = l.netns { object.add("netns", ns) }
        if let c = l.container { object.add("container", ContainerJSON.json(c)) }
        if let f = l.forwardsTo { object.add("forwardsTo", ContainerJSON.json(f)) }
    }
}

struct WhoResult: CommandResult {
    /// The ports, names and ranges asked about, as typed; empty for all.
    let targets: [String]
    /// The service a single name target stands for.
    let registeredName: String?
    let transports: Set<SocketTransport>
    let filters: WhoFilters
    /// How many listeners the scan found, before the filters.
    let found: Int
    let rows: [JoinedListener]
    /// What the registry expects on an asked port where nothing listens.
    let expected: [ServiceRecord]
    /// Of several targets, those where nothing listens.
    let silentTargets: [String]
    let notes: [String]
    let socketSource: String
    /// `who` without arguments: ends with a summary.
    let everything: Bool
    /// `--wide`: the owners' full command lines in the text.
    let wide: Bool
    /// Over territories read from files: each row's host (a HOST column, a `host` field);
    /// nil for this host's live sockets.
    var hosts: [String]?

    init(
        targets: [String], registeredName: String?, transports: Set<SocketTransport>,
        filters: WhoFilters = WhoFilters(),
        found: Int? = nil, rows: [JoinedListener], expected: [ServiceRecord], silentTargets: [String] = [],
        notes: [String], socketSource: String, everything: Bool, wide: Bool = false
    ) {
        self.targets = targets
        self.registeredName = registeredName
        self.transports = transports
        self.filters = filters
        self.found = found ?? rows.count
        self.rows = rows
        self.expected = expected
        self.silentTargets = silentTargets
        self.notes = notes
        self.socketSource = socketSource
        self.everything = everything
        self.wide = wide
    }

    /// Where the listeners were looked for: this host, or the hosts read from files.
    private var here: String { hosts == nil ? "here" : "on the hosts read from files" }

    private var transportWords: String {
        transports.count == 2 ? "tcp or udp" : transports.first!.rawValue
    }

    /// The targets as a phrase: `22`, `22 or 80`, `22, 80 or 2991`.
    private static func phrase(_ typed: [String]) -> String {
        let words = typed.map(Visible.typed)
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " or " + words.last!
    }

    func text(_ context: TextContext) -> String {
        var blocks: [String] = []
        if rows.isEmpty {
            blocks.append(Wrap.text(nothingListening, width: context.width))
        } else {
            var header = ["PROTO", "ADDRESS", "PORT", "PROCESS", "USER", "REGISTERED", "VERDICT"]
            if wide { header.append("COMMAND") }
            let shift = hosts == nil ? 0 : 1
            if hosts != nil { header.insert("HOST", at: 0) }
            var table = Table(header: header)
            table.rightAligned = [2 + shift]
            // Process, then registered names, addresses and users give way on a narrow
            // terminal; the verdict never does.
            table.flexible = [3, 5, 1, 4].map { $0 + shift }
            // One pass: the table row, and a detail line for what needs a sentence
            // (shared sockets repeat theirs, so they are said once).
            var details: [String] = []
            var said = Set<String>()
            // A process holding many sockets gets its cell made once, kept by pid for the same owner.
            var ownerCells: [Int32: (owner: SocketOwner, cell: String)] = [:]
            func cell(_ owner: SocketOwner) -> String {
                if let known = ownerCells[owner.pid], known.owner == owner { return known.cell }
                let made = Self.ownerCell(owner)
                ownerCells[owner.pid] = (owner, made)
                return made
            }
            // Most rows on a busy host belong to one user: the last one's cell is kept.
            var lastUser = (user: "", cell: "")
            for (index, row) in rows.enumerated() {
                let l = row.listener
                let host = hosts.map { Visible.text($0[index]) }
                var address = l.address
                if l.v6Only == false { address += " (+v4)" }
                var process =
                    l.owners.isEmpty
                    ? context.dim("?")
                    : l.owners.count == 1 ? cell(l.owners[0]) : l.owners.map(cell).joined(separator: ",")
                if let f = l.forwardsTo { process += " → \(Visible.text(f.container.label)):\(f.port)" }
                if l.user != lastUser.user { lastUser = (l.user, Visible.text(l.user)) }
                var cells = [
                    l.transport.rawValue, address, String(l.port), process, lastUser.cell,
                    row.registered.isEmpty ? "—" : Visible.text(row.registered.joined(separator: ",")),
                    row.verdict.painted(context),
                ]
                if let host { cells.insert(host, at: 0) }
                if wide {
                    // A kernel thread has no command line; it is named in brackets, as ps does.
                    let commands = l.owners.map { Visible.text($0.command.isEmpty ? "[\($0.process)]" : $0.command) }
                    cells.append(commands.isEmpty ? "?" : commands.joined(separator: "; "))
                }
                table.add(cells)
                var line: String
                if let f = l.forwardsTo {
                    line = "\(l.port)/\(l.transport.rawValue): " + Self.forwardingSentence(l, f)
                    if row.verdict == .differs || row.verdict == .unknown || row.probe != nil {
                        line += " — \(Visible.text(row.explanation))"
                    }
                    line += " (learned from \(f.learnedFrom))"
                } else if row.verdict == .differs || row.verdict == .unknown || row.probe != nil {
                    line = "\(l.port)/\(l.transport.rawValue): \(Visible.text(row.explanation))"
                    if let reason = l.ownerHiddenReason { line += " — \(reason)" }
                    if let ns = l.netns { line += " [\(Self.place(l, ns))]" }
                } else {
                    // A listener in another namespace is under its place's heading (`renderTables`).
                    continue
                }
                if let host { line = "\(host): " + line }
                if said.insert(line).inserted { details.append(line) }
            }
            if !silentTargets.isEmpty {
                details.append("Nothing listens on \(Self.phrase(silentTargets)) (\(transportWords)) \(here).")
            }
            blocks.append(renderTables(table, context))
            if !details.isEmpty {
                blocks.append(details.map { Wrap.text($0, width: context.width) }.joined(separator: "\n"))
            }
            if everything || !filters.isEmpty { blocks.append(Wrap.text(summaryText, width: context.width)) }
        }
        if !notes.isEmpty { blocks.append(notes.map { context.dim("note: " + $0) }.joined(separator: "\n")) }
        return blocks.joined(separator: "\n\n")
    }

    /// `httpd/3680`, and `[podman t1]` after it when the process is in a container.
    static func ownerCell(_ owner: SocketOwner) -> String {
        var cell = "\(Visible.text(owner.process))/\(owner.pid)"
        if let c = owner.container { cell += " [\(c.runtime.rawValue) \(Visible.text(c.label))]" }
        return cell
    }

    /// `container t1 (podman 1a2b3c4d5e6f, localhost/box:1)`.
    static func describe(_ c: Container) -> String {
        var facts = ["\(c.runtime.rawValue) \(c.shortID)"]
        if let image = c.image { facts.append(Visible.text(image)) }
        return "container \(Visible.text(c.label)) (\(facts.joined(separator: ", ")))"
    }

    /// Where a listener in another network namespace is: its container when known.
    static func place(_ l: Listener, _ ns: String) -> String {
        guard let c = l.container else { return ns }
        return describe(c) + ", " + (ns.split(separator: " ").first.map(String.init) ?? ns)
    }

    /// `conmon forwards to container t1 (podman 1a2b…, localhost/box:1) port 80/tcp, where
    /// httpd (pid 3680) listens`, or why what listens there is not known.
    static func forwardingSentence(_ l: Listener, _ f: Forwarding) -> String {
        let holders = l.owners.map { Visible.text($0.process) }.joined(separator: " and ")
        var text =
            "\(holders.isEmpty ? "it" : holders) forwards to \(describe(f.container)) port \(f.port)/\(f.transport.rawValue)"
        if !f.servers.isEmpty {
            let servers = f.servers.map { "\(Visible.text($0.process)) (pid \($0.pid))" }.joined(separator: ", ")
            text += ", where \(servers) \(f.servers.count == 1 ? "listens" : "listen")"
        } else if let why = f.serversHiddenReason {
            text += "; \(why)"
        }
        return text
    }

    /// The table, or with listeners in other network namespaces (`--all-netns`), one table
    /// per place: this host's first, then each container (or bare namespace) under a heading.
    private func renderTables(_ whole: Table, _ context: TextContext) -> String {
        guard rows.contains(where: { $0.listener.netns != nil }) else { return whole.render(context, wrapping: wide) }
        var order: [String] = []
        var groups: [String: [Int]] = [:]
        var headings: [String: String] = [:]
        for (i, row) in rows.enumerated() {
            let l = row.listener
            let key =
                l.container.map { "c:" + $0.id } ?? l.netns.map { "n:" + ($0.split(separator: " ").first ?? "") } ?? ""
            if groups[key] == nil {
                order.append(key)
                headings[key] =
                    l.netns == nil ? "This host's network namespace:" : "In \(Self.place(l, l.netns!)):"
            }
            groups[key, default: []].append(i)
        }
        order.sort { a, b in a.isEmpty != b.isEmpty ? a.isEmpty : false }
        return order.map { key in
            var table = Table(header: whole.header!)
            table.rightAligned = whole.rightAligned
            table.flexible = whole.flexible
            for i in groups[key]! { table.add(whole.rows[i]) }
            return Wrap.text(headings[key]!, width: context.width) + "\n" + table.render(context, wrapping: wide)
        }.joined(separator: "\n\n")
    }

    /// One row per owner of each listener (a shared socket gives several, with the same
    /// inode); a listener whose owner is hidden gives one row with the owner's cells empty.
    var table: ResultTable? {
        var table = ResultTable(columns: [
            "transport", "address", "port", "v6Only", "user", "uid", "inode", "pid", "process", "command",
            "registered", "verdict", "explanation", "netns", "probe", "container", "containerName", "image",
            "runtime", "forwardsTo",
        ])
        // Over territories the host comes last, so the columns of one host keep their places.
        if hosts != nil { table.columns.append("host") }
        for (index, row) in rows.enumerated() {
            let l = row.listener
            let owners: [SocketOwner?] = l.owners.isEmpty ? [nil] : l.owners
            let host = hosts.map { [$0[index]] } ?? []
            for owner in owners {
                table.rows.append(
                    [
                        l.transport.rawValue, l.address, String(l.port), l.v6Only.map { String($0) } ?? "", l.user,
                        String(l.uid), String(l.inode), owner.map { String($0.pid) } ?? "", owner?.process ?? "",
                        owner?.command ?? "", row.registered.joined(separator: ";"), row.verdict.rawValue,
                        row.explanation, l.netns ?? "", row.probe.map { "\($0.protocolName ?? "")" } ?? "",
                    ] + Self.containerCells(owner?.container ?? l.container, l.forwardsTo) + host)
            }
        }
        return table
    }

    /// CSV's last columns: the owner's (or socket's) container id, name, image and runtime,
    /// and where a published port lands (`t1:80/tcp`).
    static func containerCells(_ c: Container?, _ f: Forwarding?) -> [String] {
        [
            c?.id ?? "", c?.name ?? "", c?.image ?? "", c?.runtime.rawValue ?? "",
            f.map { "\($0.container.label):\($0.port)/\($0.transport.rawValue)" } ?? "",
        ]
    }

    private var nothingListening: String {
        let place = targets.isEmpty ? "\(transportWords) here" : "\(Self.phrase(targets)) (\(transportWords))"
        if found == 1 {
            return Wrap.text("The one listener on \(place) does not match \(filters.described).", width: 80)
        }
        if found > 1 {
            return Wrap.text("None of the \(found) listeners on \(place) match \(filters.described).", width: 80)
        }
        guard !targets.isEmpty else { return "Nothing listens on \(transportWords) \(here)." }
        var text = "Nothing listens on \(Self.phrase(targets)) (\(transportWords)) \(here)."
        if let registeredName {
            text =
                "Nothing listens on the ports registered to \(Visible.text(registeredName)) (\(transportWords)) \(here)."
        } else if !expected.isEmpty {
            let merged = MergedRecord.merge(expected)
            let named = merged.filter { $0.record.name != nil }
            if named.isEmpty {
                text +=
                    " The registry has it as \(Visible.text(merged.map(\.title).joined(separator: ", "))), so nothing is expected there."
            } else {
                let list = named.map { "\(Visible.text($0.title)) (\($0.transportList))" }.joined(separator: ", ")
                text += " The registry expects \(list) there."
            }
        }
        return text
    }

    private var counts: (matches: Int, differs: Int, unregistered: Int, dynamic: Int, unknown: Int) {
        var c = (matches: 0, differs: 0, unregistered: 0, dynamic: 0, unknown: 0)
        for row in rows {
            switch row.verdict {
            case .matches: c.matches += 1
            case .differs: c.differs += 1
            case .unregistered: c.unregistered += 1
            case .dynamic: c.dynamic += 1
            case .unknown: c.unknown += 1
            }
        }
        return c
    }

    private var summaryText: String {
        let c = counts
        let n = rows.count
        var parts = ["\(n) listener\(n == 1 ? "" : "s")"]
        if !filters.isEmpty {
            parts = ["\(n) of \(found) listener\(found == 1 ? "" : "s") shown (\(filters.described))"]
        }
        parts.append("\(c.differs) on ports registered to something else")
        parts.append("\(c.unregistered) on unregistered ports")
        parts.append("\(c.matches) matching the registry")
        if c.dynamic > 0 { parts.append("\(c.dynamic) in the dynamic range") }
        if c.unknown > 0 { parts.append("\(c.unknown) that cannot be told") }
        return parts.joined(separator: ", ") + "."
    }

    var json: [String: JSON] {
        // A process holding many sockets is one owner of each: its object (a command line, a
        // start time) is encoded once, not once per socket. Kept by pid, and used only for the
        // same owner: hashing whole owners hashed every command line again.
        var ownerJSON: [Int32: (owner: SocketOwner, json: JSON)] = [:]
        func json(_ owner: SocketOwner) -> JSON {
            if let known = ownerJSON[owner.pid], known.owner == owner { return known.json }
            let made = ContainerJSON.owner(owner).preEncoded
            ownerJSON[owner.pid] = (owner, made)
            return made
        }
        // The listeners go into one buffer, written in place, sized first from the owners'
        // encodings (a long command line can be most of it) so it is not moved as it grows.
        var size = 2
        for row in rows {
            size += 384 + row.explanation.utf8.count
            for owner in row.listener.owners {
                if case .encoded(let bytes) = json(owner) { size += bytes.count + 1 }
            }
        }
        var out: [String: JSON] = [
            "listeners": JSON.Writer.array(rows.indices, reserving: size) { object, index in
                rows[index].write(into: &object, owner: json, host: hosts?[index])
            },
            "notes": .strings(notes),
            "socketSource": .string(socketSource),
        ]
        if !targets.isEmpty { out["query"] = .string(targets.joined(separator: " ")) }
        out["filters"] = filters.json
        out["hidden"] = .int(found - rows.count)
        if rows.isEmpty, !expected.isEmpty {
            out["expected"] = .array(
                MergedRecord.merge(expected).map {
                    [
                        "name": .optional($0.record.name), "transports": .strings($0.transports.map(\.rawValue)),
                        "description": .string($0.record.description),
                    ]
                })
        }
        if everything || !filters.isEmpty {
            let c = counts
            out["summary"] = [
                "listeners": .int(rows.count), "found": .int(found), "differs": .int(c.differs),
                "unregistered": .int(c.unregistered),
                "matches": .int(c.matches), "dynamic": .int(c.dynamic), "unknown": .int(c.unknown),
            ]
        }
        return out
    }
}

/// A probe's finding as JSON, keys in alphabetical order like every object but the listeners.
enum ProbeJSON {
    static func json(_ probe: ProbeResult) -> JSON {
        [
            "banner": .optional(probe.banner), "connectedTo": .optional(probe.connectedTo),
            "method": .string(probe.method.rawValue), "protocol": .optional(probe.protocolName),
            "result": .string(probe.phrase),
        ]
    }
}

/// Owners, containers and forwarding as JSON, strings as the runtimes gave them (the JSON
/// writer escapes them). A container's keys come in the README's order; forwarding's are
/// alphabetical, like every other object.
enum ContainerJSON {
    /// An owner's keys as they always were, then `container` when it is in one.
    static func owner(_ owner: SocketOwner) -> JSON {
        var members: [(String, JSON)] = [
            ("pid", .int(Int(owner.pid))), ("process", .string(owner.process)),
            ("command", .string(owner.command)),
            ("user", .string(owner.user)), ("uid", .int(Int(owner.uid))),
            ("startedAt", owner.startedAt.map { .string(Timestamp.iso8601($0)) } ?? .null),
        ]
        if let c = owner.container { members.append(("container", json(c))) }
        return .fields(members.map { JSON.Member($0.0, $0.1) })
    }

    static func json(_ c: Container) -> JSON {
        [
            "runtime": .string(c.runtime.rawValue), "id": .string(c.id), "shortId": .string(c.shortID),
            "name": .optional(c.name), "image": .optional(c.image),
        ]
    }

    static func json(_ f: Forwarding) -> JSON {
        var object: [String: JSON] = [
            "container": json(f.container), "port": .int(Int(f.port)), "transport": .string(f.transport.rawValue),
            "learnedFrom": .string(f.learnedFrom), "servedBy": .array(f.servers.map(owner)),
        ]
        if let why = f.serversHiddenReason { object["servedByHiddenReason"] = .string(why) }
        return .object(object)
    }
}
