/// Finds listeners on this host. Platform code lives in one file per platform.
public enum ListenerScanner {
    public static func scan(_ query: ListenerQuery) throws(ListenerError) -> ListenerScan {
        #if os(Linux)
            return try LinuxBackend().scan(query)
        #elseif canImport(Darwin)
            return try DarwinBackend().scan(query)
        #else
            throw .unsupportedPlatform
        #endif
    }
}
