/// Reads IANA's `service-names-port-numbers.xml`.
///
/// Mapping to `ServiceRecord`, chosen to agree with IANA's own CSV rendering:
/// - `<name>`, `<protocol>`, `<number>` (`80` or `225-241`), `<description>`, `<note>`,
///   `<unauthorized>`, `<sc>` (service code); attributes `date` → registered, `updated` → modified.
/// - Person xrefs inside `<assignee>` / `<contact>` fill those lists; person xrefs directly in
///   the record fill whichever of the two has no block (as IANA's CSV does).
/// - Other xrefs become references: `rfc`, `draft`, `uri`, `text`, `note` (a footnote anchor),
///   `registry`, anything else `other`.
/// - Inside text, `<br/>` and `<paragraph>` break lines and an xref reads `[RFC9900]` or `[Person_Id]`.
/// - Unknown elements in a record are skipped, so a new IANA field does not break `update`;
///   an unknown `<protocol>` is an error, since a record must not silently lose its transport.
public enum IANAXMLReader {
    public static func read(_ bytes: [UInt8], file: String) throws(RegistryError) -> RegistryDocument {
        do {
            return try bytes.withUnsafeBufferPointer { (buf) throws(RegistryError) in
                let scanner = XMLScanner(bytes: buf, file: file)
                try scanner.checkCharacters()
                var parser = Parser(scanner: scanner)
                return try parser.document()
            }
        }
    }

    private struct Parser {
        var scanner: XMLScanner
        var records: [ServiceRecord] = []
        var people: [Person] = []
        var updated: Day?

        init(scanner: XMLScanner) {
            self.scanner = scanner
            records.reserveCapacity(16_384)
        }

        mutating func document() throws(RegistryError) -> RegistryDocument {
            // Prolog: only whitespace text before the root.
            while true {
                let t = try scanner.next()
                switch t {
                case .text(let s) where isBlank(s): continue
                case .text:
                    throw scanner.error("not XML: text before the root element")
                case .eof:
                    throw scanner.error("empty document: no root element")
                case .end(let n):
                    throw scanner.error("unexpected </\(n)> before the root element")
                case .start(let name, _, let selfClosing):
                    guard name == "registry" || name.hasSuffix(":registry") else {
                        if name.lowercased() == "html" {
                            throw scanner.error("not a registry: looks like HTML")
                        }
                        throw scanner.error("root element is <\(name)>, expected <registry>")
                    }
                    if !selfClosing { try registry(top: true) }
                    if records.isEmpty && people.isEmpty && updated == nil {
                        throw scanner.error("<registry> holds no records")
                    }
                    // Epilog.
                    while true {
                        switch try scanner.next() {
                        case .eof:
                            return RegistryDocument(
                                records: records, people: people, declaredUpdated: updated, format: .ianaXML)
                        case .text(let s) where isBlank(s): continue
                        default: throw scanner.error("content after the root element")
                        }
                    }
                }
            }
        }

        func isBlank(_ s: String) -> Bool {
            s.utf8.allSatisfy { $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }
        }

        mutating func registry(top: Bool) throws(RegistryError) {
            let start = scanner.tokenStart
            while true {
                let t = try scanner.next()
                switch t {
                case .eof:
                    throw scanner.error(
                        "unexpected end of input: <registry> (line \(scanner.line(at: start))) is not closed")
                case .text: continue
                case .end(let n):
                    guard n == "registry" || n.hasSuffix(":registry") else {
                        throw scanner.error("mismatched </\(n)>, expected </registry>")
                    }
                    return
                case .start(let name, let attributes, let selfClosing):
                    switch name {
                    case "record":
                        try record(attributes: attributes, selfClosing: selfClosing)
                    case "people":
                        if !selfClosing { try peopleBlock() }
                    case "registry":
                        if !selfClosing { try registry(top: false) }
                    case "updated" where top && !selfClosing:
                        let at = scanner.tokenStart
                        let text = try textContent("updated").trimmedASCII()
                        guard let day = Day(iso: text) else {
                            throw scanner.error("<updated> \"\(text)\" is not a date (YYYY-MM-DD or YYYY-MM)", at: at)
                        }
                        if updated == nil { updated = day }
                    default:
                        if !selfClosing { try skip(name) }
                    }
                }
            }
        }

        mutating func record(attributes: [(String, String)], selfClosing: Bool) throws(RegistryError) {
            let start = scanner.tokenStart
            var r = ServiceRecord()
            for (k, v) in attributes {
                switch k {
                case "date", "updated":
                    guard let d = Day(iso: v) else {
                        throw scanner.error(
                            "<record> attribute \(k)=\"\(v)\" is not a date (YYYY-MM-DD or YYYY-MM)", at: start)
                    }
                    if k == "date" { r.registered = d } else { r.modified = d }
                default: break
                }
            }
            var direct: [String] = []
            var assignees: [String]?
            var contacts: [String]?
            var description: String?
            var notes: [String] = []
            if !selfClosing {
                loop: while true {
                    let t = try scanner.next()
                    switch t {
                    case .eof:
                        throw scanner.error(
                            "unexpected end of input: <record> (line \(scanner.line(at: start))) is not closed")
                    case .text: continue
                    case .end(let n):
                        guard n == "record" else { throw scanner.error("mismatched </\(n)>, expected </record>") }
                        break loop
                    case .start(let name, let attrs, let empty):
                        let at = scanner.tokenStart
                        switch name {
                        case "name":
                            let s = empty ? "" : try textContent(name).trimmedASCII()
                            r.name = s.isEmpty ? nil : s
                        case "protocol":
                            let s = empty ? "" : try textContent(name).trimmedASCII()
                            if !s.isEmpty {
                                guard let tr = Transport(rawValue: s.lowercased()) else {
                                    throw scanner.error(
                                        "<protocol> \"\(s)\" is not a known transport (tcp, udp, sctp, dccp)", at: at)
                                }
                                r.transport = tr
                            }
                        case "number":
                            let s = empty ? "" : try textContent(name).trimmedASCII()
                            if !s.isEmpty {
                                switch PortText.parse(s) {
                                case .success(let p): r.ports = p
                                case .failure(let why): throw scanner.error("<number> \(why.message)", at: at)
                                }
                            }
                        case "description":
                            description = empty ? "" : try textContent(name)
                        case "note":
                            if !empty { notes.append(try textContent(name)) }
                        case "unauthorized":
                            let s = empty ? "" : try textContent(name)
                            r.unauthorizedUses = s.isEmpty ? nil : s
                        case "sc":
                            let s = empty ? "" : try textContent(name).trimmedASCII()
                            r.serviceCode = s.isEmpty ? nil : s
                        case "xref":
                            let text = empty ? "" : try textContent(name)
                            let (type, data) = xrefAttributes(attrs)
                            if type == "person" {
                                if let data, !data.isEmpty { direct.append(data) }
                            } else if let ref = reference(type: type, data: data, text: text) {
                                r.references.append(ref)
                            }
                        case "assignee", "contact":
                            let ids = empty ? [] : try personBlock(name)
                            if name == "assignee" {
                                assignees = (assignees ?? []) + ids
                            } else {
                                contacts = (contacts ?? []) + ids
                            }
                        default:
                            if !empty { try skip(name) }
                        }
                    }
                }
            }
            r.description = description ?? ""
            r.assignees = assignees ?? direct
            r.contacts = contacts ?? direct
            r.notes = notes.isEmpty ? nil : notes.joined(separator: "\n")
            records.append(r)
        }

        func xrefAttributes(_ attrs: [(String, String)]) -> (String?, String?) {
            var type: String?
            var data: String?
            for (k, v) in attrs {
                if k == "type" { type = v } else if k == "data" { data = v }
            }
            return (type, data)
        }

        func reference(type: String?, data: String?, text: String) -> Reference? {
            let value = (data?.isEmpty == false ? data : nil) ?? (text.isEmpty ? nil : text)
            guard let value else { return nil }
            let kind: Reference.Kind =
                switch type ?? "" {
                case "rfc": .rfc
                case "draft": .draft
                case "uri": .uri
                case "text": .text
                case "note": .note
                case "registry": .registry
                case "person": .person
                default: .other
                }
            return Reference(kind: kind, value: value)
        }

        /// Person ids from `<xref type="person" data="..."/>` inside `<assignee>` or `<contact>`.
        mutating func personBlock(_ element: String) throws(RegistryError) -> [String] {
            var ids: [String] = []
            let start = scanner.tokenStart
            while true {
                switch try scanner.next() {
                case .eof:
                    throw scanner.error(
                        "unexpected end of input: <\(element)> (line \(scanner.line(at: start))) is not closed")
                case .text: continue
                case .end(let n):
                    guard n == element else { throw scanner.error("mismatched </\(n)>, expected </\(element)>") }
                    return ids
                case .start(let name, let attrs, let empty):
                    if name == "xref" {
                        let (type, data) = xrefAttributes(attrs)
                        if type == "person", let data, !data.isEmpty { ids.append(data) }
                    }
                    if !empty { try skip(name) }
                }
            }
        }

        mutating func peopleBlock() throws(RegistryError) {
            let start = scanner.tokenStart
            while true {
                switch try scanner.next() {
                case .eof:
                    throw scanner.error(
                        "unexpected end of input: <people> (line \(scanner.line(at: start))) is not closed")
                case .text: continue
                case .end(let n):
                    guard n == "people" else { throw scanner.error("mismatched </\(n)>, expected </people>") }
                    return
                case .start(let name, let attrs, let empty):
                    guard name == "person" else {
                        if !empty { try skip(name) }
                        continue
                    }
                    let at = scanner.tokenStart
                    guard let id = attrs.first(where: { $0.0 == "id" })?.1, !id.isEmpty else {
                        throw scanner.error("<person> has no id", at: at)
                    }
                    var pname: String?
                    var org: String?
                    var uri: String?
                    var upd: Day?
                    if !empty {
                        loop: while true {
                            switch try scanner.next() {
                            case .eof:
                                throw scanner.error(
                                    "unexpected end of input: <person id=\"\(id)\"> (line \(scanner.line(at: at))) is not closed"
                                )
                            case .text: continue
                            case .end(let n):
                                guard n == "person" else {
                                    throw scanner.error("mismatched </\(n)>, expected </person>")
                                }
                                break loop
                            case .start(let child, _, let childEmpty):
                                let cat = scanner.tokenStart
                                let text = childEmpty ? "" : try textContent(child).trimmedASCII()
                                switch child {
                                case "name": pname = text.isEmpty ? nil : text
                                case "org": org = text.isEmpty ? nil : text
                                case "uri": uri = text.isEmpty ? nil : text
                                case "updated":
                                    guard let d = Day(iso: text) else {
                                        throw scanner.error(
                                            "<updated> \"\(text)\" of person \(id) is not a date", at: cat)
                                    }
                                    upd = d
                                default: break
                                }
                            }
                        }
                    }
                    people.append(Person(id: id, name: pname ?? org, organization: org, uri: uri, updated: upd))
                }
            }
        }

        /// Skips the rest of an element whose start tag was just read.
        mutating func skip(_ element: String) throws(RegistryError) {
            let start = scanner.tokenStart
            var stack = [element]
            while let top = stack.last {
                switch try scanner.next() {
                case .eof:
                    throw scanner.error(
                        "unexpected end of input: <\(element)> (line \(scanner.line(at: start))) is not closed")
                case .text: continue
                case .end(let n):
                    guard n == top else { throw scanner.error("mismatched </\(n)>, expected </\(top)>") }
                    stack.removeLast()
                case .start(let name, _, let empty):
                    if !empty { stack.append(name) }
                }
            }
        }

        /// The text of a mixed-content element whose start tag was just read, up to its end tag.
        /// `<br/>` and `</paragraph>` become line breaks; a nested xref reads `[RFC1234]`;
        /// whitespace runs holding a line break become one line break; the ends are trimmed.
        mutating func textContent(_ element: String) throws(RegistryError) -> String {
            let start = scanner.tokenStart
            var out = ""
            var depth = 0
            while true {
                switch try scanner.next() {
                case .eof:
                    throw scanner.error(
                        "unexpected end of input: <\(element)> (line \(scanner.line(at: start))) is not closed")
                case .text(let s): out += s
                case .end(let n):
                    if depth == 0 {
                        guard n == element else { throw scanner.error("mismatched </\(n)>, expected </\(element)>") }
                        return Self.normalize(out)
                    }
                    depth -= 1
                    if n == "paragraph" { out += "\n" }
                case .start(let name, let attrs, let empty):
                    if name == "br" { out += "\n" }
                    if name == "xref" {
                        let (type, data) = xrefAttributes(attrs)
                        if empty, let data {
                            out += type == "rfc" ? "[\(data.uppercased())]" : "[\(data)]"
                        }
                    }
                    if !empty { depth += 1 }
                }
            }
        }

        static func normalize(_ s: String) -> String {
            // Fast path: single-line text needs trimming only.
            if !s.utf8.contains(10) { return s.trimmedASCII() }
            var out: [UInt8] = []
            out.reserveCapacity(s.utf8.count)
            var pendingSpace: [UInt8] = []
            var sawNewline = false
            for b in s.utf8 {
                if b == 32 || b == 9 || b == 10 || b == 13 {
                    if b == 10 { sawNewline = true }
                    pendingSpace.append(b)
                    continue
                }
                if !pendingSpace.isEmpty {
                    if !out.isEmpty {
                        if sawNewline { out.append(10) } else { out.append(contentsOf: pendingSpace) }
                    }
                    pendingSpace.removeAll(keepingCapacity: true)
                    sawNewline = false
                }
                out.append(b)
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
