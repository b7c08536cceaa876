#if os(Linux)
    import PortSystem

    // swift-format-ignore: AlwaysUseLowerCamelCase
    @_silgen_name("setns")
    private func c_setns(_ fd: Int32, _ nstype: Int32) -> Int32

    // swift-format-ignore: AlwaysUseLowerCamelCase
    private let CLONE_NEWNET: Int32 = 0x4000_0000

    /// Another network namespace on this host: invisible to sock_diag and /proc/net from here.
    struct NetNamespace {
        /// The nsfs inode, as in `net:[4026532…]`.
        var id: UInt64
        /// What to open to enter it: `/proc/PID/ns/net` or `/run/netns/NAME`.
        var path: String
        var pids: [Int32] = []
        var names: [String] = []

        /// `net:[4026532…] (ip netns NAME; pids 12 python3, 34 sleep)`
        func label(procRoot: String) -> String {
            var parts: [String] = []
            if !names.isEmpty { parts.append(names.map { "ip netns \($0)" }.joined(separator: ", ")) }
            if !pids.isEmpty {
                let shown = pids.sorted().prefix(3).map { pid -> String in
                    let comm = readIfReadable("\(procRoot)/\(pid)/comm").map {
                        String(decoding: $0.last == 10 ? $0.dropLast() : $0[...], as: UTF8.self)
                    }
                    return comm.map { "\(pid) \($0)" } ?? "\(pid)"
                }
                parts.append(
                    "pid" + (pids.count > 1 ? "s " : " ") + shown.joined(separator: ", ")
                        + (pids.count > 3 ? " and \(pids.count - 3) more" : ""))
            }
            return "net:[\(id)]" + (parts.isEmpty ? "" : " (" + parts.joined(separator: "; ") + ")")
        }
    }

    enum NetNamespaces {
        /// `net:[N]` → N
        static func parseLink(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
            guard bytes.count > 6, bytes.starts(with: "net:[".utf8), bytes.last == UInt8(ascii: "]") else { return nil }
            return UInt64(String(decoding: bytes[5..<(bytes.count - 1)], as: UTF8.self))
        }

        static func readLink(_ dirFD: Int32, _ path: String) -> UInt64? {
            var buffer = [UInt8](repeating: 0, count: 64)
            return buffer.withUnsafeMutableBytes { b -> UInt64? in
                let n = readlinkat(dirFD, path, b.baseAddress!.assumingMemoryBound(to: CChar.self), b.count)
                guard n > 0, n < b.count else { return nil }
                return parseLink(UnsafeRawBufferPointer(rebasing: b[0..<n]))
            }
        }

        /// Our own namespace, or nil when it cannot be told.
        static func own() -> UInt64? { readLink(AT_FDCWD, "/proc/thread-self/ns/net") }

        /// Every distinct network namespace other than ours: of running processes and of
        /// `ip netns` names under /run/netns.
        static func others(procRoot: String, pids: [Int32]) -> [NetNamespace] {
            guard let mine = own() else { return [] }
            var found: [UInt64: NetNamespace] = [:]
            let procFD = open(procRoot, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard procFD >= 0 else { return [] }
            defer { close(procFD) }
            for pid in pids {
                guard let id = readLink(procFD, "\(pid)/ns/net"), id != mine else { continue }
                found[id, default: NetNamespace(id: id, path: "\(procRoot)/\(pid)/ns/net")].pids.append(pid)
            }
            if let dir = opendir("/run/netns") {
                defer { closedir(dir) }
                while let entry = readdir(dir) {
                    let name = withEntryNamePointer(entry) { String(cString: $0) }
                    guard name != ".", name != ".." else { continue }
                    var st = stat()
                    let path = "/run/netns/" + name
                    guard stat(path, &st) == 0 else { continue }
                    let id = UInt64(st.st_ino)
                    guard id != mine else { continue }
                    if found[id] == nil { found[id] = NetNamespace(id: id, path: path) }
                    found[id]!.names.append(name)
                    // A name is a steadier handle than a pid that may exit.
                    found[id]!.path = path
                }
            }
            return found.values.sorted { $0.id < $1.id }
        }

        /// Dumps each namespace's tables on a dedicated thread that enters it with setns and
        /// goes back before it ends, so the rest of the process never changes namespace.
        static func dump(
            _ namespaces: [NetNamespace], transports: Set<SocketTransport>, port: UInt16?,
            forceProcfs: Bool
        ) -> (dumps: [(NetNamespace, TableDump)], notes: [String]) {
            let job = Job(namespaces: namespaces, transports: transports, port: port, forceProcfs: forceProcfs)
            do {
                try runOnOwnThread { job.run() }
            } catch {
                return ([], ["other network namespaces not searched: cannot start a thread (\(error))"])
            }
            return (job.dumps, job.notes)
        }

        private final class Job: @unchecked Sendable {
            let namespaces: [NetNamespace]
            let transports: Set<SocketTransport>
            let port: UInt16?
            let forceProcfs: Bool
            var dumps: [(NetNamespace, TableDump)] = []
            var notes: [String] = []

            init(namespaces: [NetNamespace], transports: Set<SocketTransport>, port: UInt16?, forceProcfs: Bool) {
                self.namespaces = namespaces
                self.transports = transports
                self.port = port
                self.forceProcfs = forceProcfs
            }

            func run() {
                let original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
                guard original >= 0 else {
                    notes.append("other network namespaces not searched: cannot open our own namespace")
                    return
                }
                defer { close(original) }
                for ns in namespaces {
                    let fd = open(ns.path, O_RDONLY | O_CLOEXEC)
                    guard fd >= 0 else { continue }  // its last process exited: nothing to list
                    let entered = c_setns(fd, CLONE_NEWNET)
                    let why = errno
                    close(fd)
                    guard entered == 0 else {
                        notes.append("network namespace net:[\(ns.id)] not searched: \(String(cString: strerror(why)))")
                        continue
                    }
                    let dump = TableDump(
                        transports: transports, port: port,
                        procNetDirectory: "/proc/thread-self/net", forceProcfs: forceProcfs)
                    dumps.append((ns, dump))
                }
                if c_setns(original, CLONE_NEWNET) != 0 {
                    // The thread ends right after this, so the process itself is unaffected.
                    notes.append("could not return the scanning thread to its network namespace")
                }
            }
        }
    }
#endif
