/// A small seeded random number generator (Steele, Lea and Flood's SplitMix64), written out
/// here so that a seed gives the same numbers on every machine and with every Swift: a class
/// that types `quiz --seed 7` must get the same questions. The standard library's shuffles and
/// random ranges are not promised to stay the same across releases, so choices go through
/// `below(_:)` and `shuffle(_:)` here rather than `shuffled(using:)`.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A stream of its own for one part of a seeded whole (question `index` of a quiz), so that
    /// what one part draws never shifts the numbers of another.
    init(seed: UInt64, stream index: Int) {
        var mixer = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03))
        state = mixer.next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (`bound` > 0), by the high half of a 128-bit product: fixed
    /// arithmetic, and biased by less than bound/2^64.
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "below(_:) needs a positive bound")
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// One element of `items`, or nil when there are none.
    mutating func pick<T>(_ items: [T]) -> T? {
        items.isEmpty ? nil : items[below(items.count)]
    }

    /// `items` in an order drawn from this stream (Fisher–Yates).
    mutating func shuffle<T>(_ items: [T]) -> [T] {
        var out = items
        var i = out.count - 1
        while i > 0 {
            out.swapAt(i, below(i + 1))
            i -= 1
        }
        return out
    }
}
