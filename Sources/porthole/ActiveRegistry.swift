import PortExplorer
import PortRegistry

/// Finds the registry to answer from: `--registry` > `PORTHOLE_REGISTRY` > the user's
/// updated copy > the embedded snapshot.
enum ActiveRegistry {
    static func load(flagPath: String?, environment: [String: String]) throws(CommandError) -> LoadedRegistry {
        throw CommandError("the registry is not available yet")
    }
}
