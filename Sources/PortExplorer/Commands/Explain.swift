enum ExplainTopics {
    static let names: [String] = []
}
