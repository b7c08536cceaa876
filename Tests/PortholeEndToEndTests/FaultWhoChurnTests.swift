import Foundation
import PortholeTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `who` while listeners are born and die around it: no crash, and no socket is ever
/// attributed to a process that did not hold it.
@Suite("Faults: who under process churn", .enabled(if: havePython, "needs /usr/bin/python3"))
struct FaultWhoChurnTests {
    /// Unique to this test process, so churn children of another run of the suite going on at
    /// the same time (a sanitizer build, say) are told apart from ours.
    static let marker = "porthole-fault-churn-\(UUID().uuidString)"

    /// Forks short-lived children, a dozen alive at a time; each binds 127.0.0.1:0, appends
    /// "pid port" to the truth file (before listen, so nothing listens unrecorded), listens
    /// for 10–250 ms and exits. Stops (reaping every child) when the stop file appears, or
    /// after the time limit.
    static let churnScript = """
        import os, random, signal, socket, sys, time
        # \(marker)
        truth, stop, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
        fd = os.open(truth, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        children = set()
        deadline = time.time() + limit
        def reap(block):
            while children:
                try:
                    pid, _ = os.waitpid(-1, 0 if block else os.WNOHANG)
                except ChildProcessError:
                    children.clear()
                    return
                if pid == 0:
                    return
                children.discard(pid)
        while time.time() < deadline and not os.path.exists(stop):
            reap(False)
            while len(children) < 12:
                pid = os.fork()
                if pid == 0:
                    try:
                        random.seed(os.getpid() ^ int(time.time() * 1e6))
                        s = socket.socket()
                        s.bind(("127.0.0.1", 0))
                        os.write(fd, b"%d %d\\n" % (os.getpid(), s.getsockname()[1]))
                        s.listen(4)
                        time.sleep(random.uniform(0.01, 0.25))
                    finally:
                        os._exit(0)
                children.add(pid)
            time.sleep(0.005)
        for pid in list(children):
            try: os.kill(pid, signal.SIGKILL)
            except OSError: pass
        reap(True)
        """

    struct Observation {
        let port: Int
        let pid: Int
        let command: String
        let run: Int
    }

    @Test(
        "≥100 runs of who during ≥200 short-lived listeners: no crash, no misattributed owner", .timeLimit(.minutes(2)))
    func whoUnderChurn() throws {
        let home = try FaultHome()
        defer { home.cleanup() }
        let truthPath = home.url.appendingPathComponent("truth").path
        let stopPath = home.url.appendingPathComponent("stop").path
        let churn = try TestProcess(
            ["/usr/bin/python3", "-c", Self.churnScript, truthPath, stopPath, "60"],
            environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        defer {
            FileManager.default.createFile(atPath: stopPath, contents: nil)
            if !churn.wait(timeout: 5) { churn.stop() }
        }
        func truthLines() -> [(pid: Int, port: Int)] {
            let text = String(decoding: FileManager.default.contents(atPath: truthPath) ?? Data(), as: UTF8.self)
            return text.split(separator: "\n").compactMap { line in
                let parts = line.split(separator: " ")
                guard parts.count == 2, let pid = Int(parts[0]), let port = Int(parts[1]) else { return nil }
                return (pid, port)
            }
        }
        let warmUp = monotonicSeconds() + 20
        while truthLines().count < 12, monotonicSeconds() < warmUp, !churn.poll() { usleep(10_000) }
        try #require(truthLines().count >= 12, "the churn script did not start: \(churn.stderr)")

        let start = monotonicSeconds()
        var observations: [Observation] = []
        var runs = 0
        var failures: [String] = []
        while (runs < 100 || truthLines().count < 200) && monotonicSeconds() - start < 60 {
            // Mostly the whole table; every third run one port that was just born.
            var arguments = ["--json", "who"]
            if runs % 3 == 2, let last = truthLines().last { arguments.append(String(last.port)) }
            let run = try home.run(arguments, timeout: 30)
            runs += 1
            guard run.status == 0,
                let object = try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
                let listeners = object["listeners"] as? [[String: Any]]
            else {
                failures.append("run \(runs) \(arguments): \(run)")
                continue
            }
            for listener in listeners
            where listener["address"] as? String == "127.0.0.1" && listener["transport"] as? String == "tcp" {
                guard let port = listener["port"] as? Int else { continue }
                for owner in listener["owners"] as? [[String: Any]] ?? [] {
                    observations.append(
                        Observation(
                            port: port, pid: owner["pid"] as? Int ?? -1, command: owner["command"] as? String ?? "",
                            run: runs))
                }
            }
        }
        FileManager.default.createFile(atPath: stopPath, contents: nil)
        #expect(churn.wait(timeout: 10), "the churn script did not stop")
        let elapsed = monotonicSeconds() - start

        let truth = truthLines()
        var portsOf: [Int: Set<Int>] = [:]
        var churnPorts: Set<Int> = []
        for entry in truth {
            portsOf[entry.pid, default: []].insert(entry.port)
            churnPorts.insert(entry.port)
        }
        #expect(failures.isEmpty, "\(failures.count) runs failed:\n\(failures.prefix(3).joined(separator: "\n"))")
        #expect(runs >= 100)
        #expect(truth.count >= 200, "only \(truth.count) churn processes")

        var churnSeen = 0
        var foreign = 0
        var wrong: [String] = []
        for o in observations {
            let isChurnProcess = portsOf[o.pid] != nil || o.command.contains(Self.marker)
            if isChurnProcess {
                churnSeen += 1
                if !(portsOf[o.pid]?.contains(o.port) ?? false) {
                    wrong.append(
                        "run \(o.run): port \(o.port) attributed to pid \(o.pid) (\(o.command.prefix(60))), which held \(portsOf[o.pid].map { "\($0.sorted())" } ?? "no port")"
                    )
                }
            } else if churnPorts.contains(o.port) {
                // Another program reusing a port a churn child once had: not ours to judge.
                foreign += 1
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) misattributions:\n\(wrong.prefix(10).joined(separator: "\n"))")
        // The runs must actually have caught churn listeners with their owners.
        #expect(churnSeen >= 50, "only \(churnSeen) owned churn listeners seen")
        print(
            "who under churn: \(runs) runs in \(String(format: "%.1f", elapsed)) s, \(truth.count) listeners born, \(churnSeen) owner attributions checked, \(foreign) on reused ports by other programs"
        )
    }
}
