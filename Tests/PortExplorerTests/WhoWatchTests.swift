import PortListeners
import PortRegistry
import Testing

@testable import PortExplorer

/// `who --watch` over a fixed host whose territory changes at each pause, as a script runs it.
@Suite struct WhoWatchTests {
    static let second = Listener(
        transport: .tcp, address: "127.0.0.1", port: 2991, uid: 1000, user: "alice", inode: 1002, v6Only: nil,
        owners: [
            Territory.owner("python3", pid: 4242, command: "python3 -m http.server 2991", user: "alice", uid: 1000),
            Territory.owner("sh", pid: 4300, command: "sh", user: "alice", uid: 1000),
        ])

    /// Runs `line` in a script session; at pause N the territory becomes `steps[N - 1]`, and
    /// after the last step Ctrl-C arrives.
    func watch(_ line: String, steps: [[Listener]], format: OutputFormat = .text) -> (RecordedOutput, Int32, FixedHost)
    {
        let host = Territory.host(territory: [Territory.sshd])
        var pressed = false
        host.interrupted = { pressed }
        host.paused = { host in
            if host.pauses <= steps.count { host.territory = steps[host.pauses - 1] } else { pressed = true }
        }
        let explorer = makeExplorer(host: host, format: format)
        let output = RecordedOutput()
        var lines = GivenLines(text: line)
        let status = explorer.converse(&lines, transcript: Transcript(explorer: explorer, output: output))
        return (output, status, host)
    }

    @Test func printsTheListingThenOneLinePerChangeUntilCtrlC() {
        let (output, status, host) = watch(
            "who --watch --interval 0.5",
            steps: [
                [Territory.sshd],
                [Territory.sshd, Territory.python],
                [Territory.sshd, Self.second],
                [Self.second],
                [],
            ])
        #expect(status == 130)
        #expect(host.pauses == 6)
        #expect(host.requests.allSatisfy(\.polling) && host.requests.count == 6)
        let lines = output.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        // The listing as `who` gives it, then the changes: none at the first pause.
        #expect(lines[0] == "PROTO  ADDRESS  PORT  PROCESS   USER  REGISTERED  VERDICT")
        let changes = Array(lines.drop { !$0.hasPrefix("+") && !$0.hasPrefix("-") && !$0.hasPrefix("~") })
        let expected: [String] = [
            "+ 10:40:48 new: python3 (pid 4242, user alice) listens on 2991/tcp at 127.0.0.1, registered to "
                + "wkstn-mon — differs",
            "~ 10:40:49 changed: 2991/tcp at 127.0.0.1 — owner was python3 (pid 4242, user alice), now python3 "
                + "(pid 4242, user alice) and sh (pid 4300, user alice)",
            "- 10:40:50 gone: sshd (pid 812, user root) no longer listens on 22/tcp at 0.0.0.0",
            "- 10:40:51 gone: python3 (pid 4242, user alice) and sh (pid 4300, user alice) no longer listens on "
                + "2991/tcp at 127.0.0.1",
            "",
        ]
        #expect(changes.map(String.init) == expected, "\(output.stdout)")
    }

    @Test func jsonGivesOneLinePerChange() {
        let (output, _, _) = watch("who 2991 --watch", steps: [[Territory.python], []], format: .json)
        let lines = output.stdout.split(separator: "\n")
        #expect(lines.count == 3, "\(output.stdout)")
        #expect(lines[0].hasPrefix(#"{"command":"who","ok":true,"expected":"#))
        // diff's object for the change, and the time.
        #expect(
            lines[1].hasPrefix(
                #"{"command":"who","ok":true,"action":"added","identity":{"transport":"tcp","port":2991,"#),
            "\(lines[1])")
        #expect(lines[1].contains(#""new":{"transport":"tcp","address":"127.0.0.1""#), "\(lines[1])")
        #expect(lines[1].hasSuffix(#""time":"2026-11-27T10:40:47Z"}"#), "\(lines[1])")
        #expect(lines[2].contains(#""action":"removed""#) && lines[2].contains(#""pid":4242"#))
    }

    /// A server restarted on the same port by another process is one change, as `diff` says it.
    @Test func aRestartIsOneChangeAsDiffSaysIt() {
        let restarted = Listener(
            transport: .tcp, address: "127.0.0.1", port: 2991, uid: 1000, user: "alice", inode: 9999, v6Only: nil,
            owners: [Territory.owner("python3", pid: 5151, command: "python3", user: "alice", uid: 1000)])
        let (output, _, _) = watch("who 2991 --watch", steps: [[Territory.python], [restarted]])
        let changes = output.stdout.split(separator: "\n").filter { $0.hasPrefix("~") }
        let expected =
            "~ 10:40:48 changed: 2991/tcp at 127.0.0.1 — owner was python3 (pid 4242, user alice), now python3 "
            + "(pid 5151, user alice)"
        #expect(changes.map(String.init) == [expected], "\(output.stdout)")
    }

    @Test(arguments: [
        ("who --interval 2", "who: --interval sets how often --watch looks; give --watch too"),
        ("who --watch --interval 0", "who: --interval expects seconds from 0.1 to 3600, not '0'"),
        ("who --watch --interval soon", "who: --interval expects seconds from 0.1 to 3600, not 'soon'"),
        ("who --watch --probe", "who: --probe talks to every listener; it cannot be repeated with --watch"),
        ("who --watch", "who: --watch writes as it goes, and nothing here reads as it goes"),
    ])
    func misuseIsNamed(line: String, message: String) {
        #expect(failure(of: line, in: makeExplorer(host: Territory.host())) == message)
    }
}
