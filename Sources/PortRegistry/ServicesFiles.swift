import PortSystem

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

extension NmapServiceEntry {
    /// Whether a comment can cite anything at all: false when it holds neither `rfc` nor `bsd`
    /// in any case, the words `citations(in:)` starts from. `NmapServicesIndex` decides it once
    /// per entry, so a survey makes Strings of only the few comments that pass.
    public static func mayCite(_ comment: UnsafeBufferPointer<UInt8>) -> Bool {
        guard comment.count >= 3 else { return false }
        for i in 0...(comment.count - 3) {
            let a = comment[i] | 0x20
            guard a == UInt8(ascii: "r") || a == UInt8(ascii: "b") else { continue }
            let b = comment[i + 1] | 0x20
            let c = comment[i + 2] | 0x20
            if a == UInt8(ascii: "r") && b == UInt8(ascii: "f") && c == UInt8(ascii: "c") { return true }
            if a == UInt8(ascii: "b") && b == UInt8(ascii: "s") && c == UInt8(ascii: "d") { return true }
        }
        return false
    }

    /// RFCs (`[rfc-1078]`, `RFC 959`, `[RFC1939]`) and BSD manual pages (`BSD supdupd(8)`)
    /// cited in an nmap-services comment; a bare `BSD box` names no document.
    public static func citations(in comment: String) -> [String] {
        let words = comment.split { $0 == " " || $0 == "[" || $0 == "]" || $0 == "|" || $0 == "," }.map(String.init)
        var out: [String] = []
        func add(_ citation: String) { if !out.contains(citation) { out.append(citation) } }
        for (i, word) in words.enumerated() {
            let lower = word.lowercased()
            if lower.hasPrefix("rfc") {
                var digits = String(lower.dropFirst(3).drop { $0 == "-" })
                if digits.isEmpty, i + 1 < words.count { digits = words[i + 1] }
                let number = digits.prefix { $0.isNumber }
                if !number.isEmpty, number.count <= 5 { add("RFC \(number)") }
            } else if lower == "bsd", i + 1 < words.count, words[i + 1].hasSuffix(")"),
                words[i + 1].contains("(")
            {
                add(words[i + 1])
            }
        }
        return out
    }
}

/// Readers for the host's services(5) file and nmap's frequency table.
///
/// Protocols other than tcp, udp, sctp and dccp (e.g. `ddp`, AppleTalk's) are not IP ports;
/// such lines are skipped, not reported as errors. Everything else malformed throws, or is
/// passed over by the lenient readers; a line holding a control character (C0 but tab, DEL,
/// C1) anywhere, its comment included, is malformed: its text would reach the terminal.
/// Comment-only lines are never shown, so they are not looked at.
public enum ServicesFiles {
    public static let systemServicesPath = "/etc/services"
    public static let nmapServicesPaths = [
        "/usr/share/nmap/nmap-services", "/usr/local/share/nmap/nmap-services",
        "/opt/homebrew/share/nmap/nmap-services",
    ]

    /// One line's whitespace-separated fields as byte ranges of the file: a field becomes a
    /// String only when a reader asks for it. Both files are parsed on bytes, without an
    /// array per line, because `/etc/services` is read on every start.
    struct Fields {
        let bytes: UnsafeBufferPointer<UInt8>
        var ranges: [Range<Int>] = []

        var count: Int { ranges.count }

        subscript(index: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[ranges[index]]), as: UTF8.self)
        }
    }

    /// The lines of a services or nmap-services file that may give `port` as their port:
    /// `PORT/` right after a blank (the name always comes first), leading zeros allowed as
    /// the readers allow them. A superset: the caller parses each line and keeps the entries
    /// whose port it really is.
    static func linesNaming(port: UInt16, in buffer: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        let needle = Array("\(port)/".utf8)
        var lines: [Range<Int>] = []
        var offset = 0
        while let at = ByteSearch.firstIndex(of: needle, in: buffer, from: offset) {
            offset = at + needle.count
            var fieldStart = at
            while fieldStart > 0, buffer[fieldStart - 1] == UInt8(ascii: "0") { fieldStart -= 1 }
            guard fieldStart > 0, isBlank(buffer[fieldStart - 1]) else { continue }
            var start = at
            while start > 0, buffer[start - 1] != UInt8(ascii: "\n") { start -= 1 }
            var end = at
            while end < buffer.count, buffer[end] != UInt8(ascii: "\n") { end += 1 }
            lines.append(start..<end)
            offset = end
        }
        return lines
    }

    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    private static func isFieldEnd(_ byte: UInt8) -> Bool {
        isBlank(byte) || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "#")
    }

    /// Parses `port/proto[/proto...]` into `transports`; nil means only unknown protocols.
    static func portAndTransports(
        _ bytes: UnsafeBufferPointer<UInt8>, _ field: Range<Int>, into transports: inout [Transport], file: String,
        line: Int
    ) throws(RegistryError) -> UInt16? {
        let text = { String(decoding: UnsafeBufferPointer(rebasing: bytes[field]), as: UTF8.self) }
        guard let slash = bytes[field].firstIndex(of: UInt8(ascii: "/")) else {
            throw RegistryError(file: file, location: "line \(line)", problem: "\"\(text())\" is not port/protocol")
        }
        let digits = bytes[field.lowerBound..<slash]
        transports.removeAll(keepingCapacity: true)
        var partStart = slash + 1
        while true {
            let partEnd = bytes[partStart..<field.upperBound].firstIndex(of: UInt8(ascii: "/")) ?? field.upperBound
            guard partEnd > partStart else {
                throw RegistryError(file: file, location: "line \(line)", problem: "\"\(text())\" is not port/protocol")
            }
            if let transport = Transport(asciiLowercasing: bytes[partStart..<partEnd]) { transports.append(transport) }
            if partEnd == field.upperBound { break }
            partStart = partEnd + 1
        }
        guard let port = PortText.single(digits) else {
            let number = String(decoding: digits, as: UTF8.self)
            let allDigits = !digits.isEmpty && digits.allSatisfy { $0 >= 48 && $0 <= 57 }
            throw RegistryError(
                file: file, location: "line \(line)",
                problem: allDigits
                    ? "port \"\(number)\" is out of the port range 0-65535" : "\"\(number)\" is not a port number")
        }
        return transports.isEmpty ? nil : port
    }

    /// Calls `body` with each non-empty line's fields, port and transports; lines whose
    /// protocols are all non-IP are skipped. Both file formats share this shape.
    /// `skippingMalformed`: a line that does not parse is passed over instead of ending the
    /// read with its error.
    static func forEachEntry(
        _ bytes: [UInt8], file: String, minimumFields: Int, expected: String, skippingMalformed: Bool = false,
        _ body: (_ fields: Fields, _ port: UInt16, _ transports: [Transport], _ comment: String?, _ line: Int)
            throws(RegistryError) -> Void
    ) throws(RegistryError) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(RegistryError) in
            try forEachEntry(
                buffer, file: file, minimumFields: minimumFields, expected: expected,
                skippingMalformed: skippingMalformed, body)
        }
    }

    /// The same on a buffer. `decodingComments: false` passes nil for every comment, for
    /// readers that never show them.
    static func forEachEntry(
        _ buffer: UnsafeBufferPointer<UInt8>, file: String, minimumFields: Int, expected: String,
        skippingMalformed: Bool = false, decodingComments: Bool = true,
        _ body: (_ fields: Fields, _ port: UInt16, _ transports: [Transport], _ comment: String?, _ line: Int)
            throws(RegistryError) -> Void
    ) throws(RegistryError) {
        var fields = Fields(bytes: buffer)
        var transports: [Transport] = []
        var number = 0
        var lineStart = 0
        let mayHoldControl = ForbiddenCharacters.mayHoldLineControl(buffer)
        while lineStart < buffer.count {
            number += 1
            // One pass: the fields up to a `#` or the line's end, then the rest of the line.
            fields.ranges.removeAll(keepingCapacity: true)
            var cursor = lineStart
            var hash: Int?
            while cursor < buffer.count {
                let byte = buffer[cursor]
                if byte == UInt8(ascii: "\n") { break }
                if byte == UInt8(ascii: "#") {
                    hash = cursor
                    break
                }
                if isBlank(byte) {
                    cursor += 1
                    continue
                }
                let fieldStart = cursor
                while cursor < buffer.count, !isFieldEnd(buffer[cursor]) { cursor += 1 }
                fields.ranges.append(fieldStart..<cursor)
            }
            if hash != nil {
                while cursor < buffer.count, buffer[cursor] != UInt8(ascii: "\n") { cursor += 1 }
            }
            let lineEnd = cursor
            defer { lineStart = lineEnd + 1 }
            if fields.count == 0 { continue }
            do throws(RegistryError) {
                if mayHoldControl,
                    let (_, value) = ForbiddenCharacters.firstControlInLine(buffer.baseAddress!, lineStart, lineEnd)
                {
                    throw RegistryError(
                        file: file, location: "line \(number)",
                        problem: "control character \(ForbiddenCharacters.name(value)) in the line")
                }
                guard fields.count >= minimumFields else {
                    throw RegistryError(
                        file: file, location: "line \(number)",
                        problem: fields.count == 1
                            ? "\"\(fields[0])\" has no port/protocol"
                            : "expected \(expected), found \(fields.count) fields")
                }
                guard
                    let port = try portAndTransports(
                        buffer, fields.ranges[1], into: &transports, file: file, line: number)
                else { continue }
                var comment: String?
                if decodingComments, let hash {
                    var lo = hash + 1
                    var hi = lineEnd
                    while lo < hi, isBlank(buffer[lo]) { lo += 1 }
                    while hi > lo, isBlank(buffer[hi - 1]) { hi -= 1 }
                    if hi > lo {
                        comment = String(decoding: UnsafeBufferPointer(rebasing: buffer[lo..<hi]), as: UTF8.self)
                    }
                }
                try body(fields, port, transports, comment, number)
            } catch {
                if !skippingMalformed { throw error }
            }
        }
    }

    public static func parseServices(_ bytes: [UInt8], file: String, skippingMalformed: Bool = false)
        throws(RegistryError) -> [ServicesEntry]
    {
        var out: [ServicesEntry] = []
        try forEachEntry(
            bytes, file: file, minimumFields: 2, expected: "name port/protocol [aliases]",
            skippingMalformed: skippingMalformed
        ) { f, port, transports, comment, _ in
            out.append(
                ServicesEntry(
                    name: f[0], port: port, transports: transports,
                    aliases: (2..<f.count).map { f[$0] }, comment: comment))
        }
        return out
    }

    /// This system's services(5); a missing file is an empty list, not an error.
    public static func loadSystemServices(path: String = systemServicesPath) throws(RegistryError) -> [ServicesEntry] {
        try ServicesFile.loadSystem(path: path)?.allEntries() ?? []
    }

    public static func parseNmapServices(_ bytes: [UInt8], file: String, skippingMalformed: Bool = false)
        throws(RegistryError) -> [NmapServiceEntry]
    {
        var out: [NmapServiceEntry] = []
        // nmap's lines average about 36 bytes; one per-port search parses a single line.
        out.reserveCapacity(bytes.count / 32)
        try forEachEntry(
            bytes, file: file, minimumFields: 3, expected: "name port/protocol frequency",
            skippingMalformed: skippingMalformed
        ) { f, port, transports, comment, line throws(RegistryError) in
            let frequencyText = f[2]
            guard let freq = Double(frequencyText), freq.isFinite, freq >= 0, freq <= 1 else {
                throw RegistryError(
                    file: file, location: "line \(line)",
                    problem: "frequency \"\(frequencyText)\" is not a number between 0 and 1")
            }
            let name = f[0]
            for t in transports {
                out.append(NmapServiceEntry(name: name, port: port, transport: t, frequency: freq, comment: comment))
            }
        }
        return out
    }

    /// nmap's table when nmap is installed, else nil. Read at run time; never shipped.
    public static func loadNmapServices(paths: [String] = nmapServicesPaths) throws(RegistryError)
        -> [NmapServiceEntry]?
    {
        try NmapServicesFile.loadInstalled(paths: paths)?.allEntries()
    }
}

/// A services(5) file kept as bytes: one port's lines are found by a byte search, so a
/// one-shot `lookup` reads the file without parsing its few hundred lines into a table.
public struct ServicesFile: Sendable {
    public let path: String
    let bytes: [UInt8]

    public init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    /// This system's services(5), or nil when there is none.
    public static func loadSystem(path: String = ServicesFiles.systemServicesPath) throws(RegistryError)
        -> ServicesFile?
    {
        try FileIO.readIfPresent(path).map { ServicesFile(bytes: $0, path: path) }
    }

    /// Every entry; a malformed line makes it throw, naming the line.
    public func allEntries() throws(RegistryError) -> [ServicesEntry] {
        try ServicesFiles.parseServices(bytes, file: path)
    }

    /// Every entry that parses, in file order: what the per-port search sees, port by port.
    public func readableEntries() -> [ServicesEntry] {
        (try? ServicesFiles.parseServices(bytes, file: path, skippingMalformed: true)) ?? []
    }

    /// The entries for one port, in file order: lines whose port field is `PORT/…`. Lines
    /// that do not parse are skipped (the whole-file reader reports them).
    public func entries(onPort port: UInt16) -> [ServicesEntry] {
        bytes.withUnsafeBufferPointer { buffer in
            ServicesFiles.linesNaming(port: port, in: buffer).flatMap { line in
                ((try? ServicesFiles.parseServices(Array(buffer[line]), file: path)) ?? []).filter { $0.port == port }
            }
        }
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
    public static func loadInstalled(paths: [String] = ServicesFiles.nmapServicesPaths) throws(RegistryError)
        -> NmapServicesFile?
    {
        for path in paths {
            if let owner = try FileIO.map(path) { return NmapServicesFile(owner: owner, path: path) }
        }
        return nil
    }

    /// Every entry; malformed lines make it throw, naming the line.
    public func allEntries() throws(RegistryError) -> [NmapServiceEntry] {
        try ServicesFiles.parseNmapServices([UInt8](bytes.buffer), file: path)
    }

    /// Every entry that parses, in file order: what the per-port search sees, port by port.
    public func readableEntries() -> [NmapServiceEntry] {
        (try? ServicesFiles.parseNmapServices([UInt8](bytes.buffer), file: path, skippingMalformed: true)) ?? []
    }

    /// The entries for one port: lines whose second field starts with `PORT/`. Lines that do
    /// not parse are skipped (the whole-table reader reports them).
    public func entries(onPort port: UInt16) -> [NmapServiceEntry] {
        let buffer = bytes.buffer.bindMemory(to: UInt8.self)
        return ServicesFiles.linesNaming(port: port, in: buffer).flatMap { line in
            ((try? ServicesFiles.parseNmapServices(Array(buffer[line]), file: path)) ?? []).filter { $0.port == port }
        }
    }
}

extension NmapServicesFile {
    /// Every entry that parses, indexed by port and transport: what `readableEntries` gives,
    /// without a String per line.
    public func index() -> NmapServicesIndex {
        NmapServicesIndex(bytes: bytes, path: path)
    }

    /// Each transport's non-zero frequencies, one per port (the highest when nmap lists a
    /// port twice), in no particular order: the same values as the index, read in one pass
    /// that builds no index, so that calibrating nmap's figures does not cost a one-off
    /// `lookup` the whole table.
    public func nonZeroFrequencies() -> [Transport: [Double]] {
        ServicesFiles.nonZeroNmapFrequencies(bytes.buffer.bindMemory(to: UInt8.self))
    }
}

extension ServicesFiles {
    /// See `NmapServicesFile.nonZeroFrequencies`. A line counts as `forEachEntry` reads it:
    /// blanks separate fields, `#` starts a comment, and it needs a name, `port/protocol[/…]`
    /// and a frequency; anything else is passed over, as the lenient readers pass it over.
    /// nmap's own lines (`name 22/tcp 0.182286 # comment`) are read in place, byte by byte;
    /// any other shape goes through the general field reader.
    static func nonZeroNmapFrequencies(_ buffer: UnsafeBufferPointer<UInt8>) -> [Transport: [Double]] {
        // One array per transport, indexed by port, allocated when a transport first appears.
        var best = [[Double]](repeating: [], count: Transport.allCases.count)
        func keep(_ frequency: Double, _ port: Int, _ transport: Transport) {
            let t = transport.order
            if best[t].isEmpty { best[t] = [Double](repeating: 0, count: 65536) }
            if best[t][port] < frequency { best[t][port] = frequency }
        }
        guard let base = buffer.baseAddress else { return [:] }
        let end = buffer.count
        var lineStart = 0
        let mayHoldControl = ForbiddenCharacters.mayHoldLineControl(buffer)
        while lineStart < end {
            let lineEnd =
                memchr(base + lineStart, Int32(UInt8(ascii: "\n")), end - lineStart)
                .map { UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self) - base } ?? end
            defer { lineStart = lineEnd + 1 }
            if let (port, transport, frequency, _) = commonNmapLine(
                base, lineStart, lineEnd, mayHoldControl: mayHoldControl)
            {
                if frequency > 0 { keep(frequency, port, transport) }
                continue
            }
            // Comments, blank lines and unusual shapes: the general reader's view of the line.
            let line = UnsafeBufferPointer(rebasing: buffer[lineStart..<lineEnd])
            try? forEachEntry(
                line, file: "", minimumFields: 3, expected: "", skippingMalformed: true, decodingComments: false
            ) { fields, port, transports, _, _ in
                guard
                    let frequency = NmapServicesIndex.frequency(UnsafeBufferPointer(rebasing: line[fields.ranges[2]])),
                    frequency > 0
                else { return }
                for transport in transports { keep(frequency, Int(port), transport) }
            }
        }
        var out: [Transport: [Double]] = [:]
        for transport in Transport.allCases where !best[transport.order].isEmpty {
            out[transport] = best[transport.order].filter { $0 > 0 }
        }
        return out
    }

    /// nmap's usual line, `name<blanks>port/proto<blanks>0.digits` then blanks, a comment or
    /// the end, read in place; nil for any other shape (the caller reads those in full).
    static func commonNmapLine(
        _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, mayHoldControl: Bool
    ) -> (port: Int, transport: Transport, frequency: Double, name: Range<Int>)? {
        // Blanks are space and tab. A carriage return is a blank to `isBlank` at a CRLF line's
        // end but a control character anywhere else; such lines go to the general reader.
        @inline(__always) func blank(_ byte: UInt8) -> Bool { byte == 0x09 || byte == 0x20 }
        // A control character anywhere, the comment included, makes the line malformed, as
        // `forEachEntry` has it; looked for only when the file holds a suspicious byte at all.
        if mayHoldControl, ForbiddenCharacters.firstControlInLine(base, start, end) != nil { return nil }
        var i = start
        while i < end, blank(base[i]) { i += 1 }
        // The name: anything up to a blank.
        let nameStart = i
        while i < end {
            let byte = base[i]
            if byte <= 0x20 || byte == UInt8(ascii: "#") { break }
            i += 1
        }
        guard i > nameStart, i < end, blank(base[i]) else { return nil }
        let name = nameStart..<i
        while i < end, blank(base[i]) { i += 1 }
        // The port: one to five digits, then `/`.
        var port = 0
        let digitsStart = i
        while i < end, i - digitsStart < 5 {
            let digit = base[i] &- 0x30
            if digit > 9 { break }
            port = port * 10 + Int(digit)
            i += 1
        }
        guard i > digitsStart, port <= 65535, i < end, base[i] == UInt8(ascii: "/") else { return nil }
        i += 1
        // One lowercase protocol porthole knows, then a blank.
        var key: UInt32 = 0
        let protocolStart = i
        while i < end, base[i] &- 0x61 < 26, i - protocolStart < 4 {
            key = key << 8 | UInt32(base[i])
            i += 1
        }
        guard i < end, blank(base[i]) else { return nil }
        let transport: Transport
        switch (key, i - protocolStart) {
        case (0x74_63_70, 3): transport = .tcp
        case (0x75_64_70, 3): transport = .udp
        case (0x73_63_74_70, 4): transport = .sctp
        case (0x64_63_63_70, 4): transport = .dccp
        default: return nil
        }
        while i < end, blank(base[i]) { i += 1 }
        // The frequency: digits, a point and digits, at most fifteen digits in all.
        var mantissa: UInt64 = 0
        var digits = 0
        var decimals = 0
        var point = false
        while i < end {
            let byte = base[i]
            let digit = byte &- 0x30
            if digit <= 9 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                digits += 1
                if point { decimals += 1 }
            } else if byte == UInt8(ascii: "."), !point, digits > 0 {
                point = true
            } else {
                break
            }
            i += 1
        }
        guard digits > 0, digits <= 15, point, decimals > 0, i == end || blank(base[i]) || base[i] == UInt8(ascii: "#")
        else { return nil }
        let frequency = Double(mantissa) / NmapServicesIndex.powersOfTen[decimals]
        guard frequency <= 1 else { return nil }
        return (port, transport, frequency, name)
    }
}

/// nmap-services parsed once into a table by port and transport: each entry's frequency and
/// where its name and comment lie in the file, each decoded only when asked for. Questions about
/// every registration look up thousands of ports; this serves them without a String, an
/// array element and a dictionary entry per line. Where a port and transport repeat, the
/// more frequent entry is kept, the first on a tie.
///
/// The entries are held packed and sorted, as `cacheBytes` keeps them, and looked up by
/// halves: an index kept between runs is used as it was read, with no table built from it.
public struct NmapServicesIndex: Sendable {
    /// An entry while the index is made from the file.
    struct Entry {
        var port: UInt16
        var transport: Transport
        var nameStart: Int32
        var nameEnd: Int32
        var frequency: Double
        /// The comment as `forEachEntry` gives it (after the first `#`, blanks trimmed);
        /// an empty range for none.
        var commentStart: Int32
        var commentEnd: Int32
        /// `NmapServiceEntry.mayCite` of the comment, decided once when the index is made.
        var mayCite: Bool
    }

    /// The file: names and comments are read from it.
    private let bytes: ByteOwner
    /// A header, then `entrySize` bytes per entry in increasing `port * 4 + transport`.
    private let packed: [UInt8]
    /// How many ports and transports have an entry.
    public let count: Int

    init(bytes: ByteOwner, path: String) {
        var slots = [Int32](repeating: 0, count: 65536 * 4)
        var entries: [Entry] = []
        let buffer = bytes.buffer.bindMemory(to: UInt8.self)
        // nmap's lines average about 36 bytes.
        entries.reserveCapacity(buffer.count / 32)
        func keep(
            _ port: UInt16, _ transport: Transport, _ name: Range<Int>, _ frequency: Double, _ comment: Range<Int>
        ) {
            let entry = Entry(
                port: port, transport: transport, nameStart: Int32(name.lowerBound), nameEnd: Int32(name.upperBound),
                frequency: frequency, commentStart: Int32(comment.lowerBound), commentEnd: Int32(comment.upperBound),
                mayCite: NmapServiceEntry.mayCite(UnsafeBufferPointer(rebasing: buffer[comment])))
            let slot = Int(port) &* 4 &+ Self.order(transport)
            let kept = Int(slots[slot])
            if kept == 0 {
                entries.append(entry)
                slots[slot] = Int32(entries.count)
            } else if entries[kept - 1].frequency < frequency {
                entries[kept - 1] = entry
            }
        }
        // The comment starts after the line's first `#`: no name, port or frequency holds one.
        func comment(_ base: UnsafePointer<UInt8>, _ lineStart: Int, _ lineEnd: Int) -> Range<Int> {
            guard let hash = memchr(base + lineStart, Int32(UInt8(ascii: "#")), lineEnd - lineStart) else {
                return 0..<0
            }
            var lo = UnsafeRawPointer(hash).assumingMemoryBound(to: UInt8.self) - base + 1
            var hi = lineEnd
            while lo < hi, ServicesFiles.isBlank(base[lo]) { lo += 1 }
            while hi > lo, ServicesFiles.isBlank(base[hi - 1]) { hi -= 1 }
            return hi > lo ? lo..<hi : 0..<0
        }
        // Line by line as `nonZeroNmapFrequencies` reads them: nmap's usual lines in place,
        // any other shape through the general reader (its ranges are offsets in the line).
        if let base = buffer.baseAddress {
            var lineStart = 0
            let mayHoldControl = ForbiddenCharacters.mayHoldLineControl(buffer)
            while lineStart < buffer.count {
                let lineEnd =
                    memchr(base + lineStart, Int32(UInt8(ascii: "\n")), buffer.count - lineStart)
                    .map { UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self) - base } ?? buffer.count
                defer { lineStart = lineEnd + 1 }
                if let (port, transport, frequency, name) = ServicesFiles.commonNmapLine(
                    base, lineStart, lineEnd, mayHoldControl: mayHoldControl)
                {
                    keep(UInt16(port), transport, name, frequency, comment(base, lineStart, lineEnd))
                    continue
                }
                let line = UnsafeBufferPointer(rebasing: buffer[lineStart..<lineEnd])
                try? ServicesFiles.forEachEntry(
                    line, file: path, minimumFields: 3, expected: "name port/protocol frequency",
                    skippingMalformed: true, decodingComments: false
                ) { fields, port, transports, _, _ in
                    guard let frequency = Self.frequency(UnsafeBufferPointer(rebasing: line[fields.ranges[2]])) else {
                        return
                    }
                    let name = (lineStart + fields.ranges[0].lowerBound)..<(lineStart + fields.ranges[0].upperBound)
                    let remark = comment(base, lineStart, lineEnd)
                    for transport in transports { keep(port, transport, name, frequency, remark) }
                }
            }
        }
        // The slots hold one entry per port and transport, so their order is the sorted one.
        var sorted: [Entry] = []
        sorted.reserveCapacity(entries.count)
        for kept in slots where kept > 0 { sorted.append(entries[Int(kept) - 1]) }
        self.init(bytes: bytes, packed: Self.pack(sorted), count: sorted.count)
    }

    private init(bytes: ByteOwner, packed: [UInt8], count: Int) {
        self.bytes = bytes
        self.packed = packed
        self.count = count
    }

    /// Where this port and transport's entry starts in `packed`, found by halves.
    private func offset(_ port: UInt16, _ transport: Transport) -> Int? {
        let key = Int(port) &* 4 &+ Self.order(transport)
        return packed.withUnsafeBytes { raw -> Int? in
            var low = 0
            var high = count
            while low < high {
                let middle = (low &+ high) >> 1
                let at = Self.headerSize &+ middle &* Self.entrySize
                let found =
                    Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self))) &* 4
                    &+ Int(raw[at &+ 2])
                if found == key { return at }
                if found < key { low = middle &+ 1 } else { high = middle }
            }
            return nil
        }
    }

    private func u32(_ at: Int) -> Int {
        Int(packed.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: UInt32.self)) })
    }

    private func frequency(at: Int) -> Double {
        packed.withUnsafeBytes {
            Double(bitPattern: UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: at + 12, as: UInt64.self)))
        }
    }

    private func name(at: Int) -> String { text(u32(at + 4)..<u32(at + 8)) }

    private func comment(at: Int) -> String? {
        let range = u32(at + 20)..<u32(at + 24)
        return range.isEmpty ? nil : text(range)
    }

    /// The name, open frequency and comment nmap gives this port and transport.
    public func entry(port: UInt16, transport: Transport) -> (name: String, frequency: Double, comment: String?)? {
        offset(port, transport).map { (name(at: $0), frequency(at: $0), comment(at: $0)) }
    }

    /// The open frequency alone, as `entry(port:transport:)` gives it, without decoding the name.
    public func frequency(port: UInt16, transport: Transport) -> Double? {
        offset(port, transport).map { frequency(at: $0) }
    }

    /// The open frequency, and whether the comment may cite a document, without a String:
    /// a survey looks at every registration's ports and reads the whole entry of only a few.
    public func sighting(port: UInt16, transport: Transport) -> (frequency: Double, mayCite: Bool)? {
        offset(port, transport).map { (frequency(at: $0), packed[$0 + 3] == 1) }
    }

    /// Every entry, by port, then transport (TCP, UDP, SCTP, DCCP).
    public func allEntries() -> [(
        port: UInt16, transport: Transport, name: String, frequency: Double, comment: String?
    )] {
        (0..<count).map { n in
            let at = Self.headerSize + n * Self.entrySize
            let port = packed.withUnsafeBytes {
                UInt16(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: UInt16.self))
            }
            return (port, Self.transports[Int(packed[at + 2])], name(at: at), frequency(at: at), comment(at: at))
        }
    }

    private func text(_ range: Range<Int>) -> String {
        let all = bytes.buffer.bindMemory(to: UInt8.self)
        return String(decoding: UnsafeBufferPointer(rebasing: all[range]), as: UTF8.self)
    }

    private static func order(_ transport: Transport) -> Int {
        switch transport {
        case .tcp: 0
        case .udp: 1
        case .sctp: 2
        case .dccp: 3
        }
    }

    static let powersOfTen: [Double] = (0...15).map { (0..<$0).reduce(1.0) { total, _ in total * 10 } }

    /// A frequency between 0 and 1, as `Double(String)` reads it. Plain decimals of up to 15
    /// digits are read directly: the digits as an integer and the power of ten are both exact,
    /// so one division rounds as a full decimal parser does. Anything else goes to the parser.
    static func frequency(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        var mantissa: UInt64 = 0
        var digits = 0
        var decimals = 0
        var point = false
        var plain = !field.isEmpty && field.count <= 16
        if plain {
            for byte in field {
                if byte == UInt8(ascii: ".") && !point && digits > 0 {
                    point = true
                } else if byte >= 48 && byte <= 57 {
                    mantissa = mantissa &* 10 &+ UInt64(byte &- 48)
                    digits += 1
                    if point { decimals += 1 }
                } else {
                    plain = false
                    break
                }
            }
        }
        let value: Double
        if plain, digits <= 15, !point || decimals > 0 {
            value = Double(mantissa) / powersOfTen[decimals]
        } else {
            guard let parsed = Double(String(decoding: field, as: UTF8.self)) else { return nil }
            value = parsed
        }
        guard value.isFinite, value >= 0, value <= 1 else { return nil }
        return value
    }
}

/// The index kept between runs, so that a question about every registration does not parse
/// nmap-services' 27,000 lines each time. The bytes say nothing of which file they index:
/// whoever keeps them keys them by the file's identity and `cacheFormat`. They are
/// self-checking (a count, a checksum, every entry in range), so damaged bytes are refused
/// rather than believed, and the caller parses the file again.
extension NmapServicesIndex {
    /// Changes whenever the layout below or the reading rules that fill the index change.
    public static let cacheFormat = 3

    /// Per entry: port (2 bytes), transport (1), whether the comment may cite (1: 0 or 1), the
    /// name's start and end in the file (4 each), the frequency's bits (8), the comment's start
    /// and end (4 each, equal for none); little-endian, after a count (4) and a checksum of the
    /// entries (8). Entries are in increasing `port * 4 + transport`, each pair once.
    fileprivate static let entrySize = 28
    fileprivate static let headerSize = 12

    /// The index as bytes for `init(cached:file:)`: the very bytes it searches.
    public func cacheBytes() -> [UInt8] { packed }

    fileprivate static func pack(_ sorted: [Entry]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(headerSize + sorted.count * entrySize)
        func put<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
        }
        put(UInt32(sorted.count))
        put(UInt64(0))
        for entry in sorted {
            put(entry.port)
            put(UInt8(order(entry.transport)))
            put(UInt8(entry.mayCite ? 1 : 0))
            put(UInt32(entry.nameStart))
            put(UInt32(entry.nameEnd))
            put(entry.frequency.bitPattern)
            put(UInt32(entry.commentStart))
            put(UInt32(entry.commentEnd))
        }
        let sum = out.withUnsafeBytes { checksum(UnsafeRawBufferPointer(rebasing: $0[headerSize...])) }
        withUnsafeBytes(of: sum.littleEndian) { sumBytes in
            for k in 0..<8 { out[4 + k] = sumBytes[k] }
        }
        return out
    }

    /// The index kept by `cacheBytes` for this same file, or nil when the bytes are not a
    /// whole, undamaged index, in order, whose names and comments lie inside the file.
    public init?(cached: [UInt8], file: NmapServicesFile) {
        let fileSize = file.bytes.buffer.count
        guard
            let count = cached.withUnsafeBytes({ raw -> Int? in
                guard raw.count >= Self.headerSize else { return nil }
                let count = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
                let sum = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt64.self))
                guard raw.count == Self.headerSize + count * Self.entrySize, count <= 65536 * 4,
                    Self.checksum(UnsafeRawBufferPointer(rebasing: raw[Self.headerSize...])) == sum
                else { return nil }
                func u32(_ at: Int) -> Int {
                    Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
                }
                var previous = -1
                for n in 0..<count {
                    let at = Self.headerSize + n * Self.entrySize
                    let key =
                        Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self))) * 4
                        + Int(raw[at + 2])
                    let frequency = Double(
                        bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at + 12, as: UInt64.self)))
                    guard raw[at + 2] < 4, raw[at + 3] <= 1, key > previous, u32(at + 4) < u32(at + 8),
                        u32(at + 8) <= fileSize, frequency >= 0, frequency <= 1, u32(at + 20) <= u32(at + 24),
                        u32(at + 24) <= fileSize
                    else { return nil }
                    previous = key
                }
                return count
            })
        else { return nil }
        self.init(bytes: file.bytes, packed: cached, count: count)
    }

    private static let transports: [Transport] = [.tcp, .udp, .sctp, .dccp]

    /// FNV-1a over 8-byte words, then the remaining bytes: enough to notice a damaged file,
    /// not meant to resist a forged one (the cache is the user's own, mode 0600).
    private static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let prime: UInt64 = 0x0000_0100_0000_01b3
        var at = 0
        while at + 8 <= bytes.count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) &* prime
            at += 8
        }
        while at < bytes.count {
            hash = (hash ^ UInt64(bytes[at])) &* prime
            at += 1
        }
        return hash
    }
}

/// Finding a short byte string in a large buffer.
enum ByteSearch {
    /// The first index at or after `from` where `needle` (two bytes or more) starts. Scans
    /// 16 bytes at a time for the needle's last two bytes side by side, which are far rarer
    /// than any single byte: in nmap-services, stopping at every '/' with memchr cost more
    /// than the scan itself.
    static func firstIndex(of needle: [UInt8], in buffer: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        let count = needle.count
        guard count >= 2, from >= 0, let base = buffer.baseAddress else { return nil }
        let penultimate = needle[count - 2]
        let last = needle[count - 1]
        func matches(_ start: Int) -> Bool {
            guard start >= from, start + count <= buffer.count else { return false }
            for k in 0..<count where buffer[start + k] != needle[k] { return false }
            return true
        }
        let raw = UnsafeRawPointer(base)
        let wantPenultimate = SIMD16<UInt8>(repeating: penultimate)
        let wantLast = SIMD16<UInt8>(repeating: last)
        // `i` is where the needle's penultimate byte would be.
        var i = from + count - 2
        while i + 17 <= buffer.count {
            let here = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            let next = raw.loadUnaligned(fromByteOffset: i + 1, as: SIMD16<UInt8>.self)
            let pairs = (here .== wantPenultimate) .& (next .== wantLast)
            if any(pairs) {
                for lane in 0..<16 where pairs[lane] && matches(i + lane - (count - 2)) {
                    return i + lane - (count - 2)
                }
            }
            i += 16
        }
        while i + 1 < buffer.count {
            if buffer[i] == penultimate, buffer[i + 1] == last, matches(i - (count - 2)) { return i - (count - 2) }
            i += 1
        }
        return nil
    }
}
