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
public struct Listener: Hashable, Sendable {
    public let transport: SocketTransport
    /// Numeric address as people write it: `127.0.0.1`, `::1`, `0.0.0.0`, `::`; IPv4-mapped
    /// IPv6 addresses are shown as IPv4.
    public let address: String
    public let port: UInt16
    public let uid: UInt32
    public let user: String
    public let inode: UInt64
    /// Whether an IPv6 socket refuses IPv4 traffic; nil for IPv4 or when unknown.
    public let v6Only: Bool?
    /// Every process holding the socket; empty when none could be seen.
    public var owners: [SocketOwner]
    /// Why the owners are missing, in plain words; nil when they were seen.
    public var ownerHiddenReason: String?
    /// The network namespace, when it is not this process's own (`net:[4026532…]`).
    public var netns: String?
    /// The container whose network namespace holds the socket, when its owners say so.
    public var container: Container?
    /// Where a published port's traffic goes, when the holder forwards it into a container.
    public var forwardsTo: Forwarding?

    public init(
        transport: SocketTransport, address: String, port: UInt16, uid: UInt32, user: String,
        inode: UInt64, v6Only: Bool?, owners: [SocketOwner] = [], ownerHiddenReason: String? = nil,
        netns: String? = nil, container: Container? = nil, forwardsTo: Forwarding? = nil
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

    public var ownerVisible: Bool { ownerHiddenReason == nil }
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
