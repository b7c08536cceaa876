import PortSystem

/// Finds the active registry.
///
/// Precedence: `--registry PATH` > `PORTHOLE_REGISTRY` > the user's updated copy at
/// `$XDG_DATA_HOME/porthole/registry.bin` (default `~/.local/share/porthole/registry.bin`)
/// > the snapshot embedded in the binary.
public enum RegistryLocator {
    public static let environmentVariable = "PORTHOLE_REGISTRY"

    /// Where `update` writes and start-up looks: nil when neither XDG_DATA_HOME nor HOME is set.
    public static func userCopyPath(environment: [String: String]) -> String? {
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return xdg + "/porthole/registry.bin"
        }
        if let home = environment["HOME"], !home.isEmpty {
            return home + "/.local/share/porthole/registry.bin"
        }
        return nil
    }

    /// The active registry and warnings to show once (e.g. a corrupted updated copy).
    ///
    /// An explicit `flagPath` or `PORTHOLE_REGISTRY` that fails to load throws: the user asked
    /// for that file. A user copy that fails to load is reported as a warning and the embedded
    /// snapshot is used instead: a copy that is not there (no such file or folder) is no news,
    /// one that cannot be reached (e.g. a HOME this user may not enter) is said as such, since
    /// there may be no copy at all, and one that is there but damaged is ignored, saying why.
    /// Throws only if the embedded snapshot itself is unusable.
    public static func active(flagPath: String?, environment: [String: String]) throws(RegistryError) -> (
        registry: Registry, warnings: [String]
    ) {
        if let flagPath, !flagPath.isEmpty {
            return (try Registry.load(path: flagPath, kind: .file), [])
        }
        if let path = environment[environmentVariable], !path.isEmpty {
            return (try Registry.load(path: path, kind: .environment), [])
        }
        var warnings: [String] = []
        if let path = userCopyPath(environment: environment) {
            do {
                if let registry = try Registry.loadIfPresent(path: path, kind: .updated) {
                    return (registry, [])
                }
            } catch {
                // Opened again only to tell an unreachable path from a damaged file.
                do throws(Errno) {
                    close(try openForReading(path))
                    warnings.append(
                        "ignoring the updated registry: \(error); using the embedded snapshot (run `update` to replace it)"
                    )
                } catch let failure where failure == Errno(ENOENT) || failure == Errno(ENOTDIR) {
                } catch let failure {
                    warnings.append("cannot read \(path): \(failure); using the embedded snapshot")
                }
            }
        }
        return (try Registry.embedded(), warnings)
    }
}
