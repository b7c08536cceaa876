import PortListeners

/// `ss -Htlunp` text (with or without `-e`) captured on another host: one socket a line,
/// `Netid State Recv-Q Send-Q Local:Port Peer:Port users:(("name",pid=N,fd=N),…)`, and with
/// `-e` `uid:N ino:N sk:… v6only:0|1` after. iproute2 is on every Linux server, so this is the
/// format for hosts where nothing can be installed.
enum SSCapture {
    /// ss names no user (it gives a uid only with `-e`, and no name ever): the uid the
    /// kernel writes for "none", and this placeholder, stand for an unknown one.
    static let unknownUID: UInt32 = .max
    static let unknownUser = "?"

    static func parse(_ bytes: [UInt8]) throws(TerritoryReadError) -> [Listener] {
        let text = String(decoding: bytes, as: UTF8.self)
        var listeners: [Listener] = []
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let head = words.first else { continue }
            // `ss` without -H starts with a header line.
            if number == 1, head == "Netid" || head == "State" { continue }
            guard let listener = try listener(words, line: line, number: number) else { continue }
            listeners.append(listener)
        }
        if listeners.isEmpty, number > 0, !text.contains(where: { !$0.isWhitespace }) {
            throw TerritoryReadError("holds only blank space")
        }
        return listeners
    }

    private static func listener(_ words: [Substring], line: Substring, number: Int) throws(TerritoryReadError)
        -> Listener?
    {
        func bad(_ why: String) -> TerritoryReadError {
            TerritoryReadError(
                "line \(number) is not a line of 'ss -Htlunp' output (\(why)): \(Visible.text(String(line.prefix(80))))"
            )
        }
        // With -t and -u together ss prints the Netid column; a capture of one transport may not.
        var index = 0
        var transport: SocketTransport
        switch words[0] {
        case "tcp":
            transport = .tcp
            index = 1
        case "udp":
            transport = .udp
            index = 1
        case "LISTEN": transport = .tcp
        case "UNCONN": transport = .udp
        default: throw bad("it starts with neither tcp, udp, LISTEN nor UNCONN")
        }
        guard words.count >= index + 5 else { throw bad("too few columns") }
        let state = words[index]
        switch state {
        case "LISTEN": transport = .tcp
        case "UNCONN": break
        default: return nil  // an established socket, from a capture without -l: not a listener
        }
        let local = words[index + 3]
        guard let colon = local.lastIndex(of: ":"), let port = UInt16(local[local.index(after: colon)...]) else {
            throw bad("no port after the local address")
        }
        var address = String(local[..<colon])
        if let percent = address.firstIndex(of: "%") { address = String(address[..<percent]) }
        var v6Only: Bool?
        if address == "*" {
            address = "::"
            v6Only = false
        } else if address.hasPrefix("["), address.hasSuffix("]") {
            address = String(address.dropFirst().dropLast())
            if address == "::" { v6Only = true }
        }
        if address.hasPrefix("::ffff:"), address.contains(".") { address = String(address.dropFirst(7)) }

        var uid: UInt32?
        var inode: UInt64 = 0
        var extended = false
        var owners: [(pid: Int32, process: String)] = []
        for word in words.dropFirst(index + 5) {
            if word.hasPrefix("uid:") {
                uid = UInt32(word.dropFirst(4))
            } else if word.hasPrefix("ino:") {
                extended = true
                inode = UInt64(word.dropFirst(4)) ?? 0
            } else if word.hasPrefix("v6only:") {
                v6Only = word.dropFirst(7) == "1"
            }
        }
        if let found = line.firstRange(of: "users:(") {
            owners = try users(in: line[found.upperBound...], bad: bad)
        }
        // `-e` leaves uid out for root.
        let socketUID = uid ?? (extended ? 0 : unknownUID)
        let user = socketUID == unknownUID ? unknownUser : String(socketUID)
        // ss gives no owner's uid: each is the socket's, which is right for every server that
        // did not hand its socket to another user.
        let seen = owners.map {
            SocketOwner(pid: $0.pid, process: $0.process, command: "", uid: socketUID, user: user, startedAt: nil)
        }
        return Listener(
            transport: transport, address: address, port: port, uid: socketUID, user: user, inode: inode,
            v6Only: v6Only,
            owners: seen,
            ownerHiddenReason: seen.isEmpty ? "ss showed no process: it was run by a user who may not see it" : nil)
    }

    /// `("sshd",pid=812,fd=3),("sshd",pid=900,fd=3))`: every owner, once per process.
    private static func users(in text: Substring, bad: (String) -> TerritoryReadError) throws(TerritoryReadError)
        -> [(pid: Int32, process: String)]
    {
        var owners: [(pid: Int32, process: String)] = []
        var rest = text
        while rest.hasPrefix("(\"") {
            rest = rest.dropFirst(2)
            guard let end = rest.firstRange(of: "\",pid=") else { throw bad("an owner without a pid") }
            let name = String(rest[..<end.lowerBound])
            rest = rest[end.upperBound...]
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard let pid = Int32(digits) else { throw bad("an owner's pid is not a number") }
            rest = rest.dropFirst(digits.count)
            guard let close = rest.firstIndex(of: ")") else { throw bad("an owner is cut short") }
            rest = rest[rest.index(after: close)...]
            if !owners.contains(where: { $0.pid == pid }) { owners.append((pid, name)) }
            if rest.hasPrefix(",") { rest = rest.dropFirst() }
        }
        return owners
    }
}
