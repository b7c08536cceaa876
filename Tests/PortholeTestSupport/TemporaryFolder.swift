import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh private folder (mode 0700, from mkdtemp) for one test's files, removed by
/// `cleanup()`. Parallel tests and concurrent runs of the suite each get their own.
public struct TemporaryFolder: Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(prefix: String = "porthole-test") throws {
        var template = Array((FileManager.default.temporaryDirectory.path + "/\(prefix)-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw TestFailure("cannot create a temporary folder: \(String(cString: strerror(errno)))")
        }
        url = URL(fileURLWithPath: String(cString: made), isDirectory: true)
    }

    /// The path of `name` inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    public func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
    }

    /// The bytes of `name`, or nil when it cannot be read.
    public func read(_ name: String) -> [UInt8]? {
        FileManager.default.contents(atPath: file(name)).map { [UInt8]($0) }
    }

    /// Removes the folder and everything in it; folders a test made read-only are made
    /// writable first, or their contents would be left behind.
    public func cleanup() {
        chmod(path, 0o700)
        if let walk = FileManager.default.enumerator(atPath: path) {
            while let name = walk.nextObject() as? String {
                var info = stat()
                if lstat(file(name), &info) == 0, info.st_mode & S_IFMT == S_IFDIR { chmod(file(name), 0o700) }
            }
        }
        try? FileManager.default.removeItem(at: url)
    }
}
