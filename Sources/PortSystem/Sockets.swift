// Client sockets for `--probe`: one short conversation with a local listener, every wait
// bounded by a deadline on the monotonic clock, so a silent server can never hold porthole.

/// Seconds on the monotonic clock: deadlines are measured on it, never on the wall clock.
public func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
}

/// Waits until `fd` is ready for `events` or `deadline` passes; false when it passed.
/// Readiness includes POLLERR/POLLHUP: the next call on the socket says what happened.
public func waitUntilReady(_ fd: CInt, for events: Int16, deadline: Double) throws(Errno) -> Bool {
    while true {
        let left = deadline - monotonicSeconds()
        if left <= 0 { return false }
        var entry = pollfd(fd: fd, events: events, revents: 0)
        let ready = try valueOrErrno { poll(&entry, 1, CInt(max(1, (left * 1000).rounded(.up)))) }
        if entry.revents & Int16(POLLNVAL) != 0 { throw Errno(EBADF) }
        if ready > 0 { return true }
    }
}

/// A numeric IPv4 or IPv6 address with a port, as the C library takes it.
public struct SocketEndpoint: Sendable, Hashable {
    public let address: String
    public let port: UInt16
    public let isIPv6: Bool

    /// nil unless `address` is a numeric IPv4 (`127.0.0.1`) or IPv6 (`::1`) address.
    public init?(address: String, port: UInt16) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            isIPv6 = false
        } else if inet_pton(AF_INET6, address, &v6) == 1 {
            isIPv6 = true
        } else {
            return nil
        }
        self.address = address
        self.port = port
    }

    /// Calls `body` with this endpoint as a `sockaddr` and its length.
    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        if isIPv6 {
            var storage = sockaddr_in6()
            storage.sin6_family = sa_family_t(AF_INET6)
            storage.sin6_port = port.bigEndian
            _ = inet_pton(AF_INET6, address, &storage.sin6_addr)
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        var storage = sockaddr_in()
        storage.sin_family = sa_family_t(AF_INET)
        storage.sin_port = port.bigEndian
        _ = inet_pton(AF_INET, address, &storage.sin_addr)
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }
}

/// What a probe's socket operation can end in besides bytes.
public enum SocketWaitError: Error, Sendable, Hashable {
    /// The deadline passed first.
    case timedOut
    /// The system said no (ECONNREFUSED, ECONNRESET…).
    case failed(Errno)
}

/// A non-blocking, close-on-exec client socket connected to one endpoint; closed when it goes.
public final class ClientSocket {
    public let fd: CInt

    /// Connects a stream (TCP) or datagram (UDP) socket to `endpoint`, waiting for a TCP
    /// handshake no later than `deadline`.
    public init(connectingTo endpoint: SocketEndpoint, datagram: Bool, deadline: Double) throws(SocketWaitError) {
        let family = endpoint.isIPv6 ? AF_INET6 : AF_INET
        #if canImport(Darwin)
            let kind = datagram ? SOCK_DGRAM : SOCK_STREAM
        #else
            let kind = Int32(datagram ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue)
        #endif
        let fd: CInt
        do throws(Errno) {
            fd = try valueOrErrno { socket(family, kind, 0) }
        } catch {
            throw .failed(error)
        }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let rc = endpoint.withSockaddr { connect(fd, $0, $1) }
        if rc != 0 {
            let failure = Errno.current
            guard failure.rawValue == EINPROGRESS || failure.isInterrupted else {
                systemClose(fd)
                throw .failed(failure)
            }
            let ready: Bool
            do throws(Errno) {
                ready = try waitUntilReady(fd, for: Int16(POLLOUT), deadline: deadline)
            } catch {
                systemClose(fd)
                throw .failed(error)
            }
            guard ready else {
                systemClose(fd)
                throw .timedOut
            }
            var problem: CInt = 0
            var length = socklen_t(MemoryLayout<CInt>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &problem, &length)
            if problem != 0 {
                systemClose(fd)
                throw .failed(Errno(problem))
            }
        }
        self.fd = fd
    }

    /// Sends all of `bytes` before `deadline`.
    public func send(_ bytes: [UInt8], deadline: Double) throws(SocketWaitError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in
                systemSend(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if sent >= 0 {
                offset += sent
                continue
            }
            let failure = Errno.current
            if failure.isInterrupted { continue }
            guard failure.wouldBlock else { throw .failed(failure) }
            let ready: Bool
            do throws(Errno) {
                ready = try waitUntilReady(fd, for: Int16(POLLOUT), deadline: deadline)
            } catch {
                throw .failed(error)
            }
            guard ready else { throw .timedOut }
        }
    }

    /// Reads what arrives by `deadline`, up to `limit` bytes: returns as soon as `enough`
    /// says the bytes so far are a whole answer, at the end of the stream (EOF), or at the
    /// deadline with what came (empty: `.timedOut`).
    public func receive(limit: Int, deadline: Double, enough: ([UInt8]) -> Bool) throws(SocketWaitError) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while out.count < limit {
            let ready: Bool
            do throws(Errno) {
                ready = try waitUntilReady(fd, for: Int16(POLLIN), deadline: deadline)
            } catch {
                throw .failed(error)
            }
            if !ready { break }
            let n = buffer.withUnsafeMutableBytes {
                systemReceive(fd, $0.baseAddress!, min($0.count, limit - out.count))
            }
            if n > 0 {
                out += buffer[0..<n]
                if enough(out) { return out }
                continue
            }
            if n == 0 { return out }
            let failure = Errno.current
            if failure.isInterrupted || failure.wouldBlock { continue }
            if out.isEmpty { throw .failed(failure) }
            return out
        }
        if out.isEmpty { throw .timedOut }
        return out
    }

    deinit { systemClose(fd) }
}

// The C library's close, send and recv under names that cannot clash with the methods above.
private func systemClose(_ fd: CInt) { _ = close(fd) }
private func systemSend(_ fd: CInt, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Darwin)
        send(fd, bytes, count, 0)
    #else
        send(fd, bytes, count, CInt(MSG_NOSIGNAL))
    #endif
}
private func systemReceive(_ fd: CInt, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    recv(fd, buffer, count, 0)
}

/// This host's own interface addresses (getifaddrs), numeric: the only addresses other than
/// loopback that a probe may connect to.
public func localInterfaceAddresses() throws(Errno) -> [String] {
    var list: UnsafeMutablePointer<ifaddrs>?
    try nothingOrErrno { getifaddrs(&list) }
    defer { freeifaddrs(list) }
    var out: [String] = []
    var next = list
    while let entry = next {
        defer { next = entry.pointee.ifa_next }
        guard let address = entry.pointee.ifa_addr else { continue }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                var raw = v4.pointee.sin_addr
                _ = inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
            }
        case AF_INET6:
            address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                var raw = v6.pointee.sin6_addr
                _ = inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
            }
        default: continue
        }
        out.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return out
}
