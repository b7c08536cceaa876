import PortListeners

/// `who --watch`: the listing once, then a line for each change, until Ctrl-C.
///
/// Each look runs `who` itself again (the same targets, filters and verdicts), so a watch says
/// exactly what `who` would say at that moment, and compares it with the look before by the
/// rule `diff` uses (`TerritoryDiff`): a line of a watch is a line of `diff`. The host keeps the
/// sockets' owners from one look to the next and searches the processes again only when a
/// socket is new or an owner has gone (`TerritoryRequest.polling`).
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
        guard let parts = context.parts else {
            throw CommandError("who", "--watch writes as it goes, and nothing here reads as it goes")
        }
        var last = try Who.run(invocation, context)
        guard parts.emit(last) else { return WatchEnd() }
        while true {
            try context.host.pause(seconds: interval)
            let known = Dictionary(
                last.rows.lazy.filter { $0.listener.inode != 0 }.map { ($0.listener.inode, $0) },
                uniquingKeysWith: { first, _ in first })
            let now = try Who.run(invocation, context, known: known)
            let time = context.host.clock()
            // A socket found as it was is its own unchanged pair: only the rest is compared.
            var same = Set<UInt64>()
            for row in now.rows where row.listener.inode != 0 && known[row.listener.inode]?.listener == row.listener {
                same.insert(row.listener.inode)
            }
            let diff = TerritoryDiff(
                old: last.rows.filter { !same.contains($0.listener.inode) }.map(TerritorySnapshot.Entry.init),
                new: now.rows.filter { !same.contains($0.listener.inode) }.map(TerritorySnapshot.Entry.init))
            for change in diff.changes {
                guard parts.emit(WatchEventResult(change: change, time: time)) else { return WatchEnd() }
            }
            last = now
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

/// One line of a watch: `+ 14:05:09 new: python3 (pid 4121, user ada) listens on 2991/tcp at
/// 127.0.0.1, registered to wkstn-mon — differs`; in JSON, `diff`'s object for the change with
/// its time.
struct WatchEventResult: CommandResult {
    let change: TerritoryDiff.Change
    let time: HostClock

    func text(_ context: TextContext) -> String {
        let symbol: String
        switch change {
        case .added: symbol = context.good("+")
        case .removed: symbol = context.bad("-")
        case .changed: symbol = context.warn("~")
        }
        let line = "\(symbol) \(Timestamp.timeOfDay(time)) \(TerritoryDiff.sentence(change))"
        // One line a change for programs reading a pipe; wrapped to fit a person's terminal.
        return context.terminal ? Wrap.fill(line, width: context.width, first: "", rest: "    ") : line
    }

    var json: [String: JSON] {
        var out = TerritoryDiff.json(change).objectFields ?? [:]
        out["time"] = .string(Timestamp.iso8601(time.seconds))
        return out
    }
}

/// How a watch ends when its reader has gone: nothing more to say.
struct WatchEnd: CommandResult {
    func text(_ context: TextContext) -> String { "" }
    var json: [String: JSON] { [:] }
}
