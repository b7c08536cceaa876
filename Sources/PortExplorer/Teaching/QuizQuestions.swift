import PortRegistry

/// One quiz question with what it takes to judge a reply and say why: the choices shown, the
/// right one, and a reason written from the registry or the host it came from.
struct QuizQuestion: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        /// Which of IANA's three ranges a port is in.
        case range
        /// Which service the registry gives a port.
        case owner
        /// Which port the registry gives a service, typed as a number.
        case port
        /// Whether a registration is a ghost by the ghost rules.
        case ghost
        /// What listens on a port of this host.
        case listener
        /// This host's ephemeral range.
        case ephemeral
    }

    /// How it is answered: a letter (or the choice typed out), yes or no, or a port number.
    enum Style: String, Sendable {
        case letters, yesNo, number
    }

    let kind: Kind
    let style: Style
    let text: String
    /// The port it asks about, and the service name, when it names one.
    let port: UInt16?
    let name: String?
    /// The answer comes from this host (its listeners, its kernel), not from the registry.
    let aboutThisHost: Bool
    let choices: [QuizChoice]
    /// The right choice; nil for a number.
    let correct: Int?
    /// For a number: the ports or spans that are right.
    let ports: [PortRange]
    /// Replies also right though no choice shows them (another name on the same port).
    let alsoRight: Set<String>
    /// One sentence, from live data.
    let reason: String

    init(
        kind: Kind, style: Style, text: String, port: UInt16? = nil, name: String? = nil, aboutThisHost: Bool = false,
        choices: [QuizChoice] = [],
        correct: Int? = nil, ports: [PortRange] = [], alsoRight: Set<String> = [], reason: String
    ) {
        self.kind = kind
        self.style = style
        self.text = text
        self.port = port
        self.name = name
        self.aboutThisHost = aboutThisHost
        self.choices = choices
        self.correct = correct
        self.ports = ports
        self.alsoRight = alsoRight
        self.reason = reason
    }

    static let letters = ["a", "b", "c", "d", "e", "f"]

    /// How a choice is named in a reply and in the key: `b) python3`, or `yes`.
    func label(_ index: Int) -> String {
        style == .yesNo ? choices[index].text : "\(Self.letters[index])) \(choices[index].text)"
    }

    /// The right answer in words: `b) python3`, `no`, `2991`.
    var answer: String {
        if let correct { return label(correct) }
        return ports.map(\.description).joined(separator: " or ")
    }

    /// What to type, said when a reply is not an answer.
    var howToAnswer: String {
        switch style {
        case .letters:
            let shown = Self.letters.prefix(choices.count)
            return "answer \(shown.dropLast().joined(separator: ", ")) or \(shown.last ?? "a"), or type the choice"
        case .yesNo: return "answer yes or no"
        case .number: return "answer with a port number, e.g. 2991"
        }
    }

    /// Judges a reply, forgiving case, punctuation and the usual ways of writing a choice;
    /// nil when the reply answers nothing this question asks.
    func judge(_ reply: String) -> QuizReply? {
        let said = QuizWords.canonical(reply)
        guard !said.isEmpty else { return nil }
        if style == .letters, said.count == 1, let index = Self.letters.prefix(choices.count).firstIndex(of: said) {
            return QuizReply(given: reply, right: index == correct, choice: index)
        }
        if let index = choices.firstIndex(where: { $0.forms.contains(said) }) {
            return QuizReply(given: reply, right: index == correct, choice: index)
        }
        if alsoRight.contains(said) { return QuizReply(given: reply, right: true, choice: nil) }
        if style == .number, let port = UInt16(said) {
            return QuizReply(given: reply, right: ports.contains { $0.lower <= port && port <= $0.upper }, choice: nil)
        }
        return nil
    }
}

/// A choice as shown, and the replies that pick it besides its letter (in canonical form).
struct QuizChoice: Sendable, Equatable {
    let text: String
    let forms: Set<String>

    init(_ text: String, forms: Set<String> = []) {
        self.text = text
        self.forms = Set(forms.map(QuizWords.canonical)).union([QuizWords.canonical(text)])
    }

    static let yes = QuizChoice("yes", forms: ["y", "yes", "yeah", "yep", "true", "ghost", "a ghost", "it's a ghost"])
    static let no = QuizChoice("no", forms: ["n", "no", "nope", "false", "not a ghost", "not"])
}

/// A reply judged.
struct QuizReply: Sendable, Equatable {
    /// What was typed (trimmed).
    let given: String
    let right: Bool
    /// The choice it picked, when it picked one.
    let choice: Int?
    /// False when it answered nothing the question asked (from a pipe, where there is no
    /// asking again, such a reply counts as wrong).
    var understood = true
}

/// The forms a student types, brought to one: `B)`, `(b)` and `b.` are `b`; `2991/tcp` and
/// `port 2991` are `2991`; `32768 to 60999` and `32768–60999` are `32768-60999`; `The User
/// range` is `user`.
enum QuizWords {
    private static let filler: Set<String> = ["the", "a", "an", "port", "ports", "range", "it", "is", "its", "process"]
    private static let transports = Set(Transport.allCases.map(\.rawValue))

    static func canonical(_ reply: String) -> String {
        var text = reply.lowercased().replacing("–", with: "-").replacing("—", with: "-").replacing("..", with: "-")
        let edges: Set<Character> = ["(", ")", "[", "]", ".", "!", "?", ",", ";", ":", "\"", "'", "`"]
        text = String(text.drop(while: { edges.contains($0) || $0.isWhitespace }))
        while let last = text.last, edges.contains(last) || last.isWhitespace { text.removeLast() }
        let words = text.split(whereSeparator: { $0.isWhitespace || $0 == "/" }).map(String.init)
        // `a` alone is a letter; beside other words it is a filler.
        let kept = words.count == 1 ? words : words.filter { !filler.contains($0) }
        // A number with only a transport or `to` beside it: a port, or a span of two.
        let numbers = kept.flatMap { $0.split(separator: "-").map(String.init) }.filter { !$0.isEmpty }
        let others = numbers.filter { !$0.allSatisfy(\.isNumber) && !transports.contains($0) && $0 != "to" }
        let digits = numbers.compactMap { $0.allSatisfy(\.isNumber) ? Int($0) : nil }
        if others.isEmpty, digits.count == 1 { return "\(digits[0])" }
        if others.isEmpty, digits.count == 2 { return "\(digits[0])-\(digits[1])" }
        return kept.joined(separator: " ")
    }
}
