import PortRegistry

/// What a user can ask about: a port, a range, a service name or a keyword.
enum PortQuery: Equatable, Sendable {
    case port(UInt16, Transport?)
    case range(PortRange, Transport?)
    case name(String)
    case keyword(String)

    /// Parses `2991`, `2991/udp`, `8000-8100`, `8000-8100/tcp`, `wkstn-mon` or `~monitor`.
    /// `command` prefixes error messages.
    static func parse(_ text: String, command: String) throws(CommandError) -> PortQuery {
        // The common case, a plain port, read from the bytes; everything else (and every
        // error) takes the general path below.
        if let port = PortText.single(text) { return .port(port, nil) }
        if text.hasPrefix("~") {
            let keyword = String(text.dropFirst())
            guard !keyword.isEmpty else { throw CommandError(command, "'~' needs a keyword after it, e.g. ~monitor") }
            return .keyword(keyword)
        }
        var body = Substring(text)
        var transport: Transport?
        if let slash = body.lastIndex(of: "/") {
            let name = body[body.index(after: slash)...]
            guard let t = Transport(rawValue: name.lowercased()) else {
                throw CommandError(command, "unknown transport '\(name)' in '\(text)'; expected tcp, udp, sctp or dccp")
            }
            transport = t
            body = body[..<slash]
        }
        if let first = body.first, first.isASCII, first.isNumber || first == "-" || first == "+" {
            if let dash = body.dropFirst().firstIndex(of: "-") {
                let low = try port(body[..<dash], in: text, command: command)
                let high = try port(body[body.index(after: dash)...], in: text, command: command)
                guard low <= high else {
                    throw CommandError(
                        command, "range '\(text)' runs backwards; write the lower port first (\(high)-\(low))")
                }
                return .range(PortRange(low, high), transport)
            }
            return .port(try port(body, in: text, command: command), transport)
        }
        guard isServiceName(body) else {
            throw CommandError(
                command, "'\(text)' is not a port (0-65535), a range (LOW-HIGH), a service name or a ~keyword")
        }
        if transport != nil {
            throw CommandError(command, "a transport goes with a port ('2991/udp'), not with a name ('\(text)')")
        }
        return .name(String(body))
    }

    /// A port range (`1024-49151`) or a single port (`2991`) as a range of one; the one range
    /// parser, so every command words a backwards or out-of-range span alike.
    static func portRange(_ text: String, command: String) throws(CommandError) -> PortRange {
        switch try parse(text, command: command) {
        case .port(let port, nil): return PortRange(port, port)
        case .range(let range, nil): return range
        default: throw CommandError(command, "expected a port range such as 1024-49151 or a single port, not '\(text)'")
        }
    }

    static func port(_ text: Substring, in whole: String, command: String) throws(CommandError) -> UInt16 {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw CommandError(command, "'\(whole)' is not a port number; ports are whole numbers from 0 to 65535")
        }
        guard let value = UInt16(text) else {
            throw CommandError(command, "port \(text) is out of range; ports run from 0 to 65535")
        }
        return value
    }

    /// IANA names are letters, digits and hyphens; services(5) aliases also use `.`, `_` and `+`.
    static func isServiceName(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 64
            && text.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || "-._+".unicodeScalars.contains($0)
            }
    }
}
