/// The kernel's port settings on a host (on Linux, `/proc/sys/net/ipv4`; the host reads them).
///
/// Each value is nil when it cannot be read (another operating system, or a sandbox that
/// hides /proc); the texts then say so and give the usual default instead.
public struct HostPortSettings: Sendable, Equatable {
    /// `ip_local_port_range`: where the kernel picks source ports for outgoing connections.
    var ephemeralRange: ClosedRange<UInt16>?
    /// `ip_unprivileged_port_start`: the lowest port an ordinary process may bind.
    var unprivilegedPortStart: Int?
    /// `ip_local_reserved_ports`: ports the kernel never picks as ephemeral; nil when unreadable.
    var reservedPorts: [ClosedRange<UInt16>]?

    public init(
        ephemeralRange: ClosedRange<UInt16>?, unprivilegedPortStart: Int?, reservedPorts: [ClosedRange<UInt16>]?
    ) {
        self.ephemeralRange = ephemeralRange
        self.unprivilegedPortStart = unprivilegedPortStart
        self.reservedPorts = reservedPorts
    }

    /// Where Linux keeps each setting; the texts name them so a reader can look.
    public static let ephemeralPath = "/proc/sys/net/ipv4/ip_local_port_range"
    public static let unprivilegedPath = "/proc/sys/net/ipv4/ip_unprivileged_port_start"
    public static let reservedPath = "/proc/sys/net/ipv4/ip_local_reserved_ports"

    /// Linux's defaults, for when the files cannot be read.
    static let linuxDefaultEphemeral: ClosedRange<UInt16> = 32768...60999
    /// IANA's Dynamic range, which macOS, NetBSD and Windows (since Vista) use as their default.
    static let ianaDynamic: ClosedRange<UInt16> = 49152...65535
    /// FreeBSD's default (`IPPORT_EPHEMERALFIRST`...`IPPORT_EPHEMERALLAST` in netinet/in.h).
    static let freeBSDDefaultEphemeral: ClosedRange<UInt16> = 10000...65535

    /// `"32768\t60999\n"` → 32768...60999.
    public static func parseRange(_ text: String) -> ClosedRange<UInt16>? {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        guard parts.count == 2, let low = UInt16(parts[0]), let high = UInt16(parts[1]), low <= high else { return nil }
        return low...high
    }

    /// `"8080,9000-9010\n"` → [8080...8080, 9000...9010]; an empty file is an empty list.
    public static func parsePortList(_ text: String) -> [ClosedRange<UInt16>]? {
        var out: [ClosedRange<UInt16>] = []
        for item in text.trimmingWhitespace().split(separator: ",") {
            let bounds = item.split(separator: "-")
            if bounds.count == 1, let port = UInt16(bounds[0]) {
                out.append(port...port)
            } else if bounds.count == 2, let low = UInt16(bounds[0]), let high = UInt16(bounds[1]), low <= high {
                out.append(low...high)
            } else {
                return nil
            }
        }
        return out
    }

    func isReserved(_ port: UInt16) -> Bool {
        reservedPorts?.contains { $0.contains(port) } ?? false
    }
}

extension ClosedRange where Bound == UInt16 {
    /// `32768-60999`, or `8080` for a range of one.
    var spelled: String { lowerBound == upperBound ? "\(lowerBound)" : "\(lowerBound)-\(upperBound)" }
    var size: Int { Int(upperBound) - Int(lowerBound) + 1 }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
