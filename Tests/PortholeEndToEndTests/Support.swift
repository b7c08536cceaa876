import Foundation
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

    struct Run {
        let stdout: String
        let stderr: String
        let status: Int32
    }

    /// A clean environment: a private HOME and XDG folders, no colour, C.UTF-8.
    static func environment(home: URL, extra: [String: String] = [:]) -> [String: String] {
        var env = [
            "HOME": home.path, "LANG": "C.UTF-8", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "XDG_STATE_HOME": home.appendingPathComponent("state").path,
            "XDG_DATA_HOME": home.appendingPathComponent("data").path,
            "TERM": "dumb",
        ]
        for (k, v) in extra { env[k] = v }
        return env
    }

    static func temporaryHome() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs porthole with `arguments`, feeding `stdin` (nil: /dev/null).
    static func run(_ arguments: [String], stdin: Data? = nil, environment extra: [String: String] = [:]) throws -> Run {
        let home = try temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment(home: home, extra: extra)
        let outURL = home.appendingPathComponent("stdout"), errURL = home.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        let input = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        if let stdin {
            let handle = input.fileHandleForWriting
            DispatchQueue.global().async {
                try? handle.write(contentsOf: stdin)
                try? handle.close()
            }
        }
        process.waitUntilExit()
        return Run(
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
            status: process.terminationStatus
        )
    }

    static func run(_ arguments: [String], input: String, environment: [String: String] = [:]) throws -> Run {
        try run(arguments, stdin: Data(input.utf8), environment: environment)
    }
}
