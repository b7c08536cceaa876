import Glibc
import PortholeTestSupport
import Testing

@testable import PortListeners

/// A watch's polls reuse the owners they found while no socket is new and no owner has gone.
@Suite struct OwnerCacheTests {
    func scan(_ port: UInt16, _ cache: OwnerCache) throws -> Listener? {
        try ListenerScanner.scan(ListenerQuery(transports: [.tcp], ports: port...port), cache: cache).listeners.first
    }

    @Test func pollsWalkTheProcessesOnlyForNewSocketsOrGoneOwners() throws {
        let cache = OwnerCache()
        let first = try #require(
            TestProcess.python(
                pythonPrelude + """
                    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); emit(s, "tcp"); hold()
                    """))
        defer { first.stop() }
        let a = try #require(Emitted(first.readLine()))
        #expect(try scan(a.port, cache)?.owners.map(\.pid) == [a.pid])
        #expect(try scan(a.port, cache)?.owners.map(\.pid) == [a.pid])
        #expect(cache.scans == 2 && cache.walks == 1)

        // The socket outlives its first owner in a child: the poll notices the owner is gone.
        let forked = try #require(
            TestProcess.python(
                pythonPrelude + """
                    import time
                    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
                    child = os.fork()
                    if child == 0:
                        time.sleep(15); os._exit(0)
                    print("child %d" % child, flush=True); emit(s, "tcp"); hold()
                    """))
        defer { forked.stop() }
        let child = try #require(forked.readLine().flatMap { Int32($0.split(separator: " ").last ?? "") })
        defer { kill(child, SIGKILL) }
        let b = try #require(Emitted(forked.readLine()))
        #expect(try scan(b.port, cache)?.owners.map(\.pid).sorted() == [b.pid, child].sorted())
        #expect(cache.walks == 2, "a socket not seen before is looked for")
        forked.stop()
        var owners: [Int32]?
        for _ in 0..<200 {
            owners = try scan(b.port, cache)?.owners.map(\.pid)
            if owners == [child] { break }
            usleep(10_000)
        }
        #expect(owners == [child])
        #expect(cache.walks >= 3, "an owner that exited makes the poll look again")
        let walks = cache.walks
        #expect(try scan(b.port, cache)?.owners.map(\.pid) == [child] && cache.walks == walks)
    }
}
