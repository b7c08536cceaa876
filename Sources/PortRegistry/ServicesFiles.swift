#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line of a services(5) file: `name port/proto [aliases...] [# comment]`.
public struct ServicesEntry: Hashable, Sendable {
    public var name: String
    public var port: UInt16
    /// Usually one; Wireshark's merged form `80/tcp/udp` gives several.
    public var transports: [Transport]
    public var aliases: [String]
    public var comment: String?

    public init(name: String, port: UInt16, transports: [Transport], aliases: [String] = [], comment: String? = nil) {
        self.name = name
        self.port = port
        self.transports = transports
        self.aliases = aliases
        self.comment = comment
    }
}

/// One line of nmap's `nmap-services`: `name port/proto frequency [# comment]`.
public struct NmapServiceEntry: Hashable, Sendable {
    public var name: String
    public var port: UInt16
    public var transport: Transport
    /// The fraction of scanned hosts nmap found this port open on (0...1).
    public var frequency: Double
    public var comment: String?

    public init(name: String, port: UInt16, transport: Transport, frequency: Double, comment: String? = nil) {
        self.name = name
        self.port = port
        self.transport = transport
        self.frequency = frequency
        self.comment = comment
    }
}

/// Readers for the host's services(5) file and nmap's frequency table.
///
/// Protocols other than tcp, udp, sctp and dccp (e.g. `ddp`, AppleTalk's) are not IP ports;
/// such lines are skipped, not reported as errors. Everything else malformed throws.
public enum ServicesFiles {
    public static let systemServicesPath = "/etc/services"
    public static let nmapServicesPaths = ["/usr/share/nmap/nmap-services", "/usr/local/share/nmap/nmap-services", "/opt/homebrew/share/nmap/nmap-services"]

    /// Splits a line into its fields and its `#` comment. Works on UTF-8 bytes: these files
    /// are ASCII in practice, and splitting by Character costs more than the rest of a lookup.
    static func fields(_ line: Substring) -> ([Substring], String?) {
        let utf8 = line.utf8
        var body = utf8[...]
        var comment: String?
        if let hash = utf8.firstIndex(of: UInt8(ascii: "#")) {
            body = utf8[..<hash]
            let c = Substring(utf8[utf8.index(after: hash)...]).trimmedASCII()
            comment = c.isEmpty ? nil : c
        }
        let parts = body.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") })
        return (parts.map { Substring($0) }, comment)
    }

    static func lines(_ bytes: [UInt8]) -> [Substring] {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Substring($0) }
    }

    /// Parses `port/proto[/proto...]`; nil transports means only unknown protocols.
    static func portAndTransports(_ field: Substring, file: String, line: Int) throws(RegistryError) -> (UInt16, [Transport])? {
        let parts = field.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { Substring($0) }
        guard parts.count >= 2, parts.dropFirst().allSatisfy({ !$0.isEmpty }) else {
            throw RegistryError(file: file, location: "line \(line)", problem: "\"\(field)\" is not port/protocol")
        }
        guard let port = PortText.single(parts[0]) else {
            let digits = !parts[0].isEmpty && parts[0].utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
            throw RegistryError(file: file, location: "line \(line)",
                problem: digits ? "port \"\(parts[0])\" is out of the port range 0-65535" : "\"\(parts[0])\" is not a port number")
        }
        let transports = parts.dropFirst().compactMap { Transport(rawValue: $0.lowercased()) }
        return transports.isEmpty ? nil : (port, transports)
    }

    /// Calls `body` with each non-empty line's fields, port and transports; lines whose
    /// protocols are all non-IP are skipped. Both file formats share this shape.
    static func forEachEntry(
        _ bytes: [UInt8], file: String, minimumFields: Int, expected: String,
        _ body: (_ fields: [Substring], _ port: UInt16, _ transports: [Transport], _ comment: String?, _ line: Int) throws(RegistryError) -> Void
    ) throws(RegistryError) {
        var number = 0
        for raw in lines(bytes) {
            number += 1
            let (f, comment) = fields(raw)
            if f.isEmpty { continue }
            guard f.count >= minimumFields else {
                throw RegistryError(file: file, location: "line \(number)", problem: f.count == 1 ? "\"\(f[0])\" has no port/protocol" : "expected \(expected), found \(f.count) fields")
            }
            guard let (port, transports) = try portAndTransports(f[1], file: file, line: number) else { continue }
            try body(f, port, transports, comment, number)
        }
    }

    public static func parseServices(_ bytes: [UInt8], file: String) throws(RegistryError) -> [ServicesEntry] {
        var out: [ServicesEntry] = []
        try forEachEntry(bytes, file: file, minimumFields: 2, expected: "name port/protocol [aliases]") { f, port, transports, comment, _ in
            out.append(ServicesEntry(name: String(f[0]), port: port, transports: transports,
                                     aliases: f.dropFirst(2).map(String.init), comment: comment))
        }
        return out
    }

    /// This system's services(5); a missing file is an empty list, not an error.
    public static func loadSystemServices(path: String = systemServicesPath) throws(RegistryError) -> [ServicesEntry] {
        guard let bytes = try FileIO.readIfPresent(path) else { return [] }
        return try parseServices(bytes, file: path)
    }

    public static func parseNmapServices(_ bytes: [UInt8], file: String) throws(RegistryError) -> [NmapServiceEntry] {
        var out: [NmapServiceEntry] = []
        out.reserveCapacity(28_000)
        try forEachEntry(bytes, file: file, minimumFields: 3, expected: "name port/protocol frequency") { f, port, transports, comment, line throws(RegistryError) in
            guard let freq = Double(f[2]), freq.isFinite, freq >= 0, freq <= 1 else {
                throw RegistryError(file: file, location: "line \(line)", problem: "frequency \"\(f[2])\" is not a number between 0 and 1")
            }
            for t in transports {
                out.append(NmapServiceEntry(name: String(f[0]), port: port, transport: t, frequency: freq, comment: comment))
            }
        }
        return out
    }

    /// nmap's table when nmap is installed, else nil. Read at run time; never shipped.
    public static func loadNmapServices(paths: [String] = nmapServicesPaths) throws(RegistryError) -> [NmapServiceEntry]? {
        try NmapServicesFile.loadInstalled(paths: paths)?.allEntries()
    }
}

/// nmap-services kept as bytes. One port's lines are found by a byte search, so a one-shot
/// `lookup` reads nmap's opinion without parsing its 27,000 lines; the whole table is
/// parsed only when a command needs all of it.
public struct NmapServicesFile: Sendable {
    public let path: String
    /// Mapped, not read: a lookup touches only the pages it searches. Package managers
    /// replace the file by renaming, so the mapping stays valid while porthole runs.
    let bytes: ByteOwner

    public init(bytes: [UInt8], path: String) {
        self.bytes = ByteOwner(copying: bytes)
        self.path = path
    }

    init(owner: ByteOwner, path: String) {
        self.bytes = owner
        self.path = path
    }

    /// The first installed nmap-services, or nil when nmap is not installed.
    public static func loadInstalled(paths: [String] = ServicesFiles.nmapServicesPaths) throws(RegistryError) -> NmapServicesFile? {
        for path in paths {
            if let owner = try FileIO.map(path) { return NmapServicesFile(owner: owner, path: path) }
        }
        return nil
    }

    /// Every entry; malformed lines make it throw, naming the line.
    public func allEntries() throws(RegistryError) -> [NmapServiceEntry] {
        try ServicesFiles.parseNmapServices([UInt8](bytes.buffer), file: path)
    }

    /// The entries for one port: lines whose second field starts with `PORT/`. Lines that do
    /// not parse are skipped (the whole-table reader reports them).
    public func entries(onPort port: UInt16) -> [NmapServiceEntry] {
        let needle = Array("\t\(port)/".utf8)
        var found: [NmapServiceEntry] = []
        let buffer = bytes.buffer.bindMemory(to: UInt8.self)
        guard let base = buffer.baseAddress, buffer.count >= needle.count else { return [] }
        var offset = 0
        while offset <= buffer.count - needle.count {
            // memchr finds each tab; the rest of the needle is compared in place.
            guard let hit = memchr(base + offset, Int32(needle[0]), buffer.count - offset - needle.count + 1) else { break }
            let at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
            if memcmp(base + at, needle, needle.count) != 0 {
                offset = at + 1
                continue
            }
            var start = at
            while start > 0, buffer[start - 1] != UInt8(ascii: "\n") { start -= 1 }
            var end = at + needle.count
            while end < buffer.count, buffer[end] != UInt8(ascii: "\n") { end += 1 }
            if let entries = try? ServicesFiles.parseNmapServices(Array(buffer[start..<end]), file: path) {
                found += entries.filter { $0.port == port }
            }
            offset = end
        }
        return found
    }
}
