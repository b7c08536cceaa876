#if os(Linux)
    import PortSystem

    /// The second half of a scan on Linux: asks the container runtimes about the containers
    /// the first half saw, then follows each published port into its container's network
    /// namespace to see what really serves it. Runs nothing when no container was seen.
    struct LinuxContainers {
        var procRoot = "/proc"
        var callerUID: UInt32 = UInt32(geteuid())
        /// Where Docker keeps `containers/ID/config.v2.json` (readable by root only).
        var dockerRoot = "/var/lib/docker"
        /// A runtime CLI may wait on its lock for long; porthole waits this long at most.
        var timeoutSeconds = 5.0
        /// Why a runtime's CLI gave no listing, in words that follow its name.
        struct Silence: Error { var why: String }

        /// Runs a runtime's CLI: its standard output, or why there is none. A test seam.
        var run: ([String], Double) -> Result<[UInt8], Silence> = { arguments, timeout in
            do throws(ChildProcess.Failure) {
                let outcome = try ChildProcess.output(of: arguments, timeoutSeconds: timeout)
                guard outcome.status == 0 else { return .failure(Silence(why: "exited with status \(outcome.status)")) }
                return .success(outcome.standardOutput)
            } catch {
                return .failure(
                    Silence(why: error.timedOut ? "did not answer within \(Int(timeout)) s" : "failed (\(error))"))
            }
        }

        /// `cache`: a watch's polls ask the runtimes again only when the containers and
        /// forwarders seen have changed since the last poll.
        func follow(_ scan: inout ListenerScan, query: ListenerQuery, cache: OwnerCache? = nil) {
            let runtimes = ContainerLinks.runtimesReferenced(by: scan.listeners)
            guard !runtimes.isEmpty else { return }
            let key = ContainerLinks.catalogKey(scan.listeners)
            var catalog = ContainerLinks.Catalog()
            var said: [String] = []
            if let kept = cache?.containers, kept.key == key {
                catalog = kept.catalog
                said = kept.notes
            } else {
                if runtimes.contains(.podman) {
                    ask(
                        "podman", ["ps", "--all", "--format", "json"], searchPath: query.runtimeSearchPath,
                        catalog: &catalog, notes: &said, runtime: .podman, parse: ContainerParsers.podmanPS)
                }
                if runtimes.contains(.docker) {
                    ask(
                        "docker", ["ps", "--all", "--no-trunc", "--format", "{{json .}}"],
                        searchPath: query.runtimeSearchPath, catalog: &catalog, notes: &said, runtime: .docker,
                        parse: ContainerParsers.dockerPS)
                    readDockerFiles(into: &catalog)
                }
                cache?.containers = (key, catalog, said)
            }
            scan.notes += said.filter { !scan.notes.contains($0) }
            ContainerLinks.name(&scan.listeners, catalog: catalog)
            let (links, notes) = ContainerLinks.forwardings(scan.listeners, catalog: catalog)
            scan.notes += notes.filter { !scan.notes.contains($0) }
            for link in serve(links, catalog: catalog) { scan.listeners[link.index].forwardsTo = link.forwarding }
        }

        /// Runs one runtime's listing when its CLI is installed, and says so in a note when it
        /// is not or does not answer: names are then unknown, never guessed.
        private func ask(
            _ program: String, _ arguments: [String], searchPath: String?, catalog: inout ContainerLinks.Catalog,
            notes: inout [String], runtime: ContainerRuntime,
            parse: ([UInt8]) throws(RuntimeJSON.Malformed) -> [RuntimeContainer]
        ) {
            guard let searchPath else { return }
            let said = "\(program) \(arguments[0])"
            guard let path = Self.find(program, in: searchPath) else {
                notes.append(
                    "\(program) is not installed here (not in PATH): \(runtime.rawValue) containers are named by id only"
                )
                return
            }
            switch run([path] + arguments, timeoutSeconds) {
            case .failure(let silence):
                notes.append("\(said) \(silence.why): \(runtime.rawValue) containers are named by id only")
            case .success(let bytes):
                do {
                    catalog.add(try parse(bytes), from: said, runtime: runtime)
                } catch {
                    notes.append(
                        "\(said) printed what porthole cannot read (\(error)): \(runtime.rawValue) containers are named by id only"
                    )
                }
            }
        }

        static func find(_ program: String, in searchPath: String) -> String? {
            searchPath.split(separator: ":").map { "\($0)/\(program)" }.first { access($0, X_OK) == 0 }
        }

        /// Docker's own record of each container, for the pid and addresses docker ps leaves
        /// out; only root may read it, and without it docker-proxy's target is named from docker ps.
        private func readDockerFiles(into catalog: inout ContainerLinks.Catalog) {
            let folder = dockerRoot + "/containers"
            guard let dir = opendir(folder) else { return }
            defer { closedir(dir) }
            var found: [RuntimeContainer] = []
            while let entry = readdir(dir) {
                let name = withEntryNamePointer(entry) { String(cString: $0) }
                guard ContainerParsers.isID(Substring(name)),
                    let bytes = readIfReadable("\(folder)/\(name)/config.v2.json"),
                    let parsed = try? ContainerParsers.dockerConfig(bytes)
                else { continue }
                found.append(parsed)
            }
            if !found.isEmpty { catalog.add(found, from: dockerRoot, runtime: .docker) }
        }

        /// Looks inside each forwarded-to container's network namespace for what listens on
        /// the container port (root only: entering a namespace needs CAP_SYS_ADMIN).
        private func serve(_ links: [ContainerLinks.Link], catalog: ContainerLinks.Catalog) -> [ContainerLinks.Link] {
            var out = links
            var wanted: [Int: [UInt64]] = [:]
            for (k, link) in links.enumerated() {
                let f = link.forwarding
                let inside = "port \(f.port)/\(f.transport.rawValue) inside"
                guard callerUID == 0, geteuid() == 0 else {
                    out[k].forwarding.serversHiddenReason =
                        "container \(f.container.label)'s own listeners are in another network namespace: run as root to see what serves \(inside)"
                    continue
                }
                guard let pid = link.pid else {
                    out[k].forwarding.serversHiddenReason =
                        "the runtime does not say which process is container \(f.container.label)'s, so what serves \(inside) cannot be seen"
                    continue
                }
                let path = "\(procRoot)/\(pid)/ns/net"
                guard let id = NetNamespaces.readLink(AT_FDCWD, path) else {
                    out[k].forwarding.serversHiddenReason =
                        "container \(f.container.label) stopped during the scan: its network namespace is gone"
                    continue
                }
                if id == NetNamespaces.own() {
                    out[k].forwarding.serversHiddenReason =
                        "container \(f.container.label) shares this host's network namespace: its listener on \(f.port) is listed on its own"
                    continue
                }
                let (dumps, _) = NetNamespaces.dump(
                    [NetNamespace(id: id, path: path)], transports: [f.transport], port: f.port, forceProcfs: false)
                let sockets = dumps.first?.1.sockets.filter { $0.port == f.port } ?? []
                guard !dumps.isEmpty else {
                    out[k].forwarding.serversHiddenReason =
                        "container \(f.container.label) stopped during the scan: its network namespace is gone"
                    continue
                }
                guard !sockets.isEmpty else {
                    out[k].forwarding.serversHiddenReason =
                        "nothing listens on \(inside) container \(f.container.label) (its network namespace was searched)"
                    continue
                }
                wanted[k] = sockets.map(\.inode)
            }
            guard !wanted.isEmpty else { return out }
            var users = UserNames()
            let walk = OwnerWalk(procRoot: procRoot).run(wanted: Set(wanted.values.joined()), users: &users)
            for (k, inodes) in wanted {
                var servers: [SocketOwner] = []
                for inode in inodes {
                    for var owner in walk.owners[inode] ?? [] {
                        owner.container = owner.container.map(catalog.named)
                        if !servers.contains(owner) { servers.append(owner) }
                    }
                }
                servers.sort { $0.pid < $1.pid }
                out[k].forwarding.servers = servers
                if servers.isEmpty {
                    out[k].forwarding.serversHiddenReason =
                        "something listens on port \(out[k].forwarding.port) inside container \(out[k].forwarding.container.label), but no process holding it could be seen"
                }
            }
            return out
        }
    }
#endif
