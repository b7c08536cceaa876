/// A POSIX thread to be joined: for work that must run on a thread of its own (entering a
/// network namespace changes only the calling thread) or beside the caller (splitting a walk).
/// Join each thread exactly once.
public struct JoinableThread {
    private let thread: pthread_t

    private final class Work {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Starts `body` on a new thread; throws the reason when no thread can be made.
    public init(_ body: @escaping @Sendable () -> Void) throws(Errno) {
        let context = Unmanaged.passRetained(Work(body)).toOpaque()
        #if canImport(Darwin)
            var thread: pthread_t?
        #else
            var thread = pthread_t()
        #endif
        let rc = pthread_create(
            &thread, nil,
            { context in
                // The same closure compiles against Darwin's non-optional parameter and Glibc's optional one.
                let context: UnsafeMutableRawPointer? = context
                Unmanaged<Work>.fromOpaque(context!).takeRetainedValue().body()
                return nil
            }, context)
        guard rc == 0 else {
            Unmanaged<Work>.fromOpaque(context).release()
            throw Errno(rc)
        }
        #if canImport(Darwin)
            self.thread = thread!
        #else
            self.thread = thread
        #endif
    }

    /// Waits for the thread to finish; the thread is gone afterwards (join it only once).
    public func join() {
        pthread_join(thread, nil)
    }
}

/// Runs `body` on a new thread and waits for it; throws when no thread can be made.
public func runOnOwnThread<T>(_ body: @escaping @Sendable () -> T) throws(Errno) -> T {
    let result = ResultBox<T>()
    let thread = try JoinableThread { result.value = body() }
    thread.join()
    return result.value!
}

/// Carries a result from the thread that made it to the one that joined it (the join orders the accesses).
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
