extension Array where Element == String {
    /// The standard library's `joined(separator:)` is generic over the collection, and its
    /// first call in a process looks the collection's associated types up by name, a cost
    /// every one-shot run would pay (`scripts/bench lookup`). This concrete one, which every
    /// `[String]` in this module uses, does the same work without that.
    func joined(separator: String = "") -> String {
        guard let first else { return "" }
        var out = first
        for index in 1..<count {
            out += separator
            out += self[index]
        }
        return out
    }
}
