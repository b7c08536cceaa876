import PortListeners
import PortRegistry

/// The territory at one moment, as `snapshot` writes it and `diff` reads it: which machine,
/// when, its port settings, the registry it was judged against, and every listener with its
/// owners and verdict. The document is self-describing (`format`, `version`) so that a file
/// found later says what it is; `docs/snapshot.schema.json` and the README describe it.
struct TerritorySnapshot: Sendable, Equatable {
    /// The `format` field every snapshot carries.
    static let formatName = "porthole-snapshot"
    /// The newest version this porthole writes and reads. Fields may be added within a version
    /// (readers ignore what they do not know); a change of meaning or type takes a new version,
    /// and the reader keeps a path for every older one.
    static let currentVersion = 1
    /// Files larger than this are refused before being read: a snapshot of 20,000 listeners
    /// is about 10 MB.
    static let maximumBytes = 64 << 20

    /// The listeners' shared facts beside what a snapshot says of each.
    struct Entry: Sendable, Equatable {
        var listener: Listener
        var registered: [String]
        /// `who`'s verdict when the snapshot was taken (`matches`, `differs`…); kept as text so
        /// a verdict added later is read, not refused.
        var verdict: String
        var explanation: String
    }

    /// The registry the verdicts were judged against.
    struct RegistryStamp: Sendable, Equatable {
        var kind: String
        var path: String?
        /// `YYYY-MM-DD` or `YYYY-MM`, as the registry gives it.
        var updated: String?
    }

    var version: Int
    /// Seconds since the Unix epoch (written as ISO 8601 UTC, to the second).
    var takenAt: Double
    /// The porthole that wrote it, e.g. `0.1.0`.
    var writer: String
    var machine: MachineFacts
    var settings: HostPortSettings
    var registry: RegistryStamp
    /// Whether other network namespaces were searched too (`--all-netns`).
    var allNetworkNamespaces: Bool
    var socketSource: String
    var notes: [String]
    var listeners: [Entry]

    /// The territory now, joined with the active registry: what `snapshot` writes and what
    /// `diff` compares a baseline with.
    static func capture(_ context: CommandContext, allNetworkNamespaces: Bool) throws(CommandError)
        -> TerritorySnapshot
    {
        let loaded = try context.loadedRegistry()
        let scan = try context.listeners(TerritoryRequest(ports: nil, allNetworkNamespaces: allNetworkNamespaces))
        let entries = scan.listeners.sorted(by: Self.order).map {
            Entry(JoinedListener(listener: $0, registry: loaded.registry))
        }
        let source = loaded.registry.source
        return TerritorySnapshot(
            version: currentVersion, takenAt: context.host.clock().seconds.rounded(.down),
            writer: PortholeVersion.current,
            machine: context.host.machine(), settings: context.host.portSettings(),
            registry: RegistryStamp(
                kind: source.kind.rawValue, path: source.path, updated: source.updated?.description),
            allNetworkNamespaces: allNetworkNamespaces, socketSource: scan.source, notes: scan.notes,
            listeners: entries)
    }

    /// A stable order, so two snapshots of the same territory are the same bytes but for time.
    static func order(_ a: Listener, _ b: Listener) -> Bool {
        (a.netns ?? "", a.transport.rawValue, a.port, a.address, a.inode)
            < (b.netns ?? "", b.transport.rawValue, b.port, b.address, b.inode)
    }

    // MARK: Writing

    /// The document, keys in the order the README lists them.
    var json: JSON {
        .fields([
            ("format", .string(Self.formatName)),
            ("version", .int(version)),
            ("takenAt", .string(Timestamp.iso8601(takenAt))),
            ("writtenBy", .string("porthole \(writer)")),
            (
                "host",
                .fields([
                    ("name", .string(machine.hostName)),
                    ("machineId", .optional(machine.machineID)),
                    (
                        "kernel",
                        .fields([
                            ("name", .string(machine.kernelName)), ("release", .string(machine.kernelRelease)),
                            ("machine", .string(machine.architecture)),
                        ])
                    ),
                    ("os", .optional(machine.operatingSystem)),
                ])
            ),
            (
                "portSettings",
                .fields([
                    ("ephemeralRange", settings.ephemeralRange.map(Self.range) ?? .null),
                    ("unprivilegedPortStart", .optional(settings.unprivilegedPortStart)),
                    ("reservedPorts", settings.reservedPorts.map { .array($0.map(Self.range)) } ?? .null),
                ])
            ),
            (
                "registry",
                .fields([
                    ("kind", .string(registry.kind)), ("path", .optional(registry.path)),
                    ("updated", .optional(registry.updated)),
                ])
            ),
            ("allNetworkNamespaces", .bool(allNetworkNamespaces)),
            ("socketSource", .string(socketSource)),
            ("notes", .strings(notes)),
            ("listeners", .array(listeners.map(Self.json))),
        ])
    }

    private static func range(_ range: ClosedRange<UInt16>) -> JSON {
        .fields([("low", .int(Int(range.lowerBound))), ("high", .int(Int(range.upperBound)))])
    }

    static func json(_ entry: Entry) -> JSON {
        let l = entry.listener
        return .fields([
            ("transport", .string(l.transport.rawValue)),
            ("address", .string(l.address)),
            ("port", .int(Int(l.port))),
            ("v6Only", l.v6Only.map(JSON.bool) ?? .null),
            ("netns", .optional(l.netns)),
            ("uid", .int(Int(l.uid))),
            ("user", .string(l.user)),
            ("inode", .int(Int(truncatingIfNeeded: l.inode))),
            ("owners", .array(l.owners.map(ownerJSON))),
            ("ownerHiddenReason", .optional(l.ownerHiddenReason)),
            ("registered", .strings(entry.registered)),
            ("verdict", .string(entry.verdict)),
            ("explanation", .string(entry.explanation)),
        ])
    }

    static func ownerJSON(_ owner: SocketOwner) -> JSON {
        .fields([
            ("pid", .int(Int(owner.pid))), ("process", .string(owner.process)), ("command", .string(owner.command)),
            ("user", .string(owner.user)), ("uid", .int(Int(owner.uid))),
            ("startedAt", owner.startedAt.map { .string(Timestamp.iso8601($0)) } ?? .null),
        ])
    }

    /// The document as a file holds it: one line of JSON and a newline.
    var bytes: [UInt8] { Array(json.line.utf8) }

    // MARK: Reading

    /// Why bytes are not a snapshot this porthole can read, in words that follow the file's name.
    struct ReadError: Error, Equatable, Sendable {
        enum Problem: Equatable, Sendable {
            /// Not JSON at all (or cut short): the reader's own account.
            case notJSON(JSONReader.Failure)
            /// JSON, but something else: what it seems to be instead.
            case notASnapshot(String)
            /// Written by a newer porthole.
            case newer(version: Int)
            /// A snapshot whose field at `path` is missing or of the wrong type.
            case damaged(path: String, expected: String)
        }

        let problem: Problem

        /// `is cut short: …`, `was written by a newer porthole (version 2); …`.
        var message: String {
            switch problem {
            case .notJSON(let failure):
                switch failure.problem {
                case .unexpectedEnd, .empty: return "is cut short, or empty: \(failure)"
                default: return "is not JSON: \(failure)"
                }
            case .notASnapshot(let what): return "is not a porthole snapshot: \(what)"
            case .newer(let version):
                return
                    "was written by a newer porthole (version \(version)); this one reads up to \(TerritorySnapshot.currentVersion)"
            case .damaged(let path, let expected): return "is a damaged snapshot: \(path) should be \(expected)"
            }
        }
    }

    /// Reads a snapshot of any version this porthole knows. The version is checked before
    /// anything else is read, and each version keeps its own reader.
    static func decode(_ bytes: [UInt8]) throws(ReadError) -> TerritorySnapshot {
        let root: JSON
        do throws(JSONReader.Failure) {
            root = try JSONReader.parse(bytes)
        } catch {
            throw ReadError(problem: .notJSON(error))
        }
        return try decode(root: root)
    }

    /// Reads a snapshot from a document already parsed (a territory reader that parsed it to
    /// tell its format does not parse it twice).
    static func decode(root: JSON) throws(ReadError) -> TerritorySnapshot {
        guard case .object(let fields) = root else {
            throw ReadError(problem: .notASnapshot("it is a JSON \(kind(of: root)), not an object"))
        }
        guard case .string(let format) = fields["format"] else {
            throw ReadError(problem: .notASnapshot("it has no \"format\": \"\(formatName)\" field"))
        }
        guard format == formatName else {
            throw ReadError(
                problem: .notASnapshot(
                    "its format is \"\(Visible.text(String(format.prefix(80))))\", not \"\(formatName)\""))
        }
        guard case .int(let version) = fields["version"], version >= 1 else {
            throw ReadError(problem: .damaged(path: "version", expected: "a whole number from 1"))
        }
        switch version {
        case 1: return try decodeVersion1(Fields(fields, path: ""), version: version)
        default: throw ReadError(problem: .newer(version: version))
        }
    }

    /// Version 1, the first: read by every later porthole.
    private static func decodeVersion1(_ root: Fields, version: Int) throws(ReadError) -> TerritorySnapshot {
        let takenText = try root.string("takenAt")
        guard let takenAt = Timestamp.seconds(iso8601: takenText) else {
            throw ReadError(problem: .damaged(path: "takenAt", expected: "a time as YYYY-MM-DDTHH:MM:SSZ"))
        }
        let writtenBy = try root.string("writtenBy")
        let host = try root.object("host")
        let kernel = try host.object("kernel")
        let machine = MachineFacts(
            hostName: try host.string("name"), machineID: try host.optionalString("machineId"),
            kernelName: try kernel.string("name"), kernelRelease: try kernel.string("release"),
            architecture: try kernel.string("machine"), operatingSystem: try host.optionalString("os"))
        let ports = try root.object("portSettings")
        let ephemeral = try ports.optionalObject("ephemeralRange").map { (f) throws(ReadError) in try f.portRange() }
        let reserved = try ports.optionalArray("reservedPorts").map { (items) throws(ReadError) in
            try items.enumerated().map { (i, item) throws(ReadError) in
                try Fields.object(item, path: ports.path("reservedPorts[\(i)]")).portRange()
            }
        }
        let settings = HostPortSettings(
            ephemeralRange: ephemeral,
            unprivilegedPortStart: try ports.optionalInt("unprivilegedPortStart", in: 0...65536),
            reservedPorts: reserved)
        let registryFields = try root.object("registry")
        let registry = RegistryStamp(
            kind: try registryFields.string("kind"), path: try registryFields.optionalString("path"),
            updated: try registryFields.optionalString("updated"))
        let listeners = try root.array("listeners").enumerated().map { (i, item) throws(ReadError) in
            try entry(Fields.object(item, path: "listeners[\(i)]"))
        }
        return TerritorySnapshot(
            version: version, takenAt: takenAt,
            writer: writtenBy.hasPrefix("porthole ") ? String(writtenBy.dropFirst(9)) : writtenBy,
            machine: machine, settings: settings, registry: registry,
            allNetworkNamespaces: try root.bool("allNetworkNamespaces"), socketSource: try root.string("socketSource"),
            notes: try root.strings("notes"), listeners: listeners)
    }

    private static func entry(_ f: Fields) throws(ReadError) -> Entry {
        let transportText = try f.string("transport")
        guard let transport = SocketTransport(rawValue: transportText) else {
            throw ReadError(problem: .damaged(path: f.path("transport"), expected: "\"tcp\" or \"udp\""))
        }
        let owners = try f.array("owners").enumerated().map { (i, item) throws(ReadError) in
            let o = try Fields.object(item, path: f.path("owners[\(i)]"))
            var started: Double?
            if let text = try o.optionalString("startedAt") {
                guard let seconds = Timestamp.seconds(iso8601: text) else {
                    throw ReadError(
                        problem: .damaged(path: o.path("startedAt"), expected: "a time as YYYY-MM-DDTHH:MM:SSZ"))
                }
                started = seconds
            }
            return SocketOwner(
                pid: Int32(try o.int("pid", in: 0...Int(Int32.max))), process: try o.string("process"),
                command: try o.string("command"), uid: UInt32(try o.int("uid", in: 0...Int(UInt32.max))),
                user: try o.string("user"), startedAt: started)
        }
        let listener = Listener(
            transport: transport, address: try f.string("address"), port: UInt16(try f.int("port", in: 0...65535)),
            uid: UInt32(try f.int("uid", in: 0...Int(UInt32.max))), user: try f.string("user"),
            inode: UInt64(truncatingIfNeeded: try f.int("inode", in: Int.min...Int.max)),
            v6Only: try f.optionalBool("v6Only"), owners: owners,
            ownerHiddenReason: try f.optionalString("ownerHiddenReason"), netns: try f.optionalString("netns"))
        return Entry(
            listener: listener, registered: try f.strings("registered"), verdict: try f.string("verdict"),
            explanation: try f.string("explanation"))
    }

    static func kind(of value: JSON) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object, .fields, .encoded: "object"
        }
    }

    /// One object's members, read by type; every error names the field's path
    /// (`listeners[3].owners[0].pid`).
    private struct Fields {
        let members: [String: JSON]
        let prefix: String

        init(_ members: [String: JSON], path: String) {
            self.members = members
            self.prefix = path
        }

        static func object(_ value: JSON, path: String) throws(ReadError) -> Fields {
            guard case .object(let members) = value else {
                throw ReadError(problem: .damaged(path: path, expected: "an object"))
            }
            return Fields(members, path: path)
        }

        func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

        private func damaged(_ key: String, _ expected: String) -> ReadError {
            ReadError(problem: .damaged(path: path(key), expected: expected))
        }

        /// nil when the member is missing or null.
        private func present(_ key: String) -> JSON? {
            guard let value = members[key], value != .null else { return nil }
            return value
        }

        func string(_ key: String) throws(ReadError) -> String {
            guard case .string(let text) = members[key] else { throw damaged(key, "a string") }
            return text
        }

        func optionalString(_ key: String) throws(ReadError) -> String? {
            guard let value = present(key) else { return nil }
            guard case .string(let text) = value else { throw damaged(key, "a string or null") }
            return text
        }

        func int(_ key: String, in range: ClosedRange<Int>) throws(ReadError) -> Int {
            guard case .int(let n) = members[key], range.contains(n) else {
                throw damaged(key, "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return n
        }

        func optionalInt(_ key: String, in range: ClosedRange<Int>) throws(ReadError) -> Int? {
            guard present(key) != nil else { return nil }
            return try int(key, in: range)
        }

        func bool(_ key: String) throws(ReadError) -> Bool {
            guard case .bool(let b) = members[key] else { throw damaged(key, "true or false") }
            return b
        }

        func optionalBool(_ key: String) throws(ReadError) -> Bool? {
            guard let value = present(key) else { return nil }
            guard case .bool(let b) = value else { throw damaged(key, "true, false or null") }
            return b
        }

        func object(_ key: String) throws(ReadError) -> Fields {
            try Fields.object(members[key] ?? .null, path: path(key))
        }

        func optionalObject(_ key: String) throws(ReadError) -> Fields? {
            guard let value = present(key) else { return nil }
            return try Fields.object(value, path: path(key))
        }

        func array(_ key: String) throws(ReadError) -> [JSON] {
            guard case .array(let items) = members[key] else { throw damaged(key, "an array") }
            return items
        }

        func optionalArray(_ key: String) throws(ReadError) -> [JSON]? {
            guard present(key) != nil else { return nil }
            return try array(key)
        }

        func strings(_ key: String) throws(ReadError) -> [String] {
            try array(key).enumerated().map { (i, item) throws(ReadError) in
                guard case .string(let text) = item else { throw damaged("\(key)[\(i)]", "a string") }
                return text
            }
        }

        /// `{"low": L, "high": H}` with L ≤ H.
        func portRange() throws(ReadError) -> ClosedRange<UInt16> {
            let low = try int("low", in: 0...65535)
            let high = try int("high", in: 0...65535)
            guard low <= high else { throw damaged("low", "at most high") }
            return UInt16(low)...UInt16(high)
        }
    }
}

extension TerritorySnapshot.Entry {
    /// A listener as `who` judged it.
    init(_ joined: JoinedListener) {
        self.init(
            listener: joined.listener, registered: joined.registered, verdict: joined.verdict.rawValue,
            explanation: joined.explanation)
    }
}
