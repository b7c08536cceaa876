import Foundation
import PortholeTestSupport
import Testing

/// Runs the built `porthole` binary the way a user's shell would.
enum Porthole {
    /// The binary beside this test bundle (same build folder, whatever the scratch path).
    static let executable: URL = {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = me.deletingLastPathComponent()
        // The test runner may live inside `portholePackageTests.xctest/…`.
        while !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("porthole").path),
            dir.path != "/"
        {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("porthole")
    }()

    /// A clean environment: a private HOME and XDG folders, no colour, C.UTF-8.
    static func environment(home: URL, extra: [String: String] = [:]) -> [String: String] {
        var env = [
            "HOME": home.path, "LANG": "C.UTF-8",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "XDG_STATE_HOME": home.appendingPathComponent("state").path,
            "XDG_DATA_HOME": home.appendingPathComponent("data").path,
            "TERM": "dumb",
        ]
        for (k, v) in extra { env[k] = v }
        return env
    }

    /// A private HOME the caller removes.
    static func temporaryHome() throws -> URL { try TemporaryFolder().url }

    /// Runs porthole with `arguments`, feeding `stdin` (nil: /dev/null), in `home` (nil: a
    /// private one removed afterwards; given, several runs share one user's files).
    static func run(
        _ arguments: [String], stdin: Data? = nil, environment extra: [String: String] = [:], home: URL? = nil
    ) throws -> TestRun {
        let own = home == nil ? try TemporaryFolder() : nil
        defer { own?.cleanup() }
        return try TestProcess.run(
            [executable.path] + arguments, environment: environment(home: home ?? own!.url, extra: extra),
            stdin: stdin.map { .bytes([UInt8]($0)) } ?? .null)
    }

    static func run(_ arguments: [String], input: String, environment: [String: String] = [:]) throws -> TestRun {
        try run(arguments, stdin: Data(input.utf8), environment: environment)
    }
}
