import PortRegistry

/// What Tab offers for the word under the cursor.
public struct Completion: Equatable, Sendable {
    /// Byte offset (UTF-8) in the line where the word being completed starts.
    let wordStart: Int
    /// The word typed so far.
    public let prefix: String
    /// Full words that start with the prefix, sorted.
    public let candidates: [String]

    /// The longest text every candidate starts with.
    public var commonPrefix: String {
        guard var common = candidates.first else { return prefix }
        for candidate in candidates.dropFirst() {
            while !candidate.hasPrefix(common) { common.removeLast() }
        }
        return common
    }
}

extension Explorer {
    /// Candidates for the last word of `line` (the text before the cursor), from the
    /// command declarations: command names first, then each command's options, words,
    /// service names and explain topics.
    public func complete(_ line: String) -> Completion {
        // Only the current command (after the last ';') matters.
        let current = line.split(separator: ";", omittingEmptySubsequences: false).last.map(String.init) ?? line
        let endsWithSpace = current.last.map(\.isWhitespace) ?? true
        var words = current.split(whereSeparator: \.isWhitespace).map(String.init)
        let prefix = endsWithSpace ? "" : (words.popLast() ?? "")
        let wordStart = line.utf8.count - prefix.utf8.count

        var pool: [String] = []
        if words.isEmpty {
            pool = commands.map(\.name)
        } else if let spec = command(named: words[0]) {
            let previous = Array(words.dropFirst())
            let lastTakesValue = previous.last.flatMap { last in spec.options.first { $0.name == last }?.value } != nil
            if prefix.hasPrefix("-") {
                pool = spec.options.map(\.name)
            } else if !lastTakesValue {
                let positionals = previous.filter { !$0.hasPrefix("-") }
                for source in spec.completion(positionals) {
                    pool += candidates(from: source, prefix: prefix)
                }
            }
        }
        let lowered = prefix.lowercased()
        let matches = Array(Set(pool.filter { $0.lowercased().hasPrefix(lowered) })).sorted()
        return Completion(wordStart: wordStart, prefix: prefix, candidates: matches)
    }

    private func candidates(from source: CompletionSource, prefix: String) -> [String] {
        switch source {
        case .words(let words): return words
        case .commandNames: return commands.map(\.name)
        case .explainTopics: return ExplainTopics.names
        case .serviceNames:
            guard !prefix.isEmpty, let registry = try? registry().registry else { return [] }
            // A name a registry file gave control or invisible characters is never offered:
            // a candidate list is printed raw by the line editor, and no one could type it.
            let names = registry.serviceNames(withPrefix: prefix.drop { $0 == "~" }.lowercased()).filter {
                Visible.text($0) == $0
            }
            return prefix.hasPrefix("~") ? names.map { "~" + $0 } : names
        }
    }
}
