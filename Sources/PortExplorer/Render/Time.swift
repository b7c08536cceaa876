/// Calendar arithmetic for timestamps, without Foundation (start-up time matters).
enum Timestamp {
    /// `2026-11-27T10:40:46Z` for seconds since the Unix epoch.
    static func iso8601(_ seconds: Double) -> String {
        let (days, secondsOfDay) = split(seconds)
        let (y, m, d) = civil(fromDays: days)
        let year = String(y)
        return
            "\(String(repeating: "0", count: max(0, 4 - year.count)))\(year)-\(two(m))-\(two(d))T\(clock(secondsOfDay))Z"
    }

    /// `14:05:09` in the clock's own time zone: a watch's lines.
    static func timeOfDay(_ time: HostClock) -> String {
        clock(split(time.seconds + Double(time.utcOffset)).secondsOfDay)
    }

    /// Whole days since the epoch (rounded down, before it too) and the seconds into the last.
    private static func split(_ seconds: Double) -> (days: Int, secondsOfDay: Int) {
        let total = Int(seconds.rounded(.down))
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        return (days, total - days * 86_400)
    }

    /// `HH:MM:SS`.
    private static func clock(_ secondsOfDay: Int) -> String {
        "\(two(secondsOfDay / 3600)):\(two(secondsOfDay % 3600 / 60)):\(two(secondsOfDay % 60))"
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// Seconds since the Unix epoch for exactly `YYYY-MM-DDTHH:MM:SSZ`, as `iso8601` writes
    /// it (years 0000-9999); nil for anything else, including dates that do not exist.
    static func seconds(iso8601 text: String) -> Double? {
        let b = Array(text.utf8)
        guard b.count == 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x5A
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard (0x30...0x39).contains(b[i]) else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10), let h = number(11..<13),
            let mi = number(14..<16), let s = number(17..<19), (1...12).contains(m), (1...31).contains(d), h < 24,
            mi < 60, s < 60
        else { return nil }
        let days = days(fromCivil: y, m, d)
        guard civil(fromDays: days) == (y, m, d) else { return nil }
        return Double(days * 86_400 + h * 3600 + mi * 60 + s)
    }

    /// Howard Hinnant's civil-to-days algorithm, the inverse of `civil(fromDays:)`.
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// A size in bytes as people read it, exact count included: `1.0 GiB (1073741824 bytes)`.
public enum ByteCount {
    public static func phrase(_ bytes: Int) -> String {
        let units = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        guard let (size, unit) = units.first(where: { bytes >= $0.0 }) else {
            return "\(bytes) byte\(bytes == 1 ? "" : "s")"
        }
        let tenths = bytes * 10 / size
        return "\(tenths / 10).\(tenths % 10) \(unit) (\(bytes) bytes)"
    }
}
