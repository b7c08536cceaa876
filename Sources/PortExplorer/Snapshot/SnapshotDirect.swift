import PortListeners

extension TerritorySnapshot {
    /// A snapshot read straight from its bytes, member by member, without building a JSON
    /// tree with a dictionary for every object first: a fleet is thousands of these files.
    ///
    /// It accepts exactly what `decode(_:)` accepts and gives the same snapshot (members in
    /// any order, unknown members read past, escapes, `null` for optional fields), or nil for
    /// anything else, including every damaged or unusual file (a key written with escapes, a
    /// newer version): the caller then reads the bytes the general way, which also says what
    /// is wrong with them. So a file is never refused here, only passed on.
    static func decodeDirect(_ bytes: [UInt8]) -> TerritorySnapshot? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = DirectReader(parser: JSONReader.Parser(bytes: buffer))
            return try? reader.document()
        }
    }
}

/// The walk behind `TerritorySnapshot.decodeDirect`. Every failure is the same `mismatch`:
/// it is never shown, since the general reader then finds and words the real problem.
private struct DirectReader {
    typealias Failure = JSONReader.Failure
    var parser: JSONReader.Parser
    /// The last time read and its seconds: a snapshot's processes mostly share a few start times.
    var lastTime: (text: String, seconds: Double)?

    static let mismatch = Failure(problem: .empty, offset: 0, line: 0, column: 0)

    /// One object being read: where its members stand, which known keys were seen (a key
    /// given twice is refused, as the general reader does) and the unknown ones.
    struct Object {
        let depth: Int
        var first = true
        var seen: UInt32 = 0
        /// The key expected next: porthole writes them in one order.
        var next = 0
        var unknown: [String] = []
    }

    /// One array being read.
    struct Items {
        var first = true
    }

    static let rootKeys: [StaticString] = [
        "format", "version", "takenAt", "writtenBy", "host", "portSettings", "registry", "allNetworkNamespaces",
        "socketSource", "notes", "listeners",
    ]
    static let hostKeys: [StaticString] = ["name", "machineId", "kernel", "os"]
    static let kernelKeys: [StaticString] = ["name", "release", "machine"]
    static let portSettingsKeys: [StaticString] = ["ephemeralRange", "unprivilegedPortStart", "reservedPorts"]
    static let rangeKeys: [StaticString] = ["low", "high"]
    static let registryKeys: [StaticString] = ["kind", "path", "updated"]
    static let listenerKeys: [StaticString] = [
        "transport", "address", "port", "v6Only", "netns", "uid", "user", "inode", "owners", "ownerHiddenReason",
        "registered", "verdict", "explanation",
    ]
    static let ownerKeys: [StaticString] = ["pid", "process", "command", "user", "uid", "startedAt"]

    var bytes: UnsafeBufferPointer<UInt8> { parser.bytes }

    mutating func document() throws(Failure) -> TerritorySnapshot {
        parser.skipWhitespace()
        var root = try open(depth: 1)
        var format: String?
        var version: Int?
        var takenAt: Double?
        var writtenBy: String?
        var machine: MachineFacts?
        var settings: HostPortSettings?
        var registry: TerritorySnapshot.RegistryStamp?
        var allNetworkNamespaces: Bool?
        var socketSource: String?
        var notes: [String]?
        var listeners: [TerritorySnapshot.Entry]?
        while let key = try member(Self.rootKeys, &root) {
            switch key {
            case 0: format = try string()
            case 1: version = try int(in: 1...Int.max)
            case 2: takenAt = try time()
            case 3: writtenBy = try string()
            case 4: machine = try host()
            case 5: settings = try portSettings()
            case 6: registry = try registryStamp()
            case 7: allNetworkNamespaces = try bool()
            case 8: socketSource = try string()
            case 9: notes = try strings()
            default: listeners = try entries()
            }
        }
        parser.skipWhitespace()
        guard parser.index == bytes.count, format == TerritorySnapshot.formatName, version == 1,
            let takenAt, let writtenBy, let machine, let settings, let registry, let allNetworkNamespaces,
            let socketSource, let notes, let listeners
        else { throw Self.mismatch }
        return TerritorySnapshot(
            version: 1, takenAt: takenAt,
            writer: writtenBy.hasPrefix("porthole ") ? String(writtenBy.dropFirst(9)) : writtenBy,
            machine: machine, settings: settings, registry: registry, allNetworkNamespaces: allNetworkNamespaces,
            socketSource: socketSource, notes: notes, listeners: listeners)
    }

    mutating func host() throws(Failure) -> MachineFacts {
        var object = try open(depth: 2)
        var name: String?
        var machineID: String?
        var kernel: (name: String, release: String, machine: String)?
        var os: String?
        while let key = try member(Self.hostKeys, &object) {
            switch key {
            case 0: name = try string()
            case 1: machineID = try optionalString()
            case 2:
                var inner = try open(depth: 3)
                var parts: [String?] = [nil, nil, nil]
                while let key = try member(Self.kernelKeys, &inner) { parts[key] = try string() }
                guard let n = parts[0], let r = parts[1], let m = parts[2] else { throw Self.mismatch }
                kernel = (n, r, m)
            default: os = try optionalString()
            }
        }
        guard let name, let kernel else { throw Self.mismatch }
        return MachineFacts(
            hostName: name, machineID: machineID, kernelName: kernel.name, kernelRelease: kernel.release,
            architecture: kernel.machine, operatingSystem: os)
    }

    mutating func portSettings() throws(Failure) -> HostPortSettings {
        var object = try open(depth: 2)
        var ephemeral: ClosedRange<UInt16>?
        var unprivileged: Int?
        var reserved: [ClosedRange<UInt16>]?
        while let key = try member(Self.portSettingsKeys, &object) {
            switch key {
            case 0: ephemeral = try null() ? nil : range(depth: 3)
            case 1: unprivileged = try null() ? nil : int(in: 0...65536)
            default:
                if try null() { break }
                var items = try openArray()
                var ranges: [ClosedRange<UInt16>] = []
                while try item(&items) { ranges.append(try range(depth: 4)) }
                reserved = ranges
            }
        }
        return HostPortSettings(ephemeralRange: ephemeral, unprivilegedPortStart: unprivileged, reservedPorts: reserved)
    }

    /// `{"low": L, "high": H}` with L ≤ H.
    mutating func range(depth: Int) throws(Failure) -> ClosedRange<UInt16> {
        var object = try open(depth: depth)
        var ends: [Int?] = [nil, nil]
        while let key = try member(Self.rangeKeys, &object) { ends[key] = try int(in: 0...65535) }
        guard let low = ends[0], let high = ends[1], low <= high else { throw Self.mismatch }
        return UInt16(low)...UInt16(high)
    }

    mutating func registryStamp() throws(Failure) -> TerritorySnapshot.RegistryStamp {
        var object = try open(depth: 2)
        var kind: String?
        var path: String?
        var updated: String?
        while let key = try member(Self.registryKeys, &object) {
            switch key {
            case 0: kind = try string()
            case 1: path = try optionalString()
            default: updated = try optionalString()
            }
        }
        guard let kind else { throw Self.mismatch }
        return TerritorySnapshot.RegistryStamp(kind: kind, path: path, updated: updated)
    }

    mutating func entries() throws(Failure) -> [TerritorySnapshot.Entry] {
        var items = try openArray()
        var entries: [TerritorySnapshot.Entry] = []
        while try item(&items) { entries.append(try entry()) }
        return entries
    }

    mutating func entry() throws(Failure) -> TerritorySnapshot.Entry {
        var object = try open(depth: 3)
        var transport: SocketTransport?
        var address: String?
        var port: Int?
        var v6Only: Bool?
        var netns: String?
        var uid: Int?
        var user: String?
        var inode: Int?
        var owners: [SocketOwner]?
        var hidden: String?
        var registered: [String]?
        var verdict: String?
        var explanation: String?
        while let key = try member(Self.listenerKeys, &object) {
            switch key {
            case 0:
                guard let known = SocketTransport(rawValue: try string()) else { throw Self.mismatch }
                transport = known
            case 1: address = try string()
            case 2: port = try int(in: 0...65535)
            case 3: v6Only = try null() ? nil : bool()
            case 4: netns = try optionalString()
            case 5: uid = try int(in: 0...Int(UInt32.max))
            case 6: user = try string()
            case 7: inode = try int(in: Int.min...Int.max)
            case 8:
                var items = try openArray()
                var read: [SocketOwner] = []
                while try item(&items) { read.append(try owner()) }
                owners = read
            case 9: hidden = try optionalString()
            case 10: registered = try strings()
            case 11: verdict = try string()
            default: explanation = try string()
            }
        }
        guard let transport, let address, let port, let uid, let user, let inode, let owners, let registered,
            let verdict, let explanation
        else { throw Self.mismatch }
        let listener = Listener(
            transport: transport, address: address, port: UInt16(port), uid: UInt32(uid), user: user,
            inode: UInt64(truncatingIfNeeded: inode), v6Only: v6Only, owners: owners, ownerHiddenReason: hidden,
            netns: netns)
        return TerritorySnapshot.Entry(
            listener: listener, registered: registered, verdict: verdict, explanation: explanation)
    }

    mutating func owner() throws(Failure) -> SocketOwner {
        var object = try open(depth: 5)
        var pid: Int?
        var process: String?
        var command: String?
        var user: String?
        var uid: Int?
        var started: Double?
        while let key = try member(Self.ownerKeys, &object) {
            switch key {
            case 0: pid = try int(in: 0...Int(Int32.max))
            case 1: process = try string()
            case 2: command = try string()
            case 3: user = try string()
            case 4: uid = try int(in: 0...Int(UInt32.max))
            default: started = try null() ? nil : time()
            }
        }
        guard let pid, let process, let command, let user, let uid else { throw Self.mismatch }
        return SocketOwner(
            pid: Int32(pid), process: process, command: command, uid: UInt32(uid), user: user, startedAt: started)
    }

    // MARK: Values

    /// The byte the next value starts with; whitespace before it skipped.
    mutating func peek() throws(Failure) -> UInt8 {
        parser.skipWhitespace()
        guard parser.index < bytes.count else { throw Self.mismatch }
        return bytes[parser.index]
    }

    /// Reads a `null` if one comes next.
    mutating func null() throws(Failure) -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        _ = try parser.literal("null", .null)
        return true
    }

    mutating func string() throws(Failure) -> String {
        guard try peek() == UInt8(ascii: "\"") else { throw Self.mismatch }
        return try parser.string()
    }

    mutating func optionalString() throws(Failure) -> String? {
        try null() ? nil : string()
    }

    mutating func int(in range: ClosedRange<Int>) throws(Failure) -> Int {
        let first = try peek()
        guard first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first),
            case .int(let n) = try parser.number(), range.contains(n)
        else { throw Self.mismatch }
        return n
    }

    mutating func bool() throws(Failure) -> Bool {
        switch try peek() {
        case UInt8(ascii: "t"):
            _ = try parser.literal("true", .bool(true))
            return true
        case UInt8(ascii: "f"):
            _ = try parser.literal("false", .bool(false))
            return false
        default: throw Self.mismatch
        }
    }

    /// A time as `YYYY-MM-DDTHH:MM:SSZ`.
    mutating func time() throws(Failure) -> Double {
        let text = try string()
        if let last = lastTime, last.text == text { return last.seconds }
        guard let seconds = Timestamp.seconds(iso8601: text) else { throw Self.mismatch }
        lastTime = (text, seconds)
        return seconds
    }

    mutating func strings() throws(Failure) -> [String] {
        var items = try openArray()
        var out: [String] = []
        while try item(&items) { out.append(try string()) }
        return out
    }

    // MARK: Objects and arrays

    mutating func open(depth: Int) throws(Failure) -> Object {
        guard try peek() == UInt8(ascii: "{") else { throw Self.mismatch }
        parser.index += 1
        return Object(depth: depth)
    }

    /// The next member's key as its place in `names`, its value next to read; nil after the
    /// closing brace. Members of other names are read past, checked as the general reader
    /// checks them.
    mutating func member(_ names: [StaticString], _ object: inout Object) throws(Failure) -> Int? {
        while true {
            if try closes(UInt8(ascii: "}"), first: &object.first) { return nil }
            guard try peek() == UInt8(ascii: "\"") else { throw Self.mismatch }
            let start = parser.index + 1
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                // An escaped key is left to the general reader, which compares keys unescaped.
                guard bytes[end] != UInt8(ascii: "\\") else { throw Self.mismatch }
                end += 1
            }
            guard end < bytes.count else { throw Self.mismatch }
            let key = UnsafeBufferPointer(rebasing: bytes[start..<end])
            let expected = object.next < names.count && Self.equal(key, names[object.next]) ? object.next : nil
            if let found = expected ?? Self.find(key, in: names) {
                guard object.seen & (1 << found) == 0 else { throw Self.mismatch }
                object.seen |= 1 << found
                object.next = found + 1
                parser.index = end + 1
                try parser.expect(UInt8(ascii: ":"), "':' after a key")
                return found
            }
            let name = try parser.string()
            guard !object.unknown.contains(name) else { throw Self.mismatch }
            object.unknown.append(name)
            try parser.expect(UInt8(ascii: ":"), "':' after a key")
            parser.skipWhitespace()
            parser.depth = object.depth
            _ = try parser.value()
        }
    }

    static func find(_ key: UnsafeBufferPointer<UInt8>, in names: [StaticString]) -> Int? {
        for i in names.indices where equal(key, names[i]) { return i }
        return nil
    }

    static func equal(_ key: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        guard name.utf8CodeUnitCount == key.count else { return false }
        let start = name.utf8Start
        for i in 0..<key.count where key[i] != start[i] { return false }
        return true
    }

    mutating func openArray() throws(Failure) -> Items {
        guard try peek() == UInt8(ascii: "[") else { throw Self.mismatch }
        parser.index += 1
        return Items()
    }

    /// Whether another item follows, its value next to read; false after the closing bracket.
    mutating func item(_ items: inout Items) throws(Failure) -> Bool {
        try !closes(UInt8(ascii: "]"), first: &items.first)
    }

    /// Past `closing` (true), or past the comma before the next member or item (false; there
    /// is none before the first).
    private mutating func closes(_ closing: UInt8, first: inout Bool) throws(Failure) -> Bool {
        let byte = try peek()
        if byte == closing {
            parser.index += 1
            return true
        }
        if first {
            first = false
        } else {
            guard byte == UInt8(ascii: ",") else { throw Self.mismatch }
            parser.index += 1
        }
        return false
    }
}
