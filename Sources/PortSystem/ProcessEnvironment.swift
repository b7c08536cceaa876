import CPortSystem

/// The process's environment, read one variable at a time (copying it whole into a
/// dictionary costs start-up time), and handed on whole to children.
public enum ProcessEnvironment {
    /// The value of one variable, or nil when it is unset.
    public static func value(named name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// The `environ` table to pass to `posix_spawn`, so a child inherits our environment:
    /// `environ` with Glibc and Musl, `_NSGetEnviron()` on Darwin (which has no `environ`
    /// symbol to link against outside the main executable).
    public static var inherited: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        #if canImport(Darwin)
            return _NSGetEnviron().pointee
        #else
            return environ
        #endif
    }
}
