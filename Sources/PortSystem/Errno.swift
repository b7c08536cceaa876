/// An error number from the C library, as a typed error: system calls report failure this
/// way, and callers decide by its class (interrupted, would block, reader gone) what to do.
public struct Errno: RawRepresentable, Hashable, Error, CustomStringConvertible, Sendable {
    /// The raw `errno` value, so callers can compare with the C constants.
    public let rawValue: CInt

    /// Wraps a raw value (e.g. the result of `posix_spawn`, which returns it instead of setting errno).
    public init(rawValue: CInt) { self.rawValue = rawValue }

    /// Shorthand for `init(rawValue:)`, for the C constants: `Errno(EPIPE)`.
    public init(_ rawValue: CInt) { self.rawValue = rawValue }

    /// The calling thread's `errno`, read right after a call failed.
    public static var current: Errno {
        get { Errno(errno) }
        set { errno = newValue.rawValue }
    }

    /// EINTR: a signal arrived during the call; retry it unless the caller wants to notice.
    public var isInterrupted: Bool { rawValue == EINTR }

    /// EAGAIN/EWOULDBLOCK: a non-blocking descriptor is not ready; wait with poll, never spin.
    public var wouldBlock: Bool { rawValue == EAGAIN || rawValue == EWOULDBLOCK }

    /// The reader of our output went away: that is its choice (`| head -1`), so output ends
    /// quietly. EPIPE is what a closed pipe or socket reports; ECONNRESET is the same event on
    /// a socket whose reader closed with our data still unread (the kernel then answers with
    /// a reset), so it belongs here too. Anything else (ENOSPC, EIO, EBADF) is a real failure.
    public var meansReaderGone: Bool { rawValue == EPIPE || rawValue == ECONNRESET }

    /// The C library's words for it (`strerror`), as users see them in messages.
    public var description: String {
        guard let text = strerror(rawValue) else { return "error \(rawValue)" }
        return String(cString: text)
    }
}

/// Calls `body`, a C function that returns -1 and sets errno on failure, and turns that into
/// a typed `Errno`; EINTR is retried unless `retryOnInterrupt` is false (as in swift-system).
@inlinable
public func valueOrErrno<T: FixedWidthInteger & SignedInteger>(
    retryOnInterrupt: Bool = true, _ body: () -> T
) throws(Errno) -> T {
    while true {
        let value = body()
        if value != -1 { return value }
        let failure = Errno.current
        if retryOnInterrupt && failure.isInterrupted { continue }
        throw failure
    }
}

/// As `valueOrErrno`, for calls whose only result is success or failure.
@inlinable
public func nothingOrErrno<T: FixedWidthInteger & SignedInteger>(
    retryOnInterrupt: Bool = true, _ body: () -> T
) throws(Errno) {
    _ = try valueOrErrno(retryOnInterrupt: retryOnInterrupt, body)
}
