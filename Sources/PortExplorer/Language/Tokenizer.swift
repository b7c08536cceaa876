/// Splits a line into commands and words, the way a shell user expects: `;` separates
/// commands, quotes group words, `#` at the start of a word begins a comment.
enum Tokenizer {
    /// The commands on one line, each as its words; comments and empty commands dropped.
    static func commands(in line: String) throws(CommandError) -> [[String]] {
        // Most lines are plain ASCII words: split those by bytes, without Character logic.
        if line.utf8.allSatisfy({
            $0 < 0x80 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "'") && $0 != UInt8(ascii: "\\")
                && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: "#")
        }) {
            let words = line.utf8.split(whereSeparator: { $0 == 0x20 || (0x09...0x0d).contains($0) }).map {
                String(Substring($0))
            }
            return words.isEmpty ? [] : [words]
        }
        var commands: [[String]] = []
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var escaped = false

        func endWord() {
            if inWord { words.append(word) }
            word = ""
            inWord = false
        }
        func endCommand() {
            endWord()
            if !words.isEmpty { commands.append(words) }
            words = []
        }

        scan: for ch in line {
            if escaped {
                word.append(ch)
                escaped = false
                continue
            }
            if let q = quote {
                if ch == q {
                    quote = nil
                } else if ch == "\\" && q == "\"" {
                    escaped = true
                } else {
                    word.append(ch)
                }
                continue
            }
            switch ch {
            case "\\":
                escaped = true
                inWord = true
            case "\"", "'":
                quote = ch
                inWord = true
            case ";":
                endCommand()
            case "#" where !inWord:
                break scan
            case _ where ch.isWhitespace:
                endWord()
            default:
                word.append(ch)
                inWord = true
            }
        }
        if let q = quote {
            throw CommandError(problem: "unterminated \(q == "\"" ? "double" : "single") quote")
        }
        if escaped { word.append("\\") }
        endCommand()
        return commands
    }
}
