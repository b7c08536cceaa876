/// The formats a registry can be read from.
public enum RegistryFormat: String, Sendable, Hashable, CaseIterable {
    /// IANA's `service-names-port-numbers.xml`.
    case ianaXML = "xml"
    /// IANA's `service-names-port-numbers.csv`.
    case ianaCSV = "csv"
    /// porthole's compact binary form (see `FastForm`).
    case fastForm = "fast"

    /// Sniffs the format from the first bytes: fast-form magic, `<` after optional BOM and
    /// whitespace (XML), otherwise CSV.
    public static func detect(_ bytes: some Collection<UInt8>) -> RegistryFormat {
        if bytes.starts(with: FastForm.magic) { return .fastForm }
        var it = bytes.makeIterator()
        var first = true
        var skipBOM = 0
        while let b = it.next() {
            if first && b == 0xEF {
                skipBOM = 2
                first = false
                continue
            }
            first = false
            if skipBOM > 0 {
                skipBOM -= 1
                continue
            }
            if b == 32 || b == 9 || b == 10 || b == 13 { continue }
            return b == 60 ? .ianaXML : .ianaCSV
        }
        return .ianaCSV
    }
}

/// A whole registry as read from a source file, before it is encoded in the fast form.
public struct RegistryDocument: Sendable, Hashable {
    public var records: [ServiceRecord]
    public var people: [Person]
    /// The date the file declares (the XML's top `<updated>`), if any.
    public var declaredUpdated: Day?
    public var format: RegistryFormat

    public init(records: [ServiceRecord], people: [Person], declaredUpdated: Day?, format: RegistryFormat) {
        self.records = records
        self.people = people
        self.declaredUpdated = declaredUpdated
        self.format = format
    }

    /// The newest registration or modification date in the records.
    public var newestRecordDate: Day? {
        var best: Day?
        for r in records {
            for d in [r.registered, r.modified] {
                if let d, best.map({ d > $0 }) ?? true { best = d }
            }
        }
        return best
    }

    /// The declared date, or the newest record date when the file declares none (CSV).
    public var updated: Day? { declaredUpdated ?? newestRecordDate }

    /// Reads IANA XML, IANA CSV or the fast form, detected from the bytes.
    public static func read(_ bytes: [UInt8], file: String) throws(RegistryError) -> RegistryDocument {
        switch RegistryFormat.detect(bytes) {
        case .ianaXML: return try IANAXMLReader.read(bytes, file: file)
        case .ianaCSV: return try IANACSVReader.read(bytes, file: file)
        case .fastForm:
            let store = try FastStore(bytes: bytes, file: file, verifyChecksum: true)
            let registry = Registry(
                store: store, source: RegistrySource(kind: .file, path: file, updated: store.updated))
            return RegistryDocument(
                records: registry.allRecords(), people: registry.allPeople(),
                declaredUpdated: store.updated, format: .fastForm)
        }
    }
}

/// Port-number text shared by the readers and `lookup`'s queries: `80` or `225-241`.
public enum PortText {
    struct Problem: Error { let message: String }

    static func parse(_ text: some StringProtocol) -> Result<PortRange, Problem> {
        let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard let lo = single(parts[0]) else { return .failure(Problem(message: problem(text, parts[0]))) }
        if parts.count == 1 { return .success(PortRange(lo)) }
        guard let hi = single(parts[1]) else { return .failure(Problem(message: problem(text, parts[1]))) }
        guard lo <= hi else { return .failure(Problem(message: "\"\(text)\" is a backwards port range")) }
        return .success(PortRange(lo, hi))
    }

    private static func problem(_ text: some StringProtocol, _ part: some StringProtocol) -> String {
        if !part.isEmpty && part.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            return "\"\(text)\" is out of the port range 0-65535"
        }
        return "\"\(text)\" is not a port number"
    }

    /// Decimal digits only, no sign, no overflow trap.
    static func single(_ s: some StringProtocol) -> UInt16? {
        single(s.utf8)
    }

    /// The same for a String, concrete so that callers in other modules pay no generic call.
    public static func single(_ text: String) -> UInt16? {
        single(text.utf8)
    }

    static func single(_ digits: some Collection<UInt8>) -> UInt16? {
        guard !digits.isEmpty, digits.count <= 5 else { return nil }
        var v = 0
        for b in digits {
            guard b >= 48 && b <= 57 else { return nil }
            v = v * 10 + Int(b - 48)
        }
        return v <= 65535 ? UInt16(v) : nil
    }
}

extension StringProtocol {
    /// Leading and trailing ASCII whitespace removed.
    func trimmedASCII() -> String {
        let u = Array(utf8)
        var lo = 0
        var hi = u.count
        while lo < hi && (u[lo] == 32 || u[lo] == 9 || u[lo] == 10 || u[lo] == 13) { lo += 1 }
        while hi > lo && (u[hi - 1] == 32 || u[hi - 1] == 9 || u[hi - 1] == 10 || u[hi - 1] == 13) { hi -= 1 }
        if lo == 0 && hi == u.count { return String(self) }
        return String(decoding: u[lo..<hi], as: UTF8.self)
    }
}
