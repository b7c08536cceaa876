import PortSystem

/// `--probe` on the wire: connects to a local listener through PortSystem's sockets, as
/// someone would with `nc`, and asks `ProbeRecognizer` what the answer is. Never another
/// host: loopback for wildcard and loopback binds, otherwise only this host's own addresses.
public enum ProbeConversation {
    /// How long a server-speaks-first protocol gets to greet before porthole speaks itself.
    static let greetingWait = 0.3

    /// Client-speaks-first protocols, in the order tried when the map expects none of them:
    /// HTTP first (most common, and answered at once), then TLS, Redis and PostgreSQL.
    static let clientFirst: [ProbeProtocol] = [.http, .tls, .redis, .postgresql]

    public static func probe(
        _ target: ProbeTarget, localAddresses: () throws(Errno) -> [String] = localInterfaceAddresses
    ) -> ProbeResult {
        let address: String
        if let loopback = target.loopback {
            address = loopback
        } else {
            let own: [String]
            do throws(Errno) {
                own = try localAddresses()
            } catch {
                return ProbeResult(.refused("this host's own addresses cannot be read (\(error))"))
            }
            guard own.contains(target.address) else {
                return ProbeResult(
                    .refused("\(target.address) is not one of this host's addresses, and porthole probes no other host")
                )
            }
            address = target.address
        }
        guard let endpoint = SocketEndpoint(address: address, port: target.port) else {
            return ProbeResult(.refused("\(address) is not a numeric address"))
        }
        let deadline = monotonicSeconds() + target.budget
        let outcome =
            target.transport == .udp
            ? datagram(endpoint, expected: target.expected, deadline: deadline)
            : stream(endpoint, expected: target.expected, deadline: deadline)
        return ProbeResult(outcome, connectedTo: address)
    }

    static func datagram(_ endpoint: SocketEndpoint, expected: [ProbeProtocol], deadline: Double)
        -> ProbeResult.Outcome
    {
        do throws(SocketWaitError) {
            let socket = try ClientSocket(connectingTo: endpoint, datagram: true, deadline: deadline)
            try socket.send(ProbeRecognizer.request(for: .dns), deadline: deadline)
            let bytes = try socket.receive(limit: 4096, deadline: deadline) { _ in true }
            return ProbeRecognizer.answer(bytes, to: .dns)
                ?? .unrecognized(banner: ProbeRecognizer.firstLine(Array(bytes.prefix(60))))
        } catch {
            return outcome(of: error, udp: true)
        }
    }

    static func stream(_ endpoint: SocketEndpoint, expected: [ProbeProtocol], deadline: Double) -> ProbeResult.Outcome {
        var order = expected.filter(clientFirst.contains)
        order += clientFirst.filter { !order.contains($0) }
        var unrecognized: [UInt8]?
        // The first connection waits for a greeting unless the map expects a client-first protocol.
        var open: ClientSocket?
        do throws(SocketWaitError) {
            let socket = try ClientSocket(connectingTo: endpoint, datagram: false, deadline: deadline)
            if expected.contains(where: clientFirst.contains) {
                open = socket
            } else {
                do throws(SocketWaitError) {
                    let bytes = try socket.receive(
                        limit: 4096, deadline: min(deadline, monotonicSeconds() + greetingWait)
                    ) { ProbeRecognizer.isComplete($0, for: nil) }
                    if let found = ProbeRecognizer.greeting(bytes) { return found }
                    // Bytes porthole does not know, or the end of the stream: try the requests anyway.
                    if !bytes.isEmpty { unrecognized = bytes }
                } catch .timedOut {
                    open = socket
                }
            }
        } catch {
            return outcome(of: error, udp: false)
        }
        for p in order {
            if monotonicSeconds() >= deadline { break }
            do throws(SocketWaitError) {
                let socket: ClientSocket
                if let reused = open {
                    open = nil
                    socket = reused
                } else {
                    socket = try ClientSocket(connectingTo: endpoint, datagram: false, deadline: deadline)
                }
                try socket.send(ProbeRecognizer.request(for: p), deadline: deadline)
                let bytes = try socket.receive(limit: 8192, deadline: deadline) {
                    ProbeRecognizer.isComplete($0, for: p)
                }
                if let found = ProbeRecognizer.answer(bytes, to: p) { return found }
                if !bytes.isEmpty, unrecognized == nil { unrecognized = bytes }
            } catch .timedOut {
                break
            } catch {
                continue
            }
        }
        if let unrecognized {
            return .unrecognized(banner: ProbeRecognizer.firstLine(Array(unrecognized.prefix(60))))
        }
        return .silent
    }

    static func outcome(of error: SocketWaitError, udp: Bool) -> ProbeResult.Outcome {
        switch error {
        case .timedOut: return udp ? .silent : .failed("the connection was not accepted in time")
        case .failed(let errno):
            if udp, errno.rawValue == ECONNREFUSED { return .failed("nothing answered (port unreachable)") }
            return .failed("\(errno)")
        }
    }
}
