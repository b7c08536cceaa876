/// Why a command did not do what was asked, in words a user can act on.
///
/// Every message has one shape, assembled in `message` and nowhere else:
/// `command: problem; did you mean 'word'? (hint)` — and, when nothing is near enough to
/// suggest, `command: problem; otherwise (hint)`. Whatever the user typed is echoed back at
/// most `echoLimit` characters long, so a pasted megabyte cannot flood the terminal.
public struct CommandError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The words typed do not make a valid command.
        case usage
        /// The command was sound but its answer cannot be had (no registry, no socket table…).
        case unavailable
        /// The user pressed Ctrl-C while the command ran.
        case interrupted
    }

    var kind: Kind
    /// The command whose words were wrong, said first; nil for errors about the whole line.
    public var command: String?
    var problem: String
    /// The known word nearest to what was typed.
    var suggestion: String?
    /// What to try instead when there is no suggestion.
    var otherwise: String?
    /// A pointer said last, in parentheses, e.g. "type 'help' for the list".
    var hint: String?

    public init(
        _ command: String? = nil, problem: String, kind: Kind = .usage, suggestion: String? = nil,
        otherwise: String? = nil, hint: String? = nil
    ) {
        self.kind = kind
        self.command = command
        self.problem = problem
        self.suggestion = suggestion
        self.otherwise = otherwise
        self.hint = hint
    }

    /// A usage error of one command.
    public init(_ command: String, _ problem: String) {
        self.init(command, problem: problem)
    }

    /// A word that names nothing known: suggests the nearest of `candidates`, if one is near.
    static func unknown(
        _ command: String?, _ problem: String, word: String, candidates: some Sequence<String>, maxDistance: Int? = nil,
        otherwise: String? = nil, hint: String? = nil
    ) -> CommandError {
        CommandError(
            command, problem: problem,
            suggestion: Suggest.nearest(to: word.lowercased(), in: candidates, maxDistance: maxDistance),
            otherwise: otherwise, hint: hint
        )
    }

    public static let interrupted = CommandError(problem: "interrupted", kind: .interrupted)

    /// The whole message, as every renderer shows it.
    var message: String {
        var text = command.map { "\($0): \(problem)" } ?? problem
        if let suggestion {
            text += "; did you mean '\(suggestion)'?"
        } else if let otherwise {
            text += "; " + otherwise
        }
        if let hint { text += " (\(hint))" }
        return Self.clippingTokens(text)
    }

    /// The most characters of one token (a word, or a quoted span) an error message repeats.
    static let echoLimit = 80

    /// `text` with every token longer than `echoLimit` cut to that length and marked `…`.
    ///
    /// Messages quote what was typed as `'token'` (which may hold spaces) or name it bare
    /// (`port 99999…`). A quoted span opens at a word's start and closes at a quote that ends a
    /// word, so an apostrophe inside a word (porthole's) neither opens nor closes one; every
    /// other run without whitespace is a bare token.
    public static func clippingTokens(_ text: String) -> String {
        let characters = Array(text)
        guard characters.count > echoLimit else { return text }
        func clipped(_ token: ArraySlice<Character>) -> String {
            token.count > echoLimit ? String(token.prefix(echoLimit)) + "…" : String(token)
        }
        // The nearest quote at or after each index that ends a word, found in one pass.
        var nextClose = [Int?](repeating: nil, count: characters.count + 1)
        for index in characters.indices.reversed() {
            let closes =
                characters[index] == "'"
                && (index + 1 == characters.count || characters[index + 1].isWhitespace
                    || ";,.?:!)".contains(characters[index + 1]))
            nextClose[index] = closes ? index : nextClose[index + 1]
        }
        var result = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace || character == "(" {
                result.append(character)
                index += 1
                continue
            }
            if character == "'", index == 0 || characters[index - 1].isWhitespace || characters[index - 1] == "(",
                let close = nextClose[index + 1]
            {
                result += "'" + clipped(characters[(index + 1)..<close]) + "'"
                index = close + 1
                continue
            }
            var end = index
            while end < characters.count, !characters[end].isWhitespace, characters[end] != "(" { end += 1 }
            result += clipped(characters[index..<end])
            index = end
        }
        return result
    }

    public var description: String { message }

    static func unknownCommand(_ word: String, candidates: [String]) -> CommandError {
        .unknown(
            nil, "unknown command '\(word)'", word: word, candidates: candidates, hint: "type 'help' for the list")
    }
}

/// Nearest-word suggestions for typos in commands, options, names and topics.
public enum Suggest {
    /// The closest candidate within a small edit distance, or nil when nothing is close.
    public static func nearest(to word: String, in candidates: some Sequence<String>, maxDistance: Int? = nil)
        -> String?
    {
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
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
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
