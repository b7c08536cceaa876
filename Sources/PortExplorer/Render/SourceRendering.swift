import PortRegistry

extension RegistrySource {
    /// "embedded IANA snapshot of 2025-12-15", "/path/file.xml (2025-12-15)".
    public var summary: String {
        let date = updated.map { "of \($0)" } ?? "(undated)"
        switch kind {
        case .embedded: return "embedded IANA registry \(date)"
        case .updated: return "updated IANA registry \(date) at \(path ?? "?")"
        case .environment: return "PORTHOLE_REGISTRY \(path ?? "?") \(date)"
        case .file: return "\(path ?? "?") \(date)"
        }
    }

    /// Appended to a stale source's summary: why, and what to do.
    var staleness: String {
        updated == nil
            ? " — undated; 'update' fetches the current one" : " — over a year old; 'update' fetches the current one"
    }

    var json: JSON {
        ["kind": .string(kind.rawValue), "path": .optional(path), "updated": .optional(updated?.description)]
    }
}
