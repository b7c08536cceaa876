/// Finds listeners on this host. Platform code lives in one file per platform.
public enum ListenerScanner {
    /// Sockets, their owners and the containers those run in, with names and forwarding.
    /// `cache`, kept by the caller from one scan to the next (a watch), lets a scan skip the
    /// walk for owners when no socket is new and no owner it knew has gone.
    public static func scan(_ query: ListenerQuery, cache: OwnerCache? = nil) throws(ListenerError) -> ListenerScan {
        var scan = try scanSockets(query, cache: cache)
        followContainers(&scan, query: query, cache: cache)
        return scan
    }

    /// The first half of `scan`: the socket tables and their owners, each owner's container
    /// recognised from its cgroup (ids only). Nothing is run.
    public static func scanSockets(_ query: ListenerQuery, cache: OwnerCache? = nil) throws(ListenerError)
        -> ListenerScan
    {
        #if os(Linux)
            return try LinuxBackend(cache: cache).scan(query)
        #elseif canImport(Darwin)
            return try DarwinBackend().scan(query)
        #else
            throw .unsupportedPlatform
        #endif
    }

    /// The second half of `scan`: when an owner is in a container or forwards into one, asks
    /// the runtimes (`query.runtimeSearchPath`) for names, images and published ports, and
    /// follows each published port into its container to what listens there (as root).
    public static func followContainers(_ scan: inout ListenerScan, query: ListenerQuery, cache: OwnerCache? = nil) {
        #if os(Linux)
            LinuxContainers().follow(&scan, query: query, cache: cache)
        #endif
    }
}

/// What the last scan learned of sockets' owners, kept between the polls of a watch.
///
/// Finding who holds a socket means reading every process's descriptors, by far the dearest
/// part of a scan; the socket table itself is cheap. So a poll walks the processes only when
/// the table shows a socket the last walk did not look for, or when a process that held a
/// socket has exited (or its pid now names another process). A process that starts sharing
/// a socket already seen (a fork) is noticed at the next walk, not at once.
public final class OwnerCache: @unchecked Sendable {
    /// The sockets the last walk looked for, and what it found.
    var looked: Set<UInt64> = []
    var owners: [UInt64: [SocketOwner]] = [:]
    var deniedPIDs = 0
    var deniedUIDs: Set<UInt32> = []
    /// The runtimes' listing at the last poll, and the containers and forwarders it was for.
    var containers: (key: Set<String>, catalog: ContainerLinks.Catalog, notes: [String])?
    /// How many scans used the cache, and how many of them walked the processes.
    public private(set) var scans = 0
    public private(set) var walks = 0

    public init() {}

    func remember(looked: Set<UInt64>, owners: [UInt64: [SocketOwner]], deniedPIDs: Int, deniedUIDs: Set<UInt32>) {
        self.looked = looked
        self.owners = owners
        self.deniedPIDs = deniedPIDs
        self.deniedUIDs = deniedUIDs
        walks += 1
    }

    func counted() { scans += 1 }
}
