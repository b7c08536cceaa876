// Builds Sources/CSnapshot/snapshot.c from an IANA registry (XML or CSV), through the same
// validation and fast-form encoding `update` uses. Run via scripts/make-snapshot.
import PortRegistry
import PortSystem

/// Writes to standard error; if even that fails there is no one left to tell.
func complain(_ s: String) {
    try? writeAll(s, to: 2)
}

let args = CommandLine.arguments
guard args.count == 2 || args.count == 3 else {
    complain("usage: make-snapshot SOURCE [OUTPUT]   (SOURCE: IANA service-names-port-numbers .xml or .csv)\n")
    exit(2)
}
let source = args[1]
let output = args.count == 3 ? args[2] : "Sources/CSnapshot/snapshot.c"
do {
    let snapshot = try SnapshotBuilder.build(sourcePath: source)
    try SnapshotBuilder.write(snapshot.cSource, to: output)
    print(
        "\(output): \(snapshot.recordCount) records, \(snapshot.peopleCount) people, updated \(snapshot.updated.map(String.init(describing:)) ?? "?"), \(snapshot.fastFormSize) bytes of fast form, \(snapshot.cSource.utf8.count) bytes of C"
    )
} catch {
    complain("make-snapshot: \(error)\n")
    exit(1)
}
