#if os(Linux)
import Glibc

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

    func run(wanted: Set<UInt64>, users: inout UserNames) -> Result {
        var result = Result()
        guard !wanted.isEmpty else { return result }
        let procFD = open(procRoot, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard procFD >= 0 else { return result }
        defer { close(procFD) }
        let pids = listPIDs()
        var clock = StartClock()
        var link = [UInt8](repeating: 0, count: 64)
        var matched: [UInt64] = []
        for pid in pids {
            let dirFD = openat(procFD, String(pid), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard dirFD >= 0 else { continue }  // exited since the listing
            defer { close(dirFD) }
            result.scannedPIDs += 1
            matched.removeAll(keepingCapacity: true)
            let fdDirFD = openat(dirFD, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fdDirFD < 0 {
                if errno == EACCES || errno == EPERM {
                    result.deniedPIDs += 1
                    var st = stat()
                    if fstat(dirFD, &st) == 0 { result.deniedUIDs.insert(UInt32(st.st_uid)) }
                }
                continue
            }
            guard let fdDir = fdopendir(fdDirFD) else { close(fdDirFD); continue }
            link.withUnsafeMutableBytes { linkBuffer in
                while let entry = readdir(fdDir) {
                    let n = withEntryNamePointer(entry) { name in
                        readlinkat(fdDirFD, name, linkBuffer.baseAddress!.assumingMemoryBound(to: CChar.self), linkBuffer.count)
                    }
                    guard n > 9, n < linkBuffer.count else { continue }
                    if let inode = ProcParsers.socketInode(UnsafeRawBufferPointer(rebasing: linkBuffer[0..<n])),
                       wanted.contains(inode) {
                        matched.append(inode)
                    }
                }
            }
            closedir(fdDir)
            guard !matched.isEmpty else { continue }
            // Read who this is through the same directory fd; if the process is gone, skip it.
            guard let owner = readOwner(pid: pid, dirFD: dirFD, clock: &clock, users: &users) else { continue }
            for inode in Set(matched) { result.owners[inode, default: []].append(owner) }
        }
        return result
    }

    func readOwner(pid: Int32, dirFD: Int32, clock: inout StartClock, users: inout UserNames) -> SocketOwner? {
        guard let statBytes = readAt(dirFD, "stat"), let stat = ProcParsers.stat(statBytes),
              let statusBytes = readAt(dirFD, "status"), let uid = ProcParsers.statusEffectiveUID(statusBytes),
              let cmdlineBytes = readAt(dirFD, "cmdline")
        else { return nil }
        return SocketOwner(pid: pid, process: stat.comm, command: ProcParsers.cmdline(cmdlineBytes),
                           uid: uid, user: users.name(uid), startedAt: clock.seconds(ticks: stat.startTicks))
    }
}

/// Converts stat's start ticks to seconds since the epoch, reading btime once.
struct StartClock {
    private var bootTime: UInt64??
    private let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    mutating func seconds(ticks: UInt64) -> Double? {
        if bootTime == nil { bootTime = .some(readWholeFile("/proc/stat").flatMap { ProcParsers.bootTime($0) }) }
        guard let boot = bootTime ?? nil, ticksPerSecond > 0 else { return nil }
        return Double(boot) + Double(ticks) / ticksPerSecond
    }
}

/// Reads a small file relative to a directory fd; nil when it cannot be opened or read.
func readAt(_ dirFD: Int32, _ name: String) -> [UInt8]? {
    let fd = openat(dirFD, name, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    return readAll(fd, chunk: 4096)
}

func withEntryNamePointer<R>(_ entry: UnsafeMutablePointer<dirent>, _ body: (UnsafePointer<CChar>) -> R) -> R {
    let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
    return body(UnsafeRawPointer(entry).advanced(by: offset).assumingMemoryBound(to: CChar.self))
}

func withEntryName<R>(_ entry: UnsafeMutablePointer<dirent>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    withEntryNamePointer(entry) { p in body(UnsafeRawBufferPointer(start: p, count: strlen(p))) }
}
#endif
