/// A growable run of bytes written through a pointer: appending a short literal to an Array
/// goes through its uniqueness and capacity checks each time, and a record is ~40 appends.
/// Freed by its owner (`free`), never copied.
struct ByteBuffer {
    private var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    func free() { base.deallocate() }

    @inline(__always) private mutating func reserve(_ more: Int) {
        guard count + more > capacity else { return }
        var grown = capacity * 2
        while grown < count + more { grown *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = grown
    }

    @inline(__always) mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always) mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).update(from: from, count: bytes.count)
        count += bytes.count
    }

    @inline(__always) mutating func append(_ literal: StaticString) {
        let n = literal.utf8CodeUnitCount
        reserve(n)
        (base + count).update(from: literal.utf8Start, count: n)
        count += n
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// `String(value)`'s digits.
    mutating func appendDecimal(_ value: UInt16) {
        reserve(5)
        let digits = value < 10 ? 1 : value < 100 ? 2 : value < 1000 ? 3 : value < 10000 ? 4 : 5
        var rest = Int(value)
        var at = count + digits
        repeat {
            at -= 1
            base[at] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        } while rest > 0
        count += digits
    }

    /// Two digits, with a leading zero: 0 to 99.
    mutating func appendTwoDigits(_ value: Int) {
        reserve(2)
        base[count] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / 10)
        base[count + 1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
        count += 2
    }

    /// What was written from `start` on, valid until the next append.
    func written(from start: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + start, count: count - start)
    }

    /// Everything written, appended to `out`, and the buffer emptied.
    mutating func moveAll(to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
        count = 0
    }

    /// `count` spaces.
    @inline(__always) mutating func appendSpaces(_ count: Int) {
        guard count > 0 else { return }
        reserve(count)
        (base + self.count).update(repeating: UInt8(ascii: " "), count: count)
        self.count += count
    }

    /// Drops what was written from `start` on.
    mutating func truncate(to start: Int) { count = Swift.min(count, Swift.max(0, start)) }

    /// Drops trailing spaces written from `start` on.
    mutating func dropTrailingSpaces(downTo start: Int) {
        while count > start, base[count - 1] == UInt8(ascii: " ") { count -= 1 }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether these bytes, as text, start with the lowercase `prefix` in any case, as
    /// `String(decoding:).lowercased().hasPrefix(prefix)` says; read as bytes when ASCII.
    func startsCaseless(with prefix: StaticString) -> Bool {
        guard allSatisfy({ $0 < 0x80 }) else {
            return String(decoding: self, as: UTF8.self).lowercased().hasPrefix(prefix.description)
        }
        return prefix.withUTF8Buffer { want in
            guard count >= want.count else { return false }
            for k in 0..<want.count {
                let byte = self[k]
                if (byte >= 65 && byte <= 90 ? byte | 0x20 : byte) != want[k] { return false }
            }
            return true
        }
    }
}
