/// Why a command did not do what was asked, in words a user can act on.
public struct CommandError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    static func unknownCommand(_ word: String, candidates: [String]) -> CommandError {
        let shown = word.count > 40 ? String(word.prefix(40)) + "…" : word
        if let near = Suggest.nearest(to: word.lowercased(), in: candidates) {
            return CommandError("unknown command '\(shown)'; did you mean '\(near)'? (type 'help' for the list)")
        }
        return CommandError("unknown command '\(shown)' (type 'help' for the list)")
    }
}

/// Nearest-word suggestions for typos in commands, options, names and topics.
public enum Suggest {
    /// The closest candidate within a small edit distance, or nil when nothing is close.
    public static func nearest(to word: String, in candidates: some Sequence<String>, maxDistance: Int? = nil) -> String? {
        let limit = maxDistance ?? max(1, min(3, word.count / 3 + 1))
        var best: (String, Int)?
        for candidate in candidates {
            if abs(candidate.count - word.count) > limit { continue }
            let d = distance(word, candidate)
            if d <= limit, best == nil || d < best!.1 || (d == best!.1 && candidate < best!.0) {
                best = (candidate, d)
            }
        }
        return best?.0
    }

    /// Damerau–Levenshtein (optimal string alignment) distance: a swap of two letters is one edit.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev2 = [Int](repeating: 0, count: b.count + 1)
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    cur[j] = min(cur[j], prev2[j - 2] + 1)
                }
            }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[b.count]
    }
}
