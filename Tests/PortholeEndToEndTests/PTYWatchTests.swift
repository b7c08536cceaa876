import Foundation
import PortholeTestSupport
import Testing

/// `who --watch` at a real prompt: it sees a listener come and go within two intervals, and
/// Ctrl-C brings the prompt back.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"))
struct PTYWatchTests {
    /// A TCP port nothing listens on now: one the kernel picked, given back at once.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw TestFailure("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func watchSeesAListenerComeAndGoAndStopsOnCtrlC() throws {
        let port = try Self.freePort()
        let session = try PTYSession.atPrompt()
        defer { session.close() }
        try session.line("who \(port) --watch --interval 0.2")
        try session.expect("Nothing listens on \(port)")
        // Two intervals and the time python takes to start.
        guard let listener = try NamedListener(port: port, name: "watched") else {
            try Test.cancel("port \(port) is in use on this host")
        }
        let started = Date()
        try session.expect("+ ", timeout: 5)
        try session.expect("new: watched (pid \(listener.pid), user ", timeout: 2)
        // The verdict depends on the port the kernel gave: unregistered, dynamic, or differs.
        try session.expect("listens on \(port)/tcp at 127.0.0.1", timeout: 2)
        #expect(Date().timeIntervalSince(started) < 2.5)
        listener.process.stop()
        try session.expect("- ", timeout: 5)
        try session.expect("gone: watched (pid \(listener.pid), user ", timeout: 2)
        try session.expect("no longer listens on \(port)/tcp", timeout: 2)
        try session.send("\u{3}")
        _ = try session.expectPrompt(timeout: 5)
        try session.command("version", answers: "porthole 0.1.0\n")
        #expect(try session.controlD() == 0)
    }
}
