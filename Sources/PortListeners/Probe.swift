/// What `--probe` asks: one listener to talk to, as a scan found it.
public struct ProbeTarget: Hashable, Sendable {
    /// How to find out what the listener speaks.
    public enum Method: String, Hashable, Sendable {
        /// porthole's own minimal conversations (`ProbeRecognizer`).
        case builtIn = "porthole"
        /// `nmap -sV` against the listener, read from its XML.
        case nmap
    }

    public var transport: SocketTransport
    /// The address the listener is bound to, as the scan shows it (`0.0.0.0`, `::1`, `10.0.0.5`).
    public var address: String
    public var port: UInt16
    /// The protocols the map expects there, tried first (`http` for 8080).
    public var expected: [ProbeProtocol]
    public var method: Method
    /// The whole conversation's budget, in seconds.
    public var budget: Double

    public init(
        transport: SocketTransport, address: String, port: UInt16, expected: [ProbeProtocol] = [],
        method: Method = .builtIn, budget: Double = 1
    ) {
        self.transport = transport
        self.address = address
        self.port = port
        self.expected = expected
        self.method = method
        self.budget = budget
    }

    /// The loopback address to use for a wildcard or loopback bind, or nil for a specific one.
    public var loopback: String? {
        switch address {
        case "0.0.0.0", "127.0.0.1": return "127.0.0.1"
        case "::", "::1": return "::1"
        default: return address.hasPrefix("127.") ? address : nil
        }
    }
}

/// A protocol porthole can recognise on the wire.
public enum ProbeProtocol: String, Hashable, Sendable, CaseIterable {
    case http = "HTTP"
    case tls = "TLS"
    case ssh = "SSH"
    case smtp = "SMTP"
    case ftp = "FTP"
    case pop3 = "POP3"
    case imap = "IMAP"
    case redis = "Redis"
    case mysql = "MySQL"
    case postgresql = "PostgreSQL"
    case dns = "DNS"

    /// The protocols a registered service name stands for (`www` → HTTP, `https` → TLS).
    public static func expected(forService name: String) -> [ProbeProtocol] {
        switch name.lowercased() {
        case "http", "http-alt", "www", "www-http", "http-proxy", "webcache", "tproxy": [.http]
        case "https", "https-alt", "imaps", "pop3s", "smtps", "ldaps", "ftps", "submissions": [.tls]
        case "ssh": [.ssh]
        case "smtp", "submission", "lmtp": [.smtp]
        case "ftp": [.ftp]
        case "pop3": [.pop3]
        case "imap", "imap2", "imap3": [.imap]
        case "redis": [.redis]
        case "mysql": [.mysql]
        case "postgresql", "postgres": [.postgresql]
        case "domain", "mdns": [.dns]
        default: []
        }
    }
}

/// What a probe found.
public struct ProbeResult: Hashable, Sendable {
    public enum Outcome: Hashable, Sendable {
        /// It spoke a protocol porthole knows; `banner` is the server's own words.
        case identified(ProbeProtocol, banner: String)
        /// nmap named the service (`http`, `ssh`), with its product and version.
        case named(String, banner: String)
        /// It answered, but nothing porthole recognises; `banner` is a printable excerpt.
        case unrecognized(banner: String)
        /// It accepted and said nothing within the budget.
        case silent
        /// porthole would not connect; the reason in plain words.
        case refused(String)
        /// The conversation failed (connection refused or reset…); the reason in plain words.
        case failed(String)
    }

    public var outcome: Outcome
    /// Where porthole connected (`127.0.0.1`), when it did.
    public var connectedTo: String?
    public var method: ProbeTarget.Method

    public init(_ outcome: Outcome, connectedTo: String? = nil, method: ProbeTarget.Method = .builtIn) {
        self.outcome = outcome
        self.connectedTo = connectedTo
        self.method = method
    }

    /// The protocol found, in porthole's terms; nmap's service names are mapped where they can be.
    public var protocolFound: ProbeProtocol? {
        switch outcome {
        case .identified(let p, _): return p
        case .named(let name, _):
            switch name.lowercased() {
            case "ssl", "https", "tls": return .tls
            case "http", "http-proxy", "http-alt": return .http
            case "domain": return .dns
            case "pop3": return .pop3
            case "imap": return .imap
            case "postgresql": return .postgresql
            case "mysql": return .mysql
            default: return ProbeProtocol.allCases.first { $0.rawValue.lowercased() == name.lowercased() }
            }
        default: return nil
        }
    }

    /// The protocol's name as said (`HTTP`, or nmap's own name), nil when nothing was identified.
    public var protocolName: String? {
        switch outcome {
        case .identified(let p, _): p.rawValue
        case .named(let name, _): protocolFound?.rawValue ?? name
        default: nil
        }
    }

    public var banner: String? {
        switch outcome {
        case .identified(_, let banner), .named(_, let banner), .unrecognized(let banner): banner.isEmpty ? nil : banner
        default: nil
        }
    }

    /// The finding in a phrase: `speaks HTTP/1.0, Server: SimpleHTTP/0.6 Python/3.11`.
    public var phrase: String {
        switch outcome {
        case .identified(let p, let banner):
            if banner.isEmpty { return "speaks \(p.rawValue)" }
            // A banner that names its protocol says it best: `HTTP/1.0, Server: …`, `SSH-2.0-…`.
            return banner.hasPrefix(p.rawValue) ? "speaks \(banner)" : "speaks \(p.rawValue), \(banner)"
        case .named(let name, let banner):
            return "speaks \(name) by nmap's reckoning" + (banner.isEmpty ? "" : " (\(banner))")
        case .unrecognized(let banner):
            return "answers with something porthole does not recognise (\"\(banner)\")"
        case .silent:
            return "accepted the connection and said nothing"
        case .refused(let why):
            return "was not probed: \(why)"
        case .failed(let why):
            return "could not be probed: \(why)"
        }
    }
}

/// The recognisers: pure functions from the bytes a server sent to what it speaks. Each
/// takes the bytes as they arrived, so they are tested on captured answers.
public enum ProbeRecognizer {
    /// The minimal request each client-speaks-first protocol gets: harmless and short.
    public static func request(for p: ProbeProtocol) -> [UInt8] {
        switch p {
        case .http: Array("HEAD / HTTP/1.0\r\n\r\n".utf8)
        case .tls: clientHello
        case .redis: Array("PING\r\n".utf8)
        // SSLRequest: length 8, code 80877103; the server answers one byte, 'S' or 'N'.
        case .postgresql: [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F]
        case .dns: dnsQuery
        default: []
        }
    }

    /// What a server says first, unasked: SSH, SMTP, FTP, POP3, IMAP, a MySQL greeting.
    public static func greeting(_ bytes: [UInt8]) -> ProbeResult.Outcome? {
        guard !bytes.isEmpty else { return nil }
        let line = firstLine(bytes)
        if line.hasPrefix("SSH-") { return .identified(.ssh, banner: line) }
        if line.hasPrefix("+OK") { return .identified(.pop3, banner: line) }
        if line.hasPrefix("* OK") || line.hasPrefix("* PREAUTH") { return .identified(.imap, banner: line) }
        if line.hasPrefix("220") {
            let upper = line.uppercased()
            if upper.contains("FTP") { return .identified(.ftp, banner: line) }
            if upper.contains("SMTP") || upper.contains("MAIL") { return .identified(.smtp, banner: line) }
            // A bare 220 is both protocols' greeting; SMTP's names the host first, FTP's rarely does.
            return .identified(.smtp, banner: line)
        }
        if let version = mysqlGreeting(bytes) { return .identified(.mysql, banner: version) }
        return nil
    }

    /// Recognises the answer to `request(for: p)`; nil when it is not that protocol.
    public static func answer(_ bytes: [UInt8], to p: ProbeProtocol) -> ProbeResult.Outcome? {
        guard !bytes.isEmpty else { return nil }
        switch p {
        case .http:
            let line = firstLine(bytes)
            guard line.hasPrefix("HTTP/") else { break }
            let version = String(line.prefix { $0 != " " })
            let server = header("Server", in: bytes)
            return .identified(.http, banner: server.map { "\(version), Server: \($0)" } ?? line)
        case .tls:
            // A TLS record: handshake (22) or alert (21), major version 3.
            guard bytes.count >= 5, bytes[0] == 22 || bytes[0] == 21, bytes[1] == 3 else { break }
            if bytes[0] == 21 { return .identified(.tls, banner: "alert \(bytes.count >= 7 ? bytes[6] : 0)") }
            let version = bytes.count >= 11 ? tlsVersion(bytes[9], bytes[10]) : nil
            return .identified(.tls, banner: version.map { "ServerHello, \($0)" } ?? "ServerHello")
        case .redis:
            let line = firstLine(bytes)
            if line == "+PONG" { return .identified(.redis, banner: line) }
            if line.hasPrefix("-ERR") || line.hasPrefix("-NOAUTH") || line.hasPrefix("-DENIED") {
                return .identified(.redis, banner: line)
            }
        case .postgresql:
            if bytes.count == 1, bytes[0] == UInt8(ascii: "S") || bytes[0] == UInt8(ascii: "N") {
                return .identified(
                    .postgresql, banner: bytes[0] == UInt8(ascii: "S") ? "SSL offered" : "SSL refused")
            }
        case .dns:
            // The same id, the response bit, and the one question echoed.
            guard bytes.count >= 12, bytes[0] == dnsQuery[0], bytes[1] == dnsQuery[1], bytes[2] & 0x80 != 0 else {
                break
            }
            let rcode = bytes[3] & 0x0F
            let names = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"]
            let answers = Int(bytes[6]) << 8 | Int(bytes[7])
            return .identified(
                .dns,
                banner:
                    "\(rcode < names.count ? names[Int(rcode)] : "rcode \(rcode)"), \(answers) answer\(answers == 1 ? "" : "s")"
            )
        default:
            return greeting(bytes)
        }
        // A TLS server may answer anything else with an alert; others greet or complain first.
        if p != .tls, let tls = answer(bytes, to: .tls) { return tls }
        return greeting(bytes)
    }

    /// Whether `bytes` already hold a whole answer, so the wait can end early.
    public static func isComplete(_ bytes: [UInt8], for p: ProbeProtocol?) -> Bool {
        switch p {
        case .http?: return contains(bytes, Array("\r\n\r\n".utf8))
        case .tls?: return bytes.count >= 5 && bytes.count >= 5 + (Int(bytes[3]) << 8 | Int(bytes[4]))
        case .postgresql?: return bytes.count >= 1
        case .dns?: return bytes.count >= 12
        case .mysql?: return bytes.count >= 4 && bytes.count >= 4 + (Int(bytes[0]) | Int(bytes[1]) << 8)
        default:
            if bytes.count >= 4, mysqlGreeting(bytes) != nil { return true }
            return bytes.contains(UInt8(ascii: "\n"))
        }
    }

    /// A MySQL/MariaDB initial handshake: a 3-byte length, sequence 0, protocol 10, then the
    /// server version as a NUL-terminated string.
    static func mysqlGreeting(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 6, bytes[3] == 0, bytes[4] == 10 else { return nil }
        let length = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16
        guard length >= 2, length < 1 << 16 else { return nil }
        let version = bytes[5...].prefix { $0 != 0 }
        guard !version.isEmpty, version.count < 80, version.allSatisfy({ (0x20..<0x7F).contains($0) }) else {
            return nil
        }
        let text = String(decoding: version, as: UTF8.self)
        return text.lowercased().contains("mariadb") ? "MariaDB \(text)" : "MySQL \(text)"
    }

    static func tlsVersion(_ major: UInt8, _ minor: UInt8) -> String? {
        guard major == 3 else { return nil }
        switch minor {
        case 1: return "TLS 1.0"
        case 2: return "TLS 1.2 or 1.3"  // 1.3 reports 1.2 here and its own version in an extension
        case 3: return "TLS 1.2 or 1.3"
        case 0: return "SSL 3.0"
        default: return nil
        }
    }

    /// The first line, printable ASCII only, at most 120 characters.
    public static func firstLine(_ bytes: [UInt8]) -> String {
        let line = bytes.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        return printable(Array(line.prefix(120)))
    }

    /// Bytes as text a terminal can show: other bytes become `.`.
    public static func printable(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.map { (0x20..<0x7F).contains($0) ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
    }

    /// An HTTP header's value, by name in any case.
    static func header(_ name: String, in bytes: [UInt8]) -> String? {
        // Split on bytes: as Characters, "\r\n" is one, and would not split at "\n".
        let wanted = Array((name.lowercased() + ":").utf8)
        for line in bytes.prefix(4096).split(separator: UInt8(ascii: "\n")).dropFirst() {
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
            let lowered = trimmed.prefix(wanted.count).map { (65...90).contains($0) ? $0 | 0x20 : $0 }
            if lowered == wanted {
                return printable(Array(trimmed.dropFirst(wanted.count).drop { $0 == UInt8(ascii: " ") }.prefix(120)))
            }
        }
        return nil
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            return true
        }
        return false
    }

    /// A DNS query for the root's NS records (`.`, type NS, class IN), id 0x7068.
    static let dnsQuery: [UInt8] = [0x70, 0x68, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1]

    /// A TLS 1.2 ClientHello with common cipher suites, SNI `localhost` and the extensions a
    /// TLS 1.3 server needs to answer (supported versions, groups, signature algorithms, a key
    /// share on x25519); the server's first record (ServerHello or an alert) is all porthole reads.
    static let clientHello: [UInt8] = {
        func u16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func ext(_ type: Int, _ body: [UInt8]) -> [UInt8] { u16(type) + u16(body.count) + body }
        let host = Array("localhost".utf8)
        let sni = ext(0, u16(host.count + 3) + [0] + u16(host.count) + host)
        let groups = ext(10, u16(6) + u16(0x001D) + u16(0x0017) + u16(0x0018))
        let points = ext(11, [1, 0])
        let signatures = ext(13, u16(8) + u16(0x0403) + u16(0x0804) + u16(0x0401) + u16(0x0503))
        let versions = ext(43, [4] + u16(0x0304) + u16(0x0303))
        // x25519 public key: any 32 bytes are a valid point encoding for the server to answer.
        let key = (0..<32).map { UInt8(($0 * 7 + 9) & 0xFF) }
        let share = ext(51, u16(key.count + 4) + u16(0x001D) + u16(key.count) + key)
        let extensions = sni + groups + points + signatures + versions + share
        let suites = [0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0x009C, 0x002F, 0x0035].flatMap(u16)
        let random = (0..<32).map { UInt8(($0 * 13 + 1) & 0xFF) }
        let session = (0..<32).map { UInt8(($0 * 5 + 3) & 0xFF) }
        let body =
            u16(0x0303) + random + [UInt8(session.count)] + session + u16(suites.count) + suites + [1, 0]
            + u16(extensions.count) + extensions
        let handshake = [1, UInt8(body.count >> 16 & 0xFF)] + u16(body.count) + body
        return [22, 3, 1] + u16(handshake.count) + handshake
    }()
}
