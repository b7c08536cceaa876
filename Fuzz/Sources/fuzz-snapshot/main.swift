import FuzzSupport

// Snapshot files, which anyone can hand to `diff`: the bytes go to the strict JSON reader,
// then to the snapshot decoder, then through `diff` against themselves and against half of
// themselves, with every sentence and JSON object rendered. Invariants: whatever parses
// re-encodes to JSON that parses to the same value; a decoded snapshot written again decodes
// to the same snapshot; a snapshot compared with itself has no changes; the sentences show
// the file's text through `Visible` (no raw control or format character reaches them); the
// direct reader (`decodeDirect`) gives the decoder's snapshot or nil, and nil whenever the
// decoder refuses the bytes.
@testable import PortExplorer

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let direct = TerritorySnapshot.decodeDirect(bytes)
    let decoded = try? TerritorySnapshot.decode(bytes)
    check(
        direct == nil || direct == decoded,
        "the direct reader \(decoded == nil ? "accepts what the decoder refuses" : "reads another snapshot")")
    guard let value = try? JSONReader.parse(bytes) else {
        // Still through the decoder: its error must be a message, not a crash.
        if case .failure(let error) = Result(catching: { () throws(TerritorySnapshot.ReadError) in
            try TerritorySnapshot.decode(bytes)
        }) {
            _ = error.message
        }
        return 0
    }
    let again = try? JSONReader.parse(Array(value.encoded.utf8))
    check(again == value, "re-encoded JSON reads back differently: \(value.encoded.prefix(200))")

    let snapshot: TerritorySnapshot
    do throws(TerritorySnapshot.ReadError) {
        snapshot = try TerritorySnapshot.decode(bytes)
    } catch {
        _ = error.message
        return 0
    }
    let rewritten = try? TerritorySnapshot.decode(snapshot.bytes)
    check(rewritten == snapshot, "a decoded snapshot written again reads back differently")

    let itself = TerritoryDiff(old: snapshot.listeners, new: snapshot.listeners)
    check(itself.changes.isEmpty, "a snapshot compared with itself has \(itself.changes.count) changes")
    check(itself.unchanged == snapshot.listeners.count, "a snapshot compared with itself lost listeners")

    var half = snapshot
    half.listeners = Array(snapshot.listeners.enumerated().filter { $0.offset.isMultiple(of: 2) }.map(\.element))
    if let first = half.listeners.first {
        var moved = first
        moved.verdict += "?"
        half.listeners.append(moved)
    }
    for (old, new) in [(snapshot, half), (half, snapshot)] {
        let result = DiffResult(
            old: Diff.Side(snapshot: old, label: "baseline 'a'", location: .saved("a")),
            new: Diff.Side(snapshot: new, label: "this host now", location: nil),
            diff: TerritoryDiff(old: old.listeners, new: new.listeners))
        for width in [20, 80] {
            let text = result.text(TextContext(width: width))
            check(
                !text.unicodeScalars.contains { $0 != "\n" && Visible.isHidden($0) },
                "diff text holds a raw control or format character: \(text.debugDescription.prefix(300))")
        }
        let json = JSON.object(result.json).line
        check(json.filter { $0 == "\n" }.count == 1, "diff JSON is not one line")
    }
    return 0
}

runFuzzer { data, size in fuzz(data ?? emptyInput, size) }
