import PortListeners
import PortRegistry

@testable import PortExplorer

/// A registry and a territory for the command tests: each listener earns one `who` verdict.
enum Territory {
    static let records: [ServiceRecord] = [
        ServiceRecord(
            name: "ssh", ports: PortRange(22), transport: .tcp, description: "The Secure Shell (SSH) Protocol",
            references: [Reference(kind: .rfc, value: "rfc4251")]),
        ServiceRecord(name: nil, ports: PortRange(4), transport: .tcp, description: "Unassigned"),
        ServiceRecord(
            name: "ipp", ports: PortRange(631), transport: .tcp, description: "IPP (Internet Printing Protocol)"),
        ServiceRecord(
            name: "wkstn-mon", ports: PortRange(2991), transport: .tcp, description: "WKSTN-MON",
            assignees: ["William_David"], contacts: ["William_David"]),
        ServiceRecord(
            name: "wkstn-mon", ports: PortRange(2991), transport: .udp, description: "WKSTN-MON",
            assignees: ["William_David"], contacts: ["William_David"]),
    ]

    static func owner(_ process: String, pid: Int32, command: String, user: String = "root", uid: UInt32 = 0)
        -> SocketOwner
    {
        SocketOwner(pid: pid, process: process, command: command, uid: uid, user: user, startedAt: nil)
    }

    /// sshd on ssh's port: it looks like the registered service.
    static let sshd = Listener(
        transport: .tcp, address: "0.0.0.0", port: 22, uid: 0, user: "root", inode: 1001, v6Only: nil,
        owners: [owner("sshd", pid: 812, command: "/usr/sbin/sshd -D")])
    /// python3 on wkstn-mon's port: the port is registered to something else.
    static let python = Listener(
        transport: .tcp, address: "127.0.0.1", port: 2991, uid: 1000, user: "alice", inode: 1002, v6Only: nil,
        owners: [owner("python3", pid: 4242, command: "python3 -m http.server 2991", user: "alice", uid: 1000)])
    /// node on a port nobody registered, below the dynamic range; IPv6 that also takes IPv4.
    static let node = Listener(
        transport: .tcp, address: "::", port: 3000, uid: 1000, user: "alice", inode: 1003, v6Only: false,
        owners: [owner("node", pid: 5000, command: "node server.js", user: "alice", uid: 1000)])
    /// A UDP socket in the dynamic range.
    static let dynamic = Listener(
        transport: .udp, address: "0.0.0.0", port: 50000, uid: 1000, user: "alice", inode: 1004, v6Only: nil,
        owners: [owner("game", pid: 6000, command: "./game", user: "alice", uid: 1000)])
    /// ipp's port held by a process this user may not see.
    static let hidden = Listener(
        transport: .tcp, address: "127.0.0.1", port: 631, uid: 0, user: "root", inode: 1005, v6Only: nil,
        owners: [], ownerHiddenReason: "owned by another user; run as root to see it")

    static let all = [sshd, python, node, dynamic, hidden]

    static func host(
        territory: [Listener]? = all,
        settings: HostPortSettings = HostPortSettings(
            ephemeralRange: 40000...50000, unprivilegedPortStart: 80, reservedPorts: []),
        history: [String]? = nil
    ) -> FixedHost {
        FixedHost(
            registry: makeRegistry(records: records, people: [william]), territory: territory, settings: settings,
            history: history)
    }

    static let plain = TextContext(width: 80, color: false)

    /// The text of the single successful command on a line, at 80 columns without colour.
    static func text(_ line: String, in explorer: Explorer) throws -> String {
        let outcomes = explorer.evaluate(line)
        guard outcomes.count == 1 else { throw Unexpected(outcomes: outcomes.count) }
        return try outcomes[0].result.get().text(plain)
    }

    /// The JSON fields of the single successful command on a line. A field written as bytes
    /// already (`who`'s listeners) is read back into values, so a test can look inside it.
    static func json(_ line: String, in explorer: Explorer) throws -> [String: JSON] {
        let outcomes = explorer.evaluate(line)
        guard outcomes.count == 1 else { throw Unexpected(outcomes: outcomes.count) }
        return try outcomes[0].result.get().json.mapValues { value in
            guard case .encoded(let bytes) = value else { return value }
            return try JSONReader.parse(bytes)
        }
    }

    /// A value as `json` gives back one written as bytes: objects without their keys' order.
    static func readBack(_ value: JSON) -> JSON {
        (try? JSONReader.parse(Array(value.encoded.utf8))) ?? .null
    }

    struct Unexpected: Error { let outcomes: Int }
}
