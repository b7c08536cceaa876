import PortListeners

/// One host's listeners as another machine recorded them: a porthole snapshot, an `ss`
/// capture or osquery's rows. Each file read gives one or more of these.
struct TerritoryHost: Sendable, Equatable {
    /// The host's name as the file gives it (a snapshot's host, osquery's host identifier) or,
    /// for `ss` and `osqueryi` output which carry none, as its file name says.
    var name: String
    var listeners: [Listener]
    var format: TerritoryFormat
    var path: String
    /// When the listeners were recorded (seconds since the Unix epoch), when the file says;
    /// else the file's modification time. The newest of two hosts with one name wins.
    var takenAt: Double
}

/// The formats porthole reads territories from, told apart by their content.
enum TerritoryFormat: String, Sendable, Equatable {
    case snapshot = "porthole snapshot"
    case ss = "ss -tlunp"
    case osqueryi = "osqueryi --json"
    case fleetctl = "fleetctl query --json"
    case osqueryd = "osqueryd results log"
}

/// Why a file holds no territory porthole can read, in words that follow the file's name.
struct TerritoryReadError: Error, Equatable, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The pure readers: bytes and a file name in, hosts out. The host reads files; these only
/// parse, so the fuzzer and the tests feed them bytes directly.
enum TerritoryReader {
    /// Larger files are refused before being read: an `ss` capture of 20,000 sockets is about
    /// 3 MB, and an osqueryd log rotates long before this.
    static let maximumBytes = 64 << 20

    /// Reads one file's hosts, detecting the format from the first bytes, never the name.
    static func read(_ bytes: [UInt8], path: String, modified: Double) throws(TerritoryReadError) -> [TerritoryHost] {
        var hosts = try readUnsorted(bytes, path: path, modified: modified)
        for i in hosts.indices { hosts[i].listeners.sort(by: TerritorySnapshot.order) }
        return hosts
    }

    private static func readUnsorted(_ bytes: [UInt8], path: String, modified: Double) throws(TerritoryReadError)
        -> [TerritoryHost]
    {
        guard let first = bytes.firstIndex(where: { !isSpace($0) }) else {
            throw TerritoryReadError(bytes.isEmpty ? "is empty" : "holds only blank space")
        }
        switch bytes[first] {
        case UInt8(ascii: "{"):
            return try readJSONObjects(bytes, path: path, modified: modified)
        case UInt8(ascii: "["):
            return [
                TerritoryHost(
                    name: hostName(fromPath: path), listeners: try OsqueryRows.listeners(osqueryiArray(bytes)),
                    format: .osqueryi, path: path, takenAt: modified)
            ]
        default:
            return [
                TerritoryHost(
                    name: hostName(fromPath: path), listeners: try SSCapture.parse(bytes), format: .ss, path: path,
                    takenAt: modified)
            ]
        }
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    /// A host name from a file's path, for formats that carry none: `web1.ss` and `web1.txt`
    /// give `web1`; a file with a generic name (`ss.txt`, `listeners.json`) inside a folder
    /// named after its host, as Ansible's `fetch` lays them out (`web1/ss.txt`), gives the
    /// folder's name.
    static func hostName(fromPath path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let file = parts.last else { return path }
        var stem = Substring(file)
        if let dot = stem.firstIndex(of: "."), dot != stem.startIndex { stem = stem[..<dot] }
        let generic: Set<String> = [
            "ss", "listeners", "listening", "ports", "listening_ports", "osquery", "output", "stdout", "result",
            "results", "snapshot",
        ]
        if generic.contains(stem.lowercased()), parts.count >= 2 { return String(parts[parts.count - 2]) }
        return String(stem)
    }

    /// A document that starts with `{`: a porthole snapshot (one object), or JSON Lines from
    /// fleetctl (`{"host", "rows"}`) or osqueryd's results log (`{"name", "hostIdentifier", …}`).
    private static func readJSONObjects(_ bytes: [UInt8], path: String, modified: Double) throws(TerritoryReadError)
        -> [TerritoryHost]
    {
        // A snapshot as porthole writes it is read straight from the bytes; anything else,
        // damaged snapshots included, takes the general way below, which words what is wrong.
        if let snapshot = TerritorySnapshot.decodeDirect(bytes) { return [host(snapshot, path: path)] }
        // A snapshot is one JSON document, usually one line; JSON Lines are several.
        if let whole = try? JSONReader.parse(bytes), case .object(let fields) = whole, fields["format"] != nil {
            return [try snapshotHost(whole, path: path)]
        }
        var lines: [(number: Int, value: [String: JSON])] = []
        var start = 0
        var number = 0
        while start < bytes.count {
            number += 1
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            let line = Array(bytes[start..<end])
            start = end + 1
            guard line.contains(where: { !isSpace($0) }) else { continue }
            let value: JSON
            do throws(JSONReader.Failure) {
                value = try JSONReader.parse(line)
            } catch {
                if start >= bytes.count, case .unexpectedEnd = error.problem {
                    throw TerritoryReadError("is cut short: \(error)")
                }
                throw TerritoryReadError("line \(number) is not JSON: \(error)")
            }
            guard case .object(let object) = value else {
                throw TerritoryReadError("line \(number) is a JSON \(TerritorySnapshot.kind(of: value)), not an object")
            }
            lines.append((number, object))
        }
        guard let head = lines.first?.value else { throw TerritoryReadError("holds no JSON object") }
        if head["format"] != nil, lines.count == 1 { return [try snapshotHost(.object(head), path: path)] }
        if head["rows"] != nil { return try OsqueryRows.fleetctl(lines, path: path, modified: modified) }
        if head["hostIdentifier"] != nil { return try OsqueryRows.resultsLog(lines, path: path) }
        throw TerritoryReadError(
            "is JSON but none of the formats porthole reads: a porthole snapshot has \"format\", fleetctl's lines "
                + "\"host\" and \"rows\", osqueryd's results log \"hostIdentifier\"")
    }

    private static func snapshotHost(_ root: JSON, path: String) throws(TerritoryReadError) -> TerritoryHost {
        let snapshot: TerritorySnapshot
        do throws(TerritorySnapshot.ReadError) {
            snapshot = try TerritorySnapshot.decode(root: root)
        } catch {
            throw TerritoryReadError(error.message)
        }
        return host(snapshot, path: path)
    }

    private static func host(_ snapshot: TerritorySnapshot, path: String) -> TerritoryHost {
        TerritoryHost(
            name: snapshot.machine.hostName, listeners: snapshot.listeners.map(\.listener), format: .snapshot,
            path: path, takenAt: snapshot.takenAt)
    }

    private static func osqueryiArray(_ bytes: [UInt8]) throws(TerritoryReadError) -> [[String: JSON]] {
        let value: JSON
        do throws(JSONReader.Failure) {
            value = try JSONReader.parse(bytes)
        } catch {
            switch error.problem {
            case .unexpectedEnd, .empty: throw TerritoryReadError("is cut short: \(error)")
            default: throw TerritoryReadError("is not JSON: \(error)")
            }
        }
        guard case .array(let items) = value else { throw TerritoryReadError("is not a JSON array of rows") }
        var rows: [[String: JSON]] = []
        for (i, item) in items.enumerated() {
            guard case .object(let row) = item else { throw TerritoryReadError("row \(i + 1) is not an object") }
            rows.append(row)
        }
        return rows
    }
}

/// osquery's rows of `listening_ports` joined with `processes`: every value a string
/// (numbers too, unless osqueryd logs with `numerics`), protocol 6 or 17, family 2 or 10. One
/// row per process and descriptor, so a shared socket comes as several rows and becomes one
/// listener with several owners.
enum OsqueryRows {
    static func listeners(_ rows: [[String: JSON]]) throws(TerritoryReadError) -> [Listener] {
        struct Key: Hashable {
            var transport: SocketTransport
            var address: String
            var port: UInt16
            var namespace: String
        }
        var order: [Key] = []
        var owners: [Key: [SocketOwner]] = [:]
        var families: [Key: Int] = [:]
        for (i, row) in rows.enumerated() {
            func text(_ key: String) -> String? {
                switch row[key] {
                case .string(let s): return s
                case .int(let n): return String(n)
                default: return nil
                }
            }
            guard let portText = text("port"), let port = UInt16(portText) else {
                throw TerritoryReadError("row \(i + 1) has no port from 0 to 65535 (\"port\")")
            }
            guard let protocolText = text("protocol") else {
                throw TerritoryReadError("row \(i + 1) has no \"protocol\"")
            }
            // A UNIX socket (family 1) or another protocol is not a port listener.
            let transport: SocketTransport
            switch protocolText {
            case "6": transport = .tcp
            case "17": transport = .udp
            default: continue
            }
            let family = Int(text("family") ?? "") ?? 0
            guard family == 2 || family == 10, port != 0 else { continue }
            let key = Key(
                transport: transport, address: text("address") ?? "", port: port, namespace: text("net_namespace") ?? ""
            )
            if owners[key] == nil {
                order.append(key)
                owners[key] = []
                families[key] = family
            }
            if let pidText = text("pid"), let pid = Int32(pidText), pid > 0 {
                let name = text("name") ?? ""
                let command = text("cmdline") ?? text("path") ?? ""
                owners[key]!.append(
                    SocketOwner(
                        pid: pid, process: name, command: command, uid: SSCapture.unknownUID,
                        user: SSCapture.unknownUser,
                        startedAt: nil))
            }
        }
        return order.map { key in
            let seen = owners[key] ?? []
            return Listener(
                transport: key.transport, address: key.address, port: key.port, uid: SSCapture.unknownUID,
                user: SSCapture.unknownUser, inode: 0, v6Only: nil, owners: seen,
                ownerHiddenReason: seen.isEmpty ? "osquery named no process for this socket" : nil)
        }
    }

    /// `fleetctl query --json`: one `{"host": NAME, "rows": […]}` line per host.
    static func fleetctl(_ lines: [(number: Int, value: [String: JSON])], path: String, modified: Double)
        throws(TerritoryReadError) -> [TerritoryHost]
    {
        var order: [String] = []
        var rows: [String: [[String: JSON]]] = [:]
        for (number, line) in lines {
            guard case .string(let host) = line["host"], !host.isEmpty else {
                throw TerritoryReadError("line \(number) has no \"host\" string")
            }
            guard case .array(let items) = line["rows"] else {
                throw TerritoryReadError("line \(number) has no \"rows\" array")
            }
            if rows[host] == nil { order.append(host) }
            for item in items {
                guard case .object(let row) = item else {
                    throw TerritoryReadError("line \(number) has a row that is not an object")
                }
                rows[host, default: []].append(row)
            }
        }
        var hosts: [TerritoryHost] = []
        for host in order {
            do throws(TerritoryReadError) {
                hosts.append(
                    TerritoryHost(
                        name: host, listeners: try listeners(rows[host] ?? []), format: .fleetctl, path: path,
                        takenAt: modified))
            } catch {
                throw TerritoryReadError("host \(Visible.text(String(host.prefix(80)))): \(error.message)")
            }
        }
        return hosts
    }

    /// osqueryd's results log: each line one query's `added` or `removed` row (`columns`) or
    /// its whole `snapshot`, for one `hostIdentifier`, oldest first. Applying them in order
    /// leaves each host's latest rows; lines of queries without ports (`processes`) add none.
    static func resultsLog(_ lines: [(number: Int, value: [String: JSON])], path: String) throws(TerritoryReadError)
        -> [TerritoryHost]
    {
        struct QueryKey: Hashable {
            var host: String
            var query: String
        }
        var hostOrder: [String] = []
        var latest: [String: Double] = [:]
        var state: [QueryKey: [[String: JSON]]] = [:]
        var queries: [String: [String]] = [:]
        for (number, line) in lines {
            guard case .string(let host) = line["hostIdentifier"], !host.isEmpty else {
                throw TerritoryReadError("line \(number) has no \"hostIdentifier\" string")
            }
            let query: String
            if case .string(let name) = line["name"] { query = name } else { query = "" }
            var time: Double = 0
            switch line["unixTime"] {
            case .int(let n): time = Double(n)
            case .string(let s): time = Double(s) ?? 0
            case .double(let d): time = d
            default: throw TerritoryReadError("line \(number) has no \"unixTime\"")
            }
            if latest[host] == nil { hostOrder.append(host) }
            latest[host] = max(latest[host] ?? 0, time)
            let key = QueryKey(host: host, query: query)
            if state[key] == nil {
                state[key] = []
                queries[host, default: []].append(query)
            }
            guard case .string(let action) = line["action"] else {
                throw TerritoryReadError("line \(number) has no \"action\"")
            }
            switch action {
            case "snapshot":
                guard case .array(let items) = line["snapshot"] else {
                    throw TerritoryReadError("line \(number) is a snapshot without a \"snapshot\" array")
                }
                var rows: [[String: JSON]] = []
                for item in items {
                    guard case .object(let row) = item else {
                        throw TerritoryReadError("line \(number) has a row that is not an object")
                    }
                    rows.append(row)
                }
                state[key] = rows
            case "added", "removed":
                guard case .object(let row) = line["columns"] else {
                    throw TerritoryReadError("line \(number) is '\(action)' without a \"columns\" object")
                }
                if action == "added" {
                    state[key]!.append(row)
                } else if let at = state[key]!.firstIndex(of: row) {
                    state[key]!.remove(at: at)
                }
            default:
                throw TerritoryReadError(
                    "line \(number) has the action '\(Visible.text(String(action.prefix(40))))'; osqueryd writes added, removed or snapshot"
                )
            }
        }
        var hosts: [TerritoryHost] = []
        for host in hostOrder {
            let rows = (queries[host] ?? []).flatMap { state[QueryKey(host: host, query: $0)] ?? [] }.filter {
                $0["port"] != nil && $0["protocol"] != nil
            }
            do throws(TerritoryReadError) {
                hosts.append(
                    TerritoryHost(
                        name: host, listeners: try listeners(rows), format: .osqueryd, path: path,
                        takenAt: latest[host] ?? 0))
            } catch {
                throw TerritoryReadError("host \(Visible.text(String(host.prefix(80)))): \(error.message)")
            }
        }
        return hosts
    }
}
