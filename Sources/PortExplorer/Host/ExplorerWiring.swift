// INTEGRATION POINT (lead): how a session gets its host facts.
//
// The ghost rules and `explain` take every host fact as a parameter (`HostFacts`), so they
// are tested with hand-made facts. A session builds them here from its `otherMaps()` (the
// services(5) file and nmap-services, injectable through `Explorer.init`), a listener scan
// (`HostFacts.scanListeners()`, which calls `ListenerScanner.scan`) and the kernel's port
// settings read now. To inject listeners in end-to-end tests, give `Explorer` a stored
// `listenerFacts: () -> ListenerFacts` and call it here instead of `scanListeners()`.

extension Explorer {
    /// This session's host facts; `scanListeners` false skips the listener scan.
    func hostFacts(scanListeners: Bool) -> HostFacts {
        HostFacts(
            maps: otherMaps(),
            listeners: scanListeners ? HostFacts.scanListeners() : .notLooked,
            settings: .current()
        )
    }
}
