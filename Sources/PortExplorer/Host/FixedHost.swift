import PortListeners
import PortRegistry

/// A host given whole: a registry, other maps, listeners and settings held in memory. It
/// drives the unit tests of every command and the explorer fuzzer; it never touches the
/// operating system.
public final class FixedHost: Host {
    public var registry: Result<LoadedRegistry, CommandError>
    public var maps: OtherMaps
    /// nil: the territory cannot be seen (the scan fails with `territoryProblem`).
    public var territory: [Listener]?
    public var territoryProblem = "this host's sockets cannot be read"
    public var settings: HostPortSettings
    public var savedHistory: [String]?
    public var date: Day
    /// Reads the interrupt flag; the tests' own Ctrl-C.
    public var interrupted: () -> Bool = { false }
    /// What `update` does here; by default it refuses, since nothing may be written.
    public var install: (RegistryInstall) throws(CommandError) -> UpdateReport = { _ throws(CommandError) in
        throw CommandError("update", problem: "this host's registry is fixed; nothing can be installed", kind: .unavailable)
    }
    /// Every request the territory was asked, in order.
    public private(set) var requests: [TerritoryRequest] = []

    public init(
        registry: Registry, warnings: [String] = [], maps: OtherMaps = OtherMaps(), territory: [Listener]? = [],
        settings: HostPortSettings = HostPortSettings(ephemeralRange: 32768...60999, unprivilegedPortStart: 1024, reservedPorts: []),
        history: [String]? = nil, today: Day = Day(year: 2026, month: 11, day: 27)!
    ) {
        self.registry = .success(LoadedRegistry(registry: registry, warnings: warnings))
        self.maps = maps
        self.territory = territory
        self.settings = settings
        self.savedHistory = history
        self.date = today
    }

    public func loadRegistry() throws(CommandError) -> LoadedRegistry { try registry.get() }
    public func loadOtherMaps() -> OtherMaps { maps }
    public func portSettings() -> HostPortSettings { settings }
    public func history() -> [String]? { savedHistory }
    public func today() -> Day { date }
    public func isInterrupted() -> Bool { interrupted() }
    public func installRegistry(_ request: RegistryInstall) throws(CommandError) -> UpdateReport { try install(request) }

    public func listeners(_ request: TerritoryRequest) throws(CommandError) -> TerritoryScan {
        requests.append(request)
        if interrupted() { throw .interrupted }
        guard let territory else { throw CommandError(problem: territoryProblem) }
        return TerritoryScan(listeners: territory.filter(request.contains), source: "fixed")
    }
}
