import PortExplorer
import PortListeners
import PortRegistry
import PortSystem

/// This machine, as the language sees it: the registry porthole is told to use, the system's
/// services(5) and nmap-services, the sockets listening here, the kernel's port settings, the
/// prompt's history, the clock, and Ctrl-C.
final class LiveHost: Host {
    /// `--registry`, which outranks `PORTHOLE_REGISTRY` and the user's copy.
    let registryPath: String?
    /// The environment variables porthole reads (see `Platform.variablesRead`).
    let variables: [String: String]
    /// The prompt's line editor, while one runs: it holds the history then.
    weak var editor: LineEditor?
    /// Tests only: every listener scan waits this long midway (Ctrl-C ends the wait), after
    /// the socket tables and before the containers are asked about: a command slow enough to
    /// interrupt, and a container can be stopped mid-scan. Set by `PORTHOLE_TEST_SCAN_DELAY` (seconds).
    let scanDelay: Double

    init(registryPath: String?, variables: [String: String]) {
        self.registryPath = registryPath
        self.variables = variables
        scanDelay = variables[Platform.scanDelayVariable].flatMap(Double.init) ?? 0
    }

    /// Whether the user named a registry file, with `--registry` or `PORTHOLE_REGISTRY`.
    var namesRegistryFile: Bool {
        !(registryPath ?? "").isEmpty || !(variables[RegistryLocator.environmentVariable] ?? "").isEmpty
    }

    /// The registry loaded by `preloadRegistry`, handed to the session's first use.
    private var preloaded: LoadedRegistry?

    /// Loads the registry now, so a named file that cannot be used is known before anything
    /// runs; the session's first `loadRegistry` gets this one rather than reading it twice.
    func preloadRegistry() throws(CommandError) {
        preloaded = try loadRegistry()
    }

    /// `--registry` > `PORTHOLE_REGISTRY` > the user's updated copy > the embedded snapshot.
    func loadRegistry() throws(CommandError) -> LoadedRegistry {
        if let preloaded {
            self.preloaded = nil
            return preloaded
        }
        do {
            let (registry, warnings) = try RegistryLocator.active(flagPath: registryPath, environment: variables)
            return LoadedRegistry(registry: registry, warnings: warnings)
        } catch {
            throw CommandError(problem: "cannot use the registry: \(error)", kind: .unavailable)
        }
    }

    /// services(5) and nmap-services, when present; an unreadable file counts as absent, and
    /// a line that does not parse is passed over. Both are searched port by port until a
    /// command asks about many ports, and both ways see the same entries.
    func loadOtherMaps() -> OtherMaps {
        let servicesFile = (try? ServicesFile.loadSystem()) ?? nil
        let services = servicesFile.map { file in
            ServicesTable(
                onPort: { port in file.entries(onPort: port).flatMap(Self.names) },
                all: {
                    file.readableEntries().flatMap { entry in
                        Self.names(entry).map { (ServiceKey(port: entry.port, transport: $0.0), $0.1) }
                    }
                },
                combine: +
            )
        }
        let nmapFile = try? NmapServicesFile.loadInstalled()
        let indexed = nmapFile.map { file in
            let cache = NmapIndexCache(file: file, environment: variables)
            return (file, Lazy { cache?.index() ?? file.index() })
        }
        let nmap = indexed.map { file, index in NmapTable.reading(file, index: { index.value }) }
        var frequencies: (@Sendable () -> [Transport: [Double]])?
        if let nmapFile {
            frequencies = { nmapFile.nonZeroFrequencies() }
        }
        // The same index the table's lookups read once indexed, so the same entries.
        let nmapIndexedSighting = indexed.map { _, index in
            { @Sendable in NmapTable.sightings(in: index.value) }
        }
        return OtherMaps(
            services: services, servicesPath: ServicesFiles.systemServicesPath, nmap: nmap, nmapPath: nmapFile?.path,
            nmapFrequencies: frequencies, nmapIndexedSighting: nmapIndexedSighting,
            calibrationStore: nmapFile.flatMap {
                NmapCalibrationCache(nmapPath: $0.path, environment: variables)?.store
            },
            outlineStore: OutlineCache(environment: variables)?.store)
    }

    /// One services(5) line's names (official first, then aliases) on each of its transports.
    private static func names(_ entry: ServicesEntry) -> [(Transport, [String])] {
        entry.transports.map { ($0, [entry.name] + entry.aliases) }
    }

    /// What a watch's polls learned of the sockets' owners, reused while it holds.
    private let ownerCache = OwnerCache()

    /// Scans each asked range in turn (nil: every port), so the kernel filters by port and an
    /// unused port costs no walk of the processes; then, once for all of them, follows the
    /// containers seen (the runtimes' CLIs are looked for in PATH).
    func listeners(_ request: TerritoryRequest) throws(CommandError) -> TerritoryScan {
        var found = ListenerScan(listeners: [], socketSource: "")
        for range in request.ports.map({ $0.map(Optional.some) }) ?? [nil] {
            if isInterrupted() { throw .interrupted }
            let query = ListenerQuery(
                transports: request.transports, ports: range, allNetworkNamespaces: request.allNetworkNamespaces)
            do {
                let part = try ListenerScanner.scanSockets(query, cache: request.polling ? ownerCache : nil)
                found.listeners += part.listeners
                found.notes += part.notes.filter { !found.notes.contains($0) }
                found.socketSource = part.socketSource
            } catch {
                throw CommandError(problem: error.description, kind: .unavailable)
            }
        }
        // Mid-scan: the sockets are known, their containers not yet asked about.
        if scanDelay > 0 { try pause(seconds: scanDelay) }
        if isInterrupted() { throw .interrupted }
        ListenerScanner.followContainers(
            &found,
            query: ListenerQuery(
                transports: request.transports, allNetworkNamespaces: request.allNetworkNamespaces,
                runtimeSearchPath: variables["PATH"] ?? "/usr/bin:/usr/local/bin"),
            cache: request.polling ? ownerCache : nil)
        return TerritoryScan(listeners: found.listeners, notes: found.notes, source: found.socketSource)
    }

    /// porthole's own conversation, or nmap's version detection when asked and installed.
    func probe(_ target: ProbeTarget) throws(CommandError) -> ProbeResult {
        if isInterrupted() { throw .interrupted }
        guard target.method == .nmap else { return ProbeConversation.probe(target) }
        guard let nmap = ProbeNmap.path(environmentPath: variables["PATH"]) else {
            throw CommandError(problem: "--probe=nmap needs nmap, which is not installed here", kind: .unavailable)
        }
        return ProbeNmap.probe(target, nmap: nmap)
    }

    /// Sleeps in steps of at most a quarter second, looking for Ctrl-C between them (a signal
    /// also cuts a step short): few enough wake-ups to leave a watch idle, soon enough to stop.
    func pause(seconds: Double) throws(CommandError) {
        var left = max(0, seconds)
        while left > 0 {
            if isInterrupted() { throw .interrupted }
            let step = min(left, 0.25)
            var request = timespec(tv_sec: Int(step), tv_nsec: Int((step - step.rounded(.down)) * 1e9))
            var remaining = timespec()
            let slept =
                nanosleep(&request, &remaining) == 0
                ? step : step - (Double(remaining.tv_sec) + Double(remaining.tv_nsec) / 1e9)
            left -= max(slept, 0.001)
        }
        if isInterrupted() { throw .interrupted }
    }

    func clock() -> HostClock {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = time_t(now.tv_sec)
        var local = tm()
        localtime_r(&seconds, &local)
        return HostClock(seconds: Double(now.tv_sec) + Double(now.tv_nsec) / 1e9, utcOffset: Int(local.tm_gmtoff))
    }

    /// Linux's three files under /proc/sys/net/ipv4; each is nil when it cannot be read.
    func portSettings() -> HostPortSettings {
        func text(_ path: String) -> String? {
            (try? readWholeFile(at: path)).map { String(decoding: $0, as: UTF8.self) }
        }
        return HostPortSettings(
            ephemeralRange: text(HostPortSettings.ephemeralPath).flatMap(HostPortSettings.parseRange),
            unprivilegedPortStart: text(HostPortSettings.unprivilegedPath).flatMap {
                Int($0.filter { !$0.isWhitespace })
            },
            reservedPorts: text(HostPortSettings.reservedPath).flatMap(HostPortSettings.parsePortList)
        )
    }

    /// Without a prompt, the history file is read as libedit wrote it.
    func history() throws(CommandError) -> [String]? {
        if let editor { return editor.historyEntries() }
        guard let path = LineEditor.historyPath(environment: variables) else { return nil }
        do throws(Errno) {
            return try HistoryFile.read(at: path)
        } catch {
            throw CommandError("history", problem: "cannot read \(path): \(error)", kind: .unavailable)
        }
    }

    /// At the prompt the editor forgets its entries and saves; otherwise the file is emptied
    /// in place (atomically) when it exists.
    func clearHistory() throws(CommandError) {
        guard let path = LineEditor.historyPath(environment: variables) else {
            throw CommandError("history --clear", "neither XDG_STATE_HOME nor HOME is set, so there is no history")
        }
        if let editor {
            guard editor.clearHistory() else {
                throw CommandError("history --clear", problem: "cannot save the history to \(path)", kind: .unavailable)
            }
            return
        }
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        do throws(AtomicFile.Failure) {
            try HistoryFile.clear(at: path)
        } catch {
            throw CommandError("history --clear", problem: "\(error)", kind: .unavailable)
        }
    }

    func readState(_ file: StateFile) throws(CommandError) -> String? {
        guard let path = Self.statePath(file, environment: variables) else { return nil }
        let fd: CInt
        do throws(Errno) {
            fd = try openFileForReading(path)
        } catch  where error == Errno(ENOENT) {
            return nil
        } catch {
            throw CommandError(problem: "cannot read \(path): \(error)", kind: .unavailable)
        }
        defer { close(fd) }
        let bytes: [UInt8]
        do throws(Errno) {
            bytes = try readAll(from: fd)
        } catch {
            throw CommandError(problem: "cannot read \(path): \(error)", kind: .unavailable)
        }
        guard bytes.count <= Self.stateLimit else {
            throw CommandError(
                problem: "\(path) is too large to be porthole's (\(bytes.count) bytes)", kind: .unavailable)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func writeState(_ file: StateFile, _ text: String) throws(CommandError) {
        guard let path = Self.statePath(file, environment: variables) else {
            throw CommandError(
                problem: "neither XDG_STATE_HOME nor HOME is set, so nothing can be kept", kind: .unavailable)
        }
        do throws(AtomicFile.Failure) {
            try AtomicFile.makeFolders(String(path[..<path.lastIndex(of: "/")!]))
            try AtomicFile(path: path, mode: 0o600, temporaryPrefix: ".\(file.rawValue)-").write(Array(text.utf8))
        } catch {
            throw CommandError(problem: "cannot save \(path): \(error.problem)", kind: .unavailable)
        }
    }

    /// State files are porthole's own and small; a larger one was not written by porthole.
    static let stateLimit = 1 << 20

    /// Beside the history: `$XDG_STATE_HOME/porthole/NAME` or `~/.local/state/porthole/NAME`.
    static func statePath(_ file: StateFile, environment: [String: String]) -> String? {
        guard let history = LineEditor.historyPath(environment: environment) else { return nil }
        return String(history[..<history.lastIndex(of: "/")!]) + "/" + file.rawValue
    }

    func today() -> Day { Platform.today() }

    func isInterrupted() -> Bool { Signals.interrupted }

    func clearInterrupt() { Signals.clearInterrupt() }

    /// Downloads with curl (or reads the file), validates, and swaps the user's copy in.
    func installRegistry(_ request: RegistryInstall) throws(CommandError) -> UpdateReport {
        guard let destination = RegistryLocator.userCopyPath(environment: variables) else {
            throw CommandError(
                "update", "neither XDG_DATA_HOME nor HOME is set, so there is nowhere to keep the registry")
        }
        let source: RegistryUpdater.Source
        switch request.origin {
        case .url(let url):
            // Said before anything is spawned or touched, as a usage error: no download failed, so
            // there is no "previous registry is still active" to add.
            if let problem = RegistryUpdater.downloadRefusal(url) { throw CommandError("update", problem) }
            source = .url(url)
        case .file(let path): source = .file(expandingHome(path))
        }
        let updater = RegistryUpdater(
            destination: destination, maxTimeSeconds: request.timeoutSeconds, showProgress: request.showProgress)
        do {
            return try updater.update(from: source, environment: variables)
        } catch {
            throw CommandError("update", problem: "\(error); the previous registry is still active", kind: .unavailable)
        }
    }

    private func expandingHome(_ path: String) -> String {
        guard path.hasPrefix("~/"), let home = variables["HOME"] else { return path }
        return home + path.dropFirst()
    }
}

/// A value made on first use and kept: a session's lookups and its `everything` share one
/// parse of nmap-services. A session is single-threaded.
private final class Lazy<Value>: @unchecked Sendable {
    private let make: () -> Value
    private var made: Value?

    init(_ make: @escaping () -> Value) { self.make = make }

    var value: Value {
        if let made { return made }
        let value = make()
        made = value
        return value
    }
}
