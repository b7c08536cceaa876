import Foundation
import PortholeTestSupport
import Testing

/// Real podman containers (runc, cgroupfs: what runs on this kind of machine, see
/// ../shared/design/lab.md), from an image made offline out of busybox-static: a published
/// port followed to httpd inside, two containers on the same inside port, one unpublished,
/// and one stopped while porthole scans. Everything started here is removed by name.
@Suite(
    .serialized,
    .enabled(if: geteuid() == 0, "needs root: podman's containers and their network namespaces"),
    .enabled(if: findExecutable("podman", preferring: ["/usr/bin/podman"]) != nil, "needs podman"),
    .enabled(if: FileManager.default.fileExists(atPath: "/bin/busybox"), "needs busybox-static")
)
struct ContainerTests {
    static let podman = findExecutable("podman", preferring: ["/usr/bin/podman"]) ?? "podman"
    static let prefix = "porthole-test-\(getpid())"
    static let image = "localhost/\(prefix):1"
    /// High loopback ports, spread by pid so parallel runs on one machine do not meet.
    static let base = 23000 + Int(getpid() % 2000) * 3

    @discardableResult
    static func pm(_ arguments: [String]) throws -> TestRun {
        try TestProcess.run(
            [podman, "--runtime", "runc", "--cgroup-manager", "cgroupfs"] + arguments, timeout: 60)
    }

    static func start(_ name: String, publish: String?, port: Int = 80) throws -> Int32 {
        let run = try pm(
            ["run", "-d", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", "--name", "\(prefix)-\(name)"]
                + (publish.map { ["-p", $0] } ?? []) + [image, "/bin/httpd", "-f", "-p", String(port)])
        guard run.status == 0 else { throw TestFailure("podman run \(name): \(run)") }
        let pid = try pm(["inspect", "-f", "{{.State.Pid}}", "\(prefix)-\(name)"]).stdout
        guard let pid = Int32(pid.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestFailure("no pid for \(name)")
        }
        return pid
    }

    static func teardown() {
        for name in ["t1", "t2", "t3", "t4"] { _ = try? pm(["rm", "-f", "-t", "0", "\(prefix)-\(name)"]) }
        _ = try? pm(["rmi", "-f", image])
    }

    /// The image, offline: busybox and an httpd link in a temporary root, imported.
    static func makeImage() throws {
        let folder = try TemporaryFolder(prefix: "porthole-box")
        defer { folder.cleanup() }
        let root = folder.path + "/root"
        try FileManager.default.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: root + "/bin/busybox")
        try FileManager.default.createSymbolicLink(atPath: root + "/bin/httpd", withDestinationPath: "busybox")
        let run = try TestProcess.run(["/bin/sh", "-c", "tar -C '\(root)' -c . | '\(podman)' import - '\(image)'"])
        guard run.status == 0 else { throw TestFailure("podman import: \(run)") }
    }

    @Test func publishedPortsAreFollowedIntoTheirContainers() throws {
        defer { Self.teardown() }
        try Self.makeImage()
        let (p1, p2) = (Self.base, Self.base + 1)
        let t1: Int32
        do {
            t1 = try Self.start("t1", publish: "127.0.0.1:\(p1):80")
        } catch {
            try Test.cancel("podman cannot run containers here: \(error)")
        }
        let t2 = try Self.start("t2", publish: "127.0.0.1:\(p2):80")
        let t3 = try Self.start("t3", publish: nil, port: 8080)

        let text = try Porthole.run(["who", String(p1)])
        #expect(text.status == 0)
        let flat = text.stdout.replacingOccurrences(of: "\n", with: " ")
        #expect(text.stdout.contains("conmon/"), "\(text)")
        #expect(
            flat.contains(
                "\(p1)/tcp: conmon forwards to container \(Self.prefix)-t1 (podman "), "\(text)")
        #expect(
            flat.contains("\(Self.image)) port 80/tcp, where httpd (pid \(t1)) listens (learned from podman ps)"),
            "\(text)")

        // Two containers on the same inside port: each published port lands in its own.
        for (port, pid, name) in [(p1, t1, "t1"), (p2, t2, "t2")] {
            let run = try Porthole.run(["--json", "who", String(port)])
            let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
            let listener = try #require((object?["listeners"] as? [[String: Any]])?.first, "\(run)")
            let forwards = try #require(listener["forwardsTo"] as? [String: Any], "\(run)")
            let container = try #require(forwards["container"] as? [String: Any])
            #expect(container["name"] as? String == "\(Self.prefix)-\(name)")
            #expect(container["runtime"] as? String == "podman" && container["image"] as? String == Self.image)
            #expect((container["id"] as? String)?.count == 64)
            #expect(forwards["port"] as? Int == 80 && forwards["learnedFrom"] as? String == "podman ps")
            let served = try #require((forwards["servedBy"] as? [[String: Any]])?.first)
            #expect(served["pid"] as? Int == Int(pid) && served["process"] as? String == "httpd")
            #expect((served["container"] as? [String: Any])?["name"] as? String == "\(Self.prefix)-\(name)")
        }

        // Every namespace: listeners grouped under their containers, the unpublished one too.
        let all = try Porthole.run(["who", "--all-netns", "80", "8080", "--wide"], environment: ["COLUMNS": "300"])
        for (pid, name) in [(t1, "t1"), (t2, "t2"), (t3, "t3")] {
            #expect(all.stdout.contains("In container \(Self.prefix)-\(name) (podman "), "\(all)")
            #expect(all.stdout.contains("httpd/\(pid) [podman \(Self.prefix)-\(name)]"), "\(all)")
        }
    }

    @Test func aContainerStoppedMidScanIsSaidSo() throws {
        defer { Self.teardown() }
        try Self.makeImage()
        let port = Self.base + 2
        do {
            _ = try Self.start("t4", publish: "127.0.0.1:\(port):80")
        } catch {
            try Test.cancel("podman cannot run containers here: \(error)")
        }
        let home = try Porthole.temporaryHome()
        defer { try? FileManager.default.removeItem(at: home) }
        // porthole reads the sockets, then waits (the test delay) before asking podman.
        let scan = try TestProcess(
            [Porthole.executable.path, "who", String(port)],
            environment: Porthole.environment(home: home, extra: ["PORTHOLE_TEST_SCAN_DELAY": "3"]))
        defer { scan.stop() }
        var pause = timespec(tv_sec: 1, tv_nsec: 0)
        nanosleep(&pause, nil)
        try Self.pm(["rm", "-f", "-t", "0", "\(Self.prefix)-t4"])
        #expect(scan.wait(timeout: 30))
        let out = scan.stdout.replacingOccurrences(of: "\n", with: " ")
        #expect(
            out.contains("which podman ps no longer lists as running: it stopped during the scan"), "\(scan.stdout)")
        #expect(!out.contains("httpd"))
    }
}
