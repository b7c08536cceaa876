import PortListeners

/// `who --watch`: the listing once, then a line for each change, until Ctrl-C.
///
/// Each look runs `who` itself again (the same targets, filters and verdicts), so a watch says
/// exactly what `who` would say at that moment; the host keeps the sockets' owners from one
/// look to the next and searches the processes again only when a socket is new or an owner
/// has gone (`TerritoryRequest.polling`).
enum WhoWatch {
    static let intervals = 0.1...3600.0

    static func isAsked(_ invocation: Invocation) -> Bool {
        invocation.flags.contains("--watch") || invocation.options["--interval"] != nil
    }

    static func run(_ invocation: Invocation, _ context: CommandContext) throws(CommandError) -> any CommandResult {
        guard invocation.flags.contains("--watch") else {
            throw CommandError("who", "--interval sets how often --watch looks; give --watch too")
        }
        let interval = try self.interval(invocation)
        if WhoProbe.method(invocation) != nil {
            throw CommandError("who", "--probe talks to every listener; it cannot be repeated with --watch")
        }
        guard let emit = context.emit else {
            throw CommandError("who", "--watch writes as it goes, and nothing here reads as it goes")
        }
        var last = try Who.run(invocation, context)
        guard emit(last) else { return WatchEnd() }
        var known = WatchChange.byKey(last.rows)
        while true {
            try context.host.pause(seconds: interval)
            let now = try Who.run(invocation, context, known: known.byInode)
            let time = context.host.clock()
            let current = WatchChange.byKey(now.rows)
            for change in WatchChange.between(last.rows, known, now.rows, current) {
                guard emit(WatchEventResult(change: change, time: time)) else { return WatchEnd() }
            }
            last = now
            known = current
        }
    }

    static func interval(_ invocation: Invocation) throws(CommandError) -> Double {
        guard let text = invocation.options["--interval"] else { return 1 }
        guard let seconds = Double(text), seconds.isFinite, intervals.contains(seconds) else {
            throw CommandError(
                "who", "--interval expects seconds from 0.1 to 3600, not '\(Visible.typed(String(text.prefix(80))))'")
        }
        return seconds
    }
}

/// One difference between two looks at the same listeners.
struct WatchChange: Sendable {
    enum Action: String, Sendable {
        case added, removed, changed

        var symbol: String {
            switch self {
            case .added: "+"
            case .removed: "-"
            case .changed: "~"
            }
        }
    }

    let action: Action
    /// The listener as it is now (as it was, for `removed`).
    let row: JoinedListener
    /// The listener as it was, for `changed`.
    let previous: JoinedListener?

    /// A socket is the same socket while its inode (in its namespace) is: a server that
    /// restarts on the same port is one listener gone and another come. Sockets without an
    /// inode are known by transport, address and port.
    struct Key: Hashable {
        let inode: UInt64
        let netns: String?
        let place: String

        init(_ listener: Listener) {
            inode = listener.inode
            netns = listener.netns
            place = listener.inode == 0 ? "\(listener.transport.rawValue) \(listener.address) \(listener.port)" : ""
        }
    }

    /// A look's listeners by key, and by inode for `Who.run` to reuse.
    struct Index {
        var byKey: [Key: JoinedListener] = [:]
        var byInode: [UInt64: JoinedListener] = [:]
    }

    static func byKey(_ rows: [JoinedListener]) -> Index {
        var index = Index()
        index.byKey.reserveCapacity(rows.count)
        index.byInode.reserveCapacity(rows.count)
        for row in rows {
            index.byKey[Key(row.listener)] = index.byKey[Key(row.listener)] ?? row
            if row.listener.inode != 0 { index.byInode[row.listener.inode] = row }
        }
        return index
    }

    /// What changed from `old` to `new`: gone listeners first, then new ones, then changed
    /// ones, each in `who`'s order.
    static func between(_ old: [JoinedListener], _ new: [JoinedListener]) -> [WatchChange] {
        between(old, byKey(old), new, byKey(new))
    }

    static func between(_ old: [JoinedListener], _ oldIndex: Index, _ new: [JoinedListener], _ newIndex: Index)
        -> [WatchChange]
    {
        let before = oldIndex.byKey
        let after = newIndex.byKey
        var changes = old.filter { after[Key($0.listener)] == nil }.map {
            WatchChange(action: .removed, row: $0, previous: nil)
        }
        changes += new.filter { before[Key($0.listener)] == nil }.map {
            WatchChange(action: .added, row: $0, previous: nil)
        }
        for row in new {
            guard let was = before[Key(row.listener)], was.listener != row.listener || differ(was, row) else {
                continue
            }
            changes.append(WatchChange(action: .changed, row: row, previous: was))
        }
        return changes
    }

    /// Owners (by pid and name), what the map says, and the verdict: what `who` would show
    /// differently.
    static func differ(_ a: JoinedListener, _ b: JoinedListener) -> Bool {
        a.listener.owners.map { "\($0.pid) \($0.process)" } != b.listener.owners.map { "\($0.pid) \($0.process)" }
            || a.verdict != b.verdict || a.registered != b.registered
            || a.listener.ownerHiddenReason != b.listener.ownerHiddenReason
    }
}

/// One line of a watch: `+ 14:05:09 2991/tcp 127.0.0.1  python3/4121 (user ada) — wkstn-mon: differs`.
struct WatchEventResult: CommandResult {
    let change: WatchChange
    let time: HostClock

    func text(_ context: TextContext) -> String {
        let row = change.row
        let l = row.listener
        let symbol: String
        switch change.action {
        case .added: symbol = context.good("+")
        case .removed: symbol = context.bad("-")
        case .changed: symbol = context.warn("~")
        }
        var line = "\(symbol) \(time.timeOfDay) \(l.port)/\(l.transport.rawValue) \(l.address)"
        if let ns = l.netns { line += " [\(ns)]" }
        var holders = Self.owners(l)
        if let previous = change.previous, Self.owners(previous.listener) != holders {
            holders = Self.owners(previous.listener) + " → " + holders
        }
        line += "  \(holders) (user \(Visible.text(l.user)))"
        if change.action == .removed { return line + " — gone" }
        let map = row.registered.isEmpty ? "" : Visible.text(row.registered.joined(separator: ",")) + ": "
        var verdict = row.verdict.painted(context)
        if let previous = change.previous, previous.verdict != row.verdict {
            verdict = previous.verdict.rawValue + " → " + verdict
        }
        return line + " — " + map + verdict
    }

    private static func owners(_ listener: Listener) -> String {
        listener.owners.isEmpty
            ? "?" : listener.owners.map { "\(Visible.text($0.process))/\($0.pid)" }.joined(separator: ",")
    }

    var json: [String: JSON] {
        var out: [String: JSON] = [
            "action": .string(change.action.rawValue), "time": .string(Timestamp.iso8601(time.seconds)),
            "listener": change.row.json,
        ]
        if let previous = change.previous { out["previous"] = previous.json }
        return out
    }
}

/// How a watch ends when its reader has gone: nothing more to say.
struct WatchEnd: CommandResult {
    func text(_ context: TextContext) -> String { "" }
    var json: [String: JSON] { [:] }
}
