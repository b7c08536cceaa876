/// Pure parsers for the text the Linux kernel shows under /proc, plus /etc/passwd.
/// No I/O here: every function takes the bytes and is tested on captured text.
enum ProcParsers {
    /// What `/proc/PID/stat` says that we use.
    struct Stat: Equatable {
        var comm: String
        var state: UInt8
        var ppid: Int32
        /// Field 22: clock ticks after boot.
        var startTicks: UInt64
    }

    /// Parses `/proc/PID/stat`. `comm` may hold spaces, `)` and newlines, so it runs from the
    /// first `(` to the LAST `)`; the numbered fields follow that.
    static func stat(_ bytes: [UInt8]) -> Stat? {
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
            let close = bytes.lastIndex(of: UInt8(ascii: ")")), close > open
        else { return nil }
        let comm = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
        // Fields after ") ": field 3 (state) is index 0, field 22 (starttime) is index 19.
        var fields: [Substring] = []
        fields.reserveCapacity(20)
        var start = close + 1
        var i = close + 1
        let end = bytes.endIndex
        while i <= end && fields.count < 20 {
            let atSeparator = i == end || bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\n")
            if atSeparator {
                if i > start { fields.append(Substring(String(decoding: bytes[start..<i], as: UTF8.self))) }
                start = i + 1
            }
            i += 1
        }
        guard fields.count >= 20, let state = fields[0].utf8.first,
            let ppid = Int32(fields[1]), let ticks = UInt64(fields[19])
        else { return nil }
        return Stat(comm: comm, state: state, ppid: ppid, startTicks: ticks)
    }

    /// The effective uid from `/proc/PID/status` (`Uid:\treal\teffective\tsaved\tfs`).
    static func statusEffectiveUID<C: Collection<UInt8>>(_ bytes: C) -> UInt32? {
        // Line by line in place: only the Uid line is split.
        var start = bytes.startIndex
        while start != bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            let line = bytes[start..<end]
            start = end == bytes.endIndex ? end : bytes.index(after: end)
            guard line.starts(with: "Uid:".utf8) else { continue }
            let numbers = line.dropFirst(4).split(whereSeparator: { $0 == 9 || $0 == 32 })
            guard numbers.count >= 2 else { return nil }
            return UInt32(String(decoding: numbers[numbers.startIndex + 1], as: UTF8.self))
        }
        return nil
    }

    /// `/proc/PID/cmdline`: arguments separated by NULs become one line joined by spaces.
    static func cmdline<C: Collection<UInt8>>(_ bytes: C) -> String {
        var b = Array(bytes)
        while b.last == 0 { b.removeLast() }
        for i in b.indices where b[i] == 0 { b[i] = UInt8(ascii: " ") }
        return String(decoding: b, as: UTF8.self)
    }

    /// `btime` from `/proc/stat`: boot time in seconds since the epoch.
    static func bootTime<C: Collection<UInt8>>(_ bytes: C) -> UInt64? {
        for line in bytes.split(separator: UInt8(ascii: "\n")) where line.starts(with: "btime ".utf8) {
            return UInt64(String(decoding: line.dropFirst(6), as: UTF8.self).trimmingSpaces)
        }
        return nil
    }

    /// `/etc/passwd`: uid → first name listed for it.
    static func passwd<C: Collection<UInt8>>(_ bytes: C) -> [UInt32: String] {
        var out: [UInt32: String] = [:]
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let parts = line.split(separator: UInt8(ascii: ":"), maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count >= 3, !parts[0].isEmpty, parts[0].first != UInt8(ascii: "#"),
                let uid = UInt32(String(decoding: parts[2], as: UTF8.self))
            else { continue }
            let name = String(decoding: parts[0], as: UTF8.self)
            if out[uid] == nil { out[uid] = name }
        }
        return out
    }

    /// `socket:[12345]` (a `readlink` of /proc/PID/fd/N) → 12345.
    static func socketInode(_ link: UnsafeRawBufferPointer) -> UInt64? {
        // "socket:[" is 8 bytes, then digits, then "]".
        guard link.count > 9, link[0] == 0x73, link[1] == 0x6f, link[2] == 0x63, link[3] == 0x6b,
            link[4] == 0x65, link[5] == 0x74, link[6] == 0x3a, link[7] == 0x5b,
            link[link.count - 1] == 0x5d
        else { return nil }
        var value: UInt64 = 0
        for i in 8..<(link.count - 1) {
            let d = link[i] &- 0x30
            guard d < 10 else { return nil }
            value = value &* 10 &+ UInt64(d)
        }
        return value
    }

    // MARK: /proc/net/{tcp,tcp6,udp,udp6}

    /// Every listener in one /proc/net table: TCP in state 0A (LISTEN); UDP in state 07
    /// (unconnected) with a zero remote address and port. The header line is skipped.
    static func procNet(_ text: [UInt8], transport: SocketTransport, ipv6: Bool) -> [RawSocket] {
        var out: [RawSocket] = []
        text.withUnsafeBytes { raw in
            var lineStart = 0
            var first = true
            for i in 0...raw.count where i == raw.count || raw[i] == 0x0a {
                defer { lineStart = i + 1 }
                if first {
                    first = false
                    continue
                }
                if i > lineStart,
                    let s = procNetLine(
                        UnsafeRawBufferPointer(rebasing: raw[lineStart..<i]),
                        transport: transport, ipv6: ipv6)
                {
                    out.append(s)
                }
            }
        }
        return out
    }

    /// One data line of a /proc/net table, or nil when it is not a listener (or malformed).
    /// Addresses are 32-bit words printed in hex in the host's byte order (little-endian here),
    /// so each word's bytes are reversed on a little-endian host; the port is plain hex.
    static func procNetLine(_ line: UnsafeRawBufferPointer, transport: SocketTransport, ipv6: Bool) -> RawSocket? {
        // Fields: 0 "sl:", 1 local, 2 remote, 3 st, 4 tx:rx, 5 tr:when, 6 retrnsmt, 7 uid, 8 timeout, 9 inode.
        var fields: [Range<Int>] = []
        fields.reserveCapacity(10)
        var i = 0
        let n = line.count
        while i < n && fields.count < 10 {
            while i < n && line[i] == 0x20 { i += 1 }
            let s = i
            while i < n && line[i] != 0x20 { i += 1 }
            if i > s { fields.append(s..<i) }
        }
        guard fields.count == 10 else { return nil }
        let hexChars = ipv6 ? 32 : 8
        guard let local = endpoint(line, fields[1], hexChars: hexChars, ipv6: ipv6),
            let remote = endpoint(line, fields[2], hexChars: hexChars, ipv6: ipv6),
            let state = hex(line, fields[3]),
            let uid = decimal(line, fields[7]), let inode = decimal(line, fields[9])
        else { return nil }
        switch transport {
        case .tcp:
            guard state == 0x0A else { return nil }
        case .udp:
            guard state == 0x07, remote.port == 0, remote.address.high == 0, remote.address.low == 0 else { return nil }
        }
        return RawSocket(
            transport: transport, address: local.address, port: local.port,
            uid: UInt32(truncatingIfNeeded: uid), inode: inode, v6Only: nil)
    }

    private static func endpoint(_ line: UnsafeRawBufferPointer, _ r: Range<Int>, hexChars: Int, ipv6: Bool)
        -> (address: IPAddress, port: UInt16)?
    {
        guard r.count == hexChars + 5, line[r.lowerBound + hexChars] == UInt8(ascii: ":"),
            let port = hex(line, (r.lowerBound + hexChars + 1)..<r.upperBound)
        else { return nil }
        var bytes = [UInt8](repeating: 0, count: 16)
        for w in 0..<(hexChars / 8) {
            let start = r.lowerBound + 8 * w
            guard let word = hex(line, start..<(start + 8)) else { return nil }
            // The kernel printed the word's in-memory value in host order: recover its bytes.
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: word)) { wb in
                for k in 0..<4 { bytes[4 * w + k] = wb[k] }
            }
        }
        let address = bytes.withUnsafeBytes { IPAddress(isIPv6: ipv6, bytes: $0) }
        return (address, UInt16(truncatingIfNeeded: port))
    }

    private static func hex(_ line: UnsafeRawBufferPointer, _ r: Range<Int>) -> UInt64? {
        guard !r.isEmpty, r.count <= 16 else { return nil }
        var v: UInt64 = 0
        for i in r {
            let c = line[i]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: return nil
            }
            v = v << 4 | UInt64(d)
        }
        return v
    }

    private static func decimal(_ line: UnsafeRawBufferPointer, _ r: Range<Int>) -> UInt64? {
        guard !r.isEmpty, r.count <= 20 else { return nil }
        var v: UInt64 = 0
        for i in r {
            let d = line[i] &- 0x30
            guard d < 10 else { return nil }
            v = v &* 10 &+ UInt64(d)
        }
        return v
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" { s.removeLast() }
        return String(s)
    }
}
