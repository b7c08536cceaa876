/// The import path of `scripts/make-snapshot`: the same validation and encoding as `update`.
public enum SnapshotBuilder {
    public struct Snapshot: Sendable {
        public var cSource: String
        public var recordCount: Int
        public var peopleCount: Int
        public var updated: Day?
        public var fastFormSize: Int
    }

    public static func build(sourcePath: String) throws(RegistryError) -> Snapshot {
        let bytes = try FileIO.readFile(sourcePath)
        let document = try RegistryUpdater.validate(bytes, file: sourcePath)
        let fast = FastForm.encode(document)
        let base = sourcePath.split(separator: "/").last.map(String.init) ?? sourcePath
        let comment = """
            The embedded IANA Service Name and Transport Protocol Port Number Registry, in porthole's fast form.
            Source: \(base) (\(document.format.rawValue)), updated \(document.updated.map(String.init(describing:)) ?? "?"), \(document.records.count) records, \(document.people.count) people.
            """
        return Snapshot(
            cSource: SnapshotSource.render(fast, comment: comment), recordCount: document.records.count,
            peopleCount: document.people.count, updated: document.updated, fastFormSize: fast.count)
    }

    public static func write(_ text: String, to path: String) throws(RegistryError) {
        try FileIO.writeAtomically(Array(text.utf8), to: path, mode: 0o644)
    }
}
