import PortSystem
import Testing

@Suite(.serialized) struct SignalTests {
    @Test func anInterruptSetsTheFlagAndClearingResetsIt() throws {
        try Signals.install(interruptRestartsCalls: true)
        Signals.clearInterrupt()
        #expect(!Signals.interrupted)
        raise(SIGINT)
        #expect(Signals.interrupted)
        #expect(Signals.terminatingSignal == nil)
        Signals.clearInterrupt()
        #expect(!Signals.interrupted)
    }

    @Test func aResizeIsTakenOnce() throws {
        try Signals.install(interruptRestartsCalls: false)
        _ = Signals.takeResize()
        raise(SIGWINCH)
        #expect(Signals.takeResize())
        #expect(!Signals.takeResize())
    }

    @Test func anInterruptHeldBackArrivesAfterTheBody() throws {
        try Signals.install(interruptRestartsCalls: true)
        Signals.clearInterrupt()
        let seenInside = Signals.holdingTerminations { () -> Bool in
            pthread_kill(pthread_self(), SIGINT)
            return Signals.interrupted
        }
        #expect(!seenInside)
        #expect(Signals.interrupted)
        Signals.clearInterrupt()
    }
}

@Suite struct ThreadTests {
    @Test func runsOnAnotherThreadAndJoins() throws {
        let caller = pthread_self()
        let other = try runOnOwnThread { pthread_self() }
        #expect(pthread_equal(caller, other) == 0)
        let box = ReadBack()
        let thread = try JoinableThread { box.bytes = [1, 2, 3] }
        thread.join()
        #expect(box.bytes == [1, 2, 3])
    }
}

@Suite struct ChildProcessTests {
    @Test func reportsTheStatusAndTheStandardError() throws {
        let outcome = try ChildProcess.run(["/bin/sh", "-c", "echo oops >&2; exit 3"], capturingStandardError: true)
        #expect(outcome.status == 3)
        #expect(outcome.standardError == Array("oops\n".utf8))
        let killed = try ChildProcess.run(["/bin/sh", "-c", "kill -TERM $$"], capturingStandardError: false)
        #expect(killed.status == 128 + SIGTERM)
    }

    #if os(Linux)
        @Test func theChildInheritsNoPipeOfOursButItsStandardError() throws {
            // Pipes made here are close-on-exec: only the dup2'd fd 2 reaches the child. (Other
            // descriptors the test runner left inheritable may show up; they are not ours.)
            let extra = try makePipe()
            defer {
                close(extra.reading)
                close(extra.writing)
            }
            var status = stat()
            #expect(fstat(extra.writing, &status) == 0)
            let outcome = try ChildProcess.run(
                ["/bin/sh", "-c", "ls -l /proc/$$/fd >&2"], capturingStandardError: true)
            let listing = String(decoding: outcome.standardError, as: UTF8.self)
            #expect(!listing.contains("pipe:[\(status.st_ino)]"), "\(listing)")
            #expect(listing.contains(" 2 -> pipe:["), "\(listing)")
        }
    #endif

    @Test func aMissingProgramIsASpawnFailure() {
        do {
            _ = try ChildProcess.run(["/nonexistent/curl"], capturingStandardError: true)
            Issue.record("spawned a missing program")
        } catch {
            #expect(error.step == .spawn && error.errno == Errno(ENOENT))
        }
    }

    @Test func feedingGivesTheInputToTheChildsStandardInput() throws {
        signal(SIGPIPE, SIG_IGN)
        let folder = "/tmp/porthole-feeding-\(getpid())"
        mkdir(folder, 0o700)
        defer { _ = try? ChildProcess.run(["/bin/rm", "-rf", folder], capturingStandardError: false) }
        let text = Array(repeating: "a line of text\n", count: 10_000).joined()
        // Found in PATH (sh), given every byte, and its status returned.
        let status = try ChildProcess.feeding(Array(text.utf8), to: ["sh", "-c", "cat > \(folder)/got; exit 4"])
        #expect(status == 4)
        let got = try ChildProcess.run(["/bin/sh", "-c", "wc -c < \(folder)/got >&2"], capturingStandardError: true)
        #expect(String(decoding: got.standardError, as: UTF8.self).hasPrefix("\(text.utf8.count)"))
        // A reader that leaves at once (a pager's q) is no failure.
        #expect(try ChildProcess.feeding(Array(text.utf8), to: ["/bin/true"]) == 0)
    }

    @Test func feedingAMissingProgramIsASpawnFailure() {
        do {
            _ = try ChildProcess.feeding([], to: ["porthole-no-such-pager"])
            Issue.record("spawned a missing program")
        } catch {
            #expect(error.step == .spawn && error.errno == Errno(ENOENT))
        }
    }
}
