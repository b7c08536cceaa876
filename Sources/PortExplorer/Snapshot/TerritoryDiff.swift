import PortListeners

/// What changed between two looks at a territory: listeners that appeared, disappeared, or
/// stayed with a different owner, address, IPv6-only setting or verdict.
///
/// A socket has no name that survives a restart (its inode and the owner's pid change), so
/// listeners are matched by what a person means by "the same listener":
///
/// 1. Its identity: network namespace, transport, port and address family (IPv4, or IPv6;
///    an IPv4-mapped address counts as IPv4, as `who` shows it). Listeners of different
///    identities are never the same: moving from 0.0.0.0 to :: is one gone and one new.
/// 2. Within one identity, an old and a new listener on the same address are paired,
///    those with the same owning pids first (so of two processes sharing a port with
///    SO_REUSEPORT each keeps its own).
/// 3. If then exactly one old and one new listener of the identity are left, they are the
///    same listener bound elsewhere: an address change. With more left, which became which
///    cannot be told, and they are reported gone and new.
///
/// A pair is `changed` when its owners (pid, process name or user), address, IPv6-only
/// setting or verdict (or the names registered on its port) differ; inodes, command lines
/// and start times are not compared, since they change with every restart that owners
/// already show.
struct TerritoryDiff: Sendable {
    typealias Entry = TerritorySnapshot.Entry

    /// Which socket a listener is, across snapshots.
    struct Identity: Hashable, Comparable, Sendable {
        var netns: String
        var transport: String
        var port: UInt16
        /// 4 or 6.
        var family: Int

        init(_ listener: Listener) {
            netns = listener.netns ?? ""
            transport = listener.transport.rawValue
            port = listener.port
            family = listener.address.contains(":") ? 6 : 4
        }

        static func < (a: Identity, b: Identity) -> Bool {
            (a.netns, a.port, a.transport, a.family) < (b.netns, b.port, b.transport, b.family)
        }

        var json: JSON {
            .fields([
                ("transport", .string(transport)), ("port", .int(Int(port))), ("family", .string("ipv\(family)")),
                ("netns", netns.isEmpty ? .null : .string(netns)),
            ])
        }
    }

    /// What differs in a listener that stayed.
    enum Aspect: String, Sendable, CaseIterable {
        case owner, address, v6Only, verdict
    }

    enum Change: Sendable {
        case added(Entry)
        case removed(Entry)
        case changed(old: Entry, new: Entry, aspects: [Aspect])

        var identity: Identity {
            switch self {
            case .added(let e), .removed(let e), .changed(_, let e, _): Identity(e.listener)
            }
        }

        /// osquery's word for it.
        var action: String {
            switch self {
            case .added: "added"
            case .removed: "removed"
            case .changed: "changed"
            }
        }
    }

    let changes: [Change]
    /// Listeners found in both with nothing changed.
    let unchanged: Int

    init(old: [Entry], new: [Entry]) {
        var oldGroups: [Identity: [Entry]] = [:]
        var newGroups: [Identity: [Entry]] = [:]
        for entry in old { oldGroups[Identity(entry.listener), default: []].append(entry) }
        for entry in new { newGroups[Identity(entry.listener), default: []].append(entry) }
        var changes: [Change] = []
        var unchanged = 0
        for identity in Set(oldGroups.keys).union(newGroups.keys).sorted() {
            var olds = oldGroups[identity] ?? []
            var news = newGroups[identity] ?? []
            var pairs: [(Entry, Entry)] = []
            // Same address and same pids, then same address, then a lone pair left over.
            for samePids in [true, false] {
                var index = 0
                while index < olds.count {
                    let o = olds[index]
                    if let n = news.firstIndex(where: {
                        $0.listener.address == o.listener.address
                            && (!samePids || Self.pids($0.listener) == Self.pids(o.listener))
                    }) {
                        pairs.append((o, news.remove(at: n)))
                        olds.remove(at: index)
                    } else {
                        index += 1
                    }
                }
            }
            if olds.count == 1, news.count == 1 {
                pairs.append((olds.removeFirst(), news.removeFirst()))
            }
            var group: [Change] = olds.map(Change.removed) + news.map(Change.added)
            for (o, n) in pairs {
                let aspects = Self.aspects(o, n)
                if aspects.isEmpty {
                    unchanged += 1
                } else {
                    group.append(.changed(old: o, new: n, aspects: aspects))
                }
            }
            changes += group.sorted { Self.rank($0) < Self.rank($1) }
        }
        self.changes = changes
        self.unchanged = unchanged
    }

    var added: Int { changes.count { if case .added = $0 { true } else { false } } }
    var removed: Int { changes.count { if case .removed = $0 { true } else { false } } }
    var changed: Int { changes.count { if case .changed = $0 { true } else { false } } }

    private static func rank(_ change: Change) -> (Int, String) {
        switch change {
        case .removed(let e): (0, e.listener.address)
        case .added(let e): (1, e.listener.address)
        case .changed(_, let e, _): (2, e.listener.address)
        }
    }

    private static func pids(_ listener: Listener) -> [Int32] { listener.owners.map(\.pid).sorted() }

    /// The owners as compared: pid, process name and user.
    static func ownerKey(_ listener: Listener) -> [String] {
        listener.owners.map { "\($0.pid)\u{0}\($0.process)\u{0}\($0.user)" }.sorted()
    }

    static func aspects(_ old: Entry, _ new: Entry) -> [Aspect] {
        var aspects: [Aspect] = []
        if ownerKey(old.listener) != ownerKey(new.listener) { aspects.append(.owner) }
        if old.listener.address != new.listener.address { aspects.append(.address) }
        if old.listener.v6Only != new.listener.v6Only { aspects.append(.v6Only) }
        if old.verdict != new.verdict || old.registered != new.registered { aspects.append(.verdict) }
        return aspects
    }

    // MARK: Sentences

    /// `python3 (pid 4121, user ada)`; several owners joined by "and"; a hidden owner said so.
    static func owners(_ listener: Listener) -> String {
        guard !listener.owners.isEmpty else {
            return "a process porthole cannot see (socket of user \(Visible.text(listener.user)))"
        }
        return listener.owners.map { "\(Visible.text($0.process)) (pid \($0.pid), user \(Visible.text($0.user)))" }
            .joined(separator: " and ")
    }

    /// `2991/tcp at 127.0.0.1`, with `(+v4)` for a dual-stack socket and its namespace if not ours.
    static func place(_ listener: Listener) -> String {
        var text = "\(listener.port)/\(listener.transport.rawValue) at \(Visible.text(listener.address))"
        if listener.v6Only == false { text += " (+v4)" }
        if let ns = listener.netns { text += " in \(Visible.text(ns))" }
        return text
    }

    /// `, registered to wkstn-mon — differs`, or ` — unregistered`.
    static func standing(_ entry: Entry) -> String {
        let names =
            entry.registered.isEmpty ? "" : ", registered to \(Visible.text(entry.registered.joined(separator: ", ")))"
        return "\(names) — \(Visible.text(entry.verdict))"
    }

    /// One sentence a person reads at a glance.
    static func sentence(_ change: Change) -> String {
        switch change {
        case .added(let e):
            return "new: \(owners(e.listener)) listens on \(place(e.listener))\(standing(e))"
        case .removed(let e):
            return "gone: \(owners(e.listener)) no longer listens on \(place(e.listener))"
        case .changed(let o, let n, let aspects):
            var parts: [String] = []
            for aspect in aspects {
                switch aspect {
                case .owner: parts.append("owner was \(owners(o.listener)), now \(owners(n.listener))")
                case .address:
                    parts.append(
                        "address was \(Visible.text(o.listener.address)), now \(Visible.text(n.listener.address))")
                case .v6Only: parts.append("was \(family(o.listener.v6Only)), now \(family(n.listener.v6Only))")
                case .verdict:
                    parts.append(
                        "verdict was \(Visible.text(o.verdict))\(registered(o)), now \(Visible.text(n.verdict))\(registered(n))"
                    )
                }
            }
            return "changed: \(n.listener.port)/\(n.listener.transport.rawValue) at \(Visible.text(n.listener.address))"
                + (n.listener.netns.map { " in \(Visible.text($0))" } ?? "") + " — " + parts.joined(separator: "; ")
        }
    }

    private static func family(_ v6Only: Bool?) -> String {
        switch v6Only {
        case true?: "IPv6 only"
        case false?: "IPv6 and IPv4"
        case nil: "of unknown IPv6-only setting"
        }
    }

    private static func registered(_ entry: Entry) -> String {
        entry.registered.isEmpty ? "" : " (\(Visible.text(entry.registered.joined(separator: ", "))))"
    }

    /// One object per change, like osquery's differential results: `action`, the identity,
    /// and the listener before (`old`) and after (`new`).
    static func json(_ change: Change) -> JSON {
        var members: [(String, JSON)] = [("action", .string(change.action)), ("identity", change.identity.json)]
        switch change {
        case .added(let e): members.append(("new", TerritorySnapshot.json(e)))
        case .removed(let e): members.append(("old", TerritorySnapshot.json(e)))
        case .changed(let o, let n, let aspects):
            members.append(("fields", .strings(aspects.map(\.rawValue))))
            members.append(("old", TerritorySnapshot.json(o)))
            members.append(("new", TerritorySnapshot.json(n)))
        }
        return .fields(members)
    }
}
