import PortExplorer
import PortSystem

/// This machine's part of `snapshot` and `diff`: what names it (uname, /etc/machine-id,
/// /etc/os-release) and the snapshot files, read with their size checked first
/// and written atomically. Saved baselines live in `$XDG_DATA_HOME/porthole/snapshots/`.
extension LiveHost {
    func machine() -> MachineFacts {
        var names = utsname()
        let known = uname(&names) == 0
        func field<T>(_ value: T) -> String {
            guard known else { return "" }
            return withUnsafeBytes(of: value) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        let machineID = (try? readWholeFile(at: "/etc/machine-id")).map {
            String(decoding: $0, as: UTF8.self).filter { !$0.isWhitespace }
        }
        let osRelease =
            (try? readWholeFile(at: "/etc/os-release")) ?? (try? readWholeFile(at: "/usr/lib/os-release"))
        return MachineFacts(
            hostName: field(names.nodename), machineID: machineID?.isEmpty == false ? machineID : nil,
            kernelName: field(names.sysname), kernelRelease: field(names.release), architecture: field(names.machine),
            operatingSystem: osRelease.flatMap { Self.prettyName(inOSRelease: String(decoding: $0, as: UTF8.self)) })
    }

    /// os-release(5)'s PRETTY_NAME: a shell-style assignment, its value perhaps quoted with
    /// `\"`, `\\`, `\$` and `` \` `` escaped inside double quotes.
    static func prettyName(inOSRelease text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            var value = Substring(line.dropFirst("PRETTY_NAME=".count))
            guard let quote = value.first, quote == "\"" || quote == "'" else {
                return value.isEmpty ? nil : String(value)
            }
            value = value.dropFirst()
            var out = ""
            var escaped = false
            for character in value {
                if escaped {
                    out.append(character)
                    escaped = false
                } else if character == "\\", quote == "\"" {
                    escaped = true
                } else if character == quote {
                    break
                } else {
                    out.append(character)
                }
            }
            return out.isEmpty ? nil : out
        }
        return nil
    }

    /// `$XDG_DATA_HOME/porthole/snapshots` (default `~/.local/share/porthole/snapshots`); nil
    /// when neither is set.
    var snapshotFolder: String? {
        if let xdg = variables["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg + "/porthole/snapshots" }
        if let home = variables["HOME"], !home.isEmpty { return home + "/.local/share/porthole/snapshots" }
        return nil
    }

    private func path(of location: SnapshotLocation, form: SnapshotForm = .document) throws(CommandError) -> String {
        switch location {
        case .file(let path):
            guard path.hasPrefix("~/"), let home = variables["HOME"] else { return path }
            return home + path.dropFirst()
        case .saved(let name):
            guard let folder = snapshotFolder else {
                throw CommandError(
                    problem: "neither XDG_DATA_HOME nor HOME is set, so there is nowhere to keep baselines",
                    kind: .unavailable)
            }
            return "\(folder)/\(name)\(form.savedSuffix)"
        }
    }

    /// Opens, checks the size with fstat before reading a byte, then reads at most `limit`
    /// bytes: a file that grows, or a device with no size (`/dev/zero`), stops there too.
    func readSnapshot(_ location: SnapshotLocation, limit: Int) throws(CommandError) -> [UInt8] {
        let path = try path(of: location)
        let fd: CInt
        do throws(Errno) {
            fd = try openFileForReading(path)
        } catch {
            if case .saved(let name) = location, error.rawValue == ENOENT {
                throw CommandError(
                    problem: "no saved baseline named '\(name)' ('snapshot --list' shows them)", kind: .unavailable)
            }
            throw CommandError(problem: "cannot read '\(path)': \(error)", kind: .unavailable)
        }
        defer { close(fd) }
        var status = stat()
        if fstat(fd, &status) == 0, Int(status.st_size) > limit {
            throw CommandError(
                problem: Self.tooLarge(path, size: Int(status.st_size), limit: limit), kind: .unavailable)
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count: Int
            do throws(Errno) {
                let read = chunk.withUnsafeMutableBytes { buffer in
                    Result { () throws(Errno) in try readSome(from: fd, into: buffer) }
                }
                count = try read.get()
            } catch {
                throw CommandError(problem: "cannot read '\(path)': \(error)", kind: .unavailable)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > limit {
                throw CommandError(problem: Self.tooLarge(path, size: nil, limit: limit), kind: .unavailable)
            }
        }
    }

    static func tooLarge(_ path: String, size: Int?, limit: Int) -> String {
        let said = size.map { "is \(ByteCount.phrase($0))" } ?? "is larger than \(ByteCount.phrase(limit))"
        return "'\(path)' \(said); porthole reads snapshots of up to \(ByteCount.phrase(limit)), so it was not read"
    }

    /// Saved baselines get their folder made (0700); each file gets its form's mode (0600 but
    /// for the Prometheus textfile). The temporary file starts with a dot and has no `.prom`
    /// suffix, so node_exporter's textfile collector never reads half a file.
    func writeSnapshot(_ bytes: [UInt8], as form: SnapshotForm, to location: SnapshotLocation) throws(CommandError)
        -> String
    {
        let path = try path(of: location, form: form)
        do throws(AtomicFile.Failure) {
            if case .saved = location { try AtomicFile.makeFolders(PortSystem.folder(of: path)) }
            try AtomicFile(path: path, mode: mode_t(form.mode), temporaryPrefix: ".snapshot-").write(
                bytes, blockingSignals: true)
        } catch {
            throw CommandError(problem: "\(error); nothing was written", kind: .unavailable)
        }
        return path
    }

    /// The folder's `NAME.json` files, newest first; temporary files (leading dot) and cards are not baselines.
    func savedSnapshots() throws(CommandError) -> [SavedSnapshot] {
        guard let folder = snapshotFolder else { return [] }
        guard let directory = opendir(folder) else {
            if errno == ENOENT { return [] }
            throw CommandError(problem: "cannot read '\(folder)': \(Errno.current)", kind: .unavailable)
        }
        defer { closedir(directory) }
        var found: [SavedSnapshot] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            // A class card's JSON (`NAME.card.json`) sits beside the baselines but is not one.
            guard name.hasSuffix(".json"), !name.hasSuffix(SnapshotForm.cardJSON.savedSuffix), !name.hasPrefix("."),
                name.count > 5
            else { continue }
            let path = "\(folder)/\(name)"
            var status = stat()
            guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { continue }
            #if canImport(Darwin)
                let stamp = status.st_mtimespec
            #else
                let stamp = status.st_mtim
            #endif
            let modified = Double(stamp.tv_sec) + Double(stamp.tv_nsec) / 1e9
            found.append(SavedSnapshot(name: String(name.dropLast(5)), path: path, modified: modified))
        }
        return found.sorted { ($0.modified, $1.name) > ($1.modified, $0.name) }
    }
}
