import PortListeners
import PortRegistry
import Testing

@testable import PortExplorer

/// A lesson taken through the session's one loop, with the student's lines given in advance.
private func take(
    _ lines: [String], host: FixedHost = Territory.host(), input: InputMode = .script, width: Int = 80,
    format: OutputFormat = .text
) -> (stdout: String, stderr: String, status: Int32, explorer: Explorer) {
    let explorer = Explorer(
        host: host, environment: ExplorerEnvironment(input: input, terminalWidth: { width }),
        settings: Settings(format: format))
    let output = RecordedOutput()
    var source = GivenLines(lines.map { .text($0) })
    let status = explorer.converse(&source, transcript: Transcript(explorer: explorer, output: output))
    return (output.stdout, output.stderr, status, explorer)
}

@Suite("Lessons at the prompt")
struct LessonTests {
    @Test("'lesson' lists every lesson with its length, goal and the student's progress")
    func listing() throws {
        let host = Territory.host()
        host.stateFiles[.lessons] = "1 done\n3 2\n"
        let text = try Territory.text("lesson", in: makeExplorer(host: host))
        #expect(
            text.hasPrefix("1. The three port ranges\n   5 steps, 10 minutes · done\n   Tell System, User and Dynamic"))
        #expect(text.contains("3. Ghosts, and how to argue about evidence\n   5 steps, 15 minutes · at step 3 of 5\n"))
        #expect(text.contains("2. How a port gets its name\n   5 steps, 10 minutes · not started\n"))
        let json = try Territory.json("lesson", in: makeExplorer(host: host))
        guard case .array(let lessons)? = json["lessons"] else {
            Issue.record("no lessons array")
            return
        }
        #expect(lessons.count == Lessons.all.count)
    }

    @Test("Progress survives a damaged state file line by line")
    func progressFile() {
        let progress = LessonProgress(text: "1 done\ngarbage\n2 -4\n4 3\n\u{1B}[31m\n5 x\n")
        #expect(progress.standing(of: 1) == .done)
        #expect(progress.standing(of: 2) == .notStarted)
        #expect(progress.standing(of: 4) == .at(step: 3))
        #expect(progress.standing(of: 5) == .notStarted)
        #expect(progress.text == "1 done\n4 3\n")
        #expect(LessonProgress(text: nil).text == "")
    }

    @Test("Each lesson fits in fifteen minutes, and every command it suggests is a valid porthole command")
    func lessonsAreSound() throws {
        #expect(Lessons.all.count >= 5)
        #expect(Lessons.all.map(\.number) == Array(1...Lessons.all.count))
        for lesson in Lessons.all {
            #expect(lesson.minutes <= 15, "lesson \(lesson.number)")
            for step in lesson.steps {
                // A step's text is a few lines, not a page.
                #expect(Wrap.text(step.text, width: 60).split(separator: "\n").count <= 8, "\(step.text)")
                guard let command = step.command else { continue }
                let words = try #require(try Tokenizer.commands(in: command).first)
                let spec = try #require(CommandTable.command(named: words[0]), "\(command)")
                #expect(throws: Never.self) { try Invocation(spec: spec, words: words.dropFirst()) }
            }
        }
    }

    @Test("A wrong prediction is marked wrong, with the right answer and the live reason after the evidence")
    func wrongPrediction() {
        let host = Territory.host()
        let run = take(["lesson 1", "", "system", "user", "stop"], host: host)
        #expect(run.status == 0)
        // The evidence comes first, then the verdict on the prediction.
        let wrong = run.stdout.range(of: "Not this time: you said system, the answer is dynamic.")
        let evidence = run.stdout.range(of: "Port 50000")
        #expect(wrong != nil && evidence != nil)
        if let wrong, let evidence { #expect(evidence.lowerBound < wrong.lowerBound) }
        #expect(run.stdout.contains("Right: user. 1024-49151 is the User range"))
        #expect(run.stdout.contains("Left lesson 1 at step 4 of 5; 'lesson 1' resumes there."))
        #expect(host.stateFiles[.lessons] == "1 3\n")
        #expect(run.explorer.activity == nil)
    }

    @Test("A prediction takes a unique prefix in any case, and anything else is asked again")
    func answers() {
        let run = take(["lesson 1", "", "# a comment in the script answers nothing", "nonsense", "DYN", "s"])
        #expect(run.stdout.contains("Right: dynamic."))
        #expect(
            run.stderr.contains("porthole: line 4: lesson: answer system, user or dynamic ('stop' leaves the lesson)"))
        #expect(run.stdout.contains("Not this time: you said system, the answer is user."))
        #expect(run.status == 1, "a script's malformed answer fails like any command")
    }

    @Test("Answers come from this host: the ephemeral range decides the third prediction")
    func hostAnswers() {
        let dynamicOnly = Territory.host(
            settings: HostPortSettings(ephemeralRange: 49152...65535, unprivilegedPortStart: 1024, reservedPorts: []))
        let run = take(["lesson 1 --restart", "", "d", "u", "yes", ""], host: dynamicOnly)
        #expect(run.stdout.contains("Right: yes. This computer's range is 49152-65535, inside the Dynamic range."))
        let linux = take(["lesson 1", "", "d", "u", "yes", ""])
        #expect(linux.stdout.contains("the answer is no. This computer's range is"))
        #expect(linux.stdout.contains("40000-50000: it starts in the User range"))
        #expect(linux.stdout.contains("Lesson 1 done: 2 of 3 predictions right."))
        let unknown = Territory.host(
            settings: HostPortSettings(ephemeralRange: nil, unprivilegedPortStart: nil, reservedPorts: nil))
        let none = take(["lesson 1", "", "d", "u", "yes"], host: unknown)
        #expect(none.stdout.contains("This computer cannot answer that: porthole cannot read"))
    }

    @Test("A command step runs what the student types; Enter runs the suggestion; another command earns a hint")
    func commandSteps() {
        let run = take(["lesson 2", "version", "EXPLAIN  registration --json", "stop"])
        #expect(run.stdout.contains("porthole 0.1.0"))
        #expect(run.stdout.contains("This step asks for 'explain registration': type it, or press Enter"))
        #expect(run.stdout.contains("\"command\":\"explain\""), "the student's own option is honoured")
        #expect(run.stdout.contains("Step 2 of 5"))
    }

    @Test("Lesson 4 waits for a listener, judges the deferred prediction, then waits for it to go")
    func experiment() throws {
        let host = Territory.host(territory: [Territory.sshd])
        host.paused = { host in
            // The student starts the server during the first wait and stops it during the second.
            if host.pauses == 3 { host.territory = [Territory.sshd, Territory.python] }
            if host.pauses == 6 { host.territory = [Territory.sshd] }
        }
        let run = take(["lesson 4", "", "yes", "", ""], host: host, width: 200)
        #expect(run.stdout.contains("Waiting until something listens on 2991/tcp"))
        #expect(run.stdout.contains("Seen: python3 (pid 4242) listens on 2991/tcp at 127.0.0.1."))
        #expect(
            run.stdout.contains("you said yes, the answer is no. The program holding the socket is python3 (pid 4242).")
        )
        #expect(run.stdout.contains("2991/tcp is closed again: nothing listens on it."))
        #expect(run.stdout.contains("Lesson 4 done: 0 of 1 prediction right."))
        #expect(host.pauses == 6)
        #expect(host.requests.contains { $0.polling && $0.ports == [2991...2991] })
        #expect(host.stateFiles[.lessons] == "4 done\n")
    }

    @Test("Ctrl-C during an experiment's wait leaves the lesson at that step, and the next run resumes there")
    func interruptedWait() {
        let host = Territory.host(territory: [])
        // Ctrl-C once, during the second pause.
        host.interrupted = { [unowned host] in host.pauses == 2 && host.interruptsCleared == 0 }
        let run = take(["lesson 4", "", "no", "who"], host: host, input: .interactive)
        #expect(run.stdout.contains("Left lesson 4 at step 3 of 7; 'lesson 4' resumes there."))
        #expect(run.explorer.activity == nil)
        #expect(host.stateFiles[.lessons] == "4 2\n")
        // The line after Ctrl-C is porthole's again: `who` ran as a command, not as an answer.
        #expect(
            run.stdout.hasSuffix("resumes there.\nNothing listens on tcp or udp here.\n\n"),
            "the newline after Ctrl-D ends it")
        let again = take(["lesson 4"], host: host)
        #expect(again.stdout.contains("Resuming at step 3."))
    }

    @Test("From a script, Ctrl-C during a wait ends porthole with 130")
    func interruptedScript() {
        let host = Territory.host(territory: [])
        var pressed = false
        host.interrupted = { pressed }
        host.paused = { _ in pressed = true }
        let run = take(["lesson 4", "", "no", "version"], host: host)
        #expect(run.status == 130)
        #expect(!run.stdout.contains("porthole 0.1.0"))
    }

    @Test("--print shows every step with its answers, without waiting and without keeping progress")
    func printing() {
        for lesson in Lessons.all {
            let host = Territory.host()
            let run = take(["lesson \(lesson.number) --print", "version"], host: host)
            #expect(run.status == 0, "lesson \(lesson.number): \(run.stderr)")
            #expect(run.stdout.contains("Step \(lesson.steps.count) of \(lesson.steps.count)"))
            #expect(run.stdout.contains("porthole 0.1.0"), "the session goes on after a printed lesson")
            #expect(host.pauses == 0)
            #expect(host.stateFiles[.lessons] == nil)
            #expect(!run.stdout.contains("Not this time"))
        }
        let four = take(["lesson 4 --print"])
        #expect(four.stdout.contains("(Here the lesson waits until something listens on 2991/tcp.)"))
        #expect(four.stdout.contains("Answer: no. The program holding the socket is python3 (pid 4242)."))
    }

    @Test("Every line a lesson writes itself fits 60 columns")
    func fits() throws {
        let narrow = TextContext(width: 60)
        let explorer = makeExplorer(host: Territory.host())
        let facts = LessonFacts(context: CommandContext(explorer: explorer, format: .text))
        var texts = [LessonListResult(lessons: Lessons.all, progress: LessonProgress(text: nil)).text(narrow)]
        for lesson in Lessons.all {
            let run = ActivityStart(activity: LessonRun(lesson: lesson, from: 0, printing: false))
            for printing in [false, true] {
                texts.append(
                    LessonIntro(lesson: lesson, from: 2, resumed: true, printing: printing, run: run).text(narrow))
                for (index, step) in lesson.steps.enumerated() {
                    texts.append(LessonCard(lesson: lesson, index: index, step: step, printing: printing).text(narrow))
                    guard case .predict(let prediction) = step.kind else { continue }
                    for answer in [nil] + prediction.choices {
                        let truth = prediction.truth(facts)
                        texts.append(
                            PredictionResult(question: prediction.question, answer: answer, truth: truth).text(narrow))
                    }
                }
            }
        }
        for text in texts {
            for line in text.split(separator: "\n") {
                #expect(DisplayWidth.of(String(line)) <= 60, "\(line)")
                #expect(!line.hasSuffix(" "), "\(line)")
            }
        }
    }

    @Test("JSON: each step, prediction and note is one object under 'lesson'")
    func json() throws {
        let run = take(["lesson 1", "", "dynamic", "stop"], format: .json)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.hasPrefix("{\"command\":") })
        #expect(
            lines.contains {
                $0.contains("\"kind\":\"predict\"") && $0.contains("\"choices\":[\"system\",\"user\",\"dynamic\"]")
            })
        #expect(lines.contains { $0.contains("\"correct\":\"dynamic\"") && $0.contains("\"right\":true") })
    }

    @Test("'lesson N --json' keeps the lesson's own words in JSON in a text session")
    func jsonForOneLesson() {
        let run = take(["lesson 1 --json", "", "dynamic", "stop"])
        let lessonLines = run.stdout.split(separator: "\n").filter { $0.hasPrefix("{\"command\":\"lesson\"") }
        #expect(lessonLines.contains { $0.contains("\"correct\":\"dynamic\"") })
        #expect(lessonLines.contains { $0.contains("\"note\":\"Left lesson 1 at step 3 of 5") })
        #expect(!run.stdout.contains("Right: dynamic"))
        #expect(run.stdout.contains("All 65,536 ports to scale"), "the map the student ran is text, as the session is")
    }

    @Test("Bad words get a clear answer")
    func badInput() {
        #expect(failure(of: "lesson 9", in: makeExplorer(host: Territory.host()))?.contains("no lesson '9'") == true)
        #expect(
            failure(of: "lesson --print", in: makeExplorer(host: Territory.host()))?.contains("needs a lesson number")
                == true)
        #expect(
            failure(of: "lesson 1 2", in: makeExplorer(host: Territory.host()))?.contains("one lesson at a time")
                == true)
    }

    @Test("A state folder that cannot be written is said once, and the lesson goes on")
    func unsavable() {
        let host = Territory.host()
        host.stateFolderMissing = true
        let run = take(["lesson 1", "", "dynamic"], host: host)
        let note = "Note: your progress cannot be kept"
        #expect(run.stdout.components(separatedBy: note).count == 2)
        #expect(run.stdout.contains("Right: dynamic."))
    }

    @Test("A typed command counts for a step when it names the step's command and words")
    func matching() {
        #expect(LessonRun.line("who 2991", matches: "who 2991"))
        #expect(LessonRun.line("WHO 2991 --json", matches: "who 2991"))
        #expect(!LessonRun.line("who 22", matches: "who 2991"))
        #expect(!LessonRun.line("lookup 2991", matches: "who 2991"))
        #expect(LessonRun.line("explain   ranges", matches: "explain ranges"))
    }

    @Test("The prompt names the lesson and step while one goes")
    func prompt() {
        let host = Territory.host()
        let explorer = Explorer(host: host, environment: ExplorerEnvironment(input: .interactive))
        let output = RecordedOutput()
        var source = GivenLines([.text("lesson 2"), .text("")])
        _ = explorer.converse(&source, transcript: Transcript(explorer: explorer, output: output))
        // The end of input left the lesson; the prompt is porthole's again.
        #expect(explorer.promptLabel == "porthole")
        let run = LessonRun(lesson: Lessons.registration, from: 1, printing: false)
        #expect(run.prompt == "lesson 2 (2/5)")
    }
}
