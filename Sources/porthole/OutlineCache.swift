import PortExplorer
import PortRegistry
import PortSystem

/// The registry's registrations, kept in `$XDG_CACHE_HOME/porthole/registrations` (default
/// `~/.cache/porthole/registrations`) so that `ghosts` does not group every record of the
/// registry on every run. The file's first line is the registry's `outlinesKey` (the layout,
/// the fast form's version, checksum and size); the bytes after it are used only under the
/// same key and only when the registry checks them whole. It is safe to delete; a stale or
/// damaged one is ignored and written again, and any problem reading or writing it only means
/// grouping the records again.
struct OutlineCache: Sendable {
    let kept: KeptFile

    /// Far above the registrations of any registry porthole can hold.
    static let largest = 64 << 20

    init?(environment: [String: String]) {
        guard let kept = KeptFile(named: "registrations", largest: Self.largest, environment: environment) else {
            return nil
        }
        self.kept = kept
    }

    var store: OutlineStore {
        OutlineStore(load: { key in load(key) }, save: { key, bytes in save(key, bytes) })
    }

    private static func header(_ key: String) -> [UInt8] { Array("porthole \(key)\n".utf8) }

    func load(_ key: String) -> [UInt8]? { kept.bytes(after: Self.header(key)) }

    func save(_ key: String, _ bytes: [UInt8]) { kept.keep(bytes, after: Self.header(key)) }
}
