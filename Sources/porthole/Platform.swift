#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PortRegistry

/// The few facts porthole reads from the operating system at start-up.
enum Platform {
    /// Ends the process. (Inside a `ParsableCommand`, a bare `exit` names its instance method.)
    static func exit(_ status: Int32) -> Never {
        #if canImport(Glibc)
        Glibc.exit(status)
        #else
        Darwin.exit(status)
        #endif
    }

    /// Writes straight to fd 2: for messages before the console exists.
    static func writeError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    static func terminalWidth(_ fd: Int32 = 1) -> Int? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// The variables porthole reads, and only those: copying the whole environment into a
    /// dictionary cost a tenth of a one-shot lookup. Children such as curl inherit `environ`
    /// itself, so nothing is lost for them.
    static let variablesRead = [
        "HOME", "PATH", "TERM", "NO_COLOR", "XDG_DATA_HOME", "XDG_STATE_HOME", RegistryLocator.environmentVariable,
    ]

    static func environment() -> [String: String] {
        // Sized up front: growing it would run the standard library's unspecialised resize,
        // which looks its storage type up by name at run time.
        var result = [String: String](minimumCapacity: variablesRead.count)
        for name in variablesRead {
            if let value = getenv(name) { result[name] = String(cString: value) }
        }
        return result
    }

    static func today() -> Day {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        return Day(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
            ?? Day(year: 2026, month: 1, day: 1)!
    }
}
