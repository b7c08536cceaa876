#if os(Linux)
    import PortSystem

    /// The fallback socket table: /proc/net/{tcp,tcp6,udp,udp6} (or the same under
    /// /proc/thread-self/net inside another network namespace), parsed by `ProcParsers`.
    enum ProcNetTable {
        struct Failure: Error {
            var path: String
            var code: Int32
            var description: String { "\(path): \(String(cString: strerror(code)))" }
        }

        static func read(directory: String, transport: SocketTransport, ipv6: Bool, port: UInt16?) throws(Failure)
            -> [RawSocket]
        {
            let path = directory + "/" + transport.rawValue + (ipv6 ? "6" : "")
            // procfs hands out about a page per read however much is asked; a large buffer
            // keeps our side cheap.
            let text: [UInt8]
            do {
                text = try readWholeFile(at: path, chunk: 64 * 1024)
            } catch {
                throw Failure(path: path, code: error.rawValue)
            }
            var sockets = ProcParsers.procNet(text, transport: transport, ipv6: ipv6)
            if let port { sockets.removeAll { $0.port != port } }
            // procfs serves the table a page at a time; when sockets come and go between reads
            // a line can be served twice. An inode is one socket: keep its first line.
            var seen = Set<UInt64>(minimumCapacity: sockets.count)
            sockets.removeAll { $0.inode != 0 && !seen.insert($0.inode).inserted }
            return sockets
        }
    }

    /// One pass over the four tables of the current network namespace: netlink first, procfs
    /// for any table netlink could not give.
    struct TableDump {
        var sockets: [RawSocket] = []
        var sources: Set<String> = []
        var notes: [String] = []
        /// Set when an IPv4 table could be read neither way.
        var failure: String?

        init(transports: Set<SocketTransport>, port: UInt16?, procNetDirectory: String, forceProcfs: Bool) {
            var connection: SockDiagConnection?
            var netlinkWhy: String?
            if !forceProcfs {
                do { connection = try SockDiagConnection() } catch { netlinkWhy = error.description }
            }
            var ipv6Missing = false
            for transport in SocketTransport.allCases where transports.contains(transport) {
                for ipv6 in [false, true] {
                    if let connection {
                        do {
                            try connection.dump(
                                family: UInt8(ipv6 ? AF_INET6 : AF_INET), transport: transport,
                                port: port, into: &sockets)
                            sources.insert("netlink")
                            continue
                        } catch {
                            netlinkWhy = error.description
                        }
                    }
                    do {
                        sockets += try ProcNetTable.read(
                            directory: procNetDirectory, transport: transport, ipv6: ipv6, port: port)
                        sources.insert("procfs")
                        if let netlinkWhy, !forceProcfs {
                            notes.append("\(transport.rawValue)\(ipv6 ? "6" : "") read from /proc/net (\(netlinkWhy))")
                        }
                    } catch {
                        if ipv6 && error.code == ENOENT {
                            ipv6Missing = true
                        } else if ipv6 {
                            notes.append("\(transport.rawValue)6 table not read: \(error.description)")
                        } else {
                            failure = (netlinkWhy.map { $0 + "; " } ?? "") + error.description
                        }
                    }
                }
            }
            if ipv6Missing { notes.append("no IPv6 socket tables (IPv6 disabled?)") }
        }

        var sourceName: String {
            sources.count == 1 ? sources.first! : sources.sorted().joined(separator: "+")
        }
    }
#endif
