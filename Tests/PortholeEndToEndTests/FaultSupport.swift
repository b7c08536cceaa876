import Foundation
import PortholeTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

// Helpers for the fault tests: a private HOME holding a registry, the registries the update
// tests start from, and the misbehaving responses of a loopback HTTP server.

/// A private HOME with its XDG folders, removed by `cleanup()`.
struct FaultHome {
    let folder: TemporaryFolder
    init() throws { folder = try TemporaryFolder() }
    var url: URL { folder.url }
    var environment: [String: String] { Porthole.environment(home: url) }
    var dataDirectory: URL { url.appendingPathComponent("data/porthole") }
    var registryFile: URL { dataDirectory.appendingPathComponent("registry.bin") }

    /// Runs porthole (or, with `argv0`, another program) and kills it after `timeout` seconds.
    func run(
        _ arguments: [String], timeout: Double = 30, stdinPath: String? = nil, closeStdout: Bool = false,
        environment extra: [String: String] = [:], argv0: [String]? = nil
    ) throws -> TestRun {
        try TestProcess.run(
            (argv0 ?? [Porthole.executable.path]) + arguments,
            environment: Porthole.environment(home: url, extra: extra),
            stdin: stdinPath.map { .file($0) } ?? .null, stdout: closeStdout ? .closed : .file, timeout: timeout)
    }

    /// Installs `bytes` as the user's registry copy (mode 0600, folders 0700).
    func install(_ bytes: Data) throws {
        try FileManager.default.createDirectory(
            at: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try bytes.write(to: registryFile)
        chmod(registryFile.path, 0o600)
    }

    /// Names in the data folder other than registry.bin (temporary files left behind).
    func strayFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dataDirectory.path)) ?? []).filter {
            $0 != "registry.bin"
        }.sorted()
    }

    /// Removes the HOME, a data folder a test left read-only included.
    func cleanup() { folder.cleanup() }
}

/// The fast-form registries the update fault tests start from and expect: built once by the
/// binary under test from the shared 2025 IANA XML (and a copy re-dated to 2024-06-01).
enum FaultRegistries {
    struct Built: Sendable {
        /// The XML re-dated 2024-06-01 (in a temporary folder, never in the repository), as a
        /// fast-form file: "the previous registry".
        let old: Data
        /// The 2025-12-15 XML as a fast-form file: what a good update installs.
        let new: Data
    }

    static let built: Result<Built, TestFailure> = {
        do {
            let folder = try TemporaryFolder(prefix: "porthole-fault-registries")
            defer { folder.cleanup() }
            let work = folder.url
            let xml = try Data(contentsOf: sharedRegistryXML)
            let text = String(decoding: xml, as: UTF8.self)
            guard let range = text.range(of: "<updated>2025-12-15</updated>") else {
                throw TestFailure("the shared XML is not the 2025-12-15 registry")
            }
            let oldXML = work.appendingPathComponent("old.xml")
            try Data(text.replacingCharacters(in: range, with: "<updated>2024-06-01</updated>").utf8).write(to: oldXML)
            func build(_ source: String) throws -> Data {
                let home = try FaultHome()
                defer { home.cleanup() }
                let run = try home.run(["update", "--from", source], timeout: 120)
                guard run.status == 0 else { throw TestFailure("update --from \(source) failed: \(run)") }
                return try Data(contentsOf: home.registryFile)
            }
            return .success(Built(old: try build(oldXML.path), new: try build(sharedRegistryXML.path)))
        } catch let error as TestFailure {
            return .failure(error)
        } catch {
            return .failure(TestFailure("\(error)"))
        }
    }()

    static func get() throws -> Built { try built.get() }
}

extension TestHTTPServer {
    /// A loopback server that misbehaves on request; the path chooses how:
    /// `/full` the file; `/cut/N` a Content-Length for the whole file, then N bytes and a
    /// closed connection; `/stall` headers, then nothing; `/html` a 200 OK web page;
    /// `/big/SIZE/garbage|xml` SIZE bytes of junk (with a Content-Length); `/bignolength/SIZE`
    /// the same junk with no length (the end is the closed connection).
    static func misbehaving(serving file: URL) throws -> TestHTTPServer {
        let body = [UInt8](try Data(contentsOf: file))
        return try TestHTTPServer { path in
            let parts = path.split(separator: "/").map(String.init)
            switch (parts.first, parts.count) {
            case ("full", _): return .ok(body)
            case ("cut", 2): return .cut(body, after: Int(parts[1]) ?? 0)
            case ("stall", _): return .stall(promising: body.count)
            case ("html", _):
                return .ok(
                    Array(
                        "<!DOCTYPE html>\n<html><head><title>IANA</title></head><body><p>Please enable JavaScript to continue.</p></body></html>\n"
                            .utf8),
                    contentType: "text/html")
            case ("big", 3):
                let size = Int(parts[1]) ?? 0
                return TestHTTPServer.Response(
                    contentLength: size,
                    body: .stream(size: size, piece: parts[2] == "garbage" ? Junk.garbage : Junk.xml))
            case ("bignolength", 2):
                let size = Int(parts[1]) ?? 0
                return TestHTTPServer.Response(contentLength: nil, body: .stream(size: size, piece: Junk.xml))
            default: return .notFound
            }
        }
    }
}

/// The 1 MiB pieces of the junk bodies.
private enum Junk {
    static let garbageUnit: [UInt8] = Array((0..<(1 << 16)).map { UInt8(($0 * 7919 + 13) % 251) }.repeated(16))
    static let start = Array(
        "<?xml version='1.0' encoding='UTF-8'?>\n<registry xmlns=\"http://www.iana.org/assignments\" id=\"service-names-port-numbers\">\n<updated>2025-12-15</updated>\n"
            .utf8)
    static let junk = Array("<junk><note>filler filler filler</note></junk>\n".utf8)
    static let junkUnit = junk.repeated((1 << 20) / junk.count)

    /// The same megabyte of bytes that are no text, again and again.
    static func garbage(_ index: Int) -> [UInt8] { garbageUnit }
    /// The opening of a registry, then junk elements that never close it.
    static func xml(_ index: Int) -> [UInt8] { index == 0 ? start + junkUnit : junkUnit }
}

extension Array {
    fileprivate func repeated(_ times: Int) -> [Element] { Array((0..<times).map { _ in self }.joined()) }
}

/// Memory bounds are multiplied by this for a sanitized build (ASan's shadow and quarantine).
let sanitizerMemoryFactor: Int = {
    guard let binary = try? Data(contentsOf: Porthole.executable, options: .alwaysMapped) else { return 1 }
    return binary.range(of: Data("__asan_init".utf8)) != nil || binary.range(of: Data("__tsan_init".utf8)) != nil
        ? 6 : 1
}()

/// Whether this process may create mount namespaces and mount tmpfs (root with CAP_SYS_ADMIN).
let canMountPrivately: Bool = {
    guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return false }
    let probe = try? TestProcess.run(
        [
            "/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
            "mount -t tmpfs -o size=64k tmpfs /mnt 2>/dev/null",
        ], timeout: 30)
    return probe?.status == 0
}()
