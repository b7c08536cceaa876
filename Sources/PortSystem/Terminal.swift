import CPortSystem

/// Whether `fd` is a terminal: decides colours, the prompt and immediate flushing.
public func isTerminal(_ fd: CInt) -> Bool { isatty(fd) == 1 }

/// The terminal's size in character cells (TIOCGWINSZ), or nil when `fd` is not a terminal
/// or the size is unknown (zero), so callers fall back to their defaults.
public func terminalSize(_ fd: CInt) -> (columns: Int, rows: Int)? {
    var columns: UInt16 = 0
    var rows: UInt16 = 0
    guard cps_terminal_size(fd, &columns, &rows) == 0, columns > 0, rows > 0 else { return nil }
    return (Int(columns), Int(rows))
}

/// The process's controlling terminal (`/dev/tty`) opened for writing, close-on-exec: where
/// the prompt goes when stdin is a terminal but stdout is a pipe (`porthole | tee log`).
public func openControllingTerminal() throws(Errno) -> CInt {
    try valueOrErrno { open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC) }
}
