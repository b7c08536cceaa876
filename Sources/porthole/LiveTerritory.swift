import PortExplorer
import PortSystem

/// This machine's part of `--territory` and `territory add`: finding the files under a path
/// and reading each with its size checked first. Parsing is the language's.
extension LiveHost {
    func readTerritory(_ path: String, limit: Int) throws(CommandError) -> [TerritoryFile] {
        let expanded = path.hasPrefix("~/") ? (variables["HOME"] ?? "~") + path.dropFirst() : path
        var status = stat()
        guard stat(expanded, &status) == 0 else {
            throw CommandError(
                problem: "cannot read '\(expanded)': \(Errno(rawValue: errno))", kind: .unavailable)
        }
        if (status.st_mode & S_IFMT) != S_IFDIR { return [Self.territoryFile(expanded, limit: limit)] }
        var files: [TerritoryFile] = []
        var problems: [TerritoryFile] = []
        walk(expanded, depth: 0, limit: limit, into: &files, problems: &problems)
        return problems + files
    }

    /// Every regular file under `folder`, names sorted; hidden names skipped; at most 32 folders deep.
    private func walk(
        _ folder: String, depth: Int, limit: Int, into files: inout [TerritoryFile], problems: inout [TerritoryFile]
    ) {
        guard let dir = opendir(folder) else {
            problems.append(
                TerritoryFile(
                    path: folder, modified: 0,
                    bytes: .failure(
                        CommandError(problem: "cannot read '\(folder)': \(Errno(rawValue: errno))", kind: .unavailable))
                ))
            return
        }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            names.append(name)
        }
        closedir(dir)
        for name in names.sorted() {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            var status = stat()
            guard stat(path, &status) == 0 else { continue }
            switch status.st_mode & S_IFMT {
            case S_IFDIR where depth < 32: walk(path, depth: depth + 1, limit: limit, into: &files, problems: &problems)
            case S_IFREG: files.append(Self.territoryFile(path, limit: limit))
            default: continue
            }
        }
    }

    /// One file, its size checked with fstat before a byte is read, then read whole with as
    /// few reads as it takes (one, for a file that does not grow meanwhile).
    static func territoryFile(_ path: String, limit: Int) -> TerritoryFile {
        func failed(_ problem: String, modified: Double = 0) -> TerritoryFile {
            TerritoryFile(
                path: path, modified: modified, bytes: .failure(CommandError(problem: problem, kind: .unavailable)))
        }
        let fd: CInt
        do throws(Errno) {
            fd = try openFileForReading(path)
        } catch {
            return failed("cannot read '\(path)': \(error)")
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { return failed("cannot read '\(path)': \(Errno(rawValue: errno))") }
        let modified = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
        let size = Int(status.st_size)
        if size > limit {
            return failed(
                "'\(path)' is \(ByteCount.phrase(size)); porthole reads territory files of up to "
                    + "\(ByteCount.phrase(limit)), so it was not read", modified: modified)
        }
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var count = 0
        while true {
            if count == bytes.count {
                if bytes.count > limit {
                    return failed(
                        "'\(path)' is larger than \(ByteCount.phrase(limit)); porthole reads territory files of up to "
                            + "that, so it was not read", modified: modified)
                }
                bytes.append(contentsOf: repeatElement(0, count: max(65536, bytes.count)))
            }
            let result = bytes.withUnsafeMutableBytes { buffer in
                Result { () throws(Errno) in
                    try readSome(from: fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[count...]))
                }
            }
            let read: Int
            switch result {
            case .success(let n): read = n
            case .failure(let error): return failed("cannot read '\(path)': \(error)", modified: modified)
            }
            if read == 0 { break }
            count += read
        }
        bytes.removeSubrange(count...)
        return TerritoryFile(path: path, modified: modified, bytes: .success(bytes))
    }
}
