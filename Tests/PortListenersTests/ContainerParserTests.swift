import Glibc
import Testing

@testable import PortListeners

/// The container parsers on captured and documented texts: cgroup files of every layout,
/// the runtimes' listings, docker-proxy's and conmon's command lines, Docker's files.
@Suite struct ContainerParserTests {
    static let id = "ebe196c97c3ff07923e45ab952a39af524e64c10164d99d354d8f6b6a174d829"
    static let other = String(repeating: "0123456789abcdef", count: 4)

    static func cgroup(_ text: String) -> Container? { ContainerParsers.container(cgroup: Array(text.utf8)) }

    // Captured here: httpd in a podman container (runc, cgroupfs manager, hybrid v1/v2).
    static let podmanHybrid = """
        9:name=systemd:/libpod_parent/libpod-\(id)
        8:pids:/libpod_parent/libpod-\(id)
        4:memory:/libpod_parent/libpod-\(id)
        1:cpu:/libpod_parent/libpod-\(id)
        0::/libpod_parent/libpod-\(id)

        """
    // Captured here: the conmon that holds the published port, beside the container.
    static let conmonHybrid = """
        9:name=systemd:/
        8:pids:/libpod_parent/conmon
        1:cpu:/libpod_parent/conmon
        0::/

        """

    @Test(
        arguments: [
            (podmanHybrid, ContainerRuntime.podman, id),
            ("0::/machine.slice/libpod-\(id).scope/container\n", .podman, id),
            ("0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-\(id).scope\n", .podman, id),
            ("12:memory:/docker/\(other)\n11:cpu,cpuacct:/docker/\(other)\n0::/\n", .docker, other),
            ("0::/system.slice/docker-\(other).scope\n", .docker, other),
            ("0::/docker/\(other)\n", .docker, other),
            (
                "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0b6c1e0e_1f2a_4c3d_9e8f_000000000001.slice/cri-containerd-\(other).scope\n",
                .containerd, other
            ),
            (
                "10:cpuset:/kubepods/besteffort/pod0b6c1e0e-1f2a-4c3d-9e8f-000000000001/\(other)\n", .kubernetes, other
            ),
            (
                "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podx.slice/crio-\(other).scope\n",
                .crio, other
            ),
            ("0::/kubepods.slice/kubepods-pod1.slice/docker-\(other).scope\n", .docker, other),
        ] as [(String, ContainerRuntime, String)])
    func aContainersProcessIsRecognised(text: String, runtime: ContainerRuntime, id: String) throws {
        let c = try #require(Self.cgroup(text))
        #expect(c.runtime == runtime && c.id == id && c.shortID == String(id.prefix(12)))
    }

    @Test(arguments: [
        conmonHybrid,
        "0::/machine.slice/libpod-conmon-\(id).scope\n",
        "1:name=systemd:/machine.slice/libpod-conmon-\(id).scope\n0::/machine.slice/libpod-\(id).scope\n",
        "0::/kubepods.slice/crio-conmon-\(other).scope\n",
        "0::/user.slice/user-1000.slice/session-3.scope\n",
        "0::/system.slice/docker.service\n",
        "0::/docker/not-an-id\n",
        "0::/libpod_parent/libpod-\(id.uppercased())\n",
        "0::/\n", "", "garbage without colons\n",
    ])
    func aProcessOutsideAnyContainerIsNot(text: String) {
        #expect(Self.cgroup(text) == nil)
    }

    // Captured here with `podman ps --all --format json` (podman 4.3.1), trimmed to the
    // fields porthole reads and a few beside them.
    static let podmanPS = """
        [
          {
            "AutoRemove": false,
            "Command": ["/bin/httpd", "-f", "-p", "80"],
            "CreatedAt": "2 seconds ago",
            "Exited": false,
            "ExitedAt": -62135596800,
            "Id": "\(id)",
            "Image": "localhost/porthole-dev:1",
            "Labels": null,
            "Names": ["devt1"],
            "Namespaces": {

            },
            "Networks": ["podman"],
            "Pid": 3680,
            "Ports": [
              {
                "host_ip": "127.0.0.1",
                "container_port": 80,
                "host_port": 18080,
                "range": 1,
                "protocol": "tcp"
              }
            ],
            "Size": null,
            "StartedAt": 1796051320,
            "State": "running",
            "Status": "Up 2 seconds ago"
          },
          {
            "Id": "\(other)", "Image": "localhost/porthole-dev:1", "Names": ["stopped"], "Pid": 0,
            "Ports": null, "State": "exited"
          }
        ]
        """

    @Test func podmanPSIsRead() throws {
        let list = try ContainerParsers.podmanPS(Array(Self.podmanPS.utf8))
        #expect(list.count == 2)
        #expect(
            list[0].container
                == Container(runtime: .podman, id: Self.id, name: "devt1", image: "localhost/porthole-dev:1"))
        #expect(list[0].pid == 3680 && list[0].running)
        #expect(
            list[0].ports == [PublishedPort(hostIP: "127.0.0.1", hostPort: 18080, containerPort: 80, transport: .tcp)])
        #expect(list[1].pid == nil && !list[1].running && list[1].ports.isEmpty)
        #expect(throws: RuntimeJSON.Malformed.self) { try ContainerParsers.podmanPS(Array("{}".utf8)) }
        #expect(throws: RuntimeJSON.Malformed.self) {
            try ContainerParsers.podmanPS(Array(Self.podmanPS.dropLast(3).utf8))
        }
    }

    // Not captured from a live daemon (dockerd does not run here): the shape Docker documents
    // for `docker ps --all --no-trunc --format '{{json .}}'`, one object a line.
    static let dockerPS = """
        {"Command":"\\"httpd-foreground\\"","CreatedAt":"2025-01-01 10:00:00 +0000 UTC","ID":"\(other)","Image":"httpd:2.4","Labels":"","LocalVolumes":"0","Mounts":"","Names":"web","Networks":"bridge","Ports":"127.0.0.1:18080->80/tcp, 0.0.0.0:5353->53/udp, :::9000-9001->9000-9001/tcp, 443/tcp","RunningFor":"2 minutes ago","Size":"0B","State":"running","Status":"Up 2 minutes"}
        {"Command":"\\"sh\\"","ID":"\(id)","Image":"busybox","Names":"old,web/old","Ports":"","State":"exited","Status":"Exited (0) 1 hour ago"}

        """

    @Test func dockerPSIsRead() throws {
        let list = try ContainerParsers.dockerPS(Array(Self.dockerPS.utf8))
        #expect(list.map(\.container.name) == ["web", "old"])
        #expect(list[0].container.image == "httpd:2.4" && list[0].running && !list[1].running)
        #expect(
            list[0].ports == [
                PublishedPort(hostIP: "127.0.0.1", hostPort: 18080, containerPort: 80, transport: .tcp),
                PublishedPort(hostIP: "0.0.0.0", hostPort: 5353, containerPort: 53, transport: .udp),
                PublishedPort(hostIP: "::", hostPort: 9000, containerPort: 9000, transport: .tcp, count: 2),
            ])
        #expect(list[0].ports[2].containerPort(forHostPort: 9001, transport: .tcp) == 9001)
        #expect(list[0].ports[2].containerPort(forHostPort: 9002, transport: .tcp) == nil)
        #expect(
            ContainerParsers.dockerPorts("[::1]:80->8080/tcp") == [
                PublishedPort(hostIP: "::1", hostPort: 80, containerPort: 8080, transport: .tcp)
            ])
        #expect(ContainerParsers.dockerPorts("80/tcp, x:y->z/tcp, 1:2->3/sctp, :99999->1/tcp").isEmpty)
    }

    @Test(
        arguments: [
            (
                "/usr/bin/docker-proxy -proto tcp -host-ip 127.0.0.1 -host-port 18080 -container-ip 172.17.0.2 -container-port 80",
                DockerProxyTarget(
                    transport: .tcp, hostIP: "127.0.0.1", hostPort: 18080, containerIP: "172.17.0.2", containerPort: 80)
            ),
            (
                "/usr/bin/docker-proxy -proto udp -host-ip :: -host-port 5353 -container-ip fd00::2 -container-port 53 -use-listen-fd",
                DockerProxyTarget(
                    transport: .udp, hostIP: "::", hostPort: 5353, containerIP: "fd00::2", containerPort: 53)
            ),
            (
                "docker-proxy --proto=tcp --host-port=8080 --container-ip=10.0.0.5 --container-port=8080",
                DockerProxyTarget(
                    transport: .tcp, hostIP: "", hostPort: 8080, containerIP: "10.0.0.5", containerPort: 8080)
            ),
        ] as [(String, DockerProxyTarget)])
    func dockerProxysCommandLineIsRead(command: String, target: DockerProxyTarget) {
        #expect(ContainerParsers.dockerProxy(command.split(separator: " ").map(String.init)) == target)
    }

    @Test func aDockerProxyCommandLineMissingPartsIsNot() {
        for command in [
            "docker-proxy", "docker-proxy -host-port 80 -container-ip 1.2.3.4",
            "docker-proxy -proto sctp -host-port 1 -container-ip a -container-port 2", "docker-proxy -host-port",
        ] {
            #expect(ContainerParsers.dockerProxy(command.split(separator: " ").map(String.init)) == nil, "\(command)")
        }
    }

    @Test func conmonsCommandLineNamesItsContainer() {
        // Captured here, shortened after -n.
        let words =
            "/usr/bin/conmon --api-version 1 -c \(Self.id) -u \(Self.id) -r /usr/bin/runc -b /var/lib/containers/storage/overlay-containers/\(Self.id)/userdata -n devt1 --exit-dir /run/libpod/exits --full-attach"
            .split(separator: " ").map(String.init)
        #expect(ContainerParsers.conmon(words) == Container(runtime: .podman, id: Self.id, name: "devt1"))
        #expect(ContainerParsers.conmon(["/usr/bin/conmon", "-c", "short"]) == nil)
    }

    // Not captured from a live daemon: the fields of Docker's
    // /var/lib/docker/containers/ID/config.v2.json that porthole reads, as Docker writes them.
    static let dockerConfig = """
        {"ID":"\(other)","Name":"/web","Config":{"Image":"httpd:2.4","Cmd":["httpd-foreground"]},
         "State":{"Running":true,"Pid":4321},
         "NetworkSettings":{"Networks":{"bridge":{"IPAddress":"172.17.0.2","GlobalIPv6Address":""}},
           "Ports":{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"18080"}],"443/tcp":null}}}
        """

    @Test func dockersOwnFileIsRead() throws {
        let entry = try #require(try ContainerParsers.dockerConfig(Array(Self.dockerConfig.utf8)))
        #expect(entry.container == Container(runtime: .docker, id: Self.other, name: "web", image: "httpd:2.4"))
        #expect(entry.pid == 4321 && entry.running && entry.addresses == ["172.17.0.2"])
        #expect(
            entry.ports == [PublishedPort(hostIP: "127.0.0.1", hostPort: 18080, containerPort: 80, transport: .tcp)])
    }

    static func holder(_ process: String, _ command: String, port: UInt16 = 18080) -> Listener {
        Listener(
            transport: .tcp, address: "127.0.0.1", port: port, uid: 0, user: "root", inode: 9, v6Only: nil,
            owners: [SocketOwner(pid: 77, process: process, command: command, uid: 0, user: "root", startedAt: nil)])
    }

    @Test func dockerProxyIsFollowedToItsContainerByAddress() throws {
        var catalog = ContainerLinks.Catalog()
        catalog.add(
            [try #require(try ContainerParsers.dockerConfig(Array(Self.dockerConfig.utf8)))], from: "/var/lib/docker",
            runtime: .docker)
        let proxy = Self.holder(
            "docker-proxy",
            "/usr/bin/docker-proxy -proto tcp -host-ip 127.0.0.1 -host-port 18080 -container-ip 172.17.0.2 -container-port 80"
        )
        #expect(ContainerLinks.runtimesReferenced(by: [proxy]) == [.docker])
        let (links, notes) = ContainerLinks.forwardings([proxy], catalog: catalog)
        #expect(notes.isEmpty)
        #expect(links.count == 1 && links[0].pid == 4321)
        #expect(links[0].forwarding.container.name == "web" && links[0].forwarding.port == 80)
        #expect(links[0].forwarding.learnedFrom == "docker-proxy command line")
        // Nothing to name it by: said, not guessed.
        let (none, said) = ContainerLinks.forwardings([proxy], catalog: ContainerLinks.Catalog())
        #expect(none.isEmpty)
        #expect(
            said == [
                "18080/tcp: docker-proxy forwards it to 172.17.0.2 port 80/tcp, a container porthole cannot name (neither docker ps nor /var/lib/docker answered)"
            ])
        // docker ps alone (no files): named by its published port.
        var listed = ContainerLinks.Catalog()
        listed.add(try ContainerParsers.dockerPS(Array(Self.dockerPS.utf8)), from: "docker ps", runtime: .docker)
        let byPort = ContainerLinks.forwardings([proxy], catalog: listed).links
        #expect(byPort.first?.forwarding.container.name == "web" && byPort.first?.pid == nil)
    }

    @Test func conmonIsFollowedThroughPodmanPS() throws {
        let conmon = Self.holder("conmon", "/usr/bin/conmon --api-version 1 -c \(Self.id) -n devt1 -r /usr/bin/runc")
        var catalog = ContainerLinks.Catalog()
        catalog.add(try ContainerParsers.podmanPS(Array(Self.podmanPS.utf8)), from: "podman ps", runtime: .podman)
        let (links, notes) = ContainerLinks.forwardings([conmon], catalog: catalog)
        #expect(notes.isEmpty)
        #expect(
            links == [
                ContainerLinks.Link(
                    index: 0,
                    forwarding: Forwarding(
                        container: Container(
                            runtime: .podman, id: Self.id, name: "devt1", image: "localhost/porthole-dev:1"),
                        port: 80, transport: .tcp, learnedFrom: "podman ps"),
                    pid: 3680)
            ])
        // podman did not answer; or the container is gone from its listing (stopped mid-scan).
        #expect(
            ContainerLinks.forwardings([conmon], catalog: ContainerLinks.Catalog()).notes == [
                "18080/tcp: conmon holds it for podman container devt1, but podman ps did not answer, so the port inside is unknown"
            ])
        var empty = ContainerLinks.Catalog()
        empty.add([], from: "podman ps", runtime: .podman)
        #expect(
            ContainerLinks.forwardings([conmon], catalog: empty).notes == [
                "18080/tcp: conmon holds it for podman container devt1, which podman ps no longer lists as running: it stopped during the scan"
            ])
        // A port the container does not publish is not matched to it.
        let elsewhere = Self.holder("conmon", conmon.owners[0].command, port: 18081)
        #expect(ContainerLinks.forwardings([elsewhere], catalog: catalog).links.isEmpty)
    }

    @Test func aScanWithoutContainersRunsNothing() {
        let plain = Self.holder("python3", "python3 -m http.server")
        #expect(ContainerLinks.runtimesReferenced(by: [plain]).isEmpty)
        var scan = ListenerScan(listeners: [plain], socketSource: "fixed")
        var ran = false
        var containers = LinuxContainers()
        containers.run = { _, _ in
            ran = true
            return .success([])
        }
        containers.follow(&scan, query: ListenerQuery(runtimeSearchPath: "/usr/bin:/bin"))
        #expect(!ran && scan.notes.isEmpty)
    }

    @Test func aRuntimeThatDoesNotAnswerIsNoted() {
        var scan = ListenerScan(
            listeners: [Self.holder("conmon", "/usr/bin/conmon -c \(Self.id) -n devt1")], socketSource: "fixed")
        var containers = LinuxContainers()
        containers.run = { _, _ in .failure(.init(why: "did not answer within 5 s")) }
        // A folder that surely has an executable named podman: a stand-in, never run.
        let folder = "/tmp/porthole-fake-podman-\(getpid())"
        mkdir(folder, 0o700)
        let fake = folder + "/podman"
        let fd = open(fake, O_CREAT | O_WRONLY, 0o700)
        close(fd)
        defer {
            unlink(fake)
            rmdir(folder)
        }
        containers.follow(&scan, query: ListenerQuery(runtimeSearchPath: folder))
        #expect(scan.notes.contains("podman ps did not answer within 5 s: podman containers are named by id only"))
        var missing = ListenerScan(listeners: scan.listeners, socketSource: "fixed")
        containers.follow(&missing, query: ListenerQuery(runtimeSearchPath: "/nonexistent"))
        #expect(
            missing.notes.contains("podman is not installed here (not in PATH): podman containers are named by id only")
        )
    }
}

@Suite struct RuntimeJSONTests {
    @Test func valuesAreRead() throws {
        let v = try RuntimeJSON.parse(
            Array(#" {"a": [1, -2.5e3, true, false, null, "x\u00e9\ud83d\ude00\n"], "b": {}} "#.utf8))
        #expect(v["a"]?.array?.count == 6)
        #expect(v["a"]?.array?[0].int == 1 && v["a"]?.array?[1] == .number("-2.5e3"))
        #expect(v["a"]?.array?[5].string == "xé😀\n")
        #expect(v["b"] == .object([]))
    }

    @Test(arguments: [
        "", "[", "{", "[1,]", "{\"a\":1,}", "{a:1}", "01", "1.", "-", "1e", "\"\\x\"", "\"a", "[1] 2", "tru",
        "\"\u{01}\"", "{\"a\" 1}", "[1 2]", "\"\\u12\"", "nul",
    ])
    func malformedTextIsRefused(text: String) {
        #expect(throws: RuntimeJSON.Malformed.self) { try RuntimeJSON.parse(Array(text.utf8)) }
    }

    @Test func deepNestingIsRefusedNotOverflowed() {
        let deep = Array(String(repeating: "[", count: 100_000).utf8)
        #expect(throws: RuntimeJSON.Malformed.self) { try RuntimeJSON.parse(deep) }
        let ok = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect((try? RuntimeJSON.parse(Array(ok.utf8))) != nil)
    }

    @Test func loneSurrogatesAndBadUTF8BecomeReplacementCharacters() throws {
        #expect(try RuntimeJSON.parse(Array(#""\ud800x""#.utf8)) == .string("\u{FFFD}x"))
        #expect(try RuntimeJSON.parse([0x22, 0xFF, 0x22]) == .string("\u{FFFD}"))
    }
}
