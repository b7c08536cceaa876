/// Why a registry (or a services file, or an update) could not be read.
///
/// Every reader is a pure function from bytes to records that either returns everything or
/// throws one of these, naming the file, where in it (line, element or byte offset) and what
/// is wrong. Nothing is ever half-loaded.
public struct RegistryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The path, URL or label of the input (e.g. `embedded snapshot`).
    public let file: String
    /// Where in the input: `line 12`, `record 3`, `offset 96`; nil when it is the whole input.
    public let location: String?
    /// What is wrong, in words meant for the user.
    public let problem: String

    public init(file: String, location: String? = nil, problem: String) {
        self.file = file
        self.location = location
        self.problem = problem
    }

    public var description: String {
        if let location { return "\(file): \(location): \(problem)" }
        return "\(file): \(problem)"
    }
}
