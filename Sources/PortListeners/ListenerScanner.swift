/// Finds listeners on this host. Platform code lives in one file per platform.
public enum ListenerScanner {
    /// Sockets, their owners and the containers those run in, with names and forwarding.
    public static func scan(_ query: ListenerQuery) throws(ListenerError) -> ListenerScan {
        var scan = try scanSockets(query)
        followContainers(&scan, query: query)
        return scan
    }

    /// The first half of `scan`: the socket tables and their owners, each owner's container
    /// recognised from its cgroup (ids only). Nothing is run.
    public static func scanSockets(_ query: ListenerQuery) throws(ListenerError) -> ListenerScan {
        #if os(Linux)
            return try LinuxBackend().scan(query)
        #elseif canImport(Darwin)
            return try DarwinBackend().scan(query)
        #else
            throw .unsupportedPlatform
        #endif
    }

    /// The second half of `scan`: when an owner is in a container or forwards into one, asks
    /// the runtimes (`query.runtimeSearchPath`) for names, images and published ports, and
    /// follows each published port into its container to what listens there (as root).
    public static func followContainers(_ scan: inout ListenerScan, query: ListenerQuery) {
        #if os(Linux)
            LinuxContainers().follow(&scan, query: query)
        #endif
    }
}
