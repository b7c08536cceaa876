/// A table row of records that differ only in transport, as indices: `first` is the first
/// such record, `transports` theirs in order of appearance.
public struct MergedRow: Sendable, Equatable {
    public let first: Int
    public var transports: [Transport]
}

extension Registry {
    /// The record at `index` (registry order); an unreadable one says so in its description.
    public func record(at index: Int) -> ServiceRecord { decode(index) }

    /// Indices (registry order) of records whose span overlaps `range`, keeping those on
    /// `transport` and those without one (all when `transport` is nil).
    public func recordIndices(in range: PortRange, transport: Transport?) -> [Int] {
        let all = indices(in: range)
        guard let transport else { return all }
        return all.filter { index in
            guard let raw = store.rawRecord(index) else { return true }
            return raw.transport == nil || raw.transport == transport
        }
    }

    /// Indices (registry order) of named records whose name or description contains
    /// `keyword`, case-insensitively.
    public func searchIndices(_ keyword: String) -> [Int] {
        let wanted = keyword.lowercased()
        // An ASCII keyword without line breaks matches an ASCII text exactly where its bytes
        // do, so most texts are searched in place, without making a String.
        let needle = Array(wanted.utf8)
        let bytewise = !needle.isEmpty && needle.allSatisfy { $0 < 0x80 && $0 != 10 && $0 != 13 }
        func matches(_ id: UInt32) -> Bool {
            if id == FastForm.none { return false }
            guard let bytes = try? store.stringBytes(id) else { return false }
            if bytewise, let found = Self.asciiContains(bytes, needle) { return found }
            return String(decoding: bytes, as: UTF8.self).lowercased().contains(wanted)
        }
        var out: [Int] = []
        for i in 0..<store.recordCount {
            let base = store.records.offset + i * FastForm.recordSize
            guard let name = store.u32(base), let description = store.u32(base + 12) else { continue }
            // A record without a description field matches on an empty one, as decoding gives.
            if matches(name) || (description == FastForm.none ? wanted.isEmpty : matches(description)) {
                out.append(i)
            }
        }
        return out
    }

    /// Groups records that are equal but for their transport, in order of first appearance.
    /// Strings and lists are interned in the fast form, so equal records have equal fields
    /// byte for byte, and the comparison reads no string.
    public func mergedRows(_ indices: [Int]) -> [MergedRow] {
        struct Key: Hashable {
            let words: SIMD8<UInt64>
        }
        var rows: [MergedRow] = []
        var seen: [Key: Int] = [:]
        seen.reserveCapacity(indices.count)
        var decodedRows: [ServiceRecord: Int] = [:]
        for index in indices {
            guard let raw = store.rawRecord(index), let key = store.recordWordsWithoutTransport(index) else {
                // Unreachable for a verified file: compare the decoded record instead.
                var record = decode(index)
                let transport = record.transport
                record.transport = nil
                if let at = decodedRows[record] {
                    if let transport, !rows[at].transports.contains(transport) { rows[at].transports.append(transport) }
                } else {
                    decodedRows[record] = rows.count
                    rows.append(MergedRow(first: index, transports: transport.map { [$0] } ?? []))
                }
                continue
            }
            if let at = seen[Key(words: key)] {
                if let t = raw.transport, !rows[at].transports.contains(t) { rows[at].transports.append(t) }
            } else {
                seen[Key(words: key)] = rows.count
                rows.append(MergedRow(first: index, transports: raw.transport.map { [$0] } ?? []))
            }
        }
        return rows
    }

    /// Whether an all-ASCII text, lowercased, contains `needle` (lowercase ASCII bytes); nil
    /// when the text is not all ASCII.
    static func asciiContains(_ bytes: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool? {
        var found = needle.isEmpty
        var i = 0
        while i < bytes.count {
            guard bytes[i] < 0x80 else { return nil }
            if !found, i + needle.count <= bytes.count {
                var k = 0
                while k < needle.count {
                    let byte = bytes[i + k]
                    guard (byte >= 65 && byte <= 90 ? byte | 0x20 : byte) == needle[k] else { break }
                    k += 1
                }
                found = k == needle.count
            }
            i += 1
        }
        return found
    }
}

extension FastStore {
    /// Record `index`'s 48 bytes as words, its transport byte zeroed; nil when out of bounds.
    func recordWordsWithoutTransport(_ index: Int) -> SIMD8<UInt64>? {
        guard index >= 0, index < recordCount else { return nil }
        let base = records.offset + index * FastForm.recordSize
        guard base + FastForm.recordSize <= raw.count else { return nil }
        var words = SIMD8<UInt64>()
        for k in 0..<6 { words[k] = raw.loadUnaligned(fromByteOffset: base + 8 * k, as: UInt64.self) }
        words[1] &= ~(UInt64(0xFF) << 8)
        return words
    }
}
