import Testing

@testable import PortExplorer
@testable import PortRegistry

/// The ghost facts find a registration's listeners through an index by port; they must be
/// exactly those a filter of every listener finds, in the same order.
@Suite struct HostFactsIndexTests {
    @Test func theIndexFindsWhatAFilterFinds() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let listeners = (0..<Int.random(in: 0...60, using: &generator)).map { i in
                ListenerFact(
                    transport: Bool.random(using: &generator) ? .tcp : .udp, address: "127.0.0.\(i % 3)",
                    port: UInt16.random(in: 20...40, using: &generator), processes: ["p\(i)"], pids: [Int32(i)])
            }
            let facts = HostFacts(
                maps: OtherMaps(), listeners: .seen(listeners, source: "test", notes: []),
                settings: HostFacts.none.settings)
            for _ in 0..<20 {
                let low = UInt16.random(in: 15...45, using: &generator)
                let high = low + UInt16.random(in: 0...(Bool.random(using: &generator) ? 0 : 30), using: &generator)
                let transports: [Transport] = [[.tcp], [.udp], [.tcp, .udp], [.sctp]].randomElement(using: &generator)!
                let records = transports.map {
                    ServiceRecord(name: "svc", ports: PortRange(low, high), transport: $0, description: "x")
                }
                let registration = Registration(name: "svc", ports: PortRange(low, high), records: records)
                let expected = listeners.filter {
                    registration.ports.contains($0.port) && registration.transports.contains($0.transport)
                }
                #expect(facts.ghostFacts(for: registration).listeners == expected)
            }
            // A copy given other listeners answers from its own.
            var other = facts
            other.listeners = .seen(Array(listeners.prefix(3)), source: "test", notes: [])
            let every = Registration(
                name: "svc", ports: PortRange(0, 65535),
                records: [ServiceRecord(name: "svc", ports: PortRange(0, 65535), transport: .tcp, description: "x")])
            #expect(
                other.ghostFacts(for: every).listeners == Array(listeners.prefix(3)).filter { $0.transport == .tcp })
        }
    }
}
