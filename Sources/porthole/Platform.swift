import PortExplorer
import PortRegistry
import PortSystem

/// The few facts porthole reads from the operating system at start-up.
enum Platform {
    /// Ends the process. (Named so that no type's own `exit` can shadow it.)
    static func exit(_ status: Int32) -> Never {
        PortSystem.exit(status)
    }

    /// Writes straight to fd 2: for messages outside the transcript. They may quote arguments
    /// and file names, so they are shown as the transcript shows text (`Visible`).
    static func writeError(_ text: String) {
        try? writeAll(Visible.output(text, colors: false), to: 2)
    }

    /// Tests only: makes every listener scan wait this many seconds (see `LiveHost`).
    static let scanDelayVariable = "PORTHOLE_TEST_SCAN_DELAY"

    /// The variables porthole reads, and only those: copying the whole environment into a
    /// dictionary is work no command needs. Children such as curl inherit the process's
    /// environment itself, so nothing is lost for them.
    static let variablesRead = [
        "HOME", "PATH", "TERM", "NO_COLOR", "PAGER", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME",
        "LC_ALL", "LC_CTYPE", "LANG",
        RegistryLocator.environmentVariable,
        scanDelayVariable,
    ]

    static func environment() -> [String: String] {
        // Sized up front: growing it would run the standard library's unspecialised resize.
        var result = [String: String](minimumCapacity: variablesRead.count)
        for name in variablesRead {
            if let value = ProcessEnvironment.value(named: name) { result[name] = value }
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
