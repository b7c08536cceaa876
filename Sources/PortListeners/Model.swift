/// The transports a listener can be found on.
public enum SocketTransport: String, Sendable, CaseIterable, Hashable {
    case tcp, udp
}

/// A process that holds a listening socket open.
public struct SocketOwner: Hashable, Sendable {
    public let pid: Int32
    /// The kernel's short name (`comm`).
    public let process: String
    /// The full command line, arguments joined by spaces; empty for kernel threads.
    public let command: String
    public let uid: UInt32
    public let user: String
    /// Seconds since the Unix epoch, when the process started.
    public let startedAt: Double?
    /// The container the process runs in (from its cgroup); nil on the host itself.
    public var container: Container?

    public init(
        pid: Int32, process: String, command: String, uid: UInt32, user: String, startedAt: Double?,
        container: Container? = nil
    ) {
        self.pid = pid
        self.process = process
        self.command = command
        self.uid = uid
        self.user = user
        self.startedAt = startedAt
        self.container = container
    }
}

/// A listening TCP socket or a bound, unconnected UDP socket.
///
/// Its fields live in one shared box, copied only when a copy is changed: a busy host has
/// tens of thousands of listeners, and every pass over them (filters, joins, tables) would
/// otherwise copy each one whole, retaining every string and array in it.
public struct Listener: Hashable, Sendable {
    private struct Fields: Hashable, Sendable {
        var transport: SocketTransport
        var address: String
        var port: UInt16
        var uid: UInt32
        var user: String
        var inode: UInt64
        var v6Only: Bool?
        var owners: [SocketOwner]
        var ownerHiddenReason: String?
        var netns: String?
        var container: Container?
        var forwardsTo: Forwarding?
    }

    /// Never changed once made: a change goes into a fresh box, so copies stay independent.
    private final class Box: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    private var fields: Fields {
        get { box.fields }
        set { box = Box(newValue) }
    }

    public var transport: SocketTransport { fields.transport }
    /// Numeric address as people write it: `127.0.0.1`, `::1`, `0.0.0.0`, `::`; IPv4-mapped
    /// IPv6 addresses are shown as IPv4.
    public var address: String { fields.address }
    public var port: UInt16 { fields.port }
    public var uid: UInt32 { fields.uid }
    public var user: String { fields.user }
    public var inode: UInt64 { fields.inode }
    /// Whether an IPv6 socket refuses IPv4 traffic; nil for IPv4 or when unknown.
    public var v6Only: Bool? { fields.v6Only }
    /// Every process holding the socket; empty when none could be seen.
    public var owners: [SocketOwner] {
        get { fields.owners }
        set { fields.owners = newValue }
    }
    /// Why the owners are missing, in plain words; nil when they were seen.
    public var ownerHiddenReason: String? {
        get { fields.ownerHiddenReason }
        set { fields.ownerHiddenReason = newValue }
    }
    /// The network namespace, when it is not this process's own (`net:[4026532…]`).
    public var netns: String? {
        get { fields.netns }
        set { fields.netns = newValue }
    }
    /// The container whose network namespace holds the socket, when its owners say so.
    public var container: Container? {
        get { fields.container }
        set { fields.container = newValue }
    }
    /// Where a published port's traffic goes, when the holder forwards it into a container.
    public var forwardsTo: Forwarding? {
        get { fields.forwardsTo }
        set { fields.forwardsTo = newValue }
    }

    public init(
        transport: SocketTransport, address: String, port: UInt16, uid: UInt32, user: String,
        inode: UInt64, v6Only: Bool?, owners: [SocketOwner] = [], ownerHiddenReason: String? = nil,
        netns: String? = nil, container: Container? = nil, forwardsTo: Forwarding? = nil
    ) {
        box = Box(
            Fields(
                transport: transport, address: address, port: port, uid: uid, user: user, inode: inode,
                v6Only: v6Only, owners: owners, ownerHiddenReason: ownerHiddenReason, netns: netns,
                container: container, forwardsTo: forwardsTo))
    }

    public var ownerVisible: Bool { ownerHiddenReason == nil }

    public static func == (a: Listener, b: Listener) -> Bool {
        a.box === b.box || a.fields == b.fields
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(fields) }
}

/// What to look for.
public struct ListenerQuery: Hashable, Sendable {
    public var transports: Set<SocketTransport>
    /// nil means every port.
    public var ports: ClosedRange<UInt16>?
    /// Also look inside every other network namespace (needs root).
    public var allNetworkNamespaces: Bool
    /// Where to look for the container runtimes' CLIs (`podman`, `docker`), as `PATH` is
    /// written; nil: containers are recognised from cgroups and command lines only, and no
    /// program is run.
    public var runtimeSearchPath: String?

    public init(
        transports: Set<SocketTransport> = [.tcp, .udp], ports: ClosedRange<UInt16>? = nil,
        allNetworkNamespaces: Bool = false, runtimeSearchPath: String? = nil
    ) {
        self.transports = transports
        self.ports = ports
        self.allNetworkNamespaces = allNetworkNamespaces
        self.runtimeSearchPath = runtimeSearchPath
    }
}

/// The outcome of one scan: listeners plus what could not be looked at, in plain words.
public struct ListenerScan: Sendable {
    public var listeners: [Listener]
    /// E.g. "other network namespaces not searched: needs root".
    public var notes: [String]
    /// `netlink` or `procfs`: which socket table answered.
    public var socketSource: String

    public init(listeners: [Listener], notes: [String] = [], socketSource: String) {
        self.listeners = listeners
        self.notes = notes
        self.socketSource = socketSource
    }
}

public enum ListenerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Neither netlink nor /proc/net could be read.
    case socketTableUnavailable(String)
    case unsupportedPlatform

    public var description: String {
        switch self {
        case .socketTableUnavailable(let why): "cannot read the socket table: \(why)"
        case .unsupportedPlatform: "listing listeners is not supported on this platform"
        }
    }
}
