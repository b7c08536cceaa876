import Glibc

/// Seconds on the monotonic clock: time-outs and durations must not jump with the wall clock.
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Finds an executable: the given absolute paths first, then $PATH. Preferring fixed paths
/// skips shims (a pyenv `python3` another user could not run).
public func findExecutable(_ name: String, preferring: [String] = []) -> String? {
    for path in preferring where access(path, X_OK) == 0 { return path }
    guard let pathVariable = getenv("PATH") else { return nil }
    for dir in String(cString: pathVariable).split(separator: ":") {
        let path = "\(dir)/\(name)"
        if access(path, X_OK) == 0 { return path }
    }
    return nil
}

/// A helper that could not do its part (a child that would not start, a server that did not
/// come up): a plain message, so the test's failure says what went wrong.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// pipe2 and accept4 make a descriptor close-on-exec atomically, so a child spawned by another
/// thread in between cannot inherit it; Glibc's Swift module hides them (they are _GNU_SOURCE),
/// so they are looked up by name.
enum LinuxCalls {
    nonisolated(unsafe) static let pipe2 = unsafeBitCast(
        dlsym(nil, "pipe2"), to: (@convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32).self)
    nonisolated(unsafe) static let accept4 = unsafeBitCast(
        dlsym(nil, "accept4"),
        to: (@convention(c) (Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32) -> Int32)
            .self)
}
