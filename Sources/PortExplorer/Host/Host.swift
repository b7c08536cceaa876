import PortListeners
import PortRegistry

/// Everything the language needs from outside itself. Commands never call the operating
/// system: they ask their host. The executable passes a host over this machine; tests and the
/// fuzzer pass a `FixedHost`. A territory that is not this host's live sockets (a saved
/// snapshot, another host, a container) is another conformance.
public protocol Host: AnyObject {
    /// The active registry with anything worth telling the user once. A session calls this
    /// on first use and again after `update`.
    func loadRegistry() throws(CommandError) -> LoadedRegistry
    /// The maps beside IANA's: services(5) and nmap-services. A session calls this once.
    func loadOtherMaps() -> OtherMaps
    /// The territory: sockets listening on the asked ports and transports.
    func listeners(_ request: TerritoryRequest) throws(CommandError) -> TerritoryScan
    /// What one of this host's listeners speaks, found by talking to it (`--probe`): only
    /// over loopback or to this host's own addresses, within the target's budget.
    func probe(_ target: ProbeTarget) throws(CommandError) -> ProbeResult
    /// The kernel's port settings, now.
    func portSettings() -> HostPortSettings
    /// The saved history, oldest first: the prompt's while one runs, else what the history
    /// file holds; nil when there is nowhere to keep a history.
    func history() throws(CommandError) -> [String]?
    /// Empties the saved history (and the prompt's, while one runs).
    func clearHistory() throws(CommandError)
    /// Today's date (UTC), for the registry's age.
    func today() -> Day
    /// Fetches or reads a registry, validates it and makes it the user's copy.
    func installRegistry(_ request: RegistryInstall) throws(CommandError) -> UpdateReport
    /// The time now: a snapshot's, or a watch line's.
    func clock() -> HostClock
    /// Waits `seconds` between two looks at the territory (a watch); throws `.interrupted`
    /// as soon as Ctrl-C arrives.
    func pause(seconds: Double) throws(CommandError)
    /// What names this machine, for a snapshot's header: read where readable, never guessed.
    func machine() -> MachineFacts
    /// The bytes of a snapshot file or saved baseline, refused unread when the file is larger
    /// than `limit` bytes (its size said in the error), so a 1 GB file costs one `fstat`.
    func readSnapshot(_ location: SnapshotLocation, limit: Int) throws(CommandError) -> [UInt8]
    /// Replaces a file `snapshot` writes (the document, a Prometheus textfile, a class card's
    /// Markdown or JSON) with `bytes` atomically (a temporary file beside it, then rename): on
    /// any failure the old file is left as it was. The form decides the mode and, for a saved
    /// NAME, the file's suffix. Returns the path written.
    func writeSnapshot(_ bytes: [UInt8], as form: SnapshotForm, to location: SnapshotLocation) throws(CommandError)
        -> String
    /// The files of a territory given to `--territory` or `territory add`: the file itself,
    /// or every regular file under a folder, recursively, in name order (hidden ones skipped).
    /// Each file larger than `limit` bytes is refused unread, by its size; one that cannot be
    /// read carries its reason, so the others still answer. Throws when `path` itself cannot be
    /// opened.
    func readTerritory(_ path: String, limit: Int) throws(CommandError) -> [TerritoryFile]
    /// The saved baselines (`snapshot --save`), newest first; empty when there are none.
    func savedSnapshots() throws(CommandError) -> [SavedSnapshot]
    /// One of porthole's own small files in its state folder (lesson progress): its text, or
    /// nil when it was never written or there is no state folder.
    func readState(_ file: StateFile) throws(CommandError) -> String?
    /// Replaces a state file atomically, making its folder when needed (mode 0600).
    func writeState(_ file: StateFile, _ text: String) throws(CommandError)
    /// Whether the user asked the running command to stop (Ctrl-C).
    func isInterrupted() -> Bool
    /// Forgets a Ctrl-C once the prompt has answered it.
    func clearInterrupt()
}

/// porthole's files in `$XDG_STATE_HOME/porthole` beside the history.
public enum StateFile: String, Sendable, CaseIterable {
    /// Where each lesson stands.
    case lessons
}

/// Which part of the territory a command asks about.
public struct TerritoryRequest: Hashable, Sendable {
    /// The port ranges, scanned one after another; nil means every port.
    public var ports: [ClosedRange<UInt16>]?
    public var transports: Set<SocketTransport>
    /// Also look inside every other network namespace (containers; needs root).
    public var allNetworkNamespaces: Bool
    /// One of a watch's polls: the host may reuse what it learned of the sockets' owners at the
    /// last poll while that still holds, instead of looking for them again.
    public var polling: Bool

    public init(
        ports: [ClosedRange<UInt16>]?, transports: Set<SocketTransport> = [.tcp, .udp],
        allNetworkNamespaces: Bool = false, polling: Bool = false
    ) {
        self.ports = ports
        self.transports = transports
        self.allNetworkNamespaces = allNetworkNamespaces
        self.polling = polling
    }

    /// Whether a listener falls inside this request.
    func contains(_ listener: Listener) -> Bool {
        transports.contains(listener.transport) && (ports?.contains { $0.contains(listener.port) } ?? true)
    }
}

/// A moment, as a watch prints it: seconds since the Unix epoch, and the local time zone's
/// offset from UTC then.
public struct HostClock: Sendable, Equatable {
    public var seconds: Double
    public var utcOffset: Int

    public init(seconds: Double, utcOffset: Int) {
        self.seconds = seconds
        self.utcOffset = utcOffset
    }
}

/// One look at the territory: the listeners found, and which socket table answered.
public struct TerritoryScan: Sendable {
    public var listeners: [Listener]
    /// What could not be looked at, in plain words (each said once).
    public var notes: [String]
    /// Which socket table answered (`netlink`, `procfs`, `fixed`…).
    public var source: String

    public init(listeners: [Listener] = [], notes: [String] = [], source: String) {
        self.listeners = listeners
        self.notes = notes
        self.source = source
    }
}

/// What `update` asks the host to install.
public struct RegistryInstall: Hashable, Sendable {
    public enum Origin: Hashable, Sendable {
        case url(String)
        /// A file on disk, with `~/` already expanded by the host.
        case file(String)
    }

    public var origin: Origin
    public var timeoutSeconds: Int
    /// Let the download draw a progress bar (a person is watching text output).
    public var showProgress: Bool

    public init(origin: Origin, timeoutSeconds: Int, showProgress: Bool) {
        self.origin = origin
        self.timeoutSeconds = timeoutSeconds
        self.showProgress = showProgress
    }
}

/// The facts that name a machine in a snapshot. Each comes from the machine itself (uname,
/// /etc/machine-id, /etc/os-release); what cannot be read is nil, never a guess.
public struct MachineFacts: Sendable, Equatable {
    public var hostName: String
    /// `/etc/machine-id`, which outlives renames and address changes; nil when unreadable.
    public var machineID: String?
    /// uname's system name, release and machine: `Linux`, `6.1.0-18-amd64`, `x86_64`.
    public var kernelName: String
    public var kernelRelease: String
    public var architecture: String
    /// `/etc/os-release`'s PRETTY_NAME, e.g. `Debian GNU/Linux 12 (bookworm)`.
    public var operatingSystem: String?

    public init(
        hostName: String, machineID: String?, kernelName: String, kernelRelease: String, architecture: String,
        operatingSystem: String?
    ) {
        self.hostName = hostName
        self.machineID = machineID
        self.kernelName = kernelName
        self.kernelRelease = kernelRelease
        self.architecture = architecture
        self.operatingSystem = operatingSystem
    }
}

/// Where a snapshot lives: a file the user named, or a baseline kept by name under the
/// user's data folder (`$XDG_DATA_HOME/porthole/snapshots/NAME.json`). The host turns a name
/// into a path; the language only checks that the name is safe to be one.
public enum SnapshotLocation: Hashable, Sendable {
    case file(String)
    case saved(String)
}

/// What a file `snapshot` writes holds, which decides who may read it and, for a saved NAME,
/// its suffix in the baselines' folder.
public enum SnapshotForm: Sendable, Hashable, CaseIterable {
    /// The JSON document `diff` reads.
    case document
    /// node_exporter's textfile-collector format (`--prometheus`).
    case prometheus
    /// A class card's Markdown, and its JSON (`--card`).
    case cardMarkdown, cardJSON

    /// `NAME` + this is a saved file's name: `base.json`, `base.card.md`.
    public var savedSuffix: String {
        switch self {
        case .document: ".json"
        case .prometheus: ".prom"
        case .cardMarkdown: ".card.md"
        case .cardJSON: ".card.json"
        }
    }

    /// Documents and cards hold owners and (documents) command lines, which can hold secrets,
    /// so only their owner reads them; the textfile holds neither, and node_exporter reads it
    /// as its own user (`prometheus` on Debian), so everyone may.
    public var mode: UInt32 {
        self == .prometheus ? 0o644 : 0o600
    }
}

extension Host {
    /// The snapshot document itself.
    func writeSnapshot(_ bytes: [UInt8], to location: SnapshotLocation) throws(CommandError) -> String {
        try writeSnapshot(bytes, as: .document, to: location)
    }
}

/// A baseline kept by `snapshot --save`.
public struct SavedSnapshot: Sendable, Equatable {
    public var name: String
    public var path: String
    /// When the file was last written (seconds since the Unix epoch), to find the newest.
    public var modified: Double

    public init(name: String, path: String, modified: Double) {
        self.name = name
        self.path = path
        self.modified = modified
    }
}
