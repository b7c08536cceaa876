import PortSystem

/// What `update` did.
public struct UpdateReport: Hashable, Sendable {
    public var path: String
    /// The previous copy's date; nil when there was none (or it was unreadable).
    public var oldUpdated: Day?
    public var newUpdated: Day?
    /// Records in the previous copy, nil when there was none; compared against it, or against
    /// the embedded snapshot when there was no readable copy (`comparedWith`).
    public var oldRecordCount: Int?
    public var newRecordCount: Int
    public var comparedWith: RegistrySource.Kind
    public var added: Int
    public var removed: Int
    public var changed: Int
    /// Why the previous copy could not be read (it was replaced anyway).
    public var previousProblem: String?
}

/// Downloads (or reads) a new IANA registry, validates it and atomically installs it as the
/// user's copy in the fast form.
///
/// Downloading spawns `curl` rather than using URLSession: linking FoundationNetworking (and
/// with it full Foundation) would slow porthole's start-up for every one-shot command, to
/// serve one rarely used one (the figure is in `scripts/bench`'s notes).
public struct RegistryUpdater: Sendable {
    public static let defaultURL =
        "https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xml"
    /// A registry with fewer records is rejected as incomplete.
    public static let minimumRecords = 5_000
    /// A download larger than this is refused before it is read: the registry is about 4 MB,
    /// and a wrong URL or a broken server must not fill memory.
    public static let maximumDownloadBytes = 64 * 1_048_576

    public enum Source: Hashable, Sendable {
        case url(String)
        case file(String)
    }

    /// The fast-form file to replace, normally `RegistryLocator.userCopyPath(environment:)`.
    public var destination: String
    /// The curl executable; nil searches `PATH`.
    public var curlPath: String?
    public var maxTimeSeconds: Int
    /// Let curl draw `--progress-bar` on stderr (interactive use).
    public var showProgress: Bool
    public var minimumRecords: Int

    public init(
        destination: String, curlPath: String? = nil, maxTimeSeconds: Int = 120, showProgress: Bool = false,
        minimumRecords: Int = RegistryUpdater.minimumRecords
    ) {
        self.destination = destination
        self.curlPath = curlPath
        self.maxTimeSeconds = maxTimeSeconds
        self.showProgress = showProgress
        self.minimumRecords = minimumRecords
    }

    /// Fetches, validates, installs and compares. On any failure the previous copy is untouched.
    public func update(from source: Source, environment: [String: String] = [:]) throws(RegistryError) -> UpdateReport {
        let bytes: [UInt8]
        let label: String
        switch source {
        case .file(let path):
            bytes = try FileIO.readFile(path)
            label = path
        case .url(let url):
            bytes = try fetch(url, environment: environment)
            label = url
        }
        let document = try Self.validate(bytes, file: label, minimumRecords: minimumRecords)
        return try install(document)
    }

    /// Checks that bytes are a complete registry: not HTML, parses fully, holds at least
    /// `minimumRecords` records, and has a date.
    public static func validate(_ bytes: [UInt8], file: String, minimumRecords: Int = RegistryUpdater.minimumRecords)
        throws(RegistryError) -> RegistryDocument
    {
        if bytes.isEmpty { throw RegistryError(file: file, problem: "not a registry: the file is empty") }
        if looksLikeHTML(bytes) { throw RegistryError(file: file, problem: "not a registry: looks like HTML") }
        let document = try RegistryDocument.read(bytes, file: file)
        guard document.records.count >= minimumRecords else {
            throw RegistryError(
                file: file,
                problem:
                    "only \(document.records.count) records, expected at least \(minimumRecords): not a complete registry"
            )
        }
        guard document.updated != nil else {
            throw RegistryError(file: file, problem: "the registry has no updated date")
        }
        return document
    }

    static func looksLikeHTML(_ bytes: [UInt8]) -> Bool {
        let head = String(decoding: bytes.prefix(512), as: UTF8.self).lowercased()
        let trimmed = head.drop(while: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\u{FEFF}" })
        return trimmed.hasPrefix("<!doctype html") || trimmed.hasPrefix("<html") || head.contains("<html")
    }

    /// Encodes and atomically replaces the destination, then compares with what it replaced.
    public func install(_ document: RegistryDocument) throws(RegistryError) -> UpdateReport {
        var previous: Registry?
        var problem: String?
        var comparedWith = RegistrySource.Kind.updated
        do {
            if let old = try FileIO.readIfPresent(destination) {
                previous = try Registry.load(bytes: old, file: destination, kind: .updated)
            }
        } catch {
            problem = error.description
        }
        if previous == nil {
            previous = try? Registry.embedded()
            comparedWith = .embedded
        }
        let bytes = FastForm.encode(document)
        try FileIO.writeAtomically(bytes, to: destination)
        let oldRecords = previous?.allRecords() ?? []
        let d = Self.diff(old: oldRecords, new: document.records)
        return UpdateReport(
            path: destination,
            oldUpdated: previous?.source.updated,
            newUpdated: document.updated,
            oldRecordCount: previous?.recordCount,
            newRecordCount: document.records.count,
            comparedWith: comparedWith,
            added: d.added, removed: d.removed, changed: d.changed,
            previousProblem: problem)
    }

    /// Counts differences between two record lists.
    ///
    /// A record's identity is its lowercased service name (empty when unnamed), transport and
    /// port range; the n-th record with the same identity in each list are paired. A pair whose
    /// other fields differ counts as changed; identities only in `new` are added, only in `old`
    /// removed.
    public static func diff(old: [ServiceRecord], new: [ServiceRecord]) -> (added: Int, removed: Int, changed: Int) {
        struct Key: Hashable {
            var name: String
            var transport: Transport?
            var ports: PortRange?
            var ordinal: Int
        }
        func keyed(_ records: [ServiceRecord]) -> [Key: ServiceRecord] {
            var seen: [Key: Int] = [:]
            var out: [Key: ServiceRecord] = [:]
            for r in records {
                var k = Key(name: r.name?.lowercased() ?? "", transport: r.transport, ports: r.ports, ordinal: 0)
                let n = seen[k, default: 0]
                seen[k] = n + 1
                k.ordinal = n
                out[k] = r
            }
            return out
        }
        let a = keyed(old)
        let b = keyed(new)
        var added = 0
        var removed = 0
        var changed = 0
        for (k, r) in b {
            if let o = a[k] { if o != r { changed += 1 } } else { added += 1 }
        }
        for k in a.keys where b[k] == nil { removed += 1 }
        return (added, removed, changed)
    }

    /// Why porthole will not download `url`, or nil when it will: only `http` and `https`.
    ///
    /// curl reads `file://` (`update --url file:///etc/shadow`, run as root), `ftp://`,
    /// `gopher://`, `dict://` and more as readily as HTTP; a registry is published over HTTP
    /// only. Checked before curl runs, and curl is told the same (`--proto`), redirects
    /// included (`--proto-redir`). A URL without a scheme is refused too: curl would guess
    /// one from the host name (`ftp.example.org` → FTP), and an argument starting with `-`
    /// would be read by curl as an option.
    public static func downloadRefusal(_ url: String) -> String? {
        guard let scheme = scheme(of: url) else {
            return "only http and https URLs can be downloaded, and this one names no scheme (start it with https://)"
        }
        if scheme == "http" || scheme == "https" { return nil }
        return "only http and https URLs can be downloaded, not '\(scheme)'"
    }

    /// The lowercased scheme of `url` (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`,
    /// before the first `:`), or nil when it has none.
    static func scheme(of url: String) -> String? {
        let bytes = Array(url.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return nil }
        func letter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
        guard letter(bytes[0]) else { return nil }
        for b in bytes[1..<colon] {
            guard letter(b) || (b >= 0x30 && b <= 0x39) || b == 0x2B || b == 0x2D || b == 0x2E else { return nil }
        }
        return String(decoding: bytes[..<colon], as: UTF8.self).lowercased()
    }

    /// Downloads `url` with curl into a temporary file and returns its bytes.
    public func fetch(_ url: String, environment: [String: String] = [:]) throws(RegistryError) -> [UInt8] {
        if let problem = Self.downloadRefusal(url) { throw RegistryError(file: url, problem: problem) }
        guard let curl = curlPath ?? Self.findExecutable("curl", path: environment["PATH"] ?? Self.processPath()) else {
            throw RegistryError(
                file: url, problem: "cannot download: curl is not installed (install curl, or use `update --from FILE`)"
            )
        }
        guard FileIO.exists(curl) else {
            throw RegistryError(
                file: url,
                problem:
                    "cannot download: curl is not installed (\(curl) not found; install curl, or use `update --from FILE`)"
            )
        }
        let dir = folder(of: destination)
        try FileIO.makeDirectories(dir)
        // curl writes the download itself (by name); the descriptor is only needed to create it.
        let tmp: String
        do {
            let temporary = try makeTemporaryFile(in: dir, prefix: ".download-")
            close(temporary.descriptor)
            tmp = temporary.path
        } catch {
            throw RegistryError(file: dir, problem: "cannot create a temporary file: \(error)")
        }
        defer { unlink(tmp) }
        var args = [
            curl, "--fail", "--location", "--proto", "=https,http", "--proto-redir", "=https,http", "--show-error",
            "--max-time", String(maxTimeSeconds),
            "--max-filesize", String(Self.maximumDownloadBytes), "--output", tmp,
        ]
        args.insert(showProgress ? "--progress-bar" : "--silent", at: 1)
        args.append(url)
        let (status, stderrText) = try Self.run(args, captureStderr: !showProgress, label: url)
        let tooLarge = RegistryError(
            file: url,
            problem:
                "download failed: larger than \(Self.maximumDownloadBytes / 1_048_576) MiB, far more than a registry; refused"
        )
        // 63: curl saw a Content-Length over the limit. Without one, curl cannot tell early; the size is checked below.
        if status == 63 { throw tooLarge }
        // 1: a protocol curl will not speak; porthole checked the URL given, so a redirect led there.
        if status == 1 {
            let detail = stderrText.trimmedASCII()
            throw RegistryError(
                file: url,
                problem: "download failed: the server redirected to a URL that is not http or https, which was refused"
                    + (detail.isEmpty ? "" : " (\(detail))"))
        }
        guard status == 0 else {
            let detail = stderrText.trimmedASCII()
            throw RegistryError(
                file: url,
                problem: "download failed: " + (detail.isEmpty ? "curl exited with status \(status)" : detail))
        }
        var st = stat()
        if stat(tmp, &st) == 0, Int(st.st_size) > Self.maximumDownloadBytes { throw tooLarge }
        return try FileIO.readFile(tmp)
    }

    static func processPath() -> String {
        ProcessEnvironment.value(named: "PATH") ?? "/usr/local/bin:/usr/bin:/bin"
    }

    static func findExecutable(_ name: String, path: String) -> String? {
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = dir + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Spawns `args[0]` with `args`, stdin from /dev/null, and waits. Returns the exit status
    /// (128+signal when killed) and, when captured, stderr.
    static func run(_ args: [String], captureStderr: Bool, label: String) throws(RegistryError) -> (Int32, String) {
        do {
            let outcome = try ChildProcess.run(args, capturingStandardError: captureStderr)
            return (outcome.status, String(decoding: outcome.standardError, as: UTF8.self))
        } catch {
            let problem =
                switch error.step {
                case .pipe: "cannot create a pipe: \(error.errno)"
                case .spawn: "cannot run \(args[0]): \(error.errno)"
                case .wait: "waiting for \(args[0]) failed: \(error.errno)"
                }
            throw RegistryError(file: label, problem: problem)
        }
    }
}
