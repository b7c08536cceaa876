import PortListeners
import PortRegistry

/// A host given whole: a registry, other maps, listeners and settings held in memory. It
/// drives the unit tests of every command and the explorer fuzzer; it never touches the
/// operating system.
final class FixedHost: Host {
    var registry: Result<LoadedRegistry, CommandError>
    var maps: OtherMaps
    /// nil: the territory cannot be seen (the scan fails with `territoryProblem`).
    var territory: [Listener]?
    var territoryProblem = "this host's sockets cannot be read"
    var settings: HostPortSettings
    var savedHistory: [String]?
    var date: Day
    /// Reads the interrupt flag; the tests' own Ctrl-C.
    public var interrupted: () -> Bool = { false }
    /// What `update` does here; by default it refuses, since nothing may be written.
    var install: (RegistryInstall) throws(CommandError) -> UpdateReport = { _ throws(CommandError) in
        throw CommandError(
            "update", problem: "this host's registry is fixed; nothing can be installed", kind: .unavailable)
    }
    /// What a probe of each port finds; a port not listed stays silent.
    var probeResults: [UInt16: ProbeResult] = [:]
    /// Every probe asked for, in order.
    private(set) var probes: [ProbeTarget] = []
    var machineFacts = MachineFacts(
        hostName: "fixed", machineID: "0123456789abcdef0123456789abcdef", kernelName: "Linux",
        kernelRelease: "6.1.0", architecture: "x86_64", operatingSystem: "Debian GNU/Linux 12 (bookworm)")
    /// The clock: 2026-11-27T10:40:46Z (UTC, the local zone here) unless a test moves it; a
    /// watch's pauses move it on a second each.
    var time: Double = 1_795_776_046
    /// Snapshot files and saved baselines, in memory; nothing reaches the file system.
    var snapshotFiles: [SnapshotLocation: [UInt8]] = [:]
    /// The other files `snapshot` writes (textfiles, cards) by path, with the mode asked for.
    var otherFiles: [String: (bytes: [UInt8], mode: UInt32)] = [:]
    /// When each saved baseline was written, by the clock.
    private var savedAt: [String: Double] = [:]
    /// Set: every snapshot write fails with this reason, leaving the files as they were.
    var writeProblem: String?
    /// Every request the territory was asked, in order.
    private(set) var requests: [TerritoryRequest] = []
    /// How many times a watch paused; `paused` runs after each, to change the territory (a
    /// listener starts or stops) or press Ctrl-C (`interrupted`).
    private(set) var pauses = 0
    var paused: (FixedHost) -> Void = { _ in }

    public init(
        registry: Registry, warnings: [String] = [], maps: OtherMaps = OtherMaps(), territory: [Listener]? = [],
        settings: HostPortSettings = HostPortSettings(
            ephemeralRange: 32768...60999, unprivilegedPortStart: 1024, reservedPorts: []),
        history: [String]? = nil, today: Day = Day(year: 2026, month: 11, day: 27)!
    ) {
        self.registry = .success(LoadedRegistry(registry: registry, warnings: warnings))
        self.maps = maps
        self.territory = territory
        self.settings = settings
        self.savedHistory = history
        self.date = today
    }

    func loadRegistry() throws(CommandError) -> LoadedRegistry { try registry.get() }
    func loadOtherMaps() -> OtherMaps { maps }
    func portSettings() -> HostPortSettings { settings }
    func history() throws(CommandError) -> [String]? { savedHistory }
    func clearHistory() throws(CommandError) {
        guard savedHistory != nil else { throw CommandError("history --clear", "this host keeps no history") }
        savedHistory = []
    }
    func today() -> Day { date }
    /// State files as written; `stateFolderMissing` makes every write fail as with no HOME.
    var stateFiles: [StateFile: String] = [:]
    var stateFolderMissing = false
    func readState(_ file: StateFile) throws(CommandError) -> String? { stateFiles[file] }
    func writeState(_ file: StateFile, _ text: String) throws(CommandError) {
        if stateFolderMissing { throw CommandError(problem: "no state folder", kind: .unavailable) }
        stateFiles[file] = text
    }
    func isInterrupted() -> Bool { interrupted() }
    /// Counts the prompt's acknowledgements of Ctrl-C.
    private(set) var interruptsCleared = 0
    func clearInterrupt() { interruptsCleared += 1 }
    func machine() -> MachineFacts { machineFacts }

    func readSnapshot(_ location: SnapshotLocation, limit: Int) throws(CommandError) -> [UInt8] {
        guard let bytes = snapshotFiles[location] else {
            throw CommandError(
                problem: "cannot read '\(Self.path(location))': No such file or directory", kind: .unavailable)
        }
        guard bytes.count <= limit else {
            throw CommandError(
                problem:
                    "'\(Self.path(location))' is \(ByteCount.phrase(bytes.count)); porthole reads snapshots of up to \(ByteCount.phrase(limit)), so it was not read",
                kind: .unavailable)
        }
        return bytes
    }

    func writeSnapshot(_ bytes: [UInt8], as form: SnapshotForm, to location: SnapshotLocation) throws(CommandError)
        -> String
    {
        if let writeProblem { throw CommandError(problem: writeProblem, kind: .unavailable) }
        guard form == .document else {
            let path = Self.path(location, form: form)
            otherFiles[path] = (bytes, form.mode)
            return path
        }
        snapshotFiles[location] = bytes
        if case .saved(let name) = location { savedAt[name] = time }
        return Self.path(location)
    }

    /// Territory files, in memory, by path; a folder is every path under it.
    var territoryFiles: [String: [UInt8]] = [:]

    func readTerritory(_ path: String, limit: Int) throws(CommandError) -> [TerritoryFile] {
        let folder = path.hasSuffix("/") ? path : path + "/"
        let paths = territoryFiles.keys.filter { $0 == path || $0.hasPrefix(folder) }.sorted()
        guard !paths.isEmpty else {
            throw CommandError(problem: "cannot read '\(path)': No such file or directory", kind: .unavailable)
        }
        return paths.map { p in
            let bytes = territoryFiles[p]!
            guard bytes.count <= limit else {
                return TerritoryFile(
                    path: p, modified: time,
                    bytes: .failure(
                        CommandError(
                            problem:
                                "'\(p)' is \(ByteCount.phrase(bytes.count)); porthole reads territory files of up to \(ByteCount.phrase(limit)), so it was not read",
                            kind: .unavailable)))
            }
            return TerritoryFile(path: p, modified: time, bytes: .success(bytes))
        }
    }

    func savedSnapshots() throws(CommandError) -> [SavedSnapshot] {
        savedAt.map { SavedSnapshot(name: $0.key, path: Self.path(.saved($0.key)), modified: $0.value) }
            .sorted { ($0.modified, $1.name) > ($1.modified, $0.name) }
    }

    static func path(_ location: SnapshotLocation, form: SnapshotForm = .document) -> String {
        switch location {
        case .file(let path): path
        case .saved(let name): "/fixed/snapshots/\(name)\(form.savedSuffix)"
        }
    }

    func installRegistry(_ request: RegistryInstall) throws(CommandError) -> UpdateReport { try install(request) }
    func clock() -> HostClock {
        HostClock(seconds: time + Double(pauses), utcOffset: 0)
    }
    func pause(seconds: Double) throws(CommandError) {
        pauses += 1
        paused(self)
        if interrupted() { throw .interrupted }
    }

    func probe(_ target: ProbeTarget) throws(CommandError) -> ProbeResult {
        probes.append(target)
        if interrupted() { throw .interrupted }
        return probeResults[target.port] ?? ProbeResult(.silent, connectedTo: target.loopback, method: target.method)
    }

    public func listeners(_ request: TerritoryRequest) throws(CommandError) -> TerritoryScan {
        requests.append(request)
        if interrupted() { throw .interrupted }
        guard let territory else { throw CommandError(problem: territoryProblem) }
        return TerritoryScan(listeners: territory.filter(request.contains), source: "fixed")
    }
}
