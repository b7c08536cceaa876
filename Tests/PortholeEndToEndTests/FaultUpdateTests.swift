import Foundation
import PortholeTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `update` under faults: every failure leaves the previous registry byte-for-byte and active.
///
/// Each test starts from "the previous registry": the shared 2025 IANA XML re-dated 2024-06-01
/// and installed in a private HOME; a good update would make it 2025-12-15.
@Suite(
    "Faults: update keeps the previous registry", .serialized,
    .enabled(if: haveSharedRegistry && haveCurl, "needs ../shared/iana and curl"))
struct FaultUpdateTests {
    static let previousName = "updated IANA registry of 2024-06-01"
    static let newName = "updated IANA registry of 2025-12-15"

    /// A HOME holding the previous registry.
    func homeWithPrevious() throws -> (FaultHome, Data) {
        let old = try FaultRegistries.get().old
        let home = try FaultHome()
        try home.install(old)
        return (home, old)
    }

    /// The previous registry is unchanged, no temporary file is left, and porthole answers from it.
    func expectPreviousIntact(
        _ home: FaultHome, _ old: Data, _ context: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let now = try Data(contentsOf: home.registryFile)
        #expect(
            now == old, "\(context): the registry file changed (\(now.count) bytes, was \(old.count))",
            sourceLocation: sourceLocation)
        #expect(
            home.strayFiles().isEmpty, "\(context): left behind \(home.strayFiles())", sourceLocation: sourceLocation)
        let version = try home.run(["version"], timeout: 30)
        #expect(version.status == 0, "\(context): \(version)", sourceLocation: sourceLocation)
        #expect(
            version.stdout.contains("registry: \(Self.previousName) at \(home.registryFile.path)"),
            "\(context): \(version)", sourceLocation: sourceLocation)
        #expect(version.stderr.isEmpty, "\(context): \(version)", sourceLocation: sourceLocation)
    }

    @Test("A download cut after N bytes (Content-Length promised the whole file) is refused")
    func interruptedDownloads() throws {
        let (home, old) = try homeWithPrevious()
        defer { home.cleanup() }
        let server = try TestHTTPServer.misbehaving(serving: sharedRegistryXML)
        defer { server.stop() }
        let size = try Int(FileManager.default.attributesOfItem(atPath: sharedRegistryXML.path)[.size] as! NSNumber)
        var generator = SystemRandomNumberGenerator()
        let cuts = [0, 1, 4_096, size / 2, size - 1] + (0..<4).map { _ in Int.random(in: 2..<size, using: &generator) }
        for n in cuts {
            let run = try home.run(["update", "--url", server.url("cut/\(n)"), "--timeout", "30"], timeout: 60)
            #expect(run.status == 1, "cut at \(n): \(run)")
            #expect(
                run.stderr.contains(
                    "download failed: curl: (18) transfer closed with \(size - n) bytes remaining to read"),
                "cut at \(n): \(run)")
            #expect(run.stderr.hasSuffix("; the previous registry is still active\n"), "cut at \(n): \(run)")
            #expect(run.stdout.isEmpty)
            try expectPreviousIntact(home, old, "cut at \(n)")
        }
    }

    @Test("A server that sends headers and then nothing is given up after --timeout")
    func stalledServer() throws {
        let (home, old) = try homeWithPrevious()
        defer { home.cleanup() }
        let server = try TestHTTPServer.misbehaving(serving: sharedRegistryXML)
        defer { server.stop() }
        let run = try home.run(["update", "--url", server.url("stall"), "--timeout", "2"], timeout: 30)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("download failed: curl: (28) Operation timed out after"), "\(run)")
        #expect(run.stderr.contains("; the previous registry is still active"), "\(run)")
        #expect(run.seconds < 10, "\(run)")
        try expectPreviousIntact(home, old, "stalled server")
    }

    @Test("A 200 OK carrying a web page is refused as HTML")
    func htmlPage() throws {
        let (home, old) = try homeWithPrevious()
        defer { home.cleanup() }
        let server = try TestHTTPServer.misbehaving(serving: sharedRegistryXML)
        defer { server.stop() }
        let run = try home.run(["update", "--url", server.url("html")], timeout: 60)
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stderr
                == "porthole: update: \(server.url("html")): not a registry: looks like HTML; the previous registry is still active\n"
        )
        try expectPreviousIntact(home, old, "html")
    }

    @Test(
        "A 50 MB response of junk is refused in bounded time and memory",
        arguments: [("garbage", "line 1: header has 1 columns, expected 12"), ("xml", "unexpected end of input")])
    func fiftyMegabytesOfJunk(kind: String, reason: String) throws {
        let (home, old) = try homeWithPrevious()
        defer { home.cleanup() }
        let server = try TestHTTPServer.misbehaving(serving: sharedRegistryXML)
        defer { server.stop() }
        let url = server.url("big/\(50 * 1_048_576)/\(kind)")
        let run = try home.run(["update", "--url", url], timeout: 120)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.hasPrefix("porthole: update: \(url): "), "\(run)")
        #expect(run.stderr.contains(reason), "\(run)")
        #expect(run.stderr.hasSuffix("; the previous registry is still active\n"), "\(run)")
        #expect(run.seconds < 60, "\(run)")
        // The response is read whole (about 50 MiB) and parsed; a copy or two more would be a leak.
        #expect(run.peakMemoryKiB < 200 * 1024 * sanitizerMemoryFactor, "\(run)")
        print(
            "50 MB of \(kind): refused after \(String(format: "%.2f", run.seconds)) s, peak \(run.peakMemoryKiB / 1024) MiB"
        )
        try expectPreviousIntact(home, old, "50 MB of \(kind)")
    }

    @Test(
        "A response over the 64 MiB limit is cut off early, with or without a Content-Length",
        arguments: ["big/\(100 * 1_048_576)/xml", "bignolength/\(100 * 1_048_576)"])
    func overTheSizeLimit(path: String) throws {
        let (home, old) = try homeWithPrevious()
        defer { home.cleanup() }
        let server = try TestHTTPServer.misbehaving(serving: sharedRegistryXML)
        defer { server.stop() }
        let run = try home.run(["update", "--url", server.url(path)], timeout: 120)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("download failed: larger than 64 MiB, far more than a registry; refused"), "\(run)")
        #expect(run.seconds < 30, "\(run)")
        #expect(run.peakMemoryKiB < 100 * 1024 * sanitizerMemoryFactor, "\(run)")
        try expectPreviousIntact(home, old, path)
    }

    @Test(
        "A read-only data folder: update says why and changes nothing",
        .enabled(
            if: geteuid() != 0 || canMountPrivately, "as root, needs unshare -m and mount for a read-only bind mount"),
        arguments: ["--from", "--url"])
    func readOnlyDataFolder(how: String) throws {
        let (home, old) = try homeWithPrevious()
        defer { home.cleanup() }
        let server = try TestHTTPServer.misbehaving(serving: sharedRegistryXML)
        defer { server.stop() }
        let source = how == "--from" ? sharedRegistryXML.path : server.url("full")
        chmod(home.dataDirectory.path, 0o500)
        let run: TestRun
        if geteuid() == 0 {
            // Permission bits do not stop root: a read-only bind mount in a private mount namespace does.
            let script = #"mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@""#
            run = try home.run(
                [
                    "-m", "--propagation", "private", "/bin/sh", "-c", script, "sh", home.dataDirectory.path,
                    Porthole.executable.path, "update", how, source,
                ], timeout: 60, argv0: ["/usr/bin/unshare"])
        } else {
            run = try home.run(["update", how, source], timeout: 60)
        }
        chmod(home.dataDirectory.path, 0o700)
        #expect(run.status == 1, "\(run)")
        #expect(
            run.stderr.contains(
                "cannot create a temporary file: " + (geteuid() == 0 ? "Read-only file system" : "Permission denied")),
            "\(run)")
        #expect(run.stderr.hasSuffix("; the previous registry is still active\n"), "\(run)")
        try expectPreviousIntact(home, old, "read-only \(how)")
    }

    @Test(
        "A full disk: update says why, leaves no partial file, and the previous copy stays active",
        .enabled(if: canMountPrivately, "needs root, unshare -m and mount for a tiny tmpfs"),
        arguments: ["--from", "--url"])
    func fullDisk(how: String) throws {
        let (home, old) = try homeWithPrevious()
        defer { home.cleanup() }
        let server = try TestHTTPServer.misbehaving(serving: sharedRegistryXML)
        defer { server.stop() }
        let source = how == "--from" ? sharedRegistryXML.path : server.url("full")
        let outside = home.url.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try old.write(to: outside.appendingPathComponent("old.bin"))
        // Room for the previous copy and 64 KiB more: the new one (or the download) cannot fit.
        let size = (old.count + 65_536 + 4_095) / 4_096 * 4_096
        let script = #"""
            dir="$1"; out="$2"; porthole="$3"; shift 3
            mount -t tmpfs -o size=\#(size),mode=0700 tmpfs "$dir" || exit 99
            cp "$out/old.bin" "$dir/registry.bin" && chmod 600 "$dir/registry.bin" || exit 98
            "$porthole" update "$@" >"$out/update.out" 2>"$out/update.err"; echo $? >"$out/update.rc"
            "$porthole" version >"$out/version.out" 2>"$out/version.err"
            cp "$dir/registry.bin" "$out/after.bin"
            ls -A "$dir" >"$out/listing"
            """#
        let run = try home.run(
            [
                "-m", "--propagation", "private", "/bin/sh", "-c", script, "sh", home.dataDirectory.path, outside.path,
                Porthole.executable.path, how, source,
            ], timeout: 90, argv0: ["/usr/bin/unshare"])
        #expect(run.status == 0, "\(run)")
        func read(_ name: String) -> String {
            (try? String(contentsOf: outside.appendingPathComponent(name), encoding: .utf8)) ?? "<missing>"
        }
        let stderr = read("update.err")
        #expect(read("update.rc") == "1\n", "\(stderr)")
        let expected =
            how == "--from"
            ? "cannot write: No space left on device"
            : "download failed: curl: (23) Failure writing output to destination"
        #expect(stderr.contains(expected), "\(stderr)")
        #expect(stderr.hasSuffix("; the previous registry is still active\n"), "\(stderr)")
        #expect(try Data(contentsOf: outside.appendingPathComponent("after.bin")) == old)
        #expect(read("listing") == "registry.bin\n", "temporary files left on the full disk")
        #expect(
            read("version.out").contains("registry: \(Self.previousName) at \(home.registryFile.path)"),
            "\(read("version.out"))")
        #expect(read("version.err").isEmpty, "\(read("version.err"))")
        // Outside the namespace the real folder was never touched.
        try expectPreviousIntact(home, old, "full disk \(how)")
    }

    @Test("kill -9 at random moments of update: the copy is the old one or the complete new one")
    func killedDuringTheSwap() throws {
        let built = try FaultRegistries.get()
        let home = try FaultHome()
        defer { home.cleanup() }
        try home.install(built.old)
        // How long a whole update takes here: the kills are spread over it (and a bit past).
        let full = try home.run(["update", "--from", sharedRegistryXML.path], timeout: 120)
        try #require(full.status == 0, "\(full)")
        #expect(try Data(contentsOf: home.registryFile) == built.new)
        let span = full.seconds * 1.2
        var generator = SystemRandomNumberGenerator()
        var outcomes: [String: Int] = [:]
        var strays = 0
        for round in 0..<12 {
            try home.install(built.old)
            for name in home.strayFiles() { unlink(home.dataDirectory.appendingPathComponent(name).path) }
            let delay = round == 0 ? 0 : Double.random(in: 0...span, using: &generator)
            let process = try TestProcess(
                [Porthole.executable.path, "update", "--from", sharedRegistryXML.path],
                environment: home.environment)
            usleep(UInt32(delay * 1_000_000))
            process.stop()
            let now = try Data(contentsOf: home.registryFile)
            let which = now == built.old ? "old" : now == built.new ? "new" : "partial"
            #expect(
                which != "partial", "round \(round), killed after \(delay) s: \(now.count) bytes that are neither copy")
            outcomes[which, default: 0] += 1
            // Temporary files may be left by a kill; they must never be taken for the registry.
            let left = home.strayFiles()
            strays += left.count
            #expect(left.allSatisfy { $0.hasPrefix(".registry-") || $0.hasPrefix(".download-") }, "\(left)")
            let version = try home.run(["version"], timeout: 30)
            #expect(version.status == 0 && version.stderr.isEmpty, "\(version)")
            let expected = which == "new" ? Self.newName : Self.previousName
            #expect(
                version.stdout.contains("registry: \(expected) at \(home.registryFile.path)"),
                "round \(round): \(version)")
        }
        print(
            "kill -9 during update: \(outcomes) (spread over \(String(format: "%.2f", span)) s), \(strays) temporary files left by kills"
        )
    }
}
