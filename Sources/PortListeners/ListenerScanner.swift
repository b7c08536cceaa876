/// Finds listeners on this host. Platform code lives in one file per platform.
public enum ListenerScanner {
    public static func scan(_ query: ListenerQuery) throws(ListenerError) -> ListenerScan {
        throw .unsupportedPlatform
    }
}
