import Foundation
import PortholeTestSupport
import Testing

/// A python3 process listening on 127.0.0.1:PORT, optionally under another process name
/// (`comm`, set with prctl); stopped with SIGKILL by pid when the test lets it go.
final class NamedListener {
    let process: TestProcess
    var pid: Int32 { process.pid }

    init?(port: Int, name: String? = nil, udp: Bool = false) throws {
        process = try TestProcess(
            [
                "/usr/bin/python3", "-u", "-c",
                """
                import ctypes, socket, sys, time
                port, name, udp = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "udp"
                if name:
                    ctypes.CDLL(None).prctl(15, name.encode(), 0, 0, 0)
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    print("busy", flush=True); sys.exit(0)
                if not udp: s.listen(4)
                print("ready", flush=True)
                time.sleep(120)
                """, String(port), name ?? "", udp ? "udp" : "tcp",
            ], stdout: .pipe)
        guard process.readLine()?.hasPrefix("ready") == true else {
            process.stop()
            return nil
        }
    }
}

/// `who` end to end: real listeners on loopback, joined with the embedded registry
/// (2991 is wkstn-mon; 40001-40403 is unassigned; 49152 and up is the dynamic range).
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"))
struct WhoTests {
    static func listeners(_ run: TestRun) throws -> [[String: Any]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["command"] as? String == "who")
        #expect(object["ok"] as? Bool == true)
        return try #require(object["listeners"] as? [[String: Any]])
    }

    @Test func aListenerOnSomeoneElsesPortDiffers() throws {
        guard let listener = try NamedListener(port: 2991) else { try Test.cancel("port 2991 is in use on this host") }
        let text = try Porthole.run(["who", "2991"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("tcp    127.0.0.1  2991  python3/\(listener.pid)"))
        #expect(text.stdout.contains("wkstn-mon   differs"))
        #expect(
            text.stdout.contains("2991/tcp: the map says wkstn-mon; the territory says python3, pid \(listener.pid)"))

        let rows = try Self.listeners(try Porthole.run(["--json", "who", "2991"]))
        let row = try #require(rows.first { ($0["address"] as? String) == "127.0.0.1" })
        #expect(row["transport"] as? String == "tcp")
        #expect(row["port"] as? Int == 2991)
        #expect(row["registered"] as? [String] == ["wkstn-mon"])
        #expect(row["verdict"] as? String == "differs")
        #expect(row["ownerVisible"] as? Bool == true)
        #expect(row["user"] as? String == "root" || getuid() != 0)
        #expect((row["inode"] as? Int ?? 0) > 0)
        let owner = try #require((row["owners"] as? [[String: Any]])?.first)
        #expect(owner["pid"] as? Int == Int(listener.pid))
        #expect(owner["process"] as? String == "python3")
        #expect((owner["command"] as? String)?.hasPrefix("/usr/bin/python3 -u -c") == true)
        #expect((owner["startedAt"] as? String)?.hasSuffix("Z") == true)
    }

    @Test func aProcessNamedLikeTheServiceMatches() throws {
        guard let listener = try NamedListener(port: 2991, name: "wkstn-mon") else {
            try Test.cancel("port 2991 is in use on this host")
        }
        let rows = try Self.listeners(try Porthole.run(["--json", "who", "wkstn-mon"]))
        let row = try #require(
            rows.first { ($0["owners"] as? [[String: Any]])?.first?["pid"] as? Int == Int(listener.pid) })
        #expect(row["verdict"] as? String == "matches")
        #expect(row["explanation"] as? String == "the map says wkstn-mon; wkstn-mon, pid \(listener.pid) looks like it")
    }

    @Test func unassignedAndDynamicPortsAreSaidSo() throws {
        guard let unassigned = try NamedListener(port: 40123), let dynamic = try NamedListener(port: 50123, udp: true)
        else {
            try Test.cancel("port 40123/tcp or 50123/udp is in use on this host")
        }
        let rows = try Self.listeners(try Porthole.run(["--json", "who"]))
        let mine = { (pid: Int32) in
            rows.first { ($0["owners"] as? [[String: Any]])?.contains { $0["pid"] as? Int == Int(pid) } == true }
        }
        let u = try #require(mine(unassigned.pid))
        #expect(u["verdict"] as? String == "unregistered")
        #expect(u["registered"] as? [String] == [])
        let d = try #require(mine(dynamic.pid))
        #expect(d["transport"] as? String == "udp")
        #expect(d["verdict"] as? String == "dynamic")

        let text = try Porthole.run(["who"])
        #expect(
            text.stdout.range(
                of: #"\d+ listeners?, \d+ on ports registered to something else, \d+ on unregistered ports"#,
                options: .regularExpression) != nil)
        let summary =
            try #require(
                try JSONSerialization.jsonObject(with: Data(try Porthole.run(["--json", "who"]).stdout.utf8))
                    as? [String: Any])["summary"] as? [String: Int]
        #expect((summary?["unregistered"] ?? 0) >= 1 && (summary?["dynamic"] ?? 0) >= 1)
    }

    @Test func nothingListeningSaysWhatTheMapExpects() throws {
        // 2991/udp: the test binds only tcp there, if anything.
        let run = try Porthole.run(["who", "2991", "udp"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("Nothing listens on 2991 (udp) here. The registry expects wkstn-mon (udp) there."))
        let json =
            try JSONSerialization.jsonObject(
                with: Data(try Porthole.run(["--json", "who", "2991", "udp"]).stdout.utf8)) as? [String: Any]
        #expect((json?["expected"] as? [[String: Any]])?.first?["name"] as? String == "wkstn-mon")
    }

    @Test(arguments: [
        (["who", "65536"], "porthole: who: port 65536 is out of range; ports run from 0 to 65535\n"),
        (
            ["who", "~monitor"],
            "porthole: who: keywords search the registry; use 'lookup ~monitor' and then 'who PORT'\n"
        ),
        (["who", "22", "--pid", "x"], "porthole: who: --pid expects a whole number from 1 to 2147483647, not 'x'\n"),
        (
            ["who", "wkstn-mn"],
            "porthole: who: no service named 'wkstn-mn' in the registry; did you mean 'wkstn-mon'?\n"
        ),
        (["who", "80/sctp"], "porthole: who: porthole finds tcp and udp listeners, not sctp\n"),
    ])
    func badArgumentsAreNamed(arguments: [String], message: String) throws {
        let run = try Porthole.run(arguments)
        #expect(run.status == 1)
        #expect(run.stderr == message)
    }
}
