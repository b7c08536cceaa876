/// Which container runtime a container belongs to, as its cgroup path or CLI says.
public enum ContainerRuntime: String, Sendable, Hashable, CaseIterable {
    case podman, docker, containerd
    case crio = "cri-o"
    /// A Kubernetes pod's container whose runtime the cgroup path does not name
    /// (cgroup v1 with the cgroupfs driver: `/kubepods/besteffort/pod<uid>/<id>`).
    case kubernetes
}

/// A container, as far as it is known: the runtime and id always, the name and image when
/// the runtime's CLI or files said them.
public struct Container: Hashable, Sendable {
    public var runtime: ContainerRuntime
    /// The full id: 64 lowercase hex digits.
    public var id: String
    public var name: String?
    public var image: String?

    public init(runtime: ContainerRuntime, id: String, name: String? = nil, image: String? = nil) {
        self.runtime = runtime
        self.id = id
        self.name = name
        self.image = image
    }

    /// The 12-digit id the runtimes' own listings show.
    public var shortID: String { String(id.prefix(12)) }

    /// The name when known, else the short id: how people refer to a container.
    public var label: String { name ?? shortID }
}

/// A published port: traffic to `hostIP:hostPort…` goes to the container's `containerPort…`;
/// `count` ports in a row (a published range).
public struct PublishedPort: Hashable, Sendable {
    /// Empty, `0.0.0.0` or `::` for every address.
    public var hostIP: String
    public var hostPort: UInt16
    public var containerPort: UInt16
    public var transport: SocketTransport
    public var count: UInt16

    public init(hostIP: String, hostPort: UInt16, containerPort: UInt16, transport: SocketTransport, count: UInt16 = 1)
    {
        self.hostIP = hostIP
        self.hostPort = hostPort
        self.containerPort = containerPort
        self.transport = transport
        self.count = max(count, 1)
    }

    /// The container port that a host port lands on, when this mapping covers it.
    func containerPort(forHostPort port: UInt16, transport: SocketTransport) -> UInt16? {
        guard transport == self.transport, port >= hostPort, Int(port) < Int(hostPort) + Int(count) else { return nil }
        let landed = Int(containerPort) + Int(port - hostPort)
        return landed <= 65535 ? UInt16(landed) : nil
    }
}

/// Where a published port's traffic lands: a container's own port, and what listens there.
public struct Forwarding: Hashable, Sendable {
    public var container: Container
    public var port: UInt16
    public var transport: SocketTransport
    /// How the mapping was learned: `podman ps`, `docker ps`, `docker-proxy command line`,
    /// `/var/lib/docker`.
    public var learnedFrom: String
    /// The processes listening on `port` inside the container; empty when not seen.
    public var servers: [SocketOwner]
    /// Why `servers` is empty, in plain words; nil when they were seen.
    public var serversHiddenReason: String?

    public init(
        container: Container, port: UInt16, transport: SocketTransport, learnedFrom: String,
        servers: [SocketOwner] = [], serversHiddenReason: String? = nil
    ) {
        self.container = container
        self.port = port
        self.transport = transport
        self.learnedFrom = learnedFrom
        self.servers = servers
        self.serversHiddenReason = serversHiddenReason
    }
}

/// One container as a runtime's CLI or files describe it.
struct RuntimeContainer: Hashable, Sendable {
    var container: Container
    /// The container's first process, when running and known (0 is taken as unknown).
    var pid: Int32?
    var running: Bool
    var ports: [PublishedPort]
    /// The container's addresses on its networks (Docker's files), to find docker-proxy's target.
    var addresses: [String] = []
}

/// What a docker-proxy process's command line says it forwards.
struct DockerProxyTarget: Hashable, Sendable {
    var transport: SocketTransport
    var hostIP: String
    var hostPort: UInt16
    var containerIP: String
    var containerPort: UInt16
}

/// Pure parsers for what tells a process is in a container and what the runtimes say about
/// their containers. No I/O: each takes the bytes or words and is tested on captured text.
enum ContainerParsers {
    /// The container a process is in, from its `/proc/PID/cgroup`, for cgroup v1 (one line
    /// per hierarchy), v2 (`0::/path`) and hybrid layouts, with cgroupfs paths
    /// (`/libpod_parent/libpod-ID`, `/docker/ID`, `/kubepods/besteffort/podUID/ID`) and systemd
    /// units (`libpod-ID.scope`, `docker-ID.scope`, `cri-containerd-ID.scope`, `crio-ID.scope`).
    /// A runtime's monitor (`libpod-conmon-ID.scope`, `crio-conmon-ID.scope`) runs beside the
    /// container, not in it: nil. Of nested containers, the outermost is the host runtime's.
    static func container(cgroup bytes: [UInt8]) -> Container? {
        var found: Container?
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            // hierarchy-ID:controllers:path — the path itself may hold colons.
            let fields = line.split(separator: UInt8(ascii: ":"), maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let path = String(decoding: fields[2], as: UTF8.self)
            switch container(cgroupPath: path) {
            case .monitor: return nil
            case .inside(let c): if found == nil { found = c }
            case .none: break
            }
        }
        return found
    }

    enum PathMeaning: Equatable {
        case none
        case monitor
        case inside(Container)
    }

    static func container(cgroupPath path: String) -> PathMeaning {
        let parts = path.split(separator: "/").map(String.init)
        var inKubepods = false
        for (i, part) in parts.enumerated() {
            var name = Substring(part)
            if name.hasSuffix(".scope") { name = name.dropLast(".scope".count) }
            for monitor in ["libpod-conmon-", "crio-conmon-"] where name.hasPrefix(monitor) {
                if isID(name.dropFirst(monitor.count)) { return .monitor }
            }
            let prefixes: [(String, ContainerRuntime)] = [
                ("libpod-", .podman), ("docker-", .docker), ("cri-containerd-", .containerd), ("crio-", .crio),
            ]
            for (prefix, runtime) in prefixes where name.hasPrefix(prefix) {
                let id = name.dropFirst(prefix.count)
                if isID(id) { return .inside(Container(runtime: runtime, id: String(id))) }
            }
            if part == "docker", i + 1 < parts.count, isID(Substring(parts[i + 1])) {
                return .inside(Container(runtime: .docker, id: parts[i + 1]))
            }
            if part.hasPrefix("kubepods") { inKubepods = true }
            if inKubepods, isID(Substring(part)) { return .inside(Container(runtime: .kubernetes, id: part)) }
        }
        return .none
    }

    /// A full container id: 64 lowercase hex digits.
    static func isID(_ text: Substring) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// `podman ps --all --format json`: one array of containers.
    static func podmanPS(_ bytes: [UInt8]) throws(RuntimeJSON.Malformed) -> [RuntimeContainer] {
        guard let entries = try RuntimeJSON.parse(bytes).array else {
            throw RuntimeJSON.Malformed(offset: 0, problem: "expected an array of containers")
        }
        return entries.compactMap { entry in
            guard let id = entry["Id"]?.string, isID(Substring(id)) else { return nil }
            let name = entry["Names"]?.array?.first?.string
            var ports: [PublishedPort] = []
            for port in entry["Ports"]?.array ?? [] {
                guard let host = port["host_port"]?.int, let inside = port["container_port"]?.int,
                    let hostPort = UInt16(exactly: host), let containerPort = UInt16(exactly: inside)
                else { continue }
                // podman ps writes one entry per protocol; "tcp,udp" in some versions.
                for proto in (port["protocol"]?.string ?? "tcp").split(separator: ",") {
                    guard let transport = SocketTransport(rawValue: String(proto)) else { continue }
                    ports.append(
                        PublishedPort(
                            hostIP: port["host_ip"]?.string ?? "", hostPort: hostPort, containerPort: containerPort,
                            transport: transport, count: UInt16(clamping: port["range"]?.int ?? 1)))
                }
            }
            let pid = entry["Pid"]?.int.flatMap { Int32(exactly: $0) }.flatMap { $0 > 0 ? $0 : nil }
            return RuntimeContainer(
                container: Container(runtime: .podman, id: id, name: name, image: entry["Image"]?.string),
                pid: pid, running: entry["State"]?.string == "running", ports: ports)
        }
    }

    /// `docker ps --all --no-trunc --format '{{json .}}'`: one object a line, `Ports` as text.
    /// docker ps names no pid: the container's process is found through Docker's files.
    static func dockerPS(_ bytes: [UInt8]) throws(RuntimeJSON.Malformed) -> [RuntimeContainer] {
        var out: [RuntimeContainer] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) where line.contains(where: { $0 > 0x20 }) {
            let entry = try RuntimeJSON.parse(Array(line))
            guard let id = entry["ID"]?.string, isID(Substring(id)) else { continue }
            // Names is comma-separated; links add `other/alias` names after the real one.
            let name = entry["Names"]?.string?.split(separator: ",").first.map(String.init)
            out.append(
                RuntimeContainer(
                    container: Container(runtime: .docker, id: id, name: name, image: entry["Image"]?.string),
                    pid: nil, running: entry["State"]?.string == "running",
                    ports: dockerPorts(entry["Ports"]?.string ?? "")))
        }
        return out
    }

    /// Docker's port text: `0.0.0.0:8080->80/tcp, :::8080->80/tcp, 443/tcp,
    /// 127.0.0.1:8000-8001->8000-8001/udp`. Exposed ports without `->` are not published.
    static func dockerPorts(_ text: String) -> [PublishedPort] {
        var out: [PublishedPort] = []
        for item in text.split(separator: ",") {
            let item = item.trimmingSpaces
            guard let arrow = item.firstRange(of: "->") else { continue }
            let host = item[..<arrow.lowerBound]
            let inside = item[arrow.upperBound...]
            guard let slash = inside.lastIndex(of: "/"),
                let transport = SocketTransport(rawValue: String(inside[inside.index(after: slash)...])),
                let colon = host.lastIndex(of: ":"),
                let hostRange = portRange(host[host.index(after: colon)...]),
                let insideRange = portRange(inside[..<slash])
            else { continue }
            var ip = String(host[..<colon])
            if ip.hasPrefix("["), ip.hasSuffix("]") { ip = String(ip.dropFirst().dropLast()) }
            out.append(
                PublishedPort(
                    hostIP: ip, hostPort: hostRange.lowerBound, containerPort: insideRange.lowerBound,
                    transport: transport, count: UInt16(hostRange.count)))
        }
        return out
    }

    private static func portRange(_ text: Substring) -> ClosedRange<UInt16>? {
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count <= 2, let low = UInt16(ends[0]), let high = UInt16(ends.last!), low <= high else { return nil }
        return low...high
    }

    /// docker-proxy's arguments: `-proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip
    /// 172.17.0.2 -container-port 80` (Go's flag package also takes `--flag` and `-flag=value`).
    static func dockerProxy(_ arguments: [String]) -> DockerProxyTarget? {
        var values: [String: String] = [:]
        var i = 1
        while i < arguments.count {
            var flag = Substring(arguments[i])
            i += 1
            guard flag.hasPrefix("-") else { continue }
            flag = flag.drop { $0 == "-" }
            if let equals = flag.firstIndex(of: "=") {
                values[String(flag[..<equals])] = String(flag[flag.index(after: equals)...])
            } else if i < arguments.count {
                values[String(flag)] = arguments[i]
                i += 1
            }
        }
        guard let hostPort = values["host-port"].flatMap(UInt16.init),
            let containerPort = values["container-port"].flatMap(UInt16.init),
            let containerIP = values["container-ip"],
            let transport = SocketTransport(rawValue: values["proto"] ?? "tcp")
        else { return nil }
        return DockerProxyTarget(
            transport: transport, hostIP: values["host-ip"] ?? "", hostPort: hostPort, containerIP: containerIP,
            containerPort: containerPort)
    }

    /// conmon's `-c ID` (or `--cid`) and `-n NAME` (or `--name`): the container it watches.
    static func conmon(_ arguments: [String]) -> Container? {
        var id: String?
        var name: String?
        var i = 1
        while i + 1 < arguments.count {
            switch arguments[i] {
            case "-c", "--cid": id = arguments[i + 1]
            case "-n", "--name": name = arguments[i + 1]
            default:
                i += 1
                continue
            }
            i += 2
        }
        guard let id, isID(Substring(id)) else { return nil }
        return Container(runtime: .podman, id: id, name: name)
    }

    /// Docker's `/var/lib/docker/containers/ID/config.v2.json`: name, image, state, pid,
    /// addresses and published ports (`NetworkSettings.Ports`: `{"80/tcp": [{"HostIp",
    /// "HostPort"}]}`).
    static func dockerConfig(_ bytes: [UInt8]) throws(RuntimeJSON.Malformed) -> RuntimeContainer? {
        let doc = try RuntimeJSON.parse(bytes)
        guard let id = doc["ID"]?.string, isID(Substring(id)) else { return nil }
        var name = doc["Name"]?.string
        if name?.hasPrefix("/") == true { name?.removeFirst() }
        let image = doc["Config"]?["Image"]?.string
        let running = doc["State"]?["Running"] == .bool(true)
        let pid = doc["State"]?["Pid"]?.int.flatMap { Int32(exactly: $0) }.flatMap { $0 > 0 ? $0 : nil }
        var addresses: [String] = []
        if case .object(let networks)? = doc["NetworkSettings"]?["Networks"] {
            for (_, network) in networks {
                for key in ["IPAddress", "GlobalIPv6Address"] {
                    if let a = network[key]?.string, !a.isEmpty { addresses.append(a) }
                }
            }
        }
        var ports: [PublishedPort] = []
        if case .object(let published)? = doc["NetworkSettings"]?["Ports"] {
            for (key, bindings) in published {
                let parts = key.split(separator: "/")
                guard parts.count == 2, let inside = UInt16(parts[0]),
                    let transport = SocketTransport(rawValue: String(parts[1]))
                else { continue }
                for binding in bindings.array ?? [] {
                    guard let hostPort = binding["HostPort"]?.string.flatMap(UInt16.init) else { continue }
                    ports.append(
                        PublishedPort(
                            hostIP: binding["HostIp"]?.string ?? "", hostPort: hostPort, containerPort: inside,
                            transport: transport))
                }
            }
        }
        return RuntimeContainer(
            container: Container(runtime: .docker, id: id, name: name, image: image),
            pid: running ? pid : nil, running: running, ports: ports, addresses: addresses)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
