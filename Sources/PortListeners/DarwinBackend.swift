#if canImport(Darwin)
    // macOS: no socket table to dump, so every process's descriptors are walked with libproc
    // (proc_listpids → PROC_PIDLISTFDS → PROC_PIDFDSOCKETINFO), as lsof and psutil do.
    //
    // NOT compiled or tested here (Linux cannot build for macOS). Checked by hand against
    // apple-oss-distributions/xnu:
    // - libsyscall/wrappers/libproc/libproc.h: proc_listpids(uint32_t, uint32_t, void *, int),
    //   proc_pidinfo(int, int, uint64_t, void *, int), proc_pidfdinfo(int, int, int, void *, int);
    //   all three answer 0 (not -1) on failure, with errno set (libproc.c), so errno is cleared
    //   before proc_pidinfo and read only when it answers 0.
    // - bsd/sys/proc_info.h: PROC_ALL_PIDS, PROC_PIDLISTFDS, PROC_PIDTBSDINFO, PROC_PIDFDSOCKETINFO,
    //   PROX_FDTYPE_SOCKET; struct proc_fdinfo {proc_fd, proc_fdtype}; socket_fdinfo.psi;
    //   socket_info {soi_stat.vst_uid, soi_so, soi_protocol, soi_family, soi_kind, soi_proto};
    //   SOCKINFO_IN / SOCKINFO_TCP; tcp_sockinfo {tcpsi_ini, tcpsi_state}, TSI_S_LISTEN;
    //   in_sockinfo {insi_fport, insi_lport (int), insi_flags, insi_vflag, insi_laddr.ina_46.i46a_addr4,
    //   insi_laddr.ina_6}; proc_bsdinfo {pbi_comm[MAXCOMLEN] (not always NUL-terminated), pbi_uid,
    //   pbi_start_tvsec, pbi_start_tvusec}.
    // - bsd/kern/socket_info.c (fill_socketinfo): insi_lport/insi_fport are the pcb's ports in
    //   network byte order; insi_flags is inp_flags; insi_laddr is the pcb's whole 16-byte
    //   address, IPv4 in its last four bytes; UDP sockets are SOCKINFO_IN, TCP ones with a
    //   control block SOCKINFO_TCP.
    // - bsd/netinet/in_pcb.h: IN6P_IPV6_V6ONLY is 0x8000 in inp_flags.
    // The sysctl KERN_PROCARGS2 layout (argc, executable path, padding, arguments) is as in
    // ps and psutil.
    import PortSystem

    struct DarwinBackend: ListenerBackend {
        func scan(_ query: ListenerQuery) throws(ListenerError) -> ListenerScan {
            var notes: [String] = []
            if query.allNetworkNamespaces { notes.append("network namespaces do not exist on macOS") }
            let pids = try listPIDs()
            var users = UserNames()
            // Keyed by the kernel's socket identity (soi_so): one listener, many owners.
            var bySocket: [UInt64: (socket: RawSocket, owners: [SocketOwner])] = [:]
            var denied = 0
            let infoSize = Int32(MemoryLayout<socket_fdinfo>.size)
            for pid in pids {
                errno = 0  // a process with no descriptors also answers 0, without an error
                let needed = proc_pidinfo(pid, PROC_PIDLISTFDS, 0, nil, 0)
                if needed <= 0 {
                    if errno == EPERM { denied += 1 }
                    continue
                }
                let stride = MemoryLayout<proc_fdinfo>.stride
                var fds = [proc_fdinfo](repeating: proc_fdinfo(), count: Int(needed) / stride + 8)
                let got = fds.withUnsafeMutableBytes {
                    proc_pidinfo(pid, PROC_PIDLISTFDS, 0, $0.baseAddress, Int32($0.count))
                }
                guard got > 0 else { continue }
                var owner: SocketOwner??  // read once per process, when it holds a listener
                for fd in fds.prefix(Int(got) / stride) where fd.proc_fdtype == UInt32(PROX_FDTYPE_SOCKET) {
                    var info = socket_fdinfo()
                    let n = proc_pidfdinfo(pid, fd.proc_fd, PROC_PIDFDSOCKETINFO, &info, infoSize)
                    // Anything short is a descriptor closed meanwhile (EBADF) or not a socket we read.
                    guard n == infoSize else { continue }
                    guard var raw = Self.listener(info.psi, ports: query.ports, transports: query.transports) else {
                        continue
                    }
                    if owner == nil { owner = .some(Self.owner(pid: pid, users: &users)) }
                    let key = info.psi.soi_so
                    raw.inode = key
                    if bySocket[key] == nil { bySocket[key] = (raw, []) }
                    if let o = owner ?? nil, !bySocket[key]!.owners.contains(where: { $0.pid == o.pid }) {
                        bySocket[key]!.owners.append(o)
                    }
                }
            }
            if denied > 0 {
                notes.append("\(denied) processes could not be inspected: their listeners are not listed; try as root")
            }
            let listeners = bySocket.values.sorted { a, b in
                (a.socket.port, a.socket.transport == .tcp ? 0 : 1, a.socket.inode)
                    < (b.socket.port, b.socket.transport == .tcp ? 0 : 1, b.socket.inode)
            }.map { entry -> Listener in
                let s = entry.socket
                let user = users.name(s.uid)
                return Listener(
                    transport: s.transport, address: s.address.text, port: s.port, uid: s.uid, user: user,
                    inode: s.inode, v6Only: s.address.isIPv6 ? s.v6Only : nil,
                    owners: entry.owners.sorted { $0.pid < $1.pid },
                    ownerHiddenReason: entry.owners.isEmpty ? "owner exited during the scan" : nil)
            }
            return ListenerScan(listeners: listeners, notes: notes, socketSource: "libproc")
        }

        private func listPIDs() throws(ListenerError) -> [pid_t] {
            let bytes = proc_listpids(UInt32(PROC_ALL_PIDS), 0, nil, 0)
            guard bytes > 0 else { throw .socketTableUnavailable("proc_listpids failed: \(Errno.current)") }
            let stride = MemoryLayout<pid_t>.stride
            var pids = [pid_t](repeating: 0, count: Int(bytes) / stride + 64)
            let got = pids.withUnsafeMutableBytes {
                proc_listpids(UInt32(PROC_ALL_PIDS), 0, $0.baseAddress, Int32($0.count))
            }
            guard got > 0 else { throw .socketTableUnavailable("proc_listpids failed: \(Errno.current)") }
            return pids.prefix(Int(got) / stride).filter { $0 > 0 }
        }

        /// A listening TCP or bound, unconnected UDP socket, or nil.
        private static func listener(_ si: socket_info, ports: ClosedRange<UInt16>?, transports: Set<SocketTransport>)
            -> RawSocket?
        {
            guard si.soi_family == AF_INET || si.soi_family == AF_INET6 else { return nil }
            let ini: in_sockinfo
            let transport: SocketTransport
            if si.soi_kind == Int32(SOCKINFO_TCP) {
                guard si.soi_proto.pri_tcp.tcpsi_state == Int32(TSI_S_LISTEN) else { return nil }
                ini = si.soi_proto.pri_tcp.tcpsi_ini
                transport = .tcp
            } else if si.soi_kind == Int32(SOCKINFO_IN) && si.soi_protocol == IPPROTO_UDP {
                ini = si.soi_proto.pri_in
                guard ini.insi_fport == 0 else { return nil }  // connected UDP is not a listener
                transport = .udp
            } else {
                return nil
            }
            guard transports.contains(transport) else { return nil }
            // insi_lport holds the port as stored in the pcb: network byte order.
            let port = UInt16(bigEndian: UInt16(truncatingIfNeeded: ini.insi_lport))
            if let ports, !ports.contains(port) { return nil }
            let address: IPAddress
            var v6Only: Bool? = nil
            if si.soi_family == AF_INET6 {
                var a6 = ini.insi_laddr.ina_6
                address = withUnsafeBytes(of: &a6) { IPAddress(isIPv6: true, bytes: $0) }
                v6Only = (ini.insi_flags & 0x8000) != 0  // IN6P_IPV6_V6ONLY (in_pcb.h; not exported to user space)
            } else {
                var a4 = ini.insi_laddr.ina_46.i46a_addr4
                address = withUnsafeBytes(of: &a4) { IPAddress(isIPv6: false, bytes: $0) }
            }
            return RawSocket(
                transport: transport, address: address, port: port,
                uid: UInt32(si.soi_stat.vst_uid), inode: si.soi_so, v6Only: v6Only)
        }

        private static func owner(pid: pid_t, users: inout UserNames) -> SocketOwner? {
            var bsd = proc_bsdinfo()
            let size = Int32(MemoryLayout<proc_bsdinfo>.size)
            guard proc_pidinfo(pid, PROC_PIDTBSDINFO, 0, &bsd, size) == size else { return nil }
            let comm = withUnsafeBytes(of: &bsd.pbi_comm) { raw -> String in
                let bytes = raw.prefix { $0 != 0 }
                return String(decoding: bytes, as: UTF8.self)
            }
            let uid = UInt32(bsd.pbi_uid)
            let started = Double(bsd.pbi_start_tvsec) + Double(bsd.pbi_start_tvusec) / 1e6
            return SocketOwner(
                pid: pid, process: comm, command: arguments(pid) ?? "", uid: uid,
                user: users.name(uid), startedAt: started)
        }

        /// KERN_PROCARGS2: argc (Int32), the executable path, NUL padding, then argc strings.
        private static func arguments(_ pid: pid_t) -> String? {
            var mib: [Int32] = [CTL_KERN, KERN_PROCARGS2, pid]
            var size = 0
            guard sysctl(&mib, 3, nil, &size, nil, 0) == 0, size > 4 else { return nil }
            var buffer = [UInt8](repeating: 0, count: size)
            guard sysctl(&mib, 3, &buffer, &size, nil, 0) == 0, size > 4 else { return nil }
            let argc = buffer.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
            var i = 4
            while i < size && buffer[i] != 0 { i += 1 }  // executable path
            while i < size && buffer[i] == 0 { i += 1 }  // padding
            var args: [String] = []
            while i < size && args.count < Int(argc) {
                let start = i
                while i < size && buffer[i] != 0 { i += 1 }
                args.append(String(decoding: buffer[start..<i], as: UTF8.self))
                i += 1
            }
            return args.joined(separator: " ")
        }
    }
#endif
