import CPortSystem

/// The signals porthole handles. The handlers (in C) only set flags, which is all a signal
/// handler may safely do; the prompt loop and running commands read the flags.
public enum Signals {
    /// Installs the handlers for SIGINT, SIGWINCH, SIGHUP and SIGTERM and unblocks them.
    /// `interruptRestartsCalls`: true at the interactive prompt (commands poll `interrupted`);
    /// false for a script run, so Ctrl-C makes a blocked read return EINTR.
    public static func install(interruptRestartsCalls: Bool) throws(Errno) {
        try nothingOrErrno(retryOnInterrupt: false) { cps_signals_install(interruptRestartsCalls ? 1 : 0) }
    }

    /// Whether Ctrl-C arrived since the last `clearInterrupt`, or the session is ending.
    public static var interrupted: Bool { cps_signals_interrupted() != 0 }

    /// Forgets a Ctrl-C, before the next command runs.
    public static func clearInterrupt() { cps_signals_clear_interrupt() }

    /// SIGHUP (the terminal went away) or SIGTERM once one arrived: save and leave.
    public static var terminatingSignal: CInt? {
        let signo = cps_signals_terminating_signal()
        return signo != 0 ? signo : nil
    }

    /// Whether the window was resized since the last call (the editor is told before the next prompt).
    public static func takeResize() -> Bool { cps_signals_take_resize() != 0 }

    /// Runs `body` with SIGHUP, SIGTERM and SIGINT held back on this thread, so a closing
    /// terminal cannot cut a file swap short; they are delivered when it returns.
    public static func holdingTerminations<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        var saved = cps_saved_mask()
        cps_signals_hold_terminations(&saved)
        defer { cps_signals_restore(&saved) }
        return try body()
    }
}
