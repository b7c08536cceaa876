#if os(Linux)
    import PortSystem

    /// The socket table from netlink sock_diag (what `ss` uses): binary records, filtered by
    /// state and port in the kernel; /proc/net text is the fallback (see `scripts/bench`).
    /// Layouts from <linux/netlink.h> and <linux/inet_diag.h>, built by hand so no C shim is needed.
    final class SockDiagConnection {
        struct Failure: Error, CustomStringConvertible {
            var stage: String
            var code: Int32
            var description: String { "netlink \(stage): \(String(cString: strerror(code)))" }
        }

        // The kernel's own names (linux/netlink.h, linux/sock_diag.h, linux/inet_diag.h), kept
        // so they can be found there.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        private static let NETLINK_SOCK_DIAG: Int32 = 4
        // swift-format-ignore: AlwaysUseLowerCamelCase
        private static let SOCK_DIAG_BY_FAMILY: UInt16 = 20
        // swift-format-ignore: AlwaysUseLowerCamelCase
        private static let NLM_F_REQUEST: UInt16 = 0x01
        // swift-format-ignore: AlwaysUseLowerCamelCase
        private static let NLM_F_DUMP: UInt16 = 0x300
        // swift-format-ignore: AlwaysUseLowerCamelCase
        private static let NLMSG_ERROR: UInt16 = 2
        // swift-format-ignore: AlwaysUseLowerCamelCase
        private static let NLMSG_DONE: UInt16 = 3
        // swift-format-ignore: AlwaysUseLowerCamelCase
        private static let INET_DIAG_SKV6ONLY: UInt16 = 11
        static let tcpListenStates: UInt32 = 1 << 10  // TCP_LISTEN
        static let udpUnconnectedStates: UInt32 = 1 << 7  // TCP_CLOSE: bound, not connected

        private let fd: Int32
        private var sequence: UInt32 = 0
        private let bufferSize = 64 * 1024
        private let buffer: UnsafeMutableRawPointer

        init() throws(Failure) {
            let s = socket(
                AF_NETLINK, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Self.NETLINK_SOCK_DIAG)
            guard s >= 0 else { throw Failure(stage: "socket", code: errno) }
            fd = s
            buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 8)
        }

        deinit {
            close(fd)
            buffer.deallocate()
        }

        /// Dumps one table (`family` AF_INET or AF_INET6, `proto` IPPROTO_TCP or IPPROTO_UDP)
        /// restricted to `states`; with `port`, the kernel filters on the local port too.
        func dump(family: UInt8, transport: SocketTransport, port: UInt16?, into out: inout [RawSocket]) throws(Failure)
        {
            sequence &+= 1
            let seq = sequence
            let proto: UInt8 = transport == .tcp ? UInt8(IPPROTO_TCP) : UInt8(IPPROTO_UDP)
            let states = transport == .tcp ? Self.tcpListenStates : Self.udpUnconnectedStates
            // nlmsghdr (16) + inet_diag_req_v2 (56) = 72 bytes.
            var request = [UInt8](repeating: 0, count: 72)
            request.withUnsafeMutableBytes { r in
                r.storeBytes(of: UInt32(72), toByteOffset: 0, as: UInt32.self)
                r.storeBytes(of: Self.SOCK_DIAG_BY_FAMILY, toByteOffset: 4, as: UInt16.self)
                r.storeBytes(of: Self.NLM_F_REQUEST | Self.NLM_F_DUMP, toByteOffset: 6, as: UInt16.self)
                r.storeBytes(of: seq, toByteOffset: 8, as: UInt32.self)
                r[16] = family
                r[17] = proto
                r[18] = 0  // idiag_ext: INET_DIAG_SKV6ONLY is sent for every IPv6 socket unasked
                r.storeBytes(of: states, toByteOffset: 20, as: UInt32.self)
                // inet_diag_sockid at 24: sport (big-endian) first; cookie = INET_DIAG_NOCOOKIE.
                r.storeBytes(of: (port ?? 0).bigEndian, toByteOffset: 24, as: UInt16.self)
                r.storeBytes(of: UInt32.max, toByteOffset: 24 + 40, as: UInt32.self)
                r.storeBytes(of: UInt32.max, toByteOffset: 24 + 44, as: UInt32.self)
            }
            // sockaddr_nl of the kernel: family AF_NETLINK, everything else 0.
            var kernel = [UInt8](repeating: 0, count: 12)
            kernel.withUnsafeMutableBytes { $0.storeBytes(of: UInt16(AF_NETLINK), toByteOffset: 0, as: UInt16.self) }
            let sent = request.withUnsafeBytes { req in
                kernel.withUnsafeBytes { addr in
                    sendto(
                        fd, req.baseAddress, req.count, 0, addr.baseAddress!.assumingMemoryBound(to: sockaddr.self), 12)
                }
            }
            guard sent == 72 else { throw Failure(stage: "send", code: sent < 0 ? errno : EIO) }

            let isIPv6 = family == UInt8(AF_INET6)
            while true {
                let n = recv(fd, buffer, bufferSize, 0)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw Failure(stage: "recv", code: errno)
                }
                if n == 0 { throw Failure(stage: "recv", code: EIO) }
                let data = UnsafeRawBufferPointer(start: buffer, count: n)
                var offset = 0
                while offset + 16 <= n {
                    let length = Int(data.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                    let type = data.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self)
                    let msgSeq = data.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
                    guard length >= 16, offset + length <= n else { throw Failure(stage: "reply", code: EBADMSG) }
                    defer { offset += (length + 3) & ~3 }
                    if msgSeq != seq { continue }  // a stale reply of an earlier, abandoned dump
                    switch type {
                    case Self.NLMSG_DONE:
                        return
                    case Self.NLMSG_ERROR:
                        let code =
                            length >= 20 ? data.loadUnaligned(fromByteOffset: offset + 16, as: Int32.self) : -EBADMSG
                        if code == 0 { continue }  // an acknowledgement
                        throw Failure(stage: "dump", code: -code)
                    case Self.SOCK_DIAG_BY_FAMILY:
                        guard length >= 16 + 72 else { throw Failure(stage: "reply", code: EBADMSG) }
                        let m = offset + 16
                        let sport = UInt16(bigEndian: data.loadUnaligned(fromByteOffset: m + 4, as: UInt16.self))
                        if let port, sport != port { continue }  // our own filter, whatever the kernel did
                        let address = IPAddress(
                            isIPv6: isIPv6, bytes: UnsafeRawBufferPointer(rebasing: data[(m + 8)..<(m + 24)]))
                        let uid = data.loadUnaligned(fromByteOffset: m + 64, as: UInt32.self)
                        let inode = data.loadUnaligned(fromByteOffset: m + 68, as: UInt32.self)
                        var v6Only: Bool? = nil
                        if isIPv6 {
                            var a = m + 72
                            while a + 4 <= offset + length {
                                let attrLength = Int(data.loadUnaligned(fromByteOffset: a, as: UInt16.self))
                                let attrType = data.loadUnaligned(fromByteOffset: a + 2, as: UInt16.self) & 0x3fff
                                guard attrLength >= 4, a + attrLength <= offset + length else { break }
                                if attrType == Self.INET_DIAG_SKV6ONLY && attrLength >= 5 { v6Only = data[a + 4] != 0 }
                                a += (attrLength + 3) & ~3
                            }
                        }
                        out.append(
                            RawSocket(
                                transport: transport, address: address, port: sport, uid: uid,
                                inode: UInt64(inode), v6Only: v6Only))
                    default:
                        continue
                    }
                }
            }
        }
    }
#endif
