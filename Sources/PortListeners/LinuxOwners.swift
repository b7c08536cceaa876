#if os(Linux)
    import PortSystem

    /// Maps socket inodes to the processes holding them, through /proc/PID/fd.
    ///
    /// Every process directory is opened once as a directory fd and everything about the
    /// process is read through it (`openat`, `readlinkat`), so a process that exits mid-scan
    /// makes the reads fail instead of landing on a recycled pid. Only one process directory
    /// is open at a time. Nothing is ever written, signalled or changed.
    struct OwnerWalk {
        struct Result {
            var owners: [UInt64: [SocketOwner]] = [:]
            /// Processes whose fd table could not be read (EACCES/EPERM), by uid.
            var deniedPIDs = 0
            var deniedUIDs: Set<UInt32> = []
            var scannedPIDs = 0
        }

        var procRoot = "/proc"

        /// The numeric entries of /proc (thread-group leaders), read once.
        func listPIDs() -> [Int32] {
            guard let dir = opendir(procRoot) else { return [] }
            defer { closedir(dir) }
            var pids: [Int32] = []
            pids.reserveCapacity(512)
            while let entry = readdir(dir) {
                let pid = withEntryName(entry) { name -> Int32? in
                    guard name.count > 0 else { return nil }
                    var v: Int32 = 0
                    for c in name {
                        let d = c &- 0x30
                        guard d < 10 else { return nil }
                        v = v &* 10 &+ Int32(d)
                    }
                    return v
                }
                if let pid { pids.append(pid) }
            }
            return pids
        }

        /// What one process told us, before uids are turned into names.
        struct Found {
            var pid: Int32
            var inodes: [UInt64]
            var comm: String
            var command: String
            var uid: UInt32
            var startTicks: UInt64
            var container: Container?
        }

        /// One share of the walk, run on its own thread: processes `pids[k]`, `pids[k + stride]`, ….
        final class Share: @unchecked Sendable {
            let walk: OwnerWalk
            let procFD: Int32
            let pids: [Int32]
            let wanted: Set<UInt64>
            let first: Int
            let stride: Int
            var found: [Found] = []
            var deniedPIDs = 0
            var deniedUIDs: Set<UInt32> = []
            var scannedPIDs = 0

            init(walk: OwnerWalk, procFD: Int32, pids: [Int32], wanted: Set<UInt64>, first: Int, stride: Int) {
                self.walk = walk
                self.procFD = procFD
                self.pids = pids
                self.wanted = wanted
                self.first = first
                self.stride = stride
            }

            func run() {
                var link = [UInt8](repeating: 0, count: 64)
                var matched: [UInt64] = []
                var index = first
                while index < pids.count {
                    defer { index += stride }
                    let pid = pids[index]
                    let dirFD = openat(procFD, String(pid), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                    guard dirFD >= 0 else { continue }  // exited since the listing
                    defer { close(dirFD) }
                    scannedPIDs += 1
                    matched.removeAll(keepingCapacity: true)
                    let fdDirFD = openat(dirFD, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                    if fdDirFD < 0 {
                        if errno == EACCES || errno == EPERM {
                            deniedPIDs += 1
                            var st = stat()
                            if fstat(dirFD, &st) == 0 { deniedUIDs.insert(UInt32(st.st_uid)) }
                        }
                        continue
                    }
                    guard let fdDir = fdopendir(fdDirFD) else {
                        close(fdDirFD)
                        continue
                    }
                    link.withUnsafeMutableBytes { linkBuffer in
                        while let entry = readdir(fdDir) {
                            let n = withEntryNamePointer(entry) { name in
                                // "." and "..": not descriptors, and no link to read.
                                name[0] == 0x2E
                                    ? -1
                                    : readlinkat(
                                        fdDirFD, name, linkBuffer.baseAddress!.assumingMemoryBound(to: CChar.self),
                                        linkBuffer.count)
                            }
                            guard n > 9, n < linkBuffer.count else { continue }
                            if let inode = ProcParsers.socketInode(UnsafeRawBufferPointer(rebasing: linkBuffer[0..<n])),
                                wanted.contains(inode)
                            {
                                matched.append(inode)
                            }
                        }
                    }
                    closedir(fdDir)
                    guard !matched.isEmpty else { continue }
                    // Read who this is through the same directory fd; if the process is gone, skip it.
                    guard let statBytes = readAt(dirFD, "stat"), let stat = ProcParsers.stat(statBytes),
                        let statusBytes = readAt(dirFD, "status"),
                        let uid = ProcParsers.statusEffectiveUID(statusBytes),
                        let cmdlineBytes = readAt(dirFD, "cmdline")
                    else { continue }
                    // Owners only: a cgroup read per socket holder, never per process.
                    let container = readAt(dirFD, "cgroup").flatMap(ContainerParsers.container(cgroup:))
                    found.append(
                        Found(
                            pid: pid, inodes: Array(Set(matched)), comm: stat.comm,
                            command: ProcParsers.cmdline(cmdlineBytes), uid: uid, startTicks: stat.startTicks,
                            container: container))
                }
            }
        }

        /// How many threads walk /proc: one per core, at most two (the walk is readlink system
        /// calls, which run side by side on separate cores; see `scripts/bench`).
        var threads = min(max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1), 2)

        func run(wanted: Set<UInt64>, users: inout UserNames) -> Result {
            var result = Result()
            guard !wanted.isEmpty else { return result }
            let procFD = open(procRoot, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard procFD >= 0 else { return result }
            defer { close(procFD) }
            let pids = listPIDs()
            let count = pids.count < 64 ? 1 : threads
            let shares = (0..<count).map {
                Share(walk: self, procFD: procFD, pids: pids, wanted: wanted, first: $0, stride: count)
            }
            var started: [JoinableThread] = []
            for share in shares.dropFirst() {
                do {
                    started.append(try JoinableThread { share.run() })
                } catch {
                    share.run()  // no thread to be had: walk this share here
                }
            }
            shares[0].run()
            for thread in started { thread.join() }
            var clock = StartClock()
            result.owners.reserveCapacity(shares.reduce(0) { $0 + $1.found.reduce(0) { $0 + $1.inodes.count } })
            for share in shares {
                result.deniedPIDs += share.deniedPIDs
                result.deniedUIDs.formUnion(share.deniedUIDs)
                result.scannedPIDs += share.scannedPIDs
                for f in share.found {
                    let owner = SocketOwner(
                        pid: f.pid, process: f.comm, command: f.command, uid: f.uid,
                        user: users.name(f.uid), startedAt: clock.seconds(ticks: f.startTicks), container: f.container)
                    for inode in f.inodes { result.owners[inode, default: []].append(owner) }
                }
            }
            return result
        }
    }

    /// Converts stat's start ticks to seconds since the epoch, reading btime once.
    struct StartClock {
        private var bootTime: UInt64??
        private let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

        mutating func seconds(ticks: UInt64) -> Double? {
            if bootTime == nil { bootTime = .some(readIfReadable("/proc/stat").flatMap { ProcParsers.bootTime($0) }) }
            guard let boot = bootTime ?? nil, ticksPerSecond > 0 else { return nil }
            return Double(boot) + Double(ticks) / ticksPerSecond
        }
    }

    /// Reads a small file relative to a directory fd; nil when it cannot be opened or read.
    func readAt(_ dirFD: Int32, _ name: String) -> [UInt8]? {
        guard let fd = try? openForReading(name, relativeTo: dirFD) else { return nil }
        defer { close(fd) }
        // Read errors (ESRCH once the process has exited) mean the same as a missing file.
        return try? readAll(from: fd, chunk: 4096)
    }

    func withEntryNamePointer<R>(_ entry: UnsafeMutablePointer<dirent>, _ body: (UnsafePointer<CChar>) -> R) -> R {
        let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        return body(UnsafeRawPointer(entry).advanced(by: offset).assumingMemoryBound(to: CChar.self))
    }

    func withEntryName<R>(_ entry: UnsafeMutablePointer<dirent>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        withEntryNamePointer(entry) { p in body(UnsafeRawBufferPointer(start: p, count: strlen(p))) }
    }
#endif
