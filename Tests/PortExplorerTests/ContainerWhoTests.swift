import PortListeners
import Testing

@testable import PortExplorer

/// `who` on published ports: the verdict is judged on what serves inside the container, and
/// text, JSON and CSV say where the port lands.
@Suite struct ContainerWhoTests {
    static let id = String(repeating: "ab12", count: 16)
    static let t1 = Container(runtime: .podman, id: id, name: "t1", image: "localhost/box:1")
    static let conmon = SocketOwner(
        pid: 3669, process: "conmon", command: "/usr/bin/conmon -c \(id) -n t1", uid: 0, user: "root", startedAt: nil)
    static let sshd = SocketOwner(
        pid: 3680, process: "sshd", command: "/usr/sbin/sshd -D", uid: 0, user: "root", startedAt: nil, container: t1)

    static func published(_ forwarding: Forwarding) -> Listener {
        Listener(
            transport: .tcp, address: "127.0.0.1", port: 22, uid: 0, user: "root", inode: 5, v6Only: nil,
            owners: [conmon], forwardsTo: forwarding)
    }

    func run(_ listener: Listener, _ line: String) throws -> (text: String, json: [String: JSON]) {
        let explorer = makeExplorer(host: Territory.host(territory: [listener]))
        let fields = try Territory.json(line, in: explorer)
        guard case .array(let rows)? = fields["listeners"], let object = rows.first?.objectFields else {
            throw Territory.Unexpected(outcomes: 0)
        }
        return (try Territory.text(line, in: explorer), object)
    }

    @Test func theVerdictIsJudgedOnWhatServesInside() throws {
        let seen = Self.published(
            Forwarding(container: Self.t1, port: 22, transport: .tcp, learnedFrom: "podman ps", servers: [Self.sshd]))
        let (text, json) = try run(seen, "who 22")
        #expect(json["verdict"] == "matches")
        #expect(json["explanation"] == "the map says ssh; sshd, pid 3680 in container t1 looks like it")
        #expect(text.contains("conmon/3669 → t1:22"))
        #expect(
            text.replacingOccurrences(of: "\n", with: " ").contains(
                "22/tcp: conmon forwards to container t1 (podman ab12ab12ab12, localhost/box:1) port 22/tcp, where sshd (pid 3680) listens (learned from podman ps)"
            ), "\(text)")
        #expect(json["forwardsTo"] != nil && json["container"] == nil)
    }

    @Test func unseenServersAreSaidNotGuessed() throws {
        let why =
            "container t1's own listeners are in another network namespace: run as root to see what serves port 22/tcp inside"
        let hidden = Self.published(
            Forwarding(
                container: Self.t1, port: 22, transport: .tcp, learnedFrom: "podman ps", serversHiddenReason: why))
        let (text, json) = try run(hidden, "who 22")
        #expect(json["verdict"] == "unknown")
        #expect(json["explanation"] == "the map says ssh; what serves port 22/tcp in container t1 is unknown")
        #expect(text.replacingOccurrences(of: "\n", with: " ").contains(why))
        // Without forwarding, conmon on ssh's port would be judged as another program.
        var bare = hidden
        bare.forwardsTo = nil
        #expect(try run(bare, "who 22").json["verdict"] == "differs")
    }

    @Test func jsonCarriesTheContainerAndForwarding() throws {
        let seen = Self.published(
            Forwarding(container: Self.t1, port: 22, transport: .tcp, learnedFrom: "podman ps", servers: [Self.sshd]))
        let explorer = makeExplorer(host: Territory.host(territory: [seen]), format: .json)
        let line = text(of: "who 22", in: explorer)
        #expect(
            line.contains(
                #""forwardsTo":{"container":{"runtime":"podman","id":"\#(Self.id)","shortId":"ab12ab12ab12","name":"t1","image":"localhost/box:1"},"learnedFrom":"podman ps","port":22,"servedBy":[{"pid":3680,"process":"sshd","command":"/usr/sbin/sshd -D","user":"root","uid":0,"startedAt":null,"container":{"runtime":"podman""#
            ), "\(line)")
        let csv = text(of: "who 22", in: makeExplorer(host: Territory.host(territory: [seen]), format: .csv))
        #expect(
            csv.hasPrefix(
                "transport,address,port,v6Only,user,uid,inode,pid,process,command,registered,verdict,explanation,netns,probe,container,containerName,image,runtime,forwardsTo\r\n"
            ))
        #expect(csv.contains(",,,,,t1:22/tcp\r\n"))
    }

    @Test func allNetnsGroupsByContainer() throws {
        let inside = Listener(
            transport: .tcp, address: "0.0.0.0", port: 80, uid: 0, user: "root", inode: 6, v6Only: nil,
            owners: [
                SocketOwner(
                    pid: 3680, process: "httpd", command: "/bin/httpd -f -p 80", uid: 0, user: "root", startedAt: nil,
                    container: Self.t1)
            ],
            netns: "net:[4026532177] (pid 3680 httpd)", container: Self.t1)
        let bare = Listener(
            transport: .tcp, address: "0.0.0.0", port: 81, uid: 0, user: "root", inode: 7, v6Only: nil,
            owners: [], ownerHiddenReason: "x", netns: "net:[4026532999] (ip netns lab)")
        let explorer = makeExplorer(host: Territory.host(territory: [Territory.sshd, inside, bare]))
        let text = try Territory.text("who --all-netns", in: explorer)
        #expect(text.hasPrefix("This host's network namespace:\nPROTO"))
        #expect(text.contains("\n\nIn container t1 (podman ab12ab12ab12, localhost/box:1), net:[4026532177]:\nPROTO"))
        #expect(text.contains("httpd/3680 [podman t1]"))
        #expect(text.contains("\n\nIn net:[4026532999] (ip netns lab):\nPROTO"))
    }
}

/// `who --json` writes each listener straight to bytes; the members must be those of the
/// listener's JSON value, in the same order, whatever it carries.
@Suite struct WhoJSONWriterTests {
    @Test func writtenListenersMatchTheirValues() {
        let registry = makeRegistry(records: Territory.records)
        let hidden = Listener(
            transport: .udp, address: "::", port: 53, uid: 1000, user: "al\u{1}ice", inode: 0, v6Only: false,
            ownerHiddenReason: "owner not visible \"here\"", netns: "net:[4026532]", container: ContainerWhoTests.t1)
        let shared = Listener(
            transport: .tcp, address: "127.0.0.1", port: 8080, uid: 0, user: "root", inode: 9, v6Only: nil,
            owners: [ContainerWhoTests.conmon, ContainerWhoTests.sshd])
        let forwarded = ContainerWhoTests.published(
            Forwarding(
                container: ContainerWhoTests.t1, port: 22, transport: .tcp, learnedFrom: "podman ps",
                servers: [ContainerWhoTests.sshd], serversHiddenReason: nil))
        let rows = [
            JoinedListener(listener: hidden, registry: registry),
            JoinedListener(listener: shared, registry: registry),
            JoinedListener(
                listener: forwarded, registry: registry, probe: ProbeResult(.silent, connectedTo: "127.0.0.1")),
        ]
        for host in [nil, "web1"] {
            for row in rows {
                var writer = JSON.Writer()
                row.write(into: &writer, owner: ContainerJSON.owner, host: host)
                #expect(writer.finished().encoded == row.json(owner: ContainerJSON.owner, host: host).encoded)
            }
        }
    }
}
