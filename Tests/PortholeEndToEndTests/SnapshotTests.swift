import Foundation
import PortholeTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A python3 listener on ADDRESS:PORT under a chosen process name (`comm`, set with prctl),
/// IPv6 sockets with IPV6_V6ONLY set as asked; stopped with SIGKILL when the test lets it go.
final class SocketHolder {
    let process: TestProcess
    var pid: Int32 { process.pid }

    init?(address: String, port: Int, name: String, v6Only: Bool = false) throws {
        process = try TestProcess(
            [
                "/usr/bin/python3", "-u", "-c",
                """
                import ctypes, socket, sys, time
                address, port, name, v6only = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
                ctypes.CDLL(None).prctl(15, name.encode(), 0, 0, 0)
                family = socket.AF_INET6 if ":" in address else socket.AF_INET
                try:
                    s = socket.socket(family, socket.SOCK_STREAM)
                    if family == socket.AF_INET6:
                        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if v6only else 0)
                    s.bind((address, port))
                except OSError:
                    print("busy", flush=True); sys.exit(0)
                s.listen(4)
                print("ready", flush=True)
                time.sleep(120)
                """, address, String(port), name, v6Only ? "1" : "0",
            ], stdout: .pipe)
        guard process.readLine()?.hasPrefix("ready") == true else {
            process.stop()
            return nil
        }
    }

    /// Stops the process and waits until it is gone, so its port is free again.
    func stop() {
        process.stop()
        _ = process.wait(timeout: 5)
    }
}

/// `snapshot` and `diff` end to end: real listeners on loopback started and stopped by the
/// test, one private HOME for the baselines, and files that are not snapshots. Ports 40561-40563 (unassigned)
/// are the test's own; a test is cancelled when one is busy. Other processes on this host may
/// come and go meanwhile, so sentences are looked for by their port, not as the whole output.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"))
struct SnapshotTests {
    static func lines(_ run: TestRun, about port: Int) -> [String] {
        // Sentences are wrapped to 80 columns: join each one's lines back first.
        run.stdout.replacingOccurrences(of: "\n(?!\n|new: |gone: |changed: )", with: " ", options: .regularExpression)
            .split(separator: "\n").map(String.init).filter { $0.contains(" \(port)/tcp ") }
    }

    @Test func aBaselineThenANewListenerAnOwnerChangeAndAGoneOne() throws {
        let home = try TemporaryFolder()
        defer { home.cleanup() }
        let saved = try Porthole.run(["snapshot", "--save", "base"], home: home.url)
        #expect(saved.status == 0, "\(saved)")
        #expect(saved.stdout.contains("as baseline 'base'"))
        #expect(FileManager.default.fileExists(atPath: home.path + "/data/porthole/snapshots/base.json"))

        guard let first = try SocketHolder(address: "127.0.0.1", port: 40561, name: "porthole-a") else {
            try Test.cancel("port 40561 is in use on this host")
        }
        let appeared = try Porthole.run(["diff", "base"], home: home.url)
        #expect(appeared.status == 1, "\(appeared)")
        #expect(
            Self.lines(appeared, about: 40561) == [
                "new: porthole-a (pid \(first.pid), user \(Self.user)) listens on 40561/tcp at 127.0.0.1 — unregistered"
            ])

        #expect(try Porthole.run(["snapshot", "--save", "with-a"], home: home.url).status == 0)
        first.stop()
        guard let second = try SocketHolder(address: "127.0.0.1", port: 40561, name: "porthole-b") else {
            try Test.cancel("port 40561 was taken by another process")
        }
        let changed = try Porthole.run(["diff", "with-a"], home: home.url)
        #expect(changed.status == 1)
        #expect(
            Self.lines(changed, about: 40561) == [
                "changed: 40561/tcp at 127.0.0.1 — owner was porthole-a (pid \(first.pid), user \(Self.user)), now "
                    + "porthole-b (pid \(second.pid), user \(Self.user))"
            ])
        let json = try Porthole.run(["--json", "diff", "with-a"], home: home.url)
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let change = try #require(
            (object["changes"] as? [[String: Any]])?.first {
                ($0["identity"] as? [String: Any])?["port"] as? Int == 40561
            })
        #expect(change["action"] as? String == "changed")
        #expect(change["fields"] as? [String] == ["owner"])
        #expect(
            ((change["old"] as? [String: Any])?["owners"] as? [[String: Any]])?.first?["process"] as? String
                == "porthole-a")
        #expect(
            ((change["new"] as? [String: Any])?["owners"] as? [[String: Any]])?.first?["process"] as? String
                == "porthole-b")

        second.stop()
        let gone = try Porthole.run(["diff", "with-a"], home: home.url)
        #expect(gone.status == 1)
        #expect(
            Self.lines(gone, about: 40561) == [
                "gone: porthole-a (pid \(first.pid), user \(Self.user)) no longer listens on 40561/tcp at 127.0.0.1"
            ])

        // The listing, and `diff` alone taking the newest baseline.
        let list = try Porthole.run(["snapshot", "--list"], home: home.url)
        #expect(list.stdout.hasPrefix("NAME    TAKEN"))
        #expect(list.stdout.contains("\nwith-a  "))
        let newest = try Porthole.run(["diff"], home: home.url)
        #expect(newest.stdout.hasPrefix("Compared baseline 'with-a' "))
    }

    static let user = String(cString: getpwuid(getuid()).pointee.pw_name)

    @Test func nothingChangedIsStatusZero() throws {
        let home = try TemporaryFolder()
        defer { home.cleanup() }
        let file = home.file("now.json")
        #expect(try Porthole.run(["snapshot", file], home: home.url).status == 0)
        let same = try Porthole.run(["diff", file, file], home: home.url)
        #expect(same.status == 0)
        #expect(same.stdout.contains("No change: the same "))
        // The live host changes under other tests (some churn listeners on purpose): a quiet
        // moment between one snapshot and its diff, a few milliseconds apart, is waited for.
        var quiet = false
        for _ in 0..<30 where !quiet {
            let run = try Porthole.run(["-c", "snapshot --save now; diff now"], home: home.url)
            #expect(run.status == 0 || run.status == 1, "\(run)")
            quiet = run.status == 0 && run.stdout.contains("No change: the same ")
            if !quiet { usleep(500_000) }
        }
        if !quiet { try Test.cancel("this host's listeners changed in each of 30 tries over 15 s") }
        // In a script the status is the highest of its commands'.
        let script = try Porthole.run(
            ["-c", "diff \(file) \(file); diff /nonexistent/x.json; version"], home: home.url)
        #expect(script.status == 2)
        #expect(script.stderr.hasPrefix("porthole: diff: cannot read '/nonexistent/x.json': No such file or directory"))
    }

    @Test func aV6OnlyFlipAndAListenerOnIPv6Loopback() throws {
        let home = try TemporaryFolder()
        defer { home.cleanup() }
        guard let dual = try SocketHolder(address: "::", port: 40562, name: "porthole-v6", v6Only: false) else {
            try Test.cancel("IPv6 is not available, or port 40562 is in use")
        }
        #expect(try Porthole.run(["snapshot", "--save", "dual"], home: home.url).status == 0)
        dual.stop()
        guard let only = try SocketHolder(address: "::", port: 40562, name: "porthole-v6", v6Only: true),
            let loopback = try SocketHolder(address: "::1", port: 40563, name: "porthole-lo")
        else {
            try Test.cancel("port 40562 or 40563 was taken by another process")
        }
        defer {
            only.stop()
            loopback.stop()
        }
        let run = try Porthole.run(["diff", "dual"], home: home.url)
        #expect(run.status == 1)
        #expect(
            Self.lines(run, about: 40562) == [
                "changed: 40562/tcp at :: — owner was porthole-v6 (pid \(dual.pid), user \(Self.user)), now porthole-v6 "
                    + "(pid \(only.pid), user \(Self.user)); was IPv6 and IPv4, now IPv6 only"
            ])
        #expect(
            Self.lines(run, about: 40563) == [
                "new: porthole-lo (pid \(loopback.pid), user \(Self.user)) listens on 40563/tcp at ::1 — unregistered"
            ])
    }

    /// Files that are not snapshots porthole can read: each is a clear error with status 2,
    /// and the file is left as it was.
    @Test func badFilesAreRefusedClearly() throws {
        let home = try TemporaryFolder()
        defer { home.cleanup() }
        let good = home.file("good.json")
        #expect(try Porthole.run(["snapshot", good], home: home.url).status == 0)
        let bytes = try #require(home.read("good.json"))
        let text = String(decoding: bytes, as: UTF8.self)
        let cases: [(String, [UInt8], String)] = [
            ("cut.json", Array(bytes.prefix(bytes.count / 2)), "is cut short, or empty: the text ends where "),
            (
                "page.json", Array("<!doctype html>\n<p>hello".utf8),
                "is not JSON: '<' where a value should be at line 1, column 1 (byte 0)"
            ),
            (
                "future.json", Array(text.replacingOccurrences(of: #""version":1,"#, with: #""version":9,"#).utf8),
                "was written by a newer porthole (version 9); this one reads up to 1"
            ),
            (
                "other.json", Array(#"{"format":"osquery-differential","version":1}"#.utf8),
                #"is not a porthole snapshot: its format is "osquery-differential", not "porthole-snapshot""#
            ),
            ("empty.json", [], "is cut short, or empty: no JSON value: the text is empty"),
        ]
        for (name, content, reason) in cases {
            try home.write(name, content)
            let run = try Porthole.run(["diff", home.file(name)], home: home.url)
            #expect(run.status == 2, "\(name): \(run)")
            #expect(run.stdout == "")
            #expect(run.stderr.hasPrefix("porthole: diff: '\(home.file(name))' \(reason)"), "\(name): \(run.stderr)")
            #expect(home.read(name) == content, "\(name) was changed")
        }
        // A 1 GiB file (sparse: no blocks written) is refused by its size, unread.
        let huge = home.file("huge.json")
        #expect(FileManager.default.createFile(atPath: huge, contents: nil))
        #expect(truncate(huge, 1 << 30) == 0)
        let started = Date()
        let run = try Porthole.run(["diff", huge, good], home: home.url)
        #expect(run.status == 2)
        #expect(
            run.stderr
                == "porthole: diff: '\(huge)' is 1.0 GiB (1073741824 bytes); porthole reads snapshots of up to 64.0 MiB "
                + "(67108864 bytes), so it was not read\n")
        #expect(Date().timeIntervalSince(started) < 5)
        // A missing name is said as such.
        let missing = try Porthole.run(["diff", "no-such-baseline"], home: home.url)
        #expect(missing.status == 2)
        #expect(
            missing.stderr
                == "porthole: diff: cannot read 'no-such-baseline': No such file or directory (nor is a baseline saved "
                + "under that name; 'snapshot --list' shows them)\n")
    }

    /// A write that fails half way (the file-size limit, EFBIG) leaves the target as it was
    /// and no temporary file behind.
    @Test func aFailedWriteLeavesTheTargetUntouched() throws {
        let home = try TemporaryFolder()
        defer { home.cleanup() }
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let target = folder.file("ports.json")
        try folder.write("ports.json", Array("the previous snapshot\n".utf8))
        // 1 KiB is less than the header and one listener with python's long command line: on a
        // host where nothing else listens the snapshot is still larger than the limit.
        let listener = try NamedListener(port: 0)
        defer { listener?.process.stop() }
        let run = try TestProcess.run(
            [
                "/bin/bash", "-c", "trap '' XFSZ; ulimit -f 1; exec \"$0\" \"$@\"", Porthole.executable.path,
                "snapshot", target,
            ],
            environment: Porthole.environment(home: home.url))
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.hasPrefix("porthole: snapshot: \(folder.path)/.snapshot-"))
        #expect(run.stderr.hasSuffix(": cannot write: File too large; nothing was written\n"))
        #expect(folder.read("ports.json") == Array("the previous snapshot\n".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["ports.json"])
    }
}
