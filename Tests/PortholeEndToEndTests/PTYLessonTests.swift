import Foundation
import PortholeTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Lessons taken as a student takes them: typed at the prompt of a real pseudo-terminal.
@Suite("Lessons on a pseudo-terminal", .timeLimit(.minutes(2)))
struct PTYLessonTests {
    @Test("Lesson 1 end to end: Enter runs a step, Tab completes, a wrong prediction is corrected, Ctrl-C leaves")
    func lessonOne() throws {
        let session = try PTYSession.atPrompt(environment: ["PAGER": "cat"], columns: 80)
        defer { session.close() }
        try session.line("lesson 1")
        try session.expect("Lesson 1: The three port ranges")
        try session.expect("Type 'map', or press Enter to have it run.")
        try session.expectPrompt("lesson 1 (1/5)> ")
        // The student types the command, with Tab.
        try session.send("ma\t")
        try session.line("")
        try session.expect("All 65,536 ports to scale")
        try session.expect("Predict: Which range is port 50000 in? (system/user/dynamic)")
        try session.expectPrompt("lesson 1 (2/5)> ")
        try session.line("user")
        try session.expect("Port 50000")
        try session.expect("Not this time: you said user, the answer is dynamic.")
        try session.expectPrompt("lesson 1 (3/5)> ")
        try session.line("user")
        try session.expect("Right: user.")
        try session.expectPrompt("lesson 1 (4/5)> ")
        try session.send("\u{3}")
        try session.expect("Left lesson 1 at step 4 of 5; 'lesson 1' resumes there.")
        try session.expectPrompt()
        try session.command("lesson", answers: "at step 4 of 5")
        #expect(try session.controlD() == 0)
        let saved = try String(
            contentsOf: session.home.appendingPathComponent("state/porthole/lessons"), encoding: .utf8)
        #expect(saved == "1 3\n")
    }

    /// Each step of a lesson as `lesson N --print --json` gives it: its kind and, for a
    /// prediction, its choices.
    static func steps(of lesson: Int) throws -> [(kind: String, choices: [String])] {
        let run = try Porthole.run(["--json", "lesson", String(lesson), "--print"])
        var steps: [(kind: String, choices: [String])] = []
        for line in run.stdout.split(separator: "\n") {
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard object["command"] as? String == "lesson", let kind = object["kind"] as? String else { continue }
            steps.append((kind, object["choices"] as? [String] ?? []))
        }
        return steps
    }

    @Test(
        "Lessons 1, 2, 3 and 5 taken whole at the prompt: Enter at each command, the first choice at each prediction",
        arguments: [1, 2, 3, 5])
    func wholeLesson(number: Int) throws {
        let steps = try Self.steps(of: number)
        #expect(!steps.isEmpty)
        let session = try PTYSession.atPrompt(
            environment: ["PAGER": "cat"], columns: 80, launcher: Self.isolated ?? [])
        defer { session.close() }
        try session.line("lesson \(number)")
        for (index, step) in steps.enumerated() {
            try session.expect("Step \(index + 1) of \(steps.count)")
            switch step.kind {
            case "command":
                try session.expectPrompt("lesson \(number) (\(index + 1)/\(steps.count))> ")
                try session.line("")
            case "predict":
                try session.expectPrompt("lesson \(number) (\(index + 1)/\(steps.count))> ")
                let choice = try #require(step.choices.first)
                try session.line(choice)
            default:
                Issue.record("lesson \(number) has a \(step.kind) step, which needs a listener")
            }
        }
        try session.expect("Lesson \(number) done", timeout: 20)
        try session.expectPrompt()
        try session.command("lesson", answers: "\(number). ")
        #expect(try session.controlD() == 0)
        let saved = try String(
            contentsOf: session.home.appendingPathComponent("state/porthole/lessons"), encoding: .utf8)
        #expect(saved == "\(number) done\n")
    }

    @Test(
        "Lesson 4 end to end: porthole sees the student's server start and stop, in a network namespace of its own",
        .enabled(if: geteuid() == 0, "needs root: unshare --net")
    )
    func lessonFour() throws {
        guard let launcher = Self.isolated else { try Test.cancel("iproute2's ip is not installed") }
        let session = try PTYSession.atPrompt(environment: ["PAGER": "cat"], columns: 80, launcher: launcher)
        defer { session.close() }
        try session.line("lesson 4")
        try session.expectPrompt("lesson 4 (1/7)> ")
        try session.line("")
        try session.expect("Nothing listens")
        try session.expectPrompt("lesson 4 (2/7)> ")
        try session.line("yes")
        try session.expect("You said yes. You will see.")
        try session.expect("Waiting until something listens on 2991/tcp")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lesson-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try TestProcess([
            "/usr/bin/nsenter", "--target", String(session.pid), "--net", "--", "/usr/bin/python3", "-m",
            "http.server", "2991", "--bind", "127.0.0.1", "--directory", folder.path,
        ])
        defer { server.stop() }
        try session.expect("listens on 2991/tcp at 127.0.0.1.", timeout: 20)
        try session.expect("2991/tcp: the map says wkstn-mon; the territory says python3")
        try session.expect("Not this time: you said yes, the answer is no. The program holding the socket is")
        try session.expectPrompt("lesson 4 (5/7)> ")
        try session.line("explain 2991")
        try session.expect("Waiting until nothing listens on 2991/tcp")
        server.stop()
        try session.expect("2991/tcp is closed again: nothing listens on it.", timeout: 20)
        try session.expectPrompt("lesson 4 (7/7)> ")
        try session.line("")
        try session.expect("Lesson 4 done: 0 of 1 prediction right.")
        try session.expectPrompt()
        #expect(try session.controlD() == 0)
    }

    @Test("'porthole lesson 2' from a shell keeps a prompt while the lesson goes, and ends with it")
    func fromTheShell() throws {
        let session = try PTYSession.fresh(
            arguments: ["--color", "never", "lesson", "2"], environment: ["PAGER": "cat"], columns: 80)
        defer { session.close() }
        try session.expectPrompt("lesson 2 (1/5)> ", timeout: 20)
        try session.line("")
        try session.expect("How a port is assigned")
        try session.expectPrompt("lesson 2 (2/5)> ")
        try session.line("stop")
        try session.expect("Left lesson 2 at step 2 of 5; 'lesson 2' resumes there.")
        #expect(try session.waitForExit() == 0)
        // Piped, the same words only answer: nothing waits for a reply.
        let piped = try Porthole.run(["lesson", "2", "--print"])
        #expect(piped.status == 0)
        #expect(piped.stdout.contains("Step 5 of 5"))
    }

    /// Runs porthole in a network namespace of its own, where only loopback is up: port 2991 is
    /// the lessons', and other tests' listeners stay out. Nil without root or iproute2.
    static let isolated: [String]? = {
        guard geteuid() == 0,
            let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip"].first(where: FileManager.default.isExecutableFile)
        else { return nil }
        return ["/usr/bin/unshare", "--net", "--", "/bin/sh", "-c", "\(ip) link set lo up && exec \"$@\"", "sh"]
    }()

    @Test("Ctrl-C while a lesson waits for a listener leaves the lesson; the prompt comes back")
    func leaveWhileWaiting() throws {
        let session = try PTYSession.atPrompt(
            environment: ["PAGER": "cat"], columns: 80, launcher: Self.isolated ?? [])
        defer { session.close() }
        try session.line("lesson 4 --restart")
        try session.expectPrompt("lesson 4 (1/7)> ")
        try session.line("version")
        try session.expect("This step asks for 'who'")
        try session.expectPrompt("lesson 4 (1/7)> ")
        try session.line("who")
        try session.expectPrompt("lesson 4 (2/7)> ")
        try session.line("n")
        try session.expect("Ctrl-C leaves the lesson.")
        // Outside a namespace of its own, something may listen on 2991 already: the wait then
        // passes by itself, and Ctrl-C at the lesson's prompt leaves it as well.
        try session.send("\u{3}")
        if Self.isolated != nil { try session.expect("Left lesson 4 at step 3 of 7; 'lesson 4' resumes there.") }
        try session.expectPrompt()
        #expect(try session.controlD() == 0)
    }
}
