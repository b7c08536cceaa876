import PortListeners

/// One file found under a path given to `--territory` or `territory add`, as the host read it:
/// its bytes, or why they could not be read.
public struct TerritoryFile: Sendable {
    public var path: String
    /// Modification time, seconds since the Unix epoch: which of two hosts with one name is newer
    /// when the file itself does not say.
    public var modified: Double
    public var bytes: Result<[UInt8], CommandError>

    public init(path: String, modified: Double, bytes: Result<[UInt8], CommandError>) {
        self.path = path
        self.modified = modified
        self.bytes = bytes
    }
}

/// The territories a session answers from instead of this host's live sockets, once any are
/// added: each a host read from a file. Kept by the session across commands.
final class Territories {
    private(set) var hosts: [TerritoryHost] = []
    /// Where each host name sits in `hosts`, so a fleet's names are matched in one look each.
    private var positions: [String: Int] = [:]

    var isEmpty: Bool { hosts.isEmpty }

    /// What one `add` did: hosts read, files that could not be, and duplicate names resolved.
    struct Report: Sendable {
        var added: [TerritoryHost] = []
        /// `path: reason`, one per file porthole could not read.
        var problems: [String] = []
        /// Which of two hosts of one name was kept, and why.
        var notes: [String] = []
    }

    /// Reads every file the host found and adds its hosts. A host name seen before (in this
    /// add or an earlier one) keeps the newer record — the time the file says it was taken,
    /// else its modification time; on a tie, the one read later — and a note says which.
    func add(_ files: [TerritoryFile]) -> Report {
        var report = Report()
        for file in files {
            let bytes: [UInt8]
            switch file.bytes {
            case .success(let read): bytes = read
            case .failure(let error):
                report.problems.append(error.problem)
                continue
            }
            let read: [TerritoryHost]
            do throws(TerritoryReadError) {
                read = try TerritoryReader.read(bytes, path: file.path, modified: file.modified)
            } catch {
                report.problems.append("'\(Visible.text(file.path))' \(error.message)")
                continue
            }
            for host in read {
                if let at = positions[host.name] {
                    let old = hosts[at]
                    let keepNew = host.takenAt >= old.takenAt
                    let kept = keepNew ? host : old
                    let dropped = keepNew ? old : host
                    report.notes.append(
                        "host \(Visible.text(host.name)) is in both '\(Visible.text(old.path))' and "
                            + "'\(Visible.text(host.path))'; kept '\(Visible.text(kept.path))', the newer "
                            + "(\(Timestamp.iso8601(kept.takenAt)), not \(Timestamp.iso8601(dropped.takenAt)))")
                    if keepNew {
                        hosts[at] = host
                        report.added.removeAll { $0.name == host.name }
                        report.added.append(host)
                    }
                } else {
                    positions[host.name] = hosts.count
                    hosts.append(host)
                    report.added.append(host)
                }
            }
        }
        return report
    }

    func clear() {
        hosts = []
        positions = [:]
    }
}
