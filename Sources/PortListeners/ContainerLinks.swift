/// How the sockets a scan found are tied to containers, once the runtimes have been asked:
/// names and images onto every container seen, and each published port followed to the
/// container port it lands on. Pure: it takes listeners and what the runtimes said, so the
/// Docker layout is tested on captured command lines and files without a Docker daemon.
enum ContainerLinks {
    /// Which runtimes the scan points at: a process in one of their containers, or their
    /// port holders (podman's conmon, Docker's docker-proxy). None: nothing is run or read.
    static func runtimesReferenced(by listeners: [Listener]) -> Set<ContainerRuntime> {
        var out: Set<ContainerRuntime> = []
        for l in listeners {
            for owner in l.owners {
                if let c = owner.container { out.insert(c.runtime) }
                switch owner.process {
                case "conmon": out.insert(.podman)
                case "docker-proxy": out.insert(.docker)
                default: break
                }
            }
        }
        return out
    }

    /// What decides the runtimes' answers for a scan: the containers its owners run in and
    /// the forwarders (conmon, docker-proxy) holding its ports. The same key, the same listing.
    static func catalogKey(_ listeners: [Listener]) -> Set<String> {
        var key: Set<String> = []
        for l in listeners {
            for owner in l.owners {
                if let c = owner.container { key.insert("\(c.runtime.rawValue) \(c.id)") }
                if owner.process == "conmon" || owner.process == "docker-proxy" { key.insert("\(owner.pid)") }
            }
        }
        return key
    }

    /// What the runtimes said, by full id.
    struct Catalog {
        var containers: [String: RuntimeContainer] = [:]
        /// The runtimes whose listing answered, with the way it was read (`podman ps`, …).
        var answered: [ContainerRuntime: String] = [:]

        mutating func add(_ list: [RuntimeContainer], from source: String, runtime: ContainerRuntime) {
            answered[runtime] = answered[runtime] ?? source
            for entry in list {
                if var known = containers[entry.container.id] {
                    // The CLI's words win; files fill what it leaves out (pid, addresses).
                    known.container.name = known.container.name ?? entry.container.name
                    known.container.image = known.container.image ?? entry.container.image
                    known.pid = known.pid ?? entry.pid
                    if known.ports.isEmpty { known.ports = entry.ports }
                    known.addresses += entry.addresses
                    containers[entry.container.id] = known
                } else {
                    containers[entry.container.id] = entry
                }
            }
        }

        /// `container` with the name and image the runtime gave, when it knows it.
        func named(_ container: Container) -> Container {
            guard let known = containers[container.id]?.container else { return container }
            var out = container
            out.name = known.name ?? container.name
            out.image = known.image ?? container.image
            return out
        }
    }

    /// A forwarding found for the listener at `index`; `pid` is a process of the container,
    /// through whose network namespace its own listeners can be seen.
    struct Link: Equatable {
        var index: Int
        var forwarding: Forwarding
        var pid: Int32?
    }

    /// Names every container in `listeners` and sets each listener's own container (the one
    /// whose network namespace holds it: all its owners' container, when they agree).
    static func name(_ listeners: inout [Listener], catalog: Catalog) {
        for i in listeners.indices {
            for j in listeners[i].owners.indices {
                if let c = listeners[i].owners[j].container { listeners[i].owners[j].container = catalog.named(c) }
            }
            let containers = Set(listeners[i].owners.map(\.container))
            if listeners[i].netns != nil, containers.count == 1, let only = containers.first, let only {
                listeners[i].container = only
            }
        }
    }

    /// Follows each published port held on the host to the container port it lands on, and
    /// says in notes what could not be followed and why.
    static func forwardings(_ listeners: [Listener], catalog: Catalog) -> (links: [Link], notes: [String]) {
        var links: [Link] = []
        var notes: [String] = []
        for (index, l) in listeners.enumerated() where l.netns == nil {
            for owner in l.owners where owner.container == nil {
                let words = owner.command.split(separator: " ").map(String.init)
                let place = "\(l.port)/\(l.transport.rawValue)"
                if owner.process == "conmon", let watched = ContainerParsers.conmon(words) {
                    let container = catalog.named(watched)
                    guard let source = catalog.answered[.podman] else {
                        notes.append(
                            "\(place): conmon holds it for podman container \(container.label), but podman ps did not answer, so the port inside is unknown"
                        )
                        break
                    }
                    guard let entry = catalog.containers[watched.id], entry.running else {
                        notes.append(
                            "\(place): conmon holds it for podman container \(container.label), which \(source) no longer lists as running: it stopped during the scan"
                        )
                        break
                    }
                    guard let inside = landing(of: l, in: entry.ports) else {
                        notes.append(
                            "\(place): conmon holds it for podman container \(container.label), but \(source) lists no published port \(place)"
                        )
                        break
                    }
                    links.append(
                        Link(
                            index: index,
                            forwarding: Forwarding(
                                container: container, port: inside, transport: l.transport, learnedFrom: source),
                            pid: entry.pid))
                    break
                }
                if owner.process == "docker-proxy", let target = ContainerParsers.dockerProxy(words) {
                    let entry = catalog.containers.values.sorted { $0.container.id < $1.container.id }.first {
                        $0.addresses.contains(target.containerIP)
                    }
                    if let entry {
                        links.append(
                            Link(
                                index: index,
                                forwarding: Forwarding(
                                    container: entry.container, port: target.containerPort,
                                    transport: target.transport, learnedFrom: "docker-proxy command line"),
                                pid: entry.running ? entry.pid : nil))
                    } else if let entry = catalog.containers.values.sorted(by: { $0.container.id < $1.container.id })
                        .first(where: { $0.container.runtime == .docker && landing(of: l, in: $0.ports) != nil })
                    {
                        // No address to go by (Docker's files unreadable): docker ps's port list names it.
                        links.append(
                            Link(
                                index: index,
                                forwarding: Forwarding(
                                    container: entry.container, port: target.containerPort,
                                    transport: target.transport,
                                    learnedFrom: "docker-proxy command line, docker ps"),
                                pid: entry.running ? entry.pid : nil))
                    } else {
                        notes.append(
                            "\(place): docker-proxy forwards it to \(target.containerIP) port \(target.containerPort)/\(target.transport.rawValue), a container porthole cannot name (neither docker ps nor /var/lib/docker answered)"
                        )
                    }
                    break
                }
            }
        }
        return (links, notes)
    }

    /// The container port a host listener's port lands on, when one of `ports` covers it
    /// on its address (an empty, `0.0.0.0` or `::` host address covers every address).
    static func landing(of listener: Listener, in ports: [PublishedPort]) -> UInt16? {
        for p in ports {
            let everywhere = p.hostIP.isEmpty || p.hostIP == "0.0.0.0" || p.hostIP == "::"
            guard everywhere || p.hostIP == listener.address else { continue }
            if let inside = p.containerPort(forHostPort: listener.port, transport: listener.transport) {
                return inside
            }
        }
        return nil
    }
}
