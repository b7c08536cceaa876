import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP server on 127.0.0.1 (an ephemeral port) inside the test process, for `update`'s
/// downloads: each request's path chooses a canned response, including the misbehaviours of
/// a bad network (a cut connection, a stall, an endless body). In process, so it needs no
/// python and dies with the test; loopback only, so nothing outside the host can reach it.
public final class TestHTTPServer: @unchecked Sendable {
    /// What the server answers one request with.
    public struct Response: Sendable {
        public enum Body: Sendable {
            /// These bytes, then the connection is closed.
            case bytes([UInt8])
            /// `size` bytes made of `piece(0)`, `piece(1)`, … (cut to fit), produced as they are
            /// sent, so a huge body costs no memory here.
            case stream(size: Int, piece: @Sendable (Int) -> [UInt8])
            /// Nothing: the connection stays open until the client gives up or the server stops.
            case stall
        }

        public var status: String
        public var contentType: String
        /// The Content-Length header; nil sends none (the end of the body is the closed connection).
        public var contentLength: Int?
        public var body: Body
        /// A `Location` header, for redirects.
        public var location: String?

        public init(
            status: String = "200 OK", contentType: String = "application/xml", contentLength: Int?, body: Body,
            location: String? = nil
        ) {
            self.status = status
            self.contentType = contentType
            self.contentLength = contentLength
            self.body = body
            self.location = location
        }

        /// 302 Found, pointing at `url`, with an empty body.
        public static func redirect(to url: String) -> Response {
            Response(status: "302 Found", contentType: "text/plain", contentLength: 0, body: .bytes([]), location: url)
        }

        /// 200 OK with `bytes` and their length.
        public static func ok(_ bytes: [UInt8], contentType: String = "application/xml") -> Response {
            Response(contentType: contentType, contentLength: bytes.count, body: .bytes(bytes))
        }

        public static let notFound = Response(
            status: "404 Not Found", contentType: "text/html", contentLength: 23,
            body: .bytes(Array("<h1>404 Not Found</h1>\n".utf8)))

        /// A Content-Length for all of `bytes`, then only the first `count` and a closed connection.
        public static func cut(_ bytes: [UInt8], after count: Int) -> Response {
            Response(contentLength: bytes.count, body: .bytes(Array(bytes.prefix(count))))
        }

        /// Headers promising `length` bytes, then nothing.
        public static func stall(promising length: Int) -> Response {
            Response(contentLength: length, body: .stall)
        }
    }

    public let port: Int
    private let listener: Int32
    private let respond: @Sendable (String) -> Response
    private let lock = NSLock()
    private var connections: Set<Int32> = []
    private var stopped = false
    private let acceptorDone = DispatchSemaphore(value: 0)

    /// Serves `respond(path)`, the path without its leading "/".
    public init(_ respond: @escaping @Sendable (String) -> Response) throws {
        self.respond = respond
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(INADDR_LOOPBACK).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ready else {
            let error = String(cString: strerror(errno))
            close(fd)
            throw TestFailure("cannot listen on 127.0.0.1: \(error)")
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    /// Serves the files of `directory` (200 with their bytes) and 404 for anything else.
    public convenience init(serving directory: URL) throws {
        try self.init { path in
            guard !path.split(separator: "/").contains(".."),
                let data = FileManager.default.contents(atPath: directory.appendingPathComponent(path).path)
            else { return .notFound }
            return .ok([UInt8](data), contentType: path.hasSuffix(".html") ? "text/html" : "application/xml")
        }
    }

    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)/\(path)" }

    /// Stops accepting and cuts every open connection (a stalled one included). Safe to call twice.
    public func stop() {
        let first = lock.withLock { () -> Bool in
            guard !stopped else { return false }
            stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            for fd in connections { shutdown(fd, Int32(SHUT_RDWR)) }
            return true
        }
        if first {
            acceptorDone.wait()
            close(listener)
        }
    }

    deinit { stop() }

    private func acceptLoop() {
        defer { acceptorDone.signal() }
        while true {
            let fd = LinuxCalls.accept4(listener, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            let open = lock.withLock {
                if stopped { return false }
                connections.insert(fd)
                return true
            }
            guard open else {
                close(fd)
                return
            }
            Thread { [self] in serve(fd) }.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer {
            // Closed under the lock: `stop()` never shuts down a number reused by another socket.
            lock.withLock {
                connections.remove(fd)
                close(fd)
            }
        }
        var limit = timeval(tv_sec: 120, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !request.contains(subsequence: [13, 10, 13, 10]) {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0, request.count < 1 << 20 else { return }
            request += buffer[..<n]
        }
        let target = String(decoding: request, as: UTF8.self).split(separator: " ").dropFirst().first ?? "/"
        let response = respond(String(target.drop { $0 == "/" }))
        var head = "HTTP/1.1 \(response.status)\r\nContent-Type: \(response.contentType)\r\nConnection: close\r\n"
        if let length = response.contentLength { head += "Content-Length: \(length)\r\n" }
        if let location = response.location { head += "Location: \(location)\r\n" }
        guard send(fd, Array((head + "\r\n").utf8)) else { return }
        switch response.body {
        case .bytes(let bytes):
            guard send(fd, bytes) else { return }
        case .stream(let size, let piece):
            var sent = 0
            var index = 0
            while sent < size {
                let next = piece(index).prefix(size - sent)
                guard !next.isEmpty, send(fd, Array(next)) else { return }
                sent += next.count
                index += 1
            }
        case .stall:
            // Until the client hangs up (or `stop()` shuts the socket down).
            while recv(fd, &buffer, buffer.count, 0) > 0 {}
            return
        }
        shutdown(fd, Int32(SHUT_WR))
    }

    /// Sends all of `bytes`; false when the client went away. MSG_NOSIGNAL: a client that
    /// hangs up mid-body (curl refusing an oversized download) is no SIGPIPE for the test run.
    private func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return false }
        }
        return true
    }
}

extension Array where Element == UInt8 {
    fileprivate func contains(subsequence: [UInt8]) -> Bool {
        guard count >= subsequence.count else { return false }
        return (0...(count - subsequence.count)).contains {
            self[$0..<($0 + subsequence.count)].elementsEqual(subsequence)
        }
    }
}
