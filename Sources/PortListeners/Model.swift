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
    /// The fields, never changed once shared: a change goes to a fresh box (`mutate`).
    private final class Storage: Sendable {
        let transport: SocketTransport
        let address: String
        let port: UInt16
        let uid: UInt32
        let user: String
        let inode: UInt64
        let v6Only: Bool?
        let owners: [SocketOwner]
        let ownerHiddenReason: String?
        let netns: String?
        let container: Container?
        let forwardsTo: Forwarding?

        init(
            transport: SocketTransport, address: String, port: UInt16, uid: UInt32, user: String,
            inode: UInt64, v6Only: Bool?, owners: [SocketOwner], ownerHiddenReason: String?,
            netns: String?, container: Container?, forwardsTo: Forwarding?
        ) {
            self.transport = transport
            self.address = address
            self.port = port
            self.uid = uid
            self.user = user
            self.inode = inode
            self.v6Only = v6Only
            self.owners = owners
            self.ownerHiddenReason = ownerHiddenReason
            self.netns = netns
            self.container = container
            self.forwardsTo = forwardsTo
        }
    }

    private var storage: Storage

    public var transport: SocketTransport { storage.transport }
    /// Numeric address as people write it: `127.0.0.1`, `::1`, `0.0.0.0`, `::`; IPv4-mapped
    /// IPv6 addresses are shown as IPv4.
    public var address: String { storage.address }
    public var port: UInt16 { storage.port }
    public var uid: UInt32 { storage.uid }
    public var user: String { storage.user }
    public var inode: UInt64 { storage.inode }
    /// Whether an IPv6 socket refuses IPv4 traffic; nil for IPv4 or when unknown.
    public var v6Only: Bool? { storage.v6Only }
    /// Every process holding the socket; empty when none could be seen.
    public var owners: [SocketOwner] {
        get { storage.owners }
        set { mutate { $0.owners = newValue } }
    }
    /// Why the owners are missing, in plain words; nil when they were seen.
    public var ownerHiddenReason: String? {
        get { storage.ownerHiddenReason }
        set { mutate { $0.ownerHiddenReason = newValue } }
    }
    /// The network namespace, when it is not this process's own (`net:[4026532…]`).
    public var netns: String? {
        get { storage.netns }
        set { mutate { $0.netns = newValue } }
    }
    /// The container whose network namespace holds the socket, when its owners say so.
    public var container: Container? {
        get { storage.container }
        set { mutate { $0.container = newValue } }
    }
    /// Where a published port's traffic goes, when the holder forwards it into a container.
    public var forwardsTo: Forwarding? {
        get { storage.forwardsTo }
        set { mutate { $0.forwardsTo = newValue } }
    }

    public init(
        transport: SocketTransport, address: String, port: UInt16, uid: UInt32, user: String,
        inode: UInt64, v6Only: Bool?, owners: [SocketOwner] = [], ownerHiddenReason: String? = nil,
        netns: String? = nil, container: Container? = nil, forwardsTo: Forwarding? = nil
    ) {
        storage = Storage(
            transport: transport, address: address, port: port, uid: uid, user: user, inode: inode,
            v6Only: v6Only, owners: owners, ownerHiddenReason: ownerHiddenReason, netns: netns,
            container: container, forwardsTo: forwardsTo)
    }

    /// The fields that can change after a scan, changed into a new box.
    private struct Changeable {
        var owners: [SocketOwner]
        var ownerHiddenReason: String?
        var netns: String?
        var container: Container?
        var forwardsTo: Forwarding?
    }

    private mutating func mutate(_ change: (inout Changeable) -> Void) {
        let s = storage
        var c = Changeable(
            owners: s.owners, ownerHiddenReason: s.ownerHiddenReason, netns: s.netns, container: s.container,
            forwardsTo: s.forwardsTo)
        change(&c)
        storage = Storage(
            transport: s.transport, address: s.address, port: s.port, uid: s.uid, user: s.user, inode: s.inode,
            v6Only: s.v6Only, owners: c.owners, ownerHiddenReason: c.ownerHiddenReason, netns: c.netns,
            container: c.container, forwardsTo: c.forwardsTo)
    }

    public var ownerVisible: Bool { ownerHiddenReason == nil }

    public static func == (a: Listener, b: Listener) -> Bool {
        if a.storage === b.storage { return true }
        let x = a.storage
        let y = b.storage
        return x.transport == y.transport && x.address == y.address && x.port == y.port && x.uid == y.uid
            && x.user == y.user && x.inode == y.inode && x.v6Only == y.v6Only && x.owners == y.owners
            && x.ownerHiddenReason == y.ownerHiddenReason && x.netns == y.netns && x.container == y.container
            && x.forwardsTo == y.forwardsTo
    }

    public func hash(into hasher: inout Hasher) {
        let s = storage
        hasher.combine(s.transport)
        hasher.combine(s.address)
        hasher.combine(s.port)
        hasher.combine(s.uid)
        hasher.combine(s.user)
        hasher.combine(s.inode)
        hasher.combine(s.v6Only)
        hasher.combine(s.owners)
        hasher.combine(s.ownerHiddenReason)
        hasher.combine(s.netns)
        hasher.combine(s.container)
        hasher.combine(s.forwardsTo)
    }
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
