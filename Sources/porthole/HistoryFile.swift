import PortSystem

/// libedit's history file, read without libedit: a `_HiStOrY_V2_` cookie line, then one entry
/// a line, each encoded by strvis(3) so that spaces, tabs, newlines and backslashes cannot
/// break the format (`lookup\0402991`). `porthole history` from the shell reads it this way,
/// since no prompt (and so no libedit history) is running.
enum HistoryFile {
    static let cookie = "_HiStOrY_V2_"

    /// The entries, oldest first; none when the file does not exist.
    static func read(at path: String) throws(Errno) -> [String] {
        let bytes: [UInt8]
        do throws(Errno) {
            bytes = try readWholeFile(at: path)
        } catch  where error.rawValue == ENOENT {
            return []
        }
        return entries(in: bytes)
    }

    static func entries(in bytes: [UInt8]) -> [String] {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).compactMap { line in
            let text = String(decoding: line, as: UTF8.self)
            return text == cookie ? nil : String(decoding: unvis(Array(line)), as: UTF8.self)
        }
    }

    /// Undoes vis(3): `\ooo` octal bytes, `\\`, the C-style `\n`, `\t`… escapes, `\s` for a
    /// space, and the meta and control forms `\M-x`, `\M^x` and `\^x`. A backslash that starts
    /// no escape is kept as it is.
    static func unvis(_ raw: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        func at(_ k: Int) -> UInt8? { k < raw.count ? raw[k] : nil }
        func isOctal(_ b: UInt8?) -> Bool { b.map { (0x30...0x37).contains($0) } ?? false }
        func control(_ b: UInt8) -> UInt8 { b == UInt8(ascii: "?") ? 0x7f : b & 0x1f }
        while i < raw.count {
            guard raw[i] == UInt8(ascii: "\\"), let next = at(i + 1) else {
                out.append(raw[i])
                i += 1
                continue
            }
            if isOctal(next) {
                var value = 0
                var k = i + 1
                while k < i + 4, isOctal(at(k)) {
                    value = value * 8 + Int(raw[k] - 0x30)
                    k += 1
                }
                out.append(UInt8(truncatingIfNeeded: value))
                i = k
                continue
            }
            let simple: [UInt8: UInt8] = [
                UInt8(ascii: "\\"): 0x5c, UInt8(ascii: "n"): 0x0a, UInt8(ascii: "t"): 0x09, UInt8(ascii: "r"): 0x0d,
                UInt8(ascii: "b"): 0x08, UInt8(ascii: "a"): 0x07, UInt8(ascii: "v"): 0x0b, UInt8(ascii: "f"): 0x0c,
                UInt8(ascii: "s"): 0x20, UInt8(ascii: "E"): 0x1b,
            ]
            if let byte = simple[next] {
                out.append(byte)
                i += 2
            } else if next == UInt8(ascii: "M"), at(i + 2) == UInt8(ascii: "-"), let c = at(i + 3) {
                out.append(c | 0x80)
                i += 4
            } else if next == UInt8(ascii: "M"), at(i + 2) == UInt8(ascii: "^"), let c = at(i + 3) {
                out.append(control(c) | 0x80)
                i += 4
            } else if next == UInt8(ascii: "^"), let c = at(i + 2) {
                out.append(control(c))
                i += 3
            } else {
                out.append(raw[i])
                i += 1
            }
        }
        return out
    }

    /// Empties the file atomically, leaving the cookie so libedit reads it as a history.
    static func clear(at path: String) throws(AtomicFile.Failure) {
        try AtomicFile(path: path, mode: 0o600, temporaryPrefix: ".history-").write(
            Array((cookie + "\n").utf8), blockingSignals: true)
    }
}
