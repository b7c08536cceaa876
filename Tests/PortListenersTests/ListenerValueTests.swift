import Testing

@testable import PortListeners

/// `Listener` shares its fields between copies; it must still behave as a plain value.
@Suite struct ListenerValueTests {
    let owner = SocketOwner(
        pid: 42, process: "httpd", command: "/usr/sbin/httpd -D", uid: 0, user: "root", startedAt: 1)

    func listener() -> Listener {
        Listener(
            transport: .tcp, address: "127.0.0.1", port: 8080, uid: 0, user: "root", inode: 7, v6Only: nil,
            owners: [owner])
    }

    @Test func aChangedCopyLeavesTheOriginalAlone() {
        let original = listener()
        var copy = original
        #expect(copy == original)
        copy.owners.append(SocketOwner(pid: 43, process: "httpd", command: "", uid: 0, user: "root", startedAt: nil))
        copy.ownerHiddenReason = "hidden"
        copy.netns = "net:[1]"
        copy.container = Container(runtime: .podman, id: String(repeating: "a", count: 64))
        #expect(original.owners.map(\.pid) == [42])
        #expect(original.ownerHiddenReason == nil && original.netns == nil && original.container == nil)
        #expect(copy.owners.map(\.pid) == [42, 43])
        #expect(copy.ownerHiddenReason == "hidden" && copy.netns == "net:[1]" && copy.container?.runtime == .podman)
        #expect(copy != original)
        #expect(copy.port == 8080 && copy.address == "127.0.0.1" && copy.inode == 7)
    }

    @Test func equalFieldsMakeEqualListenersWithEqualHashes() {
        let a = listener()
        let b = listener()
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(Set([a, b]).count == 1)
        var c = b
        c.owners[0].container = Container(runtime: .docker, id: String(repeating: "b", count: 64))
        #expect(c != a)
        #expect(b.owners[0].container == nil)
    }
}
