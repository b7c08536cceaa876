import PortListeners

/// One look at the territory over several port ranges, as `who`, `ghosts` and `explain` need it.
struct TerritoryScan: Sendable {
    var listeners: [Listener] = []
    var notes: [String] = []
    /// Which socket table answered (`netlink`, `procfs`…).
    var source = ""

    /// Scans each range in turn (nil: every port), so the kernel filters by port and an
    /// unused port costs no /proc walk.
    init(ports: [ClosedRange<UInt16>]?, transports: Set<SocketTransport> = [.tcp, .udp], allNetworkNamespaces: Bool = false) throws(ListenerError) {
        for range in ports.map({ $0.map(Optional.some) }) ?? [nil] {
            let scan = try ListenerScanner.scan(ListenerQuery(transports: transports, ports: range, allNetworkNamespaces: allNetworkNamespaces))
            listeners += scan.listeners
            notes += scan.notes.filter { !notes.contains($0) }
            source = scan.socketSource
        }
    }
}
