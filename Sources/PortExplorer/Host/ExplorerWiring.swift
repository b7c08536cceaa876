import PortListeners

extension Explorer {
    /// This session's host facts: its other maps, the kernel's port settings, and the
    /// listeners on `ports` — nil scans every port, an empty list scans none. Scanning only
    /// the ports a command is about lets the kernel filter, and skips the /proc walk when
    /// nothing listens there.
    func hostFacts(listenersOn ports: [ClosedRange<UInt16>]?) -> HostFacts {
        HostFacts(
            maps: otherMaps(),
            listeners: ports.map { $0.isEmpty ? .notLooked : HostFacts.scanListeners(ports: $0) } ?? HostFacts.scanListeners(ports: nil),
            settings: .current()
        )
    }
}
