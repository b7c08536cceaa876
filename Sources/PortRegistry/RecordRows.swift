/// A table row of records that differ only in transport, as indices: `first` is the first
/// such record, `transports` theirs in order of appearance.
public struct MergedRow: Sendable, Equatable {
    public let first: Int
    /// Transport codes, three bits each from the lowest, in order: no array per row.
    private var codes: UInt32 = 0

    init(first: Int, transport: Transport?) {
        self.first = first
        if let transport { add(transport) }
    }

    public var transports: [Transport] {
        var out: [Transport] = []
        var c = codes
        while c != 0 {
            if let t = FastForm.transports[Int(c & 7)] { out.append(t) }
            c >>= 3
        }
        return out
    }

    /// Each of `transports` in turn, without making the array.
    public func forEachTransport(_ body: (Transport) -> Void) {
        var c = codes
        while c != 0 {
            if let t = FastForm.transports[Int(c & 7)] { body(t) }
            c >>= 3
        }
    }

    /// Adds a transport not seen yet.
    mutating func add(_ transport: Transport) {
        let code = UInt32(FastForm.transportCode(transport))
        var c = codes
        var shift: UInt32 = 0
        while c != 0 {
            if c & 7 == code { return }
            c >>= 3
            shift += 3
        }
        codes |= code << shift
    }
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
        var rows: [MergedRow] = []
        var keys: [SIMD8<UInt64>] = []
        // An open-addressed table of row numbers (-1: empty) with a multiplicative hash:
        // Hasher's SipHash over six words per record was most of a broad lookup.
        var capacity = 16
        while capacity < 2 * indices.count { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        var decodedRows: [ServiceRecord: Int] = [:]
        for index in indices {
            guard let raw = store.rawRecord(index), let key = store.recordWordsWithoutTransport(index) else {
                // Unreachable for a verified file: compare the decoded record instead.
                var record = decode(index)
                let transport = record.transport
                record.transport = nil
                if let at = decodedRows[record] {
                    if let transport { rows[at].add(transport) }
                } else {
                    decodedRows[record] = rows.count
                    rows.append(MergedRow(first: index, transport: transport))
                    keys.append(SIMD8(repeating: .max))
                }
                continue
            }
            var h: UInt64 = 0
            for k in 0..<6 { h = (h ^ key[k]) &* 0x9E37_79B9_7F4A_7C15 }
            var slot = Int(truncatingIfNeeded: h >> 32) & (capacity - 1)
            while slots[slot] >= 0, keys[Int(slots[slot])] != key { slot = (slot + 1) & (capacity - 1) }
            if slots[slot] >= 0 {
                let at = Int(slots[slot])
                if let t = raw.transport { rows[at].add(t) }
            } else {
                slots[slot] = Int32(rows.count)
                rows.append(MergedRow(first: index, transport: raw.transport))
                keys.append(key)
            }
        }
        return rows
    }

    /// Whether an all-ASCII text, lowercased, contains `needle` (lowercase ASCII bytes); nil
    /// when the text is not all ASCII.
    static func asciiContains(_ bytes: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool? {
        let n = bytes.count
        var i = 0
        while i + 8 <= n {
            if bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return nil }
            i += 8
        }
        while i < n {
            if bytes[i] >= 0x80 { return nil }
            i += 1
        }
        let m = needle.count
        if m == 0 { return true }
        guard m <= n else { return false }
        return needle.withUnsafeBufferPointer { needle in
            for start in 0...(n - m) {
                var k = 0
                while k < m {
                    let byte = bytes[start + k]
                    guard (byte >= 65 && byte <= 90 ? byte | 0x20 : byte) == needle[k] else { break }
                    k += 1
                }
                if k == m { return true }
            }
            return false
        }
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
