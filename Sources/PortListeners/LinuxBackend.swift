#if os(Linux)
    import PortSystem

    /// Linux: socket tables from netlink sock_diag (procfs as fallback), owners from /proc.
    struct LinuxBackend: ListenerBackend {
        /// Test seam: read /proc/net text instead of netlink.
        var forceProcfs = false
        var procRoot = "/proc"
        /// Test seam for the visibility wording; the real effective uid by default.
        var callerUID: UInt32 = UInt32(geteuid())
        /// Owners from the last scan of a watch, reused while they still hold.
        var cache: OwnerCache?

        func scan(_ query: ListenerQuery) throws(ListenerError) -> ListenerScan {
            let onePort: UInt16? = query.ports.flatMap { $0.lowerBound == $0.upperBound ? $0.lowerBound : nil }
            let here = TableDump(
                transports: query.transports, port: onePort,
                procNetDirectory: procRoot + "/net", forceProcfs: forceProcfs)
            if let failure = here.failure { throw .socketTableUnavailable(failure) }
            var notes = here.notes
            var sources = here.sources
            // (socket, netns label) — the label is nil in our own namespace.
            var found: [(RawSocket, String?)] = here.sockets.map { ($0, nil) }

            let walk = OwnerWalk(procRoot: procRoot)
            if query.allNetworkNamespaces {
                if callerUID != 0 || geteuid() != 0 {
                    notes.append("other network namespaces not searched: needs root")
                } else {
                    let all = walk.listPIDs()
                    let namespaces = NetNamespaces.others(procRoot: procRoot, pids: all)
                    let (dumps, nsNotes) = NetNamespaces.dump(
                        namespaces, transports: query.transports,
                        port: onePort, forceProcfs: forceProcfs)
                    notes += nsNotes
                    for (ns, dump) in dumps {
                        let label = ns.label(procRoot: procRoot)
                        if let failure = dump.failure {
                            notes.append("\(label): cannot read the socket table: \(failure)")
                        }
                        notes += dump.notes.map { "\(label): \($0)" }
                        sources.formUnion(dump.sources)
                        found += dump.sockets.map { ($0, label) }
                    }
                }
            }

            if let ports = query.ports { found.removeAll { !ports.contains($0.0.port) } }
            // A multi-part dump of a table that changes meanwhile can repeat a socket: one per inode.
            var seen = Set<UInt64>(minimumCapacity: found.count)
            found.removeAll { $0.0.inode != 0 && !seen.insert($0.0.inode).inserted }
            let source =
                sources.isEmpty
                ? (forceProcfs ? "procfs" : "netlink")
                : (sources.count == 1 ? sources.first! : sources.sorted().joined(separator: "+"))
            guard !found.isEmpty else {
                // Nothing listens: no /proc walk at all.
                return ListenerScan(listeners: [], notes: notes, socketSource: source)
            }

            var users = UserNames()
            var wanted = Set<UInt64>(minimumCapacity: found.count)
            for (s, _) in found where s.inode != 0 { wanted.insert(s.inode) }
            let owners = ownersOf(wanted, walk: walk, users: &users)
            let context = OwnerVisibility.Context(
                callerUID: callerUID, deniedPIDs: owners.deniedPIDs,
                deniedUIDs: owners.deniedUIDs)

            found.sort { a, b in
                let x = a.0
                let y = b.0
                if x.port != y.port { return x.port < y.port }
                if x.transport != y.transport { return x.transport == .tcp }
                if x.address.isIPv6 != y.address.isIPv6 { return !x.address.isIPv6 }
                if x.address.high != y.address.high { return x.address.high < y.address.high }
                if x.address.low != y.address.low { return x.address.low < y.address.low }
                return x.inode < y.inode
            }
            // Each address written once; most sockets on a busy host share the previous one's.
            var texts: [IPAddress: String] = [:]
            var lastText: (address: IPAddress, text: String)?
            var listeners: [Listener] = []
            listeners.reserveCapacity(found.count)
            for (s, netns) in found {
                let text: String
                if let last = lastText, last.address == s.address {
                    text = last.text
                } else if let t = texts[s.address] {
                    text = t
                    lastText = (s.address, t)
                } else {
                    text = s.address.text
                    texts[s.address] = text
                    lastText = (s.address, text)
                }
                let user = users.name(s.uid)
                var socketOwners = s.inode == 0 ? [] : owners.owners[s.inode] ?? []
                if socketOwners.count > 1 { socketOwners.sort { $0.pid < $1.pid } }
                let reason = OwnerVisibility.reason(
                    socketUID: s.uid, socketUser: user, inode: s.inode,
                    ownersFound: !socketOwners.isEmpty, context: context)
                listeners.append(
                    Listener(
                        transport: s.transport, address: text, port: s.port, uid: s.uid, user: user,
                        inode: s.inode, v6Only: s.address.isIPv6 ? s.v6Only : nil,
                        owners: socketOwners, ownerHiddenReason: reason, netns: netns))
            }
            return ListenerScan(listeners: listeners, notes: notes, socketSource: source)
        }

        /// The owners of `wanted`: from the cache when it still tells the truth, else walked.
        private func ownersOf(_ wanted: Set<UInt64>, walk: OwnerWalk, users: inout UserNames) -> OwnerWalk.Result {
            guard let cache else { return walk.run(wanted: wanted, users: &users) }
            cache.counted()
            if wanted.isSubset(of: cache.looked), ownersStillLive(cache.owners) {
                var result = OwnerWalk.Result()
                result.owners = cache.owners
                result.deniedPIDs = cache.deniedPIDs
                result.deniedUIDs = cache.deniedUIDs
                return result
            }
            let result = walk.run(wanted: wanted, users: &users)
            cache.remember(
                looked: wanted, owners: result.owners, deniedPIDs: result.deniedPIDs, deniedUIDs: result.deniedUIDs)
            return result
        }

        /// Whether every owner still runs as the same process: its pid's start time is unchanged.
        private func ownersStillLive(_ owners: [UInt64: [SocketOwner]]) -> Bool {
            var clock = StartClock()
            var checked = Set<Int32>()
            for owner in owners.values.joined() where checked.insert(owner.pid).inserted {
                guard let bytes = readIfReadable("\(procRoot)/\(owner.pid)/stat"),
                    let stat = ProcParsers.stat(bytes), clock.seconds(ticks: stat.startTicks) == owner.startedAt
                else { return false }
            }
            return true
        }
    }
#endif
