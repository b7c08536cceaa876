/// The one small seam between the portable scan logic and each platform's code.
///
/// A backend answers a whole query; the Linux one is in `Linux*.swift`, the macOS one in
/// `DarwinBackend.swift`. Tests reach the Linux backend's options through `@testable import`.
protocol ListenerBackend {
    func scan(_ query: ListenerQuery) throws(ListenerError) -> ListenerScan
}

/// A socket as the socket table reports it, before owners are looked for.
struct RawSocket: Hashable, Sendable {
    var transport: SocketTransport
    var address: IPAddress
    var port: UInt16
    var uid: UInt32
    var inode: UInt64
    /// nil for IPv4, and for IPv6 when the table does not say (procfs).
    var v6Only: Bool?
}

/// An IPv4 or IPv6 address, bytes in network order packed big-endian into two words.
struct IPAddress: Hashable, Sendable {
    var isIPv6: Bool
    /// Bytes 0...7 (for IPv4, bytes 0...3 hold the address).
    var high: UInt64
    /// Bytes 8...15.
    var low: UInt64

    init(ipv4 b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8) {
        isIPv6 = false
        high = UInt64(b0) << 56 | UInt64(b1) << 48 | UInt64(b2) << 40 | UInt64(b3) << 32
        low = 0
    }

    init(isIPv6: Bool, high: UInt64, low: UInt64) {
        self.isIPv6 = isIPv6
        self.high = high
        self.low = low
    }

    /// Reads 4 (IPv4) or 16 (IPv6) bytes in network order.
    init(isIPv6: Bool, bytes: UnsafeRawBufferPointer) {
        self.isIPv6 = isIPv6
        var h: UInt64 = 0
        var l: UInt64 = 0
        let count = isIPv6 ? 16 : 4
        for i in 0..<count {
            let b = UInt64(bytes[i])
            if i < 8 { h |= b << UInt64(56 - 8 * i) } else { l |= b << UInt64(56 - 8 * (i - 8)) }
        }
        high = h
        low = l
    }

    func byte(_ i: Int) -> UInt8 {
        i < 8
            ? UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * i))
            : UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * (i - 8)))
    }

    /// `::ffff:a.b.c.d`
    var isIPv4Mapped: Bool { isIPv6 && high == 0 && (low >> 32) == 0xffff }

    /// Numeric text as people write it; IPv4-mapped IPv6 is shown as IPv4 (RFC 5952 otherwise).
    var text: String {
        if !isIPv6 { return "\(byte(0)).\(byte(1)).\(byte(2)).\(byte(3))" }
        if isIPv4Mapped { return "\(byte(12)).\(byte(13)).\(byte(14)).\(byte(15))" }
        var groups = [UInt16](repeating: 0, count: 8)
        for g in 0..<8 { groups[g] = UInt16(byte(2 * g)) << 8 | UInt16(byte(2 * g + 1)) }
        // Longest run (≥ 2) of zero groups, the first one on ties, becomes "::".
        var bestStart = -1
        var bestLen = 0
        var runStart = -1
        for g in 0...8 {
            if g < 8 && groups[g] == 0 {
                if runStart < 0 { runStart = g }
            } else if runStart >= 0 {
                if g - runStart > bestLen {
                    bestStart = runStart
                    bestLen = g - runStart
                }
                runStart = -1
            }
        }
        if bestLen < 2 {
            bestStart = -1
            bestLen = 0
        }
        var out = ""
        var g = 0
        while g < 8 {
            if g == bestStart {
                out += "::"
                g += bestLen
                continue
            }
            if !out.isEmpty && !out.hasSuffix(":") { out += ":" }
            out += String(groups[g], radix: 16)
            g += 1
        }
        return out
    }
}

/// uid → user name, from /etc/passwd parsed once; unknown uids print as their number.
struct UserNames {
    private var table: [UInt32: String]?
    private let passwdPath: String

    init(passwdPath: String = "/etc/passwd") {
        self.passwdPath = passwdPath
    }

    mutating func name(_ uid: UInt32) -> String {
        if table == nil {
            table = readIfReadable(passwdPath).map { ProcParsers.passwd($0) } ?? [:]
        }
        if let name = table?[uid] { return name }
        let name = lookUpUserName(uid) ?? String(uid)
        table?[uid] = name
        return name
    }
}
